//! Reads a draft (any Markdown: a model's output, a hand-written 경력기술서,
//! a single bullet) into claim sites: every quantity with its exact place in
//! the file (1-based line, column in characters), the words around it, and the
//! headings and parent bullet it sits under.
//!
//! The Markdown is parsed with the same reader as the sources
//! ([`crate::ingest::parse_document`]), so code blocks, HTML comments, image
//! and link targets are ignored the same way; each quantity found in a block's
//! text is then located in the raw lines so that its column is exact.

use std::collections::HashMap;
use std::sync::Arc;

use crate::facts::role_of_label;
use crate::ingest::{company_headings, parse_document, Block};
use crate::quantity::{extract_quantities, Quantity, Transition, TransitionRole};

use super::features::{clean_label, years_in, Bag, NumberSpans, TokenizedText};
use super::Family;

/// Weight of the words of the nearest project heading above a claim.
const HEADING_WEIGHT: f32 = 0.2;
/// Weight of the words of the higher headings.
const OUTER_HEADING_WEIGHT: f32 = 0.1;
/// Weight of the words of the bullet a nested bullet belongs to.
const PARENT_WEIGHT: f32 = 0.4;
/// Weight of the other cells of a table row.
const ROW_WEIGHT: f32 = 0.15;

/// One number of the draft, ready to be matched.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub line: usize,
    pub column: usize,
    pub quantity: Quantity,
    /// Weighted words around the number (clause, label, headings, parent bullet).
    pub context: Bag,
    /// The sentence around the number, for operation cues (`평균`, `단축` …);
    /// shared by the numbers of one sentence.
    pub sentence: Arc<str>,
    /// The other end of a stated change (`600ms` of `600ms에서 33ms로`).
    pub partner: Option<Quantity>,
    /// The clause has no words of its own (a bare `- 600ms`): any fact
    /// stating the value supports it.
    pub bare: bool,
    /// A table cell: its context is its label, not the words around it.
    pub in_table: bool,
    /// For another number of a table row that holds one before/after pair
    /// (`| 배치 시간 | 2시간 30분 | 40분 | 73% 단축 |`), or of a sentence
    /// after a change (`1,200만 원 → 800만 원 (연 4,800만 원 절감)`): the
    /// pair's sites (their indices among the draft's sites) and quantities.
    pub row_pair: Option<[(usize, Quantity); 2]>,
    /// For a number of a sentence that states no change, the sentence's other
    /// numbers that are no change either, with their sites (see `quoted_numbers`).
    pub quoted: Vec<(usize, Quantity)>,
    /// Years named in the sentence, the parent bullet or the headings above:
    /// facts from other years are less likely to be about the same thing.
    pub years: Vec<i32>,
    /// Up to three words just before the number, in its own clause and after
    /// any earlier number, stemmed and lower-cased: `BE` of `BE 31`. They say
    /// which part of a split table cell (`35 (31+4)` under `커밋 (BE+FE)`) a
    /// number is about.
    pub lead: Vec<String>,
    /// Up to two words just after the number, by the same rules: `커밋` of
    /// `44개 커밋, 41개 이슈`. With `lead`, the words the number's own
    /// clause puts on it.
    pub trail: Vec<String>,
    /// The number is a level reached (`3분의 1로`, `1/3 수준`), not the
    /// size of a change (`3분의 1 감소`).
    pub level: bool,
    /// The number is named as the value reached (`33ms 이내로`, `3개로`).
    pub reached: bool,
    /// The number is named as where a change started (`0.6초까지 걸리던`).
    pub started: bool,
}

/// Whether the words right after a number (past a qualifier such as
/// `이하`, `가량`) make it a level reached: `로`, `으로`, `수준`, `까지`,
/// `이 되`/`가 되`.
fn is_level(after: &str) -> bool {
    if after.trim_start().starts_with("까지") {
        return true;
    }
    let after = crate::quantity::skip_after_qualifier(after).trim_start();
    [
        "로", "으로", "수준", "까지", "이 되", "가 되", "이되", "가되",
    ]
    .iter()
    .any(|word| after.starts_with(word))
}

