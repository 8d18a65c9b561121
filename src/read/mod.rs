//! Reading inputs: dispatch by file type, resolve unit catalogues against the references, and
//! walk folders and county projects. Readers report GK0xx diagnostics; content rules run later.

pub mod clean;
pub mod csv;
pub mod table;
pub mod toml;
pub mod xlsx;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogues::Store;
use crate::diag::Diagnostic;
use crate::model::Catalogue;
use crate::resolve::resolve;
use crate::rules;

use self::toml::{ProjectSpec, TomlDoc};

/// GK001 for a file that cannot be read, with the reason in Chinese (the OS's own text is
/// English: "No such file or directory (os error 2)") and what to do about it.
pub fn unreadable(file: &Arc<str>, e: &std::io::Error) -> Diagnostic {
    use std::io::ErrorKind as K;
    let (why, hint) = match e.kind() {
        K::NotFound => ("文件不存在", "检查路径和文件名（含扩展名）是否写对"),
        K::PermissionDenied => (
            "没有读取该文件的权限",
            "请用有权限的账户运行，或修改文件权限",
        ),
        K::IsADirectory => (
            "这是一个文件夹，不是文件",
            "指定文件夹中的目录文件，或直接指定文件夹",
        ),
        K::InvalidData => (
            "文件内容无法读取",
            "确认文件未损坏；可在 Excel/WPS 中打开后重新保存",
        ),
        K::UnexpectedEof => ("文件不完整（内容被截断）", "重新复制或下载该文件"),
        _ => ("读取文件时出错", "检查路径、文件权限和磁盘"),
    };
    Diagnostic::new(&rules::FILE_UNREADABLE, format!("无法读取文件：{why}"))
        .in_file(file)
        .hint(format!("{hint}（系统信息：{e}）"))
}

/// The kinds of file gkml reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Toml,
    Csv,
    Tsv,
    Workbook,
}

/// The type of a file by its extension (case-insensitive), if gkml reads it.
pub fn file_type(path: &Path) -> Option<FileType> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "toml" => FileType::Toml,
        "csv" => FileType::Csv,
        "tsv" | "tab" => FileType::Tsv,
        "xlsx" | "xlsm" | "xls" | "ods" | "xlsb" => FileType::Workbook,
        _ => return None,
    })
}

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
    fn failed(file: Arc<str>, d: Diagnostic) -> Self {
        FileRead {
            file,
            catalogues: Vec::new(),
            diags: vec![d],
            project: None,
        }
    }
}

/// The name a path is shown with in diagnostics.
pub fn display_name(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}

