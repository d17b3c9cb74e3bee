//! Reads the Markdown files under `content/` into [`Document`]s: front matter,
//! a recognised kind, and a flat list of [`Block`]s (headings, paragraphs,
//! list items, table rows) that keep their true line numbers.
//!
//! A file that cannot be used (unreadable, not UTF-8, broken front matter)
//! yields a [`Warning`] naming its path and line; the other files go on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::error::{Error, Warning};

mod lines;

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
        /// The source with its inline Markdown (`**bold**`), lines joined;
        /// `None` when it reads the same as `text` (no inline Markdown).
        markup: Option<String>,
        /// The paragraph is one bold span (`**MPT-8704: …**`): a sub-title.
        all_bold: bool,
        lines: (usize, usize),
    },
    /// A list item's own text (without its nested items); `depth` 0 is top level.
    ListItem {
        depth: usize,
        text: String,
        /// The item's own source with inline Markdown, list marker removed;
        /// `None` when it reads the same as `text`.
        markup: Option<String>,
        lines: (usize, usize),
        /// A task-list item: `Some(false)` for `- [ ]`, `Some(true)` for `- [x]`.
        task: Option<bool>,
    },
    TableRow {
        /// The table's header cells, shared by all its rows.
        header: Arc<[String]>,
        cells: RowCells,
        line: usize,
    },
}

/// A table row's cells held as one text, joined with ` | `: the text of the
/// row's fact. A row costs one allocation rather than one per cell and one
/// more for the joined text (line for line, tables were the dearest part of
/// ingest).
///
/// Cells are trimmed, so no cell starts or ends with a space. A cell with a
/// `|` of its own (an escaped `\|`, which only pulldown-cmark reads) would
/// make the joined text ambiguous: then where each cell starts is kept too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowCells {
    text: String,
    /// How many cells there are.
    count: usize,
    /// The byte offset of each cell in `text`, only when a cell holds a `|`.
    starts: Option<Box<[usize]>>,
}

impl RowCells {
    /// The cells, in order.
    pub fn from_cells<S: AsRef<str>>(cells: &[S]) -> RowCells {
        let mut row = RowCells::default();
        let mut starts = Vec::with_capacity(cells.len());
        for cell in cells {
            starts.push(row.start_cell());
            row.text.push_str(cell.as_ref());
        }
        if cells.iter().any(|cell| cell.as_ref().contains('|')) {
            row.starts = Some(starts.into());
        }
        row
    }

    /// Begins a new cell, written by the caller to the end of
    /// [`RowCells::text_mut`] (no `|` in it), and returns where it starts.
    pub(crate) fn start_cell(&mut self) -> usize {
        if self.count > 0 {
            self.text.push_str(SEPARATOR);
        }
        self.count += 1;
        self.text.len()
    }

    /// How many cells there are.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub(crate) fn text_mut(&mut self) -> &mut String {
        &mut self.text
    }

    /// The cells joined with ` | `.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The joined text and, only when it is ambiguous, where each cell starts.
    pub fn into_parts(self) -> (String, Option<Box<[usize]>>) {
        // `count` is implied by the text: its cells are read again from it.
        (self.text, self.starts)
    }

    /// The cells, each with its byte offset in [`RowCells::text`].
    pub fn cells(&self) -> Cells<'_> {
        let mut cells = Cells::new(&self.text, self.starts.as_deref());
        if self.count == 0 {
            cells.position = self.text.len() + 1;
        }
        cells
    }
}

/// What joins the cells of a row in its text.
const SEPARATOR: &str = " | ";

/// The cells of a row's text, each with its byte offset (see [`RowCells`]).
#[derive(Debug, Clone)]
pub struct Cells<'a> {
    text: &'a str,
    /// Where the next cell starts; past the end when there is none.
    position: usize,
    starts: Option<std::slice::Iter<'a, usize>>,
}

