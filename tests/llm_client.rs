//! `ModelClient` against a local wiremock server replaying recorded
//! chat-completion replies (`fixtures/llm/`): parsing, the `json_schema`
//! fallback, retries and `Retry-After`, timeouts, the cache, the call log,
//! and that the API key never leaks. No network beyond 127.0.0.1, no key.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use draft::llm::{
    format_call_log, read_call_log, ChatMessage, ChatReply, ChatRequest, ClientSettings, Endpoint,
    LlmError, ModelClient, ResponseSchema, Secret,
};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-test-SECRET-0123456789";
const ROUTE: &str = "/v1/chat/completions";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/llm")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn reply_with(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json")
}

fn endpoint(server: &MockServer) -> Endpoint {
    Endpoint {
        base_url: format!("{}/v1", server.uri()),
        api_key: Some(Secret::new(KEY)),
        model: "gpt-4o-mini".into(),
    }
}

/// Short waits so the whole file stays fast.
fn fast_settings() -> ClientSettings {
    ClientSettings {
        timeout: Duration::from_secs(5),
        max_attempts: 3,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_secs(2),
        cache_dir: None,
        log_path: None,
    }
}

fn client(server: &MockServer, settings: ClientSettings) -> ModelClient {
    ModelClient::new(endpoint(server), settings).unwrap()
}

