//! Matches the draft's numbers to the facts and decides each one's status.
//!
//! The index is built once per call and driven by the draft: the features of
//! all claims form a small dictionary, and every fact that has a quantity is
//! scanned once for those features (document frequencies for idf, a coarse
//! score per claim, and a value window test per quantity). Only the few best
//! facts per claim are then scored precisely, word by word, with proximity
//! weights around each of their quantities. This keeps a 60-number résumé
//! against a company's whole corpus linear in the corpus and well under the
//! 100 ms budget.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::config::fold_name;
use crate::facts::{month_span, role_of_label, Fact, FactKind, Period};
use crate::quantity::TransitionRole;

use super::check::{find_tables, row_key, Table};
use super::derive::{derive, metric_words, Cues, Operand};
use super::draft::Site;
use super::features::{
    clean_label, for_each_feature, for_each_word, label_column, own_months_in, own_years_in,
    table_parts, year_feature, Bag, Dictionary, FastMap, Feature, NumberSpans, TokenizedText,
};
use super::span;
use super::tolerance::{compare, same_digits_other_unit, written, Comparison, Stated};
use super::{Claim, Family, SourceRef, Status};

/// Facts kept per claim by coarse score among those with a quantity of a related family.
const FAMILY_CANDIDATES: usize = 16;
/// Facts kept per claim by coarse score whatever their quantities (derivation operands).
const OPERAND_CANDIDATES: usize = 8;
/// A feature in more than this share of the scanned facts is "common" for the
/// coarse pass.
const COMMON_SHARE: f32 = 0.1;
/// Facts kept per claim that state a value in the claim's window.
const VALUE_CANDIDATES: usize = 16;

/// A fact stating an admitted value must be at least this similar to support a claim…
pub(crate) const SUPPORT_FLOOR: f32 = 0.15;
/// …and no less similar than the best fact stating another value, minus this margin.
pub(crate) const MARGIN: f32 = 0.12;
/// …or this share of that best score, when scores are low.
pub(crate) const RELATIVE_MARGIN: f32 = 0.25;
/// Two values of one fact within this score of each other are told apart by
/// the words nearer each ([`Index::contrast`])…
const CONTEST_WINDOW: f32 = 0.05;
/// …and the claim is closer to the other value when the contrast is below
/// minus this.
const CONTRAST: f32 = 0.03;
/// A fact stating another value makes a mismatch from this similarity on.
pub(crate) const MISMATCH_FLOOR: f32 = 0.25;
/// Facts at least this similar (best first, at most [`OPERAND_FACTS`]) lend
/// their quantities to derivations.
pub(crate) const OPERAND_FLOOR: f32 = 0.25;
const OPERAND_FACTS: usize = 4;
/// How far below its fact's best value a value may score and still be what
/// the fact says about the claim (see `Operand::focus`).
const FOCUS_MARGIN: f32 = 0.1;
/// Facts this similar may lend a whole split to a sum (see `Operand::weak`).
const WEAK_OPERAND_FLOOR: f32 = 0.05;

/// A claim's words that no fact of the company has still count (a claim about
/// something the facts never mention is not about them), at this share of
/// the idf of the rarest word.
const NOVEL_WORD_DISCOUNT: f32 = 0.5;

/// Weights of the words a fact's number does not sit in, but that describe it.
const PROJECT_WEIGHT: f32 = 0.3;
const HEADING_WEIGHT: f32 = 0.15;
const PARENT_WEIGHT: f32 = 0.4;
/// How much of a score is the share of the fact's own context (squared
/// weights, so the words next to its number dominate) that the claim covers:
/// it tells `상품 캐시 TTL 5분` from `카테고리 캐시 TTL 10분` for a claim about
/// the 상품 cache, where the claim's words alone match both.
const REVERSE_SHARE: f32 = 0.5;
/// Weight of the years of a fact's period (`2025년` for the 2025 retrospective).
const PERIOD_WEIGHT: f32 = 0.4;
/// A fact whose period lies outside every year the claim names is probably
/// about another time: its score is multiplied by this.
const OTHER_YEAR_FACTOR: f32 = 0.6;
/// Only words at least this close to a fact's number (proximity weight) count
/// for how much of the fact's context the claim covers.
const NEAR_WEIGHT: f32 = 0.45;
/// A table cell's neighbours count less than its label (`2월 · 커밋`).
const TABLE_TEXT_SCALE: f32 = 0.6;
/// Every word of a row's other cells counts as if this many words from the
/// number, whichever column it is in.
const ROW_CELL_DISTANCE: f32 = 2.0;

/// A fact with a score, ordered so that a `BinaryHeap` keeps the lowest on top.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked {
    score: f32,
    fact: u32,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.fact.cmp(&other.fact))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The best `capacity` facts seen so far, with the score a new fact must beat
/// once full (checked without touching the heap: most facts fall below it).
#[derive(Clone, Default)]
struct Best {
    heap: BinaryHeap<Ranked>,
    floor: f32,
}

impl Best {
    fn offer(&mut self, item: Ranked, capacity: usize) {
        if self.heap.len() < capacity {
            self.heap.push(item);
            if self.heap.len() == capacity {
                self.floor = self.heap.peek().map(|lowest| lowest.score).unwrap_or(0.0);
            }
        } else if item.score > self.floor {
            self.heap.pop();
            self.heap.push(item);
            self.floor = self.heap.peek().map(|lowest| lowest.score).unwrap_or(0.0);
        }
    }
}

/// Best first.
fn into_sorted(best: Best) -> Vec<Ranked> {
    let mut items = best.heap.into_vec();
    items.sort_by(|left, right| {
        right
            .score
            .total_cmp(&left.score)
            .then(left.fact.cmp(&right.fact))
    });
    items
}

/// The words around one fact's numbers, computed on first use.
struct FactContext {
    /// First and last year of the fact's period, when both are known.
    years: Option<(i32, i32)>,
    tokenized: TokenizedText,
    masked: Vec<(usize, usize)>,
    /// `masked`, indexed once for all the fact's numbers.
    numbers: NumberSpans,
    extra: Bag,
    bags: Vec<Option<Bag>>,
}

/// A claim's features with their weights and idf, for the precise scores.
struct ClaimVector {
    /// (feature, weight × idf, weight)
    features: Vec<(Feature, f32, f32)>,
    denominator: f32,
    years: Vec<i32>,
}

struct Index<'a> {
    facts: &'a [Fact],
    claims: Vec<ClaimVector>,
    family_candidates: Vec<Vec<Ranked>>,
    operand_candidates: Vec<Vec<Ranked>>,
    value_candidates: Vec<Vec<Ranked>>,
    contexts: FastMap<u32, FactContext>,
    /// Built on first use, shared with each decision.
    projects: Option<std::rc::Rc<ProjectNames>>,
    /// The series tables of the facts, built on first use.
    tables: Option<std::rc::Rc<Vec<Table>>>,
}

/// Words that name no project in particular (`결제 서비스 구축`: only 결제
/// says which).
const GENERIC_PROJECT_WORDS: &[&str] = &[
    "서비스",
    "시스템",
    "개발",
    "개선",
    "구축",
    "기능",
    "관리",
    "서버",
    "프로젝트",
    "연동",
    "도입",
    "적용",
    "작업",
    "신규",
    "api",
];

/// The titles of the projects the facts belong to, with their words, to
/// tell which project a claim names: a bullet under `## ATM 입/출금` is not
/// supported by the `가상 계좌` project's `3초`.
struct ProjectNames {
    /// Each distinct title's words (two letters or more, no digits, not generic).
    titles: Vec<(std::sync::Arc<str>, Vec<String>)>,
    /// The titles (indices) that have each word.
    by_word: FastMap<String, Vec<usize>>,
}

impl ProjectNames {
    fn of(facts: &[Fact]) -> ProjectNames {
        let mut titles: Vec<(std::sync::Arc<str>, Vec<String>)> = Vec::new();
        let mut seen: FastMap<&str, ()> = FastMap::default();
        let mut previous: Option<&std::sync::Arc<str>> = None;
        for project in facts.iter().filter_map(|fact| fact.project.as_ref()) {
            if previous.is_some_and(|known| std::sync::Arc::ptr_eq(known, project)) {
                continue;
            }
            previous = Some(project);
            if seen.insert(project.as_ref(), ()).is_some() {
                continue;
            }
            titles.push((std::sync::Arc::clone(project), title_words(project)));
        }
        let mut by_word: FastMap<String, Vec<usize>> = FastMap::default();
        for (index, (_, words)) in titles.iter().enumerate() {
            for word in words {
                by_word.entry(word.clone()).or_default().push(index);
            }
        }
        ProjectNames { titles, by_word }
    }

    /// The words of the facts of the project of fact `fact_index` in its
    /// document (sorted, for lookups). A document's facts are contiguous.
    fn vocabulary(facts: &[Fact], fact_index: usize) -> Vec<String> {
        let fact = &facts[fact_index];
        let same_place = |other: &Fact| {
            std::sync::Arc::ptr_eq(&other.source.path, &fact.source.path)
                || other.source.path == fact.source.path
        };
        let first = facts[..fact_index]
            .iter()
            .rposition(|other| !same_place(other))
            .map_or(0, |position| position + 1);
        let last = facts[fact_index..]
            .iter()
            .position(|other| !same_place(other))
            .map_or(facts.len(), |position| fact_index + position);
        let mut words: Vec<String> = Vec::new();
        for other in facts[first..last]
            .iter()
            .filter(|other| other.project == fact.project)
        {
            for_each_word(&other.text, |word| words.push(word.to_lowercase()));
        }
        words.sort();
        words.dedup();
        words
    }

    /// The titles the claim's words name: half or more of a title's words,
    /// one of them that title's own only. Indices into `titles`.
    fn named_titles(&self, claim_words: &[String]) -> Vec<usize> {
        // Only a title with a word of its own among the claim's can be named.
        let mut named: Vec<usize> = claim_words
            .iter()
            .filter_map(|word| match self.by_word.get(word).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                _ => None,
            })
            .collect();
        // A title of several words written as one (`가상계좌` for `가상 계좌`).
        for (index, (_, words)) in self.titles.iter().enumerate() {
            if words.len() >= 2 && claim_words.contains(&words.concat()) {
                named.push(index);
            }
        }
        named.sort_unstable();
        named.dedup();
        named.retain(|index| {
            self.titles
                .get(*index)
                .is_some_and(|(_, words)| self.names(words, claim_words))
        });
        named
    }

    fn names(&self, words: &[String], claim_words: &[String]) -> bool {
        if words.len() >= 2 && claim_words.contains(&words.concat()) {
            return true;
        }
        let named = words
            .iter()
            .filter(|word| claim_words.contains(word))
            .count();
        let distinctive = words.iter().any(|word| {
            claim_words.contains(word)
                && self
                    .by_word
                    .get(word)
                    .is_some_and(|titles| titles.len() == 1)
        });
        !words.is_empty() && distinctive && named * 2 >= words.len()
    }

    /// Whether the claim's words name another project (one of `named`, see
    /// [`Self::named_titles`]) rather than the one of fact `fact_index`:
    /// they name none of its title's words, and still name the other once
    /// the words the project's own facts use are set aside (`대외 서버` in a
    /// 가상 계좌 fact points to no other project).
    fn names_another(
        &self,
        facts: &[Fact],
        fact_index: usize,
        claim_words: &[String],
        named: &[usize],
    ) -> bool {
        let Some(project) = facts[fact_index].project.as_deref() else {
            return false;
        };
        let others: Vec<&Vec<String>> = named
            .iter()
            .filter_map(|index| self.titles.get(*index))
            .filter(|(title, _)| title.as_ref() != project)
            .map(|(_, words)| words)
            .collect();
        let own = title_words(project);
        if others.is_empty()
            || own.iter().any(|word| claim_words.contains(word))
            || claim_words.contains(&own.concat())
        {
            return false;
        }
        let vocabulary = Self::vocabulary(facts, fact_index);
        let claim_words: Vec<String> = claim_words
            .iter()
            .filter(|word| vocabulary.binary_search(word).is_err())
            .cloned()
            .collect();
        others.iter().any(|words| self.names(words, &claim_words))
    }
}

