//! `draft verify` and `draft check` end to end: exit codes, the stable JSON,
//! the user's own career description (no false alarm), and the known
//! disagreements of the 2025 annual retrospective.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn draft() -> Command {
    let mut command = Command::cargo_bin("draft").expect("binary");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("NO_COLOR", "1");
    command
}

/// The fixture corpus (copies of the seeds plus a synthetic company).
fn with_fixtures(command: &mut Command) -> &mut Command {
    command.args([
        "--profile",
        "fixtures/verify/profile.toml",
        "--content",
        "fixtures/verify/sources",
    ])
}

#[test]
fn own_career_description_has_no_false_alarm() {
    // The one test that reads content/: the user's real 경력기술서 against their facts.
    draft()
        .args(["verify", "content/career/hanpass.md", "--company", "한패스"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 mismatch, 0 unsupported"));
}

#[test]
fn check_reports_the_2025_annual_disagreements_with_both_sources() {
    let output = with_fixtures(draft().arg("check"))
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let findings = report["inconsistencies"].as_array().expect("array");
    let summary: Vec<(String, f64, f64)> = findings
        .iter()
        .map(|finding| {
            (
                finding["kind"].as_str().unwrap_or("").to_string(),
                finding["stated"].as_f64().unwrap_or(0.0),
                finding["computed"].as_f64().unwrap_or(0.0),
            )
        })
        .collect();
    let expected = [
        ("total", 330.0, 320.0),
        ("total", 178.0, 188.0),
        ("total", 152.0, 159.0),
        ("maximum", 69.0, 71.0),
    ];
    for (kind, stated, computed) in expected {
        assert!(
            summary
                .iter()
                .any(|(k, s, c)| k == kind && *s == stated && *c == computed),
            "missing {kind} {stated} vs {computed} in {summary:?}"
        );
    }
    assert_eq!(
        findings.len(),
        expected.len(),
        "no other findings: {summary:?}"
    );
    for finding in findings {
        let sources = finding["sources"].as_array().expect("sources");
        assert!(sources.len() >= 2, "both sides cited: {finding}");
        for source in sources {
            let path = source["path"].as_str().unwrap_or("");
            assert!(path.ends_with("retrospectives/2025-annual.md"), "{path}");
            assert!(source["line"].as_u64().unwrap_or(0) > 0);
        }
    }
    // The statements are cited where they are: 총 커밋 (25), 총 이슈 (26), 월간 최다 커밋 (166), and 12월 (45).
    let lines: Vec<u64> = findings
        .iter()
        .flat_map(|f| f["sources"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s["line"].as_u64())
        .collect();
    for line in [25, 26, 166, 45, 34] {
        assert!(lines.contains(&line), "line {line} cited: {lines:?}");
    }
}

#[test]
fn check_text_names_both_sources() {
    with_fixtures(draft().arg("check"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("2025-annual.md:166"))
        .stdout(predicate::str::contains("2025-annual.md:45"))
        .stdout(predicate::str::contains("4 inconsistencies"))
        .stdout(predicate::str::contains("2024-annual.md").not());
}

#[test]
fn verify_json_follows_the_schema_and_fails_on_planted_errors() {
    let output = with_fixtures(draft().args(["verify", "fixtures/verify/small/draft.md"]))
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["file"], "fixtures/verify/small/draft.md");
    assert_eq!(report["company"], "한패스");
    let claims = report["claims"].as_array().expect("claims");
    assert!(!claims.is_empty());
    for claim in claims {
        for key in [
            "line",
            "column",
            "text",
            "value",
            "unit",
            "status",
            "sources",
            "derivation",
            "reason",
        ] {
            assert!(claim.get(key).is_some(), "{key} missing in {claim}");
        }
        for source in claim["sources"].as_array().expect("sources") {
            for key in ["path", "line", "text"] {
                assert!(source.get(key).is_some(), "{key} missing in {source}");
            }
        }
    }
    let summary = &report["summary"];
    let total: u64 = ["supported", "derived", "mismatch", "unsupported"]
        .iter()
        .map(|key| summary[key].as_u64().expect("count"))
        .sum();
    assert_eq!(total as usize, claims.len());
    assert!(summary["mismatch"].as_u64().unwrap_or(0) >= 1);
}

#[test]
fn a_correct_draft_exits_zero_and_shows_derivations() {
    with_fixtures(draft().args([
        "verify",
        "fixtures/verify/small/correct.md",
        "--company",
        "한패스",
    ]))
    .assert()
    .code(0)
    .stdout(predicate::str::contains("(600-33)/600 = 94.5%"));
}

#[test]
fn a_number_of_another_company_is_not_support() {
    with_fixtures(draft().args([
        "verify",
        "fixtures/verify/small/borrowed.md",
        "--company",
        "한패스",
    ]))
    .assert()
    .code(1)
    .stdout(predicate::str::contains("unsupported"))
    .stdout(predicate::str::contains("stated for 쏘카"));
}

#[test]
fn a_heading_that_names_a_company_scopes_its_section() {
    // `# Hanpass` (an alias) and `# 쏘카`, with no period lines: the same
    // sentence is borrowed under the first and supported under the second.
    let output = with_fixtures(draft().args([
        "verify",
        "fixtures/verify/small/headings-by-name.md",
        "--format",
        "json",
    ]))
    .output()
    .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let statuses: Vec<(u64, &str)> = report["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .map(|claim| {
            (
                claim["line"].as_u64().expect("line"),
                claim["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (5, "unsupported"),
            (5, "unsupported"),
            (11, "supported"),
            (11, "supported")
        ]
    );
}

#[test]
fn errors_exit_two() {
    draft()
        .args(["verify", "fixtures/verify/small/no-such-file.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.md"));
    with_fixtures(draft().args([
        "verify",
        "fixtures/verify/small/draft.md",
        "--company",
        "없는회사",
    ]))
    .assert()
    .code(2)
    .stderr(predicate::str::contains("unknown company"));
}

#[test]
fn text_is_not_coloured_when_piped() {
    with_fixtures(draft().args(["verify", "fixtures/verify/small/draft.md"]))
        .env_remove("NO_COLOR")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn values_of_one_table_row_are_told_apart_by_the_column_and_part_named() {
    // `| 2월 | 35 (31+4) | 29 |` under `커밋 (BE+FE) | 이슈`: the whole, each
    // part and the issue count are supported where the draft names them so;
    // a part given the other part's value, an issue count given a commit
    // count, and the whole called a part are mismatches.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("cells.md");
    std::fs::write(
        &path,
        "- 2025년 2월: 커밋 35 (BE 31 + FE 4), 이슈 29\n- 2025년 2월 FE 커밋 31\n\
         - 2025년 2월 이슈 4건\n- 2025년 2월 BE 커밋 35\n",
    )
    .unwrap();
    let output = with_fixtures(draft().arg("verify"))
        .arg(&path)
        .args(["--company", "플라잉닥터", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let statuses: Vec<(String, String)> = report["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|claim| {
            (
                claim["text"].as_str().unwrap().to_string(),
                claim["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("35", "supported"),
        ("31", "supported"),
        ("4", "supported"),
        ("29", "supported"),
        ("31", "mismatch"),
        ("4건", "mismatch"),
        ("35", "mismatch"),
    ]
    .iter()
    .map(|(text, status)| (text.to_string(), status.to_string()))
    .collect();
    assert_eq!(statuses, expected);
    // The whole is cited from its own month's row only.
    let sources = report["claims"][0]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert_eq!(sources[0]["line"], 35);
}