/// A byte-range cursor over the raw lines, so that repeated numbers are found
/// in order.
struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    fn new(markdown: &'a str) -> Self {
        Locator {
            lines: markdown
                .split('\n')
                .map(|line| line.strip_suffix('\r').unwrap_or(line))
                .collect(),
        }
    }

    /// Finds `surface` at or after `cursor` (line index, byte offset) within
    /// lines `first..=last` (1-based); returns (line, column) and moves the cursor.
    fn locate(
        &self,
        surface: &str,
        first: usize,
        last: usize,
        cursor: &mut (usize, usize),
    ) -> (usize, usize) {
        let needles = [surface.to_string(), leading_number(surface)];
        for needle in needles.iter().filter(|needle| !needle.is_empty()) {
            let mut line_index = cursor.0.max(first.saturating_sub(1));
            let mut offset = if line_index == cursor.0 { cursor.1 } else { 0 };
            while line_index < last.min(self.lines.len()) {
                let line = self.lines[line_index];
                if let Some(found) = line
                    .get(offset..)
                    .and_then(|rest| rest.find(needle.as_str()))
                {
                    let byte = offset + found;
                    *cursor = (line_index, byte + needle.len());
                    let column = line[..byte].chars().count() + 1;
                    return (line_index + 1, column);
                }
                line_index += 1;
                offset = 0;
            }
        }
        (first.max(1), 1)
    }
}

/// The first run of digits in `surface` (`41` of `41만 건`).
fn leading_number(surface: &str) -> String {
    surface
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect()
}

/// The sentence of `text` that contains byte `offset`.
#[cfg(test)]
fn sentence_around(text: &str, offset: usize) -> String {
    let (start, end) = sentence_bounds(text, offset);
    text.get(start..end).unwrap_or(text).trim().to_string()
}

/// Where the sentence of `text` that contains byte `offset` starts and ends
/// (untrimmed): from just after the break before it to the break after it.
fn sentence_bounds(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let is_break = |index: usize| -> bool {
        let byte = bytes[index];
        match byte {
            b'!' | b'?' | b'\n' => true,
            b'.' => {
                let digit_before = index > 0 && bytes[index - 1].is_ascii_digit();
                let digit_after = bytes.get(index + 1).is_some_and(u8::is_ascii_digit);
                !(digit_before && digit_after)
            }
            _ => false,
        }
    };
    let mut start = offset.min(text.len());
    while start > 0 && !is_break(start - 1) {
        start -= 1;
    }
    let mut end = offset.min(text.len());
    while end < bytes.len() && !is_break(end) {
        end += 1;
    }
    (start, end)
}

/// The sentence of each quantity (at its start), and for each an id that
/// is the same exactly when the sentences read the same. Each distinct
/// sentence is read from the text once and shared: a line of thousands of
/// numbers was copied, and compared with itself, once per pair of them.
fn sentences_of(text: &str, quantities: &[Quantity]) -> (Vec<Arc<str>>, Vec<usize>) {
    let mut known: HashMap<&str, usize> = HashMap::new();
    let mut shared: Vec<Arc<str>> = Vec::new();
    let mut bounds: Option<(usize, usize)> = None;
    let mut ids = Vec::with_capacity(quantities.len());
    for quantity in quantities {
        // An offset inside the last sentence's bounds has the same breaks
        // around it: the same sentence, without a new scan.
        let (start, end) = match bounds {
            Some((start, end)) if (start..=end).contains(&quantity.start) => (start, end),
            _ => sentence_bounds(text, quantity.start),
        };
        bounds = Some((start, end));
        let sentence = text.get(start..end).unwrap_or(text).trim();
        let id = *known.entry(sentence).or_insert_with(|| {
            shared.push(Arc::from(sentence));
            shared.len() - 1
        });
        ids.push(id);
    }
    let sentences = ids.iter().map(|&id| Arc::clone(&shared[id])).collect();
    (sentences, ids)
}

