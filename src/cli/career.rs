//! `draft career` and `draft logs`: resolves the model settings (flags over
//! environment over draft.toml), builds the context, drafts offline or
//! through the model, and writes the result.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{
    load_facts, resolve_company, set_aside_instructions, CareerArgs, DraftFormat, LogsArgs,
    ModelArgs, Outcome, ReviewFormat, SelectionArgs,
};
use crate::config::Profile;
use crate::context::{
    build_context, encoding_for_model, ContextOptions, TokenCounter, DEFAULT_BUDGET,
    DEFAULT_ENCODING,
};
use crate::drafter::{draft_offline, draft_with_model_redacted, period_line, ModelDrafting};
use crate::error::Error;
use crate::facts::Fact;
use crate::llm::{
    default_cache_dir, format_call_log, read_call_log, ClientSettings, Endpoint, ModelClient,
    Secret,
};
use crate::prompt::{DraftInput, PromptSet};
use crate::redact::{is_loopback_url, Redaction};
use crate::render::career::{
    render_draft_json, render_draft_markdown, render_dry_run, PlannedCall,
};

const DEFAULT_MODEL: &str = "gpt-4o-mini";
const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const DEFAULT_JOBS: usize = 4;
const LOG_FILE: &str = "calls.jsonl";

/// Where and how to reach a model, after flags, environment and profile.
pub(crate) struct ModelChoice {
    pub endpoint: Endpoint,
    /// True when a key or a base URL was given: the user asked for a model.
    pub configured: bool,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}

/// Flags win over the environment, the environment over draft.toml.
fn choose_model(
    profile: &Profile,
    model_flag: Option<&str>,
    base_url_flag: Option<&str>,
) -> ModelChoice {
    let key = non_empty(std::env::var("OPENAI_API_KEY").ok()).map(Secret::new);
    let base_url = non_empty(base_url_flag.map(str::to_string))
        .or_else(|| non_empty(std::env::var("OPENAI_BASE_URL").ok()))
        .or_else(|| non_empty(profile.model.base_url.clone()));
    let model = non_empty(model_flag.map(str::to_string))
        .or_else(|| non_empty(std::env::var("DRAFT_MODEL").ok()))
        .or_else(|| non_empty(profile.model.name.clone()))
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());
    let configured = key.is_some() || base_url.is_some();
    ModelChoice {
        endpoint: Endpoint {
            base_url: base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
            api_key: key,
            model,
        },
        configured,
    }
}

impl ModelArgs {
    /// The endpoint and model: flags over the environment over draft.toml.
    pub(crate) fn choice(&self, profile: &Profile) -> ModelChoice {
        choose_model(profile, self.name.as_deref(), self.base_url.as_deref())
    }

    /// Timeout, attempts, cache and log of the client.
    pub(crate) fn client_settings(&self, profile: &Profile) -> ClientSettings {
        client_settings(profile, self.timeout, self.attempts, self.no_cache)
    }

    /// The user's template directory, if any (flag over draft.toml).
    pub(crate) fn prompts_dir(&self, profile: &Profile) -> Option<PathBuf> {
        self.prompts.clone().or_else(|| profile.prompts.clone())
    }

    /// Model calls in flight at once, at least one.
    pub(crate) fn jobs(&self, profile: &Profile) -> usize {
        self.jobs
            .or(profile.model.jobs)
            .unwrap_or(DEFAULT_JOBS)
            .max(1)
    }
}

impl SelectionArgs {
    /// The tokenizer that counts the budget: `--encoding`, else draft.toml's,
    /// else the one tiktoken knows for `model` (`gpt-4` → cl100k_base), else
    /// o200k_base (current OpenAI models; a fair count for local ones).
    pub(crate) fn counter(&self, profile: &Profile, model: &str) -> Result<TokenCounter, Error> {
        let encoding = self
            .encoding
            .clone()
            .or_else(|| profile.model.encoding.clone())
            .or_else(|| encoding_for_model(model).map(str::to_string))
            .unwrap_or_else(|| DEFAULT_ENCODING.to_string());
        TokenCounter::new(&encoding)
    }

    /// The context options, validated; `project` narrows to one project.
    pub(crate) fn options(
        &self,
        profile: &Profile,
        project: Option<String>,
    ) -> Result<ContextOptions, Error> {
        let options = ContextOptions {
            budget: self
                .budget
                .or(profile.model.budget)
                .unwrap_or(DEFAULT_BUDGET),
            project,
            since: self.since.clone(),
            until: self.until.clone(),
        };
        options.validate()?;
        Ok(options)
    }
}

