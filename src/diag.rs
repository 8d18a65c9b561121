//! Diagnostics: problems found in the user's data, with the place they were found, and their
//! text and JSON renderings (DOMAIN.md §6). Producers (readers, rules) only collect them;
//! printing lives here.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use crate::model::{Field, Item, Loc, Place};
use crate::rules::Rule;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem in the user's data. Field names and order are the JSON contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    /// Most messages and hints are fixed texts: borrowed, not copied into every diagnostic
    /// (a province-scale report holds a hundred thousand).
    pub message: Cow<'static, str>,
    pub file: Option<Arc<str>>,
    pub sheet: Option<Arc<str>>,
    pub cell: Option<String>,
    pub row: Option<u32>,
    pub column: Option<u32>,
    pub line: Option<u32>,
    pub field: Option<Field>,
    pub item: Option<String>,
    pub hint: Option<Cow<'static, str>>,
    /// The text at fault, with the part to underline (text output only; not in JSON).
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
}

/// A cell's or value's text and the character range at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// Character offsets (not bytes): start inclusive, end exclusive.
    pub start: usize,
    pub end: usize,
}

impl Diagnostic {
    /// A diagnostic for `rule` with its default severity and no place yet.
    pub fn new(rule: &Rule, message: impl Into<Cow<'static, str>>) -> Self {
        Diagnostic {
            code: rule.code,
            severity: rule.severity,
            message: message.into(),
            file: None,
            sheet: None,
            cell: None,
            row: None,
            column: None,
            line: None,
            field: None,
            item: None,
            hint: None,
            excerpt: None,
        }
    }

    /// Show `text` under the diagnostic, underlining the first `part` of it (all of it when
    /// `part` is empty or absent).
    pub fn underline(mut self, text: &str, part: &str) -> Self {
        let (start, end) = match text.find(part).filter(|_| !part.is_empty()) {
            Some(b) => {
                let start = text[..b].chars().count();
                (start, start + part.chars().count())
            }
            None => (0, text.chars().count()),
        };
        self.excerpt = Some(Excerpt {
            text: text.to_string(),
            start,
            end,
        });
        self
    }

    pub fn hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn field(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    pub fn in_file(mut self, file: &Arc<str>) -> Self {
        self.file = Some(Arc::clone(file));
        self
    }

    /// Set file and place from a location.
    pub fn at(mut self, loc: Option<&Loc>) -> Self {
        if let Some(loc) = loc {
            self.file = Some(Arc::clone(&loc.file));
            self.place(&loc.place);
        }
        self
    }

    fn place(&mut self, place: &Place) {
        match place {
            Place::None => {}
            Place::Text { line, column } => {
                self.line = Some(*line);
                self.column = Some(*column);
            }
            Place::Cell {
                sheet,
                row,
                column,
                line,
            } => {
                self.sheet = sheet.clone();
                self.row = Some(*row);
                self.column = Some(*column);
                self.cell = Some(cell_name(*row, *column));
                self.line = *line;
            }
        }
    }

    /// Point at an item's field: its place, field and `category/name`.
    pub fn on(self, item: &Item, field: Field) -> Self {
        let mut d = self.at(item.loc_of(field)).field(field);
        d.item = Some(item.label());
        d
    }

    fn sort_key(&self) -> (Option<&str>, u32, &str, u32, u32, &str) {
        (
            self.file.as_deref(),
            self.row.or(self.line).unwrap_or(0),
            self.code,
            self.column.unwrap_or(0),
            self.line.unwrap_or(0),
            &self.message,
        )
    }
}

/// The A1 name of a cell: row 7, column 5 → "E7".
pub fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &row.to_string()
}

/// Counts for the JSON `summary` and the final text line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub items: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn count(&mut self, diags: &[Diagnostic]) {
        for d in diags {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }
}

/// Sort diagnostics as the contract says: by file, sheet (or table: 表2 before 表10), row,
/// code (then column, line, message, so the order is total and output is byte-identical
/// across runs).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then_with(|| natural_cmp(a.sheet.as_deref(), b.sheet.as_deref()))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
}