fn title_words(title: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(&clean_label(title), |word| {
        let word = word.to_lowercase();
        if word.chars().count() >= 2
            && !word.chars().any(|c| c.is_ascii_digit())
            && !GENERIC_PROJECT_WORDS.contains(&word.as_str())
            && !words.contains(&word)
        {
            words.push(word);
        }
    });
    words
}

/// The value window of a claim: any source value outside it cannot be
/// admitted by the tolerance rule (one rounding step and 5% either side,
/// which covers rounding, truncation, `약` and bounds).
fn window(site: &Site) -> (f64, f64) {
    let quantity = &site.quantity;
    let precision = written(quantity);
    let low = quantity.base_value();
    let high = quantity.base_max().unwrap_or(low);
    let step = precision.rounding.max(precision.precision);
    let low_bound = low - step - 0.05 * low.abs();
    let high_bound = high + step + 0.05 * high.abs();
    (low_bound, high_bound)
}

const FAMILIES: usize = 7;

/// A fast 64-bit hash of a short string, eight bytes at a time (labels are
/// memoised by it; a collision would only blur a coarse score).
fn quick_hash(text: &str) -> u64 {
    let mut hash = text.len() as u64;
    for chunk in text.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word))
            .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    hash
}

/// Claims' value windows of one family, cut at every window end into
/// segments, each with the claims whose window overlaps it: one binary search
/// finds the claims a stated value may concern.
struct Segments {
    /// Sorted, distinct window ends.
    ends: Vec<f64>,
    /// Claims overlapping `[ends[i], ends[i + 1])`; the last entry is for
    /// values at or above the last end.
    claims: Vec<Vec<u32>>,
}

impl Segments {
    fn new(windows: &[(f64, f64, u32)]) -> Segments {
        let mut ends: Vec<f64> = windows
            .iter()
            .flat_map(|(low, high, _)| [*low, *high])
            .collect();
        ends.sort_by(f64::total_cmp);
        ends.dedup();
        // Segment `i` is `[ends[i], ends[i + 1])`. A window overlaps those
        // from the one holding its low end to the one holding its high end:
        // it is added to each of them, windows in order, so that each
        // segment lists its claims as a scan of every window would (that
        // scan, once per segment, grew with the square of the claims).
        let mut claims: Vec<Vec<u32>> = vec![Vec::new(); ends.len()];
        for (low, high, claim) in windows {
            if low.is_nan() || high.is_nan() {
                // Overlaps nothing, as no comparison with it holds.
                continue;
            }
            let first = ends.partition_point(|end| end <= low).saturating_sub(1);
            let last = ends.partition_point(|end| end <= high);
            for segment in claims.iter_mut().take(last).skip(first) {
                segment.push(*claim);
            }
        }
        Segments { ends, claims }
    }

    /// Calls `visit` with each claim whose window overlaps `[low, high]` (a
    /// claim may come more than once).
    fn claims_between(&self, low: f64, high: f64, mut visit: impl FnMut(u32)) {
        if self.ends.is_empty() || high < self.ends[0] {
            return;
        }
        let first = self
            .ends
            .partition_point(|end| *end <= low)
            .saturating_sub(1);
        let last = self
            .ends
            .partition_point(|end| *end <= high)
            .saturating_sub(1);
        for segment in &self.claims[first..=last.max(first)] {
            for claim in segment {
                visit(*claim);
            }
        }
    }
}

fn family_index(family: Family) -> usize {
    family.bit().trailing_zeros() as usize
}

/// Facts from this many on are scanned by several threads.
const PARALLEL_FROM: usize = 20_000;

/// What pass 1 learns from a run of facts.
struct Scan {
    document_frequency: Vec<u32>,
    /// Claim feature ids per fact, concatenated (see `spans`).
    present: Vec<u32>,
    /// (fact index, start and end in `present`, families of its quantities)
    spans: Vec<(u32, u32, u32, u8)>,
    /// (fact index, claim) for every stated value in a claim's value window.
    value_hits: Vec<(u32, u32)>,
}

/// Pass 1 over `facts`, whose first has index `first` in the whole slice.
fn scan_facts(
    facts: &[Fact],
    first: usize,
    dictionary: &Dictionary,
    segments: &[Segments],
    feature_count: usize,
) -> Scan {
    let mut scan = Scan {
        document_frequency: vec![0u32; feature_count],
        present: Vec::new(),
        spans: Vec::new(),
        value_hits: Vec::new(),
    };
    let mut stamp = vec![u32::MAX; feature_count];
    let mut labels: FastMap<u64, Vec<u32>> = FastMap::default();
    let mut last_project: Option<&str> = None;
    let mut project_ids: Vec<u32> = Vec::new();
    let mut masked: Vec<(usize, usize)> = Vec::new();
    for (offset, fact) in facts.iter().enumerate() {
        if fact.quantities.is_empty() {
            continue;
        }
        let marker = (first + offset) as u32;
        let start = scan.present.len() as u32;
        {
            let document_frequency = &mut scan.document_frequency;
            let present = &mut scan.present;
            let mut visit = |id: u32| {
                let seen = &mut stamp[id as usize];
                if *seen != marker {
                    *seen = marker;
                    document_frequency[id as usize] += 1;
                    present.push(id);
                }
            };
            masked.clear();
            masked.extend(
                fact.quantities
                    .iter()
                    .map(|quantity| (quantity.start, quantity.end)),
            );
            masked.sort_unstable();
            dictionary.scan_unmasked(&fact.text, &masked, &mut visit);
            // Titles repeat along a document, labels across tables: scan each once.
            if let Some(project) = fact.project.as_deref() {
                if last_project != Some(project) {
                    project_ids.clear();
                    dictionary.scan(project, |id| project_ids.push(id));
                    last_project = Some(project);
                }
                for id in &project_ids {
                    visit(*id);
                }
            }
            let mut last_label: Option<&str> = None;
            for quantity in &fact.quantities {
                if let Some(label) = quantity.label.as_deref() {
                    if last_label != Some(label) {
                        let ids = labels.entry(quick_hash(label)).or_insert_with(|| {
                            let mut ids = Vec::new();
                            dictionary.scan(label, |id| ids.push(id));
                            ids
                        });
                        for id in ids.iter() {
                            visit(*id);
                        }
                        last_label = Some(label);
                    }
                }
            }
        }
        let mut mask = 0u8;
        for quantity in &fact.quantities {
            let family = Family::of(quantity);
            mask |= family.bit();
            let low = quantity.base_value();
            let high = quantity.base_max().unwrap_or(low);
            segments[family_index(family)]
                .claims_between(low, high, |claim| scan.value_hits.push((marker, claim)));
        }
        scan.spans
            .push((marker, start, scan.present.len() as u32, mask));
    }
    scan
}

