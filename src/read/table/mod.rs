//! Tables (CSV, TSV, spreadsheets) → catalogues. One reader for every tabular source: find the
//! header (one or two rows, after any title rows), map its cells to fields, then read each row
//! into an item, filling blank continuation cells (序号, 一级事项, 领域, 单位) from the row above
//! and taking section rows ("社会救助领域") as the domain of the rows below.

mod cells;
mod cells_buf;
mod header;
mod rows;

pub use cells_buf::Cells;
pub use header::{column_fields, is_header_text, unit_from_file_stem, unit_from_title};
pub use rows::{Layout, Order, Pending};

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::domains::SectionKey;
use crate::limits::Limits;
use crate::model::{Catalogue, Item, Loc, Section, Unit};

/// One row as read: its cells' text, its row number as a spreadsheet shows it, and for CSV the
/// text line where it starts.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub cells: Cells,
    pub row: u32,
    pub line: Option<u32>,
    /// 1-based column number of `cells[0]` (spreadsheets whose used range starts right of A).
    pub first_column: u32,
    /// Cells whose value was copied from a merged region's top-left cell (empty: none).
    pub merged: Vec<bool>,
}

/// The first 40 characters of a text, for hints.
/// One item read from a table, with the unit and section it belongs to.
#[derive(Debug)]
pub struct RowItem {
    /// Shared by the rows of one unit (a province table repeats it on every row).
    pub unit: Arc<str>,
    /// The full name from the title row, when the unit is named by it.
    pub unit_full: Option<Arc<str>>,
    pub key: SectionKey,
    /// The section's name as written (shared like `unit`).
    pub raw: Arc<str>,
    /// Where the section is named.
    pub sloc: Option<Loc>,
    pub item: Item,
}

/// Read rows into catalogues, one per unit named in a 单位 column (or one for the table).
/// `default_unit` names the unit when neither a 单位 column nor a title does. A sheet named
/// after a domain (as gkml's own workbooks are) gives that domain to rows that name none.
pub fn read_rows(
    file: &Arc<str>,
    sheet: Option<Arc<str>>,
    rows: impl Iterator<Item = Result<RawRow, Diagnostic>> + Send,
    default_unit: &str,
    limits: &Limits,
) -> (Vec<Catalogue>, Vec<Diagnostic>) {
    let mut units: Vec<(Arc<str>, Catalogue)> = Vec::new();
    let diags = read_rows_with(
        file,
        sheet,
        rows,
        default_unit,
        limits,
        &mut |r: RowItem| {
            let cat = match units.iter_mut().position(|(n, _)| *n == r.unit) {
                Some(i) => &mut units[i].1,
                None => {
                    units.push((
                        Arc::clone(&r.unit),
                        Catalogue {
                            unit: Unit {
                                name: r.unit.to_string(),
                                full_name: r.unit_full.as_deref().map(str::to_string),
                                ..Default::default()
                            },
                            file: Arc::clone(file),
                            sections: Vec::new(),
                            is_reference: false,
                        },
                    ));
                    let last = units.len() - 1;
                    &mut units[last].1
                }
            };
            match cat.sections.iter_mut().find(|s| s.key == r.key) {
                Some(s) => s.items.push(r.item),
                None => cat.sections.push(Section {
                    key: r.key,
                    raw: r.raw.to_string(),
                    loc: r.sloc,
                    items: vec![r.item],
                }),
            }
        },
    );
    let cats = units
        .into_iter()
        .map(|(_, mut c)| {
            c.sections.sort_by_key(|s| s.key.order());
            c
        })
        .collect();
    (cats, diags)
}

