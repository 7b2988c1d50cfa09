//! Front matter: the `---` YAML-style or `+++` TOML block that opens a Markdown file.
//!
//! Only what speech metadata needs is read: scalar values (plain, quoted, folded `>` and
//! literal `|`), and lists (`[a, b]` or `- a` lines). Anything else is ignored, and a block
//! that cannot be read is reported and left out of the text rather than shown as prose.

use std::collections::BTreeMap;

use crate::date::PartialDate;
use crate::document::{Provenance, Warning, WarningKind};
use crate::metadata::Candidates;

/// Splits a leading front-matter block off `text`: the parsed fields and the rest.
pub(crate) fn split<'t>(
    text: &'t str,
    warnings: &mut Vec<Warning>,
) -> (BTreeMap<String, Vec<String>>, &'t str) {
    let (delimiter, is_toml) = if text.starts_with("---\n") || text.starts_with("--- \n") {
        ("---", false)
    } else if text.starts_with("+++\n") {
        ("+++", true)
    } else {
        return (BTreeMap::new(), text);
    };
    let body_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = body_start;
    let mut end = None;
    for line in text[body_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == delimiter || (!is_toml && trimmed == "...") {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((block_end, rest_start)) = end else {
        warnings.push(Warning::new(
            WarningKind::Markup,
            format!("front matter opened with {delimiter} is never closed; read as text"),
        ));
        return (BTreeMap::new(), text);
    };
    let block = &text[body_start..block_end];
    let fields = if is_toml {
        parse_toml(block, warnings)
    } else {
        parse_yaml(block)
    };
    (fields, &text[rest_start..])
}

/// Proposes the metadata that front matter gives.
pub(crate) fn propose(
    fields: &BTreeMap<String, Vec<String>>,
    candidates: &mut Candidates,
    warnings: &mut Vec<Warning>,
) {
    let p = Provenance::FrontMatter;
    let first = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| fields.get(*k))
            .and_then(|v| v.first().cloned())
    };
    if let Some(title) = first(&["title", "name", "headline"]) {
        candidates.add_title(title, p);
    }
    if let Some(raw) = first(&[
        "date",
        "delivered",
        "published",
        "date_delivered",
        "speech_date",
    ]) {
        match PartialDate::parse_iso(&raw)
            .or_else(|| crate::date::find_date_in_text(&raw).map(|(d, _)| d))
        {
            Some(date) => candidates.add_date(date, p),
            None => warnings.push(Warning::new(
                WarningKind::Markup,
                format!("front matter date {raw:?} is not a date"),
            )),
        }
    }
    if let Some(speakers) = ["speakers", "speaker", "author", "authors", "orator"]
        .iter()
        .find_map(|k| fields.get(*k))
    {
        candidates.add_speakers(speakers.clone(), p);
    }
    if let Some(place) = first(&["place", "location", "venue", "city"]) {
        candidates.add_place(place, p);
    }
    if let Some(url) =
        first(&["source_url", "url", "source", "link", "canonical"]).filter(|u| u.contains("://"))
    {
        candidates.add_source_url(url, p);
    }
    if let Some(language) = first(&["language", "lang"]) {
        candidates.add_language(language, p);
    }
}

