#!/usr/bin/env python3
"""Mutation fuzzing of the `draft` commands, end to end.

The cargo-fuzz targets in this directory exercise one library function each.
This script runs the built binary on mutated copies of the bundled content and
the fixtures: Markdown syntax, Korean quantities, front-matter fragments and
(rarely) invalid UTF-8 inserted; spans deleted, duplicated, truncated. Every
round writes a few mutated sources into a temporary content directory, plus an
old and a mutated new version of one document, and runs `facts` (table and
JSON), `check`, `career --company 한패스` (offline), `verify` (text and JSON),
`diff` and `batch --resume` on them.

A run fails when the exit code is not 0, 1 or 2, when stderr mentions a panic
or a backtrace, or when a command takes more than a minute. The inputs of a
failing round are kept under `fuzz/artifacts/cli/`.

    cargo build --release
    python3 fuzz/cli.py [SEED] [SECONDS]     # defaults: 1 and 300

`DRAFT_BIN` overrides the binary (default `target/release/draft`).
"""

import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("DRAFT_BIN", os.path.join(ROOT, "target", "release", "draft"))
ARTIFACTS = os.path.join(ROOT, "fuzz", "artifacts", "cli")

TOKENS = [
    "|", "| a | b |\n|---|---|\n| 1 | 2 |\n", "**", "*", "_", "~~", "`", "```\n",
    "[", "]", "(", ")", "![x](y)", "<b>", "&amp;", "\\", "#", "## ", "#### ",
    "> ", "- ", "* ", "1. ", "\t", "    ", "\n", "\n\n", "---\n",
    "---\ntitle: x\n", "date: 2025-13-45\n", "tags: [a, b\n", "company: 한패스\n",
    ": ", "：", "41만 건", "1만 2천", "2시간 30분", "2~3%", "1.8초 → 240ms",
    "600ms에서 33ms", "9개에서 3개로", "463→508", "약 ", "최대 ", " 이상", " 이하",
    "80+", "10여 년", "인스턴스 수*30개", "3분의 1", "1/3로", "두 배", "절반",
    "2022.04.18", "2025.12.01 ~ 2025.12.12", "2월", "MPT-8756", "v2", "AES-256",
    "Q4", "999999999999999999999", "0.0000001", "1,234,567", "1e308", "-5", "−3",
    "１２３", "٣", "百", "億", "만만", "천천", "~", "～", "→", "->", "=>", "에서",
    "까지", "%p", "배", "분의", "\u200b", "\ufeff", "\r\n", "\r", "\x00", "😀",
    "\u0301", "ᄀ", "가", "힣", "결과", "배경", "원인", "해결", "담당", "회고",
    "**결과**", "- **원인**: ", "# **한패스**\n**2022.04.18 ~ 재직중**\n",
    "- [ ] ", "- [x] ",
]
NUMBERS = ["0", "1", "12", "007", "3.14", "1,000", "99.9", "10000000000"]
UNITS = ["", "%", "배", "개", "건", "ms", "초", "분", "시간", "일", "주", "개월",
         "년", "만", "천", "억", " 건", "MB", "GB", "x", "k"]
BAD_BYTES = [b"\xff", b"\xc3", b"\xe0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]
COMMANDS = [
    ["facts", "--format", "json"],
    ["facts"],
    ["check"],
    ["career", "--company", "한패스"],
    ["verify", "new.md"],
    ["verify", "--format", "json", "new.md"],
    ["diff", "old.md", "new.md"],
    ["batch", "--resume", "new.md"],
]


def mutate(raw: bytes) -> bytes:
    text = raw.decode("utf-8", "replace")
    for _ in range(random.randint(1, 10)):
        choice = random.random()
        at = random.randint(0, len(text))
        if choice < 0.55:
            text = text[:at] + random.choice(TOKENS) + text[at:]
        elif choice < 0.7:
            text = text[:at] + text[min(len(text), at + random.randint(1, 200)):]
        elif choice < 0.8:
            end = min(len(text), at + random.randint(1, 300))
            to = random.randint(0, len(text))
            text = text[:to] + text[at:end] + text[to:]
        elif choice < 0.85:
            text = text[:at]
        else:
            number = random.choice(NUMBERS + [str(random.randint(0, 10**6))])
            text = text[:at] + number + random.choice(UNITS) + text[at:]
    data = text.encode("utf-8", "surrogatepass")
    if random.random() < 0.03:
        at = random.randint(0, len(data))
        data = data[:at] + random.choice(BAD_BYTES) + data[at:]
    return data


def run(arguments, directory):
    environment = {**os.environ, "OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "NO_COLOR": "1"}
    try:
        done = subprocess.run([BINARY] + arguments, cwd=directory, capture_output=True,
                              timeout=60, env=environment)
    except subprocess.TimeoutExpired:
        return "timeout", b""
    if done.returncode not in (0, 1, 2) or b"panicked" in done.stderr or b"RUST_BACKTRACE" in done.stderr:
        return f"exit {done.returncode}", done.stderr
    return None, done.stderr


def main() -> int:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 300.0
    random.seed(seed)
    paths = glob.glob(os.path.join(ROOT, "content", "**", "*.md"), recursive=True)
    paths += glob.glob(os.path.join(ROOT, "fixtures", "**", "*.md"), recursive=True)
    sources = [open(path, "rb").read() for path in sorted(paths)]
    deadline = time.time() + seconds
    rounds = failures = 0
    with tempfile.TemporaryDirectory() as work:
        while time.time() < deadline:
            rounds += 1
            directory = os.path.join(work, "round")
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(os.path.join(directory, "content", "x"))
            for number, index in enumerate(random.sample(range(len(sources)), k=random.randint(1, 6))):
                with open(os.path.join(directory, "content", "x", f"f{number}.md"), "wb") as file:
                    file.write(mutate(sources[index]))
            base = random.choice(sources)
            with open(os.path.join(directory, "old.md"), "wb") as file:
                file.write(base)
            with open(os.path.join(directory, "new.md"), "wb") as file:
                file.write(mutate(base))
            shutil.copy(os.path.join(ROOT, "draft.toml"), os.path.join(directory, "draft.toml"))
            for arguments in COMMANDS:
                problem, stderr = run(arguments, directory)
                if problem:
                    failures += 1
                    kept = os.path.join(ARTIFACTS, f"seed{seed}-round{rounds}")
                    shutil.rmtree(kept, ignore_errors=True)
                    shutil.copytree(directory, kept)
                    print(f"{problem}: draft {' '.join(arguments)} (inputs in {kept})")
                    print(stderr[-600:].decode("utf-8", "replace"))
    print(f"seed {seed}: {rounds} rounds, {rounds * len(COMMANDS)} runs, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
