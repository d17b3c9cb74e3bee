//! Korean-aware quantity extraction.
//!
//! Every other stage (facts, the verifier, the drafter) agrees on what a
//! number in a sentence *is* through this module: `41만 건`, `2시간 30분`,
//! `2~3%`, `1.8초 → 240ms`, `80% 이상`, `인스턴스 수*30개`. Dates, ticket ids,
//! versions and names (`2022.04.18`, `MPT-8756`, `v2`, `AES-256`, `Q4`) are
//! recognised so that they are *not* reported as quantities.
//!
//! The scanner is hand-written and linear: it walks the bytes once, and at
//! each ASCII digit reads one quantity: the number (`1,234`, `1.8`), Korean
//! multipliers (`41만`, `1만 2천`, `1억 2천만`) or `k`, an optional `여`, and a
//! unit glued or after one space (`3개`, `41만 건`). Then, in order:
//! composite durations (`2시간 30분` → 150분, `1시간 반` → 1.5시간),
//! fractions (`3분의 1`, and `1/3` before `로`/`수준`: 0.333 in unit `분의`),
//! ranges (`2~3%`, `7 ~ 10일`),
//! products (`인스턴스 수*30개`), and qualifiers before (`약`, `최대`, `최소`)
//! and after (`이상`, `이하`, `내`, `까지`, `넘게`, `80+`); the one written after
//! wins. A last pass links `A에서 B` / `A → B` pairs as [`Transition`]s.
//!
//! Numbers in words are read too where they count something: a native
//! numeral before a counter it takes (`두 배`, `세 개`, `열두 명`, `스무 번`,
//! `두 달`) and `절반` (a half, as a fraction); not `한`/`하나` alone
//! (`한 번에`, `하나의 토큰`), not words that merely start with one (`세대`,
//! `세배`, `열대`, `두개골`), and not the idiom `두 번 다시`.
//!
//! Not quantities: dates and periods (`2025.12.01`, `2025-12-31`, `2024년`,
//! `7~8월`, `12월 1일`, `3시 30분`, `14:30`), ordinals (`3번째`, `1주차`,
//! `3분기`, `1단계`, `1차`), digits glued to ASCII names (`sha256`, `b2c`,
//! `c3352f72-b7e9`), URLs, a bare number right after a lowercase ASCII word
//! (`spring boot 3.3`, `Phase 1`), and ordered-list markers (`1. `).
//! A unit syllable that starts another word (`2대비`, `1회사`, `3초과`) is not
//! a unit; the number stays as a bare number.

use compact_str::CompactString;
use serde::Serialize;

/// What kind of thing a quantity measures; values are only comparable within
/// one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// ms, 초, 분, 시간, 일, 주, 개월, 년; base unit `ms`.
    Duration,
    /// `%`; base unit `%`.
    Percent,
    /// `%p`, `%포인트`; base unit `%p`.
    PercentPoint,
    /// `배`, `3x`; base unit `배`.
    Ratio,
    /// A counter word: 개, 건, 명, 회, 번, 대, 곳, 줄, 가지, 원 …; base unit is the counter.
    Count,
    /// KB, MB, GB, TB; base unit `B`.
    Size,
    /// A bare number (a table cell, `463→508`); base unit is empty.
    Number,
}

/// A word that bounds or loosens the stated value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// 약, 대략, 거의, 가량, 정도, `여` (10여 년): roughly the value.
    About,
    /// 최소, 이상, `80+`, 넘게: the value or more.
    AtLeast,
    /// 최대, 이하, 이내, `내`, 까지: the value or less.
    AtMost,
    /// 초과: strictly more.
    MoreThan,
    /// 미만: strictly less.
    LessThan,
}

/// Which end of a change (`600ms에서 33ms`, `1.8초 → 240ms`, `463→508`) a
/// quantity is, and the index of the other end in the same list.
///
/// The partner's index is kept in 32 bits, which makes a quantity 8 bytes
/// smaller (a list of more than 4 billion quantities would saturate it, and
/// an index past the list names no partner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub role: TransitionRole,
    partner: u32,
}

impl Transition {
    pub fn new(role: TransitionRole, partner: usize) -> Self {
        Transition {
            role,
            partner: u32::try_from(partner).unwrap_or(u32::MAX),
        }
    }

    /// Index of the partner quantity in the list returned by [`extract_quantities`].
    pub fn partner(&self) -> usize {
        usize::try_from(self.partner).unwrap_or(usize::MAX)
    }

    /// The same end, its partner `offset` further on (quantities appended
    /// to a longer list).
    fn shifted(self, offset: usize) -> Self {
        Transition::new(self.role, self.partner().saturating_add(offset))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionRole {
    From,
    To,
}

/// The unit of a fraction (`3분의 1` → 0.333…, `1/3로` → 0.333…): a ratio
/// whose base unit is `배`.
pub const FRACTION_UNIT: &str = "분의";

/// One number as written, with its unit, normalised value and exact span.
///
/// The unit is kept as one pointer to its constant description; its
/// spelling, dimension and base, and the value in the base unit, are read
/// through methods (and written to JSON as fields): derived, not stored.
/// The rare product name is boxed and a change's partner index is 32 bits:
/// a quantity is 128 bytes. Every quantity of every fact is written once to
/// memory the cache does not hold, so its size is time: 64 bytes more per
/// quantity cost the ingest pipeline about 5%; 16 fewer (with 24 fewer per
/// fact) saved about 3%.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The value in the written unit (`2시간 30분` → 150 with unit `분`;
    /// `41만 건` → 410000 with unit `건`). For a range, the lower end.
    pub value: f64,
    /// The upper end of a range (`2~3%` → 3), else `None`.
    pub max: Option<f64>,
    /// The unit: its spelling, dimension, factor to the base unit and the
    /// base unit's name (see the methods below).
    measure: Unit,
    /// The quantity exactly as written: `41만 건`, `2시간 30분`, `2~3%`.
    /// Qualifiers are not part of it.
    pub surface: CompactString,
    /// Byte offset of `surface` in the text it was extracted from.
    pub start: usize,
    /// Byte offset one past the end of `surface`.
    pub end: usize,
    pub qualifier: Option<Qualifier>,
    /// For products such as `인스턴스 수*30개`: the multiplier's name (`인스턴스 수`).
    pub per: Option<Box<str>>,
    pub transition: Option<Transition>,
    /// Set by the caller for table cells: `2월 · 커밋 (BE+FE)`.
    pub label: Option<CompactString>,
}

impl Quantity {
    /// The unit as written, normalised in spelling (`퍼센트` → `%`, `sec` →
    /// `초`); empty for a bare number.
    pub fn unit(&self) -> &'static str {
        self.measure.name
    }

    pub fn dimension(&self) -> Dimension {
        self.measure.dim
    }

    /// `value` converted to the dimension's base unit (durations in ms).
    pub fn base_value(&self) -> f64 {
        self.value * self.measure.factor
    }

    /// `max` converted to the base unit.
    pub fn base_max(&self) -> Option<f64> {
        // Not `self.max.map(|max| max * factor)`: compiled without a branch,
        // that multiplies whatever bits a `None` holds, and a subnormal there
        // costs a microcode assist.
        self.max
            .is_some()
            .then_some(self.max.unwrap_or(0.0) * self.measure.factor)
    }

    /// `ms`, `%`, `%p`, `배`, `B`, the counter word, or empty.
    pub fn base_unit(&self) -> &'static str {
        self.measure.base
    }
}

/// The JSON of a quantity, as documented in README: the unit's spelling,
/// dimension and base, and the base values, written out as fields.
impl Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Quantity", 14)?;
        fields.serialize_field("value", &self.value)?;
        fields.serialize_field("max", &self.max)?;
        fields.serialize_field("unit", self.unit())?;
        fields.serialize_field("dimension", &self.dimension())?;
        fields.serialize_field("base_value", &self.base_value())?;
        fields.serialize_field("base_max", &self.base_max())?;
        fields.serialize_field("base_unit", self.base_unit())?;
        fields.serialize_field("surface", &self.surface)?;
        fields.serialize_field("start", &self.start)?;
        fields.serialize_field("end", &self.end)?;
        fields.serialize_field("qualifier", &self.qualifier)?;
        fields.serialize_field("per", &self.per)?;
        fields.serialize_field("transition", &self.transition)?;
        fields.serialize_field("label", &self.label)?;
        fields.end()
    }
}

/// Extracts every quantity from `text`, in order of appearance.
///
/// Never panics, whatever the input. Runs in time linear in `text.len()`.
pub fn extract_quantities(text: &str) -> Vec<Quantity> {
    let mut quantities = Vec::new();
    extract_quantities_into(text, &mut QuantityScratch::default(), &mut quantities);
    quantities
}

/// The scanner's working buffer, kept between texts by a caller that scans
/// many (the fact stage scans every fact's text): one allocation in all
/// instead of one per text.
#[derive(Default)]
pub(crate) struct QuantityScratch {
    raws: Vec<Raw>,
}

/// [`extract_quantities`] appended to `quantities`: what is there stays, and
/// the new quantities' [`Transition::partner`]s index the whole list. An
/// empty `quantities` gets exactly as much room as the text needs.
pub(crate) fn extract_quantities_into(
    text: &str,
    scratch: &mut QuantityScratch,
    quantities: &mut Vec<Quantity>,
) {
    scratch.raws.clear();
    let mut scanner = Scanner {
        text,
        b: text.as_bytes(),
        raws: &mut scratch.raws,
        ctx: None,
    };
    scanner.run();
    scanner.finish(quantities);
}

// ---------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------

/// A recognised unit: its normalised spelling, dimension, factor to the base
/// unit and the base unit's name.
#[derive(Debug, PartialEq)]
struct UnitSpec {
    name: &'static str,
    dim: Dimension,
    factor: f64,
    base: &'static str,
}

/// A unit as the scanner passes it around: one pointer to its constant
/// [`UnitSpec`] instead of a 48-byte copy in every operand and result.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Unit(&'static UnitSpec);

impl std::ops::Deref for Unit {
    type Target = UnitSpec;

    fn deref(&self) -> &UnitSpec {
        self.0
    }
}

const fn duration(name: &'static str, factor: f64) -> UnitSpec {
    UnitSpec {
        name,
        dim: Dimension::Duration,
        factor,
        base: "ms",
    }
}

const fn counter(name: &'static str) -> UnitSpec {
    unscaled(name, Dimension::Count, name)
}

/// A unit already in its dimension's base: a factor of one.
const fn unscaled(name: &'static str, dim: Dimension, base: &'static str) -> UnitSpec {
    UnitSpec {
        name,
        dim,
        factor: 1.0,
        base,
    }
}

const fn size(name: &'static str, factor: f64) -> UnitSpec {
    UnitSpec {
        name,
        dim: Dimension::Size,
        factor,
        base: "B",
    }
}

const MS: Unit = Unit(&duration("ms", 1.0));
const SEC: Unit = Unit(&duration("초", 1_000.0));
const MIN: Unit = Unit(&duration("분", 60_000.0));
const HOUR: Unit = Unit(&duration("시간", 3_600_000.0));
const DAY: Unit = Unit(&duration("일", 86_400_000.0));
const WEEK: Unit = Unit(&duration("주", 604_800_000.0));
/// 365.25 / 12 days.
const MONTH: Unit = Unit(&duration("개월", 2_629_800_000.0));
/// 365.25 days.
const YEAR: Unit = Unit(&duration("년", 31_557_600_000.0));
const PERCENT: Unit = Unit(&unscaled("%", Dimension::Percent, "%"));
const PERCENT_POINT: Unit = Unit(&unscaled("%p", Dimension::PercentPoint, "%p"));
const RATIO: Unit = Unit(&unscaled("배", Dimension::Ratio, "배"));
/// A fraction: `3분의 1`, `1/3로`; the value is numerator / denominator.
const FRACTION: Unit = Unit(&unscaled(FRACTION_UNIT, Dimension::Ratio, "배"));
/// A bare number: a table cell, `463→508`.
const BARE: Unit = Unit(&unscaled("", Dimension::Number, ""));
/// A count of occurrences written with no unit: `2월×2`.
const TIMES: Unit = Unit(&unscaled("", Dimension::Count, "회"));
const KB: Unit = Unit(&size("KB", 1024.0));
const MB: Unit = Unit(&size("MB", 1_048_576.0));
const GB: Unit = Unit(&size("GB", 1_073_741_824.0));
const TB: Unit = Unit(&size("TB", 1_099_511_627_776.0));

/// Words after a number that make it *not* a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SkipKind {
    /// `3월`, `7~8월`: a month.
    Month,
    /// `3시`: a time of day.
    Oclock,
    /// `3번째`, `1주차`, `3분기`, `1단계`, `1차`: an ordinal or period label.
    Ordinal,
}

#[derive(Debug, Clone, Copy)]
enum TailWord {
    Unit(Unit),
    Skip(SkipKind),
}

/// Korean words that may follow a number, longest first where one is a
/// prefix of another.
const KOREAN_TAILS: &[(&str, TailWord)] = &[
    ("번째", TailWord::Skip(SkipKind::Ordinal)),
    ("주차", TailWord::Skip(SkipKind::Ordinal)),
    ("일차", TailWord::Skip(SkipKind::Ordinal)),
    ("회차", TailWord::Skip(SkipKind::Ordinal)),
    ("년차", TailWord::Skip(SkipKind::Ordinal)),
    ("년도", TailWord::Skip(SkipKind::Ordinal)),
    ("주년", TailWord::Skip(SkipKind::Ordinal)),
    ("분기", TailWord::Skip(SkipKind::Ordinal)),
    ("단계", TailWord::Skip(SkipKind::Ordinal)),
    ("차례", TailWord::Unit(Unit(&counter("차례")))),
    ("차", TailWord::Skip(SkipKind::Ordinal)),
    ("퍼센트포인트", TailWord::Unit(PERCENT_POINT)),
    ("퍼센트", TailWord::Unit(PERCENT)),
    ("밀리초", TailWord::Unit(MS)),
    ("개월", TailWord::Unit(MONTH)),
    ("개사", TailWord::Unit(Unit(&counter("개사")))),
    ("개국", TailWord::Unit(Unit(&counter("개국")))),
    ("개", TailWord::Unit(Unit(&counter("개")))),
    ("시간", TailWord::Unit(HOUR)),
    ("초", TailWord::Unit(SEC)),
    ("분", TailWord::Unit(MIN)),
    ("일", TailWord::Unit(DAY)),
    ("주", TailWord::Unit(WEEK)),
    ("년", TailWord::Unit(YEAR)),
    ("달러", TailWord::Unit(Unit(&counter("달러")))),
    ("달", TailWord::Unit(MONTH)),
    ("배", TailWord::Unit(RATIO)),
    ("건", TailWord::Unit(Unit(&counter("건")))),
    ("명", TailWord::Unit(Unit(&counter("명")))),
    ("회", TailWord::Unit(Unit(&counter("회")))),
    ("번", TailWord::Unit(Unit(&counter("번")))),
    ("대", TailWord::Unit(Unit(&counter("대")))),
    ("곳", TailWord::Unit(Unit(&counter("곳")))),
    ("줄", TailWord::Unit(Unit(&counter("줄")))),
    ("가지", TailWord::Unit(Unit(&counter("가지")))),
    ("원", TailWord::Unit(Unit(&counter("원")))),
    ("종류", TailWord::Unit(Unit(&counter("종류")))),
    ("종", TailWord::Unit(Unit(&counter("종")))),
    ("월", TailWord::Skip(SkipKind::Month)),
];

