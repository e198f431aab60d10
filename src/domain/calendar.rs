//! The working calendar (`procedures/calendar.yaml`): weekly rest days, fixed-date public
//! holidays, and per year the other days off (Tết, Giỗ Tổ, the extra Quốc khánh day, days off in
//! lieu, swapped days) and the weekend days worked in exchange. From it, [`due_date`] computes when
//! a dossier is due.
//!
//! Counting (Bộ luật Dân sự 2015, Điều 147–148): the day of receipt is not counted; a period in
//! working days counts only working days; a period in calendar days counts every day, and when
//! its last day is a day off it ends on the next working day.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days as ChronoDays, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::processing_time::{DayBasis, Days};

/// A day of the week, as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekDay {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl WeekDay {
    fn of(d: Weekday) -> Self {
        match d {
            Weekday::Mon => Self::Monday,
            Weekday::Tue => Self::Tuesday,
            Weekday::Wed => Self::Wednesday,
            Weekday::Thu => Self::Thursday,
            Weekday::Fri => Self::Friday,
            Weekday::Sat => Self::Saturday,
            Weekday::Sun => Self::Sunday,
        }
    }
}

/// A holiday on the same day every year (Tết Dương lịch, 30/4, 1/5, 2/9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedHoliday {
    pub month: u32,
    pub day: u32,
    pub name: String,
}

/// One dated entry of a year. `confirmed: false` marks a date not checked against the official
/// announcement of that year (kept so the calendar is usable, shown so it gets checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedDay {
    pub date: NaiveDate,
    pub name: String,
    pub confirmed: bool,
}

/// The days of one year that the fixed rules do not give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Weekdays off besides the fixed-date holidays.
    #[serde(default)]
    pub days_off: Vec<DatedDay>,
    /// Weekly rest days worked instead (làm bù).
    #[serde(default)]
    pub workdays: Vec<DatedDay>,
}

/// `calendar.yaml` as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    pub weekend: Vec<WeekDay>,
    pub fixed_holidays: Vec<FixedHoliday>,
    pub years: Vec<CalendarYear>,
}

/// Why a due date cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The calendar does not cover this year, so its holidays are unknown.
    YearNotCovered(i32),
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::YearNotCovered(y) => write!(f, "lịch ngày nghỉ chưa có năm {y}; cần bổ sung calendar.yaml"),
        }
    }
}

/// The calendar ready for lookups.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    weekend: Vec<WeekDay>,
    fixed: Vec<(u32, u32)>,
    years: BTreeMap<i32, (HashSet<NaiveDate>, HashSet<NaiveDate>)>,
}

impl From<&CalendarFile> for WorkCalendar {
    fn from(file: &CalendarFile) -> Self {
        let years = file
            .years
            .iter()
            .map(|y| {
                let set = |days: &[DatedDay]| days.iter().map(|d| d.date).collect::<HashSet<_>>();
                (y.year, (set(&y.days_off), set(&y.workdays)))
            })
            .collect();
        WorkCalendar {
            weekend: file.weekend.clone(),
            fixed: file.fixed_holidays.iter().map(|h| (h.month, h.day)).collect(),
            years,
        }
    }
}

impl WorkCalendar {
    fn is_weekend(&self, d: NaiveDate) -> bool {
        self.weekend.contains(&WeekDay::of(d.weekday()))
    }

    /// Whether the office works on `d`.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let (off, worked) = self.years.get(&d.year()).ok_or(CalendarError::YearNotCovered(d.year()))?;
        if worked.contains(&d) {
            return Ok(true);
        }
        let holiday = self.fixed.contains(&(d.month(), d.day())) || off.contains(&d);
        Ok(!holiday && !self.is_weekend(d))
    }

    fn next_working_day(&self, mut d: NaiveDate) -> Result<NaiveDate, CalendarError> {
        while !self.is_working_day(d)? {
            d = d + ChronoDays::new(1);
        }
        Ok(d)
    }
}

/// The day a period of `days` that starts on `start` (a receipt date, or an earlier due date
/// being extended) ends. Zero working days is "within the day": the same day, or the next
/// working day when `start` is a day off.
pub fn due_date(start: NaiveDate, days: Days, calendar: &WorkCalendar) -> Result<NaiveDate, CalendarError> {
    match days.basis {
        DayBasis::Working => {
            let mut d = start;
            if days.count == 0 {
                return calendar.next_working_day(d);
            }
            let mut counted = 0;
            while counted < days.count {
                d = d + ChronoDays::new(1);
                if calendar.is_working_day(d)? {
                    counted += 1;
                }
            }
            Ok(d)
        }
        DayBasis::Calendar => calendar.next_working_day(start + ChronoDays::new(u64::from(days.count))),
    }
}

