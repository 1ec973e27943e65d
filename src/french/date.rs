//! Calendar dates and times of day, written the French way.

use super::number::{Orthographe, nombre_en_lettres};

/// Month names, lower case, January first.
pub const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Weekday names, lower case, Monday first.
const JOURS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// A valid date of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2016.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
}

/// Whether `year` is a leap year of the Gregorian calendar.
fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month (1 to 12) of a given year.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Builds a date, or `None` when it does not exist (2023-02-29, 2016-04-31, month 13, day 0).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`); 1970-01-01 for a day past year 9999's end.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = i32::try_from(yoe + era * 400 + i64::from(month <= 2)).unwrap_or(1970);
        Date::new(year, month, day).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// Parses exactly `YYYY-MM-DD` (four, two and two ASCII digits); `None` otherwise.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        Date::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before).
    fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's `days_from_civil`, with March as the first month of the year.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Day of the week: 0 = lundi … 6 = dimanche.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        (self.days_since_epoch() + 3).rem_euclid(7) as u8
    }

    /// Number of days from `self` to `later` (negative when `later` is before `self`).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// ISO 8601 form, `2016-06-27`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Name of the month of `d`, lower case (`?` for a month out of range, built through the public fields).
fn mois(d: Date) -> &'static str {
    usize::from(d.month)
        .checked_sub(1)
        .and_then(|m| MOIS.get(m))
        .copied()
        .unwrap_or("?")
}

/// Date in full without the weekday: `27 juin 2016`, `1er septembre 2016`.
pub fn date_longue(d: Date) -> String {
    if d.day == 1 {
        format!("1er {} {}", mois(d), d.year)
    } else {
        format!("{} {} {}", d.day, mois(d), d.year)
    }
}

/// Date in full with the weekday: `lundi 27 juin 2016`, `jeudi 1er septembre 2016`.
pub fn date_avec_jour(d: Date) -> String {
    format!("{} {}", JOURS[usize::from(d.weekday())], date_longue(d))
}

/// Date in words as in a deed: `L'an deux mille seize, le vingt-sept juin` (ASCII apostrophe).
pub fn date_en_lettres(d: Date) -> String {
    let o = Orthographe::Traditionnelle;
    let an = nombre_en_lettres(u64::from(d.year.unsigned_abs()), o);
    let an = if d.year < 0 {
        format!("moins {an}")
    } else {
        an
    };
    let jour = if d.day == 1 {
        "premier".to_string()
    } else {
        nombre_en_lettres(u64::from(d.day), o)
    };
    format!("L'an {an}, le {jour} {}", mois(d))
}

