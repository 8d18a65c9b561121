//! Loading one input: read it with the reader its type calls for and, for a unit catalogue,
//! resolve it against the reference catalogues. What comes back is every catalogue the file
//! holds (several for a county-wide table with a 单位 column) and the diagnostics of reading
//! and resolving it; content checks run after, in [`crate::check`].

use std::path::Path;
use std::sync::Arc;

use crate::catalogues::Store;
use crate::diag::Diagnostic;
use crate::limits::Limits;
use crate::model::Catalogue;
use crate::read::doc::Ole;
use crate::read::toml::{self, ProjectSpec, TomlDoc};
use crate::read::{
    self as read, codes, csv, display_name, doc, docbook, document, docx, file_type, html, table,
    unreadable, xlsx, FileType,
};
use crate::resolve::resolve;

/// What reading one file gave: its catalogues (several for a county-wide table with a 单位
/// column) and every diagnostic of reading and resolving it.
#[derive(Debug)]
pub struct FileRead {
    pub file: Arc<str>,
    pub catalogues: Vec<Catalogue>,
    pub diags: Vec<Diagnostic>,
    /// Set for a county project file.
    pub project: Option<ProjectSpec>,
}

impl FileRead {
    /// What a table reader gave for a file that is not a project.
    pub fn read(file: Arc<str>, catalogues: Vec<Catalogue>, diags: Vec<Diagnostic>) -> Self {
        FileRead {
            file,
            catalogues,
            diags,
            project: None,
        }
    }

    pub fn failed(file: Arc<str>, d: Diagnostic) -> Self {
        FileRead {
            file,
            catalogues: Vec::new(),
            diags: vec![d],
            project: None,
        }
    }
}

/// Read one file. `county` is the project's county, used when a unit file does not name one;
/// `limits` bound what is read (the command line's `--max-*`, else the defaults).
pub fn read_file(path: &Path, store: &Store, county: Option<&str>, limits: &Limits) -> FileRead {
    read_file_with(path, &|| store, county, limits)
}

