//! Turns data into text for people and scripts: fact listings now; drafts,
//! verification reports and review diffs as they land. Pure functions from
//! data to `String`; only `main` prints.

pub mod verification;

pub mod career;
pub mod diff;

use serde::Serialize;

use crate::error::Warning;
use crate::facts::Fact;

/// The stable JSON of `draft facts --format json` (documented in README).
#[derive(Serialize)]
struct FactsDocument<'a> {
    version: u32,
    facts: &'a [Fact],
    warnings: &'a [Warning],
}

pub fn render_facts_json(facts: &[Fact], warnings: &[Warning]) -> String {
    let document = FactsDocument {
        version: 1,
        facts,
        warnings,
    };
    serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
}

/// One line per fact: id, company, role, `path:line`, quantities, text.
pub fn render_facts_table(facts: &[Fact]) -> String {
    let mut out = String::new();
    for fact in facts {
        let quantities: Vec<&str> = fact.quantities.iter().map(|q| q.surface.as_str()).collect();
        let location = if fact.source.line_start == fact.source.line_end {
            format!("{}:{}", fact.source.path, fact.source.line_start)
        } else {
            format!(
                "{}:{}-{}",
                fact.source.path, fact.source.line_start, fact.source.line_end
            )
        };
        out.push_str(&format!(
            "{}  {}  {:<10}  {}  [{}]  {}\n",
            fact.id,
            fact.company,
            fact.role.as_str(),
            location,
            quantities.join(", "),
            fact.text
        ));
    }
    out.push_str(&format!("{} facts\n", facts.len()));
    out
}
