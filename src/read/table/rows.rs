//! Rows: the sequential pass that places each row (blank, repeated header, note, section row
//! or item; continuation cells filled from the row above), and the conversion of an item row
//! into an [`Item`], which runs on many rows at once.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::domains::{self, SectionKey};
use crate::model::{Audience, Channel, Field, Glanced, Level, Loc, Mode, Note, Place, Seen, Spare};

use super::cells::*;
use super::header::*;
use super::{CellAt, Cells, RawRow, RowItem};
use crate::read::clean::clean_cell;
use crate::read::codes;

/// A table's header and what follows from it: everything a row needs to become an item. It is
/// shared by the threads that convert rows in parallel.
pub struct Layout {
    /// The file, sheet and unit and section names its rows share.
    names: Names,
    first_col: u32,
    cols: Vec<Option<Col>>,
    unknown_cols: Vec<(usize, String)>,
    header_cells: Vec<String>,
    /// The columns the sequential pass reads (the last one wins where several map to one).
    seq_col: Option<usize>,
    category_col: Option<usize>,
    unit_col: Option<usize>,
    domain_col: Option<usize>,
    header_row: u32,
    header_line: Option<u32>,
    has_domain_col: bool,
    /// The domain of a sheet named after one (gkml's own workbooks), or named by the title
    /// row ("…社会救助领域基层政务公开标准目录").
    sheet_section: Option<SectionKey>,
    /// The channel each mark column under 公开渠道和载体 stands for, by column (`None` for
    /// other columns): its label read once, not on every row.
    mark_channels: Vec<Option<Channel>>,
    /// What the columns a shifted row is told by expect (see [`shifted`]).
    expects: Vec<(usize, Looks)>,
    /// The 二级事项 column, where a row holding one text is an item with only a name.
    name_col: Option<usize>,
    /// The third level's column (三级事项), in a catalogue with three levels of items: its
    /// 二级事项 cells continue down the rows as 一级事项 cells do.
    sub_name_col: Option<usize>,
    /// The file is written in Traditional characters: every value is read as Simplified.
    traditional: bool,
    max_cell_chars: usize,
    /// The columns where "同上" stands for the cell above (see [`Layout::resolve_ditto`]).
    ditto_cols: Vec<usize>,
    /// The unit a 公开时限 header gives its numbers (`公开时限（工作日）`): a cell holding only
    /// a number is that many of it.
    deadline_unit: Option<&'static str>,
}

/// The texts a table's rows share by `Arc`: the file and sheet of their places, and the unit
/// and section names of rows that name none.
#[derive(Debug, Clone)]
struct Names {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    /// From the title row (as are the unit and domain texts of the rows, shared by every row
    /// they name).
    title_unit: Option<Arc<str>>,
    title_full: Option<Arc<str>>,
    default_unit: Arc<str>,
    /// The section's name as written for rows that name none: the sheet's domain, or 未分领域.
    unplaced_raw: Arc<str>,
}

impl Names {
    /// The same texts in allocations of their own (see [`Order::start_batch`]).
    fn private(&self) -> Names {
        Names {
            file: private(&self.file),
            sheet: self.sheet.as_ref().map(private),
            title_unit: self.title_unit.as_ref().map(private),
            title_full: self.title_full.as_ref().map(private),
            default_unit: private(&self.default_unit),
            unplaced_raw: private(&self.unplaced_raw),
        }
    }

    fn loc(&self, row: u32, column: u32, line: Option<u32>) -> Loc {
        Loc::new(
            &self.file,
            Place::Cell {
                sheet: self.sheet.clone(),
                row,
                column,
                line,
            },
        )
    }
}

/// A copy of a shared text that is counted on its own.
fn private(text: &Arc<str>) -> Arc<str> {
    Arc::from(&**text)
}

/// A row that holds an item, with what the rows above it say about it: its unit and section,
/// and the values its blank continuation cells take.
pub struct Pending {
    row: RawRow,
    /// The row's place (its first column), with its batch's own file and sheet names.
    loc: Loc,
    unit: Arc<str>,
    unit_full: Option<Arc<str>>,
    key: SectionKey,
    raw: Arc<str>,
    sloc: Option<CellAt>,
    /// 序号 and 一级事项 from the rows above, for a row whose own cells are blank.
    fill_seq: Option<String>,
    fill_category: Option<String>,
    /// 二级事项 from the rows above, in a table with a third level (see `Layout::sub_name_col`).
    fill_name: Option<String>,
    /// The cells whose "同上" was replaced by the text of the row above: what they hold as
    /// written is 同上, so nothing seen in the text (HTML, stray spaces) is theirs to report.
    ditto: Vec<usize>,
    /// The cells the sequential pass judged plain (序号, 一级事项, 单位, 领域): their verdicts.
    judged: Judged,
}

/// Verdicts of [`crate::read::clean::plain_glanced`] on plain cells of a row, by column (the
/// first 64): the cells [`Order::place`] read are not judged again by [`Layout::convert`].
#[derive(Debug, Clone, Copy, Default)]
struct Judged {
    /// Columns judged plain, and of those the ones also clear.
    plain: u64,
    clear: u64,
}

impl Judged {
    fn note(&mut self, col: Option<usize>, verdict: Option<crate::read::clean::Plain>) {
        if let (Some(i), Some(v)) = (col.filter(|i| *i < 64), verdict) {
            self.plain |= 1 << i;
            self.clear |= u64::from(v.clear) << i;
        }
    }

    fn get(self, i: usize) -> Option<crate::read::clean::Plain> {
        // `then`, not `then_some`: the shift must not be worked out past column 63.
        (i < 64 && self.plain >> i & 1 == 1).then(|| crate::read::clean::Plain {
            plain: true,
            clear: self.clear >> i & 1 == 1,
        })
    }
}

/// The sequential pass over a table's rows: skips blank rows, repeated headers and notes,
/// follows section rows, and fills blank continuation cells (序号, 一级事项, 单位, 领域) from
/// the row above (merged cells read as blank). Only the cells it needs are looked at; the work
/// on every cell is in [`Layout::convert`], which runs on many rows at once.
#[derive(Default)]
pub struct Order {
    /// The names of the batch being placed (see [`Order::start_batch`]); the layout's until
    /// the first batch starts.
    names: Option<Names>,
    /// The section a section row named: its key, its name as written, and that row's cell.
    current_section: Option<(SectionKey, Arc<str>, CellAt)>,
    saw_section_row: bool,
    seq: Option<String>,
    category: Option<String>,
    /// The 二级事项 above, in a table with a third level.
    name: Option<String>,
    /// The unit and domain texts of the rows above. Province tables repeat the same few a
    /// million times: each row shares them (an `Arc`) while they stay the same.
    unit: Option<Arc<str>>,
    domain: Option<Arc<str>>,
    /// The sections the domain texts met so far name, the last met last (see [`key_of`]).
    domains_seen: Vec<DomainSeen>,
    any_unplaced: bool,
    /// The last first text of a row passed to `is_not_item`, and whether it passes the row
    /// as an item by itself (`passes_as_item`). Item rows repeat it (a 领域 written on every
    /// row).
    /// The one before it too: a province table's first text alternates between a 序号 (on
    /// the first row of a group) and the 领域 (on the rows under it).
    last_first: Option<(String, bool)>,
    first_before: Option<(String, bool)>,
    /// The last row passed over as a header with other wording: it may head a second table
    /// with other columns, stacked below the first (see [`super::Stacked`]).
    header_candidate: Option<RawRow>,
}

