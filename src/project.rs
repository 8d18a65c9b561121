//! The county project: its units, the groups they form (各乡镇, 各街办, 县直各部门), the
//! responsibility table (责任分工表: domain → lead and co-operating units) and the coverage it
//! implies: which unit publishes how many items in each domain, and where a unit that the
//! table makes responsible publishes none (缺).

use std::collections::BTreeSet;

use crate::check::Checks;
use crate::diag::{Diagnostic, Severity};
use crate::domains::{self, SectionKey, DOMAINS};
use crate::model::{Catalogue, Loc, UnitKind};
use crate::read::toml::ProjectSpec;
use crate::rules;

/// One unit of the project after reading: its catalogue (when it could be read) and every
/// diagnostic about it.
#[derive(Debug)]
pub struct UnitResult {
    /// The unit file as listed.
    pub file: String,
    /// Where the project lists it.
    pub listed_at: Loc,
    /// Extra group from the project file.
    pub group: Option<String>,
    pub catalogue: Option<Catalogue>,
    pub diags: Vec<Diagnostic>,
    /// The unit's file has an error about the file as a whole (in a multi-unit draft it is
    /// listed with the first unit): no unit of that file is written.
    pub file_failed: bool,
}

impl UnitResult {
    pub fn errors(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// The unit's short name, or the file stem when the file could not be read.
    pub fn name(&self) -> String {
        self.catalogue
            .as_ref()
            .map(|c| c.unit.name.clone())
            .unwrap_or_else(|| {
                std::path::Path::new(&self.file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default()
            })
    }

    /// Whether the unit's outputs would be another unit's (GK702): it is never written.
    pub fn collides(&self) -> bool {
        self.diags
            .iter()
            .any(|d| d.code == rules::DUPLICATE_UNIT_NAME.code)
    }

    pub fn kind(&self) -> Option<UnitKind> {
        self.catalogue.as_ref().and_then(|c| c.unit.kind)
    }
}

/// A row of the responsibility table with its names resolved to units.
#[derive(Debug, Clone)]
pub struct Duty {
    pub domains: Vec<u8>,
    /// The names as written (for the table).
    pub lead: Vec<String>,
    pub cooperating: Vec<String>,
    /// Indices into the project's units.
    pub lead_units: Vec<usize>,
    pub cooperating_units: Vec<usize>,
}

/// The names that stand for all units of a kind.
fn builtin_group(name: &str) -> Option<&'static [UnitKind]> {
    let n: String = domains::to_simplified(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match n.as_str() {
        "各乡镇"
        | "各乡镇人民政府"
        | "各镇"
        | "各乡"
        | "各乡（镇）"
        | "各乡(镇)"
        | "各乡（镇）人民政府" => Some(&[UnitKind::Township]),
        "各街办" | "各街道" | "各街道办事处" | "各街办（管理处）" | "管理处" | "各管理处" => {
            Some(&[UnitKind::Subdistrict])
        }
        "各乡镇（街道）"
        | "各乡镇(街道)"
        | "各乡镇街道"
        | "各镇街"
        | "各镇（街道）"
        | "各乡镇、街道" => Some(&[UnitKind::Township, UnitKind::Subdistrict]),
        "县直各部门" | "各部门" | "县直各单位" | "县政府各部门" | "区直各部门" | "区政府各部门" => {
            Some(&[UnitKind::CountyDepartment])
        }
        _ => None,
    }
}

/// The units a name in the responsibility table stands for: a group, a unit's short or full
/// name, the name with 县 standing for the county (县民政局 → 嘉鱼县民政局), or the one unit
/// whose name ends with it.
pub fn units_named(name: &str, units: &[UnitResult], county: &str) -> Vec<usize> {
    if let Some(kinds) = builtin_group(name) {
        return (0..units.len())
            .filter(|i| units[*i].kind().is_some_and(|k| kinds.contains(&k)))
            .collect();
    }
    let custom: Vec<usize> = (0..units.len())
        .filter(|i| units[*i].group.as_deref() == Some(name))
        .collect();
    if !custom.is_empty() {
        return custom;
    }
    let full = |u: &UnitResult| u.catalogue.as_ref().and_then(|c| c.unit.full_name.clone());
    let exact: Vec<usize> = (0..units.len())
        .filter(|i| units[*i].name() == name || full(&units[*i]).as_deref() == Some(name))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let with_county = name
        .strip_prefix('县')
        .or_else(|| name.strip_prefix('区'))
        .map(|rest| format!("{county}{rest}"));
    if let Some(w) = with_county {
        let hit: Vec<usize> = (0..units.len())
            .filter(|i| units[*i].name() == w || full(&units[*i]).as_deref() == Some(w.as_str()))
            .collect();
        if !hit.is_empty() {
            return hit;
        }
    }
    let core = name.trim_start_matches('县').trim_start_matches('区');
    let ends: Vec<usize> = (0..units.len())
        .filter(|i| {
            units[*i].name().ends_with(core) || full(&units[*i]).is_some_and(|f| f.ends_with(core))
        })
        .collect();
    if ends.len() == 1 {
        return ends;
    }
    Vec::new()
}

/// Resolve the responsibility table against the units read.
pub fn duties(spec: &ProjectSpec, units: &[UnitResult]) -> (Vec<Duty>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for d in &spec.duties {
        let mut ids = Vec::new();
        for (raw, loc) in &d.domains {
            match domains::lookup(raw) {
                SectionKey::Domain(id) => ids.push(id),
                _ => {
                    let mut diag = Diagnostic::new(
                        &rules::UNKNOWN_DOMAIN,
                        format!("责任分工表中的领域“{raw}”不是试点领域"),
                    )
                    .at(Some(loc))
                    .field(crate::model::Field::Domain);
                    if let Some(s) = domains::suggest(raw) {
                        diag = diag.hint(format!("是否应为“{s}”？"));
                    }
                    diags.push(diag);
                }
            }
        }
        let mut resolve = |names: &[(String, Loc)]| -> Vec<usize> {
            let mut found = Vec::new();
            for (n, loc) in names {
                let hit = units_named(n, units, &spec.county);
                if hit.is_empty() {
                    diags.push(
                        Diagnostic::new(&rules::UNKNOWN_RESPONSIBLE_UNIT, format!("责任分工表中的“{n}”不是项目中的单位或分组"))
                            .at(Some(loc))
                            .hint("写项目中单位的简称或全称，或分组名（各乡镇、各街办、县直各部门，或单位的 group）"),
                    );
                }
                found.extend(hit);
            }
            found
        };
        let lead_units = resolve(&d.lead);
        let cooperating_units = resolve(&d.cooperating);
        out.push(Duty {
            domains: ids,
            lead: d.lead.iter().map(|(n, _)| n.clone()).collect(),
            cooperating: d.cooperating.iter().map(|(n, _)| n.clone()).collect(),
            lead_units,
            cooperating_units,
        });
    }
    (out, diags)
}

/// The domains the table makes a unit responsible for.
pub fn responsible(duties: &[Duty], unit: usize) -> BTreeSet<u8> {
    duties
        .iter()
        .filter(|d| d.lead_units.contains(&unit) || d.cooperating_units.contains(&unit))
        .flat_map(|d| d.domains.iter().copied())
        .collect()
}

/// One cell of the coverage matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// The unit publishes this many items in the domain.
    Items(usize),
    /// Not responsible, publishes none: —.
    NotResponsible,
    /// Responsible, publishes none: 缺.
    Gap,
}

impl Cover {
    pub fn text(self) -> String {
        match self {
            Cover::Items(n) => n.to_string(),
            Cover::NotResponsible => "—".to_string(),
            Cover::Gap => "缺".to_string(),
        }
    }
}

/// A row of the coverage matrix.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub unit: String,
    pub kind: Option<UnitKind>,
    /// One cell per pilot domain, in id order.
    pub cells: Vec<Cover>,
    pub total: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// The coverage matrix: rows grouped by kind (县政府, 县直部门, 乡镇, 街道, then units whose
/// kind is unknown), project order within a kind.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub rows: Vec<CoverageRow>,
    /// Per-domain sums of the item counts, then the grand total.
    pub totals: Vec<usize>,
    pub total: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Items of a catalogue in each pilot domain (general sections are not counted).
pub fn domain_counts(cat: &Catalogue) -> Vec<usize> {
    let mut counts = vec![0; DOMAINS.len()];
    for s in &cat.sections {
        if let SectionKey::Domain(id) = s.key {
            if let Some(c) = counts.get_mut(usize::from(id) - 1) {
                *c += s.items.len();
            }
        }
    }
    counts
}

/// A GK701 diagnostic for every domain a unit is responsible for but does not publish, per
/// unit (units that could not be read have none: their own errors say why).
pub fn gaps(units: &[UnitResult], duties: &[Duty]) -> Vec<Vec<Diagnostic>> {
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let Some(cat) = &u.catalogue else { return Vec::new() };
            let counts = domain_counts(cat);
            responsible(duties, i)
                .into_iter()
                .filter(|id| counts.get(usize::from(*id) - 1) == Some(&0))
                .filter_map(domains::by_id)
                .map(|d| {
                    Diagnostic::new(&rules::MISSING_RESPONSIBLE_DOMAIN, format!("责任分工表要求“{}”公开“{}”领域，但其目录中没有该领域的事项", u.name(), d.name))
                        .in_file(&std::sync::Arc::from(u.file.as_str()))
                        .field(crate::model::Field::Domain)
                        .hint(format!("在单位目录中加入 [[sections]] domain = \"{}\"，或修改 county.toml 的责任分工表", d.name))
                })
                .collect()
        })
        .collect()
}