impl<'a> Cells<'a> {
    /// The cells of `text` as [`RowCells::into_parts`] gave it.
    pub fn new(text: &'a str, starts: Option<&'a [usize]>) -> Cells<'a> {
        let mut starts = starts.map(<[usize]>::iter);
        // The first cell starts at 0 either way; its listed start is skipped.
        if let Some(starts) = starts.as_mut() {
            starts.next();
        }
        Cells {
            text,
            position: 0,
            starts,
        }
    }
}

impl<'a> Iterator for Cells<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let start = self.position;
        if start > self.text.len() {
            return None;
        }
        let next_start = match self.starts.as_mut() {
            Some(starts) => starts.next().copied(),
            // No cell holds a `|`: the next one is the separator's.
            None => crate::bytes::find_byte(b'|', &self.text.as_bytes()[start..])
                .map(|bar| start + bar + SEPARATOR.len() - 1),
        };
        let end = next_start.map_or(self.text.len(), |next| next.saturating_sub(SEPARATOR.len()));
        self.position = next_start.unwrap_or(self.text.len() + 1);
        Some((start, self.text.get(start..end).unwrap_or("")))
    }
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
    let sources = read_sources(content_dir)?;
    let mut corpus = Corpus {
        documents: Vec::with_capacity(sources.files.len()),
        warnings: sources.warnings,
    };
    // Parsing is independent per file: one contiguous run per core, the
    // runs joined in order, so the result is exactly a single pass's.
    let threads = crate::parallel::threads_for(sources.files.len(), FILES_PER_THREAD);
    let results =
        crate::parallel::map_in_runs(&sources.files, threads, |files: &[SourceFile]| {
            files.iter().map(SourceFile::parse).collect()
        });
    for (document, warnings) in results {
        corpus.warnings.extend(warnings);
        corpus.documents.extend(document);
    }
    Ok(corpus)
}

/// The Markdown files of a content directory, read but not parsed, so that
/// a later stage can parse each one just before it uses it (see
/// [`crate::facts::extract_facts_from_sources`]).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Every `*.md` file, sorted by path.
    pub files: Vec<SourceFile>,
    /// Problems with the directory walk itself (a folder that cannot be read).
    pub warnings: Vec<Warning>,
}

/// One Markdown file: its text, or why it could not be used.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user: the content directory joined with `relative`.
    pub path: String,
    /// Path relative to the content directory.
    pub relative: String,
    /// The text, or the warning that replaces the file (unreadable, not UTF-8).
    pub text: Result<String, Warning>,
}

impl SourceFile {
    /// A text held in memory, as if read from `path`.
    pub fn from_text(text: String, path: String, relative: String) -> SourceFile {
        SourceFile {
            path,
            relative,
            text: Ok(text),
        }
    }

    /// The file's [`Document`] (none when it could not be read) and its warnings.
    pub fn parse(&self) -> (Option<Document>, Vec<Warning>) {
        match &self.text {
            Ok(text) => {
                let (document, warnings) =
                    parse_document(text, self.path.clone(), self.relative.clone());
                (Some(document), warnings)
            }
            Err(warning) => (None, vec![warning.clone()]),
        }
    }

    /// The text's length in bytes; 0 for a file that could not be read.
    pub fn len(&self) -> usize {
        self.text.as_ref().map_or(0, String::len)
    }

