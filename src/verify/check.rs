//! Lints the sources themselves (`draft check`): numbers that summarise other
//! numbers of the corpus and disagree with them.
//!
//! A verifier is only as good as its sources: if a retrospective's summary
//! says `BE 330` while its monthly table adds up to 320, every draft that
//! cites either number is "supported" and still wrong somewhere. The checks,
//! all generic (nothing is keyed to a file or a value):
//!
//! - **split**: `508개 (BE 330 + FE 178)`, `59 (41+18)`: the parts in the
//!   parentheses must add up to the number before them;
//! - **total**: a statement with a total cue (`총`, `전체`, `합계`, `누적`,
//!   `연간`) about a table column's subject (`총 커밋`, `BE 330` for the `BE`
//!   part of `커밋 (BE+FE)`) must equal the column's sum. The table must be a
//!   series (rows keyed by months, quarters, weeks or years) and the statement
//!   must sit in the table's section or an enclosing one;
//! - **average**: `월 평균 커밋 42개` must be the stated total (or the column
//!   sum) over the number of rows, within the tolerance rule of
//!   [`super::tolerance`];
//! - **maximum / minimum**: `월간 최다 커밋(69개)` must be the column's largest
//!   (smallest) value; such a statement may be anywhere in the document when
//!   exactly one table there has the subject;
//! - **comparison**: `2024년 대비 커밋 수가 증가(463→508)`: each end must be a
//!   value the corpus states for that subject and year (a total statement or
//!   one of its stated parts).
//!
//! Each finding cites both sides (path:line).

use std::collections::HashMap;

use serde::Serialize;

use crate::facts::{month_span, Fact, FactKind};
use crate::quantity::{Qualifier, Quantity, TransitionRole};

use super::features::{stem, tokenize};
use super::tolerance::{compare, Comparison, Stated};
use super::{Family, SourceRef};

/// What kind of summary disagrees with what it summarises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InconsistencyKind {
    Split,
    Total,
    Average,
    Maximum,
    Minimum,
    Comparison,
}

impl InconsistencyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InconsistencyKind::Split => "split",
            InconsistencyKind::Total => "total",
            InconsistencyKind::Average => "average",
            InconsistencyKind::Maximum => "maximum",
            InconsistencyKind::Minimum => "minimum",
            InconsistencyKind::Comparison => "comparison",
        }
    }
}

/// One disagreement inside the sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inconsistency {
    pub kind: InconsistencyKind,
    /// What disagrees with what, in one line.
    pub message: String,
    /// The value as stated.
    pub stated: f64,
    /// The value the other side gives (a sum, an average, a maximum, a stated total).
    pub computed: f64,
    /// The statement first, then what it disagrees with (at least two).
    pub sources: Vec<SourceRef>,
}

const TOTAL_WORDS: &[&str] = &["총", "전체", "합계", "누적", "연간", "합산", "통틀어"];
const AVERAGE_WORDS: &[&str] = &["평균"];
const MAXIMUM_WORDS: &[&str] = &["최다", "최대", "최고", "가장 많"];
const MINIMUM_WORDS: &[&str] = &["최소", "최저", "최하", "가장 적"];
/// Words near a compared number that name the change, not the subject.
const NOT_SUBJECT: &[&str] = &[
    "대비",
    "증가",
    "감소",
    "수가",
    "수는",
    "수를",
    "수도",
    "비해",
    "보다",
    "하고",
    "하며",
    "이슈수",
];
/// How far (in words) from a number its subject and cues are looked for.
const NEAR: f32 = 3.0;

/// Lints `facts` (any number of documents and companies).
pub fn check_facts(facts: &[Fact]) -> Vec<Inconsistency> {
    let mut found = Vec::new();
    check_splits(facts, &mut found);
    let tables = find_tables(facts);
    check_tables(facts, &tables, &mut found);
    check_comparisons(facts, &mut found);
    found
}

