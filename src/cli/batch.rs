//! `draft batch` and `draft diff`: regenerate every project of a 경력기술서
//! in one run, review what changed, and only then replace the file.
//!
//! `batch` parses the résumé ([`Resume`]), builds one context per company,
//! pairs each résumé project with the context project of the same title
//! (the 주제 decides between equal titles), drafts the pairs concurrently
//! (`--jobs` model calls at most, through the response cache), and lays the
//! new bullets over the old file with [`merge_with_report`]: locked bullets
//! and projects stay verbatim, projects without facts stay as they were, and
//! so do projects whose drafting failed. Nothing on disk changes without
//! `--write`; with it the old file is first copied to a timestamped,
//! owner-only backup, and the write happens only when every section
//! succeeded (or `--partial` is given).
//!
//! `diff` renders the same review for any two versions of a file.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use futures::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::career::write_atomically;
use super::{
    load_facts, resolve_company, set_aside_instructions, BatchArgs, ColorChoice, DiffArgs, Outcome,
    ReviewFormat,
};
use crate::config::{fold_name, Profile};
use crate::context::{build_context, same_project, Context, Project};
use crate::drafter::{
    draft_offline, draft_with_model_redacted, period_line, Bullet, Draft, ModelDrafting, Section,
};
use crate::error::{Error, Warning};
use crate::facts::Fact;
use crate::ingest::{ingest, DocumentKind};
use crate::llm::ModelClient;
use crate::prompt::PromptSet;
use crate::render::diff::{
    claims_by_line, diff_texts, render_diff_json, render_diff_markdown, render_diff_text,
};
use crate::resume::{
    merge_with_report, normalise_title, LineRange, MergeAction, Regenerated, Resume,
};
use crate::verify::{verify_document, Status};

const TEMPERATURE: f32 = 0.2;

/// What happened to one project of the résumé.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionStatus {
    /// Redrafted and merged (locked bullets kept).
    Regenerated,
    /// Locked with `<!-- draft:keep -->`: not sent to the model, kept verbatim.
    Locked,
    /// No facts matched the project (or none could be drafted): kept as it was.
    NoFacts,
    /// Its company was not asked for (`--company`) or is unknown: kept as it was.
    Skipped,
    /// The drafting failed: kept as it was; the run exits 2.
    Failed,
}

/// One line of the batch report.
#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    pub company: String,
    pub topic: Option<String>,
    pub title: String,
    /// Lines in the old file.
    pub lines: LineRange,
    pub status: SectionStatus,
    pub reason: Option<String>,
    /// Locked bullets kept inside a regenerated project.
    pub kept_bullets: usize,
    /// Unsupported or mismatched numbers in the new bullets (marked ⚠ in the text).
    pub findings: usize,
    pub seconds: Option<f64>,
}

/// One project to draft.
struct Job {
    /// Index in [`Resume::sections`].
    position: usize,
    label: String,
    /// The company as the résumé names it, for the merge.
    resume_company: String,
    /// The company as the facts name it.
    company: String,
    topic: Option<String>,
    title: String,
    /// The company's context narrowed to this one project.
    context: Context,
    period: Option<String>,
}

enum JobResult {
    Drafted(Box<Section>),
    Empty(String),
    Failed(String),
}

/// `--color`: `always`, `never`, or `auto` (stdout is a terminal, `NO_COLOR`
/// unset, `TERM` not `dumb`).
pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
                && std::env::var("TERM").map_or(true, |term| term != "dumb")
        }
    }
}

/// The review of `old_text` → `new_text` in `format`, every number on an
/// added line verified against `facts` (each company section against its
/// own company's facts). Returns the text and whether any added number is
/// a mismatch or unsupported.
pub(crate) fn review(
    profile: &Profile,
    facts: Option<&[Fact]>,
    (old_name, old_text): (&str, &str),
    (new_name, new_text): (&str, &str),
    format: ReviewFormat,
    color: bool,
) -> (String, bool) {
    let diff = diff_texts(old_name, old_text, new_name, new_text);
    let claims = match facts {
        Some(facts) if !diff.is_empty() => {
            claims_by_line(verify_document(new_text, facts, profile, None).claims)
        }
        _ => Default::default(),
    };
    let problems = diff
        .added_claims(&claims)
        .iter()
        .any(|claim| claim.status.is_problem());
    let text = match format {
        ReviewFormat::Text => render_diff_text(&diff, &claims, color),
        ReviewFormat::Md => render_diff_markdown(&diff, &claims),
        ReviewFormat::Json => render_diff_json(&diff, &claims),
    };
    (text, problems)
}

fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| Error::Input {
        path: path.to_path_buf(),
        message: "not valid UTF-8".to_string(),
    })
}

/// `--resume FILE`, else the one career description in the content directory.
pub(crate) fn find_resume(
    profile: &Profile,
    resume: Option<&Path>,
    content: Option<&Path>,
) -> Result<PathBuf, Error> {
    if let Some(path) = resume {
        return Ok(path.to_path_buf());
    }
    let content = content
        .map(Path::to_path_buf)
        .unwrap_or_else(|| profile.content_dir());
    let corpus = ingest(&content)?;
    let found: Vec<&str> = corpus
        .documents
        .iter()
        .filter(|document| document.kind == DocumentKind::CareerDescription)
        .map(|document| document.path.as_str())
        .collect();
    match found.as_slice() {
        [only] => Ok(PathBuf::from(only)),
        [] => Err(Error::Input {
            path: content,
            message: "holds no 경력기술서 (a `# 회사` heading followed by a period line); pass --resume FILE".to_string(),
        }),
        several => Err(Error::Input {
            path: content,
            message: format!(
                "holds several 경력기술서 ({}); pass --resume FILE",
                several.join(", ")
            ),
        }),
    }
}

/// The context project for a résumé project: same title and topic, else
/// same title, else a title [`same_project`] accepts; each used once.
fn match_project(
    context: &Context,
    used: &mut [bool],
    title: &str,
    topic: Option<&str>,
) -> Option<usize> {
    let title_key = normalise_title(title);
    let topic_key = topic.map(normalise_title);
    let same_title = |project: &Project| {
        normalise_title(&project.title) == title_key
            || project
                .titles
                .iter()
                .any(|other| normalise_title(other) == title_key)
    };
    let same_topic = |project: &Project| {
        topic_key.is_some() && project.topic.as_deref().map(normalise_title) == topic_key
    };
    let free: Vec<usize> = (0..context.projects.len())
        .filter(|&index| !used[index])
        .collect();
    let chosen = free
        .iter()
        .copied()
        .find(|&index| same_title(&context.projects[index]) && same_topic(&context.projects[index]))
        .or_else(|| {
            free.iter()
                .copied()
                .find(|&index| same_title(&context.projects[index]))
        })
        .or_else(|| {
            free.iter()
                .copied()
                .find(|&index| same_project(&context.projects[index].title, title))
        })?;
    used[chosen] = true;
    Some(chosen)
}

fn problem_count(bullets: &[Bullet]) -> usize {
    bullets
        .iter()
        .map(|bullet| {
            bullet
                .claims
                .iter()
                .filter(|claim| matches!(claim.status, Status::Mismatch | Status::Unsupported))
                .count()
                + problem_count(&bullet.children)
        })
        .sum()
}

fn section_findings(section: &Section) -> usize {
    section
        .parts()
        .iter()
        .map(|(_, bullets)| problem_count(bullets))
        .sum()
}

