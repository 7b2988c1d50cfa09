use super::*;
use crate::annotation::anchor::target;
use crate::annotation::{AnnotationId, Timestamp};
use crate::text::CharSpan;
use crate::{ImportOptions, import};

const GETTYSBURG: &str = include_str!("../../../../sample_archive/markdown/gettysburg-address.md");

fn doc() -> Document {
    let options = ImportOptions {
        path: "markdown/gettysburg-address.md",
        catalogue: None,
        overrides: None,
    };
    import(GETTYSBURG.as_bytes(), &options).expect("imports")
}

fn annotation(doc: &Document, id: &str, quote: &str, tags: &[&str], note: &str) -> Annotation {
    let start = doc.char_offset(doc.text.find(quote).expect("quote in text"));
    let span = CharSpan::new(start, start + quote.chars().count());
    Annotation {
        id: AnnotationId(id.into()),
        target: target(doc, span),
        note: note.into(),
        tags: tags.iter().map(|t| TagName::new(t)).collect(),
        created: Timestamp::from_millis(1_700_000_000_000),
        modified: Timestamp::from_millis(1_700_000_000_000),
        author: Some("A. Researcher".into()),
        conflict_with: None,
        status: AnchorStatus::Exact,
    }
}

fn notes(doc: &Document) -> SpeechNotes {
    let mut orphan = annotation(doc, "C", "Four score", &["founding"], "");
    orphan.status = AnchorStatus::Orphaned;
    orphan.target.quote.exact = "a sentence no longer there".into();
    SpeechNotes {
        memo: "Compare with the Second Inaugural.".into(),
        annotations: vec![
            annotation(
                doc,
                "A",
                "Four score and seven years ago",
                &["founding"],
                "",
            ),
            annotation(
                doc,
                "B",
                "a new birth of freedom",
                &["freedom", "war aims"],
                "The \"new birth\", quoted, with a comma, and a\nsecond line.",
            ),
            orphan,
        ],
        ..SpeechNotes::default()
    }
}

fn no_lineage(tag: &TagName) -> Vec<TagName> {
    vec![tag.clone()]
}

#[test]
fn every_format_points_at_the_quote_in_the_canonical_text() {
    let doc = doc();
    let notes = notes(&doc);
    let path = "markdown/gettysburg-address.md";
    let passages = passages([(path, &doc, &notes)], &Filter::default(), &no_lineage);
    assert_eq!(passages.len(), 3, "the orphan is exported too");

    // CSV: parse it back; start and end cut the quote out of the text.
    let text = csv(&passages);
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(headers.get(0), Some("path"));
    assert_eq!(headers.len(), 14);
    let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    for row in rows.iter().filter(|r| &r[11] != "orphaned") {
        let span = CharSpan::new(row[6].parse().expect("start"), row[7].parse().expect("end"));
        assert_eq!(doc.slice(span), &row[8]);
        assert_eq!(&row[1], "The Gettysburg Address");
        assert_eq!(&row[2], "1863-11-19");
        assert_eq!(&row[3], "Abraham Lincoln");
    }
    let b = rows
        .iter()
        .find(|r| r[8].starts_with("a new birth"))
        .expect("B");
    assert_eq!(&b[9], "freedom; war aims");
    assert!(b[10].contains("second line"), "notes keep their lines");
    assert!(rows.iter().any(|r| &r[11] == "orphaned"));

    // JSON-LD: the position selector cuts out the quote selector's exact text.
    let json = jsonld(&passages);
    assert_eq!(json["type"], "AnnotationCollection");
    assert_eq!(json["total"], 3);
    for item in json["first"]["items"].as_array().expect("items") {
        if item["lectern:status"] == "orphaned" {
            continue;
        }
        let selectors = item["target"]["selector"].as_array().expect("selectors");
        let exact = selectors[0]["exact"].as_str().expect("exact");
        let start = usize::try_from(selectors[1]["start"].as_u64().expect("start")).expect("fits");
        let end = usize::try_from(selectors[1]["end"].as_u64().expect("end")).expect("fits");
        assert_eq!(doc.slice(CharSpan::new(start, end)), exact);
        assert_eq!(item["target"]["source"], path);
        assert_eq!(item["creator"]["name"], "A. Researcher");
    }
    let b = json["first"]["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == "urn:lectern:annotation:B"))
        .expect("B");
    assert_eq!(b["body"][0]["purpose"], "tagging");
    assert_eq!(b["body"][2]["purpose"], "commenting");

    // Markdown: front matter, the quotation, #tags and the citation.
    let md = markdown_speech(&passages, &notes.memo);
    assert!(md.starts_with("---\ntitle: \"The Gettysburg Address\"\ndate: 1863-11-19\n"));
    assert!(md.contains("> a new birth of freedom\n"));
    assert!(md.contains("#freedom #war-aims"));
    assert!(md.contains("— Abraham Lincoln, “The Gettysburg Address”, 1863-11-19, ¶ 3"));
    assert!(md.contains("not found in the current text"));
    assert!(md.contains("Compare with the Second Inaugural."));
}

#[test]
fn filters_keep_tags_with_their_sub_tags_and_dates() {
    let doc = doc();
    let notes = notes(&doc);
    let path = "markdown/gettysburg-address.md";
    // "war aims" sits under "war".
    let lineage = |tag: &TagName| {
        let mut l = vec![tag.clone()];
        if tag.0 == "war aims" {
            l.push(TagName::new("war"));
        }
        l
    };
    let only_war = Filter {
        tags: vec![TagName::new("war")],
        ..Filter::default()
    };
    let kept = passages([(path, &doc, &notes)], &only_war, &lineage);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].annotation.id.0, "B");

    let later = Filter {
        from: crate::PartialDate::parse_iso("1900"),
        ..Filter::default()
    };
    assert!(passages([(path, &doc, &notes)], &later, &lineage).is_empty());
    let in_1863 = Filter {
        from: crate::PartialDate::parse_iso("1863"),
        to: crate::PartialDate::parse_iso("1863"),
        ..Filter::default()
    };
    assert_eq!(
        passages([(path, &doc, &notes)], &in_1863, &lineage).len(),
        3
    );
}

