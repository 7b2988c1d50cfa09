//! Golden snapshots of every export format on real speeches of the sample archive, with a
//! fixed set of annotations (ids, times and tags written out here), and a check that the
//! positions the exports give cut each quote out of the canonical text.

use lectern_core::annotation::anchor::target;
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, Colour, SpeechNotes, TagDef, TagName, Timestamp,
    Vocabulary,
};
use lectern_core::export::{self, Filter};
use lectern_core::{CharSpan, Document};

use crate::support::{catalogue, import_sample};

const SPEECHES: [&str; 3] = [
    "markdown/gettysburg-address.md",
    "mi5/000_dd9ed34a99eb1f64.txt",
    "sotu/1946-Truman-1.txt",
];

/// The annotations: (speech, id, quote, tags, note).
const ANNOTATIONS: &[(usize, &str, &str, &[&str], &str)] = &[
    (
        0,
        "01HGETTYSBURG00000000000001",
        "a new birth of freedom",
        &["freedom"],
        "The war's aim, restated.",
    ),
    (
        0,
        "01HGETTYSBURG00000000000002",
        "Four score and seven years ago",
        &["founding"],
        "",
    ),
    (
        1,
        "01HMI5SEED0000000000000001",
        "43 late-stage attack plots",
        &["terrorism"],
        "Headline figure since March 2017.",
    ),
    (
        1,
        "01HMI5SEED0000000000000002",
        "Russia, Iran and China",
        &["state threats"],
        "",
    ),
    (
        2,
        "01HTRUMAN1946000000000000001",
        "war liquidation with reconversion",
        &["war", "economy"],
        "Demobilisation as economic policy.",
    ),
];

fn vocabulary() -> Vocabulary {
    let mut v = Vocabulary::default();
    for (name, colour, parent, description) in [
        ("war", "#d55e00", None, "Passages on war and its aims."),
        (
            "freedom",
            "#56b4e9",
            Some("war"),
            "Liberty as what the war is for.",
        ),
        ("founding", "#f2c14e", None, ""),
        ("terrorism", "#009e73", None, "Terrorist threats and plots."),
        ("state threats", "#cc79a7", None, ""),
        ("economy", "#0072b2", None, ""),
    ] {
        v.tags.insert(
            TagName::new(name),
            TagDef {
                colour: Colour::parse(colour),
                description: description.into(),
                parent: parent.map(TagName::new),
            },
        );
    }
    v
}

fn archive() -> Vec<(String, Document, SpeechNotes)> {
    let catalogue = catalogue();
    SPEECHES
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let doc = import_sample(path, &catalogue).expect("imports");
            let mut notes = SpeechNotes::default();
            for (_, id, quote, tags, note) in ANNOTATIONS.iter().filter(|a| a.0 == i) {
                let start = doc.char_offset(doc.text.find(quote).expect("quote in text"));
                let span = CharSpan::new(start, start + quote.chars().count());
                notes.annotations.push(Annotation {
                    id: AnnotationId((*id).into()),
                    target: target(&doc, span),
                    note: (*note).into(),
                    tags: tags.iter().map(|t| TagName::new(t)).collect(),
                    created: Timestamp::from_millis(1_764_000_000_000),
                    modified: Timestamp::from_millis(1_764_000_000_000),
                    author: Some("A. Researcher".into()),
                    conflict_with: None,
                    status: AnchorStatus::Exact,
                });
            }
            for annotation in &mut notes.annotations {
                annotation.normalise_tags();
            }
            notes.sort();
            ((*path).to_owned(), doc, notes)
        })
        .collect()
}

