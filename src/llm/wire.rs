//! What goes over the wire and what comes back: request bodies (built from
//! `async-openai`'s types), lenient reply parsing, server error messages,
//! `Retry-After` and the backoff schedule. Pure functions, so the rules can
//! be tested without a server.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_openai::error::WrappedError;
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, ResponseFormat, ResponseFormatJsonSchema,
};
use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::{ChatReply, ChatRequest, ChatRole};

/// The `response_format` sent with a schema-carrying request, strongest
/// first. The discriminants order them: a higher value is a weaker format,
/// so "what the endpoint accepts" is only ever lowered with `fetch_max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum FormatLevel {
    /// `{type: json_schema, json_schema: {name, schema, strict: true}}`
    JsonSchema = 0,
    /// `{type: json_object}`
    JsonObject = 1,
    /// no `response_format` (the prompt still carries the schema in text)
    Plain = 2,
}

impl FormatLevel {
    pub(super) fn from_u8(value: u8) -> Self {
        match value {
            0 => FormatLevel::JsonSchema,
            1 => FormatLevel::JsonObject,
            _ => FormatLevel::Plain,
        }
    }

    /// The weaker format to try after the server answered `status` with
    /// `message`, and whether the message named the response format (then
    /// the endpoint can be marked at once; otherwise only once the weaker
    /// format works). `None`: the rejection is not about the format.
    pub(super) fn fallback(self, status: u16, message: &str) -> Option<(FormatLevel, bool)> {
        if !matches!(status, 400 | 422) {
            return None;
        }
        let message = message.to_lowercase();
        match self {
            FormatLevel::JsonSchema => {
                let names_format = ["response_format", "response format", "schema"]
                    .iter()
                    .any(|word| message.contains(word));
                (status == 400 || names_format).then_some((FormatLevel::JsonObject, names_format))
            }
            FormatLevel::JsonObject => ["response_format", "response format", "json_object"]
                .iter()
                .any(|word| message.contains(word))
                .then_some((FormatLevel::Plain, true)),
            FormatLevel::Plain => None,
        }
    }
}

/// Why one HTTP exchange did not give a usable 2xx body.
#[derive(Debug)]
pub(super) enum Failure {
    Status {
        status: u16,
        retry_after: Option<Duration>,
        message: String,
    },
    Timeout,
    Connection(String),
}

pub(super) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// The JSON body of a chat-completions request.
#[allow(deprecated)] // `max_tokens`: what Ollama, vLLM and llama.cpp all read
pub(super) fn request_body(
    model: &str,
    request: &ChatRequest,
    level: FormatLevel,
) -> Result<Vec<u8>, String> {
    let messages = request
        .messages
        .iter()
        .map(|message| {
            let content = message.content.as_str();
            match message.role {
                ChatRole::System => ChatCompletionRequestMessage::System(
                    ChatCompletionRequestSystemMessage::from(content),
                ),
                ChatRole::User => ChatCompletionRequestMessage::User(
                    ChatCompletionRequestUserMessage::from(content),
                ),
                ChatRole::Assistant => ChatCompletionRequestMessage::Assistant(
                    ChatCompletionRequestAssistantMessage::from(content),
                ),
            }
        })
        .collect();
    let response_format = match (&request.response_schema, level) {
        (Some(schema), FormatLevel::JsonSchema) => Some(ResponseFormat::JsonSchema {
            json_schema: ResponseFormatJsonSchema {
                description: None,
                name: schema.name.clone(),
                schema: schema.schema.clone(),
                strict: Some(true),
            },
        }),
        (Some(_), FormatLevel::JsonObject) => Some(ResponseFormat::JsonObject),
        _ => None,
    };
    let body = CreateChatCompletionRequest {
        messages,
        model: model.to_string(),
        temperature: Some(request.temperature),
        max_tokens: request.max_tokens,
        response_format,
        ..Default::default()
    };
    serde_json::to_vec(&body).map_err(|error| format!("cannot encode the request: {error}"))
}