/// [`read_file`] with the reference catalogues asked for only when the file needs them (a
/// unit's TOML that extends them): reading a CSV or spreadsheet draft never parses the
/// references, which would cost a small draft's compile most of its time.
pub fn read_file_with<'s>(
    path: &Path,
    store: &dyn Fn() -> &'s Store,
    county: Option<&str>,
    limits: &Limits,
) -> FileRead {
    // No output of this run may overwrite what it reads (`fsutil::refuse_input`).
    crate::fsutil::note_input(path);
    let file = display_name(path);
    if path.is_dir() {
        return FileRead::failed(
            file.clone(),
            Diagnostic::new(&codes::FILE_UNREADABLE, "这是一个文件夹，不是文件")
                .in_file(&file)
                .hint("validate 可直接检查文件夹；compile 需要单位目录文件或含 county.toml 的项目文件夹"),
        );
    }
    let Some(ty) = file_type(path) else {
        return FileRead::failed(
            file.clone(),
            Diagnostic::new(&codes::UNSUPPORTED_FILE, "不支持的文件类型")
                .in_file(&file)
                .hint("gkml 读取 .toml、.csv、.tsv、.txt（逗号、制表符或分号分隔）、.xlsx、.xlsm、.xls、.ods、Excel 2003 .xml、.html、.htm、.mht、.docx、.doc 文件"),
        );
    };
    if let Ok(meta) = std::fs::metadata(path) {
        // A FIFO, socket or device would block or never end: only regular files are read.
        if !meta.is_file() {
            return FileRead::failed(
                file.clone(),
                Diagnostic::new(
                    &codes::FILE_UNREADABLE,
                    "这不是普通文件（可能是管道、设备或套接字），未读取",
                )
                .in_file(&file)
                .hint("指定保存在磁盘上的目录文件"),
            );
        }
        if meta.len() > limits.max_input_bytes {
            return FileRead::failed(
                file.clone(),
                Diagnostic::new(
                    &codes::INPUT_TOO_LARGE,
                    format!(
                        "文件有 {} MB，超过读取上限 {} MB",
                        meta.len() >> 20,
                        limits.max_input_bytes >> 20
                    ),
                )
                .in_file(&file)
                .hint("确认文件内容；确需读取时用 --max-input-mb 提高上限"),
            );
        }
    }
    // The unit a draft that names none is given: its file name, read as a title would be.
    let stem =
        table::unit_from_file_stem(path.file_stem().and_then(|s| s.to_str()).unwrap_or("目录"));
    match ty {
        FileType::Toml => read_toml(path, &file, store(), county, limits),
        FileType::Csv | FileType::Tsv | FileType::Text => {
            match csv::open(path, &file, ty.delimiter(), limits) {
                Ok(mut rows) => {
                    let (catalogues, mut diags) =
                        table::read_rows(&file, None, rows.by_ref(), &stem, limits);
                    diags.extend(rows.take_warnings());
                    FileRead::read(file, catalogues, diags)
                }
                Err(d) => FileRead::failed(file, d),
            }
        }
        FileType::Workbook if read::is_xml_workbook(path) => read_xml_workbook(path, file, &stem, limits),
        FileType::Workbook
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml")) =>
        {
            FileRead::failed(
                file.clone(),
                Diagnostic::new(&codes::UNSUPPORTED_FILE, "这个 XML 文件不是 Excel 2003 XML 工作簿，不支持")
                    .in_file(&file)
                    .hint("gkml 只读取 Excel/WPS “XML 表格”（Excel 2003 XML）格式的 .xml；其他 XML 请在 Excel/WPS 中打开后另存为 .xlsx"),
            )
        }
        FileType::Workbook if head_is_html(path) => {
            read_document(path, &file, &stem, Kind::Html, limits)
        }
        FileType::Workbook => read_workbook(path, file, &stem, limits),
        FileType::Html => read_document(path, &file, &stem, Kind::Html, limits),
        FileType::Docx | FileType::Legacy => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let head = head_bytes(path);
            if html::looks_like_html(&head) {
                read_document(path, &file, &stem, Kind::Html, limits)
            } else if head.starts_with(b"PK") && ext == "et" {
                read_workbook(path, file, &stem, limits)
            } else if head.starts_with(b"PK") {
                read_document(path, &file, &stem, Kind::Docx, limits)
            } else if ty == FileType::Docx && !doc::is_ole(&head) {
                // Neither a zip nor an old binary file: let the docx reader say why.
                read_document(path, &file, &stem, Kind::Docx, limits)
            } else if ext != "et" && doc::is_ole(&head) {
                match ole_kind(path) {
                    // A damaged file gets the Word reader's reason (GK005).
                    Some(Ole::Word) | None => read_document(path, &file, &stem, Kind::Doc, limits),
                    // An .xls under a Word name: read by content, as a lying workbook name is.
                    Some(Ole::Workbook) => read_workbook(path, file, &stem, limits),
                    Some(Ole::Other) => FileRead::failed(file.clone(), docx::legacy(&file, &ext)),
                }
            } else {
                let ext = if head.starts_with(b"{\\rtf") {
                    // Rich Text saved under a Word name, as some systems export "Word".
                    "rtf"
                } else if ty == FileType::Docx {
                    "doc"
                } else {
                    &ext
                };
                FileRead::failed(file.clone(), docx::legacy(&file, ext))
            }
        }
    }
}

/// The first bytes of a file (none if it cannot be read: the reader then says why).
fn head_bytes(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(2048).read_to_end(&mut head);
    }
    head
}

/// Whether a workbook is really an HTML page (an .xls "downloaded as Excel" from a portal,
/// Excel's "save as web page").
fn head_is_html(path: &Path) -> bool {
    html::looks_like_html(&head_bytes(path))
}

/// What an old binary file holds (a Word document, a workbook), whatever its name says.
fn ole_kind(path: &Path) -> Option<Ole> {
    std::fs::File::open(path).ok().and_then(doc::ole_kind)
}

/// The kinds of document with tables.
#[derive(Clone, Copy)]
enum Kind {
    Html,
    Docx,
    /// Word 97–2003 binary (`.doc`, `.wps`).
    Doc,
}

impl Kind {
    /// The document's kind as diagnostics name it.
    fn what(self) -> &'static str {
        match self {
            Kind::Html => "网页",
            Kind::Docx | Kind::Doc => "Word 文档",
        }
    }

    fn tables(
        self,
        bytes: &[u8],
        file: &Arc<str>,
        limits: &Limits,
    ) -> Result<Vec<document::DocTable>, Diagnostic> {
        match self {
            Kind::Html => html::read_bytes(bytes, file),
            Kind::Docx => docx::read_bytes(bytes, file, limits),
            Kind::Doc => doc::read_bytes(bytes, file, limits),
        }
    }
}

