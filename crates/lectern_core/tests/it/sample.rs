//! The real files of `sample_archive/`, imported the way the store imports them.

use std::path::Path;

use lectern_core::document::WarningKind;
use lectern_core::{BlockKind, Catalogue, Document, InlineKind, Provenance, SourceFormat};

use crate::support::{assert_well_formed, catalogue, import_sample, preview, sample_files};

fn import_ok(relative: &str, catalogue: &Catalogue) -> Document {
    import_sample(relative, catalogue)
        .unwrap_or_else(|e| panic!("{relative} was not imported: {e:?}"))
}

/// The date, speaker and catalogue provenance of a State of the Union address.
#[track_caller]
fn check_sotu(catalogue: &Catalogue, stem: &str, date: &str, speaker: &str) {
    let relative = format!("sotu/{stem}.txt");
    let doc = import_ok(&relative, catalogue);
    let metadata = &doc.metadata;
    let got_date = metadata
        .date
        .as_ref()
        .map(|d| (d.value.to_string(), d.provenance));
    assert_eq!(
        got_date,
        Some((date.to_owned(), Provenance::Catalogue)),
        "{relative}: date"
    );
    let got_speakers = metadata
        .speakers
        .as_ref()
        .map(|s| (s.value.clone(), s.provenance));
    assert_eq!(
        got_speakers,
        Some((vec![speaker.to_owned()], Provenance::Catalogue)),
        "{relative}: speakers"
    );
    let url = metadata.source_url.as_ref().expect("a source URL");
    assert_eq!(
        url.provenance,
        Provenance::Catalogue,
        "{relative}: source URL"
    );
    assert!(
        url.value
            .starts_with("https://www.presidency.ucsb.edu/documents/"),
        "{relative}: {}",
        url.value
    );
    // The file name's year agrees with the catalogue: nothing to warn about.
    assert!(
        !doc.warnings
            .iter()
            .any(|w| w.kind == WarningKind::MetadataConflict),
        "{relative}: {:?}",
        doc.warnings
    );
}

#[test]
fn sotu_metadata_comes_from_the_catalogue() {
    let catalogue = catalogue();
    for (stem, date, speaker) in [
        ("1790-Washington-1", "1790-01-08", "George Washington"),
        ("1863-Lincoln-1", "1863-12-08", "Abraham Lincoln"),
        ("1941-Roosevelt-1", "1941-01-06", "Franklin D. Roosevelt"),
        ("1946-Truman-1", "1946-01-21", "Harry S. Truman"),
        ("1992-Bush-1", "1992-01-28", "George H.W. Bush"),
        ("2024-Biden-1", "2024-03-07", "Joseph R. Biden Jr."),
        ("2026-Trump-1", "2026-02-24", "Donald J. Trump"),
    ] {
        check_sotu(&catalogue, stem, date, speaker);
    }
}

/// The addresses in `sotu/` (not its licence).
fn sotu_files() -> Vec<String> {
    sample_files("sotu")
        .into_iter()
        .filter(|f| {
            Path::new(f)
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("txt"))
        })
        .collect()
}

/// Whether a section title is really a speaker label (`The President.`, `THE PRESIDENT:`) or
/// a stage direction (`[Applause]`).
fn looks_like_label_or_direction(title: &str, doc: &Document) -> bool {
    let labels: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::SpeakerTurn { label, .. } => Some(doc.slice(*label)),
            _ => None,
        })
        .collect();
    title.starts_with(['[', '('])
        || title.ends_with([']', ')', '.', ':'])
        || labels.iter().any(|label| title.starts_with(label))
        || ["The President", "Audience member", "THE PRESIDENT"]
            .iter()
            .any(|label| title.starts_with(label))
}

#[test]
fn every_sotu_address_imports_with_its_catalogue_row() {
    let catalogue = catalogue();
    let files = sotu_files();
    assert_eq!(files.len(), 21, "{files:?}");
    for relative in &files {
        let doc = import_ok(relative, &catalogue);
        assert!(
            catalogue.lookup(relative).is_some(),
            "{relative}: no catalogue row"
        );
        assert_eq!(doc.format, SourceFormat::PlainText, "{relative}");
        let date = doc.metadata.date.as_ref().expect("a date");
        assert_eq!(date.provenance, Provenance::Catalogue, "{relative}");
        let year = relative["sotu/".len()..]
            .split('-')
            .next()
            .and_then(|y| y.parse::<i32>().ok());
        assert_eq!(Some(date.value.year), year, "{relative}: year");
        assert!(
            doc.paragraphs().count() >= 20,
            "{relative}: too few paragraphs"
        );
        for section in &doc.sections {
            assert!(
                !looks_like_label_or_direction(&section.title, &doc),
                "{relative}: section {:?} is a speaker label or stage direction",
                section.title
            );
        }
    }
}

