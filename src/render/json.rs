//! The resolved model as JSON (`DIR/<name>.json`): the unit, then its sections in output
//! order with every item's fields by their ASCII keys. `audience` and `mode` are strings
//! ("全社会", "主动"); when a draft marks both (only with --allow-errors) they are joined by 、,
//! and `null` when none is marked.

use serde::Serialize;

use crate::model::{Catalogue, Channel, Item, Level};

#[derive(Serialize)]
struct UnitJson<'a> {
    name: &'a str,
    full_name: Option<&'a str>,
    kind: Option<&'a str>,
    county: Option<&'a str>,
    levels: Vec<&'a str>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    id: Option<&'a str>,
    seq: &'a str,
    category: &'a str,
    name: &'a str,
    content: &'a str,
    basis: &'a str,
    deadline: &'a str,
    subject: &'a str,
    channels: Vec<String>,
    audience: Option<String>,
    audience_group: Option<&'a str>,
    mode: Option<String>,
    levels: Vec<&'a str>,
    remarks: &'a str,
    /// Reference provenance (catalogues/README.md); absent for draft items.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    domain: &'a str,
    domain_id: Option<u8>,
    general: bool,
    items: ItemsJson<'a>,
}

/// A section's items, turned into [`ItemJson`] one at a time as they are written: a
/// province-scale catalogue's JSON view whole would hold a few hundred bytes an item (its
/// channel and label strings) while `compile` writes the other outputs.
struct ItemsJson<'a>(&'a [Item]);

impl Serialize for ItemsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // What a Vec<ItemJson> serialises as: the same bytes.
        serializer.collect_seq(self.0.iter().map(item))
    }
}

#[derive(Serialize)]
struct CatalogueJson<'a> {
    unit: UnitJson<'a>,
    items: usize,
    sections: Vec<SectionJson<'a>>,
}

fn joined<T>(v: &[T], label: impl Fn(&T) -> &str) -> Option<String> {
    (!v.is_empty()).then(|| v.iter().map(label).collect::<Vec<_>>().join("、"))
}

fn item(it: &Item) -> ItemJson<'_> {
    ItemJson {
        id: it.id.as_deref(),
        seq: &it.seq,
        category: &it.category,
        name: &it.name,
        content: &it.content,
        basis: &it.basis,
        deadline: &it.deadline,
        subject: &it.subject,
        channels: it.channels.iter().map(Channel::display).collect(),
        audience: joined(&it.audience, |a| a.label()),
        audience_group: it.audience_group(),
        mode: joined(&it.mode, |m| m.label()),
        levels: it.levels.iter().map(Level::label).collect(),
        remarks: &it.remarks,
        source: it.source.as_deref(),
    }
}

/// Write the JSON document for one catalogue to a writer.
///
/// # Errors
/// The writer's I/O errors.
pub fn write(cat: &Catalogue, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &document(cat)).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

fn document(cat: &Catalogue) -> CatalogueJson<'_> {
    CatalogueJson {
        unit: UnitJson {
            name: &cat.unit.name,
            full_name: cat.unit.full_name.as_deref(),
            kind: cat.unit.kind.map(|k| k.label()),
            county: cat.unit.county.as_deref(),
            levels: cat.unit.levels.iter().map(Level::label).collect(),
        },
        items: cat.item_count(),
        sections: cat
            .sections
            .iter()
            .map(|s| SectionJson {
                domain: s.key.display_name(),
                domain_id: s.key.domain().map(|d| d.id),
                general: s.key.domain().is_none(),
                items: ItemsJson(&s.items),
            })
            .collect(),
    }
}

/// The JSON document for one catalogue.
pub fn render(cat: &Catalogue) -> String {
    let doc = document(cat);
    // Plain data always serialises.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
