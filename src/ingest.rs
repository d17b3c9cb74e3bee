//! Reads the Markdown files under `content/` into [`Document`]s: front matter,
//! a recognised kind, and a flat list of [`Block`]s (headings, paragraphs,
//! list items, table rows) that keep their true line numbers.
//!
//! A file that cannot be used (unreadable, not UTF-8, broken front matter)
//! yields a [`Warning`] naming its path and line; the other files go on.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::error::{Error, Warning};

/// One Markdown file, parsed.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path as shown to the user: the content directory joined with `relative`.
    pub path: String,
    /// Path relative to the content directory (part of each fact's stable id).
    pub relative: String,
    pub front_matter: FrontMatter,
    pub kind: DocumentKind,
    pub blocks: Vec<Block>,
}

/// The fields of YAML front matter that `draft` uses; others are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub company: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Annual,
    Monthly,
    Weekly,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "cadence")]
pub enum DocumentKind {
    Retrospective(Cadence),
    CareerDescription,
    Notes,
    Other,
}

/// A unit of Markdown structure with its 1-based line range.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    Paragraph {
        text: String,
        /// The source with its inline Markdown (`**bold**`), lines joined.
        markup: String,
        /// The paragraph is one bold span (`**MPT-8704: …**`): a sub-title.
        all_bold: bool,
        lines: (usize, usize),
    },
    /// A list item's own text (without its nested items); `depth` 0 is top level.
    ListItem {
        depth: usize,
        text: String,
        /// The item's own source with inline Markdown, list marker removed.
        markup: String,
        lines: (usize, usize),
    },
    TableRow {
        header: Vec<String>,
        cells: Vec<String>,
        line: usize,
    },
}

/// Everything read from a content directory.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub documents: Vec<Document>,
    pub warnings: Vec<Warning>,
}

/// Reads every `*.md` file under `content_dir` (sorted, recursively).
///
/// Errors only when the directory itself is missing or holds no Markdown;
/// problems with single files become warnings.
pub fn ingest(content_dir: &Path) -> Result<Corpus, Error> {
    if !content_dir.is_dir() {
        return Err(Error::MissingContent {
            path: content_dir.to_path_buf(),
        });
    }
    let mut corpus = Corpus::default();
    let mut files = Vec::new();
    collect_markdown_files(content_dir, &mut files, &mut corpus.warnings);
    files.sort();
    if files.is_empty() {
        return Err(Error::EmptyContent {
            path: content_dir.to_path_buf(),
        });
    }
    for file in files {
        let shown = file.display().to_string();
        let relative = file
            .strip_prefix(content_dir)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(error) => {
                corpus.warnings.push(Warning {
                    path: shown,
                    line: 1,
                    message: format!("cannot read: {error}"),
                });
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
                corpus.warnings.push(Warning {
                    path: shown,
                    line,
                    message: "not valid UTF-8; file skipped".to_string(),
                });
                continue;
            }
        };
        let (document, warnings) = parse_document(&text, shown, relative);
        corpus.warnings.extend(warnings);
        corpus.documents.push(document);
    }
    Ok(corpus)
}

