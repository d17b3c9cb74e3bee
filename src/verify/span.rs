//! A claim about a span of months (`2025년 상반기 커밋 217개`, `1분기`,
//! `1~6월`) is about a monthly table's column added up over those months:
//! no row states it and no sum word (`총`) asks for it, so the general
//! derivation, which only looks at the few facts most like the claim, cannot
//! find it. And a month's own value (`상반기 커밋 59개`, January's) does not
//! support a claim about the span.
//!
//! The table is a series of month rows (see `check`), the column is the one
//! whose subject words (and part, `BE` of `커밋 (BE+FE)`) the number's own
//! clause names, and the year is the one the sentence names, or, when it
//! names none, the only table with such a column.

use crate::facts::{month_span, Fact};

use super::check::{row_key, Column, Table};
use super::derive::format_number;
use super::features::for_each_word;

/// A table column added up (or averaged) over the months a claim names.
pub(crate) struct SpanTotal {
    /// In the column's base unit.
    pub value: f64,
    /// `59+35+18+57+41+7 = 217`, `(31+22+41)/3 = 31.3`.
    pub expression: String,
    /// The month rows added, as fact indices, in order.
    pub rows: Vec<usize>,
    /// `1~6월`.
    pub months: String,
    /// The column as labelled: `커밋 (BE+FE)`.
    pub column: String,
}

/// The one span of two or more months `sentence` names: `상반기` (1~6),
/// `하반기` (7~12), `1분기`/`Q1` (1~3), `1~6월`, `1월~6월`, `1-6월`,
/// `1월부터 6월까지`.
pub(crate) fn named_span(sentence: &str) -> Option<(u32, u32)> {
    let mut spans: Vec<(u32, u32)> = Vec::new();
    let mut add = |span: (u32, u32)| {
        if !spans.contains(&span) {
            spans.push(span);
        }
    };
    if sentence.contains("상반기") {
        add((1, 6));
    }
    if sentence.contains("하반기") {
        add((7, 12));
    }
    let bytes = sentence.as_bytes();
    for (index, _) in sentence.match_indices("분기") {
        let before = &bytes[..index];
        let digits = before
            .iter()
            .rev()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if digits == 1 {
            let quarter = u32::from(before[index - 1] - b'0');
            let lead_is_digit_or_dot = index >= 2 && {
                let lead = before[index - 2];
                lead.is_ascii_digit() || lead == b'.'
            };
            if (1..=4).contains(&quarter) && !lead_is_digit_or_dot {
                add((quarter * 3 - 2, quarter * 3));
            }
        }
    }
    for (index, _) in sentence.match_indices(['Q', 'q']) {
        let lead_ok = index == 0 || !bytes[index - 1].is_ascii_alphanumeric();
        let quarter = bytes.get(index + 1).copied();
        let trail_ok = bytes
            .get(index + 2)
            .is_none_or(|byte| !byte.is_ascii_alphanumeric());
        if let Some(digit @ b'1'..=b'4') = quarter {
            if lead_ok && trail_ok {
                let quarter = u32::from(digit - b'0');
                add((quarter * 3 - 2, quarter * 3));
            }
        }
    }
    // `1~6월`, `1월~6월`, `1-6월`
    for (index, dash) in sentence.match_indices(['~', '∼', '-']) {
        if let Some(span) = month_range(&sentence[..index], &sentence[index + dash.len()..]) {
            add(span);
        }
    }
    // `1월부터 6월까지`
    for (index, _) in sentence.match_indices("월부터") {
        if let Some(span) = month_range(&sentence[..index], &sentence[index + "월부터".len()..])
        {
            add(span);
        }
    }
    match spans.as_slice() {
        [span] if span.0 < span.1 => Some(*span),
        _ => None,
    }
}