impl<'a> Index<'a> {
    fn build(sites: &[Site], facts: &'a [Fact]) -> Index<'a> {
        let claim_count = sites.len();
        let mut dictionary: FastMap<Feature, u32> = FastMap::default();
        let mut postings: Vec<Vec<(u32, f32)>> = Vec::new();
        for (claim, site) in sites.iter().enumerate() {
            for (feature, weight) in site.context.iter() {
                let next = postings.len() as u32;
                let id = *dictionary.entry(feature).or_insert(next);
                if id == next {
                    postings.push(Vec::new());
                }
                postings[id as usize].push((claim as u32, weight));
            }
        }

        let dictionary = Dictionary::new(dictionary);

        // Value windows per family, as elementary segments between their ends.
        let mut windows: Vec<Vec<(f64, f64, u32)>> = vec![Vec::new(); FAMILIES];
        for (claim, site) in sites.iter().enumerate() {
            let (low, high) = window(site);
            windows[family_index(Family::of(&site.quantity))].push((low, high, claim as u32));
        }
        let segments: Vec<Segments> = windows.iter().map(|list| Segments::new(list)).collect();

        // Pass 1: which claim features each fact has, document frequencies,
        // value hits. It reads every fact's text, so it is split over the
        // available cores for a large corpus.
        let feature_count = postings.len();
        let threads = if facts.len() >= PARALLEL_FROM {
            std::thread::available_parallelism()
                .map(|count| count.get())
                .unwrap_or(1)
                .clamp(1, 8)
        } else {
            1
        };
        let chunk = facts.len().div_ceil(threads).max(1);
        let scans: Vec<Scan> = if threads == 1 {
            vec![scan_facts(facts, 0, &dictionary, &segments, feature_count)]
        } else {
            std::thread::scope(|scope| {
                let workers: Vec<_> = facts
                    .chunks(chunk)
                    .enumerate()
                    .map(|(number, part)| {
                        let dictionary = &dictionary;
                        let segments = &segments;
                        scope.spawn(move || {
                            scan_facts(part, number * chunk, dictionary, segments, feature_count)
                        })
                    })
                    .collect();
                // A worker that panicked passes its panic on, as
                // `parallel` does: dropping its part would leave its facts
                // out of the index and claims on them unsupported.
                workers
                    .into_iter()
                    .map(|worker| {
                        worker
                            .join()
                            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
                    })
                    .collect()
            })
        };
        let mut document_frequency = vec![0u32; feature_count];
        let mut present: Vec<u32> = Vec::new();
        let mut spans: Vec<(u32, u32, u32, u8)> = Vec::new();
        let mut value_hits: Vec<(u32, u32)> = Vec::new();
        for scan in scans {
            for (total, count) in document_frequency.iter_mut().zip(&scan.document_frequency) {
                *total += count;
            }
            let offset = present.len() as u32;
            present.extend_from_slice(&scan.present);
            spans.extend(
                scan.spans
                    .iter()
                    .map(|(fact, start, end, mask)| (*fact, start + offset, end + offset, *mask)),
            );
            value_hits.extend_from_slice(&scan.value_hits);
        }

        // idf over the scanned facts.
        let scanned = spans.len() as f32;
        let idf: Vec<f32> = document_frequency
            .iter()
            .map(|&count| {
                let idf = (1.0 + scanned / (1.0 + count as f32)).ln();
                if count == 0 {
                    NOVEL_WORD_DISCOUNT * idf
                } else {
                    idf
                }
            })
            .collect();
        let claims: Vec<ClaimVector> = sites
            .iter()
            .map(|site| {
                let mut features = Vec::with_capacity(site.context.len());
                let mut denominator = 0.0;
                for (feature, weight) in site.context.iter() {
                    let weight_idf = dictionary
                        .ids
                        .get(&feature)
                        .map(|&id| idf[id as usize])
                        .unwrap_or(0.0)
                        * weight;
                    if weight_idf > 0.0 {
                        features.push((feature, weight_idf, weight));
                        denominator += weight_idf;
                    }
                }
                ClaimVector {
                    features,
                    denominator,
                    years: site.years.clone(),
                }
            })
            .collect();

        // Pass 2: coarse scores, best facts per claim. A feature found in a
        // large share of the facts tells little and touches every claim that
        // has it; it is left out of the coarse score of claims that have rarer ones.
        let common_above = (COMMON_SHARE * scanned).max(16.0);
        let has_rare: Vec<bool> = sites
            .iter()
            .map(|site| {
                site.context.keys().any(|feature| {
                    dictionary
                        .ids
                        .get(&feature)
                        .is_some_and(|&id| (document_frequency[id as usize] as f32) <= common_above)
                })
            })
            .collect();
        for (id, list) in postings.iter_mut().enumerate() {
            if document_frequency[id] as f32 > common_above {
                list.retain(|(claim, _)| !has_rare[*claim as usize]);
            }
        }
        let related: Vec<u8> = sites
            .iter()
            .map(|site| Family::of(&site.quantity).related())
            .collect();
        let mut family_heaps: Vec<Best> = vec![Best::default(); claim_count];
        let mut operand_heaps: Vec<Best> = vec![Best::default(); claim_count];
        let mut value_heaps: Vec<Best> = vec![Best::default(); claim_count];
        let mut accumulator = vec![0f32; claim_count];
        let mut touched: Vec<u32> = Vec::new();
        let mut hit = 0usize;
        for &(fact, start, end, mask) in &spans {
            for &id in &present[start as usize..end as usize] {
                let weight_idf = idf[id as usize];
                for &(claim, weight) in &postings[id as usize] {
                    let slot = &mut accumulator[claim as usize];
                    if *slot == 0.0 {
                        touched.push(claim);
                    }
                    *slot += weight * weight_idf;
                }
            }
            while hit < value_hits.len() && value_hits[hit].0 < fact {
                hit += 1;
            }
            let first_hit = hit;
            while hit < value_hits.len() && value_hits[hit].0 == fact {
                let claim = value_hits[hit].1;
                let repeated = value_hits[first_hit..hit]
                    .iter()
                    .any(|(_, earlier)| *earlier == claim);
                if !repeated {
                    let denominator = claims[claim as usize].denominator;
                    let score = if denominator > 0.0 {
                        accumulator[claim as usize] / denominator
                    } else {
                        0.0
                    };
                    value_heaps[claim as usize].offer(Ranked { score, fact }, VALUE_CANDIDATES);
                }
                hit += 1;
            }
            for &claim in &touched {
                let index = claim as usize;
                let score = accumulator[index] / claims[index].denominator.max(f32::MIN_POSITIVE);
                accumulator[index] = 0.0;
                operand_heaps[index].offer(Ranked { score, fact }, OPERAND_CANDIDATES);
                if mask & related[index] != 0 {
                    family_heaps[index].offer(Ranked { score, fact }, FAMILY_CANDIDATES);
                }
            }
            touched.clear();
        }

        Index {
            facts,
            claims,
            family_candidates: family_heaps.into_iter().map(into_sorted).collect(),
            operand_candidates: operand_heaps.into_iter().map(into_sorted).collect(),
            value_candidates: value_heaps.into_iter().map(into_sorted).collect(),
            contexts: FastMap::default(),
            projects: None,
            tables: None,
        }
    }

    fn context<'c>(
        contexts: &'c mut FastMap<u32, FactContext>,
        facts: &[Fact],
        fact_index: u32,
    ) -> &'c mut FactContext {
        contexts.entry(fact_index).or_insert_with(|| {
            let fact = &facts[fact_index as usize];
            let mut extra = Bag::default();
            if let Some(project) = &fact.project {
                extra.add_text(project, PROJECT_WEIGHT);
            }
            let company = fold_name(&fact.company);
            for heading in fact.heading_path.iter() {
                if role_of_label(heading).is_some()
                    || fold_name(heading) == company
                    || Some(heading.as_str()) == fact.project.as_deref()
                {
                    continue;
                }
                extra.add_text(heading, HEADING_WEIGHT);
            }
            if let Some(parent) = &fact.parent {
                let start = (fact_index as usize).saturating_sub(64);
                if let Some(parent_fact) = facts[start..fact_index as usize]
                    .iter()
                    .rev()
                    .find(|candidate| candidate.id == parent)
                {
                    extra.add_text(&parent_fact.text, PARENT_WEIGHT);
                }
            }
            if let Some(month) = single_month(fact) {
                for_each_feature(&format!("{month}월"), |feature| {
                    extra.add(feature, PERIOD_WEIGHT)
                });
            }
            if let Some((first, last)) = fact.period.as_deref().and_then(weeks_of_month) {
                extra.add_text("주", PERIOD_WEIGHT);
                for week in first..=last {
                    if let Some(ordinal) = WEEK_ORDINALS.get(week as usize - 1) {
                        extra.add_text(ordinal, PERIOD_WEIGHT);
                    }
                    extra.add_text(&format!("{week}주차"), PERIOD_WEIGHT);
                }
            }
            let years = fact_years(fact);
            if let Some((first, last)) = years {
                if last - first <= 3 {
                    for year in first..=last {
                        extra.add(year_feature(year), PERIOD_WEIGHT);
                    }
                }
            }
            let masked: Vec<(usize, usize)> =
                fact.quantities.iter().map(|q| (q.start, q.end)).collect();
            FactContext {
                years,
                tokenized: TokenizedText::new(&fact.text),
                numbers: NumberSpans::new(&masked),
                masked,
                extra,
                bags: vec![None; fact.quantities.len()],
            }
        })
    }

    /// How much of the claim's context (idf- and proximity-weighted) is found
    /// around the fact's quantity — a word counts fully when the fact has it at
    /// least as close to its number as the claim does — adjusted by how much
    /// of the fact's own near context the claim covers.
    fn similarity(&mut self, claim: usize, fact_index: u32, quantity_index: usize) -> f32 {
        let fact = &self.facts[fact_index as usize];
        let is_table = fact.kind == FactKind::TableRow;
        let quantity = &fact.quantities[quantity_index];
        let context = Self::context(&mut self.contexts, self.facts, fact_index);
        if context.bags[quantity_index].is_none() {
            let mut bag = context.extra.clone();
            let anchors = super::draft::anchors(&context.masked, quantity);
            if is_table {
                context.tokenized.row_context(
                    &anchors,
                    &context.numbers,
                    TABLE_TEXT_SCALE,
                    ROW_CELL_DISTANCE,
                    &mut bag,
                );
            } else {
                context
                    .tokenized
                    .context(&anchors, &context.numbers, 1.0, &mut bag);
            }
            if let Some(label) = &quantity.label {
                bag.add_text(&clean_label(label), 1.0);
            }
            context.bags[quantity_index] = Some(bag);
        }
        let years = context.years;
        let Some(bag) = context.bags[quantity_index].as_ref() else {
            return 0.0;
        };
        let vector = &self.claims[claim];
        if vector.denominator <= 0.0 {
            return 0.0;
        }
        let mut shared = 0.0;
        let mut covered = 0.0;
        for (feature, weight_idf, weight) in &vector.features {
            let fact_weight = bag.get(*feature);
            shared += weight_idf * (fact_weight / weight).min(1.0);
            if fact_weight >= NEAR_WEIGHT {
                covered += fact_weight * fact_weight;
            }
        }
        let total: f32 = bag
            .iter()
            .map(|(_, weight)| weight)
            .filter(|weight| *weight >= NEAR_WEIGHT)
            .map(|weight| weight * weight)
            .sum();
        let reverse = if total > 0.0 {
            (covered / total).min(1.0)
        } else {
            0.0
        };
        let mut score =
            (shared / vector.denominator) * (1.0 - REVERSE_SHARE + REVERSE_SHARE * reverse);
        if let (Some((first, last)), false) = (years, vector.years.is_empty()) {
            if !vector
                .years
                .iter()
                .any(|year| (first..=last).contains(year))
            {
                score *= OTHER_YEAR_FACTOR;
            }
        }
        score
    }
}

/// Both ends of a fact's period (`2025-12-01`, `2025-12-12`), when known.
fn period_ends(fact: &Fact) -> Option<(&str, &str)> {
    fact.period.as_deref().and_then(ends)
}

fn ends(period: &Period) -> Option<(&str, &str)> {
    Some((period.start.as_deref()?, period.end.as_deref()?))
}

/// The month of a fact whose period lies within one month (a weekly
/// retrospective, a table row of a month), so that `12월` finds it.
fn single_month(fact: &Fact) -> Option<u32> {
    fact_months(fact).and_then(|(first, last)| (first == last).then_some(first))
}

/// `첫째 주` … `다섯째 주`: the weeks of a month as drafts name them.
const WEEK_ORDINALS: [&str; 5] = ["첫째", "둘째", "셋째", "넷째", "다섯째"];

/// The weeks of its month (1-based, first and last) that a period covers
/// when it is shorter than three weeks: a weekly retrospective of
/// 2025-12-01 ~ 2025-12-12 is `12월 첫째~둘째 주`, which a month's table row
/// (`12월 | 71 | 13`) is not.
fn weeks_of_month(period: &Period) -> Option<(u32, u32)> {
    let (start, end) = ends(period)?;
    if start.get(..7)? != end.get(..7)? {
        return None;
    }
    let first_day: u32 = start.get(8..10)?.parse().ok()?;
    let last_day: u32 = end.get(8..10)?.parse().ok()?;
    if first_day == 0 || last_day < first_day || last_day - first_day >= 21 {
        return None;
    }
    Some(((first_day - 1) / 7 + 1, (last_day - 1) / 7 + 1))
}

impl Index<'_> {
    /// How much closer the claim's words sit to quantity `first` than to
    /// `second` of the same fact: `Σ w·idf·(w₁ − w₂) / Σ w·idf`, in −1..1.
    fn contrast(&mut self, claim: usize, fact_index: u32, first: usize, second: usize) -> f32 {
        // Make sure both bags exist.
        self.similarity(claim, fact_index, first);
        self.similarity(claim, fact_index, second);
        let vector = &self.claims[claim];
        let Some(context) = self.contexts.get(&fact_index) else {
            return 0.0;
        };
        let (Some(Some(first_bag)), Some(Some(second_bag))) =
            (context.bags.get(first), context.bags.get(second))
        else {
            return 0.0;
        };
        if vector.denominator <= 0.0 {
            return 0.0;
        }
        // Only the words near the claim's number take part: a word that
        // belongs to the next number (`69개, 그중 BE 45개`) decides nothing.
        let difference: f32 = vector
            .features
            .iter()
            .filter(|(_, _, weight)| *weight >= NEAR_WEIGHT)
            .map(|(feature, weight_idf, _)| {
                weight_idf * (first_bag.get(*feature) - second_bag.get(*feature))
            })
            .sum();
        difference / vector.denominator
    }

    /// For a claim that is one end of a stated change whose other end (the
    /// partner) matches one end of a change stated in a fact: that fact's
    /// other end, scored against the claim, and whether the fact states the
    /// pair as a change (`9개에서 3개로`) rather than side by side.
    fn aligned(&mut self, claim: usize, site: &Site, candidates: &[u32]) -> Option<(Scored, bool)> {
        let partner = site.partner.as_ref()?;
        let role = site.quantity.transition?.role;
        let family = Family::of(&site.quantity);
        let mut found: Option<(Scored, bool)> = None;
        for &fact_index in candidates {
            let fact = &self.facts[fact_index as usize];
            for (partner_index, stated_partner) in fact.quantities.iter().enumerate() {
                if Family::of(stated_partner) != Family::of(partner)
                    || compare(partner, Stated::of(stated_partner)) != Comparison::Admitted
                {
                    continue;
                }
                // The fact's other end: along its stated change, or else the
                // other value of the claim's kind in the same fact (`2시간 30분
                // 걸리던 것을 40분으로`), preferring one the claim admits.
                let other = match stated_partner.transition {
                    Some(transition) if transition.role != role => Some(transition.partner()),
                    Some(_) => None,
                    None => {
                        let others: Vec<usize> = fact
                            .quantities
                            .iter()
                            .enumerate()
                            .filter(|(index, quantity)| {
                                *index != partner_index
                                    && quantity.transition.is_none()
                                    && Family::of(quantity) == family
                            })
                            .map(|(index, _)| index)
                            .collect();
                        others
                            .iter()
                            .copied()
                            .find(|index| {
                                compare(&site.quantity, Stated::of(&fact.quantities[*index]))
                                    == Comparison::Admitted
                            })
                            .or_else(|| (others.len() == 1).then(|| others[0]))
                    }
                };
                let Some(other) = other else {
                    continue;
                };
                let Some(stated) = fact.quantities.get(other) else {
                    continue;
                };
                if Family::of(stated) != family {
                    continue;
                }
                let comparison = if counters_compatible(&site.quantity, stated) {
                    compare(&site.quantity, Stated::of(stated))
                } else {
                    Comparison::Different
                };
                // The pair is stated together: the fact is as much about the
                // claim as it is about the claim's partner.
                let score = self
                    .similarity(claim, fact_index, other)
                    .max(self.similarity(claim, fact_index, partner_index));
                if found.is_none_or(|(best, _)| score > best.score) {
                    let scored = Scored {
                        fact: fact_index,
                        quantity: other,
                        score,
                        comparison,
                    };
                    found = Some((scored, stated_partner.transition.is_some()));
                }
            }
        }
        found
    }
}

