//! The pages of `gkml serve` (issue 19): the county index with the coverage matrix and the
//! 汇总表 downloads, and one page per unit with its upload box, the problems of its latest
//! draft grouped by rule (cell, text at fault, hint), its downloads and its history with the
//! changes between any two versions. Chinese, one self-contained HTML document each (inline
//! style, no external assets); everything reads without JavaScript, and the one inline
//! script only sends an upload with its key in an `Authorization: Bearer` header. maud
//! escapes every value written into the page.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path as AxPath, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use super::api::App;
use super::store::{Outcome, Record};
use crate::diag::{Diagnostic, Severity};
use crate::project::{ProjectRun, UnitResult};
use crate::render::Output;

const STYLE: &str = "body{font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#eef}td.n{text-align:right}.err{color:#a00}.warn{color:#a60}.gap{background:#fdd}\
#drop{border:2px dashed #88a;padding:1.5em;margin:.5em 0}#drop.over{background:#eef}\
.matrix td,.matrix th{font-size:.85em;padding:.15em .3em}nav a{margin-right:1em}\
.problem{border:2px solid #a00;background:#fee;padding:.5em 1em;margin:1em 0}";

/// A path segment with everything but unreserved ASCII percent-escaped (unit names are
/// Chinese and may hold anything).
pub fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn page(title: &str, body: Markup) -> Response {
    Html(
        html! {
            (DOCTYPE)
            html lang="zh-CN" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    style { (PreEscaped(STYLE)) }
                }
                body { (body) }
            }
        }
        .into_string(),
    )
    .into_response()
}

fn not_found(msg: &str) -> Response {
    let mut r = page(
        "未找到",
        html! { h1 { "未找到" } p { (msg) } p { a href="/" { "返回首页" } } },
    );
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

fn server_error(msg: &str) -> Response {
    let mut r = page("出错", html! { h1 { "出错" } pre { (msg) } });
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}

async fn view(app: &Arc<App>) -> Result<Arc<ProjectRun>, Response> {
    let a = app.clone();
    match tokio::task::spawn_blocking(move || a.view()).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(server_error(&e)),
        Err(e) => Err(server_error(&e.to_string())),
    }
}

fn count(diags: &[Diagnostic], s: Severity) -> usize {
    diags.iter().filter(|d| d.severity == s).count()
}

/// `GET /`: every unit by kind, its latest upload, items, errors and warnings; the coverage
/// matrix and the county summary's downloads.
pub async fn index(State(app): State<Arc<App>>) -> Response {
    let run = match view(&app).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let records = app.uploads.records();
    let latest = super::store::latest_by_unit(&records);
    let header = crate::render::summary::coverage_header();
    let rows = crate::render::summary::coverage_rows(&run.coverage);
    let project = app.project();
    let problem = app.problem();
    let title = format!("{}基层政务公开标准目录", project.county);
    page(
        &title,
        html! {
            h1 { (title) }
            @if let Some(p) = &problem {
                div.problem { p { strong { "项目文件有误：" } } pre { (p) } p { "修正 county.toml 后刷新本页即可，无需重启 gkml serve。" } }
            }
            p { "各单位上传草稿后，本页按最新草稿即时汇总。阅读无需密钥；上传需本单位的上传密钥。" }
            h2 { "单位" }
            table {
                tr { th { "类别" } th { "单位" } th { "最新上传" } th { "事项" } th { "错误" } th { "警告" } th { "公开页面" } }
                @for slot in &project.slots {
                    @let unit = app.unit_of(&run, slot);
                    @let diags = unit.map(|u| u.diags.as_slice()).unwrap_or(&[]);
                    tr {
                        td { (slot.kind.map(|k| k.label()).unwrap_or("—")) }
                        td { a href={ "/units/" (seg(&slot.name)) } { (slot.name) } }
                        td { @match latest.get(&slot.name) {
                            Some(r) => { "第 " (r.version.unwrap_or(0)) " 版，" (r.time) },
                            None => { "尚未上传（使用 county.toml 所列文件）" },
                        } }
                        td.n { (unit.and_then(|u| u.catalogue.as_ref()).map(|c| c.item_count()).unwrap_or(0)) }
                        td.n.err { (count(diags, Severity::Error)) }
                        td.n.warn { (count(diags, Severity::Warning)) }
                        td { a href={ "/units/" (seg(&slot.name)) "/download/compiled.html" } { "公开页面" } }
                    }
                }
            }
            h2 { "覆盖情况" }
            p { "数字为该领域的事项数；“—”表示不负责该领域；“缺”表示责任分工表要求公开但目录中没有。" }
            table.matrix {
                tr { @for h in &header { th { (h) } } }
                @for r in &rows {
                    tr { @for c in r { @if c == "缺" { td.gap { (c) } } @else { td { (c) } } } }
                }
            }
            h2 { "下载汇总表" }
            ul {
                @for f in ["汇总表.xlsx", "汇总表.html", "覆盖情况.csv", "责任分工.csv", "全县汇总目录.csv"] {
                    li { a href={ "/summary/" (seg(f)) } { (f) } }
                }
            }
            p { "接口：" a href="/api/units" { "/api/units" } "、" a href="/api/summary" { "/api/summary" } }
        },
    )
}

