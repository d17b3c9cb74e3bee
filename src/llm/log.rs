//! The call log: one JSON line per model call (cache hits included) so the
//! user can see what a run cost and where it went (`draft logs`), without
//! the log ever holding the API key or the prompts.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::files;
use super::LlmError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// RFC 3339, UTC, whole seconds: `2025-03-01T09:30:00Z`.
    pub time: String,
    pub model: String,
    /// The base URL without credentials ([`super::Endpoint::display_url`]).
    pub endpoint: String,
    /// For a cache hit: what the original call used (nothing was spent).
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub duration_ms: u64,
    pub cache_hit: bool,
    /// `ok` or `error: <short cause>`.
    pub outcome: String,
}

pub(super) fn append(path: &Path, record: &CallRecord) -> Result<(), LlmError> {
    let line = serde_json::to_string(record).map_err(|error| LlmError::Log {
        path: path.to_path_buf(),
        source: std::io::Error::other(error),
    })?;
    files::append_private_line(path, &line).map_err(|source| LlmError::Log {
        path: path.to_path_buf(),
        source,
    })
}

/// Every record in the log at `path`, oldest first. Blank lines are
/// skipped; a line that is not a record is an error naming its number.
pub fn read_call_log(path: &Path) -> Result<Vec<CallRecord>, LlmError> {
    let text = std::fs::read_to_string(path).map_err(|source| LlmError::Log {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|error| LlmError::LogLine {
                path: path.to_path_buf(),
                line: index + 1,
                cause: error.to_string(),
            })
        })
        .collect()
}

/// A plain text table, columns aligned, one row per record:
/// `time  model  endpoint  in  out  ms  cache  outcome`.
pub fn format_call_log(records: &[CallRecord]) -> String {
    let header = [
        "time", "model", "endpoint", "in", "out", "ms", "cache", "outcome",
    ];
    // Right-aligned: the numbers.
    let right = [false, false, false, true, true, true, false, false];
    let mut rows: Vec<[String; 8]> = vec![header.map(str::to_string)];
    rows.extend(records.iter().map(|record| {
        [
            record.time.clone(),
            record.model.clone(),
            record.endpoint.clone(),
            record.prompt_tokens.to_string(),
            record.completion_tokens.to_string(),
            record.duration_ms.to_string(),
            if record.cache_hit { "hit" } else { "-" }.to_string(),
            record.outcome.clone(),
        ]
    }));
    let mut widths = [0usize; 8];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            if column > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[column] - cell.chars().count());
            if right[column] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(super) fn now_rfc3339() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    rfc3339_utc(seconds)
}

/// `seconds` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`
/// (days to civil date: Howard Hinnant's algorithm).
pub(crate) fn rfc3339_utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let second_of_day = seconds % 86_400;
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3_600,
        second_of_day % 3_600 / 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(model: &str, cache_hit: bool, outcome: &str) -> CallRecord {
        CallRecord {
            time: "2025-03-01T09:30:00Z".into(),
            model: model.into(),
            endpoint: "http://localhost:11434/v1".into(),
            prompt_tokens: 1234,
            completion_tokens: 56,
            duration_ms: 7,
            cache_hit,
            outcome: outcome.into(),
        }
    }

    #[test]
    fn rfc3339_known_instants() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_740_821_400), "2025-03-01T09:30:00Z");
        assert_eq!(rfc3339_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn append_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs").join("calls.jsonl");
        append(&path, &record("m", false, "ok")).unwrap();
        append(&path, &record("m", true, "ok")).unwrap();
        let records = read_call_log(&path).unwrap();
        assert_eq!(records.len(), 2);
        assert!(records[1].cache_hit);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn read_skips_blank_lines_and_names_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        let good = serde_json::to_string(&record("m", false, "ok")).unwrap();
        std::fs::write(&path, format!("{good}\n\n{good}\n")).unwrap();
        assert_eq!(read_call_log(&path).unwrap().len(), 2);
        std::fs::write(&path, format!("{good}\n\n{{oops\n")).unwrap();
        let error = read_call_log(&path).unwrap_err().to_string();
        assert!(error.contains("calls.jsonl:3"), "{error}");
    }

    #[test]
    fn table_is_aligned() {
        let table = format_call_log(&[
            record("qwen2.5:7b", false, "ok"),
            record("gpt-4o-mini", true, "error: HTTP 503 after 3 attempt(s)"),
        ]);
        let expected = "\
time                  model        endpoint                     in  out  ms  cache  outcome
2025-03-01T09:30:00Z  qwen2.5:7b   http://localhost:11434/v1  1234   56   7  -      ok
2025-03-01T09:30:00Z  gpt-4o-mini  http://localhost:11434/v1  1234   56   7  hit    error: HTTP 503 after 3 attempt(s)
";
        assert_eq!(table, expected);
        assert_eq!(format_call_log(&[]).lines().count(), 1);
    }
}
