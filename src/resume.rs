//! The user's 경력기술서 as data: companies (`# **한패스**` with its period
//! line), 주제 (`# 서비스 개발`), projects (`## 가상 계좌`) and their
//! 배경/담당/결과 parts with bullets, each with its 1-based line range.
//!
//! Parsing keeps every byte: lines that carry no structure (the preamble,
//! images, rules, blank lines, paragraphs between parts) stay attached to
//! their place as opaque text, so [`Resume::render`] of an unchanged parse
//! gives the same text, byte for byte.
//!
//! [`merge`] lays regenerated [`Section`]s over an existing résumé: each
//! project the draft covers gets its bullets replaced, part by part; bullets
//! and projects the user locked with [`KEEP_MARKER`] are kept verbatim in
//! their place; everything else (projects and parts the draft does not
//! cover, headings, images, rules) is left as it was.
//!
//! # Lock markers
//!
//! - `- 문장 <!-- draft:keep -->`: keeps this bullet. On a nested bullet it
//!   keeps the whole top-level bullet it belongs to, children included.
//! - `<!-- draft:keep -->` on its own line right under a project heading
//!   (blank lines may come between): keeps the whole project.
//! - the same line right under a part label (`### 결과`): keeps that part.

use std::collections::HashSet;

use serde::Serialize;

use crate::config::fold_name;
use crate::drafter::{Bullet, Section};
use crate::facts::{role_of_label, Role};
use crate::ingest::is_period_line;

/// Put at the end of a bullet line, or on its own line under a project
/// heading or a part label, to keep that text through any regeneration.
pub const KEEP_MARKER: &str = "<!-- draft:keep -->";

/// The default indentation of a nested bullet when the file shows none.
const DEFAULT_INDENT: &str = "    ";

/// 1-based, inclusive line numbers in the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineRange {
    pub start: usize,
    pub end: usize,
}

impl LineRange {
    fn of(start_index: usize, count: usize) -> LineRange {
        LineRange {
            start: start_index + 1,
            end: start_index + count.max(1),
        }
    }
}

/// A parsed 경력기술서.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resume {
    /// Lines before the first company heading (an introduction, rules).
    pub preamble: Vec<String>,
    pub companies: Vec<CompanySection>,
}

/// `# **한패스**` and everything up to the next company heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanySection {
    /// The heading text without emphasis: `한패스`.
    pub name: String,
    /// The period line without emphasis: `2022.04.18 ~ 재직중`.
    pub period: Option<String>,
    pub lines: LineRange,
    /// The heading line as written, line ending included.
    pub heading: String,
    /// The period line, blank lines and anything else before the first 주제 or project.
    pub intro: Vec<String>,
    pub topics: Vec<TopicSection>,
}

/// A 주제 (`# 서비스 개발`) with its projects. Projects written directly
/// under the company heading sit in a topic without a heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicSection {
    pub name: Option<String>,
    pub lines: LineRange,
    pub heading: Option<String>,
    pub intro: Vec<String>,
    pub projects: Vec<ProjectSection>,
}

/// `## 가상 계좌` and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectSection {
    /// The heading text without emphasis: `가상 계좌`.
    pub title: String,
    pub lines: LineRange,
    pub heading: String,
    /// `<!-- draft:keep -->` on its own line right under the heading.
    pub locked: bool,
    /// Lines between the heading and the first part (blank lines, the lock
    /// marker, text before the first label).
    pub intro: Vec<String>,
    pub parts: Vec<Part>,
}

/// Which part of a project a label announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// 배경 (and 상황, 문제, 목표 …).
    Background,
    /// 담당 (and 역할, 해결, 조치 …).
    Action,
    /// 결과 (and 성과, 효과 …).
    Result,
    /// Any other sub-heading (`### 기술 스택`): never regenerated.
    Other,
}

impl PartKind {
    /// The label `draft` writes for a part it adds.
    pub fn label(self) -> &'static str {
        match self {
            PartKind::Background => "배경",
            PartKind::Action => "담당",
            PartKind::Result => "결과",
            PartKind::Other => "기타",
        }
    }

    fn order(self) -> usize {
        match self {
            PartKind::Background => 0,
            PartKind::Action => 1,
            PartKind::Result => 2,
            PartKind::Other => 3,
        }
    }
}

/// `### 배경` (or a bare `담당` paragraph) and its body. A project written
/// without labels has implicit parts: its opening paragraph is the
/// background and its bullets the action, with `label: None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub kind: PartKind,
    /// The label line as written; `None` for an implicit part.
    pub label: Option<String>,
    /// A heading label's level (`###` → 3); `None` for a bare paragraph label.
    pub heading_level: Option<usize>,
    pub lines: LineRange,
    /// `<!-- draft:keep -->` on its own line right under the label.
    pub locked: bool,
    pub items: Vec<Item>,
}

/// One piece of a part's body with the lines it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub lines: LineRange,
    /// The text as written, line endings included.
    pub raw: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ItemKind {
    /// A top-level bullet with its nested bullets and continuation lines.
    Bullet(ResumeBullet),
    /// Consecutive lines of plain text.
    Paragraph {
        text: String,
    },
    Blank,
    /// A lock marker on its own line.
    Keep,
    /// An image, a rule, HTML, a table row, a code block line: kept as is.
    Opaque,
}

/// A bullet: its text (marker, indentation and lock marker removed), its
/// lines (children included) and its nested bullets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResumeBullet {
    pub text: String,
    pub lines: LineRange,
    /// This bullet or one of its descendants ends with the lock marker.
    pub locked: bool,
    pub children: Vec<ResumeBullet>,
}

/// A project with where it sits, as [`Resume::sections`] lists them.
#[derive(Debug, Clone, Copy)]
pub struct SectionRef<'a> {
    pub company: &'a str,
    pub topic: Option<&'a str>,
    pub project: &'a ProjectSection,
}