/// The months on either side of a range's joiner: `before` ends with the
/// first month (`1`, `1월`), `after` starts with the last (`6월`). Not a
/// date (`2025.01 ~ 2025.06`), and the first month comes first.
fn month_range(before: &str, after: &str) -> Option<(u32, u32)> {
    let before = before.trim_end();
    let before = before.strip_suffix('월').unwrap_or(before);
    let from_digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let after = after.trim_start();
    let to_digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=2).contains(&from_digits) || !(1..=2).contains(&to_digits) {
        return None;
    }
    let lead = &before[..before.len() - from_digits];
    if lead.ends_with(|c: char| c.is_ascii_digit() || c == '.')
        || !after[to_digits..].starts_with('월')
    {
        return None;
    }
    let from: u32 = before[before.len() - from_digits..].parse().ok()?;
    let to: u32 = after[..to_digits].parse().ok()?;
    ((1..=12).contains(&from) && (1..=12).contains(&to) && from < to).then_some((from, to))
}

/// The one span of months of one year a table row's period cell names
/// (`2025.04 ~ 2025.05`). In prose such dates give a project's period, not
/// a span its numbers add up over, so [`named_span`] leaves them out.
pub(crate) fn dated_span(cell: &str) -> Option<(u32, u32)> {
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for (index, dash) in cell.match_indices(['~', '∼']) {
        if let Some(span) = dated_month_range(&cell[..index], &cell[index + dash.len()..]) {
            if !spans.contains(&span) {
                spans.push(span);
            }
        }
    }
    match spans.as_slice() {
        [span] => Some(*span),
        _ => None,
    }
}

/// The months of `YYYY.MM ~ YYYY.MM` within one year: `before` ends with
/// the first date, `after` starts with the last; a day (`2025.04.01`) makes
/// it a span of days, not months.
fn dated_month_range(before: &str, after: &str) -> Option<(u32, u32)> {
    let year_month = |text: &str| -> Option<(u32, u32)> {
        let (year, month) = text.split_once('.')?;
        let year_ok = year.len() == 4 && year.bytes().all(|byte| byte.is_ascii_digit());
        let month_ok =
            (1..=2).contains(&month.len()) && month.bytes().all(|byte| byte.is_ascii_digit());
        (year_ok && month_ok).then(|| Some((year.parse().ok()?, month.parse().ok()?)))?
    };
    let first = before.trim_end();
    let first = &first[first
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |index| {
            index + first[index..].chars().next().map_or(1, char::len_utf8)
        })..];
    let last = after.trim_start();
    let last = &last[..last
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(last.len())];
    let (from_year, from) = year_month(first)?;
    let (to_year, to) = year_month(last)?;
    (from_year == to_year && (1..=12).contains(&from) && (1..=12).contains(&to) && from < to)
        .then_some((from, to))
}

/// What a claim says, for [`span_total`].
pub(crate) struct SpanClaim<'a> {
    pub span: (u32, u32),
    /// The number's own clause: its lead and trail words, lower-cased.
    pub near: &'a [String],
    /// Every word of the sentence, lower-cased.
    pub words: &'a [String],
    /// The years the sentence names.
    pub years: &'a [i32],
    /// The sentence asks for an average (`월 평균`).
    pub average: bool,
}

