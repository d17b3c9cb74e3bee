//! Broken set-ups give one clear `error:` line and exit 2, never a panic:
//! a missing or empty content directory, an unknown company (the closest
//! name suggested), a draft.toml that does not parse (path, line, column)
//! and a prompt template naming a variable the code does not provide
//! (template and variable named); a stdout that cannot be written (a full
//! disk) is reported too, while a reader that stops early is no error.

use std::path::Path;

use assert_cmd::Command;

struct Run {
    stderr: String,
    code: Option<i32>,
}

fn draft(arguments: &[&str]) -> Run {
    let output = Command::cargo_bin("draft")
        .unwrap()
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .args(arguments)
        .output()
        .unwrap();
    Run {
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code(),
    }
}

fn assert_one_error(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    for needle in needles {
        assert!(errors[0].contains(needle), "{needle:?} in {}", errors[0]);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn missing_content_directory() {
    let directory = tempfile::tempdir().unwrap();
    let missing = directory.path().join("content");
    let missing = missing.to_str().unwrap();
    for command in ["career", "facts"] {
        let mut arguments = vec![command, "--content", missing];
        if command == "career" {
            arguments.extend(["--company", "결함상사", "--offline"]);
        }
        let run = draft(&arguments);
        assert_one_error(&run, &[missing, "does not exist", "--content"]);
    }
}

#[test]
fn empty_content_directory() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("notes.txt"), "not markdown").unwrap();
    let path = directory.path().to_str().unwrap();
    let run = draft(&[
        "career",
        "--content",
        path,
        "--company",
        "결함상사",
        "--offline",
    ]);
    assert_one_error(&run, &[path, "no Markdown files"]);
}

#[test]
fn unknown_company_suggests_the_closest_name() {
    let run = draft(&[
        "--profile",
        "fixtures/faults/profile.toml",
        "career",
        "--content",
        "fixtures/faults/content",
        "--company",
        "결함산사",
        "--offline",
    ]);
    assert_one_error(
        &run,
        &["`결함산사`", "did you mean `결함상사`?", "known companies"],
    );
    let run = draft(&[
        "--profile",
        "fixtures/faults/profile.toml",
        "career",
        "--content",
        "fixtures/faults/content",
        "--company",
        "전혀다른이름입니다",
        "--offline",
    ]);
    assert_one_error(&run, &["unknown company", "known companies: 결함상사"]);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
}

#[test]
fn profile_that_does_not_parse_names_path_line_and_column() {
    let directory = tempfile::tempdir().unwrap();
    let profile = directory.path().join("draft.toml");
    std::fs::write(
        &profile,
        "[[companies]]\nname = \"결함상사\"\nperiod = \"2021.03 ~ 재직중\"\nfoo\n",
    )
    .unwrap();
    let path = profile.to_str().unwrap();
    let run = draft(&[
        "--profile",
        path,
        "career",
        "--company",
        "결함상사",
        "--offline",
    ]);
    assert_one_error(&run, &[&format!("{path}:4:"), "invalid profile"]);

    // A well-formed file with a wrong type or an unknown key is named too.
    std::fs::write(&profile, "[model]\nattempts = \"three\"\n").unwrap();
    let run = draft(&[
        "--profile",
        path,
        "career",
        "--company",
        "결함상사",
        "--offline",
    ]);
    assert_one_error(&run, &[&format!("{path}:2:"), "invalid profile"]);
}

#[test]
fn template_with_a_missing_variable_names_template_and_variable() {
    let directory = tempfile::tempdir().unwrap();
    let template = directory.path().join("draft.hbs");
    std::fs::write(&template, "회사: {{company}}\n{{no_such_variable}}\n").unwrap();
    let prompts = directory.path().to_str().unwrap();
    let run = draft(&[
        "--profile",
        "fixtures/faults/profile.toml",
        "career",
        "--content",
        "fixtures/faults/content",
        "--company",
        "결함상사",
        "--dry-run",
        "--prompts",
        prompts,
    ]);
    assert_one_error(
        &run,
        &[
            &Path::new(prompts).join("draft.hbs").display().to_string(),
            "`no_such_variable`",
            "line 2",
        ],
    );

    // A template that does not even parse is named with its line as well.
    std::fs::write(&template, "회사: {{#if company}}\n열린 채로 끝남\n").unwrap();
    let run = draft(&[
        "--profile",
        "fixtures/faults/profile.toml",
        "career",
        "--content",
        "fixtures/faults/content",
        "--company",
        "결함상사",
        "--dry-run",
        "--prompts",
        prompts,
    ]);
    assert_one_error(&run, &["draft.hbs"]);
}

#[test]
fn a_reader_that_stops_early_is_no_error_and_a_full_disk_is_one() {
    use std::io::Read;
    use std::process::{Command as Process, Stdio};

    // `draft facts | head -c 100`: the listing (about 430 KB of JSON) outruns
    // the pipe, the reader goes away, and `draft` stops quietly.
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("draft"))
        .args(["facts", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut start = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&start).starts_with("{\n  \"version\": 1"));
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Any other failure to write is reported, and exits 2.
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = Process::new(assert_cmd::cargo::cargo_bin("draft"))
            .args(["facts", "--format", "json"])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: cannot write to stdout: "),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
