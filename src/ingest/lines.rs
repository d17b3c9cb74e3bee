//! A line scanner for the plain Markdown retrospectives are mostly written
//! in: ATX headings, paragraphs, bullet and ordered lists nested by spaces or
//! tabs, `- [ ]` task boxes, pipe tables (with plain `[tags]` and
//! `[text](link)` in their cells), rules after a blank line, a literal `&`,
//! and `**bold**`. It makes the same [`Block`]s as the pulldown-cmark reading
//! in `ingest` at a fraction of the cost, and gives up (`None`) on anything
//! it does not read exactly as CommonMark does: code, quotes, images, links
//! outside table cells, HTML, escapes, entities, `_` and `*` emphasis,
//! strikethrough, setext headings, and any list or table shape outside the
//! few it knows. The caller then parses the whole body with pulldown-cmark,
//! so the blocks never depend on which reader ran. Differential tests hold
//! the two readers to the same output.

use std::sync::Arc;

use crate::bytes::{find_all, find_byte, find_either, trim};

use super::{
    is_normalised, normalise_owned, normalise_space, same_plain_text, strip_list_marker, Block,
    RowCells,
};

/// Whether the scanner may read `body`, and whether it holds a `[`:
/// `None` when it holds a byte whose meaning depends on CommonMark rules
/// the scanner does not follow (`\r`, NUL, `\`, `` ` ``, `<`, `_`), an `&`
/// that may start an entity (one before a letter, digit or `#`), or a `]:`
/// that may end a link reference definition (without one, a bracket is a
/// link only as `[text](destination)`, which table cells read). Anywhere in
/// the body, one sends the file to pulldown-cmark. Vectorised searches, not
/// a byte-by-byte walk.
fn readable_bytes(body: &[u8]) -> Option<Brackets> {
    if memchr::memchr3(b'\r', b'\0', b'\\', body).is_some()
        || memchr::memchr3(b'`', b'<', b'_', body).is_some()
    {
        return None;
    }
    let mut brackets = false;
    for at in memchr::memchr2_iter(b'&', b'[', body) {
        if body[at] == b'[' {
            brackets = true;
        } else if body
            .get(at + 1)
            .is_some_and(|&next| next.is_ascii_alphanumeric() || next == b'#')
        {
            return None;
        }
    }
    if brackets && memchr::memmem::find(body, b"]:").is_some() {
        return None;
    }
    Some(Brackets(brackets))
}

/// Whether a body holds a `[`: without one, no text is searched for it.
#[derive(Clone, Copy)]
struct Brackets(bool);

/// The lines of `body` as `body.split('\n')` gives them, found with a
/// vectorised search.
struct Lines<'a> {
    body: &'a str,
    /// Where the next line starts; `None` after the last.
    start: Option<usize>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.start?;
        let rest = self.body.get(start..)?;
        match find_byte(b'\n', rest.as_bytes()) {
            Some(end) => {
                self.start = Some(start + end + 1);
                rest.get(..end)
            }
            None => {
                self.start = None;
                Some(rest)
            }
        }
    }
}

