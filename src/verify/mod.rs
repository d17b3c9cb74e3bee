//! The verifier: checks every number of a draft against the facts of one
//! company, and lints the sources themselves.
//!
//! This is why anyone would use `draft` instead of tools that only look for
//! the same digits somewhere in the sources: those miss a number moved to the
//! wrong metric (the draft's `재처리 요청 15%` where 15% is the CS figure) and
//! flag every correct percentage the writer computed (`94.5% 단축` from
//! `600ms → 33ms`). Here each number of the draft gets one [`Status`]:
//!
//! - **supported**: a fact about the same thing states the same quantity
//!   (value and unit after normalisation: `1.8초` = `1800ms`, `41만 건` =
//!   `410000건`, `2시간 30분` = `150분`);
//! - **derived**: it follows from quantities of the facts about the same thing
//!   (percent change, ratio, difference, sum, share, average, a monthly
//!   table's column over the span a sentence names: `상반기`, see `span`);
//!   the arithmetic is shown: `(600-33)/600 = 94.5%`;
//! - **mismatch**: the facts about the same thing state a different value (or
//!   unit, or bound);
//! - **unsupported**: nothing in the company's facts states or derives it.
//!
//! "The same thing" is decided from the words around the number in the draft
//! and in the fact (see `features`): character bigrams of Hangul words (Latin
//! words, words with digits and years whole), after dropping particles and
//! stopwords, weighted by their distance from the number (a comma, a table
//! cell border, `과`/`와`/`중` separate items that hold other numbers), by how
//! rare they are among the company's facts (idf), plus the headings/project,
//! a table cell's label, a parent bullet, and the fact's period (`2025년`,
//! `12월`). A fact's score for a claim is the share of the claim's weighted
//! words it has near its number, adjusted by the share of its own near words
//! the claim covers; facts from years the claim does not name score less.
//!
//! Decision, per number of the draft (see `matcher`):
//! 1. *supported* when a fact stating an admitted value scores at least
//!    0.15 and no less than the best fact stating another value minus a
//!    margin (0.12, or a quarter of that score when scores are low). Two
//!    values of one fact (`상품 캐시 TTL 5분, 카테고리 캐시 TTL 10분`) are told
//!    apart by the claim's words near its number. One end of a stated change
//!    (`10개에서 3개로`) is matched end to end: if its other end matches one
//!    value of a fact, the fact's other value is its referent;
//! 2. otherwise *derived* when an operation on the quantities of the few best
//!    facts gives it (see `derive`);
//! 3. otherwise *mismatch* when a fact stating another value scores at least
//!    0.25 (the reason names the value, or a unit/bound difference);
//! 4. otherwise *unsupported*.
//!
//! When two numbers count as equal is written down in `tolerance` (rounding,
//! truncation of ratios, `약` widening, bounds keeping their direction);
//! derivations use the same rule. A bare year (`## 2025 성과`) is not a claim.
//!
//! [`check_facts`] lints the sources: stated totals, splits, averages, maxima
//! and comparisons against the tables and statements they summarise.

mod check;
mod derive;
mod draft;
mod features;
mod matcher;
mod span;
mod tolerance;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::{fold_name, Profile};
use crate::facts::Fact;
use crate::ingest::{company_headings, parse_document, Block};
use crate::quantity::{Dimension, Quantity};

pub use check::{check_facts, Inconsistency, InconsistencyKind};

/// The verdict on one number of a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Supported,
    Derived,
    Mismatch,
    Unsupported,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Supported => "supported",
            Status::Derived => "derived",
            Status::Mismatch => "mismatch",
            Status::Unsupported => "unsupported",
        }
    }

    /// True for the statuses that make `draft verify` exit 1.
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Mismatch | Status::Unsupported)
    }
}

/// A fact cited for a claim or an inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub path: String,
    pub line: usize,
    pub text: String,
    pub fact_id: String,
}

impl SourceRef {
    pub fn of(fact: &Fact) -> SourceRef {
        SourceRef {
            path: fact.source.path.to_string(),
            line: fact.source.first_line(),
            text: fact.text.clone(),
            fact_id: fact.id.to_string(),
        }
    }
}

/// One number of a draft with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// 1-based line in the draft.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The quantity exactly as written (`2시간 30분`, `41만 건`, `2~3%`).
    pub text: String,
    /// The value in the written unit (the lower end of a range).
    pub value: f64,
    /// The written unit (`분`, `건`, `%`), empty for a bare number.
    pub unit: String,
    pub status: Status,
    /// The facts that state it (supported), that it is derived from
    /// (derived), or that state another value for the same thing (mismatch).
    pub sources: Vec<SourceRef>,
    /// The arithmetic of a derived claim: `(600-33)/600 = 94.5%`.
    pub derivation: Option<String>,
    /// Why a claim is a mismatch or unsupported.
    pub reason: Option<String>,
}

