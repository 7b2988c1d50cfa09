//! HTML pages: the main text of a saved speech page.
//!
//! The page is tokenised with html5gum (a WHATWG tokenizer: entities decoded, any bytes
//! accepted) in one linear pass. Scripts, styles, navigation, headers, footers, asides and
//! anything whose class or id says "cookie", "breadcrumb", "related"… are dropped; when the
//! page has a `<main>` or `<article>`, only its content is kept. `<meta>` tags and the
//! `<title>` give metadata. A page that is mostly links (an index of speeches, not a speech)
//! is refused as [`ImportError::NotASpeech`].

use html5gum::{DefaultEmitter, Token, Tokenizer};

use crate::date::{PartialDate, find_date_in_text};
use crate::document::{InlineKind, Provenance, Warning};
use crate::import::ImportError;
use crate::import::builder::{BlockBuilder, RawBlock, RawKind, normalise_levels};
use crate::metadata::Candidates;

/// Elements whose whole subtree is never speech text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "form", "button", "select", "iframe",
    "object", "canvas", "dialog", "menu", "aside",
];
/// Page furniture unless inside `<main>` or `<article>`.
const FURNITURE: &[&str] = &["header", "footer"];
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "body",
    "center",
    "address",
    "hr",
];
/// Class, id or role words that mark page chrome.
const CHROME_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "consent",
    "footer",
    "header",
    "masthead",
    "sidebar",
    "related",
    "share",
    "sharing",
    "social",
    "banner",
    "advert",
    "advertisement",
    "ads",
    "promo",
    "newsletter",
    "subscribe",
    "skip",
    "comments",
    "pagination",
    "toolbar",
    "contentinfo",
    "complementary",
    "search",
];

pub(crate) fn read(
    text: &str,
    candidates: &mut Candidates,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<RawBlock<'static>>, ImportError> {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut page = Page::default();
    for Ok(token) in Tokenizer::new_with_emitter(text, emitter) {
        page.token(token);
    }
    page.flush();
    let _ = warnings;
    page.finish(candidates)
}