/// The blocks of `body`, or `None` when it holds anything this scanner
/// leaves to pulldown-cmark. `line_offset` is the number of lines before
/// the body (the front matter).
pub(super) fn scan_blocks(body: &str, line_offset: usize) -> Option<Vec<Block>> {
    if body.starts_with('\u{feff}') {
        return None;
    }
    let Brackets(brackets) = readable_bytes(body.as_bytes())?;
    let mut scanner = Scanner {
        // A line makes at most one block: room for one per line spares
        // the copies of a growing list (counting lines is a vector search).
        blocks: Vec::with_capacity(memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1),
        items: Vec::new(),
        paragraph: None,
        after_blank: true,
        after_text: false,
        brackets,
    };
    let mut lines = Lines {
        body,
        start: Some(0),
    }
    .enumerate()
    .peekable();
    while let Some((index, line)) = lines.next() {
        let number = index + 1 + line_offset;
        if is_blank(line) {
            scanner.end_paragraph()?;
            scanner.after_blank = true;
            scanner.after_text = false;
            continue;
        }
        let indent = indentation(line)?;
        let rest = &line[indent.bytes..];
        if is_rule(rest) {
            // A thematic break, read only at the margin after a blank line
            // (after text, `---` underlines a heading). It ends every list
            // and makes no block.
            if indent.columns > 0 || !scanner.after_blank {
                return None;
            }
            scanner.close_items(0)?;
            scanner.after_blank = false;
            scanner.after_text = false;
            continue;
        }
        if opens_unhandled_block(rest) {
            return None;
        }
        match list_marker(rest) {
            Opening::Marker(marker) => {
                scanner.item(indent.columns, marker, number)?;
                continue;
            }
            Opening::Unhandled => return None,
            Opening::Text => {}
        }
        match heading(rest) {
            Opening::Marker((level, content)) => {
                if indent.columns > 0 {
                    return None;
                }
                scanner.end_paragraph()?;
                scanner.close_items(0)?;
                if scanner.brackets && content.contains('[') {
                    return None;
                }
                let text = normalise_owned(inline(content)?.text);
                if text.is_empty() {
                    return None;
                }
                scanner.blocks.push(Block::Heading {
                    level,
                    text,
                    line: number,
                });
                scanner.after_blank = false;
                scanner.after_text = false;
                continue;
            }
            Opening::Unhandled => return None,
            Opening::Text => {}
        }
        if rest.starts_with('|') {
            // A table starts at the margin after a blank line or a heading.
            if indent.columns > 0 || scanner.after_text {
                return None;
            }
            scanner.close_items(0)?;
            let header = table_cells(rest, scanner.brackets)?;
            let delimiter = lines.next().map(|(_, line)| line)?;
            if !is_delimiter_row_of(delimiter, header.len()) {
                return None;
            }
            let header: Arc<[String]> = header.cells().map(|(_, cell)| cell.to_string()).collect();
            while let Some((index, line)) = lines.next_if(|(_, line)| !is_blank(line)) {
                if !line.starts_with('|') {
                    return None;
                }
                let cells = table_cells(line, scanner.brackets)?;
                if cells.len() != header.len() {
                    return None;
                }
                if cells.cells().any(|(_, cell)| !cell.is_empty()) {
                    scanner.blocks.push(Block::TableRow {
                        header: Arc::clone(&header),
                        cells,
                        line: index + 1 + line_offset,
                    });
                }
            }
            scanner.after_blank = false;
            scanner.after_text = false;
            continue;
        }
        if is_delimiter_row(rest) {
            return None;
        }
        // Text: it continues an open paragraph or item, or starts a paragraph.
        let text = trim(rest);
        if text.is_empty() {
            // Only Unicode spaces: not a blank line to CommonMark.
            return None;
        }
        if !scanner.after_text {
            if !scanner.items.is_empty() && indent.columns > 0 || indent.columns >= 4 {
                // A second paragraph of an item, or indented code.
                return None;
            }
            scanner.close_items(0)?;
        }
        match (&mut scanner.paragraph, scanner.items.last_mut()) {
            (Some(paragraph), _) => paragraph.add(text, number),
            (None, Some(item)) if !item.emitted => item.unit.add(text, number),
            (None, Some(_)) => return None,
            (None, None) => scanner.paragraph = Some(Unit::new(text, number)),
        }
        scanner.after_blank = false;
        scanner.after_text = true;
    }
    scanner.end_paragraph()?;
    scanner.close_items(0)?;
    Some(scanner.blocks)
}

/// Only spaces and tabs: a blank line to CommonMark (other Unicode spaces are text).
fn is_blank(line: &str) -> bool {
    line.bytes().all(|byte| byte == b' ' || byte == b'\t')
}

/// What a line opens: the block the scanner reads, text, or something it
/// leaves to pulldown-cmark.
enum Opening<T> {
    Marker(T),
    Text,
    Unhandled,
}

/// Leading spaces or tabs of a line: their width in bytes and in columns
/// (a tab moves to the next multiple of 4). A mix of both is left to
/// pulldown-cmark (`None`), since a tab may then count for fewer columns.
struct Indentation {
    bytes: usize,
    columns: usize,
}

fn indentation(line: &str) -> Option<Indentation> {
    // Spaces and tabs are ASCII: counted as bytes, not decoded.
    let bytes = line
        .bytes()
        .take_while(|&byte| byte == b' ' || byte == b'\t')
        .count();
    let lead = &line.as_bytes()[..bytes];
    let tabs = lead.iter().filter(|&&byte| byte == b'\t').count();
    if tabs > 0 && tabs < bytes {
        return None;
    }
    let columns = if tabs > 0 { tabs * 4 } else { bytes };
    Some(Indentation { bytes, columns })
}

/// A line (without its indentation) that opens a block this scanner does
/// not read: a quote, a fence, a setext underline, an HTML block. (A rule
/// is read only where [`scan_blocks`] says; the caller checks for one
/// first.)
fn opens_unhandled_block(rest: &str) -> bool {
    if rest.starts_with(['>', '~', '=', '<']) {
        return true;
    }
    // `--` under text is a setext underline (spaces and tabs after it).
    let mut bytes = rest
        .bytes()
        .rev()
        .skip_while(|&byte| byte == b' ' || byte == b'\t')
        .peekable();
    bytes.peek().is_some() && bytes.all(|byte| byte == b'-')
}

/// `---`, `***`, `- - -`: a thematic break (a line without indentation).
fn is_rule(rest: &str) -> bool {
    let first = rest.as_bytes().first().copied();
    if !matches!(first, Some(b'-' | b'*')) {
        return false;
    }
    let mut count = 0;
    for byte in rest.bytes() {
        if Some(byte) == first {
            count += 1;
        } else if byte != b' ' && byte != b'\t' {
            return false;
        }
    }
    count >= 3
}

