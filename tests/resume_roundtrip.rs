//! The résumé model on real and synthetic files: parsing and rendering an
//! unchanged file gives the same bytes, and the structure (companies, 주제,
//! projects, parts, bullets, line ranges, locks) is what a reader sees.

use std::path::{Path, PathBuf};

use draft::resume::{ItemKind, LineRange, PartKind, Resume};

const HANPASS: &str = "content/career/hanpass.md";

fn markdown_files(directory: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            markdown_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "md") {
            found.push(path);
        }
    }
}

#[test]
fn hanpass_round_trips_byte_for_byte() {
    let text = std::fs::read_to_string(HANPASS).unwrap();
    assert_eq!(Resume::parse(&text).render(), text);
}

#[test]
fn every_markdown_file_in_content_and_fixtures_round_trips() {
    let mut files = Vec::new();
    markdown_files(Path::new("content"), &mut files);
    markdown_files(Path::new("fixtures"), &mut files);
    assert!(files.len() > 10, "{files:?}");
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the ingest fixtures hold a file that is not UTF-8 on purpose
        };
        assert_eq!(Resume::parse(&text).render(), text, "{}", path.display());
    }
}

#[test]
fn odd_line_endings_and_indentation_round_trip() {
    for text in [
        "",
        "\n\n",
        "no line break at the end",
        "# **회사**\r\n\r\n**2020.01 ~ 재직중**\r\n\r\n## 프로젝트\r\n\r\n### 담당\r\n\r\n- 하나\r\n\t- 탭 들여쓰기\r\n",
        "# **회사**\n\n**2020.01 ~ 재직중**\n\n## 프로젝트\n\n```\n## 코드 속 제목\n- 코드\n```\n\n* 별표 글머리\n  이어지는 줄\n\n1. 번호 글머리\n",
        "# **회사**\n**2020.01 ~ 재직중**\n## 바로 붙은 프로젝트\n### 결과\n- 끝",
    ] {
        assert_eq!(Resume::parse(text).render(), text, "{text:?}");
    }
}

#[test]
fn hanpass_structure_is_read_as_written() {
    let text = std::fs::read_to_string(HANPASS).unwrap();
    let resume = Resume::parse(&text);
    let companies: Vec<(&str, Option<&str>)> = resume
        .companies
        .iter()
        .map(|company| (company.name.as_str(), company.period.as_deref()))
        .collect();
    assert_eq!(
        companies,
        [
            ("한패스", Some("2022.04.18 ~ 재직중")),
            ("AWA 소프트", Some("2021.09.27 ~ 2022.04.18")),
        ]
    );
    assert!(resume
        .preamble
        .concat()
        .starts_with("경력기술서는 총 세가지 주제"));
    let topics: Vec<Option<&str>> = resume.companies[0]
        .topics
        .iter()
        .map(|topic| topic.name.as_deref())
        .collect();
    assert_eq!(
        topics,
        [
            Some("서비스 개발"),
            Some("서비스 개선"),
            Some("업무 환경 개선")
        ]
    );

    let sections = resume.sections();
    assert_eq!(sections.len(), 14);
    assert!(sections.iter().all(|section| !section.project.locked));
    // 대외 연동 appears under two 주제.
    let external: Vec<Option<&str>> = sections
        .iter()
        .filter(|section| section.project.title == "대외 연동")
        .map(|section| section.topic)
        .collect();
    assert_eq!(external, [Some("서비스 개발"), Some("서비스 개선")]);

    let virtual_account = sections[0].project;
    assert_eq!(virtual_account.title, "가상 계좌");
    assert_eq!(virtual_account.lines, LineRange { start: 11, end: 30 });
    let action = virtual_account.part(PartKind::Action).unwrap();
    assert_eq!(action.label.as_deref(), Some("### **담당**\n"));
    assert_eq!(action.heading_level, Some(3));
    let bullets: Vec<_> = action.bullets().collect();
    assert_eq!(bullets.len(), 4);
    assert_eq!(bullets[2].lines, LineRange { start: 21, end: 22 });
    assert_eq!(
        bullets[2].children[0].text,
        "사내 **Nameserver**를 바라보고있지 않는 부분을 **Strace**로 발견, 사내 **Nameserver**로 변경"
    );

    // Images stay inside the 결과 part of ATM 입/출금.
    let atm = sections[1].project.part(PartKind::Result).unwrap();
    let images = atm
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Opaque && item.raw[0].starts_with("!["))
        .count();
    assert_eq!(images, 2);

    // 배치: no labels, so the opening paragraph is the background, the bullets the action.
    let batch = sections[4].project;
    assert_eq!(batch.title, "배치");
    let kinds: Vec<(PartKind, bool)> = batch
        .parts
        .iter()
        .map(|part| (part.kind, part.label.is_some()))
        .collect();
    assert_eq!(
        kinds,
        [(PartKind::Background, false), (PartKind::Action, false)]
    );
    assert_eq!(batch.parts[1].bullets().count(), 6);

    // Bare paragraph labels (`담당`, `결과`) mixed with headings.
    let process = sections[11].project;
    assert_eq!(process.title, "업무 프로세스 개선");
    let labels: Vec<(PartKind, Option<usize>)> = process
        .parts
        .iter()
        .map(|part| (part.kind, part.heading_level))
        .collect();
    assert_eq!(
        labels,
        [
            (PartKind::Background, Some(3)),
            (PartKind::Action, None),
            (PartKind::Result, None)
        ]
    );

    // The AWA 소프트 section ends without a final line break.
    let last = sections[13].project;
    assert_eq!(last.title, "안전톡");
    assert!(!last.text().ends_with('\n'));
}

#[test]
fn segments_cover_every_line_once() {
    let text = std::fs::read_to_string(HANPASS).unwrap();
    let segments = Resume::parse(&text).segments();
    let joined: String = segments
        .iter()
        .map(|segment| segment.text.as_str())
        .collect();
    assert_eq!(joined, text);
    let mut line = 1;
    for segment in &segments {
        assert_eq!(segment.start_line, line, "{}", segment.key);
        line += segment.text.split_inclusive('\n').count();
    }
    let keys: Vec<&str> = segments
        .iter()
        .map(|segment| segment.key.as_str())
        .collect();
    assert!(keys.contains(&"project/한패스/서비스개발/대외연동"));
    assert!(keys.contains(&"project/한패스/서비스개선/대외연동"));
}

#[test]
fn lock_markers_are_found_on_bullets_sections_and_parts() {
    let text = "# **회사**\n\n**2020.01 ~ 재직중**\n\n## 가\n\n### 담당\n\n- 하나\n    - 세부 <!-- draft:keep -->\n- 둘 <!--draft:keep-->\n- 셋\n\n### 결과\n<!-- draft:keep -->\n\n- 결과\n\n## 나\n\n<!-- draft:keep -->\n\n- 나의 글머리\n";
    let resume = Resume::parse(text);
    let sections = resume.sections();
    let first = sections[0].project;
    assert!(!first.locked);
    let locks: Vec<bool> = first
        .part(PartKind::Action)
        .unwrap()
        .bullets()
        .map(|bullet| bullet.locked)
        .collect();
    assert_eq!(locks, [true, true, false]);
    assert_eq!(
        first
            .part(PartKind::Action)
            .unwrap()
            .bullets()
            .nth(1)
            .unwrap()
            .text,
        "둘"
    );
    assert!(first.part(PartKind::Result).unwrap().locked);
    assert!(sections[1].project.locked);
}
