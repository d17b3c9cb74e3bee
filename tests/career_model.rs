//! `draft career` through a real HTTP server on 127.0.0.1 that speaks the
//! chat-completions protocol (wiremock), answering with recorded replies
//! from `fixtures/career/`: a clean draft, a wrong number the repair round
//! fixes, one that stays wrong and is marked, and invalid replies re-asked
//! (one cut off at the token limit, one that is not JSON at all).

use std::path::Path;

use assert_cmd::Command;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn recorded(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(Path::new("fixtures/career").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Mounts replies that are served once each, in order.
async fn serve_in_order(server: &MockServer, replies: &[&str]) {
    for (index, name) in replies.iter().enumerate() {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(recorded(name)))
            .up_to_n_times(1)
            .with_priority(u8::try_from(index + 1).unwrap())
            .named(*name)
            .mount(server)
            .await;
    }
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn run_career(server: &MockServer, cache: &Path, extra: &[&str]) -> Run {
    let base_url = format!("{}/v1", server.uri());
    let mut command = Command::cargo_bin("draft").unwrap();
    command
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DRAFT_MODEL")
        .env("DRAFT_CACHE_DIR", cache)
        .env("OPENAI_API_KEY", "sk-test-planted-KEY-9876")
        .args([
            "--profile",
            "fixtures/ingest/profile.toml",
            "career",
            "--content",
            "fixtures/ingest/career",
            "--company",
            "테스트상사",
            "--project",
            "주문 API",
            "--base-url",
            &base_url,
            "--model",
            "recorded-model",
            "--jobs",
            "1",
            "--attempts",
            "1",
        ])
        .args(extra);
    let output = command.output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
        code: output.status.code(),
    }
}

async fn requests(server: &MockServer) -> Vec<serde_json::Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| serde_json::from_slice(&request.body).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn clean_draft_renders_in_the_career_layout() {
    let server = MockServer::start().await;
    serve_in_order(&server, &["clean.json"]).await;
    let cache = tempfile::tempdir().unwrap();
    let run = run_career(&server, cache.path(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    // The schema limits fact ids to the ones the prompt lists.
    let schema = &sent[0]["response_format"]["json_schema"]["schema"];
    let ids = schema["properties"]["배경"]["items"]["properties"]["facts"]["items"]["enum"]
        .as_array()
        .expect("an enum of fact ids");
    let prompt = sent[0]["messages"].to_string();
    assert!(!ids.is_empty());
    for id in ids {
        assert!(
            prompt.contains(id.as_str().unwrap()),
            "{id} not in the prompt"
        );
    }
    assert!(!run.stdout.contains("⚠"), "{}", run.stdout);
    assert!(!run.stderr.contains("sk-test-planted-KEY-9876"));
    insta::assert_snapshot!(run.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn planted_wrong_number_is_fixed_by_the_repair_round() {
    let server = MockServer::start().await;
    serve_in_order(&server, &["wrong_number.json", "clean.json"]).await;
    let cache = tempfile::tempdir().unwrap();
    let run = run_career(&server, cache.path(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "one draft request and one repair request");
    let repair = sent[1].to_string();
    assert!(
        repair.contains("13ms"),
        "the repair request names the bad number"
    );
    assert!(!run.stdout.contains("13ms"));
    assert!(run.stdout.contains("600ms에서 33ms로"));
    assert!(!run.stdout.contains("⚠"));
}

#[tokio::test(flavor = "multi_thread")]
async fn number_that_stays_wrong_is_marked_and_listed() {
    let server = MockServer::start().await;
    serve_in_order(&server, &["still_wrong.json", "still_wrong.json"]).await;
    let cache = tempfile::tempdir().unwrap();
    let run = run_career(&server, cache.path(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(requests(&server).await.len(), 2);
    assert!(run.stdout.contains("⚠[확인 필요: 97%"), "{}", run.stdout);
    assert!(run.stdout.contains("## ⚠ 확인 필요"), "{}", run.stdout);
    insta::assert_snapshot!(run.stdout);

    // --strict turns the finding into exit 1 (the replies now come from the cache).
    let strict = {
        let base_url = format!("{}/v1", server.uri());
        Command::cargo_bin("draft")
            .unwrap()
            .env("DRAFT_CACHE_DIR", cache.path())
            .env("OPENAI_API_KEY", "sk-test-planted-KEY-9876")
            .args([
                "--profile",
                "fixtures/ingest/profile.toml",
                "--strict",
                "career",
                "--content",
                "fixtures/ingest/career",
                "--company",
                "테스트상사",
                "--project",
                "주문 API",
                "--base-url",
                &base_url,
                "--model",
                "recorded-model",
                "--jobs",
                "1",
            ])
            .output()
            .unwrap()
    };
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(
        requests(&server).await.len(),
        2,
        "a re-run is served from the cache"
    );
}

/// Serves `invalid` then a clean reply; returns the run and the messages of
/// the first request and of the re-ask (exactly two requests, exit 0).
async fn reasked_after(invalid: &str) -> (Run, Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let server = MockServer::start().await;
    serve_in_order(&server, &[invalid, "clean.json"]).await;
    let cache = tempfile::tempdir().unwrap();
    let run = run_career(&server, cache.path(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    let messages = |request: &serde_json::Value| request["messages"].as_array().unwrap().clone();
    (run, messages(&sent[0]), messages(&sent[1]))
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_json_reply_is_reasked_once() {
    let (run, first, messages) = reasked_after("invalid_json.json").await;
    // The reply was cut off (finish_reason `length`): it is not sent back,
    // and the re-ask asks for a shorter reply.
    assert_eq!(messages.len(), first.len() + 1);
    assert!(messages
        .iter()
        .all(|message| message["role"] != "assistant"));
    let last = messages.last().unwrap()["content"].as_str().unwrap();
    assert!(last.contains("잘려") && last.contains("더 짧게"), "{last}");
    assert!(run.stdout.contains("## 주문 API"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_that_is_not_json_is_shown_back_when_reasked() {
    let (run, first, messages) = reasked_after("not_json.json").await;
    assert_eq!(messages.len(), first.len() + 2);
    assert_eq!(messages[first.len()]["role"], "assistant");
    assert!(messages[first.len()]["content"]
        .as_str()
        .unwrap()
        .contains("JSON을 만들 수 없습니다"));
    let last = messages.last().unwrap()["content"].as_str().unwrap();
    assert!(last.starts_with("방금 답을 쓸 수 없었습니다:"), "{last}");
    assert!(run.stdout.contains("## 주문 API"));
}

#[tokio::test(flavor = "multi_thread")]
async fn json_format_carries_fact_ids_and_statuses() {
    let server = MockServer::start().await;
    serve_in_order(&server, &["clean.json"]).await;
    let cache = tempfile::tempdir().unwrap();
    let run = run_career(&server, cache.path(), &["--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let result = &json["sections"][0]["result"][0];
    assert_eq!(result["facts"][0], "f2784b5e1e80b");
    let statuses: Vec<&str> = result["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|claim| claim["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["supported", "supported", "derived"]);
}
