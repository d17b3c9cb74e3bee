//! The planted-error suite: drafts in the 배경/담당/결과 layout whose every
//! number carries its expected status in an inline comment
//! (`600ms<!--expect supported exact-->`), verified against the seed documents
//! (copied to `fixtures/verify/sources/`) and one synthetic company.
//!
//! Planted errors are digit swaps, unit swaps, numbers moved to another metric
//! of the same company, numbers borrowed from another company, wrong derived
//! values and bounds, in 만/천 forms, composite durations and ranges too.
//! The suite measures recall on planted errors (expected mismatch or
//! unsupported, flagged as either) and the false-alarm rate on correct numbers
//! (expected supported or derived, flagged as mismatch or unsupported).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use draft::config::load_profile;
use draft::facts::{extract_facts, Fact};
use draft::ingest::ingest;
use draft::verify::{verify_document, Claim, Status};

struct Expectation {
    line: usize,
    /// Character column of the comment.
    column: usize,
    status: Status,
    category: String,
}

fn parse_status(word: &str) -> Status {
    match word {
        "supported" => Status::Supported,
        "derived" => Status::Derived,
        "mismatch" => Status::Mismatch,
        "unsupported" => Status::Unsupported,
        other => panic!("unknown expected status `{other}`"),
    }
}

fn expectations(markdown: &str) -> Vec<Expectation> {
    let mut found = Vec::new();
    for (index, line) in markdown.lines().enumerate() {
        let mut offset = 0;
        while let Some(position) = line[offset..].find("<!--expect ") {
            let start = offset + position;
            let body_start = start + "<!--expect ".len();
            let end = body_start
                + line[body_start..]
                    .find("-->")
                    .expect("unclosed expectation");
            let mut words = line[body_start..end].split_whitespace();
            let status = parse_status(words.next().expect("status"));
            let category = words.next().unwrap_or("uncategorised").to_string();
            found.push(Expectation {
                line: index + 1,
                column: line[..start].chars().count() + 1,
                status,
                category,
            });
            offset = end;
        }
    }
    found
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/verify")
}

fn corpus() -> (draft::config::Profile, Vec<Fact>) {
    let profile = load_profile(Some(&fixtures().join("profile.toml"))).expect("profile");
    let corpus = ingest(&profile.content_dir()).expect("sources");
    let facts = extract_facts(corpus.documents, &profile);
    (profile, facts)
}

#[derive(Default)]
struct Tally {
    total: usize,
    flagged: usize,
    exact: usize,
}

fn is_flagged(status: Status) -> bool {
    matches!(status, Status::Mismatch | Status::Unsupported)
}

/// Recall, false alarms and the per-category table of one directory of drafts.
struct Evaluation {
    planted: Tally,
    correct: Tally,
    problems: Vec<String>,
}

impl Evaluation {
    fn recall(&self) -> f64 {
        self.planted.flagged as f64 / self.planted.total.max(1) as f64
    }

    fn false_alarms(&self) -> f64 {
        self.correct.flagged as f64 / self.correct.total.max(1) as f64
    }
}

