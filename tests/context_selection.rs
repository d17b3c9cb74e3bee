//! The context builder on the small synthetic corpus in `fixtures/context/`:
//! merging across documents, attaching rows that name a project, role
//! coverage and budgets counted with the real tokenizer, period narrowing,
//! and a reason for every fact left out.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use draft::config::parse_profile;
use draft::context::{build_context, Context, ContextOptions, TokenCounter};
use draft::facts::{extract_facts, Fact, Role, Task};
use draft::ingest::parse_document;
use draft::prompt::fact_line;

const COMPANY: &str = "테스트닥터";

fn facts() -> Vec<Fact> {
    let profile = parse_profile(
        "[[companies]]\nname = \"테스트닥터\"\naliases = [\"TestDoctor\"]\n",
        Path::new("draft.toml"),
    )
    .expect("profile");
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/context");
    let mut documents = Vec::new();
    for name in ["2024-annual.md", "2025-annual.md", "career.md"] {
        let text = std::fs::read_to_string(directory.join(name)).expect("fixture");
        let (document, warnings) =
            parse_document(&text, format!("fixtures/context/{name}"), name.to_string());
        assert!(warnings.is_empty(), "{warnings:?}");
        documents.push(document);
    }
    extract_facts(documents, &profile)
}

fn counter() -> &'static TokenCounter {
    static COUNTER: OnceLock<TokenCounter> = OnceLock::new();
    COUNTER.get_or_init(|| TokenCounter::new("o200k_base").expect("o200k_base"))
}

fn context(options: &ContextOptions) -> Context {
    build_context(&facts(), COMPANY, options, counter())
}

fn unlimited() -> ContextOptions {
    ContextOptions {
        budget: 100_000,
        ..ContextOptions::default()
    }
}

fn project<'a>(context: &'a Context, title: &str) -> &'a draft::context::Project {
    context
        .projects
        .iter()
        .find(|project| project.title == title)
        .unwrap_or_else(|| {
            let titles: Vec<&str> = context.projects.iter().map(|p| p.title.as_str()).collect();
            panic!("no project `{title}` among {titles:?}")
        })
}

fn all_ids(project: &draft::context::Project) -> Vec<&str> {
    project
        .selected
        .iter()
        .map(|selected| selected.fact.id.as_str())
        .chain(
            project
                .dropped
                .iter()
                .map(|dropped| dropped.fact.id.as_str()),
        )
        .collect()
}

#[test]
fn the_same_project_in_two_retrospectives_is_merged_by_title() {
    let context = context(&unlimited());
    let payment = project(&context, "결제 서비스 MSA 분리");
    assert_eq!(
        payment.titles,
        vec![
            "결제 서비스 MSA 분리 (11월)",
            "결제 서비스 MSA 분리 완료 (2월)"
        ]
    );
    let sources: HashSet<&str> = payment
        .selected
        .iter()
        .map(|selected| selected.fact.source.path.as_ref())
        .collect();
    assert!(
        sources.contains("fixtures/context/2024-annual.md"),
        "{sources:?}"
    );
    assert!(
        sources.contains("fixtures/context/2025-annual.md"),
        "{sources:?}"
    );
    let period = payment.period.as_ref().expect("period");
    assert_eq!(period.start.as_deref(), Some("2024-11-01"));
    assert_eq!(period.end.as_deref(), Some("2025-02-28"));

    let reservation = project(&context, "가예약 시스템");
    assert_eq!(
        reservation.titles,
        vec!["가예약 시스템 (11월)", "가예약 시스템 안정화 (1월)"]
    );
    // Two projects, not one: merging is by title, never by position.
    assert_eq!(
        context
            .projects
            .iter()
            .filter(|project| project.titles.iter().any(|title| title.contains("MSA")))
            .count(),
        1
    );
}

#[test]
fn a_monthly_row_joins_the_project_it_names_and_a_row_naming_none_stays_out() {
    let context = context(&unlimited());
    let payment = project(&context, "결제 서비스 MSA 분리");
    let row = payment
        .selected
        .iter()
        .find(|selected| selected.fact.text.starts_with("2월 | 35 (31+4) | 29"))
        .expect("the 2월 row is attached to 결제 서비스 MSA 분리");
    assert!(
        row.reason.contains("names `결제 MSA 분리 완료`"),
        "{}",
        row.reason
    );
    assert!(payment.selected.iter().any(|selected| selected
        .fact
        .text
        .starts_with("결제 서비스 MSA 분리 완료 (2월): 아키텍처")));

    let unrelated = context
        .unlinked
        .iter()
        .find(|dropped| dropped.fact.text.starts_with("6월 | 7 (4+3)"))
        .expect("the 6월 row names no project");
    assert!(
        unrelated.reason.starts_with("not linked to a project"),
        "{}",
        unrelated.reason
    );
    assert!(context
        .unlinked
        .iter()
        .any(|dropped| dropped.fact.text.starts_with("통계 데이터 인프라 구축")));
    // The 2024 row names both projects of November.
    let november: Vec<&str> = context
        .projects
        .iter()
        .filter(|project| {
            project
                .selected
                .iter()
                .any(|selected| selected.fact.text.starts_with("11월 | 29 | 42"))
        })
        .map(|project| project.title.as_str())
        .collect();
    assert_eq!(november, vec!["결제 서비스 MSA 분리", "가예약 시스템"]);
}