#[derive(Deserialize)]
struct WireReply {
    choices: Option<Vec<WireChoice>>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireChoice {
    #[serde(default)]
    message: Option<WireMessage>,
    #[serde(default)]
    finish_reason: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    content: Option<serde_json::Value>,
    #[serde(default)]
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

/// Reads a 2xx body into a [`ChatReply`] (first choice). Only what `draft`
/// needs is required: `choices[0].message.content`, non-blank. `redact`
/// scrubs server text before it is quoted in the error.
pub(super) fn parse_reply(
    bytes: &[u8],
    redact: impl Fn(&str) -> String,
) -> Result<ChatReply, String> {
    let reply: WireReply = serde_json::from_slice(bytes).map_err(|error| {
        format!(
            "not a chat-completion JSON object ({error}); the body starts with: {}",
            redact(&truncate(&String::from_utf8_lossy(bytes), 120))
        )
    })?;
    let Some(choices) = reply.choices else {
        return Err(match reply.error {
            Some(error) => format!(
                "an error instead of choices: {}",
                redact(&truncate(&error_text(&error), 300))
            ),
            None => "no `choices` in the reply".to_string(),
        });
    };
    let Some(choice) = choices.into_iter().next() else {
        return Err("`choices` is empty".to_string());
    };
    let finish_reason = match choice.finish_reason {
        Some(serde_json::Value::String(reason)) => Some(reason),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let message = choice.message.ok_or("the first choice has no `message`")?;
    let content = match message.content {
        Some(serde_json::Value::String(text)) => text,
        // Some servers send content parts: [{"type":"text","text":"…"}].
        Some(serde_json::Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(|text| text.as_str()))
            .collect::<String>(),
        _ => String::new(),
    };
    if content.trim().is_empty() {
        let mut reason = String::from("the first choice has no content");
        if let Some(finish) = &finish_reason {
            reason.push_str(&format!(" (finish_reason: {finish})"));
        }
        if let Some(refusal) = message.refusal.filter(|text| !text.trim().is_empty()) {
            reason.push_str(&format!("; refusal: {}", redact(&truncate(&refusal, 200))));
        }
        return Err(reason);
    }
    let usage = reply.usage.unwrap_or(WireUsage {
        prompt_tokens: None,
        completion_tokens: None,
    });
    let tokens = |count: Option<u64>| u32::try_from(count.unwrap_or(0)).unwrap_or(u32::MAX);
    Ok(ChatReply {
        content,
        finish_reason,
        prompt_tokens: tokens(usage.prompt_tokens),
        completion_tokens: tokens(usage.completion_tokens),
        cache_hit: false,
    })
}

/// A short, single-line message from a non-2xx body: OpenAI's
/// `{"error": {...}}` (via `async-openai`'s [`WrappedError`]), Ollama's
/// `{"error": "…"}`, vLLM's `{"message": …}`, FastAPI's `{"detail": …}`,
/// else the text itself.
pub(super) fn error_message(bytes: &[u8]) -> String {
    let text = if let Ok(wrapped) = serde_json::from_slice::<WrappedError>(bytes) {
        wrapped.error.to_string()
    } else if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        ["error", "message", "detail"]
            .iter()
            .find_map(|field| value.get(field))
            .map(error_text)
            .unwrap_or_else(|| value.to_string())
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "(empty body)".to_string()
    } else {
        truncate(&text, 300)
    }
}

fn error_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Object(map) => match map.get("message") {
            Some(serde_json::Value::String(text)) => text.clone(),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// How long the server asked us to wait: `retry-after-ms` (OpenAI), else
/// `Retry-After` as seconds or as an HTTP date. A date in the past is zero.
pub(super) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    };
    if let Some(millis) = header("retry-after-ms").and_then(|text| text.parse::<f64>().ok()) {
        if millis.is_finite() && millis >= 0.0 {
            return Some(Duration::from_secs_f64(millis.min(1e12) / 1000.0));
        }
    }
    let value = header("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before retry number `failures` (1 = after the first failure):
/// the server's `Retry-After` if it gave one, else `base * 2^(failures-1)`
/// plus up to a quarter more of jitter; never more than `max`.
pub(super) fn backoff_delay(
    base: Duration,
    max: Duration,
    failures: u32,
    retry_after: Option<Duration>,
) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(max);
    }
    let exponent = failures.saturating_sub(1).min(30);
    let exponential = base.checked_mul(1u32 << exponent).unwrap_or(max).min(max);
    let jitter = exponential.mul_f64(0.25 * jitter_fraction(failures));
    (exponential + jitter).min(max)
}

/// A number in `[0, 1)` from the clock's nanoseconds, so that clients
/// retrying together spread out. Not random enough for anything else.
fn jitter_fraction(salt: u32) -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    let mut mixed = u64::from(nanos) ^ u64::from(salt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    mixed ^= mixed >> 33;
    mixed = mixed.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    mixed ^= mixed >> 33;
    (mixed % 10_000) as f64 / 10_000.0
}

/// At most `limit` characters, with `…` when cut.
pub(super) fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((index, _)) => format!("{}…", &text[..index]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ChatMessage, ResponseSchema};
    use reqwest::header::HeaderValue;

    fn schema_request() -> ChatRequest {
        ChatRequest {
            messages: vec![ChatMessage::system("규칙"), ChatMessage::user("회고")],
            temperature: 0.2,
            max_tokens: Some(512),
            response_schema: Some(ResponseSchema {
                name: "draft".into(),
                schema: serde_json::json!({"type": "object"}),
            }),
        }
    }