#[test]
fn biden_2024_turns_and_stage_directions() {
    let relative = "sotu/2024-Biden-1.txt";
    let doc = import_ok(relative, &catalogue());
    let paragraphs: Vec<_> = doc.paragraphs().collect();

    // ¶1 is the editor's note about the room.
    let first = paragraphs[0];
    assert_eq!(first.kind, BlockKind::StageDirection);
    assert!(
        doc.slice(first.span)
            .starts_with("[Before speaking, the President presented"),
        "{}",
        doc.slice(first.span)
    );

    // Every "The President." paragraph is a turn of "The President", labelled as such.
    let source = String::from_utf8(crate::support::read_sample(relative)).expect("UTF-8");
    let source_turns = source
        .lines()
        .filter(|l| l.starts_with("The President. "))
        .count();
    let mut turns = 0;
    for block in &paragraphs {
        let text = doc.slice(block.span);
        if !text.starts_with("The President. ") {
            continue;
        }
        turns += 1;
        let BlockKind::SpeakerTurn { speaker, label } = &block.kind else {
            panic!(
                "¶{:?} is not a speaker turn: {}",
                block.number,
                preview(text, 60)
            );
        };
        assert_eq!(speaker, "The President");
        assert_eq!(doc.slice(*label), "The President.");
        assert!(
            doc.inlines
                .iter()
                .any(|i| i.span == *label && i.kind == InlineKind::SpeakerLabel),
            "¶{:?}: no speaker-label inline",
            block.number
        );
    }
    assert!(turns >= 10, "only {turns} turns");
    assert_eq!(turns, source_turns);

    // The audience speaks too; the salutation is not a speaker label.
    let kind_of = |start: &str| {
        let block = paragraphs
            .iter()
            .find(|b| doc.slice(b.span).starts_with(start))
            .unwrap_or_else(|| panic!("no paragraph starts with {start:?}"));
        &block.kind
    };
    assert!(matches!(
        kind_of("Audience members. Boo!"),
        BlockKind::SpeakerTurn { speaker, .. } if speaker == "Audience members"
    ));
    assert_eq!(
        kind_of("Mr. Speaker, Madam Vice President, Members of Congress"),
        &BlockKind::Paragraph
    );

    // Every bracketed reaction in the text is a stage-direction inline covering exactly it.
    let directions: Vec<&str> = doc
        .inlines
        .iter()
        .filter(|i| i.kind == InlineKind::StageDirection)
        .map(|i| doc.slice(i.span))
        .collect();
    for word in ["[Laughter]", "[Applause]", "[applause]"] {
        let in_text = doc.text.matches(word).count();
        let marked = directions.iter().filter(|d| **d == word).count();
        assert!(in_text > 0, "{word} not in the text");
        assert_eq!(marked, in_text, "{word}: marked vs occurrences");
    }
    // A reaction in the middle of a paragraph leaves the paragraph a paragraph.
    assert_eq!(
        kind_of("Good evening. Good evening. If I were smart, I'd go home now. [Laughter]"),
        &BlockKind::Paragraph
    );
}

#[test]
fn markdown_front_matter() {
    let catalogue = catalogue();
    for (relative, title, date, speaker, place) in [
        (
            "markdown/gettysburg-address.md",
            "The Gettysburg Address",
            "1863-11-19",
            "Abraham Lincoln",
            "Gettysburg, Pennsylvania",
        ),
        (
            "markdown/lincoln-second-inaugural.md",
            "Second Inaugural Address",
            "1865-03-04",
            "Abraham Lincoln",
            "Washington, D.C.",
        ),
        (
            // TOML front matter.
            "markdown/pearl-harbor-address.md",
            "Address to Congress Requesting a Declaration of War with Japan",
            "1941-12-08",
            "Franklin D. Roosevelt",
            "Washington, D.C.",
        ),
    ] {
        let doc = import_ok(relative, &catalogue);
        let m = &doc.metadata;
        let fm = Provenance::FrontMatter;
        assert_eq!(doc.format, SourceFormat::Markdown, "{relative}");
        assert_eq!(
            m.title.as_ref().map(|t| (t.value.as_str(), t.provenance)),
            Some((title, fm)),
            "{relative}"
        );
        assert_eq!(
            m.date.as_ref().map(|d| (d.value.to_string(), d.provenance)),
            Some((date.to_owned(), fm)),
            "{relative}"
        );
        assert_eq!(
            m.speakers.as_ref().map(|s| (s.value.clone(), s.provenance)),
            Some((vec![speaker.to_owned()], fm)),
            "{relative}"
        );
        assert_eq!(
            m.place.as_ref().map(|p| (p.value.as_str(), p.provenance)),
            Some((place, fm)),
            "{relative}"
        );
        // The front matter is metadata, not text.
        for leak in ["---", "+++", "title", "description", "source_url"] {
            assert!(!doc.text.contains(leak), "{relative}: {leak:?} in the text");
        }
        assert!(doc.warnings.is_empty(), "{relative}: {:?}", doc.warnings);
    }
}

