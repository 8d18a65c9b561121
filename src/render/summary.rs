//! The county summary table (汇总表): the coverage matrix (覆盖情况), the responsibility
//! table (责任分工) and the merged county catalogue (全县汇总目录), as XLSX, HTML and CSV with
//! the file names of docs/CONTRACT.md §8; and the portal's `index.html` linking every unit.

use maud::{html, Markup};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::{Date, MARK_STYLE_NOTE};
use crate::domains::{by_id, DOMAINS};
use crate::model::{Catalogue, UnitKind};
use crate::project::{Cover, Coverage, Duty};

/// What the summary is made of.
pub struct Summary<'a> {
    pub county: &'a str,
    pub date: Date,
    pub coverage: &'a Coverage,
    pub duties: &'a [Duty],
    /// The catalogues of the units that were written (no errors, or --allow-errors).
    pub catalogues: Vec<&'a Catalogue>,
}

fn kind_label(k: Option<UnitKind>) -> &'static str {
    k.map(|k| k.label()).unwrap_or("—")
}

/// 覆盖情况: 单位, 类别, the 26 domains, 合计, 错误, 警告.
pub fn coverage_header() -> Vec<String> {
    let mut h = vec!["单位".to_string(), "类别".to_string()];
    h.extend(DOMAINS.iter().map(|d| d.name.to_string()));
    h.extend(["合计", "错误", "警告"].map(String::from));
    h
}

/// The rows of 覆盖情况 as text, the last one 合计.
pub fn coverage_rows(c: &Coverage) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            let mut v = vec![r.unit.clone(), kind_label(r.kind).to_string()];
            v.extend(r.cells.iter().map(|x| x.text()));
            v.extend([
                r.total.to_string(),
                r.errors.to_string(),
                r.warnings.to_string(),
            ]);
            v
        })
        .collect();
    let mut last = vec!["合计".to_string(), String::new()];
    last.extend(c.totals.iter().map(usize::to_string));
    last.extend([
        c.total.to_string(),
        c.errors.to_string(),
        c.warnings.to_string(),
    ]);
    rows.push(last);
    rows
}

fn domains_text(ids: &[u8]) -> String {
    ids.iter()
        .filter_map(|i| by_id(*i))
        .map(|d| format!("{}领域", d.name))
        .collect::<Vec<_>>()
        .join("、")
}

/// 责任分工: 序号, 试点领域, 牵头单位, 配合单位.
pub fn duty_rows(duties: &[Duty]) -> Vec<Vec<String>> {
    duties
        .iter()
        .enumerate()
        .map(|(i, d)| {
            vec![
                (i + 1).to_string(),
                domains_text(&d.domains),
                d.lead.join("、"),
                d.cooperating.join("、"),
            ]
        })
        .collect()
}

pub const DUTY_HEADER: [&str; 4] = ["序号", "试点领域", "牵头单位", "配合单位"];

fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = super::csv::writer(Vec::new());
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| crate::formula::neutralise(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

/// The three CSV files: (file name, bytes).
pub fn csvs(s: &Summary) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "覆盖情况.csv",
            csv_bytes(&coverage_header(), &coverage_rows(s.coverage)),
        ),
        (
            "责任分工.csv",
            csv_bytes(&DUTY_HEADER.map(String::from), &duty_rows(s.duties)),
        ),
        ("全县汇总目录.csv", super::csv::render(&s.catalogues)),
    ]
}

struct Fmt {
    title: Format,
    header: Format,
    cell: Format,
    center: Format,
    gap: Format,
    none: Format,
    total: Format,
}

fn formats() -> Fmt {
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_charset(134)
        .set_font_size(10)
        .set_border(FormatBorder::Thin);
    let center = base
        .clone()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    Fmt {
        title: Format::new()
            .set_font_name("黑体")
            .set_font_charset(134)
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        header: center
            .clone()
            .set_font_name("黑体")
            .set_bold()
            .set_text_wrap()
            .set_background_color(0xE7EEF7),
        cell: base
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter),
        gap: center
            .clone()
            .set_bold()
            .set_font_color(0x9C0006)
            .set_background_color(0xFFC7CE),
        none: center.clone().set_font_color(0x808080),
        total: center.clone().set_bold().set_background_color(0xF2F2F2),
        center,
    }
}

fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

