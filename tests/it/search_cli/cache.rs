//! The index `lectern search` keeps in the cache folder: reused by the next run, brought up
//! to date when a speech changes, and built again when damaged.

use super::*;

#[test]
fn the_second_run_reuses_the_index_and_prints_the_same() {
    let cache = tempfile::tempdir().expect("cache dir");
    let archive = SAMPLE;
    let first = lectern(cache.path(), &["search", archive, PHRASE, "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("search index built for"),
        "{}",
        stderr(&first)
    );
    // Another spelling of the same folder finds the same index.
    let second = lectern(
        cache.path(),
        &["search", "sample_archive/./", PHRASE, "--json"],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        !stderr(&second).contains("built") && !stderr(&second).contains("updated"),
        "the index is reused: {}",
        stderr(&second)
    );
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&first.stdout)
    );
    // The human form tells the same total.
    let human = lectern(cache.path(), &["search", archive, PHRASE, "--limit", "2"]);
    assert!(human.status.success(), "{}", stderr(&human));
    let result: Value = serde_json::from_slice(&first.stdout).expect("JSON");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains(&format!(
            "{} hits in {} speeches (showing 2; --limit 0 shows all)",
            total(&result),
            result["speeches"]
        )),
        "{stdout}"
    );
}

#[test]
fn a_changed_speech_is_searched_as_it_reads_now() {
    let (_dir, root) = copy_archive();
    let cache = tempfile::tempdir().expect("cache dir");
    let root_arg = root.to_str().expect("UTF-8");
    let first = lectern(cache.path(), &["search", root_arg, "zebracorn", "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let result: Value = serde_json::from_slice(&first.stdout).expect("JSON");
    assert_eq!(total(&result), 0);

    let source = root.join(BIDEN);
    let text = fs::read_to_string(&source).expect("read");
    fs::write(&source, format!("A zebracorn spoke first.\n\n{text}")).expect("write");
    let file = fs::File::options().write(true).open(&source).expect("open");
    file.set_modified(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000))
        .expect("set the time");

    let output = lectern(cache.path(), &["search", root_arg, "zebracorn", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("search index updated"),
        "{}",
        stderr(&output)
    );
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(places(&result), [(BIDEN.to_owned(), 2, 11)]);
    let mut texts = Texts::new(&root);
    assert_eq!(texts.slice(BIDEN, 2, 11), "zebracorn");
}

#[test]
fn a_damaged_index_is_built_again_and_answers_the_same() {
    let cache = tempfile::tempdir().expect("cache dir");
    let query = "0* OR 1* OR 2* OR 3* OR 4* OR 5* OR 6* OR 7* OR 8* OR 9*";
    let first = lectern(cache.path(), &["search", SAMPLE, query, "--json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    // Flip the first byte of every segment: the postings of the first word, a number.
    let mut damaged = 0;
    let mut stack = vec![cache.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("list") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "seg") {
                let mut bytes = fs::read(&path).expect("read");
                bytes[0] ^= 0x5a;
                fs::write(&path, bytes).expect("damage");
                damaged += 1;
            }
        }
    }
    assert_eq!(damaged, 1, "one segment in the cache");
    let second = lectern(cache.path(), &["search", SAMPLE, query, "--json"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("damaged") && stderr(&second).contains("building it again"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        String::from_utf8_lossy(&first.stdout)
    );
    let third = lectern(cache.path(), &["search", SAMPLE, query, "--json"]);
    assert!(stderr(&third).is_empty(), "{}", stderr(&third));
    assert_eq!(third.stdout, first.stdout);
}