/// The marker of a list item line (without indentation).
struct Marker<'a> {
    /// `-`, `*`, `+`, or `.`, `)` for an ordered list.
    kind: u8,
    /// The start number of an ordered item.
    number: Option<u64>,
    /// Columns from the marker's start to the item's text.
    width: usize,
    content: &'a str,
}

fn list_marker(rest: &str) -> Opening<Marker<'_>> {
    let bytes = rest.as_bytes();
    let digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let (kind, number, after) = match bytes.first() {
        Some(b'-' | b'*' | b'+') => (bytes[0], None, 1),
        _ if (1..=9).contains(&digits) && matches!(bytes.get(digits), Some(b'.' | b')')) => {
            (bytes[digits], rest[..digits].parse().ok(), digits + 1)
        }
        _ => return Opening::Text,
    };
    let content = &rest[after..];
    let spaces = content.bytes().take_while(|&byte| byte == b' ').count();
    match content.as_bytes().get(spaces) {
        // An empty item, or a tab after the marker.
        None | Some(b'\t') => Opening::Unhandled,
        _ if spaces == 0 => Opening::Text,
        // Five spaces or more start indented code in the item.
        _ if spaces > 4 => Opening::Unhandled,
        _ => Opening::Marker(Marker {
            kind,
            number,
            width: after + spaces,
            content: &content[spaces..],
        }),
    }
}

/// `## 개요` → (2, `개요`).
fn heading(rest: &str) -> Opening<(u8, &str)> {
    let level = rest.bytes().take_while(|&byte| byte == b'#').count();
    if level == 0 || level > 6 {
        return Opening::Text;
    }
    let after = &rest[level..];
    if let Some(content) = after.strip_prefix(' ') {
        // A closing `#` run is left to pulldown-cmark.
        if content.trim_end().ends_with('#') || content.trim_start().is_empty() {
            return Opening::Unhandled;
        }
        return Opening::Marker((level as u8, content));
    }
    if after.is_empty() || after.starts_with('\t') {
        Opening::Unhandled
    } else {
        Opening::Text
    }
}

/// The cells of a `| a | b |` row, each read as inline text and written
/// into one text; `None` when the row is not closed by a pipe.
/// `brackets`: whether a cell may hold a `[` (see [`cell_into`]).
fn table_cells(line: &str, brackets: bool) -> Option<RowCells> {
    let inner = line.trim_end().strip_prefix('|')?.strip_suffix('|')?;
    let mut row = RowCells::default();
    // The separators of the joined text take the place of the pipes.
    row.text_mut().reserve(inner.len() + 2);
    for cell in split_on_pipes(inner) {
        let start = row.start_cell();
        let text = row.text_mut();
        if brackets {
            cell_into(trim(cell), text)?;
        } else {
            inline_into(trim(cell), text)?;
        }
        if let Some(written) = text.get(start..).filter(|written| !is_normalised(written)) {
            let normal = normalise_space(written);
            text.truncate(start);
            text.push_str(&normal);
        }
    }
    Some(row)
}

/// `text.split('|')`, the pipes found with `memchr` (`str::split` takes
/// about 150 instructions a cell here). `|` is ASCII, so every piece is at
/// character boundaries.
fn split_on_pipes(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    find_all(b'|', text.as_bytes())
        .chain(std::iter::once(text.len()))
        .map(move |end| {
            let cell = text.get(start..end).unwrap_or("");
            start = end + 1;
            cell
        })
}

/// `|:--:|---|` with `columns` cells.
fn is_delimiter_row_of(line: &str, columns: usize) -> bool {
    let Some(inner) = line
        .trim()
        .strip_prefix('|')
        .and_then(|inner| inner.strip_suffix('|'))
    else {
        return false;
    };
    let mut count = 0;
    split_on_pipes(inner).all(|cell| {
        count += 1;
        let dashes = cell.trim().trim_start_matches(':').trim_end_matches(':');
        !dashes.is_empty() && dashes.bytes().all(|byte| byte == b'-')
    }) && count == columns
}

/// A line made of the characters of a table's delimiter row: under text it
/// would make a table of it.
fn is_delimiter_row(rest: &str) -> bool {
    // Text fails the second test at its first letter; most lines are text.
    rest.bytes().all(|byte| b"|-: \t".contains(&byte)) && rest.contains('-')
}

/// The text of a paragraph or list item, gathered line by line.
struct Unit<'a> {
    /// The first source line trimmed, without its list marker.
    first: &'a str,
    /// The lines after it, trimmed.
    more: Vec<&'a str>,
    first_line: usize,
    last_line: usize,
}

impl<'a> Unit<'a> {
    fn new(text: &'a str, line: usize) -> Self {
        Unit {
            first: text,
            more: Vec::new(),
            first_line: line,
            last_line: line,
        }
    }

    fn add(&mut self, text: &'a str, line: usize) {
        self.more.push(text);
        self.last_line = line;
    }

