//! Inline markup inside plain and scraped text: HTML fragments (`<a href>`, `<em>`, `<br>`),
//! character entities, and — in scraped text — Markdown's `**strong**` and `[text](url)`.
//!
//! Scrapers leave HTML fragments in text files; a researcher wants the words, with links kept
//! as links, not `<a href=…>` soup. A scraped link is often written twice, once as the label
//! with a broken `href` and once as the bare URL in parentheses; that pair becomes one link.

use crate::document::InlineKind;
use crate::import::builder::BlockBuilder;

/// Pushes `s` into `out`, turning inline markup into marks. `markdown` enables Markdown's
/// strong emphasis and links (only for text that already shows Markdown habits).
pub(crate) fn push_inline(out: &mut BlockBuilder, s: &str, markdown: bool) {
    let mut rest = s;
    while !rest.is_empty() {
        let special =
            rest.find(|c| matches!(c, '<' | '&') || (markdown && matches!(c, '*' | '_' | '[')));
        let Some(at) = special else {
            out.push_str(rest);
            return;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let consumed = match rest.as_bytes()[0] {
            b'<' => tag(out, rest, markdown),
            b'&' => entity(out, rest),
            b'*' | b'_' => strong(out, rest),
            b'[' => markdown_link(out, rest),
            _ => None,
        };
        let n = consumed.unwrap_or_else(|| {
            // Not markup after all: keep the character.
            let c = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..c]);
            c
        });
        rest = &rest[n..];
    }
}

/// An HTML tag at the start of `s`; returns the bytes consumed.
fn tag(out: &mut BlockBuilder, s: &str, markdown: bool) -> Option<usize> {
    let (name, closing, len) = parse_tag_head(s)?;
    match (name.as_str(), closing) {
        ("a", false) => anchor(out, s, len, markdown),
        ("em" | "i", false) => {
            out.open_mark(InlineKind::Emphasis);
            Some(len)
        }
        ("em" | "i", true) => {
            out.close_mark(&InlineKind::Emphasis);
            Some(len)
        }
        ("strong" | "b", false) => {
            out.open_mark(InlineKind::Strong);
            Some(len)
        }
        ("strong" | "b", true) => {
            out.close_mark(&InlineKind::Strong);
            Some(len)
        }
        ("br" | "p" | "div", _) => {
            out.push_char(' ');
            Some(len)
        }
        _ => Some(len),
    }
}

/// One inline HTML tag handed over on its own (as Markdown readers do): opens or closes
/// the mark it stands for; any other tag is dropped.
pub(crate) fn push_lone_tag(out: &mut BlockBuilder, tag: &str) {
    let tag = tag.trim();
    let Some((name, closing, len)) = parse_tag_head(tag) else {
        return;
    };
    match (name.as_str(), closing) {
        ("a", false) => {
            if let Some(url) = attribute(&tag[..len], "href").filter(|u| is_usable_url(u)) {
                out.open_mark(InlineKind::Link {
                    url: decode_entities(&url),
                });
            }
        }
        ("a", true) => out.close_mark(&InlineKind::Link { url: String::new() }),
        ("em" | "i", false) => out.open_mark(InlineKind::Emphasis),
        ("em" | "i", true) => out.close_mark(&InlineKind::Emphasis),
        ("strong" | "b", false) => out.open_mark(InlineKind::Strong),
        ("strong" | "b", true) => out.close_mark(&InlineKind::Strong),
        ("br", _) => out.push_line_break(),
        _ => {}
    }
}

/// `<name …>` or `</name>` at the start of `s`: the lower-case name, whether it closes, and
/// the tag's length in bytes. `None` when `<` does not open a tag (`a < b`).
fn parse_tag_head(s: &str) -> Option<(String, bool, usize)> {
    let body = s.strip_prefix('<')?;
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    let name_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    if name_len == 0 || !body.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let name = body[..name_len].to_ascii_lowercase();
    if !KNOWN_TAGS.contains(&name.as_str()) {
        return None;
    }
    let end = s
        .get(..s.len().min(2048))?
        .find('>')
        .or_else(|| s.find('>'))?;
    Some((name, closing, end + 1))
}

const KNOWN_TAGS: &[&str] = &[
    "a", "abbr", "b", "br", "cite", "code", "del", "div", "em", "font", "i", "img", "ins", "mark",
    "p", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "wbr",
];

/// `<a href="U">T</a>`, optionally followed by ` (<a href="U2">U2</a>)` repeating the URL.
fn anchor(out: &mut BlockBuilder, s: &str, head_len: usize, markdown: bool) -> Option<usize> {
    let href = attribute(&s[..head_len], "href");
    let close = find_ascii_ci(&s[head_len..], "</a>")? + head_len;
    let label = &s[head_len..close];
    let mut consumed = close + "</a>".len();
    let mut url = href.filter(|u| is_usable_url(u));
    if let Some((repeat_url, repeat_len)) = repeated_url(&s[consumed..])
        && (url.is_none() || url.as_deref() == Some(repeat_url.as_str()))
    {
        url = Some(repeat_url);
        consumed += repeat_len;
    }
    match url {
        Some(url) => {
            out.open_mark(InlineKind::Link {
                url: decode_entities(&url),
            });
            push_inline(out, label, markdown);
            out.close_mark(&InlineKind::Link { url: String::new() });
        }
        None => push_inline(out, label, markdown),
    }
    Some(consumed)
}