#[derive(Default)]
struct Page {
    stack: Vec<String>,
    /// Stack depth at which a skipped subtree began.
    skip_from: Option<usize>,
    /// How many `<main>`/`<article>` elements are open.
    main_depth: usize,
    saw_main: bool,
    quote_depth: usize,
    current: BlockBuilder,
    kind: Option<RawKind>,
    current_in_main: bool,
    blocks: Vec<(RawBlock<'static>, bool)>,
    in_title: bool,
    title: String,
    meta: Vec<(String, String)>,
    lang: Option<String>,
    canonical: Option<String>,
    /// Characters of text inside links, and of all text, in the kept part of the page.
    link_chars: [usize; 2],
    text_chars: [usize; 2],
    link_depth: usize,
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Page {
    fn token(&mut self, token: Token) {
        match token {
            Token::StartTag(tag) => {
                let name = lossy(&tag.name).to_ascii_lowercase();
                let attr = |key: &str| tag.attributes.get(key.as_bytes()).map(|v| lossy(&v.value));
                self.start(&name, tag.self_closing, &attr);
            }
            Token::EndTag(tag) => self.end(&lossy(&tag.name).to_ascii_lowercase()),
            Token::String(s) => self.text(&lossy(&s.value)),
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }

    fn start(&mut self, name: &str, self_closing: bool, attr: &dyn Fn(&str) -> Option<String>) {
        match name {
            "html" => self.lang = attr("lang").filter(|l| !l.is_empty()),
            "meta" => {
                let key = attr("name")
                    .or_else(|| attr("property"))
                    .or_else(|| attr("itemprop"));
                if let (Some(key), Some(content)) = (key, attr("content")) {
                    self.meta.push((key.to_ascii_lowercase(), content));
                }
            }
            "link" if attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                self.canonical = attr("href");
            }
            "title" if self.skip_from.is_none() => self.in_title = true,
            _ => {}
        }
        if VOID.contains(&name) || self_closing {
            if name == "br" && self.skip_from.is_none() {
                self.current.push_line_break();
            } else if name == "hr" || name == "img" {
                self.current.push_char(' ');
            }
            return;
        }
        self.stack.push(name.to_owned());
        if self.skip_from.is_some() {
            return;
        }
        let chrome = ["class", "id", "role"]
            .iter()
            .filter_map(|a| attr(a))
            .any(|value| {
                value
                    .to_ascii_lowercase()
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|word| CHROME_WORDS.contains(&word))
            });
        let furniture = FURNITURE.contains(&name) && self.main_depth == 0;
        if SKIPPED.contains(&name)
            || furniture
            || (chrome && !matches!(name, "main" | "article" | "body" | "html"))
        {
            self.flush();
            self.skip_from = Some(self.stack.len());
            return;
        }
        if BLOCKS.contains(&name) {
            self.flush();
        }
        match name {
            "main" | "article" => {
                self.main_depth += 1;
                self.saw_main = true;
            }
            "blockquote" => self.quote_depth += 1,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                self.kind = Some(RawKind::Heading(level));
            }
            "li" => self.kind = Some(RawKind::ListItem),
            "em" | "i" | "cite" => self.current.open_mark(InlineKind::Emphasis),
            "strong" | "b" => self.current.open_mark(InlineKind::Strong),
            "a" => {
                self.link_depth += 1;
                if let Some(href) = attr("href").filter(|h| {
                    h.starts_with("http://")
                        || h.starts_with("https://")
                        || h.starts_with("mailto:")
                }) {
                    self.current.open_mark(InlineKind::Link { url: href });
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        // Close up to the matching open element; ignore stray end tags.
        let Some(position) = self.stack.iter().rposition(|open| open == name) else {
            return;
        };
        let depth_after = position;
        while self.stack.len() > depth_after {
            let Some(closed) = self.stack.pop() else {
                break;
            };
            if let Some(skip_depth) = self.skip_from {
                if self.stack.len() < skip_depth {
                    self.skip_from = None;
                }
                continue;
            }
            self.close(&closed);
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "title" => self.in_title = false,
            "main" | "article" => {
                self.flush();
                self.main_depth = self.main_depth.saturating_sub(1);
            }
            "blockquote" => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            "em" | "i" | "cite" => self.current.close_mark(&InlineKind::Emphasis),
            "strong" | "b" => self.current.close_mark(&InlineKind::Strong),
            "a" => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.current
                    .close_mark(&InlineKind::Link { url: String::new() });
            }
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        if self.in_title {
            self.title.push_str(s);
            return;
        }
        if self.skip_from.is_some() || self.stack.iter().any(|n| n == "head") {
            return;
        }
        let chars = s.chars().filter(|c| !c.is_whitespace()).count();
        let slot = usize::from(self.main_depth > 0);
        self.text_chars[slot] += chars;
        if self.link_depth > 0 {
            self.link_chars[slot] += chars;
        }
        if !self.current.is_empty() || !s.trim().is_empty() {
            self.current_in_main |= self.main_depth > 0;
        }
        self.current.push_str(s);
    }

    fn flush(&mut self) {
        let kind = self.kind.take().unwrap_or(if self.quote_depth > 0 {
            RawKind::Quote
        } else {
            RawKind::Paragraph
        });
        if let Some(block) = self.current.take(kind) {
            self.blocks.push((block, self.current_in_main));
        }
        self.current_in_main = false;
    }

    fn finish(self, candidates: &mut Candidates) -> Result<Vec<RawBlock<'static>>, ImportError> {
        let slot = usize::from(self.saw_main);
        let mut blocks: Vec<RawBlock<'static>> = self
            .blocks
            .into_iter()
            .filter(|(_, in_main)| !self.saw_main || *in_main)
            .map(|(b, _)| b)
            .collect();
        let (links, total) = (self.link_chars[slot], self.text_chars[slot]);
        let prose = blocks
            .iter()
            .filter(|b| !b.is_heading() && b.text.split_whitespace().count() >= 20)
            .count();
        if total > 0 && links * 2 >= total && prose < 3 {
            return Err(ImportError::NotASpeech(format!(
                "looks like a page of links ({}% of its text is links, {prose} paragraphs of prose)",
                links * 100 / total
            )));
        }
        propose_meta(&self.meta, candidates);
        if let Some(lang) = self.lang {
            candidates.add_language(
                lang.split(['-', '_']).next().unwrap_or(&lang).to_owned(),
                Provenance::FrontMatter,
            );
        }
        if let Some(url) = self.canonical.filter(|u| u.contains("://")) {
            candidates.add_source_url(url, Provenance::FrontMatter);
        }
        // The first heading, when it is the page's only level-1 heading, is the title.
        let h1s = blocks
            .iter()
            .filter(|b| b.kind == RawKind::Heading(1))
            .count();
        if h1s == 1
            && let Some(i) = blocks
                .iter()
                .take(3)
                .position(|b| b.kind == RawKind::Heading(1))
        {
            let title = blocks.remove(i);
            candidates.add_title(title.text, Provenance::InText);
        }
        let page_title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        let page_title = [" | ", " – ", " — ", " :: "]
            .iter()
            .find_map(|sep| page_title.split_once(sep).map(|(t, _)| t.to_owned()))
            .unwrap_or(page_title);
        candidates.add_title(page_title, Provenance::InText);
        // A dateline paragraph near the top is metadata, not speech.
        let dateline = blocks.iter().take(6).enumerate().find_map(|(i, b)| {
            (!b.is_heading())
                .then(|| crate::date::dateline(&b.text).map(|d| (i, d)))
                .flatten()
        });
        if let Some((i, date)) = dateline {
            candidates.add_date(date, Provenance::InText);
            blocks.remove(i);
        }
        normalise_levels(&mut blocks);
        Ok(blocks)
    }
}

fn propose_meta(meta: &[(String, String)], candidates: &mut Candidates) {
    let p = Provenance::FrontMatter;
    let find = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            meta.iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.trim().to_owned())
        })
    };
    if let Some(title) = find(&[
        "og:title",
        "dc.title",
        "dcterms.title",
        "twitter:title",
        "citation_title",
    ]) {
        candidates.add_title(title, p);
    }
    let date_keys = [
        "date",
        "dc.date",
        "dcterms.date",
        "article:published_time",
        "og:published_time",
        "pubdate",
        "publish-date",
        "citation_date",
        "datepublished",
    ];
    if let Some(date) = find(&date_keys)
        .and_then(|d| PartialDate::parse_iso(&d).or_else(|| find_date_in_text(&d).map(|(d, _)| d)))
    {
        candidates.add_date(date, p);
    }
    if let Some(speaker) = find(&[
        "speaker",
        "author",
        "dc.creator",
        "article:author",
        "citation_author",
    ]) {
        candidates.add_speakers(vec![speaker], p);
    }
    if let Some(place) = find(&["place", "geo.placename", "dc.coverage"]) {
        candidates.add_place(place, p);
    }
    if let Some(url) = find(&["og:url", "dc.identifier"]).filter(|u| u.contains("://")) {
        candidates.add_source_url(url, p);
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn read_html(
        html: &str,
    ) -> Result<(Vec<(RawKind, String)>, crate::document::Metadata), ImportError> {
        let mut c = Candidates::default();
        let blocks = read(html, &mut c, &mut Vec::new())?;
        Ok((
            blocks
                .into_iter()
                .map(|b| (b.kind, b.text.into_owned()))
                .collect(),
            c.resolve(&mut Vec::new()),
        ))
    }

    #[test]
    fn main_text_only() {
        let html = r#"<!DOCTYPE html><html lang="en-GB"><head><title>A Speech | Site</title>
            <meta name="date" content="2001-02-03"><script>if (a < b) { x = "</div>"; }</script></head>
            <body><header><nav><a href="/">Home</a></nav></header><div class="cookie-banner">We use cookies</div>
            <main><article><h1>A Speech</h1><p>First &amp; <em>foremost</em>.</p><h2>Part</h2><p>Second&nbsp;para.</p></article>
            <aside class="related"><a href="/x">Other</a></aside></main><footer>© Site</footer></body></html>"#;
        let (blocks, meta) = read_html(html).unwrap();
        assert_eq!(
            blocks,
            [
                (RawKind::Paragraph, "First & foremost.".into()),
                (RawKind::Heading(1), "Part".into()),
                (RawKind::Paragraph, "Second para.".into())
            ]
        );
        assert_eq!(meta.title(), Some("A Speech"));
        assert_eq!(meta.date().unwrap().to_string(), "2001-02-03");
        assert_eq!(meta.language.unwrap().value, "en");
    }

    #[test]
    fn listing_page_is_refused() {
        let mut links = String::new();
        for i in 0..200 {
            write!(
                links,
                "<li><a href=\"/s/{i}\">Speech number {i} of the year</a></li>"
            )
            .unwrap();
        }
        let html = format!("<html><body><h1>All speeches</h1><ul>{links}</ul></body></html>");
        assert!(matches!(read_html(&html), Err(ImportError::NotASpeech(_))));
    }
}
