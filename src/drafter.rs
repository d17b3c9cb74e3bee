//! Writes the 배경/담당/결과 sections of a 경력기술서 from a [`Context`]:
//! offline by choosing and lightly normalising source sentences (never
//! changing a number), or through a model, with every bullet verified, one
//! repair round for bad numbers, and anything still unsupported marked.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use serde::Serialize;

use crate::context::{Context, Project, SelectedFact};
use crate::error::Error;
use crate::facts::{Fact, FactKind, Period, Role};
use crate::llm::{ChatMessage, ChatRequest, ModelClient, ResponseSchema};
use crate::prompt::{
    parse_reply, reply_schema_for_facts, DraftInput, DraftReply, PromptSet, ReaskInput,
    RepairInput, RepairProblem, ReplyBullet,
};
use crate::quantity::extract_quantities;
use crate::redact::Redaction;
use crate::verify::{verify_markdown, Claim, Status};

/// How a draft was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftMode {
    Offline,
    Model,
}

/// A drafted 경력기술서 for one company.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub company: String,
    /// The period line as the user writes it (`2022.04.18 ~ 재직중`).
    pub period: Option<String>,
    pub mode: DraftMode,
    pub sections: Vec<Section>,
    /// Projects the model could not draft (after a re-ask), with the reason.
    pub failures: Vec<SectionFailure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionFailure {
    pub title: String,
    pub reason: String,
}

/// One project: `## 가상 계좌` with its 배경, 담당 and 결과.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub topic: Option<String>,
    pub title: String,
    pub background: Vec<Bullet>,
    pub action: Vec<Bullet>,
    pub result: Vec<Bullet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bullet {
    /// The bullet as it will be printed: unsupported numbers are already marked.
    pub text: String,
    /// The fact ids it rests on.
    pub facts: Vec<String>,
    /// Every number in the bullet with its verifier status.
    pub claims: Vec<Claim>,
    pub children: Vec<Bullet>,
}

/// A number that is neither supported nor derived, as listed under the draft.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub section: String,
    pub part: &'static str,
    pub number: String,
    pub status: Status,
    pub reason: String,
    pub bullet: String,
}

impl Section {
    pub fn parts(&self) -> [(&'static str, &Vec<Bullet>); 3] {
        [
            ("배경", &self.background),
            ("담당", &self.action),
            ("결과", &self.result),
        ]
    }
}

impl Draft {
    /// Every unsupported or mismatched number, in order.
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for section in &self.sections {
            for (part, bullets) in section.parts() {
                let mut stack: Vec<&Bullet> = bullets.iter().rev().collect();
                while let Some(bullet) = stack.pop() {
                    for claim in &bullet.claims {
                        if matches!(claim.status, Status::Mismatch | Status::Unsupported) {
                            findings.push(Finding {
                                section: section.title.clone(),
                                part,
                                number: claim.text.clone(),
                                status: claim.status,
                                reason: claim.reason.clone().unwrap_or_default(),
                                bullet: bullet.text.clone(),
                            });
                        }
                    }
                    stack.extend(bullet.children.iter().rev());
                }
            }
        }
        findings
    }
}

/// Formats a period as the career description does: `2022.04.18 ~ 재직중`.
pub fn period_line(period: &Period) -> Option<String> {
    let dotted = |date: &str| date.replace('-', ".");
    let start = dotted(period.start.as_deref()?);
    Some(match period.end.as_deref() {
        Some(end) => format!("{start} ~ {}", dotted(end)),
        None => format!("{start} ~ 재직중"),
    })
}

/// Drafts every project of `context` offline: source sentences, lightly
/// normalised, numbers untouched, each verified against `company_facts`.
pub fn draft_offline(context: &Context, company_facts: &[Fact], period: Option<String>) -> Draft {
    let sections = context
        .projects
        .iter()
        .map(|project| offline_section(project, company_facts))
        .filter(|section| {
            !(section.background.is_empty()
                && section.action.is_empty()
                && section.result.is_empty())
        })
        .collect();
    Draft {
        company: context.company.clone(),
        period,
        mode: DraftMode::Offline,
        sections,
        failures: Vec::new(),
    }
}