    /// The plain text, the markup as written when it differs, and whether
    /// every word is bold. `None` when the inline markup is not plain `**`.
    /// `brackets`: whether the text may hold a `[`, which may open a link
    /// and is left to pulldown-cmark.
    fn read(&self, brackets: bool) -> Option<(String, Option<String>, bool)> {
        let source = self.joined(self.first);
        if brackets && source.contains('[') {
            return None;
        }
        let read = inline(&source)?;
        let text = normalise_owned(read.text);
        // As `source_markup` shows it: the first line without a list marker
        // (a scanned line seldom starts with one; if it does, it is compared).
        let first = strip_list_marker(self.first);
        let shown = if first.len() == self.first.len() {
            source
        } else {
            self.joined(first)
        };
        // Otherwise, taking out `**` pairs and spacing is all that makes the
        // text differ from the source, which therefore reduces to it.
        let reduces = first.len() == self.first.len() || same_plain_text(&shown, &text);
        let markup = (*shown != *text && reduces).then(|| shown.into_owned());
        Some((text, markup, read.all_bold))
    }

    /// `first` and the lines after it, joined by spaces.
    fn joined(&self, first: &'a str) -> std::borrow::Cow<'a, str> {
        if self.more.is_empty() {
            return std::borrow::Cow::Borrowed(first);
        }
        let mut text = String::with_capacity(
            first.len() + self.more.iter().map(|line| line.len() + 1).sum::<usize>(),
        );
        text.push_str(first);
        for line in &self.more {
            text.push(' ');
            text.push_str(line);
        }
        std::borrow::Cow::Owned(text)
    }
}

/// An open list item.
struct Item<'a> {
    /// The list's marker kind, to tell a sibling from a new list.
    kind: u8,
    /// The column where the item's text starts; deeper lines nest in it.
    content_column: usize,
    unit: Unit<'a>,
    emitted: bool,
    /// The task box the item opens with (`- [ ]`: open, `- [x]`: done).
    task: Option<bool>,
}

/// `[ ] 할 일` or `[x] 한 일` at the start of a `-` item's text: whether
/// the box is checked, and the text after it. Only these two spellings, a
/// space after them and text on the line: other boxes keep their bracket,
/// which leaves the file to pulldown-cmark.
fn task_box(kind: u8, content: &str) -> Option<(bool, &str)> {
    if kind != b'-' {
        return None;
    }
    let checked = match content.as_bytes().get(..4)? {
        b"[ ] " => false,
        b"[x] " => true,
        _ => return None,
    };
    let rest = content.get(4..)?;
    if rest.starts_with([' ', '\t']) {
        return None;
    }
    // Other Unicode spaces are text to the list marker, but `source_markup`
    // trims them with it: so do we.
    let rest = rest.trim_start();
    (!rest.is_empty()).then_some((checked, rest))
}

struct Scanner<'a> {
    blocks: Vec<Block>,
    items: Vec<Item<'a>>,
    paragraph: Option<Unit<'a>>,
    /// The line before was blank (or there was none).
    after_blank: bool,
    /// The line before was text of a paragraph or an item.
    after_text: bool,
    /// The body has a `[` somewhere.
    brackets: bool,
}

impl<'a> Scanner<'a> {
    fn end_paragraph(&mut self) -> Option<()> {
        if let Some(unit) = self.paragraph.take() {
            let (text, markup, all_bold) = unit.read(self.brackets)?;
            if !text.is_empty() {
                self.blocks.push(Block::Paragraph {
                    text,
                    markup,
                    all_bold,
                    lines: (unit.first_line, unit.last_line),
                });
            }
        }
        Some(())
    }

    /// Emits the item at `depth` if it has not been emitted yet.
    fn emit(&mut self, depth: usize) -> Option<()> {
        let item = self.items.get_mut(depth)?;
        if item.emitted {
            return Some(());
        }
        item.emitted = true;
        let (text, markup, _) = item.unit.read(self.brackets)?;
        if !text.is_empty() {
            let lines = (item.unit.first_line, item.unit.last_line);
            self.blocks.push(Block::ListItem {
                depth,
                text,
                markup,
                lines,
                task: item.task,
            });
        }
        Some(())
    }

    /// Emits and closes the open items deeper than `depth`.
    fn close_items(&mut self, depth: usize) -> Option<()> {
        while self.items.len() > depth {
            self.emit(self.items.len() - 1)?;
            self.items.pop();
        }
        Some(())
    }

