//! The one permission function every handler and page calls: `authorize(actor, action, resource)`.
//! Roles give the general right; the resource adds the rules that depend on who is involved
//! (nobody approves their own change, nobody verifies their own corrective action).

use super::organisation::{OrgId, Standing};
use super::role::Role;
use crate::domain::ErrorCode;

/// Who is acting: their username, roles and organisation, as established by a verified token,
/// and how they stand towards the organisation the request acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub fields: Vec<String>,
    /// The organisation the user belongs to.
    pub org: OrgId,
    /// Towards the organisation being acted on: their own, or a descendant they oversee.
    pub standing: Standing,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

/// Something a user asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read procedures, fields, revisions, diffs and the master list.
    ReadProcedures,
    /// Record "read and understood" for a revision.
    Acknowledge,
    /// See one's own dashboard.
    ViewDashboard,
    /// Create, change and disable accounts.
    ManageUsers,
    /// Read the event log.
    ReadEvents,
    /// Document control: change requests, publishing, retiring, periodic review, legal bases.
    ManageDocuments,
    /// Review a change request (approve it or ask for changes).
    ReviewChange,
    /// Sign the approval of a change request, or reject it.
    ApproveChange,
    /// Plan and run internal audits.
    PlanAudit,
    /// Log a finding in an audit.
    RecordFinding,
    /// Open nonconformities, analyse causes, plan corrective actions.
    ManageNonconformities,
    /// Verify the effectiveness of a corrective action.
    VerifyCorrectiveAction,
    /// Create organisations below one's own and read their list.
    ManageOrganisations,
    /// Start, report on or close an internal audit.
    RunAudit,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::ReadProcedures,
        Action::Acknowledge,
        Action::ViewDashboard,
        Action::ManageUsers,
        Action::ReadEvents,
        Action::ManageDocuments,
        Action::ReviewChange,
        Action::ApproveChange,
        Action::PlanAudit,
        Action::RecordFinding,
        Action::ManageNonconformities,
        Action::VerifyCorrectiveAction,
        Action::ManageOrganisations,
        Action::RunAudit,
    ];
}

/// What the action is done to, when the decision depends on who is involved with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    None,
    ChangeRequest {
        author: &'a str,
        reviewers: &'a [String],
        approver: Option<&'a str>,
    },
    Audit {
        team: &'a [String],
    },
    /// A step of an audit's lifecycle: its lead, its team, and whether the step is the report
    /// (which any member of the team may write).
    AuditStep {
        lead: &'a str,
        team: &'a [String],
        report: bool,
    },
    CorrectiveAction {
        owner: &'a str,
    },
}

/// Why an action was refused: a stable code and a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub code: ErrorCode,
    pub message: &'static str,
}

const fn deny(code: ErrorCode, message: &'static str) -> Result<(), Denied> {
    Err(Denied { code, message })
}

fn role_not_allowed() -> Result<(), Denied> {
    deny(ErrorCode::Forbidden, "Vai trò của bạn không được phép thực hiện thao tác này.")
}

fn require(ok: bool) -> Result<(), Denied> {
    if ok { Ok(()) } else { role_not_allowed() }
}

