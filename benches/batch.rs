//! `draft batch` over a synthetic 경력기술서 of 40 projects against a local
//! chat-completions server (wiremock on 127.0.0.1) that answers every request
//! after a fixed 200 ms, with `--jobs 8`. Prints the wall time beside the
//! serial bound (40 × 200 ms) and the ideal for 8 at a time
//! (ceil(40 / 8) × 200 ms), then the same batch `--offline` for the fixed
//! cost of ingest, token counting, context, verification and merge, and the
//! one-time load of the tokenizer tables that a fresh process adds.
//!
//! Run with `cargo bench --bench batch`. No network beyond 127.0.0.1, no key.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use clap::Parser;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SECTIONS: usize = 40;
const JOBS: usize = 8;
const DELAY: Duration = Duration::from_millis(200);
const SUBJECTS: [&str; 8] = [
    "주문", "결제", "정산", "회원", "배송", "검색", "알림", "쿠폰",
];
const KINDS: [&str; 5] = ["API", "배치", "관리", "연동", "개선"];

/// Answers a draft request with a reply citing the first fact id of its
/// prompt, after [`DELAY`]. The bullet has no number, so no repair round.
struct DelayedReply;

impl Respond for DelayedReply {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body);
        let fact_id = body
            .split("\\\"id\\\":\\\"")
            .nth(1)
            .and_then(|rest| rest.get(..13))
            .unwrap_or("f000000000000")
            .to_string();
        let title = body
            .split("프로젝트: ")
            .nth(1)
            .and_then(|rest| rest.split(" (").next())
            .unwrap_or("프로젝트")
            .to_string();
        let content = serde_json::json!({
            "title": title,
            "topic": "서비스 개발",
            "배경": [],
            "담당": [{"text": format!("{title} 기능 개발 정리"), "facts": [fact_id], "children": []}],
            "결과": []
        });
        let reply = serde_json::json!({
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1_763_740_800,
            "model": "bench-model",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content.to_string()},
                "finish_reason": "stop"
            }],
            "usage": {"prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960}
        });
        ResponseTemplate::new(200)
            .set_body_json(reply)
            .set_delay(DELAY)
    }
}

/// A 경력기술서 of `SECTIONS` projects with 배경, 담당 and 결과 each.
fn synthetic_resume() -> String {
    let mut out = String::from("# **벤치상사**\n\n**2020.03.02 ~ 재직중**\n\n# 서비스 개발\n\n");
    for index in 0..SECTIONS {
        let title = format!(
            "{} {}",
            SUBJECTS[index % SUBJECTS.len()],
            KINDS[index / SUBJECTS.len()]
        );
        let _ = write!(
            out,
            "## {title}\n\n### 배경\n\n- {title} 요청이 몰리는 시간에 응답이 느려지는 문제 발생\n\n### 담당\n\n- {title} 조회 경로를 캐시로 분리\n    - 캐시 유효시간 {minutes}분으로 설정\n- {title} 배포 파이프라인 정리\n\n### 결과\n\n- {title} 응답 시간을 {before}ms에서 {after}ms로 단축\n\n",
            minutes = index % 9 + 1,
            before = 300 + index * 10,
            after = 30 + index,
        );
    }
    out
}