/// A contiguous piece of the rendered résumé, for a review diff: the
/// preamble, a company's heading and intro, a topic's heading and intro, or
/// a whole project. Every line belongs to exactly one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Stable across two versions of a file: pairs a segment with its counterpart.
    pub key: String,
    /// For people: `한패스 › 서비스 개발 › 가상 계좌`.
    pub label: String,
    pub text: String,
    /// 1-based line of the segment's first line.
    pub start_line: usize,
}

impl Resume {
    /// Parses a 경력기술서. Never fails: text it cannot place is kept as opaque lines.
    pub fn parse(text: &str) -> Resume {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let kinds = classify_lines(&lines);
        let company_starts: Vec<usize> = (0..lines.len())
            .filter(|&index| is_company_heading(&lines, &kinds, index))
            .collect();
        let preamble_end = company_starts.first().copied().unwrap_or(lines.len());
        let mut companies = Vec::new();
        for (position, &start) in company_starts.iter().enumerate() {
            let end = company_starts
                .get(position + 1)
                .copied()
                .unwrap_or(lines.len());
            companies.push(parse_company(&lines, &kinds, start, end));
        }
        Resume {
            preamble: owned(&lines[..preamble_end]),
            companies,
        }
    }

    /// The résumé as Markdown. For an unchanged parse this is the parsed text.
    pub fn render(&self) -> String {
        self.segments()
            .into_iter()
            .map(|segment| segment.text)
            .collect()
    }

    /// Every project, in document order.
    pub fn sections(&self) -> Vec<SectionRef<'_>> {
        let mut sections = Vec::new();
        for company in &self.companies {
            for topic in &company.topics {
                for project in &topic.projects {
                    sections.push(SectionRef {
                        company: &company.name,
                        topic: topic.name.as_deref(),
                        project,
                    });
                }
            }
        }
        sections
    }

    /// The résumé cut into segments that cover every line once, in order.
    pub fn segments(&self) -> Vec<Segment> {
        let mut segments = Vec::new();
        let mut line = 1;
        let mut seen: HashSet<String> = HashSet::new();
        let mut push = |key: String, label: String, text: String, line: &mut usize| {
            if text.is_empty() {
                return;
            }
            let mut unique = key.clone();
            let mut occurrence = 1;
            while !seen.insert(unique.clone()) {
                occurrence += 1;
                unique = format!("{key}#{occurrence}");
            }
            let start_line = *line;
            *line += count_lines(&text);
            segments.push(Segment {
                key: unique,
                label,
                text,
                start_line,
            });
        };
        push(
            "preamble".to_string(),
            "(preamble)".to_string(),
            self.preamble.concat(),
            &mut line,
        );
        for company in &self.companies {
            let company_key = fold_name(&company.name);
            push(
                format!("company/{company_key}"),
                company.name.clone(),
                format!("{}{}", company.heading, company.intro.concat()),
                &mut line,
            );
            for topic in &company.topics {
                let topic_name = topic.name.as_deref().unwrap_or("");
                let topic_key = format!("{company_key}/{}", fold_name(topic_name));
                let topic_label = match &topic.name {
                    Some(name) => format!("{} › {name}", company.name),
                    None => company.name.clone(),
                };
                push(
                    format!("topic/{topic_key}"),
                    topic_label.clone(),
                    format!(
                        "{}{}",
                        topic.heading.as_deref().unwrap_or(""),
                        topic.intro.concat()
                    ),
                    &mut line,
                );
                for project in &topic.projects {
                    push(
                        format!("project/{topic_key}/{}", normalise_title(&project.title)),
                        format!("{topic_label} › {}", project.title),
                        project.text(),
                        &mut line,
                    );
                }
            }
        }
        segments
    }
}

impl ProjectSection {
    /// The project as written: heading, intro and parts.
    pub fn text(&self) -> String {
        let mut out = self.heading.clone();
        out.push_str(&self.intro.concat());
        for part in &self.parts {
            out.push_str(&part.text());
        }
        out
    }

    /// The first part of `kind`, if any.
    pub fn part(&self, kind: PartKind) -> Option<&Part> {
        self.parts.iter().find(|part| part.kind == kind)
    }
}

impl Part {
    pub fn text(&self) -> String {
        let mut out = self.label.clone().unwrap_or_default();
        for item in &self.items {
            out.push_str(&item.raw.concat());
        }
        out
    }

    /// The part's top-level bullets.
    pub fn bullets(&self) -> impl Iterator<Item = &ResumeBullet> {
        self.items.iter().filter_map(|item| match &item.kind {
            ItemKind::Bullet(bullet) => Some(bullet),
            _ => None,
        })
    }
}

/// A project title or company name reduced for matching: no emphasis, no
/// spaces, lower case (`**가상 계좌**` and `가상계좌` match).
pub fn normalise_title(title: &str) -> String {
    fold_name(&plain(title))
}

// ---------------------------------------------------------------------------
// Line classification

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Heading(usize),
    /// A list item line; the indentation in columns (a tab is 4).
    Bullet(usize),
    Keep,
    /// Plain text: part of a paragraph.
    Text,
    /// Images, rules, HTML, tables, fenced code: never interpreted.
    Opaque,
}

fn classify_lines(lines: &[&str]) -> Vec<LineKind> {
    let mut kinds = Vec::with_capacity(lines.len());
    let mut fence: Option<(char, usize)> = None;
    for line in lines {
        let content = strip_line_ending(line);
        let trimmed = content.trim_start();
        if let Some((character, length)) = fence {
            let run = trimmed.chars().take_while(|&c| c == character).count();
            if run >= length && trimmed[run..].trim().is_empty() {
                fence = None;
            }
            kinds.push(LineKind::Opaque);
            continue;
        }
        if let Some(opening) = fence_opening(trimmed) {
            fence = Some(opening);
            kinds.push(LineKind::Opaque);
            continue;
        }
        kinds.push(classify(content));
    }
    kinds
}