/// The total of a monthly table's column over the span of months the
/// claim's sentence names (`span`, for a count), when the claim's clause
/// names the column. `words` and `years` are the sentence's.
fn span_total_for(
    index: &mut Index<'_>,
    site: &Site,
    span: Option<(u32, u32)>,
    cues: Cues,
    words: &[String],
    years: &[i32],
) -> Option<span::SpanTotal> {
    let span = span?;
    // A share is a percentage; a count with `전체` or ` 중 ` may still be a
    // span's total (`2분기 전체 커밋 178개`).
    let share = cues.share && Family::of(&site.quantity) != Family::Count;
    if site.partner.is_some() || cues.change || share {
        return None;
    }
    let facts = index.facts;
    let tables = std::rc::Rc::clone(
        index
            .tables
            .get_or_insert_with(|| std::rc::Rc::new(find_tables(facts))),
    );
    // A table cell's own clause is its column (`커밋` of a row
    // `2025.04 ~ 2025.05 | … | 98`).
    let near: Vec<String> = if site.in_table {
        let label = site.quantity.label.as_deref().unwrap_or("");
        let column = label.rsplit(" · ").next().unwrap_or(label);
        let mut words = Vec::new();
        for_each_word(column, |word| words.push(word.to_lowercase()));
        words
    } else {
        site.lead.iter().chain(site.trail.iter()).cloned().collect()
    };
    let claim = span::SpanClaim {
        span,
        near: &near,
        words,
        years,
        average: cues.average,
    };
    span::span_total(facts, &tables, &claim, fact_years)
}

/// The word written right before a fact's number, past spaces and `(`:
/// `BE` of `BE 330`, stemmed and lower-cased, with the byte where it starts.
fn name_before(text: &str, start: usize) -> Option<(String, usize)> {
    let head = text.get(..start)?.trim_end_matches([' ', '(', '（']);
    let word_start = head
        .char_indices()
        .rev()
        .take_while(|(_, character)| character.is_alphabetic())
        .last()
        .map(|(index, _)| index)?;
    let stemmed = super::features::stem(&head[word_start..]).to_lowercase();
    (!stemmed.is_empty()).then_some((stemmed, word_start))
}

/// The name a value goes by in its fact, as written (`BE`).
fn written_name(text: &str, name_start: usize, name: &str) -> String {
    text.get(name_start..)
        .and_then(|rest| rest.get(..name.len()))
        .filter(|written| written.to_lowercase() == name)
        .unwrap_or(name)
        .to_string()
}

/// What may stand between two named values set side by side.
const SIBLING_SEPARATORS: &[&str] = &["+", ",", "/", "vs", "VS", "·", "|", "와", "과"];

/// Values one fact sets side by side under their own names (`BE 330 + FE
/// 178`, `만료 시간은 2초, 재시도 1초`): a claim whose clause names another
/// value's name and not that of the value it states (`FE 커밋 330개`) is
/// about the other one. Returns the reason, naming both.
fn named_sibling(fact: &Fact, quantity_index: usize, site: &Site) -> Option<String> {
    let stated = fact.quantities.get(quantity_index)?;
    let (own, own_start) = name_before(&fact.text, stated.start)?;
    if site.lead.contains(&own) {
        return None;
    }
    let family = Family::of(stated);
    let beside = |first_end: usize, name_start: usize| {
        name_start >= first_end
            && fact
                .text
                .get(first_end..name_start)
                .is_some_and(|between| SIBLING_SEPARATORS.contains(&between.trim()))
    };
    fact.quantities
        .iter()
        .enumerate()
        .filter(|(index, quantity)| *index != quantity_index && Family::of(quantity) == family)
        .find_map(|(_, quantity)| {
            let (name, name_start) = name_before(&fact.text, quantity.start)?;
            let named = name != own
                && site.lead.contains(&name)
                && (beside(stated.end, name_start) || beside(quantity.end, own_start));
            named.then(|| {
                format!(
                    "the source states {} for {}; {} is {}'s",
                    with_qualifier(quantity),
                    written_name(&fact.text, name_start, &name),
                    stated.surface,
                    written_name(&fact.text, own_start, &own)
                )
            })
        })
}

/// Whether the claim's words name the title a fact's item opens with
/// (`Asset 서비스 인프라 구성 (6월)` of `Asset 서비스 인프라 구성 (6월): …`):
/// two or more of the title's words without digits, and two thirds of them.
fn names_item_title(fact: &Fact, claim_words: &[String]) -> bool {
    if fact.kind == FactKind::TableRow {
        return false;
    }
    let Some(title) = crate::facts::inline_title(&fact.text) else {
        return false;
    };
    let mut words = 0usize;
    let mut named = 0usize;
    for_each_word(title, |word| {
        if word.chars().any(|character| character.is_ascii_digit()) {
            return;
        }
        words += 1;
        if claim_words.contains(&word.to_lowercase()) {
            named += 1;
        }
    });
    named >= 2 && named * 3 >= words * 2
}

/// A row of a table keyed by single months (`2월 | 35 (31+4) | 29`).
fn is_month_row(fact: &Fact) -> bool {
    fact.kind == FactKind::TableRow
        && month_span(row_key(fact)).is_some_and(|(first, last)| first == last)
}

/// Words that pick one period out of many (`2024년 연간 최다 이슈(80개+)` is a
/// month's count, not the year's).
const SUPERLATIVE_WORDS: &[&str] = &["최다", "최고", "가장", "최저", "최소치", "최대치"];

/// A fact about one month: a row of a table of months, or a statement that
/// names one month and no other (`진료 테이블 v2 마이그레이션 (4월): 연간 최다
/// 이슈(80개+) 처리`).
fn is_about_one_month(fact: &Fact) -> bool {
    is_month_row(fact) || (fact.kind != FactKind::TableRow && own_months_in(&fact.text).len() == 1)
}

/// The one quantity of `family` that `fact` names as the value a change
/// reached: the end of a stated change (`9개에서 3개로`, `463→508`) or a
/// number followed by `로` (`33ms내로`). `None` unless the fact speaks of a
/// change and names exactly one.
fn reached_value(fact: &Fact, family: Family) -> Option<usize> {
    if fact.kind == FactKind::TableRow || !Cues::of(&fact.text).change {
        return None;
    }
    let mut reached = fact
        .quantities
        .iter()
        .enumerate()
        .filter(|(_, quantity)| Family::of(quantity) == family)
        .filter(|(_, quantity)| match quantity.transition {
            Some(transition) => transition.role == TransitionRole::To,
            None => {
                crate::quantity::names_value_reached(fact.text.get(quantity.end..).unwrap_or(""))
            }
        })
        .map(|(index, _)| index);
    let first = reached.next()?;
    reached.next().is_none().then_some(first)
}

/// First and last month of a fact's period when it lies within one year and
/// is shorter than it (a month's table row, a project marked `(9월)`).
fn fact_months(fact: &Fact) -> Option<(u32, u32)> {
    let (start, end) = period_ends(fact)?;
    if start.get(..4)? != end.get(..4)? {
        return None;
    }
    let first: u32 = start.get(5..7)?.parse().ok()?;
    let last: u32 = end.get(5..7)?.parse().ok()?;
    (first <= last && (first, last) != (1, 12)).then_some((first, last))
}

/// First and last year of a fact's period, when both ends are known.
fn fact_years(fact: &Fact) -> Option<(i32, i32)> {
    let (start, end) = period_ends(fact)?;
    let first: i32 = start.get(..4)?.parse().ok()?;
    let last: i32 = end.get(..4)?.parse().ok()?;
    Some((first, last))
}

/// A fact quantity scored against a claim.
#[derive(Debug, Clone, Copy)]
struct Scored {
    fact: u32,
    quantity: usize,
    score: f32,
    comparison: Comparison,
}

fn best(scored: &[Scored], admitted: bool) -> Option<Scored> {
    scored
        .iter()
        .filter(|item| (item.comparison == Comparison::Admitted) == admitted)
        .copied()
        .max_by(|left, right| {
            left.score
                .total_cmp(&right.score)
                .then(right.fact.cmp(&left.fact))
        })
}

/// Counters of one kind of thing. `개`, `건`, `가지`, `대`, `곳`, other
/// counters and a bare number count anything (`서버 50개` is `서버 50대`);
/// these only their own kind (`3회` is not `3개`, `2명` is not `2개`).
const COUNTER_CLASSES: &[&[&str]] = &[&["명", "인"], &["회", "번", "차례", "차"], &["줄", "라인"]];

fn counter_class(unit: &str) -> Option<usize> {
    COUNTER_CLASSES
        .iter()
        .position(|class| class.contains(&unit))
}

/// Whether two counts may be the same quantity as far as their counters go.
fn counters_compatible(
    left: &crate::quantity::Quantity,
    right: &crate::quantity::Quantity,
) -> bool {
    if Family::of(left) != Family::Count {
        return true;
    }
    match (
        counter_class(left.base_unit()),
        counter_class(right.base_unit()),
    ) {
        (Some(left_class), Some(right_class)) => left_class == right_class,
        // A specific counter matches a bare number (a table cell), not `개` or `건`.
        (Some(_), None) | (None, Some(_)) => {
            left.base_unit().is_empty() || right.base_unit().is_empty()
        }
        (None, None) => true,
    }
}

/// Months covered by a fact's period (`2025-01-01` … `2025-12-31` → 12).
fn period_months(fact: &Fact) -> Option<f64> {
    let period = fact.period.as_ref()?;
    let parse = |date: &str| -> Option<(i32, i32)> {
        let year: i32 = date.get(..4)?.parse().ok()?;
        let month: i32 = date.get(5..7)?.parse().ok()?;
        Some((year, month))
    };
    let (start_year, start_month) = parse(period.start.as_deref()?)?;
    let (end_year, end_month) = parse(period.end.as_deref()?)?;
    let months = (end_year - start_year) * 12 + (end_month - start_month) + 1;
    (months > 0).then_some(f64::from(months))
}