#[test]
fn career_projects_come_first_in_topic_order_then_retrospectives_by_date() {
    let context = context(&unlimited());
    let titles: Vec<&str> = context
        .projects
        .iter()
        .map(|project| project.title.as_str())
        .collect();
    assert_eq!(
        titles,
        vec![
            "알림 서버",
            "검색 API",
            "결제 서비스 MSA 분리",
            "가예약 시스템"
        ]
    );
    assert_eq!(context.projects[0].topic.as_deref(), Some("서비스 개발"));
    assert_eq!(context.projects[1].topic.as_deref(), Some("서비스 개선"));
    assert_eq!(context.projects[2].topic, None);
}

#[test]
fn role_coverage_survives_a_tight_budget() {
    let facts = facts();
    let alarm: Vec<&Fact> = facts
        .iter()
        .filter(|fact| fact.project.as_deref() == Some("알림 서버"))
        .collect();
    let line_tokens = |fact: &Fact| counter().count(&(fact_line(fact) + "\n"));
    let largest = alarm
        .iter()
        .map(|fact| line_tokens(fact))
        .max()
        .expect("facts");
    let options = ContextOptions {
        budget: largest * 3,
        project: Some("알림 서버".to_string()),
        ..ContextOptions::default()
    };
    let context = build_context(&facts, COMPANY, &options, counter());
    let alarm_project = project(&context, "알림 서버");
    assert!(
        !alarm_project.dropped.is_empty(),
        "the budget must be tight"
    );
    let roles: HashSet<Role> = alarm_project
        .selected
        .iter()
        .map(|selected| selected.fact.role)
        .collect();
    for role in [Role::Background, Role::Action, Role::Result] {
        assert!(
            roles.contains(&role),
            "{role:?} missing from {:?}",
            alarm_project.selected
        );
    }
    // The numeric actions outrank the plain ones once coverage is met.
    let action = alarm_project
        .selected
        .iter()
        .find(|selected| selected.fact.role == Role::Action)
        .expect("an action");
    assert!(action.reason.contains("number"), "{}", action.reason);
}

#[test]
fn selected_facts_fit_the_budget_by_the_real_tokenizer() {
    let facts = facts();
    for encoding in ["o200k_base", "cl100k_base"] {
        let counter = TokenCounter::new(encoding).expect("encoding");
        for budget in [0, 40, 120, 300, 100_000] {
            let options = ContextOptions {
                budget,
                ..ContextOptions::default()
            };
            let context = build_context(&facts, COMPANY, &options, &counter);
            assert_eq!(context.encoding, encoding);
            for project in &context.projects {
                let quoted: String = project
                    .selected
                    .iter()
                    .map(|selected| fact_line(&selected.fact) + "\n")
                    .collect();
                assert!(project.tokens <= budget, "{} > {budget}", project.tokens);
                assert!(
                    counter.count(&quoted) <= budget,
                    "{encoding}, budget {budget}: {} quoted tokens in `{}`",
                    counter.count(&quoted),
                    project.title
                );
                assert_eq!(counter.count(&quoted), project.tokens, "{}", project.title);
            }
        }
    }
}

#[test]
fn since_and_until_narrow_projects_and_facts() {
    let since = context(&ContextOptions {
        since: Some("2025-01".to_string()),
        ..unlimited()
    });
    let payment = project(&since, "결제 서비스 MSA 분리");
    assert!(payment.selected.iter().all(|selected| selected
        .fact
        .source
        .path
        .ends_with("2025-annual.md")));
    let outside: Vec<&str> = payment
        .dropped
        .iter()
        .filter(|dropped| dropped.reason.starts_with("outside period"))
        .map(|dropped| dropped.fact.source.path.as_ref())
        .collect();
    assert!(!outside.is_empty());
    assert!(
        outside.iter().all(|path| path.ends_with("2024-annual.md")),
        "{outside:?}"
    );

    let until = context(&ContextOptions {
        until: Some("2024.12".to_string()),
        ..unlimited()
    });
    let payment = project(&until, "결제 서비스 MSA 분리");
    assert!(payment.selected.iter().all(|selected| selected
        .fact
        .source
        .path
        .ends_with("2024-annual.md")));

    // A project entirely outside the period is left out.
    let later = context(&ContextOptions {
        since: Some("2025-03-01".to_string()),
        ..unlimited()
    });
    let titles: Vec<&str> = later
        .projects
        .iter()
        .map(|project| project.title.as_str())
        .collect();
    assert_eq!(titles, vec!["알림 서버", "검색 API"]);
}

