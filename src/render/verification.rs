//! Renders the verifier's findings for people (text, coloured only when the
//! caller says the output is a terminal) and for scripts (stable JSON; the
//! schema is documented in the README's "Verification" section).

use serde::Serialize;

use crate::verify::{Claim, Inconsistency, SourceRef, Status};

const RESET: &str = "\u{1b}[0m";
const BOLD: &str = "\u{1b}[1m";
const DIM: &str = "\u{1b}[2m";

fn status_color(status: Status) -> &'static str {
    match status {
        Status::Supported => "\u{1b}[32m",
        Status::Derived => "\u{1b}[36m",
        Status::Mismatch => "\u{1b}[31m",
        Status::Unsupported => "\u{1b}[33m",
    }
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// Columns a character takes in a terminal: Hangul and other East Asian wide
/// characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|character| {
            let code = character as u32;
            let wide = (0x1100..=0x115F).contains(&code)
                || (0x2E80..=0xA4CF).contains(&code)
                || (0xAC00..=0xD7A3).contains(&code)
                || (0xF900..=0xFAFF).contains(&code)
                || (0xFE30..=0xFE4F).contains(&code)
                || (0xFF00..=0xFF60).contains(&code)
                || (0xFFE0..=0xFFE6).contains(&code);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Pads `text` with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let mut out = text.to_string();
    let used = display_width(text);
    if used < width {
        out.push_str(&" ".repeat(width - used));
    }
    out
}

fn location(source: &SourceRef) -> String {
    format!("{}:{}", source.path, source.line)
}

/// Counts per status, in the JSON's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub supported: usize,
    pub derived: usize,
    pub mismatch: usize,
    pub unsupported: usize,
}

impl Summary {
    pub fn of(claims: &[Claim]) -> Summary {
        let mut summary = Summary::default();
        for claim in claims {
            match claim.status {
                Status::Supported => summary.supported += 1,
                Status::Derived => summary.derived += 1,
                Status::Mismatch => summary.mismatch += 1,
                Status::Unsupported => summary.unsupported += 1,
            }
        }
        summary
    }
}

/// One line per claim: `line:column  text  status  source or derivation or reason`,
/// then a summary line.
pub fn render_verification_text(
    file: &str,
    company: Option<&str>,
    claims: &[Claim],
    color: bool,
) -> String {
    let mut out = String::new();
    let against = company
        .map(|name| format!("the facts of {name}"))
        .unwrap_or_else(|| "all facts".to_string());
    out.push_str(&paint(
        &format!("{file}: {} numbers checked against {against}", claims.len()),
        BOLD,
        color,
    ));
    out.push('\n');
    let text_width = claims
        .iter()
        .map(|claim| display_width(&claim.text))
        .max()
        .unwrap_or(0)
        .min(16);
    for claim in claims {
        let position = format!("{}:{}", claim.line, claim.column);
        let status = paint(
            &pad(claim.status.as_str(), 11),
            status_color(claim.status),
            color,
        );
        let detail = match claim.status {
            Status::Supported => claim
                .sources
                .iter()
                .map(location)
                .collect::<Vec<_>>()
                .join(", "),
            Status::Derived => {
                let from = claim
                    .sources
                    .iter()
                    .map(location)
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{} ← {from}", claim.derivation.as_deref().unwrap_or(""))
            }
            Status::Mismatch => {
                let at = claim
                    .sources
                    .iter()
                    .map(location)
                    .collect::<Vec<_>>()
                    .join(", ");
                let reason = claim
                    .reason
                    .as_deref()
                    .unwrap_or("the source states another value");
                // A reason that already names the place is not followed by it again.
                if at.is_empty() || reason.contains(&format!("({at})")) {
                    reason.to_string()
                } else {
                    format!("{reason} ({at})")
                }
            }
            Status::Unsupported => claim.reason.clone().unwrap_or_default(),
        };
        out.push_str(&format!(
            "  {}  {}  {status}  {detail}\n",
            pad(&position, 7),
            pad(&claim.text, text_width)
        ));
        if matches!(claim.status, Status::Mismatch) {
            for source in &claim.sources {
                out.push_str(&paint(
                    &format!("           {}: {}\n", location(source), source.text),
                    DIM,
                    color,
                ));
            }
        }
    }
    let summary = Summary::of(claims);
    out.push_str(&paint(
        &format!(
            "{} supported, {} derived, {} mismatch, {} unsupported\n",
            summary.supported, summary.derived, summary.mismatch, summary.unsupported
        ),
        BOLD,
        color,
    ));
    out
}

