//! GK7xx checks over the units of one run: two units whose outputs would have the same file
//! names (GK702). The responsibility-table rules (GK701, GK703) need the county's units and
//! duties and are made in [`crate::project`]; their metadata is in `structure`.

use std::collections::HashMap;
use std::sync::Arc;

use super::Rule;
use crate::diag::Diagnostic;
use crate::diag::Severity::Error;

const FORMAT: &str = "gkml 目录格式（catalogues/README.md）";

/// The files a county compile writes besides the units' own, by stem: a unit may not take
/// these names.
pub const RESERVED_STEMS: [&str; 5] = ["index", "汇总表", "覆盖情况", "责任分工", "全县汇总目录"];

/// The key two units' outputs collide on: the safe file name, case folded.
fn stem_key(name: &str) -> String {
    crate::fsutil::safe_file_name(name).to_lowercase()
}

/// GK702 for every unit (given as short name and file) whose outputs would collide with an
/// earlier unit's, or, in a county (`county`), with the county's own files. The answer has one
/// entry per unit, in order: `Some` for a unit that must not be written.
pub fn name_collisions(units: &[(&str, &Arc<str>)], county: bool) -> Vec<Option<Diagnostic>> {
    let mut seen: HashMap<String, &Arc<str>> = HashMap::new();
    units
        .iter()
        .map(|(name, file)| {
            let key = stem_key(name);
            if county && RESERVED_STEMS.iter().any(|r| r.to_lowercase() == key) {
                return Some(
                    Diagnostic::new(
                        &DUPLICATE_UNIT_NAME,
                        format!("单位简称“{name}”与全县汇总文件同名，其输出会被覆盖"),
                    )
                    .in_file(file)
                    .hint(format!(
                        "换一个简称；以下名称留给全县文件：{}",
                        RESERVED_STEMS.join("、")
                    )),
                );
            }
            match seen.get(&key) {
                Some(first) => Some(
                    Diagnostic::new(
                        &DUPLICATE_UNIT_NAME,
                        format!("单位简称“{name}”与 {first} 中的单位输出文件同名"),
                    )
                    .in_file(file)
                    .hint(
                        "每个单位使用不同的 name（文件名不区分大小写，/ \\ : * ? 等字符按 _ 计）",
                    ),
                ),
                None => {
                    seen.insert(key, file);
                    None
                }
            }
        })
        .collect()
}

pub static DUPLICATE_UNIT_NAME: Rule = Rule {
    code: "GK702",
    name: "DuplicateUnitName",
    severity: Error,
    summary: "两个单位的简称相同，输出文件会互相覆盖",
    source: FORMAT,
    doc: "## What it does
Reports a unit whose output files would be the same as another unit's, or as the county's own files: the short `name` is compared after it is made a safe file name, and without regard to case (Windows and macOS file systems ignore it). The county files' names (`index`, `汇总表`, `覆盖情况`, `责任分工`, `全县汇总目录`) are reserved.

Like the reading errors (GK0xx), GK702 cannot be switched off or lowered by `--ignore`, `--select` or `[rules]`: it is a guard, not a style choice. Colliding units are never written.

## Why is this bad?
Outputs are named after the unit (`out/<name>.xlsx`); the second unit would overwrite the first one's catalogue, and a unit named `汇总表` would be overwritten by the county summary.

## Example
    name = \"民政局\"   # in two unit files

Use instead:
    name = \"嘉鱼县民政局\" and name = \"嘉鱼县民政局（老龄办）\"
",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_collide_after_the_file_name_mapping_and_case_folding() {
        let f: Arc<str> = Arc::from("a.toml");
        let names = [
            ("甲镇", &f),
            ("乙镇", &f),
            ("甲镇", &f),
            ("Abc", &f),
            ("aBC", &f),
            ("甲/镇", &f),
            ("甲_镇", &f),
        ];
        let found: Vec<bool> = name_collisions(&names, false)
            .iter()
            .map(Option::is_some)
            .collect();
        assert_eq!(found, [false, false, true, false, true, false, true]);
    }

    #[test]
    fn county_file_names_are_reserved_only_in_a_county() {
        let f: Arc<str> = Arc::from("a.toml");
        let names = [("汇总表", &f), ("INDEX", &f), ("全县汇总目录", &f)];
        assert!(name_collisions(&names, true).iter().all(Option::is_some));
        assert!(name_collisions(&names, false).iter().all(Option::is_none));
    }
}
