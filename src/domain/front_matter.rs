//! The typed metadata at the top of every procedure file (see docs/PROCEDURE-FORMAT.md).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::code::ProcedureCode;
pub use super::processing_time::{HOURS_PER_DAY, ProcessingTime};

/// Mandatory system procedure or operational procedure.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureKind {
    Mandatory,
    Operational,
}

impl ProcedureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mandatory => "mandatory",
            Self::Operational => "operational",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mandatory" => Some(Self::Mandatory),
            "operational" => Some(Self::Operational),
            _ => None,
        }
    }
}

/// The front matter of a procedure file. Unknown keys are refused so a typo cannot silently drop
/// information from a controlled document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub code: String,
    pub title: String,
    pub field: String,
    pub kind: ProcedureKind,
    pub revision: u32,
    pub effective_date: NaiveDate,
    pub owner: String,
    pub review_interval_months: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tthc_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time: Option<ProcessingTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    pub legal_basis: Vec<String>,
    pub iso_clauses: Vec<String>,
    /// Facts stated in the procedure that still have to be verified (a number or amount that
    /// could not be confirmed), kept apart from the text so they are not mistaken for settled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// For a procedure adopted from a parent organisation: the parent's revision it was last
    /// brought up to date with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<Upstream>,
}

/// Where an adopted procedure comes from: the parent organisation, its code there and the
/// revision of it last taken (API.md, "Upstream").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    pub org: String,
    pub code: String,
    pub revision: u32,
}

/// A rule a front matter breaks, independent of any other file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataProblem {
    pub key: &'static str,
    pub message: String,
}

impl FrontMatter {
    /// The validated code, if the `code` value is well formed.
    pub fn procedure_code(&self) -> Option<ProcedureCode> {
        ProcedureCode::parse(&self.code)
    }

    /// Checks the rules that need nothing but the front matter itself.
    pub fn problems(&self) -> Vec<MetadataProblem> {
        let mut out = Vec::new();
        let mut bad = |key, message: String| out.push(MetadataProblem { key, message });
        match self.procedure_code() {
            None => bad("code", format!("mã \"{}\" không đúng dạng QT-<LĨNH VỰC>-<NN>", self.code)),
            Some(code) if code.field().as_str() != self.field => {
                bad("code", format!("mã {} không thuộc lĩnh vực {}", self.code, self.field))
            }
            Some(_) => {}
        }
        if self.title.trim().is_empty() {
            bad("title", "tên quy trình trống".into());
        }
        if self.owner.trim().is_empty() {
            bad("owner", "chưa ghi chức danh chủ trì (owner)".into());
        }
        if self.revision == 0 {
            bad("revision", "lần ban hành phải từ 1 trở lên".into());
        }
        if !(1..=60).contains(&self.review_interval_months) {
            bad("review_interval_months", "chu kỳ xem xét phải từ 1 đến 60 tháng".into());
        }
        let system = self.field == "HT";
        match (system, self.kind) {
            (true, ProcedureKind::Operational) => bad("kind", "quy trình hệ thống (HT) phải là mandatory".into()),
            (false, ProcedureKind::Mandatory) => bad("kind", "chỉ lĩnh vực HT có quy trình mandatory".into()),
            _ => {}
        }
        if self.kind == ProcedureKind::Operational {
            if self.processing_time.is_none() {
                bad("processing_time", "quy trình tác nghiệp phải có processing_time".into());
            }
            if self.fee.as_deref().is_none_or(|f| f.trim().is_empty()) {
                bad("fee", "quy trình tác nghiệp phải ghi lệ phí (fee)".into());
            }
        }
        if self.legal_basis.is_empty() {
            bad("legal_basis", "chưa có căn cứ pháp lý nào".into());
        }
        if self.notes.iter().any(|n| n.trim().is_empty()) {
            bad("notes", "mỗi ghi chú (notes) phải có nội dung".into());
        }
        if self.iso_clauses.iter().any(|c| !is_clause(c)) {
            bad("iso_clauses", "điều khoản ISO phải có dạng số, ví dụ \"7.5.3\"".into());
        }
        if let Some(upstream) = &self.upstream {
            if !super::organisation::valid_slug(&upstream.org) {
                bad("upstream", format!("mã đơn vị cấp trên \"{}\" không hợp lệ", upstream.org));
            }
            if ProcedureCode::parse(&upstream.code).is_none() {
                bad("upstream", format!("mã quy trình gốc \"{}\" không đúng dạng", upstream.code));
            }
            if upstream.revision == 0 {
                bad("upstream", "lần ban hành của bản gốc phải từ 1 trở lên".into());
            }
        }
        out
    }
}

fn is_clause(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FrontMatter {
        FrontMatter {
            code: "QT-HTI-01".into(),
            title: "Đăng ký khai sinh".into(),
            field: "HTI".into(),
            kind: ProcedureKind::Operational,
            revision: 1,
            effective_date: NaiveDate::from_ymd_opt(2019, 8, 1).unwrap(),
            owner: "Công chức Tư pháp - Hộ tịch".into(),
            review_interval_months: 12,
            tthc_code: None,
            processing_time: Some(ProcessingTime::working(0)),
            fee: Some("Miễn phí".into()),
            legal_basis: vec!["LUAT-HOTICH-2014".into()],
            iso_clauses: vec!["8.1".into()],
            notes: vec![],
            upstream: None,
        }
    }

    #[test]
    fn a_complete_front_matter_has_no_problem() {
        assert_eq!(sample().problems(), vec![]);
    }

    #[test]
    fn each_rule_is_reported_by_key() {
        let mut fm = sample();
        fm.field = "CT".into();
        fm.kind = ProcedureKind::Mandatory;
        fm.fee = None;
        fm.legal_basis.clear();
        fm.iso_clauses = vec!["7.x".into()];
        fm.review_interval_months = 0;
        fm.notes = vec!["Cần xác minh số Nghị quyết".into(), " ".into()];
        let keys: Vec<_> = fm.problems().iter().map(|p| p.key).collect();
        assert_eq!(keys, ["code", "review_interval_months", "kind", "legal_basis", "notes", "iso_clauses"]);
    }

    /// An adopted procedure names the parent's organisation, code and revision, each well formed.
    #[test]
    fn upstream_names_a_parent_revision() {
        let adopted = |org: &str, code: &str, revision| FrontMatter {
            upstream: Some(Upstream { org: org.into(), code: code.into(), revision }),
            ..sample()
        };
        assert_eq!(adopted("hue", "QT-HTI-01", 3).problems(), vec![]);
        for bad in [adopted("Huế", "QT-HTI-01", 3), adopted("hue", "HTI-01", 3), adopted("hue", "QT-HTI-01", 0)] {
            let keys: Vec<_> = bad.problems().iter().map(|p| p.key).collect();
            assert_eq!(keys, ["upstream"], "{:?}", bad.upstream);
        }
    }
}
