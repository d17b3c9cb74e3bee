//! Renders the messages `draft` sends to a model, and reads the model's reply.
//!
//! Prompt text lives only in Handlebars templates (`prompts/*.hbs`, embedded
//! in the binary; a user's prompts directory overrides them file by file),
//! rendered in strict mode from typed structs, so a template that names a
//! variable the code does not provide fails with the template and variable
//! named instead of silently sending an empty string.
//!
//! Facts reach the model as quoted data: one JSON object per line inside a
//! fence longer than any backtick run in them. JSON escaping keeps a fact on
//! its one line, so text inside a fact ("ignore the instructions above …")
//! can neither end the list nor pose as an instruction outside it.
//!
//! The reply is a JSON object (see [`reply_schema`]); [`parse_reply`] accepts
//! it bare or in a ```` ```json ```` fence and names the exact path of
//! anything wrong, so a re-ask can quote the problem back to the model.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use handlebars::{Handlebars, RenderError, RenderErrorReason, TemplateError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::context::{Project, SelectedFact};
use crate::error::Error;
use crate::facts::{Fact, Period, Role};
use crate::llm::{ChatMessage, ChatRole};
use crate::verify::Status;

/// The templates `draft` renders; `reply_format` is a partial of the others.
pub const TEMPLATE_NAMES: [&str; 5] = ["system", "draft", "repair", "reask", "reply_format"];

const BUILTIN_TEMPLATES: [(&str, &str); 5] = [
    ("system", include_str!("../prompts/system.hbs")),
    ("draft", include_str!("../prompts/draft.hbs")),
    ("repair", include_str!("../prompts/repair.hbs")),
    ("reask", include_str!("../prompts/reask.hbs")),
    ("reply_format", include_str!("../prompts/reply_format.hbs")),
];

/// The `name` of the reply schema in `response_format: json_schema`.
pub const REPLY_SCHEMA_NAME: &str = "career_section";

/// The Korean name of a role, as prompts and reasons show it.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Background => "배경",
        Role::Action => "담당",
        Role::Result => "결과",
        Role::Lesson => "회고",
        Role::Other => "기타",
    }
}

/// `2022-04-18 ~ open` → `2022.04.18 ~ 현재`.
pub fn display_period(period: &Period) -> String {
    let start = period
        .start
        .as_deref()
        .map(|date| date.replace('-', "."))
        .unwrap_or_else(|| "?".to_string());
    let end = period
        .end
        .as_deref()
        .map(|date| date.replace('-', "."))
        .unwrap_or_else(|| "현재".to_string());
    [start, " ~ ".to_string(), end].concat()
}

/// `content/a.md:12` or `content/a.md:12-14`.
fn source_of(fact: &Fact) -> String {
    let mut source = fact.source.path.to_string();
    source.push(':');
    source.push_str(&fact.source.line_start.to_string());
    if fact.source.line_end != fact.source.line_start {
        source.push('-');
        source.push_str(&fact.source.line_end.to_string());
    }
    source
}

/// The column names of a table row's numbers, without the row key the text
/// already starts with (`2월 | 35 (31+4) | 29` → `35 = 커밋 (BE+FE)`,
/// `29 = 이슈`); empty unless the labels tell the row's numbers apart.
fn labelled_numbers(fact: &Fact) -> Vec<String> {
    let row_key = fact.text.split(" | ").next().unwrap_or("");
    let labelled: Vec<(&str, &str)> = fact
        .quantities
        .iter()
        .filter_map(|quantity| {
            let label = quantity.label.as_deref()?;
            let column = label
                .strip_prefix(row_key)
                .and_then(|rest| rest.strip_prefix(" · "))
                .filter(|rest| !rest.is_empty())
                .unwrap_or(label);
            Some((quantity.surface.as_str(), column))
        })
        .collect();
    let distinct: HashSet<&str> = labelled.iter().map(|(_, column)| *column).collect();
    if distinct.len() < 2 {
        return Vec::new();
    }
    labelled
        .into_iter()
        .map(|(surface, column)| [surface, " = ", column].concat())
        .collect()
}

