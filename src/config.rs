//! The user's profile (`draft.toml`): which companies exist under which names
//! and periods, where the content lives, and how to reach a model.
//!
//! Loaded once in `main` and passed down by reference: there is no global
//! configuration.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;
use crate::facts::Period;

/// The file name looked up in the working directory when `--profile` is not given.
pub const PROFILE_FILE: &str = "draft.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Content directory, relative to the profile's directory.
    pub content: Option<PathBuf>,
    /// A directory of `*.hbs` templates that override the built-in prompts.
    pub prompts: Option<PathBuf>,
    #[serde(default)]
    pub companies: Vec<Company>,
    #[serde(default)]
    pub model: ModelProfile,
    #[serde(default)]
    pub privacy: PrivacyProfile,
    /// Where the profile was read from (not part of the file).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `2022.04.18 ~ 재직중`, `2021.09.27 ~ 2022.04.18`, `2024.01 ~ 2025.12`.
    pub period: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelProfile {
    /// Model name (`gpt-4o-mini`, `qwen2.5:7b`); `DRAFT_MODEL` and `--model` win.
    pub name: Option<String>,
    /// OpenAI-compatible base URL; `OPENAI_BASE_URL` and `--base-url` win.
    pub base_url: Option<String>,
    /// tiktoken encoding for token budgets: `o200k_base` or `cl100k_base`.
    pub encoding: Option<String>,
    /// Token budget for the facts of one project.
    pub budget: Option<usize>,
    /// Per-request timeout in seconds.
    pub timeout_seconds: Option<u64>,
    /// Attempts per request (first try included).
    pub attempts: Option<u32>,
    /// Concurrent model calls.
    pub jobs: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyProfile {
    /// Personal names to redact before sending facts to a remote endpoint.
    #[serde(default)]
    pub names: Vec<String>,
}

impl Company {
    /// The company's own name followed by its aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    pub fn parsed_period(&self) -> Option<Period> {
        self.period.as_deref().and_then(Period::parse)
    }
}

impl Profile {
    /// Finds the company whose name or alias equals `name` (ignoring case and spaces).
    pub fn company(&self, name: &str) -> Option<&Company> {
        // Compared as they fold, with no folded copies: the fact stage asks
        // for every tag of every document, and most differ at once.
        self.companies.iter().find(|company| {
            company
                .names()
                .any(|candidate| folded(candidate).eq(folded(name)))
        })
    }

    /// The canonical name for `name` if it names a known company or alias.
    pub fn canonical_company(&self, name: &str) -> Option<&str> {
        self.company(name).map(|company| company.name.as_str())
    }

    /// The content directory: the profile's `content`, resolved against the
    /// profile's own directory, else `content`.
    pub fn content_dir(&self) -> PathBuf {
        match (&self.content, &self.source) {
            (Some(content), Some(source)) => match source.parent() {
                Some(parent) if !parent.as_os_str().is_empty() && content.is_relative() => {
                    parent.join(content)
                }
                _ => content.clone(),
            },
            (Some(content), None) => content.clone(),
            (None, _) => PathBuf::from("content"),
        }
    }
}

/// Lower-cases and drops whitespace, so `AWA소프트` and `awa 소프트` compare equal.
///
/// Every text is folded to look for company names in it, so the runs that
/// fold to themselves (ASCII other than capitals and spaces, and Hangul
/// syllables, which have no case) are copied whole; only the characters
/// between them are looked at one by one.
pub fn fold_name(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    let mut rest = name;
    while !rest.is_empty() {
        let kept = unchanged_prefix(rest.as_bytes());
        let (same, changed) = rest.split_at(kept);
        folded.push_str(same);
        let mut characters = changed.chars();
        match characters.next() {
            // ASCII whitespace (U+000B too, as `is_whitespace` has it),
            // told with no Unicode table.
            Some(character) if character.is_ascii_whitespace() || character == '\u{b}' => {}
            Some(character) if character.is_ascii() => {
                folded.push(character.to_ascii_lowercase());
            }
            Some(character) if !character.is_whitespace() => {
                folded.extend(character.to_lowercase());
            }
            _ => {}
        }
        rest = characters.as_str();
    }
    folded
}

/// The length of the longest start of `bytes` that [`fold_name`] leaves as
/// it is: printable ASCII other than capitals, and the characters from
/// U+AC00 to U+D7FF (Hangul syllables, and Jamo that have no case either),
/// told by their first two bytes with nothing decoded. Always at a
/// character boundary, since `bytes` is UTF-8.
fn unchanged_prefix(bytes: &[u8]) -> usize {
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        index += match byte {
            b'!'..=b'@' | b'['..=b'~' => 1,
            0xEB..=0xED => 3,
            0xEA if bytes.get(index + 1).is_some_and(|second| *second >= 0xB0) => 3,
            _ => break,
        };
    }
    index.min(bytes.len())
}