fn collect_markdown_files(directory: &Path, files: &mut Vec<PathBuf>, warnings: &mut Vec<Warning>) {
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            warnings.push(Warning {
                path: directory.display().to_string(),
                line: 1,
                message: format!("cannot read directory: {error}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_markdown_files(&path, files, warnings),
            Ok(_) if path.extension().is_some_and(|extension| extension == "md") => {
                files.push(path)
            }
            Ok(_) => {}
            Err(error) => warnings.push(Warning {
                path: path.display().to_string(),
                line: 1,
                message: format!("cannot stat: {error}"),
            }),
        }
    }
}

/// Parses one file's text. `path` is shown to the user; `relative` is the
/// path inside the content directory.
pub fn parse_document(text: &str, path: String, relative: String) -> (Document, Vec<Warning>) {
    let mut warnings = Vec::new();
    let (front_matter, body_offset) = split_front_matter(text, &path, &mut warnings);
    let body = &text[body_offset..];
    let line_offset = text[..body_offset].matches('\n').count();
    let blocks = parse_blocks(body, line_offset);
    let kind = recognise_kind(&front_matter, &blocks, &relative);
    (
        Document {
            path,
            relative,
            front_matter,
            kind,
            blocks,
        },
        warnings,
    )
}

#[derive(Deserialize, Default)]
struct RawFrontMatter {
    title: Option<Scalar>,
    date: Option<Scalar>,
    tags: Option<Tags>,
    company: Option<Scalar>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(f64),
    Flag(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(text) => text,
            Scalar::Number(number) => number.to_string(),
            Scalar::Flag(flag) => flag.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Tags {
    List(Vec<Scalar>),
    One(String),
}

/// Returns the front matter and the byte offset where the body starts.
fn split_front_matter(text: &str, path: &str, warnings: &mut Vec<Warning>) -> (FrontMatter, usize) {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return (FrontMatter::default(), 0);
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut closing = None;
    for line in text[yaml_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            closing = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = closing else {
        warnings.push(Warning {
            path: path.to_string(),
            line: 1,
            message: "front matter opened with `---` is never closed; read as body text"
                .to_string(),
        });
        return (FrontMatter::default(), 0);
    };
    let yaml = &text[yaml_start..yaml_end];
    if let Some(front_matter) = simple_front_matter(yaml) {
        return (front_matter, body_start);
    }
    match full_front_matter(yaml) {
        Ok(front_matter) => (front_matter, body_start),
        Err(error) => {
            let line_in_yaml = error
                .location()
                .map(|location| location.line() as usize)
                .unwrap_or(1)
                .max(1);
            let message = error.to_string();
            let message = message.lines().next().unwrap_or("invalid YAML").to_string();
            warnings.push(Warning {
                path: path.to_string(),
                line: line_in_yaml + 1,
                message: format!("malformed front matter: {message}"),
            });
            (FrontMatter::default(), body_start)
        }
    }
}

/// Front matter through the full YAML parser.
fn full_front_matter(yaml: &str) -> Result<FrontMatter, serde_saphyr::Error> {
    let raw = serde_saphyr::from_str::<Option<RawFrontMatter>>(yaml)?.unwrap_or_default();
    let tags = match raw.tags {
        Some(Tags::List(tags)) => tags.into_iter().map(Scalar::into_string).collect(),
        Some(Tags::One(tags)) => tags
            .split(',')
            .map(|tag| tag.trim().to_string())
            .filter(|tag| !tag.is_empty())
            .collect(),
        None => Vec::new(),
    };
    Ok(FrontMatter {
        title: raw.title.map(Scalar::into_string),
        date: raw.date.map(Scalar::into_string),
        tags,
        company: raw.company.map(Scalar::into_string),
    })
}

/// A fast path for the front matter retrospectives actually have: flat
/// `key: value` lines with plain or double-quoted scalars and `[a, b]` tag
/// lists. Anything else (nesting, block scalars, anchors, escapes, lists
/// in block style) returns `None` and goes to the full YAML parser, which
/// also reports errors with their line.
fn simple_front_matter(yaml: &str) -> Option<FrontMatter> {
    let mut front_matter = FrontMatter::default();
    for line in yaml.lines() {
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t', '-']) {
            return None;
        }
        let (key, value) = trimmed.split_once(':')?;
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return None;
        }
        let value = value.trim();
        if value.is_empty()
            || value.contains(['\\', '&', '*', '{', '|', '>', '\'', '#', '!', '%', '@', '`'])
        {
            return None;
        }
        let scalar = |value: &str| -> Option<String> {
            if let Some(inner) = value.strip_prefix('"') {
                let inner = inner.strip_suffix('"')?;
                (!inner.contains('"')).then(|| inner.to_string())
            } else {
                (!value.contains(['"', '[', ']', ':'])).then(|| value.to_string())
            }
        };
        match key {
            "title" => front_matter.title = Some(scalar(value)?),
            "date" => front_matter.date = Some(scalar(value)?),
            "company" => front_matter.company = Some(scalar(value)?),
            "tags" => {
                let inner = value.strip_prefix('[')?.strip_suffix(']')?;
                front_matter.tags = inner
                    .split(',')
                    .map(str::trim)
                    .filter(|tag| !tag.is_empty())
                    .map(scalar)
                    .collect::<Option<Vec<_>>>()?;
            }
            _ => {
                if value.starts_with('[') && !value.ends_with(']') {
                    return None;
                }
            }
        }
    }
    Some(front_matter)
}

/// Maps byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
    offset: usize,
}

impl LineIndex {
    fn new(text: &str, offset: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b'\n')
                .map(|(index, _)| index + 1),
        );
        LineIndex { starts, offset }
    }

    fn line(&self, byte: usize) -> usize {
        let index = match self.starts.binary_search(&byte) {
            Ok(index) => index,
            Err(index) => index.saturating_sub(1),
        };
        index + 1 + self.offset
    }
}

