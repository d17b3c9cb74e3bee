//! When does a number in a draft say the same as a number in the sources?
//!
//! Writers round, truncate and loosen numbers; a verifier that demands equal
//! digits flags every correct `94%` computed from `600ms → 33ms`, and one that
//! accepts anything close lets `90% 이상` pass for a source's `80% 이상`. The
//! rule here is written down once and used for stated and derived values alike
//! (the README's "Tolerance" section describes it for users):
//!
//! 1. Values are compared in the dimension's base unit (ms, %, 배, the counter,
//!    bytes), so `1.8초` = `1800ms`, `41만 건` = `410000건`, `2시간 30분` = `150분`.
//! 2. The claim's *written precision* `p` is one unit of its last written digit,
//!    times a `만`/`천`/`억` multiplier: `94%` → 1%, `94.5%` → 0.1%, `41만` →
//!    10 000, `1.8초` → 100 ms, `2시간 30분` → 1 분, `1시간 반` → half an
//!    hour; a fraction (`3분의 1`, `1/3`) is written to a tenth of its value.
//! 3. A plain claim `v` is admitted for a source value `x` when `v` is `x`
//!    rounded half-up to `p`, or — for percentages and ratios, which writers
//!    also truncate — truncated to `p`: 94.5% admits `94%`, `95%`, `94.5%`,
//!    not `93%` or `96%`; 18.2배 admits `18배`; 40.5개 admits `41개`, and
//!    2시간 30분 admits `2시간 30분` and `150분` but not `2시간`. An amount
//!    (a duration, count or size) rounded so may move by a tenth at most:
//!    1.9초 admits `2초`, 600ms does not admit `1초`.
//! 4. `약`/`대략`/`가량`/`여` on either side widens this to
//!    `|x − v| ≤ max(p, r / 2, 3% of v)`, where `r` is the precision including
//!    the claim's trailing zeros (`약 90%` → 10%, capped at 20% of `v`):
//!    94.5 admits `약 90%`, `약 94%`, `약 95%`, not `약 85%`.
//! 5. Bounds keep their direction. A claim `v 이상` (or `초과`, `최소`) is
//!    admitted by a source stating `v` (plainly or as a lower bound) by rule
//!    3/4, and by a *plain* source value `x` (measured or computed, not itself
//!    a bound) when `v` is `x` rounded down at the claim's precision including
//!    trailing zeros (`v ≤ x < v + r`): 94.5% admits `90% 이상`, 82% admits
//!    `80% 이상`; a source's `80% 이상` admits `80% 이상` and `80%`, never
//!    `90% 이상` or `75% 이상` (a stated bound is often a threshold, and a
//!    changed threshold is an error). `v 이하` (`이내`, `최대`, `미만`) mirrors
//!    it, rounding up: 33ms admits `40ms 이내`, not `36ms 이내`. A bound
//!    against the opposite bound (`80% 이하` for `80% 이상`) is a conflict.
//! 6. Ranges: a range claim needs both ends admitted by a source range, or a
//!    single source value inside it; a single claim against a source range is
//!    admitted inside the range (`최대 3%` at its top, `최소 2%` at its bottom).

use crate::quantity::{Dimension, Qualifier, Quantity, FRACTION_UNIT};

/// A source value: stated in a fact, or computed from facts (`qualifier` and
/// `precision` are then `None` and 0).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stated {
    pub low: f64,
    pub high: Option<f64>,
    pub qualifier: Option<Qualifier>,
    /// The source's own written precision, in base units (used with `약`).
    pub precision: f64,
}

impl Stated {
    pub fn of(quantity: &Quantity) -> Stated {
        Stated {
            low: quantity.base_value(),
            high: quantity.base_max(),
            qualifier: quantity.qualifier,
            precision: written(quantity).precision,
        }
    }

    pub fn computed(value: f64) -> Stated {
        Stated {
            low: value,
            high: None,
            qualifier: None,
            precision: 0.0,
        }
    }
}

/// How precisely a quantity was written, in its base unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Written {
    /// One unit of the last written digit (with `만`/`천` multipliers).
    pub precision: f64,
    /// The same including trailing zeros (`약 90` → 10), capped at 20% of the value.
    pub rounding: f64,
}

