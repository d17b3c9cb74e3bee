//! Turns parsed documents into atomic [`Fact`]s: one sentence, bullet or
//! table row each, with provenance (file, lines, heading path), the company
//! and period it belongs to, its role in a 배경/담당/결과 story, and every
//! quantity in it.
//!
//! Facts are what every later stage cites: their ids are stable across runs
//! as long as the file, the heading path and the text are unchanged.

use std::collections::HashMap;
use std::sync::Arc;

use compact_str::CompactString;
use serde::Serialize;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::config::{fold_name, Profile};
use crate::error::Warning;
use crate::ingest::{company_headings, Block, Cells, Document, DocumentKind, SourceFile};
use crate::quantity::{extract_quantities_into, Quantity, QuantityScratch};

/// The company of facts that no rule could attribute.
pub const UNASSIGNED: &str = "unassigned";

/// What part of a 배경/담당/결과 story a fact tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Background,
    Action,
    Result,
    Lesson,
    Other,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Background => "background",
            Role::Action => "action",
            Role::Result => "result",
            Role::Lesson => "lesson",
            Role::Other => "other",
        }
    }
}

/// The role a structural label announces, if `text` is such a label.
pub fn role_of_label(text: &str) -> Option<Role> {
    if surely_longer_than_a_label(text) {
        return None;
    }
    let label = if starts_and_ends_plain(text) {
        // Nothing to trim: the common case, a sentence or a bare label.
        text
    } else {
        // Most texts are sentences: longer than any label once trimmed, and
        // with nothing to trim at either end. Say so before trimming five times.
        let trimmable = |c: char| c.is_whitespace() || matches!(c, ':' | '：' | '*');
        if text.len() > 16
            && !text.starts_with(trimmable)
            && !text.chars().next_back().is_some_and(trimmable)
        {
            return None;
        }
        strip_label_marks(text)
    };
    // The longest label below is 16 bytes; most texts are far longer.
    if label.len() > 16 {
        return None;
    }
    LABEL_KEYS
        .binary_search(&label_key(label.as_bytes()))
        .ok()
        .and_then(|found| LABELS.get(found))
        // A text with a zero byte has the key of the label it pads to.
        .filter(|(known, _)| *known == label)
        .map(|(_, role)| *role)
}

/// A label of at most 16 bytes as one number: its bytes, big-endian, then
/// zeros. No label has a zero byte, so the numbers sort as the bytes do and
/// a binary search compares numbers instead of calling `memcmp`. Made by
/// shifts, not by copying the bytes into an array read back as a number
/// (the read waits for the copy's stores).
const fn label_key(label: &[u8]) -> u128 {
    let mut key = 0u128;
    let mut index = 0;
    while index < 16 {
        let byte = if index < label.len() { label[index] } else { 0 };
        key = key << 8 | byte as u128;
        index += 1;
    }
    key
}

/// [`LABELS`]' keys, in the same order.
const LABEL_KEYS: [u128; LABELS.len()] = {
    let mut keys = [0; LABELS.len()];
    let mut index = 0;
    while index < keys.len() {
        keys[index] = label_key(LABELS[index].0.as_bytes());
        index += 1;
    }
    keys
};

/// Whether `text` is longer than any label even once its marks are
/// stripped, told from its bytes without decoding (most texts are
/// sentences): more than 16 bytes lie between its first and its last
/// character that no stripping removes. Those are printable ASCII other
/// than `*` and `:`, and characters from U+A000 to U+DFFF (Hangul
/// syllables among them); any other non-ASCII end leaves it to the caller.
fn surely_longer_than_a_label(text: &str) -> bool {
    const LONGEST: usize = 16;
    let bytes = text.as_bytes();
    if bytes.len() <= LONGEST {
        return false;
    }
    // Control bytes count as marks too: skipping more only shortens the span.
    let mark = |byte: u8| byte <= b' ' || byte == b'*' || byte == b':';
    let hangul_range_lead = |byte: u8| (0xEA..=0xED).contains(&byte);
    let (Some(first), Some(last)) = (
        bytes.iter().position(|&byte| !mark(byte)),
        bytes.iter().rposition(|&byte| !mark(byte)),
    ) else {
        return false;
    };
    let starts_solid = bytes[first].is_ascii() || hangul_range_lead(bytes[first]);
    // The last byte of a three-byte character has its lead two before it.
    let ends_solid = bytes[last].is_ascii()
        || last
            .checked_sub(2)
            .is_some_and(|lead| hangul_range_lead(bytes[lead]));
    starts_solid && ends_solid && last + 1 - first > LONGEST
}

/// Structural labels and the roles they announce, sorted by their bytes so
/// that [`role_of_label`] finds one in a few comparisons (a unit test keeps
/// the order).
const LABELS: &[(&str, Role)] = &[
    ("개선 결과", Role::Result),
    ("개선할 점", Role::Lesson),
    ("결과", Role::Result),
    ("계기", Role::Background),
    ("교훈", Role::Lesson),
    ("구현", Role::Action),
    ("기술", Role::Other),
    ("기술 스택", Role::Other),
    ("느낀 점", Role::Lesson),
    ("담당", Role::Action),
    ("담당 업무", Role::Action),
    ("목표", Role::Background),
    ("문제", Role::Background),
    ("문제점", Role::Background),
    ("배경", Role::Background),
    ("배경과 상황", Role::Background),
    ("배운 점", Role::Lesson),
    ("배운점", Role::Lesson),
    ("상황", Role::Background),
    ("성과", Role::Result),
    ("스킬", Role::Other),
    ("액션", Role::Action),
    ("역할", Role::Action),
    ("원인", Role::Background),
    ("인사이트", Role::Lesson),
    ("작업", Role::Action),
    ("조치", Role::Action),
    ("주요 작업", Role::Action),
    ("해결", Role::Action),
    ("해결 방법", Role::Action),
    ("회고", Role::Lesson),
    ("효과", Role::Result),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Paragraph,
    Bullet,
    TableRow,
}

/// A task-list item's box: `- [ ]` is open (planned, not done), `- [x]` done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    Open,
    Done,
}

/// A period as ISO dates (`2022-04-18`); an open end is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

impl Period {
    /// Parses `2022.04.18 ~ 재직중`, `2021.09.27 ~ 2022.04.18`, `2024.01 ~ 2025.12`,
    /// `(2025.12.01 ~ 2025.12.12)`, `2025-12-31`, `2025.01`.
    pub fn parse(text: &str) -> Option<Period> {
        if let Some((before, after)) = text.split_once(['~', '～']) {
            // The dates right around the tilde: `2025년 회고 (2025.01 ~ 2025.12)`.
            let first = *find_dates(before).last()?;
            let open = ["재직중", "재직 중", "현재", "present", "now"]
                .iter()
                .any(|word| after.contains(word));
            let end = match find_dates(after).first() {
                Some(second) => Some(second.last_day()),
                None if open => None,
                None => return None,
            };
            Some(Period {
                start: Some(first.first_day()),
                end,
            })
        } else {
            let dates = find_dates(text);
            let first = dates.first()?;
            Some(Period {
                start: Some(first.first_day()),
                end: Some(first.last_day()),
            })
        }
    }

    /// Narrows a period to the months `from..=to` of its start year.
    pub fn months_of_year(year: i32, from: u32, to: u32) -> Period {
        let start = PartialDate {
            year,
            month: Some(from),
            day: None,
        };
        let end = PartialDate {
            year,
            month: Some(to),
            day: None,
        };
        Period {
            start: Some(start.first_day()),
            end: Some(end.last_day()),
        }
    }

    /// The start year, if known.
    pub fn year(&self) -> Option<i32> {
        self.start.as_deref()?.get(..4)?.parse().ok()
    }