fn offline_section(project: &Project, company_facts: &[Fact]) -> Section {
    let selected: HashSet<&str> = project
        .selected
        .iter()
        .map(|selected| selected.fact.id.as_str())
        .collect();
    // Children are drawn under their selected parent, so skip them at top level.
    let is_nested = |fact: &Fact| {
        fact.parent
            .as_deref()
            .is_some_and(|parent| selected.contains(parent))
    };
    let mut background = Vec::new();
    let mut action = Vec::new();
    let mut result = Vec::new();
    for chosen in &project.selected {
        let fact = &chosen.fact;
        if is_nested(fact) {
            continue;
        }
        let part = match (fact.role, fact.kind) {
            (Role::Background, _) => &mut background,
            (Role::Action, _) => &mut action,
            (Role::Result, _) => &mut result,
            (_, FactKind::TableRow) if !fact.quantities.is_empty() => &mut result,
            _ => continue,
        };
        let children = project
            .selected
            .iter()
            .filter(|child| child.fact.parent.as_deref() == Some(fact.id.as_str()))
            .map(|child| offline_bullet(&child.fact, Vec::new(), company_facts))
            .collect();
        part.push(offline_bullet(fact, children, company_facts));
    }
    Section {
        topic: project.topic.clone(),
        title: project.title.clone(),
        background,
        action,
        result,
    }
}

fn offline_bullet(fact: &Fact, children: Vec<Bullet>, company_facts: &[Fact]) -> Bullet {
    let text = normalise_sentence(fact);
    // An offline bullet is its source sentence with the same numbers, so it
    // is first checked against that one fact: elsewhere in the company a
    // look-alike sentence (the same month of another year's table) could
    // otherwise outvote its own source. Whatever its own fact does not
    // support is checked against all the company's facts, as usual.
    let own = verify_markdown(&text, std::slice::from_ref(fact));
    let all = verify_markdown(&text, company_facts);
    let claims: Vec<Claim> = all
        .into_iter()
        .map(|claim| {
            if !claim.status.is_problem() {
                return claim;
            }
            own.iter()
                .find(|candidate| {
                    candidate.column == claim.column
                        && candidate.text == claim.text
                        && !candidate.status.is_problem()
                })
                .cloned()
                .unwrap_or(claim)
        })
        .collect();
    let marked = mark_unsupported(&text, &claims);
    Bullet {
        text: marked,
        facts: vec![fact.id.to_string()],
        claims,
        children,
    }
}

/// Verifies a bullet's numbers and marks those that are not supported.
fn finish_bullet(
    text: String,
    facts: Vec<String>,
    children: Vec<Bullet>,
    company_facts: &[Fact],
) -> Bullet {
    let claims = verify_markdown(&text, company_facts);
    let text = mark_unsupported(&text, &claims);
    Bullet {
        text,
        facts,
        claims,
        children,
    }
}