/// Decides whether `actor` may do `action` to `resource`.
pub fn authorize(actor: &Actor, action: Action, resource: Resource<'_>) -> Result<(), Denied> {
    use Role::*;
    if actor.standing == Standing::Overseer {
        return oversee(actor, action);
    }
    match action {
        Action::ManageOrganisations => require(actor.has(Admin)),
        // ISO 9001 7.5.3: the current documents are available to everyone who needs them.
        Action::ReadProcedures | Action::Acknowledge | Action::ViewDashboard => Ok(()),
        Action::ManageUsers => require(actor.has(Admin)),
        Action::ReadEvents => require(actor.any(&[Admin, Auditor])),
        Action::ManageDocuments => require(actor.has(Secretary)),
        Action::PlanAudit => require(actor.any(&[Auditor, Secretary])),
        Action::ManageNonconformities => require(actor.any(&[Secretary, Auditor])),
        Action::ReviewChange => match resource {
            Resource::ChangeRequest { author, reviewers, .. } => {
                if author == actor.username {
                    deny(ErrorCode::AuthorCannotReview, "Người soạn thảo không tự xem xét thay đổi của mình.")
                } else if reviewers.contains(&actor.username) {
                    Ok(())
                } else {
                    deny(ErrorCode::NotAReviewer, "Bạn không có tên trong danh sách người xem xét.")
                }
            }
            _ => role_not_allowed(),
        },
        Action::ApproveChange => match resource {
            Resource::ChangeRequest { author, approver, .. } => {
                if author == actor.username {
                    deny(ErrorCode::AuthorCannotApprove, "Người soạn thảo không được tự phê duyệt thay đổi của mình.")
                } else if !actor.has(Approver) || approver != Some(actor.username.as_str()) {
                    deny(ErrorCode::NotTheApprover, "Bạn không phải người phê duyệt được chỉ định.")
                } else {
                    Ok(())
                }
            }
            _ => role_not_allowed(),
        },
        Action::RunAudit => match resource {
            Resource::AuditStep { lead, team, report } => {
                let involved = lead == actor.username || (report && team.contains(&actor.username));
                if involved || actor.has(Secretary) {
                    Ok(())
                } else {
                    deny(ErrorCode::Forbidden, "Chỉ trưởng đoàn đánh giá (hoặc Thư ký ISO) thực hiện bước này.")
                }
            }
            _ => role_not_allowed(),
        },
        Action::RecordFinding => match resource {
            Resource::Audit { team } if actor.has(Auditor) && team.contains(&actor.username) => Ok(()),
            _ => deny(ErrorCode::NotOnAuditTeam, "Chỉ đánh giá viên trong đoàn đánh giá mới ghi nhận phát hiện."),
        },
        Action::VerifyCorrectiveAction => match resource {
            Resource::CorrectiveAction { owner } if owner == actor.username => {
                deny(ErrorCode::OwnerCannotVerify, "Người thực hiện hành động không tự xác nhận hiệu lực của nó.")
            }
            Resource::CorrectiveAction { .. } => require(actor.any(&[Secretary, Auditor, Approver])),
            _ => role_not_allowed(),
        },
    }
}