/// Text being gathered for one block, with the bytes it came from.
#[derive(Default)]
struct Gathered {
    text: String,
    first: Option<usize>,
    last: usize,
}

impl Gathered {
    fn push(&mut self, text: &str, range: std::ops::Range<usize>) {
        self.text.push_str(text);
        if self.first.is_none() {
            self.first = Some(range.start);
        }
        self.last = self.last.max(range.end.saturating_sub(1));
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
    }
}

struct ItemFrame {
    own: Gathered,
    emitted: bool,
    start: usize,
}

/// Flattens the Markdown body into blocks, in document order.
fn parse_blocks(body: &str, line_offset: usize) -> Vec<Block> {
    let lines = LineIndex::new(body, line_offset);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH;
    let mut blocks = Vec::new();
    let mut items: Vec<ItemFrame> = Vec::new();
    let mut current: Option<Gathered> = None;
    let mut heading_level: Option<u8> = None;
    let mut paragraph_bold = (false, false); // (inside a paragraph, all text so far bold)
    let mut strong_depth = 0usize;
    let mut image_depth = 0usize;
    let mut skip_depth = 0usize; // code blocks, metadata, HTML blocks
    let mut table_header: Vec<String> = Vec::new();
    let mut in_table_head = false;
    let mut row: Vec<String> = Vec::new();
    let mut row_start = 0usize;
    let mut cell: Option<Gathered> = None;

    let emit_item = |frame: &mut ItemFrame, depth: usize, blocks: &mut Vec<Block>| {
        if frame.emitted {
            return;
        }
        frame.emitted = true;
        let text = normalise_space(&frame.own.text);
        if text.is_empty() {
            return;
        }
        let first = frame.own.first.unwrap_or(frame.start);
        let markup = source_markup(body, &lines, first, frame.own.last.max(first), &text);
        blocks.push(Block::ListItem {
            depth,
            text,
            markup,
            lines: (lines.line(first), lines.line(frame.own.last.max(first))),
        });
    };

    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if skip_depth > 0 {
            match event {
                Event::Start(Tag::CodeBlock(_))
                | Event::Start(Tag::MetadataBlock(_))
                | Event::Start(Tag::HtmlBlock) => skip_depth += 1,
                Event::End(TagEnd::CodeBlock)
                | Event::End(TagEnd::MetadataBlock(_))
                | Event::End(TagEnd::HtmlBlock) => skip_depth -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::MetadataBlock(_))
            | Event::Start(Tag::HtmlBlock) => skip_depth += 1,
            Event::Start(Tag::Heading { level, .. }) => {
                heading_level = Some(level as u8);
                current = Some(Gathered::default());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let (Some(level), Some(gathered)) = (heading_level.take(), current.take()) {
                    blocks.push(Block::Heading {
                        level,
                        text: normalise_space(&gathered.text),
                        line: lines.line(range.start),
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                if items.is_empty() && cell.is_none() {
                    current = Some(Gathered::default());
                    paragraph_bold = (true, true);
                } else if let Some(frame) = items.last_mut() {
                    frame.own.space();
                }
            }
            Event::End(TagEnd::Paragraph) if items.is_empty() => {
                if let Some(gathered) = current.take() {
                    let text = normalise_space(&gathered.text);
                    if !text.is_empty() {
                        let first = gathered.first.unwrap_or(range.start);
                        let markup =
                            source_markup(body, &lines, first, gathered.last.max(first), &text);
                        blocks.push(Block::Paragraph {
                            text,
                            markup,
                            all_bold: paragraph_bold.1,
                            lines: (lines.line(first), lines.line(gathered.last.max(first))),
                        });
                    }
                }
                paragraph_bold = (false, false);
            }
            Event::Start(Tag::List(_)) => {
                let depth = items.len();
                if let Some(frame) = items.last_mut() {
                    emit_item(frame, depth - 1, &mut blocks);
                }
            }
            Event::Start(Tag::Item) => items.push(ItemFrame {
                own: Gathered::default(),
                emitted: false,
                start: range.start,
            }),
            Event::End(TagEnd::Item) => {
                let depth = items.len().saturating_sub(1);
                if let Some(mut frame) = items.pop() {
                    emit_item(&mut frame, depth, &mut blocks);
                }
            }
            Event::Start(Tag::TableHead) => {
                in_table_head = true;
                row.clear();
                row_start = range.start;
            }
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                table_header = std::mem::take(&mut row);
            }
            Event::Start(Tag::TableRow) => {
                row.clear();
                row_start = range.start;
            }
            Event::End(TagEnd::TableRow) => {
                let cells = std::mem::take(&mut row);
                if cells.iter().any(|cell| !cell.is_empty()) {
                    blocks.push(Block::TableRow {
                        header: table_header.clone(),
                        cells,
                        line: lines.line(row_start),
                    });
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(Gathered::default()),
            Event::End(TagEnd::TableCell) => {
                if let Some(gathered) = cell.take() {
                    row.push(normalise_space(&gathered.text));
                }
                let _ = in_table_head;
            }
            Event::End(TagEnd::Table) => table_header.clear(),
            Event::Start(Tag::Strong) => strong_depth += 1,
            Event::End(TagEnd::Strong) => strong_depth = strong_depth.saturating_sub(1),
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) => {
                if image_depth > 0 {
                    continue;
                }
                if paragraph_bold.0 && strong_depth == 0 && !text.trim().is_empty() {
                    paragraph_bold.1 = false;
                }
                let target = if let Some(gathered) = cell.as_mut() {
                    gathered
                } else if let Some(gathered) = current.as_mut() {
                    gathered
                } else if let Some(frame) = items.last_mut() {
                    &mut frame.own
                } else {
                    continue;
                };
                target.push(&text, range);
            }
            Event::SoftBreak | Event::HardBreak => {
                let target = if let Some(gathered) = cell.as_mut() {
                    Some(gathered)
                } else if let Some(gathered) = current.as_mut() {
                    Some(gathered)
                } else {
                    items.last_mut().map(|frame| &mut frame.own)
                };
                if let Some(target) = target {
                    target.space();
                }
            }
            _ => {}
        }
    }
    blocks
}

/// The source lines holding bytes `first..=last`, without indentation or a
/// list marker, joined by spaces: the text as the user formatted it. Falls
/// back to the plain `text` when the source does not reduce to it (a link,
/// an image, an escape), so markup never adds or loses words.
fn source_markup(body: &str, lines: &LineIndex, first: usize, last: usize, text: &str) -> String {
    let Some(&start) = lines.starts.get(lines.line(first) - 1 - lines.offset) else {
        return text.to_string();
    };
    let last = last.min(body.len());
    let end = body.as_bytes()[last..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(body.len(), |newline| last + newline);
    let Some(source) = body.get(start..end) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(source.len());
    for (index, line) in source.lines().enumerate() {
        let mut line = line.trim();
        if index == 0 {
            line = strip_list_marker(line);
        }
        if !out.is_empty() && !line.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    let plain: String = out
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '~'))
        .collect();
    let expected: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '~'))
        .collect();
    if normalise_space(&plain) == normalise_space(&expected) {
        out
    } else {
        text.to_string()
    }
}

