//! The one entry point for checks. Every verb (validate, compile, summary, import's report)
//! and the streaming path of `validate` run the rules through [`Checks`]: the same rules,
//! after the same preparation, under the same configuration (`--select`, `--ignore`, a
//! project's `[rules]`), judged by the same run date. Readers only read; `rules` holds the
//! registry and the pure checks; this module decides what runs on what and applies the
//! configuration, so two verbs cannot disagree about one input.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::date::Date;
use crate::diag::{Cap, Diagnostic, Tally};
use crate::domains::SectionKey;
use crate::limits::Limits;
use crate::model::Catalogue;
use crate::read::table::RowItem;
use crate::read::toml::RulesTable;
use crate::rules::{self, config::RuleConfig, Context, CrossCheck, ItemKeys, NameProbe};

/// The checks of one run: which rules, how severe, and the date they judge by.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub config: RuleConfig,
    pub ctx: Context,
    /// How many diagnostics a report lists (`--max-diagnostics`).
    pub cap: Cap,
    /// Read the unit files county.toml names even where `gkml serve` holds a newer upload
    /// (`--no-uploads`).
    pub no_uploads: bool,
    /// How much a reader may take in (`--max-input-mb`, `--max-rows`, `--max-cell-chars`):
    /// passed down to every reader of the run, never a process-wide setting.
    pub limits: Limits,
}

impl Checks {
    pub fn new(config: RuleConfig, today: Date) -> Checks {
        Checks {
            config,
            ctx: Context { today },
            cap: Cap::default(),
            no_uploads: false,
            limits: Limits::default(),
        }
    }

    /// These checks under a county's `[rules]` table (the run's own flags still win).
    ///
    /// # Errors
    /// The GK003 diagnostic of an unusable table.
    pub fn for_project(&self, table: &RulesTable) -> Result<Checks, Diagnostic> {
        Ok(Checks {
            config: RuleConfig::from_table(table)?.merged(&self.config),
            ..self.clone()
        })
    }

    /// A tally for one report under this run's cap.
    pub fn tally(&self) -> Tally {
        Tally::new(self.cap)
    }

    /// Diagnostics found elsewhere (reading, resolving, the project file) under the
    /// configuration.
    pub fn configure(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.config.apply(diags)
    }

    /// Every content rule over one unit's catalogue, configured. Call it before the catalogue
    /// is numbered for output (`number_items`): GK502 judges the 序号 as the draft wrote it.
    pub fn catalogue(&self, cat: &Catalogue) -> Vec<Diagnostic> {
        self.config.apply(rules::check(cat, &self.ctx))
    }

    /// GK702 for the units of one file or one county, in order (see
    /// [`rules::name_collisions`]); `Some` marks a unit that must not be written. The
    /// configuration cannot drop these.
    pub fn collisions(&self, cats: &[&Catalogue], county: bool) -> Vec<Option<Diagnostic>> {
        let names: Vec<(String, &Arc<str>)> =
            cats.iter().map(|c| (output_name(c), &c.file)).collect();
        let refs: Vec<(&str, &Arc<str>)> = names.iter().map(|(n, f)| (n.as_str(), *f)).collect();
        rules::name_collisions(&refs, county)
    }

    /// The checks of a table read as a stream, one row at a time.
    pub fn stream(&self, file: Arc<str>) -> Stream<'_> {
        Stream {
            checks: self,
            ctx: Catalogue {
                file,
                ..Default::default()
            },
        }
    }
}

/// A sheet (none for a CSV) and the unit whose item is on a given row of it.
type SheetOwner<'a> = (Option<&'a str>, Option<usize>);