/// Headers of a column that names what a row measures (`| 프로젝트 | 지표 |
/// Before | After |`), beside the row key in the first column.
const METRIC_HEADERS: &[&str] = &["지표", "항목", "측정", "구분", "metric"];

/// Quantities of one table row, each labelled `row words · column header`.
/// The row's words are its first cell and any cell without numbers under a
/// header such as `지표`, so a row that names its project and its metric in
/// two cells (`| 쇼퍼 정산 | 정산 준비 시간 | 10시간 |`) labels its numbers
/// with both; a cell of notes (`| 주요 작업 |`) stays out of the label.
fn row_quantities(header: &[String], cells: &[&str]) -> Vec<(Quantity, usize)> {
    let found: Vec<Vec<Quantity>> = cells
        .iter()
        .map(|cell| {
            extract_quantities(cell)
                .into_iter()
                .filter(|quantity| !is_bare_year(quantity))
                .collect()
        })
        .collect();
    let names_metric = |column: usize| {
        header.get(column).is_some_and(|name| {
            let name = name.to_lowercase();
            METRIC_HEADERS.iter().any(|word| name.contains(word))
        })
    };
    let row_words: Vec<&str> = cells
        .iter()
        .zip(&found)
        .enumerate()
        .filter(|(column, (cell, quantities))| {
            (*column == 0 || names_metric(*column))
                && quantities.is_empty()
                && cell.chars().any(super::features::is_word_char)
        })
        .map(|(_, (cell, _))| *cell)
        .collect();
    let row_key = row_words.join(" ");
    let mut labelled = Vec::new();
    for (column, quantities) in found.into_iter().enumerate() {
        let column_name = header.get(column).map(String::as_str).unwrap_or("");
        for mut quantity in quantities {
            let label = if column == 0 || row_key.is_empty() {
                column_name.to_string()
            } else {
                format!("{row_key} · {column_name}")
            };
            quantity.label = Some(label.into());
            labelled.push((quantity, column));
        }
    }
    labelled
}