    /// True when the two periods share at least one day (open ends are unbounded).
    pub fn overlaps(&self, since: Option<&str>, until: Option<&str>) -> bool {
        let starts_before_until = match (self.start.as_deref(), until) {
            (Some(start), Some(until)) => start <= until,
            _ => true,
        };
        let ends_after_since = match (self.end.as_deref(), since) {
            (Some(end), Some(since)) => end >= since,
            _ => true,
        };
        starts_before_until && ends_after_since
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

impl PartialDate {
    fn first_day(&self) -> String {
        iso_date(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    fn last_day(&self) -> String {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        iso_date(self.year, month, day)
    }
}

/// `2025-03-01`, as `format!("{:04}-{:02}-{:02}")` writes it, without the
/// formatting machinery: every document's period goes through here.
fn iso_date(year: i32, month: u32, day: u32) -> String {
    if !(0..=9999).contains(&year) || month > 99 || day > 99 {
        return format!("{year:04}-{month:02}-{day:02}");
    }
    let digit = |value: u32| char::from(b'0' + (value % 10) as u8);
    let year = year.unsigned_abs();
    let mut date = String::with_capacity(10);
    date.extend([year / 1000, year / 100, year / 10, year].map(digit));
    date.push('-');
    date.extend([month / 10, month].map(digit));
    date.push('-');
    date.extend([day / 10, day].map(digit));
    date
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Finds `YYYY.MM[.DD]`, `YYYY-MM[-DD]` and `YYYY/MM[/DD]` dates in order.
fn find_dates(text: &str) -> Vec<PartialDate> {
    let bytes = text.as_bytes();
    let mut dates = Vec::new();
    let mut index = 0;
    while index + 4 <= bytes.len() {
        let at_boundary = index == 0 || !bytes[index - 1].is_ascii_alphanumeric();
        if at_boundary && bytes[index..index + 4].iter().all(u8::is_ascii_digit) {
            let year: i32 = text[index..index + 4].parse().unwrap_or(0);
            let mut cursor = index + 4;
            // Month and day, as far as written.
            let mut parts = [0u32; 2];
            let mut written = 0;
            while written < 2 && cursor < bytes.len() && b".-/".contains(&bytes[cursor]) {
                let digits = bytes[cursor + 1..]
                    .iter()
                    .take_while(|byte| byte.is_ascii_digit())
                    .count();
                if digits == 0 || digits > 2 {
                    break;
                }
                parts[written] = text[cursor + 1..cursor + 1 + digits]
                    .parse::<u32>()
                    .unwrap_or(0);
                written += 1;
                cursor += 1 + digits;
            }
            let next_is_digit = bytes.get(cursor).is_some_and(u8::is_ascii_digit);
            if (1900..=2200).contains(&year) && !next_is_digit {
                let written = &parts[..written];
                let month = written
                    .first()
                    .copied()
                    .filter(|month| (1..=12).contains(month));
                let day = written.get(1).copied().filter(|day| (1..=31).contains(day));
                let year_word = text[cursor..].starts_with('년');
                if month.is_some() || year_word {
                    dates.push(PartialDate { year, month, day });
                    index = cursor;
                    continue;
                }
            }
            index = cursor.max(index + 1);
            continue;
        }
        index += 1;
    }
    dates
}

/// Months named in a heading or cell: `(2월)` → (2, 2), `(7~8월)` → (7, 8),
/// `(5월, 6월, 12월)` → (5, 12), `2월` → (2, 2).
pub fn month_span(text: &str) -> Option<(u32, u32)> {
    // Bytes, not chars: digits and the letters they may follow are ASCII,
    // and the last byte of a non-ASCII character is never ASCII.
    let bytes = text.as_bytes();
    let mut span: Option<(u32, u32)> = None;
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index].is_ascii_digit()
            && (index == 0 || !bytes[index - 1].is_ascii_alphanumeric())
        {
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_digit() {
                index += 1;
            }
            // Too many digits for a month parse as 0, which is no month.
            let number = bytes[start..index]
                .iter()
                .try_fold(0u32, |number, digit| {
                    number.checked_mul(10)?.checked_add(u32::from(digit - b'0'))
                })
                .unwrap_or(0);
            let follows = text.get(index..).unwrap_or("");
            let is_month = follows.starts_with('월')
                || follows.strip_prefix(['~', '～']).is_some_and(|after| {
                    after
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .starts_with('월')
                });
            if is_month && (1..=12).contains(&number) {
                span = Some(match span {
                    Some((first, last)) => (first.min(number), last.max(number)),
                    None => (number, number),
                });
            }
        } else {
            index += 1;
        }
    }
    span
}

/// Where a fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// Shared by every fact of one document.
    pub path: Arc<str>,
    /// 32 bits, like the quantities' partner indexes: a fact is written once
    /// to fresh memory, and every byte of it costs time (see `Quantity`).
    pub line_start: u32,
    pub line_end: u32,
}

impl Provenance {
    /// The first line, as an index type.
    pub fn first_line(&self) -> usize {
        usize::try_from(self.line_start).unwrap_or(usize::MAX)
    }
}

/// A line number in 32 bits; a file of more than 4 billion lines (which
/// cannot be read into memory anyway) saturates it.
fn line_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// One atomic statement from the sources.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// `f` + 12 hex digits; stable while path, heading path and text are unchanged.
    pub id: CompactString,
    pub text: String,
    /// The text with the user's inline Markdown (`**전북 은행**&**쿠콘**과 …`),
    /// when it has any; drafts reuse it so polished emphasis survives.
    pub markup: Option<Box<str>>,
    pub kind: FactKind,
    pub role: Role,
    /// The label that decided the role (`결과`, `배경과 상황`, `원인`), if any.
    pub label: Option<CompactString>,
    /// Shared by the facts under the same structure (see `Context`).
    pub heading_path: Arc<[String]>,
    /// The 주제 of a career description (`서비스 개발`) or the section of a note (`스터디`).
    pub topic: Option<Arc<str>>,
    /// The project, ticket or study this fact belongs to, as titled in its document.
    pub project: Option<Arc<str>>,
    pub company: Arc<str>,
    pub period: Option<Arc<Period>>,
    pub source: Provenance,
    /// The fact id of the enclosing bullet, for nested bullets.
    pub parent: Option<CompactString>,
    pub quantities: Box<[Quantity]>,
    /// Only for task-list items (`- [ ]`, `- [x]`); absent from the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
}

/// Extracts the facts of every document, in document order, on up to as
/// many threads as there are cores (documents are independent; the result
/// is the same as on one thread). The documents are consumed.
pub fn extract_facts(documents: Vec<Document>, profile: &Profile) -> Vec<Fact> {
    let threads = crate::parallel::threads_for(documents.len(), DOCUMENTS_PER_THREAD);
    extract_facts_on(documents, profile, threads)
}

/// Below this many documents per core, one thread extracts them all.
const DOCUMENTS_PER_THREAD: usize = 64;

/// [`extract_facts`] on exactly `threads` threads (at least one): each takes
/// a contiguous run of the documents and the runs are joined in order.
///
/// The documents are consumed: each fact takes its block's text rather than
/// a copy of it.
pub fn extract_facts_on(documents: Vec<Document>, profile: &Profile, threads: usize) -> Vec<Fact> {
    let matcher = CompanyMatcher::new(profile);
    let extract = |documents: Vec<Document>| {
        // At most one fact per block: reserving once spares the copies of a
        // growing vector of large facts.
        let blocks = documents.iter().map(|document| document.blocks.len()).sum();
        let mut facts = Vec::with_capacity(blocks);
        let mut scratch = Scratch::default();
        // Each document is dropped as soon as its facts are out: what is
        // left of it (the block list, headings, table cells) is reused for
        // the next facts instead of fresh pages the kernel must zero.
        for mut document in documents {
            extract_document(&mut document, profile, &matcher, &mut scratch, &mut facts);
        }
        facts
    };
    crate::parallel::map_owned_in_runs(documents, threads, extract)
}

/// Parses each file and extracts its facts in one pass, file by file, on up
/// to as many threads as there are cores: the facts are what
/// [`crate::ingest::ingest`] followed by [`extract_facts`] gives, and the
/// warnings are in the same order, but each document is turned into facts
/// as soon as it is parsed, while it is still in the cache, and dropped
/// before the next is parsed: the documents are never all held at once.
pub fn extract_facts_from_sources(
    sources: &[SourceFile],
    profile: &Profile,
) -> (Vec<Fact>, Vec<Warning>) {
    let threads = crate::parallel::threads_for(sources.len(), DOCUMENTS_PER_THREAD);
    extract_facts_from_sources_on(sources, profile, threads)
}

/// [`extract_facts_from_sources`] on exactly `threads` threads (at least
/// one), each taking a contiguous run of the files.
pub fn extract_facts_from_sources_on(
    sources: &[SourceFile],
    profile: &Profile,
    threads: usize,
) -> (Vec<Fact>, Vec<Warning>) {
    let matcher = CompanyMatcher::new(profile);
    let extract = |sources: &[SourceFile]| {
        let mut facts = Vec::new();
        let mut warnings = Vec::new();
        let mut scratch = Scratch::default();
        let total_bytes: usize = sources.iter().map(SourceFile::len).sum();
        let mut bytes_done = 0;
        for source in sources {
            let (document, found) = source.parse();
            warnings.extend(found);
            if let Some(mut document) = document {
                reserve_for(&mut facts, document.blocks.len(), bytes_done, total_bytes);
                extract_document(&mut document, profile, &matcher, &mut scratch, &mut facts);
            }
            bytes_done += source.len();
        }
        vec![(facts, warnings)]
    };
    let runs = crate::parallel::map_in_runs(sources, threads, extract);
    let mut joined: (Vec<Fact>, Vec<Warning>) = (Vec::new(), Vec::new());
    for (facts, warnings) in runs {
        if joined.0.is_empty() {
            joined.0 = facts;
        } else {
            joined.0.extend(facts);
        }
        joined.1.extend(warnings);
    }
    joined
}

/// Makes room for a document's `blocks` facts (at most one per block) and,
/// when that needs more room, for the facts of the texts left too,
/// estimated from the facts per byte of the `bytes_done` before them, so
/// that a vector of large facts is seldom copied to grow: after the first
/// text, once for texts alike, and again only where later texts hold more
/// facts per byte. The estimate is capped at a fact per 8 bytes left, and
/// room that cannot be had is not insisted on: the vector grows as it goes.
fn reserve_for<T>(facts: &mut Vec<T>, blocks: usize, bytes_done: usize, total_bytes: usize) {
    if facts.capacity() - facts.len() >= blocks {
        return;
    }
    let rest = total_bytes.saturating_sub(bytes_done);
    let estimate = (facts.len().saturating_mul(rest) / bytes_done.max(1)).min(rest / 8);
    let wanted = blocks.saturating_add(estimate).saturating_add(estimate / 8);
    if facts.try_reserve(wanted).is_err() {
        facts.reserve(blocks);
    }
}

/// Company names and aliases, folded, and searched for all at once: every
/// block's text may be.
struct CompanyMatcher<'a> {
    /// The company of each folded name, by pattern number.
    names: Vec<&'a str>,
    /// The folded names, in the profile's order (each company's name, then
    /// its aliases), `names` in step.
    folded: Vec<String>,
    /// One automaton over every folded name; `None` when there are none.
    searcher: Option<aho_corasick::AhoCorasick>,
    /// The same names for telling whether any is there at all: leftmost
    /// semantics let it search with vector instructions.
    prefilter: Option<aho_corasick::AhoCorasick>,
    /// Each name's own searcher, used only if the automaton cannot be
    /// built or run (it can for a profile's few short names).
    finders: Vec<memchr::memmem::Finder<'static>>,
}