fn table(
    ws: &mut Worksheet,
    title: &str,
    header: &[String],
    rows: &[Vec<String>],
    widths: &[f64],
    f: &Fmt,
    style: impl Fn(usize, usize, &str) -> Option<&'static str>,
) -> Result<(), XlsxError> {
    let last_col = header.len().saturating_sub(1) as u16;
    ws.set_row_height(0, 28)?;
    ws.merge_range(0, 0, 0, last_col, title, &f.title)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, h, &f.header)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(6.0))?;
    }
    ws.set_row_height(1, 48)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let fmt = match style(r, c, v) {
                Some("gap") => &f.gap,
                Some("none") => &f.none,
                Some("total") => &f.total,
                Some("center") => &f.center,
                _ => &f.cell,
            };
            let fitted = super::fit_cell(v);
            if crate::formula::needs_neutralising(v) {
                ws.write_string_with_format(
                    2 + r as u32,
                    c as u16,
                    fitted.as_ref(),
                    &fmt.clone().set_quote_prefix(),
                )?;
            } else {
                ws.write_string_with_format(2 + r as u32, c as u16, fitted.as_ref(), fmt)?;
            }
        }
    }
    if !rows.is_empty() {
        ws.autofilter(1, 0, 1 + rows.len() as u32, last_col)?;
    }
    print_setup(ws, 1)
}

