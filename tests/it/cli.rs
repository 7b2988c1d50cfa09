//! The command line as scripts use it: exit codes and the documented JSON shapes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn lectern(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run lectern")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

#[test]
fn inspect_json_on_the_seed() {
    let output = lectern(&[
        "inspect",
        "--json",
        "--text",
        "sample_archive/mi5/000_dd9ed34a99eb1f64.txt",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let docs = json_lines(&output);
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(
        doc["title"],
        "Director General Ken McCallum gives latest threat update"
    );
    assert_eq!(doc["date"], "2024-10-08");
    assert_eq!(doc["provenance"]["title"], "in_text");
    assert_eq!(doc["provenance"]["date"], "in_text");
    let sections: Vec<&str> = doc["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        sections,
        [
            "Introduction",
            "Counter Terrorism",
            "State Threats",
            "Conclusion"
        ]
    );
    // Section offsets are code points into the text.
    let text = doc["text"].as_str().expect("text");
    let chars: Vec<char> = text.chars().collect();
    for section in doc["sections"].as_array().expect("sections") {
        let start = usize::try_from(section["start"].as_u64().expect("start")).expect("fits");
        let title = section["title"].as_str().expect("title");
        let at: String = chars[start..start + title.chars().count()].iter().collect();
        assert_eq!(at, title);
    }
    for key in [
        "path",
        "speakers",
        "place",
        "source_url",
        "paragraphs",
        "words",
        "warnings",
        "content_hash",
    ] {
        assert!(doc.get(key).is_some(), "inspect JSON lacks {key}");
    }
}

#[test]
fn inspect_uses_the_catalogue_above_the_file() {
    let output = lectern(&[
        "inspect",
        "--json",
        "sample_archive/sotu/1790-Washington-1.txt",
    ]);
    assert!(output.status.success());
    let doc = &json_lines(&output)[0];
    assert_eq!(doc["date"], "1790-01-08");
    assert_eq!(doc["speakers"][0], "George Washington");
    assert_eq!(doc["provenance"]["date"], "catalogue");
}

#[test]
fn inspect_fails_with_a_reason_for_a_non_speech() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("scan.txt");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0").expect("write");
    let good =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive/markdown/gettysburg-address.md");
    let output = lectern(&[
        "inspect",
        "--json",
        png.to_str().expect("utf-8"),
        good.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not a text file: looks like a PNG image"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scan.txt"),
        "the error names the file: {stderr}"
    );
    assert_eq!(
        json_lines(&output).len(),
        1,
        "the good file is still printed"
    );
}

#[test]
fn check_json_shape_and_exit_codes() {
    let output = lectern(&["check", "--json", "sample_archive"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let documents = report["documents"].as_array().expect("documents");
    assert!(documents.iter().all(|d| d.get("path").is_some()
        && d.get("status").is_some()
        && d.get("reason").is_some()));
    assert_eq!(report["summary"]["failed"], 0);
    assert!(report["summary"]["imported"].as_u64().expect("count") >= 25);

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("good.txt"), "A speech of some words.").expect("write");
    std::fs::write(dir.path().join("bad.txt"), b"PK\x03\x04zip").expect("write");
    let output = lectern(&["check", dir.path().to_str().expect("utf-8")]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failed file makes check exit 1"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("bad.txt: not a text file: looks like a ZIP archive"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 files: 1 imported, 0 skipped, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn check_refuses_a_missing_folder() {
    let output = lectern(&["check", "no/such/folder"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a folder: no/such/folder"));
}

#[test]
fn a_folder_alone_opens_the_app_and_a_missing_one_is_refused() {
    // `lectern FOLDER` is `lectern open FOLDER`, as a file manager starts it; the window
    // cannot open here, so only the refusal is run.
    for args in [&["no/such/folder"][..], &["open", "no/such/folder"]] {
        let output = lectern(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("not a folder: no/such/folder"),
            "{args:?}"
        );
    }
    let help = lectern(&["--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("lectern [FOLDER]"));
}

#[test]
fn timeline_draws_the_archive_and_a_tags_passages_as_svg() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("archive");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive");
    for file in [
        "markdown/gettysburg-address.md",
        "markdown/lincoln-second-inaugural.md",
        "sotu/1790-Washington-1.txt",
        "sotu/1946-Truman-1.txt",
        "metadata.csv",
    ] {
        let to = root.join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("folders");
        std::fs::copy(sample.join(file), to).expect("copy");
    }
    let root_arg = root.to_str().expect("utf-8 path");
    let annotated = lectern(&[
        "annotate",
        root_arg,
        "markdown/gettysburg-address.md",
        "--quote",
        "a new birth of freedom",
        "--tag",
        "freedom",
    ]);
    assert!(annotated.status.success(), "{annotated:?}");
    let out = dir.path().join("timeline.svg");
    let output = lectern(&[
        "timeline",
        root_arg,
        "--svg",
        out.to_str().expect("utf-8 path"),
        "--tag",
        "freedom",
        "--from",
        "1780",
        "--to",
        "1950",
    ]);
    assert!(output.status.success(), "{output:?}");
    let svg = std::fs::read_to_string(&out).expect("the picture is written");
    assert!(svg.starts_with("<svg"));
    for lane in ["George Washington", "Abraham Lincoln", "Harry S. Truman"] {
        assert!(svg.contains(lane), "a lane for {lane}");
    }
    assert!(svg.contains("#freedom (1)"), "the tag's chart");
    assert!(svg.contains("1863: 1 passages"), "the passage in its year");
    assert!(
        svg.contains(">1800<") && svg.contains(">1950<"),
        "the axis as asked"
    );

    let wrong = lectern(&["timeline", root_arg, "--svg", "x.svg", "--by", "colour"]);
    assert!(!wrong.status.success());
    let message = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        message.contains("speaker, place, language, format, tag or none"),
        "{message}"
    );
}

#[test]
fn export_writes_csv_jsonld_and_markdown_notes_that_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("archive");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_archive");
    for file in [
        "markdown/gettysburg-address.md",
        "mi5/000_dd9ed34a99eb1f64.txt",
    ] {
        let to = root.join(file);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("folders");
        std::fs::copy(sample.join(file), to).expect("copy");
    }
    let root_arg = root.to_str().expect("utf-8 path");
    for (file, quote, tag) in [
        (
            "markdown/gettysburg-address.md",
            "a new birth of freedom",
            "freedom",
        ),
        (
            "mi5/000_dd9ed34a99eb1f64.txt",
            "43 late-stage attack plots",
            "terrorism",
        ),
    ] {
        let added = lectern(&["annotate", root_arg, file, "--quote", quote, "--tag", tag]);
        assert!(added.status.success(), "{added:?}");
    }

    let csv = lectern(&["export", root_arg, "--format", "csv"]);
    assert!(csv.status.success(), "{csv:?}");
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);

    let out = dir.path().join("notes.jsonld");
    let jsonld = lectern(&[
        "export",
        root_arg,
        "--format",
        "jsonld",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(jsonld.status.success(), "{jsonld:?}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    let items = json["first"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    // The same positions in both formats, and they cut the quote out of the canonical text.
    for (row, item) in rows.iter().zip(items) {
        let selectors = item["target"]["selector"].as_array().expect("selectors");
        assert_eq!(selectors[1]["start"].to_string(), row[6].to_string());
        assert_eq!(selectors[1]["end"].to_string(), row[7].to_string());
        assert_eq!(selectors[0]["exact"], row[8].to_string());
        let inspected = lectern(&[
            "inspect",
            "--json",
            "--text",
            &root.join(&row[0]).to_string_lossy(),
        ]);
        let doc: Value = serde_json::from_slice(&inspected.stdout).expect("inspect JSON");
        let text: Vec<char> = doc["text"].as_str().expect("text").chars().collect();
        let (start, end): (usize, usize) =
            (row[6].parse().expect("start"), row[7].parse().expect("end"));
        assert_eq!(
            text[start..end].iter().collect::<String>(),
            row[8].to_string()
        );
    }

    let folder = dir.path().join("notes");
    let md = lectern(&[
        "export",
        root_arg,
        "--format",
        "markdown",
        "--tag",
        "freedom",
        "--out",
        folder.to_str().expect("utf-8"),
    ]);
    assert!(md.status.success(), "{md:?}");
    let note = std::fs::read_to_string(folder.join("markdown/gettysburg-address.md.md"))
        .expect("a note for the speech with a freedom passage");
    assert!(note.contains("> a new birth of freedom") && note.contains("#freedom"));
    assert!(
        !folder.join("mi5").exists(),
        "the filter leaves out the speech without the tag"
    );

    let codebook = lectern(&["export", root_arg, "--format", "markdown", "--by", "tag"]);
    assert!(codebook.status.success(), "{codebook:?}");
    let book = String::from_utf8_lossy(&codebook.stdout);
    assert!(book.contains("## #freedom (1)") && book.contains("## #terrorism (1)"));

    let pages = dir.path().join("pages");
    let html = lectern(&[
        "export",
        root_arg,
        "--format",
        "html",
        "--out",
        pages.to_str().expect("utf-8"),
    ]);
    assert!(html.status.success(), "{html:?}");
    let page = std::fs::read_to_string(pages.join("mi5/000_dd9ed34a99eb1f64.txt.html"))
        .expect("a page per annotated speech");
    assert!(page.contains(">43 late-stage attack plots</mark>") && page.contains("#terrorism"));

    let one = lectern(&[
        "export",
        root_arg,
        "--format",
        "csv",
        "--speech",
        "mi5/000_dd9ed34a99eb1f64.txt",
        "--status",
        "exact",
    ]);
    assert!(one.status.success(), "{one:?}");
    let text = String::from_utf8_lossy(&one.stdout);
    assert_eq!(
        text.lines().count(),
        2,
        "a header and the one speech's row:\n{text}"
    );
    let orphans_only = lectern(&[
        "export", root_arg, "--format", "csv", "--status", "orphaned",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&orphans_only.stdout)
            .lines()
            .count(),
        1
    );

    let report = lectern(&["export", root_arg, "--format", "html", "--by", "collection"]);
    assert!(report.status.success(), "{report:?}");
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains("<ol>") && report.matches("<section id=").count() == 2);

    let wrong = lectern(&["export", root_arg, "--format", "csv", "--by", "tag"]);
    assert!(!wrong.status.success());

    let project = dir.path().join("archive.qdpx");
    let qdpx = lectern(&[
        "export",
        root_arg,
        "--format",
        "qdpx",
        "--out",
        project.to_str().expect("utf-8"),
    ]);
    assert!(qdpx.status.success(), "{qdpx:?}");
    let bytes = std::fs::read(&project).expect("the project is written");
    assert!(bytes.starts_with(b"PK"), "a zip");
    assert!(
        bytes.windows(11).any(|w| w == b"project.qde"),
        "project.qde by that exact name"
    );
}