/// A user of an ancestor organisation acting in a descendant: its admin administers it, its
/// admin and auditor read it; what the descendant does with its own documents and quality records
/// is decided inside it (nothing is published into a commune by anyone outside it).
fn oversee(actor: &Actor, action: Action) -> Result<(), Denied> {
    use Role::*;
    match action {
        Action::ReadProcedures | Action::ViewDashboard => Ok(()),
        Action::ReadEvents => require(actor.any(&[Admin, Auditor])),
        Action::ManageUsers | Action::ManageOrganisations => require(actor.has(Admin)),
        _ => deny(
            ErrorCode::OverseerReadsOnly,
            "Đơn vị cấp trên chỉ xem và quản trị tài khoản của đơn vị này; việc này do chính đơn vị thực hiện.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            username: "u".into(),
            display_name: "U".into(),
            roles: vec![role],
            fields: vec![],
            org: crate::domain::organisation::FIRST_ORG,
            standing: Standing::Member,
        }
    }

    /// The resource each action is tried on: one where the actor is involved in the right way
    /// (named reviewer, named approver, on the team, not the owner).
    fn involved(action: Action, names: &[String]) -> Resource<'_> {
        match action {
            Action::ReviewChange | Action::ApproveChange => {
                Resource::ChangeRequest { author: "secretary", reviewers: names, approver: Some("u") }
            }
            Action::RecordFinding => Resource::Audit { team: names },
            Action::RunAudit => Resource::AuditStep { lead: "u", team: names, report: false },
            Action::VerifyCorrectiveAction => Resource::CorrectiveAction { owner: "someone-else" },
            _ => Resource::None,
        }
    }

    #[test]
    fn every_role_and_action() {
        use Action::*;
        use Role::*;
        // Columns follow Action::ALL.
        // RunAudit is tried as the audit's lead: a lead runs it whatever their role.
        let table: [(Role, [bool; 14]); 6] = [
            //           read  ack   dash  users events docs review approve audit finding nc    verify orgs  run
            (Staff, [true, true, true, false, false, false, true, false, false, false, false, false, false, true]),
            (Secretary, [true, true, true, false, false, true, true, false, true, false, true, true, false, true]),
            (Reviewer, [true, true, true, false, false, false, true, false, false, false, false, false, false, true]),
            (Approver, [true, true, true, false, false, false, true, true, false, false, false, true, false, true]),
            (Auditor, [true, true, true, false, true, false, true, false, true, true, true, true, false, true]),
            (Admin, [true, true, true, true, true, false, true, false, false, false, false, false, true, true]),
        ];
        let names = vec!["u".to_owned()];
        for (role, expected) in table {
            for (action, allowed) in Action::ALL.into_iter().zip(expected) {
                let got = authorize(&actor(role), action, involved(action, &names)).is_ok();
                assert_eq!(got, allowed, "{role:?} × {action:?}");
            }
        }
        // Any named user may review, whatever their role: review is by invitation.
        assert!(authorize(&actor(Staff), ReviewChange, involved(ReviewChange, &names)).is_ok());
    }

    /// Acting in a descendant (only an admin or auditor of an ancestor gets there at all): reads,
    /// and the admin's administration; never a document or quality record of the descendant.
    #[test]
    fn an_overseer_reads_and_administers_only() {
        let table: [(Role, [bool; 14]); 2] = [
            //           read  ack    dash  users  events docs   review approve audit  finding nc     verify orgs  run
            (
                Role::Auditor,
                [true, false, true, false, true, false, false, false, false, false, false, false, false, false],
            ),
            (
                Role::Admin,
                [true, false, true, true, true, false, false, false, false, false, false, false, true, false],
            ),
        ];
        let names = vec!["u".to_owned()];
        // Whatever else they hold (a province auditor who is also its secretary, or the lead of
        // an audit of theirs), an overseer does nothing in a descendant beyond its table.
        for (role, expected) in table {
            let mut roles = Role::ALL.to_vec();
            roles.retain(|r| *r == role || !matches!(r, Role::Admin | Role::Auditor));
            let overseer = Actor { standing: Standing::Overseer, roles, ..actor(role) };
            for (action, allowed) in Action::ALL.into_iter().zip(expected) {
                let got = authorize(&overseer, action, involved(action, &names));
                assert_eq!(got.is_ok(), allowed, "overseeing {role:?} × {action:?}");
            }
        }
    }

    #[test]
    fn involvement_rules() {
        let names = vec!["u".to_owned()];
        let secretary =
            Actor { username: "secretary".into(), roles: vec![Role::Secretary, Role::Approver], ..actor(Role::Staff) };
        let own = Resource::ChangeRequest { author: "secretary", reviewers: &names, approver: Some("secretary") };
        assert_eq!(
            authorize(&secretary, Action::ApproveChange, own).unwrap_err().code,
            crate::domain::ErrorCode::AuthorCannotApprove
        );
        assert_eq!(
            authorize(&secretary, Action::ReviewChange, own).unwrap_err().code,
            crate::domain::ErrorCode::AuthorCannotReview
        );

        let approver = actor(Role::Approver);
        let other = Resource::ChangeRequest { author: "secretary", reviewers: &names, approver: Some("boss") };
        assert_eq!(
            authorize(&approver, Action::ApproveChange, other).unwrap_err().code,
            crate::domain::ErrorCode::NotTheApprover
        );
        let not_named = Resource::ChangeRequest { author: "secretary", reviewers: &[], approver: None };
        assert_eq!(
            authorize(&actor(Role::Reviewer), Action::ReviewChange, not_named).unwrap_err().code,
            crate::domain::ErrorCode::NotAReviewer
        );

        let auditor = actor(Role::Auditor);
        let own_action = Resource::CorrectiveAction { owner: "u" };
        assert_eq!(
            authorize(&auditor, Action::VerifyCorrectiveAction, own_action).unwrap_err().code,
            crate::domain::ErrorCode::OwnerCannotVerify
        );
        assert_eq!(
            authorize(&auditor, Action::RecordFinding, Resource::Audit { team: &[] }).unwrap_err().code,
            crate::domain::ErrorCode::NotOnAuditTeam
        );
    }
}