fn equal_by_rule(stated: &Quantity, value: f64) -> bool {
    compare(stated, Stated::computed(value)) == Comparison::Admitted
}

fn format_value(value: f64) -> String {
    super::derive::format_number(value)
}

/// The parts of a split stated right after `fact.quantities[total]`:
/// `508개 (BE 330 + FE 178)`, `486개의 커밋(서버+프론트 463개 + …)`.
fn split_parts(fact: &Fact, total: usize) -> Vec<usize> {
    let quantity = &fact.quantities[total];
    let text = fact.text.as_str();
    let Some(rest) = text.get(quantity.end..) else {
        return Vec::new();
    };
    let Some(open) = rest.find('(') else {
        return Vec::new();
    };
    let between = &rest[..open];
    if between.chars().count() > 12
        || between
            .chars()
            .any(|c| c.is_ascii_digit() || c == ')' || c == '|')
    {
        return Vec::new();
    }
    let group_start = quantity.end + open + 1;
    let Some(close) = text[group_start..].find(')') else {
        return Vec::new();
    };
    let group_end = group_start + close;
    let parts: Vec<usize> = fact
        .quantities
        .iter()
        .enumerate()
        .filter(|(_, part)| part.start >= group_start && part.end <= group_end)
        .map(|(index, _)| index)
        .collect();
    if parts.len() < 2 {
        return Vec::new();
    }
    let joined_by_plus = parts.windows(2).all(|pair| {
        let left = &fact.quantities[pair[0]];
        let right = &fact.quantities[pair[1]];
        text.get(left.end..right.start)
            .is_some_and(|gap| gap.contains('+'))
    });
    let same_family = parts
        .iter()
        .all(|part| Family::of(&fact.quantities[*part]) == Family::of(quantity));
    if joined_by_plus && same_family {
        parts
    } else {
        Vec::new()
    }
}

fn check_splits(facts: &[Fact], found: &mut Vec<Inconsistency>) {
    for fact in facts {
        for total in 0..fact.quantities.len() {
            let parts = split_parts(fact, total);
            if parts.is_empty() {
                continue;
            }
            let quantity = &fact.quantities[total];
            let sum: f64 = parts
                .iter()
                .map(|part| fact.quantities[*part].base_value())
                .sum();
            if !equal_by_rule(quantity, sum) {
                let shown: Vec<&str> = parts
                    .iter()
                    .map(|part| fact.quantities[*part].surface.as_str())
                    .collect();
                found.push(Inconsistency {
                    kind: InconsistencyKind::Split,
                    message: format!(
                        "stated {} but its parts {} add up to {}",
                        quantity.surface,
                        shown.join("+"),
                        format_value(sum)
                    ),
                    stated: quantity.base_value(),
                    computed: sum,
                    sources: vec![SourceRef::of(fact), SourceRef::of(fact)],
                });
            }
        }
    }
}

/// A table of the sources: consecutive table-row facts of one section.
pub(crate) struct Table {
    path: String,
    pub heading_path: Vec<String>,
    pub rows: Vec<usize>,
    pub columns: Vec<Column>,
}

/// One numeric column (or one part of a split column, `커밋 (BE+FE) · BE`).
pub(crate) struct Column {
    /// The header as labelled (`커밋 (BE+FE) · BE`).
    pub name: String,
    /// Subject words of the header (`커밋`).
    pub terms: Vec<String>,
    /// The part (`BE`), for a part column.
    pub part: Option<String>,
    /// The parts of the whole column, for a whole split column.
    pub part_names: Vec<String>,
    /// (fact index, quantity index) of each numeric cell.
    pub cells: Vec<(usize, usize)>,
}

pub(crate) fn row_key(fact: &Fact) -> &str {
    fact.text.split(" | ").next().unwrap_or("").trim()
}