    /// A list item line at `column` (its indentation).
    fn item(&mut self, column: usize, marker: Marker<'a>, number: usize) -> Option<()> {
        let content = trim(marker.content);
        let (task, content) = match task_box(marker.kind, content) {
            Some((checked, rest)) => (Some(checked), rest),
            None => (None, content),
        };
        // An empty item, or one that opens another block on its line.
        if content.is_empty()
            || content.starts_with(['#', '|', '>', '~', '=', '<'])
            || !matches!(list_marker(content), Opening::Text)
            || opens_unhandled_block(content)
            || is_rule(content)
            || is_delimiter_row(content)
        {
            return None;
        }
        let interrupts_text = self.after_text;
        self.end_paragraph()?;
        // Close the items this line is not inside of; the last one closed
        // at this level is the previous sibling, if any.
        let mut previous_kind = None;
        while let Some(open) = self.items.last() {
            if column >= open.content_column {
                break;
            }
            previous_kind = Some(open.kind);
            let depth = self.items.len() - 1;
            self.emit(depth)?;
            self.items.pop();
        }
        let parent_column = self.items.last().map_or(0, |parent| parent.content_column);
        if column - parent_column >= 4 {
            return None;
        }
        let sibling = previous_kind == Some(marker.kind);
        if !sibling {
            // A new list: its parent's text is complete, and an ordered list
            // interrupts text only from 1.
            if let Some(depth) = self.items.len().checked_sub(1) {
                self.emit(depth)?;
            }
            if interrupts_text && marker.number.is_some_and(|start| start != 1) {
                return None;
            }
        }
        self.items.push(Item {
            kind: marker.kind,
            content_column: column + marker.width,
            unit: Unit::new(content, number),
            emitted: false,
            task,
        });
        self.after_blank = false;
        self.after_text = true;
        Some(())
    }
}

/// Inline text with its `**` markers taken out.
struct Inline {
    text: String,
    /// Every character outside a bold span is whitespace.
    all_bold: bool,
}

/// How a character next to a `**` run counts for CommonMark's flanking rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Space,
    Punctuation,
    Other,
}

fn side(c: Option<char>) -> Option<Side> {
    match c {
        None | Some(' ' | '\t') => Some(Side::Space),
        Some(c) if c.is_ascii_punctuation() => Some(Side::Punctuation),
        Some(c) if c.is_ascii_alphanumeric() => Some(Side::Other),
        // Hangul syllables and jamo, CJK ideographs: letters.
        Some('\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3131}'..='\u{318E}')
        | Some('\u{4E00}'..='\u{9FFF}') => Some(Side::Other),
        // Blocks of symbols every character of which pulldown-cmark counts
        // as punctuation (CommonMark's Unicode P and S categories): arrows,
        // miscellaneous symbols, and the emoji of `**🏗️ MSA**`.
        Some(
            '\u{2190}'..='\u{21FF}'
            | '\u{2600}'..='\u{26FF}'
            | '\u{1F300}'..='\u{1F64F}'
            | '\u{1F900}'..='\u{1F9FF}',
        ) => Some(Side::Punctuation),
        // Anything else (Unicode spaces, symbols, punctuation) is left to pulldown-cmark.
        Some(_) => None,
    }
}

/// Reads `text` (one paragraph, item, heading or cell, lines joined by
/// spaces) whose only inline markup may be `**bold**` pairs and at most one
/// run of `~`. `None` for anything else.
fn inline(text: &str) -> Option<Inline> {
    let mut out = String::with_capacity(text.len());
    let all_bold = inline_into(text, &mut out)?;
    Some(Inline {
        text: out,
        all_bold,
    })
}

/// A table cell's text appended to `out`: [`inline_into`], and also plain
/// brackets, which are text (`[환자]`, `[관리자][통합]`: the body defines no
/// link references), and inline links with plain text and destination
/// (`[바로가기](./2025-01-01-monthly)`), which are their text. `None` for
/// anything else with a bracket: an image, nested brackets, a link with
/// emphasis, spaces or an empty part, or a destination in `<>`, with a
/// title or parentheses.
fn cell_into(cell: &str, out: &mut String) -> Option<()> {
    let bytes = cell.as_bytes();
    if find_byte(b'[', bytes).is_none() {
        return inline_into(cell, out).map(|_| ());
    }
    if find_either(b'*', b'~', bytes).is_some() {
        return None;
    }
    let mut rest = cell;
    while let Some(open) = rest.find('[') {
        if rest[..open].ends_with('!') {
            return None;
        }
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(['[', ']']) else {
            // No closing bracket: the rest is text.
            out.push('[');
            rest = after;
            break;
        };
        if after.as_bytes()[close] == b'[' {
            return None;
        }
        let label = &after[..close];
        let Some(destination) = after[close + 1..].strip_prefix('(') else {
            out.push('[');
            out.push_str(label);
            out.push(']');
            rest = &after[close + 1..];
            continue;
        };
        let end = destination.find(')')?;
        let plain = |part: &str| !part.is_empty() && !part.starts_with(' ') && !part.ends_with(' ');
        let plain_destination = !destination[..end]
            .bytes()
            .any(|byte| byte.is_ascii_whitespace() || b"()<>[]\"'".contains(&byte));
        if !plain(label) || !plain(&destination[..end]) || !plain_destination {
            return None;
        }
        out.push_str(label);
        rest = &destination[end + 1..];
    }
    out.push_str(rest);
    Some(())
}