/// Words that begin with a unit syllable but are not that unit
/// (`2대비`, `1회사`, `5초과`), space-separated, one group per syllable.
/// Checked only when a unit matched. Words whose second syllable is a
/// common particle (`건의`, `회의`, `명의`) are deliberately absent:
/// after a number they are almost always unit + particle (`3건의 요청`).
const BLOCKED_WORDS: &[&str] = &[
    "초기 초진 초과 초반 초대 초안 초점 초보 초래 초창기 초록 초월",
    "분석 분리 분산 분류 분배 분야 분들 분량 분할 분포 분명 분실",
    "분위기 분쟁 분해",
    "일정 일부 일괄 일반 일일 일단 일치 일시 일관 일어 일환 일자",
    "일별 일상 일종 일련 일원 일으 일체 일방",
    "주요 주기 주문 주소 주도 주입 주제 주석 주체 주민",
    "주관 주력 주목 주식 주장 주변 주니어",
    "대비 대폭 대규모 대응 대상 대표 대기 대시 대용량 대신 대한 대해",
    "대외 대부분 대화 대체 대사",
    "대역 대차 대량 대형 대학 대략 대단 대금 대출 대면 대안 대여",
    "대책 대처 대리",
    "회사 회원 회고 회귀 회복 회계 회전 회신 회선 회피 회수",
    "회색",
    "번호 번역 번거 번들 번창",
    "명령 명확 명시 명세 명칭 명단 명절 명예 명품 명사 명함",
    "건강 건너 건물 건설 건전 건수 건축 건네",
    "개선 개발 개편 개념 개인 개별 개수 개최 개방 개설 개정 개시",
    "개요 개척 개입 개통 개업 개관 개봉 개조 개혁",
    "원인 원하 원활 원본 원격 원래 원칙 원자 원천 원리 원형 원화",
    "원장 원고 원료 원작 원한",
    "곳곳",
    "줄여 줄어 줄임 줄였 줄인 줄일 줄곧",
    "가지러 가지고 가지는 가지게 가지며 가지지 가지면 가지도 가지기 가지거 가지려",
    "종료 종합 종속 종단 종점 종종",
    "배포 배치 배경 배열 배정 배달 배송 배너 배운 배우 배려 배제",
    "배차 배분 배터리 배당 배상 배관 배타",
    "달성 달라 달리 달력 달랐 달린 달려 달하 달한 달해",
];

/// Words that begin with a multiplier syllable (만, 천, 백, 억) but are not
/// a multiplier (`3만큼`, `백엔드`), space-separated.
const BLOCKED_MULTIPLIERS: &[&str] = &[
    "만들 만료 만족 만나 만남 만약 만큼 만점 만기 만든 만드 만능",
    "천천 천재 천장 천국",
    "백엔드 백업 백오피스 백그라운드 백신 백로그 백과 백화 백서 백지",
    "억제 억울 억지",
];

/// Qualifiers written after a quantity, longest first.
const AFTER_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("이상", Qualifier::AtLeast),
    ("이하", Qualifier::AtMost),
    ("이내", Qualifier::AtMost),
    ("미만", Qualifier::LessThan),
    ("초과", Qualifier::MoreThan),
    ("가량", Qualifier::About),
    ("정도", Qualifier::About),
    ("내외", Qualifier::About),
    ("남짓", Qualifier::About),
    ("쯤", Qualifier::About),
    ("까지", Qualifier::AtMost),
];

/// The first letters of the words in [`AFTER_QUALIFIERS`] (a unit test
/// keeps the two in step).
const AFTER_QUALIFIER_FIRSTS: &[char] = &['이', '미', '초', '가', '정', '내', '남', '쯤', '까'];

/// `text` (what follows a quantity) without a leading qualifier such as
/// ` 이하`, `가량`: ` 이하로` → `로`.
pub(crate) fn skip_after_qualifier(text: &str) -> &str {
    let trimmed = text.trim_start();
    AFTER_QUALIFIERS
        .iter()
        .find_map(|(word, _)| trimmed.strip_prefix(word))
        .unwrap_or(text)
}

/// Whether what follows a quantity names it as the value reached: `로`,
/// `으로`, past a qualifier (` 이내로`, `내로`); not `로서`, `로써`.
pub(crate) fn names_value_reached(after: &str) -> bool {
    let rest = skip_after_qualifier(after).trim_start();
    let rest = rest.strip_prefix('내').unwrap_or(rest);
    let rest = rest.strip_prefix('으').unwrap_or(rest);
    rest.starts_with('로') && !rest.starts_with("로서") && !rest.starts_with("로써")
}

/// Whether the words right after a quantity (past a qualifier or `까지`)
/// name it as where a change started: a verb of the past state, `걸리던`,
/// `넘었던`, `였던` (`최대 0.6초까지 걸리던 응답을`).
pub(crate) fn names_value_started(after: &str) -> bool {
    let rest = skip_after_qualifier(after).trim_start();
    let rest = rest.strip_prefix("까지").unwrap_or(rest).trim_start();
    let word: String = rest
        .chars()
        .take_while(|character| !character.is_whitespace() && !",.;:)".contains(*character))
        .collect();
    word.ends_with('던') && word.chars().count() <= 4
}

/// Qualifiers written before a quantity.
const BEFORE_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("대략", Qualifier::About),
    ("거의", Qualifier::About),
    ("최대", Qualifier::AtMost),
    ("최소", Qualifier::AtLeast),
    ("적어도", Qualifier::AtLeast),
    ("약", Qualifier::About),
];

/// The last letters of the words in [`BEFORE_QUALIFIERS`] (a unit test
/// keeps the two in step).
const BEFORE_QUALIFIER_LASTS: &[char] = &['략', '의', '대', '소', '도', '약'];

/// What may stand between the two ends of a change (`600ms에서 33ms`).
const TRANSITION_MARKS: &[&str] = &["에서", "→", "->", "=>", "⇒", "➔", "➡", "➜", "⟶", "-->"];

/// Tens of native numerals: `열두 명`, `스무 번`, `서른 개`.
const NATIVE_TENS: &[(&str, f64)] = &[
    ("열", 10.0),
    ("스무", 20.0),
    ("스물", 20.0),
    ("서른", 30.0),
    ("마흔", 40.0),
    ("쉰", 50.0),
];

/// Units of native numerals; `한` counts only after tens (`열한 명`).
const NATIVE_UNITS: &[(&str, f64)] = &[
    ("한", 1.0),
    ("두", 2.0),
    ("세", 3.0),
    ("네", 4.0),
    ("다섯", 5.0),
    ("여섯", 6.0),
    ("일곱", 7.0),
    ("여덟", 8.0),
    ("아홉", 9.0),
];

/// Numerals that end a number only before a space: `세대`, `세배`, `열대`
/// are words.
const SPACED_NUMERALS: &[&str] = &["세", "열"];

/// Syllables that may follow a counter after a native numeral: particles
/// (`두 명의`, `세 번에`, `두 달간`), not the rest of a word (`두개골`).
const COUNTER_PARTICLES: &str = "의를을이가로으에씩만과와도는은간동부까뿐당";

/// Counters native numerals take; Sino-Korean ones (`일`, `년`, `개월`, `초`)
/// do not follow them, and `세 분` is three people, not three minutes.
const NATIVE_COUNTERS: &[&str] = &[
    "배", "개", "명", "번", "곳", "대", "가지", "건", "차례", "종류", "줄", "시간", "달", "주",
    "개사", "개국",
];

/// `절반`: a half, as a fraction.
const HALF: &str = "절반";

/// What the scan does at a byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteKind {
    Other,
    Digit,
    /// `h`/`H`: perhaps `http://`.
    MaybeUrl,
    /// The first byte of one of [`NATIVE_FIRST_SYLLABLES`]: perhaps a
    /// number in words.
    MaybeWords,
    /// The first byte of a character of this many bytes.
    Lead(u8),
}

/// One table lookup per byte instead of a chain of comparisons.
static BYTE_KINDS: [ByteKind; 256] = {
    let mut kinds = [ByteKind::Other; 256];
    let mut lead = 0xC0;
    while lead <= 0xF7 {
        kinds[lead] = ByteKind::Lead(if lead < 0xE0 {
            2
        } else if lead < 0xF0 {
            3
        } else {
            4
        });
        lead += 1;
    }
    let mut digit = b'0';
    while digit <= b'9' {
        kinds[digit as usize] = ByteKind::Digit;
        digit += 1;
    }
    kinds[b'h' as usize] = ByteKind::MaybeUrl;
    kinds[b'H' as usize] = ByteKind::MaybeUrl;
    let mut first = 0;
    while first < NATIVE_FIRST_CODES.len() {
        kinds[(NATIVE_FIRST_CODES[first] >> 16) as usize] = ByteKind::MaybeWords;
        first += 1;
    }
    kinds
};

/// A Hangul syllable's three UTF-8 bytes as one number, to compare with the
/// bytes of the text without decoding them.
const fn syllable_code(syllable: char) -> u32 {
    let code = syllable as u32;
    (0xE0 | (code >> 12)) << 16 | (0x80 | ((code >> 6) & 0x3F)) << 8 | (0x80 | (code & 0x3F))
}

/// The syllables a number in words starts with: of the tens, of the units
/// but `한`, and of [`HALF`].
const NATIVE_FIRST_SYLLABLES: &[char] = &[
    '열', '스', '서', '마', '쉰', '두', '세', '네', '다', '여', '일', '아', '절',
];

/// [`NATIVE_FIRST_SYLLABLES`] as [`syllable_code`]s, computed once.
const NATIVE_FIRST_CODES: [u32; NATIVE_FIRST_SYLLABLES.len()] = {
    let mut codes = [0; NATIVE_FIRST_SYLLABLES.len()];
    let mut index = 0;
    while index < codes.len() {
        codes[index] = syllable_code(NATIVE_FIRST_SYLLABLES[index]);
        index += 1;
    }
    codes
};

/// [`NATIVE_FIRST_SYLLABLES`] as bits of a set over the 65,536 code
/// points of three-byte characters: one test instead of a comparison with
/// each syllable (a lead byte of most Hangul asks).
static NATIVE_FIRST_SET: [u64; 1024] = {
    let mut set = [0u64; 1024];
    let mut index = 0;
    while index < NATIVE_FIRST_SYLLABLES.len() {
        let code = NATIVE_FIRST_SYLLABLES[index] as usize;
        set[code / 64] |= 1 << (code % 64);
        index += 1;
    }
    set
};

/// Range separators (`2~3%`).
const RANGE_SEPARATORS: &[char] = &['~', '～', '〜'];

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The space-separated words of `groups`, sorted by a key packed from
/// their first two syllables, built once: the scanner asks for every
/// number and unit, so a linear scan of the lists (or a hashed map) was its
/// hottest spot. Every word has at least two Hangul syllables (a unit test
/// checks), so a text's first six bytes give the only key to look under.
struct WordIndex {
    /// `word_key` of each word, ascending; `words` in step.
    keys: Vec<u64>,
    words: Vec<&'static str>,
    /// One bit per key, by [`filter_bit`]: most lookups (a unit followed by
    /// a particle, `3개의`) find their bit clear and end there.
    filter: [u64; FILTER_WORDS],
}

/// 4,096 bits for a few hundred keys: a clear bit for almost every key
/// that is not there.
const FILTER_WORDS: usize = 64;

/// The bit of [`WordIndex::filter`] that `key` sets: a multiplicative hash.
fn filter_bit(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize
}

/// The first two characters of `text` as one comparable key, when both
/// are of three bytes (as Hangul syllables are): their bytes, packed.
fn word_key(text: &[u8]) -> Option<u64> {
    match text.get(..6)? {
        &[first, b1, b2, second, b4, b5] if first & 0xF0 == 0xE0 && second & 0xF0 == 0xE0 => {
            Some(u64::from_be_bytes([0, 0, first, b1, b2, second, b4, b5]))
        }
        _ => None,
    }
}

