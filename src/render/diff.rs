//! Review diffs of a 경력기술서: what a regeneration changed, section by
//! section, before anything is overwritten.
//!
//! Both versions are cut into the same [`Segment`]s (preamble, company
//! heading, 주제 heading, each project) and paired by key, so the diff reads
//! per project even when other projects grew or shrank. Inside a section,
//! changed lines get word-level highlights: the lines of a replaced block
//! are split into Korean-aware tokens (each Hangul syllable alone, runs of
//! Latin letters, of digits, of spaces; each other character alone, so
//! `10%로` → `10`, `%`, `로`) and compared with `similar`'s Myers diff.
//!
//! Every number on an added line is shown with its verifier status; the
//! caller verifies the new text and passes the claims keyed by line
//! ([`claims_by_line`]), so rendering stays a pure function.
//!
//! Three renderings: text (a unified diff, coloured only when asked), a
//! Markdown review document for a pull request, and JSON (schema in README).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{capture_diff_slices_deadline, get_diff_ratio, Algorithm, DiffOp, DiffTag, TextDiff};

use crate::render::verification::Summary;
use crate::resume::{LineRange, Resume, Segment};
use crate::verify::{Claim, SourceRef, Status};

/// Unchanged lines shown around each change.
pub const CONTEXT_LINES: usize = 3;

/// Below this share of equal tokens, a changed line is shown whole, without
/// word highlights (they would mark nearly everything).
const MIN_WORD_RATIO: f32 = 0.5;

/// The word diff of one replaced block gives up after this long.
const WORD_DIFF_DEADLINE: Duration = Duration::from_millis(500);

const RESET: &str = "\u{1b}[0m";
const BOLD: &str = "\u{1b}[1m";
const DIM: &str = "\u{1b}[2m";
const RED: &str = "\u{1b}[31m";
const GREEN: &str = "\u{1b}[32m";
const CYAN: &str = "\u{1b}[36m";
const YELLOW: &str = "\u{1b}[33m";
/// Reverse video on top of the line's colour: the changed words.
const RED_HIGHLIGHT: &str = "\u{1b}[1;7;31m";
const GREEN_HIGHLIGHT: &str = "\u{1b}[1;7;32m";

/// The claims of the new text, by 1-based line of the new text.
pub type ClaimsByLine = BTreeMap<usize, Vec<Claim>>;

/// Groups claims by their line (as [`crate::verify::verify_markdown`]
/// returns them for the whole new text).
pub fn claims_by_line(claims: impl IntoIterator<Item = Claim>) -> ClaimsByLine {
    let mut grouped = ClaimsByLine::new();
    for claim in claims {
        grouped.entry(claim.line).or_default().push(claim);
    }
    grouped
}

/// What changed between two versions of a 경력기술서.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewDiff {
    /// How to name the two versions (`content/career/hanpass.md`, `(regenerated)`).
    pub old_name: String,
    pub new_name: String,
    /// Only the sections that changed, in the new text's order (removed
    /// sections where they used to be).
    pub sections: Vec<SectionDiff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionDiff {
    /// Pairs the section across versions (`project/한패스/서비스개발/가상계좌`).
    pub key: String,
    /// `한패스 › 서비스 개발 › 가상 계좌`.
    pub label: String,
    pub change: SectionChange,
    pub old_lines: Option<LineRange>,
    pub new_lines: Option<LineRange>,
    pub hunks: Vec<Hunk>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionChange {
    Changed,
    Added,
    Removed,
}

impl SectionChange {
    fn as_str(self) -> &'static str {
        match self {
            SectionChange::Changed => "changed",
            SectionChange::Added => "added",
            SectionChange::Removed => "removed",
        }
    }
}

/// A unified-diff hunk; line numbers are 1-based in the whole files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    pub old_start: usize,
    pub old_count: usize,
    pub new_start: usize,
    pub new_count: usize,
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub tag: LineTag,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    /// The line without its line ending.
    pub text: String,
    /// For a changed line paired with its counterpart: the line cut into
    /// changed and unchanged pieces. Empty when there is no word diff.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineTag {
    Context,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub text: String,
    pub changed: bool,
}

impl ReviewDiff {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Lines added and removed over all sections.
    pub fn line_counts(&self) -> (usize, usize) {
        let mut added = 0;
        let mut removed = 0;
        for line in self.lines() {
            match line.tag {
                LineTag::Added => added += 1,
                LineTag::Removed => removed += 1,
                LineTag::Context => {}
            }
        }
        (added, removed)
    }

