//! The CSV layout of docs/CONTRACT.md §9: UTF-8 with BOM (so Excel on Chinese Windows opens it without
//! mojibake), CRLF, one row per item, the template's columns. `validate` and `import` read it
//! back unchanged.

use crate::model::{Audience, Catalogue, ChannelList, Level, Mode};

/// The header of the CSV output, in order.
pub const COLUMNS: [&str; 16] = [
    "单位",
    "领域",
    "序号",
    "一级事项",
    "二级事项",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "全社会",
    "特定群众",
    "主动",
    "依申请公开",
    "公开层级",
    "备注",
];

const MARK: &str = "✓";

/// The levels cell: levels joined by 、.
pub fn levels_cell(levels: &[Level]) -> String {
    levels
        .iter()
        .map(Level::label)
        .collect::<Vec<_>>()
        .join("、")
}

/// The four mark cells: 全社会, 特定群众 (✓ or the group), 主动, 依申请公开.
pub fn mark_cells(audience: &[Audience], mode: &[Mode]) -> [String; 4] {
    let public = audience.contains(&Audience::Public);
    let specific = audience.iter().find_map(|a| match a {
        Audience::Specific(g) => Some(g.clone().unwrap_or_else(|| MARK.to_string())),
        _ => None,
    });
    let m = |b: bool| if b { MARK.to_string() } else { String::new() };
    [
        m(public),
        specific.unwrap_or_default(),
        m(mode.contains(&Mode::Active)),
        m(mode.contains(&Mode::OnRequest)),
    ]
}

/// The rows of one catalogue in the CSV layout (no header).
pub fn rows(cat: &Catalogue) -> Vec<Vec<String>> {
    each_row(cat).collect()
}

/// The rows of one catalogue in the CSV layout, made one at a time: a province-scale
/// catalogue's rows all at once are a second copy of it (≈ 80 MB at 100,000 rows), held while
/// `compile` saves the workbook.
fn each_row(cat: &Catalogue) -> impl Iterator<Item = Vec<String>> + '_ {
    cat.sections.iter().flat_map(move |s| {
        s.items.iter().map(move |it| {
            let [public, specific, active, request] = mark_cells(&it.audience, &it.mode);
            vec![
                cat.unit.name.clone(),
                s.key.display_name().to_string(),
                it.seq.clone(),
                it.category.clone(),
                it.name.clone(),
                it.content.clone(),
                it.basis.clone(),
                it.deadline.clone(),
                it.subject.clone(),
                ChannelList(&it.channels).to_string(),
                public,
                specific,
                active,
                request,
                levels_cell(&it.levels),
                it.remarks_cell().into_owned(),
            ]
        })
    })
}

/// Append the rows of one catalogue to a CSV writer (no header).
///
/// # Errors
/// Only the writer's own I/O errors.
pub fn write_rows<W: std::io::Write>(w: &mut csv::Writer<W>, cat: &Catalogue) -> csv::Result<()> {
    for r in each_row(cat) {
        // A cell is copied only when it gains the apostrophe.
        w.write_record(r.iter().map(|c| match crate::formula::neutralise(c) {
            std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.as_bytes()),
            std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o.into_bytes()),
        }))?;
    }
    Ok(())
}

/// A CSV writer with the BOM already written and CRLF line ends.
pub fn writer(buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    let mut buf = buf;
    buf.extend_from_slice(b"\xEF\xBB\xBF");
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf)
}

/// Write the whole CSV file for catalogues (BOM, header, rows) to a writer.
///
/// # Errors
/// The writer's I/O errors.
pub fn write(cats: &[&Catalogue], w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(b"\xEF\xBB\xBF")?;
    let mut cw = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    cw.write_record(COLUMNS)?;
    for c in cats {
        write_rows(&mut cw, c)?;
    }
    cw.flush()
}

/// The whole CSV file for catalogues, as bytes.
pub fn render(cats: &[&Catalogue]) -> Vec<u8> {
    let mut w = writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(COLUMNS);
    for c in cats {
        let _ = write_rows(&mut w, c);
    }
    w.into_inner().unwrap_or_default()
}