/// Whether `read_file` reads a file as a document (an HTML page, also under a workbook's
/// name, or a Word file), and as which: the same sniffing as its dispatch.
fn document_kind(path: &Path) -> Option<Kind> {
    match file_type(path)? {
        FileType::Workbook => head_is_html(path).then_some(Kind::Html),
        FileType::Html => Some(Kind::Html),
        ty @ (FileType::Docx | FileType::Legacy) => {
            let et = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("et"));
            let head = head_bytes(path);
            if html::looks_like_html(&head) {
                Some(Kind::Html)
            } else if head.starts_with(b"PK") {
                (!et).then_some(Kind::Docx)
            } else if ty == FileType::Docx && !doc::is_ole(&head) {
                Some(Kind::Docx)
            } else if !et && doc::is_ole(&head) && ole_kind(path) != Some(Ole::Workbook) {
                Some(Kind::Doc)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The sheets of a file that `read_file` reads as a workbook though calamine cannot open it:
/// Excel's web page of several sheets (or its MHT) and an Excel 2003 XML workbook, with the
/// diagnostics of reading them; `None` for any other file. The annotated copy of such a file
/// is made from these.
///
/// # Errors
/// Inside the option: the reading error (GK0xx) of a file that cannot be read.
#[allow(clippy::type_complexity)]
pub fn other_workbook_sheets(
    path: &Path,
    file: &Arc<str>,
    limits: &Limits,
) -> Option<Result<(Vec<xlsx::Sheet>, Vec<Diagnostic>), Diagnostic>> {
    let xml = file_type(path) == Some(FileType::Workbook) && read::is_xml_workbook(path);
    if !xml && !matches!(document_kind(path), Some(Kind::Html)) {
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Some(Err(unreadable(file, &e))),
    };
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if xml {
            Some(read::xmlss::read_bytes(&bytes, file, limits))
        } else {
            web_workbook(path, file, &bytes, limits).map(Ok)
        }
    }));
    read.unwrap_or_else(|_| {
        Some(Err(Diagnostic::new(
            &codes::FILE_UNREADABLE,
            "文件已损坏，无法读取",
        )
        .in_file(file)))
    })
}

/// The tables of a file read as a document, in document order, with the kind of document
/// (网页, Word 文档); `None` for a file that is not read as one. The annotated copy of a
/// document is made from these.
///
/// # Errors
/// Inside the option: the reading error (GK0xx) of a document that cannot be read.
pub fn document_tables(
    path: &Path,
    file: &Arc<str>,
    limits: &Limits,
) -> Option<Result<(Vec<document::DocTable>, &'static str), Diagnostic>> {
    let kind = document_kind(path)?;
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Some(Err(unreadable(file, &e))),
    };
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        kind.tables(&bytes, file, limits).map(|t| (t, kind.what()))
    }));
    Some(read.unwrap_or_else(|_| {
        Err(Diagnostic::new(&codes::FILE_UNREADABLE, "文件已损坏，无法读取").in_file(file))
    }))
}

