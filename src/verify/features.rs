//! Context features: what "the same thing" means to the verifier.
//!
//! A number alone says nothing about what it measures; the words around it do
//! (응답시간, 인스턴스 수, 캐시 유효시간 …). This module turns the clause
//! around a number into a bag of weighted features that can be compared across
//! a draft and the facts, in a way that suits Korean:
//!
//! - words are split on spaces and punctuation, a trailing particle is dropped
//!   (`요청을` → `요청`, `인스턴스가` → `인스턴스`), qualifiers and a few
//!   function words are dropped (`약`, `이상`, `및` …);
//! - a word becomes its character bigrams (`응답시간` → `응답`, `답시`, `시간`),
//!   so `응답 시간` and `응답시간` still share most features; a one-letter word
//!   is kept as a unigram, and a word with digits (`9월`, `Q3`, `2025년`) is
//!   kept whole so that `12월` does not resemble `2월`;
//! - each feature is weighted by its distance (in words) from the number, the
//!   adjacent word weighing most, with extra distance across commas, table
//!   cells and sentence ends.
//!
//! Everything is hashed into `u64` keys and kept in small vectors, so that the
//! whole corpus of a company can be scanned quickly for the features a draft uses.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hashed feature: a character bigram, a unigram, or a whole word.
pub(crate) type Feature = u64;

/// A small, fast, non-cryptographic hasher (the `FxHash` multiply-rotate)
/// for maps keyed by features and indices; inputs are not attacker-controlled.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.add(u64::from(*byte));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Words that carry no subject: qualifiers (they live in the quantity),
/// conjunctions and very general function words.
const STOPWORDS: &[&str] = &[
    "약",
    "대략",
    "거의",
    "가량",
    "정도",
    "최대",
    "최소",
    "이상",
    "이하",
    "이내",
    "미만",
    "초과",
    "넘게",
    "넘는",
    "까지",
    "부터",
    "여",
    "및",
    "등",
    "또는",
    "그리고",
    "더",
    "또",
    "수",
    "것",
    "중",
    "내",
    "후",
    "전",
    "때",
    "통해",
    "위해",
    "대한",
    "대해",
    "하여",
    "하고",
    "하는",
    "되는",
    "되어",
    "있는",
    "있도록",
    "하도록",
    "할",
    "한",
    "된",
    "될",
    "있게",
    "없이",
    "기존",
    "해당",
    "각",
    "간",
    "vs",
    "x",
    "수치",
    "값",
    "항목",
    "내용",
    "비고",
    "설명",
    "제목",
    "상태",
    // Column headers of before/after tables.
    "before",
    "after",
    "변화",
];

/// Extra distance before a word that follows a comma, a table cell border or
/// a sentence end: words across such a break describe something else more often.
const SOFT_BREAK: f32 = 4.0;
const SENTENCE_BREAK: f32 = 6.0;
/// A parenthesis in a draft: a new segment, no distance.
const PARENTHESIS_BREAK: f32 = 0.01;

/// How fast a word's weight falls with its distance from the number:
/// `1 / (1 + FALLOFF × distance)`; the adjacent word (distance 0) weighs 1.
const FALLOFF: f32 = 0.4;

/// The weight of a word `distance` words away from the number.
pub(crate) fn proximity(distance: f32) -> f32 {
    1.0 / (1.0 + FALLOFF * distance.max(0.0))
}

/// How many words either side of a number its context reaches. A word
/// farther away would weigh under 1% of the adjacent word's, and every
/// sentence of a résumé is far shorter; the cap keeps a text of thousands
/// of numbers (a pasted table or log) linear per number instead of reading
/// every word of it again for each one.
const CONTEXT_WORDS: f32 = 256.0;

/// The byte spans of a text's numbers, indexed once for all of them: each
/// number's context asks about every word and segment near it, and a text
/// may hold thousands of numbers (a rebuilt index per number was most of
/// the time there).
pub(crate) struct NumberSpans {
    /// Sorted.
    spans: Vec<(usize, usize)>,
    /// For each span, the largest end among it and the spans before it:
    /// whether any span overlaps a range is then one binary search.
    largest_ends: Vec<usize>,
    /// No span starts before the one before it ends (numbers found in one
    /// text never overlap): then the spans overlapping a range lie together.
    disjoint: bool,
}

impl NumberSpans {
    pub fn new(spans: &[(usize, usize)]) -> Self {
        let mut sorted = spans.to_vec();
        sorted.sort_unstable();
        let disjoint = sorted.windows(2).all(|pair| pair[0].1 <= pair[1].0);
        let mut largest = 0;
        let largest_ends = sorted
            .iter()
            .map(|&(_, end)| {
                largest = largest.max(end);
                largest
            })
            .collect();
        NumberSpans {
            spans: sorted,
            largest_ends,
            disjoint,
        }
    }

    /// Whether a span ends after `start` and starts before `end`.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        // The spans starting before `end` are a prefix of the sorted list;
        // one of them reaches past `start` when the largest end does.
        let before_end = self.spans.partition_point(|span| span.0 < end);
        before_end > 0
            && self
                .largest_ends
                .get(before_end - 1)
                .is_some_and(|&largest| largest > start)
    }

    /// Whether a span that is none of `except` overlaps `start..end`.
    fn others_overlap(&self, start: usize, end: usize, except: &[(usize, usize)]) -> bool {
        let is_other = |span: &&(usize, usize)| !except.contains(span);
        if self.disjoint {
            // Ends grow with starts: the spans ending after `start` and
            // starting before `end` are one run, and all but a few of a
            // run are others.
            let first = self.spans.partition_point(|span| span.1 <= start);
            let last = self.spans.partition_point(|span| span.0 < end);
            self.spans
                .get(first..last.max(first))
                .unwrap_or(&[])
                .iter()
                .any(|span| is_other(&span))
        } else {
            self.spans
                .iter()
                .filter(is_other)
                .any(|span| span.1 > start && span.0 < end)
        }
    }
}

/// One word of a text, as byte offsets into it, with its position measured in
/// words plus break penalties.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    /// Word index plus every break penalty (used by the source linter).
    pub slot: f32,
    /// Word index plus sentence-break penalties only.
    pub position: f32,
    /// Index of the stretch between soft breaks (commas, cell borders,
    /// conjunctions such as `커밋과`) the word is in.
    pub segment: usize,
}

/// Letters, digits, `%` and `_`; Hangul syllables and ASCII take a fast path
/// (the general Unicode test is slow and runs for every character of the corpus).
pub(crate) fn is_word_char(character: char) -> bool {
    if character.is_ascii() {
        return character.is_ascii_alphanumeric() || character == '%' || character == '_';
    }
    ('\u{AC00}'..='\u{D7A3}').contains(&character) || character.is_alphanumeric()
}

