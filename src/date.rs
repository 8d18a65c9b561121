//! The calendar date of a run: the compile date printed on covers and stored in workbook
//! properties, and the "today" that date-dependent rules (GK604's plausible birth year) judge
//! by. One value per run, from `--date`, `SOURCE_DATE_EPOCH` or the clock, so `validate` and
//! `compile` agree and reruns are reproducible.

/// A calendar date (the compile date printed on the cover and stored in the XLSX properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Days in a month of the Gregorian calendar.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Parse `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().split('-');
        let year: u16 = it.next()?.parse().ok()?;
        let month: u8 = it.next()?.parse().ok()?;
        let day: u8 = it.next()?.parse().ok()?;
        let ok = it.next().is_none()
            && (1900..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    /// The date of a Unix time, when it falls in the years a catalogue can carry (1900–9999);
    /// `None` for an epoch outside them (SOURCE_DATE_EPOCH = i64::MAX must not wrap).
    pub fn from_unix_checked(secs: i64) -> Option<Date> {
        // 1900-01-01 and 9999-12-31 23:59:59 UTC.
        const MIN: i64 = -2_208_988_800;
        const MAX: i64 = 253_402_300_799;
        (MIN..=MAX).contains(&secs).then(|| Date::from_unix(secs))
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

    /// Today's UTC date by the system clock.
    pub fn today() -> Date {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_unix(now)
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
        assert_eq!(Date::parse("2026-02-30"), None, "no 30th of February");
        assert_eq!(Date::parse("2026-04-31"), None);
        assert!(Date::parse("2024-02-29").is_some(), "leap day");
        assert_eq!(Date::parse("2100-02-29"), None, "2100 is not a leap year");
        assert_eq!(Date::from_unix_checked(i64::MAX), None);
        assert_eq!(Date::from_unix_checked(-3_000_000_000), None);
        assert_eq!(Date::from_unix_checked(0), Some(Date::from_unix(0)));
        assert_eq!(Date::parse("昨天"), None);
    }
}