fn describe(fact: &Fact) -> String {
    format!("{}:{}", fact.source.path, fact.source.line_start)
}

/// Verifies each site against `facts`.
pub(crate) fn verify_sites(sites: &[Site], facts: &[Fact]) -> Vec<Claim> {
    if sites.is_empty() {
        return Vec::new();
    }
    let mut index = Index::build(sites, facts);
    let mut claims = Vec::with_capacity(sites.len());
    for (claim_index, site) in sites.iter().enumerate() {
        claims.push(decide(&mut index, claim_index, site, None));
    }
    claims
}

/// The candidates behind each decision, for tuning and bug reports.
pub(crate) fn explain_sites(sites: &[Site], facts: &[Fact]) -> String {
    let mut out = String::new();
    if sites.is_empty() {
        return out;
    }
    let mut index = Index::build(sites, facts);
    for (claim_index, site) in sites.iter().enumerate() {
        let mut notes = String::new();
        let claim = decide(&mut index, claim_index, site, Some(&mut notes));
        out.push_str(&format!(
            "{}:{} `{}` → {} {}{}\n{notes}",
            claim.line,
            claim.column,
            claim.text,
            claim.status.as_str(),
            claim.derivation.unwrap_or_default(),
            claim.reason.unwrap_or_default()
        ));
    }
    out
}

