//! Renderers: write a resolved catalogue for people (XLSX to print, HTML for the portal) and
//! for programs (CSV, JSON). Renderers never validate; they write what they are given, and
//! the same catalogue and options always give the same bytes.

pub mod csv;
pub mod html;
pub mod json;
pub mod summary;
pub mod xlsx;

use crate::model::{Catalogue, Item, Level};

/// A calendar date (the compile date printed on the cover and stored in the XLSX properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parse `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().split('-');
        let year: u16 = it.next()?.parse().ok()?;
        let month: u8 = it.next()?.parse().ok()?;
        let day: u8 = it.next()?.parse().ok()?;
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        // 2026-02-30 would print as 2026年2月30日 and then fail in the XLSX writer.
        let ok = it.next().is_none()
            && (1900..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days).contains(&day);
        ok.then_some(Date { year, month, day })
    }

    /// The UTC date of a Unix time (seconds), by the civil-from-days algorithm.
    pub fn from_unix(secs: i64) -> Date {
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// 2026年11月24日.
    pub fn zh(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// 2026-11-24.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The one mark style of every output, said where a reader may wonder.
pub const MARK_STYLE_NOTE: &str = "勾选项以“✓”表示";

/// What a table renderer needs besides the catalogue.
#[derive(Debug, Clone)]
pub struct Options {
    /// The compile date.
    pub date: Date,
    /// Error and warning counts of the unit, printed as its validation status.
    pub errors: usize,
    pub warnings: usize,
}

/// The title of a unit's catalogue: 嘉鱼县鱼岳镇人民政府基层政务公开标准目录.
pub fn title(cat: &Catalogue) -> String {
    format!("{}基层政务公开标准目录", cat.unit.display_name())
}

/// The levels that appear in a catalogue, in 县级, 乡级, 村级 order: the 公开层级 columns.
pub fn levels_present(cat: &Catalogue) -> Vec<Level> {
    Level::KNOWN
        .iter()
        .filter(|l| {
            cat.sections
                .iter()
                .flat_map(|s| &s.items)
                .any(|i| i.levels.contains(l))
        })
        .cloned()
        .collect()
}

/// Runs of items sharing 序号 and 一级事项: the rows merged vertically in the table.
pub fn groups(items: &[Item]) -> Vec<&[Item]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        let boundary = i == items.len()
            || items[i].seq != items[start].seq
            || items[i].category != items[start].category;
        if boundary {
            out.push(&items[start..i]);
            start = i;
        }
    }
    out
}

/// The validation status line of the cover sheet and page header.
pub fn status_text(o: &Options) -> String {
    match (o.errors, o.warnings) {
        (0, 0) => "校验通过：无错误、无警告".to_string(),
        (0, w) => format!("校验通过：无错误，{w} 个警告"),
        (e, w) => format!("未通过校验：{e} 个错误，{w} 个警告（按 --allow-errors 输出）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::from_unix(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            Date::from_unix(1_795_478_400),
            Date {
                year: 2026,
                month: 11,
                day: 24
            }
        );
        assert_eq!(
            Date::from_unix(951_782_400),
            Date {
                year: 2000,
                month: 2,
                day: 29
            }
        );
        assert_eq!(
            Date::parse("2026-11-24"),
            Some(Date {
                year: 2026,
                month: 11,
                day: 24
            })
        );
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("昨天"), None);
    }
}