impl Layout {
    /// Find the header among the first 30 rows. Returns the layout, the rows read after the
    /// header, and the header's diagnostics; or, when there is no usable header, the
    /// diagnostics that say so (the table is not read).
    #[allow(clippy::type_complexity)]
    pub fn start(
        file: &Arc<str>,
        sheet: Option<Arc<str>>,
        rows: &mut dyn Iterator<Item = Result<RawRow, Diagnostic>>,
        default_unit: &str,
        limits: &crate::limits::Limits,
    ) -> Result<(Layout, Vec<RawRow>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let sheet_section = sheet
            .as_deref()
            .map(domains::lookup)
            .filter(|k| !matches!(k, SectionKey::Unknown(_)));
        let mut diags = Vec::new();
        let mut head: Vec<RawRow> = Vec::new();
        while head.len() < 30 {
            match rows.next() {
                Some(Ok(r)) => head.push(r),
                Some(Err(d)) => {
                    diags.push(d);
                    return Err(diags);
                }
                None => break,
            }
        }
        let loc_of = |row: u32, col: u32, line: Option<u32>| {
            Loc::new(
                file,
                Place::Cell {
                    sheet: sheet.clone(),
                    row,
                    column: col,
                    line,
                },
            )
        };
        let Some(header) = find_header(&head) else {
            if let Some(what) = county_table(&head) {
                let mut d = Diagnostic::new(
                    &codes::COUNTY_FILE,
                    format!("这是全县汇总的{what}，不是公开事项目录，未读取"),
                )
                .in_file(file)
                .hint("检查全县的事项请用 全县汇总目录.csv 或 汇总表.xlsx");
                d.sheet = sheet.clone();
                diags.push(d);
                return Err(diags);
            }
            let seen: Vec<String> = head
                .iter()
                .take(10)
                .flat_map(|r| r.cells.iter())
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty() && c.chars().count() <= 20)
                .take(20)
                .collect();
            let found: Vec<Col> = seen.iter().filter_map(|c| classify(c)).collect();
            let missing: Vec<&str> = REQUIRED
                .iter()
                .filter(|(_, any)| !any.iter().any(|c| found.contains(c)))
                .map(|(n, _)| *n)
                .collect();
            let msg = if head.is_empty() {
                "表格为空".to_string()
            } else {
                "前30行中找不到目录表头".to_string()
            };
            let mut d = Diagnostic::new(&codes::HEADER_NOT_FOUND, msg)
                .in_file(file)
                .hint(format!(
                    "缺少列：{}；读到的单元格：{}",
                    missing.join("、"),
                    if seen.is_empty() {
                        "（无）".to_string()
                    } else {
                        seen.join("、")
                    }
                ));
            d.sheet = sheet.clone();
            diags.push(d);
            return Err(diags);
        };
        let header_row = head[header.last].clone();
        let first_col = header_row.first_column;
        let header_loc = |i: usize| loc_of(header_row.row, first_col + i as u32, header_row.line);
        // Required columns missing from a header that was otherwise found.
        let present: Vec<Col> = header.cols.iter().flatten().copied().collect();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|(_, any)| !any.iter().any(|c| present.contains(c)))
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            diags.push(
                Diagnostic::new(
                    &codes::HEADER_NOT_FOUND,
                    format!("表头缺少必需的列：{}", missing.join("、")),
                )
                .at(Some(&header_loc(0)))
                .hint(format!(
                    "读到的列：{}",
                    header
                        .labels
                        .iter()
                        .filter(|l| !l.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            );
            return Err(diags);
        }
        let mut unknown_cols: Vec<(usize, String)> = Vec::new();
        for (i, (c, label)) in header.cols.iter().zip(&header.labels).enumerate() {
            if c.is_none() && !label.is_empty() {
                // 备注 is written in Simplified like every value of a Traditional file.
                let kept = if header.traditional {
                    to_simplified_text(label)
                } else {
                    label.clone()
                };
                unknown_cols.push((i, kept));
                // Columns clerks add (公开时长, 网站栏目, 咨询电话 …) go to 备注 unremarked; a
                // person's name is reported, since 备注 is published.
                let d = match extra_column(label) {
                    Some(Extra::Known) => continue,
                    Some(Extra::Person) => Diagnostic::new(
                        &codes::UNKNOWN_COLUMN,
                        format!(
                            "“{label}”不是模板中的列，其内容（人员姓名）将并入备注，随目录公开"
                        ),
                    )
                    .hint("责任人等内部分工不必公开：删除此列，或在公开主体中写科室名称"),
                    None => Diagnostic::new(
                        &codes::UNKNOWN_COLUMN,
                        format!("无法识别的列“{label}”，其内容将并入备注"),
                    )
                    .hint("如属模板中的列，请改用模板列名（如“公开内容（要素）”“公开渠道和载体”）"),
                };
                diags.push(d.at(Some(&header_loc(i))));
            }
        }
        let header_cells: Vec<String> = header_row
            .cells
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        let has_domain_col = header.cols.contains(&Some(Col::Domain));
        // A title may name the domain as well as the unit; the unit is what is left of it.
        let title_named = header.title.as_deref().and_then(title_domain);
        let title_for_unit = match &title_named {
            Some((_, rest)) => Some(rest.clone()),
            None => header.title.clone(),
        };
        let (title_unit, title_full) = title_for_unit
            .as_deref()
            .and_then(unit_from_title)
            .map(|(s, f)| {
                if header.traditional {
                    (Some(to_simplified_text(&s)), Some(to_simplified_text(&f)))
                } else {
                    (Some(s), Some(f))
                }
            })
            .map(|(s, f)| (s.map(Arc::from), f.map(Arc::from)))
            .unwrap_or((None, None));
        // The domain is named by the row nearest the header that names one: a title, or a
        // "一、社会救助领域" row between a workbook's title and its header.
        let near_domain = header
            .domain_title
            .as_deref()
            .and_then(title_domain)
            .map(|(k, _)| k);
        let sheet_section = sheet_section.or(near_domain.or(title_named.map(|(k, _)| k)));
        let unplaced_raw: Arc<str> = match &sheet_section {
            Some(k) => Arc::from(k.display_name()),
            None => Arc::from(UNPLACED),
        };
        if header.traditional {
            diags.push(
                Diagnostic::new(
                    &codes::TRADITIONAL_CONVERTED,
                    "文件使用繁体字，已按简体读取；compile 的输出为简体",
                )
                .at(Some(&header_loc(0)))
                .hint("如需核对原文，请对照原文件；输出文件按中国大陆标准使用简体字"),
            );
        }
        let rest = head.split_off(header.last + 1);
        Ok((
            Layout {
                names: Names {
                    file: Arc::clone(file),
                    sheet,
                    title_unit,
                    title_full,
                    default_unit: Arc::from(default_unit),
                    unplaced_raw,
                },
                first_col,
                unknown_cols,
                header_cells,
                header_row: header_row.row,
                header_line: header_row.line,
                has_domain_col,
                sheet_section,
                name_col: header
                    .cols
                    .iter()
                    .position(|c| *c == Some(Col::Text(Field::Name))),
                sub_name_col: header.cols.iter().position(|c| *c == Some(Col::SubName)),
                ditto_cols: header
                    .cols
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| takes_ditto(**c))
                    .map(|(i, _)| i)
                    .collect(),
                expects: expectations(&header.cols),
                mark_channels: header
                    .cols
                    .iter()
                    .zip(&header.labels)
                    .map(|(c, label)| (*c == Some(Col::ChannelMark)).then(|| mark_channel(label)))
                    .collect(),
                deadline_unit: header
                    .cols
                    .iter()
                    .zip(&header.labels)
                    .find(|(c, _)| **c == Some(Col::Text(Field::Deadline)))
                    .and_then(|(_, label)| deadline_unit(label)),
                traditional: header.traditional,
                max_cell_chars: limits.max_cell_chars,
                seq_col: header
                    .cols
                    .iter()
                    .rposition(|c| *c == Some(Col::Text(Field::Seq))),
                category_col: header
                    .cols
                    .iter()
                    .rposition(|c| *c == Some(Col::Text(Field::Category))),
                unit_col: header.cols.iter().rposition(|c| *c == Some(Col::Unit)),
                domain_col: header.cols.iter().rposition(|c| *c == Some(Col::Domain)),
                cols: header.cols,
            },
            rest,
            diags,
        ))
    }

    /// A header found again below the first, heading a second table stacked under it with
    /// other columns (a domain's table pasted under another's, one with mark columns where
    /// the other has words): the new layout, the rows read after its header, and its
    /// diagnostics. `head` starts with the row passed over as a header with other wording and
    /// holds the rows read after it (three). `Err(head)` when the rows do not start a
    /// header, or start one whose columns read as this one's (a header repeated with other
    /// wording after a page break, which is passed over as before).
    pub fn restart(
        &self,
        head: Vec<RawRow>,
        limits: &crate::limits::Limits,
    ) -> Result<(Layout, Vec<RawRow>, Vec<Diagnostic>), Vec<RawRow>> {
        let n = head.len();
        let mut rows = head.iter().cloned().map(Ok);
        let started = Layout::start(
            &self.names.file,
            self.names.sheet.clone(),
            &mut rows,
            &self.names.default_unit,
            limits,
        );
        let Ok((mut new, rest, mut diags)) = started else {
            return Err(head);
        };
        // The header must be the rows at hand (one to three of them), not one further down.
        if n - rest.len() > 3
            || (new.cols == self.cols
                && new.mark_channels == self.mark_channels
                && new.first_col == self.first_col)
        {
            return Err(head);
        }
        if new.names.title_unit.is_none() {
            new.names.title_unit = self.names.title_unit.clone();
            new.names.title_full = self.names.title_full.clone();
        }
        if new.sheet_section.is_none() {
            new.sheet_section = self.sheet_section.clone();
            new.names.unplaced_raw = Arc::clone(&self.names.unplaced_raw);
        }
        if self.traditional {
            // Said once per file.
            diags.retain(|d| d.code != codes::TRADITIONAL_CONVERTED.code);
        }
        Ok((new, rest, diags))
    }

    /// The value of cell `i` as [`Layout::convert`] reads it (cleaned), without copying a
    /// clean cell.
    fn value<'a>(&self, r: &'a RawRow, i: Option<usize>) -> std::borrow::Cow<'a, str> {
        self.value_judged(r, i).0
    }

    /// [`Layout::value`], and the cleaning pass's verdict on the cell as read when it is
    /// plain (see [`crate::read::clean::plain_glanced`]): [`Layout::convert`] takes it instead
    /// of judging the same cell again.
    fn value_judged<'a>(
        &self,
        r: &'a RawRow,
        i: Option<usize>,
    ) -> (std::borrow::Cow<'a, str>, Option<crate::read::clean::Plain>) {
        let cell = i.and_then(|i| r.cells.get(i)).unwrap_or("");
        let raw = match cell.strip_prefix('\'') {
            Some(rest) if crate::formula::needs_neutralising(rest) => rest,
            _ => cell,
        };
        let plain = crate::read::clean::plain_glanced(raw);
        let verdict = (plain.plain && raw.len() == cell.len()).then_some(plain);
        let v = if plain.plain {
            std::borrow::Cow::Borrowed(raw)
        } else {
            // Only one-line values are read here (序号, 一级事项, 单位, 领域): a line break
            // typed to wrap them is not part of the value.
            let text = clean_cell(raw).text;
            std::borrow::Cow::Owned(crate::text::join_wrapped(&text, false).unwrap_or(text))
        };
        let v = if self.traditional && !v.is_ascii() {
            std::borrow::Cow::Owned(to_simplified_text(&v))
        } else {
            v
        };
        (v, verdict)
    }

    fn loc(&self, row: u32, column: u32, line: Option<u32>) -> Loc {
        self.names.loc(row, column, line)
    }

    /// Convert one item row: clean and parse every cell. Independent of other rows, so rows
    /// are converted in parallel.
    pub fn convert(&self, p: Pending) -> (RowItem, Vec<Diagnostic>) {
        let (row_item, diags, _) = self.convert_glanced(p);
        (row_item, diags)
    }

    /// [`Layout::convert`], and the fields whose text the cleaning pass's glance proved clear
    /// for the hygiene rules (see [`Glanced`]).
    pub fn convert_glanced(&self, p: Pending) -> (RowItem, Vec<Diagnostic>, Glanced) {
        self.convert_spared(p, &mut Spare::default())
    }

    /// [`Layout::convert_glanced`] into an item made of the buffers `spare` kept from the rows
    /// before (see [`Spare`]).
    pub fn convert_spared(
        &self,
        p: Pending,
        spare: &mut Spare,
    ) -> (RowItem, Vec<Diagnostic>, Glanced) {
        let mut glanced = Glanced::default();
        let r = p.row;
        let first_col = self.first_col;
        let unknown_cols = &self.unknown_cols;
        // The row's place and its cells': its batch's own, counted by the thread at work on it.
        // It becomes the item's after the cells (moved, not counted again).
        let row_loc = p.loc;
        let loc_at = |column: u32| row_loc.with_column(column);
        let mut diags = Vec::new();
        // Built in place: the item is the row item's, not moved into it at the end.
        let mut row_item = RowItem {
            unit: p.unit,
            unit_full: p.unit_full,
            key: p.key,
            raw: p.raw,
            sloc: p.sloc,
            item: spare.item(),
        };
        let item = &mut row_item.item;
        let mut remarks_extra: Vec<String> = Vec::new();
        // The first column outside the template that holds a value, and the first whose value
        // holds a personal number (a mobile in 联系电话, GK605; an ID number, GK604).
        let mut extra_column: Option<u32> = None;
        let mut personal_column: Option<u32> = None;
        // The third level's name and column (三级事项), joined to the 二级事项 below.
        let mut sub_name: Option<(String, u32)> = None;
        let mut audience_text: Option<String> = None;
        let mut group_text: Option<String> = None;
        // Looked at before the cells are taken apart below.
        let shift = shifted(&self.expects, &r.cells);
        // A ● seen so far in the row's mark cells (see `row_mark`).
        let mut saw_dot = false;
        for (i, col) in self.cols.iter().enumerate() {
            // A clean cell (nearly all) is copied only where it becomes the item's own text.
            let raw_cell = r.cells.get(i).unwrap_or_default();
            let raw = raw_cell;
            let max_chars = self.max_cell_chars;
            if raw.len() > max_chars && raw.chars().count() > max_chars {
                let mut d = Diagnostic::new(
                    &codes::CELL_TOO_LONG,
                    format!(
                        "单元格有 {} 个字符，超过上限 {max_chars}",
                        raw.chars().count()
                    ),
                )
                .at(Some(&loc_at(first_col + i as u32)))
                .hint("精简为公开要素的列举；长文请在门户网站发布后链接");
                d.field = col.and_then(col_field);
                diags.push(d);
            }
            // gkml's CSV neutralises formulas with a leading apostrophe; read the value back.
            let raw = match raw.strip_prefix('\'') {
                Some(rest) if crate::formula::needs_neutralising(rest) => rest,
                _ => raw,
            };
            // The common case: nothing to clean, the cell becomes the value without a copy.
            let judged = p.judged.get(i).filter(|_| !p.ditto.contains(&i));
            let plain = if let Some(judged) = judged {
                judged
            } else if raw.len() == raw_cell.len() {
                match col.and_then(col_field) {
                    // Long texts a province repeats are judged once per distinct text.
                    Some(f) if f.repeats() && raw.len() >= crate::memo::WORTH_BYTES => {
                        *crate::memo::get(&PLAIN, raw, crate::read::clean::plain_glanced)
                    }
                    _ => crate::read::clean::plain_glanced(raw),
                }
            } else {
                crate::read::clean::Plain {
                    plain: false,
                    clear: false,
                }
            };
            let fast = plain.plain;
            let cleaned = (!fast).then(|| clean_cell(raw));
            // Fields record their column; a whole `Loc` is built only for a note.
            let column = first_col + i as u32;
            let loc = || loc_at(column);
            // A 同上 cell's own text is 同上: what the row above's text shows is reported there.
            let cleaned_here = cleaned.as_ref().filter(|_| !p.ditto.contains(&i));
            if let Some(c) = cleaned_here {
                let field = col.and_then(col_field);
                if c.had_html {
                    item.notes.push(Note {
                        seen: Seen::Html {
                            text: c.text.clone(),
                        },
                        loc: loc(),
                        field,
                    });
                } else if matches!(col, Some(Col::Text(_)))
                    && c.text != raw
                    // Windows line ends inside a cell (text pasted from Word) look like
                    // Excel's own line breaks: read as them, with nothing to report.
                    && !(raw.contains("\r\n") && raw.replace("\r\n", "\n") == c.text)
                {
                    item.notes.push(Note {
                        seen: Seen::Whitespace {
                            raw: raw.to_string(),
                        },
                        loc: loc(),
                        field,
                    });
                }
            }
            let value: Cow<str> = match cleaned {
                Some(c) => Cow::Owned(c.text),
                None => Cow::Borrowed(raw_cell),
            };
            let value = if self.traditional && !value.is_ascii() {
                Cow::Owned(to_simplified_text(&value))
            } else {
                value
            };
            // The glance was at this very text: the rules need not glance again.
            let glanced_clear = plain.clear && matches!(value, Cow::Borrowed(_));
            let Some(col) = col else {
                if !value.is_empty() {
                    // Sorted by column: a lookup per cell, not a scan (400,000 columns).
                    if let Ok(k) = unknown_cols.binary_search_by_key(&i, |(j, _)| *j) {
                        if let Some((_, label)) = unknown_cols.get(k) {
                            remarks_extra.push(format!("{label}：{value}"));
                            let column = first_col + i as u32;
                            extra_column.get_or_insert(column);
                            if personal_column.is_none() && holds_personal_number(&value) {
                                personal_column = Some(column);
                            }
                        }
                    }
                }
                continue;
            };
            match col {
                Col::Text(f) => {
                    if *f == Field::Seq {
                        item.seq_explicit =
                            !value.is_empty() && !r.merged.get(i).copied().unwrap_or(false);
                    }
                    // A one-line value wrapped with Alt+Enter to fit the column reads as
                    // one line (the outputs wrap it to their own width).
                    // (A text the glance cleared has no line break: nothing to join.)
                    let value = match f {
                        Field::Seq
                        | Field::Category
                        | Field::Name
                        | Field::Deadline
                        | Field::Subject
                            if !glanced_clear =>
                        {
                            match crate::text::join_wrapped(&value, *f == Field::Subject) {
                                Some(joined) => Cow::Owned(joined),
                                None => value,
                            }
                        }
                        _ => value,
                    };
                    // "20" under 公开时限（工作日） is 20个工作日内: the outputs' header has no
                    // unit, so the value carries it.
                    let value = match self.deadline_unit {
                        Some(unit)
                            if *f == Field::Deadline && crate::deadline::is_bare_number(&value) =>
                        {
                            Cow::Owned(format!("{}{unit}内", value.trim()))
                        }
                        _ => value,
                    };
                    // Only a text still the cell as read is the text the reader glanced at.
                    let glanced_clear = glanced_clear && matches!(value, Cow::Borrowed(_));
                    if let Some(slot) = item.text_mut(*f) {
                        // Into the slot's own buffer, kept from an earlier row (see `Spare`).
                        match value {
                            Cow::Borrowed(text) => {
                                slot.clear();
                                slot.push_str(text);
                            }
                            Cow::Owned(text) => *slot = text,
                        }
                    }
                    if glanced_clear {
                        glanced.set(*f);
                    } else {
                        glanced.unset(*f);
                    }
                    item.set_column(*f, column);
                }
                Col::SubName => {
                    if !value.is_empty() {
                        let value = crate::text::join_wrapped(&value, false)
                            .unwrap_or_else(|| value.into_owned());
                        sub_name = Some((value, column));
                    }
                }
                Col::Id => item.id = (!value.is_empty()).then(|| value.into_owned()),
                // Read by the sequential pass (see `Order::place`).
                Col::Unit | Col::Domain => {}
                Col::Channels => {
                    item.channels.extend(channels(&value).iter().cloned());
                    item.set_column(Field::Channels, column);
                }
                Col::ChannelMark => {
                    if item.at_place(Field::Channels, Some(&row_loc)) {
                        item.set_column(Field::Channels, column);
                    }
                    let own;
                    let parsed = match self.mark_channels.get(i) {
                        Some(Some(c)) => c,
                        _ => {
                            own = mark_channel("");
                            &own
                        }
                    };
                    // A column for a local channel (微信群 under 公开渠道和载体) is that
                    // channel as the template writes local ones: 其他（微信群）.
                    let labelled = || match parsed.clone() {
                        Channel::Unknown(name) => Channel::Other(Some(name)),
                        c => c,
                    };
                    match self.row_mark(&value, i, &r.cells, &mut saw_dot) {
                        Mark::Unset => {}
                        Mark::Set => item.channels.push(labelled()),
                        // Text in a channel's column: the free text of 其他, or a mark
                        // written with words (√政府网站).
                        Mark::Text(t) => match parsed {
                            Channel::Other(None) => {
                                // "✓（微信群）" names 微信群: written 其他（微信群）, not
                                // with the clerk's brackets doubled.
                                let t =
                                    crate::model::strip_brackets(t.trim_start_matches(SET_MARKS));
                                item.channels
                                    .push(Channel::Other((!t.is_empty()).then(|| t.to_string())));
                            }
                            _ if t.starts_with(SET_MARKS) => item.channels.push(labelled()),
                            _ => item.notes.push(Note {
                                seen: Seen::UnreadableMark {
                                    text: t.to_string(),
                                },
                                loc: loc(),
                                field: Some(Field::Channels),
                            }),
                        },
                    }
                }
                Col::AudienceText => {
                    item.set_column(Field::Audience, column);
                    audience_text = (!value.is_empty()).then(|| value.into_owned());
                }
                Col::AudienceGroup => group_text = (!value.is_empty()).then(|| value.into_owned()),
                Col::AudiencePublic
                | Col::AudienceSpecific
                | Col::ModeActive
                | Col::ModeRequest
                | Col::Level(_) => {
                    let m = match self.row_mark(&value, i, &r.cells, &mut saw_dot) {
                        Mark::Text(t) => own_word_mark(*col, t).unwrap_or(Mark::Text(t)),
                        m => m,
                    };
                    let set = match m {
                        Mark::Unset => false,
                        Mark::Set => true,
                        Mark::Text(t) if *col == Col::AudienceSpecific => {
                            // "√（学生家长）": the group, without the clerk's brackets;
                            // "特定群众（低保对象）": the group it names.
                            let g = crate::model::strip_brackets(t.trim_start_matches(SET_MARKS));
                            let g = match audience(g) {
                                Audience::Specific(named) => named,
                                _ => (!g.is_empty()).then(|| g.to_string()),
                            };
                            item.audience.push(Audience::Specific(g));
                            item.set_column(Field::Audience, column);
                            continue;
                        }
                        // "不公开" typed into a mode's column: the item is not to be disclosed
                        // at all, which GK206 says (it does not belong in the catalogue), not
                        // an unreadable tick read as set.
                        Mark::Text(t)
                            if matches!(col, Col::ModeActive | Col::ModeRequest)
                                && (t.contains("不公开") || t.contains("不予公开")) =>
                        {
                            item.mode.push(Mode::Unknown(t.to_string()));
                            item.set_column(Field::Mode, column);
                            continue;
                        }
                        Mark::Text(t) => {
                            let field = match col {
                                Col::ModeActive | Col::ModeRequest => Field::Mode,
                                Col::Level(_) => Field::Levels,
                                _ => Field::Audience,
                            };
                            item.notes.push(Note {
                                seen: Seen::UnreadableMark {
                                    text: t.to_string(),
                                },
                                loc: loc(),
                                field: Some(field),
                            });
                            true
                        }
                    };
                    let field = match col {
                        Col::ModeActive | Col::ModeRequest => Field::Mode,
                        Col::Level(_) => Field::Levels,
                        _ => Field::Audience,
                    };
                    if item.at_place(field, Some(&row_loc)) {
                        // First mark column of this field: point at it even when unset, so
                        // "no mark" diagnostics name a cell in the group.
                        item.set_column(field, column);
                    }
                    if set {
                        item.set_column(field, column);
                        match col {
                            Col::AudiencePublic => item.audience.push(Audience::Public),
                            Col::AudienceSpecific => item.audience.push(Audience::Specific(None)),
                            Col::ModeActive => item.mode.push(Mode::Active),
                            Col::ModeRequest => item.mode.push(Mode::OnRequest),
                            Col::Level(n) => item.levels.extend(levels_of(*n)),
                            _ => {}
                        }
                    }
                }
                Col::ModeActiveYesNo | Col::ModeRequestYesNo => {
                    item.set_column(Field::Mode, column);
                    // 是否主动公开 (是 主动) or its inverse 是否依申请公开 (是 依申请公开).
                    let (yes, no) = if *col == Col::ModeActiveYesNo {
                        (Mode::Active, Mode::OnRequest)
                    } else {
                        (Mode::OnRequest, Mode::Active)
                    };
                    match self.row_mark(&value, i, &r.cells, &mut saw_dot) {
                        Mark::Set => item.mode.push(yes),
                        // 否 (× N 0 无 □): the other mode; a blank, dash or slash says
                        // nothing.
                        Mark::Unset if says_no(&value) => item.mode.push(no),
                        Mark::Unset => {}
                        // The mode written out (主动公开, 依申请公开) is read as such.
                        Mark::Text(t) => match Mode::parse_list(t) {
                            list if !list.is_empty()
                                && list.iter().all(|m| !matches!(m, Mode::Unknown(_))) =>
                            {
                                item.mode.extend(list)
                            }
                            _ => {
                                item.notes.push(Note {
                                    seen: Seen::UnreadableMark {
                                        text: t.to_string(),
                                    },
                                    loc: loc(),
                                    field: Some(Field::Mode),
                                });
                                item.mode.push(yes);
                            }
                        },
                    }
                }
                Col::ModeText => {
                    item.set_column(Field::Mode, column);
                    if !value.is_empty() {
                        item.mode.extend(Mode::parse_list(&value));
                    }
                }
                Col::LevelsText => {
                    item.set_column(Field::Levels, column);
                    item.levels.extend(Level::parse_list(&value));
                }
            }
        }
        if let Some(dir) = shift {
            item.notes.push(Note {
                seen: Seen::Shifted {
                    left: matches!(dir, Shift::Left),
                },
                loc: row_loc.clone(),
                field: None,
            });
        }
        let no_category_column = self.category_col.is_none().then(|| row_loc.clone());
        item.loc = Some(row_loc);
        // 是否主动公开 = 是 beside 是否依申请公开 = 否 say one mode twice.
        if item.mode.len() > 1 {
            let mut seen: Vec<Mode> = Vec::with_capacity(item.mode.len());
            item.mode.retain(|m| {
                let new = !seen.contains(m);
                if new {
                    seen.push(m.clone());
                }
                new
            });
        }
        // Channels from mark columns come in column order; a list is kept in table order.
        if self.cols.contains(&Some(Col::ChannelMark)) {
            item.channels.sort();
            item.channels.dedup();
        }
        if let Some(a) = audience_text {
            let mut list = Audience::parse_list(&a);
            if let (Some(Audience::Specific(g @ None)), Some(group)) = (
                list.iter_mut().find(|a| matches!(a, Audience::Specific(_))),
                group_text.take(),
            ) {
                *g = Some(group);
            }
            item.audience.extend(list);
        } else if let Some(group) = group_text {
            if let Some(Audience::Specific(g @ None)) = item
                .audience
                .iter_mut()
                .find(|a| matches!(a, Audience::Specific(_)))
            {
                *g = Some(group);
            }
        }
        // gkml writes an item's exemptions into 备注 (允许GK210：理由); read them back.
        // The place is made only for a 备注 that holds an exemption: a `Loc` is a count on the
        // file's name, taken and given back on every row for nothing otherwise.
        if item.remarks.contains("允许GK") {
            let remarks_loc = item
                .loc_of(Field::Remarks)
                .map(std::borrow::Cow::into_owned);
            item.take_allows_from_remarks(remarks_loc.as_ref());
        }
        if !item.allow.is_empty() || !remarks_extra.is_empty() {
            glanced.unset(Field::Remarks);
        }
        if !remarks_extra.is_empty() {
            let extra = remarks_extra.join("；");
            item.remarks = if item.remarks.is_empty() {
                // 备注 is then only what those columns hold: a diagnostic on it (a mobile
                // number in 联系电话, GK605) names the first of them, not the row's first cell
                // or a blank 备注.
                if let Some(column) = extra_column {
                    item.set_column(Field::Remarks, column);
                }
                extra
            } else {
                format!("{}；{extra}", item.remarks)
            };
            if let Some(column) = personal_column {
                item.set_column(Field::Remarks, column);
            }
        }
        if item.seq.is_empty() {
            if let Some(seq) = p.fill_seq {
                item.seq = seq;
                glanced.unset(Field::Seq);
            }
        }
        if item.category.is_empty() {
            if let Some(category) = p.fill_category {
                // The cell itself stays the place: it is where a clerk would look.
                item.category = category;
                glanced.unset(Field::Category);
            } else if let Some(loc) = no_category_column {
                item.notes.push(Note {
                    seen: Seen::NoColumn,
                    loc,
                    field: Some(Field::Category),
                });
            }
        }
        if item.name.is_empty() && self.sub_name_col.is_some() {
            if let Some(name) = p.fill_name {
                item.name = name;
                glanced.unset(Field::Name);
            }
        }
        let mut sub = sub_name
            .as_ref()
            .map(|(t, _)| t.clone())
            .unwrap_or_default();
        // The outline numbering typed before a name ("一、政策文件") is layout, not the name.
        for (field, slot) in [
            (Some(Field::Category), &mut item.category),
            (Some(Field::Name), &mut item.name),
            (None, &mut sub),
        ] {
            if let Some(bare) = super::cells::item_name_without_numbering(slot) {
                *slot = bare.to_string();
                if let Some(f) = field {
                    glanced.unset(f);
                }
            }
        }
        // Three levels: the third is the item, named within its 二级 (`政府预算—一般公共预算`);
        // a row without one is the 二级 item itself.
        if let Some((_, column)) = sub_name {
            item.name = join_levels(&item.name, &sub);
            item.set_column(Field::Name, column);
            glanced.unset(Field::Name);
        }
        (row_item, diags, glanced)
    }

    /// The mark in cell `i` of a row whose cells after `i` are still in `cells`: ○ is empty
    /// where the row marks with ● (before it, as `saw_dot` records, or after it).
    fn row_mark<'v>(
        &self,
        value: &'v str,
        i: usize,
        cells: &Cells,
        saw_dot: &mut bool,
    ) -> Mark<'v> {
        // Half the mark cells of a table are blank, and most of the rest hold the template's
        // ✓ (or the √ a keyboard types): neither is a dot.
        if value.is_empty() {
            return Mark::Unset;
        }
        if super::cells::is_tick(value) {
            return Mark::Set;
        }
        if !super::cells::is_dot(value) {
            return mark(value);
        }
        *saw_dot |= super::cells::is_filled_cell(value);
        let hollow_is_empty = !super::cells::is_filled_cell(value)
            && (*saw_dot
                || marks_with_dots(
                    self.cols.get(i + 1..).unwrap_or_default(),
                    cells.iter().skip(i + 1),
                ));
        mark_in_row(value, hollow_is_empty)
    }

    /// "同上" (ditto), as Word tables write a basis or subject repeated from the row above:
    /// that row's text, for a batch of placed rows in row order (the outputs regroup and
    /// reorder rows, where a 同上 would point at the wrong row). Within the batch the row
    /// above is the one before; `carry` keeps the last row of the batch before, so a row is
    /// copied only where a 同上 needs it and once a batch.
    pub fn resolve_ditto(&self, batch: &mut [Pending], carry: &mut Vec<String>) {
        if self.ditto_cols.is_empty() || batch.is_empty() {
            return;
        }
        carry.resize(self.ditto_cols.len(), String::new());
        for k in 0..batch.len() {
            let (before, rest) = batch.split_at_mut(k);
            let Some(row) = rest.first_mut() else { break };
            // Each cell is passed by its length alone unless it is as long as a 同上 (cheaper
            // than searching the row's whole text for 同, which the texts of many rows hold).
            for (j, &i) in self.ditto_cols.iter().enumerate() {
                if !DITTO_BYTES.contains(&row.row.cells.byte_len(i))
                    || !row.row.cells.get(i).is_some_and(is_ditto)
                {
                    continue;
                }
                let above = match before.last() {
                    Some(p) => p.row.cells.get(i).unwrap_or(""),
                    None => carry.get(j).map(String::as_str).unwrap_or(""),
                };
                // A mark under a blank mark is as blank; a text under nothing stays 同上 (an
                // empty element, GK103).
                let mark = matches!(
                    self.cols.get(i),
                    Some(Some(
                        Col::ChannelMark
                            | Col::AudiencePublic
                            | Col::AudienceSpecific
                            | Col::ModeActive
                            | Col::ModeRequest
                            | Col::ModeActiveYesNo
                            | Col::ModeRequestYesNo
                            | Col::Level(_)
                    ))
                );
                if !above.is_empty() || mark {
                    row.row.cells.set(i, above);
                    row.ditto.push(i);
                }
            }
        }
        if let Some(last) = batch.last() {
            for (j, &i) in self.ditto_cols.iter().enumerate() {
                if let (Some(kept), Some(cell)) = (carry.get_mut(j), last.row.cells.get(i)) {
                    kept.clear();
                    kept.push_str(cell);
                }
            }
        }
    }

    /// What is left to say once every row is read: a table with no domain anywhere.
    pub fn end(&self, order: &Order) -> Option<Diagnostic> {
        if !order.any_unplaced || order.saw_section_row {
            return None;
        }
        let header_loc = self.loc(self.header_row, self.first_col, self.header_line);
        let mut d = Diagnostic::new(&codes::NO_DOMAIN, "表中未注明领域，事项归入“未分领域”")
            .at(Some(&header_loc))
            .hint("增加“领域”列，或在各领域事项上方加一行领域名称（如“社会救助领域”）");
        d.field = Some(Field::Domain);
        Some(d)
    }
}

