//! `draft batch` through a chat-completions server on 127.0.0.1 (wiremock)
//! answering with the recorded replies of `fixtures/resume/replies/`: locked
//! text survives a regeneration verbatim, a second run is answered from the
//! cache, and a failed section neither stops the others nor lets `--write`
//! replace the file (unless `--partial`).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use draft::resume::Resume;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RESUME: &str = "content/career/resume.md";
const LOCKED_BULLET: &str =
    "- 주문 조회 쿼리의 인덱스를 **손수** 다듬어 정리 <!-- draft:keep -->\n";

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/resume")
        .join(relative)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A working directory holding a copy of `fixtures/resume/content` as `content/`.
fn workspace() -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    copy_tree(&fixture("content"), &directory.path().join("content"));
    directory
}

fn reply(name: &str) -> ResponseTemplate {
    let text = std::fs::read_to_string(fixture("replies").join(name)).unwrap();
    ResponseTemplate::new(200).set_body_raw(text, "application/json")
}

/// Answers the draft request of project `title` with `response`.
async fn answer(server: &MockServer, title: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains(format!("프로젝트: {title}")))
        .respond_with(response)
        .mount(server)
        .await;
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn batch(directory: &Path, server: &MockServer, cache: &Path, extra: &[&str]) -> Run {
    let base_url = format!("{}/v1", server.uri());
    let output = Command::cargo_bin("draft")
        .unwrap()
        .current_dir(directory)
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DRAFT_MODEL")
        .env_remove("NO_COLOR")
        .env("OPENAI_API_KEY", "sk-test-batch-KEY-4321")
        .env("DRAFT_CACHE_DIR", cache)
        .arg("--profile")
        .arg(fixture("profile.toml"))
        .args([
            "batch",
            "--resume",
            RESUME,
            "--content",
            "content",
            "--base-url",
            &base_url,
            "--model",
            "recorded-model",
            "--jobs",
            "2",
            "--attempts",
            "1",
        ])
        .args(extra)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
        code: output.status.code(),
    }
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