/// 汇总表.xlsx.
///
/// # Errors
/// Only rust_xlsxwriter's own errors.
pub fn xlsx(s: &Summary) -> Result<Vec<u8>, XlsxError> {
    let f = formats();
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(s.date.year, s.date.month, s.date.day)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}基层政务公开标准目录汇总表", s.county))
            .set_author("gkml")
            .set_creation_datetime(&created),
    );
    let cov_rows = coverage_rows(s.coverage);
    let n = cov_rows.len();
    let mut widths = vec![16.0, 8.0];
    widths.extend(std::iter::repeat_n(4.5, DOMAINS.len()));
    widths.extend([6.0, 5.0, 5.0]);
    let ws = wb.add_worksheet();
    ws.set_name("覆盖情况")?;
    table(
        ws,
        &format!(
            "{}基层政务公开标准目录覆盖情况（{}）",
            s.county,
            s.date.zh()
        ),
        &coverage_header(),
        &cov_rows,
        &widths,
        &f,
        |r, c, v| {
            if r + 1 == n {
                Some("total")
            } else if c < 2 {
                None
            } else if v == "缺" {
                Some("gap")
            } else if v == "—" {
                Some("none")
            } else {
                Some("center")
            }
        },
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("责任分工")?;
    table(
        ws,
        &format!("{}26个试点领域基层政务公开责任分工表", s.county),
        &DUTY_HEADER.map(String::from),
        &duty_rows(s.duties),
        &[6.0, 40.0, 30.0, 40.0],
        &f,
        |_, c, _| (c == 0).then_some("center"),
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("全县汇总目录")?;
    let header: Vec<String> = super::csv::COLUMNS.iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    for c in &s.catalogues {
        rows.extend(super::csv::rows(c));
    }
    let widths = [
        12.0, 10.0, 5.0, 12.0, 14.0, 30.0, 28.0, 16.0, 12.0, 16.0, 5.0, 7.0, 5.0, 6.0, 8.0, 10.0,
    ];
    table(
        ws,
        &format!("{}基层政务公开标准目录（全县汇总）", s.county),
        &header,
        &rows,
        &widths,
        &f,
        |_, c, _| matches!(c, 2 | 10..=14).then_some("center"),
    )?;
    wb.save_to_buffer()
}

const CSS: &str = r#"
body{font-family:"SimSun","宋体","Songti SC","Noto Serif CJK SC",serif;margin:1.5rem auto;max-width:1500px;padding:0 1rem;color:#111;line-height:1.5}
h1,h2,thead th{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif}
h1{text-align:center;font-size:1.6rem}
.meta{text-align:center;color:#333}
table{border-collapse:collapse;width:100%;font-size:.8rem;margin-bottom:1.5rem}
th,td{border:1px solid #555;padding:.2rem .3rem;vertical-align:middle}
thead th{background:#e7eef7}
td.n{text-align:center}
td.gap{text-align:center;background:#ffc7ce;color:#9c0006;font-weight:bold}
td.none{text-align:center;color:#888}
tr.total td,tr.total th{background:#f2f2f2;font-weight:bold}
caption{text-align:left;color:#444;padding:.25rem 0}
ul.units{columns:3 16rem}
@media print{@page{size:A4 landscape;margin:10mm}body{margin:0;max-width:none}thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}section+section{break-before:page;page-break-before:always}nav{display:none}}
"#;

fn page(title: &str, body: Markup) -> String {
    super::html::page(title, CSS, body)
}

/// 汇总表.html.
pub fn html(s: &Summary) -> String {
    let t = format!("{}基层政务公开标准目录汇总表", s.county);
    let rows = coverage_rows(s.coverage);
    let n = rows.len();
    let body = html! {
        h1 { (t) }
        p.meta { "编制日期：" (s.date.zh()) "　单位 " (s.coverage.rows.len()) " 个，事项 " (s.coverage.total) " 项　" (MARK_STYLE_NOTE) }
        nav aria-label="目录" {
            ol {
                li { a href="#coverage" { "覆盖情况" } }
                li { a href="#duties" { "责任分工" } }
                li { a href="#catalogue" { "全县汇总目录" } }
            }
        }
        section id="coverage" aria-labelledby="coverage-h" {
            h2 id="coverage-h" { "覆盖情况" }
            table {
                caption { "各单位在26个试点领域公开的事项数：“—”为不负责该领域，“缺”为责任分工表要求公开但目录中没有" }
                thead { tr { @for h in coverage_header() { th scope="col" { (h) } } } }
                tbody {
                    @for (r, row) in rows.iter().enumerate() {
                        tr class=[(r + 1 == n).then_some("total")] {
                            th scope="row" { (row[0]) }
                            @for (c, v) in row.iter().enumerate().skip(1) {
                                @let class = if c == 1 { None } else if v == "缺" { Some("gap") } else if v == "—" { Some("none") } else { Some("n") };
                                td class=[class] { (v) }
                            }
                        }
                    }
                }
            }
        }
        section id="duties" aria-labelledby="duties-h" {
            h2 id="duties-h" { "责任分工" }
            table {
                thead { tr { @for h in DUTY_HEADER { th scope="col" { (h) } } } }
                tbody {
                    @for row in duty_rows(s.duties) {
                        tr { td.n { (row[0]) } td { (row[1]) } td { (row[2]) } td { (row[3]) } }
                    }
                }
            }
        }
        section id="catalogue" aria-labelledby="catalogue-h" {
            h2 id="catalogue-h" { "全县汇总目录" }
            table {
                thead { tr { @for h in super::csv::COLUMNS { th scope="col" { (h) } } } }
                tbody {
                    @for c in &s.catalogues {
                        @for row in super::csv::rows(c) {
                            tr { @for v in row { td { (v) } } }
                        }
                    }
                }
            }
        }
    };
    page(&t, body)
}

/// One unit's entry on the portal index.
pub struct IndexEntry {
    pub name: String,
    pub kind: Option<UnitKind>,
    /// File name of its HTML page, when it was written.
    pub html: Option<String>,
    pub items: usize,
    pub errors: usize,
}

/// `index.html`: every unit's page, grouped by kind, and the summary.
pub fn index(county: &str, date: Date, entries: &[IndexEntry]) -> String {
    let t = format!("{county}基层政务公开标准目录");
    let kinds: Vec<Option<UnitKind>> = UnitKind::ALL
        .iter()
        .map(|k| Some(*k))
        .chain(std::iter::once(None))
        .collect();
    let body = html! {
        h1 { (t) }
        p.meta { "编制日期：" (date.zh()) "　共 " (entries.len()) " 个单位" }
        section aria-labelledby="summary-h" {
            h2 id="summary-h" { "全县汇总" }
            ul {
                li { a href="汇总表.html" { "汇总表（覆盖情况、责任分工、全县汇总目录）" } }
                li { a href="汇总表.xlsx" { "汇总表（Excel）" } }
            }
        }
        @for k in kinds {
            @let group: Vec<&IndexEntry> = entries.iter().filter(|e| e.kind == k).collect();
            @if !group.is_empty() {
                section {
                    h2 { (k.map(|k| k.label()).unwrap_or("其他单位")) }
                    ul.units {
                        @for e in group {
                            li {
                                @match &e.html {
                                    Some(href) => { a href=(crate::fsutil::href(href)) { (e.name) } }
                                    None => { (e.name) }
                                }
                                "（" (e.items) " 项"
                                @if e.errors > 0 { "，" (e.errors) " 个错误，未发布" }
                                "）"
                            }
                        }
                    }
                }
            }
        }
    };
    page(&t, body)
}

/// The coverage cell of a unit for a domain, for tests and reports.
pub fn cell(c: &Coverage, unit: &str, domain: &str) -> Option<Cover> {
    let d = DOMAINS.iter().position(|d| d.name == domain)?;
    c.rows
        .iter()
        .find(|r| r.unit == unit)
        .and_then(|r| r.cells.get(d).copied())
}