impl Order {
    /// Start a batch of rows placed with `layout`: the texts its rows will share (file,
    /// sheet, unit, section) are copies of their own. Each `Arc` clone and drop writes the
    /// text's count; a count written by both cores at once is one cache line passed between
    /// them on every row (the place, the item's place and their drops on one thread, the
    /// other's batch on the other): 12% of validate's CPU at 1M rows. A batch is placed and
    /// converted by one thread, so its rows' counts stay on that core.
    pub fn start_batch(&mut self, layout: &Layout) {
        let last_is_domain = matches!(
            (self.domains_seen.last(), &self.domain),
            (Some(seen), Some(d)) if Arc::ptr_eq(&seen.text, d)
        );
        for text in [&mut self.unit, &mut self.domain].into_iter().flatten() {
            *text = private(text);
        }
        if let Some((_, raw, _)) = &mut self.current_section {
            *raw = private(raw);
        }
        if let (true, Some(seen), Some(d)) =
            (last_is_domain, self.domains_seen.last_mut(), &self.domain)
        {
            seen.text = Arc::clone(d);
        }
        self.names = Some(layout.names.private());
    }

    /// Place one row: `None` for blank rows, repeated headers, notes and section rows (which
    /// set the section of the rows below).
    pub fn place(&mut self, layout: &Layout, r: RawRow) -> Option<Pending> {
        // The first non-blank cell, and whether every other non-blank cell says the same
        // (a section row, or a note). An item row differs at its second cell, so few cells
        // are looked at. A 序号, 领域 or 单位 merged down from above is not the row's own text
        // (the row may be a 一级事项 heading under a 领域 that spans its rows).
        let continued = |i: usize| {
            r.merged.get(i).copied().unwrap_or(false)
                && [layout.seq_col, layout.domain_col, layout.unit_col].contains(&Some(i))
        };
        let mut cells = r
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (i, crate::text::trim(c)))
            .filter(|(i, c)| !c.is_empty() && !continued(*i));
        let (first_col, text) = cells.next()?;
        let mut others = 0;
        let mut second = None;
        let all_same = cells.all(|(i, c)| {
            others += 1;
            let same = c == text;
            if !same {
                second = Some(i);
            }
            same
        });
        // A 序号 and a 一级事项 alone on their row (`一,最低生活保障,,…`, `（二）,社会救助领域,,…`):
        // the row reads as the 一级事项 alone would (a heading or a section row), the 序号
        // numbering it. The third cell looked at is an item row's 二级事项, so this is cheap.
        let numbered = !all_same
            && second.is_some()
            && second == layout.category_col
            && layout.seq_col == Some(first_col)
            && text.chars().count() <= 8
            && cells.next().is_none();
        let seq_text = text;
        let (first_col, text, all_same, others) = match second.filter(|_| numbered) {
            Some(c) => (c, crate::text::trim(&r.cells[c]), true, 0),
            None => (first_col, text, all_same, others),
        };
        // A header repeated after a page break.
        if r.cells
            .iter()
            .map(crate::text::trim)
            .eq(layout.header_cells.iter().map(String::as_str))
        {
            return None;
        }
        // A 一级事项 on a row of its own heads the group below it, as a merged cell would (a
        // short name: not a sentence, a label or a note numbered 1. 2.; an outline number in
        // Chinese numerals, 一、 or （二）, is the group's own). Where a 领域 column names the
        // domains, it is one even when it reads like a domain (财政预决算).
        let outline = |bare: &str| {
            bare == text
                || (!bare.is_empty()
                    && text
                        .trim_start_matches(['（', '('])
                        .starts_with(|c: char| "一二三四五六七八九十".contains(c)))
        };
        let heading = all_same
            && others == 0
            && layout.category_col == Some(first_col)
            && text.chars().count() <= 30
            && !text.ends_with(['。', '；', ';'])
            && outline(strip_enumeration(text))
            && !is_label(text);
        if heading
            && (layout.has_domain_col
                || matches!(
                    section_key_of(strip_enumeration(text)),
                    SectionKey::Unknown(_)
                ))
        {
            let v = layout.value(&r, layout.category_col);
            self.category = Some(v.into_owned());
            self.name = None;
            if numbered {
                self.seq = Some(layout.value(&r, layout.seq_col).into_owned());
            }
            return None;
        }
        // In a table with a third level, a row holding only a 二级事项 (with its 一级事项 and
        // 序号, if any) heads the 三级 rows below it, as a 一级事项 alone heads its group.
        if layout.sub_name_col.is_some()
            && self.second_level_heading(layout, &r, all_same.then_some(text))
        {
            return None;
        }
        if all_same {
            // A row naming several domains (社会救助领域、养老服务领域) sets the first, as a
            // 领域 cell does.
            let key = match section_key_of(strip_enumeration(text)) {
                SectionKey::Unknown(_) => {
                    domain_title(text).unwrap_or(SectionKey::Unknown(String::new()))
                }
                k => k,
            };
            if !matches!(key, SectionKey::Unknown(_)) {
                let col = layout.first_col + first_col as u32;
                let raw: Arc<str> = if layout.traditional {
                    Arc::from(to_simplified_text(text))
                } else {
                    Arc::from(text)
                };
                self.current_section = Some((key, raw, (r.row, col, r.line)));
                self.saw_section_row = true;
                // Continuation cells do not reach across a section row.
                (self.seq, self.category, self.unit, self.domain) = (None, None, None, None);
                self.name = None;
                return None;
            }
            // One text, alone or repeated by a merge across the row: a note (注：, 1. …), a
            // caption, a date, a signature. Only a bare name in the 二级事项 column is an item
            // (with its other elements missing, which the rules then report).
            let bare_name = others == 0
                && (layout.name_col == Some(first_col) || layout.sub_name_col == Some(first_col))
                && !is_label(text);
            if !bare_name && !numbered {
                return None;
            }
        }
        // A numbered row whose 一级事项 is neither a heading nor a section is an item, as
        // before: its missing elements are reported.
        let text = if numbered { seq_text } else { text };
        let passes = match (&mut self.last_first, &mut self.first_before) {
            (Some((t, passes)), _) if t == text => *passes,
            (last, before) if before.as_ref().is_some_and(|(t, _)| t == text) => {
                // The two swap places: the one just met is the last again.
                std::mem::swap(last, before);
                last.as_ref().is_some_and(|(_, passes)| *passes)
            }
            (last, before) => {
                let passes = passes_as_item(text);
                // The last becomes the one before; its buffer is reused for this text.
                std::mem::swap(last, before);
                let (t, p) = last.get_or_insert_with(Default::default);
                t.clear();
                t.push_str(text);
                *p = passes;
                passes
            }
        };
        if !passes && is_not_item(&r.cells, text) {
            if is_header_like(text) {
                self.header_candidate = Some(r);
            }
            return None;
        }
        Some(self.fill(layout, r))
    }

    /// A row of a table with a third level that holds only a 二级事项, with its 一级事项 and
    /// 序号 if any (`财政预算,政府预算,,…` above `,,一般公共预算,…`): it heads the 三级 rows
    /// below, which take its names. `single` is the row's one text when it holds only one: a
    /// domain's name alone is a section row, unless the table has a 领域 column.
    fn second_level_heading(&mut self, layout: &Layout, r: &RawRow, single: Option<&str>) -> bool {
        let Some(name_col) = layout.name_col else {
            return false;
        };
        let own = [layout.seq_col, layout.category_col, Some(name_col)];
        let short = |t: &str| t.chars().count() <= 30 && !t.ends_with(['。', '；', ';']);
        // A 序号, 领域 or 单位 merged down from above is not the row's own text.
        let continued = |i: usize| {
            r.merged.get(i).copied().unwrap_or(false)
                && [layout.seq_col, layout.domain_col, layout.unit_col].contains(&Some(i))
        };
        let mut texts = r
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (i, crate::text::trim(c)))
            .filter(|(i, c)| !c.is_empty() && !continued(*i));
        let name = crate::text::trim(r.cells.get(name_col).unwrap_or(""));
        let heading = !name.is_empty()
            && !is_label(name)
            && texts.all(|(i, t)| own.contains(&Some(i)) && short(t))
            && single.is_none_or(|t| {
                layout.has_domain_col
                    || matches!(section_key_of(strip_enumeration(t)), SectionKey::Unknown(_))
            });
        if !heading {
            return false;
        }
        let category = layout.value(r, layout.category_col);
        if !category.is_empty() && self.category.as_deref() != Some(&*category) {
            self.category = Some(category.into_owned());
        }
        let seq = layout.value(r, layout.seq_col);
        if !seq.is_empty() {
            self.seq = Some(seq.into_owned());
        }
        self.name = Some(layout.value(r, Some(name_col)).into_owned());
        true
    }

    /// The row last passed over as a header with other wording, if any since the last call.
    pub fn take_header_candidate(&mut self) -> Option<RawRow> {
        self.header_candidate.take()
    }

    /// A new table starts below: continuation cells (序号, 一级事项, 领域) do not reach into
    /// it; the section named above and the unit hold.
    pub fn new_table(&mut self) {
        (self.seq, self.category, self.domain) = (None, None, None);
        self.name = None;
        self.last_first = None;
        self.first_before = None;
        self.header_candidate = None;
    }

    /// Fill a row's blank continuation cells from the rows above and name its unit and
    /// section.
    fn fill(&mut self, layout: &Layout, mut r: RawRow) -> Pending {
        // 同上 under a 一级事项 is the group above, as a blank or merged cell is: not a group
        // named 同上.
        if let Some(i) = layout
            .category_col
            .filter(|i| r.cells.get(*i).is_some_and(is_ditto))
        {
            r.cells.set(i, "");
        }
        // The same for a 二级事项 in a table with a third level.
        if let Some(i) = layout
            .name_col
            .filter(|_| layout.sub_name_col.is_some())
            .filter(|i| r.cells.get(*i).is_some_and(is_ditto))
        {
            r.cells.set(i, "");
        }
        let mut judged = Judged::default();
        let (seq, verdict) = layout.value_judged(&r, layout.seq_col);
        judged.note(layout.seq_col, verdict);
        let seq_blank = seq.is_empty();
        let fill_seq = if seq_blank {
            self.seq.get_or_insert_with(String::new);
            self.seq.clone().filter(|s| !s.is_empty())
        } else {
            if self.seq.as_deref() != Some(&*seq) {
                self.seq = Some(seq.into_owned());
            }
            None
        };
        let (category, verdict) = layout.value_judged(&r, layout.category_col);
        judged.note(layout.category_col, verdict);
        // A 一级事项 written once, on the first row of its group, holds for the blank cells
        // below as a merged cell does, even where 序号 counts the 二级 rows (1, 2, 3…) and so
        // changes on every row. A blank with nothing above stays blank (GK109).
        let fill_category = if category.is_empty() {
            self.category.clone().filter(|c| !c.is_empty())
        } else {
            None
        };
        if !category.is_empty() && self.category.as_deref() != Some(&*category) {
            self.category = Some(category.into_owned());
            // A new group starts without the 二级事项 of the one above.
            self.name = None;
        }
        // A 二级事项 over several 三级 rows, written once or merged, holds for the blank cells
        // below as a 一级事项 does.
        let fill_name = if layout.sub_name_col.is_some() {
            let (name, verdict) = layout.value_judged(&r, layout.name_col);
            judged.note(layout.name_col, verdict);
            if name.is_empty() {
                self.name.clone().filter(|n| !n.is_empty())
            } else {
                if self.name.as_deref() != Some(&*name) {
                    self.name = Some(name.into_owned());
                }
                None
            }
        } else {
            None
        };
        let (unit_cell, verdict) = layout.value_judged(&r, layout.unit_col);
        judged.note(layout.unit_col, verdict);
        let unit_name = if unit_cell.is_empty() {
            self.unit.clone()
        } else {
            if self.unit.as_deref() != Some(&*unit_cell) {
                self.unit = Some(Arc::from(unit_cell));
            }
            self.unit.clone()
        };
        let (domain_cell, verdict) = layout.value_judged(&r, layout.domain_col);
        judged.note(layout.domain_col, verdict);
        let names = self.names.as_ref().unwrap_or(&layout.names);
        let (key, raw, sloc) = if !domain_cell.is_empty() {
            let column = layout.first_col + layout.domain_col.unwrap_or(0) as u32;
            let text = match &self.domain {
                Some(d) if **d == *domain_cell => Arc::clone(d),
                _ => {
                    let d: Arc<str> = Arc::from(domain_cell);
                    self.domain = Some(Arc::clone(&d));
                    d
                }
            };
            (
                key_of(&mut self.domains_seen, &text),
                text,
                Some((r.row, column, r.line)),
            )
        } else if let Some(text) = self.domain.clone().filter(|_| layout.has_domain_col) {
            (key_of(&mut self.domains_seen, &text), text, None)
        } else if let Some((k, raw, at)) = &self.current_section {
            (k.clone(), Arc::clone(raw), Some(*at))
        } else {
            (
                layout
                    .sheet_section
                    .clone()
                    .unwrap_or_else(|| SectionKey::General(UNPLACED.into())),
                Arc::clone(&names.unplaced_raw),
                None,
            )
        };
        let unit_full = if unit_name.is_none() {
            names.title_full.clone()
        } else {
            None
        };
        let unit = unit_name
            .or_else(|| names.title_unit.clone())
            .unwrap_or_else(|| Arc::clone(&names.default_unit));
        let loc = names.loc(r.row, layout.first_col, r.line);
        self.any_unplaced |= matches!(&key, SectionKey::General(g) if g == UNPLACED);
        Pending {
            loc,
            row: r,
            unit,
            unit_full,
            key,
            raw,
            sloc,
            fill_seq,
            fill_category,
            fill_name,
            ditto: Vec::new(),
            judged,
        }
    }
}