/// The written precision of `quantity`, read from its surface.
pub(crate) fn written(quantity: &Quantity) -> Written {
    let surface = quantity.surface.as_str();
    let factor = unit_factor(quantity);
    if quantity.unit() == FRACTION_UNIT {
        // A fraction has no last digit to round at: a tenth of its value
        // (`3분의 1` stands for about 0.32 … 0.36, not 0.3).
        let precision = quantity.base_value().abs() / 10.0;
        return Written {
            precision,
            rounding: precision,
        };
    }
    if surface.ends_with('반') {
        // `1시간 반`: written to the half unit.
        let precision = 0.5 * factor;
        return Written {
            precision,
            rounding: precision,
        };
    }
    let Some(((digits, count), decimals, end)) = last_number(surface) else {
        return Written {
            precision: factor,
            rounding: factor,
        };
    };
    let integer = std::str::from_utf8(&digits[..count]).unwrap_or("");
    let multiplier = multiplier_after(&surface[end..]);
    let precision_written = 10f64.powi(-(decimals as i32)) * multiplier;
    let precision = precision_written * factor;
    let mut rounding = precision;
    if decimals == 0 {
        let significant = integer.trim_start_matches('0');
        let zeros = significant.len() - significant.trim_end_matches('0').len();
        let zeros = zeros.min(significant.len().saturating_sub(1));
        rounding = precision * 10f64.powi(zeros as i32);
        let last_value = quantity.base_max().unwrap_or(quantity.base_value()).abs();
        if last_value > 0.0 {
            rounding = rounding.min(0.2 * last_value).max(precision);
        }
    }
    Written {
        precision,
        rounding,
    }
}

/// Base units per written unit (`분` → 60 000 ms).
fn unit_factor(quantity: &Quantity) -> f64 {
    if quantity.value != 0.0 && quantity.base_value() != 0.0 {
        return quantity.base_value() / quantity.value;
    }
    match (quantity.max, quantity.base_max()) {
        (Some(max), Some(base_max)) if max != 0.0 && base_max != 0.0 => base_max / max,
        _ => 1.0,
    }
}

/// The last run of digits (with `,` and `.`) in `surface`: its integer
/// digits (commas removed, at most 20 kept), the number of decimals, and the
/// byte offset just past it.
fn last_number(surface: &str) -> Option<(([u8; 20], usize), usize, usize)> {
    let bytes = surface.as_bytes();
    let last_digit = bytes.iter().rposition(u8::is_ascii_digit)?;
    let mut start = last_digit;
    while start > 0
        && (bytes[start - 1].is_ascii_digit()
            || bytes[start - 1] == b','
            || bytes[start - 1] == b'.')
    {
        start -= 1;
    }
    let run = &bytes[start..=last_digit];
    let (integer_part, decimals) = match run.iter().rposition(|byte| *byte == b'.') {
        Some(point) => (&run[..point], run.len() - point - 1),
        None => (run, 0),
    };
    let mut digits = [0u8; 20];
    let mut count = 0;
    for byte in integer_part.iter().filter(|byte| byte.is_ascii_digit()) {
        if count < digits.len() {
            digits[count] = *byte;
            count += 1;
        }
    }
    Some(((digits, count), decimals, last_digit + 1))
}

/// `만` → 10⁴, `천` → 10³, `억` → 10⁸ (also `십만`, `백만`, `천만`), `k` → 10³.
fn multiplier_after(rest: &str) -> f64 {
    let rest = rest.trim_start();
    let table: [(&str, f64); 9] = [
        ("천만", 1e7),
        ("백만", 1e6),
        ("십만", 1e5),
        ("만", 1e4),
        ("천", 1e3),
        ("억", 1e8),
        ("백", 1e2),
        ("k", 1e3),
        ("K", 1e3),
    ];
    for (word, multiplier) in table {
        if rest.starts_with(word) {
            // `k` only as a suffix of its own (`3k`, not `3kb`).
            if word.eq_ignore_ascii_case("k")
                && rest[1..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
            {
                return 1.0;
            }
            return multiplier;
        }
    }
    1.0
}

fn epsilon(left: f64, right: f64) -> f64 {
    1e-9 * left.abs().max(right.abs()).max(1.0)
}

fn equal(left: f64, right: f64) -> bool {
    (left - right).abs() <= epsilon(left, right)
}

fn is_about(qualifier: Option<Qualifier>) -> bool {
    qualifier == Some(Qualifier::About)
}

fn is_lower_bound(qualifier: Option<Qualifier>) -> bool {
    matches!(
        qualifier,
        Some(Qualifier::AtLeast) | Some(Qualifier::MoreThan)
    )
}

fn is_upper_bound(qualifier: Option<Qualifier>) -> bool {
    matches!(
        qualifier,
        Some(Qualifier::AtMost) | Some(Qualifier::LessThan)
    )
}

/// Rule 3/4: `claimed` written with precision `written` against source value `source`.
fn close(
    claimed: f64,
    source: f64,
    written: Written,
    about: bool,
    source_precision: f64,
    truncation: bool,
) -> bool {
    if equal(claimed, source) {
        return true;
    }
    if about {
        let allowed = written
            .precision
            .max(written.rounding / 2.0)
            .max(0.03 * claimed.abs())
            .max(source_precision);
        return (claimed - source).abs() <= allowed + epsilon(claimed, source);
    }
    let precision = written.precision;
    if precision <= 0.0 {
        return false;
    }
    let steps = source / precision;
    let truncated = steps.floor() * precision;
    let rounded = (steps + 0.5).floor() * precision;
    if truncation {
        return equal(claimed, rounded) || equal(claimed, truncated);
    }
    // An amount rounded to a coarse unit moves far (`1초` for 600ms, `2시간`
    // for 1시간 30분): plainly written, it may move by a tenth at most.
    equal(claimed, rounded)
        && (claimed - source).abs() <= AMOUNT_SHARE * claimed.abs().max(source.abs())
}

/// How far rounding may move a plainly written amount (a duration, count or
/// size), as a share of it: `2초` for 1.9초, not `1초` for 600ms.
const AMOUNT_SHARE: f64 = 0.1;

/// The outcome of comparing a claim with one source value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    /// The source admits the claim.
    Admitted,
    /// The same value, but the bounds point opposite ways (`이상` vs `이하`).
    Conflict,
    /// A different value.
    Different,
}

