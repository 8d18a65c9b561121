//! `schemas/` is generated from the Rust types that read the TOML formats, so the two cannot
//! drift: this test fails when a checked-in schema differs from the generated one
//! (regenerate with `GKML_BLESS=1 cargo test --test schemas`).

use std::path::Path;

#[test]
fn checked_in_schemas_match_the_rust_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (name, generated) in gkml::read::toml::schemas() {
        let path = dir.join(name);
        if std::env::var_os("GKML_BLESS").is_some() {
            std::fs::write(&path, &generated).expect("write schema");
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == generated,
            "{} is out of date with the Rust types; run GKML_BLESS=1 cargo test --test schemas",
            path.display()
        );
    }
}

#[test]
fn schemas_are_draft_2020_12_and_list_the_item_keys() {
    for (name, text) in gkml::read::toml::schemas() {
        let v: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
    }
    let (_, reference) = &gkml::read::toml::schemas()[0];
    let v: serde_json::Value = serde_json::from_str(reference).expect("json");
    let props = v["$defs"]["ItemToml"]["properties"]
        .as_object()
        .expect("ItemToml properties");
    for key in [
        "id", "category", "name", "content", "basis", "deadline", "subject", "channels",
        "audience", "mode", "levels", "remarks",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    assert_eq!(
        props["mode"]["enum"],
        serde_json::json!(["主动", "依申请公开"])
    );
}

#[test]
fn only_truly_required_keys_are_required() {
    let schemas = gkml::read::toml::schemas();
    let get = |name: &str| -> serde_json::Value {
        let (_, text) = schemas.iter().find(|(n, _)| *n == name).expect("schema");
        serde_json::from_str(text).expect("json")
    };
    let reference = get("reference.schema.json");
    assert!(
        reference["$defs"]["ItemToml"].get("required").is_none(),
        "item keys are optional in the schema (rules report missing ones)"
    );
    let unit = get("unit.schema.json");
    assert_eq!(unit["required"], serde_json::json!(["name", "kind"]));
    assert!(unit["$defs"]["SectionToml"].get("required").is_none());
    let county = get("county.schema.json");
    assert_eq!(county["required"], serde_json::json!(["county"]));
}
