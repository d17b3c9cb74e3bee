//! Property tests on hostile and broken input: the Markdown ingest with fact
//! extraction, the quantity parser and the 경력기술서 parser never panic and
//! keep their invariants on arbitrary UTF-8, Markdown-shaped noise, deep
//! nesting, huge tables, 1 MB lines and NUL bytes.
//!
//! Invariants checked:
//! - quantities: `start <= end <= text.len()`, both char boundaries,
//!   `text[start..end] == surface`, a transition's partner is in range;
//! - facts: `1 <= line_start <= line_end <= lines in the file`, facts come
//!   in source order (`line_start` never decreases), ids are unique per
//!   document, and their quantities keep the span invariant on `fact.text`;
//! - résumé: `Resume::parse(text).render() == text`, and every section's
//!   line range lies within the file.
//!
//! Case counts are kept modest (`PROPTEST_CASES` overrides them) so this
//! file stays well under 20 s in a debug build.

use std::collections::HashSet;

use draft::config::Profile;
use draft::facts::extract_facts;
use draft::ingest::parse_document;
use draft::quantity::extract_quantities;
use draft::resume::Resume;
use proptest::prelude::*;

fn check_quantities(text: &str) {
    let quantities = extract_quantities(text);
    for quantity in &quantities {
        assert!(
            quantity.start <= quantity.end && quantity.end <= text.len(),
            "span {}..{} out of {} bytes in {text:?}",
            quantity.start,
            quantity.end,
            text.len()
        );
        assert!(text.is_char_boundary(quantity.start) && text.is_char_boundary(quantity.end));
        assert_eq!(
            &text[quantity.start..quantity.end],
            quantity.surface,
            "{text:?}"
        );
        if let Some(transition) = &quantity.transition {
            assert!(transition.partner() < quantities.len(), "{text:?}");
        }
    }
}

/// Lines of the file as ingest counts them (`\n`-separated, 1-based).
fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}

fn check_document(text: &str) {
    let (document, _warnings) = parse_document(text, "prop.md".into(), "prop.md".into());
    let facts = extract_facts(vec![document.clone()], &Profile::default());
    let lines = line_count(text);
    let mut ids = HashSet::new();
    let mut previous_start = 0;
    for fact in &facts {
        assert!(
            ids.insert(fact.id.clone()),
            "duplicate id {} in {text:?}",
            fact.id
        );
        let source = &fact.source;
        assert!(
            1 <= source.line_start
                && source.line_start <= source.line_end
                && u64::from(source.line_end) <= lines as u64,
            "lines {}..{} outside 1..={lines} in {text:?}",
            source.line_start,
            source.line_end
        );
        assert!(
            source.line_start >= previous_start,
            "facts out of order in {text:?}"
        );
        previous_start = source.line_start;
        for quantity in &fact.quantities {
            assert_eq!(
                fact.text.get(quantity.start..quantity.end),
                Some(quantity.surface.as_str()),
                "{text:?}"
            );
        }
    }
}

fn check_resume(text: &str) {
    let resume = Resume::parse(text);
    assert_eq!(resume.render(), text);
    let lines = line_count(text);
    let _ = resume.sections();
    let _ = resume.segments();
    for company in &resume.companies {
        assert!(
            company.lines.start >= 1 && company.lines.end <= lines,
            "{text:?}"
        );
    }
}