/// The JSON object of one quoted fact line.
#[derive(Serialize)]
struct QuotedFact<'a> {
    id: &'a str,
    role: &'a str,
    text: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    numbers: &'a [String],
}

/// A fact as the prompt quotes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromptFact {
    pub id: String,
    /// `배경`, `담당`, `결과`, `회고` or `기타`.
    pub role: String,
    pub text: String,
    /// `path:line`.
    pub source: String,
    /// The id of the enclosing bullet, when that fact is quoted too.
    pub parent: Option<String>,
    /// Labelled numbers of table rows: `29 = 2월 · 이슈`.
    pub numbers: Vec<String>,
    /// The fact as one JSON line (the other fields), as the built-in templates quote it.
    pub line: String,
}

impl PromptFact {
    /// Quotes `fact`, keeping its parent id.
    pub fn from_fact(fact: &Fact) -> PromptFact {
        PromptFact::build(fact, fact.parent.as_ref().map(ToString::to_string))
    }

    /// Quotes `fact`, keeping its parent id only when the parent is in `quoted`.
    pub fn from_fact_among(fact: &Fact, quoted: &HashSet<&str>) -> PromptFact {
        let parent = fact
            .parent
            .as_deref()
            .filter(|parent| quoted.contains(parent))
            .map(str::to_string);
        PromptFact::build(fact, parent)
    }

    fn build(fact: &Fact, parent: Option<String>) -> PromptFact {
        let role = role_label(fact.role);
        let source = source_of(fact);
        let numbers = labelled_numbers(fact);
        let line = serde_json::to_string(&QuotedFact {
            id: &fact.id,
            role,
            text: &fact.text,
            source: &source,
            parent: parent.as_deref(),
            numbers: &numbers,
        })
        .unwrap_or_default();
        PromptFact {
            id: fact.id.to_string(),
            role: role.to_string(),
            text: fact.text.clone(),
            source,
            parent,
            numbers,
            line,
        }
    }
}

/// One fact exactly as the draft prompt quotes it (with its parent id); the
/// context builder counts tokens on this.
pub fn fact_line(fact: &Fact) -> String {
    PromptFact::from_fact(fact).line
}

/// A Markdown fence longer than any backtick run in `lines` (at least three).
fn fence_for<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut longest = 0;
    for line in lines {
        let mut run = 0;
        for character in line.chars() {
            if character == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// What the draft prompt says about one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftInput {
    pub company: String,
    /// `2022.04.18 ~ 현재`.
    pub company_period: Option<String>,
    /// The project title (`결제 서비스 MSA 분리`).
    pub project: String,
    /// The merged titles as written, when they differ from `project`.
    pub other_titles: Vec<String>,
    pub topic: Option<String>,
    pub project_period: Option<String>,
    /// The selected facts in the context's order.
    pub facts: Vec<PromptFact>,
}

impl DraftInput {
    pub fn from_project(company: &str, period: Option<&Period>, project: &Project) -> DraftInput {
        let quoted: HashSet<&str> = project
            .selected
            .iter()
            .map(|selected| selected.fact.id.as_str())
            .collect();
        DraftInput {
            company: company.to_string(),
            company_period: period.map(display_period),
            project: project.title.clone(),
            other_titles: project
                .titles
                .iter()
                .filter(|title| **title != project.title)
                .cloned()
                .collect(),
            topic: project.topic.clone(),
            project_period: project.period.as_ref().map(display_period),
            facts: project
                .selected
                .iter()
                .map(|selected| PromptFact::from_fact_among(&selected.fact, &quoted))
                .collect(),
        }
    }

    /// The ids a reply may cite.
    pub fn fact_ids(&self) -> HashSet<String> {
        self.facts.iter().map(|fact| fact.id.clone()).collect()
    }
}

/// A number in a reply that the verifier did not accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepairProblem {
    /// The bullet's text as the model wrote it.
    pub bullet: String,
    /// The number as written (`33ms`).
    pub number: String,
    /// The verifier's verdict; templates see it as `mismatch` or `unsupported`.
    pub status: Status,
    /// Why, in the verifier's words.
    pub reason: String,
    /// The fact ids the bullet cites.
    pub facts: Vec<String>,
}