/// A table cell as the context of one of its numbers: the parenthesised
/// groups that hold other numbers and not this one are blanked (`69 (BE 45)`:
/// `BE` names 45, not 69). Byte offsets are kept.
fn outside_breakdowns(cell: &str, quantity: &Quantity) -> String {
    let mut bytes = cell.as_bytes().to_vec();
    let mut open: Option<usize> = None;
    for (index, character) in cell.char_indices() {
        match character {
            '(' | '（' if open.is_none() => open = Some(index),
            ')' | '）' => {
                let Some(start) = open.take() else {
                    continue;
                };
                let end = index + character.len_utf8();
                let holds_this = start <= quantity.start && quantity.end <= end;
                let holds_digit = cell[start..end].bytes().any(|byte| byte.is_ascii_digit());
                if holds_digit && !holds_this {
                    bytes[start..end].fill(b' ');
                }
            }
            _ => {}
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| cell.to_string())
}

/// The partner of each quantity of a table row: two values of one kind in
/// a row (`개선 전 | 개선 후`, beside a `73% 단축` cell) are a before/after
/// pair, as `600ms → 33ms` would be. Sets their transitions.
fn pair_row(
    header: &[String],
    cells: &[&str],
    quantities: &mut [(Quantity, usize)],
) -> Vec<Option<Quantity>> {
    let mut partners = vec![None; quantities.len()];
    if quantities
        .iter()
        .any(|(quantity, _)| quantity.transition.is_some())
    {
        return partners;
    }
    // Two columns of two metrics (`커밋 | 이슈`) are no change: a pair needs
    // before/after columns (`Before`, `개선 전`, `2024`) or a cell that
    // states the change (`73% 단축`).
    let before_after = |column: usize| {
        header.get(column).is_some_and(|name| {
            let name = name.trim().to_lowercase();
            let year = name.len() == 4
                && name.bytes().all(|byte| byte.is_ascii_digit())
                && crate::quantity::BARE_YEARS.contains(&name.parse::<u64>().unwrap_or(0));
            year || name.ends_with('전')
                || name.ends_with('후')
                || [
                    "before", "after", "기존", "이전", "이후", "as-is", "to-be", "asis", "tobe",
                ]
                .iter()
                .any(|word| name.contains(word))
        })
    };
    let states_change = |except: [usize; 2]| {
        cells.iter().enumerate().any(|(column, cell)| {
            !except.contains(&column)
                && (cell.contains(['%', '↓', '↑', '→'])
                    || [
                        "배", "감소", "증가", "단축", "개선", "절감", "향상", "줄", "늘",
                    ]
                    .iter()
                    .any(|word| cell.contains(word)))
        })
    };
    for first in 0..quantities.len() {
        let family = Family::of(&quantities[first].0);
        let members: Vec<usize> = (0..quantities.len())
            .filter(|&index| Family::of(&quantities[index].0) == family)
            .collect();
        let [from, to] = members[..] else {
            continue;
        };
        // Two numbers of one cell (`69 (BE 45)`) are a whole and its part.
        if from != first || quantities[from].1 == quantities[to].1 {
            continue;
        }
        let columns = [quantities[from].1, quantities[to].1];
        if !before_after(columns[0]) && !before_after(columns[1]) && !states_change(columns) {
            continue;
        }
        quantities[from].0.transition = Some(Transition::new(TransitionRole::From, to));
        quantities[to].0.transition = Some(Transition::new(TransitionRole::To, from));
        partners[from] = Some(quantities[to].0.clone());
        partners[to] = Some(quantities[from].0.clone());
    }
    partners
}

/// The span of a quantity and, when it is one end of a stated change, the
/// span of the other end: both describe the same thing.
pub(crate) fn anchors(spans: &[(usize, usize)], quantity: &Quantity) -> Vec<(usize, usize)> {
    let mut anchors = vec![(quantity.start, quantity.end)];
    if let Some(partner) = quantity
        .transition
        .and_then(|transition| spans.get(transition.partner()))
    {
        anchors.push(*partner);
    }
    anchors
}

/// A bare four-digit number between 1990 and 2100 (`## 2025 성과`) is a
/// year, not a claim.
fn is_bare_year(quantity: &Quantity) -> bool {
    quantity.unit().is_empty()
        && quantity.max.is_none()
        && quantity.surface.len() == 4
        && quantity.surface.bytes().all(|byte| byte.is_ascii_digit())
        && crate::quantity::BARE_YEARS.contains(&(quantity.value as u64))
}

/// Every quantity of `markdown`, in order, with its context.
pub(crate) fn sites(markdown: &str) -> Vec<Site> {
    let (document, _) = parse_document(markdown, "draft".to_string(), "draft".to_string());
    let company_indices: Vec<usize> = company_headings(&document.blocks).collect();
    let locator = Locator::new(markdown);
    let mut headings: Vec<(u8, String)> = Vec::new();
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut sites = Vec::new();

    for (index, block) in document.blocks.iter().enumerate() {
        let mut headings_bag = Bag::default();
        let heading_years: Vec<i32> = headings
            .iter()
            .flat_map(|(_, text)| years_in(text))
            .collect();
        let project_headings: Vec<&String> = headings
            .iter()
            .filter(|(_, text)| role_of_label(text).is_none())
            .map(|(_, text)| text)
            .collect();
        if let Some((nearest, outer)) = project_headings.split_last() {
            headings_bag.add_text(nearest, HEADING_WEIGHT);
            for heading in outer {
                headings_bag.add_text(heading, OUTER_HEADING_WEIGHT);
            }
        }

        match block {
            Block::Heading { level, text, line } => {
                if company_indices.contains(&index) {
                    headings.clear();
                    parents.clear();
                    continue;
                }
                while headings.last().is_some_and(|(outer, _)| outer >= level) {
                    headings.pop();
                }
                headings.push((*level, text.clone()));
                parents.clear();
                add_text_sites(
                    text,
                    (*line, *line),
                    &headings_bag,
                    &heading_years,
                    None,
                    &locator,
                    &mut sites,
                );
            }
            Block::Paragraph { text, lines, .. } => {
                parents.clear();
                if role_of_label(text).is_some() {
                    continue;
                }
                add_text_sites(
                    text,
                    *lines,
                    &headings_bag,
                    &heading_years,
                    None,
                    &locator,
                    &mut sites,
                );
            }
            Block::ListItem {
                depth, text, lines, ..
            } => {
                parents.retain(|(parent_depth, _)| parent_depth < depth);
                let parent = parents.last().map(|(_, text)| text.clone());
                parents.push((*depth, text.clone()));
                if role_of_label(text).is_some() {
                    continue;
                }
                add_text_sites(
                    text,
                    *lines,
                    &headings_bag,
                    &heading_years,
                    parent.as_deref(),
                    &locator,
                    &mut sites,
                );
            }
            Block::TableRow {
                header,
                cells,
                line,
            } => {
                let cells: Vec<&str> = cells.cells().map(|(_, cell)| cell).collect();
                let cells = &cells[..];
                let mut cursor = (line.saturating_sub(1), 0);
                let mut quantities = row_quantities(header, cells);
                let partners = pair_row(header, cells, &mut quantities);
                // With one before/after pair in the row, its other numbers
                // (`73% 단축`) are about that change.
                let first_site = sites.len();
                let paired: Vec<usize> = (0..partners.len())
                    .filter(|&index| partners[index].is_some())
                    .collect();
                let row_pair = match paired[..] {
                    [from, to] => Some([
                        (first_site + from, quantities[from].0.clone()),
                        (first_site + to, quantities[to].0.clone()),
                    ]),
                    _ => None,
                };
                for ((quantity, cell_column), partner) in quantities.into_iter().zip(partners) {
                    let cell = cells.get(cell_column).copied().unwrap_or("");
                    let row_pair = if partner.is_none() {
                        row_pair.clone()
                    } else {
                        None
                    };
                    let (line, column) =
                        locator.locate(&quantity.surface, *line, *line, &mut cursor);
                    let mut context = headings_bag.clone();
                    if let Some(label) = &quantity.label {
                        context.add_text(&clean_label(label), 1.0);
                    }
                    let cell_tokens = TokenizedText::new(&outside_breakdowns(cell, &quantity));
                    let span = [(quantity.start, quantity.end)];
                    cell_tokens.context(&span, &NumberSpans::new(&span), 1.0, &mut context);
                    // The other cells: the words of the number's own cell
                    // (`BE` of `69 (BE 45)`) are weighed by their distance above.
                    for (other_column, other) in cells.iter().enumerate() {
                        if other_column != cell_column {
                            context.add_text(other, ROW_WEIGHT);
                        }
                    }
                    let sentence: Arc<str> =
                        format!("{} {}", quantity.label.clone().unwrap_or_default(), cell).into();
                    let years = merge_years(&heading_years, &years_in(&sentence));
                    sites.push(Site {
                        line,
                        column,
                        sentence,
                        years,
                        quantity,
                        context,
                        partner,
                        level: false,
                        reached: false,
                        started: false,
                        bare: false,
                        in_table: true,
                        row_pair,
                        quoted: Vec::new(),
                        lead: Vec::new(),
                        trail: Vec::new(),
                    });
                }
            }
        }
    }
    sites
}

fn merge_years(first: &[i32], second: &[i32]) -> Vec<i32> {
    let mut years = first.to_vec();
    for year in second {
        if !years.contains(year) {
            years.push(*year);
        }
    }
    years
}

#[allow(clippy::too_many_arguments)]
fn add_text_sites(
    text: &str,
    lines: (usize, usize),
    headings_bag: &Bag,
    heading_years: &[i32],
    parent: Option<&str>,
    locator: &Locator<'_>,
    sites: &mut Vec<Site>,
) {
    let quantities = extract_quantities(text);
    if quantities.iter().all(is_bare_year) {
        return;
    }
    let tokenized = TokenizedText::of_draft(text);
    let masked: Vec<(usize, usize)> = quantities.iter().map(|q| (q.start, q.end)).collect();
    let numbers = NumberSpans::new(&masked);
    let quantities_spans = masked.clone();
    let all_quantities = quantities.clone();
    let mut cursor = (lines.0.saturating_sub(1), 0);
    let (sentences, sentence_ids) = sentences_of(text, &all_quantities);
    // The site each quantity will have (bare years have none), for the
    // numbers of a sentence to know each other.
    let mut next_site = sites.len();
    let site_of: Vec<Option<usize>> = all_quantities
        .iter()
        .map(|quantity| {
            (!is_bare_year(quantity)).then(|| {
                next_site += 1;
                next_site - 1
            })
        })
        .collect();
    for (position, quantity) in quantities.into_iter().enumerate() {
        let (line, column) = locator.locate(&quantity.surface, lines.0, lines.1, &mut cursor);
        if is_bare_year(&quantity) {
            continue;
        }
        let mut context = Bag::default();
        tokenized.context(
            &anchors(&quantities_spans, &quantity),
            &numbers,
            1.0,
            &mut context,
        );
        let bare = context.is_empty();
        context.merge(headings_bag);
        if let Some(parent) = parent {
            context.add_text(parent, PARENT_WEIGHT);
        }
        let partner = quantity
            .transition
            .and_then(|transition| all_quantities.get(transition.partner()))
            .cloned();
        let sentence = Arc::clone(&sentences[position]);
        let level = is_level(text.get(quantity.end..).unwrap_or(""));
        let reached = crate::quantity::names_value_reached(text.get(quantity.end..).unwrap_or(""));
        let started = crate::quantity::names_value_started(text.get(quantity.end..).unwrap_or(""));
        let lead = tokenized.lead_words(text, &masked, (quantity.start, quantity.end));
        let trail = tokenized.trail_words(text, &masked, (quantity.start, quantity.end));
        let mut years = merge_years(heading_years, &years_in(&sentence));
        if let Some(parent) = parent {
            years = merge_years(&years, &years_in(parent));
        }
        let row_pair = followed_pair(&all_quantities, &sentence_ids, position, &site_of);
        let quoted = if row_pair.is_none() && quantity.transition.is_none() {
            quoted_numbers(&all_quantities, &sentence_ids, position, &site_of)
        } else {
            Vec::new()
        };
        sites.push(Site {
            line,
            column,
            quantity,
            context,
            sentence,
            years,
            lead,
            trail,
            level,
            reached,
            started,
            partner,
            bare,
            in_table: false,
            row_pair,
            quoted,
        });
    }
}

/// At most this many of a sentence's other numbers are quoted with each
/// of its numbers: the nearest. A sentence of a résumé holds a few; a
/// pasted table or log on one line holds thousands, and quoting every one
/// with every other took time and memory growing with their square.
const QUOTED_NUMBERS: usize = 16;

/// The other numbers of a number's sentence that are no change of their
/// own (`전년 463개` of `2025년 커밋은 전년 463개 대비 약 10% 늘었고`), with
/// their sites: a source that states one of them as an end of a change
/// may hold what the number derives from. The nearest [`QUOTED_NUMBERS`]
/// of them, in order.
fn quoted_numbers(
    quantities: &[Quantity],
    sentence_ids: &[usize],
    position: usize,
    site_of: &[Option<usize>],
) -> Vec<(usize, Quantity)> {
    let Some(own) = sentence_ids.get(position) else {
        return Vec::new();
    };
    let mut others: Vec<usize> = quantities
        .iter()
        .enumerate()
        .filter(|&(other, found)| {
            other != position && found.transition.is_none() && sentence_ids.get(other) == Some(own)
        })
        .map(|(other, _)| other)
        .collect();
    if others.len() > QUOTED_NUMBERS {
        others.sort_by_key(|&other| (other.abs_diff(position), other));
        others.truncate(QUOTED_NUMBERS);
        others.sort_unstable();
    }
    others
        .into_iter()
        .filter_map(|other| Some(((*site_of.get(other)?)?, quantities.get(other)?.clone())))
        .collect()
}

/// For a number that is no end of a change itself, the change it follows
/// in its sentence (`1,200만 원 → 800만 원 (… 연 4,800만 원 절감)`): the sites
/// and quantities of the nearest pair before it, as for a table row.
fn followed_pair(
    quantities: &[Quantity],
    sentence_ids: &[usize],
    position: usize,
    site_of: &[Option<usize>],
) -> Option<[(usize, Quantity); 2]> {
    let quantity = quantities.get(position)?;
    if quantity.transition.is_some() {
        return None;
    }
    let own = sentence_ids.get(position)?;
    (0..position).rev().find_map(|to| {
        let end = &quantities[to];
        let transition = end.transition?;
        if transition.role != TransitionRole::To || transition.partner() >= to {
            return None;
        }
        // The pair must lie in the number's own sentence.
        if sentence_ids.get(to) != Some(own) {
            return None;
        }
        let from = &quantities[transition.partner()];
        Some([
            ((*site_of.get(transition.partner())?)?, from.clone()),
            ((*site_of.get(to)?)?, end.clone()),
        ])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_sentence_quotes_only_the_nearest_numbers() {
        let text: String = (1..=40).map(|n| format!("{n}개 ")).collect();
        let quantities = extract_quantities(&text);
        assert_eq!(quantities.len(), 40);
        let (sentences, ids) = sentences_of(&text, &quantities);
        // One sentence, read once and shared by its numbers.
        assert!(ids.iter().all(|&id| id == ids[0]));
        assert!(sentences
            .iter()
            .all(|sentence| Arc::ptr_eq(sentence, &sentences[0])));
        let site_of: Vec<Option<usize>> = (0..quantities.len()).map(Some).collect();
        let quoted: Vec<usize> = quoted_numbers(&quantities, &ids, 20, &site_of)
            .iter()
            .map(|(site, _)| *site)
            .collect();
        let nearest: Vec<usize> = (12..=28).filter(|&site| site != 20).collect();
        assert_eq!(quoted, nearest);
        // A sentence of a few numbers quotes them all.
        let text = "작년 463개에서 올해 508개, 전년 대비 10% 늘었고 2개 팀이 참여";
        let quantities = extract_quantities(text);
        let (_, ids) = sentences_of(text, &quantities);
        let site_of: Vec<Option<usize>> = (0..quantities.len()).map(Some).collect();
        let quoted = quoted_numbers(&quantities, &ids, 2, &site_of);
        let others: Vec<usize> = (0..quantities.len())
            .filter(|&other| other != 2 && quantities[other].transition.is_none())
            .collect();
        assert_eq!(
            quoted.iter().map(|(site, _)| *site).collect::<Vec<_>>(),
            others
        );
    }

    #[test]
    fn sentences_that_read_the_same_share_an_id() {
        let text = "3개 처리. 5개 처리. 3개 처리.";
        let quantities = extract_quantities(text);
        let (sentences, ids) = sentences_of(text, &quantities);
        assert_eq!(&*sentences[0], "3개 처리");
        assert_eq!(&*sentences[1], "5개 처리");
        assert_eq!(ids[0], ids[2]);
        assert_ne!(ids[0], ids[1]);
    }

    fn cells(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn a_row_is_labelled_by_its_key_and_a_metric_cell_not_by_notes() {
        let header = cells(&["프로젝트", "지표", "Before", "After", "변화"]);
        let row = ["쇼퍼 정산", "준비 시간", "10시간", "2시간", "80%↓"];
        let labels: Vec<String> = row_quantities(&header, &row)
            .into_iter()
            .filter_map(|(quantity, _)| quantity.label.map(String::from))
            .collect();
        assert_eq!(labels[0], "쇼퍼 정산 준비 시간 · Before");
        assert_eq!(labels[2], "쇼퍼 정산 준비 시간 · 변화");

        let header = cells(&["시기", "작업", "월 커밋"]);
        let row = ["9월", "API 성능 최적화", "69 (BE 45)"];
        let labels: Vec<String> = row_quantities(&header, &row)
            .into_iter()
            .filter_map(|(quantity, _)| quantity.label.map(String::from))
            .collect();
        assert_eq!(labels, ["9월 · 월 커밋", "9월 · 월 커밋"]);
    }

    #[test]
    fn two_values_of_one_kind_in_two_cells_are_a_change() {
        let header = cells(&["항목", "Before", "After", "개선"]);
        let row = ["배치 시간", "2시간 30분", "40분", "약 73% 단축"];
        let mut quantities = row_quantities(&header, &row);
        let partners = pair_row(&header, &row, &mut quantities);
        assert_eq!(
            partners[0].as_ref().map(|q| q.surface.as_str()),
            Some("40분")
        );
        assert_eq!(
            partners[1].as_ref().map(|q| q.surface.as_str()),
            Some("2시간 30분")
        );
        assert!(partners[2].is_none());

        // A whole and its part in one cell are not.
        let row = ["9월", "69 (BE 45)"];
        let header = cells(&["시기", "커밋"]);
        let mut quantities = row_quantities(&header, &row);
        assert!(pair_row(&header, &row, &mut quantities)
            .iter()
            .all(Option::is_none));

        // Nor are two metrics in two columns.
        let row = ["2025.04 ~ 2025.05", "콘텐츠 연동", "98", "40"];
        let header = cells(&["시기", "작업", "커밋", "이슈"]);
        let mut quantities = row_quantities(&header, &row);
        assert!(pair_row(&header, &row, &mut quantities)
            .iter()
            .all(Option::is_none));
    }

    #[test]
    fn a_breakdown_in_parentheses_is_not_the_whole_s_context() {
        let cell = "69 (BE 45)";
        let quantities = extract_quantities(cell);
        assert_eq!(
            outside_breakdowns(cell, &quantities[0]),
            format!("69{}", " ".repeat(8))
        );
        assert_eq!(outside_breakdowns(cell, &quantities[1]), cell);
        let cell = "응답시간(p99) 240ms";
        let quantities = extract_quantities(cell);
        assert_eq!(outside_breakdowns(cell, &quantities[0]).len(), cell.len());
    }

    #[test]
    fn a_level_is_told_from_a_change_past_its_qualifier() {
        for after in [
            "로 축소",
            " 가량으로",
            " 이하로",
            "까지 단축",
            " 수준",
            "이 되었다",
        ] {
            assert!(is_level(after), "{after}");
        }
        for after in [" 감소", " 이상 절감", "만큼 줄임", ""] {
            assert!(!is_level(after), "{after}");
        }
    }

    #[test]
    fn sentences_do_not_break_at_decimal_points() {
        let text = "응답시간을 1.8초에서 240ms로 줄였다. 다른 문장";
        let offset = text.find("240").unwrap_or(0);
        assert_eq!(
            sentence_around(text, offset),
            "응답시간을 1.8초에서 240ms로 줄였다"
        );
    }

    #[test]
    fn bare_years_are_not_claims() {
        let found = sites("## 2025 성과\n\n- 2024 대비 커밋 9.7% 증가\n");
        let texts: Vec<&str> = found
            .iter()
            .map(|site| site.quantity.surface.as_str())
            .collect();
        assert_eq!(texts, vec!["9.7%"]);
    }

    #[test]
    fn a_number_after_a_change_in_its_sentence_knows_the_change() {
        let found = sites("- 월 비용 1,200만 원 → 800만 원 (연 4,800만 원 절감). 인원은 5명\n");
        let pairs: Vec<(&str, Option<[&str; 2]>)> = found
            .iter()
            .map(|site| {
                let pair = site
                    .row_pair
                    .as_ref()
                    .map(|[(_, from), (_, to)]| [from.surface.as_str(), to.surface.as_str()]);
                (site.quantity.surface.as_str(), pair)
            })
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("1,200만 원", None),
                ("800만 원", None),
                ("4,800만 원", Some(["1,200만 원", "800만 원"])),
                // Another sentence: not about that change.
                ("5명", None),
            ]
        );
    }

    #[test]
    fn leading_numbers() {
        assert_eq!(leading_number("41만 건"), "41");
        assert_eq!(leading_number("1,800ms"), "1,800");
    }
}