/// Split the reading diagnostics of a file with several units (a county-wide table with a 单位
/// column) between them: a diagnostic on a row belongs to the unit whose item that row is;
/// the rest (the header, the file as a whole) belongs to the file. One unit's bad row must
/// not stop another unit from being written, whatever the order of the rows.
pub fn attribute(
    diags: Vec<Diagnostic>,
    cats: &[&Catalogue],
) -> (Vec<Diagnostic>, Vec<Vec<Diagnostic>>) {
    use crate::model::Place;
    // The rows that have a diagnostic (few), then the unit whose item each is: a map of every
    // item's row took 7 ms of a 100,000-row compile, on one thread.
    let mut rows: FxHashMap<u32, Vec<SheetOwner<'_>>> = FxHashMap::default();
    for d in &diags {
        if let Some(r) = d.row {
            let sheets = rows.entry(r).or_default();
            if !sheets.iter().any(|(s, _)| *s == d.sheet.as_deref()) {
                sheets.push((d.sheet.as_deref(), None));
            }
        }
    }
    if !rows.is_empty() {
        for (i, cat) in cats.iter().enumerate() {
            for item in cat.sections.iter().flat_map(|s| &s.items) {
                if let Some(Place::Cell { sheet, row, .. }) = item.loc.as_ref().map(|l| &l.place) {
                    for (s, owner) in rows.get_mut(row).into_iter().flatten() {
                        if *s == sheet.as_deref() {
                            *owner = Some(i);
                        }
                    }
                }
            }
        }
    }
    let owners: Vec<Option<usize>> = diags
        .iter()
        .map(|d| {
            let sheets = rows.get(&d.row?)?;
            sheets
                .iter()
                .find(|(s, _)| *s == d.sheet.as_deref())
                .and_then(|(_, owner)| *owner)
        })
        .collect();
    let mut file = Vec::new();
    let mut units: Vec<Vec<Diagnostic>> = vec![Vec::new(); cats.len()];
    for (d, owner) in diags.into_iter().zip(owners) {
        let owner = owner.and_then(|i| units.get_mut(i));
        match owner {
            Some(u) => u.push(d),
            None => file.push(d),
        }
    }
    (file, units)
}

/// The name a unit's outputs are written under: its short name, else its file's stem (a
/// reference catalogue or a draft with no unit named).
pub fn output_name(cat: &Catalogue) -> String {
    if !cat.unit.name.is_empty() {
        return cat.unit.name.clone();
    }
    std::path::Path::new(&*cat.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("目录")
        .to_string()
}

/// What the in-order checks remember about one unit of a streamed table.
struct UnitState {
    name: String,
    cross: CrossCheck,
    sections: rustc_hash::FxHashSet<SectionKey>,
}

/// The checks of a streamed table: the per-item rules (pure, run on any thread by
/// [`Stream::item`]) and the in-order ones (section names, duplicates, numbering) by
/// [`Stream::in_order`] — the same functions [`rules::check`] runs over a whole catalogue.
pub struct Stream<'c> {
    checks: &'c Checks,
    /// The catalogue every row belongs to, for the rules that look at it.
    ctx: Catalogue,
}

/// What the in-order checks of a streamed table remember, per unit.
pub struct InOrder {
    units: Vec<UnitState>,
    index: FxHashMap<String, usize>,
    last: usize,
    /// The name `last` was found by: rows share their unit's name (a batch's own copy), so
    /// the next row's is most often this very text, told without comparing the two.
    last_name: Option<Arc<str>>,
}

impl InOrder {
    /// The state of the unit named `name`, made on its first row.
    fn unit(&mut self, name: &Arc<str>) -> Option<&mut UnitState> {
        if self
            .last_name
            .as_ref()
            .is_some_and(|last| Arc::ptr_eq(last, name))
        {
            return self.units.get_mut(self.last);
        }
        // Rows come in runs of one unit, so the last one is tried first.
        if self.units.get(self.last).is_none_or(|u| *u.name != **name) {
            let units = &mut self.units;
            self.last = *self.index.entry(name.to_string()).or_insert_with(|| {
                units.push(UnitState {
                    name: name.to_string(),
                    cross: CrossCheck::default(),
                    sections: Default::default(),
                });
                units.len() - 1
            });
        }
        self.last_name = Some(Arc::clone(name));
        self.units.get_mut(self.last)
    }
}