fn break_weight(character: char) -> f32 {
    match character {
        '.' | '!' | '?' | '。' | '\n' => SENTENCE_BREAK,
        ',' | ';' | '|' | '，' | '、' | '·' => SOFT_BREAK,
        ':' | '：' => 1.0,
        _ => 0.0,
    }
}

/// A word ending in a conjunctive particle (`커밋과`, `서버와`) ends an item
/// of a list, as a comma does; so do the separator words.
fn is_conjunction(word: &str) -> bool {
    is_separator_word(word)
        || ((word.ends_with('과') || word.ends_with('와')) && stem(word).len() < word.len())
}

/// Words that start a new item of their own: `및`, and `중`/`그중` between a
/// whole and its part (`커밋 13개 중 스키마 업데이트 7개`).
fn is_separator_word(word: &str) -> bool {
    matches!(word, "및" | "중" | "그중" | "가운데")
}
/// Splits `text` into words with their positions and segments. A `.` between
/// two digits stays inside the word (`1.8초`, `2.7`).
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, false)
}

/// [`tokenize`], where `parentheses` makes each parenthesis start a new
/// segment without moving words apart.
fn tokenize_with(text: &str, parentheses: bool) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut slot = 0.0f32;
    let mut position = 0.0f32;
    let mut segment = 0usize;
    let mut pending_break = 0.0f32;
    let mut start: Option<usize> = None;
    let mut previous: Option<char> = None;
    let mut characters = text.char_indices().peekable();
    let mut close = |begin: usize,
                     end: usize,
                     slot: &mut f32,
                     position: &mut f32,
                     pending: &mut f32,
                     segment: &mut usize| {
        let word = &text[begin..end];
        let conjunction = is_conjunction(word);
        if is_separator_word(word) {
            *segment += 1;
        }
        tokens.push(Token {
            start: begin,
            end,
            slot: *slot,
            position: *position,
            segment: *segment,
        });
        *slot += 1.0;
        *position += 1.0;
        if conjunction {
            *pending = pending.max(SOFT_BREAK);
        }
    };
    while let Some((offset, character)) = characters.next() {
        let next = characters.peek().map(|(_, next)| *next);
        let decimal_point = character == '.'
            && previous.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        if is_word_char(character) || decimal_point {
            if start.is_none() {
                start = Some(offset);
                if pending_break > 0.0 {
                    slot += pending_break;
                    segment += 1;
                    if pending_break >= SENTENCE_BREAK {
                        position += SENTENCE_BREAK;
                    }
                }
                pending_break = 0.0;
            }
        } else {
            if let Some(begin) = start.take() {
                close(
                    begin,
                    offset,
                    &mut slot,
                    &mut position,
                    &mut pending_break,
                    &mut segment,
                );
            }
            let weight = if parentheses && matches!(character, '(' | ')' | '（' | '）') {
                PARENTHESIS_BREAK
            } else {
                break_weight(character)
            };
            pending_break = pending_break.max(weight);
        }
        previous = Some(character);
    }
    if let Some(begin) = start {
        close(
            begin,
            text.len(),
            &mut slot,
            &mut position,
            &mut pending_break,
            &mut segment,
        );
    }
    tokens
}

/// Calls `visit` with each word of `text` (stemmed), without allocating.
pub(crate) fn for_each_word(text: &str, mut visit: impl FnMut(&str)) {
    let mut start: Option<usize> = None;
    let mut previous: Option<char> = None;
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        let next = characters.peek().map(|(_, next)| *next);
        let decimal_point = character == '.'
            && previous.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        if is_word_char(character) || decimal_point {
            if start.is_none() {
                start = Some(offset);
            }
        } else if let Some(begin) = start.take() {
            visit(stem(&text[begin..offset]));
        }
        previous = Some(character);
    }
    if let Some(begin) = start {
        visit(stem(&text[begin..]));
    }
}

/// Drops one trailing particle or ending (`요청을` → `요청`, `인스턴스가` →
/// `인스턴스`). A one-letter particle is only dropped from words of three
/// letters or more (or when what is left is a stopword such as `수`), so that
/// `증가`, `추가`, `평가` keep their last letter.
pub(crate) fn stem(word: &str) -> &str {
    // Particles grouped by their last letter; most words end otherwise.
    let Some(last) = word.chars().next_back() else {
        return word;
    };
    let candidates: &[&str] = match last {
        '는' => &["에서는", "으로는", "이라는", "라는", "는"],
        '써' => &["으로써", "로써"],
        '서' => &["에게서", "으로서", "에서", "로서"],
        '의' => &["에서의", "으로의", "까지의", "와의", "과의", "의"],
        '도' => &["에서도", "에도", "도"],
        '고' => &["이라고", "이고"],
        '로' => &["으로", "로"],
        '게' => &["에게"],
        '테' => &["한테"],
        '지' => &["까지"],
        '터' => &["부터"],
        '럼' => &["처럼"],
        '다' => &["보다"],
        '나' => &["이나", "나"],
        '며' => &["이며"],
        '은' => &["은"],
        '이' => &["이"],
        '가' => &["가"],
        '을' => &["을"],
        '를' => &["를"],
        '에' => &["에"],
        '와' => &["와"],
        '과' => &["과"],
        '만' => &["만"],
        _ => return word,
    };
    for particle in candidates {
        if let Some(stemmed) = word.strip_suffix(particle) {
            let particle_length = particle.len() / 3;
            let kept = stemmed.chars().count();
            let leaves_stopword = kept == 1 && is_stopword(stemmed);
            if (particle_length == 1 && (kept >= 2 || leaves_stopword))
                || (particle_length > 1 && kept >= 1)
            {
                return stemmed;
            }
        }
    }
    word
}

pub(crate) fn is_stopword(word: &str) -> bool {
    // Stopwords are at most three Hangul letters (9 bytes) long.
    if word.len() > 9 {
        return false;
    }
    static SET: std::sync::OnceLock<
        std::collections::HashSet<&'static str, BuildHasherDefault<FastHasher>>,
    > = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| STOPWORDS.iter().copied().collect());
    if word.is_ascii() && word.bytes().any(|byte| byte.is_ascii_uppercase()) {
        return set.contains(word.to_ascii_lowercase().as_str());
    }
    set.contains(word)
}

const BIGRAM_TAG: u64 = 1 << 63;
const UNIGRAM_TAG: u64 = 1 << 62;
const WORD_TAG: u64 = 3 << 62;