/// Reports progress: a bar on a terminal, one line per section otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} {elapsed} {wide_msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
        }
    }

    fn finished(&mut self, label: &str, outcome: &str, seconds: f64) {
        self.done += 1;
        let line = format!(
            "[{}/{}] {label}: {outcome} ({seconds:.1} s)",
            self.done, self.total
        );
        match &self.bar {
            Some(bar) => {
                if outcome.starts_with("failed") {
                    bar.println(&line);
                }
                bar.set_message(label.to_string());
                bar.inc(1);
            }
            None => eprintln!("{line}"),
        }
    }

    fn close(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn outcome_word(result: &JobResult) -> String {
    match result {
        JobResult::Drafted(_) => "regenerated".to_string(),
        JobResult::Empty(reason) => format!("no facts ({reason})"),
        JobResult::Failed(reason) => format!("failed: {reason}"),
    }
}

/// The one section a single-project draft holds, or why there is none.
fn single_section(draft: Draft) -> JobResult {
    if let Some(failure) = draft.failures.into_iter().next() {
        return JobResult::Failed(failure.reason);
    }
    match draft.sections.into_iter().next() {
        Some(section) => JobResult::Drafted(Box::new(section)),
        None => JobResult::Empty("nothing to draft from the selected facts".to_string()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| Error::Input {
            path: PathBuf::from("<runtime>"),
            message: format!("cannot start the async runtime: {source}"),
        })
}

pub(crate) fn run_batch(
    profile: &Profile,
    args: &BatchArgs,
    strict: bool,
) -> Result<Outcome, Error> {
    let (facts, warnings) = load_facts(profile, args.content.as_deref(), strict)?;
    let mut warnings: Vec<String> = warnings.iter().map(Warning::to_string).collect();
    // As in `career`: facts that read as instructions to a model are neither
    // sent nor accepted as support for a number.
    let (facts, set_aside) = set_aside_instructions(facts);
    warnings.extend(set_aside);
    let resume_path = find_resume(profile, args.resume.as_deref(), args.content.as_deref())?;
    let old_text = read_text(&resume_path)?;
    let resume = Resume::parse(&old_text);
    if resume.companies.is_empty() {
        return Err(Error::Input {
            path: resume_path,
            message: "no company heading found (`# **회사**` followed by a period line such as `**2022.04.18 ~ 재직중**`)".to_string(),
        });
    }

    // Which résumé companies to regenerate, by the name the facts use.
    let canonical: Vec<Option<String>> = resume
        .companies
        .iter()
        .map(|company| resolve_company(profile, &facts, &company.name).ok())
        .collect();
    let wanted: Option<Vec<String>> = if args.company.is_empty() {
        None
    } else {
        let mut wanted = Vec::new();
        for name in &args.company {
            let resolved = resolve_company(profile, &facts, name)?;
            if !canonical.iter().flatten().any(|known| known == &resolved) {
                return Err(Error::Input {
                    path: resume_path.clone(),
                    message: format!(
                        "has no section for company `{name}`; its companies: {}",
                        resume
                            .companies
                            .iter()
                            .map(|company| company.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            wanted.push(resolved);
        }
        Some(wanted)
    };

    let choice = args.model.choice(profile);
    let counter = args.selection.counter(profile, &choice.endpoint.model)?;
    let options = args.selection.options(profile, None)?;

    // Plan: one job per unlocked résumé project that has facts.
    let sections = resume.sections();
    let mut reports: Vec<SectionReport> = sections
        .iter()
        .map(|section| SectionReport {
            company: section.company.to_string(),
            topic: section.topic.map(str::to_string),
            title: section.project.title.clone(),
            lines: section.project.lines,
            status: SectionStatus::Skipped,
            reason: None,
            kept_bullets: 0,
            findings: 0,
            seconds: None,
        })
        .collect();
    let mut facts_by_company: HashMap<String, Vec<Fact>> = HashMap::new();
    let mut jobs: Vec<Job> = Vec::new();
    let mut position = 0;
    for (company_index, company) in resume.companies.iter().enumerate() {
        let count: usize = company
            .topics
            .iter()
            .map(|topic| topic.projects.len())
            .sum();
        let range = position..position + count;
        position += count;
        let Some(name) = canonical[company_index].clone() else {
            warnings.push(format!(
                "{}:{}: company `{}` is neither in the profile nor in the facts; its sections are kept as they are",
                resume_path.display(),
                company.lines.start,
                company.name
            ));
            for report in &mut reports[range] {
                report.reason = Some("unknown company".to_string());
            }
            continue;
        };
        if wanted
            .as_ref()
            .is_some_and(|wanted| !wanted.contains(&name))
        {
            for report in &mut reports[range] {
                report.reason = Some("not selected with --company".to_string());
            }
            continue;
        }
        let company_facts: Vec<Fact> = facts
            .iter()
            .filter(|fact| *fact.company == *name)
            .cloned()
            .collect();
        let context = build_context(&company_facts, &name, &options, &counter);
        let period = profile
            .company(&name)
            .and_then(|entry| entry.period.clone())
            .or_else(|| context.company_period.as_ref().and_then(period_line));
        let mut used = vec![false; context.projects.len()];
        for index in range {
            let section = &sections[index];
            let report = &mut reports[index];
            if section.project.locked {
                report.status = SectionStatus::Locked;
                continue;
            }
            let Some(project_index) =
                match_project(&context, &mut used, &section.project.title, section.topic)
            else {
                report.status = SectionStatus::NoFacts;
                report.reason = Some("no facts name this project".to_string());
                continue;
            };
            let mut single = context.clone();
            single.projects = vec![context.projects[project_index].clone()];
            single.unlinked.clear();
            jobs.push(Job {
                position: index,
                label: match section.topic {
                    Some(topic) => {
                        format!("{} › {topic} › {}", section.company, section.project.title)
                    }
                    None => format!("{} › {}", section.company, section.project.title),
                },
                resume_company: section.company.to_string(),
                company: name.clone(),
                topic: section.topic.map(str::to_string),
                title: section.project.title.clone(),
                context: single,
                period: period.clone(),
            });
        }
        facts_by_company.insert(name, company_facts);
    }

    // Draft.
    let mut notes = Vec::new();
    let empty: Vec<Fact> = Vec::new();
    let company_facts = |job: &Job| facts_by_company.get(&job.company).unwrap_or(&empty);
    let mut progress = Progress::new(jobs.len());
    let mut results: Vec<(usize, JobResult, f64)> = Vec::new();
    if args.model.offline || !choice.configured {
        if !args.model.offline {
            notes.push(
                "note: drafting offline from the facts (no OPENAI_API_KEY or OPENAI_BASE_URL); \
                 pass --base-url or set OPENAI_API_KEY to draft with a model"
                    .to_string(),
            );
        }
        for (job_index, job) in jobs.iter().enumerate() {
            let started = Instant::now();
            let draft = draft_offline(&job.context, company_facts(job), job.period.clone());
            let result = single_section(draft);
            let seconds = started.elapsed().as_secs_f64();
            progress.finished(&job.label, &outcome_word(&result), seconds);
            results.push((job_index, result, seconds));
        }
    } else if !jobs.is_empty() {
        let prompts = PromptSet::load(args.model.prompts_dir(profile).as_deref())?;
        let settings = args.model.client_settings(profile);
        let client = Arc::new(ModelClient::new(choice.endpoint, settings)?);
        let drafting = ModelDrafting {
            client: Arc::clone(&client),
            prompts: &prompts,
            jobs: 1,
            temperature: TEMPERATURE,
        };
        let limit = args.model.jobs(profile);
        // Personal data is replaced by placeholders before anything goes to
        // an endpoint off this machine (DRAFT_FORCE_REDACT=1 is for tests).
        let redaction = super::career::redaction_for(
            profile,
            &client.endpoint().base_url,
            args.model.no_redact,
            &facts,
        );
        let redaction = redaction.as_ref();
        let runtime = runtime()?;
        runtime.block_on(async {
            let drafting = &drafting;
            let company_facts = &company_facts;
            let mut pending = stream::iter(jobs.iter().enumerate())
                .map(|(job_index, job)| async move {
                    let started = Instant::now();
                    let result = match draft_with_model_redacted(
                        &job.context,
                        company_facts(job),
                        job.period.clone(),
                        drafting,
                        redaction,
                    )
                    .await
                    {
                        Ok(draft) => single_section(draft),
                        Err(error) => JobResult::Failed(error.to_string()),
                    };
                    (job_index, result, started.elapsed().as_secs_f64())
                })
                .buffer_unordered(limit);
            while let Some((job_index, result, seconds)) = pending.next().await {
                progress.finished(&jobs[job_index].label, &outcome_word(&result), seconds);
                results.push((job_index, result, seconds));
            }
        });
        notes.push(format!(
            "note: {} model call(s) sent to {}; the rest came from the cache",
            client.calls_made(),
            client.endpoint().display_url()
        ));
    }
    progress.close();

    // Merge.
    results.sort_by_key(|(job_index, _, _)| *job_index);
    let mut regenerated: Vec<Regenerated> = Vec::new();
    for (job_index, result, seconds) in results {
        let job = &jobs[job_index];
        let report = &mut reports[job.position];
        report.seconds = Some(seconds);
        match result {
            JobResult::Drafted(section) => {
                let mut section = *section;
                section.title = job.title.clone();
                section.topic = job.topic.clone();
                report.status = SectionStatus::Regenerated;
                report.findings = section_findings(&section);
                match regenerated
                    .iter_mut()
                    .find(|group| group.company == job.resume_company)
                {
                    Some(group) => group.sections.push(section),
                    None => regenerated.push(Regenerated {
                        company: job.resume_company.clone(),
                        sections: vec![section],
                    }),
                }
            }
            JobResult::Empty(reason) => {
                report.status = SectionStatus::NoFacts;
                report.reason = Some(reason);
            }
            JobResult::Failed(reason) => {
                report.status = SectionStatus::Failed;
                report.reason = Some(reason);
            }
        }
    }
    let (merged, merge_report) = merge_with_report(&resume, &regenerated);
    for (report, outcome) in reports.iter_mut().zip(&merge_report.outcomes) {
        report.kept_bullets = outcome.kept_bullets;
        if report.status == SectionStatus::Regenerated && outcome.action != MergeAction::Regenerated
        {
            report.status = SectionStatus::Skipped;
            report.reason = Some("the merge did not place it".to_string());
        }
    }
    let new_text = merged.render();

    // Report.
    let failed: Vec<&SectionReport> = reports
        .iter()
        .filter(|report| report.status == SectionStatus::Failed)
        .collect();
    let count = |status: SectionStatus| {
        reports
            .iter()
            .filter(|report| report.status == status)
            .count()
    };
    notes.push(format!(
        "{}: {} regenerated, {} locked, {} without facts, {} skipped, {} failed",
        resume_path.display(),
        count(SectionStatus::Regenerated),
        count(SectionStatus::Locked),
        count(SectionStatus::NoFacts),
        count(SectionStatus::Skipped),
        failed.len()
    ));
    for report in &failed {
        notes.push(format!(
            "error: {} (lines {}–{}) failed and was left as it was: {}",
            report.title,
            report.lines.start,
            report.lines.end,
            report.reason.as_deref().unwrap_or("unknown reason")
        ));
    }
    let findings: usize = reports.iter().map(|report| report.findings).sum();
    if findings > 0 {
        notes.push(format!(
            "warning: {findings} number(s) in the new bullets could not be traced to a source and are marked ⚠[확인 필요]"
        ));
    }

    // Write.
    let refused = args.write && !failed.is_empty() && !args.partial;
    let mut written = false;
    if refused {
        notes.push(format!(
            "not written: {} section(s) failed; rerun (cached sections cost nothing) or pass --partial to write the others",
            failed.len()
        ));
    } else {
        if let Some(output) = &args.output {
            write_atomically(output, new_text.as_bytes())?;
            notes.push(format!("wrote {}", output.display()));
        }
        if args.write {
            if new_text == old_text {
                notes.push(format!(
                    "{} is unchanged; nothing written",
                    resume_path.display()
                ));
            } else {
                let backup = write_backup(&resume_path, old_text.as_bytes())?;
                write_atomically(&resume_path, new_text.as_bytes())?;
                written = true;
                notes.push(format!(
                    "wrote {} (backup: {})",
                    resume_path.display(),
                    backup.display()
                ));
            }
        }
    }

    let shown_name = resume_path.display().to_string();
    let mut problems = findings > 0;
    let stdout = if args.diff {
        let (text, review_problems) = review(
            profile,
            Some(&facts),
            (&shown_name, &old_text),
            (&format!("{shown_name} (regenerated)"), &new_text),
            args.format,
            use_color(args.color),
        );
        problems |= review_problems;
        text
    } else if args.output.is_some() || args.write {
        String::new()
    } else {
        match args.format {
            ReviewFormat::Json => batch_json(
                &shown_name,
                &reports,
                &merge_report.unmatched,
                written,
                &new_text,
            ),
            ReviewFormat::Text | ReviewFormat::Md => new_text,
        }
    };
    let exit_code = if !failed.is_empty() {
        2
    } else if strict && problems {
        1
    } else {
        0
    };
    Ok(Outcome {
        listing: None,
        stdout,
        warnings,
        notes,
        exit_code,
    })
}

#[derive(Serialize)]
struct BatchDocument<'a> {
    version: u32,
    resume: &'a str,
    written: bool,
    sections: &'a [SectionReport],
    unmatched: &'a [String],
    markdown: &'a str,
}

/// `draft batch --format json` without `--diff`: per section what happened,
/// and the new résumé.
fn batch_json(
    resume: &str,
    sections: &[SectionReport],
    unmatched: &[String],
    written: bool,
    markdown: &str,
) -> String {
    let document = BatchDocument {
        version: 1,
        resume,
        written,
        sections,
        unmatched,
        markdown,
    };
    serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
}

/// `2026-11-21T16-05-00` (UTC) for `seconds` since the Unix epoch: the
/// call log's timestamp without the characters file names avoid.
fn utc_stamp(seconds: u64) -> String {
    crate::llm::rfc3339_utc(seconds)
        .trim_end_matches('Z')
        .replace(':', "-")
}

/// Copies the old file to `FILE.YYYY-MM-DDTHH-MM-SS.bak` (UTC) beside it,
/// readable by the owner only; never overwrites an earlier backup.
fn write_backup(path: &Path, contents: &[u8]) -> Result<PathBuf, Error> {
    use std::io::Write as _;
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let stamp = utc_stamp(seconds);
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_else(|| "resume.md".to_string());
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut attempt = 1;
    loop {
        let suffix = if attempt == 1 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let backup = directory.join(format!("{name}.{stamp}{suffix}.bak"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        match options.open(&backup) {
            Ok(mut file) => {
                let written = file.write_all(contents).and_then(|()| file.sync_all());
                return written.map(|()| backup.clone()).map_err(|source| {
                    let _ = std::fs::remove_file(&backup);
                    Error::Write {
                        path: backup,
                        source,
                    }
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(source) => {
                return Err(Error::Write {
                    path: backup,
                    source,
                })
            }
        }
    }
}

/// The review `draft career --diff` prints.
// Used by `cli/career.rs` once its `--diff` flag is wired (see `career_review`).
pub(crate) struct CareerReview {
    pub text: String,
    /// An added number is a mismatch or unsupported.
    pub problems: bool,
    /// Drafted projects the résumé has no section for (not shown in the review).
    pub unmatched: Vec<String>,
}

/// `draft career --diff`: lays `draft` over the company's part of the résumé
/// at `resume_path` the way `batch` does (locked text kept, projects the
/// draft does not cover untouched) and reviews the change, numbers verified
/// against `facts`.
pub(crate) fn career_review(
    profile: &Profile,
    facts: &[Fact],
    draft: &Draft,
    resume_path: &Path,
    format: ReviewFormat,
    color: bool,
) -> Result<CareerReview, Error> {
    let old_text = read_text(resume_path)?;
    let resume = Resume::parse(&old_text);
    let company = resume
        .companies
        .iter()
        .find(|company| {
            let name = resolve_company(profile, facts, &company.name)
                .unwrap_or_else(|_| company.name.clone());
            fold_name(&name) == fold_name(&draft.company)
        })
        .ok_or_else(|| Error::Input {
            path: resume_path.to_path_buf(),
            message: format!(
                "has no section for company `{}` to compare the draft with",
                draft.company
            ),
        })?;
    let regenerated = [Regenerated {
        company: company.name.clone(),
        sections: draft.sections.clone(),
    }];
    let (merged, report) = merge_with_report(&resume, &regenerated);
    let name = resume_path.display().to_string();
    let (text, problems) = review(
        profile,
        Some(facts),
        (&name, &old_text),
        (&format!("{name} (with the draft)"), &merged.render()),
        format,
        color,
    );
    Ok(CareerReview {
        text,
        problems,
        unmatched: report.unmatched,
    })
}

/// `draft diff OLD NEW`: the review of two versions of a 경력기술서.
pub(crate) fn run_diff(profile: &Profile, args: &DiffArgs, strict: bool) -> Result<Outcome, Error> {
    let old_text = read_text(&args.old)?;
    let new_text = read_text(&args.new)?;
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    let facts = if args.no_verify {
        None
    } else {
        match load_facts(profile, args.content.as_deref(), strict) {
            Ok((facts, found)) => {
                warnings.extend(found.iter().map(Warning::to_string));
                Some(facts)
            }
            Err(error @ (Error::MissingContent { .. } | Error::EmptyContent { .. })) => {
                notes.push(format!("note: numbers are not verified: {error}"));
                None
            }
            Err(error) => return Err(error),
        }
    };
    let facts = match (&args.company, facts) {
        (Some(name), Some(facts)) => {
            let company = resolve_company(profile, &facts, name)?;
            Some(
                facts
                    .into_iter()
                    .filter(|fact| fold_name(&fact.company) == fold_name(&company))
                    .collect::<Vec<_>>(),
            )
        }
        (_, facts) => facts,
    };
    let (stdout, problems) = review(
        profile,
        facts.as_deref(),
        (&args.old.display().to_string(), &old_text),
        (&args.new.display().to_string(), &new_text),
        args.format,
        use_color(args.color),
    );
    Ok(Outcome {
        listing: None,
        stdout,
        warnings,
        notes,
        exit_code: u8::from(problems),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafter::DraftMode;

    #[test]
    fn career_review_merges_the_draft_into_the_resume() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("resume.md");
        std::fs::write(
            &path,
            "# **회사**\n\n**2020.01 ~ 재직중**\n\n## 가\n\n### 담당\n\n- 옛 글머리\n- 지킬 글머리 <!-- draft:keep -->\n\n## 나\n\n- 그대로\n",
        )
        .unwrap();
        let bullet = |text: &str| Bullet {
            text: text.to_string(),
            facts: Vec::new(),
            claims: Vec::new(),
            children: Vec::new(),
        };
        let draft = Draft {
            company: "회사".to_string(),
            period: None,
            mode: DraftMode::Offline,
            sections: vec![
                Section {
                    topic: None,
                    title: "가".to_string(),
                    background: Vec::new(),
                    action: vec![bullet("새 글머리")],
                    result: Vec::new(),
                },
                Section {
                    topic: None,
                    title: "다".to_string(),
                    background: vec![bullet("새 프로젝트")],
                    action: Vec::new(),
                    result: Vec::new(),
                },
            ],
            failures: Vec::new(),
        };
        let review = career_review(
            &Profile::default(),
            &[],
            &draft,
            &path,
            ReviewFormat::Text,
            false,
        )
        .unwrap();
        assert!(
            review
                .text
                .contains("-- 옛 글머리\n+- 새 글머리\n - 지킬 글머리 <!-- draft:keep -->"),
            "{}",
            review.text
        );
        assert!(!review.text.contains("그대로"));
        assert_eq!(review.unmatched, ["회사 › 다"]);
        assert!(!review.problems);
    }

    #[test]
    fn utc_stamps_are_calendar_dates() {
        assert_eq!(utc_stamp(0), "1970-01-01T00-00-00");
        assert_eq!(utc_stamp(951_782_400), "2000-02-29T00-00-00");
        assert_eq!(utc_stamp(1_795_277_100), "2026-11-21T16-05-00");
    }
}