fn main() {
    let directory = match tempfile::tempdir() {
        Ok(directory) => directory,
        Err(error) => {
            eprintln!("cannot create a temporary directory: {error}");
            return;
        }
    };
    let root = directory.path();
    let written = std::fs::create_dir_all(root.join("content/career"))
        .and_then(|()| std::fs::write(root.join("content/career/resume.md"), synthetic_resume()))
        .and_then(|()| {
            std::fs::write(
                root.join("profile.toml"),
                "[[companies]]\nname = \"벤치상사\"\nperiod = \"2020.03.02 ~ 재직중\"\n",
            )
        });
    if let Err(error) = written {
        eprintln!("cannot write the synthetic résumé: {error}");
        return;
    }
    // The call log goes to the temporary directory; the cache is off.
    std::env::set_var("DRAFT_CACHE_DIR", root.join("cache"));

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            return;
        }
    };
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(DelayedReply)
            .mount(&server)
            .await;
        server
    });

    let text = |path: &Path| path.display().to_string();
    let base_url = format!("{}/v1", server.uri());
    let arguments = [
        "draft".to_string(),
        "--profile".to_string(),
        text(&root.join("profile.toml")),
        "batch".to_string(),
        "--resume".to_string(),
        text(&root.join("content/career/resume.md")),
        "--content".to_string(),
        text(&root.join("content")),
        "--base-url".to_string(),
        base_url,
        "--model".to_string(),
        "bench-model".to_string(),
        "--jobs".to_string(),
        JOBS.to_string(),
        "--attempts".to_string(),
        "1".to_string(),
        "--no-cache".to_string(),
        "--output".to_string(),
        text(&root.join("regenerated.md")),
    ];
    // The tokenizer tables load once per process; time that apart, so the
    // batch below shows the drafting itself.
    let started = Instant::now();
    if let Err(error) = draft::context::TokenCounter::new("o200k_base") {
        eprintln!("cannot load the tokenizer: {error}");
    }
    let tokenizer_load = started.elapsed();
    let cli = draft::cli::Cli::parse_from(arguments.to_vec());
    let started = Instant::now();
    let outcome = draft::cli::run(cli);
    let wall = started.elapsed();
    // The same pipeline without a model: ingest, token counting, context,
    // verification and merge, the fixed cost inside the wall time.
    let mut offline_arguments = arguments.to_vec();
    offline_arguments.push("--offline".to_string());
    let started = Instant::now();
    let offline = draft::cli::run(draft::cli::Cli::parse_from(offline_arguments));
    let offline_wall = started.elapsed();
    if let Err(error) = &offline {
        eprintln!("offline batch failed: {error}");
    }

    let requests = runtime
        .block_on(server.received_requests())
        .map_or(0, |requests| requests.len());

    match &outcome {
        Ok(outcome) if outcome.exit_code == 0 => {}
        Ok(outcome) => eprintln!("batch exited {}: {:?}", outcome.exit_code, outcome.notes),
        Err(error) => eprintln!("batch failed: {error}"),
    }
    let milliseconds = |duration: Duration| duration.as_secs_f64() * 1000.0;
    let serial = DELAY * u32::try_from(SECTIONS).unwrap_or(u32::MAX);
    let rounds = SECTIONS.div_ceil(JOBS);
    let ideal = DELAY * u32::try_from(rounds).unwrap_or(u32::MAX);
    println!(
        "draft batch: {SECTIONS} sections, --jobs {JOBS}, fake server replying after {} ms",
        DELAY.as_millis()
    );
    println!("  model requests sent:                 {requests}");
    println!(
        "  wall time:                           {:>8.0} ms",
        milliseconds(wall)
    );
    println!(
        "  serial bound {SECTIONS} × {} ms:              {:>8.0} ms  (speed-up {:.1}×)",
        DELAY.as_millis(),
        milliseconds(serial),
        milliseconds(serial) / milliseconds(wall)
    );
    println!(
        "  ideal ceil({SECTIONS}/{JOBS}) × {} ms = {rounds} × {} ms: {:>8.0} ms  (overhead {:+.0} ms)",
        DELAY.as_millis(),
        DELAY.as_millis(),
        milliseconds(ideal),
        milliseconds(wall) - milliseconds(ideal)
    );
    println!(
        "  same batch --offline (no model):     {:>8.0} ms  (ingest, context, verify, merge)",
        milliseconds(offline_wall)
    );
    println!(
        "  tokenizer tables, once per process:  {:>8.0} ms  (not in the times above)",
        milliseconds(tokenizer_load)
    );
}