/// Replaces each mismatched or unsupported number with a visible marker:
/// `⚠[확인 필요: 97% — 출처 없음]`.
pub fn mark_unsupported(text: &str, claims: &[Claim]) -> String {
    let bad: Vec<&Claim> = claims
        .iter()
        .filter(|claim| matches!(claim.status, Status::Mismatch | Status::Unsupported))
        .collect();
    if bad.is_empty() {
        return text.to_string();
    }
    // Each claim is placed on the quantity with its surface nearest to its
    // 1-based character column, so `20` is never marked inside `2024`.
    let quantities = extract_quantities(text);
    let mut spans: Vec<(usize, usize, &Claim)> = Vec::new();
    for claim in bad {
        let nearest = quantities
            .iter()
            .filter(|quantity| quantity.surface == claim.text)
            .filter(|quantity| !spans.iter().any(|(start, _, _)| *start == quantity.start))
            .min_by_key(|quantity| {
                let column = text[..quantity.start].chars().count() + 1;
                column.abs_diff(claim.column)
            });
        let span = nearest
            .map(|quantity| (quantity.start, quantity.end))
            .or_else(|| {
                // Never leave a bad number unmarked: fall back to the nearest
                // occurrence of its text.
                text.match_indices(claim.text.as_str())
                    .map(|(start, found)| (start, start + found.len()))
                    .filter(|(start, _)| !spans.iter().any(|(taken, _, _)| taken == start))
                    .min_by_key(|(start, _)| {
                        (text[..*start].chars().count() + 1).abs_diff(claim.column)
                    })
            });
        if let Some((start, end)) = span {
            spans.push((start, end, claim));
        }
    }
    spans.sort_by_key(|(start, _, _)| *start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0usize;
    for (start, end, claim) in spans {
        if start < cursor {
            continue;
        }
        out.push_str(&text[cursor..start]);
        let reason = match claim.status {
            Status::Mismatch => "출처와 다름",
            _ => "출처 없음",
        };
        out.push_str(&format!("⚠[확인 필요: {} — {reason}]", claim.text));
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// Light normalisation for a résumé bullet: drop a structural label
/// (`원인:`), a trailing period and a polite verb ending. The result must
/// keep every number exactly; otherwise the source text is used as is.
fn normalise_sentence(fact: &Fact) -> String {
    if fact.kind == FactKind::TableRow {
        return table_sentence(fact);
    }
    let source = fact.markup.as_deref().unwrap_or(&fact.text);
    let mut text = source.trim().to_string();
    if let Some(label) = &fact.label {
        for prefix in [
            format!("{label}:"),
            format!("{label}："),
            format!("**{label}**:"),
            format!("**{label}:**"),
        ] {
            if let Some(rest) = text.strip_prefix(&prefix) {
                text = rest.trim().to_string();
            }
        }
    }
    // Only endings with a safe résumé form: `시작했습니다` → `시작`,
    // `해결되었습니다` → `해결됨`. Another verb keeps its ending
    // (`피드백을 받았습니다`), since cutting it would leave a broken word.
    for (ending, replacement) in [
        ("했습니다.", ""),
        ("하였습니다.", ""),
        ("했습니다", ""),
        ("되었습니다.", "됨"),
        ("됐습니다.", "됨"),
        ("했다.", ""),
        ("했다", ""),
    ] {
        let Some(stem) = text.strip_suffix(ending) else {
            continue;
        };
        if !stem.ends_with(char::is_whitespace) || replacement == "됨" {
            text = format!("{}{replacement}", stem.trim_end());
        } else if let Some(object) = stem
            .trim_end()
            .strip_suffix('를')
            .or_else(|| stem.trim_end().strip_suffix('을'))
            .filter(|object| !object.trim().is_empty())
        {
            // `진행 주도를 했습니다` → `진행 주도`; `가능해야 했다` stays.
            text = object.trim_end().to_string();
        }
        break;
    }
    let text = text.trim_end_matches('.').trim().to_string();
    let surfaces = |value: &str| -> Vec<String> {
        extract_quantities(value)
            .into_iter()
            .map(|quantity| quantity.surface.into_string())
            .collect()
    };
    if text.is_empty() || surfaces(&text) != surfaces(&fact.text) {
        return source.to_string();
    }
    text
}

/// `2월 | 35 (31+4) | 29 | 결제 MSA 분리 완료` under its header →
/// `2025년 2월 전체: 커밋 35 (BE 31 + FE 4), 이슈 29 · 결제 MSA 분리 완료`:
/// each numeric cell keeps its column header (from the quantity's label) so
/// a reader and the verifier know what the number counts.
fn table_sentence(fact: &Fact) -> String {
    let mut cells = Vec::new();
    let mut offset = 0usize;
    for cell in fact.text.split(" | ") {
        cells.push((offset, cell));
        offset += cell.len() + " | ".len();
    }
    let Some(((_, key), rest)) = cells.split_first() else {
        return fact.text.clone();
    };
    let mut parts = Vec::new();
    let mut words = Vec::new();
    for (start, cell) in rest {
        let cell = cell.trim();
        if cell.is_empty() || cell == "-" {
            continue;
        }
        let end = start + cell.len();
        let inside: Vec<&crate::quantity::Quantity> = fact
            .quantities
            .iter()
            .filter(|quantity| quantity.start >= *start && quantity.end <= end)
            .collect();
        let label_part = |quantity: &crate::quantity::Quantity, index: usize| -> Option<String> {
            quantity
                .label
                .as_deref()
                .and_then(|label| label.split(" · ").nth(index))
                .map(str::to_string)
        };
        let header = inside.first().and_then(|quantity| label_part(quantity, 1));
        // `35 (31+4)` under `커밋 (BE+FE)` → `커밋 35 (BE 31 + FE 4)`.
        let split: Option<Vec<String>> =
            inside
                .get(1..)
                .filter(|rest| !rest.is_empty())
                .and_then(|rest| {
                    rest.iter()
                        .map(|quantity| {
                            label_part(quantity, 2)
                                .map(|part| format!("{part} {}", quantity.surface))
                        })
                        .collect()
                });
        match (header, split) {
            (Some(header), Some(split)) => {
                let name = header
                    .split(" (")
                    .next()
                    .unwrap_or(&header)
                    .trim()
                    .to_string();
                parts.push(format!(
                    "{name} {} ({})",
                    inside[0].surface,
                    split.join(" + ")
                ));
            }
            (Some(header), None) => parts.push(format!("{header} {cell}")),
            _ if inside.is_empty() => words.push(cell.to_string()),
            _ => parts.push(cell.to_string()),
        }
    }
    if parts.is_empty() {
        return fact.text.clone();
    }
    // `4월` alone is ambiguous across annual retrospectives: name the year.
    // A month's or quarter's counts are the whole period's, not one
    // project's, though the row sits under each project it names: say so.
    let period_key = crate::facts::month_span(key).is_some() || is_quarter(key);
    let key = match fact.period.as_deref().and_then(Period::year) {
        Some(year) if period_key && !key.contains('년') => format!("{year}년 {key} 전체"),
        _ if period_key => format!("{key} 전체"),
        _ => key.to_string(),
    };
    let mut sentence = format!("{key}: {}", parts.join(", "));
    if !words.is_empty() {
        sentence.push_str(" · ");
        sentence.push_str(&words.join(", "));
    }
    sentence
}

/// `Q1` … `Q4`.
fn is_quarter(key: &str) -> bool {
    matches!(key.trim(), "Q1" | "Q2" | "Q3" | "Q4")
}

/// Settings for drafting through a model.
pub struct ModelDrafting<'a> {
    pub client: Arc<ModelClient>,
    pub prompts: &'a PromptSet,
    pub jobs: usize,
    pub temperature: f32,
}

/// Drafts every project through the model, `jobs` at a time, each with one
/// re-ask for an invalid reply and one repair round for bad numbers; with
/// `redaction`, personal data is replaced by placeholders in every message
/// sent and put back in the replies.
pub async fn draft_with_model_redacted(
    context: &Context,
    company_facts: &[Fact],
    period: Option<String>,
    settings: &ModelDrafting<'_>,
    redaction: Option<&Redaction>,
) -> Result<Draft, Error> {
    let company_period = context.company_period.clone();
    let results: Vec<Result<Section, (String, String)>> = stream::iter(context.projects.iter())
        .map(|project| {
            let company_period = company_period.clone();
            async move {
                model_section(
                    &context.company,
                    company_period.as_ref(),
                    project,
                    company_facts,
                    settings,
                    redaction,
                )
                .await
                .map_err(|error| (project.title.clone(), format!("{error:#}")))
            }
        })
        .buffered(settings.jobs.max(1))
        .collect()
        .await;
    let mut sections = Vec::new();
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(section) => sections.push(section),
            Err((title, reason)) => failures.push(SectionFailure { title, reason }),
        }
    }
    Ok(Draft {
        company: context.company.clone(),
        period,
        mode: DraftMode::Model,
        sections,
        failures,
    })
}

