//! The fault matrix: the real `draft career` binary against a tiny HTTP
//! server on 127.0.0.1 that answers the project `정산 배치` with one fault
//! per cell (429 with and without Retry-After, 500/502/503, a reply slower
//! than the timeout, a connection dropped mid-body, a non-JSON body, a
//! reply that breaks the schema, `finish_reason: length` with cut-off JSON,
//! empty `choices`) and the project `주문 API` correctly.
//!
//! For every cell: the failing project is retried a bounded number of times
//! (`--attempts 3`, `--timeout 1`), then reported on one `error:` line that
//! names the project, the endpoint and the cause, never the key; the other
//! project is drafted (its reply is cached); `-o FILE` is left untouched
//! (exit 2); nothing failed or invalid is cached, so a second run against
//! the fixed server makes a fresh call for the failed project only and
//! writes the whole draft.
//!
//! The server is hand-written on a tokio `TcpListener` (one request per
//! connection, `Connection: close`) because wiremock cannot drop a
//! connection halfway through a body. Run with `--nocapture` to print the
//! matrix as a Markdown table.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "sk-test-PLANTED-0123456789abcdef";
const FAILING: &str = "프로젝트: 정산 배치";
const ORIGINAL_OUTPUT: &str = "# 손으로 고친 경력기술서\n";

#[derive(Debug, Clone, Copy)]
enum Fault {
    TooManyWithRetryAfter,
    TooMany,
    Status(u16),
    Slow,
    DroppedMidBody,
    NotJson,
    SchemaBreak,
    CutOff,
    EmptyChoices,
}

impl Fault {
    fn describe(self) -> String {
        match self {
            Fault::TooManyWithRetryAfter => "429, `Retry-After: 1`".into(),
            Fault::TooMany => "429, no Retry-After".into(),
            Fault::Status(status) => format!("{status}"),
            Fault::Slow => "200 after 3 s (timeout 1 s)".into(),
            Fault::DroppedMidBody => "headers + half the body, then close".into(),
            Fault::NotJson => "200, `<html>` body".into(),
            Fault::SchemaBreak => "200, content breaks the reply schema".into(),
            Fault::CutOff => "200, `finish_reason: length`, JSON cut off".into(),
            Fault::EmptyChoices => "200, `choices: []`".into(),
        }
    }

    fn cell(self) -> String {
        match self {
            Fault::TooManyWithRetryAfter => "429 + Retry-After".into(),
            Fault::TooMany => "429".into(),
            Fault::Status(status) => format!("{status}"),
            Fault::Slow => "slow reply".into(),
            Fault::DroppedMidBody => "dropped mid-body".into(),
            Fault::NotJson => "non-JSON body".into(),
            Fault::SchemaBreak => "schema break".into(),
            Fault::CutOff => "finish_reason length".into(),
            Fault::EmptyChoices => "empty choices".into(),
        }
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new("fixtures/faults").join(name)).unwrap()
}

fn envelope(content: &str, finish_reason: &str) -> String {
    serde_json::json!({
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 1763700000,
        "model": "fault-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": finish_reason
        }],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}
    })
    .to_string()
}

fn response(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The server: `fault` for the failing project until `fixed` is set.
struct Server {
    address: String,
    fault: Fault,
    fixed: AtomicBool,
    failing_requests: AtomicUsize,
    other_requests: AtomicUsize,
}

impl Server {
    async fn start(fault: Fault) -> Arc<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Arc::new(Server {
            address: format!("http://{}/v1", listener.local_addr().unwrap()),
            fault,
            fixed: AtomicBool::new(false),
            failing_requests: AtomicUsize::new(0),
            other_requests: AtomicUsize::new(0),
        });
        let serving = Arc::clone(&server);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let serving = Arc::clone(&serving);
                tokio::spawn(async move { serving.answer(stream).await });
            }
        });
        server
    }

    async fn answer(&self, mut stream: TcpStream) {
        let Some(body) = read_request(&mut stream).await else {
            return;
        };
        if !body.contains(FAILING) {
            self.other_requests.fetch_add(1, Ordering::SeqCst);
            let reply = envelope(&fixture("order_api.json"), "stop");
            let _ = stream.write_all(&response("200 OK", "", &reply)).await;
            return;
        }
        self.failing_requests.fetch_add(1, Ordering::SeqCst);
        let good = envelope(&fixture("settlement.json"), "stop");
        if self.fixed.load(Ordering::SeqCst) {
            let _ = stream.write_all(&response("200 OK", "", &good)).await;
            return;
        }
        let bytes = match self.fault {
            Fault::TooManyWithRetryAfter => response(
                "429 Too Many Requests",
                "retry-after: 1\r\n",
                r#"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#,
            ),
            Fault::TooMany => response(
                "429 Too Many Requests",
                "",
                r#"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#,
            ),
            Fault::Status(status) => response(
                &format!("{status} Server Error"),
                "",
                r#"{"error":{"message":"upstream failure","type":"server_error"}}"#,
            ),
            Fault::Slow => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                response("200 OK", "", &good)
            }
            Fault::DroppedMidBody => {
                let full = response("200 OK", "", &good);
                let _ = stream.write_all(&full[..full.len() - good.len() / 2]).await;
                let _ = stream.flush().await;
                return; // dropping the stream closes the connection mid-body
            }
            Fault::NotJson => response("200 OK", "", "<html><body>502 Bad Gateway</body></html>"),
            Fault::SchemaBreak => response(
                "200 OK",
                "",
                &envelope(&fixture("schema_break.json"), "stop"),
            ),
            Fault::CutOff => {
                let content = fixture("settlement.json");
                let mut half = content.len() / 2;
                while !content.is_char_boundary(half) {
                    half -= 1;
                }
                let cut = &content[..half];
                response("200 OK", "", &envelope(cut, "length"))
            }
            Fault::EmptyChoices => response(
                "200 OK",
                "",
                r#"{"id":"x","object":"chat.completion","choices":[]}"#,
            ),
        };
        let _ = stream.write_all(&bytes).await;
    }
}

