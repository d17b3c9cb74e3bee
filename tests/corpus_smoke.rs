//! The one test that reads the bundled `content/`: it must ingest with no
//! warnings and put the seeds' facts under the right companies.

use std::collections::BTreeSet;
use std::path::Path;

use draft::config::load_profile;
use draft::facts::extract_facts;
use draft::ingest::ingest;

#[test]
fn bundled_corpus_ingests_cleanly_under_the_right_companies() {
    let profile = load_profile(Some(Path::new("draft.toml"))).unwrap();
    let corpus = ingest(&profile.content_dir()).unwrap();
    assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
    assert_eq!(corpus.documents.len(), 5);
    let facts = extract_facts(corpus.documents, &profile);

    let companies_of = |path: &str| -> BTreeSet<String> {
        facts
            .iter()
            .filter(|fact| fact.source.path.ends_with(path))
            .map(|fact| fact.company.to_string())
            .collect()
    };
    // The career description: 한패스 and AWA 소프트 by their company headings;
    // only the preamble above the first company heading is unassigned.
    assert_eq!(
        companies_of("career/hanpass.md"),
        BTreeSet::from([
            "AWA 소프트".to_string(),
            "unassigned".to_string(),
            "한패스".to_string()
        ])
    );
    let awa: Vec<_> = facts
        .iter()
        .filter(|f| f.company.as_ref() == "AWA 소프트")
        .collect();
    assert!(awa
        .iter()
        .any(|f| f.text.contains("회원 관리 서비스 신규 개발")));
    assert!(facts
        .iter()
        .filter(|f| f.text.contains("600ms"))
        .all(|f| f.company.as_ref() == "한패스"));
    // The three retrospectives: 플라잉닥터 (the weekly one by its alias 모비닥).
    for path in ["2025-annual.md", "2024-annual.md", "2025-12-01-weekly.md"] {
        assert_eq!(
            companies_of(path),
            BTreeSet::from(["플라잉닥터".to_string()]),
            "{path}"
        );
    }
    // The note's projects: 쏘카.
    let note_projects: Vec<_> = facts
        .iter()
        .filter(|f| f.source.path.ends_with("notes/socar-and-studies.md") && f.project.is_some())
        .collect();
    assert!(note_projects.len() > 40);
    assert!(note_projects.iter().all(|f| f.company.as_ref() == "쏘카"));
    assert!(note_projects
        .iter()
        .any(|f| f.project.as_deref() == Some("쇼퍼 정산 프로젝트")
            && f.text.contains("10시간에서 2시간으로")));
    // Every fact is listed somewhere; nothing is dropped.
    assert!(facts.len() > 400);
}