impl<'a> CompanyMatcher<'a> {
    fn new(profile: &'a Profile) -> Self {
        // Each name counts on its own, so their order does not matter.
        let names: Vec<(String, &'a str)> = profile
            .companies
            .iter()
            .flat_map(|company| {
                company
                    .names()
                    .map(move |name| (fold_name(name), company.name.as_str()))
            })
            .filter(|(folded, _)| !folded.is_empty())
            .collect();
        let searcher = (!names.is_empty())
            .then(|| aho_corasick::AhoCorasick::new(names.iter().map(|(folded, _)| folded)).ok())
            .flatten();
        let prefilter = (!names.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(names.iter().map(|(folded, _)| folded))
                    .ok()
            })
            .flatten();
        let finders = names
            .iter()
            .map(|(folded, _)| memchr::memmem::Finder::new(folded.as_bytes()).into_owned())
            .collect();
        let (folded, names) = names.into_iter().unzip();
        CompanyMatcher {
            names,
            folded,
            searcher,
            prefilter,
            finders,
        }
    }

    /// The companies `text` names, each once. Only which companies are
    /// named decides anything, never how often.
    fn named(&self, text: &str) -> Vec<&'a str> {
        let mut named = Vec::new();
        if self.names.is_empty() {
            return named;
        }
        let folded = fold_name(text);
        // Most texts name no company: one search that stops at the first
        // match (and skips ahead with vector instructions) tells them apart.
        if let Some(prefilter) = &self.prefilter {
            if !prefilter.is_match(folded.as_str()) {
                return named;
            }
        }
        let mut add = |company: &'a str| {
            if !named.contains(&company) {
                named.push(company);
            }
        };
        // Overlapping matches: a name inside another (`소프트` in
        // `AWA소프트`) is found too.
        let matches = self
            .searcher
            .as_ref()
            .and_then(|searcher| searcher.try_find_overlapping_iter(folded.as_str()).ok());
        match matches {
            Some(matches) => {
                for found in matches {
                    if let Some(company) = self.names.get(found.pattern().as_usize()) {
                        add(company);
                    }
                }
            }
            None => {
                for (finder, company) in self.finders.iter().zip(&self.names) {
                    if finder.find(folded.as_bytes()).is_some() {
                        add(company);
                    }
                }
            }
        }
        named
    }

    /// The single company named in `text`, if exactly one is.
    fn only(&self, text: &str) -> Option<&'a str> {
        single(&self.named(text))
    }

    /// The company whose name or alias `name` is (ignoring case and
    /// spaces), as [`Profile::canonical_company`] finds it, with `name`
    /// folded once rather than again for each name it is compared with:
    /// every tag of every document is.
    fn canonical(&self, profile: &'a Profile, name: &str) -> Option<&'a str> {
        let folded = fold_name(name);
        if folded.is_empty() {
            // Names that fold to nothing are not in `folded`.
            return profile.canonical_company(name);
        }
        self.folded
            .iter()
            .position(|candidate| *candidate == folded)
            .and_then(|index| self.names.get(index).copied())
    }
}

/// The company of `named` when there is exactly one.
fn single<'a>(named: &[&'a str]) -> Option<&'a str> {
    match named {
        [company] => Some(company),
        _ => None,
    }
}

struct Heading {
    level: u8,
    text: String,
    role: Option<(Role, String)>,
}

/// What every fact under the same structure (headings, label paragraph,
/// bold title, note project, nearest label item) shares. Rebuilt only when
/// that structure changes, not for every fact.
struct Context<'a> {
    heading_path: Arc<[String]>,
    topic: Option<Arc<str>>,
    project: Option<Arc<str>>,
    /// The role announced by the nearest label heading.
    heading_role: Option<(Role, String)>,
    /// The month marker of the bold title, else of the project.
    marker: Option<(u32, u32)>,
    /// The single company the project title names.
    project_company: Option<&'a str>,
    /// [`place_hash`] of everything but the text: the seed of each fact's id.
    place: u64,
}