/// Reads one request; returns its body (as text).
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        let Some(header_end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&buffer[..header_end]).to_lowercase();
        let length: usize = headers
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        if buffer.len() >= header_end + 4 + length {
            let body = &buffer[header_end + 4..header_end + 4 + length];
            return Some(String::from_utf8_lossy(body).into_owned());
        }
    }
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    seconds: f64,
}

fn run_career(base_url: &str, cache: &Path, output: &Path) -> Run {
    let started = Instant::now();
    let result = Command::cargo_bin("draft")
        .unwrap()
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DRAFT_MODEL")
        .env_remove("DRAFT_FORCE_REDACT")
        .env("OPENAI_API_KEY", KEY)
        .env("DRAFT_CACHE_DIR", cache)
        .args([
            "--profile",
            "fixtures/faults/profile.toml",
            "career",
            "--content",
            "fixtures/faults/content",
            "--company",
            "결함상사",
            "--base-url",
            base_url,
            "--model",
            "fault-model",
            "--jobs",
            "2",
            "--attempts",
            "3",
            "--timeout",
            "1",
            "-o",
        ])
        .arg(output)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&result.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&result.stderr).into_owned(),
        code: result.status.code(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn cache_entries(cache: &Path) -> Vec<String> {
    std::fs::read_dir(cache.join("responses"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

struct Row {
    fault: Fault,
    attempts: usize,
    first: Run,
    second: Run,
    second_failing: usize,
    second_other: usize,
    output_after_failure: String,
    output_after_fix: String,
    cached_after_failure: Vec<String>,
}

async fn run_cell(fault: Fault) -> Row {
    let server = Server::start(fault).await;
    let directory = tempfile::tempdir().unwrap();
    let cache = directory.path().join("cache");
    let output = directory.path().join("career.md");
    std::fs::write(&output, ORIGINAL_OUTPUT).unwrap();

    let (base_url, cache_path, output_path) =
        (server.address.clone(), cache.clone(), output.clone());
    let first =
        tokio::task::spawn_blocking(move || run_career(&base_url, &cache_path, &output_path))
            .await
            .unwrap();
    let attempts = server.failing_requests.swap(0, Ordering::SeqCst);
    server.other_requests.store(0, Ordering::SeqCst);
    let output_after_failure = std::fs::read_to_string(&output).unwrap();
    let cached_after_failure = cache_entries(&cache);

    server.fixed.store(true, Ordering::SeqCst);
    let (base_url, cache_path, output_path) =
        (server.address.clone(), cache.clone(), output.clone());
    let second =
        tokio::task::spawn_blocking(move || run_career(&base_url, &cache_path, &output_path))
            .await
            .unwrap();
    Row {
        fault,
        attempts,
        first,
        second,
        second_failing: server.failing_requests.load(Ordering::SeqCst),
        second_other: server.other_requests.load(Ordering::SeqCst),
        output_after_failure,
        output_after_fix: std::fs::read_to_string(&output).unwrap(),
        cached_after_failure,
    }
}

fn error_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|line| line.starts_with("error: project `정산 배치`"))
        .unwrap_or("(none)")
        .to_string()
}

/// `http://127.0.0.1:41234/v1` → `http://127.0.0.1:PORT/v1` (ports differ per run).
fn without_port(line: &str) -> String {
    let marker = "127.0.0.1:";
    let mut out = String::new();
    let mut rest = line;
    while let Some(index) = rest.find(marker) {
        out.push_str(&rest[..index + marker.len()]);
        out.push_str("PORT");
        rest = rest[index + marker.len()..]
            .trim_start_matches(|character: char| character.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_matrix() {
    let faults = [
        Fault::TooManyWithRetryAfter,
        Fault::TooMany,
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(503),
        Fault::Slow,
        Fault::DroppedMidBody,
        Fault::NotJson,
        Fault::SchemaBreak,
        Fault::CutOff,
        Fault::EmptyChoices,
    ];
    let rows = futures::future::join_all(faults.into_iter().map(run_cell)).await;

    let mut table = String::from(
        "| cell | server behaviour (project 정산 배치) | attempts seen | exit | error line |\n|---|---|---|---|---|\n",
    );
    for row in &rows {
        let line = without_port(&error_line(&row.first.stderr)).replace('|', "\\|");
        table.push_str(&format!(
            "| {} | {} | {} | {} | `` {} `` |\n",
            row.fault.cell(),
            row.fault.describe(),
            row.attempts,
            row.first.code.unwrap_or(-1),
            line
        ));
    }
    println!("{table}");

    for row in &rows {
        let cell = row.fault.cell();
        let first = &row.first;
        let context = format!("cell {cell}: stderr:\n{}", first.stderr);
        // Exit 2, one error line naming project, endpoint and cause; no key.
        assert_eq!(first.code, Some(2), "{context}");
        let line = error_line(&first.stderr);
        assert!(line.contains("http://127.0.0.1:"), "{context}");
        assert!(
            !first.stderr.contains(KEY) && !first.stdout.contains(KEY),
            "{context}"
        );
        // Bounded attempts: transport faults and unusable bodies three
        // times (`--attempts 3`), a reply that breaks the schema a re-ask.
        let expected = match row.fault {
            Fault::SchemaBreak | Fault::CutOff => 2,
            _ => 3,
        };
        assert_eq!(row.attempts, expected, "{context}");
        let cause = match row.fault {
            Fault::TooManyWithRetryAfter | Fault::TooMany => "HTTP 429 after 3 attempt(s)",
            Fault::Status(500) => "HTTP 500 after 3 attempt(s)",
            Fault::Status(502) => "HTTP 502 after 3 attempt(s)",
            Fault::Status(_) => "HTTP 503 after 3 attempt(s)",
            Fault::Slow => "did not answer within 1.0 s, 3 attempt(s)",
            Fault::DroppedMidBody => "after 3 attempt(s)",
            Fault::NotJson => "not a chat-completion JSON object",
            Fault::SchemaBreak => "still invalid after a re-ask",
            Fault::CutOff => "cut off: finish_reason `length`",
            Fault::EmptyChoices => "`choices` is empty",
        };
        assert!(line.contains(cause), "{context}");
        // Retry-After is honoured: two waits of 1 s.
        if matches!(row.fault, Fault::TooManyWithRetryAfter) {
            assert!(
                first.seconds >= 2.0,
                "{context} took {:.2} s",
                first.seconds
            );
        }
        // Nothing partial is written, nothing failed or invalid is cached:
        // the one cache entry is the other project's good reply.
        assert_eq!(row.output_after_failure, ORIGINAL_OUTPUT, "{context}");
        assert!(first.stderr.contains("not writing"), "{context}");
        assert_eq!(row.cached_after_failure.len(), 1, "{context}");
        assert!(
            row.cached_after_failure[0].contains("주문 API"),
            "{context}"
        );

        // After the fix: a fresh call for the failed project only, all written.
        let second = &row.second;
        assert_eq!(
            second.code,
            Some(0),
            "cell {cell} second run:\n{}",
            second.stderr
        );
        assert_eq!(row.second_failing, 1, "cell {cell}: one fresh call");
        assert_eq!(
            row.second_other, 0,
            "cell {cell}: the other project is cached"
        );
        assert!(second.stdout.is_empty());
        assert!(row.output_after_fix.contains("## 주문 API"), "cell {cell}");
        assert!(row.output_after_fix.contains("## 정산 배치"), "cell {cell}");
        assert!(
            row.output_after_fix.contains("4시간에서 40분으로"),
            "cell {cell}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_draft_without_output_still_prints_the_projects_that_worked() {
    let server = Server::start(Fault::Status(503)).await;
    let directory = tempfile::tempdir().unwrap();
    let base_url = server.address.clone();
    let cache = directory.path().join("cache");
    let result = tokio::task::spawn_blocking(move || {
        Command::cargo_bin("draft")
            .unwrap()
            .env("OPENAI_API_KEY", KEY)
            .env("DRAFT_CACHE_DIR", &cache)
            .env_remove("DRAFT_FORCE_REDACT")
            .args([
                "--profile",
                "fixtures/faults/profile.toml",
                "career",
                "--content",
                "fixtures/faults/content",
                "--company",
                "결함상사",
                "--base-url",
                &base_url,
                "--model",
                "fault-model",
                "--attempts",
                "1",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stdout.contains("## 주문 API"), "{stdout}");
    assert!(!stdout.contains("## 정산 배치"), "{stdout}");
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.starts_with("error: "))
            .count(),
        1,
        "{stderr}"
    );
}
