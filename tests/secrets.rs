//! The API key and the user's personal data stay where they belong.
//!
//! A key (`sk-test-PLANTED-0123456789abcdef`) is planted in the environment
//! and personal data (a name listed in `[privacy] names`, a phone number, an
//! e-mail address, a 주민등록번호) in the facts; `career`, `career
//! --dry-run`, `logs` and `batch` run against wiremock on 127.0.0.1, and
//! stdout, stderr and every file under the temporary cache and output
//! directories are searched for the key. The cache and the call log must be
//! owner-only (directories 0700, files 0600).
//!
//! Redaction: an endpoint on loopback gets the facts as they are; one off
//! the machine gets placeholders. `--dry-run` against a remote base URL
//! shows that without any network. For a real exchange, `DRAFT_FORCE_REDACT=1`
//! (test-only: it makes a loopback endpoint count as remote for redaction)
//! lets wiremock receive what a remote endpoint would, and the placeholders
//! in the reply come back as the original values in the output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-test-PLANTED-0123456789abcdef";
const PERSONAL: [&str; 4] = [
    "홍길동",
    "010-1234-5678",
    "gildong.hong@example.com",
    "900101-1234567",
];
const PLACEHOLDERS: [&str; 4] = ["[이름1]", "[전화1]", "[이메일1]", "[주민번호1]"];

fn envelope(content: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "chatcmpl-secret",
        "object": "chat.completion",
        "created": 1763700000,
        "model": "secret-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    })
}

async fn server_with_reply() -> MockServer {
    let server = MockServer::start().await;
    let content = std::fs::read_to_string("fixtures/faults/personal_reply.json").unwrap();
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(&content)))
        .mount(&server)
        .await;
    server
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

impl Run {
    fn assert_no_key(&self, what: &str) {
        assert!(!self.stdout.contains(KEY), "{what}: key on stdout");
        assert!(!self.stderr.contains(KEY), "{what}: key on stderr");
        assert!(!self.stderr.contains("panicked"), "{what}: {}", self.stderr);
    }
}

fn draft(cache: &Path, environment: &[(&str, &str)], arguments: &[&str]) -> Run {
    let mut command = Command::cargo_bin("draft").unwrap();
    command
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DRAFT_MODEL")
        .env_remove("DRAFT_FORCE_REDACT")
        .env("OPENAI_API_KEY", KEY)
        .env("DRAFT_CACHE_DIR", cache);
    for (name, value) in environment {
        command.env(name, value);
    }
    let output = command.args(arguments).output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code(),
    }
}

fn career_arguments<'a>(base_url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut arguments = vec![
        "--profile",
        "fixtures/faults/profile.toml",
        "career",
        "--content",
        "fixtures/faults/personal",
        "--company",
        "결함상사",
        "--base-url",
        base_url,
        "--model",
        "secret-model",
        "--attempts",
        "1",
    ];
    arguments.extend_from_slice(extra);
    arguments
}

async fn bodies(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| String::from_utf8_lossy(&request.body).into_owned())
        .collect()
}

fn files_under(directory: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

fn assert_no_key_in_files(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(directory, &mut files);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(KEY),
            "key in {}",
            file.display()
        );
    }
    files
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn key_never_leaves_the_authorization_header() {
    let server = server_with_reply().await;
    let base_url = format!("{}/v1", server.uri());
    let directory = tempfile::tempdir().unwrap();
    let cache = directory.path().join("cache");
    let output = directory.path().join("out").join("career.md");
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let output_text = output.to_str().unwrap().to_string();

    let run = draft(
        &cache,
        &[],
        &career_arguments(&base_url, &["-o", &output_text]),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.assert_no_key("career");
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(!requests.is_empty());
    for request in &requests {
        let authorization = request.headers.get("authorization").unwrap();
        assert_eq!(authorization.to_str().unwrap(), format!("Bearer {KEY}"));
    }

    // A second run is served from the cache; the dry run and the log too.
    let run = draft(&cache, &[], &career_arguments(&base_url, &[]));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.assert_no_key("career (cached)");
    let run = draft(&cache, &[], &career_arguments(&base_url, &["--dry-run"]));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.assert_no_key("career --dry-run");
    for arguments in [&["logs"][..], &["logs", "--json"][..]] {
        let run = draft(&cache, &[], arguments);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("secret-model"), "{}", run.stdout);
        run.assert_no_key("logs");
    }
    let run = draft(
        &cache,
        &[],
        &[
            "--profile",
            "fixtures/faults/profile.toml",
            "batch",
            "--content",
            "fixtures/faults/personal",
            "--base-url",
            &base_url,
            "--model",
            "secret-model",
            "--attempts",
            "1",
            "--format",
            "json",
        ],
    );
    run.assert_no_key("batch");

    let files = assert_no_key_in_files(directory.path());
    assert!(files.iter().any(|file| file.ends_with("calls.jsonl")));
    assert!(files.iter().any(|file| file.ends_with("career.md")));

    #[cfg(unix)]
    {
        assert_eq!(mode(&cache), 0o700, "cache directory");
        assert_eq!(mode(&cache.join("responses")), 0o700, "responses directory");
        assert_eq!(mode(&cache.join("calls.jsonl")), 0o600, "call log");
        for file in files
            .iter()
            .filter(|file| file.starts_with(cache.join("responses")))
        {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
        // The draft itself is an ordinary file (umask), not owner-only.
        assert_ne!(mode(&output) & 0o044, 0, "output keeps normal permissions");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn key_echoed_by_a_failing_server_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {"message": format!("Incorrect API key provided: {KEY}"), "type": "invalid_request_error"}
        })))
        .mount(&server)
        .await;
    let base_url = format!("{}/v1", server.uri());
    let directory = tempfile::tempdir().unwrap();
    let cache = directory.path().join("cache");
    let run = draft(&cache, &[], &career_arguments(&base_url, &[]));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
    assert!(run.stderr.contains("***"), "{}", run.stderr);
    run.assert_no_key("career against a 401");
    let run = draft(&cache, &[], &["logs"]);
    run.assert_no_key("logs after a 401");
    assert_no_key_in_files(directory.path());
}

