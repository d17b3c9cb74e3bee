//! Review diffs of a 경력기술서 (`fixtures/resume/diff/`): the text, colour,
//! Markdown and JSON renderings as snapshots, with hand-made verifier claims
//! so the snapshots do not move when the verifier is tuned; and `draft diff`
//! end to end with the real verifier.

use std::path::Path;

use assert_cmd::Command;
use draft::render::diff::{
    claims_by_line, diff_texts, render_diff_json, render_diff_markdown, render_diff_text,
    ClaimsByLine, LineTag, SectionChange,
};
use draft::verify::{Claim, SourceRef, Status};

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new("fixtures/resume/diff").join(name)).unwrap()
}

fn claim(line: usize, column: usize, text: &str, value: f64, unit: &str, status: Status) -> Claim {
    Claim {
        line,
        column,
        text: text.to_string(),
        value,
        unit: unit.to_string(),
        status,
        sources: Vec::new(),
        derivation: None,
        reason: None,
    }
}

fn source(path: &str, line: usize, text: &str) -> SourceRef {
    SourceRef {
        path: path.to_string(),
        line,
        text: text.to_string(),
        fact_id: format!("f{line:012}"),
    }
}

/// Claims as the verifier would give them for `new.md`.
fn claims() -> ClaimsByLine {
    let retrospective = "content/retrospectives/2024-annual.md";
    let resume = "content/career/resume.md";
    let mut five = claim(16, 15, "5분", 5.0, "분", Status::Supported);
    five.sources = vec![source(resume, 20, "캐시 유효시간은 5분으로 설정")];
    let mut nine = claim(18, 19, "9개", 9.0, "개", Status::Supported);
    nine.sources = vec![source(
        retrospective,
        11,
        "주문 API 인스턴스 수를 9개에서 3개로 줄였습니다.",
    )];
    let mut three = claim(18, 25, "3개", 3.0, "개", Status::Supported);
    three.sources = nine.sources.clone();
    let mut derived = claim(22, 23, "94%", 94.0, "%", Status::Derived);
    derived.derivation = Some("(600-33)/600 = 94.5%".to_string());
    derived.sources = vec![source(resume, 25, "응답 시간을 600ms에서 33ms로 단축")];
    let mut mismatch = claim(23, 10, "97%", 97.0, "%", Status::Mismatch);
    mismatch.reason = Some("the source states 92% for this".to_string());
    mismatch.sources = vec![source(
        retrospective,
        12,
        "캐시 적중률이 92%까지 올라갔습니다.",
    )];
    let mut unsupported = claim(35, 9, "4%", 4.0, "%", Status::Unsupported);
    unsupported.reason = Some("no fact states this number".to_string());
    // A claim on an unchanged line is never shown.
    let unchanged = claim(11, 24, "600ms", 600.0, "ms", Status::Supported);
    claims_by_line([five, nine, three, derived, mismatch, unsupported, unchanged])
}

#[test]
fn sections_are_paired_by_project() {
    let diff = diff_texts("old.md", &read("old.md"), "new.md", &read("new.md"));
    let changes: Vec<(&str, SectionChange)> = diff
        .sections
        .iter()
        .map(|section| (section.label.as_str(), section.change))
        .collect();
    assert_eq!(
        changes,
        [
            (
                "테스트상사 › 서비스 개발 › 주문 API",
                SectionChange::Changed
            ),
            (
                "테스트상사 › 서비스 개발 › 사내 위키",
                SectionChange::Removed
            ),
            ("테스트상사 › 서비스 개발 › 결제 연동", SectionChange::Added),
        ]
    );
    // The changed number is the only highlight on its line.
    let line = diff.sections[0]
        .hunks
        .iter()
        .flat_map(|hunk| &hunk.lines)
        .find(|line| line.tag == LineTag::Added && line.text.contains("94%"))
        .unwrap();
    let changed: Vec<&str> = line
        .spans
        .iter()
        .filter(|span| span.changed)
        .map(|span| span.text.as_str())
        .collect();
    assert_eq!(changed, ["94% "]);
}

#[test]
fn text_diff_snapshot() {
    let diff = diff_texts("old.md", &read("old.md"), "new.md", &read("new.md"));
    insta::assert_snapshot!(render_diff_text(&diff, &claims(), false));
}

#[test]
fn coloured_text_diff_snapshot() {
    let diff = diff_texts("old.md", &read("old.md"), "new.md", &read("new.md"));
    let coloured = render_diff_text(&diff, &claims(), true);
    // Escape codes made visible: ␛[1;7;32m marks added words.
    insta::assert_snapshot!(coloured.replace('\u{1b}', "␛"));
}

#[test]
fn markdown_review_snapshot() {
    let diff = diff_texts("old.md", &read("old.md"), "new.md", &read("new.md"));
    insta::assert_snapshot!(render_diff_markdown(&diff, &claims()));
}

#[test]
fn json_review_snapshot() {
    let diff = diff_texts("old.md", &read("old.md"), "new.md", &read("new.md"));
    let json = render_diff_json(&diff, &claims());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["summary"]["numbers"]["mismatch"], 1);
    // The text itself: field order is part of the format.
    insta::assert_snapshot!(json);
}

#[test]
fn identical_files_say_no_changes() {
    let text = read("old.md");
    let diff = diff_texts("a", &text, "b", &text);
    assert!(diff.is_empty());
    assert!(render_diff_text(&diff, &ClaimsByLine::new(), false).ends_with("no changes\n"));
}

#[test]
fn draft_diff_verifies_added_numbers_and_exits_1_on_a_mismatch() {
    let output = Command::cargo_bin("draft")
        .unwrap()
        .env_remove("NO_COLOR")
        .args([
            "--profile",
            "fixtures/resume/profile.toml",
            "diff",
            "fixtures/resume/diff/old.md",
            "fixtures/resume/diff/new.md",
            "--content",
            "fixtures/resume/content",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("+- 캐시 적중률 97% 달성\n  ↳ ✗ 97% mismatch"),
        "{stdout}"
    );
    assert!(stdout.contains("↳ ≈ 94% derived  (600-33)/600"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'));

    let unverified = Command::cargo_bin("draft")
        .unwrap()
        .args([
            "diff",
            "fixtures/resume/diff/old.md",
            "fixtures/resume/diff/new.md",
            "--no-verify",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(unverified.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&unverified.stdout).contains('↳'));
}