    /// Whether there is no text (an empty or unreadable file).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads every `*.md` file under `content_dir` (sorted, recursively),
/// without parsing it.
///
/// Errors only when the directory itself is missing or holds no Markdown;
/// a file that cannot be read keeps its place with a warning instead.
pub fn read_sources(content_dir: &Path) -> Result<Sources, Error> {
    if !content_dir.is_dir() {
        return Err(Error::MissingContent {
            path: content_dir.to_path_buf(),
        });
    }
    let mut sources = Sources::default();
    let mut files = Vec::new();
    collect_markdown_files(content_dir, &mut files, &mut sources.warnings);
    files.sort();
    if files.is_empty() {
        return Err(Error::EmptyContent {
            path: content_dir.to_path_buf(),
        });
    }
    // Reading is independent per file: one contiguous run per core, the
    // runs joined in order.
    let threads = crate::parallel::threads_for(files.len(), FILES_PER_THREAD);
    sources.files = crate::parallel::map_in_runs(&files, threads, |files: &[PathBuf]| {
        files
            .iter()
            .map(|file| read_source(content_dir, file))
            .collect()
    });
    Ok(sources)
}

/// Below this many files per core, one thread reads (or parses) them all.
const FILES_PER_THREAD: usize = 64;

/// Reads one file; a file that cannot be used holds only a warning.
fn read_source(content_dir: &Path, file: &Path) -> SourceFile {
    let path = file.display().to_string();
    let relative = file
        .strip_prefix(content_dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/");
    let text = match std::fs::read(file) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|error| {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
            Warning {
                path: path.clone(),
                line,
                message: "not valid UTF-8; file skipped".to_string(),
            }
        }),
        Err(error) => Err(Warning {
            path: path.clone(),
            line: 1,
            message: format!("cannot read: {error}"),
        }),
    };
    SourceFile {
        path,
        relative,
        text,
    }
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
    let line_offset = memchr::memchr_iter(b'\n', &text.as_bytes()[..body_offset]).count();
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
    let first_line_end = memchr::memchr(b'\n', text.as_bytes()).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return (FrontMatter::default(), 0);
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut closing = None;
    for line in lines_inclusive(&text[yaml_start..]) {
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

/// `text.split_inclusive('\n')`, the newlines found with `memchr`: every
/// file's front matter is read line by line, and `str`'s own search costs
/// about 150 instructions a line.
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|newline| newline + 1)
        .chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            // The last end is the text's own: nothing is left after a final `\n`.
            let line = text.get(start..end).filter(|line| !line.is_empty());
            start = end;
            line
        })
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
    for line in lines_inclusive(yaml) {
        // As `str::lines` gives them: without `\n` or `\r\n`.
        let line = line
            .strip_suffix('\n')
            .map_or(line, |line| line.strip_suffix('\r').unwrap_or(line));
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
        // About one line per 40 bytes of Korean prose.
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|index| index + 1));
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
    /// Room for the text of source bytes `range` (the text is never longer).
    fn for_source(range: &std::ops::Range<usize>) -> Self {
        Gathered {
            text: String::with_capacity(range.len()),
            first: None,
            last: 0,
        }
    }

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
    task: Option<bool>,
}

/// Flattens the Markdown body into blocks, in document order: by the line
/// scanner when the body keeps to the plain Markdown it reads, else by
/// pulldown-cmark. Both give the same blocks.
fn parse_blocks(body: &str, line_offset: usize) -> Vec<Block> {
    lines::scan_blocks(body, line_offset).unwrap_or_else(|| pulldown_blocks(body, line_offset))
}