/// Text in a mark column that is still a plain mark: a mark closed with punctuation (`√。`,
/// `否；`), or the column's own value written out (`主动` under 主动, `全社会` or `社会公众`
/// under 全社会, `乡镇` under 乡级), as clerks type the label into the cells they tick.
/// `None` for other text, which stays an unreadable mark (GK209).
fn own_word_mark(col: Col, t: &str) -> Option<Mark<'static>> {
    let w = t
        .trim_end_matches(['。', '．', '.', '；', ';', '，', ','])
        .trim();
    if w.len() < t.len() {
        match super::cells::mark(w) {
            Mark::Set => return Some(Mark::Set),
            Mark::Unset => return Some(Mark::Unset),
            Mark::Text(_) => {}
        }
    }
    let own = match col {
        Col::AudiencePublic => Audience::parse(w) == Audience::Public,
        Col::ModeActive => Mode::parse(w) == Mode::Active,
        Col::ModeRequest => Mode::parse(w) == Mode::OnRequest,
        Col::Level(n) => {
            let levels: Vec<Level> = levels_of(n).collect();
            match levels.as_slice() {
                [one] => Level::parse(w) == *one,
                _ => Level::parse_list(w) == levels,
            }
        }
        _ => false,
    };
    own.then_some(Mark::Set)
}