/// Rows keyed by months, quarters, weeks or years make a series whose
/// columns add up to period totals.
pub(crate) fn is_series_key(key: &str) -> bool {
    let key = key.trim();
    if month_span(key).is_some() {
        return true;
    }
    let upper = key.to_uppercase();
    let quarter = upper.len() == 2
        && upper.starts_with('Q')
        && upper[1..].chars().all(|c| ('1'..='4').contains(&c));
    let digits: String = key.chars().take_while(char::is_ascii_digit).collect();
    let tail = &key[digits.len()..];
    quarter || (!digits.is_empty() && ["분기", "주차", "주", "년", "월"].contains(&tail.trim()))
}

/// `커밋 (BE+FE)` → `커밋`; `커밋 수` → `커밋`.
fn header_terms(header: &str) -> Vec<String> {
    let base = header.split('(').next().unwrap_or(header);
    tokenize(base)
        .into_iter()
        .map(|token| stem(&base[token.start..token.end]).to_string())
        .filter(|word| word.chars().count() >= 2 && !super::features::is_stopword(word))
        .collect()
}

pub(crate) fn find_tables(facts: &[Fact]) -> Vec<Table> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, fact) in facts.iter().enumerate() {
        if fact.kind != FactKind::TableRow {
            continue;
        }
        let continues = groups
            .last()
            .and_then(|group| group.last())
            .is_some_and(|&previous| {
                let earlier = &facts[previous];
                previous + 1 == index
                    && earlier.source.path == fact.source.path
                    && earlier.heading_path == fact.heading_path
                    && earlier.source.line_end + 1 == fact.source.line_start
            });
        if continues {
            if let Some(group) = groups.last_mut() {
                group.push(index);
            }
        } else {
            groups.push(vec![index]);
        }
    }
    let mut tables = Vec::new();
    for rows in groups {
        let series = rows
            .iter()
            .filter(|&&row| is_series_key(row_key(&facts[row])))
            .count();
        if rows.len() < 3 || series * 4 < rows.len() * 3 {
            continue;
        }
        let mut columns: Vec<Column> = Vec::new();
        for &row in &rows {
            let fact = &facts[row];
            let key = row_key(fact);
            for (quantity_index, quantity) in fact.quantities.iter().enumerate() {
                let Some(label) = quantity.label.as_deref() else {
                    continue;
                };
                let Some(name) = label
                    .strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(" · "))
                else {
                    continue;
                };
                if Family::of(quantity) != Family::Count {
                    continue;
                }
                match columns.iter_mut().find(|column| column.name == name) {
                    Some(column) => column.cells.push((row, quantity_index)),
                    None => {
                        let (whole, part) = match name.rsplit_once(" · ") {
                            Some((whole, part)) => (whole, Some(part.to_string())),
                            None => (name, None),
                        };
                        columns.push(Column {
                            name: name.to_string(),
                            terms: header_terms(whole),
                            part,
                            part_names: Vec::new(),
                            cells: vec![(row, quantity_index)],
                        });
                    }
                }
            }
        }
        let parts: Vec<(String, String)> = columns
            .iter()
            .filter_map(|column| {
                let part = column.part.clone()?;
                let whole = column.name.rsplit_once(" · ")?.0.to_string();
                Some((whole, part))
            })
            .collect();
        for column in &mut columns {
            column.part_names = parts
                .iter()
                .filter(|(whole, _)| *whole == column.name)
                .map(|(_, part)| part.clone())
                .collect();
        }
        columns.retain(|column| {
            column.cells.len() >= 2
                && column.cells.len() * 2 >= rows.len()
                && !column.terms.is_empty()
        });
        if columns.is_empty() {
            continue;
        }
        let first = &facts[rows[0]];
        tables.push(Table {
            path: first.source.path.to_string(),
            heading_path: first.heading_path.to_vec(),
            rows,
            columns,
        });
    }
    tables
}

/// What a statement says about its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Total,
    Average,
    Maximum,
    Minimum,
}

