//! Groups one company's facts into the projects a 경력기술서 is made of, and
//! chooses, per project, which facts a drafter gets to see within a token
//! budget — with a short, printable reason for every fact kept or left out.
//!
//! This is the only place that decides what the model reads, so every rule
//! here is deterministic and explainable (`draft career --dry-run` prints the
//! reasons); nothing depends on where a heading sits in a document.
//!
//! # Titles and bigrams
//!
//! Titles are compared by their *key*: the ticket key (`MPT-8704:`), tags in
//! square brackets (`[통합]`) and parenthesised annotations holding a digit
//! (`(2월)`, `(7~8월)`, `(2025.12.23 완료 예정)`, `(9개 커밋)`) are removed;
//! then trailing *stage words* ([`STAGE_WORDS`]: `완료`, `구축`, `안정화`, …)
//! are removed, because they say how far a project had come when it was
//! written about, not what it is (`가예약 시스템 (11월)` one year and
//! `가예약 시스템 안정화 (1월)` the next are one project); then everything but
//! letters and digits (spaces, punctuation, emoji) is dropped and the rest
//! lower-cased, so Korean spacing variants (`진료신청서` / `진료 신청서`) agree.
//! Similarity is measured on the sets of character bigrams of keys.
//!
//! # Merging
//!
//! A project is whatever [`Fact::project`] names: a heading of a career
//! description or note, a `####` project heading of a retrospective, or a
//! ticket write-up. Two such titles from *different documents* are the same
//! project when at least [`MERGE_SHARE`] (75 %) of each key's bigrams occur in
//! the other and they carry no different ticket keys. Titles of one document
//! are never merged: its author wrote two headings (`대외 연동` under 서비스
//! 개발 and under 서비스 개선; `법인 외부 차량 예약` and `… 분리`).
//!
//! # Attaching facts that name a project
//!
//! A fact without a project is cut into *mentions* at `|`, `,`, `、`, `:`,
//! `;` and sentence ends. A mention names a title when at least
//! [`MENTION_SHARE`] (75 %) of the mention's bigrams occur in the title and
//! they cover at least [`MENTION_COVERAGE`] (40 %) of the title's bigrams
//! (`결제 MSA 분리 완료` names `결제 서비스 MSA 분리 완료 (2월)`; `결제` alone
//! and `예약 시스템 혁신` name nothing). Each mention names at most its best
//! project (highest `sqrt(share × coverage)`); the fact joins every project
//! one of its mentions names, else it is reported as not linked, with its
//! closest miss. `--project NAME` keeps the projects with a title holding at
//! least 75 % of NAME's bigrams (no coverage floor: typed names are short).
//!
//! # Ranking and selection
//!
//! Relevance is the IDF-weighted share of the project's title bigrams that a
//! fact's text contains (IDF over the company's facts, BM25's formula). The
//! score is relevance plus 1 when the fact holds a number, so numeric facts
//! come first. Within each project the best-scoring background, action and
//! result that fit are reserved first (when the project has them), then the
//! rest are taken by score while the budget lasts; a nested bullet brings its
//! parent along. Tokens are counted with tiktoken on each fact exactly as the
//! prompt quotes it (one JSON line, [`crate::prompt::fact_line`]).
//!
//! # Narrowing and order
//!
//! `since`/`until` leave out projects whose span misses the range, and facts
//! whose own period misses it (`outside period`). A fact whose text repeats
//! an earlier one of the project is left out as a duplicate. Projects from a
//! career description (with a 주제) come first, in 주제 then document order;
//! the rest follow by period start, then first appearance. Selected facts are
//! listed by role (background, action, result, lesson, other), in source
//! order within a role.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use tiktoken_rs::tokenizer::Tokenizer;
use tiktoken_rs::CoreBPE;

use crate::error::Error;
use crate::facts::{Fact, Period, Role, Task};
use crate::prompt::{fact_line, role_label};

/// Token budget per project when neither flag nor profile gives one.
pub const DEFAULT_BUDGET: usize = 1500;
/// The tiktoken encoding of current OpenAI models.
pub const DEFAULT_ENCODING: &str = "o200k_base";
/// Encodings [`TokenCounter::new`] accepts.
pub const ENCODINGS: [&str; 6] = [
    "o200k_base",
    "o200k_harmony",
    "cl100k_base",
    "p50k_base",
    "p50k_edit",
    "r50k_base",
];

/// Words at the end of a title that name a project's stage, not the project.
pub const STAGE_WORDS: [&str; 11] = [
    "시작",
    "착수",
    "진행",
    "구축",
    "도입",
    "완료",
    "마무리",
    "런칭",
    "출시",
    "안정화",
    "고도화",
];
/// Two titles merge when each key has at least this share of its bigrams in the other.
pub const MERGE_SHARE: f64 = 0.75;
/// A mention names a title when at least this share of its bigrams is in the title …
pub const MENTION_SHARE: f64 = 0.75;
/// … and they cover at least this share of the title's bigrams.
pub const MENTION_COVERAGE: f64 = 0.4;

/// Counts tokens the way the model's tokenizer will.
///
/// Cheap to clone: the BPE tables are loaded once per process and shared.
#[derive(Clone)]
pub struct TokenCounter {
    encoding: &'static str,
    bpe: &'static CoreBPE,
}

