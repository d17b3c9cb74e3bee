//! The ingest benchmark (`benches/ingest.rs`) built as the `draft` binary
//! is: Cargo builds every bench target with `panic = "unwind"`, whatever
//! the profile says, while `[profile.release]` aborts on a panic, which
//! lets the compiler drop the unwinding paths of the pipeline's code.
//! `cargo run --release --example ingest` prints the figures of the
//! shipped build; `cargo bench --bench ingest` those of the same code built
//! to unwind.

#[path = "../benches/ingest.rs"]
mod ingest;

fn main() {
    ingest::main();
}
