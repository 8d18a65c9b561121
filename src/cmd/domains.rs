//! `gkml domains`: the 26 pilot domains with their aliases, usual lead department and the
//! number of items in the reference catalogue.

use serde::Serialize;

use crate::catalogues::Store;
use crate::cli::ListFormat;
use crate::domains::{SectionKey, DOMAINS};
use crate::error::Error;

use super::{print_out, Exit};

#[derive(Serialize)]
struct DomainJson<'a> {
    id: u8,
    name: &'a str,
    aliases: Vec<&'a str>,
    lead: &'a str,
    items: usize,
}

/// Run `domains`.
///
/// # Errors
/// Only when stdout cannot be written.
pub fn run(format: ListFormat, store: &Store) -> Result<Exit, Error> {
    let rows: Vec<DomainJson> = DOMAINS
        .iter()
        .map(|d| {
            let mut aliases: Vec<&str> = d.aliases.to_vec();
            if d.traditional != d.name {
                aliases.push(d.traditional);
            }
            DomainJson {
                id: d.id,
                name: d.name,
                aliases,
                lead: d.lead,
                items: store.item_count(&SectionKey::Domain(d.id)),
            }
        })
        .collect();
    let text = match format {
        ListFormat::Json => serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n",
        ListFormat::Table => {
            let mut t =
                String::from("编号  领域                      事项数  牵头部门            别名\n");
            for r in &rows {
                t.push_str(&format!(
                    "{:>4}  {}  {:>6}  {}  {}\n",
                    r.id,
                    pad(r.name, 24),
                    r.items,
                    pad(r.lead, 18),
                    r.aliases.join("、")
                ));
            }
            let total: usize = rows.iter().map(|r| r.items).sum();
            t.push_str(&format!(
                "共 {} 个领域，参考目录事项 {} 项\n",
                rows.len(),
                total
            ));
            t
        }
    };
    print_out(&text)?;
    Ok(Exit::Ok)
}

/// Pad to a display width, counting CJK characters as two columns.
pub fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}