impl fmt::Debug for TokenCounter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("TokenCounter")
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl TokenCounter {
    /// Loads a tiktoken encoding by name (`o200k_base`, `cl100k_base`, …).
    pub fn new(encoding: &str) -> Result<Self, Error> {
        let unknown = || Error::UnknownEncoding {
            name: encoding.to_string(),
            known: ENCODINGS.iter().map(ToString::to_string).collect(),
        };
        let (name, tokenizer) = match encoding.trim().to_ascii_lowercase().as_str() {
            "o200k_base" => ("o200k_base", Tokenizer::O200kBase),
            "o200k_harmony" => ("o200k_harmony", Tokenizer::O200kHarmony),
            "cl100k_base" => ("cl100k_base", Tokenizer::Cl100kBase),
            "p50k_base" => ("p50k_base", Tokenizer::P50kBase),
            "p50k_edit" => ("p50k_edit", Tokenizer::P50kEdit),
            "r50k_base" => ("r50k_base", Tokenizer::R50kBase),
            "gpt2" => ("gpt2", Tokenizer::Gpt2),
            _ => return Err(unknown()),
        };
        let bpe = tiktoken_rs::bpe_for_tokenizer(tokenizer).map_err(|_| unknown())?;
        Ok(TokenCounter {
            encoding: name,
            bpe,
        })
    }

    /// Tokens in `text`; special-token text such as `<|endoftext|>` counts as plain text.
    pub fn count(&self, text: &str) -> usize {
        self.bpe.encode_ordinary(text).len()
    }

    pub fn encoding(&self) -> &str {
        self.encoding
    }
}

/// The encoding tiktoken uses for an OpenAI model name (`gpt-4o-mini` →
/// `o200k_base`), or `None` for models it does not know (local models).
pub fn encoding_for_model(model: &str) -> Option<&'static str> {
    let name = match tiktoken_rs::tokenizer::get_tokenizer(model)? {
        Tokenizer::O200kBase => "o200k_base",
        Tokenizer::O200kHarmony => "o200k_harmony",
        Tokenizer::Cl100kBase => "cl100k_base",
        Tokenizer::P50kBase => "p50k_base",
        Tokenizer::P50kEdit => "p50k_edit",
        Tokenizer::R50kBase => "r50k_base",
        Tokenizer::Gpt2 => "gpt2",
    };
    Some(name)
}

/// How to narrow the context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextOptions {
    /// Tokens of quoted facts per project.
    pub budget: usize,
    /// Keep only projects this name names (same rule as attaching mentions).
    pub project: Option<String>,
    /// Drop facts whose period ends before this date (`2025-02-10`, `2025.02`, `2025`).
    pub since: Option<String>,
    /// Drop facts whose period starts after this date.
    pub until: Option<String>,
}

impl Default for ContextOptions {
    fn default() -> Self {
        ContextOptions {
            budget: DEFAULT_BUDGET,
            project: None,
            since: None,
            until: None,
        }
    }
}

impl ContextOptions {
    /// Checks `since` and `until`; [`build_context`] reports an invalid one by
    /// leaving every fact out, so call this first for a proper error.
    pub fn validate(&self) -> Result<(), Error> {
        self.bounds().map(|_| ())
    }

    /// The first day of `since` and the last day of `until`, as ISO dates.
    fn bounds(&self) -> Result<(Option<String>, Option<String>), Error> {
        let since = match &self.since {
            Some(text) => Some(date_range(text, "--since")?.0),
            None => None,
        };
        let until = match &self.until {
            Some(text) => Some(date_range(text, "--until")?.1),
            None => None,
        };
        if let (Some(since_day), Some(until_day)) = (&since, &until) {
            if since_day > until_day {
                return Err(Error::InvalidDate {
                    option: "--since".to_string(),
                    value: self.since.clone().unwrap_or_default(),
                    reason: ["it is after --until ", until_day.as_str()].concat(),
                });
            }
        }
        Ok((since, until))
    }
}

/// `2025-02-10` → that day; `2025.02` / `2025-02` → the month; `2025` /
/// `2025년` → the year. Returns the first and last day as ISO dates.
fn date_range(text: &str, option: &str) -> Result<(String, String), Error> {
    let trimmed = text.trim();
    let invalid = || Error::InvalidDate {
        option: option.to_string(),
        value: text.to_string(),
        reason: "expected a date such as 2025-02-10, 2025.02 or 2025".to_string(),
    };
    let well_formed = !trimmed.is_empty()
        && trimmed.len() <= 12
        && trimmed
            .chars()
            .all(|character| character.is_ascii_digit() || ".-/년".contains(character));
    if !well_formed {
        return Err(invalid());
    }
    if trimmed.len() == 4 && trimmed.chars().all(|character| character.is_ascii_digit()) {
        return Ok(([trimmed, "-01-01"].concat(), [trimmed, "-12-31"].concat()));
    }
    let period = Period::parse(trimmed).ok_or_else(invalid)?;
    match (period.start, period.end) {
        (Some(start), Some(end)) => Ok((start, end)),
        _ => Err(invalid()),
    }
}