/// A model's 주제 heading is taken only when it is a short plain heading
/// (`서비스 개선`): it is not verified like a bullet, so it may hold no digit.
fn is_plain_topic(topic: &str) -> bool {
    let topic = topic.trim();
    !topic.is_empty()
        && topic.chars().count() <= 30
        && !topic.chars().any(|character| character.is_numeric())
        && !topic.contains(['[', ']', '{', '}', '#', '*', '`', '\n'])
}

/// A model reply: its text (placeholders restored) and whether the server
/// cut it off (`finish_reason: length`).
struct Asked {
    content: String,
    cut_off: bool,
}

/// Sends `messages` (redacted first when `redaction` is set) and returns the
/// reply with placeholders restored. A reply that does not parse against
/// `allowed` is dropped from the response cache, so a later run asks again
/// instead of replaying it.
async fn ask(
    client: &ModelClient,
    messages: Vec<ChatMessage>,
    temperature: f32,
    redaction: Option<&Redaction>,
    allowed: &HashSet<String>,
) -> Result<Asked, Error> {
    let messages = match redaction {
        Some(redaction) => messages
            .into_iter()
            .map(|message| ChatMessage {
                role: message.role,
                content: redaction.redact(&message.content),
            })
            .collect(),
        None => messages,
    };
    // Fact ids limited to the project's own (sorted, so the cache key is
    // stable): a server that enforces the schema cannot invent one.
    let mut ids: Vec<String> = allowed.iter().cloned().collect();
    ids.sort();
    let request = ChatRequest {
        messages,
        temperature,
        max_tokens: Some(2048),
        response_schema: Some(ResponseSchema {
            name: "career_section".to_string(),
            schema: reply_schema_for_facts(&ids),
        }),
    };
    let reply = client.complete(&request).await?;
    let content = match redaction {
        Some(redaction) => redaction.restore(&reply.content),
        None => reply.content,
    };
    if parse_reply(&content, allowed).is_err() {
        client.forget(&request);
    }
    Ok(Asked {
        content,
        cut_off: reply.finish_reason.as_deref() == Some("length"),
    })
}

