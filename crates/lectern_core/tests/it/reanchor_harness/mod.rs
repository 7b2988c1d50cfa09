//! Re-anchoring accuracy on real speeches (the seed and the State of the Union addresses):
//! random passages are annotated, the text is edited the way sources really change, and every
//! passage is anchored again and checked against where it should now be.
//!
//! The harness works on the canonical text: a speech is its list of paragraphs, an edit makes
//! a new list and remembers where each new paragraph came from, and both lists are imported
//! again as plain text. The ground truth of a passage is therefore exact: the same words of
//! the same paragraph wherever that paragraph went, "deleted" when the paragraph went, and
//! "rewritten" when its words were replaced.
//!
//! Each edit class is one test and prints its table (`cargo test -p lectern_core --test it
//! reanchor_harness -- --nocapture`). The goals: after a light edit at least 99.5 % of the
//! passages are back in the right place; in every class no passage that is still there is
//! orphaned (lost) and no wrong place is reported as exact.

use std::path::Path;
use std::sync::OnceLock;

use lectern_core::annotation::anchor::target;
use lectern_core::{CharSpan, Document, ImportOptions, import};

use crate::support::{read_sample, sample_files};

mod edits;
mod report;

use edits::{
    Case, KEPT_CHROME, Origin, SCRAPED_CHROME, VOCABULARY, add_chrome, delete_annotated, fix_typos,
    insert_paragraphs, reflow, remove_chrome, remove_free_paragraphs, rewrite, swap_paragraphs,
};
use report::{Expect, Outcome, judge, per_mille, table};

/// Passages annotated per speech.
const PASSAGES: usize = 40;

/// Goal for light edits: passages back in the right place, in thousandths.
const LIGHT_GOAL_PER_MILLE: usize = 995;

/// A paragraph as its words; the canonical text separates words by one space.
type Para = Vec<String>;

/// A tiny xorshift generator: the harness must give the same numbers on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word of [`VOCABULARY`].
    fn word(&mut self) -> &'static str {
        let count = VOCABULARY.split_whitespace().count();
        VOCABULARY
            .split_whitespace()
            .nth(self.below(count))
            .expect("a word")
    }

    /// `count` distinct indices of `0..n`, in random order.
    fn sample(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..count.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(count.min(n));
        all
    }
}

/// FNV-1a, to give each speech its own seed.
fn seed(name: &str, salt: u64) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325 ^ salt, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn load(source: &str, path: &str) -> Document {
    import(
        source.as_bytes(),
        &ImportOptions {
            path,
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{path} does not import: {e}"))
}

/// A speech's canonical text as paragraphs of words.
struct Speech {
    name: String,
    paras: Vec<Para>,
}

fn paragraphs(text: &str) -> Vec<Para> {
    text.split("\n\n")
        .map(|p| p.split(' ').map(str::to_owned).collect::<Para>())
        .collect()
}

/// The seed and the State of the Union addresses, each checked to survive the round trip
/// the harness relies on: its paragraphs written out as plain text import to the very same
/// canonical text.
fn speeches() -> &'static [Speech] {
    static SPEECHES: OnceLock<Vec<Speech>> = OnceLock::new();
    SPEECHES.get_or_init(|| {
        let mut names = vec!["mi5/000_dd9ed34a99eb1f64.txt".to_owned()];
        names.extend(
            sample_files("sotu")
                .into_iter()
                .filter(|n| Path::new(n).extension().is_some_and(|e| e == "txt")),
        );
        assert_eq!(names.len(), 22, "the seed and 21 addresses: {names:?}");
        names
            .into_iter()
            .map(|name| {
                let bytes = read_sample(&name);
                let source = String::from_utf8(bytes).expect("UTF-8 sample");
                let doc = load(&source, &name);
                let paras = paragraphs(&doc.text);
                for p in &paras {
                    assert!(
                        p.iter()
                            .all(|w| !w.is_empty() && !w.contains(char::is_whitespace)),
                        "{name}: a paragraph that is not single-spaced words: {:?}",
                        p.join(" ")
                    );
                }
                let again = load(&render(&paras, false), "x.txt");
                assert!(
                    again.text == doc.text,
                    "{name}: re-importing the unedited paragraphs changed the canonical text"
                );
                Speech { name, paras }
            })
            .collect()
    })
}

/// Paragraphs written out as a plain-text source: one line each, or hard-wrapped at 72
/// columns the way an editor re-saves a file — except where the importer would read a line
/// break as more than a space ([`may_break`]): that is a question for the importer, not for
/// re-anchoring.
fn render(paras: &[Para], wrapped: bool) -> String {
    let mut out = String::new();
    for (i, p) in paras.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        if wrapped {
            let mut column = 0;
            for (k, word) in p.iter().enumerate() {
                let width = word.chars().count();
                if k > 0 {
                    if column + 1 + width > 72 && may_break(&p[k - 1], word) {
                        out.push('\n');
                        column = 0;
                    } else {
                        out.push(' ');
                        column += 1;
                    }
                }
                out.push_str(word);
                column += width;
            }
        } else {
            out.push_str(&p.join(" "));
        }
    }
    out.push('\n');
    out
}

