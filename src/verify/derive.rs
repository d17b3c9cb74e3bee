//! Derived numbers: values a writer computes from stated ones.
//!
//! A 경력기술서 says `응답시간 94.5% 단축` where the retrospective says
//! `600ms → 33ms`. Tools that only look for equal digits call that unsupported;
//! this module recomputes it from the quantities of the facts that talk about
//! the same thing (the matcher passes only those) and shows the arithmetic:
//! `(600-33)/600 = 94.5%`.
//!
//! Operations, by the claim's dimension:
//! - `%`: percent change between two values (`(a-b)/a`), share (`a/b`, when
//!   the claim says `비중`, `비율`, `중` …);
//! - `%p`: difference of two percentages;
//! - `배`: ratio `a/b`; a fraction: `b/a` for a level reached (`3분의 1로`),
//!   `(a-b)/a` for the size of a change (`3분의 2 감소`);
//! - counts, durations, sizes: difference (with a change cue such as `단축`,
//!   `감소`), sum (with `총`, `합계` …), average (with `평균`: a total over a
//!   count, over the months of the fact's period, or over a `N개월` span),
//!   a year of a monthly amount or saving (×12, with `연간`).
//!
//! To keep a wrong number from being "explained" by a coincidence: a change
//! or ratio within one fact needs the fact to state a change (a transition
//! such as `600ms → 33ms`, or a word such as `단축`, `감소`, `개선`); pairs
//! across facts are only taken among the three best-matching facts and for
//! operations the claim's own words ask for; a share needs a share word; a
//! sum of a whole split (`pm 1명, be 2명, fe 2명` → `총 5명`) may come from a
//! more loosely matching fact. A value stated as one end of a change in the
//! draft (`2시간에서 40분으로`) is never "derived". Every result goes through
//! the same tolerance rule as stated values.

use crate::quantity::{Dimension, Quantity, TransitionRole, FRACTION_UNIT};

use super::tolerance::{compare, Comparison, Stated};
use super::Family;

/// One quantity of a fact that may take part in a derivation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operand<'a> {
    /// Index of the fact in the caller's slice.
    pub fact: usize,
    /// Rank of the fact by similarity to the claim (0 = best).
    pub rank: usize,
    /// Index of the quantity within its fact.
    pub index: usize,
    pub quantity: &'a Quantity,
    /// Months covered by the fact's period, if known.
    pub period_months: Option<f64>,
    /// The fact states a change (`단축`, `감소`, `→` …): its values may be
    /// compared as before and after even without a marked transition.
    pub fact_changes: bool,
    /// From a fact only loosely about the claim: used only for the sum of a
    /// whole stated split (`pm 1명, be 2명, fe 2명` → `총 5명`), where a
    /// coincidence is unlikely.
    pub weak: bool,
    /// The claim's words sit around this value of its fact about as much as
    /// around any other: in `508개 커밋, 152개 이슈`, 508 for a claim about
    /// 커밋 but not 152. Only such values are paired across facts.
    pub focus: bool,
    /// The fact sets two values side by side (`BE 330 vs FE 178`, `330 대
    /// 178`): their ratio is one it states the terms of.
    pub fact_contrasts: bool,
    /// The fact states an amount per month (`월 인프라 비용 1,200만 원 → 800만 원`).
    pub fact_monthly: bool,
}

/// A successful derivation: the arithmetic shown to the user and the facts used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Derivation {
    pub expression: String,
    pub facts: Vec<usize>,
}

/// What the claim's own sentence asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cues {
    pub change: bool,
    pub sum: bool,
    pub average: bool,
    pub share: bool,
    pub monthly: bool,
    /// Not of the sentence but of the claim: it is a level reached
    /// (`3분의 1로`), not the size of a change (`3분의 1 감소`).
    pub level: bool,
    /// The sentence says what changed went down (`축소`, `감소`, `단축`) …
    pub fall: bool,
    /// … or up (`증가`, `향상`, `늘`).
    pub rise: bool,
    /// The sentence speaks of a year's amount (`연간 4,800만 원 절감`).
    pub yearly: bool,
}