/// The redaction to apply before facts go to `base_url`: none for a
/// loopback endpoint (unless `DRAFT_FORCE_REDACT=1`, for tests) or with
/// `--no-redact`. Primed with `facts` in order, so placeholder numbering is
/// stable across runs and cached replies restore correctly.
pub(crate) fn redaction_for(
    profile: &Profile,
    base_url: &str,
    no_redact: bool,
    facts: &[Fact],
) -> Option<Redaction> {
    let force = std::env::var_os("DRAFT_FORCE_REDACT").is_some_and(|value| value == "1");
    (!no_redact && (force || !is_loopback_url(base_url))).then(|| {
        Redaction::with_texts(
            &profile.privacy.names,
            facts.iter().map(|fact| fact.text.as_str()),
        )
    })
}

/// The call log's path: next to the response cache.
pub(crate) fn log_path() -> Option<PathBuf> {
    default_cache_dir().map(|directory| directory.join(LOG_FILE))
}

fn client_settings(
    profile: &Profile,
    timeout: Option<u64>,
    attempts: Option<u32>,
    no_cache: bool,
) -> ClientSettings {
    let defaults = ClientSettings::default();
    ClientSettings {
        timeout: timeout
            .or(profile.model.timeout_seconds)
            .map(Duration::from_secs)
            .unwrap_or(defaults.timeout),
        max_attempts: attempts
            .or(profile.model.attempts)
            .unwrap_or(defaults.max_attempts),
        cache_dir: if no_cache { None } else { default_cache_dir() },
        log_path: log_path(),
        ..defaults
    }
}