/// Compare names with their runs of digits as numbers: "表2" < "表10". `None` comes first.
fn natural_cmp(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        _ => return a.cmp(&b),
    };
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut s = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        s.push(c);
                    }
                    s.trim_start_matches('0').to_string()
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let o = m.len().cmp(&n.len()).then_with(|| m.cmp(&n));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

/// The `--format json` document of `validate`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub summary: &'a Summary,
}

/// The `--format json` document of `validate`, as a string.
pub fn to_json(diags: &[Diagnostic], summary: &Summary) -> String {
    // Serialising plain data to a String cannot fail.
    serde_json::to_string_pretty(&JsonReport {
        diagnostics: diags,
        summary,
    })
    .unwrap_or_default()
}

/// Display width of a text: CJK characters take two columns.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The excerpt lines: the text (a window around the fault, one line) and a caret line under
/// the faulty part, aligned for CJK.
fn excerpt_lines(e: &Excerpt) -> String {
    let chars: Vec<char> = e
        .text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let (mut from, mut to) = (e.start.min(chars.len()), e.end.min(chars.len()));
    // A window of about 70 columns around the fault.
    let before: String = chars[..from].iter().collect();
    let mut lead = String::new();
    if width(&before) > 30 {
        let mut w = 0;
        let mut k = from;
        while k > 0 && w < 24 {
            k -= 1;
            w += width(&chars[k].to_string());
        }
        lead.push('…');
        let shift = k;
        from -= shift;
        to -= shift;
        let shown: Vec<char> = chars[shift..].to_vec();
        return render_window(&lead, &shown, from, to);
    }
    render_window(&lead, &chars, from, to)
}

fn render_window(lead: &str, chars: &[char], from: usize, to: usize) -> String {
    let mut shown: String = chars.iter().take(80).collect();
    if chars.len() > 80 {
        shown.push('…');
    }
    let pad = width(lead) + width(&chars[..from.min(chars.len())].iter().collect::<String>());
    let marks = width(
        &chars[from.min(chars.len())..to.min(chars.len())]
            .iter()
            .collect::<String>(),
    )
    .max(1);
    format!(
        "    | {lead}{shown}\n    | {}{}\n",
        " ".repeat(pad),
        "^".repeat(marks)
    )
}

/// The human rendering: diagnostics grouped by file (a header per file), each with its place
/// first so editors and terminals can jump to it, the text at fault underlined, the item and
/// a hint, in Chinese.
pub fn to_text(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for d in diags {
        let file = d.file.as_deref().unwrap_or("-");
        if current != Some(file) {
            if current.is_some() {
                out.push('\n');
            }
            let n = diags
                .iter()
                .filter(|x| x.file.as_deref().unwrap_or("-") == file)
                .count();
            let _ = writeln!(out, "== {file}（{n} 个问题）==");
            current = Some(file);
        }
        let _ = write!(out, "{file}");
        if let Some(sheet) = &d.sheet {
            let _ = write!(out, ":{sheet}!{}", d.cell.as_deref().unwrap_or(""));
        } else if let (Some(row), Some(cell)) = (d.row, &d.cell) {
            let _ = write!(out, ":第{row}行 {cell}");
        } else if let Some(line) = d.line {
            let _ = write!(out, ":{line}");
            if let Some(col) = d.column {
                let _ = write!(out, ":{col}");
            }
        }
        let _ = writeln!(out, ": {}[{}] {}", d.severity.label_zh(), d.code, d.message);
        if let Some(e) = &d.excerpt {
            out.push_str(&excerpt_lines(e));
        }
        if let Some(item) = &d.item {
            let _ = writeln!(out, "    事项：{item}");
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "    建议：{hint}");
        }
    }
    if !diags.is_empty() {
        out.push('\n');
    }
    out
}