/// Compares `claim` (as written in the draft) with a source value.
pub(crate) fn compare(claim: &Quantity, source: Stated) -> Comparison {
    let written = written(claim);
    let about = is_about(claim.qualifier) || is_about(source.qualifier);
    let value = claim.base_value();
    // Truncation (`94%` for 94.5%) is a way of writing ratios; an amount
    // written smaller than it was (`2시간` for 2시간 30분) is not.
    let truncation = matches!(
        claim.dimension(),
        Dimension::Percent | Dimension::PercentPoint | Dimension::Ratio
    );
    let close_to = |target: f64| close(value, target, written, about, source.precision, truncation);

    match (claim.base_max(), source.high) {
        (Some(claim_high), Some(source_high)) => {
            let written_high = written;
            let high_close = close(
                claim_high,
                source_high,
                written_high,
                about,
                source.precision,
                truncation,
            );
            if close_to(source.low) && high_close {
                Comparison::Admitted
            } else {
                Comparison::Different
            }
        }
        (Some(claim_high), None) => {
            let inside = source.low >= value - epsilon(value, source.low)
                && source.low <= claim_high + epsilon(claim_high, source.low);
            if inside {
                Comparison::Admitted
            } else {
                Comparison::Different
            }
        }
        (None, Some(source_high)) => {
            let admitted = if is_upper_bound(claim.qualifier) {
                close_to(source_high)
            } else if is_lower_bound(claim.qualifier) {
                close_to(source.low)
            } else {
                (value >= source.low - epsilon(value, source.low)
                    && value <= source_high + epsilon(value, source_high))
                    || close_to(source.low)
                    || close_to(source_high)
            };
            if admitted {
                Comparison::Admitted
            } else {
                Comparison::Different
            }
        }
        (None, None) => compare_single(claim.qualifier, value, source, written, &close_to),
    }
}

fn compare_single(
    qualifier: Option<Qualifier>,
    value: f64,
    source: Stated,
    written: Written,
    close_to: &dyn Fn(f64) -> bool,
) -> Comparison {
    let target = source.low;
    let step = written.rounding.max(written.precision);
    let tolerance = epsilon(value, target);
    if is_lower_bound(qualifier) {
        if is_upper_bound(source.qualifier) {
            return if close_to(target) {
                Comparison::Conflict
            } else {
                Comparison::Different
            };
        }
        let rounded_down = source.qualifier.is_none()
            && target >= value - tolerance
            && target < value + step - tolerance;
        return if rounded_down || close_to(target) {
            Comparison::Admitted
        } else {
            Comparison::Different
        };
    }
    if is_upper_bound(qualifier) {
        if is_lower_bound(source.qualifier) {
            return if close_to(target) {
                Comparison::Conflict
            } else {
                Comparison::Different
            };
        }
        let rounded_up = source.qualifier.is_none()
            && target <= value + tolerance
            && target > value - step + tolerance;
        return if rounded_up || close_to(target) {
            Comparison::Admitted
        } else {
            Comparison::Different
        };
    }
    if close_to(target) {
        Comparison::Admitted
    } else {
        Comparison::Different
    }
}