    fn lines(&self) -> impl Iterator<Item = &DiffLine> {
        self.sections
            .iter()
            .flat_map(|section| section.hunks.iter())
            .flat_map(|hunk| hunk.lines.iter())
    }

    /// The claims of every added line, in order.
    pub fn added_claims<'a>(&'a self, claims: &'a ClaimsByLine) -> Vec<&'a Claim> {
        self.sections
            .iter()
            .flat_map(|section| section.added_claims(claims))
            .collect()
    }
}

impl SectionDiff {
    fn added_lines(&self) -> impl Iterator<Item = &DiffLine> {
        self.hunks
            .iter()
            .flat_map(|hunk| hunk.lines.iter())
            .filter(|line| line.tag == LineTag::Added)
    }

    fn removed_lines(&self) -> impl Iterator<Item = &DiffLine> {
        self.hunks
            .iter()
            .flat_map(|hunk| hunk.lines.iter())
            .filter(|line| line.tag == LineTag::Removed)
    }

    /// The claims on this section's added lines, in order.
    pub fn added_claims<'a>(&'a self, claims: &'a ClaimsByLine) -> Vec<&'a Claim> {
        self.added_lines()
            .filter_map(|line| line.new_line.and_then(|number| claims.get(&number)))
            .flatten()
            .collect()
    }
}

/// Diffs two 경력기술서 texts section by section.
pub fn diff_texts(old_name: &str, old: &str, new_name: &str, new: &str) -> ReviewDiff {
    let old_segments = Resume::parse(old).segments();
    let new_segments = Resume::parse(new).segments();
    diff_segments(old_name, &old_segments, new_name, &new_segments)
}

/// Diffs two versions already cut into segments (pairing them by key).
pub fn diff_segments(
    old_name: &str,
    old: &[Segment],
    new_name: &str,
    new: &[Segment],
) -> ReviewDiff {
    let old_by_key: HashMap<&str, &Segment> = old
        .iter()
        .map(|segment| (segment.key.as_str(), segment))
        .collect();
    let new_keys: HashSet<&str> = new.iter().map(|segment| segment.key.as_str()).collect();

    // Removed segments go right after the old segment that preceded them.
    let mut removed_after: HashMap<Option<&str>, Vec<&Segment>> = HashMap::new();
    let mut previous_kept: Option<&str> = None;
    for segment in old {
        if new_keys.contains(segment.key.as_str()) {
            previous_kept = Some(segment.key.as_str());
        } else {
            removed_after
                .entry(previous_kept)
                .or_default()
                .push(segment);
        }
    }

    // A section missing on one side is placed after the last line of the
    // most recent section both sides share (its "anchor").
    let mut sections = Vec::new();
    let mut old_anchor = 0;
    let mut new_anchor = 0;
    for segment in removed_after.remove(&None).unwrap_or_default() {
        sections.push(section_diff(Some(segment), None, (0, new_anchor)));
    }
    for segment in new {
        let counterpart = old_by_key.get(segment.key.as_str()).copied();
        if counterpart.is_none_or(|old_segment| old_segment.text != segment.text) {
            sections.push(section_diff(
                counterpart,
                Some(segment),
                (old_anchor, new_anchor),
            ));
        }
        new_anchor = line_range(segment).end;
        if let Some(old_segment) = counterpart {
            old_anchor = line_range(old_segment).end;
            for removed in removed_after
                .remove(&Some(segment.key.as_str()))
                .unwrap_or_default()
            {
                sections.push(section_diff(Some(removed), None, (old_anchor, new_anchor)));
            }
        }
    }
    ReviewDiff {
        old_name: old_name.to_string(),
        new_name: new_name.to_string(),
        sections,
    }
}

fn line_range(segment: &Segment) -> LineRange {
    let count = segment.text.split_inclusive('\n').count().max(1);
    LineRange {
        start: segment.start_line,
        end: segment.start_line + count - 1,
    }
}

