//! `draft`: turns a developer's own retrospectives into a Korean 경력기술서
//! whose every number can be traced to its source.
//!
//! The pipeline, one module per stage:
//! `ingest` (files → documents) → `facts` (documents → facts with provenance)
//! → `context` (facts → selected facts per project, within a token budget)
//! → `prompt` (context → messages) → `llm` (messages → model reply)
//! → `verify` (draft → findings) → `render` (draft → Markdown / JSON / diff).

pub mod allocator;
mod bytes;
pub mod cli;
pub mod config;
pub mod context;
pub mod drafter;
pub mod error;
pub mod facts;
pub mod ingest;
pub mod llm;
mod parallel;
pub mod prompt;
pub mod quantity;
pub mod redact;
pub mod render;
pub mod resume;
pub mod verify;