#[test]
fn every_format_matches_its_golden_snapshot_and_points_at_its_quotes() {
    let archive = archive();
    let vocabulary = vocabulary();
    let lineage = |t: &TagName| vocabulary.lineage(t).into_iter().cloned().collect();
    let passages = export::passages(
        archive.iter().map(|(p, d, n)| (p.as_str(), d, n)),
        &Filter::default(),
        &lineage,
    );
    assert_eq!(passages.len(), ANNOTATIONS.len());
    for p in &passages {
        let (_, doc, _) = archive
            .iter()
            .find(|(path, _, _)| path == p.path)
            .expect("speech");
        assert_eq!(
            doc.slice(p.annotation.target.span),
            p.annotation.target.quote.exact
        );
    }
    insta::assert_snapshot!("csv", export::csv(&passages));
    insta::assert_snapshot!(
        "jsonld",
        serde_json::to_string_pretty(&export::jsonld(&passages)).expect("JSON")
    );
    let gettysburg: Vec<_> = passages
        .iter()
        .filter(|p| p.path == SPEECHES[0])
        .cloned()
        .collect();
    insta::assert_snapshot!("markdown_speech", export::markdown_speech(&gettysburg, ""));
    insta::assert_snapshot!(
        "markdown_codebook",
        export::markdown_codebook(&passages, &vocabulary, "Codebook: sample archive")
    );
    let (path, doc, notes) = &archive[0];
    insta::assert_snapshot!(
        "html_speech",
        export::html_speech(path, doc, notes, &|t| vocabulary.colour(t))
    );
    // A parent tag's filter keeps its children's passages.
    let war = Filter {
        tags: vec![TagName::new("war")],
        ..Filter::default()
    };
    let kept = export::passages(
        archive.iter().map(|(p, d, n)| (p.as_str(), d, n)),
        &war,
        &lineage,
    );
    let ids: Vec<&str> = kept.iter().map(|p| p.annotation.id.0.as_str()).collect();
    assert_eq!(
        ids,
        [
            "01HGETTYSBURG00000000000001",
            "01HTRUMAN1946000000000000001"
        ]
    );
}

#[test]
fn the_refi_qda_project_validates_against_the_schema_and_its_positions_hold() {
    let archive = archive();
    let vocabulary = vocabulary();
    let lineage = |t: &TagName| vocabulary.lineage(t).into_iter().cloned().collect();
    let passages = export::passages(
        archive.iter().map(|(p, d, n)| (p.as_str(), d, n)),
        &Filter::default(),
        &lineage,
    );
    let documents = |path: &str| {
        archive
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, d, _)| d)
    };
    let now = Timestamp::from_millis(1_764_000_000_000);
    let (project, sources) =
        export::qde_project("Sample archive", &passages, &documents, &vocabulary, now);
    insta::assert_snapshot!("project_qde", project);

    // The schema, with xmllint (installed by scripts/setup.sh).
    let dir = tempfile::tempdir().expect("temp dir");
    let qde = dir.path().join("project.qde");
    std::fs::write(&qde, &project).expect("write");
    let xsd =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/refi-qda/Project.xsd");
    let checked = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&qde)
        .output()
        .expect("xmllint (Debian package libxml2-utils) runs");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );

    // Every selection cuts its quote out of the source text shipped with it.
    assert_eq!(sources.len(), 3);
    for p in &passages {
        let (_, doc, _) = archive
            .iter()
            .find(|(path, _, _)| path == p.path)
            .expect("speech");
        let (_, text) = sources
            .iter()
            .find(|(_, text)| *text == doc.text)
            .expect("the canonical text is the source");
        let span = p.annotation.target.span;
        let cut: String = text.chars().skip(span.start).take(span.len()).collect();
        assert_eq!(cut, p.annotation.target.quote.exact);
        let attrs = format!(
            "startPosition=\"{}\" endPosition=\"{}\"",
            span.start, span.end
        );
        assert!(project.contains(&attrs), "{attrs}");
    }
    assert!(!project.contains("richTextPath"));
    assert!(
        !sources
            .iter()
            .any(|(_, t)| t.starts_with('\u{feff}') || t.contains('\r'))
    );

    // The zip: project.qde by that exact name, and the sources.
    let bytes = export::qdpx("Sample archive", &passages, &documents, &vocabulary, now);
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("an entry name").into_owned())
        .collect();
    names.sort();
    assert_eq!(names[0], "project.qde");
    assert_eq!(names.len(), 4);
    assert!(
        names[1..]
            .iter()
            .all(|n| n.starts_with("sources/")
                && n.rsplit_once('.').is_some_and(|(_, x)| x == "txt"))
    );
    // The same GUIDs every time.
    let again = export::qde_project("Sample archive", &passages, &documents, &vocabulary, now).0;
    assert_eq!(again, project);
}