/// Typographic apostrophes and dashes as the State of the Union corpus writes them.
fn plain_punctuation(s: &str) -> String {
    s.replace('’', "'").replace('—', "--")
}

#[test]
fn html_page_is_the_speech_and_nothing_else() {
    let catalogue = catalogue();
    let relative = "html/1863-lincoln-annual-message.html";
    let doc = import_ok(relative, &catalogue);
    assert_eq!(doc.format, SourceFormat::Html);
    assert_eq!(doc.metadata.title(), Some("Third Annual Message"));
    assert_eq!(
        doc.metadata.date().map(|d| d.to_string()).as_deref(),
        Some("1863-12-08")
    );
    assert_eq!(doc.metadata.speakers(), ["Abraham Lincoln"]);
    assert_eq!(
        doc.metadata.language.as_ref().map(|l| l.value.as_str()),
        Some("en")
    );
    // Scripts, styles, navigation, breadcrumb, cookie banner, related links, footer.
    for chrome in [
        "cookie",
        "Cookie",
        "©",
        "function (",
        "addEventListener",
        "{",
        "font:",
        "Presidential Speeches",
        "Home",
        "Annual Messages",
        "Accept",
        "Related",
        "Fourth Annual Message",
        "Privacy",
        "Terms of Use",
        "public domain",
    ] {
        assert!(!doc.text.contains(chrome), "{chrome:?} in the text");
    }

    // The same address as the corpus's plain text, paragraph for paragraph: the page's
    // dateline is metadata, so the ¶ numbers of both agree.
    let corpus = import_ok("sotu/1863-Lincoln-1.txt", &catalogue);
    let page: Vec<String> = doc
        .paragraphs()
        .map(|b| plain_punctuation(doc.slice(b.span)))
        .collect();
    let text: Vec<&str> = corpus.paragraphs().map(|b| corpus.slice(b.span)).collect();
    assert!(
        page.len().abs_diff(text.len()) <= 2,
        "{} paragraphs on the page, {} in the text",
        page.len(),
        text.len()
    );
    assert_eq!(page[0], text[0], "first paragraph");
    assert_eq!(
        page.last().map(String::as_str),
        text.last().copied(),
        "last paragraph"
    );
    let differing: Vec<usize> = page
        .iter()
        .zip(&text)
        .enumerate()
        .filter(|(_, (p, t))| p != *t)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        differing,
        Vec::<usize>::new(),
        "corpus paragraphs that differ"
    );
}

#[test]
fn every_sample_file_is_well_formed() {
    let catalogue = catalogue();
    let files: Vec<String> = sample_files("")
        .into_iter()
        .filter(|f| f != "metadata.csv")
        .collect();
    assert!(files.len() >= 28, "{files:?}");
    for relative in &files {
        let doc = import_ok(relative, &catalogue);
        assert_well_formed(&doc);
        assert!(doc.paragraphs().count() > 0, "{relative}: no paragraphs");
    }
}

/// Known speakers of the sample addresses: everything else recognised as a speaker turn is a
/// misreading (a numbered heading, a signature, a table row).
#[test]
fn sotu_speaker_turns_are_real_speakers() {
    // Found: 1862-Lincoln-1 "ART.--", 1946-Truman-1 "I", "II", "III", "HARRY S", "TOTAL",
    // "Expenditures".
    const SPEAKERS: &[&str] = &[
        "The President",
        "Audience member",
        "Audience members",
        "Mr. Nikoui",
    ];
    let catalogue = catalogue();
    let mut wrong = Vec::new();
    for relative in &sotu_files() {
        let doc = import_ok(relative, &catalogue);
        for block in &doc.blocks {
            if let BlockKind::SpeakerTurn { speaker, .. } = &block.kind
                && !SPEAKERS.contains(&speaker.as_str())
            {
                wrong.push(format!(
                    "{relative} ¶{}: {speaker:?} in {:?}",
                    block.number.unwrap_or(0),
                    preview(doc.slice(block.span), 50)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