/// A number of the sources with the words near it.
struct Statement {
    fact: usize,
    /// Stemmed words within [`NEAR`] words, and the label's words.
    near: Vec<String>,
    /// The word right before the number (`BE` of `BE 330`).
    before: Option<String>,
    /// Inside the parentheses of another number's split.
    inside_split: bool,
}

fn statement(
    facts: &[Fact],
    fact_index: usize,
    quantity_index: usize,
    split_members: &[usize],
) -> Statement {
    let fact = &facts[fact_index];
    let quantity = &fact.quantities[quantity_index];
    let text = fact.text.as_str();
    let tokens = tokenize(text);
    let masked = |start: usize, end: usize| {
        fact.quantities
            .iter()
            .any(|other| end > other.start && start < other.end)
    };
    let anchor = tokens
        .iter()
        .find(|token| token.end > quantity.start && token.start < quantity.end)
        .map(|token| token.slot);
    let mut near = Vec::new();
    let mut before = None;
    if let Some(anchor) = anchor {
        for token in &tokens {
            if masked(token.start, token.end) {
                continue;
            }
            let distance = (token.slot - anchor).abs() - 1.0;
            if distance <= NEAR {
                near.push(stem(&text[token.start..token.end]).to_string());
            }
            if token.end <= quantity.start {
                before = Some(stem(&text[token.start..token.end]).to_string());
            }
        }
        // `before` must be adjacent: no other token between it and the number.
        if let Some(word) = &before {
            let adjacent = tokens
                .iter()
                .rfind(|token| token.end <= quantity.start)
                .is_some_and(|token| {
                    (anchor - token.slot) <= 1.0 && stem(&text[token.start..token.end]) == word
                });
            if !adjacent {
                before = None;
            }
        }
    }
    if let Some(label) = &quantity.label {
        for token in tokenize(label) {
            near.push(stem(&label[token.start..token.end]).to_string());
        }
    }
    Statement {
        fact: fact_index,
        near,
        before,
        inside_split: split_members.contains(&quantity_index),
    }
}

impl Statement {
    fn mentions(&self, term: &str) -> bool {
        self.near.iter().any(|word| word.contains(term))
    }

    fn has_any(&self, words: &[&str]) -> bool {
        let joined = self.near.join(" ");
        words.iter().any(|cue| joined.contains(cue))
    }

    fn cue(&self, facts: &[Fact], rows: usize) -> Option<Cue> {
        if self.has_any(AVERAGE_WORDS) {
            return Some(Cue::Average);
        }
        if self.has_any(MAXIMUM_WORDS) {
            return Some(Cue::Maximum);
        }
        if self.has_any(MINIMUM_WORDS) {
            return Some(Cue::Minimum);
        }
        if self.has_any(TOTAL_WORDS) {
            return Some(Cue::Total);
        }
        // `12개월간 508개의 커밋`: a span as long as the table.
        let fact = &facts[self.fact];
        let spans_table = fact.quantities.iter().any(|other| {
            other.unit() == "개월"
                && (other.value - rows as f64).abs() < 1e-9
                && fact.text[other.end..].starts_with('간')
        });
        spans_table.then_some(Cue::Total)
    }
}

/// Members of any split in a fact (quantity indices).
fn split_members(fact: &Fact) -> Vec<usize> {
    (0..fact.quantities.len())
        .flat_map(|total| split_parts(fact, total))
        .collect()
}

fn is_prefix(shorter: &[String], longer: &[String]) -> bool {
    shorter.len() <= longer.len()
        && shorter
            .iter()
            .zip(longer)
            .all(|(left, right)| left == right)
}

fn table_source(facts: &[Fact], table: &Table, column: &Column, computed: &str) -> SourceRef {
    let first = &facts[table.rows[0]];
    let last = &facts[table.rows[table.rows.len() - 1]];
    SourceRef {
        path: table.path.clone(),
        line: first.source.first_line(),
        text: format!(
            "table rows {}-{}, column `{}`: {computed}",
            first.source.line_start, last.source.line_end, column.name
        ),
        fact_id: first.id.to_string(),
    }
}

