//! Renderers: write a resolved catalogue for people (XLSX to print, HTML for the portal) and
//! for programs (CSV, JSON). Renderers never validate; they write what they are given, and
//! the same catalogue and options always give the same bytes.

pub mod csv;
pub mod html;
pub mod json;
pub mod summary;
pub mod xlsx;

pub use crate::date::Date;
use crate::model::{Catalogue, Item, Level};

/// A unit's outputs (docs/CONTRACT.md §8), in the order they are
/// listed: the one list `compile --only` chooses from and `compile` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// The workbook to print and post (<name>.xlsx)
    Xlsx,
    /// The page for the portal (<name>.html)
    Html,
    /// The flat table for the platform (<name>.csv)
    Csv,
    /// The machine-readable catalogue (<name>.json)
    Json,
}

impl Output {
    pub const ALL: [Output; 4] = [Output::Xlsx, Output::Html, Output::Csv, Output::Json];

    /// The file extension, which is also the name on the command line.
    pub fn ext(self) -> &'static str {
        match self {
            Output::Xlsx => "xlsx",
            Output::Html => "html",
            Output::Csv => "csv",
            Output::Json => "json",
        }
    }

    /// Write a unit's catalogue in this format: the one signature of every renderer.
    ///
    /// # Errors
    /// `w`'s own errors; for the workbook, also what the XLSX writer refuses (as
    /// `io::Error::other`).
    pub fn write(
        self,
        cat: &Catalogue,
        o: &Options,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self {
            Output::Xlsx => {
                let bytes =
                    xlsx::render(cat, o).map_err(|e| std::io::Error::other(e.to_string()))?;
                w.write_all(&bytes)
            }
            Output::Html => html::write(cat, o, w),
            Output::Csv => csv::write(&[cat], w),
            Output::Json => json::write(cat, w),
        }
    }
}

/// A value as one workbook cell can hold it: whole when it fits (nearly always), else cut
/// at Excel's 32,767-character limit with a note saying where the whole text is. Only a unit
/// compiled with `--allow-errors` despite GK607 reaches the cut.
pub fn fit_cell(v: &str) -> std::borrow::Cow<'_, str> {
    const LIMIT: usize = crate::rules::CELL_LIMIT;
    if v.len() <= LIMIT || v.chars().count() <= LIMIT {
        return std::borrow::Cow::Borrowed(v);
    }
    const NOTE: &str = "……（超出单元格上限，全文见同名 CSV/HTML）";
    let keep = LIMIT - NOTE.chars().count();
    let mut s: String = v.chars().take(keep).collect();
    s.push_str(NOTE);
    std::borrow::Cow::Owned(s)
}

/// The one mark style of every output, said where a reader may wonder.
pub const MARK_STYLE_NOTE: &str = "勾选项以“✓”表示";

/// What a table renderer needs besides the catalogue.
#[derive(Debug, Clone)]
pub struct Options {
    /// The compile date.
    pub date: Date,
    /// Error and warning counts of the unit, printed as its validation status.
    pub errors: usize,
    pub warnings: usize,
}

/// The title of a unit's catalogue: 嘉鱼县鱼岳镇人民政府基层政务公开标准目录.
pub fn title(cat: &Catalogue) -> String {
    unit_title(&cat.unit)
}

/// The title of a unit's catalogue.
pub fn unit_title(unit: &crate::model::Unit) -> String {
    format!("{}基层政务公开标准目录", unit.display_name())
}

/// The levels that appear in a catalogue, in 县级, 乡级, 村级 order: the 公开层级 columns.
pub fn levels_present(cat: &Catalogue) -> Vec<Level> {
    Level::KNOWN
        .iter()
        .filter(|l| {
            cat.sections
                .iter()
                .flat_map(|s| &s.items)
                .any(|i| i.levels.contains(l))
        })
        .cloned()
        .collect()
}

/// Runs of items sharing 序号 and 一级事项: the rows merged vertically in the table.
pub fn groups(items: &[Item]) -> Vec<&[Item]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        let boundary = i == items.len()
            || items[i].seq != items[start].seq
            || items[i].category != items[start].category;
        if boundary {
            out.push(&items[start..i]);
            start = i;
        }
    }
    out
}

/// The validation status line of the cover sheet and page header.
pub fn status_text(o: &Options) -> String {
    match (o.errors, o.warnings) {
        (0, 0) => "校验通过：无错误、无警告".to_string(),
        (0, w) => format!("校验通过：无错误，{w} 个警告"),
        (e, w) => format!("未通过校验：{e} 个错误，{w} 个警告（按 --allow-errors 输出）"),
    }
}