/// [`inline`] appended to `out`; returns whether every character outside a
/// bold span is whitespace. On `None`, `out` may hold part of the text.
/// `text` holds no `[` (the caller leaves one to pulldown-cmark, or to
/// [`cell_into`] in a table cell); a `]` with no `[` before it is text.
fn inline_into(text: &str, out: &mut String) -> Option<bool> {
    let bytes = text.as_bytes();
    if find_either(b'*', b'~', bytes).is_none() {
        out.push_str(text);
        return Some(text.trim_start().is_empty());
    }
    // One run of `~` cannot pair with anything; two might strike through.
    if let Some(first) = find_byte(b'~', bytes) {
        let run_end = first
            + bytes[first..]
                .iter()
                .take_while(|&&byte| byte == b'~')
                .count();
        if find_byte(b'~', &bytes[run_end..]).is_some() {
            return None;
        }
    }
    let mut all_bold = true;
    let mut open = false;
    let mut from = 0;
    let mut index = 0;
    while let Some(found) = find_byte(b'*', &bytes[index..]) {
        index += found;
        let run_end = index
            + bytes[index..]
                .iter()
                .take_while(|&&byte| byte == b'*')
                .count();
        if run_end - index != 2 {
            return None;
        }
        let before = side(text[..index].chars().next_back())?;
        let after = side(text[run_end..].chars().next())?;
        // CommonMark's delimiter-run flanking.
        let left_flanking =
            after != Side::Space && (after != Side::Punctuation || before != Side::Other);
        let right_flanking =
            before != Side::Space && (before != Side::Punctuation || after != Side::Other);
        let segment = &text[from..index];
        out.push_str(segment);
        if open && right_flanking {
            open = false;
        } else if !open && left_flanking {
            if !segment.trim_start().is_empty() {
                all_bold = false;
            }
            open = true;
        } else {
            // A run that neither opens nor closes here, or a nested one.
            return None;
        }
        from = run_end;
        index = run_end;
    }
    if open {
        return None;
    }
    let tail = &text[from..];
    if !tail.trim_start().is_empty() {
        all_bold = false;
    }
    out.push_str(tail);
    Some(all_bold)
}