/// Whether an unset mark says no (否, ×, N, 0, 无, an empty box) rather than nothing (a blank
/// cell, a dash or a slash): in a 是否主动公开 column, no is 依申请公开.
fn says_no(cell: &str) -> bool {
    matches!(
        crate::text::trim(cell),
        "否" | "×" | "✗" | "✘" | "✕" | "N" | "n" | "Ｎ" | "0" | "无" | "□" | "☐"
    )
}

/// Whether a value may hold a mobile or citizen ID number, as the privacy rules (GK605, GK604)
/// look for them: a stretch of digits (spaces and hyphens inside it ignored) of 11 starting
/// 13–19, or of 17 or more. It only chooses the cell those rules report at, when the value goes
/// to 备注 from a column of its own; the rules decide (the reader does not depend on them).
fn holds_personal_number(v: &str) -> bool {
    let mut digits = String::new();
    let check = |d: &str| {
        let b = d.as_bytes();
        (b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])) || b.len() >= 17
    };
    for c in v.chars().chain(std::iter::once('.')) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !matches!(c, ' ' | '-') || digits.is_empty() {
            if check(&digits) {
                return true;
            }
            digits.clear();
        }
    }
    false
}

/// The 二级事项 of an item in a table with a third level: `二级—三级`, or the one that is
/// there (the 二级 item itself, or a third level with nothing above it); the same name
/// written in both is written once.
fn join_levels(second: &str, third: &str) -> String {
    if second.is_empty() || second == third {
        third.to_string()
    } else if third.is_empty() {
        second.to_string()
    } else {
        format!("{second}—{third}")
    }
}