/// Words that developers write in either language, mapped to one form so that
/// `BE 330` and `백엔드 커밋 330개` share their subject.
const ALIASES: &[(&str, &str)] = &[
    ("be", "백엔드"),
    ("backend", "백엔드"),
    ("fe", "프론트엔드"),
    ("frontend", "프론트엔드"),
    ("프론트", "프론트엔드"),
    ("ttl", "유효시간"),
    ("coverage", "커버리지"),
    ("latency", "응답시간"),
    ("레이턴시", "응답시간"),
    ("commit", "커밋"),
    ("commits", "커밋"),
    ("issue", "이슈"),
    ("issues", "이슈"),
    ("instance", "인스턴스"),
    ("instances", "인스턴스"),
    ("cache", "캐시"),
    ("캐싱", "캐시"),
    ("오류율", "에러율"),
    ("incident", "장애"),
    ("deploy", "배포"),
    ("memory", "메모리"),
    ("cost", "비용"),
    ("batch", "배치"),
    ("server", "서버"),
    ("test", "테스트"),
    ("error", "에러"),
    ("request", "요청"),
    ("requests", "요청"),
    ("response", "응답"),
    ("query", "쿼리"),
    ("traffic", "트래픽"),
    ("log", "로그"),
    ("logs", "로그"),
    ("migration", "마이그레이션"),
    ("settlement", "정산"),
    ("전체", "총"),
    ("합계", "총"),
];

/// The canonical form of `word` when it is one of [`ALIASES`]. A first-letter
/// test keeps this cheap for the many words that are not.
pub(crate) fn canonical(word: &str) -> Option<&'static str> {
    let first = word.chars().next()?.to_ascii_lowercase();
    if !matches!(
        first,
        'b' | 'f'
            | 't'
            | 'c'
            | 'l'
            | 'i'
            | 'd'
            | 'm'
            | 's'
            | 'e'
            | 'p'
            | 'r'
            | 'q'
            | '프'
            | '레'
            | '캐'
            | '오'
            | '전'
            | '합'
    ) {
        return None;
    }
    ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(word))
        .map(|(_, canonical)| *canonical)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One step of FNV-1a over a lower-cased byte.
fn fnv_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
}

fn word_feature(word: &str) -> Feature {
    WORD_TAG | (word.bytes().fold(FNV_OFFSET, fnv_step) >> 2)
}

fn letters_features(run: &str, emit: &mut impl FnMut(Feature)) {
    let run = canonical(run).unwrap_or(run);
    if run.is_ascii() {
        emit(word_feature(run));
        return;
    }
    let mut characters = run.chars().map(|c| c.to_ascii_lowercase());
    let Some(first) = characters.next() else {
        return;
    };
    let mut previous = first;
    let mut any = false;
    for character in characters {
        any = true;
        emit(BIGRAM_TAG | (u64::from(previous) << 21) | u64::from(character));
        previous = character;
    }
    if !any {
        emit(UNIGRAM_TAG | u64::from(first));
    }
}

/// Calls `emit` with every feature of one word (already stemmed): a year as
/// its year, a word with digits whole (`9월`, `Q3`), a Latin word whole
/// (`Eureka`), Hangul as character bigrams; a word mixing Latin and Hangul
/// (`API서버`) as both.
pub(crate) fn for_each_feature(word: &str, mut emit: impl FnMut(Feature)) {
    if word.is_empty() || is_stopword(word) {
        return;
    }
    let word = canonical(word).unwrap_or(word);
    if let Some(year) = year_of(word) {
        emit(year_feature(year));
        return;
    }
    if word.bytes().any(|byte| byte.is_ascii_digit()) {
        emit(word_feature(word));
        return;
    }
    let mut run_start = 0;
    let mut run_ascii: Option<bool> = None;
    for (offset, character) in word.char_indices() {
        let ascii = character.is_ascii();
        if run_ascii.is_some_and(|current| current != ascii) {
            letters_features(&word[run_start..offset], &mut emit);
            run_start = offset;
        }
        run_ascii = Some(ascii);
    }
    letters_features(&word[run_start..], &mut emit);
}

/// The year a word names: `2025년`, `2025`, `2025.12`, `2025-12-01`, `2025년도`.
pub(crate) fn year_of(word: &str) -> Option<i32> {
    let digits = word.get(..4)?;
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let rest = &word[4..];
    let shaped = rest.is_empty()
        || rest.starts_with('년')
        || ((rest.starts_with('.') || rest.starts_with('-'))
            && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
    let year: i32 = digits.parse().ok()?;
    (shaped && (1990..=2100).contains(&year)).then_some(year)
}

/// The feature every spelling of a year shares.
pub(crate) fn year_feature(year: i32) -> Feature {
    WORD_TAG | (0x7ea5 << 20) | (year as u64 & 0xfffff)
}

/// Years named anywhere in `text`.
pub(crate) fn years_in(text: &str) -> Vec<i32> {
    let mut years = Vec::new();
    for_each_word(text, |word| {
        if let Some(year) = year_of(word) {
            if !years.contains(&year) {
                years.push(year);
            }
        }
    });
    years
}

/// The years a sentence places its own numbers in: [`years_in`] without the
/// years it compares against (`2024년 대비`, `2024년보다`, `2024년에 비해`),
/// so that `2024년 대비 커밋 9.7% 증가` names no year of its own.
pub(crate) fn own_years_in(text: &str) -> Vec<i32> {
    const REFERENCE: &[&str] = &[
        "대비",
        "보다",
        "에 비해",
        "에비해",
        "과 비교",
        "와 비교",
        "比",
    ];
    let mut reference = Vec::new();
    for (start, _) in text.match_indices('년') {
        let before = &text[..start];
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits != 4 {
            continue;
        }
        let after = text[start + '년'.len_utf8()..]
            .trim_start_matches('도')
            .trim_start();
        if REFERENCE.iter().any(|word| after.starts_with(word)) {
            if let Ok(year) = before[before.len() - 4..].parse::<i32>() {
                reference.push(year);
            }
        }
    }
    let mut years = years_in(text);
    years.retain(|year| !reference.contains(year));
    years
}

/// The months (1–12) a sentence places its own numbers in: `10월` of
/// `2025년 10월 커밋 69개`, but not `6개월`, `월 평균` or the month it
/// compares against (`9월 대비`).
pub(crate) fn own_months_in(text: &str) -> Vec<u32> {
    const REFERENCE: &[&str] = &["대비", "보다", "에 비해", "에비해", "과 비교", "와 비교"];
    let mut months = Vec::new();
    for (start, _) in text.match_indices('월') {
        let before = &text[..start];
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 2 {
            continue;
        }
        // `2024.12월` or `112월` are not months of the sentence's own.
        let lead = &before[..before.len() - digits];
        if lead.ends_with(|c: char| c.is_ascii_digit() || c == '.') {
            continue;
        }
        let after = text[start + '월'.len_utf8()..].trim_start();
        // `3월간`, `3월별` name a span or a grouping, not a month.
        if after.starts_with(['간', '별']) {
            continue;
        }
        if REFERENCE.iter().any(|word| after.starts_with(word)) {
            continue;
        }
        if let Ok(month) = before[before.len() - digits..].parse::<u32>() {
            if (1..=12).contains(&month) && !months.contains(&month) {
                months.push(month);
            }
        }
    }
    months
}

/// A table label without its parenthesised header notes: `2월 · 커밋 (BE+FE) · BE`
/// → `2월 · 커밋 · BE`, so that the whole column does not claim its parts' names.
pub(crate) fn clean_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut depth = 0usize;
    for character in label.chars() {
        match character {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(character),
            _ => {}
        }
    }
    out
}