const FALL_WORDS: &[&str] = &[
    "단축", "감소", "줄", "절감", "하락", "축소", "감축", "낮", "절약", "↓",
];
const RISE_WORDS: &[&str] = &["증가", "늘", "상승", "확대", "높", "올려", "올림", "↑"];

const CHANGE_WORDS: &[&str] = &[
    "단축", "감소", "줄", "절감", "하락", "축소", "감축", "개선", "향상", "증가", "늘", "상승",
    "확대", "빨라", "차이", "낮", "높", "올려", "올림", "절약", "→", "->", "↓", "↑",
];
const SUM_WORDS: &[&str] = &[
    "총",
    "합계",
    "합산",
    "누적",
    "전체",
    "모두",
    "통틀어",
    "합쳐",
    "더해",
    "연간",
];
const AVERAGE_WORDS: &[&str] = &["평균"];
const SHARE_WORDS: &[&str] = &["비중", "비율", "차지", "점유", " 중 ", "가운데", "전체"];
const YEARLY_WORDS: &[&str] = &["연간", "매년", "1년간", "년간", "연 "];
const MONTHLY_WORDS: &[&str] = &[
    "월 평균",
    "월평균",
    "월간",
    "매월",
    "매달",
    "한 달",
    "달 평균",
];

impl Cues {
    pub fn of(sentence: &str) -> Cues {
        let has = |words: &[&str]| words.iter().any(|word| sentence.contains(word));
        Cues {
            change: has(CHANGE_WORDS),
            sum: has(SUM_WORDS),
            average: has(AVERAGE_WORDS),
            share: has(SHARE_WORDS),
            monthly: has(MONTHLY_WORDS),
            level: false,
            fall: has(FALL_WORDS),
            rise: has(RISE_WORDS),
            yearly: has(YEARLY_WORDS),
        }
    }
}

/// Whether a fact states an amount per month: a monthly word, or `월` as a
/// word of its own (`월 인프라 비용`), not the month of a date (`3월`).
pub(crate) fn per_month(text: &str) -> bool {
    MONTHLY_WORDS.iter().any(|word| text.contains(word))
        || text.starts_with("월 ")
        || text.contains(" 월 ")
}

