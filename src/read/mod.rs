//! Reading inputs, one module per format (TOML, CSV/TSV, workbooks), the table reader they
//! share, and the folder walk. Readers only read: they report reading problems (GK0xx, whose
//! codes live in [`codes`]) and hand over what they found; resolving unit catalogues against
//! the references is [`crate::load`]'s job, checking content is [`crate::check`]'s.

pub mod clean;
pub mod codes;
pub mod csv;
pub mod doc;
pub mod docbook;
pub mod document;
pub mod docx;
pub mod html;
pub mod numfmt;
pub(crate) mod ods;
pub mod table;
pub mod toml;
pub mod webpage;
pub mod xlsx;
pub mod xmlss;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;

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
    Diagnostic::new(&codes::FILE_UNREADABLE, format!("无法读取文件：{why}"))
        .in_file(file)
        .hint(format!("{hint}（系统信息：{e}）"))
}

/// The kinds of file gkml reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Toml,
    /// Comma-, tab- or semicolon-separated: the delimiter is read from the text.
    Csv,
    Tsv,
    /// Delimited text saved by Excel or WPS as `.txt` ("Unicode 文本", "文本文件(制表符分隔)"):
    /// usually UTF-16 and tab-separated; the delimiter is read from the text. Read when named,
    /// not when a folder is walked (a folder's `.txt` files are mostly notes).
    Text,
    Workbook,
    /// An HTML page (`.html`, `.htm`), or a single-file web page (`.mht`, `.mhtml`); a
    /// workbook or Word file whose content is HTML or MHT is read as one too.
    Html,
    /// A Word document (`.docx`).
    Docx,
    /// An old binary Word or WPS file (`.doc`, `.wps`, `.et`): reported with how to convert
    /// it, unless its content is really HTML or a zip package.
    Legacy,
}

/// The type of a file by its extension (case-insensitive), if gkml reads it.
pub fn file_type(path: &Path) -> Option<FileType> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "toml" => FileType::Toml,
        "csv" => FileType::Csv,
        "tsv" | "tab" => FileType::Tsv,
        "txt" => FileType::Text,
        // `.xml`: an Excel 2003 XML workbook; any other XML is refused when named and passed
        // over when a folder is searched.
        "xlsx" | "xlsm" | "xls" | "ods" | "xlsb" | "xml" => FileType::Workbook,
        "html" | "htm" | "xhtml" | "mht" | "mhtml" => FileType::Html,
        "docx" | "docm" => FileType::Docx,
        "doc" | "wps" | "et" => FileType::Legacy,
        _ => return None,
    })
}

impl FileType {
    /// The delimiter of a TSV (tab) table; `None` for a `.csv` or `.txt` table, whose
    /// delimiter (comma, tab or semicolon) is read from its text (`csv::sniff_delimiter`),
    /// and for other types.
    pub fn delimiter(self) -> Option<u8> {
        match self {
            FileType::Tsv => Some(b'\t'),
            _ => None,
        }
    }
}

/// The name a path is shown with in diagnostics.
pub fn display_name(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}

fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Whether a file's first bytes are an Excel 2003 XML workbook.
pub fn is_xml_workbook(p: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(p) {
        let _ = f.take(4096).read_to_end(&mut head);
    }
    xmlss::is_spreadsheet_ml(&head)
}

/// Whether a folder is the files of a web page beside it (`乐昌镇.files` or `乐昌镇_files`
/// next to `乐昌镇.htm`, as Excel and Word "save as web page"): its pages are read through
/// that page (each sheet of a workbook once), not as pages of their own.
fn is_page_folder(parent: &Path, name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".files")
        .or_else(|| name.strip_suffix("_files"))
    else {
        return false;
    };
    ["htm", "html", "HTM", "HTML"]
        .iter()
        .any(|ext| parent.join(format!("{stem}.{ext}")).is_file())
}

/// Every file `validate DIR` reads: files of supported types, recursively, sorted, skipping
/// hidden files, Office lock files (`~$…`), `target/` and the `NAME.files` folder of a web
/// page `NAME.htm`. Links to folders are not followed
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
                if name != "target" && !is_page_folder(&d, &name) {
                    stack.push(p);
                }
            } else if ft.is_symlink() && p.is_dir() {
                continue;
            } else if file_type(&p).is_some_and(|t| t != FileType::Text)
                && (!has_extension(&p, "xml") || is_xml_workbook(&p))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
