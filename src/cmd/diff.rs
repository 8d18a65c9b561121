//! `gkml diff OLD NEW` (or `gkml diff UNIT --reference`): items added, removed and changed,
//! field by field, between two versions of a catalogue, or between a unit and the reference
//! it starts from; as text, JSON, and an XLSX 变更说明 sheet. Supports the 动态管理 the
//! guidance asks for. Items are matched by (单位, 领域, 一级事项, 二级事项). Exit 1 when the
//! two sides differ, like diff(1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalogues::Store;
use crate::cli::ListFormat;
use crate::diag::Severity;
use crate::domains::to_simplified;
use crate::error::Error;
use crate::limits::Limits;
use crate::load;
use crate::model::{Catalogue, Field, Item, Level};
use crate::render::csv::levels_cell;

use super::{print_out, Exit};

/// The fields compared, with how each is written for people.
fn field_values(it: &Item) -> Vec<(Field, String)> {
    let audience = it
        .audience
        .iter()
        .map(|a| match it.audience_group() {
            Some(g) => format!("{}（{g}）", a.label()),
            None => a.label().to_string(),
        })
        .collect::<Vec<_>>()
        .join("、");
    vec![
        (Field::Content, it.content.clone()),
        (Field::Basis, it.basis.clone()),
        (Field::Deadline, it.deadline.clone()),
        (Field::Subject, it.subject.clone()),
        (
            Field::Channels,
            crate::model::ChannelList(&it.channels).to_string(),
        ),
        (Field::Audience, audience),
        (
            Field::Mode,
            it.mode
                .iter()
                .map(|m| m.label())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (Field::Levels, levels_cell(&it.levels)),
        (Field::Remarks, it.remarks.clone()),
    ]
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    unit: String,
    domain: String,
    category: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct FieldChange {
    field: &'static str,
    label: &'static str,
    old: String,
    new: String,
}

#[derive(Debug, Serialize)]
struct Changed {
    #[serde(flatten)]
    key: Key,
    fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize, Default)]
struct Report {
    added: Vec<Key>,
    removed: Vec<Key>,
    changed: Vec<Changed>,
}

fn norm(s: &str) -> String {
    to_simplified(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn index(
    cats: &[Catalogue],
    ignore_unit: bool,
) -> BTreeMap<(String, String, String, String), (Key, Item)> {
    let mut out = BTreeMap::new();
    for c in cats {
        for s in &c.sections {
            for it in &s.items {
                let key = Key {
                    unit: c.unit.name.clone(),
                    domain: s.key.display_name().to_string(),
                    category: it.category.clone(),
                    name: it.name.clone(),
                };
                let unit = if ignore_unit {
                    String::new()
                } else {
                    norm(&key.unit)
                };
                out.insert(
                    (unit, key.domain.clone(), norm(&it.category), norm(&it.name)),
                    (key, it.clone()),
                );
            }
        }
    }
    out
}

/// Whether two values of a field say the same: equal once trimmed, or both empty in the
/// clerk's sense (blank, or a placeholder such as /, —, 无 that the rules read as blank). A
/// draft re-saved with 备注 "/" where it was blank has not changed.
fn same_value(x: &str, y: &str) -> bool {
    let (x, y) = (x.trim(), y.trim());
    let blank = |s: &str| s.is_empty() || crate::rules::is_placeholder(s);
    x == y || (blank(x) && blank(y))
}

fn compare(old: &[Catalogue], new: &[Catalogue]) -> Report {
    // Comparing one unit with another version of itself: do not let a renamed unit make
    // every item look added and removed.
    let one_each = old.len() == 1 && new.len() == 1;
    let a = index(old, one_each);
    let b = index(new, one_each);
    let mut r = Report::default();
    for (k, (key, it)) in &a {
        match b.get(k) {
            None => r.removed.push(key.clone()),
            Some((_, other)) => {
                let fields: Vec<FieldChange> = field_values(it)
                    .into_iter()
                    .zip(field_values(other))
                    .filter(|((_, x), (_, y))| !same_value(x, y))
                    .map(|((f, x), (_, y))| FieldChange {
                        field: f.key(),
                        label: f.label(),
                        old: x,
                        new: y,
                    })
                    .collect();
                if !fields.is_empty() {
                    r.changed.push(Changed {
                        key: key.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for (k, (key, _)) in &b {
        if !a.contains_key(k) {
            r.added.push(key.clone());
        }
    }
    r
}

/// The reference items a unit starts from, at its levels and kinds, placeholders filled.
fn reference_of(cat: &Catalogue, store: &Store) -> Catalogue {
    let mut out = Catalogue {
        unit: cat.unit.clone(),
        file: cat.file.clone(),
        sections: Vec::new(),
        is_reference: true,
    };
    for s in &cat.sections {
        let Some(r) = store.get(&s.key) else { continue };
        let mut items = Vec::new();
        for it in r.sections.iter().flat_map(|x| &x.items) {
            let kind_ok =
                it.kinds.is_empty() || cat.unit.kind.is_some_and(|k| it.kinds.contains(&k));
            let level_ok =
                it.levels.is_empty() || it.levels.iter().any(|l| cat.unit.levels.contains(l));
            if kind_ok && level_ok {
                let mut it = it.clone();
                it.levels.retain(|l: &Level| cat.unit.levels.contains(l));
                crate::resolve::fill_placeholders(&mut it, &cat.unit);
                items.push(it);
            }
        }
        out.sections.push(crate::model::Section {
            key: s.key.clone(),
            raw: s.raw.clone(),
            loc: None,
            items,
        });
    }
    out
}

fn read_side(path: &Path, store: &Store, limits: &Limits) -> Result<Vec<Catalogue>, Exit> {
    let fr = load::read_file(path, store, None, limits);
    let unreadable: Vec<_> = fr
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Error && d.code.starts_with("GK0"))
        .cloned()
        .collect();
    if !unreadable.is_empty() {
        eprint!("{}", crate::print::to_text(&unreadable));
        return Err(Exit::Unreadable);
    }
    Ok(fr.catalogues)
}

fn text(r: &Report) -> String {
    let mut t = String::new();
    let name = |k: &Key| format!("{} / {} / {} / {}", k.unit, k.domain, k.category, k.name);
    if !r.added.is_empty() {
        t.push_str(&format!("新增 {} 项：\n", r.added.len()));
        for k in &r.added {
            t.push_str(&format!("  + {}\n", name(k)));
        }
    }
    if !r.removed.is_empty() {
        t.push_str(&format!("删除 {} 项：\n", r.removed.len()));
        for k in &r.removed {
            t.push_str(&format!("  - {}\n", name(k)));
        }
    }
    if !r.changed.is_empty() {
        t.push_str(&format!("修改 {} 项：\n", r.changed.len()));
        for c in &r.changed {
            t.push_str(&format!("  ~ {}\n", name(&c.key)));
            for f in &c.fields {
                t.push_str(&format!(
                    "      {}：{} → {}\n",
                    f.label,
                    if f.old.is_empty() {
                        "（空）"
                    } else {
                        &f.old
                    },
                    if f.new.is_empty() {
                        "（空）"
                    } else {
                        &f.new
                    }
                ));
            }
        }
    }
    t.push_str(&format!(
        "共新增 {} 项、删除 {} 项、修改 {} 项\n",
        r.added.len(),
        r.removed.len(),
        r.changed.len()
    ));
    t
}

fn xlsx(r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("变更说明")?;
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xE7EEF7)
        .set_font_name("黑体")
        .set_font_charset(134);
    let body = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_font_name("宋体")
        .set_font_charset(134);
    let header = [
        "变更类型",
        "单位",
        "领域",
        "一级事项",
        "二级事项",
        "字段",
        "原内容",
        "新内容",
    ];
    for (c, (h, w)) in header
        .iter()
        .zip([8.0, 12.0, 12.0, 14.0, 18.0, 12.0, 40.0, 40.0])
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, w)?;
    }
    let mut row = 1;
    let mut put =
        |kind: &str, k: &Key, f: Option<&FieldChange>| -> Result<(), rust_xlsxwriter::XlsxError> {
            let cells = [
                kind,
                &k.unit,
                &k.domain,
                &k.category,
                &k.name,
                f.map(|f| f.label).unwrap_or(""),
                f.map(|f| f.old.as_str()).unwrap_or(""),
                f.map(|f| f.new.as_str()).unwrap_or(""),
            ];
            for (c, v) in cells.iter().enumerate() {
                ws.write_string_with_format(row, c as u16, *v, &body)?;
            }
            row += 1;
            Ok(())
        };
    for k in &r.added {
        put("新增", k, None)?;
    }
    for k in &r.removed {
        put("删除", k, None)?;
    }
    for c in &r.changed {
        for f in &c.fields {
            put("修改", &c.key, Some(f))?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    wb.save_to_buffer()
}

/// The `gkml diff` text (added, removed, changed, field by field) between two versions: what
/// `gkml serve`'s history page shows, handed to it by `cmd::serve` (serve sits below cmd).
pub fn between(old: &[Catalogue], new: &[Catalogue]) -> String {
    text(&compare(old, new))
}

/// Run `diff`.
///
/// # Errors
/// [`Error::Usage`] for a wrong combination of arguments; [`Error::Write`] when the XLSX
/// cannot be written.
pub fn run(
    old: &Path,
    new: Option<&Path>,
    reference: bool,
    format: ListFormat,
    xlsx_out: Option<PathBuf>,
    store: &Store,
    limits: &Limits,
) -> Result<Exit, Error> {
    if let Some(p) = &xlsx_out {
        crate::fsutil::guard_outputs(&[old, new.unwrap_or(old)], [p])?;
    }
    let old_cats = match read_side(old, store, limits) {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let (a, b) = match (new, reference) {
        (Some(n), false) => match read_side(n, store, limits) {
            Ok(c) => (old_cats, c),
            Err(e) => return Ok(e),
        },
        (None, true) => (
            old_cats.iter().map(|c| reference_of(c, store)).collect(),
            old_cats,
        ),
        _ => {
            return Err(Error::Usage(
                "用法：gkml diff 旧版本 新版本，或 gkml diff 单位目录 --reference".into(),
            ))
        }
    };
    let r = compare(&a, &b);
    let out = match format {
        ListFormat::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                #[serde(flatten)]
                report: &'a Report,
                summary: BTreeMap<&'static str, usize>,
            }
            let summary = BTreeMap::from([
                ("added", r.added.len()),
                ("removed", r.removed.len()),
                ("changed", r.changed.len()),
            ]);
            serde_json::to_string_pretty(&Doc {
                report: &r,
                summary,
            })
            .unwrap_or_default()
                + "\n"
        }
        ListFormat::Table => text(&r),
    };
    print_out(&out)?;
    if let Some(p) = xlsx_out {
        let bytes = xlsx(&r).map_err(|e| Error::Write {
            path: p.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let (dir, name) = crate::fsutil::split_output(&p);
        let written = crate::fsutil::write_atomic(dir, &name, &bytes)?;
        eprintln!("已写出 {}", written.display());
    }
    let same = r.added.is_empty() && r.removed.is_empty() && r.changed.is_empty();
    Ok(if same { Exit::Ok } else { Exit::Errors })
}
