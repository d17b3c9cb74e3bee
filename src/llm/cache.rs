//! The response cache: re-running `draft` on unchanged input must not pay
//! for (or wait on) the same model call twice. Entries are keyed by what
//! determines the reply (model, base URL, messages, temperature, max_tokens,
//! schema) and never by the API key, so they can be shared across keys and
//! hold nothing secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files;
use super::{ChatReply, ChatRequest, Endpoint, LlmError};

/// Bumped when the key's canonical form changes, so old entries stop
/// matching instead of matching wrongly.
const KEY_VERSION: u32 = 1;

/// What a cache file holds: the reply, nothing about the request.
#[derive(Serialize, Deserialize)]
struct CachedReply {
    content: String,
    finish_reason: Option<String>,
    prompt_tokens: u32,
    completion_tokens: u32,
}

pub(super) fn prepare(dir: &Path) -> Result<(), LlmError> {
    let responses = dir.join("responses");
    files::create_private_dir_all(&responses).map_err(|source| LlmError::Cache {
        path: responses,
        source,
    })
}

/// Lowercase hex SHA-256 of the canonical JSON of the request's identity.
pub(super) fn key(endpoint: &Endpoint, request: &ChatRequest) -> String {
    let identity = serde_json::json!({
        "v": KEY_VERSION,
        "model": endpoint.model,
        "base_url": endpoint.base_url.trim().trim_end_matches('/'),
        "messages": request.messages,
        // f32's shortest round-trip text: "0.2", not 0.20000000298023224.
        "temperature": request.temperature.to_string(),
        "max_tokens": request.max_tokens,
        "response_schema": request.response_schema.as_ref().map(|schema| {
            serde_json::json!({"name": schema.name, "schema": schema.schema})
        }),
    });
    let mut canonical = String::new();
    write_canonical(&identity, &mut canonical);
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// JSON with object keys sorted at every depth, so the key does not depend
/// on map ordering (serde_json's `preserve_order` may be on elsewhere).
fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|left, right| left.0.cmp(right.0));
            out.push('{');
            for (index, (name, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(name.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

pub(super) fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join("responses").join(format!("{key}.json"))
}

/// The cached reply, if there is a readable one. A missing, unreadable or
/// corrupt entry is a miss (the next success overwrites it).
pub(super) fn load(dir: &Path, key: &str) -> Option<ChatReply> {
    let bytes = std::fs::read(entry_path(dir, key)).ok()?;
    let cached: CachedReply = serde_json::from_slice(&bytes).ok()?;
    Some(ChatReply {
        content: cached.content,
        finish_reason: cached.finish_reason,
        prompt_tokens: cached.prompt_tokens,
        completion_tokens: cached.completion_tokens,
        cache_hit: true,
    })
}

pub(super) fn store(dir: &Path, key: &str, reply: &ChatReply) -> Result<(), LlmError> {
    let path = entry_path(dir, key);
    let cached = CachedReply {
        content: reply.content.clone(),
        finish_reason: reply.finish_reason.clone(),
        prompt_tokens: reply.prompt_tokens,
        completion_tokens: reply.completion_tokens,
    };
    let bytes = serde_json::to_vec_pretty(&cached).map_err(|error| LlmError::Cache {
        path: path.clone(),
        source: std::io::Error::other(error),
    })?;
    prepare(dir)?;
    files::write_private_atomic(&path, &bytes).map_err(|source| LlmError::Cache { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ChatMessage, ResponseSchema, Secret};

    fn endpoint(key: &str) -> Endpoint {
        Endpoint {
            base_url: "http://localhost:11434/v1/".into(),
            api_key: Some(Secret::new(key)),
            model: "qwen2.5:7b".into(),
        }
    }

    fn request(schema: serde_json::Value) -> ChatRequest {
        ChatRequest {
            messages: vec![ChatMessage::user("회고를 요약해 주세요")],
            temperature: 0.2,
            max_tokens: None,
            response_schema: Some(ResponseSchema {
                name: "projects".into(),
                schema,
            }),
        }
    }

    #[test]
    fn key_ignores_api_key_and_map_order() {
        let first: serde_json::Value =
            serde_json::from_str(r#"{"type":"object","required":["a"],"properties":{"a":{}}}"#)
                .unwrap();
        let second: serde_json::Value =
            serde_json::from_str(r#"{"properties":{"a":{}},"required":["a"],"type":"object"}"#)
                .unwrap();
        let one = key(&endpoint("sk-one"), &request(first));
        assert_eq!(one, key(&endpoint("sk-two"), &request(second)));
        assert_eq!(one.len(), 64);
        assert!(one.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn key_changes_with_what_shapes_the_reply() {
        let base = request(serde_json::json!({"type": "object"}));
        let original = key(&endpoint("k"), &base);
        let mut hotter = base.clone();
        hotter.temperature = 0.7;
        let mut longer = base.clone();
        longer.max_tokens = Some(100);
        let mut other_model = endpoint("k");
        other_model.model = "llama3.1:8b".into();
        assert_ne!(original, key(&endpoint("k"), &hotter));
        assert_ne!(original, key(&endpoint("k"), &longer));
        assert_ne!(original, key(&other_model, &base));
    }

    #[test]
    fn store_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path()).unwrap();
        let reply = ChatReply {
            content: "{\"projects\":[]}".into(),
            finish_reason: Some("stop".into()),
            prompt_tokens: 10,
            completion_tokens: 5,
            cache_hit: false,
        };
        assert!(load(dir.path(), "abc").is_none());
        store(dir.path(), "abc", &reply).unwrap();
        let loaded = load(dir.path(), "abc").unwrap();
        assert!(loaded.cache_hit);
        assert_eq!(loaded.content, reply.content);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&entry_path(dir.path(), "abc")), 0o600);
            assert_eq!(mode(&dir.path().join("responses")), 0o700);
        }
        std::fs::write(entry_path(dir.path(), "abc"), "not json").unwrap();
        assert!(load(dir.path(), "abc").is_none());
    }
}