fn parse_yaml(block: &str) -> BTreeMap<String, Vec<String>> {
    let mut fields = BTreeMap::new();
    let lines: Vec<&str> = block.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.starts_with([' ', '\t', '#']) || line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_lowercase();
        let value = value.trim();
        // Indented continuation lines belong to this key.
        let mut continuation = Vec::new();
        while i < lines.len() && (lines[i].starts_with([' ', '\t']) || lines[i].trim().is_empty()) {
            continuation.push(lines[i]);
            i += 1;
        }
        while continuation.last().is_some_and(|l| l.trim().is_empty()) {
            continuation.pop();
        }
        let values = if value.starts_with(['>', '|']) {
            let folded = value.starts_with('>');
            let text = if folded {
                continuation
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                continuation
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            vec![text.trim().to_owned()]
        } else if value.is_empty() {
            let items: Vec<String> = continuation
                .iter()
                .filter_map(|l| {
                    l.trim()
                        .strip_prefix("- ")
                        .or_else(|| (l.trim() == "-").then_some(""))
                })
                .map(unquote)
                .filter(|s| !s.is_empty())
                .collect();
            if items.is_empty() {
                // A plain scalar folded over several lines.
                let text = continuation
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                if text.is_empty() {
                    Vec::new()
                } else {
                    vec![unquote(&text)]
                }
            } else {
                items
            }
        } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            inner
                .split(',')
                .map(unquote)
                .filter(|s| !s.is_empty())
                .collect()
        } else {
            let mut text = value.to_owned();
            for l in &continuation {
                text.push(' ');
                text.push_str(l.trim());
            }
            vec![unquote(&text)]
        };
        if !values.is_empty() {
            fields.insert(key, values);
        }
    }
    fields
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    let s = match s.find(" #") {
        Some(i) if !s.starts_with(['"', '\'']) => s[..i].trim_end(),
        _ => s,
    };
    if let Some(inner) = s.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return inner
            .replace("\\\"", "\"")
            .replace("\\n", "\n")
            .replace("\\\\", "\\");
    }
    if let Some(inner) = s.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    s.to_owned()
}

fn parse_toml(block: &str, warnings: &mut Vec<Warning>) -> BTreeMap<String, Vec<String>> {
    let table: toml::Table = match block.parse() {
        Ok(t) => t,
        Err(e) => {
            let reason = e.to_string();
            let reason = reason.lines().next().unwrap_or("invalid TOML");
            warnings.push(Warning::new(
                WarningKind::Markup,
                format!("TOML front matter is not valid: {reason}"),
            ));
            return BTreeMap::new();
        }
    };
    let mut fields = BTreeMap::new();
    for (key, value) in table {
        let values = match value {
            toml::Value::String(s) => vec![s],
            toml::Value::Datetime(d) => vec![d.to_string()],
            toml::Value::Integer(n) => vec![n.to_string()],
            toml::Value::Array(items) => items
                .into_iter()
                .filter_map(|v| match v {
                    toml::Value::String(s) => Some(s),
                    toml::Value::Datetime(d) => Some(d.to_string()),
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        fields.insert(key.to_lowercase(), values);
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let text = "---\ntitle: \"The Gettysburg Address\"\ndate: 1863-11-19\nspeakers: [Abraham Lincoln]\nplace: Gettysburg, Pennsylvania # a comment\ndescription: >\n  Folded\n  value\n---\nFour score";
        let (fields, rest) = split(text, &mut Vec::new());
        assert_eq!(rest, "Four score");
        assert_eq!(fields["title"], ["The Gettysburg Address"]);
        assert_eq!(fields["speakers"], ["Abraham Lincoln"]);
        assert_eq!(fields["place"], ["Gettysburg, Pennsylvania"]);
        assert_eq!(fields["description"], ["Folded value"]);
    }

    #[test]
    fn yaml_lists_and_toml() {
        let (fields, _) = split("---\nspeaker:\n  - A\n  - 'B'\n---\n", &mut Vec::new());
        assert_eq!(fields["speaker"], ["A", "B"]);
        let (fields, rest) = split(
            "+++\ntitle = \"T\"\ndate = 1941-12-08\n+++\nBody",
            &mut Vec::new(),
        );
        assert_eq!(
            (
                fields["title"][0].as_str(),
                fields["date"][0].as_str(),
                rest
            ),
            ("T", "1941-12-08", "Body")
        );
    }

    #[test]
    fn unclosed_or_broken() {
        let mut w = Vec::new();
        let (fields, rest) = split("---\ntitle: x\nno end", &mut w);
        assert!(fields.is_empty());
        assert_eq!(rest, "---\ntitle: x\nno end");
        assert_eq!(w.len(), 1);
        let mut w = Vec::new();
        let (fields, rest) = split("+++\ntitle = \n+++\nBody", &mut w);
        assert!(fields.is_empty());
        assert_eq!(rest, "Body");
        assert_eq!(w.len(), 1);
    }
}