/// Asks the model to fix or drop numbers the verifier did not accept.
#[derive(Debug, Clone)]
pub struct RepairInput {
    /// The conversation so far (system and draft messages, earlier rounds).
    pub messages: Vec<ChatMessage>,
    /// The model's reply being repaired, as received.
    pub reply: String,
    pub problems: Vec<RepairProblem>,
    /// The facts the offending bullets cite, quoted again.
    pub cited: Vec<SelectedFact>,
}

/// Asks the model again after a reply that was not valid JSON or broke the schema.
#[derive(Debug, Clone)]
pub struct ReaskInput {
    /// The conversation so far.
    pub messages: Vec<ChatMessage>,
    /// The invalid reply, as received.
    pub reply: String,
    /// What was wrong ([`ReplyError`]'s text).
    pub error: String,
    /// The server cut the reply off at its token limit: the broken reply is
    /// left out of the conversation (it would only use up the context) and
    /// the model is asked for a shorter one.
    pub cut_off: bool,
}

#[derive(Serialize)]
struct SystemVariables {}

#[derive(Serialize)]
struct DraftVariables<'a> {
    #[serde(flatten)]
    input: &'a DraftInput,
    fence: String,
}

#[derive(Serialize)]
struct RepairVariables<'a> {
    reply: &'a str,
    problems: &'a [RepairProblem],
    facts: Vec<PromptFact>,
    fence: String,
}

#[derive(Serialize)]
struct ReaskVariables<'a> {
    reply: &'a str,
    error: &'a str,
    cut_off: bool,
}

/// The loaded templates: built-ins, each replaced by a user's file of the same name.
#[derive(Debug)]
pub struct PromptSet {
    registry: Handlebars<'static>,
    /// Template name → where it came from (`built-in` or the file's path).
    origins: BTreeMap<String, String>,
}

