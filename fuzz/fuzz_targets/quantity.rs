//! Fuzzes the Korean quantity parser: never panics, and every quantity's
//! span is a pair of char boundaries whose text is exactly its surface.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let quantities = draft::quantity::extract_quantities(text);
    for quantity in &quantities {
        assert!(quantity.start <= quantity.end && quantity.end <= text.len());
        assert!(text.is_char_boundary(quantity.start) && text.is_char_boundary(quantity.end));
        assert_eq!(&text[quantity.start..quantity.end], quantity.surface);
        if let Some(transition) = &quantity.transition {
            assert!(transition.partner < quantities.len());
        }
    }
});
