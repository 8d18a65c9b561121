//! The human rendering: grouped by file, place first, the text at fault underlined (CJK
//! characters two columns wide), the item and a hint, in Chinese.

use std::fmt::Write as _;

use crate::diag::{Diagnostic, Excerpt, Summary};

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
    use crate::escape::escape_controls as esc;
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for d in diags {
        let raw_file = d.file.as_deref().unwrap_or("-");
        // Values from the user's files are shown with control characters escaped.
        let file = esc(raw_file);
        if current != Some(raw_file) {
            if current.is_some() {
                out.push('\n');
            }
            let n = diags
                .iter()
                .filter(|x| x.file.as_deref().unwrap_or("-") == raw_file)
                .count();
            let _ = writeln!(out, "== {file}（{n} 个问题）==");
            current = Some(raw_file);
        }
        let _ = write!(out, "{file}");
        if let Some(sheet) = &d.sheet {
            let _ = write!(out, ":{}!{}", esc(sheet), d.cell.as_deref().unwrap_or(""));
        } else if let (Some(row), Some(cell)) = (d.row, &d.cell) {
            let _ = write!(out, ":第{row}行 {cell}");
        } else if let Some(line) = d.line {
            let _ = write!(out, ":{line}");
            if let Some(col) = d.column {
                let _ = write!(out, ":{col}");
            }
        }
        let _ = writeln!(
            out,
            ": {}[{}] {}",
            d.severity.label_zh(),
            d.code,
            esc(&d.message)
        );
        if let Some(e) = &d.excerpt {
            out.push_str(&crate::escape::escape_for_terminal(&excerpt_lines(e)));
        }
        if let Some(item) = &d.item {
            let _ = writeln!(out, "    事项：{}", esc(item));
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "    建议：{}", esc(hint));
        }
    }
    if !diags.is_empty() {
        out.push('\n');
    }
    out
}

/// The closing line of a text report.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "共检查 {} 个文件、{} 个事项：{} 个错误，{} 个警告，{} 个提示",
        s.files, s.items, s.errors, s.warnings, s.infos
    );
    if s.omitted > 0 {
        line.push_str(&format!(
            "（另有 {} 个同类问题未逐条列出；--max-diagnostics 0 可全部列出）",
            s.omitted
        ));
    }
    line
}
