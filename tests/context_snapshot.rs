//! A snapshot of what the context builder chooses for the small synthetic
//! corpus under a tight budget: project titles, fact ids and every reason.

use std::fmt::Write as _;
use std::path::Path;

use draft::config::parse_profile;
use draft::context::{build_context, ContextOptions, TokenCounter};
use draft::facts::extract_facts;
use draft::ingest::parse_document;

#[test]
fn selection_of_a_small_context() {
    let profile = parse_profile(
        "[[companies]]\nname = \"테스트닥터\"\n",
        Path::new("draft.toml"),
    )
    .expect("profile");
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/context");
    let documents: Vec<_> = ["2024-annual.md", "2025-annual.md", "career.md"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(directory.join(name)).expect("fixture");
            parse_document(&text, format!("fixtures/context/{name}"), name.to_string()).0
        })
        .collect();
    let facts = extract_facts(documents, &profile);
    let counter = TokenCounter::new("o200k_base").expect("o200k_base");
    let options = ContextOptions {
        budget: 160,
        project: None,
        since: None,
        until: None,
    };
    let context = build_context(&facts, "테스트닥터", &options, &counter);

    let mut out = String::new();
    for project in &context.projects {
        let _ = writeln!(
            out,
            "## {} [{}] topic={} tokens={}",
            project.title,
            project.titles.join(" / "),
            project.topic.as_deref().unwrap_or("-"),
            project.tokens
        );
        for selected in &project.selected {
            let _ = writeln!(
                out,
                "  + {} {:<10} {:.2} {} | {}",
                selected.fact.id,
                selected.fact.role.as_str(),
                selected.score,
                selected.reason,
                selected.fact.text
            );
        }
        for dropped in &project.dropped {
            let _ = writeln!(
                out,
                "  - {} {} | {}",
                dropped.fact.id, dropped.reason, dropped.fact.text
            );
        }
    }
    let _ = writeln!(out, "## unlinked");
    for dropped in &context.unlinked {
        let _ = writeln!(
            out,
            "  - {} {} | {}",
            dropped.fact.id, dropped.reason, dropped.fact.text
        );
    }
    insta::assert_snapshot!(out);
}