impl CalendarFile {
    /// The rules the file must follow, each as (a text to find the line by, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let weekend = |d: NaiveDate| self.weekend.contains(&WeekDay::of(d.weekday()));
        if self.weekend.is_empty() {
            out.push(("weekend".into(), "chưa ghi ngày nghỉ hằng tuần (weekend)".into()));
        }
        for h in &self.fixed_holidays {
            if NaiveDate::from_ymd_opt(2024, h.month, h.day).is_none() {
                out.push((
                    "fixed_holidays".into(),
                    format!("ngày lễ {}: {}/{} không phải ngày hợp lệ", h.name, h.day, h.month),
                ));
            }
        }
        let fixed = |d: NaiveDate| self.fixed_holidays.iter().any(|h| (h.month, h.day) == (d.month(), d.day()));
        let mut years = HashSet::new();
        for y in &self.years {
            if !years.insert(y.year) {
                out.push((format!("year: {}", y.year), format!("năm {} được ghi hai lần", y.year)));
            }
            let mut seen = HashSet::new();
            for (d, worked) in y.days_off.iter().map(|d| (d, false)).chain(y.workdays.iter().map(|d| (d, true))) {
                let at = d.date.to_string();
                let mut bad = |m: String| out.push((at.clone(), m));
                if d.date.year() != y.year {
                    bad(format!("ngày {} không thuộc năm {}", d.date, y.year));
                }
                if !seen.insert(d.date) {
                    bad(format!("ngày {} được ghi hai lần", d.date));
                }
                if worked && !weekend(d.date) {
                    bad(format!("ngày làm bù {} không rơi vào ngày nghỉ hằng tuần", d.date));
                }
                if !worked && weekend(d.date) {
                    bad(format!("ngày nghỉ {} đã là ngày nghỉ hằng tuần; ghi ngày nghỉ bù thay vào", d.date));
                }
                if !worked && fixed(d.date) {
                    bad(format!("ngày nghỉ {} đã có trong fixed_holidays", d.date));
                }
                if d.name.trim().is_empty() {
                    bad(format!("ngày {} chưa ghi tên", d.date));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dated(date: NaiveDate) -> DatedDay {
        DatedDay { date, name: "x".into(), confirmed: true }
    }

    /// 2024 as announced: Tết off Thu 8/2 – Wed 14/2 (weekdays 8, 9, 12, 13, 14); 30/4 and 1/5
    /// fixed; a Saturday worked (made up here to test swaps).
    fn file() -> CalendarFile {
        CalendarFile {
            weekend: vec![WeekDay::Saturday, WeekDay::Sunday],
            fixed_holidays: vec![
                FixedHoliday { month: 1, day: 1, name: "Tết Dương lịch".into() },
                FixedHoliday { month: 4, day: 30, name: "Chiến thắng".into() },
                FixedHoliday { month: 5, day: 1, name: "Quốc tế Lao động".into() },
            ],
            years: vec![CalendarYear {
                year: 2024,
                note: None,
                days_off: [8, 9, 12, 13, 14].into_iter().map(|d| dated(day(2024, 2, d))).collect(),
                workdays: vec![dated(day(2024, 5, 4))],
            }],
        }
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::from(&file())
    }

    #[test]
    fn working_days_skip_weekends() {
        // Thu 4/4/2024 + 3 working days: Fri 5, (Sat, Sun), Mon 8, Tue 9.
        assert_eq!(due_date(day(2024, 4, 4), Days::working(3), &cal()), Ok(day(2024, 4, 9)));
    }

    #[test]
    fn working_days_skip_holidays_and_count_swapped_saturdays() {
        // Wed 7/2/2024 + 2 working days: Tết 8–14/2 off, so Thu 15 and Fri 16.
        assert_eq!(due_date(day(2024, 2, 7), Days::working(2), &cal()), Ok(day(2024, 2, 16)));
        // Mon 29/4 + 3: (30/4, 1/5 fixed) Thu 2, Fri 3, Sat 4 worked.
        assert_eq!(due_date(day(2024, 4, 29), Days::working(3), &cal()), Ok(day(2024, 5, 4)));
    }

    #[test]
    fn calendar_days_count_every_day_and_end_on_a_working_day() {
        // Thu 1/2/2024 + 10 calendar days = Sun 11/2, inside Tết: ends Thu 15/2.
        assert_eq!(due_date(day(2024, 2, 1), Days::calendar(10), &cal()), Ok(day(2024, 2, 15)));
        // Mon 4/3 + 30 calendar days = Wed 3/4, a working day.
        assert_eq!(due_date(day(2024, 3, 4), Days::calendar(30), &cal()), Ok(day(2024, 4, 3)));
    }

    #[test]
    fn the_same_period_is_longer_in_working_days() {
        let start = day(2024, 3, 4);
        let working = due_date(start, Days::working(30), &cal()).unwrap();
        let calendar = due_date(start, Days::calendar(30), &cal()).unwrap();
        assert_eq!(working, day(2024, 4, 15));
        assert!(working > calendar);
    }

    #[test]
    fn within_the_day_is_the_next_working_day_when_received_on_a_day_off() {
        assert_eq!(due_date(day(2024, 3, 4), Days::working(0), &cal()), Ok(day(2024, 3, 4)));
        assert_eq!(due_date(day(2024, 3, 9), Days::working(0), &cal()), Ok(day(2024, 3, 11)));
    }

    #[test]
    fn a_year_the_calendar_does_not_hold_is_an_error_not_a_guess() {
        assert_eq!(due_date(day(2024, 12, 30), Days::working(5), &cal()), Err(CalendarError::YearNotCovered(2025)));
        assert!(CalendarError::YearNotCovered(2025).to_string().contains("2025"));
    }

    #[test]
    fn the_file_rules() {
        assert_eq!(file().problems(), vec![]);
        let mut f = file();
        f.years[0].days_off.push(dated(day(2024, 2, 10))); // a Saturday
        f.years[0].days_off.push(dated(day(2025, 1, 2))); // another year
        f.years[0].days_off.push(dated(day(2024, 4, 30))); // fixed already
        f.years[0].days_off.push(dated(day(2024, 2, 8))); // twice
        f.years[0].workdays.push(dated(day(2024, 5, 6))); // a Monday
        f.years.push(CalendarYear { year: 2024, note: None, days_off: vec![], workdays: vec![] });
        f.fixed_holidays.push(FixedHoliday { month: 2, day: 30, name: "sai".into() });
        let found: Vec<_> = f.problems().into_iter().map(|(at, _)| at).collect();
        assert_eq!(
            found,
            ["fixed_holidays", "2024-02-10", "2025-01-02", "2024-04-30", "2024-02-08", "2024-05-06", "year: 2024"]
        );
    }
}
