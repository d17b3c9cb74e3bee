//! `merge` with hand-built drafter sections: what a regeneration replaces,
//! what it keeps verbatim (locked bullets, locked projects, locked parts,
//! projects and parts the draft does not cover), and that the file keeps its
//! layout (label style, marker, indentation, line endings).

use draft::drafter::{Bullet, Section};
use draft::resume::{merge, merge_with_report, MergeAction, Regenerated, Resume};

const FIXTURE: &str = "fixtures/resume/content/career/resume.md";
const HANPASS: &str = "content/career/hanpass.md";

fn bullet(text: &str, children: &[&str]) -> Bullet {
    Bullet {
        text: text.to_string(),
        facts: Vec::new(),
        claims: Vec::new(),
        children: children.iter().map(|child| bullet(child, &[])).collect(),
    }
}

fn section(topic: Option<&str>, title: &str, parts: [&[&str]; 3]) -> Section {
    let bullets = |texts: &[&str]| texts.iter().map(|text| bullet(text, &[])).collect();
    Section {
        topic: topic.map(str::to_string),
        title: title.to_string(),
        background: bullets(parts[0]),
        action: bullets(parts[1]),
        result: bullets(parts[2]),
    }
}

fn regenerated(company: &str, sections: Vec<Section>) -> Vec<Regenerated> {
    vec![Regenerated {
        company: company.to_string(),
        sections,
    }]
}

fn project_text(markdown: &str, title: &str) -> String {
    Resume::parse(markdown)
        .sections()
        .iter()
        .find(|section| section.project.title == title)
        .map(|section| section.project.text())
        .unwrap()
}

#[test]
fn locked_bullet_and_locked_section_survive_a_merge() {
    let old = std::fs::read_to_string(FIXTURE).unwrap();
    let resume = Resume::parse(&old);
    let mut order = section(
        Some("서비스 개발"),
        "주문 API",
        [
            &["주문 조회 API 응답 지연으로 CS 요청 증가"],
            &[
                "캐시 계층 도입",
                "주문 조회 쿼리의 인덱스를 손수 다듬어 정리",
                "인스턴스 수 축소",
            ],
            &["응답 시간 단축"],
        ],
    );
    order.action[0]
        .children
        .push(bullet("캐시 유효시간 5분", &[]));
    let sections = vec![
        order,
        section(
            None,
            "정산 배치",
            [&["덮어쓰면 안 됨"], &["덮어쓰면 안 됨"], &[]],
        ),
    ];
    let (merged, report) = merge_with_report(&resume, &regenerated("테스트상사", sections));
    let new = merged.render();

    let locked_line = "- 주문 조회 쿼리의 인덱스를 **손수** 다듬어 정리 <!-- draft:keep -->\n";
    assert_eq!(new.matches(locked_line).count(), 1, "{new}");
    assert!(new.contains(&format!(
        "### **담당**\n\n- 캐시 계층 도입\n    - 캐시 유효시간 5분\n{locked_line}- 인스턴스 수 축소\n\n### 결과"
    )));
    assert_eq!(
        project_text(&new, "정산 배치"),
        project_text(&old, "정산 배치")
    );
    assert_eq!(
        project_text(&new, "결제 연동"),
        project_text(&old, "결제 연동")
    );
    assert!(!new.contains("덮어쓰면 안 됨"));
    assert!(new.contains("- 응답 시간 단축\n\n![구조도](https://example.com/order-api.png)\n"));
    assert!(new.starts_with("경력기술서는 두 가지 주제"));

    let actions: Vec<(&str, MergeAction, usize)> = report
        .outcomes
        .iter()
        .map(|outcome| (outcome.title.as_str(), outcome.action, outcome.kept_bullets))
        .collect();
    assert_eq!(
        actions,
        [
            ("주문 API", MergeAction::Regenerated, 1),
            ("정산 배치", MergeAction::Locked, 0),
            ("결제 연동", MergeAction::Untouched, 0),
        ]
    );
    assert!(report.unmatched.is_empty());

    // Merging the same sections again changes nothing more.
    let again = merge(&merged, &regenerated("테스트상사", vec![]));
    assert_eq!(again.render(), new);
}