pub(crate) fn run_career(
    profile: &Profile,
    args: &CareerArgs,
    strict: bool,
) -> Result<Outcome, Error> {
    let (facts, warnings) = load_facts(profile, args.content.as_deref(), strict)?;
    let company = resolve_company(profile, &facts, &args.company)?;
    // Facts that read as instructions to a model are neither sent nor
    // accepted as support for a number (see `redact::looks_like_instruction`).
    let (company_facts, set_aside) = set_aside_instructions(
        facts
            .into_iter()
            .filter(|fact| *fact.company == *company)
            .collect(),
    );

    let choice = args.model.choice(profile);
    let counter = args.selection.counter(profile, &choice.endpoint.model)?;
    let options = args.selection.options(profile, args.project.clone())?;
    let context = build_context(&company_facts, &company, &options, &counter);
    let period = profile
        .company(&company)
        .and_then(|entry| entry.period.clone())
        .or_else(|| context.company_period.as_ref().and_then(period_line));

    let prompts_dir = args.model.prompts_dir(profile);
    let mut notes: Vec<String> = set_aside
        .iter()
        .map(|warning| format!("warning: {warning}"))
        .collect();
    // Personal data is replaced by placeholders before anything is sent to
    // an endpoint off this machine. DRAFT_FORCE_REDACT=1 (for tests) redacts
    // for a loopback endpoint too.
    let redaction = redaction_for(
        profile,
        &choice.endpoint.base_url,
        args.model.no_redact,
        &company_facts,
    );

    if args.dry_run {
        let prompts = PromptSet::load(prompts_dir.as_deref())?;
        let mut calls = Vec::new();
        for project in &context.projects {
            let input =
                DraftInput::from_project(&company, context.company_period.as_ref(), project);
            let mut messages = prompts.draft_messages(&input)?;
            if let Some(redaction) = &redaction {
                for message in &mut messages {
                    message.content = redaction.redact(&message.content);
                }
            }
            let tokens = messages
                .iter()
                .map(|message| counter.count(&message.content))
                .sum();
            calls.push(PlannedCall {
                title: project.title.clone(),
                messages,
                tokens,
            });
        }
        if let Some(redaction) = redaction
            .as_ref()
            .filter(|redaction| redaction.replaced_count() > 0)
        {
            notes.push(format!(
                "note: {} piece(s) of personal data are replaced by placeholders in the messages \
                 (the endpoint is not on this machine); --no-redact sends them as they are",
                redaction.replaced_count()
            ));
        }
        let endpoint = (!args.model.offline && choice.configured).then(|| {
            format!(
                "{} (model {})",
                choice.endpoint.display_url(),
                choice.endpoint.model
            )
        });
        return Ok(Outcome {
            listing: None,
            stdout: render_dry_run(&context, &calls, endpoint.as_deref()),
            warnings: warnings.iter().map(ToString::to_string).collect(),
            notes,
            exit_code: 0,
        });
    }

    let draft = if args.model.offline || !choice.configured {
        if !args.model.offline {
            notes.push(
                "note: drafting offline from the facts (no OPENAI_API_KEY or OPENAI_BASE_URL). \
                 To draft with a model, set OPENAI_API_KEY (and DRAFT_MODEL), or point \
                 --base-url / OPENAI_BASE_URL at an OpenAI-compatible server such as Ollama, \
                 vLLM or llama.cpp."
                    .to_string(),
            );
        }
        draft_offline(&context, &company_facts, period)
    } else {
        let prompts = PromptSet::load(prompts_dir.as_deref())?;
        let settings = args.model.client_settings(profile);
        let client = Arc::new(ModelClient::new(choice.endpoint, settings)?);
        let drafting = ModelDrafting {
            client: Arc::clone(&client),
            prompts: &prompts,
            jobs: args.model.jobs(profile),
            temperature: 0.2,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|source| Error::Input {
                path: PathBuf::from("<runtime>"),
                message: format!("cannot start the async runtime: {source}"),
            })?;
        let draft = runtime.block_on(draft_with_model_redacted(
            &context,
            &company_facts,
            period,
            &drafting,
            redaction.as_ref(),
        ))?;
        notes.push(format!(
            "note: {} model call(s) sent to {}; the rest came from the cache",
            client.calls_made(),
            client.endpoint().display_url()
        ));
        draft
    };

    let findings = draft.findings();
    let mut review_problems = false;
    let rendered = if args.diff {
        let format = match args.format {
            Some(DraftFormat::Md) => ReviewFormat::Md,
            Some(DraftFormat::Json) => ReviewFormat::Json,
            Some(DraftFormat::Text) | None => ReviewFormat::Text,
        };
        let path =
            super::batch::find_resume(profile, args.resume.as_deref(), args.content.as_deref())?;
        let review = super::batch::career_review(
            profile,
            &company_facts,
            &draft,
            &path,
            format,
            super::batch::use_color(args.color),
        )?;
        if !review.unmatched.is_empty() {
            notes.push(format!(
                "note: drafted project(s) with no section in {}: {}",
                path.display(),
                review.unmatched.join(", ")
            ));
        }
        review_problems = review.problems;
        review.text
    } else {
        match args.format {
            Some(DraftFormat::Md | DraftFormat::Text) | None => render_draft_markdown(&draft),
            Some(DraftFormat::Json) => render_draft_json(&draft),
        }
    };
    if !findings.is_empty() {
        notes.push(format!(
            "warning: {} number(s) could not be traced to a source and are marked ⚠[확인 필요]",
            findings.len()
        ));
    }
    for failure in &draft.failures {
        notes.push(format!(
            "error: project `{}` could not be drafted: {}",
            failure.title,
            failure.reason.replace('\n', " ")
        ));
    }
    let stdout = match &args.output {
        // A partial draft never replaces the file: the projects that worked
        // are in the response cache, so a re-run costs only the failed ones.
        Some(path) if !draft.failures.is_empty() => {
            notes.push(format!(
                "not writing {}: {} project(s) failed (the others are cached; run again)",
                path.display(),
                draft.failures.len()
            ));
            String::new()
        }
        Some(path) => {
            write_atomically(path, rendered.as_bytes())?;
            notes.push(format!("wrote {}", path.display()));
            String::new()
        }
        None => rendered,
    };
    let exit_code = if !draft.failures.is_empty() {
        2
    } else if strict && (!findings.is_empty() || review_problems) {
        1
    } else {
        0
    };
    Ok(Outcome {
        listing: None,
        stdout,
        warnings: warnings.iter().map(ToString::to_string).collect(),
        notes,
        exit_code,
    })
}

pub(crate) fn run_logs(args: &LogsArgs) -> Result<Outcome, Error> {
    let Some(path) = log_path() else {
        return Ok(Outcome {
            stdout: "no cache directory on this system, so no call log\n".to_string(),
            ..Outcome::default()
        });
    };
    if !path.exists() {
        return Ok(Outcome {
            listing: None,
            stdout: format!("no model calls logged yet ({})\n", path.display()),
            ..Outcome::default()
        });
    }
    let records = read_call_log(&path)?;
    let stdout = if args.json {
        records
            .iter()
            .filter_map(|record| serde_json::to_string(record).ok())
            .map(|line| line + "\n")
            .collect()
    } else {
        format_call_log(&records)
    };
    Ok(Outcome {
        stdout,
        ..Outcome::default()
    })
}

/// Writes `contents` to a temporary file beside `path`, then renames it
/// over `path`, so a reader never sees half a file.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_else(|| "draft".to_string());
    let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    };
    write().map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        Error::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}
