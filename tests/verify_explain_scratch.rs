use draft::config::load_profile;
use draft::facts::extract_facts;
use draft::ingest::ingest;
use std::path::Path;

#[test]
#[ignore]
fn explain() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/verify");
    let profile = load_profile(Some(&fixtures.join("profile.toml"))).unwrap();
    let corpus = ingest(&profile.content_dir()).unwrap();
    let facts = extract_facts(&corpus.documents, &profile);
    let company = std::env::var("COMPANY").unwrap();
    let text = std::fs::read_to_string(std::env::var("DRAFT").unwrap()).unwrap();
    let only: Vec<_> = facts.into_iter().filter(|f| f.company == company).collect();
    println!("{}", draft::verify::explain_markdown(&text, &only));
}