/// Read the catalogue tables of an HTML page or a Word document.
fn read_document(
    path: &Path,
    file: &Arc<str>,
    stem: &str,
    kind: Kind,
    limits: &Limits,
) -> FileRead {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return FileRead::failed(file.clone(), unreadable(file, &e)),
    };
    // Excel's web page of a workbook: its sheets, each under its name.
    if matches!(kind, Kind::Html) {
        let sheets = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            web_workbook(path, file, &bytes, limits)
        }));
        match sheets {
            Ok(Some((sheets, diags))) => {
                return read_sheets(file.clone(), sheets, diags, stem, limits);
            }
            Ok(None) => {}
            Err(_) => {
                return FileRead::failed(
                    file.clone(),
                    Diagnostic::new(&codes::FILE_UNREADABLE, "文件已损坏，无法读取")
                        .in_file(file)
                        .hint("在浏览器或 Excel/WPS 中打开检查；能打开时另存为 .xlsx 后再试"),
                )
            }
        }
    }
    // The parsers run on untrusted bytes: a panic in one is a broken file, not a crash.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let tables = kind.tables(&bytes, file, limits)?;
        Ok(document::read_tables(
            file,
            tables,
            stem,
            kind.what(),
            limits,
        ))
    }));
    match read {
        // The portal's index.html and other pages gkml writes without a catalogue.
        Ok(Ok((catalogues, _)))
            if catalogues.is_empty()
                && memchr::memmem::find(&bytes, br#"name="generator" content="gkml"#).is_some() =>
        {
            FileRead {
                file: file.clone(),
                catalogues,
                diags: vec![Diagnostic::new(
                    &codes::COUNTY_FILE,
                    "这是 gkml 写出的索引页，不是公开事项目录，未读取",
                )
                .in_file(file)
                .hint("检查各单位的目录请用其 .html/.xlsx/.csv 文件")],
                project: None,
            }
        }
        Ok(Ok((catalogues, mut diags))) => {
            once_per_file(&mut diags);
            FileRead::read(file.clone(), catalogues, diags)
        }
        Ok(Err(d)) => FileRead::failed(file.clone(), d),
        Err(_) => FileRead::failed(
            file.clone(),
            Diagnostic::new(&codes::FILE_UNREADABLE, "文件已损坏，无法读取")
                .in_file(file)
                .hint("在浏览器或 WPS/Word 中打开检查；能打开时另存后再试"),
        ),
    }
}

/// The sheets of Excel's "save as web page" of a workbook (several sheets): a frameset page
/// whose `NAME.files/sheet001.htm` … pages are on disk beside it, or parts of the same MHT.
/// Each sheet's page is read as HTML and its largest table laid out as the sheet's rows, so
/// places read `社会救助!E7`. `None` for any other page. A sheet whose page is missing is
/// reported (GK001) and the others are read.
fn web_workbook(
    path: &Path,
    file: &Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> Option<(Vec<xlsx::Sheet>, Vec<Diagnostic>)> {
    use crate::read::webpage;
    let mht = webpage::is_mht(bytes);
    let parts = if mht {
        webpage::parts(bytes).unwrap_or_default()
    } else {
        Vec::new()
    };
    let page = if mht {
        webpage::main_page(&parts)?
    } else {
        // Most pages are not a workbook's: say so from the bytes (the sheet list's tag is ASCII
        // in every encoding Excel saves a page in but UTF-16), without decoding the whole page
        // a second time before it is read.
        let utf16 = matches!(
            encoding_rs::Encoding::for_bom(bytes),
            Some((enc, _)) if enc != encoding_rs::UTF_8
        );
        const TAG: &[u8] = b"<x:excelworksheet>";
        if !utf16
            && !bytes
                .windows(TAG.len())
                .any(|w| w.eq_ignore_ascii_case(TAG))
        {
            return None;
        }
        bytes.to_vec()
    };
    let (text, _) = html::decode(&page);
    let listed = webpage::workbook_sheets(&text);
    if listed.is_empty() {
        return None;
    }
    let mut sheets = Vec::new();
    let mut diags = Vec::new();
    for (name, href) in listed {
        let found = if mht {
            webpage::part_for(&parts, &href).map(webpage::Part::html)
        } else {
            webpage::linked_file(path, &href)
        };
        let Some(sheet_page) = found else {
            let mut d = Diagnostic::new(
                &codes::FILE_UNREADABLE,
                format!("工作表“{name}”的网页 {href} 找不到，该表未读取"),
            )
            .in_file(file)
            .hint("“另存为网页”的工作簿由主网页和同名的 .files 文件夹组成，请连同文件夹一起复制；或在 Excel/WPS 中打开后另存为 .xlsx");
            d.sheet = Some(Arc::from(name.as_str()));
            diags.push(d);
            continue;
        };
        // A hidden sheet says so in its own page's options, as in a workbook: not read.
        let options = html::decode(&sheet_page).0.to_ascii_lowercase();
        if options.contains("<x:visible>sheethidden</x:visible>")
            || options.contains("<x:visible>sheetveryhidden</x:visible>")
        {
            let mut d = Diagnostic::new(
                &codes::HIDDEN_SHEET,
                format!("工作表“{name}”是隐藏的，未读取"),
            )
            .in_file(file)
            .hint("如其中有目录事项，在 Excel/WPS 中取消隐藏（右键工作表标签 → 取消隐藏）");
            d.sheet = Some(Arc::from(name.as_str()));
            diags.push(d);
            continue;
        }
        let tables = match html::read_bytes(&sheet_page, file) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let mut rows: Vec<table::RawRow> = Vec::new();
        for t in &tables {
            match document::layout(file, t, limits) {
                Ok(r) if r.len() > rows.len() => rows = r,
                Ok(_) => {}
                Err(d) => diags.push(d),
            }
        }
        if rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.trim().is_empty()))
        {
            let mut d = Diagnostic::new(&codes::EMPTY_SHEET, format!("工作表“{name}”是空的"))
                .in_file(file)
                .hint("无需处理；如不需要可删除该工作表");
            d.sheet = Some(Arc::from(name.as_str()));
            diags.push(d);
            continue;
        }
        // Hidden columns that hold something: read, and reported as a workbook's are.
        let hidden: Vec<(u32, String)> = webpage::hidden_columns(&options)
            .into_iter()
            .filter_map(|c| {
                let i = c as usize;
                let r = rows.iter().find(|r| {
                    r.cells.get(i).is_some_and(|v| !v.trim().is_empty())
                        && !r.merged.get(i).copied().unwrap_or(false)
                })?;
                Some((c, crate::diag::cell_name(r.row, c + 1)))
            })
            .collect();
        if !hidden.is_empty() {
            diags.push(xlsx::hidden_columns_warning(file, &name, &hidden));
        }
        sheets.push(xlsx::Sheet {
            name: Arc::from(name),
            rows,
        });
    }
    Some((sheets, diags))
}