/// The benchmark's corpus generator, for the test that it is all scanned.
#[cfg(test)]
#[path = "../../benches/synthetic/mod.rs"]
#[allow(dead_code)]
mod synthetic;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::pulldown_blocks;
    use super::*;

    use super::synthetic;

    /// Every body is scanned, to exactly pulldown-cmark's blocks.
    fn assert_scanned(bodies: &[&str]) {
        for body in bodies {
            assert!(agrees(body), "left to pulldown-cmark: {body:?}");
        }
    }

    /// Every body is left to pulldown-cmark.
    fn assert_refused(bodies: &[&str]) {
        for body in bodies {
            assert!(
                !agrees(body),
                "scanned, should be left to pulldown-cmark: {body:?}"
            );
        }
    }

    /// The scanner either gives up or gives exactly pulldown-cmark's blocks.
    fn agrees(body: &str) -> bool {
        match scan_blocks(body, 4) {
            Some(fast) => {
                assert_eq!(fast, pulldown_blocks(body, 4), "{body:?}");
                true
            }
            None => false,
        }
    }

    proptest! {
        #[test]
        fn pipes_split_as_str_split_does(text in "[|a 가\\\\-]{0,12}") {
            let ours: Vec<&str> = split_on_pipes(&text).collect();
            let std: Vec<&str> = text.split('|').collect();
            prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn the_synthetic_retrospectives_are_scanned() {
        let mut sequence = synthetic::Sequence::new(7);
        for index in 0..200 {
            let text = synthetic::retrospective(index, &mut sequence);
            let (_, offset) = super::super::split_front_matter(&text, "", &mut Vec::new());
            let body = &text[offset..];
            assert!(agrees(body), "left to pulldown-cmark: {body}");
        }
    }

    #[test]
    fn the_fixtures_agree_with_pulldown() {
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures"
        ))];
        let (mut scanned, mut total) = (0, 0);
        while let Some(folder) = stack.pop() {
            for entry in std::fs::read_dir(&folder).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|extension| extension == "md") {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    let (_, offset) = super::super::split_front_matter(&text, "", &mut Vec::new());
                    total += 1;
                    scanned += usize::from(agrees(&text[offset..]));
                }
            }
        }
        eprintln!("{scanned} of {total} fixture files scanned");
        assert!(total > 20 && scanned > 0, "{scanned} of {total} scanned");
    }

    #[test]
    fn plain_shapes_are_scanned_and_agree() {
        let accepted = [
            "## 개요\n\n3월에는 **35개의 커밋**과 **12개의 이슈**를 처리했습니다.\n",
            "**MPT-8704: 태블릿 이슈**\n- 원인\n",
            "- 쇼퍼 정산\n\t- 결과\n\t\t- 10시간에서 2시간으로 단축\n",
            "- 목록 항목\n  이어지는 줄\n- 다음\n게으른 줄\n",
            "1. **작게 나누기**: 배포 단위\n2. 모니터링은 2022.04.18부터\n",
            "문단 첫 줄\n- 끼어든 목록\n\n  - 두 칸 자식\n",
            "| 주 | 커밋 (BE+FE) |\n|:--:|---|\n| 1주차 | 35 (31+4) |\n| | |\n\n끝\n",
            "- 가\n  1. 자식\n  2. 둘째\n- 나\n",
            "- 가\n* 새 목록\n+ 또 새 목록\n",
            "**성과**: 오류율 1~4% 감소\n",
            "#### 결제 (3월)\n배경 문장\n이어짐\n# 다음\n",
            "-  두 공백\n   자식 아님\n",
            "x**y**z 와 **굵게**다\n",
        ];
        assert_scanned(&accepted);
        let refused = [
            "문단\n---\n",
            "문단\n--\n",
            "> 인용\n",
            "```\ncode\n```\n",
            "[링크](x)\n",
            "**\"인용\"**이다\n",
            "*기울임*\n",
            "2~3% 와 4~5%\n",
            "#\n",
            "## 제목 ##\n",
            "문단\n2. 이어짐\n",
            "- 가\n\n  둘째 문단\n",
            "    코드\n",
            "-\n",
            "a | b\n--|--\n",
            "** 공백**\n",
        ];
        assert_refused(&refused);
    }

    /// Lines the scanner reads, alone at least.
    const PLAIN: &[&str] = &[
        "",
        "",
        "",
        "",
        "",
        "  ",
        "\t",
        "## 개요",
        "#### 결제 서비스 (3월)",
        "# **한패스**",
        "#태그",
        "####### 일곱",
        "### **굵은** 제목",
        "3월에는 **35개의 커밋**과 **12개의 이슈**를 처리했습니다.",
        "**성과**: 오류율 1~4% 감소",
        "**MPT-8704: 태블릿 이슈**",
        "**굵게**다",
        "  들여쓴 줄",
        "\t탭 줄",
        "1.8초 → 240ms",
        "2025.12.01 ~ 2025.12.12",
        "+5% 증가",
        "-30% 감소",
        "#12 이슈",
        "x**y**z",
        "**값**.",
        "한 줄  ",
        "**a**b**c**",
        "텍스트 --",
        "- 항목",
        "* 항목",
        "+ 항목",
        "1. 첫째",
        "2. 둘째",
        "3) 셋째",
        "\t- 탭 자식",
        "\t\t- 탭 손자",
        "\t\t\t- 탭 증손",
        "  - 두 칸 자식",
        "    - 네 칸",
        "   - 세 칸",
        " - 한 칸",
        "-  두 공백",
        "- **원인**: 캐시",
        "10. 열째",
        "  1. 자식 번호",
        "  2. 자식 둘",
        "\t1. 탭 번호",
        "- **성과**: 1~2% 감소",
        "      - 여섯 칸",
        "| 월 | 커밋 (BE+FE) | 이슈 |",
        "|:--:|:--:|:--:|",
        "| 2월 | 35 (31+4) | 8 |",
        "| 3월 | **12** | 2 |",
        "| | | |",
    ];

    /// Lines that are left to pulldown-cmark, alone or beside others.
    const TRICKY: &[&str] = &[
        "##",
        "## 제목 ##",
        "  ## 들여쓴 제목",
        "a ** b",
        "** 공백**",
        "**(BE+FE)**로 나눔",
        "인스턴스 수*30개",
        "*기울임*",
        "2~3% 와 4~5%",
        "~~취소~~",
        "    코드처럼",
        "**\"인용\"**이다",
        "**3.5배**↑",
        "\u{a0}",
        "\u{a0}공백",
        "| 섞인 | 줄",
        "**",
        "****",
        "***굵고 기울임***",
        "-     다섯 공백",
        "- ",
        "-",
        "-\t탭",
        "- - 중첩",
        "- [ ] 할 일",
        "- [x] 한 일",
        "- [ ]  두 칸",
        "* [ ] 별표",
        "- 1. 번호",
        "- # 제목",
        " \t- 섞인 들여쓰기",
        "- | 표 같은",
        "- --",
        "|---|---|",
        "| a | b |",
        "a | b",
        "--|--",
        "| 한 칸 |",
        "| 끝 없는",
        "---",
        "***",
        "* * *",
        "===",
        "--",
        "> 인용",
        "```",
        "~~~",
        "<!-- 주석 -->",
        "[링크](x)",
        "a\\b",
        "`code`",
        "&amp;",
        "_밑줄_",
        "| [환자] 진료 | [바로가기](./2025-01-01) |",
        "| [관리자][통합] 개선 | 3 & 4 |",
        "| ![그림](x.png) | [빈]() |",
        "| [a [b](c)] | [a](b c) |",
        "| [**굵게**](x) | [a](<b>) |",
        "[정의]: /url",
        "Docs & Swagger",
        "**전북 은행**&**쿠콘**",
        "[바로가기](./x)",
        "- **🏗\u{fe0f} MSA**: 결제 서비스 MSA 분리",
        "**🔒 보안**과 **→ 화살표**",
        "**a🏗**b",
        "---",
        "----",
        "- - -",
        "***",
        "  ---",
        "...",
    ];

    fn document() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            12 => prop::sample::select(PLAIN),
            1 => prop::sample::select(TRICKY),
        ];
        prop::collection::vec(line, 0..24).prop_map(|lines| {
            let mut text = lines.join("\n");
            text.push('\n');
            text
        })
    }

    /// A table whose two body cells are bracket-shaped noise.
    fn bracket_table() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "[",
            "]",
            "(",
            ")",
            "!",
            "a",
            "가",
            " ",
            "  ",
            "[a](b)",
            "[환자]",
            "&",
            "*",
            "**",
            "~",
            "x.y",
            "<",
            "\"",
            "'",
            "#",
            ":",
            "]:",
            "[]",
            "()",
            "./2025-01",
        ];
        let cell = prop::collection::vec(prop::sample::select(PIECES), 0..8)
            .prop_map(|pieces| pieces.concat());
        (cell.clone(), cell).prop_map(|(first, second)| {
            format!("| 월 | 링크 |\n|---|---|\n| {first} | {second} |\n")
        })
    }

    /// Brackets, `&`, task boxes, symbols next to `**` and rules, in the
    /// shapes the bundled retrospectives use them: scanned, and read as
    /// pulldown-cmark reads them; the shapes around them that are not left
    /// to it.
    #[test]
    fn real_document_shapes_are_scanned_as_pulldown_reads_them() {
        let accepted = [
            "| 월 | 링크 |\n|---|---|\n| 1월 | [바로가기](./2025-01-01-2025-01-31-monthly) |\n",
            "| 이슈 | 상태 |\n|---|---|\n| [환자] QR & 태블릿 | 진행 중 |\n",
            "| 이슈 | 상태 |\n|---|---|\n| [관리자][통합] Phase 1: 개선 | [a] (b) |\n",
            "| a | b |\n|---|---|\n| 닫히지 않은 [괄호 | 짝 없는 ] 괄호 |\n",
            "## Spring Rest Docs & Swagger UI (8월)\n\n- **전북 은행**&**쿠콘**과 협력\n",
            "- [ ] 무료 홈페이지 서비스 기한 조정 기능\n- [x] **상품** 관리\n  - [ ] 하위 할 일\n",
            "## 요약\n\n- **🏗\u{fe0f} MSA**: 결제 서비스 MSA 분리 완료\n\n---\n\n## 다음\n",
            "짝 없는 ] 괄호의 문단\n",
            "---\n## 중간\n중간 문단 40건\n\n---\n\n뒤\n",
        ];
        assert_scanned(&accepted);
        let refused = [
            "| a | b |\n|---|---|\n| ![그림](x.png) | c |\n",
            "| a | b |\n|---|---|\n| [a [b](c)] | c |\n",
            "| a | b |\n|---|---|\n| [**굵게**](x) | c |\n",
            "| a | b |\n|---|---|\n| [a](<b>) | [a](b \"t\") |\n",
            "| a | b |\n|---|---|\n| [a][b] | c |\n\n[b]: /url\n",
            "[링크](x) 문단\n",
            "* [ ] 할 일\n",
            "- [X] 할 일\n",
            "- [ ]\n",
            "a &amp; b\n",
            "문단\n---\n",
        ];
        assert_refused(&refused);
    }

    /// Markdown-shaped noise: the characters the scanner decides on, in any order.
    fn noise() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "-", "*", "+", " ", " ", "  ", "\t", "\n", "\n", "\n", "#", "|", ":", "1", "2", ".",
            ")", "가", "나", "a", "~", "=", "**", "\u{a0}", "(", "\"", "%", "10", "→", "：", "[ ]",
            ">", "`", "[", "]", "](", "!", "&", "&a", "]:", "[a](b)", "|", "🏗", "\u{fe0f}", "☀",
            "---", "\n---\n", "...", "- [ ] ", "[x] ",
        ];
        prop::collection::vec(prop::sample::select(PIECES), 0..60)
            .prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 10000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn scanned_documents_agree_with_pulldown(body in document()) {
            agrees(&body);
        }

        #[test]
        fn scanned_noise_agrees_with_pulldown(body in noise()) {
            agrees(&body);
        }

        #[test]
        fn bracketed_cells_agree_with_pulldown(body in bracket_table()) {
            agrees(&body);
        }

        #[test]
        fn trimming_agrees_with_the_standard_library(text in noise()) {
            prop_assert_eq!(trim(&text), text.trim());
        }
    }
}
