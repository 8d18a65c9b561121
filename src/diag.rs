//! Diagnostics as plain data: problems found in the user's data, with the place they were
//! found (the fields of the JSON contract, docs/CONTRACT.md). Producers (readers, rules) only
//! collect them; the printers in [`crate::print`] render them.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::model::{Field, Item, Loc, Place};

/// One rule's metadata and documentation.
#[derive(Debug)]
pub struct Rule {
    /// `GK` + 3 digits; the hundreds are the family.
    pub code: &'static str,
    /// A short name for the problem (not the fix), in CamelCase.
    pub name: &'static str,
    pub severity: Severity,
    /// One line, Chinese, as `gkml rules` lists it.
    pub summary: &'static str,
    /// The article of 《政府信息公开条例》, the guidance or the template note it enforces.
    pub source: &'static str,
    /// Markdown with the headings `## What it does`, `## Why is this bad?`, `## Example`
    /// and `Use instead:`; `gkml explain CODE` prints it.
    pub doc: &'static str,
}

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
        let mut d = self.at(item.loc_of(field).as_deref()).field(field);
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
/// Written into one buffer from its end (every diagnostic on a cell names it, so a report of
/// many diagnostics made a few allocations for each).
pub fn cell_name(row: u32, column: u32) -> String {
    // At most 7 letters (26^7 > u32::MAX) and 10 digits.
    let mut buf = [0u8; 17];
    let mut at = buf.len();
    let mut r = row;
    loop {
        at -= 1;
        buf[at] = b'0' + (r % 10) as u8;
        r /= 10;
        if r == 0 {
            break;
        }
    }
    let mut n = column;
    while n > 0 {
        at -= 1;
        buf[at] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    buf[at..].iter().map(|&b| char::from(b)).collect()
}

/// Counts for the JSON `summary` and the final text line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub items: usize,
    /// Every problem found, including those the cap left out of the list.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Diagnostics counted but not listed (over the per-code or per-file cap).
    pub omitted: usize,
}

impl Summary {
    pub fn count(&mut self, diags: &[Diagnostic]) {
        for d in diags {
            self.count_one(d);
        }
    }

    fn count_one(&mut self, d: &Diagnostic) {
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// How many diagnostics a report lists: at most `per_code` of one code and `per_file` in all
/// for one file. Everything is still counted; a junk file cannot fill memory or the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub per_code: usize,
    pub per_file: usize,
}

impl Default for Cap {
    fn default() -> Self {
        Cap::new(1_000)
    }
}

impl Cap {
    /// `--max-diagnostics N`: N of one code per file, 10 N per file; 0 lists everything.
    pub fn new(per_code: usize) -> Cap {
        if per_code == 0 {
            return Cap {
                per_code: usize::MAX,
                per_file: usize::MAX,
            };
        }
        Cap {
            per_code,
            per_file: per_code.saturating_mul(10),
        }
    }
}

/// Diagnostics as a run finds them: every one counted (severities, whether a file could not
/// be read), those within the [`Cap`] kept for the report. Memory is bounded by the cap, not
/// by the number of problems.
#[derive(Debug, Default)]
pub struct Tally {
    cap: Cap,
    kept: Vec<Diagnostic>,
    /// The diagnostics kept of each file, in the order the files were met, and the index of
    /// each file there. A diagnostic's file is nearly always the last one's (a file's are
    /// found together), which is tried first: no hash of the file's name per diagnostic.
    files: Vec<Kept>,
    index: rustc_hash::FxHashMap<Option<Arc<str>>, usize>,
    last: usize,
    counts: Summary,
    unreadable: bool,
}

/// What [`Tally`] kept of one file: how many diagnostics, and how many of each code.
#[derive(Debug)]
struct Kept {
    file: Option<Arc<str>>,
    all: usize,
    per_code: rustc_hash::FxHashMap<&'static str, usize>,
}

impl Tally {
    pub fn new(cap: Cap) -> Tally {
        Tally {
            cap,
            ..Tally::default()
        }
    }