fn fence_opening(trimmed: &str) -> Option<(char, usize)> {
    for character in ['`', '~'] {
        let run = trimmed.chars().take_while(|&c| c == character).count();
        if run >= 3 {
            return Some((character, run));
        }
    }
    None
}

fn classify(content: &str) -> LineKind {
    if content.trim().is_empty() {
        return LineKind::Blank;
    }
    if is_keep_line(content) {
        return LineKind::Keep;
    }
    let indent = indentation(content);
    let trimmed = content.trim_start();
    if indent <= 3 {
        if let Some(level) = heading_level(trimmed) {
            return LineKind::Heading(level);
        }
        if is_rule(trimmed) {
            return LineKind::Opaque;
        }
    }
    if bullet_body(trimmed).is_some() {
        return LineKind::Bullet(indent);
    }
    if indent >= 4 {
        // Indented text: a continuation of a bullet (or a code block).
        return LineKind::Text;
    }
    if trimmed.starts_with("![")
        || trimmed.starts_with('<')
        || trimmed.starts_with('|')
        || trimmed.starts_with('>')
    {
        return LineKind::Opaque;
    }
    LineKind::Text
}

fn strip_line_ending(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
        .unwrap_or(line)
}

fn indentation(content: &str) -> usize {
    let mut columns = 0;
    for character in content.chars() {
        match character {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => break,
        }
    }
    columns
}

/// `## 제목` → 2 (an ATX heading: 1–6 `#` then a space or the end).
fn heading_level(trimmed: &str) -> Option<usize> {
    let level = trimmed.chars().take_while(|&c| c == '#').count();
    let rest = &trimmed[level..];
    ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then_some(level)
}

fn heading_text(content: &str) -> String {
    let trimmed = content.trim();
    let text = trimmed.trim_start_matches('#').trim();
    // A closing sequence (`## 제목 ##`) is not part of the text.
    let without_closing = text.trim_end_matches('#');
    let text = if without_closing.len() < text.len()
        && (without_closing.is_empty() || without_closing.ends_with([' ', '\t']))
    {
        without_closing.trim_end()
    } else {
        text
    };
    plain(text)
}

fn is_rule(trimmed: &str) -> bool {
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&rule| compact.chars().all(|c| c == rule))
}

/// The text after a list marker (`- `, `* `, `+ `, `1. `, `1) `), if `trimmed` is a list item.
fn bullet_body(trimmed: &str) -> Option<&str> {
    let marker_length = if trimmed.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !trimmed[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let rest = &trimmed[marker_length..];
    if rest.is_empty() {
        return Some(rest);
    }
    rest.starts_with([' ', '\t']).then(|| rest.trim_start())
}

/// The list marker of a bullet line (`-`, `*`, `1.`).
fn bullet_marker(content: &str) -> Option<&str> {
    let trimmed = content.trim_start();
    let body = bullet_body(trimmed)?;
    let marker_end = trimmed.len() - body.len();
    Some(trimmed[..marker_end].trim_end())
}

fn keep_marker_at_end(content: &str) -> bool {
    let trimmed = content.trim_end();
    let Some(before_close) = trimmed.strip_suffix("-->") else {
        return false;
    };
    let Some(open) = before_close.rfind("<!--") else {
        return false;
    };
    before_close[open + 4..]
        .trim()
        .eq_ignore_ascii_case("draft:keep")
}

fn is_keep_line(content: &str) -> bool {
    let trimmed = content.trim();
    trimmed.starts_with("<!--")
        && keep_marker_at_end(trimmed)
        && trimmed.matches("<!--").count() == 1
}

fn strip_keep_marker(text: &str) -> String {
    let trimmed = text.trim_end();
    if !keep_marker_at_end(trimmed) {
        return trimmed.to_string();
    }
    match trimmed.rfind("<!--") {
        Some(open) => trimmed[..open].trim_end().to_string(),
        None => trimmed.to_string(),
    }
}

/// Text without Markdown emphasis markers or code ticks, trimmed.
fn plain(text: &str) -> String {
    text.replace("**", "")
        .replace("__", "")
        .chars()
        .filter(|&c| c != '*' && c != '`')
        .collect::<String>()
        .trim()
        .to_string()
}

fn owned(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| (*line).to_string()).collect()
}

fn count_lines(text: &str) -> usize {
    text.split_inclusive('\n').count()
}

// ---------------------------------------------------------------------------
// Structure

fn next_non_blank(kinds: &[LineKind], from: usize) -> Option<usize> {
    (from..kinds.len()).find(|&index| kinds[index] != LineKind::Blank)
}

fn is_company_heading(lines: &[&str], kinds: &[LineKind], index: usize) -> bool {
    kinds[index] == LineKind::Heading(1)
        && next_non_blank(kinds, index + 1).is_some_and(|next| {
            kinds[next] == LineKind::Text && is_period_line(&plain(strip_line_ending(lines[next])))
        })
}

fn parse_company(lines: &[&str], kinds: &[LineKind], start: usize, end: usize) -> CompanySection {
    let heading_content = strip_line_ending(lines[start]);
    let period = next_non_blank(kinds, start + 1)
        .filter(|&next| next < end)
        .map(|next| plain(strip_line_ending(lines[next])));
    let is_boundary = |index: usize| matches!(kinds[index], LineKind::Heading(1 | 2));
    let intro_end = (start + 1..end)
        .find(|&index| is_boundary(index))
        .unwrap_or(end);
    let mut topics = Vec::new();
    let mut cursor = intro_end;
    while cursor < end {
        let topic_end = if kinds[cursor] == LineKind::Heading(1) {
            (cursor + 1..end)
                .find(|&index| kinds[index] == LineKind::Heading(1))
                .unwrap_or(end)
        } else {
            // Projects right under the company heading: up to the first 주제.
            (cursor..end)
                .find(|&index| kinds[index] == LineKind::Heading(1))
                .unwrap_or(end)
        };
        topics.push(parse_topic(lines, kinds, cursor, topic_end));
        cursor = topic_end;
    }
    CompanySection {
        name: heading_text(heading_content),
        period,
        lines: LineRange::of(start, end - start),
        heading: lines[start].to_string(),
        intro: owned(&lines[start + 1..intro_end]),
        topics,
    }
}