/// `anchors`: the lines a missing side comes after, in the old and the new file.
fn section_diff(
    old: Option<&Segment>,
    new: Option<&Segment>,
    anchors: (usize, usize),
) -> SectionDiff {
    let (key, label, change) = match (old, new) {
        (Some(_), Some(new)) => (new.key.clone(), new.label.clone(), SectionChange::Changed),
        (None, Some(new)) => (new.key.clone(), new.label.clone(), SectionChange::Added),
        (Some(old), None) => (old.key.clone(), old.label.clone(), SectionChange::Removed),
        (None, None) => (String::new(), String::new(), SectionChange::Changed),
    };
    let old_text = old.map_or("", |segment| segment.text.as_str());
    let new_text = new.map_or("", |segment| segment.text.as_str());
    let old_base = old.map_or(anchors.0, |segment| segment.start_line - 1);
    let new_base = new.map_or(anchors.1, |segment| segment.start_line - 1);
    SectionDiff {
        key,
        label,
        change,
        old_lines: old.map(line_range),
        new_lines: new.map(line_range),
        hunks: hunks(old_text, old_base, new_text, new_base),
    }
}

fn without_line_ending(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
        .unwrap_or(line)
}

/// Unified-diff hunks of `old` against `new`; `*_base` is the number of
/// lines before each text in its whole file.
fn hunks(old: &str, old_base: usize, new: &str, new_base: usize) -> Vec<Hunk> {
    let diff = TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = diff
        .old_slices()
        .iter()
        .map(|line| without_line_ending(line))
        .collect();
    let new_lines: Vec<&str> = diff
        .new_slices()
        .iter()
        .map(|line| without_line_ending(line))
        .collect();
    let mut hunks = Vec::new();
    for group in diff.grouped_ops(CONTEXT_LINES) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_start = first.old_range().start;
        let new_start = first.new_range().start;
        let old_count = last.old_range().end - old_start;
        let new_count = last.new_range().end - new_start;
        let mut lines = Vec::new();
        for op in &group {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            let removed = |index: usize, spans: Vec<Span>| DiffLine {
                tag: LineTag::Removed,
                old_line: Some(old_base + index + 1),
                new_line: None,
                text: old_lines[index].to_string(),
                spans,
            };
            let added = |index: usize, spans: Vec<Span>| DiffLine {
                tag: LineTag::Added,
                old_line: None,
                new_line: Some(new_base + index + 1),
                text: new_lines[index].to_string(),
                spans,
            };
            match tag {
                DiffTag::Equal => {
                    for (old_index, new_index) in old_range.zip(new_range) {
                        lines.push(DiffLine {
                            tag: LineTag::Context,
                            old_line: Some(old_base + old_index + 1),
                            new_line: Some(new_base + new_index + 1),
                            text: old_lines[old_index].to_string(),
                            spans: Vec::new(),
                        });
                    }
                }
                DiffTag::Delete => lines.extend(old_range.map(|index| removed(index, Vec::new()))),
                DiffTag::Insert => lines.extend(new_range.map(|index| added(index, Vec::new()))),
                DiffTag::Replace => {
                    let (old_spans, new_spans) =
                        word_spans(&old_lines[old_range.clone()], &new_lines[new_range.clone()]);
                    lines.extend(
                        old_range
                            .zip(old_spans)
                            .map(|(index, spans)| removed(index, spans)),
                    );
                    lines.extend(
                        new_range
                            .zip(new_spans)
                            .map(|(index, spans)| added(index, spans)),
                    );
                }
            }
        }
        // Unified diff: an empty side's start is the line before the change.
        let display_start = |base: usize, start: usize, count: usize| {
            if count == 0 {
                base + start
            } else {
                base + start + 1
            }
        };
        hunks.push(Hunk {
            old_start: display_start(old_base, old_start, old_count),
            old_count,
            new_start: display_start(new_base, new_start, new_count),
            new_count,
            lines,
        });
    }
    hunks
}

/// Token classes for Korean-aware word diffs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TokenClass {
    Hangul,
    Latin,
    Digit,
    Space,
    /// Anything else: one token per character.
    Single,
}

fn token_class(character: char) -> TokenClass {
    let code = character as u32;
    if (0xAC00..=0xD7A3).contains(&code)
        || (0x1100..=0x11FF).contains(&code)
        || (0x3130..=0x318F).contains(&code)
    {
        TokenClass::Hangul
    } else if character.is_ascii_digit() {
        TokenClass::Digit
    } else if character.is_alphabetic() {
        TokenClass::Latin
    } else if character.is_whitespace() {
        TokenClass::Space
    } else {
        TokenClass::Single
    }
}