/// GitHub Actions workflow commands: one `::error file=…,line=…::message` line each.
pub fn to_github(diags: &[Diagnostic]) -> String {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", prop(d.file.as_deref().unwrap_or("")))];
        if let Some(l) = d.line.or(d.row) {
            props.push(format!("line={l}"));
        }
        if let (Some(c), None) = (d.column, &d.sheet) {
            if d.cell.is_none() {
                props.push(format!("col={c}"));
            }
        }
        props.push(format!("title={}", prop(&format!("gkml {}", d.code))));
        let place = match (&d.sheet, &d.cell) {
            (Some(s), Some(c)) => format!("{s}!{c} "),
            (None, Some(c)) => format!("{c} "),
            _ => String::new(),
        };
        let hint = d
            .hint
            .as_deref()
            .map(|h| format!("（建议：{h}）"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{level} {}::{}",
            props.join(","),
            esc(&format!("{place}{}{hint}", d.message))
        );
    }
    out
}

/// A URI reference for a file path: forward slashes, everything but unreserved ASCII
/// percent-encoded (SARIF asks for URIs, and Chinese file names are common here).
fn file_uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// SARIF 2.1.0, for code-scanning services: one run, the rules that fired, one result per
/// diagnostic. Spreadsheet cells are logical locations (目录!E7); TOML and CSV get a region.
pub fn to_sarif(diags: &[Diagnostic]) -> String {
    use serde_json::json;
    let mut codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .filter_map(|c| crate::rules::find(c))
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.source },
                "help": { "text": r.doc },
                "defaultConfiguration": { "level": sarif_level(r.severity) }
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut location = json!({});
            if let Some(f) = &d.file {
                let mut physical = json!({ "artifactLocation": { "uri": file_uri(f) } });
                if d.sheet.is_none() {
                    if let Some(line) = d.line.or(d.row) {
                        let mut region = json!({ "startLine": line });
                        if d.cell.is_none() {
                            if let Some(c) = d.column {
                                region["startColumn"] = json!(c);
                            }
                        }
                        physical["region"] = region;
                    }
                }
                location["physicalLocation"] = physical;
            }
            if let (Some(cell), sheet) = (&d.cell, &d.sheet) {
                let name = match sheet {
                    Some(s) => format!("{s}!{cell}"),
                    None => cell.clone(),
                };
                location["logicalLocations"] =
                    json!([{ "fullyQualifiedName": name, "kind": "element" }]);
            }
            let mut text = d.message.to_string();
            if let Some(item) = &d.item {
                text.push_str(&format!("（事项：{item}）"));
            }
            if let Some(h) = &d.hint {
                text.push_str(&format!(" 建议：{h}"));
            }
            json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [location]
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gkml",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gkml/gkml",
                "rules": rules
            } },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The closing line of a text report.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "共检查 {} 个文件、{} 个事项：{} 个错误，{} 个警告，{} 个提示",
        s.files, s.items, s.errors, s.warnings, s.infos
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(7, 5), "E7");
        assert_eq!(cell_name(1, 26), "Z1");
        assert_eq!(cell_name(3, 27), "AA3");
        assert_eq!(cell_name(10, 52), "AZ10");
    }

    #[test]
    fn tables_sort_by_number_before_row() {
        let at = |sheet: Option<&str>, row: u32| {
            let mut d = Diagnostic::new(&crate::rules::HEADER_NOT_FOUND, "x");
            d.sheet = sheet.map(Arc::from);
            d.row = Some(row);
            d
        };
        let mut v = vec![
            at(Some("表10"), 1),
            at(Some("表2"), 9),
            at(None, 5),
            at(Some("表2"), 3),
        ];
        sort(&mut v);
        let got: Vec<(Option<&str>, Option<u32>)> =
            v.iter().map(|d| (d.sheet.as_deref(), d.row)).collect();
        assert_eq!(
            got,
            [
                (None, Some(5)),
                (Some("表2"), Some(3)),
                (Some("表2"), Some(9)),
                (Some("表10"), Some(1))
            ]
        );
    }
}