impl PromptSet {
    /// Loads the built-in templates, then every `*.hbs` in `override_dir`
    /// (a file named like a built-in replaces it; others become partials).
    pub fn load(override_dir: Option<&Path>) -> Result<PromptSet, Error> {
        let mut sources: BTreeMap<String, (String, String)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), (text.to_string(), "built-in".to_string())))
            .collect();
        if let Some(directory) = override_dir {
            if !directory.is_dir() {
                return Err(Error::Input {
                    path: directory.to_path_buf(),
                    message: "prompts directory does not exist or is not a directory".to_string(),
                });
            }
            let entries = std::fs::read_dir(directory).map_err(|source| Error::Read {
                path: directory.to_path_buf(),
                source,
            })?;
            let mut files: Vec<_> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.is_file() && path.extension().is_some_and(|extension| extension == "hbs")
                })
                .collect();
            files.sort();
            for path in files {
                let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
                    continue;
                };
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                sources.insert(name.to_string(), (text, path.display().to_string()));
            }
        }

        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        let mut origins = BTreeMap::new();
        for (name, (text, origin)) in sources {
            registry
                .register_template_string(&name, text)
                .map_err(|error| parse_error(&name, &origin, &error))?;
            origins.insert(name, origin);
        }
        Ok(PromptSet { registry, origins })
    }

    /// Where template `name` came from: `built-in` or a file path.
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.origins.get(name).map(String::as_str)
    }

    /// Renders template `name` (without `.hbs`) from `data`.
    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String, Error> {
        self.registry
            .render(name, data)
            .map_err(|error| self.render_error(name, &error))
    }

    /// The system message and the draft request for one project.
    pub fn draft_messages(&self, input: &DraftInput) -> Result<Vec<ChatMessage>, Error> {
        let fence = fence_for(input.facts.iter().map(|fact| fact.line.as_str()));
        Ok(vec![
            ChatMessage::system(self.render("system", &SystemVariables {})?),
            ChatMessage::user(self.render("draft", &DraftVariables { input, fence })?),
        ])
    }

    /// The conversation so far, the reply, and a request to fix its numbers.
    pub fn repair_messages(&self, input: &RepairInput) -> Result<Vec<ChatMessage>, Error> {
        let quoted: HashSet<&str> = input
            .cited
            .iter()
            .map(|cited| cited.fact.id.as_str())
            .collect();
        let facts: Vec<PromptFact> = input
            .cited
            .iter()
            .map(|cited| PromptFact::from_fact_among(&cited.fact, &quoted))
            .collect();
        let fence = fence_for(facts.iter().map(|fact| fact.line.as_str()));
        let request = self.render(
            "repair",
            &RepairVariables {
                reply: &input.reply,
                problems: &input.problems,
                facts,
                fence,
            },
        )?;
        self.continue_conversation(&input.messages, Some(&input.reply), request)
    }

    /// The conversation so far, the invalid reply, and a request to answer again.
    pub fn reask_messages(&self, input: &ReaskInput) -> Result<Vec<ChatMessage>, Error> {
        let request = self.render(
            "reask",
            &ReaskVariables {
                reply: &input.reply,
                error: &input.error,
                cut_off: input.cut_off,
            },
        )?;
        let reply = (!input.cut_off).then_some(input.reply.as_str());
        self.continue_conversation(&input.messages, reply, request)
    }

    fn continue_conversation(
        &self,
        messages: &[ChatMessage],
        reply: Option<&str>,
        request: String,
    ) -> Result<Vec<ChatMessage>, Error> {
        let mut conversation = Vec::with_capacity(messages.len() + 3);
        if messages
            .first()
            .is_none_or(|first| first.role != ChatRole::System)
        {
            conversation.push(ChatMessage::system(
                self.render("system", &SystemVariables {})?,
            ));
        }
        conversation.extend(messages.iter().cloned());
        if let Some(reply) = reply {
            conversation.push(ChatMessage::assistant(reply));
        }
        conversation.push(ChatMessage::user(request));
        Ok(conversation)
    }

    fn describe(&self, name: &str) -> String {
        match self.origins.get(name).map(String::as_str) {
            Some("built-in") | None => [name, ".hbs (built-in)"].concat(),
            Some(path) => path.to_string(),
        }
    }

    fn render_error(&self, name: &str, error: &RenderError) -> Error {
        let template = error
            .template_name
            .clone()
            .unwrap_or_else(|| name.to_string());
        let mut message = match error.reason() {
            RenderErrorReason::MissingVariable(Some(variable)) => {
                ["missing variable `", variable, "`"].concat()
            }
            RenderErrorReason::MissingVariable(None) => "missing variable".to_string(),
            RenderErrorReason::PartialNotFound(partial) => {
                ["missing partial `", partial, "`"].concat()
            }
            RenderErrorReason::TemplateNotFound(missing) => {
                ["no template `", missing, "`"].concat()
            }
            other => other.to_string(),
        };
        if let (Some(line), Some(column)) = (error.line_no, error.column_no) {
            message.push_str(&format!(" at line {line}, column {column}"));
        }
        Error::Template {
            name: self.describe(&template),
            message,
        }
    }
}

fn parse_error(name: &str, origin: &str, error: &TemplateError) -> Error {
    let shown = if origin == "built-in" {
        [name, ".hbs (built-in)"].concat()
    } else {
        origin.to_string()
    };
    let mut message = ["cannot parse: ", &error.reason().to_string()].concat();
    if let Some((line, column)) = error.pos() {
        message.push_str(&format!(" at line {line}, column {column}"));
    }
    Error::Template {
        name: shown,
        message,
    }
}

