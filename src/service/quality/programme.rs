//! The yearly audit programme: every field with how much it weighs (its procedures), how it did
//! before (open nonconformities, when it was last audited), and this year's audits covering it.
//! Fields with open nonconformities come first.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::audit::AuditStatus;
use crate::domain::nonconformity::NcStatus;
use crate::error::AppResult;
use crate::service::Services;
use crate::service::ports::NcFilter;

#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeRow {
    pub field: String,
    pub name: String,
    pub procedures: i64,
    pub open_nonconformities: i64,
    pub last_audited: Option<NaiveDate>,
    /// Audits of `year` covering the field: (id, title, planned start).
    pub planned: Vec<(i32, String, NaiveDate)>,
    pub priority: i64,
}

pub fn programme(services: &Services, year: i32, lang: &str) -> AppResult<Vec<ProgrammeRow>> {
    let audits = services.audits.audits(None)?;
    let mut rows = Vec::new();
    for f in crate::service::catalog::fields(services)? {
        let code = f.field.code.clone();
        let open =
            services.nonconformities.ncs(&NcFilter { field: Some(code.clone()), limit: 1, ..Default::default() })?.1
                - services
                    .nonconformities
                    .ncs(&NcFilter {
                        field: Some(code.clone()),
                        status: Some(NcStatus::Closed),
                        limit: 1,
                        ..Default::default()
                    })?
                    .1;
        let covering: Vec<_> = audits
            .iter()
            .filter(|a| {
                a.scope_fields.contains(&code)
                    || a.scope_procedures.iter().any(|p| p.split('-').nth(1) == Some(code.as_str()))
            })
            .collect();
        let last_audited =
            covering.iter().filter(|a| a.year < year || a.status != AuditStatus::Planned).map(|a| a.planned_end).max();
        let planned =
            covering.iter().filter(|a| a.year == year).map(|a| (a.id, a.title.clone(), a.planned_start)).collect();
        let years_since =
            last_audited.map_or(3, |d| (i64::from(year) - i64::from(chrono::Datelike::year(&d))).clamp(0, 3));
        // Open nonconformities weigh most, then time since the last audit, then size.
        let priority = open * 100 + years_since * 10 + f.procedures.min(9);
        rows.push(ProgrammeRow {
            name: f.field.name(lang).to_owned(),
            field: code,
            procedures: f.procedures,
            open_nonconformities: open,
            last_audited,
            planned,
            priority,
        });
    }
    rows.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.field.cmp(&b.field)));
    Ok(rows)
}