/// The note that a file is Traditional (GK020) is said once per file, not per sheet or table.
fn once_per_file(diags: &mut Vec<Diagnostic>) {
    let mut seen = false;
    diags.retain(|d| {
        let repeat = d.code == codes::TRADITIONAL_CONVERTED.code && seen;
        seen |= d.code == codes::TRADITIONAL_CONVERTED.code;
        !repeat
    });
}

/// Read every visible sheet of an Excel 2003 XML workbook (`.xml`, or under an `.xls` name).
fn read_xml_workbook(path: &Path, file: Arc<str>, stem: &str, limits: &Limits) -> FileRead {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return FileRead::failed(file.clone(), unreadable(&file, &e)),
    };
    match read::xmlss::read_bytes(&bytes, &file, limits) {
        Ok((sheets, diags)) => read_sheets(file, sheets, diags, stem, limits),
        Err(d) => FileRead::failed(file, d),
    }
}

/// Read every visible sheet of a workbook.
fn read_workbook(path: &Path, file: Arc<str>, stem: &str, limits: &Limits) -> FileRead {
    // The annotated copy of a document is read as the document was.
    if docbook::is_document_book(path) {
        match docbook::read(path, &file, limits) {
            Ok(Some((s, tables))) => {
                let unit = if s.unit.is_empty() { stem } else { &s.unit };
                let (catalogues, mut diags) =
                    document::read_tables(&file, tables, unit, &s.what, limits);
                once_per_file(&mut diags);
                return FileRead::read(file, catalogues, diags);
            }
            Ok(None) => {}
            Err(d) => return FileRead::failed(file, d),
        }
    }
    match xlsx::read_sheets(path, &file, limits) {
        Ok((sheets, sheet_diags)) => read_sheets(file, sheets, sheet_diags, stem, limits),
        Err(d) => FileRead::failed(file, d),
    }
}