/// Formats a number for an expression: integers plainly, others with one
/// decimal (two below 10), trailing zeros trimmed.
pub(crate) fn format_number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        return format!("{}", value.round() as i64);
    }
    let decimals = if value.abs() >= 10.0 { 1 } else { 2 };
    let text = format!("{value:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// How a claim's value is written back: `94.5%`, `18.2배`, `8시간`, `42.3개`.
fn format_result(claim: &Quantity, base_value: f64) -> String {
    let factor = if claim.value != 0.0 && claim.base_value() != 0.0 {
        claim.base_value() / claim.value
    } else {
        1.0
    };
    let unit = match claim.dimension() {
        Dimension::Percent => "%",
        Dimension::PercentPoint => "%p",
        Dimension::Ratio => "배",
        _ => claim.unit(),
    };
    format!("{}{unit}", format_number(base_value / factor))
}

/// Operands written in one unit are shown as bare values (`(600-33)/600`);
/// mixed units are shown in the base unit (`(1800ms-240ms)/1800ms`).
fn shown(operands: &[&Quantity]) -> Vec<String> {
    let same_unit = operands
        .windows(2)
        .all(|pair| pair[0].unit() == pair[1].unit());
    operands
        .iter()
        .map(|quantity| {
            if same_unit {
                format_number(quantity.value)
            } else {
                format!(
                    "{}{}",
                    format_number(quantity.base_value()),
                    quantity.base_unit()
                )
            }
        })
        .collect()
}

/// Two values as shown, the larger first (`600`, `33`), for a difference.
fn larger_first(a: &Quantity, b: &Quantity) -> (String, String) {
    let mut values = shown(&[a, b]).into_iter();
    let first = values.next().unwrap_or_default();
    let second = values.next().unwrap_or_default();
    if a.base_value() >= b.base_value() {
        (first, second)
    } else {
        (second, first)
    }
}

fn admitted(claim: &Quantity, value: f64) -> bool {
    value.is_finite() && compare(claim, Stated::computed(value)) == Comparison::Admitted
}

/// `a` is stated as the start of a change whose end is `b`.
fn is_transition(a: &Operand<'_>, b: &Operand<'_>) -> bool {
    a.fact == b.fact
        && a.quantity
            .transition
            .is_some_and(|t| t.role == TransitionRole::From && t.partner() == b.index)
}

/// Two values of one row are in the same column (`커밋 (BE+FE)`), or not
/// table cells at all: the `17` commits and `30` issues of one month are not
/// a part and its whole.
fn same_column(a: &Quantity, b: &Quantity) -> bool {
    super::features::label_column(a) == super::features::label_column(b)
}

/// Words of a table row key that name no metric of their own: `총 커밋` and
/// `커밋` of another year's table are one metric.
const TOTAL_KEY_WORDS: &[&str] = &["총", "전체", "합계", "누적", "연간"];

/// What a table cell measures, as the words that name it: the column in a
/// table whose rows are periods (`2월 · 커밋 (BE+FE) · BE` → `커밋`, `be`),
/// else the row key (`월 평균 커밋 · 수치` → `월`, `평균`, `커밋`). `None` for
/// a value that is not a table cell.
pub(crate) fn metric_words(quantity: &Quantity) -> Option<Vec<String>> {
    let label = quantity.label.as_deref()?;
    let mut pieces = label.split(" · ");
    let first = pieces.next()?;
    let subject = match pieces.next() {
        Some(column) if super::check::is_series_key(first) => column,
        _ => first,
    };
    let mut words = Vec::new();
    super::features::for_each_word(&super::features::clean_label(subject), |word| {
        let word = word.to_lowercase();
        if !TOTAL_KEY_WORDS.contains(&word.as_str()) {
            words.push(word);
        }
    });
    if let Some(part) = super::features::table_parts(label).1 {
        words.push(part);
    }
    words.sort();
    words.dedup();
    Some(words)
}

/// Two values of different facts measure the same thing, as far as table
/// labels tell: `2월 커밋 35` and `1월 이슈 5` do not (so no `35/5 = 7배`);
/// `총 커밋 486개` of one year and `총 커밋 508개` of the next do. Values
/// that are not both table cells are not told apart here.
fn same_metric(a: &Quantity, b: &Quantity) -> bool {
    match (metric_words(a), metric_words(b)) {
        (Some(left), Some(right)) => left == right,
        _ => true,
    }
}

/// Two values of one table cell: `330` and `178` of `508개 (BE 330 + FE
/// 178)`, or the parts of `35 (31+4)` under `커밋 (BE+FE)`.
fn same_cell(a: &Operand<'_>, b: &Operand<'_>) -> bool {
    a.fact == b.fact
        && a.quantity.label.is_some()
        && b.quantity.label.is_some()
        && same_column(a.quantity, b.quantity)
}

/// Two values a fact sets side by side (`BE 330 vs FE 178`), neither the
/// end of a change.
fn side_by_side(a: &Operand<'_>, b: &Operand<'_>) -> bool {
    a.fact == b.fact
        && a.fact_contrasts
        && a.quantity.transition.is_none()
        && b.quantity.transition.is_none()
}

/// A part of a split table cell: `31` of `35 (31+4)` under `커밋 (BE+FE)`.
fn is_split_part(quantity: &Quantity) -> bool {
    quantity
        .label
        .as_deref()
        .is_some_and(|label| super::features::table_parts(label).1.is_some())
}

/// Two values of different facts that may be compared: neither is an end
/// of a change its own fact states, which pairs it with its other end only
/// (`463` of `커밋 463→508` is not compared with another fact's `80개`).
fn compared_across_facts(a: &Operand<'_>, b: &Operand<'_>) -> bool {
    a.fact != b.fact && a.quantity.transition.is_none() && b.quantity.transition.is_none()
}

/// Two values of one fact that the fact compares: the two ends of a stated
/// change, or, in a fact that speaks of a change in words (`단축`, `감소`),
/// two values that are not ends of other changes. In `커밋 463→508, 이슈
/// 529→152`, 463 and 152 are about different things.
fn compared_in_fact(a: &Operand<'_>, b: &Operand<'_>) -> bool {
    a.fact == b.fact
        && (is_transition(a, b)
            || is_transition(b, a)
            || (a.fact_changes
                && a.quantity.transition.is_none()
                && b.quantity.transition.is_none()))
}

fn result(expression: String, operands: &[&Operand<'_>]) -> Option<Derivation> {
    let mut facts: Vec<usize> = Vec::new();
    for operand in operands {
        if !facts.contains(&operand.fact) {
            facts.push(operand.fact);
        }
    }
    Some(Derivation { expression, facts })
}

/// Finds a derivation of `claim` from `operands`, if one is admitted.
pub(crate) fn derive(claim: &Quantity, cues: Cues, operands: &[Operand<'_>]) -> Option<Derivation> {
    let claim_family = Family::of(claim);
    if claim.base_max().is_some() {
        return None;
    }
    match claim_family {
        Family::Percent => percent(claim, cues, operands),
        Family::PercentPoint => percent_point(claim, operands),
        Family::Ratio => ratio(claim, cues, operands),
        Family::Count | Family::Duration | Family::Size | Family::Money => {
            amount(claim, claim_family, cues, operands)
        }
    }
}

/// Pairs `(a, b)` of distinct operands of one family that may be combined.
fn pairs<'o, 'q>(
    operands: &'o [Operand<'q>],
    cross_facts: bool,
) -> impl Iterator<Item = (&'o Operand<'q>, &'o Operand<'q>)> + 'o {
    operands.iter().enumerate().flat_map(move |(i, a)| {
        operands.iter().enumerate().filter_map(move |(j, b)| {
            let related = i != j
                && !a.weak
                && !b.weak
                && Family::of(a.quantity) == Family::of(b.quantity)
                && a.quantity.base_max().is_none()
                && b.quantity.base_max().is_none()
                && (a.fact == b.fact
                    || (cross_facts
                        && a.rank < 3
                        && b.rank < 3
                        && a.focus
                        && b.focus
                        && same_metric(a.quantity, b.quantity)));
            related.then_some((a, b))
        })
    })
}

fn percent(claim: &Quantity, cues: Cues, operands: &[Operand<'_>]) -> Option<Derivation> {
    for (a, b) in pairs(operands, cues.change || cues.share) {
        let (x, y) = (a.quantity.base_value(), b.quantity.base_value());
        if x <= 0.0 || y < 0.0 {
            continue;
        }
        // Change from a to b: along a stated transition, or in either order
        // within a fact that states a change.
        let stated_change = is_transition(a, b) || (compared_in_fact(a, b) && !is_transition(b, a));
        if stated_change || (cues.change && compared_across_facts(a, b)) {
            let change = (x - y).abs() / x * 100.0;
            if admitted(claim, change) {
                let values = shown(&[a.quantity, b.quantity]);
                let (left, right) = if x >= y {
                    (values[0].clone(), values[1].clone())
                } else {
                    (values[1].clone(), values[0].clone())
                };
                let expression = format!(
                    "({left}-{right})/{} = {}",
                    values[0],
                    format_result(claim, change)
                );
                return result(expression, &[a, b]);
            }
        }
        // The level a change reached, as a percentage of where it started
        // (`33% 수준으로 축소` for 9개 → 3개, `110%로 증가` for 463 → 508):
        // the smaller over the larger for a fall, the other way for a rise.
        if cues.level
            && cues.fall != cues.rise
            && x > 0.0
            && y > 0.0
            && Family::of(a.quantity) != Family::Percent
            && (stated_change || (cues.change && compared_across_facts(a, b)))
            && (x > y) == cues.fall
        {
            let level = y / x * 100.0;
            if admitted(claim, level) {
                let values = shown(&[a.quantity, b.quantity]);
                let expression = format!(
                    "{}/{} = {}",
                    values[1],
                    values[0],
                    format_result(claim, level)
                );
                return result(expression, &[a, b]);
            }
        }
        // Share of a in b, when the claim speaks of a share (`비중`, `중`);
        // b is a whole, not one part of a split cell (`31` of `35 (31+4)`).
        if x < y
            && cues.share
            && Family::of(a.quantity) != Family::Percent
            && !is_split_part(b.quantity)
            && (a.fact != b.fact || same_column(a.quantity, b.quantity))
        {
            let share = x / y * 100.0;
            if admitted(claim, share) {
                let values = shown(&[a.quantity, b.quantity]);
                let expression = format!(
                    "{}/{} = {}",
                    values[0],
                    values[1],
                    format_result(claim, share)
                );
                return result(expression, &[a, b]);
            }
        }
    }
    None
}

fn percent_point(claim: &Quantity, operands: &[Operand<'_>]) -> Option<Derivation> {
    for (a, b) in pairs(operands, false) {
        if Family::of(a.quantity) != Family::Percent {
            continue;
        }
        let difference = a.quantity.base_value() - b.quantity.base_value();
        if difference > 0.0 && admitted(claim, difference) {
            let expression = format!(
                "{}-{} = {}",
                a.quantity.surface,
                b.quantity.surface,
                format_result(claim, difference)
            );
            return result(expression, &[a, b]);
        }
    }
    None
}

fn ratio(claim: &Quantity, cues: Cues, operands: &[Operand<'_>]) -> Option<Derivation> {
    for (a, b) in pairs(operands, true) {
        // Within one fact, only values the fact itself compares, or the
        // values of one split cell (`BE 330 + FE 178` → 1.9배).
        // A split is not a change: `2월 BE 31, FE 4` is no `7배 증가`.
        let split = (same_cell(a, b) || side_by_side(a, b)) && !cues.change;
        if !(compared_in_fact(a, b) || compared_across_facts(a, b) || split) {
            continue;
        }
        let (x, y) = (a.quantity.base_value(), b.quantity.base_value());
        if x > y && y > 0.0 && claim.unit() == FRACTION_UNIT {
            let values = shown(&[a.quantity, b.quantity]);
            // `3분의 1로`: what is left of the larger value; `3분의 1 감소`:
            // what was taken off it.
            let (value, expression) = if cues.change && !cues.level {
                let value = (x - y) / x;
                let shown_value = format_number(value);
                (
                    value,
                    format!(
                        "({}-{})/{} = {shown_value}",
                        values[0], values[1], values[0]
                    ),
                )
            } else {
                let value = y / x;
                (
                    value,
                    format!("{}/{} = {}", values[1], values[0], format_number(value)),
                )
            };
            if admitted(claim, value) {
                return result(expression, &[a, b]);
            }
        } else if x > y && y > 0.0 {
            let value = x / y;
            if admitted(claim, value) {
                let values = shown(&[a.quantity, b.quantity]);
                let expression = format!(
                    "{}/{} = {}",
                    values[0],
                    values[1],
                    format_result(claim, value)
                );
                return result(expression, &[a, b]);
            }
        }
    }
    None
}

fn amount(
    claim: &Quantity,
    family: Family,
    cues: Cues,
    operands: &[Operand<'_>],
) -> Option<Derivation> {
    let all_of_family: Vec<&Operand<'_>> = operands
        .iter()
        .filter(|operand| {
            Family::of(operand.quantity) == family && operand.quantity.base_max().is_none()
        })
        .collect();
    let of_family: Vec<&Operand<'_>> = all_of_family
        .iter()
        .copied()
        .filter(|operand| !operand.weak)
        .collect();

    // Difference along a stated change (or within one fact, when the claim speaks of a change).
    for (a, b) in pairs(operands, false) {
        if Family::of(a.quantity) != family {
            continue;
        }
        let stated_change = is_transition(a, b);
        if !(stated_change || (cues.change && a.fact_changes && a.index < b.index)) {
            continue;
        }
        let difference = (a.quantity.base_value() - b.quantity.base_value()).abs();
        if difference > 0.0 && admitted(claim, difference) {
            let (left, right) = larger_first(a.quantity, b.quantity);
            let expression = format!("{left}-{right} = {}", format_result(claim, difference));
            return result(expression, &[a, b]);
        }
    }

    // A year's worth of a monthly amount or monthly saving (`월 인프라 비용
    // 1,200만 원 → 800만 원`, claimed as `연간 4,800만 원 절감`).
    if cues.yearly {
        for (a, b) in pairs(operands, false) {
            if Family::of(a.quantity) != family || !a.fact_monthly || !is_transition(a, b) {
                continue;
            }
            let difference = (a.quantity.base_value() - b.quantity.base_value()).abs();
            if difference > 0.0 && admitted(claim, difference * 12.0) {
                let (left, right) = larger_first(a.quantity, b.quantity);
                let expression = format!(
                    "({left}-{right})×12 = {}",
                    format_result(claim, difference * 12.0)
                );
                return result(expression, &[a, b]);
            }
        }
        for operand in &of_family {
            let yearly = operand.quantity.base_value() * 12.0;
            if operand.fact_monthly
                && operand.quantity.transition.is_none()
                && admitted(claim, yearly)
            {
                let expression = format!(
                    "{}×12 = {}",
                    shown(&[operand.quantity])[0],
                    format_result(claim, yearly)
                );
                return result(expression, &[operand]);
            }
        }
    }

    if cues.sum {
        // All quantities of the family in one fact (a stated split), then pairs across facts.
        let mut facts: Vec<usize> = all_of_family.iter().map(|operand| operand.fact).collect();
        facts.dedup();
        for fact in facts {
            let parts: Vec<&Operand<'_>> = all_of_family
                .iter()
                .copied()
                .filter(|o| o.fact == fact && o.quantity.base_unit() == claim.base_unit())
                .collect();
            if parts.len() >= 2 {
                let total: f64 = parts.iter().map(|o| o.quantity.base_value()).sum();
                if admitted(claim, total) {
                    let quantities: Vec<&Quantity> = parts.iter().map(|o| o.quantity).collect();
                    let expression = format!(
                        "{} = {}",
                        shown(&quantities).join("+"),
                        format_result(claim, total)
                    );
                    return result(expression, &parts);
                }
            }
        }
        for (a, b) in pairs(operands, true) {
            if Family::of(a.quantity) != family || a.fact == b.fact {
                continue;
            }
            let total = a.quantity.base_value() + b.quantity.base_value();
            if admitted(claim, total) {
                let values = shown(&[a.quantity, b.quantity]);
                let expression = format!(
                    "{}+{} = {}",
                    values[0],
                    values[1],
                    format_result(claim, total)
                );
                return result(expression, &[a, b]);
            }
        }
    }

    if cues.average {
        for total in &of_family {
            // Over a stated count or span.
            for divisor in operands.iter().filter(|operand| !operand.weak) {
                if std::ptr::eq(divisor.quantity, total.quantity)
                    || !(divisor.fact == total.fact || (divisor.rank < 3 && total.rank < 3))
                {
                    continue;
                }
                let count = match divisor.quantity.dimension() {
                    Dimension::Count | Dimension::Number if family != Family::Count => {
                        divisor.quantity.value
                    }
                    Dimension::Duration if divisor.quantity.unit() == "개월" => {
                        divisor.quantity.value
                    }
                    Dimension::Duration if divisor.quantity.unit() == "년" && cues.monthly => {
                        divisor.quantity.value * 12.0
                    }
                    _ => continue,
                };
                if count < 2.0 || divisor.quantity.base_max().is_some() {
                    continue;
                }
                let average = total.quantity.base_value() / count;
                if admitted(claim, average) {
                    let expression = format!(
                        "{}/{} = {}",
                        shown(&[total.quantity])[0],
                        divisor.quantity.surface,
                        format_result(claim, average)
                    );
                    return result(expression, &[total, divisor]);
                }
            }
            // Over the months of the fact's own period.
            if cues.monthly {
                if let Some(months) = total.period_months.filter(|months| *months >= 2.0) {
                    let average = total.quantity.base_value() / months;
                    if admitted(claim, average) {
                        let expression = format!(
                            "{}/{}개월 = {}",
                            shown(&[total.quantity])[0],
                            format_number(months),
                            format_result(claim, average)
                        );
                        return result(expression, &[total]);
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::extract_quantities;

    /// The quantities of one fact that states a change, as operands.
    fn operands_of(fact: &[Quantity]) -> Vec<Operand<'_>> {
        fact.iter()
            .enumerate()
            .map(|(index, quantity)| Operand {
                fact: 0,
                rank: 0,
                index,
                quantity,
                period_months: None,
                fact_changes: true,
                weak: false,
                focus: true,
                fact_contrasts: false,
                fact_monthly: false,
            })
            .collect()
    }

    fn first(text: &str) -> Quantity {
        extract_quantities(text)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no quantity in {text}"))
    }

    #[test]
    fn percent_change_along_a_transition() {
        let fact = extract_quantities(
            "기존 메인페이지가 최대 600ms까지 넘었던 부분을 33ms내로 응답될 수 있도록 개선",
        );
        let operands = operands_of(&fact);
        let cues = Cues::of("응답시간 94.5% 단축");
        for text in ["94.5% 단축", "94% 단축", "95% 단축", "약 94% 단축"] {
            let derivation = derive(&first(text), cues, &operands);
            assert!(derivation.is_some(), "{text}");
        }
        let derivation = derive(&first("94.5% 단축"), cues, &operands).map(|d| d.expression);
        assert_eq!(derivation.as_deref(), Some("(600-33)/600 = 94.5%"));
        assert!(derive(&first("90% 단축"), cues, &operands).is_none());
        let ratio =
            derive(&first("18배 빨라짐"), Cues::of("18배 빨라짐"), &operands).map(|d| d.expression);
        assert_eq!(ratio.as_deref(), Some("600/33 = 18.2배"));
    }

    /// A table cell with its label, as a fact of its own.
    fn cell(text: &str, label: &str) -> Quantity {
        let mut quantity = first(text);
        quantity.label = Some(label.into());
        quantity
    }

    fn across_facts<'q>(quantities: &[&'q Quantity]) -> Vec<Operand<'q>> {
        quantities
            .iter()
            .enumerate()
            .map(|(fact, quantity)| Operand {
                fact,
                rank: fact,
                index: 0,
                quantity,
                period_months: None,
                fact_changes: false,
                weak: false,
                focus: true,
                fact_contrasts: false,
                fact_monthly: false,
            })
            .collect()
    }

    #[test]
    fn a_monthly_saving_is_annualised_when_the_claim_says_a_year() {
        let text = "월 인프라 비용 1,200만 원 → 800만 원";
        assert!(per_month(text));
        assert!(!per_month("3월 인프라 비용 1,200만 원"));
        let fact = extract_quantities(text);
        let mut operands = operands_of(&fact);
        for operand in &mut operands {
            operand.fact_monthly = true;
        }
        let claim = first("연간 4,800만 원 절감");
        let derivation = derive(&claim, Cues::of("연간 4,800만 원 절감"), &operands);
        assert_eq!(
            derivation.map(|d| d.expression),
            Some("(12000000-8000000)×12 = 48000000원".to_string())
        );
        let wrong = first("연간 4,000만 원 절감");
        assert!(derive(&wrong, Cues::of("연간 4,000만 원 절감"), &operands).is_none());
        // Without a year in the claim, no annualising.
        assert!(derive(&claim, Cues::of("4,800만 원 절감"), &operands).is_none());
    }

    #[test]
    fn cells_of_different_metrics_are_not_compared() {
        let commits = cell("35", "2월 · 커밋 (BE+FE)");
        let issues = cell("5", "1월 · 이슈");
        let average = cell("42개", "월 평균 커밋 · 수치");
        let total = cell("152개", "총 이슈 · 수치");
        let change = Cues::of("커밋 7배 증가");
        let pairs = across_facts(&[&commits, &issues]);
        assert!(derive(&first("7배 증가"), change, &pairs).is_none());
        let pairs = across_facts(&[&total, &average]);
        assert!(derive(&first("3.6배 증가"), change, &pairs).is_none());
        // One metric in two years' tables: `총 커밋` and `총 커밋`.
        let before = cell("463개", "총 커밋 · 수치");
        let after = cell("508개", "총 커밋 · 수치");
        let pairs = across_facts(&[&before, &after]);
        let derivation = derive(&first("9.7% 증가"), Cues::of("커밋 9.7% 증가"), &pairs);
        assert_eq!(
            derivation.map(|d| d.expression).as_deref(),
            Some("(508-463)/463 = 9.72%")
        );
    }

    #[test]
    fn values_set_side_by_side_give_a_ratio_but_no_change() {
        let fact = extract_quantities("백엔드 중심(BE 330 vs FE 178) 작업");
        let mut operands = operands_of(&fact);
        for operand in &mut operands {
            operand.fact_changes = false;
            operand.fact_contrasts = true;
        }
        let ratio = derive(&first("1.9배"), Cues::of("BE 커밋이 FE의 1.9배"), &operands);
        assert_eq!(
            ratio.map(|d| d.expression).as_deref(),
            Some("330/178 = 1.85배")
        );
        let change = Cues::of("커밋 1.9배 증가");
        assert!(derive(&first("1.9배 증가"), change, &operands).is_none());
    }

    #[test]
    fn a_percentage_level_is_the_end_over_the_start() {
        let fact = extract_quantities("서비스 인스턴스 수가 9개에서 3개로 감소");
        let operands = operands_of(&fact);
        let level = |text: &str| Cues {
            level: true,
            ..Cues::of(text)
        };
        let text = "인스턴스 수를 33% 수준으로 축소";
        let derivation = derive(&first(text), level(text), &operands).map(|d| d.expression);
        assert_eq!(derivation.as_deref(), Some("3/9 = 33.3%"));
        // A rise never reads a fall's level, nor a level without a direction.
        for text in [
            "인스턴스 수를 33% 수준으로 늘림",
            "인스턴스 수를 50% 수준으로 축소",
        ] {
            assert!(
                derive(&first(text), level(text), &operands).is_none(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_fraction_is_what_is_left_of_the_larger_value() {
        let fact = extract_quantities("서비스 인스턴스 수가 9개에서 3개로 감소");
        let operands = operands_of(&fact);
        let level = Cues {
            level: true,
            ..Cues::of("인스턴스를 3분의 1로 축소")
        };
        for text in ["3분의 1로 축소", "1/3로 축소"] {
            let derivation = derive(&first(text), level, &operands).map(|d| d.expression);
            assert_eq!(derivation.as_deref(), Some("3/9 = 0.33"), "{text}");
        }
        assert!(derive(&first("4분의 1로 축소"), level, &operands).is_none());
        assert!(derive(&first("2분의 1로 축소"), level, &operands).is_none());
        // `3분의 2 감소`: the size of the change, (9-3)/9.
        let change = Cues::of("인스턴스 3분의 2 감소");
        let derivation = derive(&first("3분의 2 감소"), change, &operands).map(|d| d.expression);
        assert_eq!(derivation.as_deref(), Some("(9-3)/9 = 0.67"));
        assert!(derive(&first("3분의 1 감소"), change, &operands).is_none());
    }

    #[test]
    fn values_of_different_changes_in_one_fact_are_not_compared() {
        let fact = extract_quantities(
            "2024년 대비 커밋 수가 증가(463→508)하고 이슈 수가 감소(529→152)한 것은",
        );
        let operands = operands_of(&fact);
        let cues = Cues::of("이슈 수 감소");
        let expression = |text: &str| {
            derive(&first(text), cues, &operands).map(|derivation| derivation.expression)
        };
        assert_eq!(
            expression("3.5배 감소").as_deref(),
            Some("529/152 = 3.48배")
        );
        assert_eq!(
            expression("71% 감소").as_deref(),
            Some("(529-152)/529 = 71.3%")
        );
        // 508 커밋 against 152 이슈, 463 커밋 against 152 이슈.
        assert_eq!(expression("3.3배 감소"), None);
        assert_eq!(expression("67% 감소"), None);
    }

    #[test]
    fn numbers_format_briefly() {
        assert_eq!(format_number(94.545), "94.5");
        assert_eq!(format_number(18.0), "18");
        assert_eq!(format_number(2.456), "2.46");
    }
}