#[test]
fn project_names_filter_by_the_same_similarity() {
    let only = context(&ContextOptions {
        project: Some("결제 MSA".to_string()),
        ..unlimited()
    });
    let titles: Vec<&str> = only
        .projects
        .iter()
        .map(|project| project.title.as_str())
        .collect();
    assert_eq!(titles, vec!["결제 서비스 MSA 분리"]);
    let none = context(&ContextOptions {
        project: Some("쿠버네티스".to_string()),
        ..unlimited()
    });
    assert!(none.projects.is_empty());
}

#[test]
fn every_fact_left_out_has_a_reason_and_every_fact_is_accounted_for() {
    let facts = facts();
    for budget in [30, 100_000] {
        let options = ContextOptions {
            budget,
            since: Some("2024.12".to_string()),
            ..ContextOptions::default()
        };
        let context = build_context(&facts, COMPANY, &options, counter());
        let known_reasons = [
            "over budget",
            "outside period",
            "not linked to a project",
            "duplicate of",
        ];
        let left_out = context
            .projects
            .iter()
            .flat_map(|project| &project.dropped)
            .chain(&context.unlinked);
        for dropped in left_out {
            assert!(
                known_reasons
                    .iter()
                    .any(|known| dropped.reason.starts_with(known)),
                "{}: `{}`",
                dropped.fact.id,
                dropped.reason
            );
        }
        for selected in context
            .projects
            .iter()
            .flat_map(|project| &project.selected)
        {
            assert!(
                selected.reason.starts_with("relevance "),
                "{}",
                selected.reason
            );
        }
        let mut seen: HashSet<&str> = context
            .unlinked
            .iter()
            .map(|dropped| dropped.fact.id.as_str())
            .collect();
        for project in &context.projects {
            seen.extend(all_ids(project));
        }
        for fact in facts.iter().filter(|fact| fact.company.as_ref() == COMPANY) {
            assert!(
                seen.contains(fact.id.as_str()),
                "{} `{}` is nowhere",
                fact.id,
                fact.text
            );
        }
    }
}