fn strip_list_marker(line: &str) -> &str {
    for marker in ["- [ ] ", "- [x] ", "- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..]
            .strip_prefix(". ")
            .or_else(|| line[digits..].strip_prefix(") "))
        {
            return rest.trim_start();
        }
    }
    line
}

/// Collapses runs of whitespace (tabs, newlines) into single spaces and trims.
fn normalise_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Labels that structure a note's project items.
const NOTE_LABELS: [&str; 6] = ["배경과 상황", "역할", "스킬", "액션", "결과", "회고"];

fn recognise_kind(front_matter: &FrontMatter, blocks: &[Block], relative: &str) -> DocumentKind {
    let title = front_matter.title.as_deref().unwrap_or("");
    let tags = front_matter.tags.join(" ");
    let file = relative.to_lowercase();
    let is_retrospective = title.contains("회고")
        || tags.contains("회고")
        || file.contains("retrospective")
        || file.contains("회고");
    if is_retrospective {
        let haystack = format!("{title} {tags} {file}");
        let cadence = if haystack.contains("연간") || haystack.contains("annual") {
            Cadence::Annual
        } else if haystack.contains("월간") || haystack.contains("monthly") {
            Cadence::Monthly
        } else if haystack.contains("주간") || haystack.contains("weekly") {
            Cadence::Weekly
        } else {
            Cadence::Other
        };
        return DocumentKind::Retrospective(cadence);
    }
    if company_headings(blocks).next().is_some() {
        return DocumentKind::CareerDescription;
    }
    let labelled_items = blocks
        .iter()
        .filter(|block| match block {
            Block::ListItem { depth, text, .. } => {
                *depth > 0 && NOTE_LABELS.contains(&text.trim_end_matches(':').trim())
            }
            _ => false,
        })
        .count();
    if labelled_items >= 2 {
        return DocumentKind::Notes;
    }
    DocumentKind::Other
}