impl WordIndex {
    fn new(groups: &[&'static str]) -> Self {
        let mut entries: Vec<(u64, &'static str)> = groups
            .iter()
            .flat_map(|group| group.split(' '))
            .filter_map(|word| Some((word_key(word.as_bytes())?, word)))
            .collect();
        entries.sort_unstable();
        let mut filter = [0u64; FILTER_WORDS];
        for (key, _) in &entries {
            let bit = filter_bit(*key);
            filter[bit / 64] |= 1 << (bit % 64);
        }
        WordIndex {
            keys: entries.iter().map(|(key, _)| *key).collect(),
            words: entries.iter().map(|(_, word)| *word).collect(),
            filter,
        }
    }

    /// Whether a word filed under `key` begins `s`.
    fn any_under(&self, key: u64, s: &str) -> bool {
        let bit = filter_bit(key);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return false;
        }
        let from = self.keys.partition_point(|&word_key| word_key < key);
        self.keys[from..]
            .iter()
            .zip(&self.words[from..])
            .take_while(|(word_key, _)| **word_key == key)
            .any(|(_, word)| s.starts_with(word))
    }
}

static BLOCKED_WORD_INDEX: std::sync::LazyLock<WordIndex> =
    std::sync::LazyLock::new(|| WordIndex::new(BLOCKED_WORDS));
static BLOCKED_MULTIPLIER_INDEX: std::sync::LazyLock<WordIndex> =
    std::sync::LazyLock::new(|| WordIndex::new(BLOCKED_MULTIPLIERS));

/// Whether `s` begins with one of the words in `index`.
fn starts_with_any(s: &str, index: &WordIndex) -> bool {
    word_key(s.as_bytes()).is_some_and(|key| index.any_under(key, s))
}

/// The tail words that begin with one character, in list order.
type TailGroup = Vec<(&'static str, TailWord)>;

/// [`KOREAN_TAILS`] grouped by their first syllable, in list order within a
/// group (the first match wins, as in the list), and each syllable's group
/// found by one lookup rather than a binary search: every number asks.
struct KoreanTails {
    /// For each Hangul syllable (from U+AC00), its group's index plus one;
    /// zero where no tail word begins with it.
    group_of: Vec<u8>,
    groups: Vec<TailGroup>,
}

/// The Hangul syllables, U+AC00 to U+D7A3.
const HANGUL_SYLLABLES: usize = 11_172;

impl KoreanTails {
    fn new() -> Self {
        let mut group_of = vec![0u8; HANGUL_SYLLABLES];
        let mut groups: Vec<TailGroup> = Vec::new();
        for &(word, tail) in KOREAN_TAILS {
            let Some(offset) = word
                .chars()
                .next()
                .and_then(|first| (first as usize).checked_sub(0xAC00))
                .filter(|offset| *offset < HANGUL_SYLLABLES)
            else {
                continue;
            };
            match group_of[offset] {
                0 => {
                    groups.push(vec![(word, tail)]);
                    group_of[offset] = u8::try_from(groups.len()).unwrap_or(0);
                }
                group => groups[usize::from(group) - 1].push((word, tail)),
            }
        }
        KoreanTails { group_of, groups }
    }

    /// The tail words that begin with `first`, a Hangul syllable.
    fn starting_with(&self, first: char) -> &[(&'static str, TailWord)] {
        (first as usize)
            .checked_sub(0xAC00)
            .and_then(|offset| self.group_of.get(offset))
            .and_then(|group| self.groups.get(usize::from(*group).checked_sub(1)?))
            .map_or(&[], Vec::as_slice)
    }
}

static KOREAN_TAIL_INDEX: std::sync::LazyLock<KoreanTails> =
    std::sync::LazyLock::new(KoreanTails::new);

/// An ASCII run glued to a number: `600ms`, `3x`, `10k`, `5GB`.
enum Glued {
    Unit(Unit),
    Thousand,
}

fn ascii_size(run: &str) -> Option<Unit> {
    [KB, MB, GB, TB]
        .into_iter()
        .find(|u| run.eq_ignore_ascii_case(u.name))
}

fn ascii_glued(run: &str) -> Option<Glued> {
    let unit = match run {
        "k" | "K" => return Some(Glued::Thousand),
        "x" | "X" => RATIO,
        "ms" | "msec" => MS,
        "s" | "sec" | "secs" => SEC,
        "min" | "mins" => MIN,
        "h" | "hr" | "hrs" => HOUR,
        _ => ascii_size(run)?,
    };
    Some(Glued::Unit(unit))
}

/// ASCII units allowed after a space (`600 ms`, `10 GB`): only unambiguous
/// multi-letter ones.
fn ascii_spaced(run: &str) -> Option<Unit> {
    match run {
        "ms" | "msec" => Some(MS),
        "sec" | "secs" => Some(SEC),
        "min" | "mins" => Some(MIN),
        "hr" | "hrs" => Some(HOUR),
        _ => ascii_size(run),
    }
}

// ---------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------

/// A plain decimal number as written: `1,234`, `1.8`, `463`.
#[derive(Debug, Clone, Copy)]
struct Num {
    end: usize,
    value: f64,
    int_digits: usize,
    int_value: u64,
    /// All fraction digits written (not only those kept in `value`).
    frac_digits: usize,
    frac_value: u64,
    comma: bool,
}

impl Num {
    /// `2025.01`, `2024.12`: a year and a month.
    fn is_year_month(&self) -> bool {
        self.int_digits == 4
            && !self.comma
            && (1900..=2199).contains(&self.int_value)
            && (1..=2).contains(&self.frac_digits)
            && (1..=12).contains(&self.frac_value)
    }
}

/// A number with its multipliers and unit, before ranges and composites.
#[derive(Debug, Clone, Copy)]
struct Operand {
    start: usize,
    end: usize,
    value: f64,
    /// `(digits, value)` for a plain integer (no comma, decimal or multiplier).
    plain: Option<(usize, u64)>,
    multiplied: bool,
    unit: Option<Unit>,
    skip: Option<SkipKind>,
    /// `10여년`.
    about: bool,
}

impl Operand {
    /// `2024년`: a calendar year, not a duration.
    fn is_year(&self) -> bool {
        self.unit.is_some_and(|u| u.name == "년")
            && self
                .plain
                .is_some_and(|(digits, v)| digits == 4 && (1900..=2199).contains(&v))
    }
}

/// The years a bare four-digit number (`## 2025 성과`, `(2024 ~ 2025)`) is
/// read as, here and by the verifier.
pub(crate) const BARE_YEARS: std::ops::RangeInclusive<u64> = 1990..=2100;

impl Operand {
    /// A bare four-digit number that reads as a calendar year.
    fn is_bare_year(&self) -> bool {
        self.unit.is_none()
            && !self.about
            && self
                .plain
                .is_some_and(|(digits, v)| digits == 4 && BARE_YEARS.contains(&v))
    }

    /// `2024 ~ 2025`: two bare years, the second no earlier, at most a
    /// lifetime apart.
    fn spans_years_to(&self, right: &Operand) -> bool {
        self.is_bare_year()
            && right.is_bare_year()
            && (0.0..=60.0).contains(&(right.value - self.value))
    }
}

enum Parsed {
    /// Not a quantity; resume scanning at this offset.
    Skip(usize),
    Op(Operand),
}

enum Tail {
    Unit(Unit, usize),
    Skip(SkipKind, usize),
    None,
}

/// A quantity under construction.
struct Raw {
    value: f64,
    max: Option<f64>,
    unit: Option<Unit>,
    start: usize,
    end: usize,
    /// Where the quantity's leading context (qualifier, product name) begins.
    lead: usize,
    q_before: Option<Qualifier>,
    q_after: Option<Qualifier>,
    /// The after-qualifier is `까지`, which means nothing on the end of a change.
    after_is_kkaji: bool,
    /// Where in the text the product's name lies (see [`Quantity::per`]).
    per: Option<(usize, usize)>,
    /// `2월×2`: a count of occurrences with no unit.
    product_count: bool,
    transition: Option<Transition>,
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    raws: &'a mut Vec<Raw>,
    /// The end of the last month or time-of-day skipped, so that `12월 1일`
    /// and `3시 30분` are skipped whole.
    ctx: Option<(SkipKind, usize)>,
}

impl<'a> Scanner<'a> {
    fn byte(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// The byte before `i` once the spaces right before `i` are passed
    /// over; 0 at the start of the text.
    fn byte_before_spaces(&self, i: usize) -> u8 {
        let head = &self.b[..i.min(self.b.len())];
        head.iter().rev().copied().find(|c| *c != b' ').unwrap_or(0)
    }

    fn rest(&self, i: usize) -> &'a str {
        self.text.get(i..).unwrap_or("")
    }

    fn head(&self, i: usize) -> &'a str {
        self.text.get(..i).unwrap_or("")
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.rest(i).chars().next()
    }

    fn skip_while(&self, mut i: usize, f: impl Fn(u8) -> bool) -> usize {
        while i < self.b.len() && f(self.b[i]) {
            i += 1;
        }
        i
    }

    /// Skips an identifier-like run: `3352f72-b7e9-4e8a`, `256`, `8756`.
    fn skip_alnum(&self, mut i: usize) -> usize {
        loop {
            let c = self.byte(i);
            if c.is_ascii_alphanumeric() || c == b'_' {
                i += 1;
            } else if (c == b'-' || c == b'.') && self.byte(i + 1).is_ascii_alphanumeric() {
                i += 2;
            } else {
                return i;
            }
        }
    }

    /// Skips a dotted run such as `2025.12.01` or `3.3.1`.
    fn skip_dotted(&self, mut i: usize) -> usize {
        loop {
            let c = self.byte(i);
            if c.is_ascii_digit() {
                i += 1;
            } else if c == b'.' && self.byte(i + 1).is_ascii_digit() {
                i += 2;
            } else {
                return i;
            }
        }
    }

    fn is_url(&self, i: usize) -> bool {
        let starts = |p: &[u8]| {
            self.b
                .get(i..i + p.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(p))
        };
        starts(b"http://") || starts(b"https://")
    }

    fn run(&mut self) {
        let n = self.b.len();
        let mut i = 0;
        while i < n {
            match BYTE_KINDS[usize::from(self.b[i])] {
                ByteKind::Digit => {
                    let next = self.handle_number(i);
                    i = next.max(i + 1);
                }
                ByteKind::MaybeUrl if self.is_url(i) => {
                    i = self.skip_while(i, |x| !x.is_ascii_whitespace());
                }
                // A syllable right after a syllable starts no word: the byte
                // three before is the first of one when it is 0xEB or 0xEC
                // (U+B000 to U+CFFF are all syllables; the text is a `str`).
                ByteKind::MaybeWords if i >= 3 && self.b[i - 3].wrapping_sub(0xEB) < 2 => {
                    i += 3;
                }
                ByteKind::MaybeWords => {
                    let words = self.starts_number_word(i) && self.starts_word(i);
                    let next = if words { self.handle_words(i) } else { None };
                    i = next.unwrap_or(i + 3);
                }
                // A character of several bytes: none of them is a digit.
                ByteKind::Lead(width) => i += usize::from(width),
                _ => i += 1,
            }
        }
    }

    /// Whether the syllable at `i` is one a number in words starts with.
    fn starts_number_word(&self, i: usize) -> bool {
        self.b.get(i..i + 3).is_some_and(|bytes| {
            // A three-byte character. The text is a `str`, so a lead byte is
            // always followed by its two continuation bytes.
            if bytes[0] & 0xF0 != 0xE0 {
                return false;
            }
            let code = usize::from(bytes[0] & 0x0F) << 12
                | usize::from(bytes[1] & 0x3F) << 6
                | usize::from(bytes[2] & 0x3F);
            NATIVE_FIRST_SET[code / 64] & (1 << (code % 64)) != 0
        })
    }

    /// A native numeral and its counter at `i`: (value, unit, end).
    fn native_number(&self, i: usize) -> Option<(f64, Unit, usize)> {
        let starts = |p: usize, word: &str| self.rest(p).starts_with(word);
        let mut p = i;
        let mut value = 0.0;
        let mut last = "";
        if let Some(&(word, tens)) = NATIVE_TENS.iter().find(|(word, _)| starts(p, word)) {
            value = tens;
            last = word;
            p += word.len();
        }
        let after_tens = if value > 0.0 && self.byte(p) == b' ' {
            p + 1
        } else {
            p
        };
        if let Some(&(word, units)) = NATIVE_UNITS
            .iter()
            .find(|(word, _)| starts(after_tens, word))
        {
            // `한` only after tens (`열한 명`): `한 번에`, `한 명의` seldom count.
            if value > 0.0 || word != "한" {
                value += units;
                last = word;
                p = after_tens + word.len();
            }
        }
        if value == 0.0 {
            return None;
        }
        if self.byte(p) == b' ' {
            p += 1;
        } else if SPACED_NUMERALS.contains(&last) {
            // `세대`, `세배`, `열대` are words.
            return None;
        }
        let Tail::Unit(unit, end) = self.tail_at(p, true) else {
            return None;
        };
        let counter = self.text.get(p..end).unwrap_or("");
        if !NATIVE_COUNTERS.contains(&counter) {
            return None;
        }
        // What follows the counter is a particle or no letter at all, not the
        // rest of a word (`두개골`, `열 건지`); `두 번 다시` is an idiom.
        let ends_word = match self.rest(end).chars().next() {
            Some(next) if is_hangul(next) => COUNTER_PARTICLES.contains(next),
            _ => true,
        };
        let idiom = counter == "번" && self.rest(end).trim_start().starts_with("다시");
        (ends_word && !idiom).then_some((value, unit, end))
    }

    /// Whether a word starts at `i`: no letter or digit right before it.
    fn starts_word(&self, i: usize) -> bool {
        self.head(i)
            .chars()
            .next_back()
            .is_none_or(|c| !is_hangul(c) && !c.is_alphanumeric())
    }

    /// A number written in words at `i`: `두 배`, `세 개`, `열두 명`,
    /// `스무 번`, `절반`. Returns where to resume, or `None` when there is none.
    fn handle_words(&mut self, i: usize) -> Option<usize> {
        let rest = self.rest(i);
        let (value, unit, mut end) = if rest.starts_with(HALF) {
            (0.5, FRACTION, i + HALF.len())
        } else {
            self.native_number(i)?
        };
        let mut value = value;
        if unit.dim == Dimension::Duration {
            if let Some(half_end) = self.half_after(end) {
                value += 0.5;
                end = half_end;
            }
        }
        let before = self.before_qualifier(i);
        let after = self.after_qualifier(end);
        self.raws.push(Raw {
            value,
            max: None,
            unit: Some(unit),
            start: i,
            end,
            lead: before.map_or(i, |b| b.1.min(i)),
            q_before: before.map(|b| b.0),
            q_after: after.map(|a| a.0),
            after_is_kkaji: after.is_some_and(|a| a.1),
            per: None,
            product_count: false,
            transition: None,
        });
        Some(after.map_or(end, |a| a.2))
    }

    /// A digit glued to a name on its left: `v2`, `sha256`, `MPT-8756`,
    /// `AES-256`, `HTTP/2`, `#12`.
    fn glued_left(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        let p = self.byte(i - 1);
        if p.is_ascii_alphabetic() || matches!(p, b'_' | b'#' | b'@') {
            return true;
        }
        matches!(p, b'-' | b'.' | b'/' | b':') && i >= 2 && self.byte(i - 2).is_ascii_alphanumeric()
    }

    /// Parses `1,234.5` at `i`. `Err` carries where to resume when the digit
    /// run is too long to be a quantity (ids, hashes).
    fn parse_num(&self, i: usize) -> Result<Num, usize> {
        const MAX_DIGITS: usize = 15;
        let mut j = i;
        let mut int_value: u64 = 0;
        let mut int_digits = 0;
        while self.byte(j).is_ascii_digit() {
            if int_digits < MAX_DIGITS {
                int_value = int_value * 10 + u64::from(self.byte(j) - b'0');
            }
            int_digits += 1;
            j += 1;
        }
        if int_digits > MAX_DIGITS {
            return Err(j);
        }
        let mut comma = false;
        if int_digits <= 3 {
            while self.byte(j) == b','
                && self.byte(j + 1).is_ascii_digit()
                && self.byte(j + 2).is_ascii_digit()
                && self.byte(j + 3).is_ascii_digit()
                && !self.byte(j + 4).is_ascii_digit()
            {
                if int_digits + 3 > MAX_DIGITS {
                    return Err(self.skip_while(j, |c| c.is_ascii_digit() || c == b','));
                }
                for k in 1..=3 {
                    int_value = int_value * 10 + u64::from(self.byte(j + k) - b'0');
                }
                int_digits += 3;
                comma = true;
                j += 4;
            }
        }
        let mut mantissa = int_value;
        let mut kept = 0usize;
        let mut frac_digits = 0usize;
        let mut frac_value: u64 = 0;
        if self.byte(j) == b'.' && self.byte(j + 1).is_ascii_digit() {
            j += 1;
            while self.byte(j).is_ascii_digit() {
                let d = u64::from(self.byte(j) - b'0');
                if int_digits + kept < MAX_DIGITS {
                    mantissa = mantissa * 10 + d;
                    frac_value = frac_value * 10 + d;
                    kept += 1;
                }
                frac_digits += 1;
                j += 1;
            }
        }
        // Both operands are exact and the division is correctly rounded,
        // so `1.8` parses to the same f64 as the literal.
        let scale = (0..kept).fold(1.0f64, |acc, _| acc * 10.0);
        Ok(Num {
            end: j,
            value: mantissa as f64 / scale,
            int_digits,
            int_value,
            frac_digits,
            frac_value,
            comma,
        })
    }

    fn small_multiplier(&self, p: usize) -> Option<f64> {
        let s = self.rest(p);
        let multiplier = if s.starts_with('천') {
            1_000.0
        } else if s.starts_with('백') {
            100.0
        } else {
            return None;
        };
        (!starts_with_any(s, &BLOCKED_MULTIPLIER_INDEX)).then_some(multiplier)
    }

    fn big_multiplier(&self, p: usize) -> Option<f64> {
        let s = self.rest(p);
        let multiplier = if s.starts_with('만') {
            10_000.0
        } else if s.starts_with('억') {
            100_000_000.0
        } else {
            return None;
        };
        (!starts_with_any(s, &BLOCKED_MULTIPLIER_INDEX)).then_some(multiplier)
    }

    /// `41만`, `1만 2천`, `1억 2천만`, `1.5만`: returns (value, end, multiplied).
    fn parse_amount(&self, first: Num) -> (f64, usize, bool) {
        const MULT_LEN: usize = '만'.len_utf8();
        let mut total = 0.0;
        let mut end = first.end;
        let mut prev_mag = f64::INFINITY;
        let mut multiplied = false;
        let mut cur = first;
        let mut first_piece = true;
        loop {
            let mut p = cur.end;
            let mut v = cur.value;
            let mut mag = 1.0;
            if let Some(s) = self.small_multiplier(p) {
                v *= s;
                mag = s;
                p += MULT_LEN;
            }
            if let Some(m) = self.big_multiplier(p) {
                v *= m;
                mag *= m;
                p += MULT_LEN;
            }
            if !first_piece {
                // `1만 2천`: each further piece is smaller; `1만 5000건`: a
                // plain piece must be followed by its unit.
                let ok = if mag > 1.0 {
                    mag < prev_mag
                } else {
                    v < prev_mag && matches!(self.parse_tail(p), Tail::Unit(..))
                };
                if !ok {
                    break;
                }
            }
            total += v;
            end = p;
            prev_mag = mag;
            multiplied |= mag > 1.0;
            first_piece = false;
            if mag <= 1.0 {
                break;
            }
            let q = if self.byte(p) == b' ' { p + 1 } else { p };
            if !self.byte(q).is_ascii_digit() {
                break;
            }
            match self.parse_num(q) {
                Ok(next)
                    if !self.byte(next.end).is_ascii_alphanumeric()
                        && !matches!(self.byte(next.end), b'.' | b'-' | b':' | b'/' | b'_') =>
                {
                    cur = next;
                }
                _ => break,
            }
        }
        (total, end, multiplied)
    }

    /// The unit or skip word at `p`, glued (`3개`) or after one space (`41만 건`).
    fn parse_tail(&self, p: usize) -> Tail {
        match self.tail_at(p, true) {
            Tail::None => {}
            t => return t,
        }
        if self.byte(p) == b' ' {
            if let t @ Tail::Unit(..) = self.tail_at(p + 1, false) {
                return t;
            }
        }
        Tail::None
    }

    fn tail_at(&self, p: usize, glued: bool) -> Tail {
        let s = self.rest(p);
        let Some(first) = s.chars().next() else {
            return Tail::None;
        };
        if first == '%' {
            let after = s.get(1..).unwrap_or("");
            if after.starts_with('p') && !self.byte(p + 2).is_ascii_alphanumeric() {
                return Tail::Unit(PERCENT_POINT, p + 2);
            }
            if after.starts_with("포인트") {
                return Tail::Unit(PERCENT_POINT, p + 1 + "포인트".len());
            }
            return Tail::Unit(PERCENT, p + 1);
        }
        if first == '％' {
            return Tail::Unit(PERCENT, p + first.len_utf8());
        }
        if first.is_ascii_alphabetic() {
            let r = self.skip_while(p, |c| c.is_ascii_alphabetic());
            let next = self.byte(r);
            if next.is_ascii_digit() || next == b'_' {
                return Tail::None;
            }
            let run = self.text.get(p..r).unwrap_or("");
            let unit = if glued {
                match ascii_glued(run) {
                    Some(Glued::Unit(u)) => Some(u),
                    _ => None,
                }
            } else {
                ascii_spaced(run)
            };
            return unit.map_or(Tail::None, |u| Tail::Unit(u, r));
        }
        if !is_hangul(first) {
            return Tail::None;
        }
        for &(word, tw) in KOREAN_TAIL_INDEX.starting_with(first) {
            // The group's words all begin with `first`: only the bytes
            // after it are compared, and none for a word of one syllable.
            // Compared byte by byte: the words are short, most differ at
            // their first byte compared, and `memcmp` is a call.
            let after = first.len_utf8();
            let rest = word.as_bytes().get(after..).unwrap_or_default();
            let text = s.as_bytes().get(after..).unwrap_or_default();
            if text.len() < rest.len() || text.iter().zip(rest).any(|(a, b)| a != b) {
                continue;
            }
            return match tw {
                TailWord::Unit(_) if starts_with_any(s, &BLOCKED_WORD_INDEX) => Tail::None,
                TailWord::Unit(u) => Tail::Unit(u, p + word.len()),
                TailWord::Skip(k) if glued => Tail::Skip(k, p + word.len()),
                TailWord::Skip(_) => Tail::None,
            };
        }
        if glued && s.starts_with('시') {
            // `3시`, `3시에`, `3시부터`: a time of day; `3시작` is not.
            let q = p + '시'.len_utf8();
            let ok = match self.char_at(q) {
                None => true,
                Some(c) if !is_hangul(c) => true,
                Some(c) => "에부까반쯤경이의로와과는도".contains(c),
            };
            if ok {
                return Tail::Skip(SkipKind::Oclock, q);
            }
        }
        Tail::None
    }

    /// One number with multipliers and unit, at digit `i`.
    fn parse_operand(&self, i: usize) -> Parsed {
        if self.glued_left(i) {
            return Parsed::Skip(self.skip_alnum(i));
        }
        let num = match self.parse_num(i) {
            Ok(n) => n,
            Err(e) => return Parsed::Skip(e),
        };
        let a = num.end;
        let c = self.byte(a);
        let d = self.byte(a + 1);
        if c == b'.' && d.is_ascii_digit() {
            // `2025.12.01`, `3.3.1`
            return Parsed::Skip(self.skip_dotted(a));
        }
        if num.is_year_month() {
            return Parsed::Skip(a);
        }
        if c == b'/' && d.is_ascii_digit() {
            if let Some(fraction) = self.slash_fraction(i, &num) {
                return Parsed::Op(fraction);
            }
        }
        if (c == b':' || c == b'/') && d.is_ascii_digit() {
            // `14:30`, `12/25`
            return Parsed::Skip(self.skip_while(a, |x| x.is_ascii_digit() || x == c));
        }
        if (c == b'-' && d.is_ascii_alphanumeric()) || c == b'_' {
            // `2025-12-31`, `401526-ef`
            return Parsed::Skip(self.skip_alnum(a));
        }
        let simple = !num.comma && num.frac_digits == 0;
        let mut op = Operand {
            start: i,
            end: a,
            value: num.value,
            plain: None,
            multiplied: false,
            unit: None,
            skip: None,
            about: false,
        };
        if c.is_ascii_alphabetic() {
            let r = self.skip_while(a, |x| x.is_ascii_alphabetic());
            let e = self.byte(r);
            if e.is_ascii_digit() || e == b'_' {
                return Parsed::Skip(self.skip_alnum(a));
            }
            match ascii_glued(self.text.get(a..r).unwrap_or("")) {
                Some(Glued::Thousand) => {
                    op.value = num.value * 1_000.0;
                    op.multiplied = true;
                    op.end = r;
                }
                Some(Glued::Unit(u)) => {
                    op.unit = Some(u);
                    op.end = r;
                    op.plain = simple.then_some((num.int_digits, num.int_value));
                    return Parsed::Op(op);
                }
                None => return Parsed::Skip(self.skip_alnum(a)),
            }
        } else {
            let (value, end, multiplied) = self.parse_amount(num);
            op.value = value;
            op.end = end;
            op.multiplied = multiplied;
        }
        if simple && !op.multiplied {
            op.plain = Some((num.int_digits, num.int_value));
        }
        // `10여년`, `20여 개`
        if self.rest(op.end).starts_with('여') {
            let q = op.end + '여'.len_utf8();
            let ok = match self.char_at(q) {
                Some(ch) if is_hangul(ch) => matches!(self.parse_tail(q), Tail::Unit(..)),
                _ => true,
            };
            if ok {
                op.about = true;
                op.end = q;
            }
        }
        match self.parse_tail(op.end) {
            Tail::Unit(u, e) if u.name == MIN.name && !op.about => {
                match self.fraction_numerator(e) {
                    Some((numerator, end)) if op.value > 0.0 => {
                        // `3분의 1`: a third, not three minutes.
                        op.value = numerator / op.value;
                        op.unit = Some(FRACTION);
                        op.plain = None;
                        op.end = end;
                    }
                    _ => {
                        op.unit = Some(u);
                        op.end = e;
                    }
                }
            }
            Tail::Unit(u, e) => {
                op.unit = Some(u);
                op.end = e;
            }
            Tail::Skip(k, e) => {
                op.skip = Some(k);
                op.end = e;
            }
            Tail::None => {}
        }
        Parsed::Op(op)
    }

    /// The numerator of `3분의 1` after `분` (at `p`): `의`, an optional space
    /// and a whole number with no unit of its own (`10분의 1초` stays as it
    /// was read). Returns (numerator, end).
    fn fraction_numerator(&self, p: usize) -> Option<(f64, usize)> {
        let after = self.rest(p).strip_prefix('의')?;
        let mut q = p + '의'.len_utf8();
        if after.starts_with(' ') {
            q += 1;
        }
        if !self.byte(q).is_ascii_digit() {
            return None;
        }
        let numerator = self.parse_num(q).ok()?;
        let whole = !numerator.comma && numerator.frac_digits == 0 && numerator.int_value > 0;
        let next = self.byte(numerator.end);
        if !whole || next.is_ascii_alphanumeric() || matches!(next, b'.' | b',' | b'/' | b':') {
            return None;
        }
        if matches!(self.tail_at(numerator.end, true), Tail::Unit(..)) {
            return None;
        }
        Some((numerator.value, numerator.end))
    }

    /// `1/3로 단축`, `1/10 수준`, `1/3에서 1/4로`: a fraction, when a small
    /// numerator over a larger denominator is followed by a word that speaks
    /// of an amount, `로` and a word of change, or another fraction.
    /// Otherwise (`12/25`, `3/15로 연기`, `3/4 배포`) the caller reads a date
    /// and skips it.
    fn slash_fraction(&self, start: usize, numerator: &Num) -> Option<Operand> {
        const AMOUNT_WORDS: &[&str] = &[
            "수준", "만큼", "가량", "정도", "이하", "이상", "이내", "미만",
        ];
        const CHANGE_STEMS: &[&str] = &[
            "줄", "감소", "단축", "축소", "절감", "감축", "낮", "떨어", "개선", "향상", "늘",
            "증가", "확대", "올",
        ];
        // `1/4` after `에서` or `~`: the other end of a change or range.
        let fraction_next = |text: &str| {
            let text = text.trim_start_matches([' ', '~', '～', '〜']).trim_start();
            let digits = text.bytes().take_while(u8::is_ascii_digit).count();
            (1..=2).contains(&digits)
                && text.as_bytes().get(digits) == Some(&b'/')
                && text
                    .as_bytes()
                    .get(digits + 1)
                    .is_some_and(u8::is_ascii_digit)
        };
        let plain = |num: &Num| !num.comma && num.frac_digits == 0;
        if !plain(numerator) || !(1..=9).contains(&numerator.int_value) {
            return None;
        }
        let denominator = self.parse_num(numerator.end + 1).ok()?;
        if !plain(&denominator)
            || !(2..=100).contains(&denominator.int_value)
            || denominator.int_value <= numerator.int_value
        {
            return None;
        }
        let end = denominator.end;
        let next = self.byte(end);
        if next.is_ascii_alphanumeric() || matches!(next, b'.' | b',' | b'/' | b':' | b'-') {
            return None;
        }
        let word_at = if next == b' ' { end + 1 } else { end };
        let word = self.rest(word_at);
        let amount = AMOUNT_WORDS.iter().any(|amount| word.starts_with(amount));
        let change = ["으로", "로"].iter().any(|particle| {
            word.strip_prefix(particle).is_some_and(|after| {
                let after = after.trim_start();
                CHANGE_STEMS.iter().any(|stem| after.starts_with(stem))
            })
        });
        let pair = word.strip_prefix("에서").is_some_and(&fraction_next)
            || (word.starts_with(RANGE_SEPARATORS) && fraction_next(word));
        if !(amount || change || pair) {
            return None;
        }
        Some(Operand {
            start,
            end,
            value: numerator.value / denominator.value,
            plain: None,
            multiplied: false,
            unit: Some(FRACTION),
            skip: None,
            about: false,
        })
    }

    /// `1시간 반`, `2년 반`: the end of `반` after a duration at `end`, when
    /// `반` is a word of its own (not `반영`, `반복`).
    fn half_after(&self, end: usize) -> Option<usize> {
        let q = if self.byte(end) == b' ' { end + 1 } else { end };
        let after = self.rest(q).strip_prefix('반')?;
        let standalone = match after.chars().next() {
            None => true,
            Some(c) if !is_hangul(c) => true,
            Some(c) => "만동에이을의으로정가쯤씩".contains(c),
        };
        standalone.then_some(q + '반'.len_utf8())
    }

    /// The right end of `2~3%`, if a range separator follows `end`.
    fn range_right(&self, end: usize) -> Option<Operand> {
        let mut j = self.skip_while(end, |c| c == b' ');
        // The first bytes of `~`, `～` and `〜`: most numbers stop here.
        if !matches!(self.byte(j), b'~' | 0xEF | 0xE3) {
            return None;
        }
        let sep = RANGE_SEPARATORS
            .iter()
            .find(|c| self.rest(j).starts_with(**c))?;
        j = self.skip_while(j + sep.len_utf8(), |c| c == b' ');
        if !self.byte(j).is_ascii_digit() {
            return None;
        }
        match self.parse_operand(j) {
            Parsed::Op(o) => Some(o),
            Parsed::Skip(_) => None,
        }
    }

    /// `spring boot 3.3`, `Phase 1`: a number right after a word written
    /// with lowercase ASCII letters.
    fn after_lowercase_word(&self, start: usize) -> bool {
        // A space or tab, then a letter: most numbers follow something else.
        if !matches!(self.byte(start.wrapping_sub(1)), b' ' | b'\t') {
            return false;
        }
        let head = self.head(start);
        let trimmed = head.trim_end_matches([' ', '\t']);
        if trimmed.len() == head.len() {
            return false;
        }
        let word_start = trimmed
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .len();
        trimmed
            .get(word_start..)
            .is_some_and(|w| w.bytes().any(|c| c.is_ascii_lowercase()))
    }

    /// `1. 가예약 케이스`: an ordered-list marker at the start of a line.
    fn is_list_marker(&self, start: usize, end: usize) -> bool {
        if !matches!(self.byte(end), b'.' | b')') {
            return false;
        }
        if !matches!(self.byte(end + 1), b' ' | b'\t') && end + 1 < self.b.len() {
            return false;
        }
        let mut k = start;
        while k > 0 {
            match self.byte(k - 1) {
                b'\n' | b'\r' => return true,
                b' ' | b'\t' | b'#' | b'>' | b'-' | b'*' => k -= 1,
                _ => return false,
            }
        }
        true
    }

    fn before_qualifier(&self, start: usize) -> Option<(Qualifier, usize)> {
        // Every qualifier ends in a Hangul syllable, whose last byte is a
        // continuation byte.
        if self.byte_before_spaces(start) & 0xC0 != 0x80 {
            return None;
        }
        let trimmed = self.head(start).trim_end_matches(' ');
        // Most numbers follow none of the words: no comparison with each.
        let last = trimmed.chars().next_back()?;
        if !BEFORE_QUALIFIER_LASTS.contains(&last) {
            return None;
        }
        BEFORE_QUALIFIERS.iter().find_map(|&(word, q)| {
            let pre = trimmed.strip_suffix(word)?;
            let boundary = pre.chars().next_back().is_none_or(|c| !is_hangul(c));
            boundary.then_some((q, pre.len()))
        })
    }

    /// Returns (qualifier, is `까지`, end of the qualifier).
    fn after_qualifier(&self, end: usize) -> Option<(Qualifier, bool, usize)> {
        if self.byte(end) == b'+' && !self.byte(end + 1).is_ascii_digit() {
            return Some((Qualifier::AtLeast, false, end + 1));
        }
        let q = if self.byte(end) == b' ' { end + 1 } else { end };
        // Every qualifier word begins with a Hangul syllable.
        if self.byte(q) < 0xE0 {
            return None;
        }
        let s = self.rest(q);
        let mut chars = s.chars();
        let first = chars.next()?;
        let second = chars.next();
        // Most numbers are followed by none of the words (`개의`, `ms로`):
        // no comparison with each.
        if AFTER_QUALIFIER_FIRSTS.contains(&first) {
            for &(word, ql) in AFTER_QUALIFIERS {
                if s.starts_with(word) {
                    return Some((ql, word == "까지", q + word.len()));
                }
            }
        }
        match first {
            // `33ms내로`, `5분 내`, `5분 내에`; not `내부`.
            '내' if second.is_none_or(|c| !is_hangul(c) || "로에의".contains(c)) => {
                Some((Qualifier::AtMost, false, q + first.len_utf8()))
            }
            // `넘게`, `넘는`, `넘었던`
            '넘' if second.is_some_and(|c| "게는었은어긴기".contains(c)) => {
                Some((Qualifier::MoreThan, false, q + first.len_utf8()))
            }
            _ => None,
        }
    }

    /// `인스턴스 수*30개`, `2월×2`: returns where the name lies in the text
    /// (its start and end, spaces around it left out) and where the
    /// quantity's leading context begins.
    fn product_per(&self, start: usize) -> Option<((usize, usize), usize)> {
        // The last bytes of `*` and `×`: most numbers follow neither.
        if !matches!(self.byte_before_spaces(start), b'*' | 0x97) {
            return None;
        }
        let head = self.head(start).trim_end_matches(' ');
        let before = if let Some(h) = head.strip_suffix('×') {
            h
        } else {
            let h = head.strip_suffix('*')?;
            if h.ends_with('*') {
                // `**508개`: markdown emphasis, not a product.
                return None;
            }
            h
        };
        let before = before.trim_end_matches(' ');
        let is_break = |c: char| c.is_whitespace() || "()[]{},;:|/*×~<>\"'`".contains(c);
        let word_start = |s: &str| {
            s.char_indices()
                .rev()
                .find(|&(_, c)| is_break(c))
                .map_or(0, |(k, c)| k + c.len_utf8())
        };
        let w1 = word_start(before);
        let word = before.get(w1..)?;
        if word.is_empty() {
            return None;
        }
        let mut per_start = w1;
        if word.chars().count() <= 1 {
            // `인스턴스 수`: a one-syllable word takes the word before it.
            if let Some(prev) = before.get(..w1).and_then(|s| s.strip_suffix(' ')) {
                let w2 = word_start(prev);
                if w2 < prev.len() {
                    per_start = w2;
                }
            }
        }
        // `before` begins the text: the name's place in it is its place here.
        let rest = before.get(per_start..)?;
        let from = per_start + (rest.len() - rest.trim_start().len());
        let per = rest.trim();
        Some(((from, from + per.len()), per_start))
    }

    /// Handles the number starting at digit `i`; returns where to resume.
    fn handle_number(&mut self, i: usize) -> usize {
        let prev_ctx = self.ctx.take();
        let op = match self.parse_operand(i) {
            Parsed::Skip(e) => return e,
            Parsed::Op(o) => o,
        };
        if let Some(kind) = op.skip {
            if kind != SkipKind::Ordinal {
                self.ctx = Some((kind, op.end));
            }
            return op.end;
        }
        if op.is_year() {
            return op.end;
        }
        if let Some((kind, ctx_end)) = prev_ctx {
            let gap = self.text.get(ctx_end..op.start).unwrap_or("-");
            if gap.is_empty() || gap == " " {
                let unit = op.unit.map(|u| u.name);
                let day = kind == SkipKind::Month
                    && unit == Some("일")
                    && op.plain.is_some_and(|(_, v)| (1..=31).contains(&v));
                let minute = kind == SkipKind::Oclock && unit == Some("분");
                if day || minute {
                    return op.end;
                }
            }
        }

        let mut value = op.value;
        let mut unit = op.unit;
        let mut end = op.end;
        let mut max = None;

        // `2시간 30분`, `1년 6개월`: expressed in the smallest unit.
        let mut composite = false;
        if let Some(first_unit) = unit.filter(|u| u.dim == Dimension::Duration) {
            if !op.about && !op.multiplied {
                let mut total_base = value * first_unit.factor;
                let mut smallest = first_unit;
                loop {
                    let q = if self.byte(end) == b' ' { end + 1 } else { end };
                    if !self.byte(q).is_ascii_digit() {
                        break;
                    }
                    let Parsed::Op(next) = self.parse_operand(q) else {
                        break;
                    };
                    match next.unit {
                        Some(u)
                            if u.dim == Dimension::Duration
                                && u.factor < smallest.factor
                                && !next.about
                                && !next.multiplied =>
                        {
                            total_base += next.value * u.factor;
                            smallest = u;
                            end = next.end;
                            composite = true;
                        }
                        _ => break,
                    }
                }
                if composite {
                    value = total_base / smallest.factor;
                    unit = Some(smallest);
                } else if first_unit.name != MS.name {
                    if let Some(half_end) = self.half_after(end) {
                        value += 0.5;
                        end = half_end;
                        composite = true;
                    }
                }
            }
        }

        // `2~3%`, `2%~3%`, `1~2초`, and `7~8월` (skipped whole).
        if !composite {
            if let Some(right) = self.range_right(end) {
                if let Some(kind) = right.skip {
                    if unit.is_none() {
                        if kind != SkipKind::Ordinal {
                            self.ctx = Some((kind, right.end));
                        }
                        return right.end;
                    }
                } else if unit.is_none() && (right.is_year() || op.spans_years_to(&right)) {
                    // `2024~2025년`, `(2024 ~ 2025)`: a period of years.
                    return right.end;
                } else {
                    let is_fraction = |unit: Option<Unit>| unit.is_some_and(|u| u == FRACTION);
                    let same_unit = match (unit, right.unit) {
                        (Some(l), Some(r)) => l.name == r.name,
                        // `3분의 1~2` is not a range from a third to two.
                        _ => is_fraction(unit) == is_fraction(right.unit),
                    };
                    if same_unit && right.value >= value && !right.about {
                        unit = unit.or(right.unit);
                        max = Some(right.value);
                        end = right.end;
                        // `1시간~1시간 반`, `1~2시간 반`
                        let duration =
                            unit.is_some_and(|u| u.dim == Dimension::Duration && u != MS);
                        if let Some(half_end) = self.half_after(end).filter(|_| duration) {
                            max = Some(right.value + 0.5);
                            end = half_end;
                        }
                    }
                }
            }
        }

        let product = self.product_per(op.start);
        if unit.is_none() && max.is_none() {
            if product.is_none() && self.after_lowercase_word(op.start) {
                return end;
            }
            if op.plain.is_some() && self.is_list_marker(op.start, end) {
                return end;
            }
        }

        let before = if product.is_none() {
            self.before_qualifier(op.start)
        } else {
            None
        };
        let after = self.after_qualifier(end);
        let lead = product
            .as_ref()
            .map(|p| p.1)
            .or(before.map(|b| b.1))
            .unwrap_or(op.start)
            .min(op.start);
        let q_before = if op.about {
            Some(Qualifier::About)
        } else {
            before.map(|b| b.0)
        };
        let product_count = unit.is_none()
            && product.is_some_and(|((from, to), _)| {
                self.text
                    .get(from..to)
                    .unwrap_or("")
                    .strip_suffix('월')
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
            });
        self.raws.push(Raw {
            value,
            max,
            unit,
            start: op.start,
            end,
            lead,
            q_before,
            q_after: after.map(|a| a.0),
            after_is_kkaji: after.is_some_and(|a| a.1),
            per: product.map(|p| p.0),
            product_count,
            transition: None,
        });
        after.map_or(end, |a| a.2)
    }

    /// Pairs adjacent quantities joined by `에서` or an arrow.
    fn link_transitions(&mut self) {
        for k in 1..self.raws.len() {
            let (left, right) = self.raws.split_at_mut(k);
            let (Some(a), Some(b)) = (left.last_mut(), right.first_mut()) else {
                continue;
            };
            if a.transition.is_some() || a.product_count || b.product_count {
                continue;
            }
            let gap = self.text.get(a.end..b.lead).unwrap_or("");
            if !TRANSITION_MARKS.contains(&crate::bytes::trim(gap)) {
                continue;
            }
            match (a.unit, b.unit) {
                (Some(x), Some(y)) if x.dim != y.dim => continue,
                (None, Some(y)) => a.unit = Some(y),
                (Some(x), None) => b.unit = Some(x),
                _ => {}
            }
            a.transition = Some(Transition::new(TransitionRole::From, k));
            b.transition = Some(Transition::new(TransitionRole::To, k - 1));
            if b.after_is_kkaji {
                b.q_after = None;
            }
        }
    }

    /// Appends the quantities found to `quantities`, partners offset by
    /// what it held.
    fn finish(mut self, quantities: &mut Vec<Quantity>) {
        self.link_transitions();
        let text = self.text;
        let base = quantities.len();
        // `extend` alone would give an empty list room for four.
        quantities.reserve_exact(self.raws.len());
        // Each scan result is read where it lies, not moved out first: a
        // moved copy, read back in wider pieces than it was written in,
        // waited for its own stores. `extend` writes each quantity straight
        // into the list; a `push` of a built one copied it there when built
        // to unwind (the benchmark's build).
        quantities.extend(self.raws.iter().map(|r| {
            let measure = match r.unit {
                Some(unit) => unit,
                None if r.product_count => TIMES,
                None => BARE,
            };
            Quantity {
                value: r.value,
                max: r.max,
                measure,
                surface: CompactString::new(text.get(r.start..r.end).unwrap_or("")),
                start: r.start,
                end: r.end,
                qualifier: r.q_after.or(r.q_before),
                per: r
                    .per
                    .map(|(from, to)| Box::from(text.get(from..to).unwrap_or(""))),
                transition: r.transition.map(|transition| transition.shifted(base)),
                label: None,
            }
        }));
        self.raws.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_blocked_word_is_filed_under_its_first_two_syllables() {
        for groups in [BLOCKED_WORDS, BLOCKED_MULTIPLIERS] {
            let index = WordIndex::new(groups);
            let words: Vec<&str> = groups.iter().flat_map(|group| group.split(' ')).collect();
            assert_eq!(index.words.len(), words.len(), "a word without a key");
            for word in words {
                assert!(starts_with_any(word, &index), "{word}");
                assert!(starts_with_any(&format!("{word}에"), &index), "{word}");
                assert!(word.chars().all(is_hangul), "{word}");
            }
        }
        assert!(!starts_with_any("개의", &BLOCKED_WORD_INDEX));
        assert!(!starts_with_any("개", &BLOCKED_WORD_INDEX));
        assert!(starts_with_any("개선", &BLOCKED_WORD_INDEX));
    }

    #[test]
    fn qualifier_prefilters_know_every_word() {
        for (word, _) in AFTER_QUALIFIERS {
            let first = word.chars().next();
            assert!(
                first.is_some_and(|first| AFTER_QUALIFIER_FIRSTS.contains(&first)),
                "{word}"
            );
        }
        for (word, _) in BEFORE_QUALIFIERS {
            let last = word.chars().next_back();
            assert!(
                last.is_some_and(|last| BEFORE_QUALIFIER_LASTS.contains(&last)),
                "{word}"
            );
        }
    }

    #[test]
    fn a_value_reached_is_named_by_ro() {
        for after in ["로 개선", " 이내로", "내로 응답될", "으로 단축", " 이하로"]
        {
            assert!(names_value_reached(after), "{after}");
        }
        for after in ["까지 넘었던", "에서", "로서", " 개선", "내부", ""] {
            assert!(!names_value_reached(after), "{after}");
        }
    }

    #[test]
    fn a_start_is_named_by_a_verb_of_the_past_state() {
        for after in [
            "까지 걸리던 응답을",
            "까지 넘었던 부분을",
            " 걸리던",
            "였던 응답",
            " 이상 나던",
        ] {
            assert!(names_value_started(after), "{after}");
        }
        for after in ["로 개선", ") 나던", " 걸리는", " 동안 유지되었던", ""] {
            assert!(!names_value_started(after), "{after}");
        }
    }

    /// (surface, value, unit, qualifier)
    type Row = (&'static str, f64, &'static str, Option<Qualifier>);
    type Case = (&'static str, &'static [Row]);

    const NO: Option<Qualifier> = None;
    const ABOUT: Option<Qualifier> = Some(Qualifier::About);
    const AT_LEAST: Option<Qualifier> = Some(Qualifier::AtLeast);
    const AT_MOST: Option<Qualifier> = Some(Qualifier::AtMost);
    const MORE: Option<Qualifier> = Some(Qualifier::MoreThan);
    const LESS: Option<Qualifier> = Some(Qualifier::LessThan);

    fn rows(text: &str) -> Vec<(String, f64, String, Option<Qualifier>)> {
        extract_quantities(text)
            .into_iter()
            .map(|q| {
                let unit = q.unit().to_string();
                (q.surface.into_string(), q.value, unit, q.qualifier)
            })
            .collect()
    }

    fn check_table(cases: &[Case]) {
        let mut failures = Vec::new();
        for (text, want) in cases {
            let got = rows(text);
            let want: Vec<_> = want
                .iter()
                .map(|(s, v, u, q)| (s.to_string(), *v, u.to_string(), *q))
                .collect();
            if got != want {
                failures.push(format!("{text}\n   got: {got:?}\n  want: {want:?}"));
            }
            assert_invariants(text);
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    fn assert_invariants(text: &str) {
        let qs = extract_quantities(text);
        let mut last_end = 0;
        for (k, q) in qs.iter().enumerate() {
            assert!(q.start <= q.end, "{text:?}: {q:?}");
            assert!(q.start >= last_end, "overlap in {text:?}: {qs:?}");
            assert_eq!(
                text.get(q.start..q.end),
                Some(q.surface.as_str()),
                "{text:?}"
            );
            assert!(!q.surface.is_empty(), "{text:?}");
            assert!(
                q.value.is_finite() && q.base_value().is_finite(),
                "{text:?}"
            );
            if let Some(max) = q.max {
                assert!(max >= q.value, "{text:?}: {q:?}");
                assert!(
                    q.base_max().is_some_and(|m| m >= q.base_value()),
                    "{text:?}"
                );
            }
            assert!(q.label.is_none());
            if let Some(t) = q.transition {
                let other = qs.get(t.partner()).and_then(|p| p.transition);
                assert_eq!(other.map(|o| o.partner()), Some(k), "{text:?}");
                assert_ne!(other.map(|o| o.role), Some(t.role), "{text:?}");
            }
            last_end = q.end;
        }
    }

    /// Sentences taken verbatim (markdown stripped) from the five seed
    /// documents under `content/`.
    const SEED_CASES: &[Case] = &[
        // content/career/hanpass.md
        (
            "기존 메인페이지가 최대 600ms까지 넘었던 부분을 33ms내로 응답될 수 있도록 개선",
            &[("600ms", 600.0, "ms", AT_MOST), ("33ms", 33.0, "ms", AT_MOST)],
        ),
        ("매달 2~3%의 입금 확인 요청이 발생", &[("2~3%", 2.0, "%", NO)]),
        (
            "신규 고객의 가상계좌관련 CS 요청 건수를 15% 이하로 감소",
            &[("15%", 15.0, "%", AT_MOST)],
        ),
        (
            "분산되어 있던 서비스 인스턴스 수가 9개에서 3개로 감소",
            &[("9개", 9.0, "개", NO), ("3개", 3.0, "개", NO)],
        ),
        (
            "회원 확인 전화 기능은 인스턴스 수*30개로 처리될 수 있도록 변경",
            &[("30개", 30.0, "개", NO)],
        ),
        (
            "Western Union, Union Pay, Faysal Bank, Ventaja 등 10개 이상의 해외 은행",
            &[("10개", 10.0, "개", AT_LEAST)],
        ),
        (
            "각 인스턴스의 만료 시간은 2초, 재시도 1초로 처리",
            &[("2초", 2.0, "초", NO), ("1초", 1.0, "초", NO)],
        ),
        (
            "spring retry로 최소 3회 재처리 할수 있도록 수정",
            &[("3회", 3.0, "회", AT_LEAST)],
        ),
        (
            "테스트가 없었던 레거시 서비스도 최소 50%이상의 테스트 코드 작성",
            &[("50%", 50.0, "%", AT_LEAST)],
        ),
        (
            "A업체를 우선적으로 사용하기 위해 95%이상시 A업체 위주로 동작",
            &[("95%", 95.0, "%", AT_LEAST)],
        ),
        (
            "단일 결제사만 사용하지 않도록 업체별 최신 5분간 성공률%로 나누어 처리",
            &[("5분", 5.0, "분", NO)],
        ),
        (
            "대외 서버가 잘못된 Nameserver 설정으로 벤더사 타임아웃(3초) 발생",
            &[("3초", 3.0, "초", NO)],
        ),
        (
            "기존 시스템은 입금을 1분 단위 스케줄러로 확인하여",
            &[("1분", 1.0, "분", NO)],
        ),
        (
            "타임아웃 문제로 인한 재처리 요청 수를 10%로 줄임",
            &[("10%", 10.0, "%", NO)],
        ),
        (
            "퍼져있는 전문 요청/수신 서비스를 하나로 통합하여 하나의 task로만 작업 되던 부분을 각 인스턴스별 10개의 이벤트루프로 처리되도록 변경",
            &[("10개", 10.0, "개", NO)],
        ),
        (
            "데이터가 없는 업체는 100%로 간주하여 비교",
            &[("100%", 100.0, "%", NO)],
        ),
        (
            "전환중 80% 이상의 테스트 커버리지를 포함하여 개발",
            &[("80%", 80.0, "%", AT_LEAST)],
        ),
        (
            "Galaxia 벤더사의 요청 실패건이 20%이하로 감소",
            &[("20%", 20.0, "%", AT_MOST)],
        ),
        (
            "50개 이상의 서버에서 개별 로그를 확인해야 하는 비효율적인 상황",
            &[("50개", 50.0, "개", AT_LEAST)],
        ),
        ("2022.04.18 ~ 재직중", &[]),
        ("2021.09.27 ~ 2022.04.18", &[]),
        ("Lotte K7& Nice 업체와 협력하여 바코드 입/출금 서비스를 신규 개발해야함", &[]),
        ("https://github.com/bekurin/tistory-publisher", &[]),
        (
            "![Untitled](https://prod-files-secure.s3.us-west-2.amazonaws.com/c3352f72-b7e9-4e8a-9351-62149bc44357/401526ef-947b-4577-8574-2b3afead7976/Untitled.png)",
            &[],
        ),
        ("c3352f72-b7e9-4e8a-9351-62149bc44357/401526ef-947b", &[]),
        // content/notes/socar-and-studies.md
        (
            "이 시간을 10시간에서 2시간으로 단축",
            &[("10시간", 10.0, "시간", NO), ("2시간", 2.0, "시간", NO)],
        ),
        (
            "작업을 하다보니 지난 10여년 이어져온 쏘카의 코드를 이해해야 했고",
            &[("10여년", 10.0, "년", ABOUT)],
        ),
        (
            "만 2년이 다 되어가는 상황에서 \"내가 코드를 잘 작성하고 있나?\"라는 의문이 들었다.",
            &[("2년", 2.0, "년", NO)],
        ),
        ("kotlin, spring boot 3.3, grpc, buf", &[]),
        ("kotlin, spring boot 2.7, buf, grpc", &[]),
        ("kotlin, spring boot 3", &[]),
        ("spring boot, jwt, jwk, cloud front, s3, ", &[]),
        (
            "pm 1명, be 2명, fe 2명",
            &[("1명", 1.0, "명", NO), ("2명", 2.0, "명", NO), ("2명", 2.0, "명", NO)],
        ),
        ("sha256 알고리즘을 사용한 jwt를 사용했고", &[]),
        ("쏘카 존은 b2c 예약과 밀접하게 연관되어 있어", &[]),
        ("QA TC에 B2B 관련 서비스가 포함될 수 있도록", &[]),
        ("b2b일만 처리하다보니 TC의 중요도가 낮다고 생각했는데.", &[]),
        (
            "레거시 API 서버 2개와 신규 API 서버의 인증 로직을 담고 있던 기존 로직",
            &[("2개", 2.0, "개", NO)],
        ),
        (
            "클라이언트 단에서 3개의 인증 토큰을 관리하면서",
            &[("3개", 3.0, "개", NO)],
        ),
        (
            "대표 카드 결제 기업은 대표 카드 이외 다른 모든 카드로 결제할 수 없기 때문에 대표 카드 1개만 내려가도록 수정",
            &[("1개", 1.0, "개", NO)],
        ),
        // content/retrospectives/2025-annual.md
        (
            "2024년 대비 커밋 수가 증가(463→508)하고 이슈 수가 감소(529→152)한 것은",
            &[
                ("463", 463.0, "", NO),
                ("508", 508.0, "", NO),
                ("529", 529.0, "", NO),
                ("152", 152.0, "", NO),
            ],
        ),
        (
            "12개월간 508개의 커밋과 152개의 이슈를 처리하며",
            &[("12개월", 12.0, "개월", NO), ("508개", 508.0, "개", NO), ("152개", 152.0, "개", NO)],
        ),
        ("2025년 연간 회고록 (2025.01 ~ 2025.12)", &[]),
        ("date: \"2025-12-31\"", &[]),
        ("기간: 2025.01 ~ 2025.12 (12개월)", &[("12개월", 12.0, "개월", NO)]),
        (
            "총 커밋: 508개 (BE 330 + FE 178)",
            &[("508개", 508.0, "개", NO), ("330", 330.0, "", NO), ("178", 178.0, "", NO)],
        ),
        (
            "| 1월 | 59 (41+18) | 5 | 가예약 시스템 안정화, 환자 등록 UX 개선 |",
            &[("59", 59.0, "", NO), ("41", 41.0, "", NO), ("18", 18.0, "", NO), ("5", 5.0, "", NO)],
        ),
        (
            "| 6월 | 7 (4+3) | - | 통합 테스트 분리, 유지보수 중심 |",
            &[("7", 7.0, "", NO), ("4", 4.0, "", NO), ("3", 3.0, "", NO)],
        ),
        ("분리 과정에서 발생한 29개 이슈 해결", &[("29개", 29.0, "개", NO)]),
        ("Q1 (1~3월): MSA 완성과 안정화", &[]),
        ("Q4 (10~12월): 플랫폼 성숙화", &[]),
        ("모비닥 디지털 처방 시스템 (7~8월): 핵심 신규 서비스 런칭", &[]),
        (
            "API 성능 최적화 (9월): 월간 최다 커밋(69개) 달성",
            &[("69개", 69.0, "개", NO)],
        ),
        (
            "2024년 11월에 시작한 MSA 분리를 2025년 2월에 완료하며, 충분한 안정화 기간(29개 이슈 해결)의 중요성 체감",
            &[("29개", 29.0, "개", NO)],
        ),
        (
            "프론트엔드 역량 강화: 백엔드 중심(BE 330 vs FE 178) 작업에서",
            &[("330", 330.0, "", NO), ("178", 178.0, "", NO)],
        ),
        ("| 1월 | 월간 회고록 (2025.01) | 바로가기 |", &[]),
        ("2026년에는 이 기반 위에서 MSA 확대", &[]),
        // content/retrospectives/2024-annual.md
        (
            "12개월간 486개의 커밋(서버+프론트 463개 + 플러터 1개 + helm 인프라 9개 + DB 스키마 13개)과 529개의 이슈",
            &[
                ("12개월", 12.0, "개월", NO),
                ("486개", 486.0, "개", NO),
                ("463개", 463.0, "개", NO),
                ("1개", 1.0, "개", NO),
                ("9개", 9.0, "개", NO),
                ("13개", 13.0, "개", NO),
                ("529개", 529.0, "개", NO),
            ],
        ),
        (
            "486개 (서버+프론트 463 + 플러터 1 + helm 인프라 9 + DB 스키마 13)",
            &[
                ("486개", 486.0, "개", NO),
                ("463", 463.0, "", NO),
                ("1", 1.0, "", NO),
                ("9", 9.0, "", NO),
                ("13", 13.0, "", NO),
            ],
        ),
        (
            "안정화 집중: 4월 최다 이슈(80개+) 처리로 안정성 확보",
            &[("80개", 80.0, "개", AT_LEAST)],
        ),
        (
            "| 4월 | 64 | 80+ | 진료 테이블 v2 마이그레이션, 함께 진료 안정화 |",
            &[("64", 64.0, "", NO), ("80", 80.0, "", AT_LEAST)],
        ),
        (
            "4월 진료 테이블 v2 전환 시 80개+ 이슈 발생, 예상보다 2배의 안정화 기간 소요",
            &[("80개", 80.0, "개", AT_LEAST), ("2배", 2.0, "배", NO)],
        ),
        ("진료 테이블 v2 마이그레이션 (4월)", &[]),
        ("Helm Chart 인프라 관리 (5월, 6월, 12월)", &[]),
        (
            "Kubernetes Helm Chart를 통해 서비스 배포 인프라를 관리했습니다. (총 9개 커밋)",
            &[("9개", 9.0, "개", NO)],
        ),
        (
            "왕진(House Call) 서비스 Helm Chart 구축 (5월): Helm Chart 초기 구성 및 설정 (3개 커밋)",
            &[("3개", 3.0, "개", NO)],
        ),
        ("DB 스키마 관리 - mobidoc-database (1~10월)", &[]),
        (
            "스키마 업데이트 (7개): 릴리즈별 DB 스키마 동기화 (1월, 2월×2, 3월, 5월, 8월, 10월)",
            &[("7개", 7.0, "개", NO), ("2", 2.0, "", NO)],
        ),
        (
            "미사용 테이블 정리 (5개): NOT USED TABLE RENAME, del 키워드 정리, 약국 테이블 정리 (3월×1, 7월×3, 3월×1)",
            &[("5개", 5.0, "개", NO), ("1", 1.0, "", NO), ("3", 3.0, "", NO), ("1", 1.0, "", NO)],
        ),
        (
            "| Q3 | 4 | 미사용 테이블 RENAME 3건, 스키마 업데이트 |",
            &[("4", 4.0, "", NO), ("3건", 3.0, "건", NO)],
        ),
        (
            "| Q1 | 7 | 스키마 업데이트, DB OPTIMIZE, 미사용 테이블 정리 |",
            &[("7", 7.0, "", NO)],
        ),
        (
            "DB 스키마 관리: 스키마 업데이트 4건, DB OPTIMIZE, 미사용 테이블 정리 (7개 커밋)",
            &[("4건", 4.0, "건", NO), ("7개", 7.0, "개", NO)],
        ),
        ("공적처방전달 안정화: 2023년 12월 출시 기능의 안정화", &[]),
        ("신규 기능은 안정화 기간 필수: 가예약(11월) 출시 후 12월 한 달 집중 안정화", &[]),
        ("프론트엔드 비중 감소: 하반기(8~9월) 서버 중심 작업으로 FE 커밋 현저히 감소", &[]),
        (
            "permalink: /Retrospective/2024-01-01-2024-12-31-annual-retrospective.html",
            &[],
        ),
        // content/retrospectives/2025-12-01-weekly.md
        ("주간 회고록 (2025.12.01 ~ 2025.12.12)", &[]),
        ("기여 요약 (2024 ~ 2025), 2019-2021 재직", &[]),
        ("2025년 12월 첫째~둘째 주 회고록입니다.", &[]),
        ("MPT-8756: CRM 결제수단 삭제 불가 이슈", &[]),
        ("MPT-8704: 태블릿 진료신청서 접수 마감 알림 현상", &[]),
        (
            "해결: 병원 운영 시간 정보 캐시 데이터 유효시간을 5분으로 설정",
            &[("5분", 5.0, "분", NO)],
        ),
        (
            "캐시 유효시간(TTL) 5분 설정으로 데이터 신선도와 성능 간 균형 확보",
            &[("5분", 5.0, "분", NO)],
        ),
        ("Phase 1 목표 (2025.12.23 완료 예정)", &[]),
        ("Phase 1 개발 진행: 구독 관리 페이지 UI 및 백엔드 구현", &[]),
        ("[관리자][통합] Phase 1: 모비닥 상품 관리 개선 및 추가 기능", &[]),
        ("상품 관리 시스템 1단계 개발 착수", &[]),
        ("서비스 만료 일주일 전 SMS 안내 발송", &[]),
        (
            "QR/태블릿 진료 신청서의 3가지 케이스별 플로우 문서화",
            &[("3가지", 3.0, "가지", NO)],
        ),
        ("1. 가예약 케이스: 통합에서 가예약 생성 → 환자가 연락처 입력", &[]),
        ("총 이슈 수: 10개", &[("10개", 10.0, "개", NO)]),
        ("완료: 2개 (20%)", &[("2개", 2.0, "개", NO), ("20%", 20.0, "%", NO)]),
        (
            "진행 중/모니터링: 5개 (50%)",
            &[("5개", 5.0, "개", NO), ("50%", 50.0, "%", NO)],
        ),
        (
            "해야 할 일/분석 중: 3개 (30%)",
            &[("3개", 3.0, "개", NO), ("30%", 30.0, "%", NO)],
        ),
    ];

    /// Forms the seeds lack.
    const SYNTHETIC_CASES: &[Case] = &[
        // multipliers
        ("월 41만 건의 요청", &[("41만 건", 410_000.0, "건", NO)]),
        ("1만 2천 건의 요청", &[("1만 2천 건", 12_000.0, "건", NO)]),
        (
            "1억 2천만 원 절감",
            &[("1억 2천만 원", 120_000_000.0, "원", NO)],
        ),
        ("3천만 원", &[("3천만 원", 30_000_000.0, "원", NO)]),
        ("3천", &[("3천", 3_000.0, "", NO)]),
        ("1.5만", &[("1.5만", 15_000.0, "", NO)]),
        ("1만 5000건", &[("1만 5000건", 15_000.0, "건", NO)]),
        ("1만만만", &[("1만", 10_000.0, "", NO)]),
        ("3만큼", &[("3", 3.0, "", NO)]),
        ("10k 요청", &[("10k", 10_000.0, "", NO)]),
        ("1,234건", &[("1,234건", 1_234.0, "건", NO)]),
        ("1,000,000원", &[("1,000,000원", 1_000_000.0, "원", NO)]),
        // composites
        ("2시간 30분", &[("2시간 30분", 150.0, "분", NO)]),
        ("3시간 20분 걸리던 작업", &[("3시간 20분", 200.0, "분", NO)]),
        ("1분 30초", &[("1분 30초", 90.0, "초", NO)]),
        ("1년 6개월 동안", &[("1년 6개월", 18.0, "개월", NO)]),
        ("1시간 반 걸리던 작업", &[("1시간 반", 1.5, "시간", NO)]),
        ("2년 반 동안 운영", &[("2년 반", 2.5, "년", NO)]),
        ("3일 반 만에", &[("3일 반", 3.5, "일", NO)]),
        ("1시간 반복 작업", &[("1시간", 1.0, "시간", NO)]),
        ("하루 1시간 반씩", &[("1시간 반", 1.5, "시간", NO)]),
        ("1시간~1시간 반, 1~2시간 반", &[("1시간~1시간 반", 1.0, "시간", NO), ("1~2시간 반", 1.0, "시간", NO)]),
        ("2시간 반영 지연", &[("2시간", 2.0, "시간", NO)]),
        // fractions: a third, not three minutes
        (
            "비용을 3분의 1로 절감",
            &[("3분의 1", 1.0 / 3.0, "분의", NO)],
        ),
        ("4분의1 수준", &[("4분의1", 0.25, "분의", NO)]),
        ("약 10분의 1 이하로", &[("10분의 1", 0.1, "분의", AT_MOST)]),
        ("처리 시간을 1/3로 단축", &[("1/3", 1.0 / 3.0, "분의", NO)]),
        ("1/10 수준으로 감소", &[("1/10", 0.1, "분의", NO)]),
        ("10분의 휴식", &[("10분", 10.0, "분", NO)]),
        (
            "10분의 1초",
            &[("10분", 10.0, "분", NO), ("1초", 1.0, "초", NO)],
        ),
        ("12/25로 연기, 3/4 배포, 3/15로 연기, 3/4로 이동, 1/3 로그", &[]),
        (
            "1/3에서 1/4로 감소",
            &[("1/3", 1.0 / 3.0, "분의", NO), ("1/4", 0.25, "분의", NO)],
        ),
        ("1/3 ~ 1/2 수준", &[("1/3 ~ 1/2", 1.0 / 3.0, "분의", NO)]),
        (
            "3분의 1~2 수준",
            &[("3분의 1", 1.0 / 3.0, "분의", NO), ("2", 2.0, "", NO)],
        ),
        // numbers in words
        ("처리 속도 두 배 향상", &[("두 배", 2.0, "배", NO)]),
        ("두배 빨라짐", &[("두배", 2.0, "배", NO)]),
        (
            "서버를 세 대에서 두 대로",
            &[("세 대", 3.0, "대", NO), ("두 대", 2.0, "대", NO)],
        ),
        ("다섯 명의 팀, 열 가지 지표", &[("다섯 명", 5.0, "명", NO), ("열 가지", 10.0, "가지", NO)]),
        ("두 시간 반 걸리던 배치", &[("두 시간 반", 2.5, "시간", NO)]),
        ("두 달간, 세 달 반 동안", &[("두 달", 2.0, "개월", NO), ("세 달 반", 3.5, "개월", NO)]),
        (
            "팀원 열 두 명, 열두 명, 스무 번, 서른한 개, 열한 명",
            &[
                ("열 두 명", 12.0, "명", NO),
                ("열두 명", 12.0, "명", NO),
                ("스무 번", 20.0, "번", NO),
                ("서른한 개", 31.0, "개", NO),
                ("열한 명", 11.0, "명", NO),
            ],
        ),
        ("두 번 다시 발생하지 않도록, 두개골, 포트를 열 건지", &[]),
        ("요청의 절반 이상", &[("절반", 0.5, "분의", AT_LEAST)]),
        (
            "세대 교체, 세배, 열대 지방, 두 번째 시도, 한 번에 처리, 하나의 토큰, 세 분이 참석, 파일을 열 때, 하세요",
            &[],
        ),
        // units
        ("1.8초", &[("1.8초", 1.8, "초", NO)]),
        ("18배 빨라짐", &[("18배", 18.0, "배", NO)]),
        ("3x 향상", &[("3x", 3.0, "배", NO)]),
        ("2%p 상승", &[("2%p", 2.0, "%p", NO)]),
        ("5%포인트", &[("5%포인트", 5.0, "%p", NO)]),
        ("30퍼센트", &[("30퍼센트", 30.0, "%", NO)]),
        ("600 ms", &[("600 ms", 600.0, "ms", NO)]),
        ("30 min", &[("30 min", 30.0, "분", NO)]),
        (
            "1h, 3s, 2sec",
            &[
                ("1h", 1.0, "시간", NO),
                ("3s", 3.0, "초", NO),
                ("2sec", 2.0, "초", NO),
            ],
        ),
        ("10GB", &[("10GB", 10.0, "GB", NO)]),
        (
            "10개국 5개사 2차례 3종",
            &[
                ("10개국", 10.0, "개국", NO),
                ("5개사", 5.0, "개사", NO),
                ("2차례", 2.0, "차례", NO),
                ("3종", 3.0, "종", NO),
            ],
        ),
        ("5분간", &[("5분", 5.0, "분", NO)]),
        ("2주간 진행", &[("2주", 2.0, "주", NO)]),
        // ranges
        ("2%~3%", &[("2%~3%", 2.0, "%", NO)]),
        ("1~2초", &[("1~2초", 1.0, "초", NO)]),
        ("7 ~ 10일", &[("7 ~ 10일", 7.0, "일", NO)]),
        ("약 10～20개", &[("10～20개", 10.0, "개", ABOUT)]),
        // not a unit / not a quantity
        ("3분기 실적", &[]),
        ("3번째 시도", &[]),
        ("1주차 회고", &[]),
        ("1일차", &[]),
        ("1차 개발", &[]),
        ("2024년도 예산", &[]),
        ("2대비", &[("2", 2.0, "", NO)]),
        ("1회사", &[("1", 1.0, "", NO)]),
        ("12월 1일 배포", &[]),
        ("3시 30분에 회의", &[]),
        ("14:30에 배포", &[]),
        ("2022-04-18", &[]),
        ("HTTP/2, AES-256, o200k, Q4, b2c, K7, #123", &[]),
        // qualifiers
        ("약 30% 개선", &[("30%", 30.0, "%", ABOUT)]),
        ("예약 3건", &[("3건", 3.0, "건", NO)]),
        ("대략 3시간", &[("3시간", 3.0, "시간", ABOUT)]),
        ("거의 2배", &[("2배", 2.0, "배", ABOUT)]),
        ("20여 개", &[("20여 개", 20.0, "개", ABOUT)]),
        ("5분 내 응답", &[("5분", 5.0, "분", AT_MOST)]),
        ("3건 미만", &[("3건", 3.0, "건", LESS)]),
        ("5초 초과", &[("5초", 5.0, "초", MORE)]),
        ("3초과", &[("3", 3.0, "", MORE)]),
        ("10분가량", &[("10분", 10.0, "분", ABOUT)]),
        ("3시간 정도", &[("3시간", 3.0, "시간", ABOUT)]),
        ("1000건 넘게", &[("1000건", 1_000.0, "건", MORE)]),
        ("최대 10개 이상", &[("10개", 10.0, "개", AT_LEAST)]),
        // transitions
        (
            "1.8초 → 240ms",
            &[("1.8초", 1.8, "초", NO), ("240ms", 240.0, "ms", NO)],
        ),
        ("9 → 3개", &[("9", 9.0, "개", NO), ("3개", 3.0, "개", NO)]),
        (
            "100 -> 200, 5 => 6",
            &[
                ("100", 100.0, "", NO),
                ("200", 200.0, "", NO),
                ("5", 5.0, "", NO),
                ("6", 6.0, "", NO),
            ],
        ),
        (
            "600ms에서 33ms까지 단축",
            &[("600ms", 600.0, "ms", NO), ("33ms", 33.0, "ms", NO)],
        ),
    ];

    #[test]
    fn a_half_ends_a_range_of_durations() {
        assert_eq!(one("1~2시간 반").max, Some(2.5));
        assert_eq!(one("1시간~1시간 반").max, Some(1.5));
        assert_eq!(one("100~200ms 반영").max, Some(200.0));
    }

    #[test]
    fn every_numeral_that_starts_a_number_is_looked_at() {
        let first_words = NATIVE_TENS
            .iter()
            .map(|(word, _)| *word)
            .chain(
                NATIVE_UNITS
                    .iter()
                    .map(|(word, _)| *word)
                    .filter(|word| *word != "한"),
            )
            .chain([HALF]);
        for word in first_words {
            let lead = usize::from(word.as_bytes()[0]);
            assert!(BYTE_KINDS[lead] == ByteKind::MaybeWords, "{word}");
            let first = word.chars().next().unwrap();
            assert!(NATIVE_FIRST_SYLLABLES.contains(&first), "{word}");
        }
        for syllable in NATIVE_FIRST_SYLLABLES {
            let bytes = syllable.to_string().into_bytes();
            assert!(BYTE_KINDS[usize::from(bytes[0])] == ByteKind::MaybeWords);
            let code = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
            assert_eq!(syllable_code(*syllable), code, "{syllable}");
        }
    }

    #[test]
    fn seed_sentences() {
        check_table(SEED_CASES);
    }

    #[test]
    fn synthetic_forms() {
        check_table(SYNTHETIC_CASES);
    }

    #[test]
    fn enough_cases() {
        assert!(SEED_CASES.len() + SYNTHETIC_CASES.len() >= 70);
    }

    fn one(text: &str) -> Quantity {
        let qs = extract_quantities(text);
        assert_eq!(qs.len(), 1, "{text}: {qs:?}");
        qs.into_iter().next().unwrap()
    }

    #[test]
    fn every_tail_word_is_filed_under_its_first_syllable_in_list_order() {
        for (position, &(word, _)) in KOREAN_TAILS.iter().enumerate() {
            let first = word.chars().next().unwrap();
            assert!(is_hangul(first), "{word}");
            let group = KOREAN_TAIL_INDEX.starting_with(first);
            let filed: Vec<&str> = group.iter().map(|(filed, _)| *filed).collect();
            let listed: Vec<&str> = KOREAN_TAILS
                .iter()
                .map(|(listed, _)| *listed)
                .filter(|listed| listed.starts_with(first))
                .collect();
            assert_eq!(filed, listed, "{word} at {position}");
        }
        assert!(KOREAN_TAIL_INDEX.starting_with('나').is_empty());
        assert!(KOREAN_TAIL_INDEX.starting_with('힣').is_empty());
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_quantity_keeps_its_unit_as_one_pointer() {
        assert_eq!(std::mem::size_of::<Quantity>(), 128);
    }

    #[test]
    fn a_partner_index_too_large_for_32_bits_saturates() {
        let far = Transition::new(TransitionRole::From, usize::MAX);
        assert_eq!(far.partner(), u32::MAX as usize);
        let shifted = Transition::new(TransitionRole::To, 3).shifted(4);
        assert_eq!((shifted.role, shifted.partner()), (TransitionRole::To, 7));
    }

    #[test]
    fn ranges_carry_max_and_base_max() {
        let q = one("매달 2~3%의 입금 확인 요청이 발생");
        assert_eq!((q.value, q.max), (2.0, Some(3.0)));
        assert_eq!((q.base_value(), q.base_max()), (2.0, Some(3.0)));
        assert_eq!((q.dimension(), q.base_unit()), (Dimension::Percent, "%"));

        let q = one("1~2초");
        assert_eq!((q.base_value(), q.base_max()), (1_000.0, Some(2_000.0)));
        assert_eq!(q.dimension(), Dimension::Duration);

        // A reversed pair is not a range.
        let qs = extract_quantities("5~3개");
        assert!(qs.iter().all(|q| q.max.is_none()), "{qs:?}");
    }

    #[test]
    fn composite_duration_base_and_span() {
        let text = "작업이 2시간 30분 걸렸다";
        let q = one(text);
        assert_eq!((q.value, q.unit()), (150.0, "분"));
        assert_eq!((q.base_value(), q.base_unit()), (9_000_000.0, "ms"));
        assert_eq!(&text[q.start..q.end], "2시간 30분");
        assert_eq!(q.start, "작업이 ".len());

        let q = one("1년 6개월");
        assert_eq!(q.base_value(), 18.0 * 2_629_800_000.0);
    }

    #[test]
    fn base_units_per_dimension() {
        let cases: &[(&str, Dimension, f64, &str)] = &[
            ("600ms", Dimension::Duration, 600.0, "ms"),
            ("3초", Dimension::Duration, 3_000.0, "ms"),
            ("5분", Dimension::Duration, 300_000.0, "ms"),
            ("10시간", Dimension::Duration, 36_000_000.0, "ms"),
            ("1일", Dimension::Duration, 86_400_000.0, "ms"),
            ("2주", Dimension::Duration, 1_209_600_000.0, "ms"),
            ("12개월", Dimension::Duration, 31_557_600_000.0, "ms"),
            ("1년", Dimension::Duration, 31_557_600_000.0, "ms"),
            ("15%", Dimension::Percent, 15.0, "%"),
            ("2%p", Dimension::PercentPoint, 2.0, "%p"),
            ("18배", Dimension::Ratio, 18.0, "배"),
            ("2KB", Dimension::Size, 2_048.0, "B"),
            ("1MB", Dimension::Size, 1_048_576.0, "B"),
            ("41만 건", Dimension::Count, 410_000.0, "건"),
            ("508개", Dimension::Count, 508.0, "개"),
            ("463", Dimension::Number, 463.0, ""),
        ];
        for &(text, dim, base, base_unit) in cases {
            let q = one(text);
            assert_eq!(
                (q.dimension(), q.base_value(), q.base_unit()),
                (dim, base, base_unit),
                "{text}"
            );
        }
    }

    #[test]
    fn transitions_link_both_ends() {
        let qs = extract_quantities("분산되어 있던 서비스 인스턴스 수가 9개에서 3개로 감소");
        assert_eq!(
            qs[0].transition,
            Some(Transition::new(TransitionRole::From, 1))
        );
        assert_eq!(
            qs[1].transition,
            Some(Transition::new(TransitionRole::To, 0))
        );

        let qs = extract_quantities("1.8초 → 240ms");
        assert_eq!((qs[0].base_value(), qs[1].base_value()), (1_800.0, 240.0));
        assert!(qs[0].transition.is_some() && qs[1].transition.is_some());

        let qs =
            extract_quantities("2024년 대비 커밋 수가 증가(463→508)하고 이슈 수가 감소(529→152)");
        let partners: Vec<_> = qs
            .iter()
            .map(|q| q.transition.map(|t| t.partner()))
            .collect();
        assert_eq!(partners, [Some(1), Some(0), Some(3), Some(2)]);
        assert!(qs.iter().all(|q| q.dimension() == Dimension::Number));

        // A bare left side inherits the unit of the right side.
        let qs = extract_quantities("9 → 3개");
        assert_eq!(
            (qs[0].dimension(), qs[0].base_unit()),
            (Dimension::Count, "개")
        );
        assert_eq!(qs[0].surface, "9");

        let qs = extract_quantities("이 시간을 10시간에서 2시간으로 단축");
        assert_eq!(qs[1].transition.map(|t| t.role), Some(TransitionRole::To));

        // Different dimensions, or no marker: no transition.
        assert!(extract_quantities("3개에서 20%로")
            .iter()
            .all(|q| q.transition.is_none()));
        assert!(extract_quantities("최대 600ms까지 넘었던 부분을 33ms내로")
            .iter()
            .all(|q| q.transition.is_none()));
    }

    #[test]
    fn products_name_their_multiplier() {
        let q = one("회원 확인 전화 기능은 인스턴스 수*30개로 처리될 수 있도록 변경");
        assert_eq!(q.per.as_deref(), Some("인스턴스 수"));
        assert_eq!((q.dimension(), q.base_unit()), (Dimension::Count, "개"));

        let qs = extract_quantities("(1월, 2월×2, 3월)");
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].per.as_deref(), Some("2월"));
        assert_eq!(
            (qs[0].dimension(), qs[0].unit(), qs[0].base_unit()),
            (Dimension::Count, "", "회")
        );

        // Markdown emphasis is not a product.
        let qs = extract_quantities("12개월간 **508개의 커밋**");
        assert!(qs.iter().all(|q| q.per.is_none()), "{qs:?}");
    }

    #[test]
    fn offsets_are_byte_offsets() {
        let text = "🙂 가상계좌 CS 요청 건수를 15% 이하로";
        let q = one(text);
        assert_eq!(q.start, text.find("15").unwrap());
        assert_eq!(q.end, q.start + "15%".len());
    }

    const SEED_FILES: &[(&str, &str)] = &[
        (
            "2025-annual.md",
            include_str!("../content/retrospectives/2025-annual.md"),
        ),
        (
            "2024-annual.md",
            include_str!("../content/retrospectives/2024-annual.md"),
        ),
        (
            "2025-12-01-weekly.md",
            include_str!("../content/retrospectives/2025-12-01-weekly.md"),
        ),
        ("hanpass.md", include_str!("../content/career/hanpass.md")),
        (
            "socar-and-studies.md",
            include_str!("../content/notes/socar-and-studies.md"),
        ),
    ];

    #[test]
    fn seed_corpus_invariants() {
        let mut total = 0;
        for (name, doc) in SEED_FILES {
            for line in doc.lines() {
                assert_invariants(line);
                total += extract_quantities(line).len();
            }
            assert_invariants(doc);
            let whole = extract_quantities(doc).len();
            assert!(whole > 0, "{name}");
        }
        assert!(total > 100, "only {total} quantities in the seed corpus");
    }

    #[test]
    fn seed_corpus_has_no_dates_or_ids_as_quantities() {
        for (_, doc) in SEED_FILES {
            for q in extract_quantities(doc) {
                assert!(
                    !(q.unit().is_empty() && (1900.0..=2199.0).contains(&q.value)),
                    "year-like number reported: {q:?}"
                );
                assert!(
                    !q.surface.contains('월') || q.surface.contains("개월"),
                    "{q:?}"
                );
            }
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let thousand_digits = "7".repeat(1_000);
        let long_commas = format!("1{}", ",000".repeat(50));
        let odd: Vec<String> = vec![
            String::new(),
            "\0".into(),
            "1\0초".into(),
            "~".into(),
            "3~".into(),
            "~3".into(),
            "3 ~ ".into(),
            "→".into(),
            "3→".into(),
            "3 → ".into(),
            "에서 3".into(),
            "3에서".into(),
            thousand_digits.clone(),
            format!("{thousand_digits}개"),
            format!("0.{thousand_digits}%"),
            long_commas,
            "1만만만".into(),
            "만만만1".into(),
            "1억억억 천천천".into(),
            "🙂1🙂2개🙂".into(),
            "1\u{0301}개 2\u{0308}%".into(),
            "e\u{0301}3".into(),
            "%%%1%%%".into(),
            "1%p%p".into(),
            "*3 ×3 ** 3 ×".into(),
            "수*".into(),
            "1여".into(),
            "1여여여년".into(),
            "1.".into(),
            "1,".into(),
            "1,2".into(),
            "1.2.3.4.5".into(),
            "2025.".into(),
            "2025-".into(),
            "12:".into(),
            "http://".into(),
            "https://3개".into(),
            "99999999999999999999999개".into(),
            "999999999999999만".into(),
            "999,999,999,999,999,999".into(),
            "\u{FEFF}3개".into(),
            "3\u{200B}개".into(),
            "１２개".into(),
            "3 \n개".into(),
            "3시간 3시간 3시간".into(),
            "1시간 2분 3초 4ms".into(),
            "1~2~3~4%".into(),
            "약약약 3".into(),
            "+3+ +".into(),
            "최대".into(),
            "3개+".into(),
            "\u{AC00}\u{D7A3}3\u{D7A3}".into(),
        ];
        for s in &odd {
            assert_invariants(s);
        }
        let q = one("1시간 2분 3초 4ms");
        assert_eq!((q.value, q.unit()), (3_723_004.0, "ms"));
    }

    /// Splices fragments at every position of a deterministic stream, so that
    /// numbers, units and multi-byte characters meet in every order.
    #[test]
    fn never_panics_on_spliced_fragments() {
        let fragments = [
            "3", "41", "만", "천", " ", "건", "~", "→", "에서", "%", "p", "ms", "x", "k", "개",
            "월", "년", "2024", ".", ",", "-", "*", "×", "여", "이상", "내", "+", "🙂", "\u{0301}",
            "a", "Q", "v", "\n", "1.", ":", "/", "시", "분", "초", "약 ", "최대 ",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3_000 {
            let mut s = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(fragments[(seed % fragments.len() as u64) as usize]);
            }
            assert_invariants(&s);
        }
    }

    /// Inputs that would take quadratic time in a naive scanner still run
    /// quickly: each of these is scanned once.
    #[test]
    fn pathological_inputs_are_linear() {
        let inputs = [
            "1만 ".repeat(20_000),
            " ".repeat(50_000) + "3",
            format!("{}3", "a".repeat(50_000)),
            "1~".repeat(20_000),
            "3개에서 ".repeat(10_000),
            "- 1. ".repeat(10_000),
            "*".repeat(50_000) + "3",
            "1.2.".repeat(20_000),
        ];
        for s in &inputs {
            let qs = extract_quantities(s);
            assert!(qs.len() <= s.len());
        }
    }
}