/// The model's answer for one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftReply {
    pub title: String,
    #[serde(default)]
    pub topic: Option<String>,
    #[serde(rename = "배경", default)]
    pub background: Vec<ReplyBullet>,
    #[serde(rename = "담당", default)]
    pub action: Vec<ReplyBullet>,
    #[serde(rename = "결과", default)]
    pub result: Vec<ReplyBullet>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyBullet {
    pub text: String,
    pub facts: Vec<String>,
    #[serde(default)]
    pub children: Vec<ReplyChild>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyChild {
    pub text: String,
    pub facts: Vec<String>,
}

impl DraftReply {
    /// `(배경, …), (담당, …), (결과, …)`.
    pub fn sections(&self) -> [(&'static str, &[ReplyBullet]); 3] {
        [
            ("배경", &self.background),
            ("담당", &self.action),
            ("결과", &self.result),
        ]
    }

    /// Every top-level bullet, section by section.
    pub fn bullets(&self) -> impl Iterator<Item = &ReplyBullet> {
        self.background
            .iter()
            .chain(&self.action)
            .chain(&self.result)
    }

    /// Every fact id cited anywhere in the reply.
    pub fn cited_ids(&self) -> BTreeSet<&str> {
        let mut ids = BTreeSet::new();
        for bullet in self.bullets() {
            ids.extend(bullet.facts.iter().map(String::as_str));
            for child in &bullet.children {
                ids.extend(child.facts.iter().map(String::as_str));
            }
        }
        ids
    }
}

/// Why a reply cannot be used; the text is fit to quote back to the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("the reply is empty")]
    Empty,
    #[error("the reply is not valid JSON (line {line}, column {column}): {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the reply does not follow the schema: {}", problems.join("; "))]
    Schema { problems: Vec<String> },
    #[error("the reply cites facts wrongly: {}", problems.join("; "))]
    Citations { problems: Vec<String> },
}

/// The JSON Schema of a reply, for `response_format: json_schema` in strict
/// mode: every property required, no additional properties, `topic` nullable.
pub fn reply_schema() -> Value {
    schema_with_fact_ids(json!({
        "type": "string",
        "description": "The id of a fact from the given list (f + 12 hex digits)."
    }))
}

/// [`reply_schema`] with fact ids limited to `ids` (an `enum`), so a
/// strict-mode server cannot produce an unknown id.
pub fn reply_schema_for_facts(ids: &[String]) -> Value {
    if ids.is_empty() {
        return reply_schema();
    }
    schema_with_fact_ids(json!({ "type": "string", "enum": ids }))
}

fn schema_with_fact_ids(fact_id: Value) -> Value {
    let facts = json!({
        "type": "array",
        "description": "Ids of the facts this sentence rests on; at least one.",
        "minItems": 1,
        "maxItems": 8,
        "items": fact_id
    });
    let child = json!({
        "type": "object",
        "properties": {
            "text": { "type": "string" },
            "facts": facts
        },
        "required": ["text", "facts"],
        "additionalProperties": false
    });
    let bullet = json!({
        "type": "object",
        "properties": {
            "text": { "type": "string", "description": "One sentence ending in a noun form (~개발, ~개선)." },
            "facts": facts,
            "children": { "type": "array", "maxItems": 4, "items": child }
        },
        "required": ["text", "facts", "children"],
        "additionalProperties": false
    });
    // maxItems bounds a small model that would otherwise repeat items until
    // max_tokens (strict json_schema servers enforce it).
    let section = json!({ "type": "array", "maxItems": 8, "items": bullet });
    json!({
        "type": "object",
        "properties": {
            "title": { "type": "string" },
            "topic": { "type": ["string", "null"] },
            "배경": section,
            "담당": section,
            "결과": section
        },
        "required": ["title", "topic", "배경", "담당", "결과"],
        "additionalProperties": false
    })
}

/// The JSON inside a reply: after a leading `<think>…</think>`, inside the
/// first ``` fence if there is one, trimmed.
fn reply_body(text: &str) -> &str {
    let mut body = text.trim();
    if body.starts_with("<think>") {
        if let Some(end) = body.find("</think>") {
            body = body[end + "</think>".len()..].trim();
        }
    }
    if let Some(open) = body.find("```") {
        let after_fence = &body[open + 3..];
        let content_start = after_fence
            .find('\n')
            .map_or(after_fence.len(), |newline| newline + 1);
        let content = &after_fence[content_start..];
        let content_end = content.find("```").unwrap_or(content.len());
        return content[..content_end].trim();
    }
    body
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks the reply's shape, collecting `path: problem` lines.
fn check_shape(value: &Value, problems: &mut Vec<String>) {
    let Value::Object(root) = value else {
        problems.push(["(root): expected an object, found ", kind_of(value)].concat());
        return;
    };
    for key in root.keys() {
        if !["title", "topic", "배경", "담당", "결과"].contains(&key.as_str()) {
            problems.push(
                [
                    "`",
                    key,
                    "`: unknown field (expected title, topic, 배경, 담당, 결과)",
                ]
                .concat(),
            );
        }
    }
    match root.get("title") {
        Some(Value::String(title)) if !title.trim().is_empty() => {}
        Some(Value::String(_)) => problems.push("`title`: must not be empty".to_string()),
        Some(other) => {
            problems.push(["`title`: expected a string, found ", kind_of(other)].concat())
        }
        None => problems.push("`title`: missing".to_string()),
    }
    match root.get("topic") {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(other) => {
            problems.push(["`topic`: expected a string or null, found ", kind_of(other)].concat())
        }
    }
    let mut bullet_count = 0;
    for section in ["배경", "담당", "결과"] {
        match root.get(section) {
            None => {}
            Some(Value::Array(bullets)) => {
                bullet_count += bullets.len();
                for (index, bullet) in bullets.iter().enumerate() {
                    let path = [section, "[", &index.to_string(), "]"].concat();
                    check_bullet(bullet, &path, true, problems);
                }
            }
            Some(other) => problems
                .push(["`", section, "`: expected an array, found ", kind_of(other)].concat()),
        }
    }
    if bullet_count == 0 && problems.is_empty() {
        problems.push("(root): no bullets in 배경, 담당 or 결과".to_string());
    }
}

fn check_bullet(value: &Value, path: &str, top_level: bool, problems: &mut Vec<String>) {
    let Value::Object(fields) = value else {
        problems.push(["`", path, "`: expected an object, found ", kind_of(value)].concat());
        return;
    };
    let allowed: &[&str] = if top_level {
        &["text", "facts", "children"]
    } else {
        &["text", "facts"]
    };
    for key in fields.keys() {
        if !allowed.contains(&key.as_str()) {
            let hint = if key == "children" {
                " (children nest one level only)"
            } else {
                ""
            };
            problems.push(["`", path, ".", key, "`: unknown field", hint].concat());
        }
    }
    match fields.get("text") {
        Some(Value::String(text)) if !text.trim().is_empty() => {}
        Some(Value::String(_)) => problems.push(["`", path, ".text`: must not be empty"].concat()),
        Some(other) => problems.push(
            [
                "`",
                path,
                ".text`: expected a string, found ",
                kind_of(other),
            ]
            .concat(),
        ),
        None => problems.push(["`", path, ".text`: missing"].concat()),
    }
    match fields.get("facts") {
        Some(Value::Array(ids)) => {
            for (index, id) in ids.iter().enumerate() {
                if !id.is_string() {
                    problems.push(
                        [
                            "`",
                            path,
                            ".facts[",
                            &index.to_string(),
                            "]`: expected a string, found ",
                            kind_of(id),
                        ]
                        .concat(),
                    );
                }
            }
        }
        Some(other) => problems.push(
            [
                "`",
                path,
                ".facts`: expected an array, found ",
                kind_of(other),
            ]
            .concat(),
        ),
        None => problems.push(["`", path, ".facts`: missing"].concat()),
    }
    if top_level {
        match fields.get("children") {
            None => {}
            Some(Value::Array(children)) => {
                for (index, child) in children.iter().enumerate() {
                    let child_path = [path, ".children[", &index.to_string(), "]"].concat();
                    check_bullet(child, &child_path, false, problems);
                }
            }
            Some(other) => problems.push(
                [
                    "`",
                    path,
                    ".children`: expected an array, found ",
                    kind_of(other),
                ]
                .concat(),
            ),
        }
    }
}

fn check_citations(
    path: &str,
    facts: &[String],
    allowed_ids: &HashSet<String>,
    problems: &mut Vec<String>,
) {
    if facts.iter().all(|id| id.trim().is_empty()) {
        problems.push(["`", path, "`: cites no facts"].concat());
    }
    for (index, id) in facts.iter().enumerate() {
        if !id.trim().is_empty() && !allowed_ids.contains(id) {
            problems.push(
                [
                    "`",
                    path,
                    ".facts[",
                    &index.to_string(),
                    "]`: unknown fact id `",
                    id,
                    "` (not in the given facts)",
                ]
                .concat(),
            );
        }
    }
}

/// Reads a reply: bare JSON or JSON in a ```` ```json ```` fence (after an
/// optional `<think>` block). Rejects anything off the schema, a reply with
/// no bullets, a bullet or child citing no facts, and ids not in `allowed_ids`.
pub fn parse_reply(text: &str, allowed_ids: &HashSet<String>) -> Result<DraftReply, ReplyError> {
    let body = reply_body(text);
    if body.is_empty() {
        return Err(ReplyError::Empty);
    }
    let value: Value = match serde_json::from_str(body) {
        Ok(value) => value,
        Err(error) => {
            // Tolerate prose around a single object: `Here it is: {…}`.
            let embedded = match (body.find('{'), body.rfind('}')) {
                (Some(start), Some(end)) if start < end && (start > 0 || end + 1 < body.len()) => {
                    serde_json::from_str::<Value>(&body[start..=end]).ok()
                }
                _ => None,
            };
            match embedded {
                Some(value) => value,
                None => {
                    let full = error.to_string();
                    let message = full.split(" at line ").next().unwrap_or(&full).to_string();
                    return Err(ReplyError::Syntax {
                        line: error.line(),
                        column: error.column(),
                        message,
                    });
                }
            }
        }
    };
    let mut problems = Vec::new();
    check_shape(&value, &mut problems);
    if !problems.is_empty() {
        return Err(ReplyError::Schema { problems });
    }
    let mut object = match value {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    object.entry("topic").or_insert(Value::Null);
    let reply: DraftReply =
        serde_json::from_value(Value::Object(object)).map_err(|error| ReplyError::Schema {
            problems: vec![error.to_string()],
        })?;

    let mut problems = Vec::new();
    for (section, bullets) in reply.sections() {
        for (index, bullet) in bullets.iter().enumerate() {
            let path = [section, "[", &index.to_string(), "]"].concat();
            check_citations(&path, &bullet.facts, allowed_ids, &mut problems);
            for (child_index, child) in bullet.children.iter().enumerate() {
                let child_path =
                    [path.as_str(), ".children[", &child_index.to_string(), "]"].concat();
                check_citations(&child_path, &child.facts, allowed_ids, &mut problems);
            }
        }
    }
    if !problems.is_empty() {
        return Err(ReplyError::Citations { problems });
    }
    let mut reply = reply;
    for bullet in reply
        .background
        .iter_mut()
        .chain(reply.action.iter_mut())
        .chain(reply.result.iter_mut())
    {
        tidy_citations(&mut bullet.facts);
        for child in &mut bullet.children {
            tidy_citations(&mut child.facts);
        }
    }
    Ok(reply)
}

/// Each cited id once, in the order first cited; blanks dropped (a small
/// model repeats ids: `[a, b, b, b]`).
fn tidy_citations(facts: &mut Vec<String>) {
    let mut seen = HashSet::new();
    facts.retain(|id| !id.trim().is_empty() && seen.insert(id.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(reply_body("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(reply_body("  {\"a\":1}  "), "{\"a\":1}");
        assert_eq!(reply_body("<think>hmm</think>\n```\n{}\n```"), "{}");
        assert_eq!(reply_body("Here:\n```json\n{}\n```\nDone."), "{}");
    }

    #[test]
    fn fences_outgrow_backticks() {
        assert_eq!(fence_for(["no ticks"].into_iter()), "```");
        assert_eq!(fence_for(["a ```` b"].into_iter()), "`````");
    }

    #[test]
    fn repeated_citations_are_kept_once() {
        let allowed: HashSet<String> = ["fa", "fb"].iter().map(|id| id.to_string()).collect();
        let reply = parse_reply(
            r#"{"title":"t","topic":null,"배경":[{"text":"x","facts":["fb","fa","fb",""],"children":[{"text":"y","facts":["fa","fa"]}]}],"담당":[],"결과":[]}"#,
            &allowed,
        )
        .unwrap();
        assert_eq!(reply.background[0].facts, ["fb", "fa"]);
        assert_eq!(reply.background[0].children[0].facts, ["fa"]);
    }

    #[test]
    fn periods_display() {
        let period = Period {
            start: Some("2022-04-18".to_string()),
            end: None,
        };
        assert_eq!(display_period(&period), "2022.04.18 ~ 현재");
    }
}