/// A fact chosen for the prompt, with why.
#[derive(Debug, Clone, Serialize)]
pub struct SelectedFact {
    pub fact: Fact,
    /// Relevance (0–1) plus 1 when the fact holds a number.
    pub score: f64,
    /// `relevance 0.42, has 2 numbers, covers 결과`.
    pub reason: String,
}

/// A fact left out, with why (`over budget …`, `outside period …`, `not linked to a project …`).
#[derive(Debug, Clone, Serialize)]
pub struct DroppedFact {
    pub fact: Fact,
    pub reason: String,
}

/// One project of the 경력기술서, possibly merged from several documents.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// The earliest title, without month or count annotations (`결제 서비스 MSA 분리`).
    pub title: String,
    /// Every title merged into this project, as written, earliest first.
    pub titles: Vec<String>,
    /// The 주제 (`서비스 개발`) when the sources give one.
    pub topic: Option<String>,
    /// From the earliest start to the latest end of the project's own facts.
    pub period: Option<Period>,
    /// In role order (background, action, result, lesson, other), source order within a role.
    pub selected: Vec<SelectedFact>,
    /// In source order.
    pub dropped: Vec<DroppedFact>,
    /// Tokens of the selected facts as quoted in the prompt.
    pub tokens: usize,
}

/// What the drafter sees of one company.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub company: String,
    /// From the earliest start to the latest end of the company's facts.
    pub company_period: Option<Period>,
    pub projects: Vec<Project>,
    /// Facts that belong to no project, each with the reason.
    pub unlinked: Vec<DroppedFact>,
    pub encoding: String,
    pub budget: usize,
}

type Bigram = (char, char);