/// The levels a level mark column stands for (bit 0 县级, bit 1 乡级, bit 2 村级).
fn levels_of(mask: u8) -> impl Iterator<Item = Level> {
    Level::KNOWN
        .into_iter()
        .enumerate()
        .filter(move |(i, _)| mask & (1 << i) != 0)
        .map(|(_, l)| l)
}

/// The columns where a clerk may write "同上" for the text of the row above: the elements
/// that repeat from item to item (the basis, time limit, subject, channels, audience, mode,
/// level, written as words or as marks in a column per value or per channel), not the names,
/// numbers or the content, which are each item's own.
fn takes_ditto(c: Option<Col>) -> bool {
    matches!(
        c,
        Some(
            Col::Text(Field::Basis | Field::Deadline | Field::Subject)
                | Col::Channels
                | Col::ChannelMark
                | Col::AudiencePublic
                | Col::AudienceSpecific
                | Col::AudienceText
                | Col::AudienceGroup
                | Col::ModeActive
                | Col::ModeRequest
                | Col::ModeText
                | Col::ModeActiveYesNo
                | Col::ModeRequestYesNo
                | Col::LevelsText
                | Col::Level(_)
        )
    )
}

/// The lengths in bytes a 同上 cell can have (同上 is 6, with its spaces and a 。 up to 16): a
/// mark (✓ is 3), a blank cell or a text is told by its length alone.
const DITTO_BYTES: std::ops::RangeInclusive<usize> = 6..=16;

/// "同上" (or 同上。, 同 上) alone in a cell.
fn is_ditto(cell: &str) -> bool {
    DITTO_BYTES.contains(&cell.len())
        && matches!(
            crate::text::trim(cell).trim_end_matches('。'),
            "同上" | "同 上" | "同\u{3000}上"
        )
}

/// The unit a 公开时限 label's qualifier gives its numbers: `公开时限（工作日）` working days,
/// `公开时限（天）` or `（日）` days.
fn deadline_unit(label: &str) -> Option<&'static str> {
    let label = crate::domains::to_simplified(label);
    let open = label.find(['（', '('])?;
    let qualifier = &label[open..];
    if qualifier.contains("工作日") {
        Some("个工作日")
    } else if qualifier.contains('天') || qualifier.contains('日') {
        Some("日")
    } else {
        None
    }
}

/// The channel a mark column's label names, read as Simplified and without the spaces and
/// line breaks a header cell is typed or wrapped with (政府⏎网站, 公 示 栏).
fn mark_channel(label: &str) -> Channel {
    let joined: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    Channel::parse(&crate::domains::to_simplified(&joined))
}

/// The section of rows that name none, in a table with no domain anywhere.
const UNPLACED: &str = "未分领域";

/// The section a domain text names, remembered in `seen` with the texts met before: rows
/// repeat the last one, and a province table's domains come back every few rows (1,666
/// changes in 20,000 rows of the generated one), where naming one anew normalises and looks
/// it up (about 2,000 instructions).
fn key_of(seen: &mut Vec<DomainSeen>, text: &Arc<str>) -> SectionKey {
    /// Texts remembered; a table with more distinct 领域 texts names the rest anew.
    const KEPT: usize = 64;
    if let Some(last) = seen.last() {
        if Arc::ptr_eq(&last.text, text) || *last.text == **text {
            return last.key.clone();
        }
    }
    // Told apart by a hash first: the 26 domains' names are mostly four characters, and a
    // comparison of texts of one length is a call to memcmp.
    let hash = rustc_hash::FxBuildHasher.hash_one(&**text);
    if let Some(i) = seen
        .iter()
        .rposition(|s| s.hash == hash && *s.text == **text)
    {
        // The last met goes last.
        let met = seen.remove(i);
        let k = met.key.clone();
        seen.push(met);
        return k;
    }
    let key = domain_cell_key(text);
    if seen.len() >= KEPT {
        seen.remove(0);
    }
    seen.push(DomainSeen {
        hash,
        text: Arc::clone(text),
        key: key.clone(),
    });
    key
}

/// The section a 领域 cell names, worked out anew: the cell may be numbered or decorated
/// (一、社会救助, 社会救助类) or a short name (养老).
fn domain_cell_key(text: &str) -> SectionKey {
    match section_key_of(text) {
        SectionKey::Unknown(u) => match domains::lookup_domain_cell(text) {
            SectionKey::Unknown(_) => SectionKey::Unknown(u),
            k => k,
        },
        k => k,
    }
}