#[derive(Serialize)]
struct SourceView<'a> {
    path: &'a str,
    line: usize,
    text: &'a str,
}

impl<'a> SourceView<'a> {
    fn of(source: &'a SourceRef) -> Self {
        SourceView {
            path: &source.path,
            line: source.line,
            text: &source.text,
        }
    }
}

#[derive(Serialize)]
struct ClaimView<'a> {
    line: usize,
    column: usize,
    text: &'a str,
    value: f64,
    unit: &'a str,
    status: Status,
    sources: Vec<SourceView<'a>>,
    derivation: Option<&'a str>,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct VerificationView<'a> {
    file: &'a str,
    company: Option<&'a str>,
    claims: Vec<ClaimView<'a>>,
    summary: Summary,
}

/// `{"file", "company", "claims": [...], "summary": {...}}` (see README).
pub fn render_verification_json(file: &str, company: Option<&str>, claims: &[Claim]) -> String {
    let view = VerificationView {
        file,
        company,
        claims: claims
            .iter()
            .map(|claim| ClaimView {
                line: claim.line,
                column: claim.column,
                text: &claim.text,
                value: claim.value,
                unit: &claim.unit,
                status: claim.status,
                sources: claim.sources.iter().map(SourceView::of).collect(),
                derivation: claim.derivation.as_deref(),
                reason: claim.reason.as_deref(),
            })
            .collect(),
        summary: Summary::of(claims),
    };
    let mut json = serde_json::to_string_pretty(&view)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    json.push('\n');
    json
}

/// One block per inconsistency: kind and message, then each source.
pub fn render_check_text(findings: &[Inconsistency], color: bool) -> String {
    let mut out = String::new();
    for finding in findings {
        out.push_str(&format!(
            "{}  {}\n",
            paint(&pad(finding.kind.as_str(), 10), "\u{1b}[31m", color),
            finding.message
        ));
        for source in &finding.sources {
            out.push_str(&format!("    {}  {}\n", location(source), source.text));
        }
    }
    let line = match findings.len() {
        0 => "no inconsistencies found\n".to_string(),
        1 => "1 inconsistency\n".to_string(),
        count => format!("{count} inconsistencies\n"),
    };
    out.push_str(&paint(&line, BOLD, color));
    out
}

#[derive(Serialize)]
struct InconsistencyView<'a> {
    kind: &'a str,
    message: &'a str,
    stated: f64,
    computed: f64,
    sources: Vec<SourceView<'a>>,
}

#[derive(Serialize)]
struct CheckView<'a> {
    inconsistencies: Vec<InconsistencyView<'a>>,
    count: usize,
}

/// `{"inconsistencies": [{"kind", "message", "stated", "computed", "sources"}], "count"}`.
pub fn render_check_json(findings: &[Inconsistency]) -> String {
    let view = CheckView {
        inconsistencies: findings
            .iter()
            .map(|finding| InconsistencyView {
                kind: finding.kind.as_str(),
                message: &finding.message,
                stated: finding.stated,
                computed: finding.computed,
                sources: finding.sources.iter().map(SourceView::of).collect(),
            })
            .collect(),
        count: findings.len(),
    };
    let mut json = serde_json::to_string_pretty(&view)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch(reason: &str) -> Claim {
        Claim {
            line: 3,
            column: 8,
            text: "10분".to_string(),
            value: 10.0,
            unit: "분".to_string(),
            status: Status::Mismatch,
            sources: vec![SourceRef {
                path: "retro.md".to_string(),
                line: 26,
                text: "상품 캐시 TTL 5분, 카테고리 캐시 TTL 10분으로 분리".to_string(),
                fact_id: "f000000000000".to_string(),
            }],
            derivation: None,
            reason: Some(reason.to_string()),
        }
    }

    #[test]
    fn a_mismatch_names_its_place_once() {
        let named = mismatch("10분 is stated about something else (retro.md:26)");
        let text = render_verification_text("draft.md", None, &[named], false);
        assert_eq!(text.matches("(retro.md:26)").count(), 1, "{text}");

        let unnamed = mismatch("the source states 5분 for this");
        let text = render_verification_text("draft.md", None, &[unnamed], false);
        assert!(
            text.contains("the source states 5분 for this (retro.md:26)"),
            "{text}"
        );
    }
}