#[test]
fn bare_paragraph_labels_keep_their_style() {
    let old = std::fs::read_to_string(FIXTURE).unwrap();
    let sections = vec![section(
        Some("서비스 개선"),
        "결제 연동",
        [
            &["단일 결제사 의존"],
            &["결제사 3곳 연동", "성공률 기준 라우팅"],
            &["결제 실패율 감소"],
        ],
    )];
    let new = merge(&Resume::parse(&old), &regenerated("테스트상사", sections)).render();
    assert!(
        new.ends_with("## 결제 연동\n\n배경\n\n- 단일 결제사 의존\n\n담당\n\n- 결제사 3곳 연동\n- 성공률 기준 라우팅\n\n결과\n\n- 결제 실패율 감소\n"),
        "{new}"
    );
}

#[test]
fn a_part_the_draft_leaves_empty_is_kept_and_a_missing_part_is_added() {
    let old = std::fs::read_to_string(HANPASS).unwrap();
    // 배치 has no labels: its paragraph is the background and its bullets the action.
    let sections = vec![section(
        Some("서비스 개발"),
        "배치",
        [
            &["스프링 배치와 Jenkins로 배치 실행"],
            &[],
            &["정산 배치 자동화"],
        ],
    )];
    let new = merge(&Resume::parse(&old), &regenerated("한패스", sections)).render();
    let batch = project_text(&new, "배치");
    assert!(
        batch.starts_with("## 배치\n\n스프링 배치와 Jenkins로 배치 실행\n\n- 업체 별 가용 가능한"),
        "{batch}"
    );
    assert!(
        batch.ends_with("- 일별 유니온페이 정산 파일 분석 후 사내 정산 시스템으로 이전하는 배치 개발\n\n### 결과\n\n- 정산 배치 자동화\n\n---\n\n"),
        "{batch}"
    );
}

#[test]
fn the_topic_decides_between_projects_of_the_same_title() {
    let old = std::fs::read_to_string(HANPASS).unwrap();
    let sections = vec![section(
        Some("서비스 개선"),
        "대외 연동",
        [&[], &[], &["Galaxia 요청 실패 감소"]],
    )];
    let (merged, report) =
        merge_with_report(&Resume::parse(&old), &regenerated("한패스", sections));
    let regenerated_sections: Vec<(Option<&str>, &str)> = report
        .outcomes
        .iter()
        .filter(|outcome| outcome.action == MergeAction::Regenerated)
        .map(|outcome| (outcome.topic.as_deref(), outcome.title.as_str()))
        .collect();
    assert_eq!(regenerated_sections, [(Some("서비스 개선"), "대외 연동")]);
    let new = merged.render();
    assert!(new.contains("- Galaxia 요청 실패 감소\n"));
    assert!(
        new.contains("- 특정 벤더사의 장애 발생시 유동적으로 스위칭되어"),
        "the other 대외 연동 is untouched"
    );
    // Everything outside that project is byte for byte the same.
    let changed_lines = old
        .lines()
        .zip(new.lines())
        .filter(|(before, after)| before != after)
        .count();
    assert_eq!(changed_lines, 1);
}

#[test]
fn unknown_titles_and_companies_are_reported_not_placed() {
    let old = std::fs::read_to_string(FIXTURE).unwrap();
    let mut groups = regenerated(
        "테스트상사",
        vec![section(None, "없는 프로젝트", [&["x"], &[], &[]])],
    );
    groups.push(Regenerated {
        company: "다른회사".to_string(),
        sections: vec![section(None, "주문 API", [&["y"], &[], &[]])],
    });
    let (merged, report) = merge_with_report(&Resume::parse(&old), &groups);
    assert_eq!(merged.render(), old);
    assert_eq!(
        report.unmatched,
        ["테스트상사 › 없는 프로젝트", "다른회사 › 주문 API"]
    );
}

#[test]
fn locked_part_and_line_endings_are_kept() {
    let old = "# **회사**\r\n\r\n**2020.01 ~ 재직중**\r\n\r\n## 가\r\n\r\n### 담당\r\n\r\n* 하나\r\n\t* 세부\r\n\r\n### 결과\r\n<!-- draft:keep -->\r\n\r\n* 손으로 다듬은 결과\r\n";
    let sections = vec![section(None, "가", [&[], &["새 담당"], &["무시될 결과"]])];
    let mut with_child = sections;
    with_child[0].action[0]
        .children
        .push(bullet("새 세부", &[]));
    let new = merge(&Resume::parse(old), &regenerated("회사", with_child)).render();
    assert_eq!(
        new,
        "# **회사**\r\n\r\n**2020.01 ~ 재직중**\r\n\r\n## 가\r\n\r\n### 담당\r\n\r\n* 새 담당\r\n\t* 새 세부\r\n\r\n### 결과\r\n<!-- draft:keep -->\r\n\r\n* 손으로 다듬은 결과\r\n"
    );
}
