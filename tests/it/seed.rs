//! The founding document: an MI5 speech page scraped as text, junk and all. Lectern must read
//! it exactly as a careful human would.

use lectern_core::{BlockKind, Document, ImportOptions, InlineKind, import};

const SEED_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/sample_archive/mi5/000_dd9ed34a99eb1f64.txt"
);

fn seed() -> Document {
    let bytes = std::fs::read(SEED_PATH).expect("the seed is in the sample archive");
    let options = ImportOptions {
        path: "mi5/000_dd9ed34a99eb1f64.txt",
        ..ImportOptions::default()
    };
    import(&bytes, &options).expect("the seed imports")
}

#[test]
fn metadata_and_outline() {
    let doc = seed();
    assert_eq!(
        doc.metadata.title(),
        Some("Director General Ken McCallum gives latest threat update")
    );
    assert_eq!(
        doc.metadata.date().map(|d| d.to_string()).as_deref(),
        Some("2024-10-08")
    );
    let outline: Vec<(&str, u8)> = doc
        .sections
        .iter()
        .map(|s| (s.title.as_str(), s.level))
        .collect();
    assert_eq!(
        outline,
        [
            ("Introduction", 1),
            ("Counter Terrorism", 1),
            ("State Threats", 1),
            ("Conclusion", 1)
        ]
    );
    // Sections tile the body from the first heading to the end, in order.
    for pair in doc.sections.windows(2) {
        assert!(pair[0].span.end < pair[1].span.start);
    }
    assert_eq!(
        doc.sections.last().map(|s| s.span.end),
        Some(doc.char_len())
    );
}

#[test]
fn lead_is_rejoined() {
    let doc = seed();
    let paragraphs: Vec<&str> = doc.paragraphs().map(|p| doc.slice(p.span)).collect();
    assert_eq!(
        paragraphs[0],
        "MI5 Director General Ken McCallum today gave his latest update on the current national security threats facing the UK."
    );
    assert!(
        paragraphs[1].starts_with(
            "Speaking from the Counter Terrorism Operations Centre (CTOC) in London, he explained that the threat"
        ),
        "{}",
        paragraphs[1]
    );
    assert_eq!(doc.paragraphs().next().and_then(|p| p.number), Some(1));
}

#[test]
fn body_ends_with_thank_you_and_no_chrome_survives() {
    let doc = seed();
    assert!(
        doc.text.ends_with("\n\nThank you."),
        "ends with {:?}",
        &doc.text[doc.text.len() - 80..]
    );
    for junk in [
        "Home (/)",
        "News and Speeches (/news)",
        "Published date",
        "Related News",
        "Fact or Fiction",
        "About MI5",
        "Careers",
        "Intelligence partners",
        "Cookie",
        "©",
        "Crown Copyright",
        "<a",
        "href",
        "(/",
        "\t",
    ] {
        assert!(!doc.text.contains(junk), "{junk:?} survived in the text");
    }
}

#[test]
fn scraped_links_become_links() {
    let doc = seed();
    let links: Vec<(&str, &str)> = doc
        .inlines
        .iter()
        .filter_map(|i| match &i.kind {
            InlineKind::Link { url } => Some((doc.slice(i.span), url.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                "Trusted Research",
                "https://www.npsa.gov.uk/trusted-research"
            ),
            (
                "Secure Innovation",
                "https://www.npsa.gov.uk/secure-innovation"
            ),
        ]
    );
    assert!(
        doc.text
            .contains("joint guidance, Trusted Research and Secure Innovation, to help you secure")
    );
}

#[test]
fn headings_are_never_paragraphs_and_bold_is_stripped() {
    let doc = seed();
    let headings: Vec<&str> = doc
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading { .. }))
        .map(|b| doc.slice(b.span))
        .collect();
    assert_eq!(
        headings,
        [
            "Introduction",
            "Counter Terrorism",
            "State Threats",
            "Conclusion"
        ]
    );
    assert!(!doc.text.contains("**"));
}
