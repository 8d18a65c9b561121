//! The catalogue as one self-contained web page for the county portal (`DIR/<name>.html`):
//! no external CSS, scripts, fonts or images; `lang="zh-CN"`; a table of contents by domain;
//! real tables with the template's two-row header (`colspan`/`rowspan`, `scope`); a print
//! stylesheet (A4 landscape, header repeated, no row split across pages); a filter box that a
//! few lines of inline script enable, while the page is complete without script.
//!
//! Built with maud, which escapes every interpolated value at compile time: a unit or item
//! named `<script>` is printed as text.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{groups, levels_present, status_text, title, Options};
use crate::domains::SectionKey;
use crate::model::{Audience, Catalogue, Item, Level, Mode, Section};

const MARK: &str = "✓";

const CSS: &str = r#"
body{font-family:"SimSun","宋体","Songti SC","Noto Serif CJK SC","Source Han Serif SC",serif;margin:1.5rem auto;max-width:1400px;padding:0 1rem;color:#111;line-height:1.5}
h1,h2,thead th{font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif}
h1{text-align:center;font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
h2 small{font-weight:normal;font-size:.9rem;color:#444}
.meta{text-align:center;color:#333;margin:.25rem 0 1rem}
nav ol{columns:3 14rem;padding-left:1.5rem}
.filter{margin:1rem 0;padding:.5rem;background:#f3f6fa;border:1px solid #ccd}
.filter input{font-size:1rem;padding:.2rem .4rem;width:16rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-bottom:1rem}
caption{text-align:left;font-size:.85rem;color:#444;padding:.25rem 0}
th,td{border:1px solid #555;padding:.25rem .35rem;vertical-align:top;text-align:left}
thead th{background:#e7eef7;vertical-align:middle;text-align:center}
td.c{text-align:center;vertical-align:middle}
tbody th{font-weight:normal;vertical-align:middle}
a{color:#0645ad}
@media print{
@page{size:A4 landscape;margin:10mm}
body{margin:0;max-width:none;padding:0}
nav,.filter{display:none}
thead{display:table-header-group}
tr,td,th{break-inside:avoid;page-break-inside:avoid}
section+section{break-before:page;page-break-before:always}
a{color:inherit;text-decoration:none}
}
"#;

/// Enables the filter box. The page is complete without it: every row is shown.
const SCRIPT: &str = r#"
(function(){
var box=document.getElementById("filter-box"),input=document.getElementById("filter"),count=document.getElementById("filter-count");
if(!box||!input){return;}
box.hidden=false;
input.addEventListener("input",function(){
var q=input.value.trim(),shown=0;
document.querySelectorAll("main tbody").forEach(function(tb){var hit=!q||tb.textContent.indexOf(q)>=0;tb.hidden=!hit;if(hit){shown+=tb.rows.length;}});
document.querySelectorAll("main section").forEach(function(s){s.hidden=!!q&&!s.querySelector("tbody:not([hidden])");});
count.textContent=q?("显示 "+shown+" 项"):"";
});
})();
"#;

/// A stable anchor for a section: `d05` for a domain, `g1`, `g2` … for general sections.
fn anchor(s: &Section, index: usize) -> String {
    match s.key {
        SectionKey::Domain(id) => format!("d{id:02}"),
        _ => format!("g{}", index + 1),
    }
}

fn heading(s: &Section) -> String {
    match s.key {
        SectionKey::Domain(_) => format!("{}领域", s.key.display_name()),
        _ => s.key.display_name().to_string(),
    }
}

fn header(levels: &[Level]) -> Markup {
    html! {
        thead {
            tr {
                th scope="col" rowspan="2" { "序号" }
                th scope="colgroup" colspan="2" { "公开事项" }
                th scope="col" rowspan="2" { "公开内容（要素）" }
                th scope="col" rowspan="2" { "公开依据" }
                th scope="col" rowspan="2" { "公开时限" }
                th scope="col" rowspan="2" { "公开主体" }
                th scope="col" rowspan="2" { "公开渠道和载体" }
                th scope="colgroup" colspan="2" { "公开对象" }
                th scope="colgroup" colspan="2" { "公开方式" }
                @if !levels.is_empty() {
                    th scope="colgroup" colspan=(levels.len()) { "公开层级" }
                }
                th scope="col" rowspan="2" { "备注" }
            }
            tr {
                th scope="col" { "一级事项" }
                th scope="col" { "二级事项" }
                th scope="col" { "全社会" }
                th scope="col" { "特定群众" }
                th scope="col" { "主动" }
                th scope="col" { "依申请公开" }
                @for l in levels {
                    th scope="col" { (l.label()) }
                }
            }
        }
    }
}

/// Column widths (percent of the table), so narrow columns do not collapse to one character.
fn colgroup(levels: &[Level]) -> Markup {
    let fixed = [
        3.0, 7.0, 8.0, 20.0, 17.0, 10.0, 8.0, 9.0, 3.0, 4.0, 3.0, 3.5,
    ];
    let used: f64 = fixed.iter().sum::<f64>() + 3.0 * levels.len() as f64;
    html! {
        colgroup {
            @for w in fixed { col style=(format!("width:{w}%")); }
            @for _ in levels { col style="width:3%"; }
            col style=(format!("width:{:.1}%", (100.0 - used).max(4.0)));
        }
    }
}

fn mark(b: bool) -> &'static str {
    if b {
        MARK
    } else {
        ""
    }
}

fn row(it: &Item, first: Option<(usize, &Item)>, levels: &[Level]) -> Markup {
    let specific = it.audience.iter().find_map(|a| match a {
        Audience::Specific(g) => Some(g.clone().unwrap_or_else(|| MARK.to_string())),
        _ => None,
    });
    html! {
        tr {
            @if let Some((span, head)) = first {
                td.c rowspan=(span) { (head.seq) }
                th scope="rowgroup" rowspan=(span) { (head.category) }
            }
            td { (it.name) }
            td { (it.content) }
            td { (it.basis) }
            td { (it.deadline) }
            td { (it.subject) }
            td { (crate::model::ChannelList(&it.channels).to_string()) }
            td.c { (mark(it.audience.contains(&Audience::Public))) }
            td.c { (specific.unwrap_or_default()) }
            td.c { (mark(it.mode.contains(&Mode::Active))) }
            td.c { (mark(it.mode.contains(&Mode::OnRequest))) }
            @for l in levels {
                td.c { (mark(it.levels.contains(l))) }
            }
            td { (it.remarks) }
        }
    }
}

fn section(s: &Section, index: usize, levels: &[Level]) -> Markup {
    let id = anchor(s, index);
    html! {
        section id=(id) aria-labelledby=(format!("{id}-h")) {
            h2 id=(format!("{id}-h")) { (heading(s)) " " small { "（" (s.items.len()) " 项）" } }
            table {
                caption { (heading(s)) "公开事项标准目录" }
                (colgroup(levels))
                (header(levels))
                @for group in groups(&s.items) {
                    tbody {
                        @for (k, it) in group.iter().enumerate() {
                            (row(it, (k == 0).then_some((group.len(), &group[0])), levels))
                        }
                    }
                }
            }
        }
    }
}

/// Render the page.
pub fn render(cat: &Catalogue, o: &Options) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(cat, o, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Write the page to `w` one domain at a time: a province-scale page is tens of megabytes and
/// is never held whole. The bytes are those of [`render`].
///
/// # Errors
/// Only `w`'s own errors.
pub fn write(cat: &Catalogue, o: &Options, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let t = title(cat);
    let levels = levels_present(cat);
    let top = html! {
        header {
            h1 { (t) }
            p.meta {
                @if let Some(k) = cat.unit.kind { "单位类别：" (k.label()) "　" }
                "编制日期：" (o.date.zh()) "　事项共 " (cat.item_count()) " 项　" (status_text(o))
            }
        }
        nav aria-label="领域目录" {
            h2 { "目录" }
            ol {
                @for (i, s) in cat.sections.iter().enumerate() {
                    li { a href=(format!("#{}", anchor(s, i))) { (heading(s)) } "（" (s.items.len()) " 项）" }
                }
            }
        }
        div.filter id="filter-box" hidden {
            label for="filter" { "筛选事项：" }
            input type="search" id="filter" placeholder="输入关键词，如“低保”";
            " "
            span id="filter-count" aria-live="polite" {}
        }
    };
    let (start, end) = page_parts(&t, CSS);
    w.write_all(start.as_bytes())?;
    w.write_all(top.into_string().as_bytes())?;
    w.write_all(b"<main>")?;
    for (i, s) in cat.sections.iter().enumerate() {
        w.write_all(section(s, i, &levels).into_string().as_bytes())?;
    }
    w.write_all(b"</main>")?;
    w.write_all(
        html! { script { (PreEscaped(SCRIPT)) } }
            .into_string()
            .as_bytes(),
    )?;
    w.write_all(end.as_bytes())
}

/// The page shell of [`page`] split where the body goes.
fn page_parts(title: &str, css: &str) -> (String, String) {
    const BODY: &str = "\u{0}body\u{0}";
    let whole = page(title, css, PreEscaped(BODY.to_string()));
    match whole.split_once(BODY) {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => (whole, String::new()),
    }
}

/// A self-contained page: Chinese, mobile-friendly, its style inline, the generator named.
pub(crate) fn page(title: &str, css: &str, body: Markup) -> String {
    let doc = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("gkml {}", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(css)) }
            }
            body { (body) }
        }
    };
    doc.into_string() + "\n"
}