#[test]
fn the_codebook_groups_passages_by_tag_with_descriptions() {
    let doc = doc();
    let notes = notes(&doc);
    let path = "markdown/gettysburg-address.md";
    let passages = passages([(path, &doc, &notes)], &Filter::default(), &no_lineage);
    let mut vocabulary = crate::annotation::Vocabulary::default();
    vocabulary.tags.insert(
        TagName::new("freedom"),
        crate::annotation::TagDef {
            description: "Liberty as a war aim.".into(),
            ..crate::annotation::TagDef::default()
        },
    );
    let book = markdown_codebook(&passages, &vocabulary, "Codebook");
    assert!(book.contains("3 passages under 3 tags."));
    assert!(book.contains("## #founding (2)"), "{book}");
    assert!(book.contains("## #freedom (1)\n\nLiberty as a war aim."));
    assert!(book.contains("## #war-aims (1)"));
    assert!(book.contains("— Abraham Lincoln, “The Gettysburg Address”, 1863-11-19, ¶ 3"));
}

#[test]
fn the_html_page_marks_highlights_and_numbers_margin_notes() {
    let doc = doc();
    let notes = notes(&doc);
    let colour = |tag: &TagName| {
        if tag.0 == "freedom" {
            crate::annotation::Colour([0x56, 0xb4, 0xe9])
        } else {
            crate::annotation::DEFAULT_TAG_COLOUR
        }
    };
    let page = html_speech("markdown/gettysburg-address.md", &doc, &notes, &colour);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>The Gettysburg Address</title>"));
    assert!(
        page.contains("rgb(86,180,233)\">a new birth of freedom</mark><sup>2</sup>"),
        "the highlight in its tag's colour, numbered where it ends"
    );
    assert!(page.contains("<sup>2</sup> <span class=\"tag\">#freedom</span>"));
    assert!(
        page.contains("The &quot;new birth&quot;"),
        "notes are escaped"
    );
    assert!(page.contains("Not found in the current text"));
    assert!(page.trim_end().ends_with("</body></html>"));
}

#[test]
fn filters_keep_chosen_speeches_and_statuses() {
    let doc = doc();
    let notes = notes(&doc);
    let path = "markdown/gettysburg-address.md";
    let orphans = Filter {
        statuses: vec![AnchorStatus::Orphaned],
        ..Filter::default()
    };
    let kept = passages([(path, &doc, &notes)], &orphans, &no_lineage);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].annotation.id.0, "C");
    let other = Filter {
        speeches: vec!["sotu/1790-Washington-1.txt".into()],
        ..Filter::default()
    };
    assert!(passages([(path, &doc, &notes)], &other, &no_lineage).is_empty());
}
