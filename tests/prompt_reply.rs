//! The reply contract: a JSON Schema usable in OpenAI strict mode, and a
//! parser that accepts a fenced reply and explains exactly what is wrong
//! with a bad one.

use std::collections::HashSet;

use draft::prompt::{parse_reply, reply_schema, reply_schema_for_facts, ReplyError};
use serde_json::Value;

fn allowed() -> HashSet<String> {
    ["f000000000001", "f000000000002"]
        .iter()
        .map(ToString::to_string)
        .collect()
}

const GOOD: &str = r#"{
  "title": "결제 서비스 MSA 분리",
  "topic": null,
  "배경": [{"text": "결제 장애가 전체 서비스로 전파되는 문제 발생", "facts": ["f000000000001"], "children": []}],
  "담당": [{"text": "결제 로직을 독립 서비스로 분리", "facts": ["f000000000001", "f000000000002"],
            "children": [{"text": "API 게이트웨이로 서비스 간 통신 정리", "facts": ["f000000000002"]}]}],
  "결과": []
}"#;

/// Strict mode: every object lists all its properties as required and
/// forbids others; every schema node has a type.
fn check_strict(node: &Value, path: &str) {
    let Value::Object(schema) = node else {
        panic!("{path}: not an object");
    };
    assert!(
        schema.contains_key("type") || schema.contains_key("enum"),
        "{path}: no type"
    );
    if schema.get("type") == Some(&Value::String("object".to_string())) {
        assert_eq!(
            schema.get("additionalProperties"),
            Some(&Value::Bool(false)),
            "{path}"
        );
        let properties = schema["properties"].as_object().expect("properties");
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
        required.sort_unstable();
        names.sort_unstable();
        assert_eq!(required, names, "{path}: every property must be required");
        for (name, property) in properties {
            check_strict(property, &format!("{path}.{name}"));
        }
    }
    if let Some(items) = schema.get("items") {
        check_strict(items, &format!("{path}[]"));
    }
}

#[test]
fn the_reply_schema_is_strict_mode_json_schema() {
    let schema = reply_schema();
    let text = serde_json::to_string(&schema).expect("serialises");
    let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(parsed, schema);
    check_strict(&schema, "$");
    assert_eq!(
        schema["properties"]["topic"]["type"],
        serde_json::json!(["string", "null"])
    );
    for section in ["배경", "담당", "결과"] {
        let bullet = &schema["properties"][section]["items"];
        assert!(bullet["properties"]["children"]["items"]["properties"]
            .get("children")
            .is_none());
    }
    let limited = reply_schema_for_facts(&["f000000000001".to_string()]);
    check_strict(&limited, "$");
    assert_eq!(
        limited["properties"]["결과"]["items"]["properties"]["facts"]["items"]["enum"],
        serde_json::json!(["f000000000001"])
    );
}

#[test]
fn the_built_in_reply_format_names_every_schema_key() {
    let format = include_str!("../prompts/reply_format.hbs");
    for key in [
        "title", "topic", "배경", "담당", "결과", "text", "facts", "children",
    ] {
        assert!(
            format.contains(&format!("\"{key}\"")),
            "reply_format.hbs lacks {key}"
        );
    }
}

#[test]
fn a_fenced_reply_is_accepted() {
    let fenced = format!("```json\n{GOOD}\n```");
    let reply = parse_reply(&fenced, &allowed()).expect("accepted");
    assert_eq!(reply.title, "결제 서비스 MSA 분리");
    assert_eq!(reply.topic, None);
    assert_eq!(reply.background.len(), 1);
    assert_eq!(reply.action[0].children[0].facts, vec!["f000000000002"]);
    assert!(reply.result.is_empty());
    assert_eq!(reply.bullets().count(), 2);
    assert_eq!(reply.cited_ids().len(), 2);
    assert_eq!(parse_reply(GOOD, &allowed()), Ok(reply.clone()));
    let thinking = format!("<think>숫자를 확인한다</think>\n{GOOD}");
    assert_eq!(parse_reply(&thinking, &allowed()), Ok(reply));
}

#[test]
fn invalid_json_is_reported_with_line_and_column() {
    let error = parse_reply(
        "```json\n{\"title\": \"x\",\n \"배경\": [}\n```",
        &allowed(),
    )
    .expect_err("invalid");
    match &error {
        ReplyError::Syntax { line, column, .. } => {
            assert_eq!(*line, 2);
            assert!(*column > 0);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error
            .to_string()
            .starts_with("the reply is not valid JSON (line 2"),
        "{error}"
    );
    assert_eq!(parse_reply("  ", &allowed()), Err(ReplyError::Empty));
}

#[test]
fn schema_problems_name_their_path() {
    let bad = r#"{"title": 3, "background": [], "담당": [{"text": "개발", "facts": "f000000000001",
        "children": [{"text": "세부", "facts": ["f000000000001"], "children": []}]}]}"#;
    let error = parse_reply(bad, &allowed()).expect_err("off schema");
    let message = error.to_string();
    for expected in [
        "`title`: expected a string, found a number",
        "`background`: unknown field",
        "`담당[0].facts`: expected an array, found a string",
        "`담당[0].children[0].children`: unknown field (children nest one level only)",
    ] {
        assert!(message.contains(expected), "`{expected}` not in: {message}");
    }
    let empty = parse_reply(
        r#"{"title": "x", "topic": null, "배경": [], "담당": [], "결과": []}"#,
        &allowed(),
    )
    .expect_err("no bullets");
    assert!(empty.to_string().contains("no bullets"), "{empty}");
}

#[test]
fn bullets_must_cite_known_facts() {
    let bad = r#"{"title": "x", "topic": "서비스 개발",
        "배경": [{"text": "근거 없는 문장", "facts": [], "children": []}],
        "결과": [{"text": "응답 속도 1000% 개선", "facts": ["f999999999999"],
                  "children": [{"text": "세부", "facts": []}]}]}"#;
    let error = parse_reply(bad, &allowed()).expect_err("bad citations");
    let ReplyError::Citations { problems } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        problems,
        &vec![
            "`배경[0]`: cites no facts".to_string(),
            "`결과[0].facts[0]`: unknown fact id `f999999999999` (not in the given facts)"
                .to_string(),
            "`결과[0].children[0]`: cites no facts".to_string(),
        ]
    );
}
