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

#[test]
fn every_reference_item_names_its_source() {
    for (file, it) in all_items() {
        let source = it.source.as_deref().unwrap_or("");
        assert!(
            !source.trim().is_empty(),
            "{file} {} has no source",
            it.label()
        );
    }
}

#[test]
fn every_reference_file_says_when_its_citations_were_checked() {
    for (name, text) in EMBEDDED {
        let header: String = text
            .lines()
            .take_while(|l| !l.starts_with("[[items]]"))
            .filter(|l| l.starts_with('#'))
            .collect();
        assert!(
            header.contains("依据核对：2026-12"),
            "{name}: the header comment must say when the citations were last checked"
        );
    }
}

#[test]
fn retired_ids_are_never_reused_and_name_a_live_successor() {
    let store = Store::embedded();
    let mut retired_somewhere = 0;
    for cat in store.all() {
        let Some(key) = cat.sections.first().map(|s| s.key.clone()) else {
            continue;
        };
        let live: Vec<&str> = cat
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .filter_map(|i| i.id.as_deref())
            .collect();
        for r in store.retired(&key) {
            retired_somewhere += 1;
            assert!(
                !live.contains(&r.id.as_str()),
                "{}: retired id {} is in use",
                cat.file,
                r.id
            );
            assert!(
                !r.reason.trim().is_empty(),
                "{}: {} has no reason",
                cat.file,
                r.id
            );
            if let Some(s) = &r.successor {
                assert!(
                    live.contains(&s.as_str()),
                    "{}: successor {s} of {} does not exist",
                    cat.file,
                    r.id
                );
            }
        }
    }
    assert!(retired_somewhere > 0, "the retired lists are read");
}

#[test]
fn references_hold_at_least_668_items_and_the_public_resources_guideline() {
    let store = Store::embedded();
    let total: usize = DOMAINS
        .iter()
        .map(|d| store.item_count(&SectionKey::Domain(d.id)))
        .sum();
    assert!(total >= 668, "{total}");
    let public_resources = DOMAINS
        .iter()
        .find(|d| d.name == "公共资源交易")
        .map(|d| store.item_count(&SectionKey::Domain(d.id)))
        .unwrap_or(0);
    // 发改办法规〔2019〕752号 lists 40 items; catalogues/02 says which it merges and why.
    assert!(public_resources >= 38, "{public_resources}");
}

#[test]
fn validate_reports_nothing_on_the_catalogues_folder_with_every_rule() {
    // The CLI path (folder reading, every registered rule including the law-aware ones),
    // not only rules::check on the embedded copies.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gkml"))
        .args(["validate", "catalogues", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run gkml");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
    assert_eq!(v["summary"]["warnings"], 0, "{v}");
    assert_eq!(v["summary"]["infos"], 0, "{v}");
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

#[test]
fn public_resources_items_claim_the_guideline_table_only_where_it_was_read() {
    // 发改办法规〔2019〕752号's table itself is not at hand: an item of 02 may say it follows
    // the table only with the address of a published catalogue that reproduces it; every other
    // item names the law that requires it and says its place in the table is unconfirmed, or
    // says why it is outside the guideline's five kinds of transaction.
    let mut from_table = 0;
    for (file, it) in all_items() {
        if !file.contains("02-公共资源交易") {
            continue;
        }
        let source = it.source.as_deref().unwrap_or("");
        let claims_table = source.starts_with("发改办法规〔2019〕752号 附件");
        if claims_table {
            from_table += 1;
            assert!(
                source.contains("http"),
                "{}: claims the guideline table without saying where it was read: {source}",
                it.label()
            );
        } else {
            assert!(
                source.contains("未能核实") || source.contains("不在其内"),
                "{}: neither from the table nor marked unconfirmed: {source}",
                it.label()
            );
        }
    }
    assert!(from_table >= 4, "{from_table} items read against the table");
}

/// Load a one-file catalogues folder whose second item carries `aliases`; the diagnostics.
fn load_with_aliases(aliases: &str) -> Vec<gkml::diag::Diagnostic> {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "domain = \"社会救助\"\n\n\
         [[items]]\nid = \"dibao-policy\"\ncategory = \"最低生活保障\"\nname = \"政策法规\"\n\n\
         [[items]]\nid = \"dibao-review\"\ncategory = \"最低生活保障\"\nname = \"最低生活保障审核确认\"\n{aliases}\n"
    );
    std::fs::write(dir.path().join("05-社会救助.toml"), text).expect("write");
    let (store, diags) = Store::from_dir(dir.path()).expect("folder lists");
    let loaded = store.item_count(&SectionKey::Domain(5));
    assert_eq!(
        loaded == 0,
        !diags.is_empty(),
        "a refused file is not loaded"
    );
    diags
}

#[test]
fn an_alias_that_names_another_item_or_itself_is_refused_when_the_catalogue_loads() {
    assert!(load_with_aliases("aliases = [\"最低生活保障对象认定\"]").is_empty());
    for (aliases, says) in [
        // Another item's name (compared as the import compares: no spaces, Simplified).
        ("aliases = [\"政策 法规\"]", "dibao-policy 的名称"),
        (
            "aliases = [\"最低生活保障 审核确认\"]",
            "dibao-review 自己的",
        ),
        (
            "aliases = [\"低保认定\", \"低保认定\"]",
            "dibao-review 自己的",
        ),
        ("aliases = [\"\"]", "别名为空"),
    ] {
        let diags = load_with_aliases(aliases);
        assert_eq!(diags.len(), 1, "{aliases}");
        assert_eq!(diags[0].code, "GK003", "{aliases}");
        assert!(
            diags[0].message.contains(says),
            "{aliases}: {}",
            diags[0].message
        );
    }
}