fn decide(
    index: &mut Index<'_>,
    claim_index: usize,
    site: &Site,
    mut notes: Option<&mut String>,
) -> Claim {
    let claim_quantity = &site.quantity;
    let family = Family::of(claim_quantity);
    let related = family.related();

    // Candidate facts: best by coarse score with a related quantity, plus those stating a value in the window.
    let mut candidates: Vec<u32> = Vec::new();
    for ranked in index.family_candidates[claim_index]
        .iter()
        .chain(index.value_candidates[claim_index].iter())
    {
        if !candidates.contains(&ranked.fact) {
            candidates.push(ranked.fact);
        }
    }

    let mut scored: Vec<Scored> = Vec::new();
    for &fact_index in &candidates {
        let fact = &index.facts[fact_index as usize];
        for (quantity_index, quantity) in fact.quantities.iter().enumerate() {
            let quantity_family = Family::of(quantity);
            if quantity_family.bit() & related == 0 {
                continue;
            }
            let comparison =
                if quantity_family == family && counters_compatible(claim_quantity, quantity) {
                    compare(claim_quantity, Stated::of(quantity))
                } else {
                    Comparison::Different
                };
            let score = index.similarity(claim_index, fact_index, quantity_index);
            scored.push(Scored {
                fact: fact_index,
                quantity: quantity_index,
                score,
                comparison,
            });
        }
    }

    // A value stated for another year than the one the claim's sentence
    // places it in (`2024년 월간 최다 커밋 69개` where 69 is 2025's) does not
    // support it; it is named in the reason instead.
    // Likewise for the month, when the fact's period is part of one year
    // (`API 성능 최적화 (9월): 월간 최다 커밋(69개)` is no `10월` claim).
    let claim_years = own_years_in(&site.sentence);
    let claim_months = own_months_in(&site.sentence);
    let sentence_cues = Cues::of(&site.sentence);
    let mut claim_words: Vec<String> = Vec::new();
    for_each_word(&site.sentence, |word| claim_words.push(word.to_lowercase()));
    let facts = index.facts;
    let projects = std::rc::Rc::clone(
        index
            .projects
            .get_or_insert_with(|| std::rc::Rc::new(ProjectNames::of(facts))),
    );
    let named_titles = projects.named_titles(&claim_words);
    let other_project = |fact_index: u32| {
        !named_titles.is_empty()
            && projects.names_another(facts, fact_index as usize, &claim_words, &named_titles)
    };
    // A count of a span of months (`1분기 스키마 업데이트 7건`) is not one
    // the fact states for a longer or another stretch of the year (its
    // period, `1~10월`), unless the months its text or row key names lie in
    // the span.
    let claim_span = span::named_span(&site.sentence)
        .or_else(|| {
            // A table row's period cell (`2025.04 ~ 2025.05`), its key.
            let label = site.quantity.label.as_deref().filter(|_| site.in_table)?;
            span::dated_span(label.split(" · ").next().unwrap_or(label))
        })
        .filter(|_| family == Family::Count);
    let other_span = |fact: &Fact| {
        let Some((from, to)) = claim_span else {
            return false;
        };
        let Some((first, last)) = fact_months(fact) else {
            return false;
        };
        if from <= first && last <= to {
            return false;
        }
        let key_span = (fact.kind == FactKind::TableRow)
            .then(|| span::named_span(row_key(fact)).or_else(|| month_span(row_key(fact))))
            .flatten();
        if key_span.is_some_and(|(first, last)| from <= first && last <= to) {
            return false;
        }
        let named = own_months_in(&fact.text);
        named.is_empty() || named.iter().any(|month| !(from..=to).contains(month))
    };
    let other_year = |fact_index: u32| {
        let fact = &facts[fact_index as usize];
        let years = !claim_years.is_empty()
            && fact_years(fact).is_some_and(|(first, last)| {
                !claim_years.iter().any(|year| (first..=last).contains(year))
            });
        let months = !claim_months.is_empty()
            && fact_months(fact).is_some_and(|(first, last)| {
                !claim_months
                    .iter()
                    .any(|month| (first..=last).contains(month))
            });
        years || months || other_span(fact)
    };
    let elsewhere = |fact_index: u32| other_year(fact_index) || other_project(fact_index);
    let elsewhen = best(
        &scored
            .iter()
            .filter(|item| elsewhere(item.fact))
            .copied()
            .collect::<Vec<_>>(),
        true,
    );
    scored.retain(|item| item.comparison != Comparison::Admitted || !elsewhere(item.fact));
    // A count the sentence gives a year but no month, span or monthly cue
    // (`2025년 BE 커밋 330개`) is the year's: a row of a table of months
    // (`1월 | 59 (41+18)`) neither supports it nor is what it is about.
    let whole_year = !claim_years.is_empty()
        && claim_months.is_empty()
        && claim_span.is_none()
        && family == Family::Count
        && !sentence_cues.monthly
        && !SUPERLATIVE_WORDS
            .iter()
            .any(|word| site.sentence.contains(word));
    if whole_year {
        scored.retain(|item| !is_about_one_month(&facts[item.fact as usize]));
    }

    if let Some(notes) = notes.as_mut() {
        let mut ranked = scored.clone();
        ranked.sort_by(|left, right| right.score.total_cmp(&left.score));
        for item in ranked.iter().take(10) {
            let fact = &index.facts[item.fact as usize];
            notes.push_str(&format!(
                "    {:.3} {:?} {} ({}:{}) {}\n",
                item.score,
                item.comparison,
                fact.quantities[item.quantity].surface,
                fact.source.path.rsplit('/').next().unwrap_or(""),
                fact.source.line_start,
                fact.text.chars().take(60).collect::<String>()
            ));
        }
    }
    // A fact value that matches the claim's own partner (`40분` of
    // `2시간 30분에서 40분으로`) is that partner's referent, not a rival.
    let partner_referent = |item: &Scored| {
        site.partner.as_ref().is_some_and(|partner| {
            let stated = &index.facts[item.fact as usize].quantities[item.quantity];
            Family::of(partner) == Family::of(stated)
                && (compare(partner, Stated::of(stated)) == Comparison::Admitted
                    || (partner.value - stated.value).abs() < 1e-9)
        })
    };
    let rivals: Vec<Scored> = scored
        .iter()
        .filter(|item| item.comparison == Comparison::Admitted || !partner_referent(item))
        .copied()
        .collect();
    let best_equal = best(&rivals, true);
    let best_other = best(&rivals, false);
    let equal_score = best_equal.map(|item| item.score).unwrap_or(0.0);
    let other_score = best_other.map(|item| item.score).unwrap_or(0.0);
    let margin = MARGIN.min(RELATIVE_MARGIN * other_score);

    let mut claim = Claim {
        line: site.line,
        column: site.column,
        text: claim_quantity.surface.to_string(),
        value: claim_quantity.value,
        unit: claim_quantity.unit().to_string(),
        status: Status::Unsupported,
        sources: Vec::new(),
        derivation: None,
        reason: None,
    };

    // A stated change is matched end to end: for `10개에서 3개로` against
    // `9개에서 3개로`, the fact's other end (9개) is what the claim's 10개 is about.
    let mut supporter: Option<Scored> = None;
    let mut referent: Option<Scored> = None;
    let claim_role = site.quantity.transition.map(|transition| transition.role);
    if let Some((aligned, as_change)) = index.aligned(claim_index, site, &candidates) {
        let stated_elsewhen = aligned.comparison == Comparison::Admitted && elsewhere(aligned.fact);
        // Both values of the claim's change and its direction, stated as a
        // change in one fact (`9개에서 3개로` against `9개에서 3개로 감소`),
        // seldom coincide: that fact is the referent however near the words
        // of some other value sit.
        let end_to_end = as_change && aligned.comparison == Comparison::Admitted;
        // Two values of a fact that states no change are paired either way;
        // the value the fact names as reached (`33ms내로`) says which way, so
        // `33ms에서 600ms로` is left to the rule of the value reached below.
        let against_reached = !as_change
            && reached_value(&index.facts[aligned.fact as usize], family).is_some_and(|reached| {
                (reached == aligned.quantity) != (claim_role == Some(TransitionRole::To))
            });
        if aligned.score >= SUPPORT_FLOOR
            && (end_to_end || aligned.score + margin >= equal_score.max(other_score))
            && !stated_elsewhen
            && !against_reached
        {
            if aligned.comparison == Comparison::Admitted {
                supporter = Some(aligned);
            } else {
                referent = Some(aligned);
            }
        }
    }

    // Values of one table row share every word of the row; the column and the
    // part named just before the claim's number (`이슈 29`, `BE 31`) say which
    // one it is about.
    let mut only_source = false;
    if supporter.is_none() && referent.is_none() {
        match table_row_choice(index.facts, site, &scored, best_equal, best_other) {
            Some(RowChoice::Same(equal)) => {
                supporter = Some(equal);
                only_source = true;
            }
            Some(RowChoice::Other(other)) => referent = Some(other),
            None => {}
        }
    }

    // Two rows of key/value tables (`월 평균 커밋 | 41개`, `월 평균 이슈 | 44개`):
    // the row key the claim's own clause names says which one it is about.
    // Set when the claim's own words name its referent: it is then not derived.
    let mut named_referent = false;
    if supporter.is_none() && referent.is_none() {
        referent = row_key_choice(index.facts, site, best_equal, best_other);
        named_referent = referent.is_some();
    }

    // A claim that names its number as the value a change reached (`33ms
    // 이내로 개선`, `9개로 감소`) is about the value its fact names so, when the
    // fact speaks of a change and names one such value of the claim's kind:
    // the end of a stated change or a number followed by `로`. Against
    // `기존 메인페이지가 최대 600ms까지 넘었던 부분을 33ms내로 … 개선`, 33ms is
    // supported even where the words of 600ms sit nearer the claim's, and
    // `600ms 이내로 개선` is a mismatch. (Without a change, `로` only closes a
    // list: `만료 시간은 2초, 재시도 1초로 처리`.) The ends of a claimed change
    // whose other end matches nothing (`1초에서 33ms로`) are judged alike: the
    // end (`33ms`) names the value reached; a start that is the value the
    // source reached (`33ms에서 600ms로`) is a mismatch.
    let names_reached = site.reached || claim_role == Some(TransitionRole::To);
    let names_start = claim_role == Some(TransitionRole::From) || site.started;
    let mut reached_reason: Option<String> = None;
    if supporter.is_none()
        && referent.is_none()
        && (names_reached || names_start)
        && sentence_cues.change
    {
        let top_fact = if other_score > equal_score {
            best_other.map(|other| other.fact)
        } else {
            best_equal.map(|equal| equal.fact)
        };
        if let Some(equal) =
            best_equal.filter(|equal| equal.score >= SUPPORT_FLOOR && Some(equal.fact) == top_fact)
        {
            let fact = &index.facts[equal.fact as usize];
            // A change claimed against a change stated is matched end to end
            // above, or found reversed below.
            let both_changes =
                claim_role.is_some() && fact.quantities[equal.quantity].transition.is_some();
            match reached_value(fact, family).filter(|_| !both_changes) {
                Some(reached) if reached == equal.quantity && names_reached => {
                    supporter = Some(equal);
                }
                Some(reached) if reached == equal.quantity => {
                    referent = Some(Scored {
                        comparison: Comparison::Different,
                        ..equal
                    });
                    named_referent = true;
                    reached_reason = Some(format!(
                        "the source's change reached {}; it did not start there",
                        with_qualifier(&fact.quantities[reached])
                    ));
                }
                Some(reached) if names_reached => {
                    referent = Some(Scored {
                        quantity: reached,
                        comparison: Comparison::Different,
                        ..equal
                    });
                    named_referent = true;
                    reached_reason = Some(format!(
                        "the source's change reached {}, not {}",
                        with_qualifier(&fact.quantities[reached]),
                        claim_quantity.surface
                    ));
                }
                _ => {}
            }
        }
    }

    // An item whose opening title the claim names (`Asset 서비스 인프라 구성
    // (5개 커밋)` for `**Asset 서비스 인프라 구성** (6월): … (5개 커밋)`) is
    // what the claim is about, however far the title sits from its number,
    // when it holds no other value of the claim's kind (the title names all
    // of them alike) and the item of the value that scores higher is not so
    // named.
    if supporter.is_none() && referent.is_none() {
        if let (Some(equal), Some(other)) = (best_equal, best_other) {
            let facts = index.facts;
            let equal_fact = &facts[equal.fact as usize];
            let alone = equal_fact
                .quantities
                .iter()
                .filter(|quantity| Family::of(quantity) == family)
                .count()
                == 1;
            if equal.score >= SUPPORT_FLOOR
                && equal.fact != other.fact
                && alone
                && names_item_title(equal_fact, &claim_words)
                && !names_item_title(&facts[other.fact as usize], &claim_words)
            {
                supporter = Some(equal);
            }
        }
    }
    // Supported: an admitted value about the same thing, as similar as any other value.
    if supporter.is_none() && referent.is_none() {
        if let Some(equal) = best_equal {
            if site.bare || (equal_score >= SUPPORT_FLOOR && equal_score + margin >= other_score) {
                // Two values of one fact (`상품 캐시 TTL 5분, 카테고리 캐시 TTL 10분`): the
                // words they share say nothing; those nearer one of them decide.
                // (A claim that is one end of a change pools its words with the
                // other end, so it cannot take part in such a contest.)
                // A claim named as where a change started (`0.6초까지 걸리던`)
                // is not about the value the fact's change reached.
                let started_elsewhere = |other: &Scored| {
                    site.started
                        && sentence_cues.change
                        && reached_value(&index.facts[other.fact as usize], family)
                            == Some(other.quantity)
                };
                // A table cell takes part by its row key (`| 카테고리 | 5분 |`).
                let keyed_cell = site.in_table && label_column(&site.quantity).is_some();
                let contested = best_other.filter(|other| {
                    site.partner.is_none()
                        && (!site.in_table || keyed_cell)
                        && !started_elsewhere(other)
                        && other.fact == equal.fact
                        && other.score + CONTEST_WINDOW >= equal.score
                        && index.contrast(claim_index, other.fact, equal.quantity, other.quantity)
                            < -CONTRAST
                });
                match contested {
                    Some(other) => referent = Some(other),
                    None => supporter = Some(equal),
                }
            }
        }
    }

    // A claim about a span of months (`2025년 상반기 커밋 217개`): the column
    // its clause names, added up over the span, decides, unless a fact
    // outside the table states the value. A month's own row does not
    // support it (`상반기 커밋 59개`, January's).
    // The year may come from a heading (`## 마이그레이션 (2024.04)`).
    let span_years = if claim_years.is_empty() {
        &site.years
    } else {
        &claim_years
    };
    let total = span_total_for(
        index,
        site,
        claim_span,
        sentence_cues,
        &claim_words,
        span_years,
    );
    if let Some(total) = total {
        let from_row = supporter.is_some_and(|item| total.rows.contains(&(item.fact as usize)));
        if supporter.is_none() || from_row {
            let sources = total
                .rows
                .iter()
                .take(3)
                .map(|row| SourceRef::of(&index.facts[*row]));
            claim.sources = sources.collect();
            if compare(claim_quantity, Stated::computed(total.value)) == Comparison::Admitted {
                claim.status = Status::Derived;
                claim.derivation = Some(total.expression);
            } else {
                claim.status = Status::Mismatch;
                claim.sources.truncate(1);
                claim.reason = Some(format!(
                    "the `{}` column over {} gives {}",
                    total.column, total.months, total.expression
                ));
            }
            return claim;
        }
    }

    if let Some(supporter) = supporter {
        let threshold = if site.bare {
            0.0
        } else {
            (supporter.score - 0.05).max(SUPPORT_FLOOR)
        };
        claim
            .sources
            .push(SourceRef::of(&index.facts[supporter.fact as usize]));
        let mut supporting: Vec<&Scored> = scored
            .iter()
            .filter(|item| item.comparison == Comparison::Admitted && item.score >= threshold)
            .collect();
        supporting.sort_by(|left, right| right.score.total_cmp(&left.score));
        if only_source {
            supporting.clear();
        }
        for item in supporting {
            let source = SourceRef::of(&index.facts[item.fact as usize]);
            if !claim.sources.contains(&source) && claim.sources.len() < 3 {
                claim.sources.push(source);
            }
        }
        if let Some(stated) = reversed_change(index.facts, supporter, site) {
            claim.status = Status::Mismatch;
            claim.sources.truncate(1);
            claim.reason = Some(format!(
                "the source states the change the other way: {stated}"
            ));
            return claim;
        }
        if let Some(reason) = named_sibling(
            &index.facts[supporter.fact as usize],
            supporter.quantity,
            site,
        ) {
            claim.status = Status::Mismatch;
            claim.sources.truncate(1);
            claim.reason = Some(reason);
            return claim;
        }
        claim.status = Status::Supported;
        return claim;
    }

    // Derived: from the quantities of the facts most similar to the claim.
    let mut operand_facts: Vec<(f32, u32)> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    let pool: Vec<u32> = index.operand_candidates[claim_index]
        .iter()
        .chain(index.family_candidates[claim_index].iter())
        .map(|ranked| ranked.fact)
        .collect();
    for fact_index in pool {
        if seen.contains(&fact_index) {
            continue;
        }
        seen.push(fact_index);
        let quantity_count = index.facts[fact_index as usize].quantities.len();
        let score = (0..quantity_count)
            .map(|quantity_index| index.similarity(claim_index, fact_index, quantity_index))
            .fold(0.0f32, f32::max);
        if score >= OPERAND_FLOOR {
            operand_facts.push((score, fact_index));
        }
    }
    // A table row's change cell (`73% 단축` beside `2시간 30분 | 40분`): a fact
    // that states both ends of the row's pair is about it, whatever its words.
    for fact_index in row_pair_facts(index, site) {
        match operand_facts
            .iter_mut()
            .find(|(_, known)| *known == fact_index)
        {
            Some(known) => known.0 = known.0.max(OPERAND_FLOOR),
            None => operand_facts.push((OPERAND_FLOOR, fact_index)),
        }
    }
    // A number beside another the sentence quotes (`전년 463개 대비 약 10%`):
    // a fact stating that one as an end of a change is about the same change.
    for fact_index in quoted_change_facts(index, site) {
        if !operand_facts.iter().any(|(_, known)| *known == fact_index) {
            operand_facts.push((OPERAND_FLOOR, fact_index));
        }
    }
    operand_facts.sort_by(|left, right| right.0.total_cmp(&left.0).then(left.1.cmp(&right.1)));
    keep_distinct_rows(index.facts, &mut operand_facts);
    operand_facts.truncate(OPERAND_FACTS);
    if let Some(notes) = notes.as_mut() {
        for (score, fact_index) in &operand_facts {
            let fact = &index.facts[*fact_index as usize];
            notes.push_str(&format!(
                "    operand {:.3} {}:{} {}\n",
                score,
                fact.source.path.rsplit('/').next().unwrap_or(""),
                fact.source.line_start,
                fact.text.chars().take(60).collect::<String>()
            ));
        }
    }
    // Facts loosely about the claim may still hold a whole split it sums.
    let mut weak_facts: Vec<u32> = Vec::new();
    for ranked in index.family_candidates[claim_index].clone() {
        if operand_facts.iter().any(|(_, fact)| *fact == ranked.fact)
            || weak_facts.len() >= OPERAND_FACTS
        {
            continue;
        }
        let quantity_count = index.facts[ranked.fact as usize].quantities.len();
        let score = (0..quantity_count)
            .map(|quantity_index| index.similarity(claim_index, ranked.fact, quantity_index))
            .fold(0.0f32, f32::max);
        if score >= WEAK_OPERAND_FLOOR {
            weak_facts.push(ranked.fact);
        }
    }
    let mut operands: Vec<Operand<'_>> = Vec::new();
    let strong = operand_facts.iter().map(|(_, fact)| (*fact, false));
    let weak = weak_facts.iter().map(|fact| (*fact, true));
    let facts = index.facts;
    for (rank, (fact_index, weak)) in strong.chain(weak).enumerate() {
        if elsewhere(fact_index) {
            continue;
        }
        let fact = &facts[fact_index as usize];
        let months = period_months(fact);
        // A table row's free-text cell (`환자 등록 UX 개선`) does not make
        // its numbers the ends of a change; a `→` in a cell still does.
        let fact_changes =
            fact.kind != crate::facts::FactKind::TableRow && Cues::of(&fact.text).change;
        let fact_contrasts = [" vs ", " VS ", " vs. ", " 대 "]
            .iter()
            .any(|word| fact.text.contains(word));
        let fact_monthly = super::derive::per_month(&fact.text);
        let other_changes = other_subject_changes(index, claim_index, fact_index);
        let scores: Vec<f32> = (0..fact.quantities.len())
            .map(|quantity_index| index.similarity(claim_index, fact_index, quantity_index))
            .collect();
        let best_score = scores.iter().copied().fold(0.0f32, f32::max);
        for (quantity_index, quantity) in fact.quantities.iter().enumerate() {
            if other_changes.contains(&quantity_index)
                || names_another_column(fact, quantity_index, site)
            {
                continue;
            }
            operands.push(Operand {
                fact_changes,
                fact: fact_index as usize,
                rank,
                index: quantity_index,
                quantity,
                period_months: months,
                weak,
                focus: scores[quantity_index] + FOCUS_MARGIN >= best_score,
                fact_contrasts,
                fact_monthly,
            });
        }
    }
    // A value stated as one end of a change (`2시간에서 40분으로`) is stated,
    // not computed: it is not derived. Nor is one whose clause names the row
    // of a table that states another value (`월 평균 커밋 13개` against
    // `월 평균 커밋 | 42개`): 152 이슈 / 12개월 says nothing about it. Nor a
    // value named as reached (`600ms 이내로 개선`) where the fact reached another.
    let derivation = if site.partner.is_some() || named_referent {
        None
    } else {
        let mut cues = sentence_cues;
        cues.level = site.level;
        derive(claim_quantity, cues, &operands)
    };
    if let Some(derivation) = derivation {
        claim.status = Status::Derived;
        claim.derivation = Some(derivation.expression);
        claim.sources = derivation
            .facts
            .iter()
            .map(|fact_index| SourceRef::of(&index.facts[*fact_index]))
            .collect();
        return claim;
    }

    // Mismatch: the facts about the same thing say something else.
    if let Some(referent) = referent.or(best_other.filter(|item| item.score >= MISMATCH_FLOOR)) {
        let fact = &index.facts[referent.fact as usize];
        let stated = &fact.quantities[referent.quantity];
        let reached = reached_reason.is_some();
        let mut reason = if let Some(reason) = reached_reason {
            reason
        } else if referent.comparison == Comparison::Conflict {
            format!(
                "the source bounds it the other way: {}",
                with_qualifier(stated)
            )
        } else if same_digits_other_unit(claim_quantity, stated) {
            format!("unit differs: the source states {}", stated.surface)
        } else {
            format!("the source states {} for this", with_qualifier(stated))
        };
        if let Some(elsewhere) = best_equal.filter(|_| !reached) {
            let other_fact = &index.facts[elsewhere.fact as usize];
            reason.push_str(&format!(
                "; {} is stated about something else ({})",
                claim_quantity.surface,
                describe(other_fact)
            ));
        }
        if let Some(note) = elsewhen
            .filter(|item| best_equal.is_none_or(|equal| item.score > equal.score))
            .and_then(|item| stated_elsewhere(facts, item, claim_quantity, other_year(item.fact)))
        {
            reason.push_str("; ");
            reason.push_str(&note);
        }
        claim.status = Status::Mismatch;
        claim.sources.push(SourceRef::of(fact));
        claim.reason = Some(reason);
        return claim;
    }

    let mut reason = match best_equal {
        Some(elsewhere) => format!(
            "no fact about this states or derives it; {} is stated only about something else ({})",
            claim_quantity.surface,
            describe(&index.facts[elsewhere.fact as usize])
        ),
        None => "no fact states or derives it".to_string(),
    };
    if let Some(note) = elsewhen
        .filter(|item| best_equal.is_none_or(|equal| item.score > equal.score))
        .and_then(|item| stated_elsewhere(facts, item, claim_quantity, other_year(item.fact)))
    {
        reason.push_str("; ");
        reason.push_str(&note);
    }
    claim.reason = Some(reason);
    claim
}