fn parse_topic(lines: &[&str], kinds: &[LineKind], start: usize, end: usize) -> TopicSection {
    let has_heading = kinds[start] == LineKind::Heading(1);
    let body_start = if has_heading { start + 1 } else { start };
    let intro_end = (body_start..end)
        .find(|&index| kinds[index] == LineKind::Heading(2))
        .unwrap_or(end);
    let project_starts: Vec<usize> = (intro_end..end)
        .filter(|&index| kinds[index] == LineKind::Heading(2))
        .collect();
    let projects = project_starts
        .iter()
        .enumerate()
        .map(|(position, &project_start)| {
            let project_end = project_starts.get(position + 1).copied().unwrap_or(end);
            parse_project(lines, kinds, project_start, project_end)
        })
        .collect();
    TopicSection {
        name: has_heading.then(|| heading_text(strip_line_ending(lines[start]))),
        lines: LineRange::of(start, end - start),
        heading: has_heading.then(|| lines[start].to_string()),
        intro: owned(&lines[body_start..intro_end]),
        projects,
    }
}

/// What a line says about the part structure of a project.
fn part_label(
    lines: &[&str],
    kinds: &[LineKind],
    index: usize,
    body_start: usize,
) -> Option<(PartKind, Option<usize>)> {
    let content = strip_line_ending(lines[index]);
    match kinds[index] {
        LineKind::Heading(level) if level >= 3 => {
            let kind = match role_of_label(&heading_text(content)) {
                Some(Role::Background) => PartKind::Background,
                Some(Role::Action) => PartKind::Action,
                Some(Role::Result) => PartKind::Result,
                _ => PartKind::Other,
            };
            Some((kind, Some(level)))
        }
        LineKind::Text if indentation(content) == 0 => {
            let standalone_before = index == body_start
                || matches!(kinds[index - 1], LineKind::Blank | LineKind::Heading(_));
            let standalone_after = kinds
                .get(index + 1)
                .is_none_or(|next| matches!(next, LineKind::Blank | LineKind::Bullet(_)));
            if !(standalone_before && standalone_after) {
                return None;
            }
            match role_of_label(content) {
                Some(Role::Background) => Some((PartKind::Background, None)),
                Some(Role::Action) => Some((PartKind::Action, None)),
                Some(Role::Result) => Some((PartKind::Result, None)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn parse_project(lines: &[&str], kinds: &[LineKind], start: usize, end: usize) -> ProjectSection {
    let body_start = start + 1;
    let labels: Vec<(usize, PartKind, Option<usize>)> = (body_start..end)
        .filter_map(|index| {
            part_label(lines, kinds, index, body_start).map(|(kind, level)| (index, kind, level))
        })
        .collect();
    let mut parts = Vec::new();
    let intro_end;
    if labels.is_empty() {
        // No labels: the opening text is the background, the bullets the action.
        let first_content = (body_start..end)
            .find(|&index| !matches!(kinds[index], LineKind::Blank | LineKind::Keep))
            .unwrap_or(end);
        intro_end = first_content;
        let first_bullet = (first_content..end)
            .find(|&index| matches!(kinds[index], LineKind::Bullet(_)))
            .unwrap_or(end);
        if first_content < first_bullet {
            parts.push(parse_part(
                lines,
                kinds,
                first_content,
                first_bullet,
                PartKind::Background,
                None,
                false,
            ));
        }
        if first_bullet < end {
            parts.push(parse_part(
                lines,
                kinds,
                first_bullet,
                end,
                PartKind::Action,
                None,
                false,
            ));
        }
    } else {
        intro_end = labels[0].0;
        for (position, &(label_index, kind, level)) in labels.iter().enumerate() {
            let part_end = labels.get(position + 1).map(|next| next.0).unwrap_or(end);
            parts.push(parse_part(
                lines,
                kinds,
                label_index,
                part_end,
                kind,
                level,
                true,
            ));
        }
    }
    let locked = next_non_blank(kinds, body_start)
        .is_some_and(|index| index < intro_end && kinds[index] == LineKind::Keep);
    ProjectSection {
        title: heading_text(strip_line_ending(lines[start])),
        lines: LineRange::of(start, end - start),
        heading: lines[start].to_string(),
        locked,
        intro: owned(&lines[body_start..intro_end]),
        parts,
    }
}

fn parse_part(
    lines: &[&str],
    kinds: &[LineKind],
    start: usize,
    end: usize,
    kind: PartKind,
    heading_level: Option<usize>,
    labelled: bool,
) -> Part {
    let body_start = if labelled { start + 1 } else { start };
    let items = parse_items(lines, kinds, body_start, end);
    let locked = items
        .iter()
        .find(|item| item.kind != ItemKind::Blank)
        .is_some_and(|item| item.kind == ItemKind::Keep);
    Part {
        kind,
        label: labelled.then(|| lines[start].to_string()),
        heading_level,
        lines: LineRange::of(start, end - start),
        locked,
        items,
    }
}

fn parse_items(lines: &[&str], kinds: &[LineKind], start: usize, end: usize) -> Vec<Item> {
    let mut items = Vec::new();
    let mut index = start;
    while index < end {
        let item_start = index;
        let kind = match kinds[index] {
            LineKind::Blank => {
                index += 1;
                ItemKind::Blank
            }
            LineKind::Keep => {
                index += 1;
                ItemKind::Keep
            }
            LineKind::Opaque | LineKind::Heading(_) => {
                index += 1;
                ItemKind::Opaque
            }
            LineKind::Bullet(indent) => {
                index = bullet_block_end(lines, kinds, index, end, indent);
                ItemKind::Bullet(bullet_tree(lines, kinds, item_start, index))
            }
            LineKind::Text => {
                index += 1;
                while index < end && kinds[index] == LineKind::Text {
                    index += 1;
                }
                let text = lines[item_start..index]
                    .iter()
                    .map(|line| strip_line_ending(line).trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                ItemKind::Paragraph { text }
            }
        };
        items.push(Item {
            kind,
            lines: LineRange::of(item_start, index - item_start),
            raw: owned(&lines[item_start..index]),
        });
    }
    items
}

/// The end (exclusive) of the bullet block starting at `start`: nested
/// bullets, indented continuation lines, lazy continuation lines, and blank
/// lines followed by more indented content.
fn bullet_block_end(
    lines: &[&str],
    kinds: &[LineKind],
    start: usize,
    end: usize,
    indent: usize,
) -> usize {
    let nested = |index: usize| indentation(strip_line_ending(lines[index])) >= indent + 2;
    let mut index = start + 1;
    while index < end {
        match kinds[index] {
            LineKind::Bullet(_) | LineKind::Text | LineKind::Keep | LineKind::Opaque
                if nested(index) =>
            {
                index += 1
            }
            LineKind::Text if kinds[index - 1] != LineKind::Blank => index += 1,
            LineKind::Blank => match next_non_blank(&kinds[..end], index) {
                Some(next) if nested(next) => index = next,
                _ => break,
            },
            _ => break,
        }
    }
    index
}

/// The tree of bullets in the block `start..end` (its first line is a bullet).
fn bullet_tree(lines: &[&str], kinds: &[LineKind], start: usize, end: usize) -> ResumeBullet {
    struct Flat {
        indent: usize,
        text: String,
        locked: bool,
        start: usize,
        end: usize,
    }
    let mut flat: Vec<Flat> = Vec::new();
    for index in start..end {
        let content = strip_line_ending(lines[index]);
        match kinds[index] {
            LineKind::Bullet(indent)
                if index == start || indent > flat.first().map_or(0, |first| first.indent) =>
            {
                let body = bullet_body(content.trim_start()).unwrap_or("");
                flat.push(Flat {
                    indent,
                    text: strip_keep_marker(body),
                    locked: keep_marker_at_end(content),
                    start: index,
                    end: index + 1,
                });
            }
            LineKind::Blank => {}
            _ => {
                if let Some(last) = flat.last_mut() {
                    last.end = index + 1;
                    if keep_marker_at_end(content) {
                        last.locked = true;
                    }
                }
            }
        }
    }
    fn build(flat: &[Flat], position: &mut usize) -> ResumeBullet {
        let own = &flat[*position];
        *position += 1;
        let mut children = Vec::new();
        while *position < flat.len() && flat[*position].indent > own.indent {
            children.push(build(flat, position));
        }
        let end = children
            .last()
            .map_or(own.end, |child: &ResumeBullet| child.lines.end.max(own.end));
        let locked = own.locked || children.iter().any(|child| child.locked);
        ResumeBullet {
            text: own.text.clone(),
            lines: LineRange {
                start: own.start + 1,
                end,
            },
            locked,
            children,
        }
    }
    let mut position = 0;
    let mut root = build(&flat, &mut position);
    // Bullets indented less than their predecessor but more than the root.
    while position < flat.len() {
        let extra = build(&flat, &mut position);
        root.locked |= extra.locked;
        root.lines.end = root.lines.end.max(extra.lines.end);
        root.children.push(extra);
    }
    root.lines.end = root.lines.end.max(end);
    root
}

// ---------------------------------------------------------------------------
// Merge

/// Regenerated projects of one company, as the drafter wrote them.
#[derive(Debug, Clone)]
pub struct Regenerated {
    /// The company as the résumé names it (compared ignoring case and spaces).
    pub company: String,
    pub sections: Vec<Section>,
}

/// What [`merge_with_report`] did to each project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub outcomes: Vec<SectionOutcome>,
    /// Regenerated sections that match no project of the résumé: `회사 › 제목`.
    pub unmatched: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionOutcome {
    pub company: String,
    pub topic: Option<String>,
    pub title: String,
    pub action: MergeAction,
    /// Locked bullets kept verbatim inside a regenerated project.
    pub kept_bullets: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeAction {
    /// Its bullets were replaced (locked bullets and parts kept).
    Regenerated,
    /// The draft covers it, but the project is locked: kept verbatim.
    Locked,
    /// The draft does not cover it: left as it was.
    Untouched,
}

/// Lays the regenerated sections over `old`: see [`merge_with_report`].
pub fn merge(old: &Resume, regenerated: &[Regenerated]) -> Resume {
    merge_with_report(old, regenerated).0
}

/// Replaces the bullets of each unlocked project that a regenerated section
/// matches (same company, same title after [`normalise_title`]; the topic
/// decides between projects of the same title; in document order otherwise).
///
/// In a regenerated project, each 배경/담당/결과 part the section fills is
/// rewritten in place: locked bullets stay at their position, the new
/// bullets fill the other slots in order, a new bullet equal to a locked one
/// is dropped, and images or other lines inside the part stay where they
/// are. A part the section leaves empty, a locked part, a locked project and
/// every project no section matches are kept verbatim. A part the section
/// fills that the project lacks is added in the project's label style.
pub fn merge_with_report(old: &Resume, regenerated: &[Regenerated]) -> (Resume, MergeReport) {
    let style = Style::detect(old);
    let locations: Vec<(usize, usize, usize)> = old
        .companies
        .iter()
        .enumerate()
        .flat_map(|(company_index, company)| {
            company
                .topics
                .iter()
                .enumerate()
                .flat_map(move |(topic_index, topic)| {
                    (0..topic.projects.len())
                        .map(move |project_index| (company_index, topic_index, project_index))
                })
        })
        .collect();
    let mut assigned: Vec<Option<&Section>> = vec![None; locations.len()];
    let mut report = MergeReport::default();
    for group in regenerated {
        let company_key = normalise_title(&group.company);
        for section in &group.sections {
            let title_key = normalise_title(&section.title);
            let candidates: Vec<usize> = locations
                .iter()
                .enumerate()
                .filter(|(_, &(company_index, topic_index, project_index))| {
                    let company = &old.companies[company_index];
                    normalise_title(&company.name) == company_key
                        && normalise_title(
                            &company.topics[topic_index].projects[project_index].title,
                        ) == title_key
                })
                .map(|(position, _)| position)
                .collect();
            let topic_matches = |position: &usize| {
                let (company_index, topic_index, _) = locations[*position];
                let topic = old.companies[company_index].topics[topic_index]
                    .name
                    .as_deref();
                match (&section.topic, topic) {
                    (Some(wanted), Some(topic)) => {
                        normalise_title(wanted) == normalise_title(topic)
                    }
                    _ => false,
                }
            };
            let free = |position: &usize| assigned[*position].is_none();
            let chosen = candidates
                .iter()
                .copied()
                .find(|position| free(position) && topic_matches(position))
                .or_else(|| candidates.iter().copied().find(|position| free(position)));
            match chosen {
                Some(position) => assigned[position] = Some(section),
                None => report
                    .unmatched
                    .push(format!("{} › {}", group.company, section.title)),
            }
        }
    }

    let mut out = old.preamble.concat();
    let mut position = 0;
    for company in &old.companies {
        out.push_str(&company.heading);
        out.push_str(&company.intro.concat());
        for topic in &company.topics {
            out.push_str(topic.heading.as_deref().unwrap_or(""));
            out.push_str(&topic.intro.concat());
            for project in &topic.projects {
                let section = assigned[position];
                position += 1;
                let (text, action, kept_bullets) = match section {
                    None => (project.text(), MergeAction::Untouched, 0),
                    Some(_) if project.locked => (project.text(), MergeAction::Locked, 0),
                    Some(section) => {
                        let (text, kept) = merge_project(project, section, &style);
                        (text, MergeAction::Regenerated, kept)
                    }
                };
                out.push_str(&text);
                report.outcomes.push(SectionOutcome {
                    company: company.name.clone(),
                    topic: topic.name.clone(),
                    title: project.title.clone(),
                    action,
                    kept_bullets,
                });
            }
        }
    }
    // A file without a final line break keeps it that way.
    let old_text = old.render();
    if !old_text.is_empty() && !old_text.ends_with('\n') {
        while out.ends_with('\n') {
            out.pop();
            if out.ends_with('\r') {
                out.pop();
            }
        }
    }
    (Resume::parse(&out), report)
}

/// How the file writes what `draft` adds: line ending and nested indentation.
struct Style {
    line_ending: &'static str,
    indent: String,
}

impl Style {
    fn detect(resume: &Resume) -> Style {
        let text = resume.render();
        let line_ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut indent = DEFAULT_INDENT.to_string();
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            let (first, second) = (pair[0], pair[1]);
            if bullet_body(first.trim_start()).is_some()
                && bullet_body(second.trim_start()).is_some()
            {
                let (outer, inner) = (indentation(first), indentation(second));
                if inner > outer {
                    let leading: String =
                        second.chars().take_while(|c| c.is_whitespace()).collect();
                    indent = if leading.contains('\t') {
                        "\t".to_string()
                    } else {
                        " ".repeat(inner - outer)
                    };
                    break;
                }
            }
        }
        Style {
            line_ending,
            indent,
        }
    }
}

/// One entry of a rewritten part: a kept item (its raw lines) or a new bullet.
enum Entry<'a> {
    Kept(&'a Item),
    New(&'a Bullet),
}

/// A project with the section's bullets laid in; returns the text and the
/// number of locked bullets kept.
fn merge_project(project: &ProjectSection, section: &Section, style: &Style) -> (String, usize) {
    let mut kept = 0;
    let mut parts: Vec<String> = Vec::new();
    let mut kinds: Vec<PartKind> = Vec::new();
    let mut done: HashSet<PartKind> = HashSet::new();
    for part in &project.parts {
        let new = bullets_for(section, part.kind);
        if part.kind == PartKind::Other || part.locked || new.is_empty() || !done.insert(part.kind)
        {
            parts.push(part.text());
        } else {
            let (text, kept_here) = merge_part(part, new, style);
            kept += kept_here;
            parts.push(text);
        }
        kinds.push(part.kind);
    }
    // Parts the section fills that the project lacks.
    let label_format = project
        .parts
        .iter()
        .find(|part| part.label.is_some())
        .map(|part| part.heading_level);
    for kind in [PartKind::Background, PartKind::Action, PartKind::Result] {
        let new = bullets_for(section, kind);
        if new.is_empty() || kinds.contains(&kind) {
            continue;
        }
        let label = match label_format {
            Some(None) => kind.label().to_string(),
            Some(Some(level)) => format!("{} {}", "#".repeat(level), kind.label()),
            None => format!("### {}", kind.label()),
        };
        let eol = style.line_ending;
        let mut text = format!("{label}{eol}{eol}");
        for bullet in new {
            text.push_str(&render_bullet(bullet, "-", style, 0));
        }
        text.push_str(eol);
        // After the last earlier part, else before the first later one.
        let insert_at = kinds
            .iter()
            .rposition(|&other| other != PartKind::Other && other.order() < kind.order())
            .map(|index| index + 1)
            .or_else(|| {
                kinds
                    .iter()
                    .position(|&other| other != PartKind::Other && other.order() > kind.order())
            })
            .unwrap_or(kinds.len());
        if insert_at > 0 {
            // Keep a trailing rule or blank run after the new part.
            let previous = &mut parts[insert_at - 1];
            let (head, tail) = split_tail(previous);
            let mut head = head.to_string();
            if !head.is_empty() && !head.ends_with(&format!("{eol}{eol}")) {
                if !head.ends_with('\n') {
                    head.push_str(eol);
                }
                head.push_str(eol);
            }
            let tail = tail.to_string();
            if tail.starts_with(['\n', '\r']) && text.ends_with(&format!("{eol}{eol}")) {
                text.truncate(text.len() - eol.len());
            }
            *previous = head;
            parts.insert(insert_at, text);
            kinds.insert(insert_at, kind);
            parts.insert(insert_at + 1, tail);
            kinds.insert(insert_at + 1, PartKind::Other);
        } else {
            parts.insert(0, text);
            kinds.insert(0, kind);
        }
    }
    let mut out = project.heading.clone();
    out.push_str(&project.intro.concat());
    if !project.intro.is_empty() || project.parts.is_empty() {
        // Nothing to fix up: the intro separates heading and parts.
    } else if !out.ends_with(&format!("{0}{0}", style.line_ending))
        && parts.first().is_some_and(|first| !first.is_empty())
    {
        out.push_str(style.line_ending);
    }
    for part in parts {
        out.push_str(&part);
    }
    (out, kept)
}

/// Splits a part's text before its trailing run of blank lines and rules.
fn split_tail(text: &str) -> (&str, &str) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut split = lines.len();
    while split > 0 {
        let content = strip_line_ending(lines[split - 1]).trim();
        if content.is_empty() || is_rule(content) {
            split -= 1;
        } else {
            break;
        }
    }
    // Keep one blank line with the head.
    if split < lines.len() && strip_line_ending(lines[split]).trim().is_empty() {
        split += 1;
    }
    let byte = lines[..split].iter().map(|line| line.len()).sum();
    text.split_at(byte)
}

fn bullets_for(section: &Section, kind: PartKind) -> &[Bullet] {
    match kind {
        PartKind::Background => &section.background,
        PartKind::Action => &section.action,
        PartKind::Result => &section.result,
        PartKind::Other => &[],
    }
}

/// A part with its bullets (or paragraphs) replaced by `new`, locked ones kept.
fn merge_part(part: &Part, new: &[Bullet], style: &Style) -> (String, usize) {
    let has_bullets = part
        .items
        .iter()
        .any(|item| matches!(item.kind, ItemKind::Bullet(_)));
    let has_paragraphs = part
        .items
        .iter()
        .any(|item| matches!(item.kind, ItemKind::Paragraph { .. }));
    let paragraph_style = !has_bullets && has_paragraphs;
    let is_slot = |item: &Item| match &item.kind {
        ItemKind::Bullet(_) => !paragraph_style,
        ItemKind::Paragraph { .. } => paragraph_style,
        _ => false,
    };
    let slots: Vec<usize> = (0..part.items.len())
        .filter(|&index| is_slot(&part.items[index]))
        .collect();
    let locked_texts: HashSet<String> = slots
        .iter()
        .filter_map(|&index| match &part.items[index].kind {
            ItemKind::Bullet(bullet) if bullet.locked => Some(normalise_text(&bullet.text)),
            _ => None,
        })
        .collect();
    let mut fresh = new
        .iter()
        .filter(|bullet| !locked_texts.contains(&normalise_text(&bullet.text)));
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut kept = 0;
    for &index in &slots {
        let item = &part.items[index];
        if matches!(&item.kind, ItemKind::Bullet(bullet) if bullet.locked) {
            entries.push(Entry::Kept(item));
            kept += 1;
        } else if let Some(bullet) = fresh.next() {
            entries.push(Entry::New(bullet));
        }
    }
    entries.extend(fresh.map(Entry::New));

    let marker = part
        .items
        .iter()
        .find_map(|item| match item.kind {
            ItemKind::Bullet(_) => item.raw.first().and_then(|line| bullet_marker(line)),
            _ => None,
        })
        .unwrap_or("-");
    let eol = style.line_ending;
    let render_entry = |entry: &Entry<'_>| -> String {
        match entry {
            Entry::Kept(item) => item.raw.concat(),
            Entry::New(bullet) if paragraph_style => render_paragraph(bullet, style),
            Entry::New(bullet) => render_bullet(bullet, marker, style, 0),
        }
    };
    let separator = if paragraph_style { eol } else { "" };

    let mut out = part.label.clone().unwrap_or_default();
    if slots.is_empty() {
        let leading = part
            .items
            .iter()
            .take_while(|item| item.kind == ItemKind::Blank)
            .count();
        for item in &part.items[..leading] {
            out.push_str(&item.raw.concat());
        }
        if leading == 0 && part.label.is_some() {
            out.push_str(eol);
        }
        let rendered: Vec<String> = entries.iter().map(render_entry).collect();
        out.push_str(&rendered.join(separator));
        if part
            .items
            .get(leading)
            .is_none_or(|next| next.kind != ItemKind::Blank)
        {
            out.push_str(eol);
        }
        for item in &part.items[leading..] {
            out.push_str(&item.raw.concat());
        }
        return (out, kept);
    }

    let last_slot = slots.last().copied().unwrap_or(0);
    let mut slot_number = 0;
    let mut skip_blank = false;
    for (index, item) in part.items.iter().enumerate() {
        if !is_slot(item) {
            if skip_blank && item.kind == ItemKind::Blank {
                skip_blank = false;
                continue;
            }
            skip_blank = false;
            out.push_str(&item.raw.concat());
            continue;
        }
        if let Some(entry) = entries.get(slot_number) {
            out.push_str(&render_entry(entry));
        } else if paragraph_style {
            skip_blank = true;
        }
        slot_number += 1;
        if index == last_slot {
            for entry in entries.iter().skip(slot_number) {
                out.push_str(separator);
                out.push_str(&render_entry(entry));
            }
        }
    }
    (out, kept)
}

fn render_bullet(bullet: &Bullet, marker: &str, style: &Style, depth: usize) -> String {
    let mut out = format!(
        "{}{marker} {}{}",
        style.indent.repeat(depth),
        one_line(&bullet.text),
        style.line_ending
    );
    for child in &bullet.children {
        out.push_str(&render_bullet(child, marker, style, depth + 1));
    }
    out
}

fn render_paragraph(bullet: &Bullet, style: &Style) -> String {
    let mut out = format!("{}{}", one_line(&bullet.text), style.line_ending);
    for child in &bullet.children {
        out.push_str(&render_bullet(child, "-", style, 0));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bullet text reduced for comparing a new bullet with a locked one.
fn normalise_text(text: &str) -> String {
    fold_name(&plain(&strip_keep_marker(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "소개 문단\n\n---\n\n# **한패스**\n\n**2022.04.18 ~ 재직중**\n\n# 서비스 개발\n\n## 가상 계좌\n\n### 배경\n\n- 배경 하나\n\n### **담당**\n\n- 담당 하나\n    - 세부 하나 <!-- draft:keep -->\n- 담당 둘\n\n### 결과\n\n- 결과 하나\n\n![그림](a.png)\n\n## 배치\n\n스프링 배치로 실행\n\n- 배치 하나\n- 배치 둘\n\n---\n\n# 서비스 개선\n\n## 앱 서버\n<!-- draft:keep -->\n\n배경\n\n- 앱 배경\n\n담당\n\n- 앱 담당\n";

    fn bullet(text: &str) -> Bullet {
        Bullet {
            text: text.to_string(),
            facts: Vec::new(),
            claims: Vec::new(),
            children: Vec::new(),
        }
    }

    fn section(title: &str, background: &[&str], action: &[&str], result: &[&str]) -> Section {
        Section {
            topic: None,
            title: title.to_string(),
            background: background.iter().map(|text| bullet(text)).collect(),
            action: action.iter().map(|text| bullet(text)).collect(),
            result: result.iter().map(|text| bullet(text)).collect(),
        }
    }

    #[test]
    fn parse_then_render_is_identity() {
        for text in [SAMPLE, "", "\n", "no newline", "# x\n\r\n", "a\r\nb\r\n"] {
            assert_eq!(Resume::parse(text).render(), text);
        }
    }

    #[test]
    fn structure_and_locks_are_found() {
        let resume = Resume::parse(SAMPLE);
        assert_eq!(resume.companies.len(), 1);
        let company = &resume.companies[0];
        assert_eq!(company.name, "한패스");
        assert_eq!(company.period.as_deref(), Some("2022.04.18 ~ 재직중"));
        let sections = resume.sections();
        let titles: Vec<&str> = sections.iter().map(|s| s.project.title.as_str()).collect();
        assert_eq!(titles, ["가상 계좌", "배치", "앱 서버"]);
        let virtual_account = sections[0].project;
        assert_eq!(virtual_account.lines, LineRange { start: 11, end: 28 });
        let action = virtual_account.part(PartKind::Action).unwrap();
        let bullets: Vec<&ResumeBullet> = action.bullets().collect();
        assert_eq!(bullets.len(), 2);
        assert!(bullets[0].locked);
        assert_eq!(bullets[0].children[0].text, "세부 하나");
        assert_eq!(bullets[0].lines, LineRange { start: 19, end: 20 });
        let batch = sections[1].project;
        assert_eq!(batch.parts[0].kind, PartKind::Background);
        assert_eq!(batch.parts[0].label, None);
        assert_eq!(batch.parts[1].kind, PartKind::Action);
        let app = sections[2].project;
        assert!(app.locked);
        assert_eq!(app.parts.len(), 2);
        assert_eq!(app.parts[0].heading_level, None);
    }

    #[test]
    fn merge_replaces_unlocked_and_keeps_locked() {
        let resume = Resume::parse(SAMPLE);
        let regenerated = [Regenerated {
            company: "한패스".to_string(),
            sections: vec![
                section(
                    "가상계좌",
                    &["새 배경"],
                    &["새 담당 A", "새 담당 B", "새 담당 C"],
                    &[],
                ),
                section("앱 서버", &["무시"], &["무시"], &[]),
            ],
        }];
        let (merged, report) = merge_with_report(&resume, &regenerated);
        let text = merged.render();
        assert!(text.contains("- 새 배경\n"));
        assert!(text.contains("- 담당 하나\n    - 세부 하나 <!-- draft:keep -->\n- 새 담당 A\n- 새 담당 B\n- 새 담당 C\n\n### 결과"));
        assert!(text.contains("- 결과 하나\n\n![그림](a.png)"));
        assert!(!text.contains("담당 둘"));
        assert!(text.contains("- 앱 담당\n"));
        assert!(!text.contains("무시"));
        assert_eq!(report.outcomes[0].action, MergeAction::Regenerated);
        assert_eq!(report.outcomes[0].kept_bullets, 1);
        assert_eq!(report.outcomes[1].action, MergeAction::Untouched);
        assert_eq!(report.outcomes[2].action, MergeAction::Locked);
    }

    #[test]
    fn merge_with_nothing_is_identity() {
        let resume = Resume::parse(SAMPLE);
        assert_eq!(merge(&resume, &[]).render(), SAMPLE);
    }

    #[test]
    fn merge_adds_missing_part_before_trailing_rule() {
        let resume = Resume::parse(SAMPLE);
        let regenerated = [Regenerated {
            company: "한패스".to_string(),
            sections: vec![section(
                "배치",
                &["스프링 배치와 Jenkins"],
                &["배치 A"],
                &["결과 A"],
            )],
        }];
        let text = merge(&resume, &regenerated).render();
        assert!(
            text.contains("## 배치\n\n스프링 배치와 Jenkins\n\n- 배치 A\n\n### 결과\n\n- 결과 A\n\n---\n\n# 서비스 개선"),
            "{text}"
        );
    }
}
