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

/// A cell's row, column and line (see [`crate::model::Place::Cell`]), in the file and sheet of
/// the rows that hold it.
pub type CellAt = (u32, u32, Option<u32>);

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
    /// The cell that names the section (a 领域 cell or a section row): see
    /// [`RowItem::section_loc`]. A place without the file's name, which only the first row of
    /// each section needs: an `Arc` count on every row cost more than the rest of it.
    pub sloc: Option<CellAt>,
    pub item: Item,
}

impl RowItem {
    /// Where the row's section is named, in the row's file and sheet.
    pub fn section_loc(&self) -> Option<Loc> {
        let (row, column, line) = self.sloc?;
        Some(self.item.loc.as_ref()?.at_cell(row, column, line))
    }
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
                    loc: r.section_loc(),
                    key: r.key,
                    raw: r.raw.to_string(),
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
/// Rows are read and converted a batch at a time on every core ([`run_batches`]). Items reach
/// `sink` in row order and the diagnostics come in the order of a one-batch-at-a-time
/// reading (a batch's conversion before anything found after it).
pub fn read_rows_with(
    file: &Arc<str>,
    sheet: Option<Arc<str>>,
    rows: impl Iterator<Item = Result<RawRow, Diagnostic>> + Send,
    default_unit: &str,
    limits: &Limits,
    sink: &mut (dyn FnMut(RowItem) + Send),
) -> Vec<Diagnostic> {
    let mut rows = rows.peekable();
    let (layout, rest, diags) = match Layout::start(file, sheet, &mut rows, default_unit, limits) {
        Ok(started) => started,
        Err(diags) => return diags,
    };
    let mut batches = Batches::new(layout, rest, &mut rows);
    let mut out = (diags, sink);
    run_batches(
        &mut batches,
        BATCH,
        limits,
        |layout, rows| -> Vec<(RowItem, Vec<Diagnostic>)> {
            rows.into_iter().map(|p| layout.convert(p)).collect()
        },
        &mut out,
        |(diags, sink), converted, after| {
            for (row_item, mut found) in converted {
                diags.append(&mut found);
                sink(row_item);
            }
            diags.extend(after);
        },
    );
    let (mut diags, _) = out;
    diags.extend(batches.end());
    diags
}

/// The rows of `batches`, `size` at a time, converted by `convert` on as many threads as
/// rayon has, each batch then handed to `finish` on `stage` in row order with what was found
/// after it (see [`Batches::next_batch`]): each thread places the next batch (one thread at
/// a time), converts it while the others place or convert theirs, and finishes whichever
/// batches are next when it is done ([`crate::ordered`]). On one of rayon's own threads (the
/// units of a county read in parallel) it all runs on that thread: the parallelism is the
/// caller's. Used by [`read_rows_with`] and by `validate`'s streaming check.
pub fn run_batches<I, T, S>(
    batches: &mut Batches<'_, I>,
    size: usize,
    limits: &Limits,
    convert: impl Fn(&Layout, Vec<Pending>) -> T + Sync,
    stage: &mut S,
    finish: impl Fn(&mut S, T, Vec<Diagnostic>) + Sync,
) where
    I: Iterator<Item = Result<RawRow, Diagnostic>> + Send,
    T: Send,
    S: Send,
{
    use crate::ordered::{lock, Ordered};
    use std::sync::Mutex;
    let threads = if rayon::current_thread_index().is_some() {
        1
    } else {
        rayon::current_num_threads().max(1)
    };
    let reading = Mutex::new(batches);
    let stage = Mutex::new(stage);
    // Batches converted but not yet finished are held at most two a thread: without the
    // bound, the other threads ran 14–36 chunks ahead of one whose chunk was next and was
    // held up (descheduled, say) in validate of 1M rows.
    let ready: Ordered<(T, Vec<Diagnostic>)> = Ordered::new(2 * threads);
    let work = || {
        let _worker = ready.worker();
        while ready.wait_for_room() {
            // Its own statement: the reading lock is let go before the batch is converted.
            let next = lock(&reading).next_batch(size, limits);
            let Some(batch) = next else { break };
            let converted = convert(&batch.layout, batch.rows);
            drop(batch.layout);
            ready.deposit(
                batch.n,
                (converted, batch.after),
                &stage,
                |s, (t, after)| {
                    finish(s, t, after);
                },
            );
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    debug_assert_eq!(ready.waiting(), 0, "a converted batch was left unfinished");
}

/// Rows placed by [`read_rows_with`] at a time.
const BATCH: usize = 512;

/// Rows placed in order, a batch at a time, by one thread at a time (see [`read_rows_with`]
/// and `validate`'s streaming check): what the sequential pass over a table keeps between
/// batches.
pub struct Batches<'r, I: Iterator<Item = Result<RawRow, Diagnostic>>> {
    feed: Stacked<'r, I>,
    /// The layout rows are placed with now (a second table stacked below the first may
    /// bring other columns); each batch carries the one its rows were placed with.
    layout: Arc<Layout>,
    order: Order,
    ditto_carry: Vec<String>,
    /// Batches numbered so far.
    count: u64,
    done: bool,
}

/// A batch of placed rows, numbered from 0 in row order, with the layout they were placed
/// with and what was found after them (a second table's header diagnostics, or the error
/// that stopped the reading).
pub struct Batch {
    pub n: u64,
    pub layout: Arc<Layout>,
    pub rows: Vec<Pending>,
    pub after: Vec<Diagnostic>,
}

impl<'r, I: Iterator<Item = Result<RawRow, Diagnostic>>> Batches<'r, I> {
    /// The rows after a table's header: `rest` read ahead by [`Layout::start`], then `rows`.
    pub fn new(layout: Layout, rest: Vec<RawRow>, rows: &'r mut I) -> Self {
        Batches {
            feed: Stacked::new(rest, rows),
            layout: Arc::new(layout),
            order: Order::default(),
            ditto_carry: Vec::new(),
            count: 0,
            done: false,
        }
    }

    /// The next batch of at most `size` rows (fewer where a second table starts or the rows
    /// end); `None` once everything was handed out.
    pub fn next_batch(&mut self, size: usize, limits: &Limits) -> Option<Batch> {
        let mut rows: Vec<Pending> = Vec::with_capacity(size);
        let mut after = Vec::new();
        self.order.start_batch(&self.layout);
        while !self.done {
            match self.feed.next() {
                Some(Ok(r)) => rows.extend(self.order.place(&self.layout, r)),
                Some(Err(d)) => {
                    after.push(d);
                    self.done = true;
                    break;
                }
                None => {
                    self.done = true;
                    break;
                }
            }
            if let Some((new, found)) = self.feed.restart(&mut self.order, &self.layout, limits) {
                // The rows so far were placed with the old layout, the rest with the new.
                let old = std::mem::replace(&mut self.layout, Arc::new(new));
                old.resolve_ditto(&mut rows, &mut self.ditto_carry);
                self.ditto_carry.clear();
                return Some(self.numbered(old, rows, found));
            }
            if rows.len() >= size {
                break;
            }
        }
        self.layout.resolve_ditto(&mut rows, &mut self.ditto_carry);
        if rows.is_empty() && after.is_empty() {
            return None;
        }
        let layout = Arc::clone(&self.layout);
        Some(self.numbered(layout, rows, after))
    }

    fn numbered(
        &mut self,
        layout: Arc<Layout>,
        rows: Vec<Pending>,
        after: Vec<Diagnostic>,
    ) -> Batch {
        let n = self.count;
        self.count += 1;
        Batch {
            n,
            layout,
            rows,
            after,
        }
    }

    /// The diagnostics of the table as a whole, once every batch was handed out (see
    /// [`Layout::end`]).
    pub fn end(self) -> Option<Diagnostic> {
        self.layout.end(&self.order)
    }
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