fn schema_request(retrospective: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![
            ChatMessage::system("회고에서 프로젝트를 추출해 JSON으로만 답하세요."),
            ChatMessage::user(retrospective),
        ],
        temperature: 0.2,
        max_tokens: Some(1024),
        response_schema: Some(ResponseSchema {
            name: "projects".into(),
            schema: serde_json::json!({
                "type": "object",
                "properties": {"projects": {"type": "array", "items": {"type": "object"}}},
                "required": ["projects"],
                "additionalProperties": false
            }),
        }),
    }
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn response_format_type(request: &Request) -> Option<String> {
    let body: serde_json::Value = request.body_json().unwrap();
    body["response_format"]["type"].as_str().map(str::to_string)
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(all_files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn clean_reply_is_parsed_and_request_carries_schema_and_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(reply_with("openai_projects.json"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, fast_settings());
    let reply = client
        .complete(&schema_request("2022년 결제 시스템 개편 회고"))
        .await
        .unwrap();

    let projects: serde_json::Value = serde_json::from_str(&reply.content).unwrap();
    assert_eq!(projects["projects"][0]["name"], "결제 시스템 개편");
    assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    assert_eq!((reply.prompt_tokens, reply.completion_tokens), (1187, 214));
    assert!(!reply.cache_hit);
    assert_eq!(client.calls_made(), 1);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let body: serde_json::Value = requests[0].body_json().unwrap();
    assert_eq!(body["model"], "gpt-4o-mini");
    assert_eq!(body["messages"][1]["role"], "user");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["name"], "projects");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
}

#[tokio::test]
async fn rejected_json_schema_falls_back_to_json_object_and_remembers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(body_partial_json(
            serde_json::json!({"response_format": {"type": "json_schema"}}),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            fixture("error_json_schema_unsupported.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(body_partial_json(
            serde_json::json!({"response_format": {"type": "json_object"}}),
        ))
        .respond_with(reply_with("ollama_json_object.json"))
        .mount(&server)
        .await;

    let client = client(&server, fast_settings());
    let first = client.complete(&schema_request("배포 회고")).await.unwrap();
    assert!(first.content.contains("배포 소요 시간"));
    // A clone shares what was learned about the endpoint.
    let second = client
        .clone()
        .complete(&schema_request("다른 회고"))
        .await
        .unwrap();
    assert_eq!(second.prompt_tokens, 1302);

    let formats: Vec<_> = received(&server)
        .await
        .iter()
        .map(response_format_type)
        .collect();
    assert_eq!(
        formats,
        [
            Some("json_schema"),
            Some("json_object"),
            Some("json_object")
        ]
        .map(|f| f.map(String::from))
    );
    assert_eq!(client.calls_made(), 3);
}

#[tokio::test]
async fn rate_limit_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_raw(fixture("error_rate_limit.json"), "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(reply_with("openai_projects.json"))
        .with_priority(2)
        .mount(&server)
        .await;

    let client = client(&server, fast_settings());
    let started = Instant::now();
    let reply = client.complete(&schema_request("회고")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(reply.completion_tokens, 214);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn server_errors_exhaust_attempts_without_leaking_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        // A careless proxy that echoes the key back must not leak it either.
        .respond_with(
            ResponseTemplate::new(503).set_body_string(format!("upstream unavailable (key {KEY})")),
        )
        .expect(3)
        .mount(&server)
        .await;

    let endpoint = endpoint(&server);
    let base_url = endpoint.base_url.clone();
    let client = ModelClient::new(endpoint, fast_settings()).unwrap();
    let error = client.complete(&schema_request("회고")).await.unwrap_err();
    let shown = error.to_string();
    assert!(
        matches!(
            error,
            LlmError::Status {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(shown.contains(&base_url), "{shown}");
    assert!(shown.contains("503"), "{shown}");
    assert!(shown.contains("3 attempt"), "{shown}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(!format!("{error:?}").contains(KEY));
    assert!(!format!("{client:?}").contains(KEY));
    assert_eq!(client.calls_made(), 3);
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, fast_settings());
    let error = client.complete(&schema_request("회고")).await.unwrap_err();
    assert!(
        matches!(
            error,
            LlmError::Status {
                status: 401,
                attempts: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("Incorrect API key"));
}

#[tokio::test]
async fn slow_reply_times_out_after_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(reply_with("openai_projects.json").set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;

    let settings = ClientSettings {
        timeout: Duration::from_millis(200),
        max_attempts: 2,
        ..fast_settings()
    };
    let client = client(&server, settings);
    let error = client.complete(&schema_request("회고")).await.unwrap_err();
    assert!(
        matches!(error, LlmError::Timeout { attempts: 2, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(&server.uri()), "{error}");
    assert_eq!(client.calls_made(), 2);
}

#[tokio::test]
async fn unreachable_server_is_a_connection_error() {
    // A port that was free a moment ago: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = Endpoint {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key: Some(Secret::new(KEY)),
        model: "m".into(),
    };
    let client = ModelClient::new(endpoint, fast_settings()).unwrap();
    let error = client.complete(&schema_request("회고")).await.unwrap_err();
    assert!(
        matches!(error, LlmError::Connection { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains(KEY));
}

#[tokio::test]
async fn non_json_body_is_a_clear_error_and_not_cached() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Gateway says hi</body></html>", "text/html"),
        )
        .mount(&server)
        .await;

    let cache = tempfile::tempdir().unwrap();
    let settings = ClientSettings {
        cache_dir: Some(cache.path().to_path_buf()),
        ..fast_settings()
    };
    let client = client(&server, settings);
    for _ in 0..2 {
        let error = client.complete(&schema_request("회고")).await.unwrap_err();
        assert!(matches!(error, LlmError::InvalidReply { .. }), "{error:?}");
        assert!(
            error.to_string().contains("not a chat-completion JSON"),
            "{error}"
        );
    }
    // Retried like a gateway error (3 attempts each), and the second call
    // was not answered from the cache.
    assert_eq!(client.calls_made(), 6);
    assert!(all_files(cache.path()).is_empty());
}

#[tokio::test]
async fn empty_choices_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(reply_with("empty_choices.json"))
        .expect(3)
        .mount(&server)
        .await;

    let client = client(&server, fast_settings());
    let error = client.complete(&schema_request("회고")).await.unwrap_err();
    assert!(matches!(error, LlmError::InvalidReply { .. }), "{error:?}");
    assert!(error.to_string().contains("choices"), "{error}");
}

#[tokio::test]
async fn truncated_reply_is_returned_with_its_finish_reason_and_no_key_is_sent_without_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(reply_with("llamacpp_length.json"))
        .mount(&server)
        .await;

    let endpoint = Endpoint {
        api_key: None,
        model: "qwen2.5-7b-instruct".into(),
        ..endpoint(&server)
    };
    let client = ModelClient::new(endpoint, fast_settings()).unwrap();
    let reply: ChatReply = client.complete(&schema_request("회고")).await.unwrap();
    assert_eq!(reply.finish_reason.as_deref(), Some("length"));
    assert_eq!(reply.completion_tokens, 64);
    let requests = received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn identical_calls_hit_the_cache_and_are_logged() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(reply_with("openai_projects.json"))
        .mount(&server)
        .await;

    let home = tempfile::tempdir().unwrap();
    let cache_dir = home.path().join("cache");
    let log_path = home.path().join("logs/calls.jsonl");
    let settings = ClientSettings {
        cache_dir: Some(cache_dir.clone()),
        log_path: Some(log_path.clone()),
        ..fast_settings()
    };
    let client = client(&server, settings);
    let request = schema_request("결제 시스템 개편 회고");
    let first = client.complete(&request).await.unwrap();
    let second = client.complete(&request).await.unwrap();

    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(client.calls_made(), 1);
    assert!(!first.cache_hit);
    assert!(second.cache_hit);
    assert_eq!(second.content, first.content);
    assert_eq!(second.finish_reason, first.finish_reason);
    assert_eq!(second.prompt_tokens, first.prompt_tokens);

    let cached = all_files(&cache_dir);
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert!(cached[0].starts_with(cache_dir.join("responses")));
    for file in &cached {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains(KEY) && !text.contains("Bearer"), "{text}");
    }

    let records = read_call_log(&log_path).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(
        records.iter().map(|r| r.cache_hit).collect::<Vec<_>>(),
        [false, true]
    );
    assert!(records
        .iter()
        .all(|r| r.outcome == "ok" && r.model == "gpt-4o-mini"));
    assert_eq!(records[0].prompt_tokens, 1187);
    assert!(records[0].time.ends_with('Z'));
    assert!(!std::fs::read_to_string(&log_path).unwrap().contains(KEY));
    let table = format_call_log(&records);
    assert_eq!(table.lines().count(), 3);
    assert!(table.contains("hit"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&log_path), 0o600);
        assert_eq!(mode(&cached[0]), 0o600);
        assert_eq!(mode(&cache_dir.join("responses")), 0o700);
    }
}

#[tokio::test]
async fn failed_calls_are_logged_with_their_cause() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(404).set_body_string("model not found"))
        .mount(&server)
        .await;

    let home = tempfile::tempdir().unwrap();
    let log_path = home.path().join("calls.jsonl");
    let settings = ClientSettings {
        log_path: Some(log_path.clone()),
        ..fast_settings()
    };
    let client = client(&server, settings);
    client.complete(&schema_request("회고")).await.unwrap_err();
    let records = read_call_log(&log_path).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].outcome, "error: HTTP 404 after 1 attempt(s)");
}

