//! Entry point: parse arguments, run, print, exit (0 ok, 1 findings, 2 error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

// Ingest allocates many small strings per fact; mimalloc halves that cost.
#[global_allocator]
static ALLOCATOR: draft::allocator::Allocator = draft::allocator::Allocator;

fn main() -> ExitCode {
    let cli = draft::cli::Cli::parse();
    match draft::cli::run(cli) {
        Ok(outcome) => {
            for warning in &outcome.warnings {
                eprintln!("warning: {warning}");
            }
            for note in &outcome.notes {
                eprintln!("{note}");
            }
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            let written = stdout
                .write_all(outcome.stdout.as_bytes())
                .and_then(|()| match &outcome.listing {
                    Some(listing) => listing.write_to(&mut stdout),
                    None => Ok(()),
                })
                .and_then(|()| stdout.flush());
            match written {
                Ok(()) => ExitCode::from(outcome.exit_code),
                // The reader stopped reading (`draft facts | head`): what
                // it asked for was written, and there is no one to tell.
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                    ExitCode::from(outcome.exit_code)
                }
                Err(error) => {
                    eprintln!("error: cannot write to stdout: {error}");
                    ExitCode::from(2)
                }
            }
        }
        Err(error) => {
            eprintln!("error: {:#}", anyhow::Error::from(error));
            ExitCode::from(2)
        }
    }
}