/// Verifies every quantity of `markdown` against `facts` (already narrowed to
/// one company by the caller). Claims come back in document order.
///
/// Builds its index once per call, from the draft's own words: the facts are
/// scanned once for them, so the cost grows with the corpus only linearly.
pub fn verify_markdown(markdown: &str, facts: &[Fact]) -> Vec<Claim> {
    let sites = draft::sites(markdown);
    matcher::verify_sites(&sites, facts)
}

/// The candidate facts and scores behind each claim's status (for tuning and
/// bug reports; the format is not stable).
#[doc(hidden)]
pub fn explain_markdown(markdown: &str, facts: &[Fact]) -> String {
    let sites = draft::sites(markdown);
    matcher::explain_sites(&sites, facts)
}

/// Adds to the reason of every mismatch or unsupported claim where `other_facts`
/// (another company's) state the number: such a number is not support for
/// this company, but the user should know where it came from.
pub fn explain_other_companies(markdown: &str, claims: &mut [Claim], other_facts: &[Fact]) {
    if other_facts.is_empty() || !claims.iter().any(|claim| claim.status.is_problem()) {
        return;
    }
    let elsewhere = verify_markdown(markdown, other_facts);
    // The first supported claim at each place, found once: a draft of
    // thousands of numbers was searched through once per number.
    let mut supported_at: HashMap<(usize, usize), &Claim> = HashMap::new();
    for other in elsewhere
        .iter()
        .filter(|other| other.status == Status::Supported)
    {
        supported_at
            .entry((other.line, other.column))
            .or_insert(other);
    }
    for claim in claims.iter_mut().filter(|claim| claim.status.is_problem()) {
        let found = supported_at.get(&(claim.line, claim.column));
        if let Some(source) = found.and_then(|other| other.sources.first()) {
            let company = other_facts
                .iter()
                .find(|fact| fact.id == source.fact_id)
                .map(|fact| &*fact.company)
                .unwrap_or("another company");
            let note = format!(
                "stated for {company} ({}:{}), not this company",
                source.path, source.line
            );
            claim.reason = Some(match claim.reason.take() {
                Some(reason) => format!("{reason}; {note}"),
                None => note,
            });
        }
    }
}

/// A verified draft: the company (or companies) its numbers were checked
/// against, and the claims in document order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedDraft {
    /// `None` when the draft names no known company and all facts were used;
    /// several companies are joined with `, `.
    pub company: Option<String>,
    pub claims: Vec<Claim>,
}