fn backups(directory: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(directory.join("content/career"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().ends_with(".bak"))
        .collect();
    found.sort();
    found
}

/// The text of the project titled `title`.
fn project_text(markdown: &str, title: &str) -> String {
    Resume::parse(markdown)
        .sections()
        .iter()
        .find(|section| section.project.title == title)
        .map(|section| section.project.text())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn locked_bullet_and_locked_section_are_kept_verbatim() {
    let server = MockServer::start().await;
    answer(&server, "주문 API", reply("order_api.json")).await;
    answer(&server, "결제 연동", reply("payment.json")).await;
    let directory = workspace();
    let cache = tempfile::tempdir().unwrap();
    let old = std::fs::read_to_string(directory.path().join(RESUME)).unwrap();

    let run = batch(directory.path(), &server, cache.path(), &["--write"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // The locked project is never sent to the model.
    let bodies: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| String::from_utf8_lossy(&request.body).to_string())
        .collect();
    assert_eq!(bodies.len(), 2, "one call per unlocked project");
    assert!(bodies
        .iter()
        .all(|body| !body.contains("프로젝트: 정산 배치")));

    let new = std::fs::read_to_string(directory.path().join(RESUME)).unwrap();
    assert_eq!(new.matches(LOCKED_BULLET).count(), 1, "{new}");
    assert_eq!(
        project_text(&new, "정산 배치"),
        project_text(&old, "정산 배치")
    );
    assert!(new.contains("- 주문 API 인스턴스 수를 9개에서 3개로 축소\n"));
    assert!(new.contains("![구조도](https://example.com/order-api.png)"));
    assert!(
        !new.contains("손수 다듬어 정리\n"),
        "the duplicate of the locked bullet is dropped"
    );
    insta::assert_snapshot!("regenerated_resume", new);

    let backups = backups(directory.path());
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(std::fs::read_to_string(&backups[0]).unwrap(), old);
    let name = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert!(
        name.starts_with("resume.md.20") && name.ends_with(".bak"),
        "{name}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&backups[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn second_run_with_unchanged_inputs_makes_no_model_call() {
    let server = MockServer::start().await;
    answer(&server, "주문 API", reply("order_api.json")).await;
    answer(&server, "결제 연동", reply("payment.json")).await;
    let directory = workspace();
    let cache = tempfile::tempdir().unwrap();

    let first = batch(directory.path(), &server, cache.path(), &[]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(request_count(&server).await, 2);
    let second = batch(directory.path(), &server, cache.path(), &[]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert_eq!(
        request_count(&server).await,
        2,
        "the second run is served by the cache"
    );
    assert!(
        second.stderr.contains("0 model call(s)"),
        "{}",
        second.stderr
    );
    assert_eq!(first.stdout, second.stdout);
    // Without --write nothing on disk changes.
    let on_disk = std::fs::read_to_string(directory.path().join(RESUME)).unwrap();
    assert_eq!(
        on_disk,
        std::fs::read_to_string(fixture("content/career/resume.md")).unwrap()
    );
    assert!(backups(directory.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_section_finishes_the_others_and_blocks_write_without_partial() {
    let server = MockServer::start().await;
    answer(&server, "주문 API", reply("order_api.json")).await;
    answer(
        &server,
        "결제 연동",
        ResponseTemplate::new(500).set_body_string("upstream exploded"),
    )
    .await;
    let directory = workspace();
    let cache = tempfile::tempdir().unwrap();
    let old = std::fs::read_to_string(directory.path().join(RESUME)).unwrap();

    let run = batch(directory.path(), &server, cache.path(), &["--write"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("결제 연동"), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 500"), "{}", run.stderr);
    assert!(run.stderr.contains("1 regenerated"), "{}", run.stderr);
    assert!(run.stderr.contains("not written"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(directory.path().join(RESUME)).unwrap(),
        old
    );
    assert!(backups(directory.path()).is_empty());

    // --partial writes the section that succeeded and keeps the failed one.
    let run = batch(
        directory.path(),
        &server,
        cache.path(),
        &["--write", "--partial"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let new = std::fs::read_to_string(directory.path().join(RESUME)).unwrap();
    assert_ne!(new, old);
    assert!(new.contains("- 주문 API 인스턴스 수를 9개에서 3개로 축소\n"));
    assert_eq!(
        project_text(&new, "결제 연동"),
        project_text(&old, "결제 연동")
    );
    assert_eq!(backups(directory.path()).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_review_shows_sections_and_number_statuses() {
    let server = MockServer::start().await;
    answer(&server, "주문 API", reply("order_api.json")).await;
    answer(&server, "결제 연동", reply("payment.json")).await;
    let directory = workspace();
    let cache = tempfile::tempdir().unwrap();

    let text = batch(
        directory.path(),
        &server,
        cache.path(),
        &["--diff", "--color", "never"],
    );
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert!(
        text.stdout.starts_with("--- content/career/resume.md\n"),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .contains("=== 테스트상사 › 서비스 개발 › 주문 API (changed"));
    assert!(
        !text.stdout.contains("정산 배치"),
        "a locked section has no diff"
    );
    assert!(text
        .stdout
        .contains("+- 주문 API 인스턴스 수를 9개에서 3개로 축소"));
    assert!(
        text.stdout
            .contains("↳ ✓ 9개 supported  content/retrospectives/2024-annual.md:11"),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains('\u{1b}'),
        "no colour when asked for none"
    );

    let coloured = batch(
        directory.path(),
        &server,
        cache.path(),
        &["--diff", "--color", "always"],
    );
    assert!(
        coloured.stdout.contains("\u{1b}[1;7;32m"),
        "word highlights on added lines"
    );

    let markdown = batch(
        directory.path(),
        &server,
        cache.path(),
        &["--diff", "--format", "md"],
    );
    assert!(markdown.stdout.starts_with("# 경력기술서 변경 검토"));
    assert!(markdown
        .stdout
        .contains("| Line | Number | Status | Evidence |"));

    let json = batch(
        directory.path(),
        &server,
        cache.path(),
        &["--diff", "--format", "json"],
    );
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["version"], 1);
    let sections = value["sections"].as_array().unwrap();
    assert!(sections
        .iter()
        .any(|section| section["label"] == "테스트상사 › 서비스 개발 › 주문 API"));
    assert_eq!(
        request_count(&server).await,
        2,
        "later runs come from the cache"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_report_lists_every_section() {
    let server = MockServer::start().await;
    answer(&server, "주문 API", reply("order_api.json")).await;
    answer(&server, "결제 연동", reply("payment.json")).await;
    let directory = workspace();
    let cache = tempfile::tempdir().unwrap();
    let run = batch(
        directory.path(),
        &server,
        cache.path(),
        &["--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let statuses: Vec<(&str, &str)> = value["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|section| {
            (
                section["title"].as_str().unwrap(),
                section["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("주문 API", "regenerated"),
            ("정산 배치", "locked"),
            ("결제 연동", "regenerated")
        ]
    );
    assert_eq!(value["sections"][0]["kept_bullets"], 1);
    assert_eq!(value["written"], false);
    assert!(value["markdown"].as_str().unwrap().contains(LOCKED_BULLET));
}