/// `10%로 감소` → `10`, `%`, `로`, ` `, `감`, `소`: a Hangul syllable is a
/// token of its own, so a changed particle (`캐시를` → `캐시`) or ending
/// (`도입하여` → `도입으로`) is highlighted, not the whole 어절.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut current: Option<TokenClass> = None;
    for (index, character) in text.char_indices() {
        let class = token_class(character);
        if let Some(previous) = current {
            if previous != class || matches!(class, TokenClass::Single | TokenClass::Hangul) {
                tokens.push(&text[start..index]);
                start = index;
            }
        }
        current = Some(class);
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

/// Word-level spans for the lines of a replaced block, or empty spans when
/// the lines share too little for highlights to help.
fn word_spans(old: &[&str], new: &[&str]) -> (Vec<Vec<Span>>, Vec<Vec<Span>>) {
    let flatten = |lines: &[&str]| -> Vec<(usize, String)> {
        lines
            .iter()
            .enumerate()
            .flat_map(|(line, text)| {
                // A line break is a token too, so words never match across lines.
                tokens(text)
                    .into_iter()
                    .map(move |token| (line, token.to_string()))
                    .chain(std::iter::once((line, "\n".to_string())))
            })
            .collect()
    };
    let old_tokens = flatten(old);
    let new_tokens = flatten(new);
    let old_words: Vec<&str> = old_tokens.iter().map(|(_, token)| token.as_str()).collect();
    let new_words: Vec<&str> = new_tokens.iter().map(|(_, token)| token.as_str()).collect();
    let empty = || (vec![Vec::new(); old.len()], vec![Vec::new(); new.len()]);
    let operations = capture_diff_slices_deadline(
        Algorithm::Myers,
        &old_words,
        &new_words,
        Some(Instant::now() + WORD_DIFF_DEADLINE),
    );
    if get_diff_ratio(&operations, old_words.len(), new_words.len()) < MIN_WORD_RATIO {
        return empty();
    }
    let mut old_changed = vec![false; old_words.len()];
    let mut new_changed = vec![false; new_words.len()];
    for operation in &operations {
        match *operation {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                old_changed[old_index..old_index + old_len].fill(true);
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                new_changed[new_index..new_index + new_len].fill(true);
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                old_changed[old_index..old_index + old_len].fill(true);
                new_changed[new_index..new_index + new_len].fill(true);
            }
        }
    }
    (
        spans_per_line(&old_tokens, &old_changed, old.len()),
        spans_per_line(&new_tokens, &new_changed, new.len()),
    )
}

fn spans_per_line(
    tokens: &[(usize, String)],
    changed: &[bool],
    line_count: usize,
) -> Vec<Vec<Span>> {
    let mut lines: Vec<Vec<Span>> = vec![Vec::new(); line_count];
    for ((line, token), &is_changed) in tokens.iter().zip(changed) {
        if token == "\n" {
            continue;
        }
        // Spaces between two changed words join them into one highlight.
        let spans = &mut lines[*line];
        match spans.last_mut() {
            Some(last) if last.changed == is_changed => last.text.push_str(token),
            _ => spans.push(Span {
                text: token.clone(),
                changed: is_changed,
            }),
        }
    }
    for spans in &mut lines {
        join_spaces(spans);
        // All unchanged, or all new: there is nothing to point at inside the line.
        let changed = spans.iter().filter(|span| span.changed).count();
        if changed == 0 || (changed == spans.len() && spans.len() == 1) {
            spans.clear();
        }
    }
    lines
}