/// The change the source states, when the claim states the same two values
/// the other way round (`33ms에서 600ms로 개선` where the source says
/// `600ms에서 33ms로`): both ends are stated values, yet the claim is wrong.
fn reversed_change(facts: &[Fact], supporter: Scored, site: &Site) -> Option<String> {
    let claim_role = site.quantity.transition?.role;
    let partner = site.partner.as_ref()?;
    let fact = &facts[supporter.fact as usize];
    let stated = fact.quantities.get(supporter.quantity)?;
    let transition = stated.transition?;
    if transition.role == claim_role {
        return None;
    }
    let stated_partner = fact.quantities.get(transition.partner())?;
    if Family::of(partner) != Family::of(stated_partner)
        || compare(partner, Stated::of(stated_partner)) != Comparison::Admitted
    {
        return None;
    }
    let (from, to) = match transition.role {
        TransitionRole::From => (stated, stated_partner),
        TransitionRole::To => (stated_partner, stated),
    };
    Some(format!(
        "{} → {} ({})",
        from.surface,
        to.surface,
        describe(fact)
    ))
}

/// `69개 is stated for 2025.09 (path:line), not the time the sentence names`.
fn stated_elsewhere(
    facts: &[Fact],
    item: Scored,
    claim: &crate::quantity::Quantity,
    moved_in_time: bool,
) -> Option<String> {
    let fact = &facts[item.fact as usize];
    let Some((first, last)) = fact_years(fact).filter(|_| moved_in_time) else {
        return fact.project.as_deref().map(|project| {
            format!(
                "{} is stated for the project `{project}` ({}), not the one the claim names",
                claim.surface,
                describe(fact)
            )
        });
    };
    let when = match (fact_months(fact), first == last) {
        (Some((from, to)), true) if from == to => format!("{first}.{from:02}"),
        (Some((from, to)), true) => format!("{first}.{from:02}~{first}.{to:02}"),
        (_, true) => first.to_string(),
        (_, false) => format!("{first}~{last}"),
    };
    Some(format!(
        "{} is stated for {when} ({}), not the time the sentence names",
        claim.surface,
        describe(fact)
    ))
}

/// Whether a stated quantity admits a draft's number: same family,
/// compatible counters, and the value within the number's precision.
fn admits(stated: &crate::quantity::Quantity, claim: &crate::quantity::Quantity) -> bool {
    Family::of(stated) == Family::of(claim)
        && counters_compatible(claim, stated)
        && compare(claim, Stated::of(stated)) == Comparison::Admitted
}

/// The facts that state one of the site's quoted numbers (`Site::quoted`)
/// as an end of a change.
fn quoted_change_facts(index: &Index<'_>, site: &Site) -> Vec<u32> {
    let mut found: Vec<u32> = Vec::new();
    for (quoted_site, quoted) in &site.quoted {
        let Some(candidates) = index.value_candidates.get(*quoted_site) else {
            continue;
        };
        for ranked in candidates {
            let fact = &index.facts[ranked.fact as usize];
            let states_as_end = fact
                .quantities
                .iter()
                .any(|quantity| quantity.transition.is_some() && admits(quantity, quoted));
            if states_as_end && !found.contains(&ranked.fact) {
                found.push(ranked.fact);
            }
        }
    }
    found
}

/// The facts that state both ends of the before/after pair of the site's
/// table row (see `Site::row_pair`), among the facts that state either.
fn row_pair_facts(index: &Index<'_>, site: &Site) -> Vec<u32> {
    let Some([(first_site, first), (second_site, second)]) = &site.row_pair else {
        return Vec::new();
    };
    let states = |fact: &Fact, claim: &crate::quantity::Quantity| {
        fact.quantities
            .iter()
            .any(|quantity| admits(quantity, claim))
    };
    let (Some(firsts), Some(seconds)) = (
        index.value_candidates.get(*first_site),
        index.value_candidates.get(*second_site),
    ) else {
        return Vec::new();
    };
    let mut found: Vec<u32> = Vec::new();
    for ranked in firsts {
        let fact = &index.facts[ranked.fact as usize];
        if seconds.iter().any(|other| other.fact == ranked.fact)
            && !found.contains(&ranked.fact)
            && states(fact, first)
            && states(fact, second)
        {
            found.push(ranked.fact);
        }
    }
    found
}

/// Rows of one table that the claim scores exactly alike (`1월 | 59 (41+18)`,
/// `2월 | 35 (31+4)` … for `BE 커밋 비중`) are interchangeable to it: two of
/// them may take operand slots, so that they do not crowd out a fact the
/// claim scores a little lower (`총 커밋 | 508개 (BE 330 + FE 178)`). Rows the
/// claim tells apart (`2월`, `9월`) score differently and are all kept.
fn keep_distinct_rows(facts: &[Fact], operand_facts: &mut Vec<(f32, u32)>) {
    const ALIKE: f32 = 1e-4;
    const ALIKE_ROWS: usize = 2;
    let table = |fact_index: u32| {
        let fact = &facts[fact_index as usize];
        (fact.kind == FactKind::TableRow).then(|| {
            (
                fact.source.path.as_ref(),
                std::sync::Arc::as_ptr(&fact.heading_path),
            )
        })
    };
    let mut kept: Vec<(f32, u32)> = Vec::with_capacity(operand_facts.len());
    for &(score, fact_index) in operand_facts.iter() {
        let alike = table(fact_index).map_or(0, |own| {
            kept.iter()
                .filter(|(other_score, other)| {
                    (other_score - score).abs() < ALIKE && table(*other) == Some(own)
                })
                .count()
        });
        if alike < ALIKE_ROWS {
            kept.push((score, fact_index));
        }
    }
    *operand_facts = kept;
}

/// The quantities of the changes a fact states about something other than
/// the claim: in `커밋 수가 증가(463→508)하고 이슈 수가 감소(529→152)`, a
/// claim about 커밋 scores 463→508 above 529→152, and 529/152 = 3.5배 is not
/// its ratio. Only a fact that states two changes or more has such.
fn other_subject_changes(index: &mut Index<'_>, claim: usize, fact_index: u32) -> Vec<usize> {
    let facts = index.facts;
    let fact = &facts[fact_index as usize];
    let changes: Vec<(usize, usize)> = fact
        .quantities
        .iter()
        .enumerate()
        .filter_map(|(start, quantity)| {
            let transition = quantity.transition?;
            (transition.role == TransitionRole::From).then_some((start, transition.partner()))
        })
        .collect();
    if changes.len() < 2 {
        return Vec::new();
    }
    let scores: Vec<f32> = changes
        .iter()
        .map(|&(start, end)| {
            index
                .similarity(claim, fact_index, start)
                .max(index.similarity(claim, fact_index, end))
        })
        .collect();
    let best = scores.iter().copied().fold(f32::MIN, f32::max);
    changes
        .iter()
        .zip(&scores)
        .filter(|(_, score)| **score + CONTRAST < best)
        .flat_map(|(&(start, end), _)| [start, end])
        .collect()
}

/// A table cell the claim's own words place in another column of its row:
/// for `결제 이슈 20% 감소`, the `35` of `2월 | 35 (31+4) | 29` is a commit
/// count (its row's `이슈` column is 29). The claim names a word of another
/// column's metric and none that only this cell's metric has.
fn names_another_column(fact: &Fact, quantity_index: usize, site: &Site) -> bool {
    let Some(quantity) = fact.quantities.get(quantity_index) else {
        return false;
    };
    let Some(own) = metric_words(quantity) else {
        return false;
    };
    let mut others: Vec<String> = Vec::new();
    for sibling in &fact.quantities {
        if label_column(sibling) == label_column(quantity) {
            continue;
        }
        if let Some(words) = metric_words(sibling) {
            others.extend(words);
        }
    }
    let named = |word: &String| site.lead.contains(word) || site.trail.contains(word);
    let names_other = others.iter().any(|word| !own.contains(word) && named(word));
    let names_own = own.iter().any(|word| !others.contains(word) && named(word));
    names_other && !names_own
}

/// Which value of a table row a claim is about.
enum RowChoice {
    /// The admitted value is in the column (and part) the claim names.
    Same(Scored),
    /// The claim names another column or part of the same row.
    Other(Scored),
}