/// ` (<a href="U">U</a>)` or ` (U)` right after a link: the URL and the bytes it takes.
fn repeated_url(s: &str) -> Option<(String, usize)> {
    let trimmed = s.trim_start_matches([' ', '\t']);
    let lead = s.len() - trimmed.len();
    let inner = trimmed.strip_prefix('(')?;
    let close = inner.find(')')?;
    let body = &inner[..close];
    let url = if body.trim_start().starts_with("<a") {
        let (_, _, head_len) = parse_tag_head(body.trim_start())?;
        attribute(&body.trim_start()[..head_len], "href")?
    } else {
        body.trim().to_owned()
    };
    (is_usable_url(&url) && (url.starts_with("http://") || url.starts_with("https://")))
        .then(|| (url, lead + 1 + close + 1))
}

/// A link worth keeping: a web address, or a mail address that has an `@`.
fn is_usable_url(url: &str) -> bool {
    let url = url.trim();
    if let Some(address) = url.strip_prefix("mailto:") {
        return address.contains('@') && !address.contains(' ');
    }
    (url.starts_with("http://") || url.starts_with("https://")) && !url.contains(' ')
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(rel) = lower[from..].find(name) {
        let at = from + rel;
        from = at + name.len();
        let before_ok = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - after.len() + 1;
        let value = tag[value_start..].trim_start();
        let (quote, body) = match value.chars().next()? {
            q @ ('"' | '\'') => (Some(q), &value[1..]),
            _ => (None, value),
        };
        let end = match quote {
            Some(q) => body.find(q)?,
            None => body
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(body.len()),
        };
        return Some(body[..end].to_owned());
    }
    None
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `**strong**` or `__strong__` closed on the same run of text.
fn strong(out: &mut BlockBuilder, s: &str) -> Option<usize> {
    let delim = if s.starts_with("**") {
        "**"
    } else if s.starts_with("__") {
        "__"
    } else {
        return None;
    };
    let body = &s[2..];
    if body.starts_with(char::is_whitespace) {
        return None;
    }
    let close = body.find(delim)?;
    let inner = &body[..close];
    if inner.is_empty() || inner.len() > 400 || inner.ends_with(char::is_whitespace) {
        return None;
    }
    out.open_mark(InlineKind::Strong);
    push_inline(out, inner, true);
    out.close_mark(&InlineKind::Strong);
    Some(2 + close + 2)
}

/// `[text](https://…)`.
fn markdown_link(out: &mut BlockBuilder, s: &str) -> Option<usize> {
    let close = s.find("](")?;
    let label = &s[1..close];
    if label.contains('[') || label.len() > 400 {
        return None;
    }
    let after = &s[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    if !is_usable_url(url) {
        return None;
    }
    out.open_mark(InlineKind::Link {
        url: url.to_owned(),
    });
    push_inline(out, label, true);
    out.close_mark(&InlineKind::Link { url: String::new() });
    Some(close + 2 + end + 1)
}

/// A character reference at the start of `s`.
fn entity(out: &mut BlockBuilder, s: &str) -> Option<usize> {
    let semi = s
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i)?;
    let c = entity_char(&s[1..semi])?;
    out.push_char(c);
    Some(semi + 1)
}

fn entity_char(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || *c == '\n');
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "sect" => '§',
        "para" => '¶',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "euro" => '€',
        "pound" => '£',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    };
    Some(c)
}

/// Decodes character references in an attribute value or a short string.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i)
            .and_then(|semi| entity_char(&rest[1..semi]).map(|c| (c, semi + 1)));
        if let Some((c, n)) = decoded {
            out.push(c);
            rest = &rest[n..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::builder::RawKind;

    fn render(s: &str, markdown: bool) -> (String, Vec<(String, String)>) {
        let mut b = BlockBuilder::new();
        push_inline(&mut b, s, markdown);
        let block = b.finish(RawKind::Paragraph).unwrap();
        let marks = block
            .marks
            .iter()
            .map(|m| {
                let kind = match &m.kind {
                    InlineKind::Link { url } => format!("link {url}"),
                    other => format!("{other:?}"),
                };
                (block.text[m.start..m.end].to_owned(), kind)
            })
            .collect();
        (block.text.into_owned(), marks)
    }

    #[test]
    fn scraped_link_pair_becomes_one_link() {
        let (text, marks) = render(
            r#"guidance, <a href="mailto:Trusted Research">Trusted Research</a> (<a href="https://www.npsa.gov.uk/trusted-research">https://www.npsa.gov.uk/trusted-research</a>) and more"#,
            true,
        );
        assert_eq!(text, "guidance, Trusted Research and more");
        assert_eq!(
            marks,
            [(
                "Trusted Research".to_owned(),
                "link https://www.npsa.gov.uk/trusted-research".to_owned()
            )]
        );
    }

    #[test]
    fn tags_entities_and_markdown() {
        assert_eq!(
            render("a <em>b</em> &amp; c&#8212;d &bogus; x < y", false).0,
            "a b & c—d &bogus; x < y"
        );
        let (text, marks) = render(
            "**Macron :** Mesdames, [site](https://example.org) 2*3",
            true,
        );
        assert_eq!(text, "Macron : Mesdames, site 2*3");
        assert_eq!(marks[0], ("Macron :".to_owned(), "Strong".to_owned()));
        assert_eq!(
            marks[1],
            ("site".to_owned(), "link https://example.org".to_owned())
        );
        assert_eq!(
            render("snake_case_name stays", true).0,
            "snake_case_name stays"
        );
    }
}