#[tokio::test]
async fn different_messages_use_different_cache_keys() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(reply_with("openai_projects.json"))
        .mount(&server)
        .await;

    let cache = tempfile::tempdir().unwrap();
    let settings = ClientSettings {
        cache_dir: Some(cache.path().to_path_buf()),
        ..fast_settings()
    };
    let client = client(&server, settings);
    let first = client
        .complete(&schema_request("2022년 회고"))
        .await
        .unwrap();
    let second = client
        .complete(&schema_request("2023년 회고"))
        .await
        .unwrap();
    assert!(!first.cache_hit && !second.cache_hit);
    assert_eq!(received(&server).await.len(), 2);
    assert_eq!(all_files(&cache.path().join("responses")).len(), 2);
}

#[test]
fn client_is_shareable_across_tasks() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn sendable<T: Send>(_: &T) {}
    shareable::<ModelClient>();
    let endpoint = Endpoint {
        base_url: "http://127.0.0.1:9/v1".into(),
        api_key: None,
        model: "m".into(),
    };
    let client = ModelClient::new(endpoint, ClientSettings::default()).unwrap();
    let request = schema_request("회고");
    sendable(&client.complete(&request)); // never polled: nothing is sent
    assert_eq!(client.calls_made(), 0);
}

#[test]
fn secrets_never_print() {
    let secret = Secret::new(KEY);
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(secret.expose(), KEY);
    let endpoint = Endpoint {
        base_url: "https://user:pass@api.example.com/v1/?api-key=abc".into(),
        api_key: Some(secret),
        model: "m".into(),
    };
    assert!(!format!("{endpoint:?}").contains(KEY));
    assert_eq!(endpoint.display_url(), "https://api.example.com/v1");
}

#[test]
fn bad_configuration_is_refused_up_front() {
    let endpoint = |base_url: &str, model: &str| Endpoint {
        base_url: base_url.into(),
        api_key: Some(Secret::new(KEY)),
        model: model.into(),
    };
    for (endpoint, settings) in [
        (endpoint("localhost:11434", "m"), ClientSettings::default()),
        (
            endpoint("ftp://example.com", "m"),
            ClientSettings::default(),
        ),
        (
            endpoint("http://localhost:11434/v1", " "),
            ClientSettings::default(),
        ),
        (
            endpoint("http://localhost:11434/v1", "m"),
            ClientSettings {
                max_attempts: 0,
                ..ClientSettings::default()
            },
        ),
    ] {
        let error = ModelClient::new(endpoint, settings).unwrap_err();
        assert!(matches!(error, LlmError::InvalidConfig { .. }), "{error:?}");
        assert!(!error.to_string().contains(KEY));
    }
}
