//! Frame time of the real UI, headless: the 10,000-speech benchmark corpus loaded, its
//! largest speech (1981-Carter-1, about 220 KB) open in the reader with 1,000 annotations,
//! the reader scrolled a little every frame so new paragraphs are laid out.
//!
//! `cargo bench --bench frame` (after `scripts/bench-corpus.sh`). The corpus folder is
//! `LECTERN_BENCH_CORPUS` or `${TMPDIR:-/tmp}/lectern-bench-corpus`; the bench writes the
//! annotations as a sidecar next to the speech there and removes it when done.
//!
//! Reports the median, 95th percentile and worst wall time of a frame on the thread that
//! runs it (the UI is single-threaded, so wall time bounds its CPU time from above).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lectern::app::{Command, LecternApp};
use lectern_core::annotation::anchor::target;
use lectern_core::annotation::{
    AnchorStatus, Annotation, AnnotationId, SpeechNotes, TagName, Timestamp,
};
use lectern_core::{CharSpan, Document};

const ANNOTATIONS: usize = 1_000;
const FRAMES: usize = 400;

fn corpus() -> PathBuf {
    std::env::var_os("LECTERN_BENCH_CORPUS").map_or_else(
        || std::env::temp_dir().join("lectern-bench-corpus"),
        PathBuf::from,
    )
}

/// The largest speech file of the corpus, by its path relative to the corpus root.
fn largest(root: &Path) -> Option<String> {
    let copy = root.join("copy-01");
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&copy)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
        .collect();
    files.sort();
    let (_, path) = files.pop()?;
    Some(format!("copy-01/{}", path.file_name()?.to_string_lossy()))
}

/// `n` annotations spread evenly over the text, about a sentence each, some overlapping,
/// tagged from a vocabulary of twelve tags.
fn annotations(doc: &Document, n: usize) -> SpeechNotes {
    let len = doc.char_len();
    let step = len / n;
    let annotations = (0..n)
        .map(|i| {
            let start = i * step;
            let span = CharSpan::new(start, (start + step * 3 / 2).min(len));
            let time = Timestamp::from_millis(1_700_000_000_000 + i64::try_from(i).unwrap_or(0));
            Annotation {
                id: AnnotationId::ulid(time, i as u128),
                target: target(doc, span),
                note: if i % 3 == 0 {
                    format!("Note {i}: a comparison worth making in the chapter.")
                } else {
                    String::new()
                },
                tags: vec![TagName::new(&format!("code-{}", i % 12))],
                created: time,
                modified: time,
                author: None,
                conflict_with: None,
                status: AnchorStatus::Exact,
            }
        })
        .collect();
    let mut notes = SpeechNotes {
        annotations,
        ..SpeechNotes::default()
    };
    notes.sort();
    notes
}

/// The `percent`th percentile of `sorted` (nearest rank).
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let last = sorted.len() - 1;
    sorted[(last * percent).div_ceil(100).min(last)]
}

fn main() {
    let root = corpus();
    let Some(speech) = largest(&root) else {
        eprintln!(
            "frame: no corpus at {} — run scripts/bench-corpus.sh first",
            root.display()
        );
        return;
    };
    let (catalogue, _) = lectern_store::read_catalogue(&root);
    let doc = lectern_store::load_file(&root.join(&speech), &speech, &catalogue)
        .expect("the largest speech loads");
    let sidecar = root.join(format!("{speech}.notes.ron"));
    let notes = annotations(&doc, ANNOTATIONS);
    std::fs::write(
        &sidecar,
        lectern_core::annotation::sidecar::write_speech(&notes),
    )
    .expect("write the annotations");
    let measured = std::panic::catch_unwind(|| run(&root, &speech));
    // The edits timed above are saved like any other: take the sidecar and its backup away
    // again, leaving the corpus as it was.
    let _ = std::fs::remove_file(&sidecar);
    let _ = std::fs::remove_file(sidecar.with_extension("ron.bak"));
    if let Some(folder) = sidecar.parent() {
        let _ = std::fs::remove_file(folder.join(lectern_store::notes::LOCK_FILE));
    }
    let mut frames = match measured {
        Ok(frames) => frames,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    frames.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "frame: {} frames, corpus of {} speeches, {speech} ({} KB) with {ANNOTATIONS} annotations",
        frames.len(),
        SPEECHES.with(std::cell::Cell::get),
        doc.text.len() / 1024,
    );
    println!(
        "frame: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&frames, 50)),
        ms(percentile(&frames, 95)),
        ms(frames[frames.len() - 1]),
    );
    DURING_INDEXING.with_borrow(|d| {
        if let Some(max) = d.last() {
            println!(
                "frame: while the search index is built, {} frames, median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
                d.len(),
                ms(percentile(d, 50)),
                ms(percentile(d, 95)),
                ms(*max),
            );
        }
    });
    println!(
        "frame: right after an edit, median {:.2} ms",
        ms(AFTER_EDIT.with(std::cell::Cell::get))
    );
    println!(
        "frame: timeline open, zooming, {} annotations in the archive, median {:.2} ms",
        TIMELINE_ANNOTATIONS.with(std::cell::Cell::get),
        ms(TIMELINE.with(std::cell::Cell::get))
    );
}

thread_local! {
    static SPEECHES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static AFTER_EDIT: std::cell::Cell<Duration> = const { std::cell::Cell::new(Duration::ZERO) };
    static TIMELINE: std::cell::Cell<Duration> = const { std::cell::Cell::new(Duration::ZERO) };
    static TIMELINE_ANNOTATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static DURING_INDEXING: std::cell::RefCell<Vec<Duration>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One frame as eframe runs it on the UI thread: the app's update and drawing, then the
/// tessellation of what it drew (only the upload to the GPU is left out).
fn frame(ctx: &egui::Context, app: &mut LecternApp, events: Vec<egui::Event>, time: f64) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 820.0),
        )),
        time: Some(time),
        events,
        ..egui::RawInput::default()
    };
    let output = ctx.run_ui(input, |ui| {
        app.update(&ui.ctx().clone());
        app.show(ui);
    });
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    std::hint::black_box(primitives);
}

