//! Command-line interface: argument definitions and the dispatch from a
//! parsed command to the pipeline stages. Returns text and an exit code;
//! `main` does the printing.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{fold_name, load_profile, Profile};
use crate::error::{Error, Warning};
use crate::facts::{extract_facts_from_sources, Fact, UNASSIGNED};
use crate::ingest::read_sources;
use crate::render::{write_facts_json, write_facts_table};

mod batch;
mod career;

#[derive(Debug, Parser)]
#[command(
    name = "draft",
    version,
    about = "Drafts a Korean 경력기술서 from your retrospectives; every number traced to its source"
)]
pub struct Cli {
    /// The profile file (default: ./draft.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    /// Treat input warnings (unreadable files, malformed front matter) as errors.
    #[arg(long, global = true)]
    pub strict: bool,

    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run; boxing the larger argument structs would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the facts extracted from the content directory, with provenance.
    Facts(FactsArgs),
    /// Draft a company's 경력기술서 (offline from the facts, or through a model).
    Career(CareerArgs),
    /// Show the log of model calls (time, model, endpoint, tokens, duration, cache hit).
    Logs(LogsArgs),
    /// Check every number of a draft against a company's facts (exit 1 on a mismatch or unsupported number).
    Verify(VerifyArgs),
    /// Lint the sources: stated totals, splits, averages, maxima and comparisons against their tables.
    Check(CheckArgs),
    /// Regenerate every project of a 경력기술서 at once, keeping locked text; review before writing.
    Batch(BatchArgs),
    /// Review what changed between two versions of a 경력기술서, numbers verified.
    Diff(DiffArgs),
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The draft to verify (any Markdown: a model's draft or a hand-written 경력기술서).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check against this company's facts (default: the company heading of each
    /// section of FILE, `# 회사` with a period line or naming a known company;
    /// else all facts).
    #[arg(long)]
    pub company: Option<String>,
    /// Content directory (default: `content` from draft.toml, else ./content).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Print the candidate facts and scores behind each number (for tuning and
    /// bug reports; the format is not stable). Needs --company.
    #[arg(long, hide = true, requires = "company")]
    pub explain: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Content directory (default: `content` from draft.toml, else ./content).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// The 경력기술서 to regenerate (default: the one career description in the content directory).
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Only these companies (names or aliases; the others are kept as they are).
    #[arg(long, value_name = "NAME", num_args = 1..)]
    pub company: Vec<String>,
    /// Content directory (default: `content` from draft.toml, else ./content).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print a review of the changes (per section, numbers verified) instead of the new text.
    #[arg(long)]
    pub diff: bool,
    /// Replace the résumé file (after a timestamped backup beside it).
    #[arg(long)]
    pub write: bool,
    /// With --write: write even when some sections failed (they stay as they were).
    #[arg(long)]
    pub partial: bool,
    /// Output format of the review (--diff) or report (json).
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
    /// Colour the text review: auto (a terminal, NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the new résumé to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old version.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new version; numbers on its added lines are verified.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Content directory for the facts (default: `content` from draft.toml, else ./content).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Verify against this company's facts only (default: each company section against its own).
    #[arg(long)]
    pub company: Option<String>,
    /// Do not verify numbers (no facts are read).
    #[arg(long)]
    pub no_verify: bool,
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
    /// Colour the text review: auto (a terminal, NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReviewFormat {
    Text,
    Md,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Which facts go into a project's context: shared by `career` and `batch`.
#[derive(Debug, clap::Args)]
pub struct SelectionArgs {
    /// Only facts from this date on (YYYY-MM-DD or YYYY.MM).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only facts up to this date (YYYY-MM-DD or YYYY.MM).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Token budget for the facts of one project (default: draft.toml, else 1500).
    #[arg(long, value_name = "TOKENS")]
    pub budget: Option<usize>,
    /// tiktoken encoding used to count tokens (o200k_base, cl100k_base).
    #[arg(long)]
    pub encoding: Option<String>,
}

/// Whether and how to reach a model: shared by `career` and `batch`.
#[derive(Debug, clap::Args)]
pub struct ModelArgs {
    /// Draft from the facts without a model, even when one is configured.
    #[arg(long)]
    pub offline: bool,
    /// Model name (wins over DRAFT_MODEL and draft.toml).
    #[arg(long = "model", value_name = "NAME")]
    pub name: Option<String>,
    /// OpenAI-compatible base URL (wins over OPENAI_BASE_URL and draft.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Model calls in flight at once (default: draft.toml, else 4).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Per-request timeout in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Attempts per model request, the first included.
    #[arg(long, value_name = "N")]
    pub attempts: Option<u32>,
    /// A directory of *.hbs templates overriding the built-in prompts.
    #[arg(long, value_name = "DIR")]
    pub prompts: Option<PathBuf>,
    /// Neither read nor write the response cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Send personal data (phones, e-mails, 주민등록번호, [privacy] names) as is,
    /// even to an endpoint off this machine (by default it is replaced by placeholders).
    #[arg(long)]
    pub no_redact: bool,
}

#[derive(Debug, clap::Args)]
pub struct CareerArgs {
    /// The company to draft (name or alias from draft.toml).
    #[arg(long)]
    pub company: String,
    /// Content directory (default: `content` from draft.toml, else ./content).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Only projects whose title resembles NAME.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print the selected facts, the rendered messages and token counts; call nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// md (the draft as Markdown) or json; with --diff also text (the default there).
    #[arg(long, value_enum)]
    pub format: Option<DraftFormat>,
    /// Write the draft to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show a review diff of the draft against the résumé instead of the draft.
    #[arg(long)]
    pub diff: bool,
    /// The résumé to diff against (default: the career description in the content directory).
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Colour the diff: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DraftFormat {
    Md,
    Json,
    Text,
}

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// Print the raw JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    /// Content directory (default: `content` from draft.toml, else ./content).
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Only facts of this company (name or alias; `unassigned` for the rest).
    #[arg(long)]
    pub company: Option<String>,
    #[arg(long, value_enum, default_value_t = FactsFormat::Table)]
    pub format: FactsFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FactsFormat {
    Table,
    Json,
}

/// What a command produced: text for stdout, warnings for stderr, an exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    /// A fact listing for stdout after `stdout`, written by `main` as it is
    /// rendered rather than held as one text (`draft facts`).
    pub listing: Option<Listing>,
    pub warnings: Vec<String>,
    /// Informational lines for stderr (how to switch to a model, where a file went).
    pub notes: Vec<String>,
    pub exit_code: u8,
}

/// The facts `draft facts` lists, in the format asked for.
#[derive(Debug)]
pub struct Listing {
    facts: Vec<Fact>,
    warnings: Vec<Warning>,
    format: FactsFormat,
}

impl Listing {
    /// Writes the listing to `out` as it is rendered.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self.format {
            FactsFormat::Table => write_facts_table(out, &self.facts),
            FactsFormat::Json => write_facts_json(out, &self.facts, &self.warnings),
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome, Error> {
    let profile = load_profile(cli.profile.as_deref())?;
    match cli.command {
        Command::Facts(args) => run_facts(&profile, &args, cli.strict),
        Command::Verify(args) => run_verify(&profile, &args, cli.strict),
        Command::Check(args) => run_check(&profile, &args, cli.strict),
        Command::Career(args) => career::run_career(&profile, &args, cli.strict),
        Command::Logs(args) => career::run_logs(&args),
        Command::Batch(args) => batch::run_batch(&profile, &args, cli.strict),
        Command::Diff(args) => batch::run_diff(&profile, &args, cli.strict),
    }
}

/// Ingests the content directory and extracts facts, applying `--strict`.
pub fn load_facts(
    profile: &Profile,
    content: Option<&std::path::Path>,
    strict: bool,
) -> Result<(Vec<Fact>, Vec<crate::error::Warning>), Error> {
    let content = content
        .map(PathBuf::from)
        .unwrap_or_else(|| profile.content_dir());
    let sources = read_sources(&content)?;
    let (facts, found) = extract_facts_from_sources(&sources.files, profile);
    let mut warnings = sources.warnings;
    warnings.extend(found);
    if strict {
        if let Some(first) = warnings.first() {
            return Err(Error::Strict {
                count: warnings.len(),
                first: first.clone(),
            });
        }
    }
    Ok((facts, warnings))
}

/// Splits off the facts that read as instructions to a model (see
/// [`crate::redact::looks_like_instruction`]): they are neither sent to a
/// model nor accepted as support for a number. Returns the other facts and
/// one warning (path:line) per fact set aside.
pub(crate) fn set_aside_instructions(facts: Vec<Fact>) -> (Vec<Fact>, Vec<String>) {
    let (instructions, facts): (Vec<Fact>, Vec<Fact>) = facts
        .into_iter()
        .partition(|fact| crate::redact::looks_like_instruction(&fact.text));
    let warnings = instructions.iter().map(instruction_warning).collect();
    (facts, warnings)
}

fn instruction_warning(fact: &Fact) -> String {
    format!(
        "{}:{}: left out: reads as an instruction to the model, not a record of work",
        fact.source.path, fact.source.line_start
    )
}

/// Resolves a user-given company name to the name facts carry, or explains
/// which names exist.
pub fn resolve_company(profile: &Profile, facts: &[Fact], name: &str) -> Result<String, Error> {
    if let Some(canonical) = profile.canonical_company(name) {
        return Ok(canonical.to_string());
    }
    let mut known: Vec<String> = profile.companies.iter().map(|c| c.name.clone()).collect();
    for fact in facts {
        if !known.iter().any(|name| **name == *fact.company) {
            known.push(fact.company.to_string());
        }
    }
    if let Some(found) = known
        .iter()
        .find(|known| fold_name(known) == fold_name(name))
    {
        return Ok(found.clone());
    }
    if fold_name(name) == UNASSIGNED {
        return Ok(UNASSIGNED.to_string());
    }
    let suggestion = closest(name, &known);
    Err(Error::UnknownCompany {
        name: name.to_string(),
        suggestion,
        known,
    })
}

/// The known name nearest to `name` by character edit distance, if close enough.
fn closest(name: &str, known: &[String]) -> Option<String> {
    let wanted: Vec<char> = fold_name(name).chars().collect();
    known
        .iter()
        .map(|candidate| {
            let folded: Vec<char> = fold_name(candidate).chars().collect();
            (edit_distance(&wanted, &folded), candidate)
        })
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 2).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.clone())
}

fn edit_distance(left: &[char], right: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (i, left_char) in left.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, right_char) in right.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != right_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[right.len()]
}

/// Colour only when stdout is a terminal and `NO_COLOR` is not set.
fn stdout_is_colour_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn run_verify(profile: &Profile, args: &VerifyArgs, strict: bool) -> Result<Outcome, Error> {
    let bytes = std::fs::read(&args.file).map_err(|source| Error::Read {
        path: args.file.clone(),
        source,
    })?;
    let markdown = String::from_utf8(bytes).map_err(|_| Error::Input {
        path: args.file.clone(),
        message: "not valid UTF-8".to_string(),
    })?;
    let (facts, warnings) = load_facts(profile, args.content.as_deref(), strict)?;
    let mut warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    // As in `career`: a fact that tells a model what to write supports nothing.
    let (facts, set_aside) = set_aside_instructions(facts);
    warnings.extend(set_aside);
    let company = match &args.company {
        Some(name) => Some(resolve_company(profile, &facts, name)?),
        None => None,
    };
    if let (true, Some(company)) = (args.explain, company.as_deref()) {
        let own: Vec<_> = facts
            .iter()
            .filter(|fact| *fact.company == *company)
            .cloned()
            .collect();
        return Ok(Outcome {
            listing: None,
            stdout: crate::verify::explain_markdown(&markdown, &own),
            warnings,
            notes: Vec::new(),
            exit_code: 0,
        });
    }
    let verified = crate::verify::verify_document(&markdown, &facts, profile, company.as_deref());
    let file = args.file.display().to_string();
    let stdout = match args.format {
        ReportFormat::Text => crate::render::verification::render_verification_text(
            &file,
            verified.company.as_deref(),
            &verified.claims,
            stdout_is_colour_terminal(),
        ),
        ReportFormat::Json => crate::render::verification::render_verification_json(
            &file,
            verified.company.as_deref(),
            &verified.claims,
        ),
    };
    let failed = verified
        .claims
        .iter()
        .any(|claim| claim.status.is_problem());
    Ok(Outcome {
        listing: None,
        stdout,
        warnings,
        notes: Vec::new(),
        exit_code: u8::from(failed),
    })
}

fn run_check(profile: &Profile, args: &CheckArgs, strict: bool) -> Result<Outcome, Error> {
    let (facts, warnings) = load_facts(profile, args.content.as_deref(), strict)?;
    let findings = crate::verify::check_facts(&facts);
    let stdout = match args.format {
        ReportFormat::Text => {
            crate::render::verification::render_check_text(&findings, stdout_is_colour_terminal())
        }
        ReportFormat::Json => crate::render::verification::render_check_json(&findings),
    };
    Ok(Outcome {
        listing: None,
        stdout,
        warnings: warnings.iter().map(ToString::to_string).collect(),
        notes: Vec::new(),
        exit_code: u8::from(!findings.is_empty()),
    })
}

fn run_facts(profile: &Profile, args: &FactsArgs, strict: bool) -> Result<Outcome, Error> {
    let (mut facts, warnings) = load_facts(profile, args.content.as_deref(), strict)?;
    if let Some(name) = &args.company {
        let company = resolve_company(profile, &facts, name)?;
        facts.retain(|fact| *fact.company == *company);
    }
    // Listed, but flagged: `career`, `batch` and `verify` leave these out.
    let notes = facts
        .iter()
        .filter(|fact| crate::redact::looks_like_instruction(&fact.text))
        .map(|fact| {
            format!(
                "note: {}:{}: reads as an instruction to the model; career, batch and verify leave it out",
                fact.source.path, fact.source.line_start
            )
        })
        .collect();
    Ok(Outcome {
        warnings: warnings.iter().map(ToString::to_string).collect(),
        listing: Some(Listing {
            facts,
            warnings,
            format: args.format,
        }),
        notes,
        ..Outcome::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_name_is_suggested() {
        let known = vec!["한패스".to_string(), "플라잉닥터".to_string()];
        assert_eq!(closest("한패쓰", &known), Some("한패스".to_string()));
        assert_eq!(closest("zzzzzzzz", &known), None);
    }
}