/// A domain text [`key_of`] met, its hash and the section it names.
#[derive(Debug)]
struct DomainSeen {
    hash: u64,
    text: Arc<str>,
    key: SectionKey,
}

/// The domain of a table's own title met below the first table of a sheet ("二、养老服务领域
/// 基层政务公开标准目录" heading the next table): a short line that ends as a catalogue's title
/// does, so a note that merely mentions a domain ("注：社会救助事项…") is not one.
fn domain_title(text: &str) -> Option<SectionKey> {
    let t = text.trim();
    let body = t
        .trim_end_matches(|c: char| "（）()试行版年0123456789".contains(c))
        .trim_end();
    if t.chars().count() > 60 || !body.ends_with("目录") {
        return None;
    }
    super::header::title_domain(t).map(|(k, _)| k)
}

fn section_key_of(text: &str) -> SectionKey {
    match domains::lookup(text) {
        SectionKey::Unknown(_) => domains::lookup_many(text)
            .into_iter()
            .next()
            .unwrap_or(SectionKey::Unknown(text.to_string())),
        k => k,
    }
}

/// The set marks a clerk writes before a word (✓全社会, √政府网站).
const SET_MARKS: [char; 6] = ['✓', '√', '✔', '☑', '■', '●'];

/// A cell of a Traditional file in Simplified characters (the mainland standard that
/// `compile` writes). Only ever called for a file whose header is Traditional.
fn to_simplified_text(s: &str) -> String {
    fast2s::convert(s)
}

/// A label followed by a colon (填报人：, 联系电话:, 审核人：张三) or a label that asks for a seal
/// or signature (填报单位（盖章）): the text of filing and signature lines and of notes.
fn is_label(text: &str) -> bool {
    let t = crate::text::trim(text);
    // Nearly every text has no colon and does not end with a bracket: not a label. (Reading
    // it as Simplified maps characters one to one and maps no colon or bracket.)
    if !t.ends_with([')', '）']) && !has_colon(t) {
        return false;
    }
    let t = domains::to_simplified(t);
    if [
        "（盖章）",
        "(盖章)",
        "（签字）",
        "(签字)",
        "（签章）",
        "(签章)",
    ]
    .iter()
    .any(|k| t.ends_with(k))
    {
        return true;
    }
    let Some(colon) = t.find(['：', ':']) else {
        return false;
    };
    let label = &t[..colon];
    let n = label.chars().count();
    (1..=12).contains(&n)
        && !label.chars().all(|c| c.is_ascii_digit())
        && !label.contains(['《', '》', '，', '、', '；', '。', ',', ';'])
}

/// Whether a row's first text is a header word (short, not a number, a column's name).
/// Header words are short; a 序号 or long first cell (nearly every item row) is not one, and
/// is passed without normalising it.
fn is_header_like(first: &str) -> bool {
    first.chars().count() <= 12
        && !first.chars().all(|c| c.is_ascii_digit())
        && (classify(first).is_some() || is_parent(first))
}

/// Whether a row whose first text is `first` is an item by that text alone (what
/// [`is_not_item`] answers first): the text is neither a header word nor a label.
fn passes_as_item(first: &str) -> bool {
    first != "1" && !is_totals(first) && !is_header_like(first) && !is_label(first)
}

/// A totals row's first text: 合计, 总计, 小计, 共计, 汇总 (spaces inside and a colon after
/// allowed: `合  计`, `合计：`).
fn is_totals(first: &str) -> bool {
    // Nearly every first text is a 序号, or a name starting with another character: passed
    // without allocating.
    if first.len() > 40
        || !first
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '合' | '总' | '總' | '小' | '共' | '汇' | '匯'))
    {
        return false;
    }
    let t: String = first
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '：' | ':'))
        .collect();
    matches!(
        domains::to_simplified(&t).as_ref(),
        "合计" | "总计" | "小计" | "共计" | "汇总" | "总合计" | "汇总合计"
    )
}