#[tokio::test(flavor = "multi_thread")]
async fn personal_data_is_redacted_for_remote_endpoints_and_restored_in_the_output() {
    let server = server_with_reply().await;
    let base_url = format!("{}/v1", server.uri());
    let directory = tempfile::tempdir().unwrap();
    let cache = directory.path().join("cache");

    // Loopback: sent as is.
    let run = draft(&cache, &[], &career_arguments(&base_url, &["--no-cache"]));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = bodies(&server).await;
    assert!(sent
        .iter()
        .all(|body| PERSONAL.iter().all(|value| body.contains(value))));
    server.reset().await;

    // Treated as remote: placeholders out, originals back in the draft.
    let server = server_with_reply().await;
    let base_url = format!("{}/v1", server.uri());
    let force = [("DRAFT_FORCE_REDACT", "1")];
    let run = draft(&cache, &force, &career_arguments(&base_url, &[]));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = bodies(&server).await;
    assert!(!sent.is_empty());
    for body in &sent {
        for value in PERSONAL {
            assert!(!body.contains(value), "{value} sent: {body}");
        }
        for placeholder in PLACEHOLDERS {
            assert!(body.contains(placeholder), "{placeholder} missing: {body}");
        }
    }
    assert!(
        run.stdout.contains("홍길동 팀장이 보고한"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("[이름1]"), "{}", run.stdout);
    // Nothing personal in the cache either: it holds the redacted exchange.
    let mut files = Vec::new();
    files_under(&cache, &mut files);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for value in PERSONAL {
            assert!(!text.contains(value), "{value} in {}", file.display());
        }
    }

    // --no-redact turns it off.
    let before = bodies(&server).await.len();
    let run = draft(
        &cache,
        &force,
        &career_arguments(&base_url, &["--no-redact", "--no-cache"]),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sent = bodies(&server).await;
    assert!(sent[before..]
        .iter()
        .all(|body| body.contains("010-1234-5678")));
}

fn messages_part(stdout: &str) -> &str {
    stdout
        .find("\nmessages (")
        .map_or("", |start| &stdout[start..])
}

#[test]
fn dry_run_shows_what_a_remote_endpoint_would_receive() {
    let directory = tempfile::tempdir().unwrap();
    let cache = directory.path().join("cache");
    // A remote base URL: a dry run sends nothing, so no network is needed.
    let remote = career_arguments("https://api.example.com/v1", &["--dry-run"]);
    let run = draft(&cache, &[], &remote);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.assert_no_key("dry run, remote");
    // The selected facts are listed as the user wrote them; the messages,
    // which are what would be sent, carry placeholders.
    let messages = messages_part(&run.stdout);
    for value in PERSONAL {
        assert!(!messages.contains(value), "{value} shown:\n{messages}");
    }
    for placeholder in PLACEHOLDERS {
        assert!(messages.contains(placeholder), "{placeholder} missing");
    }
    assert!(
        run.stderr.contains("replaced by placeholders"),
        "{}",
        run.stderr
    );
    let mut arguments = remote.clone();
    arguments.push("--no-redact");
    let run = draft(&cache, &[], &arguments);
    assert!(messages_part(&run.stdout).contains("010-1234-5678"));
    // Loopback: shown as it would be sent, unredacted.
    let local = career_arguments("http://127.0.0.1:9/v1", &["--dry-run"]);
    let run = draft(&cache, &[], &local);
    assert!(
        messages_part(&run.stdout).contains("010-1234-5678"),
        "{}",
        run.stdout
    );
    assert!(
        !cache.join("responses").exists()
            || std::fs::read_dir(cache.join("responses"))
                .unwrap()
                .next()
                .is_none()
    );
}
