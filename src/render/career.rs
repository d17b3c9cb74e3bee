//! Renders a [`Draft`] in the user's own 경력기술서 layout (`# **회사**`, the
//! period line, 주제 headings, `## 프로젝트`, `### 배경/담당/결과`), as JSON
//! with fact ids and verifier statuses, and the `--dry-run` report.

use std::fmt::Write as _;

use serde::Serialize;

use crate::context::Context;
use crate::drafter::{Bullet, Draft, Finding};
use crate::llm::{ChatMessage, ChatRole};

/// The draft as Markdown, with a findings section when any number is unsupported.
pub fn render_draft_markdown(draft: &Draft) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# **{}**\n", draft.company);
    if let Some(period) = &draft.period {
        let _ = writeln!(out, "**{period}**\n");
    }
    let mut current_topic: Option<&str> = None;
    for section in &draft.sections {
        if let Some(topic) = section.topic.as_deref() {
            if current_topic != Some(topic) {
                let _ = writeln!(out, "# {topic}\n");
                current_topic = Some(topic);
            }
        }
        let _ = writeln!(out, "## {}\n", section.title);
        for (part, bullets) in section.parts() {
            if bullets.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {part}\n");
            for bullet in bullets {
                write_bullet(&mut out, bullet, 0);
            }
            out.push('\n');
        }
    }
    let findings = draft.findings();
    if !findings.is_empty() {
        out.push_str(&render_findings(&findings));
    }
    if !draft.failures.is_empty() {
        out.push_str("---\n\n## ⚠ 작성 실패\n\n");
        for failure in &draft.failures {
            let _ = writeln!(out, "- {}: {}", failure.title, failure.reason);
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn write_bullet(out: &mut String, bullet: &Bullet, depth: usize) {
    let _ = writeln!(out, "{}- {}", "    ".repeat(depth), bullet.text);
    for child in &bullet.children {
        write_bullet(out, child, depth + 1);
    }
}

/// The `## ⚠ 확인 필요` table listing every unsupported or mismatched number.
pub fn render_findings(findings: &[Finding]) -> String {
    let mut out = String::from("---\n\n## ⚠ 확인 필요\n\n| 프로젝트 | 항목 | 숫자 | 상태 | 이유 |\n|---|---|---|---|---|\n");
    for finding in findings {
        let status = serde_json::to_value(finding.status)
            .ok()
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            escape_cell(&finding.section),
            finding.part,
            escape_cell(&finding.number),
            status,
            escape_cell(&finding.reason)
        );
    }
    out.push('\n');
    out
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[derive(Serialize)]
struct DraftDocument<'a> {
    version: u32,
    #[serde(flatten)]
    draft: &'a Draft,
    findings: Vec<Finding>,
}

/// The draft as JSON: sections, bullets with fact ids and claims, findings.
pub fn render_draft_json(draft: &Draft) -> String {
    let document = DraftDocument {
        version: 1,
        draft,
        findings: draft.findings(),
    };
    serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
}

/// One project's rendered prompt, for `--dry-run`.
pub struct PlannedCall {
    pub title: String,
    pub messages: Vec<ChatMessage>,
    pub tokens: usize,
}

/// What `--dry-run` prints: per project, the selected facts and why, the
/// dropped ones and why, the rendered messages and their token counts.
pub fn render_dry_run(context: &Context, calls: &[PlannedCall], endpoint: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# dry run: {} — {} project(s), budget {} tokens/project ({}); nothing is sent",
        context.company,
        context.projects.len(),
        context.budget,
        context.encoding
    );
    if let Some(endpoint) = endpoint {
        let _ = writeln!(out, "# endpoint: {endpoint}");
    }
    for (project, call) in context.projects.iter().zip(calls) {
        let _ = writeln!(out, "\n## {}", project.title);
        if project.titles.len() > 1 {
            let _ = writeln!(out, "merged titles: {}", project.titles.join(" / "));
        }
        let _ = writeln!(
            out,
            "\nselected ({} facts, {} tokens):",
            project.selected.len(),
            project.tokens
        );
        for selected in &project.selected {
            let _ = writeln!(
                out,
                "  + {} {}:{} [{}] {}\n      {}",
                selected.fact.id,
                selected.fact.source.path,
                selected.fact.source.line_start,
                selected.fact.role.as_str(),
                selected.reason,
                selected.fact.text
            );
        }
        if !project.dropped.is_empty() {
            let _ = writeln!(out, "dropped ({}):", project.dropped.len());
            for dropped in &project.dropped {
                let _ = writeln!(
                    out,
                    "  - {} {}:{} {}",
                    dropped.fact.id,
                    dropped.fact.source.path,
                    dropped.fact.source.line_start,
                    dropped.reason
                );
            }
        }
        let _ = writeln!(out, "\nmessages ({} tokens):", call.tokens);
        for message in &call.messages {
            let role = match message.role {
                ChatRole::System => "system",
                ChatRole::User => "user",
                ChatRole::Assistant => "assistant",
            };
            let _ = writeln!(out, "--- {role}\n{}", message.content.trim_end());
        }
    }
    if !context.unlinked.is_empty() {
        let _ = writeln!(
            out,
            "\n## facts linked to no project ({})",
            context.unlinked.len()
        );
        for dropped in &context.unlinked {
            let _ = writeln!(
                out,
                "  - {} {}:{} {}",
                dropped.fact.id,
                dropped.fact.source.path,
                dropped.fact.source.line_start,
                dropped.reason
            );
        }
    }
    out
}
