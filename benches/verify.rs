//! Verifier benchmark (`cargo bench --bench verify`): a 2-page résumé (~60
//! numbers) against the facts of a 10,000-file synthetic corpus of
//! retrospective-shaped documents, all of one company (the worst case: the
//! caller narrows facts to one company). Prints the corpus size, the ingest
//! and fact-extraction time (not part of the budget), and milliseconds per
//! `verify_markdown` call (the budget is < 100 ms).
//!
//! Then, once each, a line of 1,000, 2,000 and 4,000 bare numbers (a pasted
//! log or table): how the time grows with the numbers of one sentence.
//!
//! `DRAFT_BENCH_FILES` overrides the number of files, `DRAFT_BENCH_RUNS` the
//! number of timed runs (7).

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use draft::config::Profile;
use draft::facts::extract_facts;
use draft::ingest::ingest;
use draft::verify::{verify_markdown, Status};

/// A tiny deterministic generator, so every run measures the same corpus.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const SYSTEMS: &[&str] = &[
    "결제",
    "정산",
    "예약",
    "회원",
    "알림",
    "검색",
    "주문",
    "배송",
    "쿠폰",
    "포인트",
    "인증",
    "로그",
    "통계",
    "상품",
    "리뷰",
    "추천",
    "채팅",
    "파일",
    "배치",
    "게이트웨이",
];
const METRICS: &[(&str, &str)] = &[
    ("응답시간", "ms"),
    ("배포 시간", "분"),
    ("빌드 시간", "분"),
    ("에러율", "%"),
    ("테스트 커버리지", "%"),
    ("캐시 TTL", "분"),
    ("장애 건수", "건"),
    ("처리량", "건"),
    ("인스턴스 수", "개"),
    ("메모리 사용량", "GB"),
    ("쿼리 수", "개"),
    ("배치 소요 시간", "시간"),
];
const VERBS: &[&str] = &["단축", "감소", "개선", "절감", "향상"];

fn document(sequence: &mut Sequence, index: usize) -> String {
    let year = 2015 + index % 10;
    let month = 1 + index % 12;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "---\ntitle: \"월간 회고록 ({year}.{month:02})\"\ndate: \"{year}-{month:02}-28\"\ntags: [회고, 벤치상사, 월간회고]\n---\n"
    );
    let _ = writeln!(
        text,
        "## 개요\n\n{year}년 {month}월에는 {}개의 커밋과 {}개의 이슈를 처리했습니다.\n",
        20 + sequence.below(60),
        5 + sequence.below(40)
    );
    let _ = writeln!(
        text,
        "## 주간 통계\n\n| 주차 | 커밋 | 이슈 |\n|---|---|---|"
    );
    for week in 1..=4 {
        let _ = writeln!(
            text,
            "| {week}주차 | {} | {} |",
            3 + sequence.below(20),
            1 + sequence.below(10)
        );
    }
    let _ = writeln!(text, "\n## 주요 작업\n");
    for _ in 0..4 {
        let system = sequence.pick(SYSTEMS);
        let (metric, unit) = METRICS[sequence.below(METRICS.len() as u64) as usize];
        let before = 10 + sequence.below(900);
        let after = 1 + sequence.below(before.max(2) - 1);
        let verb = sequence.pick(VERBS);
        let _ = writeln!(text, "#### {system} 서비스 개선 ({month}월)\n");
        let _ = writeln!(
            text,
            "- **배경**: {system} 서비스의 {metric}이 높아 장애가 잦았음"
        );
        let _ = writeln!(text, "- {system} API를 분리하고 캐시를 도입");
        let _ = writeln!(
            text,
            "- **결과**: {metric}을 {before}{unit}에서 {after}{unit}로 {verb}"
        );
        let _ = writeln!(
            text,
            "- 관련 이슈 {}건 해결, 테스트 {}개 추가\n",
            1 + sequence.below(30),
            5 + sequence.below(50)
        );
    }
    text
}

fn resume(sequence: &mut Sequence) -> String {
    let mut text = String::from("# 벤치상사\n\n2015.01 ~ 재직중\n\n");
    for project in 0..15 {
        let system = SYSTEMS[project % SYSTEMS.len()];
        let (metric, unit) = METRICS[project % METRICS.len()];
        let before = 10 + sequence.below(900);
        let after = 1 + sequence.below(before.max(2) - 1);
        let _ = writeln!(text, "## {system} 서비스 개선\n\n### 배경\n\n- {system} 서비스의 {metric}이 높아 장애가 잦았음\n\n### 결과\n");
        let _ = writeln!(text, "- {metric}을 {before}{unit}에서 {after}{unit}로 단축");
        let _ = writeln!(
            text,
            "- {metric} {}% 개선, 관련 이슈 {}건 해결\n",
            10 + sequence.below(85),
            1 + sequence.below(30)
        );
    }
    text
}

