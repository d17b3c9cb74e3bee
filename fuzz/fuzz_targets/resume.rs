//! Fuzzes the 경력기술서 parser: never panics, and rendering an unchanged
//! parse gives back the input byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let resume = draft::resume::Resume::parse(text);
    assert_eq!(resume.render(), text);
    let _ = resume.sections();
    let _ = resume.segments();
});