    /// Count a diagnostic, and keep it if the cap allows.
    pub fn push(&mut self, d: Diagnostic) {
        self.counts.count_one(&d);
        if d.severity == Severity::Error && d.code.starts_with("GK0") {
            self.unreadable = true;
        }
        let cap = self.cap;
        let i = self.file_index(&d.file);
        if let Some(kept) = self.files.get_mut(i) {
            let code = kept.per_code.entry(d.code).or_insert(0);
            if *code >= cap.per_code || kept.all >= cap.per_file {
                self.counts.omitted += 1;
                return;
            }
            *code += 1;
            kept.all += 1;
        }
        self.kept.push(d);
    }

    /// The index of `file` in `files`, added if new.
    fn file_index(&mut self, file: &Option<Arc<str>>) -> usize {
        let same = |k: &Kept| match (&k.file, file) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
            (a, b) => a.is_none() && b.is_none(),
        };
        if !self.files.get(self.last).is_some_and(same) {
            let files = &mut self.files;
            self.last = *self.index.entry(file.clone()).or_insert_with(|| {
                files.push(Kept {
                    file: file.clone(),
                    all: 0,
                    per_code: Default::default(),
                });
                files.len() - 1
            });
        }
        self.last
    }

    pub fn extend(&mut self, diags: impl IntoIterator<Item = Diagnostic>) {
        for d in diags {
            self.push(d);
        }
    }

    /// Whether an error was found (listed or not), and whether a file could not be read.
    pub fn has_errors(&self) -> bool {
        self.counts.errors > 0
    }

    pub fn unreadable(&self) -> bool {
        self.unreadable
    }

    /// The diagnostics kept, sorted, and the counts of everything found (`files` and `items`
    /// are the caller's).
    pub fn finish(self) -> (Vec<Diagnostic>, Summary) {
        let mut kept = self.kept;
        sort(&mut kept);
        (kept, self.counts)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The cap counts per file and per code of a file, whichever file came last: files met
    /// again after others, the same file named by another `Arc`, and diagnostics with no file.
    #[test]
    fn the_tally_keeps_at_most_the_cap_of_each_code_and_of_each_file() {
        let rules = crate::rules::RULES;
        let (x, y, z) = (rules[0], rules[1], rules[2]);
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("a.csv"), Arc::from("b.csv"));
        let a_again: Arc<str> = Arc::from("a.csv");
        let mut tally = Tally::new(Cap {
            per_code: 2,
            per_file: 3,
        });
        let pushes: [(Option<&Arc<str>>, &Rule); 12] = [
            (Some(&a), x),       // kept: a 1, a/x 1
            (Some(&b), x),       // kept: b 1
            (Some(&a_again), x), // kept: a 2, a/x 2
            (Some(&a), x),       // omitted: a/x full
            (None, x),           // kept
            (Some(&a), y),       // kept: a 3
            (Some(&a), z),       // omitted: a full
            (Some(&b), x),       // kept: b/x 2
            (Some(&b), x),       // omitted: b/x full
            (None, x),           // kept
            (None, x),           // omitted
            (Some(&b), y),       // kept: b 3
        ];
        for (file, rule) in pushes {
            let d = Diagnostic::new(rule, "m");
            tally.push(match file {
                Some(f) => d.in_file(f),
                None => d,
            });
        }
        let (kept, summary) = tally.finish();
        assert_eq!(kept.len(), 8);
        assert_eq!(summary.omitted, 4);
        let of = |f: Option<&str>| kept.iter().filter(|d| d.file.as_deref() == f).count();
        assert_eq!((of(Some("a.csv")), of(Some("b.csv")), of(None)), (3, 3, 2));
    }

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(7, 5), "E7");
        assert_eq!(cell_name(1, 26), "Z1");
        assert_eq!(cell_name(3, 27), "AA3");
        assert_eq!(cell_name(10, 52), "AZ10");
        // As the letters-then-number reading it replaced wrote them, at the extremes too.
        let reference = |row: u32, column: u32| {
            let mut letters = Vec::new();
            let mut n = column;
            while n > 0 {
                letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
                n = (n - 1) / 26;
            }
            letters.iter().rev().collect::<String>() + &row.to_string()
        };
        for row in [0, 1, 9, 10, 99, 100, 65_536, 1_048_576, u32::MAX] {
            for column in (0..1000).chain([16_384, 475_254, 475_255, u32::MAX]) {
                assert_eq!(
                    cell_name(row, column),
                    reference(row, column),
                    "{row} {column}"
                );
            }
        }
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