/// The column header of a table cell's quantity: `커밋 (BE+FE)` of a label
/// `2월 · 커밋 (BE+FE) · BE`. `None` for a value that is not a cell with a
/// row key.
pub(crate) fn label_column(quantity: &crate::quantity::Quantity) -> Option<&str> {
    quantity
        .label
        .as_deref()
        .and_then(|label| label.split(" · ").nth(1))
}

/// The parts a split table column names and the one a quantity is:
/// `2월 · 커밋 (BE+FE) · BE` → (`[be, fe]`, `Some(be)`), `2월 · 커밋 (BE+FE)`
/// → (`[be, fe]`, `None`): the whole. Lower-cased; no parts, no split.
pub(crate) fn table_parts(label: &str) -> (Vec<String>, Option<String>) {
    let (Some(open), Some(close)) = (label.find('('), label.rfind(')')) else {
        return (Vec::new(), None);
    };
    if close <= open {
        return (Vec::new(), None);
    }
    let parts: Vec<String> = label[open + 1..close]
        .split(['+', '/', ','])
        .map(|part| part.trim().to_lowercase())
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() < 2 {
        return (Vec::new(), None);
    }
    let own = label[close + 1..]
        .rsplit(" · ")
        .next()
        .map(|last| last.trim().to_lowercase())
        .filter(|last| parts.contains(last));
    (parts, own)
}

/// The claims' features, for the scan of a whole corpus: a bitset of the
/// first letters of their bigrams rejects most letter pairs with one bit test.
pub(crate) struct Dictionary {
    pub ids: FastMap<Feature, u32>,
    first_letters: Vec<u64>,
    table: FeatureTable,
}

/// An open-addressing table from features to ids: the corpus scan looks up
/// nearly every letter pair, and this is several times cheaper than a general
/// hash map. Features are never 0 (their tag bits are set), so 0 marks a free slot.
struct FeatureTable {
    keys: Vec<u64>,
    ids: Vec<u32>,
    mask: usize,
}

impl FeatureTable {
    fn new(entries: &FastMap<Feature, u32>) -> FeatureTable {
        let size = (entries.len() * 4).next_power_of_two().max(64);
        let mut table = FeatureTable {
            keys: vec![0; size],
            ids: vec![0; size],
            mask: size - 1,
        };
        for (&feature, &id) in entries {
            let mut slot = table.slot(feature);
            while table.keys[slot] != 0 {
                slot = (slot + 1) & table.mask;
            }
            table.keys[slot] = feature;
            table.ids[slot] = id;
        }
        table
    }

    fn slot(&self, feature: Feature) -> usize {
        (feature.wrapping_mul(SEED) >> 40) as usize & self.mask
    }