fn column_sum(facts: &[Fact], column: &Column) -> f64 {
    column
        .cells
        .iter()
        .map(|(fact, quantity)| facts[*fact].quantities[*quantity].base_value())
        .sum()
}

fn column_extreme(facts: &[Fact], column: &Column, largest: bool) -> Option<(usize, usize)> {
    column.cells.iter().copied().max_by(|left, right| {
        let left_value = facts[left.0].quantities[left.1].base_value();
        let right_value = facts[right.0].quantities[right.1].base_value();
        let order = left_value.total_cmp(&right_value);
        if largest {
            order.then(right.0.cmp(&left.0))
        } else {
            order.reverse().then(right.0.cmp(&left.0))
        }
    })
}

/// Does statement `s` speak of `column` (subject words, and the right part)?
fn speaks_of(statement: &Statement, column: &Column) -> bool {
    if !column.terms.iter().all(|term| statement.mentions(term)) {
        return false;
    }
    let before = statement.before.as_deref().map(str::to_lowercase);
    match &column.part {
        Some(part) => before.as_deref() == Some(part.to_lowercase().as_str()),
        None => {
            !statement.inside_split
                && !column
                    .part_names
                    .iter()
                    .any(|part| before.as_deref() == Some(part.to_lowercase().as_str()))
        }
    }
}

