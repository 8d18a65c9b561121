//! Limits on what gkml reads, so that a hostile or broken file is refused with a clear
//! message instead of exhausting memory or the stack: file size, a workbook's decompressed
//! size and declared sheet dimensions (zip bombs), repeated cells (OpenDocument), columns,
//! rows, cell length, TOML nesting. The command line builds one value (`--max-input-mb`,
//! `--max-rows`, `--max-cell-chars`) and passes it down to every reader; there is no
//! process-wide setting, so a library caller (the server, a test) may read with other limits.

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file, and largest decompressed workbook, in bytes.
    pub max_input_bytes: u64,
    /// Most cells a sheet may declare (its `<dimension>`).
    pub max_sheet_cells: u64,
    /// Most non-empty cells an OpenDocument sheet may declare only through
    /// `number-rows-repeated` / `number-columns-repeated` (a repeat bomb).
    pub max_repeated_cells: u64,
    /// Most columns read from one table (a one-record CSV with 400,000 columns).
    pub max_columns: usize,
    /// Most rows read from one table.
    pub max_rows: u64,
    /// Longest cell, in characters (Excel's own limit is 32,767).
    pub max_cell_chars: usize,
    /// Deepest nesting of arrays and tables in a TOML file.
    pub max_toml_depth: usize,
}

impl Limits {
    /// The limits when the command line says nothing.
    pub const DEFAULT: Limits = Limits {
        max_input_bytes: 2 * 1024 * 1024 * 1024,
        max_sheet_cells: 50_000_000,
        max_repeated_cells: 100_000,
        max_columns: 16_384,
        max_rows: 5_000_000,
        max_cell_chars: 32_767,
        max_toml_depth: 64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// How deep arrays and inline tables nest in a TOML text, ignoring brackets inside strings
/// and comments. (The TOML parser recurses per level; a file of 100,000 `[` would overflow
/// the stack, which no Rust code can catch.)
pub fn toml_depth(src: &str) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    let mut chars = src.chars().peekable();
    let mut in_str: Option<char> = None;
    let mut at_line_start = true;
    while let Some(c) = chars.next() {
        match in_str {
            Some(q) => {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    in_str = None;
                }
            }
            None => match c {
                '"' | '\'' => in_str = Some(c),
                '#' => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                    at_line_start = true;
                    continue;
                }
                '[' | '{' => {
                    // [table] and [[array]] headers at the start of a line are not nesting.
                    if !(at_line_start && c == '[') || depth > 0 {
                        depth += 1;
                        max = max.max(depth);
                    } else {
                        for n in chars.by_ref() {
                            if n == '\n' {
                                break;
                            }
                        }
                        at_line_start = true;
                        continue;
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        if c == '\n' {
            at_line_start = in_str.is_none() && depth == 0;
        } else if !c.is_whitespace() {
            at_line_start = false;
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_ignores_headers_strings_and_comments() {
        assert_eq!(
            toml_depth("[[items]]\nname = \"[[[\" # [[[[\nchannels = [\"a\", \"b\"]\n"),
            1
        );
        assert_eq!(toml_depth("a = [[[1]]]\n"), 3);
        assert_eq!(toml_depth("a = { b = { c = [1] } }\n"), 3);
        let deep = format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(toml_depth(&deep), 10_000);
    }
}