/// The upload box: a plain form (which, without a key, the server refuses) that the script
/// sends with `fetch` and the key in an `Authorization: Bearer` header.
fn upload_box(name: &str) -> Markup {
    let action = format!("/api/units/{}/drafts", seg(name));
    html! {
        form #up method="post" enctype="multipart/form-data" action=(action) {
            p { label { "上传密钥：" input #key type="password" autocomplete="off" size="70" required; } }
            div #drop {
                "把草稿拖到这里，或选择文件："
                input #file type="file" name="file" required accept=".xlsx,.xlsm,.xls,.ods,.csv,.tsv,.html,.htm,.docx,.doc,.wps,.toml";
            }
            button type="submit" { "上传草稿" }
            p #msg role="status" {}
        }
        script { (PreEscaped(UPLOAD_JS)) }
    }
}

const UPLOAD_JS: &str = r#"(function(){
var f=document.getElementById('up'),d=document.getElementById('drop'),i=document.getElementById('file'),m=document.getElementById('msg');
d.addEventListener('dragover',function(e){e.preventDefault();d.className='over';});
d.addEventListener('dragleave',function(){d.className='';});
d.addEventListener('drop',function(e){e.preventDefault();d.className='';if(e.dataTransfer.files.length){i.files=e.dataTransfer.files;}});
f.addEventListener('submit',function(e){e.preventDefault();
 var k=document.getElementById('key').value.trim();var fd=new FormData();fd.append('file',i.files[0]);
 m.textContent='正在上传……';
 fetch(f.getAttribute('action'),{method:'POST',headers:{'Authorization':'Bearer '+k},body:fd})
 .then(function(r){return r.json().then(function(j){return [r.status,j];},function(){return [r.status,{}];});})
 .then(function(x){var s=x[0],j=x[1];
  if(s===200){m.textContent='已保存为第 '+j.version+' 版：'+j.summary.errors+' 个错误，'+j.summary.warnings+' 个警告。正在刷新……';location.reload();}
  else if(s===401){m.textContent='密钥无效。';}
  else if(s===403){m.textContent='这个密钥不能上传本单位的草稿。';}
  else if(s===413){m.textContent='文件太大。';}
  else if(s===422){m.textContent='无法读取这个文件：'+((j.diagnostics&&j.diagnostics[0]&&j.diagnostics[0].message)||'');}
  else{m.textContent=(j.error||('上传失败（'+s+'）'));}
 },function(){m.textContent='网络错误，未能上传。';});
});})();"#;

/// Where a diagnostic points: sheet and cell, else line, else the file.
fn place(d: &Diagnostic) -> String {
    match (&d.sheet, &d.cell, d.line) {
        (Some(s), Some(c), _) => format!("{s}!{c}"),
        (None, Some(c), _) => c.clone(),
        (_, None, Some(l)) => format!("第 {l} 行"),
        _ => "整个文件".to_string(),
    }
}

