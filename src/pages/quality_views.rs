//! Template data of the internal-audit, nonconformity and corrective-action pages.

use askama::Template;

use super::views::Chrome;

#[derive(Template)]
#[template(path = "audits.html")]
pub struct AuditsPage<'a> {
    pub c: Chrome<'a>,
    pub audits: Vec<crate::service::ports::AuditRecord>,
    pub programme: Vec<crate::service::quality::programme::ProgrammeRow>,
    pub year: i32,
    pub can_plan: bool,
}

/// The audit planning form, filled in.
pub struct AuditForm {
    pub title: String,
    pub year: String,
    /// (code, name, checked)
    pub fields: Vec<(String, String, bool)>,
    pub procedures: String,
    pub criteria: String,
    pub planned_start: String,
    pub planned_end: String,
    /// (username, display name, chosen)
    pub leads: Vec<(String, String, bool)>,
    pub team: Vec<(String, String, bool)>,
    pub independence_override: String,
}

#[derive(Template)]
#[template(path = "audit_new.html")]
pub struct AuditNewPage<'a> {
    pub c: Chrome<'a>,
    pub f: AuditForm,
    pub error: Option<String>,
    pub independence_error: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage<'a> {
    pub c: Chrome<'a>,
    pub a: crate::service::ports::AuditRecord,
    pub findings: Vec<crate::service::ports::FindingRecord>,
    pub checklist: Vec<crate::service::ports::ChecklistItem>,
    pub scope: Vec<String>,
    pub finding_types: Vec<&'static str>,
    pub results: Vec<&'static str>,
    pub can_record: bool,
    pub can_report: bool,
    pub can_lead: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "audit_report.html")]
pub struct AuditReportPage<'a> {
    pub c: Chrome<'a>,
    pub a: crate::service::ports::AuditRecord,
    pub findings: Vec<crate::service::ports::FindingRecord>,
    pub counts: Vec<(crate::domain::audit::FindingType, usize)>,
    pub printed_on: String,
}

#[derive(Template)]
#[template(path = "ncs.html")]
pub struct NcsPage<'a> {
    pub c: Chrome<'a>,
    pub items: Vec<crate::service::ports::NcRecord>,
    pub statuses: Vec<&'static str>,
    pub sources: Vec<&'static str>,
    pub status: String,
    pub source: String,
    pub field: String,
    pub owner: String,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "nc_new.html")]
pub struct NcNewPage<'a> {
    pub c: Chrome<'a>,
    pub sources: Vec<&'static str>,
    pub procedures: String,
    pub description: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "nc.html")]
pub struct NcPage<'a> {
    pub c: Chrome<'a>,
    pub n: crate::service::ports::NcRecord,
    /// (action, overdue, reader may start/complete it, reader may verify it)
    pub actions: Vec<(crate::service::ports::CaRecord, bool, bool, bool)>,
    pub similar: Vec<crate::service::ports::NcRecord>,
    /// (code, revision) published by the actions' change requests
    pub fixed_by: Vec<crate::service::quality::nonconformities::Fix>,
    pub finding_audit: Option<i32>,
    /// The five "why" inputs: (number, text)
    pub whys: Vec<(usize, String)>,
    /// (username, display name)
    pub owners: Vec<(String, String)>,
    pub can_manage: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "nc_print.html")]
pub struct NcPrintPage<'a> {
    pub c: Chrome<'a>,
    pub n: crate::service::ports::NcRecord,
    pub actions: Vec<(crate::service::ports::CaRecord, bool)>,
    pub fixed_by: Vec<crate::service::quality::nonconformities::Fix>,
    pub printed_on: String,
}

#[derive(Template)]
#[template(path = "cas.html")]
pub struct CasPage<'a> {
    pub c: Chrome<'a>,
    /// (action, overdue)
    pub items: Vec<(crate::service::ports::CaRecord, bool)>,
    pub statuses: Vec<&'static str>,
    pub status: String,
    pub owner: String,
    pub overdue: bool,
}
