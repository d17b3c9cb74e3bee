//! Snapshot tests of the facts extracted from small synthetic documents of
//! each kind, plus the bad-input behaviour of `draft facts`.

use std::fmt::Write as _;
use std::path::Path;

use assert_cmd::Command;
use draft::config::{load_profile, Profile};
use draft::facts::{extract_facts, Fact};
use draft::ingest::{ingest, DocumentKind};

fn profile() -> Profile {
    load_profile(Some(Path::new("fixtures/ingest/profile.toml"))).unwrap()
}

/// Runs the `draft` binary with `args` and returns what it printed.
fn run_draft<I, S>(args: I) -> std::process::Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::cargo_bin("draft")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

/// `draft facts --content CONTENT --profile <the fixtures' profile> MORE…`.
fn run_facts(content: &str, more: &[&str]) -> std::process::Output {
    let mut args = vec!["facts", "--content", content];
    args.extend(["--profile", "fixtures/ingest/profile.toml"]);
    args.extend(more);
    run_draft(args)
}

/// A compact, reviewable listing of facts for snapshots.
fn listing(facts: &[Fact]) -> String {
    let mut out = String::new();
    for fact in facts {
        let period = fact
            .period
            .as_ref()
            .map(|p| {
                format!(
                    "{}~{}",
                    p.start.as_deref().unwrap_or(""),
                    p.end.as_deref().unwrap_or("")
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{} {:?} {} [{}] {}:{}-{} company={} period={} project={:?} topic={:?} parent={}",
            fact.id,
            fact.kind,
            fact.role.as_str(),
            fact.label.as_deref().unwrap_or(""),
            fact.source.path,
            fact.source.line_start,
            fact.source.line_end,
            fact.company,
            period,
            fact.project,
            fact.topic,
            fact.parent.as_deref().unwrap_or("-"),
        )
        .unwrap();
        writeln!(out, "    path: {}", fact.heading_path.join(" > ")).unwrap();
        writeln!(out, "    text: {}", fact.text).unwrap();
        for quantity in &fact.quantities {
            writeln!(
                out,
                "    qty: {:?} = {} {} ({:?}, base {} {}){}{}{}{}",
                quantity.surface,
                quantity.value,
                quantity.unit(),
                quantity.dimension(),
                quantity.base_value(),
                quantity.base_unit(),
                quantity
                    .max
                    .map(|max| format!(" max={max}"))
                    .unwrap_or_default(),
                quantity
                    .qualifier
                    .map(|q| format!(" qualifier={q:?}"))
                    .unwrap_or_default(),
                quantity
                    .transition
                    .map(|t| format!(" {:?}->{}", t.role, t.partner()))
                    .unwrap_or_default(),
                quantity
                    .label
                    .as_ref()
                    .map(|l| format!(" label={l:?}"))
                    .unwrap_or_default(),
            )
            .unwrap();
            assert_eq!(
                &fact.text[quantity.start..quantity.end],
                quantity.surface,
                "span of {:?} in {}",
                quantity.surface,
                fact.id
            );
        }
    }
    out
}

fn facts_of(directory: &str) -> (Vec<Fact>, Vec<DocumentKind>) {
    let corpus = ingest(Path::new(directory)).unwrap();
    assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
    let kinds = corpus.documents.iter().map(|d| d.kind).collect();
    (extract_facts(corpus.documents, &profile()), kinds)
}

#[test]
fn retrospective_facts() {
    let (facts, kinds) = facts_of("fixtures/ingest/retrospective");
    assert_eq!(
        kinds,
        vec![
            DocumentKind::Retrospective(draft::ingest::Cadence::Weekly),
            DocumentKind::Retrospective(draft::ingest::Cadence::Annual)
        ]
    );
    insta::assert_snapshot!(listing(&facts));
}

#[test]
fn career_description_facts() {
    let (facts, kinds) = facts_of("fixtures/ingest/career");
    assert_eq!(kinds, vec![DocumentKind::CareerDescription]);
    insta::assert_snapshot!(listing(&facts));
}

#[test]
fn notes_facts() {
    let (facts, kinds) = facts_of("fixtures/ingest/notes");
    assert_eq!(kinds, vec![DocumentKind::Notes]);
    insta::assert_snapshot!(listing(&facts));
}

#[test]
fn other_markdown_facts() {
    let (facts, kinds) = facts_of("fixtures/ingest/other");
    assert_eq!(kinds, vec![DocumentKind::Other]);
    insta::assert_snapshot!(listing(&facts));
}

#[test]
fn fact_ids_are_stable_across_runs_and_line_shifts() {
    let (first, _) = facts_of("fixtures/ingest/career");
    let (second, _) = facts_of("fixtures/ingest/career");
    let ids = |facts: &[Fact]| facts.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second));

    let directory = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string("fixtures/ingest/career/career.md").unwrap();
    std::fs::write(
        directory.path().join("career.md"),
        format!("\n\n{original}"),
    )
    .unwrap();
    let corpus = ingest(directory.path()).unwrap();
    let shifted = extract_facts(corpus.documents, &profile());
    assert_eq!(ids(&first), ids(&shifted));
    assert_eq!(shifted[1].source.line_start, first[1].source.line_start + 2);
}