/// The problems grouped by rule, in code order.
fn problems(diags: &[Diagnostic]) -> Markup {
    let mut groups: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        groups.entry(d.code).or_default().push(d);
    }
    html! {
        @if groups.is_empty() { p { "没有发现问题。" } }
        @for (code, ds) in &groups {
            @let sev = ds.first().map(|d| d.severity).unwrap_or(Severity::Info);
            @let class = match sev { Severity::Error => "err", Severity::Warning => "warn", Severity::Info => "" };
            h3 class=(class) {
                (code) " "
                (crate::rules::find(code).map(|r| r.summary).unwrap_or(""))
                "（" (ds.len()) " 处）"
            }
            table {
                tr { th { "位置" } th { "问题" } th { "出错的文字" } th { "如何修改" } }
                @for d in ds {
                    tr {
                        td { (place(d)) }
                        td { (d.message) }
                        td { (d.excerpt.as_ref().map(|e| e.text.as_str()).unwrap_or("")) }
                        td { (d.hint.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Accepted => "已保存",
        Outcome::Unreadable => "无法读取，未保存",
        Outcome::WrongUnit => "不是本单位的草稿，未保存",
    }
}

/// `GET /units/{name}`.
pub async fn unit(State(app): State<Arc<App>>, AxPath(name): AxPath<String>) -> Response {
    let Some(slot) = app.slot(&name) else {
        return not_found(&format!("项目中没有简称为“{name}”的单位"));
    };
    let run = match view(&app).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let u: Option<&UnitResult> = app.unit_of(&run, &slot);
    let diags = u.map(|u| u.diags.as_slice()).unwrap_or(&[]);
    let records: Vec<Record> = app
        .uploads
        .records()
        .into_iter()
        .filter(|r| r.unit == name)
        .collect();
    let accepted: Vec<&Record> = records
        .iter()
        .filter(|r| r.result == Outcome::Accepted)
        .collect();
    let latest = accepted.last();
    let workbook = latest.is_some_and(|r| {
        r.blob.as_deref().is_some_and(|b| {
            [
                ".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt", ".html", ".htm", ".docx",
                ".doc", ".wps",
            ]
            .iter()
            .any(|e| b.ends_with(e))
        })
    });
    let base = format!("/units/{}", seg(&name));
    page(
        &name,
        html! {
            nav { a href="/" { "← 全县" } }
            h1 { (slot.full_name.as_deref().unwrap_or(&name)) }
            p {
                "简称：" (name) "；类别：" (slot.kind.map(|k| k.label()).unwrap_or("—")) "；"
                @match latest {
                    Some(r) => { "当前为第 " (r.version.unwrap_or(0)) " 版（" (r.time) " 上传，文件名 " (r.file) "）" },
                    None => { "尚未上传，显示 county.toml 所列文件 " (slot.slot) },
                }
            }
            h2 { "上传草稿" }
            p { "可上传 xlsx、xls、ods、csv、html、docx、doc 或 toml。有错误的草稿也会保存并列出问题；无法读取的文件不保存。" }
            (upload_box(&name))
            h2 { "问题清单" }
            p {
                (u.and_then(|u| u.catalogue.as_ref()).map(|c| c.item_count()).unwrap_or(0)) " 个事项，"
                span.err { (count(diags, Severity::Error)) " 个错误" } "，"
                span.warn { (count(diags, Severity::Warning)) " 个警告" }
            }
            (problems(diags))
            h2 { "下载" }
            ul {
                @if workbook {
                    li { a href={ (base) "/download/annotated.xlsx" } { "批注工作簿（问题单元格标色并加批注，首页为问题清单；CSV 草稿按读入的表格写成工作簿，网页和 Word 草稿的每个目录表格写成一个工作表“表N”）" } }
                } @else {
                    li { "批注工作簿：仅工作簿（xlsx、xls、ods）、CSV、网页（html）和 Word（doc、docx）草稿可生成" }
                }
                li { a href={ (base) "/download/compiled.xlsx" } { "标准目录 xlsx" } }
                li { a href={ (base) "/download/compiled.html" } { "标准目录 html（公开页面）" } }
                li { a href={ (base) "/download/compiled.csv" } { "标准目录 csv" } }
            }
            h2 { "上传记录" }
            @if records.is_empty() { p { "还没有上传。" } } @else {
                form method="get" action={ (base) "/diff" } {
                    table {
                        tr { th { "旧" } th { "新" } th { "版本" } th { "时间" } th { "文件名（上传时）" } th { "大小" } th { "结果" } th { "事项" } th { "错误" } th { "警告" } th { "密钥" } }
                        @for r in records.iter().rev() {
                            tr {
                                td { @if let Some(v) = r.version { input type="radio" name="a" value=(v); } }
                                td { @if let Some(v) = r.version { input type="radio" name="b" value=(v); } }
                                td { @if let Some(v) = r.version { "第 " (v) " 版" } @else { "—" } }
                                td { (r.time) }
                                td { (r.file) }
                                td.n { (r.size) }
                                td { (outcome_text(r.result)) }
                                td.n { (r.items) }
                                td.n { (r.errors) }
                                td.n { (r.warnings) }
                                td { (r.holder) " " (r.key) }
                            }
                        }
                    }
                    button type="submit" { "比较所选两版" }
                }
            }
        },
    )
}

/// A download with a UTF-8 file name.
fn download(bytes: Vec<u8>, name: &str, mime: &'static str) -> Response {
    let disposition = format!("attachment; filename*=UTF-8''{}", seg(name));
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

fn mime_of(ext: &str) -> &'static str {
    match ext {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html" => "text/html; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /units/{name}/download/{what}`: the annotated workbook of the latest upload, or the
/// unit's catalogue compiled (xlsx, html, csv), as the latest drafts make it.
pub async fn unit_download(
    State(app): State<Arc<App>>,
    AxPath((name, what)): AxPath<(String, String)>,
) -> Response {
    let Some(slot) = app.slot(&name) else {
        return not_found(&format!("项目中没有简称为“{name}”的单位"));
    };
    let run = match view(&app).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let a = app.clone();
    let made =
        tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, String, &'static str), String> {
            let u = a.unit_of(&run, &slot).ok_or("该单位的文件无法读取")?;
            let stem = crate::fsutil::safe_file_name(&slot.name);
            if what == "annotated.xlsx" {
                let rec = a.uploads.history(&slot.name).pop().ok_or("尚未上传草稿")?;
                let path = a.uploads.blob(&rec).ok_or("找不到已保存的草稿")?;
                let book =
                    crate::annotate::annotate_file(&path, &u.diags, &a.project().checks.limits)?;
                return Ok((book, format!("{stem}.批注.xlsx"), mime_of("xlsx")));
            }
            let output = match what.as_str() {
                "compiled.xlsx" => Output::Xlsx,
                "compiled.html" => Output::Html,
                "compiled.csv" => Output::Csv,
                _ => return Err("没有这种下载".into()),
            };
            let cat = u
                .catalogue
                .as_ref()
                .ok_or("该单位的草稿无法读取，没有可编译的目录")?;
            let opts = crate::render::Options {
                date: a.project().checks.ctx.today,
                errors: u.errors(),
                warnings: u.warnings(),
            };
            let mut bytes = Vec::new();
            output
                .write(cat, &opts, &mut bytes)
                .map_err(|e| e.to_string())?;
            Ok((
                bytes,
                format!("{stem}.{}", output.ext()),
                mime_of(output.ext()),
            ))
        })
        .await;
    match made {
        Ok(Ok((bytes, file, mime))) => download(bytes, &file, mime),
        Ok(Err(e)) => not_found(&e),
        Err(e) => server_error(&e.to_string()),
    }
}

/// `GET /summary/{file}`: the county summary of the latest drafts (units with errors are
/// counted in 覆盖情况 but left out of 全县汇总目录, as `gkml summary` does).
pub async fn summary_download(
    State(app): State<Arc<App>>,
    AxPath(file): AxPath<String>,
) -> Response {
    let run = match view(&app).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let a = app.clone();
    let shown = file.clone();
    let made = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, &'static str), String> {
        let project = a.project();
        let s = crate::render::summary::Summary {
            county: &project.county,
            date: project.checks.ctx.today,
            coverage: &run.coverage,
            duties: &run.duties,
            catalogues: run
                .units
                .iter()
                .filter(|u| u.errors() == 0 && !u.collides())
                .filter_map(|u| u.catalogue.as_ref())
                .collect(),
        };
        match file.as_str() {
            "汇总表.xlsx" => crate::render::summary::xlsx(&s)
                .map(|b| (b, mime_of("xlsx")))
                .map_err(|e| e.to_string()),
            "汇总表.html" => Ok((
                crate::render::summary::html(&s).into_bytes(),
                mime_of("html"),
            )),
            other => crate::render::summary::csvs(&s)
                .into_iter()
                .find(|(n, _)| *n == other)
                .map(|(_, b)| (b, mime_of("csv")))
                .ok_or_else(|| "没有这个文件".to_string()),
        }
    })
    .await;
    match made {
        Ok(Ok((bytes, mime))) => download(bytes, &format!("{}{shown}", app.project().county), mime),
        Ok(Err(e)) => not_found(&e),
        Err(e) => server_error(&e.to_string()),
    }
}

#[derive(Deserialize)]
pub struct DiffQuery {
    a: Option<u32>,
    b: Option<u32>,
}

/// The catalogues of a stored version, read as the command line reads them.
fn version_catalogues(app: &App, rec: &Record) -> Result<Vec<crate::model::Catalogue>, String> {
    let path = app.uploads.blob(rec).ok_or("找不到已保存的草稿")?;
    Ok(crate::load::read_file(
        &path,
        app.store,
        Some(&app.project().county),
        &app.project().checks.limits,
    )
    .catalogues)
}

/// The lines of a version as compiled CSV rows, for comparing two versions.
fn version_rows(app: &App, cats: &[crate::model::Catalogue]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for cat in cats {
        let mut cat = cat.clone();
        cat.number_items();
        let mut bytes = Vec::new();
        Output::Csv
            .write(
                &cat,
                &crate::render::Options {
                    date: app.project().checks.ctx.today,
                    errors: 0,
                    warnings: 0,
                },
                &mut bytes,
            )
            .map_err(|e| e.to_string())?;
        // Without 序号 (an item added at the top would change every row) and 单位 (a title may
        // name the unit by its short or its full name).
        out.extend(
            String::from_utf8_lossy(&bytes)
                .trim_start_matches('\u{feff}')
                .lines()
                .map(|l| {
                    let mut cells: Vec<&str> = l.split(',').collect();
                    if cells.len() > 2 {
                        cells.remove(2);
                        cells.remove(0);
                    }
                    cells.join(",")
                }),
        );
    }
    Ok(out)
}

/// `GET /units/{name}/diff?a=N&b=M`: the items added, removed and changed between two
/// versions, as rows of the compiled table.
pub async fn diff(
    State(app): State<Arc<App>>,
    AxPath(name): AxPath<String>,
    Query(q): Query<DiffQuery>,
) -> Response {
    if app.slot(&name).is_none() {
        return not_found(&format!("项目中没有简称为“{name}”的单位"));
    }
    let history = app.uploads.history(&name);
    let pick = |v: Option<u32>| history.iter().find(|r| r.version == v).cloned();
    let (Some(old), Some(new)) = (pick(q.a.min(q.b)), pick(q.a.max(q.b))) else {
        return not_found("请选择两个已保存的版本");
    };
    let a = app.clone();
    let (o, n) = (old.clone(), new.clone());
    let rows = tokio::task::spawn_blocking(move || {
        let (oc, nc) = (version_catalogues(&a, &o)?, version_catalogues(&a, &n)?);
        let text = a.differ.map(|d| d(&oc, &nc));
        Ok::<_, String>((version_rows(&a, &oc)?, version_rows(&a, &nc)?, text))
    })
    .await;
    let (before, after, gkml_diff) = match rows {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return not_found(&e),
        Err(e) => return server_error(&e.to_string()),
    };
    let before: Vec<&str> = before.iter().map(String::as_str).collect();
    let after: Vec<&str> = after.iter().map(String::as_str).collect();
    let ops = similar::TextDiff::configure().diff_slices(&before, &after);
    let changes: Vec<(similar::ChangeTag, String)> = ops
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .map(|c| (c.tag(), c.value().to_string()))
        .collect();
    page(
        &format!(
            "{name} 第 {} 版与第 {} 版的比较",
            old.version.unwrap_or(0),
            new.version.unwrap_or(0)
        ),
        html! {
            nav { a href="/" { "← 全县" } a href={ "/units/" (seg(&name)) } { "← " (name) } }
            h1 { (name) "：第 " (old.version.unwrap_or(0)) " 版 → 第 " (new.version.unwrap_or(0)) " 版" }
            @if let Some(t) = &gkml_diff {
                h2 { "事项变化（gkml diff）" }
                pre { (t) }
                h2 { "逐行比较" }
            }
            @if changes.is_empty() { p { "两版的事项完全相同。" } } @else {
                p { "以标准目录的行比较（不含单位和序号两列）：“删”为旧版有而新版没有的行，“增”为新版新有的行；修改过的事项显示为一删一增。" }
                table {
                    tr { th { "" } th { "行（领域, 一级事项, 二级事项, 公开内容, …）" } }
                    @for (tag, line) in &changes {
                        tr {
                            @match tag {
                                similar::ChangeTag::Delete => { td.err { "删" } },
                                _ => { td { "增" } },
                            }
                            td { (line) }
                        }
                    }
                }
            }
        },
    )
}