/// The column of a monthly table that the claim's own clause names, added
/// up over the claim's span (or averaged). Not when the sentence names the
/// section of another table with such a column more than this one's
/// (`DB 스키마 관리 커밋` of a table under `DB 스키마 관리`). `fact_years`
/// gives a fact's years.
pub(crate) fn span_total(
    facts: &[Fact],
    tables: &[Table],
    claim: &SpanClaim<'_>,
    fact_years: impl Fn(&Fact) -> Option<(i32, i32)>,
) -> Option<SpanTotal> {
    let SpanClaim {
        span,
        near,
        years,
        average,
        ..
    } = *claim;
    let names = |word: &str| near.iter().any(|near| near == &word.to_lowercase());
    let names_column = |column: &Column| {
        column.terms.iter().all(|term| names(term))
            && match &column.part {
                Some(part) => names(part),
                None => !column.part_names.iter().any(|part| names(part)),
            }
    };
    let in_year = |table: &Table| {
        let Some(&first) = table.rows.first() else {
            return false;
        };
        match fact_years(&facts[first]) {
            Some((from, to)) => {
                years.is_empty() || years.iter().any(|year| (from..=to).contains(year))
            }
            None => years.is_empty(),
        }
    };
    // How many of the sentence's words the table's section headings have.
    let section_words = |table: &Table| {
        let mut found = 0;
        for heading in &table.heading_path {
            for_each_word(heading, |word| {
                if claim
                    .words
                    .iter()
                    .any(|claimed| *claimed == word.to_lowercase())
                {
                    found += 1;
                }
            });
        }
        found
    };
    let best_section = tables
        .iter()
        .filter(|table| in_year(table) && table.columns.iter().any(names_column))
        .map(section_words)
        .max()
        .unwrap_or(0);
    let mut found: Vec<SpanTotal> = Vec::new();
    for table in tables {
        if !in_year(table) || section_words(table) < best_section {
            continue;
        }
        // Month rows of the span, in order; every month must have its row.
        let rows: Option<Vec<usize>> = (span.0..=span.1)
            .map(|month| {
                table
                    .rows
                    .iter()
                    .copied()
                    .find(|&row| month_span(row_key(&facts[row])) == Some((month, month)))
            })
            .collect();
        let Some(rows) = rows else {
            continue;
        };
        for column in table.columns.iter().filter(|column| names_column(column)) {
            let values: Vec<f64> = rows
                .iter()
                .map(|row| {
                    column
                        .cells
                        .iter()
                        .find(|(fact, _)| fact == row)
                        .map_or(0.0, |(fact, quantity)| {
                            facts[*fact].quantities[*quantity].base_value()
                        })
                })
                .collect();
            let sum: f64 = values.iter().sum();
            let terms = values
                .iter()
                .map(|value| format_number(*value))
                .collect::<Vec<_>>()
                .join("+");
            let (value, expression) = if average {
                let mean = sum / values.len() as f64;
                (
                    mean,
                    format!("({terms})/{} = {}", values.len(), format_number(mean)),
                )
            } else {
                (sum, format!("{terms} = {}", format_number(sum)))
            };
            found.push(SpanTotal {
                value,
                expression,
                rows: rows.clone(),
                months: format!("{}~{}월", span.0, span.1),
                column: column.name.clone(),
            });
        }
    }
    // Two tables (two years, two columns) that fit equally say nothing.
    if found.len() == 1 {
        found.pop()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_read_from_halves_quarters_and_month_ranges() {
        assert_eq!(named_span("2025년 상반기 커밋 217개"), Some((1, 6)));
        assert_eq!(named_span("하반기 이슈"), Some((7, 12)));
        assert_eq!(named_span("2024년 1분기 커밋 94개"), Some((1, 3)));
        assert_eq!(named_span("Q3 커밋 4개"), Some((7, 9)));
        assert_eq!(named_span("1~6월 커밋"), Some((1, 6)));
        assert_eq!(named_span("1월~3월 커밋"), Some((1, 3)));
        assert_eq!(named_span("7-9월 이슈"), Some((7, 9)));
        assert_eq!(named_span("1월부터 6월까지 커밋"), Some((1, 6)));
        assert_eq!(named_span("상반기(1~6월) 커밋"), Some((1, 6)));
    }

    #[test]
    fn single_months_dates_and_two_spans_are_not_spans() {
        assert_eq!(named_span("9월 커밋 69개"), None);
        assert_eq!(named_span("2025.01 ~ 2025.06 기간"), None);
        assert_eq!(named_span("상반기와 하반기"), None);
        assert_eq!(named_span("MSA Q10 항목"), None);
        assert_eq!(named_span("12.1분기"), None);
        assert_eq!(named_span("6~1월"), None);
    }

    #[test]
    fn a_period_cell_of_one_year_is_a_span() {
        assert_eq!(dated_span("2025.04 ~ 2025.05 · 커밋"), Some((4, 5)));
        assert_eq!(dated_span("2024.11 ~ 2025.02"), None);
        assert_eq!(dated_span("2025.04.01 ~ 2025.05.31"), None);
        assert_eq!(dated_span("2025.05 ~ 2025.04"), None);
    }
}