/// Per-document state that sets the context of the facts that follow.
#[derive(Default)]
struct Structure {
    headings: Vec<Heading>,
    career_company: Option<(Arc<str>, String, Option<Arc<Period>>)>,
    label_paragraph: Option<(Role, String)>,
    bold_title: Option<String>,
    note_project: Option<String>,
    item_labels: Vec<(usize, Role, String)>,
}

impl Structure {
    fn context<'a>(
        &self,
        kind: DocumentKind,
        relative: &str,
        // `None` when the document's front matter already decides the
        // company of every fact: then no title is searched for one.
        matcher: Option<&CompanyMatcher<'a>>,
        place_buffer: &mut Vec<u8>,
    ) -> Context<'a> {
        let is_career = kind == DocumentKind::CareerDescription;
        let is_notes = kind == DocumentKind::Notes;
        let is_retrospective = matches!(kind, DocumentKind::Retrospective(_));
        let headings = &self.headings;
        // A label paragraph (`결과` on its own line) closes a label heading above it.
        let closes_label_heading = self.label_paragraph.is_some()
            && headings
                .last()
                .is_some_and(|heading| heading.role.is_some());
        let open_headings = &headings[..headings.len() - usize::from(closes_label_heading)];
        let mut non_label_headings = headings.iter().filter(|heading| heading.role.is_none());
        let (topic, mut project) = if is_career {
            (
                non_label_headings
                    .clone()
                    .find(|heading| heading.level == 1)
                    .map(|heading| heading.text.as_str()),
                non_label_headings
                    .find(|heading| heading.level == 2)
                    .map(|heading| heading.text.as_str()),
            )
        } else if is_notes {
            (
                non_label_headings
                    .next_back()
                    .map(|heading| heading.text.as_str()),
                self.note_project.as_deref(),
            )
        } else if is_retrospective {
            (
                None,
                non_label_headings
                    .rev()
                    .find(|heading| heading.level >= 4 && !is_generic_title(&heading.text))
                    .map(|heading| heading.text.as_str()),
            )
        } else {
            (
                None,
                non_label_headings
                    .rev()
                    .find(|heading| heading.level >= 2)
                    .map(|heading| heading.text.as_str()),
            )
        };
        if let Some(title) = &self.bold_title {
            project = Some(title.as_str());
        }
        // Built in one piece: an exact-size chain becomes the shared list
        // with one allocation and no copy of a vector first.
        let heading_path: Arc<[String]> = self
            .career_company
            .iter()
            .map(|(_, heading_text, _)| heading_text)
            .chain(open_headings.iter().map(|heading| &heading.text))
            .chain(self.label_paragraph.iter().map(|(_, label)| label))
            .chain(&self.bold_title)
            .chain(&self.note_project)
            .chain(self.item_labels.last().map(|(_, _, label)| label))
            .cloned()
            .collect();
        let heading_role = headings
            .iter()
            .rev()
            .find_map(|heading| heading.role.clone());
        // The bold title's months, else the project's, else those of the
        // nearest heading that names any (`### Q3 (7~9월): 신규 기능`).
        let marker = self
            .bold_title
            .as_deref()
            .and_then(month_span)
            .or_else(|| project.and_then(month_span))
            .or_else(|| {
                headings
                    .iter()
                    .rev()
                    .filter(|heading| heading.role.is_none())
                    .find_map(|heading| month_span(&heading.text))
            });
        let project_company = project
            .zip(matcher)
            .and_then(|(title, matcher)| matcher.only(title));
        let place = place_hash(relative, &heading_path, place_buffer);
        Context {
            heading_path,
            topic: topic.map(Arc::from),
            project: project.map(Arc::from),
            heading_role,
            marker,
            project_company,
            place,
        }
    }
}

/// Fact ids' hashes are already uniform: they hash themselves.
#[derive(Default)]
struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type DigestMap = HashMap<u64, usize, std::hash::BuildHasherDefault<IdentityHasher>>;