async fn model_section(
    company: &str,
    company_period: Option<&Period>,
    project: &Project,
    company_facts: &[Fact],
    settings: &ModelDrafting<'_>,
    redaction: Option<&Redaction>,
) -> Result<Section, Error> {
    let input = DraftInput::from_project(company, company_period, project);
    let allowed: HashSet<String> = project
        .selected
        .iter()
        .map(|selected| selected.fact.id.to_string())
        .collect();
    let messages = settings.prompts.draft_messages(&input)?;
    let first = ask(
        &settings.client,
        messages.clone(),
        settings.temperature,
        redaction,
        &allowed,
    )
    .await?;
    let content = first.content;
    let (mut reply, conversation, last_content) = match parse_reply(&content, &allowed) {
        Ok(reply) => (reply, messages, content),
        Err(error) => {
            let reask = settings.prompts.reask_messages(&ReaskInput {
                messages: messages.clone(),
                reply: content.clone(),
                error: error.to_string(),
                cut_off: first.cut_off,
            })?;
            let asked = ask(
                &settings.client,
                reask.clone(),
                settings.temperature,
                redaction,
                &allowed,
            )
            .await?;
            let content = asked.content;
            let reply = parse_reply(&content, &allowed).map_err(|error| Error::Input {
                path: settings.client.endpoint().display_url().into(),
                message: format!(
                    "the reply is still invalid after a re-ask{}: {error}",
                    if asked.cut_off {
                        " (cut off: finish_reason `length`)"
                    } else {
                        ""
                    }
                ),
            })?;
            (reply, reask, content)
        }
    };

    let facts_by_id: HashMap<&str, &Fact> = company_facts
        .iter()
        .map(|fact| (fact.id.as_str(), fact))
        .collect();
    let problems = collect_problems(&reply, company_facts, &facts_by_id);
    if !problems.is_empty() {
        let cited: Vec<SelectedFact> = project
            .selected
            .iter()
            .filter(|selected| {
                problems
                    .iter()
                    .any(|problem| problem.facts.iter().any(|id| *id == selected.fact.id))
            })
            .cloned()
            .collect();
        let repair = settings.prompts.repair_messages(&RepairInput {
            messages: conversation,
            reply: last_content,
            problems,
            cited,
        })?;
        let content = ask(
            &settings.client,
            repair,
            settings.temperature,
            redaction,
            &allowed,
        )
        .await?
        .content;
        // A repair that comes back invalid keeps the first reply (then marked).
        if let Ok(repaired) = parse_reply(&content, &allowed) {
            reply = repaired;
        }
    }
    Ok(section_from_reply(project, reply, company_facts))
}

