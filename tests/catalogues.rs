//! The shipped reference catalogues: complete, clean and well-cited.

use gkml::catalogues::{Store, EMBEDDED};
use gkml::domains::{SectionKey, DOMAINS};
use gkml::model::Mode;

fn all_items() -> Vec<(String, gkml::model::Item)> {
    Store::embedded()
        .all()
        .into_iter()
        .flat_map(|c| {
            let name = c.file.to_string();
            c.sections.iter().flat_map(move |s| {
                s.items.iter().map({
                    let name = name.clone();
                    move |i| (name.clone(), i.clone())
                })
            })
        })
        .collect()
}

#[test]
fn every_file_in_catalogues_is_embedded_and_parses() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/catalogues"))
            .expect("catalogues/")
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
    on_disk.sort();
    let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, embedded);
    assert_eq!(
        Store::embedded().all().len(),
        embedded.len(),
        "every embedded file parses as a reference"
    );
}

#[test]
fn every_domain_has_a_reference_with_at_least_8_items_and_400_in_all() {
    let store = Store::embedded();
    let mut total = 0;
    for d in DOMAINS {
        let n = store.item_count(&SectionKey::Domain(d.id));
        assert!(n >= 8, "{} has {n} items", d.name);
        total += n;
    }
    assert!(total >= 400, "{total}");
}

#[test]
fn shipped_catalogues_have_no_errors_and_no_warnings() {
    for cat in Store::embedded().all() {
        let diags = gkml::rules::check(cat, &gkml::rules::Context::default());
        assert!(
            diags.is_empty(),
            "{}:\n{}",
            cat.file,
            gkml::print::to_text(&diags)
        );
    }
}

#[test]
fn every_reference_file_is_named_after_its_domain() {
    for cat in Store::embedded().all() {
        let key = &cat.sections[0].key;
        let expected = match key {
            SectionKey::Domain(id) => format!("catalogues/{id:02}-{}.toml", key.display_name()),
            other => format!("catalogues/00-{}.toml", other.display_name()),
        };
        assert_eq!(&*cat.file, expected);
    }
}

#[test]
fn citations_are_balanced_and_document_numbers_use_hexagonal_brackets() {
    for (file, it) in all_items() {
        let b = &it.basis;
        assert_eq!(
            b.matches('《').count(),
            b.matches('》').count(),
            "{file} {}: 《》 in {b}",
            it.label()
        );
        assert_eq!(
            b.matches('（').count(),
            b.matches('）').count(),
            "{file} {}: （） in {b}",
            it.label()
        );
        assert!(
            !b.contains('(') && !b.contains('['),
            "{file} {}: half-width brackets in {b}",
            it.label()
        );
        // 〔2019〕 and never [2019], (2019) or （2019）.
        for (open, close) in [('［', '］'), ('（', '）'), ('【', '】')] {
            for (i, _) in b.match_indices(open) {
                let rest: String = b[i + open.len_utf8()..].chars().take(5).collect();
                let year =
                    rest.chars().take(4).all(|c| c.is_ascii_digit()) && rest.ends_with(close);
                assert!(
                    !year,
                    "{file} {}: 文号 year in {open}{close}: {b}",
                    it.label()
                );
            }
        }
        assert_eq!(
            b.matches('〔').count(),
            b.matches('〕').count(),
            "{file} {}: 〔〕 in {b}",
            it.label()
        );
    }
}

#[test]
fn on_request_items_do_not_promise_a_proactive_deadline() {
    for (file, it) in all_items() {
        if it.mode == [Mode::OnRequest] {
            assert!(
                it.deadline.contains("申请"),
                "{file} {}: 依申请公开 item with deadline {}",
                it.label(),
                it.deadline
            );
        }
    }
}

#[test]
fn every_item_says_which_levels_publish_it() {
    for (file, it) in all_items() {
        assert!(!it.levels.is_empty(), "{file} {}", it.label());
    }
}