/// Indices of company headings in a career description: a level-1 heading
/// whose next block is a period line such as `2022.04.18 ~ 재직중`.
pub fn company_headings(blocks: &[Block]) -> impl Iterator<Item = usize> + '_ {
    blocks
        .windows(2)
        .enumerate()
        .filter_map(|(index, pair)| match pair {
            [Block::Heading { level: 1, .. }, Block::Paragraph { text, .. }]
                if is_period_line(text) =>
            {
                Some(index)
            }
            _ => None,
        })
}

/// A paragraph that is only a period: `2022.04.18 ~ 재직중`, `2021.09 ~ 2022.04`.
pub fn is_period_line(text: &str) -> bool {
    let text = text.trim();
    text.contains('~') && crate::facts::Period::parse(text).is_some() && {
        text.chars()
            .all(|c| c.is_ascii_digit() || ".~- 재직중현재()".contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<Block> {
        parse_document(text, "t.md".into(), "t.md".into()).0.blocks
    }

    #[test]
    fn tab_indented_bullets_nest_with_true_lines() {
        let text = "## 프로젝트\n- 쇼퍼 정산\n\t- 결과\n\t\t- 10시간에서 2시간으로 단축\n";
        let found = blocks(text);
        assert_eq!(
            found[3],
            Block::ListItem {
                depth: 2,
                text: "10시간에서 2시간으로 단축".into(),
                markup: "10시간에서 2시간으로 단축".into(),
                lines: (4, 4)
            }
        );
    }

    #[test]
    fn front_matter_lines_count_toward_body_lines() {
        let text = "---\ntitle: \"주간 회고록 (2025.12.01 ~ 2025.12.12)\"\ntags: [회고, 모비닥]\n---\n\n## 개요\n";
        let (document, warnings) = parse_document(text, "w.md".into(), "w.md".into());
        assert!(warnings.is_empty());
        assert_eq!(document.front_matter.tags, vec!["회고", "모비닥"]);
        assert_eq!(document.kind, DocumentKind::Retrospective(Cadence::Weekly));
        assert_eq!(
            document.blocks[0],
            Block::Heading {
                level: 2,
                text: "개요".into(),
                line: 6
            }
        );
    }

    #[test]
    fn malformed_front_matter_warns_with_line() {
        let text = "---\ntitle: \"a\ntags: [x\n---\nbody\n";
        let (_, warnings) = parse_document(text, "bad.md".into(), "bad.md".into());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].line >= 2, "{:?}", warnings[0]);
    }

    #[test]
    fn simple_front_matter_agrees_with_the_yaml_parser() {
        let samples = [
            "title: \"2025년 연간 회고록 (2025.01 ~ 2025.12)\"\ndate: \"2025-12-31\"\ntags: [회고, 플라잉닥터, 연간회고, 2025년결산]\nbookmark: true\n",
            "title: 주간 회고록\ndate: 2025-12-12\ntags: [회고, 모비닥]\ncompany: 플라잉닥터\npermalink: /Retrospective/a.html\n",
        ];
        for yaml in samples {
            let fast = simple_front_matter(yaml).unwrap();
            let slow = full_front_matter(yaml).unwrap();
            assert_eq!(fast, slow, "{yaml}");
        }
        assert!(simple_front_matter("tags:\n  - a\n").is_none());
        assert!(simple_front_matter("title: \"a\\\"b\"\n").is_none());
    }

    #[test]
    fn bold_paragraph_is_marked() {
        let found = blocks("**MPT-8704: 태블릿 이슈**\n- 원인\n");
        assert!(matches!(found[0], Block::Paragraph { all_bold: true, .. }));
        let found = blocks("**성과**: 달성\n");
        assert!(matches!(
            found[0],
            Block::Paragraph {
                all_bold: false,
                ..
            }
        ));
    }
}