/// Decides between the values of one table row when the best other candidate
/// is in that row: its values share every word of the row, so only the words
/// right before the claim's number can tell them apart. The column header
/// (`이슈 29`, `커밋 35`) picks the column; a part of a split cell (`BE 31`
/// under `커밋 (BE+FE)`) picks the part, and naming none picks the whole.
/// `None`: not such a case, or the words decide nothing (the claim names no
/// part while the admitted value is one), and the scores decide as usual.
fn table_row_choice(
    facts: &[Fact],
    site: &Site,
    scored: &[Scored],
    best_equal: Option<Scored>,
    best_other: Option<Scored>,
) -> Option<RowChoice> {
    let other = best_other?;
    let fact = &facts[other.fact as usize];
    if site.in_table || site.lead.is_empty() || fact.kind != FactKind::TableRow {
        return None;
    }
    if best_equal.is_some_and(|best| best.fact != other.fact && best.score > other.score) {
        return None;
    }
    let in_row: Vec<Scored> = scored
        .iter()
        .filter(|item| item.fact == other.fact)
        .copied()
        .collect();
    let label_of = |item: &Scored| fact.quantities[item.quantity].label.as_deref();
    let names_column = |item: &Scored| {
        label_of(item).is_some_and(|label| {
            header_words(label)
                .iter()
                .any(|word| site.lead.contains(word))
        })
    };
    // The row that is most about the claim decides, not another row that
    // happens to state the value (`12월 | 71 (35+36)` for `2월 커밋 35`).
    let equal = best(&in_row, true).filter(|equal| equal.score >= SUPPORT_FLOOR)?;
    let label = label_of(&equal)?;
    if !names_column(&equal) {
        // Another column named before the number (`이슈 4` where 4 is a
        // commit count): the claim is about that column's value.
        return best(
            &in_row
                .iter()
                .filter(|item| {
                    names_column(item) && table_parts(label_of(item).unwrap_or("")).1.is_none()
                })
                .copied()
                .collect::<Vec<_>>(),
            false,
        )
        .map(RowChoice::Other)
        .or_else(|| split_part(fact, site, &in_row, equal, label));
    }
    split_part(fact, site, &in_row, equal, label).or_else(|| {
        table_parts(label)
            .0
            .is_empty()
            .then_some(RowChoice::Same(equal))
    })
}

/// Decides between the best admitted value and the best other value when
/// each is a cell of a different table row and their row keys differ
/// (`월 평균 커밋 | 41개` and `월 평균 이슈 | 44개`): the words right around
/// the claim's number in its own clause (`월 평균 44개 커밋`) name a word only
/// the other row's key has, and none only the admitted row's key has. The
/// words both keys share (`월 평균`) decide nothing, so without this the
/// admitted value wins on a near tie. `Some`: the other value is what the
/// claim is about.
fn row_key_choice(
    facts: &[Fact],
    site: &Site,
    best_equal: Option<Scored>,
    best_other: Option<Scored>,
) -> Option<Scored> {
    let (equal, other) = (best_equal?, best_other?);
    if site.in_table || site.partner.is_some() || equal.fact == other.fact {
        return None;
    }
    if other.score < SUPPORT_FLOOR {
        return None;
    }
    let key_words = |item: &Scored| {
        let fact = &facts[item.fact as usize];
        if fact.kind != FactKind::TableRow {
            return None;
        }
        let label = fact.quantities[item.quantity].label.as_deref()?;
        let (key, _) = label.split_once(" · ")?;
        let mut words = Vec::new();
        for_each_word(&clean_label(key), |word| words.push(word.to_lowercase()));
        Some(words)
    };
    let equal_key = key_words(&equal)?;
    let other_key = key_words(&other)?;
    let names_only = |key: &[String], besides: &[String]| {
        key.iter().any(|word| {
            !besides.contains(word) && (site.lead.contains(word) || site.trail.contains(word))
        })
    };
    (names_only(&other_key, &equal_key) && !names_only(&equal_key, &other_key)).then_some(other)
}

/// The part of a split cell the claim names, against the admitted value's part.
fn split_part(
    fact: &Fact,
    site: &Site,
    in_row: &[Scored],
    equal: Scored,
    label: &str,
) -> Option<RowChoice> {
    let (parts, own) = table_parts(label);
    if parts.is_empty() {
        return None;
    }
    let column = column_of(label, own.as_deref());
    let named: Vec<&String> = parts
        .iter()
        .filter(|part| site.lead.contains(part))
        .collect();
    let claimed = match named.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    if claimed == own.as_deref() {
        return Some(RowChoice::Same(equal));
    }
    let claimed = claimed?;
    in_row
        .iter()
        .find(|item| {
            fact.quantities[item.quantity]
                .label
                .as_deref()
                .is_some_and(|label| {
                    let (_, part) = table_parts(label);
                    part.as_deref() == Some(claimed) && column_of(label, part.as_deref()) == column
                })
        })
        .map(|item| RowChoice::Other(*item))
}

/// The words of a table label's column header, stemmed and lower-cased:
/// `2월 · 커밋 (BE+FE) · BE` → `[커밋]`.
fn header_words(label: &str) -> Vec<String> {
    let mut words = Vec::new();
    if let Some(header) = label.split(" · ").nth(1) {
        for_each_word(&clean_label(header), |word| words.push(word.to_lowercase()));
    }
    words
}

/// The column of a table label without its part: `2월 · 커밋 (BE+FE) · BE` → `2월 · 커밋 (BE+FE)`.
fn column_of<'l>(label: &'l str, part: Option<&str>) -> &'l str {
    match (part, label.rfind(" · ")) {
        (Some(_), Some(cut)) => &label[..cut],
        _ => label,
    }
}

/// `80% 이상`, `최대 600ms`: the stated quantity with its bound, for reasons.
fn with_qualifier(quantity: &crate::quantity::Quantity) -> String {
    use crate::quantity::Qualifier;
    match quantity.qualifier {
        Some(Qualifier::AtLeast) => format!("{} 이상", quantity.surface),
        Some(Qualifier::AtMost) => format!("{} 이하", quantity.surface),
        Some(Qualifier::MoreThan) => format!("{} 초과", quantity.surface),
        Some(Qualifier::LessThan) => format!("{} 미만", quantity.surface),
        Some(Qualifier::About) => format!("약 {}", quantity.surface),
        None => quantity.surface.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Each segment lists the claims a scan of every window finds, in
        /// the windows' order.
        #[test]
        fn segments_list_what_a_scan_of_every_window_finds(
            windows in proptest::collection::vec((0u8..50, 0u8..20), 0..30),
        ) {
            let windows: Vec<(f64, f64, u32)> = windows
                .iter()
                .enumerate()
                .map(|(claim, &(low, width))| {
                    (f64::from(low), f64::from(low) + f64::from(width), claim as u32)
                })
                .collect();
            let segments = Segments::new(&windows);
            for (index, listed) in segments.claims.iter().enumerate() {
                let start = segments.ends[index];
                let end = segments.ends.get(index + 1).copied().unwrap_or(f64::INFINITY);
                let scanned: Vec<u32> = windows
                    .iter()
                    .filter(|(low, high, _)| *low < end && *high >= start)
                    .map(|(_, _, claim)| *claim)
                    .collect();
                proptest::prop_assert_eq!(listed, &scanned);
            }
        }
    }

    fn period(start: &str, end: &str) -> Period {
        Period {
            start: Some(start.to_string()),
            end: Some(end.to_string()),
        }
    }

    fn facts_of(markdown: &str) -> Vec<Fact> {
        let (document, _) =
            crate::ingest::parse_document(markdown, "t.md".to_string(), "t.md".to_string());
        crate::facts::extract_facts(vec![document], &crate::config::Profile::default())
    }

    #[test]
    fn a_title_of_two_words_is_named_when_written_as_one() {
        let facts = facts_of(
            "# 서비스 개발\n\n## 가상 계좌\n\n- 입금 확인 스케줄러 1분\n\n## 대외 연동\n\n- Spring Retry로 최소 3번 재시도\n",
        );
        let projects = ProjectNames::of(&facts);
        let words = |text: &str| {
            let mut words = Vec::new();
            for_each_word(text, |word| words.push(word.to_lowercase()));
            words
        };
        for claim in [
            "가상계좌 입금 실패 시 최소 3회 재처리",
            "가상 계좌 입금 실패 시 최소 3회 재처리",
        ] {
            let claim_words = words(claim);
            let named = projects.named_titles(&claim_words);
            assert_eq!(named.len(), 1, "{claim}");
            let retry = facts
                .iter()
                .position(|fact| fact.text.contains("재시도"))
                .expect("the retry fact");
            assert!(
                projects.names_another(&facts, retry, &claim_words, &named),
                "{claim}"
            );
        }
    }

    #[test]
    fn the_value_reached_is_the_end_of_a_change_or_a_number_before_ro() {
        let facts = facts_of(
            "- 서비스 인스턴스 수가 9개에서 3개로 감소\n\
             - 기존 최대 600ms까지 넘었던 부분을 33ms내로 응답되도록 개선\n\
             - 만료 시간은 2초, 재시도 1초로 처리\n\
             - 커밋 463→508, 이슈 529→152로 감소\n",
        );
        assert_eq!(reached_value(&facts[0], Family::Count), Some(1));
        assert_eq!(reached_value(&facts[1], Family::Duration), Some(1));
        // No change spoken of; two values reached.
        assert_eq!(reached_value(&facts[2], Family::Duration), None);
        assert_eq!(reached_value(&facts[3], Family::Count), None);
    }

    #[test]
    fn a_value_goes_by_the_name_right_before_it() {
        let text = "총 커밋 | 508개 (BE 330 + FE 178)";
        let at = |needle: &str| text.find(needle).unwrap_or(0);
        assert_eq!(
            name_before(text, at("330")),
            Some(("be".to_string(), at("BE")))
        );
        assert_eq!(
            name_before(text, at("178")),
            Some(("fe".to_string(), at("FE")))
        );
        assert_eq!(name_before("508개", 0), None);
        assert!(is_month_row(
            &facts_of("| 월 | 커밋 |\n|--|--|\n| 2월 | 35 |\n")[0]
        ));
        assert!(!is_month_row(
            &facts_of("| 분기 | 커밋 |\n|--|--|\n| Q1 | 7 |\n")[0]
        ));
    }

    #[test]
    fn an_item_title_is_named_by_two_thirds_of_its_words() {
        let facts = facts_of(
            "- **Asset 서비스 인프라 구성** (6월): Nginx 라우팅 설정 (5개 커밋)\n\
             - 개요: 3개\n",
        );
        let words = |text: &str| {
            let mut words = Vec::new();
            for_each_word(text, |word| words.push(word.to_lowercase()));
            words
        };
        assert!(names_item_title(
            &facts[0],
            &words("Asset 서비스 인프라 구성 (5개 커밋)")
        ));
        assert!(!names_item_title(
            &facts[0],
            &words("Asset 서비스 커밋 5개")
        ));
        // One word is never enough.
        assert!(!names_item_title(&facts[1], &words("개요 3개")));
    }

    #[test]
    fn a_short_period_names_its_weeks_of_the_month() {
        assert_eq!(
            weeks_of_month(&period("2025-12-01", "2025-12-12")),
            Some((1, 2))
        );
        assert_eq!(
            weeks_of_month(&period("2025-12-15", "2025-12-21")),
            Some((3, 3))
        );
        // A month, a span across months, or a month-precision period: no weeks.
        assert_eq!(weeks_of_month(&period("2025-12-01", "2025-12-31")), None);
        assert_eq!(weeks_of_month(&period("2025-11-28", "2025-12-05")), None);
        assert_eq!(weeks_of_month(&period("2025-12", "2025-12")), None);
    }
}
