//! How long the organisation may take on one dossier: a number of days on the basis the law
//! gives the deadline (working days or calendar days), and the lawful extensions.
//!
//! In a file the key names the basis: `{ working_days: 3 }` or `{ calendar_days: 30 }`, never
//! both. The law writes "ngày làm việc" for working days and plain "ngày" for calendar days; a
//! calendar-day deadline stored as working days would show a dossier that is late in law as on
//! time, so the basis is part of the type, not a comment.

use serde::{Deserialize, Serialize};

/// What a day of a deadline counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayBasis {
    /// "ngày làm việc": weekends and public holidays are not counted.
    Working,
    /// "ngày": every day counts (Bộ luật Dân sự 2015, Điều 147–148).
    Calendar,
}

/// A number of days on a basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Days {
    pub basis: DayBasis,
    pub count: u32,
}

impl Days {
    pub fn working(count: u32) -> Self {
        Days { basis: DayBasis::Working, count }
    }
    pub fn calendar(count: u32) -> Self {
        Days { basis: DayBasis::Calendar, count }
    }
}

/// A lawful extension of the deadline: when `when` holds (e.g. "cần xác minh"), the due date
/// moves by `days`, counted on the extension's own basis from the ordinary due date. The
/// extensions of one procedure are alternative cases, not added together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub when: String,
    pub days: Days,
}

/// Working hours in one working day.
pub const HOURS_PER_DAY: u32 = 8;

/// The processing-time budget of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawProcessingTime", into = "RawProcessingTime")]
pub struct ProcessingTime {
    pub days: Days,
    /// Working hours on top of working days (only with the working-day basis).
    pub hours: u32,
    pub note: Option<String>,
    pub extensions: Vec<Extension>,
}

/// What the step table of section 5.7 must add up to, in minutes of step time (a step "ngày" is
/// 8 hours of work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepBudget {
    /// Working-day basis: the steps fill the budget exactly.
    Exactly(u32),
    /// Calendar-day basis: each step "ngày" stands for one calendar day and the steps may not
    /// exceed the legal period; what is left is the margin the procedure keeps for days off,
    /// which a calendar-day period includes.
    AtMost(u32),
}

impl ProcessingTime {
    pub fn working(days: u32) -> Self {
        ProcessingTime { days: Days::working(days), hours: 0, note: None, extensions: vec![] }
    }

    pub fn calendar(days: u32) -> Self {
        ProcessingTime { days: Days::calendar(days), hours: 0, note: None, extensions: vec![] }
    }

    /// The budget in working minutes of a working-day procedure. A budget of zero means
    /// "within the day", which is one working day.
    pub fn budget_minutes(&self) -> u32 {
        // Saturating: a hostile draft's day count must not overflow (it then fails the step check).
        let hours = self.days.count.saturating_mul(HOURS_PER_DAY).saturating_add(self.hours);
        if hours == 0 { HOURS_PER_DAY * 60 } else { hours.saturating_mul(60) }
    }

    /// What the step table is checked against, on this procedure's basis.
    pub fn step_budget(&self) -> StepBudget {
        match self.days.basis {
            DayBasis::Working => StepBudget::Exactly(self.budget_minutes()),
            DayBasis::Calendar => StepBudget::AtMost(self.days.count.saturating_mul(HOURS_PER_DAY * 60)),
        }
    }
}

