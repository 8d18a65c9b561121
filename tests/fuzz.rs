//! The fuzz targets of `fuzz/` on stable Rust: every reader and parser takes random and
//! mutated input without panicking, and the checked-in corpus (tests/fuzz_corpus/, seeded from
//! the fixtures and the hostile corpus; crashes found by `cargo fuzz` go there too) is
//! replayed on every `cargo test`.

use std::path::Path;

use proptest::prelude::*;

type Target = fn(&[u8]);

fn deadline_bytes(d: &[u8]) {
    gkml::fuzz::deadline(&String::from_utf8_lossy(d));
}

fn citation_bytes(d: &[u8]) {
    gkml::fuzz::citation(&String::from_utf8_lossy(d));
}

const TARGETS: [(&str, Target); 8] = [
    ("toml", gkml::fuzz::toml),
    ("csv", gkml::fuzz::csv),
    ("workbook", gkml::fuzz::workbook),
    ("html", gkml::fuzz::html),
    ("docx", gkml::fuzz::docx),
    ("doc", gkml::fuzz::doc),
    ("deadline", deadline_bytes),
    ("citation", citation_bytes),
];

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).expect("corpus file"))
        .collect()
}

#[test]
fn the_checked_in_corpus_replays_without_a_panic() {
    for (name, f) in TARGETS {
        let inputs = corpus(name);
        assert!(!inputs.is_empty(), "{name} has a corpus");
        for input in inputs {
            f(&input);
        }
    }
}

/// Random edits of a corpus input: flip, insert, delete bytes, or cut it short.
fn mutate(mut data: Vec<u8>, edits: &[(u8, usize, u8)]) -> Vec<u8> {
    for (kind, at, byte) in edits {
        let len = data.len();
        match kind % 4 {
            0 if len > 0 => data[at % len] ^= byte | 1,
            1 => data.insert(at % (len + 1), *byte),
            2 if len > 0 => {
                data.remove(at % len);
            }
            3 => data.truncate(at % (len + 1)),
            _ => {}
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for (_, f) in TARGETS {
            f(&data);
        }
    }

    #[test]
    fn mutated_corpus_inputs_never_panic(
        pick in any::<usize>(),
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..12),
    ) {
        for (name, f) in TARGETS {
            let inputs = corpus(name);
            let input = inputs[pick % inputs.len()].clone();
            f(&mutate(input, &edits));
        }
    }

    #[test]
    fn catalogue_like_text_never_panics(s in "[0-9０-９一二三四五六七八九十〔〕（）()《》〈〉\\[\\]号令第年月日个工作内前后实时及时长期不少于每年■□✓√,，、；;\"\n\r a-z]{0,120}") {
        gkml::fuzz::deadline(&s);
        gkml::fuzz::citation(&s);
        gkml::fuzz::csv(s.as_bytes());
        gkml::fuzz::toml(s.as_bytes());
    }
}