fn check_tables(facts: &[Fact], tables: &[Table], found: &mut Vec<Inconsistency>) {
    let mut reported: Vec<((usize, String, InconsistencyKind, u64), usize)> = Vec::new();
    // Each document's facts, in order, found once: every table looked
    // through all the corpus's facts for its own document's.
    let mut by_document: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, fact) in facts.iter().enumerate() {
        by_document
            .entry(&*fact.source.path)
            .or_default()
            .push(index);
    }
    for (table_index, table) in tables.iter().enumerate() {
        let rows = table.rows.len();
        let same_document = by_document
            .get(table.path.as_str())
            .map_or(&[][..], Vec::as_slice);
        for &fact_index in same_document {
            let Some(fact) = facts.get(fact_index) else {
                continue;
            };
            if table.rows.contains(&fact_index) {
                continue;
            }
            let members = split_members(fact);
            for (quantity_index, quantity) in fact.quantities.iter().enumerate() {
                if Family::of(quantity) != Family::Count
                    || quantity.transition.is_some()
                    || quantity.base_max().is_some()
                {
                    continue;
                }
                let statement = statement(facts, fact_index, quantity_index, &members);
                let Some(cue) = statement.cue(facts, rows) else {
                    continue;
                };
                let in_scope = is_prefix(&fact.heading_path, &table.heading_path);
                for column in &table.columns {
                    if !speaks_of(&statement, column) {
                        continue;
                    }
                    let scoped = match cue {
                        Cue::Total | Cue::Average => in_scope,
                        Cue::Maximum | Cue::Minimum => {
                            in_scope || only_table_with(tables, table_index, column)
                        }
                    };
                    if !scoped {
                        continue;
                    }
                    let finding = match cue {
                        Cue::Total => total_finding(facts, table, column, fact, quantity),
                        Cue::Average => average_finding(
                            facts,
                            same_document,
                            table,
                            column,
                            fact,
                            quantity,
                            tables,
                            table_index,
                        ),
                        Cue::Maximum | Cue::Minimum => extreme_finding(
                            facts,
                            table,
                            column,
                            fact,
                            quantity,
                            cue == Cue::Maximum,
                        ),
                    };
                    if let Some(finding) = finding {
                        let key = (
                            table_index,
                            column.name.clone(),
                            finding.kind,
                            finding.stated.to_bits(),
                        );
                        match reported.iter().find(|(existing, _)| *existing == key) {
                            Some((_, position)) => {
                                // The same disagreement stated again: cite that statement too.
                                let source = SourceRef::of(fact);
                                let existing = &mut found[*position];
                                if !existing.sources.contains(&source) {
                                    let at = existing.sources.len().saturating_sub(1);
                                    existing.sources.insert(at, source);
                                }
                            }
                            None => {
                                reported.push((key, found.len()));
                                found.push(finding);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn only_table_with(tables: &[Table], table_index: usize, column: &Column) -> bool {
    let path = &tables[table_index].path;
    tables
        .iter()
        .enumerate()
        .filter(|(_, table)| &table.path == path)
        .filter(|(_, table)| {
            table
                .columns
                .iter()
                .any(|other| other.terms == column.terms && other.part == column.part)
        })
        .count()
        == 1
}

fn total_finding(
    facts: &[Fact],
    table: &Table,
    column: &Column,
    fact: &Fact,
    quantity: &Quantity,
) -> Option<Inconsistency> {
    let sum = column_sum(facts, column);
    if equal_by_rule(quantity, sum) {
        return None;
    }
    let computed = format!("sums to {}", format_value(sum));
    Some(Inconsistency {
        kind: InconsistencyKind::Total,
        message: format!(
            "stated {} for `{}`, but the table's column sums to {}",
            quantity.surface,
            column.name,
            format_value(sum)
        ),
        stated: quantity.base_value(),
        computed: sum,
        sources: vec![
            SourceRef::of(fact),
            table_source(facts, table, column, &computed),
        ],
    })
}

/// `same_document`: the facts of the table's document, in order.
#[allow(clippy::too_many_arguments)]
fn average_finding(
    facts: &[Fact],
    same_document: &[usize],
    table: &Table,
    column: &Column,
    fact: &Fact,
    quantity: &Quantity,
    tables: &[Table],
    table_index: usize,
) -> Option<Inconsistency> {
    let rows = table.rows.len() as f64;
    let sum = column_sum(facts, column);
    let mut candidates = vec![(sum, None)];
    // Stated totals of the same column in scope.
    for &other_index in same_document {
        let Some(other) = facts.get(other_index) else {
            continue;
        };
        if table.rows.contains(&other_index) || !is_prefix(&other.heading_path, &table.heading_path)
        {
            continue;
        }
        let members = split_members(other);
        for (quantity_index, stated) in other.quantities.iter().enumerate() {
            if Family::of(stated) != Family::Count || std::ptr::eq(stated, quantity) {
                continue;
            }
            let statement = statement(facts, other_index, quantity_index, &members);
            if statement.cue(facts, table.rows.len()) == Some(Cue::Total)
                && speaks_of(&statement, column)
            {
                candidates.push((stated.base_value(), Some(other_index)));
            }
        }
    }
    let _ = (tables, table_index);
    if candidates
        .iter()
        .any(|(total, _)| equal_by_rule(quantity, total / rows))
    {
        return None;
    }
    let (total, total_fact) = candidates.last().copied().unwrap_or((sum, None));
    let average = total / rows;
    let computed = format!(
        "{} / {} rows = {}",
        format_value(total),
        format_value(rows),
        format_value(average)
    );
    let mut sources = vec![SourceRef::of(fact)];
    if let Some(total_fact) = total_fact {
        sources.push(SourceRef::of(&facts[total_fact]));
    }
    sources.push(table_source(facts, table, column, &computed));
    Some(Inconsistency {
        kind: InconsistencyKind::Average,
        message: format!(
            "stated average {} for `{}`, but {}",
            quantity.surface, column.name, computed
        ),
        stated: quantity.base_value(),
        computed: average,
        sources,
    })
}

fn extreme_finding(
    facts: &[Fact],
    table: &Table,
    column: &Column,
    fact: &Fact,
    quantity: &Quantity,
    largest: bool,
) -> Option<Inconsistency> {
    let (row, cell) = column_extreme(facts, column, largest)?;
    let extreme = &facts[row].quantities[cell];
    if equal_by_rule(quantity, extreme.base_value()) {
        return None;
    }
    let word = if largest { "largest" } else { "smallest" };
    let row_fact = &facts[row];
    let _ = table;
    Some(Inconsistency {
        kind: if largest {
            InconsistencyKind::Maximum
        } else {
            InconsistencyKind::Minimum
        },
        message: format!(
            "stated {word} {} for `{}`, but row `{}` has {}",
            quantity.surface,
            column.name,
            row_key(row_fact),
            extreme.surface
        ),
        stated: quantity.base_value(),
        computed: extreme.base_value(),
        sources: vec![SourceRef::of(fact), SourceRef::of(row_fact)],
    })
}

/// `2024년` before byte `offset` in `text`, nearest first.
fn year_before(text: &str, offset: usize) -> Option<i32> {
    let before = text.get(..offset)?;
    let bytes = before.as_bytes();
    let mut index = bytes.len();
    while index >= 4 {
        let start = index - 4;
        if bytes[start..index].iter().all(u8::is_ascii_digit)
            && before[index..].starts_with('년')
            && (start == 0 || !bytes[start - 1].is_ascii_digit())
        {
            return before[start..index].parse().ok();
        }
        index -= 1;
    }
    None
}

/// What a comparison is checked against, gathered once for all of them:
/// each comparison read every fact of the corpus, and the words of every
/// count of its year again (a corpus of thousands of files took seconds).
struct YearCounts<'f> {
    /// Facts by company and the year their period lies in (begins and
    /// ends), in corpus order.
    by_year: HashMap<(&'f str, i32), Vec<usize>>,
    /// Each fact's split members, read on first use.
    members: HashMap<usize, Vec<usize>>,
    /// Each count's statement, read on first use.
    statements: HashMap<(usize, usize), Statement>,
}

impl<'f> YearCounts<'f> {
    fn new(facts: &'f [Fact]) -> Self {
        let mut by_year: HashMap<(&'f str, i32), Vec<usize>> = HashMap::new();
        for (index, fact) in facts.iter().enumerate() {
            let Some(period) = fact.period.as_ref() else {
                continue;
            };
            let Some(year) = period.year() else {
                continue;
            };
            if period.end.as_deref().and_then(|end| end.get(..4)) == Some(&year.to_string()[..]) {
                by_year
                    .entry((&*fact.company, year))
                    .or_default()
                    .push(index);
            }
        }
        YearCounts {
            by_year,
            members: HashMap::new(),
            statements: HashMap::new(),
        }
    }
}

fn check_comparisons(facts: &[Fact], found: &mut Vec<Inconsistency>) {
    let mut counts = YearCounts::new(facts);
    for (fact_index, fact) in facts.iter().enumerate() {
        for (quantity_index, quantity) in fact.quantities.iter().enumerate() {
            let Some(transition) = quantity.transition else {
                continue;
            };
            if Family::of(quantity) != Family::Count || transition.role != TransitionRole::From {
                continue;
            }
            let Some(year) = year_before(&fact.text, quantity.start) else {
                continue;
            };
            let Some(own_year) = fact.period.as_ref().and_then(|period| period.year()) else {
                continue;
            };
            let members = split_members(fact);
            let statement = statement(facts, fact_index, quantity_index, &members);
            let Some(subject) = nearest_subject(fact, quantity) else {
                continue;
            };
            let ends = [(quantity_index, year), (transition.partner(), own_year)];
            for (end, end_year) in ends {
                let Some(end_quantity) = fact.quantities.get(end) else {
                    continue;
                };
                if let Some(finding) = compare_with_corpus(
                    facts,
                    &mut counts,
                    fact_index,
                    end_quantity,
                    &subject,
                    end_year,
                ) {
                    found.push(finding);
                }
            }
            let _ = statement;
        }
    }
}

/// The subject word nearest before a compared number (`커밋` of `커밋 수가 증가(463→508)`).
fn nearest_subject(fact: &Fact, quantity: &Quantity) -> Option<String> {
    let text = fact.text.as_str();
    let tokens = tokenize(text);
    tokens
        .iter()
        .filter(|token| token.end <= quantity.start)
        .rev()
        .take(4)
        .map(|token| stem(&text[token.start..token.end]))
        .find(|word| {
            word.chars().count() >= 2
                && !word.chars().any(|c| c.is_ascii_digit())
                && !NOT_SUBJECT.contains(word)
                && !super::features::is_stopword(word)
        })
        .map(str::to_string)
}

/// Checks one end of a comparison against the totals the corpus states for
/// `subject` in `year` (and the stated parts of those totals).
fn compare_with_corpus(
    facts: &[Fact],
    counts: &mut YearCounts<'_>,
    fact_index: usize,
    end: &Quantity,
    subject: &str,
    year: i32,
) -> Option<Inconsistency> {
    let company: &str = &facts[fact_index].company;
    let mut statements: Vec<(usize, usize, bool)> = Vec::new();
    let YearCounts {
        by_year,
        members,
        statements: read,
    } = counts;
    for &other_index in by_year.get(&(company, year)).map_or(&[][..], Vec::as_slice) {
        let Some(other) = facts.get(other_index) else {
            continue;
        };
        if other_index == fact_index {
            continue;
        }
        let members = members
            .entry(other_index)
            .or_insert_with(|| split_members(other));
        for (quantity_index, stated) in other.quantities.iter().enumerate() {
            if Family::of(stated) != Family::Count
                || stated.transition.is_some()
                || members.contains(&quantity_index)
            {
                continue;
            }
            let statement = read
                .entry((other_index, quantity_index))
                .or_insert_with(|| statement(facts, other_index, quantity_index, members));
            if statement.mentions(subject) && statement.has_any(TOTAL_WORDS) {
                statements.push((other_index, quantity_index, true));
                for part in split_parts(other, quantity_index) {
                    statements.push((other_index, part, false));
                }
            }
        }
    }
    if statements.is_empty() {
        return None;
    }
    let agrees = statements.iter().any(|(other, quantity, _)| {
        equal_by_rule(end, facts[*other].quantities[*quantity].base_value())
    });
    if agrees {
        return None;
    }
    // Prefer a table row's total (`총 커밋 | 486개`) as the counterpart.
    let (other, quantity, _) = statements
        .iter()
        .filter(|(_, _, is_total)| *is_total)
        .max_by_key(|(other, _, _)| facts[*other].kind == FactKind::TableRow)
        .copied()?;
    let stated_total = &facts[other].quantities[quantity];
    let bound = match stated_total.qualifier {
        Some(Qualifier::AtLeast) => " 이상",
        _ => "",
    };
    Some(Inconsistency {
        kind: InconsistencyKind::Comparison,
        message: format!(
            "compares {} {subject} for {year}, but the {year} total is {}{bound}",
            end.surface, stated_total.surface
        ),
        stated: end.base_value(),
        computed: stated_total.base_value(),
        sources: vec![
            SourceRef::of(&facts[fact_index]),
            SourceRef::of(&facts[other]),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_keys() {
        assert!(is_series_key("12월"));
        assert!(is_series_key("Q3"));
        assert!(is_series_key("2024년"));
        assert!(!is_series_key("총 커밋"));
        assert!(!is_series_key("기간"));
    }

    #[test]
    fn header_terms_drop_parts_and_counters() {
        assert_eq!(header_terms("커밋 (BE+FE)"), vec!["커밋"]);
        assert_eq!(header_terms("커밋 수"), vec!["커밋"]);
    }

    #[test]
    fn years_before() {
        let text = "2024년 대비 커밋 수가 증가(463→508)";
        assert_eq!(year_before(text, text.find("463").unwrap_or(0)), Some(2024));
        assert_eq!(year_before("커밋 463", 7), None);
    }
}
