//! Byte searches for the short texts the pipeline reads one at a time: a
//! line, a table cell, a paragraph's text, the gap between two numbers
//! (the ingest, fact and quantity stages share them). `memchr` pays its
//! dispatch and vector set-up on every call, which a text of a few dozen
//! bytes never earns back (about 55 to 80 instructions a call here); eight
//! bytes at a time in a general register costs less on these. Whole bodies
//! are still searched with `memchr`. [`trim`] is `str::trim` for the same
//! texts, without decoding their ends.

/// `0x01` in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The first `needle` in `haystack`.
#[inline]
pub(crate) fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    find_any([needle], haystack)
}

/// The first `first` or `second` in `haystack`.
#[inline]
pub(crate) fn find_either(first: u8, second: u8, haystack: &[u8]) -> Option<usize> {
    find_any([first, second], haystack)
}

/// The first byte of `haystack` that is one of `needles`, eight bytes at a
/// time.
#[inline]
fn find_any<const N: usize>(needles: [u8; N], haystack: &[u8]) -> Option<usize> {
    let mut words = haystack.chunks_exact(8);
    for (index, word) in (&mut words).enumerate() {
        // Always eight bytes: the default is never taken.
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
        let found = needles.iter().fold(0, |found, &needle| {
            found | zero_bytes(word ^ (ONES * u64::from(needle)))
        });
        if found != 0 {
            return Some(index * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let tail = words.remainder();
    let offset = haystack.len() - tail.len();
    tail.iter()
        .position(|byte| needles.contains(byte))
        .map(|position| offset + position)
}

/// The high bit of each zero byte of `word`, in order from the lowest
/// byte. The lowest bit set is exact; a borrow may set bits above it (of
/// bytes that are `0x01`), which the callers never read: they stop at the
/// lowest.
#[inline]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// Every `needle` in `haystack`, in order.
pub(crate) fn find_all(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let found = from + find_byte(needle, haystack.get(from..)?)?;
        from = found + 1;
        Some(found)
    })
}

/// `str::trim`: ASCII whitespace is passed over a byte at a time, and a
/// character is decoded only where an end starts with a byte that other
/// whitespace starts with (`0xC2`: U+0085 and U+00A0; `0xE1` to `0xE3`:
/// U+1680, U+2000 to U+205F, U+3000). Cells and gaps between numbers are
/// mostly padded with plain spaces or not at all.
pub(crate) fn trim(text: &str) -> &str {
    let ascii_space = |byte: &u8| matches!(byte, b' ' | b'\t'..=b'\r');
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|byte| !ascii_space(byte))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|byte| !ascii_space(byte))
        .map_or(start, |last| last + 1);
    // ASCII bytes end and start characters: both are boundaries.
    let inner = text.get(start..end).unwrap_or_default();
    let may_be_space = |lead: u8| matches!(lead, 0xC2 | 0xE1..=0xE3);
    let first = inner.as_bytes().first().copied().unwrap_or(0);
    // The last character's first byte: the last byte that is not a
    // continuation byte.
    let last = inner
        .as_bytes()
        .iter()
        .rev()
        .take(4)
        .find(|&&byte| byte & 0xC0 != 0x80)
        .copied()
        .unwrap_or(0);
    if may_be_space(first) || may_be_space(last) {
        inner.trim()
    } else {
        inner
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn finds_the_first_in_words_and_in_the_tail() {
        assert_eq!(find_byte(b'|', b""), None);
        assert_eq!(find_byte(b'|', b"abc"), None);
        assert_eq!(find_byte(b'|', b"ab|c|"), Some(2));
        assert_eq!(find_byte(b'|', b"abcdefgh|"), Some(8));
        assert_eq!(find_byte(b'|', b"abcdefg|ab|"), Some(7));
        // A borrow from a zero byte sets the bit of a 0x01 above it.
        assert_eq!(find_byte(0x00, &[1, 0, 1, 1, 0, 0, 0, 0]), Some(1));
        assert_eq!(find_byte(0x01, &[0, 1, 0, 0, 0, 0, 0, 0]), Some(1));
        assert_eq!(find_either(b'*', b'~', "가나**다".as_bytes()), Some(6));
        assert_eq!(find_either(b'*', b'~', "가~나**다".as_bytes()), Some(3));
        assert_eq!(find_all(b'|', b"a|b||c|").collect::<Vec<_>>(), [1, 3, 4, 6]);
        assert_eq!(find_all(b'|', b"").count(), 0);
    }

    #[test]
    fn trims_as_str_does() {
        for text in [
            "",
            " ",
            "\t\n",
            " 가 ",
            "5",
            " 35 (29+6) ",
            "\u{3000}가\u{3000}",
            "\u{a0} a",
            "a\u{85}",
            " \u{2003} x \u{2003} ",
            "가\u{200b}",
            "\u{1680}",
            "é ",
            " 😀 ",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn trims_as_str_trim_does(text in "[ \t\n\r\u{b}\u{c}a가é😀\u{85}\u{a0}\u{1680}\u{2000}\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}\u{ff01}]{0,8}") {
            prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn agrees_with_memchr(
            haystack in proptest::collection::vec(
                prop_oneof![Just(0u8), Just(1), Just(b'*'), Just(b'~'), Just(0x80), Just(0xFF), any::<u8>()],
                0..40,
            ),
            first in prop_oneof![Just(0u8), Just(1), Just(b'*'), any::<u8>()],
            second in prop_oneof![Just(b'~'), Just(0x80), any::<u8>()],
        ) {
            prop_assert_eq!(find_byte(first, &haystack), memchr::memchr(first, &haystack));
            prop_assert_eq!(
                find_either(first, second, &haystack),
                memchr::memchr2(first, second, &haystack)
            );
            prop_assert_eq!(
                find_all(first, &haystack).collect::<Vec<_>>(),
                memchr::memchr_iter(first, &haystack).collect::<Vec<_>>()
            );
        }
    }
}
