//! The one place `draft` talks to a language model: a small client for any
//! OpenAI-compatible chat-completions API (OpenAI, Ollama, vLLM, llama.cpp
//! server) with the retries, structured-output fallback, response cache and
//! call log that a long drafting run needs.
//!
//! # Transport
//!
//! Request bodies are built from `async-openai`'s types
//! ([`CreateChatCompletionRequest`], [`ResponseFormat`]) and server error
//! bodies are read with its [`WrappedError`], but the HTTP exchange itself is
//! made with `reqwest` (the version `async-openai` uses). `async-openai` 0.43's
//! `Client` does not expose response headers, so `Retry-After` could not be
//! honoured, and it drops the HTTP status of a 4xx whose body is not OpenAI's
//! error shape (vLLM, llama.cpp and FastAPI-style `422`s), which the
//! `json_schema` fallback needs. Replies are parsed leniently rather than into
//! `CreateChatCompletionResponse`, because local servers omit fields it
//! requires (`created`, `object`) and report finish reasons outside its closed
//! enum, which [`ChatReply::finish_reason`] must pass through as given.
//!
//! # Secrets
//!
//! The API key lives only in [`Secret`] (prints `***`, never serialised) and
//! in a header value marked sensitive. It is not part of the cache key, the
//! cache files, the call log or any [`LlmError`]; server messages and
//! transport errors are scrubbed of it before they are kept.
//!
//! [`CreateChatCompletionRequest`]: async_openai::types::chat::CreateChatCompletionRequest
//! [`ResponseFormat`]: async_openai::types::chat::ResponseFormat
//! [`WrappedError`]: async_openai::error::WrappedError

mod cache;
mod files;
mod log;
mod wire;

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

pub(crate) use log::rfc3339_utc;
pub use log::{format_call_log, read_call_log, CallRecord};

use wire::{Failure, FormatLevel};

/// An API key. Its `Debug` and `Display` print `***`; it has no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The key itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

/// Where to send requests: the API base (`http://localhost:11434/v1`,
/// `https://api.openai.com/v1`; `/chat/completions` is appended), the key
/// (`None` sends no `Authorization` header) and the model name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub model: String,
}

impl Endpoint {
    /// The base URL as it may be shown to the user: without user info or
    /// query string (where some gateways carry credentials) and without a
    /// trailing slash.
    pub fn display_url(&self) -> String {
        display_url(&self.base_url)
    }
}

/// How the client behaves; see [`ClientSettings::default`] for the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    /// Per-request timeout, connection to last byte of the reply.
    pub timeout: Duration,
    /// Total attempts for retryable failures (429, 500, 502, 503, 504,
    /// timeouts, connection errors), the first included. At least 1.
    pub max_attempts: u32,
    /// First retry waits about this long; each further retry doubles it.
    pub backoff_base: Duration,
    /// No wait (backoff or `Retry-After`) is longer than this.
    pub backoff_max: Duration,
    /// `None` = no response cache.
    pub cache_dir: Option<PathBuf>,
    /// `None` = no call log.
    pub log_path: Option<PathBuf>,
}

