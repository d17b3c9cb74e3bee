//! Turns data into text for people and scripts: fact listings, drafts,
//! verification reports and review diffs. Functions from data to a
//! `String`, or, for fact listings that can run to hundreds of megabytes,
//! to any writer `main` hands them; only `main` prints.

pub mod verification;

pub mod career;
pub mod diff;

use std::io::Write;

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

/// The JSON of `draft facts --format json`, written to `out` as it is made:
/// on a large corpus it is several times the facts' size, and is never held
/// whole.
pub fn write_facts_json(
    out: &mut dyn Write,
    facts: &[Fact],
    warnings: &[Warning],
) -> std::io::Result<()> {
    let document = FactsDocument {
        version: 1,
        facts,
        warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    Ok(())
}

/// One line per fact: id, company, role, `path:line`, quantities, text;
/// then how many facts there were.
pub fn write_facts_table(out: &mut dyn Write, facts: &[Fact]) -> std::io::Result<()> {
    for fact in facts {
        write!(
            out,
            "{}  {}  {:<10}  {}:{}",
            fact.id,
            fact.company,
            fact.role.as_str(),
            fact.source.path,
            fact.source.line_start
        )?;
        if fact.source.line_end != fact.source.line_start {
            write!(out, "-{}", fact.source.line_end)?;
        }
        out.write_all(b"  [")?;
        for (index, quantity) in fact.quantities.iter().enumerate() {
            if index > 0 {
                out.write_all(b", ")?;
            }
            out.write_all(quantity.surface.as_bytes())?;
        }
        writeln!(out, "]  {}", fact.text)?;
    }
    writeln!(out, "{} facts", facts.len())
}