/// Build the coverage matrix.
pub fn coverage(units: &[UnitResult], duties: &[Duty]) -> Coverage {
    let order_key = |u: &UnitResult| u.kind().map(|k| k as u8).unwrap_or(u8::MAX);
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|i| order_key(&units[*i]));
    let mut rows = Vec::new();
    for &i in &order {
        let u = &units[i];
        let counts = u
            .catalogue
            .as_ref()
            .map(domain_counts)
            .unwrap_or_else(|| vec![0; DOMAINS.len()]);
        let resp = responsible(duties, i);
        let cells: Vec<Cover> = DOMAINS
            .iter()
            .zip(&counts)
            .map(|(d, n)| match (*n, resp.contains(&d.id)) {
                (0, true) => Cover::Gap,
                (0, false) => Cover::NotResponsible,
                (n, _) => Cover::Items(n),
            })
            .collect();
        rows.push(CoverageRow {
            unit: u.name(),
            kind: u.kind(),
            total: counts.iter().sum(),
            cells,
            errors: u.errors(),
            warnings: u.warnings(),
        });
    }
    let mut totals = vec![0; DOMAINS.len()];
    for r in &rows {
        for (t, c) in totals.iter_mut().zip(&r.cells) {
            if let Cover::Items(n) = c {
                *t += n;
            }
        }
    }
    let total = rows.iter().map(|r| r.total).sum();
    let errors = rows.iter().map(|r| r.errors).sum();
    let warnings = rows.iter().map(|r| r.warnings).sum();
    Coverage {
        rows,
        totals,
        total,
        errors,
        warnings,
    }
}