/// The numbers in a reply that the verifier does not accept.
fn collect_problems(
    reply: &DraftReply,
    company_facts: &[Fact],
    facts_by_id: &HashMap<&str, &Fact>,
) -> Vec<RepairProblem> {
    let mut problems = Vec::new();
    let mut visit = |text: &str, facts: &[String]| {
        for claim in verify_markdown(text, company_facts) {
            if matches!(claim.status, Status::Mismatch | Status::Unsupported) {
                problems.push(RepairProblem {
                    bullet: text.to_string(),
                    number: claim.text.clone(),
                    status: claim.status,
                    reason: claim.reason.clone().unwrap_or_default(),
                    facts: facts
                        .iter()
                        .filter(|id| facts_by_id.contains_key(id.as_str()))
                        .cloned()
                        .collect(),
                });
            }
        }
    };
    for bullet in reply.bullets() {
        visit(&bullet.text, &bullet.facts);
        for child in &bullet.children {
            visit(&child.text, &child.facts);
        }
    }
    problems
}

fn section_from_reply(project: &Project, reply: DraftReply, company_facts: &[Fact]) -> Section {
    let convert = |bullets: Vec<ReplyBullet>| -> Vec<Bullet> {
        bullets
            .into_iter()
            .map(|bullet| {
                let children = bullet
                    .children
                    .into_iter()
                    .map(|child| finish_bullet(child.text, child.facts, Vec::new(), company_facts))
                    .collect();
                finish_bullet(bullet.text, bullet.facts, children, company_facts)
            })
            .collect()
    };
    Section {
        topic: reply
            .topic
            .clone()
            .filter(|topic| is_plain_topic(topic))
            .or_else(|| project.topic.clone()),
        title: project.title.clone(),
        background: convert(reply.background),
        action: convert(reply.action),
        result: convert(reply.result),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str) -> String {
        let fact = Fact {
            id: "f000000000000".into(),
            text: text.to_string(),
            markup: None,
            kind: FactKind::Bullet,
            role: Role::Action,
            label: None,
            heading_path: Vec::new().into(),
            topic: None,
            project: None,
            company: "테스트".into(),
            period: None,
            source: crate::facts::Provenance {
                path: "x.md".into(),
                line_start: 1,
                line_end: 1,
            },
            parent: None,
            quantities: extract_quantities(text).into(),
            task: None,
        };
        normalise_sentence(&fact)
    }

    #[test]
    fn polite_endings_are_dropped_only_where_the_rest_reads_whole() {
        assert_eq!(sentence("공부를 시작했습니다."), "공부를 시작");
        assert_eq!(sentence("스터디를 진행했다."), "스터디를 진행");
        assert_eq!(
            sentence("결제 오류가 해결되었습니다."),
            "결제 오류가 해결됨"
        );
        assert_eq!(
            sentence("스터디 진행 방식과 진행 주도를 했습니다."),
            "스터디 진행 방식과 진행 주도"
        );
        assert_eq!(sentence("예약이 가능해야 했다."), "예약이 가능해야 했다");
        assert_eq!(
            sentence("많은 도움이 되었다는 피드백을 받았습니다."),
            "많은 도움이 되었다는 피드백을 받았습니다"
        );
        assert_eq!(
            sentence("응답시간을 600ms에서 33ms로 단축했습니다."),
            "응답시간을 600ms에서 33ms로 단축"
        );
    }

    #[test]
    fn a_month_row_reads_as_that_months_whole_counts() {
        let text = "---\ntitle: \"2025 연간 회고\"\ndate: \"2025-12-31\"\n---\n\n\
                    | 월 | 커밋 (BE+FE) | 이슈 | 주요 작업 |\n|---|---|---|---|\n\
                    | 2월 | 35 (31+4) | 29 | 결제 MSA 분리 완료 |\n";
        let (document, _) =
            crate::ingest::parse_document(text, "a.md".to_string(), "a.md".to_string());
        let profile = crate::config::Profile::default();
        let facts = crate::facts::extract_facts(vec![document], &profile);
        let row = facts
            .iter()
            .find(|fact| fact.kind == FactKind::TableRow)
            .map(normalise_sentence);
        assert_eq!(
            row.as_deref(),
            Some("2025년 2월 전체: 커밋 35 (BE 31 + FE 4), 이슈 29 · 결제 MSA 분리 완료")
        );
    }

    #[test]
    fn only_plain_topics_from_a_model_are_taken() {
        assert!(is_plain_topic("서비스 개선"));
        assert!(is_plain_topic("업무 환경 개선"));
        assert!(!is_plain_topic("[{}] (2019) [BEGINED]"));
        assert!(!is_plain_topic("2024 성과"));
        assert!(!is_plain_topic("  "));
    }
}