/// Whether a line may end after `before` and the next begin with `after` without the importer
/// reading the break as more than a space: a line ending in a hyphen is joined to the next
/// without one, and a line starting with a list marker or a speaker label starts a new
/// block.
fn may_break(before: &str, after: &str) -> bool {
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = (1..=3).contains(&digits) && matches!(&after[digits..], "." | ")");
    let label = after.ends_with(':')
        && after.chars().any(char::is_alphabetic)
        && !after.chars().any(char::is_lowercase);
    !before.ends_with('-') && !matches!(after, "-" | "*" | "•" | "–") && !numbered && !label
}

/// Byte offset of each paragraph of `paras` in `doc`'s canonical text, found in order; `None`
/// for a paragraph the importer dropped or changed.
fn locate(paras: &[Para], doc: &Document) -> Vec<Option<usize>> {
    let mut found = Vec::new();
    let mut offset = 0;
    for p in doc.text.split("\n\n") {
        found.push((offset, p));
        offset += p.len() + 2;
    }
    let mut cursor = 0;
    paras
        .iter()
        .map(|p| {
            let text = p.join(" ");
            let at = found[cursor..].iter().position(|(_, q)| *q == text)?;
            cursor += at + 1;
            Some(found[cursor - 1].0)
        })
        .collect()
}

/// Byte range of words `first..end` inside their paragraph.
fn word_range(p: &[String], first: usize, end: usize) -> (usize, usize) {
    let start: usize = p[..first].iter().map(|w| w.len() + 1).sum();
    let len = p[first..end].iter().map(String::len).sum::<usize>() + (end - first - 1);
    (start, start + len)
}

fn char_span(doc: &Document, start: usize, end: usize) -> CharSpan {
    CharSpan::new(doc.char_offset(start), doc.char_offset(end))
}

/// An annotated passage: words `first..end` of a paragraph of the speech.
#[derive(Clone, Copy, Debug)]
struct Pick {
    para: usize,
    first: usize,
    end: usize,
}

/// `PASSAGES` random passages of 3 to 25 words, each inside one paragraph, spread over the
/// speech by word. Every class annotates the same passages.
fn picks(speech: &Speech) -> Vec<Pick> {
    let mut rng = Rng::new(seed(&speech.name, 0));
    let eligible: Vec<usize> = (0..speech.paras.len())
        .filter(|&i| speech.paras[i].len() >= 3)
        .collect();
    let total: usize = eligible.iter().map(|&i| speech.paras[i].len()).sum();
    (0..PASSAGES)
        .map(|_| {
            let mut word = rng.below(total);
            let para = *eligible
                .iter()
                .find(|&&i| {
                    let len = speech.paras[i].len();
                    if word < len {
                        true
                    } else {
                        word -= len;
                        false
                    }
                })
                .expect("a paragraph holds the word");
            let words = speech.paras[para].len();
            let len = (3 + rng.below(23)).min(words);
            let first = rng.below(words - len + 1);
            Pick {
                para,
                first,
                end: first + len,
            }
        })
        .collect()
}