fn evaluate(directory: &str) -> Evaluation {
    let (profile, facts) = corpus();
    let mut drafts: Vec<PathBuf> = std::fs::read_dir(fixtures().join(directory))
        .expect("drafts")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    drafts.sort();

    let mut planted = Tally::default();
    let mut correct = Tally::default();
    let mut by_category: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    let mut disagreements: Vec<String> = Vec::new();

    for path in &drafts {
        let markdown = std::fs::read_to_string(path).expect("draft");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("draft")
            .to_string();
        let verified = verify_document(&markdown, &facts, &profile, None);
        let expected = expectations(&markdown);
        let mut used = vec![false; verified.claims.len()];
        for expectation in &expected {
            let matched = verified
                .claims
                .iter()
                .enumerate()
                .filter(|(_, claim)| {
                    claim.line == expectation.line && claim.column < expectation.column
                })
                .max_by_key(|(_, claim)| claim.column);
            let Some((index, claim)) = matched else {
                problems.push(format!(
                    "{name}:{}:{}: no number before this expectation",
                    expectation.line, expectation.column
                ));
                continue;
            };
            if used[index] {
                problems.push(format!(
                    "{name}:{}: two expectations for `{}`",
                    claim.line, claim.text
                ));
            }
            used[index] = true;
            let expected_flag = is_flagged(expectation.status);
            let tally = if expected_flag {
                &mut planted
            } else {
                &mut correct
            };
            let category = by_category
                .entry((
                    expectation.status.as_str().to_string(),
                    expectation.category.clone(),
                ))
                .or_default();
            for tally in [tally, category] {
                tally.total += 1;
                tally.flagged += usize::from(is_flagged(claim.status));
                tally.exact += usize::from(claim.status == expectation.status);
            }
            if claim.status != expectation.status {
                disagreements.push(describe(&name, claim, expectation));
            }
        }
        for (claim, used) in verified.claims.iter().zip(&used) {
            if !used {
                problems.push(format!(
                    "{name}:{}:{}: `{}` has no expectation (status {})",
                    claim.line,
                    claim.column,
                    claim.text,
                    claim.status.as_str()
                ));
            }
        }
    }

    let evaluation = Evaluation {
        planted,
        correct,
        problems,
    };
    println!("== {directory} ==");
    println!(
        "labelled numbers: {} ({} planted errors, {} correct)",
        evaluation.planted.total + evaluation.correct.total,
        evaluation.planted.total,
        evaluation.correct.total
    );
    println!(
        "recall on planted errors: {}/{} = {:.1}%",
        evaluation.planted.flagged,
        evaluation.planted.total,
        evaluation.recall() * 100.0
    );
    println!(
        "false alarms on correct numbers: {}/{} = {:.1}%",
        evaluation.correct.flagged,
        evaluation.correct.total,
        evaluation.false_alarms() * 100.0
    );
    println!(
        "exact status agreement: {}/{}",
        evaluation.planted.exact + evaluation.correct.exact,
        evaluation.planted.total + evaluation.correct.total
    );
    println!(
        "{:<12} {:<30} {:>5} {:>8} {:>6}",
        "expected", "category", "count", "flagged", "exact"
    );
    for ((status, category), tally) in &by_category {
        println!(
            "{status:<12} {category:<30} {:>5} {:>8} {:>6}",
            tally.total, tally.flagged, tally.exact
        );
    }
    for line in &disagreements {
        println!("  {line}");
    }
    evaluation
}

#[test]
fn planted_errors_are_found_without_false_alarms() {
    let evaluation = evaluate("drafts");
    assert!(
        evaluation.problems.is_empty(),
        "suite problems:\n{}",
        evaluation.problems.join("\n")
    );
    let labelled = evaluation.planted.total + evaluation.correct.total;
    assert!(labelled >= 80, "at least 80 labelled numbers");
    assert!(
        evaluation.recall() >= 0.95,
        "recall {:.3} < 0.95",
        evaluation.recall()
    );
    assert!(
        evaluation.false_alarms() <= 0.03,
        "false-alarm rate {:.3} > 0.03",
        evaluation.false_alarms()
    );
}

/// Drafts written after the method was tuned, in another style (tables,
/// bold numbers, English terms, `→`), to estimate how the rules generalise.
#[test]
fn held_out_drafts() {
    let evaluation = evaluate("holdout");
    assert!(
        evaluation.problems.is_empty(),
        "suite problems:\n{}",
        evaluation.problems.join("\n")
    );
    assert!(
        evaluation.recall() >= 0.9,
        "held-out recall {:.3}",
        evaluation.recall()
    );
    assert!(
        evaluation.false_alarms() <= 0.05,
        "held-out false-alarm rate {:.3}",
        evaluation.false_alarms()
    );
}

fn describe(name: &str, claim: &Claim, expectation: &Expectation) -> String {
    format!(
        "{name}:{}: `{}` expected {} ({}), got {}{}{}",
        claim.line,
        claim.text,
        expectation.status.as_str(),
        expectation.category,
        claim.status.as_str(),
        claim
            .derivation
            .as_deref()
            .map(|d| format!(" [{d}]"))
            .unwrap_or_default(),
        claim
            .reason
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default(),
    )
}

/// A second held-out set, written after the first was used for fixes; run
/// as written (see the README for its first-run figures).
#[test]
fn second_held_out_set() {
    run_as_written("holdout2");
}

/// A third held-out set, written blind (without the verifier's code) on
/// 2026-11-30; run as written (see the README for its first-run figures).
#[test]
fn third_held_out_set() {
    run_as_written("holdout3");
}

/// A fourth held-out set, written blind on 2026-11-30 after the fixes the
/// third called for; two of its false alarms guided the sixth session's
/// fixes, so it is blind no longer. Run as written (see the README).
#[test]
fn fourth_held_out_set() {
    run_as_written("holdout4");
}

/// A fifth held-out set, written blind on 2026-11-30 (sixth session) in
/// three new styles (review tables, 배경/담당/결과, interview answers); run
/// as written (see the README).
#[test]
fn fifth_held_out_set() {
    run_as_written("holdout5");
}

/// Evaluates a held-out set and asserts only that every number is labelled:
/// its figures are reported, not held to a threshold.
fn run_as_written(directory: &str) {
    let evaluation = evaluate(directory);
    assert!(
        evaluation.problems.is_empty(),
        "suite problems:\n{}",
        evaluation.problems.join("\n")
    );
}