    #[test]
    fn request_body_carries_model_messages_and_format() {
        let body = request_body("qwen2.5:7b", &schema_request(), FormatLevel::JsonSchema).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["model"], "qwen2.5:7b");
        assert_eq!(value["messages"][0]["role"], "system");
        assert_eq!(value["messages"][1]["content"], "회고");
        assert_eq!(value["max_tokens"], 512);
        assert_eq!(value["response_format"]["type"], "json_schema");
        assert_eq!(value["response_format"]["json_schema"]["name"], "draft");
        assert_eq!(value["response_format"]["json_schema"]["strict"], true);
        assert_eq!(
            value["response_format"]["json_schema"]["schema"],
            serde_json::json!({"type": "object"})
        );
        assert!(value.get("stream").is_none());

        let body = request_body("m", &schema_request(), FormatLevel::JsonObject).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            value["response_format"],
            serde_json::json!({"type": "json_object"})
        );

        let body = request_body("m", &schema_request(), FormatLevel::Plain).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(value.get("response_format").is_none());
    }

    #[test]
    fn fallback_rules() {
        use FormatLevel::*;
        assert_eq!(
            JsonSchema.fallback(400, "context too long"),
            Some((JsonObject, false))
        );
        assert_eq!(
            JsonSchema.fallback(400, "'response_format' is not supported"),
            Some((JsonObject, true))
        );
        assert_eq!(
            JsonSchema.fallback(422, "bad json_schema"),
            Some((JsonObject, true))
        );
        assert_eq!(JsonSchema.fallback(422, "messages missing"), None);
        assert_eq!(JsonSchema.fallback(401, "schema"), None);
        assert_eq!(
            JsonObject.fallback(400, "unknown json_object"),
            Some((Plain, true))
        );
        assert_eq!(JsonObject.fallback(400, "context too long"), None);
        assert_eq!(Plain.fallback(400, "response_format"), None);
    }

    #[test]
    fn parse_reply_is_lenient_about_envelope() {
        let body = br#"{"choices":[{"message":{"content":"{\"a\":1}"},"finish_reason":"eos"}]}"#;
        let reply = parse_reply(body, str::to_string).unwrap();
        assert_eq!(reply.content, r#"{"a":1}"#);
        assert_eq!(reply.finish_reason.as_deref(), Some("eos"));
        assert_eq!((reply.prompt_tokens, reply.completion_tokens), (0, 0));
    }

    #[test]
    fn parse_reply_rejects_what_draft_cannot_use() {
        let error = parse_reply(b"<html>bad gateway</html>", str::to_string).unwrap_err();
        assert!(error.contains("not a chat-completion JSON"), "{error}");
        assert!(error.contains("<html>"), "{error}");
        let error = parse_reply(br#"{"choices":[]}"#, str::to_string).unwrap_err();
        assert!(error.contains("empty"), "{error}");
        let error = parse_reply(
            br#"{"choices":[{"message":{"content":null},"finish_reason":"length"}]}"#,
            str::to_string,
        )
        .unwrap_err();
        assert!(
            error.contains("no content") && error.contains("length"),
            "{error}"
        );
        let error =
            parse_reply(br#"{"error":{"message":"overloaded"}}"#, str::to_string).unwrap_err();
        assert!(error.contains("overloaded"), "{error}");
    }

    #[test]
    fn error_messages_from_various_servers() {
        assert_eq!(
            error_message(
                br#"{"error":{"message":"bad","type":"invalid_request_error","param":"response_format","code":null}}"#
            ),
            "invalid_request_error: bad (param: response_format)"
        );
        assert_eq!(
            error_message(br#"{"error":"model not found"}"#),
            "model not found"
        );
        assert_eq!(
            error_message(br#"{"object":"error","message":"json_schema unsupported"}"#),
            "json_schema unsupported"
        );
        assert_eq!(
            error_message(b"  upstream\n  timed out "),
            "upstream timed out"
        );
        assert_eq!(error_message(b""), "(empty body)");
    }

    #[test]
    fn retry_after_seconds_date_and_millis() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert("retry-after", HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert("retry-after", HeaderValue::from_str(&earlier).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_millis(250)));
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter_and_cap() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for failures in 1..=3u32 {
            let exponential = base * 2u32.pow(failures - 1);
            let wait = backoff_delay(base, max, failures, None);
            assert!(
                wait >= exponential && wait <= exponential.mul_f64(1.25),
                "{wait:?}"
            );
        }
        assert_eq!(backoff_delay(base, max, 10, None), max);
        assert_eq!(backoff_delay(base, max, 60, None), max);
        assert_eq!(
            backoff_delay(base, max, 1, Some(Duration::from_secs(30))),
            max
        );
        assert_eq!(
            backoff_delay(base, max, 1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("경력기술서", 2), "경력…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