/// The file form: the key names the basis. Checked into [`ProcessingTime`] on reading.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcessingTime {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar_days: Option<u32>,
    #[serde(default, skip_serializing_if = "is_zero")]
    hours: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extensions: Vec<RawExtension>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtension {
    when: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar_days: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Exactly one of the two keys; the message says which mistake was made.
fn basis(working: Option<u32>, calendar: Option<u32>, what: &str) -> Result<Days, String> {
    match (working, calendar) {
        (Some(n), None) => Ok(Days::working(n)),
        (None, Some(n)) => Ok(Days::calendar(n)),
        (Some(_), Some(_)) => Err(format!(
            "{what} chỉ được ghi một trong hai khóa working_days (ngày làm việc) hoặc calendar_days (ngày theo lịch), không ghi cả hai"
        )),
        (None, None) => Err(format!(
            "{what} phải ghi working_days (ngày làm việc) hoặc calendar_days (ngày theo lịch) như văn bản pháp luật quy định"
        )),
    }
}

impl TryFrom<RawProcessingTime> for ProcessingTime {
    type Error = String;

    fn try_from(raw: RawProcessingTime) -> Result<Self, String> {
        let days = basis(raw.working_days, raw.calendar_days, "processing_time")?;
        if days.basis == DayBasis::Calendar {
            if raw.hours != 0 {
                return Err("processing_time: hours chỉ dùng với working_days, không dùng với calendar_days".into());
            }
            if days.count == 0 {
                return Err(
                    "processing_time: calendar_days phải lớn hơn 0 (giải quyết trong ngày thì ghi working_days: 0)"
                        .into(),
                );
            }
        }
        let mut extensions = Vec::with_capacity(raw.extensions.len());
        for e in raw.extensions {
            let days = basis(e.working_days, e.calendar_days, "mỗi mục extensions")?;
            if e.when.trim().is_empty() {
                return Err("mỗi mục extensions phải ghi trường hợp được gia hạn (when)".into());
            }
            if days.count == 0 {
                return Err(format!("extensions \"{}\": số ngày gia hạn phải lớn hơn 0", e.when));
            }
            extensions.push(Extension { when: e.when, days });
        }
        Ok(ProcessingTime { days, hours: raw.hours, note: raw.note, extensions })
    }
}

fn split(days: Days) -> (Option<u32>, Option<u32>) {
    match days.basis {
        DayBasis::Working => (Some(days.count), None),
        DayBasis::Calendar => (None, Some(days.count)),
    }
}

impl From<ProcessingTime> for RawProcessingTime {
    fn from(t: ProcessingTime) -> Self {
        let (working_days, calendar_days) = split(t.days);
        RawProcessingTime {
            working_days,
            calendar_days,
            hours: t.hours,
            note: t.note,
            extensions: t
                .extensions
                .into_iter()
                .map(|e| {
                    let (working_days, calendar_days) = split(e.days);
                    RawExtension { when: e.when, working_days, calendar_days }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<ProcessingTime, String> {
        serde_saphyr::from_str::<ProcessingTime>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn the_key_names_the_basis() {
        assert_eq!(read("{ working_days: 3 }").unwrap().days, Days::working(3));
        let t = read("{ calendar_days: 30, note: \"Luật: 30 ngày\" }").unwrap();
        assert_eq!(t.days, Days::calendar(30));
        assert_eq!(t.note.as_deref(), Some("Luật: 30 ngày"));
    }

    #[test]
    fn both_keys_or_neither_are_refused_in_vietnamese() {
        let both = read("{ working_days: 3, calendar_days: 3 }").unwrap_err();
        assert!(both.contains("không ghi cả hai"), "{both}");
        let neither = read("{ note: \"x\" }").unwrap_err();
        assert!(neither.contains("phải ghi working_days"), "{neither}");
    }

    #[test]
    fn hours_and_zero_days_are_refused_on_the_calendar_basis() {
        assert!(read("{ calendar_days: 3, hours: 4 }").unwrap_err().contains("hours chỉ dùng"));
        assert!(read("{ calendar_days: 0 }").unwrap_err().contains("lớn hơn 0"));
        assert!(read("{ working_days: 0, hours: 8 }").is_ok());
    }

    #[test]
    fn extensions_carry_their_own_basis() {
        let t = read(
            "{ working_days: 3, extensions: [{ when: \"Cần xác minh\", working_days: 5 }, { when: \"Phức tạp\", calendar_days: 15 }] }",
        )
        .unwrap();
        assert_eq!(t.extensions[0].days, Days::working(5));
        assert_eq!(t.extensions[1].days, Days::calendar(15));
        assert!(read("{ working_days: 3, extensions: [{ when: \"x\" }] }").unwrap_err().contains("mỗi mục extensions"));
        assert!(
            read("{ working_days: 3, extensions: [{ when: \" \", working_days: 2 }] }").unwrap_err().contains("when")
        );
        assert!(read("{ working_days: 3, extensions: [{ when: \"x\", working_days: 0 }] }").is_err());
    }

    #[test]
    fn written_back_the_same() {
        let t = read("{ calendar_days: 45, note: \"n\", extensions: [{ when: \"w\", working_days: 2 }] }").unwrap();
        let yaml = serde_saphyr::to_string(&t).unwrap();
        assert_eq!(read(&yaml).unwrap(), t);
        assert!(!yaml.contains("working_days: null") && !yaml.contains("hours"), "{yaml}");
    }

    #[test]
    fn zero_budget_means_one_working_day() {
        assert_eq!(ProcessingTime::working(0).budget_minutes(), 480);
        let t = ProcessingTime { hours: 4, ..ProcessingTime::working(3) };
        assert_eq!(t.budget_minutes(), 28 * 60);
    }

    #[test]
    fn the_step_budget_follows_the_basis() {
        assert_eq!(ProcessingTime::working(2).step_budget(), StepBudget::Exactly(960));
        assert_eq!(ProcessingTime::calendar(30).step_budget(), StepBudget::AtMost(30 * 480));
    }
}