#[test]
fn selected_facts_keep_source_order_within_each_role() {
    let facts = facts();
    let context = build_context(&facts, COMPANY, &unlimited(), counter());
    for project in &context.projects {
        let keys: Vec<(usize, usize)> = project
            .selected
            .iter()
            .map(|selected| {
                let role = match selected.fact.role {
                    Role::Background => 0,
                    Role::Action => 1,
                    Role::Result => 2,
                    Role::Lesson => 3,
                    Role::Other => 4,
                };
                let position = facts
                    .iter()
                    .position(|fact| fact.id == selected.fact.id)
                    .expect("known fact");
                (role, position)
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{}", project.title);
    }
}

#[test]
fn invalid_dates_are_errors_and_leave_every_fact_out_with_the_reason() {
    let options = ContextOptions {
        since: Some("지난주".to_string()),
        ..unlimited()
    };
    let error = options.validate().expect_err("invalid since");
    assert!(error.to_string().contains("--since"), "{error}");
    let context = context(&options);
    assert!(context.projects.is_empty());
    assert!(context
        .unlinked
        .iter()
        .all(|dropped| dropped.reason.contains("--since")));
    let reversed = ContextOptions {
        since: Some("2025-03".to_string()),
        until: Some("2025-01".to_string()),
        ..unlimited()
    };
    assert!(reversed.validate().is_err());
}

#[test]
fn unknown_encodings_are_named() {
    let error = TokenCounter::new("o300k").expect_err("unknown");
    let message = error.to_string();
    assert!(
        message.contains("o300k") && message.contains("cl100k_base"),
        "{message}"
    );
    let korean = "결제 서비스 MSA 분리 완료";
    let o200k = TokenCounter::new("o200k_base").expect("o200k_base");
    let cl100k = TokenCounter::new("cl100k_base").expect("cl100k_base");
    assert!(o200k.count(korean) > 0 && cl100k.count(korean) > 0);
    assert_eq!(
        draft::context::encoding_for_model("gpt-4o-mini"),
        Some("o200k_base")
    );
    assert_eq!(draft::context::encoding_for_model("qwen2.5:7b"), None);
}

#[test]
fn a_note_section_is_no_topic_and_one_document_never_merges_with_itself() {
    let profile = parse_profile(
        "[[companies]]\nname = \"테스트노트\"\n",
        Path::new("draft.toml"),
    )
    .expect("profile");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/context/notes.md");
    let text = std::fs::read_to_string(path).expect("fixture");
    let (document, _) = parse_document(
        &text,
        "fixtures/context/notes.md".to_string(),
        "notes.md".to_string(),
    );
    let facts = extract_facts(vec![document], &profile);
    assert!(facts
        .iter()
        .any(|fact| fact.topic.as_deref() == Some("프로젝트")));
    let context = build_context(&facts, "테스트노트", &unlimited(), counter());
    let titles: Vec<&str> = context
        .projects
        .iter()
        .map(|project| project.title.as_str())
        .collect();
    assert_eq!(
        titles,
        vec![
            "쿠버네티스 모범 사례",
            "법인 외부 차량 예약",
            "법인 외부 차량 예약 분리"
        ]
    );
    assert!(context
        .projects
        .iter()
        .all(|project| project.topic.is_none()));
    assert!(context
        .projects
        .iter()
        .all(|project| project.titles.len() == 1));
    // By title alone these two would merge; one document never merges with itself.
    assert!(draft::context::same_project(
        "법인 외부 차량 예약",
        "법인 외부 차량 예약 분리"
    ));
}

#[test]
fn planned_work_is_left_out_with_the_reason() {
    let profile = parse_profile(
        "[[companies]]\nname = \"테스트닥터\"\n",
        Path::new("draft.toml"),
    )
    .expect("profile");
    let text = "---\ntitle: \"주간 회고록 (2025.12.01 ~ 2025.12.12)\"\ndate: \"2025-12-12\"\ntags: [회고, 테스트닥터]\n---\n\n\
## 완료한 작업\n\n#### 결제수단 삭제 버그 수정\n\n- 원인: 외래 키 제약으로 삭제 실패\n- 해결: 소프트 삭제로 전환해 3건 처리\n\
- [x] 운영 배포 완료\n- [ ] 회귀 테스트 추가\n\n\
## 진행 중인 작업\n\n#### 계획된 작업 범위\n\n**Phase 1 목표 (2025.12.23 완료 예정)**\n- [ ] 구독 정렬 기능\n- [ ] 웹소켓 실시간 갱신\n\n\
## 다음 주 계획\n\n1. **결제수단 삭제 버그 수정** 후속: 모니터링 2주\n";
    let (document, warnings) =
        parse_document(text, "weekly.md".to_string(), "weekly.md".to_string());
    assert!(warnings.is_empty(), "{warnings:?}");
    let facts = extract_facts(vec![document], &profile);
    let context = build_context(&facts, COMPANY, &unlimited(), counter());

    let titles: Vec<&str> = context.projects.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["결제수단 삭제 버그 수정"], "{titles:?}");
    let drafted: Vec<&str> = context.projects[0]
        .selected
        .iter()
        .map(|selected| selected.fact.text.as_str())
        .collect();
    assert!(
        drafted.iter().all(|text| !text.contains("모니터링")),
        "{drafted:?}"
    );
    assert!(drafted.contains(&"운영 배포 완료"), "{drafted:?}");
    assert!(!drafted.contains(&"회귀 테스트 추가"), "{drafted:?}");

    let planned: Vec<(&str, &str)> = context
        .unlinked
        .iter()
        .filter(|dropped| dropped.reason.starts_with("planned, not done"))
        .map(|dropped| (dropped.fact.text.as_str(), dropped.reason.as_str()))
        .collect();
    assert_eq!(planned.len(), 4, "{planned:?}");
    assert_eq!(
        planned[0],
        (
            "회귀 테스트 추가",
            "planned, not done (an unchecked task, `- [ ]`)"
        )
    );
    assert!(planned[1].1.contains("계획된 작업 범위"), "{planned:?}");
    assert!(planned[3].1.contains("다음 주 계획"), "{planned:?}");
    let task = |text: &str| {
        facts
            .iter()
            .find(|fact| fact.text == text)
            .map(|fact| fact.task)
    };
    assert_eq!(task("운영 배포 완료"), Some(Some(Task::Done)));
    assert_eq!(task("회귀 테스트 추가"), Some(Some(Task::Open)));
    assert_eq!(task("원인: 외래 키 제약으로 삭제 실패"), Some(None));
}