/// Flattens the Markdown body into blocks with pulldown-cmark.
fn pulldown_blocks(body: &str, line_offset: usize) -> Vec<Block> {
    let lines = LineIndex::new(body, line_offset);
    // No metadata blocks: the front matter is split off before, and with
    // them on, a `---` rule right above a line of text opened one that ran
    // to the next `---`, and the text between was never read.
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut blocks = Vec::with_capacity(lines.starts.len() / 2 + 1);
    let mut items: Vec<ItemFrame> = Vec::new();
    let mut current: Option<Gathered> = None;
    let mut heading_level: Option<u8> = None;
    let mut paragraph_bold = (false, false); // (inside a paragraph, all text so far bold)
    let mut strong_depth = 0usize;
    let mut image_depth = 0usize;
    let mut skip_depth = 0usize; // code blocks, HTML blocks
    let mut table_header: Arc<[String]> = Arc::new([]);
    let mut in_table_head = false;
    let mut row: Vec<String> = Vec::new();
    let mut row_start = 0usize;
    let mut cell: Option<Gathered> = None;

    let emit_item = |frame: &mut ItemFrame, depth: usize, blocks: &mut Vec<Block>| {
        if frame.emitted {
            return;
        }
        frame.emitted = true;
        let text = normalise_owned(std::mem::take(&mut frame.own.text));
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
            task: frame.task,
        });
    };

    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        if skip_depth > 0 {
            match event {
                Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => skip_depth += 1,
                Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::HtmlBlock) => skip_depth -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => skip_depth += 1,
            Event::Start(Tag::Heading { level, .. }) => {
                heading_level = Some(level as u8);
                current = Some(Gathered::for_source(&range));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let (Some(level), Some(gathered)) = (heading_level.take(), current.take()) {
                    blocks.push(Block::Heading {
                        level,
                        text: normalise_owned(gathered.text),
                        line: lines.line(range.start),
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                if items.is_empty() && cell.is_none() {
                    current = Some(Gathered::for_source(&range));
                    paragraph_bold = (true, true);
                } else if let Some(frame) = items.last_mut() {
                    frame.own.space();
                }
            }
            Event::End(TagEnd::Paragraph) if items.is_empty() => {
                if let Some(gathered) = current.take() {
                    let first = gathered.first;
                    let last = gathered.last;
                    let text = normalise_owned(gathered.text);
                    if !text.is_empty() {
                        let first = first.unwrap_or(range.start);
                        let markup = source_markup(body, &lines, first, last.max(first), &text);
                        blocks.push(Block::Paragraph {
                            text,
                            markup,
                            all_bold: paragraph_bold.1,
                            lines: (lines.line(first), lines.line(last.max(first))),
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
                // The item's own text is mostly its first line.
                own: Gathered::for_source(&first_line(body, &range)),
                emitted: false,
                start: range.start,
                task: None,
            }),
            Event::TaskListMarker(checked) => {
                if let Some(frame) = items.last_mut() {
                    frame.task = Some(checked);
                }
            }
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
                table_header = std::mem::take(&mut row).into();
            }
            Event::Start(Tag::TableRow) => {
                row.clear();
                row_start = range.start;
            }
            Event::End(TagEnd::TableRow) => {
                if row.iter().any(|cell| !cell.is_empty()) {
                    blocks.push(Block::TableRow {
                        header: Arc::clone(&table_header),
                        cells: RowCells::from_cells(&row),
                        line: lines.line(row_start),
                    });
                }
                row.clear();
            }
            Event::Start(Tag::TableCell) => cell = Some(Gathered::for_source(&range)),
            Event::End(TagEnd::TableCell) => {
                if let Some(gathered) = cell.take() {
                    row.push(normalise_owned(gathered.text));
                }
                let _ = in_table_head;
            }
            Event::End(TagEnd::Table) => table_header = Arc::new([]),
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

/// The part of `range` before its first newline.
fn first_line(body: &str, range: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let end = body
        .as_bytes()
        .get(range.clone())
        .and_then(|bytes| bytes.iter().position(|&byte| byte == b'\n'))
        .map_or(range.end, |newline| range.start + newline);
    range.start..end
}

/// The source lines holding bytes `first..=last`, without indentation or a
/// list marker, joined by spaces: the text as the user formatted it. Falls
/// back to the plain `text` when the source does not reduce to it (a link,
/// an image, an escape), so markup never adds or loses words. `None` when
/// that is the plain `text` itself, which is the common case and costs no copy.
fn source_markup(
    body: &str,
    lines: &LineIndex,
    first: usize,
    last: usize,
    text: &str,
) -> Option<String> {
    let start = *lines.starts.get(lines.line(first) - 1 - lines.offset)?;
    let last = last.min(body.len());
    let end = body.as_bytes()[last..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(body.len(), |newline| last + newline);
    let source = body.get(start..end)?;
    let source_lines = || {
        source.lines().enumerate().map(|(index, line)| {
            let line = line.trim();
            if index == 0 {
                strip_list_marker(line)
            } else {
                line
            }
        })
    };
    // The lines joined by single spaces (empty lines add nothing), compared
    // with `text` piece by piece before any string is built.
    let mut rest = text;
    let mut joined_empty = true;
    let same = source_lines().all(|line| {
        if !joined_empty && !line.is_empty() {
            match rest.strip_prefix(' ') {
                Some(after) => rest = after,
                None => return false,
            }
        }
        joined_empty &= line.is_empty();
        match rest.strip_prefix(line) {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        }
    });
    if same && rest.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(source.len());
    for line in source_lines() {
        if !out.is_empty() && !line.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    same_plain_text(&out, text).then_some(out)
}

/// What a byte is to [`normalise_space`] and the markup comparison.
const ORDINARY: u8 = 0;
const SPACE: u8 = 1;
/// Tab, newline, vertical tab, form feed, carriage return.
const CONTROL_SPACE: u8 = 2;
/// `*`, `_`, `` ` ``, `~`: inline markup dropped by the comparison.
const MARKUP: u8 = 3;
/// A lead byte that may start non-ASCII whitespace (U+0085, U+00A0,
/// U+1680, U+2000..U+205F, U+3000); the character must be decoded.
const MAYBE_SPACE: u8 = 4;

static BYTE_CLASS: [u8; 256] = {
    let mut table = [ORDINARY; 256];
    table[b' ' as usize] = SPACE;
    table[b'\t' as usize] = CONTROL_SPACE;
    table[b'\n' as usize] = CONTROL_SPACE;
    table[0x0B] = CONTROL_SPACE;
    table[0x0C] = CONTROL_SPACE;
    table[b'\r' as usize] = CONTROL_SPACE;
    table[b'*' as usize] = MARKUP;
    table[b'_' as usize] = MARKUP;
    table[b'`' as usize] = MARKUP;
    table[b'~' as usize] = MARKUP;
    table[0xC2] = MAYBE_SPACE;
    table[0xE1] = MAYBE_SPACE;
    table[0xE2] = MAYBE_SPACE;
    table[0xE3] = MAYBE_SPACE;
    table
};

/// The length in bytes of the whitespace character (`char::is_whitespace`)
/// starting at byte `index` of `text`, or 0 when there is none.
fn whitespace_len(text: &str, index: usize) -> usize {
    let Some(&byte) = text.as_bytes().get(index) else {
        return 0;
    };
    match BYTE_CLASS[usize::from(byte)] {
        SPACE | CONTROL_SPACE => 1,
        MAYBE_SPACE => text
            .get(index..)
            .and_then(|rest| rest.chars().next())
            .filter(|character| character.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// The state of reading a text with the inline markup characters `*`, `_`,
/// `` ` `` and `~` dropped and whitespace then normalised as by
/// [`normalise_space`].
#[derive(Clone, Copy, PartialEq, Eq)]
struct PlainState {
    /// Whitespace seen since the last byte read out.
    pending_space: bool,
    /// A byte was read out already (leading whitespace is dropped).
    started: bool,
}

impl PlainState {
    /// Takes in one byte that is not a lead byte of possible non-ASCII whitespace.
    fn feed(&mut self, class: u8) {
        match class {
            SPACE | CONTROL_SPACE => self.pending_space = self.started,
            MARKUP => {}
            _ => {
                self.started = true;
                self.pending_space = false;
            }
        }
    }
}

/// The plain, space-normalised bytes of a text (see [`PlainState`]), one
/// by one, from a position.
struct PlainBytes<'a> {
    text: &'a str,
    index: usize,
    state: PlainState,
    /// A byte held back while the pending space is read out.
    queued: Option<u8>,
}

impl PlainBytes<'_> {
    fn next_byte(&mut self) -> Option<u8> {
        if let Some(byte) = self.queued.take() {
            return Some(byte);
        }
        loop {
            let byte = *self.text.as_bytes().get(self.index)?;
            let whitespace = whitespace_len(self.text, self.index);
            if whitespace > 0 {
                self.index += whitespace;
                self.state.pending_space = self.state.started;
                continue;
            }
            self.index += 1;
            if BYTE_CLASS[usize::from(byte)] == MARKUP {
                continue;
            }
            self.state.started = true;
            if self.state.pending_space {
                self.state.pending_space = false;
                self.queued = Some(byte);
                return Some(b' ');
            }
            return Some(byte);
        }
    }
}

/// Whether two texts are equal once inline markup characters are dropped
/// and whitespace is normalised, without building either form: runs of
/// identical bytes are passed over together, and only where the texts
/// differ (`**` in one, not the other) are the plain bytes compared.
fn same_plain_text(left: &str, right: &str) -> bool {
    let start = PlainState {
        pending_space: false,
        started: false,
    };
    let mut left = PlainBytes {
        text: left,
        index: 0,
        state: start,
        queued: None,
    };
    let mut right = PlainBytes {
        text: right,
        index: 0,
        state: start,
        queued: None,
    };
    loop {
        if left.queued.is_none() && right.queued.is_none() && left.state == right.state {
            // The same bytes from the same state read out the same.
            let mut state = left.state;
            let (a, b) = (left.text.as_bytes(), right.text.as_bytes());
            let (mut i, mut j) = (left.index, right.index);
            while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
                let class = BYTE_CLASS[usize::from(x)];
                if x != y || class == MAYBE_SPACE {
                    break;
                }
                state.feed(class);
                i += 1;
                j += 1;
            }
            left.index = i;
            right.index = j;
            left.state = state;
            right.state = state;
        }
        match (left.next_byte(), right.next_byte()) {
            (None, None) => return true,
            (x, y) if x == y => {}
            _ => return false,
        }
    }
}

/// True when `text` is already what [`normalise_space`] returns: no
/// leading, trailing or repeated whitespace, and only plain spaces.
///
/// Every paragraph, item and cell comes through here, so it reads a block
/// of bytes at a time with no branch per byte, which the compiler turns
/// into vector instructions: plain bytes and single spaces need no more.
/// Control bytes and the lead bytes of non-ASCII spaces (`0xC2`, and
/// `0xE0` to `0xE3`) send the whole text to [`is_normalised_bytewise`].
fn is_normalised(text: &str) -> bool {
    const BLOCK: usize = 16;
    const UNUSUAL: u8 = 1;
    const DOUBLE_SPACE: u8 = 2;
    // The flags of `byte`, followed by `next`; `|` and `&` rather than
    // `||` and `&&`, so that there is nothing to branch on.
    let flags = |byte: u8, next: u8| {
        let unusual =
            u8::from(byte < 0x20) | u8::from(byte == 0xC2) | u8::from(byte & 0xFC == 0xE0);
        let double_space = u8::from(byte == b' ') & u8::from(next == b' ');
        unusual | double_space << 1
    };
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return true;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    // Short texts are read a byte at a time.
    if bytes.len() <= BLOCK {
        return is_normalised_bytewise(text);
    }
    // Blocks of `BLOCK` bytes, each with the byte after it, their flags
    // gathered lane by lane and only combined at the end (texts are short,
    // and most are normalised). The last block is the text's last `BLOCK`
    // + 1 bytes, overlapping the one before: flags read twice are the same
    // flags, and nothing is copied (a copy read back as a vector waits for
    // its stores). The last byte, which no lane starts at, is judged alone.
    let mut lanes = [0u8; BLOCK];
    let mut add_block = |block: &[u8; BLOCK + 1]| {
        for (index, lane) in lanes.iter_mut().enumerate() {
            *lane |= flags(block[index], block[index + 1]);
        }
    };
    let mut start = 0;
    while let Some(block) = bytes
        .get(start..start + BLOCK + 1)
        .and_then(|block| <&[u8; BLOCK + 1]>::try_from(block).ok())
    {
        add_block(block);
        start += BLOCK;
    }
    if let Some(block) = bytes
        .get(bytes.len() - (BLOCK + 1)..)
        .and_then(|block| <&[u8; BLOCK + 1]>::try_from(block).ok())
    {
        add_block(block);
    }
    lanes[0] |= flags(last, b'a');
    let found = lanes.iter().fold(0, |found, lane| found | lane);
    if found & UNUSUAL != 0 {
        return is_normalised_bytewise(text);
    }
    found & DOUBLE_SPACE == 0
}

/// [`is_normalised`] one byte at a time, for any text.
fn is_normalised_bytewise(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut after_space = true;
    for (index, &byte) in bytes.iter().enumerate() {
        match BYTE_CLASS[usize::from(byte)] {
            SPACE => {
                if after_space {
                    return false;
                }
                after_space = true;
            }
            CONTROL_SPACE => return false,
            MAYBE_SPACE if whitespace_len(text, index) > 0 => return false,
            _ => after_space = false,
        }
    }
    !after_space || bytes.is_empty()
}

/// [`normalise_space`] for an owned string: returned as is when it needs
/// no change, which is the common case.
fn normalise_owned(text: String) -> String {
    if is_normalised(&text) {
        text
    } else {
        normalise_space(&text)
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
    if is_normalised(text) {
        return text.to_string();
    }
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

    fn cells_of(row: &RowCells) -> Vec<(usize, &str)> {
        row.cells().collect()
    }

    #[test]
    fn a_row_reads_back_its_cells_empty_ones_included() {
        let row = RowCells::from_cells(&["1주차", "35 (31+4)", "", "결제 작업"]);
        assert_eq!(row.text(), "1주차 | 35 (31+4) |  | 결제 작업");
        assert_eq!(row.len(), 4);
        let read = cells_of(&row);
        assert_eq!(
            read,
            [(0, "1주차"), (10, "35 (31+4)"), (22, ""), (25, "결제 작업")]
        );
        for (start, cell) in read {
            assert_eq!(&row.text()[start..start + cell.len()], cell);
        }
        let edges = RowCells::from_cells(&["", "a", ""]);
        assert_eq!(cells_of(&edges), [(0, ""), (3, "a"), (7, "")]);
        assert_eq!(cells_of(&RowCells::from_cells(&["하나"])), [(0, "하나")]);
        assert!(cells_of(&RowCells::default()).is_empty());
    }

    #[test]
    fn a_cell_with_a_pipe_of_its_own_keeps_the_row_readable() {
        // pulldown-cmark reads an escaped `\|` into the cell's text.
        let row = RowCells::from_cells(&["a | b", "c"]);
        assert_eq!(row.text(), "a | b | c");
        assert_eq!(cells_of(&row), [(0, "a | b"), (8, "c")]);
        let (text, starts) = row.into_parts();
        let again: Vec<_> = Cells::new(&text, starts.as_deref()).collect();
        assert_eq!(again, [(0, "a | b"), (8, "c")]);
    }

    proptest::proptest! {
        #[test]
        fn cells_read_back_as_written(
            cells in proptest::collection::vec("([a가|]([a 가|]{0,4}[a가|])?)?", 1..6)
        ) {
            let row = RowCells::from_cells(&cells);
            let read: Vec<&str> = row.cells().map(|(_, cell)| cell).collect();
            proptest::prop_assert_eq!(read, cells.iter().map(String::as_str).collect::<Vec<_>>());
            proptest::prop_assert_eq!(row.text(), cells.join(" | "));
        }
    }

    proptest::proptest! {
        #[test]
        fn lines_split_as_str_splits_them(text in "[a\\r\\n가]{0,12}") {
            let ours: Vec<&str> = super::lines_inclusive(&text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }

    fn blocks(text: &str) -> Vec<Block> {
        parse_document(text, "t.md".into(), "t.md".into()).0.blocks
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 10_000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The word-at-a-time check agrees with the byte-at-a-time one.
        #[test]
        fn normalised_text_is_told_alike_by_both_checks(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "  ", "\t", "\n", "\u{a0}", "\u{3000}", "\u{2003}", "→", "·", "ࠀ",
                    "가", "결제", "a", "12", "*", "\u{1}", "한패스 ", " 2시간",
                ]),
                0..24,
            )
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(is_normalised(&text), is_normalised_bytewise(&text), "{:?}", text);
        }
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
                markup: None,
                lines: (4, 4),
                task: None,
            }
        );
    }

    #[test]
    fn task_list_items_keep_their_box() {
        let found = blocks(
            "- [ ] 회귀 테스트 추가
- [x] 운영 배포
- 메모
",
        );
        let tasks: Vec<Option<bool>> = found
            .iter()
            .map(|block| match block {
                Block::ListItem { task, .. } => *task,
                _ => None,
            })
            .collect();
        assert_eq!(tasks, [Some(false), Some(true), None]);
        assert!(matches!(&found[0], Block::ListItem { text, .. } if text == "회귀 테스트 추가"));
    }

    /// Rules used as section separators: a `---` right above a heading is
    /// a rule, not the start of a metadata block that runs to the next
    /// `---` and would take the text between out of the facts. (The front
    /// matter is split off before the body is parsed.)
    #[test]
    fn rules_between_sections_keep_the_text_between_them() {
        let body = "## 앞\n\n앞 문단 30건\n\n---\n## 중간\n중간 문단 40건\n\n---\n\n## 뒤\n\n뒤 문단 50건\n";
        let texts: Vec<String> = blocks(body)
            .iter()
            .map(|block| match block {
                Block::Heading { text, .. } | Block::Paragraph { text, .. } => text.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "앞",
                "앞 문단 30건",
                "중간",
                "중간 문단 40건",
                "뒤",
                "뒤 문단 50건"
            ]
        );
        // As a whole file, after its front matter, with its lines.
        let text = format!("---\ntitle: 회고\n---\n{body}");
        let (document, _) = parse_document(&text, "r.md".into(), "r.md".into());
        assert!(document.blocks.iter().any(|block| matches!(
            block,
            Block::Paragraph { text, lines: (10, 10), .. } if text == "중간 문단 40건"
        )));
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

    fn markup_of(block: &Block) -> Option<&str> {
        match block {
            Block::Paragraph { markup, .. } | Block::ListItem { markup, .. } => markup.as_deref(),
            _ => None,
        }
    }

    #[test]
    fn markup_is_kept_only_where_it_differs_from_the_text() {
        let found = blocks(
            "첫 줄과\n  둘째 줄\n\n- 목록 항목\n  이어지는 줄\n- **전북 은행**&**쿠콘**과 연동\n\n\
             **성과**: 응답 `600ms`에서\n33ms로\n\n- [링크](https://example.com) 정리\n",
        );
        let seen: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|block| match block {
                Block::Paragraph { text, .. } | Block::ListItem { text, .. } => {
                    (text.as_str(), markup_of(block))
                }
                _ => ("", None),
            })
            .collect();
        assert_eq!(
            seen,
            [
                // Lines joined by a space read the same as the text: no copy.
                ("첫 줄과 둘째 줄", None),
                ("목록 항목 이어지는 줄", None),
                (
                    "전북 은행&쿠콘과 연동",
                    Some("**전북 은행**&**쿠콘**과 연동")
                ),
                (
                    "성과: 응답 600ms에서 33ms로",
                    Some("**성과**: 응답 `600ms`에서 33ms로")
                ),
                // A link does not reduce to its text: the plain text stands.
                ("링크 정리", None),
            ]
        );
    }
}