/// The catalogues of a workbook's sheets (read from an .xlsx, .xls, .ods, an Excel 2003 XML
/// workbook or Excel's web page of several sheets), with the diagnostics of reading them.
fn read_sheets(
    file: Arc<str>,
    sheets: Vec<xlsx::Sheet>,
    sheet_diags: Vec<Diagnostic>,
    stem: &str,
    limits: &Limits,
) -> FileRead {
    let stem = stem.to_string();
    let mut catalogues: Vec<Catalogue> = Vec::new();
    let mut diags = sheet_diags;
    let mut header_errors = Vec::new();
    for sheet in sheets {
        let (cats, d) = table::read_rows(
            &file,
            Some(sheet.name.clone()),
            sheet.rows.into_iter().map(Ok),
            &stem,
            limits,
        );
        // A sheet with no header (a cover, notes) is only an error if no sheet has one.
        if cats.is_empty() && d.iter().any(|x| x.code == codes::HEADER_NOT_FOUND.code) {
            header_errors.extend(d);
            continue;
        }
        diags.extend(d);
        crate::model::merge_units(&mut catalogues, cats);
    }
    if catalogues.is_empty() {
        if header_errors.is_empty() {
            header_errors.push(
                Diagnostic::new(&codes::HEADER_NOT_FOUND, "工作簿中没有内容")
                    .in_file(&file)
                    .hint("确认文件是目录表格"),
            );
        }
        diags.extend(header_errors);
    }
    for c in &mut catalogues {
        c.normalise_order();
    }
    once_per_file(&mut diags);
    FileRead::read(file, catalogues, diags)
}

fn read_toml(
    path: &Path,
    file: &Arc<str>,
    store: &Store,
    county: Option<&str>,
    limits: &Limits,
) -> FileRead {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return FileRead::failed(file.clone(), unreadable(file, &e)),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let mut d = Diagnostic::new(&codes::BAD_ENCODING, "TOML 文件不是 UTF-8 编码")
                .in_file(file)
                .hint("用编辑器另存为 UTF-8（TOML 规定必须是 UTF-8；GBK、Big5 等编码都不行）");
            d.line = Some(line);
            return FileRead::failed(file.clone(), d);
        }
    };
    let depth = crate::limits::toml_depth(&text);
    if depth > limits.max_toml_depth {
        return FileRead::failed(
            file.clone(),
            Diagnostic::new(
                &codes::INPUT_TOO_LARGE,
                format!("TOML 数组或表嵌套了 {depth} 层，超过上限"),
            )
            .in_file(file)
            .hint("目录文件的嵌套不超过三四层；检查是否有成串的 [ 或 {"),
        );
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let (doc, mut diags) = toml::parse(file, &text, base);
    let (catalogues, project) = match doc {
        None => (Vec::new(), None),
        Some(TomlDoc::Reference(c)) => (vec![c], None),
        Some(TomlDoc::Unit(mut spec)) => {
            if spec.unit.county.is_none() {
                spec.unit.county = county.map(str::to_string);
            }
            let (c, d) = resolve(&spec, store);
            diags.extend(d);
            (vec![c], None)
        }
        Some(TomlDoc::Project(p)) => {
            for u in &p.units {
                let (unit_path, loc) = (&u.path, &u.loc);
                if !unit_path.is_file() {
                    diags.push(
                        Diagnostic::new(
                            &codes::FILE_UNREADABLE,
                            format!("项目列出的单位文件不存在：{}", unit_path.display()),
                        )
                        .at(Some(loc))
                        .hint("路径相对于 county.toml 所在的文件夹"),
                    );
                }
            }
            (Vec::new(), Some(p))
        }
    };
    FileRead {
        file: file.clone(),
        catalogues,
        diags,
        project,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Reading a draft table never parses the reference catalogues (a small draft's compile
    /// spent most of its time there); a unit TOML that extends them asks for them once.
    #[test]
    fn only_a_unit_toml_asks_for_the_references() {
        let dir = tempfile::tempdir().expect("tmp");
        let csv = dir.path().join("甲镇.csv");
        std::fs::write(
            &csv,
            "\u{feff}序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\r\n1,低保,低保对象认定,对象和标准,《社会救助暂行办法》,20个工作日内,甲镇人民政府,政府网站,全社会,主动\r\n",
        )
        .expect("write");
        let asked = Cell::new(0);
        let store = || {
            asked.set(asked.get() + 1);
            Store::embedded()
        };
        let fr = read_file_with(&csv, &store, None, &Limits::default());
        assert_eq!(fr.catalogues.len(), 1);
        assert_eq!(asked.get(), 0, "a CSV draft asked for the references");

        let unit = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/units/鱼岳镇.toml");
        let fr = read_file_with(&unit, &store, Some("嘉鱼县"), &Limits::default());
        assert_eq!(fr.catalogues.len(), 1);
        assert!(fr.catalogues[0].item_count() > 0);
        assert_eq!(
            asked.get(),
            1,
            "a unit TOML must resolve against the references"
        );
    }
}