fn extract_document(
    document: &mut Document,
    profile: &Profile,
    matcher: &CompanyMatcher<'_>,
    scratch: &mut Scratch,
    facts: &mut Vec<Fact>,
) {
    let front = &document.front_matter;
    let is_career = document.kind == DocumentKind::CareerDescription;
    let is_notes = document.kind == DocumentKind::Notes;
    let is_retrospective = matches!(document.kind, DocumentKind::Retrospective(_));

    // Rule 1 and 3: front-matter company, then tags or title naming a company.
    let front_company: Option<Arc<str>> = front
        .company
        .as_deref()
        .map(|name| Arc::from(matcher.canonical(profile, name).unwrap_or(name.trim())))
        .or_else(|| {
            front
                .tags
                .iter()
                .find_map(|tag| matcher.canonical(profile, tag))
                .or_else(|| front.title.as_deref().and_then(|title| matcher.only(title)))
                .map(Arc::from)
        });
    // Rule 4 at document level: the one company the body names. Each
    // paragraph's and item's own single company is kept for its fact, so
    // no text is searched twice. A front-matter company decides every
    // fact's, and then the body is not searched at all.
    let mut block_companies: Vec<Option<&str>> = Vec::new();
    let body_company: Option<&str> = {
        let mut named_in_body: Vec<&str> = Vec::new();
        let blocks = if matcher.names.is_empty() || front_company.is_some() {
            &[][..]
        } else {
            &document.blocks[..]
        };
        block_companies.reserve(blocks.len());
        for block in blocks {
            let text = block_text(block);
            let named = matcher.named(text.as_ref());
            block_companies.push(single(&named));
            for company in named {
                if !named_in_body.contains(&company) {
                    named_in_body.push(company);
                }
            }
        }
        single(&named_in_body)
    };
    let document_period = front
        .title
        .as_deref()
        .filter(|title| find_dates(title).len() >= 2)
        .and_then(Period::parse)
        .or_else(|| front.date.as_deref().and_then(Period::parse))
        .map(Arc::new);
    // A month marker narrows the document's period only within one year.
    let marker_year = document_period.as_ref().and_then(|period| {
        let same_year = period.start.as_deref().map(|s| s.get(..4))
            == period.end.as_deref().map(|e| e.get(..4));
        period.year().filter(|_| same_year)
    });
    let mut month_periods: Vec<((u32, u32), Arc<Period>)> = Vec::new();
    let mut company_periods: Vec<(Arc<str>, Option<Arc<Period>>)> = Vec::new();
    // Company names resolved by mention, shared by the facts that name them.
    let mut company_names: Vec<Arc<str>> = Vec::new();
    let path: Arc<str> = Arc::from(document.path.as_str());

    let company_heading_indices: Vec<usize> = if is_career {
        company_headings(&document.blocks).collect()
    } else {
        Vec::new()
    };

    let mut structure = Structure::default();
    let mut context: Option<Context> = None;
    let mut item_parents: Vec<(usize, CompactString)> = Vec::new();
    let mut seen_ids =
        DigestMap::with_capacity_and_hasher(document.blocks.len(), Default::default());
    let mut skip_next_period_line = false;

    for index in 0..document.blocks.len() {
        // This block, to take its text when it makes a fact; the next one,
        // read ahead (a period line, a note's labels) and left whole.
        let (done, later) = document.blocks.split_at_mut(index + 1);
        let block = &mut done[index];
        let next = later.first();
        // Structure first: headings, labels and titles set context and are not facts.
        match block {
            Block::Heading { level, text, .. } => {
                context = None;
                structure.label_paragraph = None;
                structure.bold_title = None;
                structure.note_project = None;
                structure.item_labels.clear();
                item_parents.clear();
                if company_heading_indices.contains(&index) {
                    let name = Arc::from(matcher.canonical(profile, text).unwrap_or(text.as_str()));
                    let period = match next {
                        Some(Block::Paragraph { text, .. }) => Period::parse(text).map(Arc::new),
                        _ => None,
                    };
                    structure.career_company = Some((name, text.clone(), period));
                    structure.headings.clear();
                    skip_next_period_line = true;
                    continue;
                }
                while structure
                    .headings
                    .last()
                    .is_some_and(|heading| heading.level >= *level)
                {
                    structure.headings.pop();
                }
                let role = role_of_label(text).map(|role| (role, clean_label(text)));
                // Headings are not facts: the structure takes the text.
                structure.headings.push(Heading {
                    level: *level,
                    text: std::mem::take(text),
                    role,
                });
                continue;
            }
            Block::Paragraph { text, all_bold, .. } => {
                if skip_next_period_line {
                    skip_next_period_line = false;
                    if crate::ingest::is_period_line(text) {
                        continue;
                    }
                }
                if let Some(role) = role_of_label(text) {
                    context = None;
                    structure.label_paragraph = Some((role, clean_label(text)));
                    structure.item_labels.clear();
                    continue;
                }
                if *all_bold && is_retrospective {
                    context = None;
                    structure.bold_title = Some(text.clone());
                    structure.label_paragraph = None;
                    structure.item_labels.clear();
                    item_parents.clear();
                    continue;
                }
            }
            Block::ListItem { depth, text, .. } => {
                let labels = structure.item_labels.len();
                structure
                    .item_labels
                    .retain(|(label_depth, _, _)| label_depth < depth);
                if structure.item_labels.len() != labels {
                    context = None;
                }
                item_parents.retain(|(parent_depth, _)| parent_depth < depth);
                if let Some(role) = role_of_label(text) {
                    context = None;
                    structure
                        .item_labels
                        .push((*depth, role, clean_label(text)));
                    continue;
                }
                if is_notes && *depth == 0 {
                    let titles_a_project = matches!(
                        next,
                        Some(Block::ListItem { depth: 1, text, .. }) if role_of_label(text).is_some()
                    );
                    if titles_a_project {
                        context = None;
                        structure.note_project = Some(clean_label(text));
                        continue;
                    }
                    if structure.note_project.take().is_some() {
                        context = None;
                    }
                }
            }
            Block::TableRow { .. } => {}
        }

        let markup = match block {
            Block::Paragraph { markup, .. } | Block::ListItem { markup, .. } => markup.take(),
            _ => None,
        };
        // A row's text is its cells joined; where each starts is kept only
        // when the text alone cannot tell (see `RowCells`).
        let mut cell_starts = None;
        let (text, kind, lines) = match block {
            Block::Paragraph { text, lines, .. } => {
                (std::mem::take(text), FactKind::Paragraph, *lines)
            }
            Block::ListItem { text, lines, .. } => (std::mem::take(text), FactKind::Bullet, *lines),
            Block::TableRow { cells, line, .. } => {
                let (text, starts) = std::mem::take(cells).into_parts();
                cell_starts = starts;
                (text, FactKind::TableRow, (*line, *line))
            }
            Block::Heading { .. } => continue,
        };
        let cells = || Cells::new(&text, cell_starts.as_deref());

        // Heading path, topic and project: shared while the structure holds.
        let shared = context.get_or_insert_with(|| {
            structure.context(
                document.kind,
                &document.relative,
                front_company.is_none().then_some(matcher),
                &mut scratch.place,
            )
        });
        let project = shared.project.clone();

        // The id's digits are written now and read back into the id at the
        // push, long after: read right away, they waited for their own
        // stores to be forwarded (written early, the pipeline ran about 2%
        // faster in interleaved runs).
        let digest = xxh3_64_with_seed(text.as_bytes(), shared.place);
        let occurrence = seen_ids.entry(digest).or_insert(0);
        scratch.id = id_digits(digest, *occurrence);
        *occurrence += 1;

        // The first colon near the start, looked for at most once: both an
        // inline label and a title end at it.
        let mut colon_found = None;
        let mut colon = || *colon_found.get_or_insert_with(|| colon_near_start(&text));

        // Role: nearest label item, inline label, label paragraph, label heading, default.
        // Labels are short: a CompactString keeps one inline, with no allocation.
        let (role, label) = if let Some((_, role, label)) = structure.item_labels.last() {
            (*role, Some(CompactString::new(label)))
        } else if let Some((role, label)) = label_before(&text, colon()) {
            (role, Some(CompactString::new(label)))
        } else if let Some((role, label)) = &structure.label_paragraph {
            (*role, Some(CompactString::new(label)))
        } else if let Some((role, label)) = &shared.heading_role {
            (*role, Some(CompactString::new(label)))
        } else if project.is_some() && (is_career || is_retrospective) {
            match kind {
                FactKind::Paragraph => (Role::Background, None),
                FactKind::Bullet => (Role::Action, None),
                FactKind::TableRow => (Role::Other, None),
            }
        } else {
            (Role::Other, None)
        };

        // Company, by the documented order.
        let company: Arc<str> = match (&front_company, &structure.career_company) {
            (Some(name), _) => Arc::clone(name),
            (None, Some((name, _, _))) => Arc::clone(name),
            (None, None) => {
                let name = shared
                    .project_company
                    .or_else(|| match kind {
                        // A row's text joins its cells with ` | `, not as
                        // the body count read it: searched on its own.
                        FactKind::TableRow => matcher.only(&text),
                        FactKind::Paragraph | FactKind::Bullet => {
                            block_companies.get(index).copied().flatten()
                        }
                    })
                    .or(body_company)
                    .unwrap_or(UNASSIGNED);
                match company_names.iter().find(|known| known.as_ref() == name) {
                    Some(known) => Arc::clone(known),
                    None => {
                        let known: Arc<str> = Arc::from(name);
                        company_names.push(Arc::clone(&known));
                        known
                    }
                }
            }
        };

        // Period: the career heading's period line, the retrospective's period
        // narrowed by a month marker, else the company's profile period.
        let period = if let Some((_, _, period)) = &structure.career_company {
            period.clone()
        } else if let Some(document_period) = &document_period {
            // A row's key, or the title an item opens with (`API 성능 최적화
            // (9월): 월간 최다 커밋`), narrows it further.
            let marker = match block {
                Block::TableRow { .. } => cells().next().map(|(_, cell)| cell),
                _ => title_before(&text, colon()),
            }
            .and_then(month_span)
            .or(shared.marker);
            match (marker, marker_year) {
                (Some((from, to)), Some(year)) => {
                    let cached = month_periods
                        .iter()
                        .find(|(months, _)| *months == (from, to))
                        .map(|(_, period)| Arc::clone(period));
                    Some(cached.unwrap_or_else(|| {
                        let period = Arc::new(Period::months_of_year(year, from, to));
                        month_periods.push(((from, to), Arc::clone(&period)));
                        period
                    }))
                }
                _ => Some(Arc::clone(document_period)),
            }
        } else {
            let cached = company_periods
                .iter()
                .find(|(name, _)| *name == company)
                .map(|(_, period)| period.clone());
            cached.unwrap_or_else(|| {
                let period = profile
                    .company(&company)
                    .and_then(|company| company.parsed_period())
                    .map(Arc::new);
                company_periods.push((Arc::clone(&company), period.clone()));
                period
            })
        };

        let quantities = match block {
            Block::TableRow { header, .. } => table_quantities(header, cells(), scratch),
            _ => {
                let mut quantities = Vec::new();
                extract_quantities_into(&text, &mut scratch.scan, &mut quantities);
                quantities
            }
        };

        let id = fact_id(&scratch.id);

        let parent = match block {
            Block::ListItem { depth, .. } => {
                let parent = item_parents.last().map(|(_, id)| id.clone());
                item_parents.push((*depth, id.clone()));
                parent
            }
            _ => None,
        };

        facts.push(Fact {
            id,
            text,
            markup: markup.map(String::into_boxed_str),
            kind,
            role,
            label,
            heading_path: shared.heading_path.clone(),
            topic: shared.topic.clone(),
            project,
            company,
            period,
            source: Provenance {
                path: Arc::clone(&path),
                line_start: line_number(lines.0),
                line_end: line_number(lines.1),
            },
            parent,
            quantities: quantities.into_boxed_slice(),
            task: match block {
                Block::ListItem {
                    task: Some(checked),
                    ..
                } => Some(if *checked { Task::Done } else { Task::Open }),
                _ => None,
            },
        });
    }
}