/// Fragments that steer the generators into Markdown and Korean quantities.
const FRAGMENTS: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "- ",
    "* ",
    "1. ",
    "    ",
    "  ",
    "\t",
    "> ",
    "| ",
    " | ",
    "|---|---|",
    "```",
    "~~~",
    "---\n",
    "**",
    "_",
    "`",
    "[",
    "](",
    ")",
    "<!-- draft:keep -->",
    "\n",
    "\r\n",
    "\r",
    "\u{0}",
    "한패스",
    "결과",
    "배경",
    "담당",
    "원인: ",
    "회고",
    "2022.04.18 ~ 재직중",
    "2025.01 ~ 2025.12",
    "(2월)",
    "600ms에서 33ms로",
    "1.8초 → 240ms",
    "463→508",
    "약 ",
    "이상",
    "2~3%",
    "41만 건",
    "2시간 30분",
    "35 (31+4)",
    "9개에서 3개로",
    "%p",
    "배",
    "x",
    "*30개",
    "1,234,567원",
    "0.5",
    "1e9",
    "99999999999999999999",
    "-",
    "+",
    "~",
    "→",
    "에서",
    "만",
    "억",
    "천",
    "조",
    "KB",
    "GB",
    "ms",
    "초",
    "분",
    "시간",
    "일",
    "주",
    "개월",
    "년",
    "명",
    "건",
    "title: ",
    "tags: [회고]",
    "company: ",
    "\u{feff}",
    "\u{200b}",
    "é",
    "👩‍💻",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
            1 => "[0-9]{1,6}",
            1 => any::<String>(),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn quantities_keep_spans_on_arbitrary_utf8(text in any::<String>()) {
        check_quantities(&text);
    }

    #[test]
    fn quantities_keep_spans_on_quantity_shaped_text(text in markdownish()) {
        check_quantities(&text);
    }

    #[test]
    fn ingest_and_facts_keep_invariants_on_arbitrary_utf8(text in any::<String>()) {
        check_document(&text);
    }

    #[test]
    fn ingest_and_facts_keep_invariants_on_markdown_noise(text in markdownish()) {
        check_document(&text);
    }

    #[test]
    fn resume_parse_round_trips_arbitrary_text(text in markdownish()) {
        check_resume(&text);
    }

    #[test]
    fn resume_parse_round_trips_arbitrary_utf8(text in any::<String>()) {
        check_resume(&text);
    }
}

#[test]
fn deep_nesting() {
    let mut bullets = String::from("# 프로젝트\n\n");
    for depth in 0..300 {
        bullets.push_str(&"  ".repeat(depth));
        bullets.push_str(&format!("- 단계 {depth}: 응답 {depth}ms\n"));
    }
    let quotes = format!("{} 인용 3건\n", ">".repeat(2_000));
    let brackets = format!("{}1초{}", "[".repeat(5_000), "]".repeat(5_000));
    let emphasis = format!("{}40%{}", "*".repeat(5_000), "*".repeat(5_000));
    for text in [&bullets, &quotes, &brackets, &emphasis] {
        check_document(text);
        check_quantities(text);
        check_resume(text);
    }
}

#[test]
fn huge_table() {
    let columns = 40;
    let mut table = String::from("# 2025 연간 회고\n\n|");
    for column in 0..columns {
        table.push_str(&format!(" 열{column} |"));
    }
    table.push_str("\n|");
    table.push_str(&"---|".repeat(columns));
    table.push('\n');
    for row in 0..1_500 {
        table.push_str(&format!("| {}월 |", row % 12 + 1));
        for column in 1..columns {
            table.push_str(&format!(" {} ({}+{}) |", row + column, row, column));
        }
        table.push('\n');
    }
    check_document(&table);
    check_resume(&table);
}

#[test]
fn one_megabyte_lines_and_nul_bytes() {
    let long_line = "응답 시간 600ms에서 33ms로 단축, ".repeat(1_048_576 / 40);
    let text = format!("# 제목\n\n- {long_line}\n\n{long_line}\n");
    check_document(&text);
    check_resume(&text);
    let digits = "9".repeat(1_048_576);
    check_quantities(&digits);
    check_document(&digits);
    let nul = "\u{0}".repeat(10_000) + "- 10\u{0}ms\u{0}\n| a\u{0} | 3\u{0}건 |\n|---|---|\n";
    check_document(&nul);
    check_quantities(&nul);
    check_resume(&nul);
}