/// An edit class: a row group of the report.
struct Class {
    name: &'static str,
    /// Goal: at least 99.5 % of passages back in the right place.
    light: bool,
    /// The importer may drop paragraphs of the edited text (page chrome); otherwise its
    /// canonical text must be exactly the edited paragraphs.
    may_drop: bool,
    edit: fn(&[Para], &[Pick], &mut Rng) -> Case,
}

/// Runs one class over every speech.
fn run(class: &Class) -> Outcome {
    let mut outcome = Outcome::default();
    for (n, speech) in speeches().iter().enumerate() {
        let mut rng = Rng::new(seed(&speech.name, 1 + n as u64) ^ seed(class.name, 0));
        let picks = picks(speech);
        let case = (class.edit)(&speech.paras, &picks, &mut rng);
        assert_eq!(case.new.len(), case.origin.len());

        let old_doc = load(&render(&case.old, false), "x.txt");
        assert!(
            class.may_drop || old_doc.text == render(&case.old, false).trim_end(),
            "{} / {}: the importer changed the annotated paragraphs",
            class.name,
            speech.name
        );
        let old_at = locate(&case.old, &old_doc);
        let new_doc = load(&render(&case.new, case.wrapped), "x.txt");
        assert!(
            class.may_drop || new_doc.text == render(&case.new, false).trim_end(),
            "{} / {}: the importer changed the edited paragraphs: no ground truth",
            class.name,
            speech.name
        );
        let new_at = locate(&case.new, &new_doc);

        for pick in &picks {
            let op = case.old_of_base[pick.para];
            let old_para = &case.old[op];
            let Some(base) = old_at[op] else {
                assert!(
                    class.may_drop,
                    "{} / {}: an annotated paragraph did not survive import: {:?}",
                    class.name,
                    speech.name,
                    old_para.join(" ")
                );
                outcome.not_annotatable += 1;
                continue;
            };
            let (start, end) = word_range(old_para, pick.first, pick.end);
            let old = target(&old_doc, char_span(&old_doc, base + start, base + end));
            assert_eq!(old.quote.exact, old_para[pick.first..pick.end].join(" "));

            let now = case.origin.iter().position(|o| o.source() == Some(op));
            let (expect, want) = match now.map(|j| (j, new_at[j])) {
                None => (Expect::Deleted, None),
                Some((j, None)) => {
                    assert!(
                        class.may_drop,
                        "{} / {}: the importer changed a paragraph holding a passage: {:?}",
                        class.name,
                        speech.name,
                        case.new[j].join(" ")
                    );
                    outcome.dropped += 1;
                    (Expect::Deleted, None)
                }
                Some((j, Some(base))) => {
                    let new_para = &case.new[j];
                    assert_eq!(new_para.len(), old_para.len(), "edits keep word counts");
                    let (start, end) = word_range(new_para, pick.first, pick.end);
                    let want = Some(char_span(&new_doc, base + start, base + end));
                    let same = new_para[pick.first..pick.end] == old_para[pick.first..pick.end];
                    let expect = match case.origin[j] {
                        _ if same => Expect::Unchanged,
                        Origin::Rewritten(_) => Expect::Rewritten,
                        _ => Expect::Edited,
                    };
                    (expect, want)
                }
            };
            judge(
                outcome.row(expect),
                &speech.name,
                expect,
                want,
                &old,
                &new_doc,
            );
        }
    }
    outcome.rows.sort_by_key(|(e, _)| *e);
    outcome
}

/// Runs a class, prints its table and checks the goals.
fn check(class: &Class) {
    check_goals(class, class.light);
}

