//! End to end through a real OpenAI-compatible server: `draft career` drafts
//! one project of the bundled content through a local llama.cpp model
//! (`scripts/local-model.sh start`). Such a small model writes poor Korean,
//! so this checks the pipeline, not the prose: the JSON parses and has the
//! 배경/담당/결과 shape, every number has a verifier status, and every
//! mismatched or unsupported number is marked in its bullet.
//!
//! ```sh
//! scripts/local-model.sh start
//! DRAFT_E2E_BASE_URL=http://127.0.0.1:8089/v1 cargo test --test e2e_local_model -- --ignored --nocapture
//! ```
//!
//! `DRAFT_E2E_MODEL` names the model (default `smollm2-135m-instruct`, the
//! script's); `DRAFT_E2E_TIMEOUT` is the per-request timeout in seconds
//! (default 1800: on a busy 2-core CPU the 135M model reads draft's ~5,000
//! token prompt at ~30-60 tokens a second).

use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const DEFAULT_MODEL: &str = "smollm2-135m-instruct";
const DEFAULT_TIMEOUT_SECONDS: u64 = 1800;
const STATUSES: [&str; 4] = ["supported", "derived", "mismatch", "unsupported"];

#[test]
#[ignore = "needs a local model: scripts/local-model.sh start; DRAFT_E2E_BASE_URL=… cargo test --test e2e_local_model -- --ignored"]
fn career_drafts_a_section_through_a_local_model() {
    let Some(base_url) = std::env::var("DRAFT_E2E_BASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        eprintln!(
            "skipped: DRAFT_E2E_BASE_URL is not set (scripts/local-model.sh start prints it)"
        );
        return;
    };
    let model = std::env::var("DRAFT_E2E_MODEL")
        .ok()
        .filter(|model| !model.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());
    let timeout = std::env::var("DRAFT_E2E_TIMEOUT")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let cache = tempfile::tempdir().unwrap();

    let started = Instant::now();
    let output = Command::cargo_bin("draft")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DRAFT_MODEL")
        // --no-cache skips the response cache; the call log goes here too.
        .env("DRAFT_CACHE_DIR", cache.path())
        .args([
            "career",
            "--company",
            "플라잉닥터",
            "--project",
            "결제 서비스 MSA 분리",
            "--base-url",
            &base_url,
            "--model",
            &model,
            "--no-cache",
            "--format",
            "json",
            "--jobs",
            "1",
            "--timeout",
            &timeout.to_string(),
        ])
        // A draft is at most three calls (draft, re-ask or repair, repair).
        .timeout(Duration::from_secs(timeout * 3 + 300))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "draft career through {base_url} ({model}) took {:.1} s, exit {:?}\n--- stderr\n{stderr}--- stdout\n{stdout}",
        started.elapsed().as_secs_f64(),
        output.status.code()
    );

    let code = output.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "exit {code:?} (killed or timed out?)\n{stderr}"
    );
    let draft: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}); exit {code:?}\n{stderr}"));

    assert_eq!(draft["version"], 1, "{stdout}");
    assert_eq!(draft["company"], "플라잉닥터", "{stdout}");
    assert_eq!(draft["mode"], "model", "{stdout}");
    let sections = array(&draft["sections"], "sections");
    let failures = array(&draft["failures"], "failures");
    let findings = array(&draft["findings"], "findings");
    assert_eq!(
        sections.len() + failures.len(),
        1,
        "--project selects one project: drafted or recorded as failed\n{stdout}"
    );

    // A section failure is acceptable only when the model's reply was
    // unusable (it is a 135M model); then the exit code is 2. A timeout, a
    // refused connection or an HTTP error is a broken pipeline.
    for failure in failures {
        let reason = failure["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("invalid"),
            "a section failed for another reason than an invalid reply: {reason}\n{stderr}"
        );
    }
    if failures.is_empty() {
        assert!(
            matches!(code, Some(0 | 1)),
            "exit {code:?} with no recorded section failure\n{stderr}"
        );
    } else {
        assert_eq!(code, Some(2), "a recorded failure exits 2\n{stderr}");
    }

    let mut flagged = 0;
    for section in sections {
        let title = section["title"].as_str().unwrap_or_default();
        assert!(
            !title.trim().is_empty(),
            "a section without a title: {section}"
        );
        assert!(
            section["topic"].is_null() || section["topic"].is_string(),
            "topic is a string or null: {section}"
        );
        for part in ["background", "action", "result"] {
            for bullet in array(&section[part], part) {
                flagged += check_bullet(bullet, &format!("{title} / {part}"));
            }
        }
    }
    assert_eq!(
        findings.len(),
        flagged,
        "findings list every mismatched or unsupported number\n{stdout}"
    );
    for finding in findings {
        let status = finding["status"].as_str().unwrap_or_default();
        assert!(
            status == "mismatch" || status == "unsupported",
            "finding with status {status:?}: {finding}"
        );
    }
}

fn array<'a>(value: &'a Value, name: &str) -> &'a Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("`{name}` is not an array: {value}"))
}

/// Checks one bullet and its children; returns how many of their numbers
/// are mismatched or unsupported.
fn check_bullet(bullet: &Value, place: &str) -> usize {
    let text = bullet["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{place}: a bullet without text: {bullet}"));
    for fact in array(&bullet["facts"], "facts") {
        assert!(
            fact.is_string(),
            "{place}: a fact id that is not a string: {bullet}"
        );
    }
    let mut flagged = 0;
    for claim in array(&bullet["claims"], "claims") {
        let status = claim["status"].as_str().unwrap_or_default();
        assert!(
            STATUSES.contains(&status),
            "{place}: a claim without a known status: {claim}"
        );
        let number = claim["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{place}: a claim without text: {claim}"));
        if status == "mismatch" || status == "unsupported" {
            flagged += 1;
            let marker = format!("⚠[확인 필요: {number}");
            assert!(
                text.contains(&marker),
                "{place}: {status} number {number:?} is not marked `{marker} …]` in {text:?}"
            );
        }
    }
    for child in array(&bullet["children"], "children") {
        flagged += check_bullet(child, place);
    }
    flagged
}