/// Verifies a whole draft the way `draft verify` does.
///
/// With `company`, every number is checked against that company's facts.
/// Without it, each section under a company heading (`# 한패스` followed by a
/// period line, see [`crate::ingest::company_headings`], or a level-1 heading
/// that is a known company's name or alias) is checked against the facts of
/// that company, and numbers outside such sections against all facts.
/// Mismatched and unsupported numbers that another company's facts state say so
/// in their reason.
pub fn verify_document(
    markdown: &str,
    facts: &[Fact],
    profile: &Profile,
    company: Option<&str>,
) -> VerifiedDraft {
    let sections: Vec<(usize, Option<String>)> = match company {
        Some(name) => vec![(1, Some(name.to_string()))],
        None => company_sections(markdown, facts, profile),
    };
    let mut claims: Vec<Claim> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (position, (first_line, name)) in sections.iter().enumerate() {
        let next_line = sections
            .get(position + 1)
            .map(|(line, _)| *line)
            .unwrap_or(usize::MAX);
        let (own, others): (Vec<Fact>, Vec<Fact>) = match name {
            Some(name) => facts
                .iter()
                .cloned()
                .partition(|fact| fold_name(&fact.company) == fold_name(name)),
            None => (facts.to_vec(), Vec::new()),
        };
        if let Some(name) = name {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        let mut section_claims: Vec<Claim> = verify_markdown(markdown, &own)
            .into_iter()
            .filter(|claim| claim.line >= *first_line && claim.line < next_line)
            .collect();
        explain_other_companies(markdown, &mut section_claims, &others);
        claims.extend(section_claims);
    }
    claims.sort_by_key(|claim| (claim.line, claim.column));
    let everything = sections.iter().any(|(_, name)| name.is_none()) && company.is_none();
    VerifiedDraft {
        company: if names.is_empty() || (everything && sections.len() == 1) {
            None
        } else {
            Some(names.join(", "))
        },
        claims,
    }
}

/// `(first line, company)` for each part of the draft: before the first
/// company heading (all facts), then one part per company heading.
fn company_sections(
    markdown: &str,
    facts: &[Fact],
    profile: &Profile,
) -> Vec<(usize, Option<String>)> {
    let (document, _) = parse_document(markdown, "draft".to_string(), "draft".to_string());
    let mut sections = vec![(1, None)];
    // The facts' companies, folded once: a corpus has a handful.
    let mut companies: Vec<(String, &str)> = Vec::new();
    for fact in facts {
        if !companies.iter().any(|(_, name)| *name == &*fact.company) {
            companies.push((fold_name(&fact.company), &fact.company));
        }
    }
    let resolve = |name: &str| -> Option<String> {
        profile
            .canonical_company(name)
            .map(str::to_string)
            .or_else(|| {
                let folded = fold_name(name);
                companies
                    .iter()
                    .find(|(known, _)| *known == folded)
                    .map(|(_, company)| company.to_string())
            })
    };
    // `플라잉닥터 (모비닥)`: the name and the alias in brackets, if both (or
    // the only one known) name one company.
    let heading_company = |text: &str| -> Option<String> {
        resolve(text).or_else(|| {
            let (outside, inside) = text.split_once('(')?;
            let inside = inside.trim_end().strip_suffix(')')?;
            let names: Vec<String> = [outside.trim(), inside.trim()]
                .into_iter()
                .filter_map(|part| resolve(part.trim_matches('*')))
                .collect();
            match names.as_slice() {
                [one] => Some(one.clone()),
                [first, second] if first == second => Some(first.clone()),
                _ => None,
            }
        })
    };
    let known = |name: &str| heading_company(name).is_some();
    // A `# 회사` heading that names a known company starts its section even
    // without the period line a 경력기술서 puts under it.
    let mut starts: Vec<usize> = company_headings(&document.blocks).collect();
    for (index, block) in document.blocks.iter().enumerate() {
        if let Block::Heading { level: 1, text, .. } = block {
            if !starts.contains(&index) && known(text) {
                starts.push(index);
            }
        }
    }
    starts.sort_unstable();
    for index in starts {
        if let Some(Block::Heading { text, line, .. }) = document.blocks.get(index) {
            sections.push((*line, heading_company(text)));
        }
    }
    if sections.len() > 1 && sections[1].0 <= 1 {
        sections.remove(0);
    }
    sections
}

/// Values are comparable only within one family: counts and bare numbers
/// (table cells) together, money apart from other counters, `%` and `%p` apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Duration,
    Percent,
    PercentPoint,
    Ratio,
    Count,
    Size,
    Money,
}

const MONEY_UNITS: &[&str] = &[
    "원", "만원", "억원", "달러", "$", "usd", "krw", "엔", "위안",
];

impl Family {
    pub fn of(quantity: &Quantity) -> Family {
        match quantity.dimension() {
            Dimension::Duration => Family::Duration,
            Dimension::Percent => Family::Percent,
            Dimension::PercentPoint => Family::PercentPoint,
            Dimension::Ratio => Family::Ratio,
            Dimension::Size => Family::Size,
            Dimension::Count | Dimension::Number => {
                let unit = quantity.base_unit();
                if MONEY_UNITS
                    .iter()
                    .any(|money| money.eq_ignore_ascii_case(unit))
                {
                    Family::Money
                } else {
                    Family::Count
                }
            }
        }
    }

    pub fn bit(self) -> u8 {
        match self {
            Family::Duration => 1,
            Family::Percent => 2,
            Family::PercentPoint => 4,
            Family::Ratio => 8,
            Family::Count => 16,
            Family::Size => 32,
            Family::Money => 64,
        }
    }

    /// Families whose facts may be "about the same thing" with another value:
    /// `%` and `%p` are confused by writers, so each is a referent for the other.
    pub fn related(self) -> u8 {
        match self {
            Family::Percent | Family::PercentPoint => {
                Family::Percent.bit() | Family::PercentPoint.bit()
            }
            other => other.bit(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_company_heading_may_add_its_alias_in_brackets() {
        let profile = crate::config::parse_profile(
            "[[companies]]\nname = \"플라잉닥터\"\naliases = [\"모비닥\"]\n\n[[companies]]\nname = \"한패스\"\n",
            std::path::Path::new("draft.toml"),
        )
        .unwrap();
        let markdown = "# 플라잉닥터 (모비닥)\n\n- 커밋 508개\n\n# 한패스 (해외송금)\n\n- 9개\n\n# 플라잉닥터 (한패스)\n";
        let sections = company_sections(markdown, &[], &profile);
        let names: Vec<(usize, Option<&str>)> = sections
            .iter()
            .map(|(line, name)| (*line, name.as_deref()))
            .collect();
        // Names of two companies say nothing about which one it is: that
        // heading starts no section.
        assert_eq!(names, [(1, Some("플라잉닥터")), (5, Some("한패스"))]);
    }
}