/// True when `quantity`'s written number equals `other`'s (the digits agree)
/// while their base values differ: a unit swap such as `600초` for `600ms`.
pub(crate) fn same_digits_other_unit(quantity: &Quantity, other: &Quantity) -> bool {
    equal(quantity.value, other.value)
        && quantity.max.is_none() == other.max.is_none()
        && !equal(quantity.base_value(), other.base_value())
        && quantity.unit() != other.unit()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one quantity `surface` holds, as extracted, with `qualifier` set.
    fn quantity(surface: &str, value: f64, base: f64, qualifier: Option<Qualifier>) -> Quantity {
        let mut found = crate::quantity::extract_quantities(surface);
        assert_eq!(found.len(), 1, "{surface}");
        let mut quantity = found.remove(0);
        assert_eq!((quantity.value, quantity.base_value()), (value, base));
        quantity.qualifier = qualifier;
        quantity
    }

    #[test]
    fn a_rounded_amount_moves_by_a_tenth_at_most() {
        let amount = |surface: &str| {
            let found = crate::quantity::extract_quantities(surface);
            found.into_iter().next().expect("a quantity")
        };
        let admitted = |surface: &str, source: f64| {
            compare(&amount(surface), Stated::computed(source)) == Comparison::Admitted
        };
        assert!(admitted("2초", 1_900.0));
        assert!(admitted("41만 건", 405_000.0));
        assert!(!admitted("1초", 600.0));
        assert!(!admitted("2시간", 5_400_000.0));
        // `약` widens by rule 4 instead.
        assert!(admitted("약 1초", 900.0));
    }

    #[test]
    fn rounding_and_truncation_are_admitted() {
        let computed = Stated::computed(94.5454);
        for (surface, value) in [("94%", 94.0), ("95%", 95.0), ("94.5%", 94.5)] {
            assert_eq!(
                compare(&quantity(surface, value, value, None), computed),
                Comparison::Admitted,
                "{surface}"
            );
        }
        for (surface, value) in [("93%", 93.0), ("96%", 96.0), ("94.6%", 94.6)] {
            assert_eq!(
                compare(&quantity(surface, value, value, None), computed),
                Comparison::Different,
                "{surface}"
            );
        }
    }

    #[test]
    fn fractions_and_halves_round_at_their_own_precision() {
        use crate::quantity::extract_quantities;
        let only = |text: &str| extract_quantities(text).remove(0);
        let third = only("3분의 1");
        for (value, expected) in [
            (3.0 / 9.0, Comparison::Admitted),
            (0.34, Comparison::Admitted),
            (0.3, Comparison::Different),
            (0.25, Comparison::Different),
        ] {
            assert_eq!(
                compare(&third, Stated::computed(value)),
                expected,
                "{value}"
            );
        }
        let half_hour = 1_800_000.0;
        let ninety_minutes = Stated::computed(3.0 * half_hour);
        assert_eq!(
            compare(&only("1시간 반"), ninety_minutes),
            Comparison::Admitted
        );
        assert_eq!(
            compare(&only("1시간"), ninety_minutes),
            Comparison::Different
        );
        assert_eq!(
            compare(&only("1시간 반"), Stated::computed(4.0 * half_hour)),
            Comparison::Different
        );
    }

    #[test]
    fn about_widens() {
        let computed = Stated::computed(94.5);
        let about = Some(Qualifier::About);
        assert_eq!(
            compare(&quantity("90%", 90.0, 90.0, about), computed),
            Comparison::Admitted
        );
        assert_eq!(
            compare(&quantity("85%", 85.0, 85.0, about), computed),
            Comparison::Different
        );
    }

    #[test]
    fn bounds_keep_direction() {
        let source = Stated {
            low: 80.0,
            high: None,
            qualifier: Some(Qualifier::AtLeast),
            precision: 1.0,
        };
        let at_least = Some(Qualifier::AtLeast);
        assert_eq!(
            compare(&quantity("80%", 80.0, 80.0, at_least), source),
            Comparison::Admitted
        );
        assert_eq!(
            compare(&quantity("80%", 80.0, 80.0, None), source),
            Comparison::Admitted
        );
        assert_eq!(
            compare(&quantity("90%", 90.0, 90.0, at_least), source),
            Comparison::Different
        );
        assert_eq!(
            compare(
                &quantity("80%", 80.0, 80.0, Some(Qualifier::AtMost)),
                source
            ),
            Comparison::Conflict
        );
    }

    #[test]
    fn multipliers_set_precision() {
        let claim = quantity("41만 건", 410_000.0, 410_000.0, None);
        assert_eq!(claim.base_unit(), "건");
        assert_eq!(written(&claim).precision, 10_000.0);
        assert_eq!(
            compare(&claim, Stated::computed(412_345.0)),
            Comparison::Admitted
        );
        assert_eq!(
            compare(&claim, Stated::computed(425_000.0)),
            Comparison::Different
        );
    }
}