/// Read rows one item at a time, handing each to `sink`. Returns the diagnostics of reading.
///
/// Rows are placed in order a batch at a time and each batch is converted in parallel while
/// the one before is handed to `sink` and the next one placed: placing and handing over are
/// sequential, so on two cores they are hidden behind the conversion instead of alternating
/// with it. Items reach `sink` in row order and the diagnostics come in the order of a
/// one-batch-at-a-time reading (a batch's conversion before anything found after it).
pub fn read_rows_with(
    file: &Arc<str>,
    sheet: Option<Arc<str>>,
    rows: impl Iterator<Item = Result<RawRow, Diagnostic>> + Send,
    default_unit: &str,
    limits: &Limits,
    sink: &mut (dyn FnMut(RowItem) + Send),
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let mut rows = rows.peekable();
    let (mut layout, rest, mut diags) =
        match Layout::start(file, sheet, &mut rows, default_unit, limits) {
            Ok(started) => started,
            Err(diags) => return diags,
        };
    let mut order = Order::default();
    let mut ditto_carry = Vec::new();
    let mut feed = Stacked::new(rest, &mut rows);
    let convert = |layout: &Layout, batch: Vec<Pending>| -> Vec<(RowItem, Vec<Diagnostic>)> {
        batch.into_par_iter().map(|p| layout.convert(p)).collect()
    };
    let sink_all = |converted: Vec<(RowItem, Vec<Diagnostic>)>,
                    diags: &mut Vec<Diagnostic>,
                    sink: &mut (dyn FnMut(RowItem) + Send)| {
        for (row_item, mut found) in converted {
            diags.append(&mut found);
            sink(row_item);
        }
    };
    // The batch to convert next (placed with `layout`), and the one converted last, still to
    // be handed to `sink`.
    let mut converting: Vec<Pending> = Vec::new();
    let mut converted: Vec<(RowItem, Vec<Diagnostic>)> = Vec::new();
    loop {
        // Batch k is converted while batch k-1 is handed over and batch k+1 placed.
        let batch_in = std::mem::take(&mut converting);
        let to_sink = std::mem::take(&mut converted);
        let placing = || {
            sink_all(to_sink, &mut diags, sink);
            let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
            let event = loop {
                let Some(r) = feed.next() else {
                    break Placed::End;
                };
                let r = match r {
                    Ok(r) => r,
                    Err(d) => break Placed::Failed(d),
                };
                batch.extend(order.place(&layout, r));
                if let Some((new, found)) = feed.restart(&mut order, &layout, limits) {
                    break Placed::Restart(Box::new(new), found);
                }
                if batch.len() >= BATCH {
                    break Placed::Full;
                }
            };
            layout.resolve_ditto(&mut batch, &mut ditto_carry);
            (batch, event)
        };
        let (done, (batch, event)) = if batch_in.is_empty() {
            (Vec::new(), placing())
        } else {
            rayon::join(|| convert(&layout, batch_in), placing)
        };
        if let Placed::Full = event {
            converted = done;
            converting = batch;
            continue;
        }
        // Everything placed before the end, a row that cannot be read or a second table is
        // converted and handed over before what it brings.
        sink_all(done, &mut diags, sink);
        sink_all(convert(&layout, batch), &mut diags, sink);
        match event {
            Placed::Failed(d) => {
                diags.push(d);
                break;
            }
            Placed::Restart(new, found) => {
                diags.extend(found);
                ditto_carry.clear();
                layout = *new;
            }
            Placed::Full | Placed::End => break,
        }
    }
    diags.extend(layout.end(&order));
    diags
}

/// Rows placed by [`read_rows_with`] at a time.
const BATCH: usize = 512;

/// How placing a batch ended.
enum Placed {
    /// The batch is full; rows follow.
    Full,
    /// The rows ended.
    End,
    /// The rows could not be read on.
    Failed(Diagnostic),
    /// A second table with other columns starts (see [`Stacked::restart`]).
    Restart(Box<Layout>, Vec<Diagnostic>),
}

/// The rows after a table's header, as the sequential pass reads them: those read ahead
/// first, then the reader's. When the pass passes over a row as a header with other wording,
/// [`Stacked::restart`] reads three rows on to see whether it heads a second table with other columns
/// stacked below the first (one sheet or CSV holding several domains' tables, each with its
/// own header): from there the rows are read with the new header's layout.
pub struct Stacked<'a, I: Iterator<Item = Result<RawRow, Diagnostic>>> {
    ahead: std::collections::VecDeque<Result<RawRow, Diagnostic>>,
    rows: &'a mut I,
    /// Rows still to read after a header candidate that was not a new table: a two-row
    /// header repeated after a page break has its second row looked at once, with the first.
    quiet: u8,
}

impl<'a, I: Iterator<Item = Result<RawRow, Diagnostic>>> Stacked<'a, I> {
    pub fn new(rest: Vec<RawRow>, rows: &'a mut I) -> Self {
        Stacked {
            ahead: rest.into_iter().map(Ok).collect(),
            rows,
            quiet: 0,
        }
    }

    fn pull(&mut self) -> Option<Result<RawRow, Diagnostic>> {
        self.ahead.pop_front().or_else(|| self.rows.next())
    }

    /// After a row is placed: when it was passed over as a header with other wording and the
    /// rows from it start a header whose columns differ, the new layout and its diagnostics
    /// (the order is told a new table starts). Otherwise the rows read ahead are read next,
    /// as before.
    pub fn restart(
        &mut self,
        order: &mut Order,
        layout: &Layout,
        limits: &Limits,
    ) -> Option<(Layout, Vec<Diagnostic>)> {
        let candidate = order.take_header_candidate()?;
        if self.quiet > 0 {
            return None;
        }
        // A header is at most three rows (and the row of column numbers under it): the
        // candidate and three more rows are all that is looked at, so a file of nothing but
        // header-like rows is read a few times over, not thirty.
        let mut head = vec![candidate];
        let mut stopped = None;
        while head.len() < 4 {
            match self.pull() {
                Some(Ok(r)) => head.push(r),
                Some(Err(d)) => {
                    stopped = Some(d);
                    break;
                }
                None => break,
            }
        }
        if let Some(d) = stopped {
            self.ahead.push_front(Err(d));
        }
        match layout.restart(head, limits) {
            Ok((new, rest, diags)) => {
                for r in rest.into_iter().rev() {
                    self.ahead.push_front(Ok(r));
                }
                order.new_table();
                Some((new, diags))
            }
            Err(head) => {
                // The candidate was passed over already; the rows after it are read next.
                for r in head.into_iter().skip(1).rev() {
                    self.ahead.push_front(Ok(r));
                }
                self.quiet = 3;
                None
            }
        }
    }
}

impl<I: Iterator<Item = Result<RawRow, Diagnostic>>> Iterator for Stacked<'_, I> {
    type Item = Result<RawRow, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        self.quiet = self.quiet.saturating_sub(1);
        self.pull()
    }
}