/// A county project read and checked: the project file's own diagnostics, every unit, the
/// resolved responsibility table and the coverage matrix (gaps are already in the units'
/// diagnostics as GK701).
#[derive(Debug)]
pub struct ProjectRun {
    pub spec: ProjectSpec,
    /// Diagnostics of county.toml itself (syntax, missing unit files, unknown names).
    pub diags: Vec<Diagnostic>,
    pub units: Vec<UnitResult>,
    pub duties: Vec<Duty>,
    pub coverage: Coverage,
}

/// Read a county project and check every unit, in parallel across cores, through the run's
/// [`Checks`] under the project's `[rules]`; `tick` is called once per unit finished (for a
/// progress bar). The project rules (GK701 gaps, GK702 name collisions, GK703 unknown names)
/// are made here, after the units', under the same configuration. Returns the read of
/// county.toml when it is not a usable project.
///
/// # Errors
/// The project file's own read, when it could not be read as a project.
pub fn load(
    path: &std::path::Path,
    store: &crate::catalogues::Store,
    run_checks: &Checks,
    tick: &(dyn Fn() + Sync),
) -> Result<ProjectRun, Box<crate::load::FileRead>> {
    use rayon::prelude::*;
    let head = crate::load::read_file(path, store, None, &run_checks.limits);
    let Some(spec) = head.project.clone() else {
        return Err(Box::new(head));
    };
    // The project's [rules] table, then the run's flags, decide what is reported and how.
    let checks = match run_checks.for_project(&spec.rules) {
        Ok(c) => c,
        Err(d) => {
            let mut head = head;
            head.project = None;
            head.diags.push(d);
            return Err(Box::new(head));
        }
    };
    // The latest upload through `gkml serve` stands in for the file county.toml names.
    let uploads = crate::uploads::substitutes(path, !run_checks.no_uploads);
    let units: Vec<UnitResult> = spec
        .units
        .par_iter()
        .filter(|u| uploads.path_for(&u.path).is_file())
        .flat_map_iter(|u| {
            let fr = crate::load::read_file(
                uploads.path_for(&u.path),
                store,
                Some(&spec.county),
                &checks.limits,
            );
            tick();
            let file = fr.file.to_string();
            let mut out = Vec::new();
            if fr.catalogues.is_empty() {
                out.push(UnitResult {
                    file,
                    listed_at: u.loc.clone(),
                    group: u.group.clone(),
                    catalogue: None,
                    diags: checks.configure(fr.diags),
                    file_failed: true,
                });
            } else {
                // Rows belong to their own unit; what is about the file goes to the first.
                let cats: Vec<&Catalogue> = fr.catalogues.iter().collect();
                let (file_diags, per_unit) =
                    crate::check::attribute(checks.configure(fr.diags), &cats);
                let file_failed = file_diags.iter().any(|d| d.severity == Severity::Error);
                for (mut cat, mut diags) in fr.catalogues.into_iter().zip(per_unit) {
                    diags.extend(checks.catalogue(&cat));
                    // Numbered for output only after the rules have judged the 序号 as written.
                    cat.number_items();
                    out.push(UnitResult {
                        file: file.clone(),
                        listed_at: u.loc.clone(),
                        group: u.group.clone(),
                        catalogue: Some(cat),
                        diags,
                        file_failed,
                    });
                }
                if let Some(first) = out.first_mut() {
                    first.diags.extend(file_diags);
                }
            }
            out
        })
        .collect();
    let mut units = units;
    let (duties, mut diags) = duties(&spec, &units);
    diags.extend(head.diags);
    let found = gaps(&units, &duties);
    for (u, g) in units.iter_mut().zip(found) {
        u.diags.extend(checks.configure(g));
    }
    // GK702 over every unit read, the county's own file names reserved.
    let cats: Vec<(usize, &Catalogue)> = units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| u.catalogue.as_ref().map(|c| (i, c)))
        .collect();
    let refs: Vec<&Catalogue> = cats.iter().map(|(_, c)| *c).collect();
    let collisions: Vec<(usize, Diagnostic)> = cats
        .iter()
        .map(|(i, _)| *i)
        .zip(checks.collisions(&refs, true))
        .filter_map(|(i, d)| d.map(|d| (i, d)))
        .collect();
    for (i, d) in collisions {
        if let Some(u) = units.get_mut(i) {
            u.diags.push(d);
        }
    }
    let diags = checks.configure(diags);
    let coverage = coverage(&units, &duties);
    Ok(ProjectRun {
        spec,
        diags,
        units,
        duties,
        coverage,
    })
}