#[test]
fn broken_files_warn_with_path_and_line_and_the_rest_is_read() {
    let corpus = ingest(Path::new("fixtures/ingest/broken")).unwrap();
    let warnings: Vec<String> = corpus.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().any(
        |w| w.starts_with("fixtures/ingest/broken/bad-front-matter.md:")
            && w.contains("front matter")
    ));
    assert!(warnings
        .iter()
        .any(|w| w.starts_with("fixtures/ingest/broken/not-utf8.md:4:") && w.contains("UTF-8")));
    let facts = extract_facts(corpus.documents, &profile());
    assert!(facts.iter().any(|f| f.text == "정상 파일 10개"));
    assert!(facts.iter().any(|f| f.text == "배포 3회"));
}

#[test]
fn cli_warns_on_stderr_and_strict_exits_2() {
    let output = run_facts("fixtures/ingest/broken", &[]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: fixtures/ingest/broken/not-utf8.md:4:"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("정상 파일 10개"));

    let output = run_draft([
        "--strict",
        "facts",
        "--content",
        "fixtures/ingest/broken",
        "--profile",
        "fixtures/ingest/profile.toml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Stack backtrace"), "{stderr}");
}

#[test]
fn cli_missing_content_and_unknown_company_are_clear_errors() {
    let output = run_draft(["facts", "--content", "fixtures/does-not-exist"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("fixtures/does-not-exist"));

    let output = run_facts("fixtures/ingest/career", &["--company", "테스트상싸"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean `테스트상사`"), "{stderr}");
}

#[test]
fn json_output_is_the_documented_shape() {
    let output = run_facts(
        "fixtures/ingest/career",
        &["--company", "Test Co", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let fact = &json["facts"][0];
    for key in [
        "id",
        "text",
        "kind",
        "role",
        "label",
        "heading_path",
        "topic",
        "project",
        "company",
        "period",
        "source",
        "parent",
        "quantities",
    ] {
        assert!(fact.get(key).is_some(), "missing {key} in {fact}");
    }
    assert_eq!(fact["company"], "테스트상사");
    assert_eq!(fact["source"]["path"], "fixtures/ingest/career/career.md");
    assert!(json["facts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["company"] == "테스트상사"));
}

#[test]
fn facts_are_the_same_on_one_thread_and_on_several() {
    let profile = draft::config::parse_profile(
        "[[companies]]\nname = \"테스트닥터\"\n",
        std::path::Path::new("draft.toml"),
    )
    .unwrap();
    let documents: Vec<_> = (0..200)
        .map(|index| {
            let text = format!(
                "---\ntitle: \"{index}월 회고\"\ndate: \"2025-0{}-28\"\ntags: [테스트닥터]\n---\n\n\
                 ## 결제 API {index}\n\n- 결과: 응답시간을 {index}00ms에서 {index}0ms로 단축\n\
                 - 같은 줄\n- 같은 줄\n\n| 월 | 커밋 |\n|---|---|\n| {index}월 | {index} |\n",
                index % 9 + 1
            );
            draft::ingest::parse_document(&text, format!("{index}.md"), format!("{index}.md")).0
        })
        .collect();
    let serial = draft::facts::extract_facts_on(documents.clone(), &profile, 1);
    assert!(serial.len() >= 800, "{}", serial.len());
    for threads in [2, 3, 7] {
        let parallel = draft::facts::extract_facts_on(documents.clone(), &profile, threads);
        assert_eq!(
            serde_json::to_string(&parallel).unwrap(),
            serde_json::to_string(&serial).unwrap(),
            "{threads} threads"
        );
    }
}

/// `draft` parses each file and extracts its facts at once; that must give
/// what reading every document first and then extracting gives, facts and
/// warnings (in order) alike, on any number of threads.
#[test]
fn parsing_and_extracting_text_by_text_is_ingest_then_extract() {
    let profile = profile();
    for directory in [
        "fixtures/ingest",
        "fixtures/ingest/broken",
        "fixtures/faults/content",
    ] {
        let directory = Path::new(directory);
        let corpus = ingest(directory).unwrap();
        let expected_warnings: Vec<String> =
            corpus.warnings.iter().map(ToString::to_string).collect();
        let expected = serde_json::to_string(&extract_facts(corpus.documents, &profile)).unwrap();
        let sources = draft::ingest::read_sources(directory).unwrap();
        assert!(!sources.files.is_empty());
        for threads in [1, 2, 5] {
            let (facts, found) =
                draft::facts::extract_facts_from_sources_on(&sources.files, &profile, threads);
            let warnings: Vec<String> = sources
                .warnings
                .iter()
                .chain(&found)
                .map(ToString::to_string)
                .collect();
            assert_eq!(
                warnings,
                expected_warnings,
                "{} on {threads}",
                directory.display()
            );
            assert_eq!(
                serde_json::to_string(&facts).unwrap(),
                expected,
                "{} on {threads}",
                directory.display()
            );
        }
    }
    // The broken fixtures do warn: the comparison above covers warnings.
    let broken = draft::ingest::read_sources(Path::new("fixtures/ingest/broken")).unwrap();
    let (_, warnings) = draft::facts::extract_facts_from_sources(&broken.files, &profile);
    assert!(warnings.len() >= 2, "{warnings:?}");
}

#[test]
fn months_in_headings_and_item_titles_narrow_a_retrospective_s_period() {
    let text =
        "---\ntitle: \"2025년 연간 회고록 (2025.01 ~ 2025.12)\"\ndate: \"2025-12-31\"\n---\n\n\
                ## 분기별 하이라이트\n\n### Q3 (7~9월): 신규 기능\n\n\
                - API 성능 최적화 (9월): 월간 최다 커밋(69개) 달성\n\
                - 개인정보 보호 강화: 암호화 적용\n\n\
                ## 배운 점\n\n- 작게 나누기: 배포 단위를 작게 유지\n";
    let document = draft::ingest::parse_document(text, "a.md".into(), "a.md".into()).0;
    let facts = extract_facts(vec![document], &profile());
    let period_of = |start: &str| {
        let fact = facts
            .iter()
            .find(|fact| fact.text.starts_with(start))
            .unwrap_or_else(|| panic!("no fact starts with {start}"));
        let period = fact.period.as_deref().unwrap();
        (period.start.clone().unwrap(), period.end.clone().unwrap())
    };
    // The item's own title names its month; the heading names the quarter's.
    assert_eq!(
        period_of("API 성능"),
        ("2025-09-01".into(), "2025-09-30".into())
    );
    assert_eq!(
        period_of("개인정보"),
        ("2025-07-01".into(), "2025-09-30".into())
    );
    // Outside the heading, the document's year.
    assert_eq!(
        period_of("작게"),
        ("2025-01-01".into(), "2025-12-31".into())
    );
}

#[test]
fn table_listing_is_one_line_per_fact_then_the_count() {
    // `draft facts` writes its listing as it renders it; the format is
    // pinned here: id, company, role, `path:line` (or `line-line`), the
    // quantities' surfaces, the text; then the count.
    let output = run_facts("fixtures/ingest/career", &[]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.ends_with(" facts\n"), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn table_listing_gives_a_wrapped_fact_its_line_range() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(
        directory.path().join("wrapped.md"),
        "---\ntitle: 회고\n---\n\n첫 줄에 3개\n둘째 줄에 5건\n",
    )
    .unwrap();
    let output = run_draft([
        "facts".as_ref(),
        "--content".as_ref(),
        directory.path().as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("wrapped.md:5-6  [3개, 5건]  첫 줄에 3개 둘째 줄에 5건\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n1 facts\n"), "{stdout}");
}
