//! Snapshots of the verification report (text without colour, and JSON) and
//! of the source linter's report, for one small fixture: any change in wording,
//! statuses, derivations or schema shows up in review.

use std::path::Path;

use draft::config::load_profile;
use draft::facts::extract_facts;
use draft::ingest::ingest;
use draft::render::verification::{
    render_check_json, render_check_text, render_verification_json, render_verification_text,
};
use draft::verify::{check_facts, verify_document};

fn facts() -> (draft::config::Profile, Vec<draft::facts::Fact>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).expect("cwd");
    let profile = load_profile(Some(Path::new("fixtures/verify/profile.toml"))).expect("profile");
    let corpus = ingest(Path::new("fixtures/verify/sources")).expect("sources");
    let facts = extract_facts(corpus.documents, &profile);
    (profile, facts)
}

#[test]
fn verification_report_text_and_json() {
    let (profile, facts) = facts();
    let file = "fixtures/verify/small/draft.md";
    let markdown = std::fs::read_to_string(file).expect("draft");
    let verified = verify_document(&markdown, &facts, &profile, None);
    insta::assert_snapshot!(
        "verification_text",
        render_verification_text(file, verified.company.as_deref(), &verified.claims, false)
    );
    insta::assert_snapshot!(
        "verification_json",
        render_verification_json(file, verified.company.as_deref(), &verified.claims)
    );
}

#[test]
fn check_report_text_and_json() {
    let (_, facts) = facts();
    let findings = check_facts(&facts);
    insta::assert_snapshot!("check_text", render_check_text(&findings, false));
    insta::assert_snapshot!("check_json", render_check_json(&findings));
}