/// The characters of [`fold_name`], one by one.
fn folded(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|character| !character.is_whitespace())
        .flat_map(|character| {
            let (caseless, cased) = if is_caseless(character) {
                (Some(character.to_ascii_lowercase()), None)
            } else {
                (None, Some(character.to_lowercase()))
            };
            caseless.into_iter().chain(cased.into_iter().flatten())
        })
}

/// ASCII (lower-cased by `to_ascii_lowercase`) and Hangul syllables (which
/// have no case): every tag of every document is compared with every
/// company name as they fold, and most characters are these, so they skip
/// the Unicode case table.
fn is_caseless(character: char) -> bool {
    character.is_ascii() || ('\u{AC00}'..='\u{D7A3}').contains(&character)
}

/// Loads the profile from `path`, or from `./draft.toml` when it exists, or
/// returns an empty profile.
pub fn load_profile(path: Option<&Path>) -> Result<Profile, Error> {
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => {
            let default = PathBuf::from(PROFILE_FILE);
            if !default.exists() {
                return Ok(Profile::default());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    parse_profile(&text, &path)
}

/// Parses profile text; errors carry the path, line and column.
pub fn parse_profile(text: &str, path: &Path) -> Result<Profile, Error> {
    let mut profile: Profile = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_and_column(text, span.start))
            .unwrap_or((1, 1));
        Error::Profile {
            path: path.to_path_buf(),
            line,
            column,
            message: error.message().to_string(),
        }
    })?;
    for company in &profile.companies {
        if let Some(period) = &company.period {
            if Period::parse(period).is_none() {
                let offset = text.find(period.as_str()).unwrap_or(0);
                let (line, column) = line_and_column(text, offset);
                return Err(Error::Profile {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!(
                        "company `{}`: period `{period}` is not `YYYY.MM[.DD] ~ YYYY.MM[.DD]` or `… ~ 재직중`",
                        company.name
                    ),
                });
            }
        }
    }
    profile.source = Some(path.to_path_buf());
    Ok(profile)
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|tail| tail.chars().count() + 1)
        .unwrap_or(1);
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_names_line_and_column() {
        let text = "[[companies]]\nname = \"한패스\"\naliases = [\"Hanpass\"\n";
        let error = parse_profile(text, Path::new("draft.toml")).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("draft.toml:"), "{message}");
    }

    #[test]
    fn company_lookup_ignores_case_and_spaces() {
        let text = "[[companies]]\nname = \"AWA 소프트\"\naliases = [\"awa\"]\n";
        let profile = parse_profile(text, Path::new("draft.toml")).unwrap();
        assert_eq!(profile.canonical_company("AWA소프트"), Some("AWA 소프트"));
        assert_eq!(profile.canonical_company("Awa"), Some("AWA 소프트"));
        assert_eq!(profile.canonical_company("쏘카"), None);
    }

    /// Folding as the Unicode case table alone does it.
    fn by_case_table(text: &str) -> String {
        text.chars()
            .filter(|character| !character.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    }

    #[test]
    fn folding_skips_the_case_table_only_where_it_changes_nothing() {
        for text in [
            "AWA 소프트",
            "Hanpass\t한패스\n",
            "ΑΒΓ Ǆ İstanbul ＡＢＣ",
            "no\u{a0}break\u{3000}ideographic\u{b}tab",
            "플라잉닥터(모비닥) FLYING-Doctor",
        ] {
            assert_eq!(fold_name(text), by_case_table(text), "{text:?}");
            assert_eq!(
                folded(text).collect::<String>(),
                by_case_table(text),
                "{text:?}"
            );
        }
        // Every character the fast paths copy, and their neighbours.
        for character in (0..0x80).chain(0xA000..0xE000).filter_map(char::from_u32) {
            let text = format!("A{character}b {character}");
            assert_eq!(
                fold_name(&text),
                by_case_table(&text),
                "{:04X}",
                u32::from(character)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_matches_the_case_table(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(fold_name(&text), by_case_table(&text));
            proptest::prop_assert_eq!(folded(&text).collect::<String>(), by_case_table(&text));
        }
    }

    #[test]
    fn bad_period_is_an_error() {
        let text = "[[companies]]\nname = \"한패스\"\nperiod = \"어제부터\"\n";
        let error = parse_profile(text, Path::new("draft.toml")).unwrap_err();
        assert!(error.to_string().contains("draft.toml:3:"), "{error}");
    }
}