/// Lower-cased letters and digits of `text`, everything else dropped.
fn letters_and_digits(text: &str) -> Vec<char> {
    text.chars()
        .filter(|character| character.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn bigrams(text: &str) -> HashSet<Bigram> {
    letters_and_digits(text)
        .windows(2)
        .map(|pair| (pair[0], pair[1]))
        .collect()
}

/// A leading ticket key such as `MPT-8704`, if the title starts with one.
fn ticket_key(title: &str) -> Option<&str> {
    let trimmed = title.trim_start();
    let end = trimmed
        .find(|character: char| !(character.is_ascii_alphanumeric() || character == '-'))
        .unwrap_or(trimmed.len());
    let candidate = &trimmed[..end];
    let (letters, digits) = candidate.split_once('-')?;
    let is_key = !letters.is_empty()
        && letters
            .chars()
            .all(|character| character.is_ascii_uppercase() || character.is_ascii_digit())
        && letters.starts_with(|character: char| character.is_ascii_uppercase())
        && !digits.is_empty()
        && digits.chars().all(|character| character.is_ascii_digit());
    let follows = trimmed[end..].chars().next();
    let separated = matches!(
        follows,
        None | Some(':') | Some('：') | Some(' ') | Some('\t')
    );
    (is_key && separated).then_some(candidate)
}

/// Removes `[tags]` and parenthesised annotations that hold a digit.
fn strip_annotations(text: &str) -> String {
    let characters: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < characters.len() {
        let open = characters[index];
        let close = match open {
            '[' => Some(']'),
            '(' => Some(')'),
            '（' => Some('）'),
            _ => None,
        };
        if let Some(close) = close {
            if let Some(length) = characters[index + 1..].iter().position(|c| *c == close) {
                let inner = &characters[index + 1..index + 1 + length];
                let remove = open == '[' || inner.iter().any(char::is_ascii_digit);
                if remove {
                    out.push(' ');
                    index += length + 2;
                    continue;
                }
            }
        }
        out.push(open);
        index += 1;
    }
    out
}

/// The title as a 경력기술서 heading: annotations removed, spaces collapsed.
fn display_title(title: &str) -> String {
    let cleaned = strip_annotations(title.trim_matches('*'));
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.is_empty() {
        title.trim().to_string()
    } else {
        words.join(" ")
    }
}

/// The comparable key of a title (see the module documentation).
pub fn title_key(title: &str) -> String {
    let without_ticket = match ticket_key(title) {
        Some(key) => title
            .trim_start()
            .trim_start_matches(key)
            .trim_start_matches([':', '：', ' ']),
        None => title,
    };
    let stripped = strip_annotations(without_ticket);
    let mut words: Vec<&str> = stripped.split_whitespace().collect();
    while words.len() > 1 && words.last().is_some_and(|word| STAGE_WORDS.contains(word)) {
        words.pop();
    }
    letters_and_digits(&words.concat()).into_iter().collect()
}

/// (share of `left` found in `right`, share of `right` found in `left`).
fn shares(left: &HashSet<Bigram>, right: &HashSet<Bigram>) -> (f64, f64) {
    if left.is_empty() || right.is_empty() {
        return (0.0, 0.0);
    }
    let common = left.intersection(right).count() as f64;
    (common / left.len() as f64, common / right.len() as f64)
}

/// True when two titles name the same project by the merge rule (the
/// same-document guard is applied by [`build_context`]).
pub fn same_project(left: &str, right: &str) -> bool {
    same_project_keyed(
        left,
        &bigrams(&title_key(left)),
        right,
        &bigrams(&title_key(right)),
    )
}

/// [`same_project`] with the titles' keys (`bigrams(&title_key(title))`)
/// made once by the caller.
fn same_project_keyed(
    left: &str,
    left_bigrams: &HashSet<Bigram>,
    right: &str,
    right_bigrams: &HashSet<Bigram>,
) -> bool {
    if let (Some(left_key), Some(right_key)) = (ticket_key(left), ticket_key(right)) {
        if left_key != right_key {
            return false;
        }
    }
    let (forward, backward) = shares(left_bigrams, right_bigrams);
    forward.min(backward) >= MERGE_SHARE
}

/// How well `mention` names `title`: `Some(sqrt(share × coverage))` when it
/// does by the mention rule, else `None`.
pub fn mention_score(mention: &str, title: &str) -> Option<f64> {
    let (share, coverage) = shares(&bigrams(&title_key(mention)), &bigrams(&title_key(title)));
    names(share, coverage).then(|| (share * coverage).sqrt())
}

/// True when a name typed by the user (`--project 결제 MSA`) matches `title`:
/// at least [`MENTION_SHARE`] of the name's bigrams occur in the title's key.
/// There is no coverage floor, because typed names are short abbreviations.
pub fn name_matches(name: &str, title: &str) -> bool {
    let (share, _) = shares(&bigrams(&title_key(name)), &bigrams(&title_key(title)));
    share >= MENTION_SHARE
}

fn names(share: f64, coverage: f64) -> bool {
    share >= MENTION_SHARE && coverage >= MENTION_COVERAGE
}

/// Cuts a fact's text into mentions at `|`, `,`, `、`, `:`, `;` and sentence ends.
fn mentions(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut characters = text.char_indices().peekable();
    while let Some((index, character)) = characters.next() {
        let next_is_space = characters
            .peek()
            .is_none_or(|(_, next)| next.is_whitespace());
        let separates = matches!(character, '|' | ',' | '，' | '、' | ':' | '：' | ';')
            || (matches!(character, '.' | '!' | '?' | '。') && next_is_space);
        if separates {
            parts.push(&text[start..index]);
            start = index + character.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// The span from the earliest start to the latest end; an open end wins.
fn span<'a>(periods: impl Iterator<Item = &'a Period>) -> Option<Period> {
    let mut start: Option<String> = None;
    let mut end: Option<String> = None;
    let mut open_end = false;
    let mut any = false;
    for period in periods {
        any = true;
        if let Some(candidate) = &period.start {
            if start.as_ref().is_none_or(|current| candidate < current) {
                start = Some(candidate.clone());
            }
        }
        match &period.end {
            Some(candidate) => {
                if end.as_ref().is_none_or(|current| candidate > current) {
                    end = Some(candidate.clone());
                }
            }
            None => open_end = true,
        }
    }
    if !any {
        return None;
    }
    Some(Period {
        start,
        end: if open_end { None } else { end },
    })
}

fn show_period(period: &Period) -> String {
    [
        period.start.as_deref().unwrap_or("?"),
        " ~ ",
        period.end.as_deref().unwrap_or("now"),
    ]
    .concat()
}

/// The 주제 a fact belongs to, if it comes from a career description: there
/// the company heading opens the heading path and the 주제 follows it; in a
/// note the section (`스터디`) opens the path itself and is no 주제.
fn career_topic(fact: &Fact) -> Option<&str> {
    let topic = fact.topic.as_deref()?;
    (fact.heading_path.first().map(String::as_str) != Some(topic)).then_some(topic)
}

/// Titles from one document under one topic: the unit that merging joins.
struct Group {
    document: String,
    title: String,
    members: Vec<usize>,
}

/// A project while it is being built.
struct Cluster {
    groups: Vec<usize>,
    /// The documents of `groups`: a cluster takes one group per document.
    documents: HashSet<String>,
    /// The distinct titles of `groups`, first seen first, with each one's
    /// key and the first group that has it: a title's many groups (one per
    /// document) all name and match alike.
    titles: Vec<String>,
    keys: Vec<HashSet<Bigram>>,
    key_groups: Vec<usize>,
    own: Vec<usize>,
    /// Facts attached by a mention: position, the mention, its score.
    attached: Vec<(usize, String, f64)>,
}

/// A fact considered for one project.
struct Candidate {
    position: usize,
    relevance: f64,
    numbers: usize,
    tokens: usize,
    mention: Option<String>,
}

/// A heading over work not done yet: `다음 주 계획`, `향후 계획`, `계획된 작업
/// 범위`, `… 완료 예정`, `할 일`, `TODO`. A plan that was made and carried out
/// (`배포 계획 수립`) is work done.
fn reads_as_plan(heading: &str) -> bool {
    let heading = heading.trim();
    let lower = heading.to_lowercase();
    heading.contains("예정")
        || heading.contains("계획된")
        || heading.contains("계획 중")
        || heading.contains("할 일")
        || lower.contains("todo")
        || lower.contains("to do")
        || lower.contains("to-do")
        || ["다음 주", "다음주", "다음 달", "다음달", "향후"]
            .iter()
            .any(|start| heading.starts_with(start))
        || (heading.ends_with("계획") && !heading.contains("수립"))
}

/// Builds the context of `company` from `facts` (facts of other companies are ignored).
pub fn build_context(
    facts: &[Fact],
    company: &str,
    options: &ContextOptions,
    counter: &TokenCounter,
) -> Context {
    let company_facts: Vec<&Fact> = facts
        .iter()
        .filter(|fact| *fact.company == *company)
        .collect();
    let mut context = Context {
        company: company.to_string(),
        company_period: span(
            company_facts
                .iter()
                .filter_map(|fact| fact.period.as_deref()),
        ),
        projects: Vec::new(),
        unlinked: Vec::new(),
        encoding: counter.encoding().to_string(),
        budget: options.budget,
    };
    let (since, until) = match options.bounds() {
        Ok(bounds) => bounds,
        Err(error) => {
            let reason = error.to_string();
            context.unlinked = company_facts
                .iter()
                .map(|fact| DroppedFact {
                    fact: (*fact).clone(),
                    reason: reason.clone(),
                })
                .collect();
            return context;
        }
    };
    let fact_bigrams: Vec<HashSet<Bigram>> = company_facts
        .iter()
        .map(|fact| bigrams(&fact.text))
        .collect();

    // Planned work (`## 다음 주 계획`, `**Phase 1 목표 (12.23 완료 예정)**`) is
    // not yet done: it is no 경력 to draft from.
    let mut planned: Vec<(usize, String)> = Vec::new();
    for (position, fact) in company_facts.iter().enumerate() {
        if let Some(heading) = fact
            .heading_path
            .iter()
            .find(|heading| reads_as_plan(heading))
        {
            planned.push((
                position,
                ["planned, not done (under `", heading, "`)"].concat(),
            ));
        } else if fact.task == Some(Task::Open) {
            planned.push((
                position,
                "planned, not done (an unchecked task, `- [ ]`)".to_string(),
            ));
        }
    }
    let mut planned_at = vec![false; company_facts.len()];
    for (position, _) in &planned {
        if let Some(flag) = planned_at.get_mut(*position) {
            *flag = true;
        }
    }
    let is_planned = |position: usize| planned_at.get(position).copied().unwrap_or(false);

    // Groups: one per (document, topic, title), in order of first appearance.
    let mut groups: Vec<Group> = Vec::new();
    // Each group's place in `groups`, by (document, topic, title): a corpus
    // of thousands of files has thousands of groups. (The topic only tells
    // groups apart.)
    let mut group_at: HashMap<(&str, Option<&str>, &str), usize> = HashMap::new();
    for (position, fact) in company_facts.iter().enumerate() {
        let Some(title) = &fact.project else { continue };
        if is_planned(position) {
            continue;
        }
        let key = (&*fact.source.path, fact.topic.as_deref(), &**title);
        match group_at.get(&key).and_then(|&index| groups.get_mut(index)) {
            Some(group) => group.members.push(position),
            None => {
                group_at.insert(key, groups.len());
                groups.push(Group {
                    document: fact.source.path.to_string(),
                    title: title.to_string(),
                    members: vec![position],
                });
            }
        }
    }

    // Clusters: groups merged by title, never two groups of one document.
    let mut clusters: Vec<Cluster> = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        let key = bigrams(&title_key(&group.title));
        let joins = clusters.iter().position(|cluster| {
            !cluster.documents.contains(&group.document)
                && cluster
                    .titles
                    .iter()
                    .zip(&cluster.keys)
                    .any(|(title, title_bigrams)| {
                        same_project_keyed(title, title_bigrams, &group.title, &key)
                    })
        });
        match joins {
            Some(found) => {
                let cluster = &mut clusters[found];
                cluster.groups.push(index);
                cluster.documents.insert(group.document.clone());
                if !cluster.titles.contains(&group.title) {
                    cluster.titles.push(group.title.clone());
                    cluster.keys.push(key);
                    cluster.key_groups.push(index);
                }
                cluster.own.extend(&group.members);
            }
            None => clusters.push(Cluster {
                groups: vec![index],
                documents: HashSet::from([group.document.clone()]),
                titles: vec![group.title.clone()],
                keys: vec![key],
                key_groups: vec![index],
                own: group.members.clone(),
                attached: Vec::new(),
            }),
        }
    }

    // Facts without a project: attach to the projects their mentions name.
    let mut unlinked: Vec<(usize, String)> = Vec::new();
    for (position, fact) in company_facts.iter().enumerate() {
        if fact.project.is_some() || is_planned(position) {
            continue;
        }
        let mut named: HashMap<usize, (String, f64)> = HashMap::new();
        let mut closest: Option<(f64, f64, f64, usize)> = None;
        for mention in mentions(&fact.text) {
            let mention_bigrams = bigrams(&title_key(mention));
            let mut best: Option<(f64, usize)> = None;
            for (cluster_index, cluster) in clusters.iter().enumerate() {
                for (key_index, key) in cluster.keys.iter().enumerate() {
                    let (share, coverage) = shares(&mention_bigrams, key);
                    let score = (share * coverage).sqrt();
                    if names(share, coverage) {
                        if best.is_none_or(|(best_score, _)| score > best_score) {
                            best = Some((score, cluster_index));
                        }
                    } else if closest.is_none_or(|(best_score, ..)| score > best_score) {
                        closest = Some((score, share, coverage, cluster.key_groups[key_index]));
                    }
                }
            }
            if let Some((score, cluster_index)) = best {
                let entry = named
                    .entry(cluster_index)
                    .or_insert_with(|| (mention.to_string(), score));
                if score > entry.1 {
                    *entry = (mention.to_string(), score);
                }
            }
        }
        if named.is_empty() {
            let reason = match closest {
                Some((score, share, coverage, group)) if score > 0.0 => format!(
                    "not linked to a project (closest title `{}`: {:.0}% of the mention in it, {:.0}% of it covered; needs {:.0}% and {:.0}%)",
                    groups[group].title,
                    share * 100.0,
                    coverage * 100.0,
                    MENTION_SHARE * 100.0,
                    MENTION_COVERAGE * 100.0
                ),
                _ => "not linked to a project".to_string(),
            };
            unlinked.push((position, reason));
        } else {
            for (cluster_index, (mention, score)) in named {
                clusters[cluster_index]
                    .attached
                    .push((position, mention, score));
            }
        }
    }
    unlinked.extend(planned.iter().cloned());
    unlinked.sort_by_key(|(position, _)| *position);
    context.unlinked = unlinked
        .into_iter()
        .map(|(position, reason)| DroppedFact {
            fact: company_facts[position].clone(),
            reason,
        })
        .collect();

    // IDF over the company's facts (BM25's formula).
    let fact_count = company_facts.len() as f64;
    let mut document_frequency: HashMap<Bigram, usize> = HashMap::new();
    for set in &fact_bigrams {
        for bigram in set {
            *document_frequency.entry(*bigram).or_insert(0) += 1;
        }
    }
    let idf = |bigram: &Bigram| -> f64 {
        let frequency = document_frequency.get(bigram).copied().unwrap_or(0) as f64;
        (1.0 + (fact_count - frequency + 0.5) / (frequency + 0.5)).ln()
    };

    // Topic order: the order in which topics first appear.
    let mut topic_order: Vec<&str> = Vec::new();
    for fact in &company_facts {
        if let Some(topic) = career_topic(fact) {
            if !topic_order.contains(&topic) {
                topic_order.push(topic);
            }
        }
    }

    let mut built: Vec<(Option<usize>, String, usize, Project)> = Vec::new();
    for cluster in &clusters {
        let mut own = cluster.own.clone();
        own.sort_unstable();
        let period = span(
            own.iter()
                .filter_map(|&position| company_facts[position].period.as_deref()),
        );
        // Titles, earliest group first.
        let mut group_order: Vec<usize> = cluster.groups.clone();
        group_order.sort_by_key(|&group| {
            let members = &groups[group].members;
            let start = span(
                members
                    .iter()
                    .filter_map(|&p| company_facts[p].period.as_deref()),
            )
            .and_then(|period| period.start)
            .unwrap_or_else(|| "9999".to_string());
            (start, members.first().copied().unwrap_or(usize::MAX))
        });
        let titles: Vec<String> = group_order
            .iter()
            .map(|&group| groups[group].title.clone())
            .collect();
        let title = display_title(titles.first().map(String::as_str).unwrap_or(""));
        let topic = own
            .iter()
            .find_map(|&position| career_topic(company_facts[position]).map(str::to_string));

        if let Some(wanted) = &options.project {
            if !titles
                .iter()
                .any(|candidate| name_matches(wanted, candidate))
            {
                continue;
            }
        }
        if let Some(period) = &period {
            if !period.overlaps(since.as_deref(), until.as_deref()) {
                continue;
            }
        }

        let query: HashSet<Bigram> = cluster.keys.iter().flatten().copied().collect();
        let query_weight: f64 = query.iter().map(&idf).sum();
        let relevance = |position: usize| -> f64 {
            if query_weight <= 0.0 {
                return 0.0;
            }
            // `fold` from +0.0: an empty `sum` of floats is -0.0.
            let found = query
                .iter()
                .filter(|bigram| fact_bigrams[position].contains(bigram))
                .map(&idf)
                .fold(0.0, |total, weight| total + weight);
            found / query_weight
        };

        let mut positions: Vec<(usize, Option<String>)> =
            own.iter().map(|&position| (position, None)).collect();
        for (position, mention, _) in &cluster.attached {
            if !own.contains(position) {
                positions.push((*position, Some(mention.clone())));
            }
        }
        positions.sort_by_key(|(position, _)| *position);

        let mut dropped: Vec<(usize, String)> = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut seen_texts: HashMap<String, &str> = HashMap::new();
        for (position, mention) in positions {
            let fact = company_facts[position];
            if let Some(fact_period) = &fact.period {
                if !fact_period.overlaps(since.as_deref(), until.as_deref()) {
                    dropped.push((
                        position,
                        ["outside period (", &show_period(fact_period), ")"].concat(),
                    ));
                    continue;
                }
            }
            let normalized: String = fact.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(first) = seen_texts.get(&normalized) {
                dropped.push((position, ["duplicate of ", first].concat()));
                continue;
            }
            seen_texts.insert(normalized, fact.id.as_str());
            let mut line = fact_line(fact);
            line.push('\n');
            candidates.push(Candidate {
                position,
                relevance: relevance(position),
                numbers: fact.quantities.len(),
                tokens: counter.count(&line),
                mention,
            });
        }
        let Selection {
            selected,
            dropped: mut over_budget,
            tokens,
        } = select(&candidates, &company_facts, options.budget);
        dropped.append(&mut over_budget);
        dropped.sort_by_key(|(position, _)| *position);

        let topic_rank = topic
            .as_deref()
            .and_then(|topic| topic_order.iter().position(|t| *t == topic));
        let start = period
            .as_ref()
            .and_then(|period| period.start.clone())
            .unwrap_or_else(|| "9999".to_string());
        let first = own.first().copied().unwrap_or(usize::MAX);
        built.push((
            topic_rank,
            start,
            first,
            Project {
                title,
                titles,
                topic,
                period,
                selected: selected
                    .into_iter()
                    .map(|(position, score, reason)| SelectedFact {
                        fact: company_facts[position].clone(),
                        score,
                        reason,
                    })
                    .collect(),
                dropped: dropped
                    .into_iter()
                    .map(|(position, reason)| DroppedFact {
                        fact: company_facts[position].clone(),
                        reason,
                    })
                    .collect(),
                tokens,
            },
        ));
    }
    // Career-description projects (with a topic) in topic then document
    // order; then the others by period start, then first appearance.
    built.sort_by(|left, right| match (left.0, right.0) {
        (Some(left_rank), Some(right_rank)) => (left_rank, left.2).cmp(&(right_rank, right.2)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => (&left.1, left.2).cmp(&(&right.1, right.2)),
    });
    context.projects = built
        .into_iter()
        .map(|(_, _, _, project)| project)
        .collect();
    context
}

fn role_rank(role: Role) -> usize {
    match role {
        Role::Background => 0,
        Role::Action => 1,
        Role::Result => 2,
        Role::Lesson => 3,
        Role::Other => 4,
    }
}

/// What [`select`] chose, by position in the company's facts.
struct Selection {
    /// (position, score, reason) in role order, then source order.
    selected: Vec<(usize, f64, String)>,
    /// (position, reason) for the facts over budget.
    dropped: Vec<(usize, String)>,
    tokens: usize,
}

/// Chooses within `budget`: the best background, action and result that
/// fit first, then the rest by score.
fn select(candidates: &[Candidate], company_facts: &[&Fact], budget: usize) -> Selection {
    let score =
        |candidate: &Candidate| candidate.relevance + if candidate.numbers > 0 { 1.0 } else { 0.0 };
    // Best first: score, then results before actions before background, then source order.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let preference = |role: Role| match role {
        Role::Result => 0,
        Role::Action => 1,
        Role::Background => 2,
        Role::Lesson => 3,
        Role::Other => 4,
    };
    order.sort_by(|&left, &right| {
        let left_candidate = &candidates[left];
        let right_candidate = &candidates[right];
        score(right_candidate)
            .total_cmp(&score(left_candidate))
            .then_with(|| {
                preference(company_facts[left_candidate.position].role)
                    .cmp(&preference(company_facts[right_candidate.position].role))
            })
            .then_with(|| left_candidate.position.cmp(&right_candidate.position))
    });
    let by_id: HashMap<&str, usize> = candidates
        .iter()
        .enumerate()
        .map(|(index, candidate)| (company_facts[candidate.position].id.as_str(), index))
        .collect();

    let mut chosen: Vec<Option<String>> = vec![None; candidates.len()];
    let mut refused: Vec<Option<String>> = vec![None; candidates.len()];
    let mut used = 0usize;
    let describe = |index: usize, extra: Option<String>| -> String {
        let candidate = &candidates[index];
        let mut parts = vec![format!("relevance {:.2}", candidate.relevance)];
        match candidate.numbers {
            0 => {}
            1 => parts.push("has 1 number".to_string()),
            count => parts.push(format!("has {count} numbers")),
        }
        if let Some(extra) = extra {
            parts.push(extra);
        }
        if let Some(mention) = &candidate.mention {
            parts.push(format!("names `{mention}`"));
        }
        parts.join(", ")
    };
    let mut try_take = |index: usize,
                        extra: Option<String>,
                        chosen: &mut Vec<Option<String>>,
                        refused: &mut Vec<Option<String>>| {
        if chosen[index].is_some() {
            return true;
        }
        let fact = company_facts[candidates[index].position];
        let parent = fact
            .parent
            .as_deref()
            .and_then(|id| by_id.get(id).copied())
            .filter(|&parent| chosen[parent].is_none());
        let needed =
            candidates[index].tokens + parent.map_or(0, |parent| candidates[parent].tokens);
        if used + needed <= budget {
            used += needed;
            if let Some(parent) = parent {
                refused[parent] = None;
                chosen[parent] = Some(describe(parent, Some(format!("parent of {}", fact.id))));
            }
            refused[index] = None;
            chosen[index] = Some(describe(index, extra));
            true
        } else {
            let with_parent = if parent.is_some() {
                " with its parent"
            } else {
                ""
            };
            refused[index] = Some(format!(
                "over budget (needs {needed} tokens{with_parent}, {} of {budget} left; relevance {:.2})",
                budget.saturating_sub(used),
                candidates[index].relevance
            ));
            false
        }
    };
    // Role coverage: the best result, action and background that fit, when
    // the project has them.
    for role in [Role::Result, Role::Action, Role::Background] {
        let covered = (0..candidates.len()).any(|index| {
            chosen[index].is_some() && company_facts[candidates[index].position].role == role
        });
        if covered {
            continue;
        }
        for &index in &order {
            if company_facts[candidates[index].position].role == role
                && try_take(
                    index,
                    Some(["covers ", role_label(role)].concat()),
                    &mut chosen,
                    &mut refused,
                )
            {
                break;
            }
        }
    }
    for &index in &order {
        try_take(index, None, &mut chosen, &mut refused);
    }

    let mut selected: Vec<(usize, f64, String)> = Vec::new();
    let mut dropped: Vec<(usize, String)> = Vec::new();
    for (index, candidate) in candidates.iter().enumerate() {
        if let Some(reason) = chosen[index].take() {
            selected.push((candidate.position, score(candidate), reason));
        } else {
            let reason = refused[index]
                .take()
                .unwrap_or_else(|| "over budget".to_string());
            dropped.push((candidate.position, reason));
        }
    }
    selected.sort_by_key(|(position, _, _)| (role_rank(company_facts[*position].role), *position));
    Selection {
        selected,
        dropped,
        tokens: used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_told_from_work_done() {
        for heading in [
            "다음 주 계획",
            "향후 계획",
            "계획된 작업 범위",
            "Phase 1 목표 (2025.12.23 완료 예정)",
            "할 일",
            "TODO",
            "2026 계획",
        ] {
            assert!(reads_as_plan(heading), "{heading}");
        }
        for heading in [
            "배포 계획 수립",
            "결제 서비스 MSA 분리",
            "완료한 작업",
            "개선",
        ] {
            assert!(!reads_as_plan(heading), "{heading}");
        }
    }

    #[test]
    fn keys_drop_months_tickets_tags_emoji_and_stage_words() {
        assert_eq!(
            title_key("결제 서비스 MSA 분리 완료 (2월)"),
            "결제서비스msa분리"
        );
        assert_eq!(
            title_key("결제 서비스 MSA 분리 (11월)"),
            "결제서비스msa분리"
        );
        assert_eq!(title_key("가예약 시스템 안정화 (1월)"), "가예약시스템");
        assert_eq!(title_key("MPT-8704: 태블릿 진료신청서"), "태블릿진료신청서");
        assert_eq!(
            title_key("[통합] 🏗️ 직원관리(CRM) 시스템"),
            "직원관리crm시스템"
        );
        assert_eq!(title_key("완료"), "완료");
    }

    #[test]
    fn merge_rule() {
        assert!(same_project(
            "결제 서비스 MSA 분리 (11월)",
            "결제 서비스 MSA 분리 완료 (2월)"
        ));
        assert!(same_project(
            "가예약 시스템 (11월)",
            "가예약 시스템 안정화 (1월)"
        ));
        assert!(!same_project(
            "가예약 시스템 (11월)",
            "예약 시스템 전방위 개선 (10월)"
        ));
        assert!(!same_project(
            "결제 시스템 안정화 (5월)",
            "포인트 충전 결제 시스템 (11월)"
        ));
        assert!(!same_project(
            "병원 구독 서비스 (6월)",
            "병원 홈페이지 구독 서비스 SaaS (12월)"
        ));
        assert!(!same_project("MPT-1: 로그인 버그", "MPT-2: 로그인 버그"));
    }

    #[test]
    fn mention_rule() {
        assert!(mention_score("결제 MSA 분리 완료", "결제 서비스 MSA 분리 완료 (2월)").is_some());
        assert!(mention_score("가예약 구축", "가예약 시스템 (11월)").is_some());
        assert!(mention_score("결제", "결제 시스템 안정화 (5월)").is_none());
        assert!(mention_score("예약 시스템 혁신", "가예약 시스템 (11월)").is_none());
    }

    #[test]
    fn mentions_split_cells_lists_labels_and_sentences() {
        assert_eq!(
            mentions("2월 | 35 (31+4) | 29 | 결제 MSA 분리 완료, 결제 버그 대량 수정"),
            vec![
                "2월",
                "35 (31+4)",
                "29",
                "결제 MSA 분리 완료",
                "결제 버그 대량 수정"
            ]
        );
        assert_eq!(
            mentions("해였습니다. 결제 서비스 MSA 분리 (2.5배): 마일스톤"),
            vec!["해였습니다", "결제 서비스 MSA 분리 (2.5배)", "마일스톤"]
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            date_range("2025.02", "--since").ok(),
            Some(("2025-02-01".to_string(), "2025-02-28".to_string()))
        );
        assert_eq!(
            date_range("2025-02-10", "--since").ok(),
            Some(("2025-02-10".to_string(), "2025-02-10".to_string()))
        );
        assert_eq!(
            date_range("2024", "--until").ok(),
            Some(("2024-01-01".to_string(), "2024-12-31".to_string()))
        );
        assert!(date_range("last week", "--since").is_err());
        assert!(date_range("2025-13", "--since").is_err());
    }

    #[test]
    fn display_titles() {
        assert_eq!(
            display_title("결제 서비스 MSA 분리 (11월)"),
            "결제 서비스 MSA 분리"
        );
        assert_eq!(
            display_title("직원관리(CRM) 시스템 (8월)"),
            "직원관리(CRM) 시스템"
        );
        assert_eq!(display_title("가상 계좌"), "가상 계좌");
    }
}