    fn get(&self, feature: Feature) -> Option<u32> {
        let mut slot = self.slot(feature);
        loop {
            let key = self.keys[slot];
            if key == feature {
                return Some(self.ids[slot]);
            }
            if key == 0 {
                return None;
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

impl Dictionary {
    pub fn new(ids: FastMap<Feature, u32>) -> Self {
        let mut first_letters = vec![0u64; (0x11_0000 / 64) + 1];
        for feature in ids.keys() {
            if feature & (3 << 62) == BIGRAM_TAG {
                let first = ((feature >> 21) & 0x1f_ffff) as usize;
                first_letters[first / 64] |= 1 << (first % 64);
            }
        }
        let table = FeatureTable::new(&ids);
        Dictionary {
            ids,
            first_letters,
            table,
        }
    }

    /// Calls `visit` with the id of every claim feature found in `text` (ids
    /// may repeat). Equivalent to tokenizing and calling [`for_each_feature`]
    /// on each word, up to extra bigrams across particles, which no claim
    /// has. Hangul bigrams are looked up as the letters go by; only words
    /// with digits or Latin letters are looked at whole.
    pub fn scan(&self, text: &str, mut visit: impl FnMut(u32)) {
        self.scan_unmasked(text, &[], &mut visit);
    }

    /// Like [`Dictionary::scan`], skipping the words that overlap `masked`
    /// (sorted spans: the text's own numbers, which are no context).
    ///
    /// This runs over every character of a company's facts on every call, so
    /// it works on bytes: ASCII and three-byte (Hangul) UTF-8 are decoded by
    /// hand, and a word is only looked at whole when it has digits or Latin
    /// letters (or may be an alias).
    pub fn scan_unmasked(&self, text: &str, masked: &[(usize, usize)], mut visit: impl FnMut(u32)) {
        let bytes = text.as_bytes();
        let table = &self.table;
        let mut next_mask = 0usize;
        let mut word_start: Option<usize> = None;
        let mut letters = 0usize;
        let mut has_digit = false;
        let mut has_ascii = false;
        let mut has_other = false;
        // The previous letter of the current word if it is not ASCII, else 0.
        let mut previous: u32 = 0;
        let mut first: u32 = 0;
        let mut index = 0usize;
        loop {
            // Decode one character (code point and length), or end the text.
            let (code, length, is_letter) = if index >= bytes.len() {
                (0u32, 0usize, false)
            } else {
                let lead = bytes[index];
                if lead < 0x80 {
                    let letter = lead.is_ascii_alphanumeric()
                        || lead == b'%'
                        || lead == b'_'
                        || (lead == b'.'
                            && index > 0
                            && bytes[index - 1].is_ascii_digit()
                            && bytes.get(index + 1).is_some_and(u8::is_ascii_digit));
                    (u32::from(lead), 1, letter)
                } else if (0xE0..0xF0).contains(&lead) && index + 2 < bytes.len() {
                    let code = (u32::from(lead & 0x0F) << 12)
                        | (u32::from(bytes[index + 1] & 0x3F) << 6)
                        | u32::from(bytes[index + 2] & 0x3F);
                    let letter = (0xAC00..=0xD7A3).contains(&code)
                        || char::from_u32(code).is_some_and(char::is_alphanumeric);
                    (code, 3, letter)
                } else {
                    let character = text[index..].chars().next().unwrap_or(' ');
                    (
                        character as u32,
                        character.len_utf8(),
                        character.is_alphanumeric(),
                    )
                }
            };
            if is_letter {
                if word_start.is_none() {
                    word_start = Some(index);
                    letters = 0;
                    has_digit = false;
                    has_ascii = false;
                    has_other = false;
                    first = code;
                    previous = 0;
                }
                letters += 1;
                if code < 0x80 {
                    has_ascii = true;
                    has_digit |= (0x30..=0x39).contains(&code);
                    previous = 0;
                } else {
                    has_other = true;
                    if previous != 0 {
                        let slot = previous as usize;
                        if self.first_letters[slot / 64] & (1 << (slot % 64)) != 0 {
                            if let Some(id) = table
                                .get(BIGRAM_TAG | (u64::from(previous) << 21) | u64::from(code))
                            {
                                visit(id);
                            }
                        }
                    }
                    previous = code;
                }
                index += length;
                continue;
            }
            if let Some(start) = word_start.take() {
                self.finish_word(
                    text,
                    (start, index),
                    (letters, has_digit, has_ascii, has_other, first),
                    masked,
                    &mut next_mask,
                    &mut visit,
                );
            }
            previous = 0;
            if length == 0 {
                break;
            }
            index += length;
        }
    }

    /// The whole-word features of a word that ends at `span.1`.
    #[allow(clippy::too_many_arguments)]
    fn finish_word(
        &self,
        text: &str,
        span: (usize, usize),
        shape: (usize, bool, bool, bool, u32),
        masked: &[(usize, usize)],
        next_mask: &mut usize,
        visit: &mut impl FnMut(u32),
    ) {
        let (start, end) = span;
        let (letters, has_digit, has_ascii, has_other, first) = shape;
        let table = &self.table;
        let mut emit = |feature: Feature| {
            if let Some(id) = table.get(feature) {
                visit(id);
            }
        };
        let word = &text[start..end];
        let alias_start = matches!(
            char::from_u32(first),
            Some('프' | '레' | '캐' | '오' | '전' | '합')
        );
        while masked
            .get(*next_mask)
            .is_some_and(|(_, mask_end)| *mask_end <= start)
        {
            *next_mask += 1;
        }
        let is_number = has_digit
            && masked
                .get(*next_mask)
                .is_some_and(|(mask_start, _)| *mask_start < end);
        if is_number {
            // One of the text's own numbers: not context.
        } else if has_digit {
            let stemmed = stem(word);
            match year_of(stemmed) {
                Some(year) => emit(year_feature(year)),
                None => emit(word_feature(stemmed)),
            }
        } else if has_ascii && !has_other && !alias_start && canonical(word).is_none() {
            if !is_stopword(word) {
                emit(word_feature(word));
            }
        } else if has_ascii || alias_start {
            for_each_feature(stem(word), &mut emit);
        } else if letters == 1 {
            emit(UNIGRAM_TAG | u64::from(first));
        }
    }
}

/// A weighted bag of features; each feature keeps its highest weight. Kept
/// as a vector sorted by feature: bags are small (tens of features) and are
/// built and probed thousands of times per call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bag {
    entries: Vec<(Feature, f32)>,
}

impl Bag {
    pub fn add(&mut self, feature: Feature, weight: f32) {
        match self.entries.binary_search_by(|(key, _)| key.cmp(&feature)) {
            Ok(position) => {
                let entry = &mut self.entries[position].1;
                if weight > *entry {
                    *entry = weight;
                }
            }
            Err(position) => self.entries.insert(position, (feature, weight)),
        }
    }

    /// Adds every feature of every word of `text` with the same weight.
    pub fn add_text(&mut self, text: &str, weight: f32) {
        for token in tokenize(text) {
            let word = stem(&text[token.start..token.end]);
            for_each_feature(word, |feature| self.add(feature, weight));
        }
    }

    /// Adds every feature of `other`, keeping the higher weight.
    pub fn merge(&mut self, other: &Bag) {
        for (feature, weight) in other.iter() {
            self.add(feature, weight);
        }
    }

    pub fn get(&self, feature: Feature) -> f32 {
        self.entries
            .binary_search_by(|(key, _)| key.cmp(&feature))
            .map(|position| self.entries[position].1)
            .unwrap_or(0.0)
    }

    #[cfg(test)]
    pub fn contains(&self, feature: Feature) -> bool {
        self.entries
            .binary_search_by(|(key, _)| key.cmp(&feature))
            .is_ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Feature, f32)> + '_ {
        self.entries.iter().copied()
    }

    pub fn keys(&self) -> impl Iterator<Item = Feature> + '_ {
        self.entries.iter().map(|(feature, _)| *feature)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A text split into words once, so that the context of each of its numbers
/// can be weighted cheaply.
#[derive(Debug, Clone)]
pub(crate) struct TokenizedText {
    words: Vec<Word>,
    /// Byte range of each segment.
    segments: Vec<(usize, usize)>,
}

/// Which side of a number [`TokenizedText::words_beside`] reads.
#[derive(Clone, Copy)]
enum Side {
    Before,
    After,
}

#[derive(Debug, Clone)]
struct Word {
    position: f32,
    segment: usize,
    start: usize,
    end: usize,
    features: Vec<Feature>,
}

/// The words of `words` with features that overlap no masked span (the numbers).
fn unmasked<'s>(
    words: impl IntoIterator<Item = &'s Word> + 's,
    masked: &'s NumberSpans,
) -> impl Iterator<Item = &'s Word> + 's {
    words
        .into_iter()
        .filter(move |word| !word.features.is_empty() && !masked.overlaps(word.start, word.end))
}

impl TokenizedText {
    pub fn new(text: &str) -> Self {
        Self::with_parentheses(text, false)
    }

    /// A draft's text: a parenthesis starts a new segment, so that
    /// `152개 이슈 처리 (월 평균 42개 커밋)` keeps 월 평균 with 42개.
    pub fn of_draft(text: &str) -> Self {
        Self::with_parentheses(text, true)
    }

    fn with_parentheses(text: &str, parentheses: bool) -> Self {
        let mut segments: Vec<(usize, usize)> = Vec::new();
        let words = tokenize_with(text, parentheses)
            .into_iter()
            .map(|token| {
                while segments.len() <= token.segment {
                    segments.push((token.start, token.end));
                }
                if let Some(range) = segments.get_mut(token.segment) {
                    range.1 = token.end;
                }
                let mut features = Vec::new();
                let word = stem(&text[token.start..token.end]);
                for_each_feature(word, |feature| features.push(feature));
                Word {
                    position: token.position,
                    segment: token.segment,
                    start: token.start,
                    end: token.end,
                    features,
                }
            })
            .collect();
        TokenizedText { words, segments }
    }

    /// Up to three words right before the number at `span`, nearest first,
    /// stemmed and lower-cased: within its segment (no comma, colon or cell
    /// border between) and after any earlier number (`masked`). `BE` of
    /// `35 (BE 31 + FE 4)` for 31.
    pub fn lead_words(
        &self,
        text: &str,
        masked: &[(usize, usize)],
        span: (usize, usize),
    ) -> Vec<String> {
        self.words_beside(text, masked, span, Side::Before, 3)
    }

    /// Up to two words right after the number at `span`, nearest first, by
    /// the same rules as [`Self::lead_words`]: `커밋` of `44개 커밋, 41개 이슈`.
    pub fn trail_words(
        &self,
        text: &str,
        masked: &[(usize, usize)],
        span: (usize, usize),
    ) -> Vec<String> {
        self.words_beside(text, masked, span, Side::After, 2)
    }

    fn words_beside(
        &self,
        text: &str,
        masked: &[(usize, usize)],
        span: (usize, usize),
        side: Side,
        limit: usize,
    ) -> Vec<String> {
        let Some(own) = self
            .words
            .iter()
            .position(|word| word.end > span.0 && word.start < span.1)
        else {
            return Vec::new();
        };
        let segment = self.words[own].segment;
        let step = |index: usize| match side {
            Side::Before => index.checked_sub(1),
            Side::After => Some(index + 1),
        };
        let mut found = Vec::new();
        let mut index = own;
        while let Some(word) = step(index).and_then(|next| {
            index = next;
            self.words.get(next)
        }) {
            let overlaps_number = masked
                .iter()
                .any(|(start, end)| word.end > *start && word.start < *end);
            if word.segment != segment || overlaps_number || found.len() == limit {
                break;
            }
            if let Some(surface) = text.get(word.start..word.end) {
                // `커밋 35개 중 BE 비중`: what follows `중` is a part of the
                // number, not its name.
                if matches!(side, Side::After) && matches!(surface, "중" | "가운데") {
                    break;
                }
                found.push(stem(surface).to_lowercase());
            }
        }
        found
    }

    /// (position, segment) of the word at or after a byte span.
    fn locate(&self, start: usize, end: usize) -> Option<(f32, usize)> {
        self.words
            .iter()
            .find(|word| word.end > start && word.start < end)
            .map(|word| (word.position, word.segment))
            .or_else(|| {
                self.words
                    .iter()
                    .find(|word| word.start >= end)
                    .map(|word| (word.position - 0.5, word.segment))
            })
            .or_else(|| {
                self.words
                    .last()
                    .map(|word| (word.position + 0.5, word.segment))
            })
    }

    /// The features around the byte spans `anchors` (a number, and the other
    /// end of its stated change: both ends of `6GB에서 1.5GB로` describe the
    /// same thing), weighted by the distance to the nearest anchor and
    /// multiplied by `scale`. Words overlapping any of `masked` (the spans of
    /// numbers) are left out. A word in another segment (across a comma, a
    /// cell border, a `과`/`와`) is farther by [`SOFT_BREAK`] per segment when
    /// some segment on the way holds another number: `상품 캐시 TTL 5분,
    /// 카테고리 캐시 TTL 10분` keeps 상품 with 5분, while the plain list of
    /// `Western Union, Union Pay 등 10개` stays with its number.
    /// [`Self::context`] for a table row: a word of the number's own cell
    /// weighs by its distance, as in prose, but every word of the other
    /// cells weighs alike, as if `distance` away. Cells are columns, not a
    /// sentence: the one next to a number is no nearer to it in meaning than
    /// the one after.
    pub fn row_context(
        &self,
        anchors: &[(usize, usize)],
        masked: &NumberSpans,
        scale: f32,
        distance: f32,
        bag: &mut Bag,
    ) {
        let located = self.locate_all(anchors);
        if located.is_empty() {
            return;
        }
        for word in unmasked(&self.words, masked) {
            let own = located
                .iter()
                .filter(|(_, segment)| *segment == word.segment)
                .map(|(position, _)| ((word.position - position).abs() - 1.0).max(0.0))
                .fold(f32::INFINITY, f32::min);
            let weight = proximity(own.min(distance)) * scale;
            for feature in &word.features {
                bag.add(*feature, weight);
            }
        }
    }

    /// The position and segment of each anchor that is a word of the text.
    fn locate_all(&self, anchors: &[(usize, usize)]) -> Vec<(f32, usize)> {
        anchors
            .iter()
            .filter_map(|&(start, end)| self.locate(start, end))
            .collect()
    }

    /// The words within [`CONTEXT_WORDS`] of a located anchor, in order,
    /// each once.
    fn words_near(&self, located: &[(f32, usize)]) -> Vec<&Word> {
        let mut ranges: Vec<(usize, usize)> = located
            .iter()
            .map(|&(position, _)| {
                // A word's distance is at least its gap in positions less
                // one; positions grow with the word's index.
                let reach = CONTEXT_WORDS + 1.0;
                let first = self
                    .words
                    .partition_point(|word| word.position < position - reach);
                let end = self
                    .words
                    .partition_point(|word| word.position <= position + reach);
                (first, end.max(first))
            })
            .collect();
        ranges.sort_unstable();
        let mut near = Vec::new();
        let mut next = 0;
        for (first, end) in ranges {
            for word in self.words.get(first.max(next)..end).unwrap_or(&[]) {
                near.push(word);
            }
            next = next.max(end);
        }
        near
    }

    pub fn context(
        &self,
        anchors: &[(usize, usize)],
        masked: &NumberSpans,
        scale: f32,
        bag: &mut Bag,
    ) {
        let located = self.locate_all(anchors);
        if located.is_empty() {
            return;
        }
        // Segments holding a number that is not an anchor, as prefix counts.
        let mut crowded = vec![0usize; self.segments.len() + 1];
        for (index, (segment_start, segment_end)) in self.segments.iter().enumerate() {
            let holds = masked.others_overlap(*segment_start, *segment_end, anchors);
            crowded[index + 1] = crowded[index] + usize::from(holds);
        }
        let crowded_between = |from: usize, to: usize| -> bool {
            let (low, high) = if from < to {
                (from + 1, to)
            } else {
                (to, from.saturating_sub(1))
            };
            low <= high
                && crowded.get(high + 1).copied().unwrap_or(0)
                    > crowded.get(low).copied().unwrap_or(0)
        };
        for word in unmasked(self.words_near(&located), masked) {
            let distance = located
                .iter()
                .map(|(position, segment)| {
                    let mut distance = ((word.position - position).abs() - 1.0).max(0.0);
                    if word.segment != *segment && crowded_between(*segment, word.segment) {
                        distance += SOFT_BREAK * word.segment.abs_diff(*segment) as f32;
                    }
                    distance
                })
                .fold(f32::INFINITY, f32::min);
            let weight = proximity(distance) * scale;
            for feature in &word.features {
                bag.add(*feature, weight);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_passes_the_first_letter_test() {
        for (alias, target) in ALIASES {
            assert_eq!(canonical(alias), Some(*target), "{alias}");
            assert_eq!(canonical(&alias.to_uppercase()), Some(*target), "{alias}");
        }
        assert_eq!(canonical("배치"), None);
    }

    #[test]
    fn compared_years_are_not_a_sentence_s_own() {
        assert_eq!(
            own_years_in("2024년 대비 커밋 9.7% 증가"),
            Vec::<i32>::new()
        );
        assert_eq!(own_years_in("2024년 대비 2025년 커밋 증가"), [2025]);
        assert_eq!(own_years_in("2025년 커밋이 2024년보다 많음"), [2025]);
        assert_eq!(own_years_in("2024년도에 비해 이슈 감소"), Vec::<i32>::new());
        assert_eq!(own_years_in("2024년 월간 최다 커밋 69개"), [2024]);
    }

    #[test]
    fn a_sentence_s_own_months() {
        assert_eq!(own_months_in("2025년 10월 커밋 69개 달성"), [10]);
        assert_eq!(own_months_in("12월 첫째~둘째 주 이슈 10개"), [12]);
        assert_eq!(own_months_in("2024년 11월 시작해 2025년 2월 완료"), [11, 2]);
        assert_eq!(
            own_months_in("6개월 동안 월 평균 42개, 월간 최다"),
            Vec::<u32>::new()
        );
        assert_eq!(own_months_in("9월 대비 10월 커밋 증가"), [10]);
        assert_eq!(own_months_in("13월 2024.12월"), Vec::<u32>::new());
    }

    #[test]
    fn words_beside_a_number_stay_in_its_clause() {
        let text = "월 평균 44개 커밋, 41개 이슈를 처리";
        let quantities = crate::quantity::extract_quantities(text);
        let masked: Vec<(usize, usize)> = quantities.iter().map(|q| (q.start, q.end)).collect();
        let tokenized = TokenizedText::new(text);
        let first = (quantities[0].start, quantities[0].end);
        let second = (quantities[1].start, quantities[1].end);
        assert_eq!(tokenized.lead_words(text, &masked, first), ["평균", "월"]);
        assert_eq!(tokenized.trail_words(text, &masked, first), ["커밋"]);
        // The comma ends the first clause: nothing leads the second number.
        assert!(tokenized.lead_words(text, &masked, second).is_empty());
        assert_eq!(
            tokenized.trail_words(text, &masked, second),
            ["이슈", "처리"]
        );
    }

    #[test]
    fn what_follows_jung_is_a_part_not_the_number_s_name() {
        let text = "그 달 커밋 35개 중 BE 비중";
        let quantities = crate::quantity::extract_quantities(text);
        let masked: Vec<(usize, usize)> = quantities.iter().map(|q| (q.start, q.end)).collect();
        let tokenized = TokenizedText::new(text);
        let span = (quantities[0].start, quantities[0].end);
        assert!(tokenized.trail_words(text, &masked, span).is_empty());
        assert_eq!(
            tokenized.lead_words(text, &masked, span),
            ["커밋", "달", "그"]
        );
    }

    #[test]
    fn particles_are_dropped_but_short_words_kept() {
        assert_eq!(stem("요청을"), "요청");
        assert_eq!(stem("인스턴스가"), "인스턴스");
        assert_eq!(stem("증가"), "증가");
        assert_eq!(stem("메인페이지에서"), "메인페이지");
        assert_eq!(stem("커밋"), "커밋");
    }

    #[test]
    fn spaced_and_joined_words_share_features() {
        let mut joined = Bag::default();
        joined.add_text("응답시간", 1.0);
        let mut spaced = Bag::default();
        spaced.add_text("응답 시간", 1.0);
        let shared = joined
            .keys()
            .filter(|feature| spaced.contains(*feature))
            .count();
        assert_eq!(shared, 2);
    }

    #[test]
    fn aliases_share_features() {
        let mut english = Bag::default();
        english.add_text("BE", 1.0);
        let mut korean = Bag::default();
        korean.add_text("백엔드", 1.0);
        assert!(!english.is_empty());
        assert!(english.keys().all(|feature| korean.contains(feature)));
    }

    #[test]
    fn years_share_one_feature() {
        assert_eq!(year_of("2025년"), Some(2025));
        assert_eq!(year_of("2025.12"), Some(2025));
        assert_eq!(year_of("2025"), Some(2025));
        assert_eq!(year_of("1800ms"), None);
        assert_eq!(clean_label("2월 · 커밋 (BE+FE) · BE"), "2월 · 커밋  · BE");
    }

    #[test]
    fn the_corpus_scan_finds_every_feature_of_the_words() {
        let texts = [
            "기존 메인페이지가 최대 600ms까지 넘었던 부분을 33ms내로 응답될 수 있도록 개선",
            "총 커밋 | 508개 (BE 330 + FE 178)",
            "2025년 12월 Eureka 인스턴스의 만료 시간은 2초, 재시도 1초로 처리. A업체 API서버 캐싱",
            "프론트 전체 합계 1.8초 → 240ms, 9월 Q3 v2.7 spring boot",
        ];
        let mut bag = Bag::default();
        for text in texts {
            bag.add_text(text, 1.0);
        }
        let ids: FastMap<Feature, u32> = bag
            .keys()
            .enumerate()
            .map(|(id, f)| (f, id as u32))
            .collect();
        let dictionary = Dictionary::new(ids.clone());
        for text in texts {
            let mut expected: Vec<u32> = Vec::new();
            for_each_word(text, |word| {
                for_each_feature(word, |feature| {
                    if let Some(id) = ids.get(&feature) {
                        expected.push(*id);
                    }
                })
            });
            let mut found: Vec<u32> = Vec::new();
            dictionary.scan(text, |id| found.push(id));
            for id in expected {
                assert!(
                    found.contains(&id),
                    "{text}: feature {id} missed by the scan"
                );
            }
        }
    }

    #[test]
    fn split_columns_name_their_parts() {
        assert_eq!(
            table_parts("2월 · 커밋 (BE+FE) · BE"),
            (
                vec!["be".to_string(), "fe".to_string()],
                Some("be".to_string())
            )
        );
        assert_eq!(
            table_parts("2월 · 커밋 (BE+FE)"),
            (vec!["be".to_string(), "fe".to_string()], None)
        );
        assert_eq!(table_parts("2월 · 이슈"), (Vec::new(), None));
        assert_eq!(table_parts("응답 (ms)"), (Vec::new(), None));
    }

    #[test]
    fn month_words_are_whole() {
        let mut december = Bag::default();
        december.add_text("12월", 1.0);
        let mut february = Bag::default();
        february.add_text("2월", 1.0);
        assert!(december.keys().all(|feature| !february.contains(feature)));
    }

    #[test]
    fn adjacent_words_weigh_most() {
        let text = "기존 메인페이지 응답시간 600ms. 다른 이야기";
        let tokenized = TokenizedText::new(text);
        let start = text.find("600ms").unwrap_or(0);
        let mut bag = Bag::default();
        let span = [(start, start + 5)];
        tokenized.context(&span, &NumberSpans::new(&span), 1.0, &mut bag);
        let mut near = Bag::default();
        near.add_text("응답시간", 1.0);
        let mut far = Bag::default();
        far.add_text("이야기", 1.0);
        let near_weight = near.keys().map(|f| bag.get(f)).fold(0.0, f32::max);
        let far_weight = far.keys().map(|f| bag.get(f)).fold(0.0, f32::max);
        assert!((near_weight - 1.0).abs() < 1e-6, "{near_weight}");
        assert!(far_weight < 0.5, "{far_weight}");
    }

    fn weight_of(bag: &Bag, word: &str) -> f32 {
        let mut words = Bag::default();
        words.add_text(word, 1.0);
        words
            .keys()
            .map(|feature| bag.get(feature))
            .fold(0.0, f32::max)
    }

    #[test]
    fn context_reaches_its_window_and_no_farther() {
        // `정산` right before the number, `배포` within the window, `결제`
        // past it: 300 filler words after the number.
        let filler = vec!["그리고"; 300].join(" ");
        let text = format!("정산 600ms 배포 {filler} 결제");
        let tokenized = TokenizedText::new(&text);
        let start = text.find("600ms").unwrap_or(0);
        let span = [(start, start + 5)];
        let mut bag = Bag::default();
        tokenized.context(&span, &NumberSpans::new(&span), 1.0, &mut bag);
        assert!((weight_of(&bag, "정산") - 1.0).abs() < 1e-6);
        assert!(weight_of(&bag, "배포") > 0.9);
        assert_eq!(weight_of(&bag, "결제"), 0.0);
        // Within the window a far word still counts, however little.
        let text = format!("정산 600ms {} 결제", vec!["그리고"; 200].join(" "));
        let tokenized = TokenizedText::new(&text);
        let mut bag = Bag::default();
        tokenized.context(&span, &NumberSpans::new(&span), 1.0, &mut bag);
        let far = weight_of(&bag, "결제");
        assert!(far > 0.0 && far < 0.02, "{far}");
    }

    #[test]
    fn a_line_of_many_numbers_keeps_each_numbers_neighbours() {
        // Thousands of numbers on one line: each keeps its own word, and
        // the window keeps the work per number bounded.
        // A name of its own for each number: two syllables no other name has.
        let name = |n: u32| -> String {
            [0xAC00 + 2 * n, 0xAC01 + 2 * n]
                .into_iter()
                .filter_map(char::from_u32)
                .collect()
        };
        let text: String = (0..3_000).map(|n| format!("{} {n}개 ", name(n))).collect();
        let tokenized = TokenizedText::new(&text);
        let masked: Vec<(usize, usize)> = crate::quantity::extract_quantities(&text)
            .iter()
            .map(|quantity| (quantity.start, quantity.end))
            .collect();
        assert_eq!(masked.len(), 3_000);
        let (start, end) = masked[1_500];
        let mut bag = Bag::default();
        tokenized.context(&[(start, end)], &NumberSpans::new(&masked), 1.0, &mut bag);
        assert!(weight_of(&bag, &name(1_500)) > 0.99);
        assert!(weight_of(&bag, &name(1_400)) > 0.0);
        assert_eq!(weight_of(&bag, &name(2)), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn number_spans_overlap_as_a_scan_finds(
            spans in proptest::collection::vec((0usize..200, 0usize..20), 0..40),
            start in 0usize..220,
            length in 0usize..20,
        ) {
            let spans: Vec<(usize, usize)> =
                spans.into_iter().map(|(start, length)| (start, start + length)).collect();
            let index = NumberSpans::new(&spans);
            let end = start + length;
            let scanned = spans.iter().any(|&(from, to)| to > start && from < end);
            proptest::prop_assert_eq!(index.overlaps(start, end), scanned);
        }

        #[test]
        fn number_spans_find_the_others_a_scan_finds(
            gaps in proptest::collection::vec((0usize..6, 1usize..6), 0..30),
            overlapping in proptest::collection::vec((0usize..120, 0usize..10), 0..4),
            except in proptest::collection::vec(0usize..34, 0..3),
            start in 0usize..130,
            length in 0usize..20,
        ) {
            // Disjoint spans as numbers of one text have, sometimes with a
            // few overlapping ones added (the general case).
            let mut spans = Vec::new();
            let mut at = 0;
            for (gap, width) in gaps {
                spans.push((at + gap, at + gap + width));
                at += gap + width;
            }
            spans.extend(overlapping.iter().map(|&(from, width)| (from, from + width)));
            let except: Vec<(usize, usize)> =
                except.iter().filter_map(|&index| spans.get(index).copied()).collect();
            let numbers = NumberSpans::new(&spans);
            let end = start + length;
            let scanned = spans
                .iter()
                .any(|span| !except.contains(span) && span.1 > start && span.0 < end);
            proptest::prop_assert_eq!(numbers.others_overlap(start, end, &except), scanned);
        }
    }
}