fn block_text(block: &Block) -> std::borrow::Cow<'_, str> {
    match block {
        Block::Heading { text, .. }
        | Block::Paragraph { text, .. }
        | Block::ListItem { text, .. } => std::borrow::Cow::Borrowed(text),
        Block::TableRow { cells, .. } => std::borrow::Cow::Owned(
            cells
                .cells()
                .map(|(_, cell)| cell)
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}

/// Whether `text` begins and ends with a Hangul syllable or an ASCII letter
/// or digit: then no label trimming (spaces, colons, `*`) changes it.
fn starts_and_ends_plain(text: &str) -> bool {
    let plain = |c: char| c.is_ascii_alphanumeric() || ('\u{AC00}'..='\u{D7A3}').contains(&c);
    text.chars().next().is_some_and(plain) && text.chars().next_back().is_some_and(plain)
}

fn clean_label(text: &str) -> String {
    trim_label(text).to_string()
}

/// A label without the spaces, colons and `*` around it.
fn trim_label(text: &str) -> &str {
    if starts_and_ends_plain(text) {
        text
    } else {
        strip_label_marks(text)
    }
}

/// [`trim_label`] for a text known to have something to trim.
fn strip_label_marks(text: &str) -> &str {
    let trim = crate::bytes::trim;
    trim(trim(trim(text).trim_end_matches([':', '：'])).trim_matches('*'))
}

/// Sub-titles that name a part of a document rather than a project.
fn is_generic_title(text: &str) -> bool {
    let text = crate::bytes::trim(text);
    ["상세 내용", "개요", "통계", "계획된 작업 범위", "기술 부채"].contains(&text)
}

/// The title a fact's text opens with, before a colon within its first 120
/// bytes (about 40 Hangul letters): `API 성능 최적화 (9월)` of
/// `API 성능 최적화 (9월): 월간 최다 커밋`. Searched byte-wise: this runs for
/// every fact of a retrospective.
pub(crate) fn inline_title(text: &str) -> Option<&str> {
    title_before(text, colon_near_start(text))
}

/// [`inline_title`], given where `text`'s first colon lies
/// ([`colon_near_start`]).
fn title_before(text: &str, colon: Option<usize>) -> Option<&str> {
    text.get(..colon?)
}

/// Where the first `:` or `：` of `text`'s first 120 bytes starts: found
/// once for both a fact's title and its inline label.
fn colon_near_start(text: &str) -> Option<usize> {
    first_colon(&text.as_bytes()[..text.len().min(120)])
}

/// Where the first `:` or `：` of `bytes` starts, searched with memchr:
/// `：` starts with 0xEF, a byte no Hangul syllable has, so a false start
/// is rare. Not [`crate::bytes::find_either`]: most of the 120 bytes
/// searched hold no colon, and read eight at a time in a register they
/// cost more instructions than memchr's vector search (measured).
fn first_colon(bytes: &[u8]) -> Option<usize> {
    const FULLWIDTH_COLON: &[u8] = "：".as_bytes();
    let mut from = 0;
    loop {
        let found = from + memchr::memchr2(b':', FULLWIDTH_COLON[0], bytes.get(from..)?)?;
        if bytes[found] == b':' || bytes[found..].starts_with(FULLWIDTH_COLON) {
            return Some(found);
        }
        from = found + 1;
    }
}

/// `원인: 캐싱된 …` or `성과: …` → the label's role.
#[cfg(test)]
fn inline_label(text: &str) -> Option<(Role, &str)> {
    label_before(text, colon_near_start(text))
}

/// The inline label `text` opens with (`원인: 캐싱된 …` → the role of
/// `원인`), given where its first colon lies ([`colon_near_start`]).
fn label_before(text: &str, colon: Option<usize>) -> Option<(Role, &str)> {
    // Only a colon as far as a label can reach counts (12 characters
    // before it, so it ends within 52 bytes). One further on means that
    // none ends there: an earlier one would have been found first.
    let colon = colon?;
    let width = if text.as_bytes().get(colon) == Some(&b':') {
        1
    } else {
        "：".len()
    };
    if colon + width > 52 {
        return None;
    }
    let head = text.get(..colon)?;
    if head.chars().count() > 12 {
        return None;
    }
    role_of_label(head).map(|role| (role, trim_label(head)))
}

/// XXH3-64 over `path ␟ heading ␞ heading … ␟`: the seed with which each
/// fact's text is hashed into its id, shared by the facts of one place.
/// XXH3 is specified and stable across versions and platforms, so an id
/// stays the same while path, headings and text do.
///
/// `place` is a buffer kept between calls; what it holds is replaced.
fn place_hash(relative: &str, heading_path: &[String], place: &mut Vec<u8>) -> u64 {
    place.clear();
    place.extend_from_slice(relative.as_bytes());
    place.push(0x1f);
    for (index, heading) in heading_path.iter().enumerate() {
        if index > 0 {
            place.push(0x1e);
        }
        place.extend_from_slice(heading.as_bytes());
    }
    place.push(0x1f);
    xxh3_64(place)
}

/// `f` + the top 48 bits of the text's hash seeded by its place, as 12 hex
/// digits; a repeated identical fact in the same place gets its occurrence
/// number hashed in. The id's 13 bytes come first, then zeros.
fn id_digits(digest: u64, occurrence: usize) -> IdDigits {
    let digest = if occurrence > 0 {
        xxh3_64_with_seed(occurrence.to_string().as_bytes(), digest)
    } else {
        digest
    };
    // Made in a register, not a byte at a time: the 12 nibbles are spread
    // to a byte each by halving groups (6 nibbles, 3, then 1), the lowest
    // nibble in the lowest byte, and the 12 bytes then reversed.
    const LOW_24: u128 = 0xFF_FFFF;
    const LOW_12: u128 = 0xFFF | 0xFFF << 48;
    const LOW_4: u128 = 0xF | 0xF << 24 | 0xF << 48 | 0xF << 72;
    let top = u128::from(digest >> 16);
    let sixes = (top & LOW_24) | ((top >> 24) & LOW_24) << 48;
    let threes = (sixes & LOW_12) | ((sixes >> 12) & LOW_12) << 24;
    let spread = (threes & LOW_4) | ((threes >> 4) & LOW_4) << 8 | ((threes >> 8) & LOW_4) << 16;
    let nibbles = spread.swap_bytes() >> 32;
    const ONES: u128 = 0x0101_0101_0101_0101_0101_0101;
    // Per byte, with no carry between bytes: 1 where the nibble is 10 or
    // more, then `0` + nibble, 39 further on for `a`-`f`.
    let letters = ((nibbles + ONES * 6) >> 4) & ONES;
    let digits = nibbles + ONES * u128::from(b'0') + letters * 39;
    IdDigits(((digits << 8) | u128::from(b'f')).to_le_bytes())
}

/// An id's bytes from [`id_digits`], on a 16-byte boundary: `str::from_utf8`
/// checks aligned bytes a word at a time (13 unaligned bytes it checks one
/// by one, about a hundred instructions an id).
#[derive(Debug, Default, Clone, Copy)]
#[repr(C, align(16))]
struct IdDigits([u8; 16]);

/// The id whose bytes [`id_digits`] made.
fn fact_id(digits: &IdDigits) -> CompactString {
    // ASCII by construction, zeros after the id; its 13 bytes are kept
    // inline, with no allocation.
    let text = std::str::from_utf8(&digits.0).unwrap_or_default();
    CompactString::new(text.get(..13).unwrap_or_default())
}

/// Quantities of a table row, each labelled `row key · column header`, with
/// the parts of a split cell (`35 (31+4)` under `커밋 (BE+FE)`) labelled by part.
fn table_quantities(header: &[String], cells: Cells<'_>, scratch: &mut Scratch) -> Vec<Quantity> {
    let row_key = cells.clone().next().map_or("", |(_, cell)| cell);
    // The cells' quantities gather in the reused row buffer, so the row's
    // list is allocated once, at its final size.
    let quantities = &mut scratch.row;
    quantities.clear();
    let label = &mut scratch.label;
    for (column, (offset, cell)) in cells.enumerate() {
        let column_name = header.get(column).map(String::as_str).unwrap_or("");
        let first = quantities.len();
        extract_quantities_into(cell, &mut scratch.scan, quantities);
        let found = &mut quantities[first..];
        let component_count = found.len().saturating_sub(1);
        // Only a cell with components (`35 (31+4)`) needs the header's
        // parts, and only when the header names each of them.
        let parts = (component_count > 0)
            .then(|| split_names(column_name))
            .filter(|parts| parts.clone().count() == component_count);
        for (position, quantity) in found.iter_mut().enumerate() {
            // Put together in a reused buffer, then copied once (fewer
            // instructions than growing a CompactString piece by piece): a
            // label of up to 24 bytes (`2월 · 커밋 (BE+FE)`) stays inline.
            label.clear();
            if column == 0 {
                label.push_str(row_key);
            } else if row_key.is_empty() {
                label.push_str(column_name);
            } else {
                label.push_str(row_key);
                label.push_str(" · ");
                label.push_str(column_name);
            }
            if position > 0 {
                if let Some(part) = parts.clone().and_then(|mut parts| parts.nth(position - 1)) {
                    label.push_str(" · ");
                    label.push_str(part);
                }
            }
            quantity.label = Some(CompactString::new(label.as_str()));
            quantity.start += offset;
            quantity.end += offset;
        }
    }
    // Not `collect`: a drain collected gets room for at least four.
    let mut row = Vec::with_capacity(quantities.len());
    row.append(quantities);
    row
}

/// Buffers the fact stage reuses from one fact to the next on a thread.
#[derive(Default)]
struct Scratch {
    scan: QuantityScratch,
    /// A table row's quantities, gathered cell by cell.
    row: Vec<Quantity>,
    /// The bytes [`place_hash`] hashes.
    place: Vec<u8>,
    /// A table cell's label as it is put together.
    label: String,
    /// The current fact's id, from [`id_digits`].
    id: IdDigits,
}

/// `커밋 (BE+FE)` → `["BE", "FE"]`; none for a header without parts.
fn split_names(header: &str) -> impl Iterator<Item = &str> + Clone {
    let inner = header
        .find('(')
        .map(|open| header[open + 1..].trim_end().trim_end_matches(')'))
        .filter(|inner| inner.contains('+'))
        .unwrap_or("");
    inner
        .split('+')
        .map(str::trim)
        .filter(|_| !inner.is_empty())
}

#[cfg(test)]
mod tests {
    /// The companies one of whose folded names `str::contains` finds in
    /// the folded `text`, in profile order.
    fn named_by_contains<'a>(profile: &'a super::Profile, text: &str) -> Vec<&'a str> {
        let folded = super::fold_name(text);
        profile
            .companies
            .iter()
            .filter(|company| {
                company.names().any(|name| {
                    let name = super::fold_name(name);
                    !name.is_empty() && folded.contains(name.as_str())
                })
            })
            .map(|company| company.name.as_str())
            .collect()
    }

    fn sorted(mut named: Vec<&str>) -> Vec<&str> {
        named.sort_unstable();
        named
    }

    fn tricky_profile() -> super::Profile {
        let company = |name: &str, aliases: &[&str]| crate::config::Company {
            name: name.to_string(),
            aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
            period: None,
        };
        super::Profile {
            companies: vec![
                company("AWA 소프트", &["AWA소프트", "AWA", "aa"]),
                company("소프트웨어랩", &["소프트"]),
                company("한패스", &["Hanpass", " "]),
            ],
            ..super::Profile::default()
        }
    }

    #[test]
    fn companies_named_are_those_str_contains_finds() {
        let profile = tricky_profile();
        let matcher = super::CompanyMatcher::new(&profile);
        let mut by_finders = super::CompanyMatcher::new(&profile);
        by_finders.searcher = None;
        by_finders.prefilter = None;
        for text in [
            "AWA 소프트와 소프트웨어랩",
            "aaaa AAA awa소프트 awa 소 프 트",
            "HANPASS 한패스 한 패 스 Hanpass",
            "아무 회사도 없는 문장",
            "",
        ] {
            let expected = sorted(named_by_contains(&profile, text));
            assert_eq!(sorted(matcher.named(text)), expected, "{text:?}");
            assert_eq!(sorted(by_finders.named(text)), expected, "{text:?}");
        }
    }

    #[test]
    fn canonical_names_are_the_profile_s() {
        let mut profile = tricky_profile();
        profile.companies.push(crate::config::Company {
            name: "소프트".to_string(),
            aliases: vec!["AWA".to_string()],
            period: None,
        });
        let matcher = super::CompanyMatcher::new(&profile);
        for name in [
            "AWA 소프트",
            "awa소프트",
            "AWA",
            "aa",
            "AA",
            "소프트",
            "소 프 트",
            "한패스",
            "HANPASS",
            " ",
            "",
            "\t",
            "쏘카",
            "소프트웨어랩",
            "소프트웨어 랩",
        ] {
            assert_eq!(
                matcher.canonical(&profile, name),
                profile.canonical_company(name),
                "{name:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn companies_named_agree_with_str_contains(text in "[aAwW 소프트웨어랩한패스sHnp]{0,24}") {
            let profile = tricky_profile();
            let matcher = super::CompanyMatcher::new(&profile);
            proptest::prop_assert_eq!(
                sorted(matcher.named(&text)),
                sorted(named_by_contains(&profile, &text))
            );
        }

        /// One colon search serves both the label and the title: the
        /// label is what a search of the first 52 bytes alone gave.
        #[test]
        fn labels_read_from_the_shared_colon_are_those_of_a_search_within_52_bytes(
            text in "[ :：*결과원인😀a]{0,40}"
        ) {
            let within_52 = super::first_colon(&text.as_bytes()[..text.len().min(52)])
                .and_then(|colon| text.get(..colon))
                .filter(|head| head.chars().count() <= 12)
                .and_then(|head| {
                    super::role_of_label(head).map(|role| (role, super::trim_label(head)))
                });
            proptest::prop_assert_eq!(
                super::label_before(&text, super::colon_near_start(&text)),
                within_52
            );
        }
    }

    #[test]
    fn labels_are_sorted_for_their_binary_search() {
        assert!(super::LABELS
            .windows(2)
            .all(|pair| pair[0].0.as_bytes() < pair[1].0.as_bytes()));
        // Keys keep the order, and each label fits one.
        assert!(super::LABEL_KEYS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(super::LABELS.iter().all(|(label, _)| label.len() <= 16));
        assert_eq!(super::role_of_label("결과\0"), None);
        for (label, role) in super::LABELS {
            assert_eq!(super::role_of_label(label), Some(*role));
            assert_eq!(super::role_of_label(&format!("**{label}**:")), Some(*role));
        }
    }

    #[test]
    fn room_for_texts_alike_is_made_once() {
        // Ten texts of 100 bytes and 5 blocks each, 4 facts from each: room
        // for the first text's blocks, then for all the rest at once.
        let mut facts: Vec<u64> = Vec::new();
        let mut capacities = Vec::new();
        for text in 0..10 {
            super::reserve_for(&mut facts, 5, text * 100, 1_000);
            capacities.push(facts.capacity());
            facts.extend([1, 2, 3, 4]);
        }
        assert!(capacities[0] >= 5, "{capacities:?}");
        assert!(capacities[1..]
            .iter()
            .all(|&capacity| capacity == capacities[1]));
        assert!((41..60).contains(&capacities[1]), "{capacities:?}");
        // A dense start asks for no more than a fact per 8 bytes left, and
        // sizes that make no sense ask for the blocks at hand only.
        let mut dense: Vec<u64> = vec![1];
        dense.shrink_to_fit();
        super::reserve_for(&mut dense, 1, 2, 8_002);
        assert!(
            dense.capacity() >= 2 && dense.capacity() < 2_000,
            "{}",
            dense.capacity()
        );
        let mut odd: Vec<u64> = Vec::new();
        super::reserve_for(&mut odd, 0, 0, 0);
        odd.extend([1, 2, 3]);
        super::reserve_for(&mut odd, 3, 0, usize::MAX);
        assert!(odd.capacity() >= 6);
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_fact_stays_small() {
        assert_eq!(std::mem::size_of::<Fact>(), 232);
    }

    #[test]
    fn line_numbers_saturate_at_32_bits() {
        assert_eq!(super::line_number(7), 7);
        assert_eq!(super::line_number(usize::MAX), u32::MAX);
    }

    #[test]
    fn fact_ids_are_the_top_48_bits_in_hex() {
        let mut digest = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1000 {
            let id = super::fact_id(&super::id_digits(digest, 0));
            assert_eq!(id, format!("f{:012x}", digest >> 16));
            digest = digest.rotate_left(7).wrapping_mul(0x2545_F491_4F6C_DD1D);
        }
        for digest in [0, u64::MAX, 0xa0a0_a0a0_a0a0_0000, 0x0909_0909_0909_ffff] {
            let id = super::fact_id(&super::id_digits(digest, 0));
            assert_eq!(id, format!("f{:012x}", digest >> 16));
        }
    }

    #[test]
    fn iso_dates_read_as_the_formatted_ones() {
        for (year, month, day) in [(2025, 3, 1), (1999, 12, 31), (2024, 2, 29), (0, 1, 1)] {
            assert_eq!(
                super::iso_date(year, month, day),
                format!("{year:04}-{month:02}-{day:02}")
            );
        }
        assert_eq!(super::iso_date(12345, 1, 1), "12345-01-01");
    }

    use super::*;

    #[test]
    fn inline_titles_end_at_the_first_colon_near_the_start() {
        assert_eq!(
            inline_title("API 성능 최적화 (9월): 월간 최다 커밋(69개) 달성"),
            Some("API 성능 최적화 (9월)")
        );
        assert_eq!(inline_title("성과：처리량 17배"), Some("성과"));
        assert_eq!(inline_title("콜론이 없는 문장"), None);
        let late = format!("{}: 끝", "가".repeat(50));
        assert_eq!(inline_title(&late), None);
    }

    #[test]
    fn periods_parse() {
        assert_eq!(
            Period::parse("2022.04.18 ~ 재직중"),
            Some(Period {
                start: Some("2022-04-18".into()),
                end: None
            })
        );
        assert_eq!(
            Period::parse("2025년 연간 회고록 (2025.01 ~ 2025.12)"),
            Some(Period {
                start: Some("2025-01-01".into()),
                end: Some("2025-12-31".into())
            })
        );
        assert_eq!(
            Period::parse("2024.02"),
            Some(Period {
                start: Some("2024-02-01".into()),
                end: Some("2024-02-29".into())
            })
        );
        assert_eq!(
            Period::parse("2025-12-12").and_then(|p| p.end),
            Some("2025-12-12".into())
        );
        assert_eq!(Period::parse("어제부터"), None);
    }

    #[test]
    fn month_spans() {
        assert_eq!(month_span("결제 서비스 MSA 분리 완료 (2월)"), Some((2, 2)));
        assert_eq!(
            month_span("모비닥 디지털 처방 시스템 (7~8월)"),
            Some((7, 8))
        );
        assert_eq!(
            month_span("Helm Chart 인프라 관리 (5월, 6월, 12월)"),
            Some((5, 12))
        );
        assert_eq!(month_span("12개월"), None);
        assert_eq!(month_span("MSA"), None);
    }

    #[test]
    fn labels() {
        assert_eq!(role_of_label("**담당**"), Some(Role::Action));
        assert_eq!(role_of_label("배경과 상황"), Some(Role::Background));
        assert_eq!(role_of_label("회고"), Some(Role::Lesson));
        assert_eq!(role_of_label("배운 점"), Some(Role::Lesson));
        assert_eq!(role_of_label("가상 계좌"), None);
        assert_eq!(
            inline_label("원인: 캐시").map(|(role, _)| role),
            Some(Role::Background)
        );
    }

    #[test]
    fn long_texts_are_told_from_labels_by_their_bytes() {
        assert!(surely_longer_than_a_label(
            "응답시간을 1375ms에서 92ms로 단축"
        ));
        // Marks around a label are not counted, whatever their number.
        let marked = format!("**결과**:{}", " ".repeat(20));
        assert!(!surely_longer_than_a_label(&marked));
        assert_eq!(role_of_label(&marked), Some(Role::Result));
        // Ideographic spaces are marks the bytes cannot vouch for: the caller decides.
        let wide = format!("{}결과", "\u{3000}".repeat(6));
        assert!(!surely_longer_than_a_label(&wide));
        assert_eq!(role_of_label(&wide), Some(Role::Result));
    }

    #[test]
    fn inline_labels_are_found_within_twelve_characters() {
        assert_eq!(
            inline_label("**해결**：TTL 조정"),
            Some((Role::Action, "해결"))
        );
        // The first colon decides, even when what is before it is no label.
        assert_eq!(inline_label("메모: 결과: 처리량 2배"), None);
        // Twelve characters before the colon are in reach; thirteen are not.
        let twelve = format!("{}결과:", " ".repeat(10));
        assert_eq!(inline_label(&twelve), Some((Role::Result, "결과")));
        let thirteen = format!("{}결과:", " ".repeat(11));
        assert_eq!(inline_label(&thirteen), None);
        // Twelve Hangul letters are 36 bytes: still in reach.
        let wide = format!("{}:", "가".repeat(12));
        assert_eq!(
            first_colon(&wide.as_bytes()[..wide.len().min(52)]),
            Some(36)
        );
        // A byte 0xEF that starts no `：` is passed over.
        assert_eq!(first_colon("ｆ:".as_bytes()), Some(3));
    }

    #[test]
    fn header_parts() {
        assert_eq!(
            split_names("커밋 (BE+FE)").collect::<Vec<_>>(),
            ["BE", "FE"]
        );
        assert_eq!(split_names("이슈").count(), 0);
        assert_eq!(split_names("커밋 (BE)").count(), 0);
    }
}