/// CPU time of this thread in nanoseconds (Linux), to see through a loaded
/// machine's wall-clock noise.
fn thread_cpu_nanoseconds() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn main() {
    let files: usize = std::env::var("DRAFT_BENCH_FILES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10_000);
    let directory = match tempfile::tempdir() {
        Ok(directory) => directory,
        Err(error) => {
            eprintln!("cannot create a temporary directory: {error}");
            return;
        }
    };
    let mut sequence = Sequence(7);
    let started = Instant::now();
    for index in 0..files {
        let path = directory.path().join(format!(
            "retrospectives/{:04}/{index:05}-monthly.md",
            index / 1000
        ));
        if let Some(parent) = path.parent() {
            if std::fs::create_dir_all(parent).is_err() {
                eprintln!("cannot create {}", parent.display());
                return;
            }
        }
        if std::fs::write(&path, document(&mut sequence, index)).is_err() {
            eprintln!("cannot write {}", path.display());
            return;
        }
    }
    let written = started.elapsed();

    let started = Instant::now();
    let corpus = match ingest(Path::new(directory.path())) {
        Ok(corpus) => corpus,
        Err(error) => {
            eprintln!("ingest failed: {error}");
            return;
        }
    };
    let facts = extract_facts(corpus.documents, &Profile::default());
    let prepared = started.elapsed();
    let with_numbers = facts
        .iter()
        .filter(|fact| !fact.quantities.is_empty())
        .count();
    let quantities: usize = facts.iter().map(|fact| fact.quantities.len()).sum();
    let text_characters: usize = facts
        .iter()
        .filter(|fact| !fact.quantities.is_empty())
        .map(|fact| fact.text.chars().count())
        .sum();

    let draft = resume(&mut sequence);
    let mut timings: Vec<Duration> = Vec::new();
    let mut cpu_timings: Vec<u64> = Vec::new();
    let mut claims = Vec::new();
    let runs: usize = std::env::var("DRAFT_BENCH_RUNS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(7);
    for _ in 0..runs.max(1) {
        let cpu_started = thread_cpu_nanoseconds();
        let started = Instant::now();
        claims = verify_markdown(&draft, &facts);
        timings.push(started.elapsed());
        if let (Some(before), Some(after)) = (cpu_started, thread_cpu_nanoseconds()) {
            cpu_timings.push(after.saturating_sub(before));
        }
    }
    timings.sort();
    cpu_timings.sort_unstable();
    let count = |status: Status| claims.iter().filter(|claim| claim.status == status).count();

    println!("files: {files} (written in {:.1} s)", written.as_secs_f64());
    println!(
        "facts: {} ({} with numbers, {} quantities, {:.1} M characters); ingest + extract_facts: {:.0} ms",
        facts.len(),
        with_numbers,
        quantities,
        text_characters as f64 / 1e6,
        prepared.as_secs_f64() * 1000.0
    );
    println!(
        "claims in the résumé: {} ({} supported, {} derived, {} mismatch, {} unsupported)",
        claims.len(),
        count(Status::Supported),
        count(Status::Derived),
        count(Status::Mismatch),
        count(Status::Unsupported)
    );
    println!(
        "verify_markdown: min {:.1} ms, median {:.1} ms, max {:.1} ms over {} runs (budget 100 ms)",
        timings[0].as_secs_f64() * 1000.0,
        timings[timings.len() / 2].as_secs_f64() * 1000.0,
        timings[timings.len() - 1].as_secs_f64() * 1000.0,
        timings.len()
    );
    if !cpu_timings.is_empty() {
        println!(
            "verify_markdown CPU time of the thread: min {:.1} ms, median {:.1} ms",
            cpu_timings[0] as f64 / 1e6,
            cpu_timings[cpu_timings.len() / 2] as f64 / 1e6
        );
    }
    // One sentence of many numbers: each number's context, quoted numbers
    // and sentence are bounded, so the time grows about with the square of
    // the count (each number still reads its sentence), not its cube.
    for count in [1_000usize, 2_000, 4_000] {
        let line: String = (0..count).map(|number| format!("{number} ")).collect();
        let started = Instant::now();
        let claims = verify_markdown(&line, &facts);
        println!(
            "a line of {count} bare numbers: {:.0} ms ({} claims)",
            started.elapsed().as_secs_f64() * 1000.0,
            claims.len()
        );
    }
}
