//! Fuzzes Markdown ingest and fact extraction: never panics; fact line
//! ranges lie within the file and are ordered; fact ids are unique; every
//! quantity's span matches its surface in the fact's text.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (document, _warnings) =
        draft::ingest::parse_document(text, "fuzz.md".to_string(), "fuzz.md".to_string());
    let profile = draft::config::Profile::default();
    let facts = draft::facts::extract_facts(std::slice::from_ref(&document), &profile);
    let line_count = text.matches('\n').count() + 1;
    let mut ids = HashSet::new();
    for fact in &facts {
        assert!(
            ids.insert(fact.id.as_str()),
            "duplicate fact id {}",
            fact.id
        );
        let source = &fact.source;
        assert!(
            1 <= source.line_start
                && source.line_start <= source.line_end
                && source.line_end <= line_count,
            "line range {}..{} outside 1..{line_count}",
            source.line_start,
            source.line_end
        );
        for quantity in &fact.quantities {
            assert_eq!(
                fact.text.get(quantity.start..quantity.end),
                Some(quantity.surface.as_str())
            );
        }
    }
});