impl Default for InOrder {
    fn default() -> Self {
        InOrder {
            units: Vec::new(),
            index: FxHashMap::default(),
            last: usize::MAX,
            last_name: None,
        }
    }
}

impl Stream<'_> {
    /// The per-item rules of one row, before the configuration is applied.
    pub fn item(&self, r: &RowItem) -> Vec<Diagnostic> {
        self.item_glanced(r, crate::model::Glanced::default())
    }

    /// [`Stream::item`] of a row converted by [`Layout::convert_glanced`](crate::read::table::Layout::convert_glanced).
    pub fn item_glanced(&self, r: &RowItem, glanced: crate::model::Glanced) -> Vec<Diagnostic> {
        rules::item_diagnostics_glanced(&self.ctx, &r.item, &self.checks.ctx, glanced)
    }

    /// What the in-order checks recognise a row's item by (hashes of its names and id, its
    /// 序号), computed on the worker that checks the row rather than on the in-order thread.
    pub fn keys(r: &RowItem) -> ItemKeys {
        ItemKeys::of(r.key.display_name(), &r.item)
    }

    /// What [`Stream::in_order`] reads of a row: its unit, section and the item's names, id,
    /// 序号, places, notes and allows. The rest (the long texts, channels, marks) is taken
    /// here, on the worker thread that made the row, and its buffers kept in `spare` for the
    /// worker's next row (see [`crate::model::Spare`]), not freed by the one thread that runs
    /// the in-order checks of every row (at a higher cost for memory another thread
    /// allocated).
    pub fn for_in_order(r: &mut RowItem, spare: &mut crate::model::Spare) {
        r.unit_full = None;
        spare.keep(&mut r.item);
    }

    /// Note the names of a run of rows in their units' duplicate checks, in row order, ahead
    /// of [`Stream::in_order`] on each: the map lookups of a run, done together, overlap
    /// their cache misses.
    pub fn probe_names<'r>(
        &self,
        state: &mut InOrder,
        rows: impl Iterator<Item = (&'r RowItem, ItemKeys)>,
    ) -> Vec<NameProbe> {
        rows.map(|(r, keys)| {
            state
                .unit(&r.unit)
                .map_or(NameProbe::Unnamed, |u| u.cross.probe_names(&r.item, keys))
        })
        .collect()
    }

    /// The in-order checks of the next row, in row order (of a row as
    /// [`Stream::for_in_order`] left it), whose names [`Stream::probe_names`] noted as
    /// `probe`. `keys` are [`Stream::keys`] of the row.
    pub fn in_order(
        &self,
        state: &mut InOrder,
        r: &RowItem,
        keys: ItemKeys,
        probe: NameProbe,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(unit) = state.unit(&r.unit) else {
            return;
        };
        // A lookup, not an insert of a clone: nearly every row's section was seen before.
        if !unit.sections.contains(&r.key) {
            unit.sections.insert(r.key.clone());
            out.extend(rules::section_diagnostics(
                &self.ctx,
                &r.key,
                &r.raw,
                r.section_loc().as_ref(),
            ));
        }
        let start = out.len();
        unit.cross.item_probed(&r.item, keys, probe, out);
        unit.cross
            .numbering_keyed(r.key.display_name(), &r.item, keys.seq(), out);
        rules::retain_allowed(&r.item, out, start);
    }

    /// The checks that need every row: the units' own names (GK606) and GK702 between the
    /// table's units (a guard, which no configuration drops).
    pub fn finish(&self, state: InOrder) -> Vec<Diagnostic> {
        let cats: Vec<Catalogue> = state
            .units
            .iter()
            .map(|u| Catalogue {
                file: Arc::clone(&self.ctx.file),
                unit: crate::model::Unit {
                    name: u.name.clone(),
                    ..Default::default()
                },
                ..Default::default()
            })
            .collect();
        let refs: Vec<&Catalogue> = cats.iter().collect();
        let mut found: Vec<Diagnostic> = self
            .checks
            .config
            .apply(cats.iter().flat_map(rules::unit_diagnostics).collect());
        found.extend(self.checks.collisions(&refs, false).into_iter().flatten());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domains::SectionKey;
    use crate::model::{Item, Loc, Place, Section};

    #[test]
    fn a_unit_is_found_by_its_name_whether_the_text_is_shared_or_another_copy() {
        let mut state = InOrder::default();
        let (jia, yi): (Arc<str>, Arc<str>) = (Arc::from("甲镇"), Arc::from("乙镇"));
        let found = |state: &mut InOrder, name: &Arc<str>| {
            let u = state.unit(name).map(|u| u.name.clone());
            assert_eq!(u.as_deref(), Some(&**name));
            state.last
        };
        let first = found(&mut state, &jia);
        assert_eq!(found(&mut state, &jia), first);
        let second = found(&mut state, &yi);
        assert_ne!(second, first);
        // Another batch's copy of the text, then the first text again: the same units.
        assert_eq!(found(&mut state, &Arc::from("乙镇")), second);
        assert_eq!(found(&mut state, &jia), first);
        assert_eq!(found(&mut state, &Arc::from("甲镇")), first);
        assert_eq!(state.units.len(), 2);
    }

    fn unit_with_rows(file: &Arc<str>, rows: &[(Option<&str>, u32)]) -> Catalogue {
        let items = rows
            .iter()
            .map(|(sheet, row)| Item {
                loc: Some(Loc::new(
                    file,
                    Place::Cell {
                        sheet: sheet.map(Arc::from),
                        row: *row,
                        column: 1,
                        line: None,
                    },
                )),
                ..Default::default()
            })
            .collect();
        Catalogue {
            file: Arc::clone(file),
            sections: vec![Section {
                key: SectionKey::Domain(1),
                raw: String::new(),
                loc: None,
                items,
            }],
            ..Default::default()
        }
    }

    fn at(file: &Arc<str>, sheet: Option<&str>, row: u32, message: &'static str) -> Diagnostic {
        let place = Place::Cell {
            sheet: sheet.map(Arc::from),
            row,
            column: 1,
            line: None,
        };
        Diagnostic::new(&rules::FILE_UNREADABLE, message).at(Some(&Loc::new(file, place)))
    }

    /// A reading diagnostic goes to the unit whose item is on its row of its sheet (the same
    /// row number on another sheet is another unit's), and one on no item's row (a header, a
    /// skipped row) or on no row at all to the file, in the order they came.
    #[test]
    fn reading_diagnostics_go_to_the_unit_whose_row_they_are_on() {
        let file: Arc<str> = Arc::from("县.xlsx");
        let a = unit_with_rows(&file, &[(Some("甲"), 3), (Some("甲"), 4)]);
        let b = unit_with_rows(&file, &[(Some("乙"), 3), (Some("甲"), 9)]);
        let diags = vec![
            at(&file, Some("乙"), 3, "b1"),
            at(&file, Some("甲"), 2, "header"),
            at(&file, Some("甲"), 3, "a1"),
            Diagnostic::new(&rules::FILE_UNREADABLE, "file").in_file(&file),
            at(&file, Some("甲"), 9, "b2"),
            at(&file, Some("甲"), 4, "a2"),
            at(&file, None, 3, "no sheet"),
        ];
        let (rest, units) = attribute(diags, &[&a, &b]);
        let messages =
            |v: &[Diagnostic]| -> Vec<String> { v.iter().map(|d| d.message.to_string()).collect() };
        assert_eq!(messages(&rest), ["header", "file", "no sheet"]);
        assert_eq!(messages(&units[0]), ["a1", "a2"]);
        assert_eq!(messages(&units[1]), ["b1", "b2"]);
    }
}