/// Whether `c` is a space a clerk may type inside a time (plain, no-break or narrow no-break).
fn is_hspace(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// Formats a time of day: `18:30`, `18h30` or `18 h 30` → `18 h 30` (no-break spaces), `18:00` → `18 h`; `None` when invalid.
pub fn heure(s: &str) -> Option<String> {
    let s = s.trim_matches(|c: char| c.is_whitespace());
    let hours_len = s.chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&hours_len) {
        return None;
    }
    let (h, rest) = s.split_at(hours_len);
    let h: u8 = h.parse().ok()?;
    let minutes = if let Some(m) = rest.strip_prefix(':') {
        m
    } else {
        let after_h = rest
            .trim_start_matches(is_hspace)
            .strip_prefix(['h', 'H'])?;
        if after_h.is_empty() {
            "00"
        } else {
            after_h.trim_start_matches(is_hspace)
        }
    };
    if minutes.len() != 2 || !minutes.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let m: u8 = minutes.parse().ok()?;
    if h > 23 || m > 59 {
        return None;
    }
    Some(if m == 0 {
        format!("{h}\u{a0}h")
    } else {
        format!("{h}\u{a0}h\u{a0}{m:02}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, j: u8) -> Date {
        Date::new(y, m, j).unwrap()
    }

    #[test]
    fn new_rejects_impossible_dates() {
        assert_eq!(Date::new(2023, 2, 29), None);
        assert_eq!(Date::new(2016, 4, 31), None);
        assert_eq!(Date::new(2016, 13, 1), None);
        assert_eq!(Date::new(2016, 0, 1), None);
        assert_eq!(Date::new(2016, 6, 0), None);
        assert_eq!(Date::new(2016, 1, 32), None);
        assert!(Date::new(2016, 12, 31).is_some());
    }

    #[test]
    fn leap_years() {
        assert!(Date::new(2016, 2, 29).is_some());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some());
        assert_eq!(Date::new(1900, 2, 29), None);
        assert_eq!(Date::new(2100, 2, 29), None);
        assert_eq!(Date::new(2023, 2, 29), None);
        assert_eq!(d(2016, 1, 1).days_until(d(2017, 1, 1)), 366);
        assert_eq!(d(2017, 1, 1).days_until(d(2018, 1, 1)), 365);
        assert_eq!(d(2000, 1, 1).days_until(d(2001, 1, 1)), 366);
        assert_eq!(d(1900, 1, 1).days_until(d(1901, 1, 1)), 365);
    }

    #[test]
    fn parse_iso_exact_shape() {
        assert_eq!(Date::parse_iso("2016-06-27"), Some(d(2016, 6, 27)));
        assert_eq!(Date::parse_iso("2016-6-27"), None);
        assert_eq!(Date::parse_iso("2016-06-27 "), None);
        assert_eq!(Date::parse_iso(" 2016-06-27"), None);
        assert_eq!(Date::parse_iso("2016/06/27"), None);
        assert_eq!(Date::parse_iso("2016-02-30"), None);
        assert_eq!(Date::parse_iso("2016-+6-27"), None);
        assert_eq!(Date::parse_iso("20a6-06-27"), None);
        assert_eq!(Date::parse_iso("2016-06-2é"), None);
        assert_eq!(Date::parse_iso(""), None);
        assert_eq!(Date::parse_iso("27/06/2016"), None);
    }

    #[test]
    fn iso_round_trip() {
        assert_eq!(d(2016, 6, 27).iso(), "2016-06-27");
        assert_eq!(d(987, 1, 2).iso(), "0987-01-02");
        assert_eq!(Date::parse_iso(&d(2016, 9, 1).iso()), Some(d(2016, 9, 1)));
    }

    #[test]
    fn ordering_follows_the_calendar() {
        assert!(d(2016, 6, 21) < d(2016, 6, 27));
        assert!(d(2016, 12, 31) < d(2017, 1, 1));
        assert!(d(2016, 2, 29) < d(2016, 3, 1));
    }

    #[test]
    fn weekdays() {
        assert_eq!(d(2016, 6, 27).weekday(), 0); // lundi
        assert_eq!(d(2016, 9, 1).weekday(), 3); // jeudi
        assert_eq!(d(1970, 1, 1).weekday(), 3); // jeudi
        assert_eq!(d(2000, 1, 1).weekday(), 5); // samedi
        assert_eq!(d(2024, 2, 29).weekday(), 3); // jeudi
        assert_eq!(d(2023, 1, 1).weekday(), 6); // dimanche
        assert_eq!(d(1900, 1, 1).weekday(), 0); // lundi
    }

    #[test]
    fn days_until_both_ways() {
        assert_eq!(d(2016, 6, 21).days_until(d(2016, 6, 27)), 6);
        assert_eq!(d(2016, 6, 27).days_until(d(2016, 6, 21)), -6);
        assert_eq!(d(2016, 6, 27).days_until(d(2016, 6, 27)), 0);
        assert_eq!(d(2016, 2, 28).days_until(d(2016, 3, 1)), 2);
        assert_eq!(d(2023, 2, 28).days_until(d(2023, 3, 1)), 1);
        assert_eq!(d(1970, 1, 1).days_until(d(2016, 6, 27)), 16_979);
    }

    #[test]
    fn long_dates() {
        assert_eq!(date_longue(d(2016, 6, 27)), "27 juin 2016");
        assert_eq!(date_longue(d(2016, 9, 1)), "1er septembre 2016");
        assert_eq!(date_longue(d(2016, 8, 2)), "2 août 2016");
        assert_eq!(date_avec_jour(d(2016, 6, 27)), "lundi 27 juin 2016");
        assert_eq!(date_avec_jour(d(2016, 9, 1)), "jeudi 1er septembre 2016");
        assert_eq!(date_avec_jour(d(2016, 12, 25)), "dimanche 25 décembre 2016");
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(
            date_en_lettres(d(2016, 6, 27)),
            "L'an deux mille seize, le vingt-sept juin"
        );
        assert_eq!(
            date_en_lettres(d(2016, 9, 1)),
            "L'an deux mille seize, le premier septembre"
        );
        assert_eq!(
            date_en_lettres(d(1999, 12, 31)),
            "L'an mille neuf cent quatre-vingt-dix-neuf, le trente et un décembre"
        );
        assert_eq!(
            date_en_lettres(d(2021, 2, 21)),
            "L'an deux mille vingt et un, le vingt et un février"
        );
    }

    #[test]
    fn invalid_fields_do_not_panic() {
        let bad = Date {
            year: 2016,
            month: 13,
            day: 0,
        };
        assert_eq!(date_longue(bad), "0 ? 2016");
        let _ = (date_avec_jour(bad), date_en_lettres(bad), bad.iso());
        let zero = Date { month: 0, ..bad };
        assert_eq!(date_longue(zero), "0 ? 2016");
    }

    #[test]
    fn times() {
        assert_eq!(heure("18:30").as_deref(), Some("18\u{a0}h\u{a0}30"));
        assert_eq!(heure("18:00").as_deref(), Some("18\u{a0}h"));
        assert_eq!(heure("9:05").as_deref(), Some("9\u{a0}h\u{a0}05"));
        assert_eq!(heure("09:05").as_deref(), Some("9\u{a0}h\u{a0}05"));
        assert_eq!(heure("18h30").as_deref(), Some("18\u{a0}h\u{a0}30"));
        assert_eq!(heure("18 h 30").as_deref(), Some("18\u{a0}h\u{a0}30"));
        assert_eq!(heure("18H30").as_deref(), Some("18\u{a0}h\u{a0}30"));
        assert_eq!(heure("18h").as_deref(), Some("18\u{a0}h"));
        assert_eq!(heure("18 h").as_deref(), Some("18\u{a0}h"));
        assert_eq!(heure("18h00").as_deref(), Some("18\u{a0}h"));
        assert_eq!(heure("0:00").as_deref(), Some("0\u{a0}h"));
        assert_eq!(heure("23:59").as_deref(), Some("23\u{a0}h\u{a0}59"));
        assert_eq!(heure(" 18:30 ").as_deref(), Some("18\u{a0}h\u{a0}30"));
        // Already formatted input is accepted as is.
        assert_eq!(
            heure("18\u{a0}h\u{a0}30").as_deref(),
            Some("18\u{a0}h\u{a0}30")
        );
    }

    #[test]
    fn invalid_times() {
        for s in [
            "25:00",
            "24:00",
            "18:60",
            "soir",
            "",
            "18",
            "18:",
            "18:3",
            "18:300",
            "18 : 30",
            "18h3",
            "h30",
            "123:00",
            "18:30:00",
            "18h30 soir",
            "-1:00",
            "18 hh",
            "18:3é",
            "18h 3",
            "1 8:00",
        ] {
            assert_eq!(heure(s), None, "{s:?}");
        }
    }
}