/// Runs a class and prints its table; checks that nothing is lost and no wrong place is
/// reported as exact, and the light-edit goal when `light_goal`.
fn check_goals(class: &Class, light_goal: bool) {
    let outcome = run(class);
    let table = table(class, &outcome);
    eprintln!("{table}");
    let all = outcome.all();
    assert_eq!(
        all.lost, 0,
        "passages still in the text were orphaned:{table}"
    );
    assert_eq!(
        all.wrong_exact, 0,
        "wrong places were reported as exact:{table}"
    );
    if light_goal {
        assert!(
            per_mille(all.right, all.total) >= LIGHT_GOAL_PER_MILLE,
            "fewer than 99.5 % of the passages are back in the right place:{table}"
        );
    }
}

#[test]
fn unedited_paragraphs_import_to_the_same_text() {
    let class = Class {
        name: "no edit",
        light: true,
        may_drop: false,
        edit: |base, _, _| {
            let (new, origin) = Case::unchanged(base);
            Case::from_base(base, new, origin)
        },
    };
    let outcome = run(&class);
    let all = outcome.all();
    assert!(
        all.total == 22 * PASSAGES && all.exact == all.total && all.right == all.total,
        "{}",
        table(&class, &outcome)
    );
}

const TYPO_FIXES: Class = Class {
    name: "typo fixes (one word in twenty)",
    light: true,
    may_drop: false,
    edit: fix_typos,
};

#[test]
fn typo_fixes_lose_nothing_and_misplace_nothing() {
    check_goals(&TYPO_FIXES, false);
}

#[test]
fn typo_fixes_reach_the_light_edit_goal() {
    check(&TYPO_FIXES);
}

#[test]
fn whitespace_reflow() {
    check(&Class {
        name: "source re-wrapped at 72 columns",
        light: true,
        may_drop: false,
        edit: reflow,
    });
}

#[test]
fn paragraphs_inserted() {
    check(&Class {
        name: "five paragraphs inserted",
        light: true,
        may_drop: false,
        edit: insert_paragraphs,
    });
}

#[test]
fn unannotated_paragraphs_removed() {
    check(&Class {
        name: "a tenth of the paragraphs removed (none annotated)",
        light: true,
        may_drop: false,
        edit: remove_free_paragraphs,
    });
}

#[test]
fn paragraphs_moved() {
    check(&Class {
        name: "five pairs of paragraphs swapped",
        light: true,
        may_drop: false,
        edit: swap_paragraphs,
    });
}

#[test]
fn scraped_chrome_added() {
    check(&Class {
        name: "page chrome added (page looks scraped: stripped on import)",
        light: true,
        may_drop: true,
        edit: |base, _, _| add_chrome(base, &SCRAPED_CHROME),
    });
}

#[test]
fn scraped_chrome_removed() {
    check(&Class {
        name: "page chrome removed (page looked scraped)",
        light: true,
        may_drop: true,
        edit: |base, _, _| remove_chrome(base, &SCRAPED_CHROME),
    });
}

#[test]
fn kept_chrome_added() {
    check(&Class {
        name: "page chrome added (plain page: kept as paragraphs)",
        light: true,
        may_drop: false,
        edit: |base, _, _| add_chrome(base, &KEPT_CHROME),
    });
}

#[test]
fn kept_chrome_removed() {
    check(&Class {
        name: "page chrome removed (was kept as paragraphs)",
        light: true,
        may_drop: false,
        edit: |base, _, _| remove_chrome(base, &KEPT_CHROME),
    });
}

#[test]
fn annotated_passages_deleted() {
    check(&Class {
        name: "a quarter of the annotated paragraphs deleted",
        light: false,
        may_drop: false,
        edit: delete_annotated,
    });
}

#[test]
fn a_third_of_paragraphs_rewritten() {
    check(&Class {
        name: "three paragraphs in ten rewritten",
        light: false,
        may_drop: false,
        edit: rewrite,
    });
}