impl Default for ClientSettings {
    /// Timeout 60 s, 4 attempts, backoff 500 ms doubling up to 20 s, no
    /// cache, no log.
    fn default() -> Self {
        ClientSettings {
            timeout: Duration::from_secs(60),
            max_attempts: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(20),
            cache_dir: None,
            log_path: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatRole {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: ChatRole,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        ChatMessage {
            role: ChatRole::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage {
            role: ChatRole::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        ChatMessage {
            role: ChatRole::Assistant,
            content: content.into(),
        }
    }
}

/// A JSON Schema the reply must follow, sent as
/// `response_format: {type: json_schema, json_schema: {name, schema, strict: true}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSchema {
    /// `a-z`, `A-Z`, `0-9`, `_` and `-`, at most 64 characters (OpenAI's rule).
    pub name: String,
    pub schema: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    pub temperature: f32,
    pub max_tokens: Option<u32>,
    pub response_schema: Option<ResponseSchema>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatReply {
    pub content: String,
    /// As the server gave it (`stop`, `length`, …); the caller decides what
    /// a truncated reply means.
    pub finish_reason: Option<String>,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// `true` when the reply came from the cache and no request was sent.
    pub cache_hit: bool,
}

/// Everything that can go wrong talking to the model. `endpoint` is the
/// base URL as [`Endpoint::display_url`] shows it; no variant ever holds the
/// API key.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("model endpoint `{endpoint}`: {reason}")]
    InvalidConfig { endpoint: String, reason: String },

    #[error("{endpoint} answered HTTP {status} after {attempts} attempt(s): {message}")]
    Status {
        endpoint: String,
        status: u16,
        attempts: u32,
        message: String,
    },

    #[error(
        "{endpoint} did not answer within {:.1} s, {attempts} attempt(s)",
        timeout.as_secs_f64()
    )]
    Timeout {
        endpoint: String,
        timeout: Duration,
        attempts: u32,
    },

    #[error("could not reach {endpoint} after {attempts} attempt(s): {cause}")]
    Connection {
        endpoint: String,
        attempts: u32,
        cause: String,
    },

    #[error("{endpoint} sent an unusable reply: {reason}")]
    InvalidReply { endpoint: String, reason: String },

    #[error("response cache {path}: {source}")]
    Cache {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("call log {path}: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("call log {path}:{line}: {cause}")]
    LogLine {
        path: PathBuf,
        line: usize,
        cause: String,
    },
}

impl LlmError {
    /// A few words for the call log's `outcome` column.
    pub fn short_cause(&self) -> String {
        match self {
            LlmError::InvalidConfig { reason, .. } => format!("invalid config: {reason}"),
            LlmError::Status {
                status, attempts, ..
            } => format!("HTTP {status} after {attempts} attempt(s)"),
            LlmError::Timeout { attempts, .. } => format!("timeout after {attempts} attempt(s)"),
            LlmError::Connection { attempts, .. } => {
                format!("connection failed after {attempts} attempt(s)")
            }
            LlmError::InvalidReply { reason, .. } => {
                format!("invalid reply: {}", wire::truncate(reason, 80))
            }
            LlmError::Cache { source, .. } => format!("cache: {source}"),
            LlmError::Log { source, .. } => format!("log: {source}"),
            LlmError::LogLine { line, .. } => format!("log line {line}"),
        }
    }
}

/// `$DRAFT_CACHE_DIR` if set and not empty, else the platform cache
/// directory's `draft` (`~/.cache/draft` on Linux).
pub fn default_cache_dir() -> Option<PathBuf> {
    match std::env::var_os("DRAFT_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::cache_dir().map(|dir| dir.join("draft")),
    }
}

/// A chat-completions client for one endpoint and model. Cheap to clone
/// (clones share the connection pool, counters and what was learned about
/// the endpoint); `Send + Sync`.
#[derive(Clone)]
pub struct ModelClient {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    display_endpoint: String,
    url: reqwest::Url,
    authorization: Option<HeaderValue>,
    http: reqwest::Client,
    settings: ClientSettings,
    /// The strongest `response_format` this endpoint is known to accept
    /// ([`FormatLevel`] as `u8`); only ever lowered.
    format_level: AtomicU8,
    calls: AtomicUsize,
    log_lock: Mutex<()>,
}

impl fmt::Debug for ModelClient {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ModelClient")
            .field("endpoint", &self.inner.display_endpoint)
            .field("model", &self.inner.endpoint.model)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

impl ModelClient {
    /// Checks the endpoint and settings, builds the HTTP client and creates
    /// the cache directory (owner-only) if one is set. Sends nothing.
    pub fn new(endpoint: Endpoint, settings: ClientSettings) -> Result<Self, LlmError> {
        let display_endpoint = endpoint.display_url();
        let invalid = |reason: &str| LlmError::InvalidConfig {
            endpoint: display_endpoint.clone(),
            reason: reason.to_string(),
        };

        let base = reqwest::Url::parse(endpoint.base_url.trim())
            .map_err(|error| invalid(&format!("not a URL ({error})")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid("the URL must start with http:// or https:// (for example http://localhost:11434/v1)"));
        }
        let url = reqwest::Url::parse(&format!(
            "{}/chat/completions",
            endpoint.base_url.trim().trim_end_matches('/')
        ))
        .map_err(|error| invalid(&format!("not a URL ({error})")))?;
        if endpoint.model.trim().is_empty() {
            return Err(invalid("no model name is set"));
        }
        if settings.max_attempts == 0 {
            return Err(invalid("max_attempts must be at least 1"));
        }
        if settings.timeout.is_zero() {
            return Err(invalid("the timeout must be longer than zero"));
        }

        let authorization = match &endpoint.api_key {
            Some(key) if !key.expose().is_empty() => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                    .map_err(|_| {
                        invalid("the API key holds characters an HTTP header cannot carry")
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            _ => None,
        };

        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .user_agent(concat!("draft/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&base) {
            // A local server must never be reached through a proxy.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|error| invalid(&format!("cannot build the HTTP client ({error})")))?;

        if let Some(dir) = &settings.cache_dir {
            cache::prepare(dir)?;
        }

        Ok(ModelClient {
            inner: Arc::new(Inner {
                endpoint,
                display_endpoint,
                url,
                authorization,
                http,
                settings,
                format_level: AtomicU8::new(FormatLevel::JsonSchema as u8),
                calls: AtomicUsize::new(0),
                log_lock: Mutex::new(()),
            }),
        })
    }

    /// Sends `request` (or answers it from the cache) and returns the first
    /// choice. Appends one line to the call log, if set, whatever the
    /// outcome; a log that cannot be written turns a successful call into
    /// [`LlmError::Log`] (the reply is in the cache, if one is set).
    pub async fn complete(&self, request: &ChatRequest) -> Result<ChatReply, LlmError> {
        let started = Instant::now();
        let result = self.complete_without_log(request).await;
        if let Some(path) = &self.inner.settings.log_path {
            let record = self.call_record(&result, started.elapsed());
            let written = {
                let _guard = self
                    .inner
                    .log_lock
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                log::append(path, &record)
            };
            // The call's own error matters more than a failed log write.
            if let (Ok(_), Err(error)) = (&result, written) {
                return Err(error);
            }
        }
        result
    }

    /// HTTP requests actually sent so far (retries and fallbacks included,
    /// cache hits not).
    pub fn calls_made(&self) -> usize {
        self.inner.calls.load(Ordering::SeqCst)
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// Drops the cached reply to `request`, if there is one: for a reply
    /// that arrived whole but that the caller cannot use (it breaks the
    /// schema, it was cut off), so a later run asks again instead of
    /// replaying it. Best effort: a missing entry or a failed removal is
    /// ignored (the entry is then only a stale miss-in-waiting).
    pub fn forget(&self, request: &ChatRequest) {
        if let Some(dir) = &self.inner.settings.cache_dir {
            let path = cache::entry_path(dir, &cache::key(&self.inner.endpoint, request));
            let _ = std::fs::remove_file(path);
        }
    }

    async fn complete_without_log(&self, request: &ChatRequest) -> Result<ChatReply, LlmError> {
        let cache = self
            .inner
            .settings
            .cache_dir
            .as_deref()
            .map(|dir| (dir, cache::key(&self.inner.endpoint, request)));
        if let Some((dir, key)) = &cache {
            if let Some(reply) = cache::load(dir, key) {
                return Ok(reply);
            }
        }
        let reply = self.fetch(request).await?;
        if let Some((dir, key)) = &cache {
            cache::store(dir, key, &reply)?;
        }
        Ok(reply)
    }

    /// The network part: retries, backoff and the `response_format` fallback.
    async fn fetch(&self, request: &ChatRequest) -> Result<ChatReply, LlmError> {
        let inner = &self.inner;
        let settings = &inner.settings;
        let endpoint = || inner.display_endpoint.clone();

        let mut level = if request.response_schema.is_some() {
            FormatLevel::from_u8(inner.format_level.load(Ordering::SeqCst))
        } else {
            FormatLevel::Plain
        };
        // Whether `level` was lowered during this call for a reason that did
        // not name the response format: remembered only if the lower level
        // then works, so an unrelated 400 does not downgrade the endpoint.
        let mut unconfirmed_fallback = false;
        let mut failures = 0u32; // retryable failures, against max_attempts
        let mut sent = 0u32;

        loop {
            let body =
                wire::request_body(&inner.endpoint.model, request, level).map_err(|reason| {
                    LlmError::InvalidConfig {
                        endpoint: endpoint(),
                        reason,
                    }
                })?;
            sent += 1;
            inner.calls.fetch_add(1, Ordering::SeqCst);

            let failure = match self.send(body).await {
                Ok(bytes) => match wire::parse_reply(&bytes, |text| self.redact(text)) {
                    Ok(reply) => {
                        if unconfirmed_fallback {
                            self.lower_format_level(level);
                        }
                        return Ok(reply);
                    }
                    // A 200 carrying an HTML error page or an empty `choices`
                    // is usually a gateway glitch: retried like a 502.
                    Err(reason) => {
                        failures += 1;
                        if failures < settings.max_attempts {
                            let wait = wire::backoff_delay(
                                settings.backoff_base,
                                settings.backoff_max,
                                failures,
                                None,
                            );
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        return Err(LlmError::InvalidReply {
                            endpoint: endpoint(),
                            reason: format!("{reason} (after {sent} attempt(s))"),
                        });
                    }
                },
                Err(failure) => failure,
            };

            if let Failure::Status {
                status, message, ..
            } = &failure
            {
                if let Some((lower, names_format)) = level.fallback(*status, message) {
                    if names_format {
                        self.lower_format_level(lower);
                    } else {
                        unconfirmed_fallback = true;
                    }
                    level = lower;
                    continue; // a rejected format is not a retryable failure
                }
            }

            failures += 1;
            let retry_after = match &failure {
                Failure::Status {
                    status,
                    retry_after,
                    ..
                } if wire::is_retryable_status(*status) => Some(*retry_after),
                Failure::Timeout | Failure::Connection(_) => Some(None),
                Failure::Status { .. } => None,
            };
            match retry_after {
                Some(retry_after) if failures < settings.max_attempts => {
                    let wait = wire::backoff_delay(
                        settings.backoff_base,
                        settings.backoff_max,
                        failures,
                        retry_after,
                    );
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return Err(match failure {
                        Failure::Status {
                            status, message, ..
                        } => LlmError::Status {
                            endpoint: endpoint(),
                            status,
                            attempts: sent,
                            message,
                        },
                        Failure::Timeout => LlmError::Timeout {
                            endpoint: endpoint(),
                            timeout: settings.timeout,
                            attempts: sent,
                        },
                        Failure::Connection(cause) => LlmError::Connection {
                            endpoint: endpoint(),
                            attempts: sent,
                            cause,
                        },
                    })
                }
            }
        }
    }

    /// One HTTP exchange. `Ok` only for a 2xx, with the body.
    async fn send(&self, body: Vec<u8>) -> Result<Vec<u8>, Failure> {
        let inner = &self.inner;
        let mut builder = inner
            .http
            .post(inner.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(body);
        if let Some(authorization) = &inner.authorization {
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|error| self.transport_failure(error))?;
        let status = response.status();
        let retry_after = wire::retry_after(response.headers(), std::time::SystemTime::now());
        let bytes = response
            .bytes()
            .await
            .map_err(|error| self.transport_failure(error))?;
        if status.is_success() {
            Ok(bytes.to_vec())
        } else {
            Err(Failure::Status {
                status: status.as_u16(),
                retry_after,
                message: self.redact(&wire::error_message(&bytes)),
            })
        }
    }

    fn transport_failure(&self, error: reqwest::Error) -> Failure {
        if error.is_timeout() {
            return Failure::Timeout;
        }
        // The root cause ("Connection refused", "dns error", …) sits at the
        // end of the source chain; the URL is dropped (we name the endpoint).
        let error = error.without_url();
        let mut parts = vec![error.to_string()];
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !parts.iter().any(|part| part.contains(&text)) {
                parts.push(text);
            }
            source = cause.source();
        }
        Failure::Connection(self.redact(&parts.join(": ")))
    }

    fn lower_format_level(&self, level: FormatLevel) {
        self.inner
            .format_level
            .fetch_max(level as u8, Ordering::SeqCst);
    }

    fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        if let Some(key) = &self.inner.endpoint.api_key {
            if !key.expose().is_empty() {
                text = text.replace(key.expose(), "***");
            }
        }
        let raw = self.inner.endpoint.base_url.trim().trim_end_matches('/');
        if !raw.is_empty() && raw != self.inner.display_endpoint {
            text = text.replace(raw, &self.inner.display_endpoint);
        }
        text
    }

    fn call_record(&self, result: &Result<ChatReply, LlmError>, elapsed: Duration) -> CallRecord {
        let (prompt_tokens, completion_tokens, cache_hit, outcome) = match result {
            Ok(reply) => (
                reply.prompt_tokens,
                reply.completion_tokens,
                reply.cache_hit,
                "ok".to_string(),
            ),
            Err(error) => (0, 0, false, format!("error: {}", error.short_cause())),
        };
        CallRecord {
            time: log::now_rfc3339(),
            model: self.inner.endpoint.model.clone(),
            endpoint: self.inner.display_endpoint.clone(),
            prompt_tokens,
            completion_tokens,
            duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            cache_hit,
            outcome: self.redact(&outcome),
        }
    }
}

fn display_url(base_url: &str) -> String {
    let trimmed = base_url.trim();
    match reqwest::Url::parse(trimmed) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.set_fragment(None);
            url.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => trimmed.trim_end_matches('/').to_string(),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}
