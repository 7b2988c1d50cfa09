//! Markdown speeches, read with pulldown-cmark.
//!
//! Headings become sections (levels normalised so the outline has no gaps), emphasis and
//! links become inline marks, front matter becomes metadata. A speech has no code: an
//! indented block is a quotation, not a code block.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::document::{InlineKind, Provenance, Warning};
use crate::import::builder::{BlockBuilder, RawBlock, RawKind, normalise_levels};
use crate::import::frontmatter;
use crate::import::inline::{push_inline, push_lone_tag};
use crate::metadata::Candidates;

pub(crate) fn read(
    text: &str,
    candidates: &mut Candidates,
    warnings: &mut Vec<Warning>,
) -> Vec<RawBlock<'static>> {
    let (fields, body) = frontmatter::split(text, warnings);
    frontmatter::propose(&fields, candidates, warnings);
    let mut reader = Reader::default();
    let options = Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(body, options) {
        reader.event(event);
    }
    reader.flush();
    let mut blocks = reader.blocks;
    take_title(&mut blocks, candidates);
    normalise_levels(&mut blocks);
    blocks
}

#[derive(Default)]
struct Reader {
    blocks: Vec<RawBlock<'static>>,
    current: BlockBuilder,
    kind: Option<RawKind>,
    quote_depth: usize,
    list_depth: usize,
    /// Inside an indented block: its text, split into paragraphs on blank lines at the end.
    indented: Option<String>,
}

impl Reader {
    fn event(&mut self, event: Event<'_>) {
        if let Some(buffer) = &mut self.indented {
            match event {
                Event::Text(t) => buffer.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_indented(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.current.push_str(&t);
            }
            Event::SoftBreak => self.current.push_char(' '),
            Event::HardBreak => self.current.push_line_break(),
            Event::InlineHtml(html) => push_lone_tag(&mut self.current, &html),
            Event::Html(html) => {
                // An HTML block: keep its words as a paragraph of its own.
                self.flush();
                push_inline(&mut self.current, &html, false);
                self.flush_as(RawKind::Paragraph);
            }
            Event::Rule | Event::TaskListMarker(_) | Event::FootnoteReference(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.kind = Some(RawKind::Heading(heading_level(level)));
            }
            Tag::Paragraph => {
                if self.list_depth == 0 {
                    self.flush();
                }
                if self.kind.is_none() {
                    self.kind = Some(self.paragraph_kind());
                }
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => {
                self.flush();
                self.indented = Some(String::new());
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
                self.flush();
                self.kind = Some(self.paragraph_kind());
            }
            Tag::List(_) => {
                self.flush();
                self.list_depth += 1;
            }
            Tag::Item => {
                self.flush();
                self.kind = Some(RawKind::ListItem);
            }
            Tag::Emphasis => self.current.open_mark(InlineKind::Emphasis),
            Tag::Strong => self.current.open_mark(InlineKind::Strong),
            Tag::Link { dest_url, .. } => self.current.open_mark(InlineKind::Link {
                url: dest_url.into_string(),
            }),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Item => self.flush(),
            TagEnd::Paragraph if self.list_depth == 0 => self.flush(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.flush();
                self.list_depth = self.list_depth.saturating_sub(1);
            }
            TagEnd::Emphasis => self.current.close_mark(&InlineKind::Emphasis),
            TagEnd::Strong => self.current.close_mark(&InlineKind::Strong),
            TagEnd::Link => self
                .current
                .close_mark(&InlineKind::Link { url: String::new() }),
            _ => {}
        }
    }

    fn paragraph_kind(&self) -> RawKind {
        if self.quote_depth > 0 {
            RawKind::Quote
        } else {
            RawKind::Paragraph
        }
    }

    fn flush(&mut self) {
        let kind = self.kind.take().unwrap_or_else(|| self.paragraph_kind());
        self.flush_as(kind);
    }

    fn flush_as(&mut self, kind: RawKind) {
        if let Some(block) = self.current.take(kind) {
            self.blocks.push(block);
        }
        self.kind = None;
    }

    fn finish_indented(&mut self) {
        let text = self.indented.take().unwrap_or_default();
        for para in text.split("\n\n") {
            self.current.push_str(para);
            self.flush_as(RawKind::Quote);
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A level-1 heading before any paragraph is the title, when it is the only level-1 heading.
fn take_title(blocks: &mut Vec<RawBlock<'static>>, candidates: &mut Candidates) {
    let h1_count = blocks
        .iter()
        .filter(|b| b.kind == RawKind::Heading(1))
        .count();
    if h1_count == 1
        && blocks
            .first()
            .is_some_and(|b| b.kind == RawKind::Heading(1))
    {
        let title = blocks.remove(0);
        candidates.add_title(title.text, Provenance::InText);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_md(text: &str) -> (Vec<(RawKind, String)>, Candidates) {
        let mut c = Candidates::default();
        let blocks = read(text, &mut c, &mut Vec::new());
        (
            blocks
                .into_iter()
                .map(|b| (b.kind, b.text.into_owned()))
                .collect(),
            c,
        )
    }

    #[test]
    fn headings_quotes_and_title() {
        let (blocks, c) = read_md(
            "# Title\n\nIntro *here*.\n\n### Part\n\nText.\n\n    An indented quotation\n    over two lines.\n\n##### Deep\n\n> Quoted.\n",
        );
        assert_eq!(c.title[0].value, "Title");
        assert_eq!(
            blocks,
            [
                (RawKind::Paragraph, "Intro here.".into()),
                (RawKind::Heading(1), "Part".into()),
                (RawKind::Paragraph, "Text.".into()),
                (
                    RawKind::Quote,
                    "An indented quotation over two lines.".into()
                ),
                (RawKind::Heading(2), "Deep".into()),
                (RawKind::Quote, "Quoted.".into()),
            ]
        );
    }
}