/// Read one file. `county` is the project's county, used when a unit file does not name one.
pub fn read_file(path: &Path, store: &Store, county: Option<&str>) -> FileRead {
    // No output of this run may overwrite what it reads (`fsutil::refuse_input`).
    crate::fsutil::note_input(path);
    let file = display_name(path);
    if path.is_dir() {
        return FileRead::failed(
            file.clone(),
            Diagnostic::new(&rules::FILE_UNREADABLE, "这是一个文件夹，不是文件")
                .in_file(&file)
                .hint("validate 可直接检查文件夹；compile 需要单位目录文件或含 county.toml 的项目文件夹"),
        );
    }
    let Some(ty) = file_type(path) else {
        return FileRead::failed(
            file.clone(),
            Diagnostic::new(&rules::UNSUPPORTED_FILE, "不支持的文件类型")
                .in_file(&file)
                .hint("gkml 读取 .toml、.csv、.tsv、.xlsx、.xlsm、.xls、.ods 文件"),
        );
    };
    let limits = crate::limits::get();
    if let Ok(meta) = std::fs::metadata(path) {
        // A FIFO, socket or device would block or never end: only regular files are read.
        if !meta.is_file() {
            return FileRead::failed(
                file.clone(),
                Diagnostic::new(
                    &rules::FILE_UNREADABLE,
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
                    &rules::INPUT_TOO_LARGE,
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
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("目录")
        .to_string();
    match ty {
        FileType::Toml => read_toml(path, &file, store, county),
        FileType::Csv | FileType::Tsv => {
            let delim = if ty == FileType::Csv { b',' } else { b'\t' };
            match csv::open(path, &file, delim) {
                Ok(mut rows) => {
                    let (catalogues, mut diags) =
                        table::read_rows(&file, None, rows.by_ref(), &stem);
                    diags.extend(rows.take_warnings());
                    FileRead {
                        file,
                        catalogues,
                        diags,
                        project: None,
                    }
                }
                Err(d) => FileRead::failed(file, d),
            }
        }
        FileType::Workbook => match xlsx::read_sheets(path, &file) {
            Ok((sheets, sheet_diags)) => {
                let mut catalogues: Vec<Catalogue> = Vec::new();
                let mut diags = sheet_diags;
                let mut header_errors = Vec::new();
                for sheet in sheets {
                    let (cats, d) = table::read_rows(
                        &file,
                        Some(sheet.name.clone()),
                        sheet.rows.into_iter().map(Ok),
                        &stem,
                    );
                    // A sheet with no header (a cover, notes) is only an error if no sheet has one.
                    if cats.is_empty() && d.iter().any(|x| x.code == rules::HEADER_NOT_FOUND.code) {
                        header_errors.extend(d);
                        continue;
                    }
                    diags.extend(d);
                    for c in cats {
                        match catalogues.iter_mut().find(|x| x.unit.name == c.unit.name) {
                            Some(x) => x.sections.extend(c.sections),
                            None => catalogues.push(c),
                        }
                    }
                }
                if catalogues.is_empty() {
                    if header_errors.is_empty() {
                        header_errors.push(
                            Diagnostic::new(&rules::HEADER_NOT_FOUND, "工作簿中没有内容")
                                .in_file(&file)
                                .hint("确认文件是目录表格"),
                        );
                    }
                    diags.extend(header_errors);
                }
                for c in &mut catalogues {
                    c.normalise_order();
                }
                FileRead {
                    file,
                    catalogues,
                    diags,
                    project: None,
                }
            }
            Err(d) => FileRead::failed(file, d),
        },
    }
}

fn read_toml(path: &Path, file: &Arc<str>, store: &Store, county: Option<&str>) -> FileRead {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return FileRead::failed(file.clone(), unreadable(file, &e)),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let mut d = Diagnostic::new(&rules::BAD_ENCODING, "TOML 文件不是 UTF-8 编码")
                .in_file(file)
                .hint("用编辑器另存为 UTF-8（TOML 规定必须是 UTF-8）");
            d.line = Some(line);
            return FileRead::failed(file.clone(), d);
        }
    };
    let depth = crate::limits::toml_depth(&text);
    if depth > crate::limits::get().max_toml_depth {
        return FileRead::failed(
            file.clone(),
            Diagnostic::new(
                &rules::INPUT_TOO_LARGE,
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
                            &rules::FILE_UNREADABLE,
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

/// Every file `validate DIR` reads: files of supported types, recursively, sorted, skipping
/// hidden files, Office lock files (`~$…`) and `target/`. Links to folders are not followed
/// and each folder is entered once (a link to `.` read every file 41 times, two never
/// finished); links to files are kept. Files that are not regular files (a FIFO named
/// `x.csv`) are listed so that `read_file` reports them instead of blocking on them.
/// `/proc`, `/sys` and `/dev` are never walked.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if ["/proc", "/sys", "/dev"]
        .iter()
        .any(|p| root.starts_with(p))
    {
        return out;
    }
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !seen.insert(d.canonicalize().unwrap_or_else(|_| d.clone())) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.filter_map(Result::ok) {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            // The entry itself, not what a link points to.
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name != "target" {
                    stack.push(p);
                }
            } else if ft.is_symlink() && p.is_dir() {
                continue;
            } else if file_type(&p).is_some() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
