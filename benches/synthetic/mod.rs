//! A synthetic corpus of retrospective-shaped Markdown files for benchmarks:
//! front matter, a statistics table, project headings, labelled bullets and
//! Korean quantities, deterministic for a given seed.

use std::fmt::Write as _;
use std::path::Path;

const PROJECTS: [&str; 8] = [
    "결제 서비스 MSA 분리",
    "가예약 시스템",
    "개인정보 보호 강화",
    "정산 배치 분리",
    "토큰 인증 강화",
    "캐싱 전략 개선",
    "로그 통합 및 시각화",
    "주문 API 성능 개선",
];

/// A small deterministic generator (xorshift), so runs are comparable.
pub struct Sequence(u64);

impl Sequence {
    pub fn new(seed: u64) -> Self {
        Sequence(seed.max(1))
    }
    pub fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

/// One monthly retrospective, about 3 KB.
pub fn retrospective(index: usize, sequence: &mut Sequence) -> String {
    let year = 2015 + (index / 12) % 10;
    let month = index % 12 + 1;
    let mut text = String::with_capacity(4096);
    let _ = writeln!(
        text,
        "---\ntitle: \"월간 회고록 ({year}.{month:02})\"\ndate: \"{year}-{month:02}-28\"\ntags: [회고, 테스트상사, 월간회고]\n---\n"
    );
    let _ = writeln!(
        text,
        "## 개요\n\n{month}월에는 **{}개의 커밋**과 **{}개의 이슈**를 처리했습니다.\n",
        20 + sequence.next(60),
        5 + sequence.next(40)
    );
    text.push_str("## 통계\n\n| 주 | 커밋 (BE+FE) | 이슈 | 주요 작업 |\n|:--:|:--:|:--:|---|\n");
    for week in 1..=4 {
        let backend = sequence.next(30);
        let frontend = sequence.next(20);
        let _ = writeln!(
            text,
            "| {week}주차 | {} ({backend}+{frontend}) | {} | {} 작업 |",
            backend + frontend,
            sequence.next(15),
            PROJECTS[sequence.next(8) as usize]
        );
    }
    text.push_str("\n## 주요 프로젝트\n\n");
    for _ in 0..3 {
        let project = PROJECTS[sequence.next(8) as usize];
        let before = 200 + sequence.next(1800);
        let after = 10 + sequence.next(190);
        let _ = writeln!(
            text,
            "#### {project} ({month}월)\n\n{project} 작업을 진행했습니다.\n\n- **원인**: 캐시 유효시간이 {}분으로 길어 데이터가 늦게 반영됨\n- **해결**: 응답시간을 {before}ms에서 {after}ms로 단축\n- 인스턴스 수가 {}개에서 {}개로 감소\n    - 월 {}만 건의 요청을 처리\n- 배치 시간을 {}시간 {}분에서 {}분으로 줄임 (약 {}% 단축)\n\n**성과**: 오류율 {}~{}% 감소, 처리량 {}배 향상\n",
            5 + sequence.next(30),
            3 + sequence.next(10),
            1 + sequence.next(3),
            1 + sequence.next(99),
            1 + sequence.next(3),
            sequence.next(59),
            10 + sequence.next(50),
            50 + sequence.next(45),
            1 + sequence.next(3),
            4 + sequence.next(5),
            2 + sequence.next(17),
        );
    }
    text.push_str("## 배운 점\n\n1. **작게 나누기**: 배포 단위를 작게 유지 (spring boot 3.3, MPT-1234)\n2. 모니터링은 APM으로 2022.04.18부터 운영\n");
    text
}

/// Writes `count` files under `directory` and returns their total size in bytes.
pub fn write_corpus(directory: &Path, count: usize) -> std::io::Result<u64> {
    let mut sequence = Sequence::new(42);
    let mut total = 0u64;
    for index in 0..count {
        let folder = directory.join(format!("{:03}", index / 100));
        if index % 100 == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let text = retrospective(index, &mut sequence);
        total += text.len() as u64;
        std::fs::write(folder.join(format!("retro-{index:05}.md")), text)?;
    }
    Ok(total)
}