/// Whether a text is a whole number written in ASCII digits (a column number: 1, 2, 15).
fn column_number(t: &str) -> Option<u32> {
    if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Whether a text holds ':' or '：' (EF BC 9A), by memchr of ':' and 0x9A.
fn has_colon(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr2_iter(b':', 0x9A, b).any(|i| {
        b.get(i) == Some(&b':') || i.checked_sub(2).and_then(|j| b.get(j..i)) == Some(&[0xEF, 0xBC])
    })
}

/// Whether a row with several texts is not an item: a filing or signature line (填报单位
/// （盖章）：… 填报人：… 联系电话：… 审核人：…), or the header repeated with other wording or
/// the parent row of a two-row header after a page break. Decided by what the row is — most of
/// its texts are labels, or most name columns, and none is a mark — not by its words.
/// `first` is the row's first text; most item rows are passed after looking at it alone.
fn is_not_item(cells: &Cells, first: &str) -> bool {
    if passes_as_item(first) {
        return false;
    }
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    // The row of column numbers printed under a header (1 2 3 … one per column): its texts
    // count up from 1. An item numbered 1 has its name next.
    if first == "1" {
        return filled.len() >= 3
            && filled
                .iter()
                .enumerate()
                .all(|(k, c)| column_number(c) == Some(k as u32 + 1));
    }
    // A totals row (合计 | 共3项 | counts under the mark columns): no other text is a
    // sentence or a citation.
    if is_totals(first) {
        return filled
            .iter()
            .all(|c| c.chars().count() <= 30 && !c.contains(['《', '。']));
    }
    let header_like = is_header_like(first);
    if !header_like && !is_label(first) {
        return false;
    }
    if filled.iter().any(|c| matches!(mark(c), Mark::Set)) && !header_like {
        return false;
    }
    let half = filled.len().div_ceil(2);
    // A header or label row never cites a document: a row holding a citation is an item,
    // however many of its cells are also column words (全社会, 主动, 县级、乡级, 政府网站).
    if filled
        .iter()
        .any(|c| c.len() > 30 && c.contains('《') && c.contains('》'))
    {
        return false;
    }
    if header_like {
        let named = filled
            .iter()
            .filter(|c| classify(c).is_some() || is_parent(c))
            .count();
        return named >= 2 && named >= half;
    }
    let labels = filled.iter().filter(|c| is_label(c)).count();
    labels >= half && filled.iter().all(|c| c.chars().count() <= 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns past the 64 the verdicts are kept for are judged again, never read off
    /// (a CSV of 16,000 columns reads its items).
    #[test]
    fn verdicts_are_kept_for_the_first_64_columns_and_asked_for_any() {
        let plain = crate::read::clean::Plain {
            plain: true,
            clear: false,
        };
        let mut j = Judged::default();
        for i in [0, 63, 64, 400] {
            j.note(Some(i), Some(plain));
        }
        j.note(Some(5), None);
        assert_eq!(j.get(0), Some(plain));
        assert_eq!(j.get(63), Some(plain));
        for i in [5, 64, 65, 400, 16_000, usize::MAX] {
            assert_eq!(j.get(i), None, "{i}");
        }
    }

    /// The cell a privacy diagnostic on 备注 points at: mobiles and ID numbers, not landlines
    /// or hotlines.
    #[test]
    fn personal_numbers_but_not_landlines_or_hotlines_choose_the_cell() {
        for v in [
            "13912345678",
            "手机 139-1234-5678",
            "110101199003074514",
            "身份证11010119900307451X",
        ] {
            assert!(holds_personal_number(v), "{v}");
        }
        for v in [
            "0751-6321234",
            "12345",
            "0715 6321234",
            "2024-01-01",
            "",
            "长期",
        ] {
            assert!(!holds_personal_number(v), "{v}");
        }
    }

    #[test]
    fn has_colon_finds_exactly_the_two_colons() {
        // A colon's bytes cannot come from two characters (0xBC and 0x9A only continue one).
        for c in '\0'..=char::MAX {
            for s in [format!("{c}"), format!("审{c}核")] {
                assert_eq!(has_colon(&s), s.contains([':', '：']), "{s:?}");
            }
        }
    }

    /// A domain text names the same section whether it is named anew, the last one met, or
    /// remembered from further back, past the number of texts kept too.
    #[test]
    fn domain_texts_name_their_sections_however_often_they_come_back() {
        let named = domain_cell_key;
        let texts: Vec<Arc<str>> = [
            "社会救助",
            "一、养老服务",
            "养老",
            "财政预决算",
            "未知领域甲",
        ]
        .into_iter()
        .map(String::from)
        .chain((0..100).map(|i| format!("领域{i}")))
        .map(Arc::from)
        .collect();
        let mut seen = Vec::new();
        for round in 0..3 {
            for (i, t) in texts.iter().enumerate() {
                for t in [t, t, &texts[i % 5], t] {
                    // Another allocation of the same text, as a new batch's copy is.
                    let copy: Arc<str> = Arc::from(&**t);
                    assert_eq!(key_of(&mut seen, &copy), named(t), "{t} in round {round}");
                }
            }
            assert!(seen.len() <= 64);
        }
        assert_eq!(named("一、养老服务"), named("养老服务"));
    }

    /// Unit and domain texts are shared between rows while they repeat: a row must still get
    /// its own unit and domain when they change, come back, or are left blank (continued).
    #[test]
    fn shared_unit_and_domain_texts_follow_the_rows() {
        let file: Arc<str> = Arc::from("t.csv");
        let row = |n: u32, cells: &[&str]| Ok(raw_row(n, cells));
        let header = [
            "单位",
            "领域",
            "一级事项",
            "二级事项",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "全社会",
            "特定群众",
            "主动",
            "依申请公开",
        ];
        let body: Vec<Vec<&str>> = [
            ["甲镇", "社会救助", "低保", "政策"],
            ["甲镇", "社会救助", "低保", "标准"],
            ["", "", "低保", "结果"],
            ["乙镇", "养老服务", "补贴", "政策"],
            ["乙镇", "社会救助", "低保", "政策"],
            ["甲镇", "", "低保", "程序"],
            ["甲镇", "养老服务", "补贴", "名单"],
            ["丙镇", "未知领域甲", "补贴", "名单"],
        ]
        .iter()
        .map(|r| {
            let rest = [
                "名单",
                "《条例》",
                "20个工作日内",
                "民政办",
                "政府网站",
                "✓",
                "",
                "✓",
                "",
            ];
            r.iter().chain(rest.iter()).copied().collect()
        })
        .collect();
        let mut rows = std::iter::once(row(1, &header))
            .chain(body.iter().zip(2..).map(|(c, n)| row(n, c)))
            .collect::<Vec<_>>()
            .into_iter();
        let (layout, rest, diags) = Layout::start(
            &file,
            None,
            &mut rows,
            "默认",
            &crate::limits::Limits::default(),
        )
        .unwrap_or_else(|_| panic!("no header"));
        assert!(diags.is_empty(), "{diags:?}");
        let mut order = Order::default();
        let placed: Vec<Pending> = rest
            .into_iter()
            .chain(rows.flatten())
            .filter_map(|r| order.place(&layout, r))
            .collect();
        let got: Vec<(&str, &str, SectionKey)> = placed
            .iter()
            .map(|p| (&*p.unit, &*p.raw, p.key.clone()))
            .collect();
        let key = |t: &str| section_key_of(t);
        assert_eq!(
            got,
            vec![
                ("甲镇", "社会救助", key("社会救助")),
                ("甲镇", "社会救助", key("社会救助")),
                ("甲镇", "社会救助", key("社会救助")),
                ("乙镇", "养老服务", key("养老服务")),
                ("乙镇", "社会救助", key("社会救助")),
                ("甲镇", "社会救助", key("社会救助")),
                ("甲镇", "养老服务", key("养老服务")),
                ("丙镇", "未知领域甲", key("未知领域甲")),
            ]
        );
        assert!(matches!(got[7].2, SectionKey::Unknown(_)));
        // Repeated texts are one allocation; a changed one a new one.
        assert!(Arc::ptr_eq(&placed[0].unit, &placed[2].unit));
        assert!(Arc::ptr_eq(&placed[0].raw, &placed[2].raw));
        assert!(!Arc::ptr_eq(&placed[0].unit, &placed[5].unit));
        // Placed in batches (of two here), a batch's rows share copies of their own, which
        // the thread at work on it counts alone: the same texts, but not the allocations of
        // the batch before or of the layout.
        let mut order = Order::default();
        let mut batched = Vec::new();
        for (k, r) in body.iter().zip(2..).map(|(c, n)| row(n, c)).enumerate() {
            if k % 2 == 0 {
                order.start_batch(&layout);
            }
            batched.extend(r.ok().and_then(|r| order.place(&layout, r)));
        }
        let texts = |p: &Pending| (p.unit.to_string(), p.raw.to_string(), p.loc.clone());
        assert_eq!(
            batched.iter().map(texts).collect::<Vec<_>>(),
            placed.iter().map(texts).collect::<Vec<_>>()
        );
        let same = |a: usize, b: usize| {
            let (a, b) = (&batched[a], &batched[b]);
            (
                Arc::ptr_eq(&a.unit, &b.unit),
                Arc::ptr_eq(&a.raw, &b.raw),
                Arc::ptr_eq(&a.loc.file, &b.loc.file),
            )
        };
        // The first two rows are one batch; the third, continuing their 甲镇 and 社会救助, the
        // next; the fifth and sixth one batch again (乙镇 then 甲镇, 社会救助 continued).
        assert_eq!(same(0, 1), (true, true, true));
        assert_eq!(same(1, 2), (false, false, false));
        assert_eq!(same(4, 5), (false, true, true));
        assert!(batched.iter().all(|p| !Arc::ptr_eq(&p.loc.file, &file)));
        // Through the whole reader: two units, each with its sections and items.
        let (cats, _) = super::super::read_rows(
            &file,
            None,
            std::iter::once(row(1, &header)).chain(body.iter().zip(2..).map(|(c, n)| row(n, c))),
            "默认",
            &crate::limits::Limits::default(),
        );
        let units: Vec<(&str, usize)> = cats
            .iter()
            .map(|c| (c.unit.name.as_str(), c.item_count()))
            .collect();
        assert_eq!(units, vec![("甲镇", 5), ("乙镇", 2), ("丙镇", 1)]);
    }

    /// The template's columns with 序号 first and 备注 last, as the tests' drafts write them.
    const DRAFT_HEADER: [&str; 14] = [
        "序号",
        "领域",
        "一级事项",
        "二级事项",
        "公开内容（要素）",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "全社会",
        "特定群众",
        "主动",
        "依申请公开",
        "备注",
    ];

    fn raw_row(n: u32, cells: &[&str]) -> RawRow {
        RawRow {
            cells: cells.iter().copied().collect(),
            row: n,
            line: Some(n),
            first_column: 1,
            merged: Vec::new(),
        }
    }

    /// A draft of [`DRAFT_HEADER`] over `body` (row 2 on) read and placed: its layout and the
    /// item rows.
    fn placed_draft(file: &Arc<str>, body: Vec<RawRow>) -> (Layout, Vec<Pending>) {
        let mut rows = std::iter::once(raw_row(1, &DRAFT_HEADER))
            .chain(body)
            .map(Ok)
            .collect::<Vec<_>>()
            .into_iter();
        let (layout, rest, _) = Layout::start(
            file,
            None,
            &mut rows,
            "默认",
            &crate::limits::Limits::default(),
        )
        .unwrap_or_else(|_| panic!("no header"));
        let mut order = Order::default();
        let placed = rest
            .into_iter()
            .chain(rows.flatten())
            .filter_map(|r| order.place(&layout, r))
            .collect();
        (layout, placed)
    }

    #[test]
    fn the_rules_given_the_readers_glance_say_what_they_say_without_it() {
        let file: Arc<str> = Arc::from("t.csv");
        // Clean cells, and cells whose text the reader changes or the rules report: stray
        // spaces, HTML, a mobile number, an ID number, outline numbering, a continued
        // 一级事项, a long repeated basis, exemptions in 备注.
        let body: [[&str; 6]; 8] = [
            [
                "1",
                "低保政策",
                "申请条件",
                "《社会救助暂行办法》（国务院令第649号）",
                "实时",
                "",
            ],
            [
                "",
                "",
                "办理流程",
                "《社会救助暂行办法》（国务院令第649号）",
                "实时",
                "",
            ],
            [
                "2",
                "一、救助标准",
                "（一）补助标准",
                " 《条例》",
                "20个工作日内",
                "",
            ],
            [
                "3",
                "名单",
                "公示<br>名单",
                "《条例》",
                "20个工作日内",
                "联系13812345678",
            ],
            [
                "4",
                "名单",
                "身份",
                "《条例》",
                "30个工作日内",
                "110105194912310029",
            ],
            [
                "5",
                "名单",
                "全角　空格",
                "《条例》",
                "实时",
                "允许GK402：法定",
            ],
            [
                "6",
                "名单",
                "制表\t符",
                &"《中华人民共和国政府信息公开条例》".repeat(3),
                "实时",
                "",
            ],
            [
                "7",
                "名单",
                "控制\u{1}字符",
                "《条例》",
                "实时",
                "备注1234567890123",
            ],
        ];
        let rows = body.iter().zip(2..).map(|(b, n)| {
            let cells = [
                b[0],
                "社会救助",
                b[1],
                b[2],
                "名单",
                b[3],
                b[4],
                "民政办",
                "政府网站",
                "✓",
                "",
                "✓",
                "",
                b[5],
            ];
            raw_row(n, &cells)
        });
        let (layout, mut placed) = placed_draft(&file, rows.collect());
        layout.resolve_ditto(&mut placed, &mut Vec::new());
        assert_eq!(placed.len(), body.len());
        let cat = crate::model::Catalogue {
            unit: Default::default(),
            file: Arc::clone(&file),
            sections: Vec::new(),
            is_reference: false,
        };
        let ctx = crate::rules::Context {
            today: crate::date::Date::parse("2026-12-01").unwrap_or_else(|| panic!("date")),
        };
        let mut skipped = 0;
        for p in placed {
            let (r, _, glanced) = layout.convert_glanced(p);
            skipped += Field::ALL.iter().filter(|f| glanced.has(**f)).count();
            let with = crate::rules::item_diagnostics_glanced(&cat, &r.item, &ctx, glanced);
            let without = crate::rules::item_diagnostics(&cat, &r.item, &ctx);
            assert_eq!(format!("{with:?}"), format!("{without:?}"), "{:?}", r.item);
        }
        // The clean texts were skipped: the glance is used.
        assert!(skipped >= 20, "{skipped}");
    }

    #[test]
    fn an_item_made_of_the_buffers_of_the_rows_before_is_the_item_made_afresh() {
        let file: Arc<str> = Arc::from("t.csv");
        // Long texts, then blank and shorter ones, a cell the reader cleans (its text is
        // the reader's, not the buffer's), other channels and marks, a cell too long to keep.
        let long = "《中华人民共和国政府信息公开条例》".repeat(200);
        let body: [[&str; 9]; 5] = [
            [
                "1",
                "低保政策",
                "申请条件、办理流程、审核结果",
                "《社会救助暂行办法》",
                "实时",
                "民政办",
                "政府网站 公示栏",
                "✓",
                "备注一",
            ],
            ["2", "低保对象", "", "", "", "", "", "", ""],
            [
                "3",
                "名单",
                "公示<br>名单",
                &long,
                "20个工作日内",
                " 民政办",
                "政务服务中心",
                "",
                "允许GK402：法定",
            ],
            [
                "4",
                "名单",
                "短",
                "《条例》",
                "",
                "",
                "便民服务站 其他（微信群）",
                "✓",
                "",
            ],
            ["5", "名单", "", "", "实时", "", "", "", ""],
        ];
        let placed = || {
            let rows = body.iter().zip(2..).map(|(b, n)| {
                let cells = [
                    b[0],
                    "社会救助",
                    "低保",
                    b[1],
                    b[2],
                    b[3],
                    b[4],
                    b[5],
                    b[6],
                    b[7],
                    "",
                    b[7],
                    "",
                    b[8],
                ];
                raw_row(n, &cells)
            });
            placed_draft(&file, rows.collect())
        };
        let (layout, fresh) = placed();
        let fresh: Vec<String> = fresh
            .into_iter()
            .map(|p| format!("{:?}", layout.convert_glanced(p)))
            .collect();
        let (layout, spared) = placed();
        let mut spare = Spare::default();
        let mut kept_any = false;
        for (p, fresh) in spared.into_iter().zip(&fresh) {
            let converted = layout.convert_spared(p, &mut spare);
            assert_eq!(&format!("{converted:?}"), fresh);
            let (mut r, _, _) = converted;
            kept_any |= r.item.content.capacity() > 0;
            spare.keep(&mut r.item);
            assert!(r.item.content.is_empty() && r.item.channels.is_empty());
        }
        assert_eq!(fresh.len(), body.len());
        assert!(kept_any);
    }
}