/// An unchanged run of only spaces between two changed spans becomes changed.
fn join_spaces(spans: &mut Vec<Span>) {
    let mut index = 1;
    while index + 1 < spans.len() {
        if !spans[index].changed
            && spans[index].text.trim().is_empty()
            && spans[index - 1].changed
            && spans[index + 1].changed
        {
            let middle = spans.remove(index);
            let next = spans.remove(index);
            let previous = &mut spans[index - 1];
            previous.text.push_str(&middle.text);
            previous.text.push_str(&next.text);
        } else {
            index += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// Rendering helpers

fn paint(text: &str, code: &str, color: bool) -> String {
    if color && !text.is_empty() {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Supported => "✓",
        Status::Derived => "≈",
        Status::Mismatch => "✗",
        Status::Unsupported => "⚠",
    }
}

fn status_color(status: Status) -> &'static str {
    match status {
        Status::Supported => GREEN,
        Status::Derived => CYAN,
        Status::Mismatch => RED,
        Status::Unsupported => YELLOW,
    }
}

fn locations(sources: &[SourceRef]) -> String {
    const SHOWN: usize = 3;
    let mut shown: Vec<String> = sources
        .iter()
        .take(SHOWN)
        .map(|source| format!("{}:{}", source.path, source.line))
        .collect();
    if sources.len() > SHOWN {
        shown.push(format!("+{} more", sources.len() - SHOWN));
    }
    shown.join(", ")
}

/// What backs a claim, in a few words: its sources, its formula or the warning.
fn evidence(claim: &Claim) -> String {
    let sources = locations(&claim.sources);
    match claim.status {
        Status::Supported => sources,
        Status::Derived => {
            let formula = claim.derivation.clone().unwrap_or_default();
            if sources.is_empty() {
                formula
            } else {
                format!("{formula} ← {sources}")
            }
        }
        Status::Mismatch | Status::Unsupported => {
            let reason = claim.reason.clone().unwrap_or_default();
            if sources.is_empty() {
                reason
            } else {
                format!("{reason} ({sources})")
            }
        }
    }
}

fn summary_line(diff: &ReviewDiff, claims: &ClaimsByLine) -> String {
    if diff.is_empty() {
        return "no changes".to_string();
    }
    let (added, removed) = diff.line_counts();
    let owned: Vec<Claim> = diff.added_claims(claims).into_iter().cloned().collect();
    let summary = Summary::of(&owned);
    format!(
        "{} section(s) changed, +{added} −{removed} lines; numbers on added lines: {} supported, {} derived, {} mismatch, {} unsupported",
        diff.sections.len(),
        summary.supported,
        summary.derived,
        summary.mismatch,
        summary.unsupported
    )
}

fn range_text(range: Option<LineRange>) -> String {
    match range {
        Some(range) if range.start == range.end => format!("{}", range.start),
        Some(range) => format!("{}–{}", range.start, range.end),
        None => "—".to_string(),
    }
}

// ---------------------------------------------------------------------------
// Text

/// A unified diff per changed section, word highlights and claim notes
/// coloured when `color` is set (the caller decides: a terminal, `--color`).
pub fn render_diff_text(diff: &ReviewDiff, claims: &ClaimsByLine, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint(&format!("--- {}", diff.old_name), BOLD, color)
    );
    let _ = writeln!(
        out,
        "{}",
        paint(&format!("+++ {}", diff.new_name), BOLD, color)
    );
    for section in &diff.sections {
        let heading = format!(
            "=== {} ({}, lines {} → {})",
            section.label,
            section.change.as_str(),
            range_text(section.old_lines),
            range_text(section.new_lines)
        );
        let _ = writeln!(out, "{}", paint(&heading, BOLD, color));
        for hunk in &section.hunks {
            let header = format!(
                "@@ -{},{} +{},{} @@",
                hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count
            );
            let _ = writeln!(out, "{}", paint(&header, CYAN, color));
            for line in &hunk.lines {
                write_text_line(&mut out, line, color);
                if line.tag == LineTag::Added {
                    for claim in line
                        .new_line
                        .and_then(|number| claims.get(&number))
                        .into_iter()
                        .flatten()
                    {
                        let note = format!(
                            "{} {} {}",
                            status_mark(claim.status),
                            claim.text,
                            claim.status.as_str()
                        );
                        let detail = evidence(claim);
                        let _ = write!(
                            out,
                            "  {} {}",
                            paint("↳", DIM, color),
                            paint(&note, status_color(claim.status), color)
                        );
                        if detail.is_empty() {
                            out.push('\n');
                        } else {
                            let _ = writeln!(out, "  {}", paint(&detail, DIM, color));
                        }
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "{}", summary_line(diff, claims));
    out
}

fn write_text_line(out: &mut String, line: &DiffLine, color: bool) {
    let (sign, line_color, highlight) = match line.tag {
        LineTag::Context => (' ', "", ""),
        LineTag::Removed => ('-', RED, RED_HIGHLIGHT),
        LineTag::Added => ('+', GREEN, GREEN_HIGHLIGHT),
    };
    if !color || line.tag == LineTag::Context {
        let _ = writeln!(out, "{sign}{}", line.text);
        return;
    }
    if line.spans.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(&format!("{sign}{}", line.text), line_color, true)
        );
        return;
    }
    out.push_str(&paint(&sign.to_string(), line_color, true));
    for span in &line.spans {
        let code = if span.changed { highlight } else { line_color };
        out.push_str(&paint(&span.text, code, true));
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------
// Markdown

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A line for the review document: HTML-escaped, changed words in `tag`.
fn marked_line(line: &DiffLine, tag: &str) -> String {
    if line.spans.is_empty() {
        return escape_html(&line.text);
    }
    let mut out = String::new();
    for span in &line.spans {
        let escaped = escape_html(&span.text);
        if span.changed && !span.text.trim().is_empty() {
            let leading = &escaped[..escaped.len() - escaped.trim_start().len()];
            let trailing = &escaped[escaped.trim_end().len()..];
            let _ = write!(out, "{leading}<{tag}>{}</{tag}>{trailing}", escaped.trim());
        } else {
            out.push_str(&escaped);
        }
    }
    out
}

/// A review document for a pull request: per changed section, the removed
/// and added lines (changed words in `<del>`/`<ins>`), the table of numbers
/// on added lines with their verifier status, and the unified diff folded.
pub fn render_diff_markdown(diff: &ReviewDiff, claims: &ClaimsByLine) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# 경력기술서 변경 검토\n");
    let _ = writeln!(out, "`{}` → `{}`\n", diff.old_name, diff.new_name);
    let _ = writeln!(out, "{}\n", summary_line(diff, claims));
    for section in &diff.sections {
        let _ = writeln!(out, "## {}\n", section.label);
        let _ = writeln!(
            out,
            "{} · lines {} → {}\n",
            section.change.as_str(),
            range_text(section.old_lines),
            range_text(section.new_lines)
        );
        let removed: Vec<&DiffLine> = section
            .removed_lines()
            .filter(|line| !line.text.trim().is_empty())
            .collect();
        let added: Vec<&DiffLine> = section
            .added_lines()
            .filter(|line| !line.text.trim().is_empty())
            .collect();
        if !removed.is_empty() {
            let _ = writeln!(out, "**Removed**\n");
            for line in &removed {
                let _ = writeln!(
                    out,
                    "- L{}: {}",
                    line.old_line.unwrap_or_default(),
                    marked_line(line, "del")
                );
            }
            out.push('\n');
        }
        if !added.is_empty() {
            let _ = writeln!(out, "**Added**\n");
            for line in &added {
                let _ = writeln!(
                    out,
                    "- L{}: {}",
                    line.new_line.unwrap_or_default(),
                    marked_line(line, "ins")
                );
            }
            out.push('\n');
        }
        let section_claims = section.added_claims(claims);
        if !section_claims.is_empty() {
            let _ = writeln!(
                out,
                "| Line | Number | Status | Evidence |\n|---|---|---|---|"
            );
            for claim in section_claims {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} {} | {} |",
                    claim.line,
                    escape_cell(&claim.text),
                    status_mark(claim.status),
                    claim.status.as_str(),
                    escape_cell(&escape_html(&evidence(claim)))
                );
            }
            out.push('\n');
        }
        let _ = writeln!(out, "<details><summary>unified diff</summary>\n\n```diff");
        for hunk in &section.hunks {
            let _ = writeln!(
                out,
                "@@ -{},{} +{},{} @@",
                hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count
            );
            for line in &hunk.lines {
                let sign = match line.tag {
                    LineTag::Context => ' ',
                    LineTag::Removed => '-',
                    LineTag::Added => '+',
                };
                let _ = writeln!(out, "{sign}{}", line.text.replace("```", "ˋˋˋ"));
            }
        }
        let _ = writeln!(out, "```\n\n</details>\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------
// JSON

#[derive(Serialize)]
struct DiffDocument<'a> {
    version: u32,
    old: &'a str,
    new: &'a str,
    summary: DiffSummary,
    sections: Vec<SectionDocument<'a>>,
}

#[derive(Serialize)]
struct DiffSummary {
    sections: usize,
    added: usize,
    removed: usize,
    numbers: Summary,
}

#[derive(Serialize)]
struct SectionDocument<'a> {
    key: &'a str,
    label: &'a str,
    change: SectionChange,
    old_lines: Option<LineRange>,
    new_lines: Option<LineRange>,
    removed: Vec<LineDocument<'a>>,
    added: Vec<LineDocument<'a>>,
    numbers: Vec<&'a Claim>,
    hunks: Vec<HunkDocument<'a>>,
}

#[derive(Serialize)]
struct LineDocument<'a> {
    line: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct HunkDocument<'a> {
    old_start: usize,
    old_count: usize,
    new_start: usize,
    new_count: usize,
    lines: Vec<HunkLineDocument<'a>>,
}

#[derive(Serialize)]
struct HunkLineDocument<'a> {
    #[serde(flatten)]
    line: &'a DiffLine,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    claims: Vec<&'a Claim>,
}

/// The review as data: per section the removed and added lines, the claims
/// of the added lines (`numbers`) and the hunks with word spans and claims.
pub fn render_diff_json(diff: &ReviewDiff, claims: &ClaimsByLine) -> String {
    let (added, removed) = diff.line_counts();
    let all_claims: Vec<Claim> = diff.added_claims(claims).into_iter().cloned().collect();
    let sections = diff
        .sections
        .iter()
        .map(|section| SectionDocument {
            key: &section.key,
            label: &section.label,
            change: section.change,
            old_lines: section.old_lines,
            new_lines: section.new_lines,
            removed: section
                .removed_lines()
                .map(|line| LineDocument {
                    line: line.old_line.unwrap_or_default(),
                    text: &line.text,
                })
                .collect(),
            added: section
                .added_lines()
                .map(|line| LineDocument {
                    line: line.new_line.unwrap_or_default(),
                    text: &line.text,
                })
                .collect(),
            numbers: section.added_claims(claims),
            hunks: section
                .hunks
                .iter()
                .map(|hunk| HunkDocument {
                    old_start: hunk.old_start,
                    old_count: hunk.old_count,
                    new_start: hunk.new_start,
                    new_count: hunk.new_count,
                    lines: hunk
                        .lines
                        .iter()
                        .map(|line| HunkLineDocument {
                            line,
                            claims: match (line.tag, line.new_line) {
                                (LineTag::Added, Some(number)) => claims
                                    .get(&number)
                                    .map(|found| found.iter().collect())
                                    .unwrap_or_default(),
                                _ => Vec::new(),
                            },
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let document = DiffDocument {
        version: 1,
        old: &diff.old_name,
        new: &diff.new_name,
        summary: DiffSummary {
            sections: diff.sections.len(),
            added,
            removed,
            numbers: Summary::of(&all_claims),
        },
        sections,
    };
    serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_tokens_split_numbers_from_particles() {
        assert_eq!(tokens("10%로 감소"), ["10", "%", "로", " ", "감", "소"]);
        assert_eq!(tokens("API서버 v2"), ["API", "서", "버", " ", "v", "2"]);
    }

    #[test]
    fn changed_number_is_the_only_highlight() {
        let diff = diff_texts(
            "a",
            "- 요청 수를 10%로 줄임\n",
            "b",
            "- 요청 수를 12%로 줄임\n",
        );
        let lines = &diff.sections[0].hunks[0].lines;
        let changed: Vec<&str> = lines
            .iter()
            .flat_map(|line| line.spans.iter())
            .filter(|span| span.changed)
            .map(|span| span.text.as_str())
            .collect();
        assert_eq!(changed, ["10", "12"]);
    }

    #[test]
    fn unchanged_texts_give_an_empty_diff() {
        let text = "# **회사**\n\n**2022.01 ~ 재직중**\n\n## 프로젝트\n\n- 하나\n";
        assert!(diff_texts("a", text, "b", text).is_empty());
    }

    #[test]
    fn hunk_lines_are_numbered_in_the_whole_file() {
        let old = "# **회사**\n\n**2022.01 ~ 재직중**\n\n## 가\n\n- 하나\n\n## 나\n\n- 둘\n";
        let new = "# **회사**\n\n**2022.01 ~ 재직중**\n\n## 가\n\n- 하나\n\n## 나\n\n- 둘\n- 셋\n";
        let diff = diff_texts("a", old, "b", new);
        assert_eq!(diff.sections.len(), 1);
        let hunk = &diff.sections[0].hunks[0];
        let added = hunk
            .lines
            .iter()
            .find(|line| line.tag == LineTag::Added)
            .map(|line| line.new_line);
        assert_eq!(added, Some(Some(12)));
        assert_eq!((hunk.new_start, hunk.new_count), (9, 4));
    }
}