/// Loads the corpus in the app, opens the speech and times `FRAMES` frames.
fn run(root: &Path, speech: &str) -> Vec<Duration> {
    let ctx = egui::Context::default();
    let mut app = LecternApp::new(Some(root));
    // A cache of its own, empty: the index is built in the background while the first
    // frames are timed, as on the first opening of an archive.
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("frame-bench-cache");
    let _ = std::fs::remove_dir_all(&cache);
    app.set_cache_dir(&cache);
    let clock = Instant::now();
    let started = Instant::now();
    while app.archive().is_none() {
        assert!(
            started.elapsed() < Duration::from_mins(5),
            "the corpus did not load"
        );
        frame(&ctx, &mut app, Vec::new(), clock.elapsed().as_secs_f64());
        std::thread::sleep(Duration::from_millis(20));
    }
    let archive = app.archive().expect("loaded");
    SPEECHES.with(|s| s.set(archive.speeches.len()));
    let index = archive
        .speeches
        .iter()
        .position(|(path, _)| path == speech)
        .expect("the speech is in the archive");
    let loaded = archive.notes_of(speech).map_or(0, |n| n.annotations.len());
    assert_eq!(loaded, ANNOTATIONS, "the annotations are loaded");
    app.queue(Command::Select(index));
    for _ in 0..30 {
        frame(&ctx, &mut app, Vec::new(), clock.elapsed().as_secs_f64());
    }
    // Over the reader's text: down through the speech, then back up, a researcher reading
    // and skimming.
    let over_text = egui::pos2(760.0, 500.0);
    let scroll = |i: usize| {
        let down = (i / 100).is_multiple_of(2);
        vec![
            egui::Event::PointerMoved(over_text),
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, if down { -60.0 } else { 60.0 }),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            },
        ]
    };
    // While the search index is built on the other threads.
    let mut indexing = Vec::new();
    while !app.search_index_settled() {
        assert!(
            started.elapsed() < Duration::from_mins(10),
            "the index did not settle"
        );
        let start = Instant::now();
        frame(
            &ctx,
            &mut app,
            scroll(indexing.len()),
            clock.elapsed().as_secs_f64(),
        );
        indexing.push(start.elapsed());
        // About sixty frames a second, as a window would draw them.
        std::thread::sleep(Duration::from_millis(16).saturating_sub(start.elapsed()));
    }
    indexing.sort();
    DURING_INDEXING.with(|d| d.replace(indexing));
    let mut frames = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        let start = Instant::now();
        frame(&ctx, &mut app, scroll(i), clock.elapsed().as_secs_f64());
        frames.push(start.elapsed());
    }
    // A frame right after an edit redraws what the edit changed: the speech's highlights,
    // its row in the library, the annotation list.
    let mut after_edit = Vec::new();
    for i in 0..40 {
        let notes = app
            .archive()
            .and_then(|a| a.notes_of(speech))
            .expect("notes");
        let before = notes.annotations[i * 20].clone();
        let mut after = before.clone();
        after.tags.push(TagName::new("edited"));
        after.normalise_tags();
        app.queue(Command::edit(
            lectern_core::annotation::edit::Edit::ReplaceAnnotation {
                speech: speech.to_owned(),
                before,
                after,
            },
        ));
        let start = Instant::now();
        frame(&ctx, &mut app, Vec::new(), clock.elapsed().as_secs_f64());
        after_edit.push(start.elapsed());
    }
    after_edit.sort();
    AFTER_EDIT.with(|a| a.set(percentile(&after_edit, 50)));

    // The timeline with 100,000 annotations in the archive: ten on each speech, put straight
    // into the notebook so nothing is saved into the corpus.
    let tags: Vec<TagName> = (0..12)
        .map(|i| TagName::new(&format!("code-{i}")))
        .collect();
    let archive = app.archive_mut().expect("loaded");
    let documents: Vec<(String, Document)> = archive
        .speeches
        .iter()
        .filter(|(path, _)| path != speech)
        .map(|(p, d)| (p.clone(), d.clone()))
        .collect();
    for (path, doc) in &documents {
        archive
            .notes
            .notebook
            .speeches
            .insert(path.clone(), annotations(doc, 10));
    }
    archive.notes.revision += 1;
    let total: usize = archive
        .notes
        .notebook
        .speeches
        .values()
        .map(|n| n.annotations.len())
        .sum();
    TIMELINE_ANNOTATIONS.with(|t| t.set(total));
    app.set_timeline(true, &tags[..3]);
    for _ in 0..10 {
        frame(&ctx, &mut app, Vec::new(), clock.elapsed().as_secs_f64());
    }
    // Over the timeline's plot, zooming in and out every frame.
    let over_plot = egui::pos2(700.0, 700.0);
    let mut timeline_frames = Vec::new();
    for i in 0..200 {
        let zoom_in = (i / 50) % 2 == 0;
        let events = vec![
            egui::Event::PointerMoved(over_plot),
            egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, if zoom_in { 20.0 } else { -20.0 }),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            },
        ];
        let start = Instant::now();
        frame(&ctx, &mut app, events, clock.elapsed().as_secs_f64());
        timeline_frames.push(start.elapsed());
    }
    timeline_frames.sort();
    TIMELINE.with(|t| t.set(percentile(&timeline_frames, 50)));
    frames
}
