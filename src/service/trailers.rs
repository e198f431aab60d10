//! The trailers of a published commit: how `git log` of the store names each change, and how the
//! revision index is rebuilt from git.

/// `Procedure: QT-HTI-01`
pub const PROCEDURE: &str = "Procedure";
/// `Revision: 2`
pub const REVISION: &str = "Revision";
/// `Effective-date: 2020-01-01`
pub const EFFECTIVE_DATE: &str = "Effective-date";
/// `Change: import | revise | create | retire | reference-data`
pub const CHANGE: &str = "Change";
/// `Summary: one line` — the row of the revision table.
pub const SUMMARY: &str = "Summary";
pub const PREPARED_BY: &str = "Prepared-by";
pub const REVIEWED_BY: &str = "Reviewed-by";
pub const APPROVED_BY: &str = "Approved-by";
pub const PUBLISHED_BY: &str = "Published-by";
/// `Content-hash: …` — the SHA-256 of the approved draft the approval signature covers.
pub const CONTENT_HASH: &str = "Content-hash";
/// `Change-request: 12` — the request a publish came from.
pub const CHANGE_REQUEST: &str = "Change-request";

/// Builds a commit message: a subject, a body, then one trailer per line. Values are kept to one
/// line so a trailer can never be forged by a newline inside a value.
pub fn message(subject: &str, body: &str, trailers: &[(&str, String)]) -> String {
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = format!("{}\n\n", one_line(subject));
    if !body.trim().is_empty() {
        out.push_str(body.trim());
        out.push_str("\n\n");
    }
    for (key, value) in trailers {
        out.push_str(&format!("{key}: {}\n", one_line(value)));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_cannot_inject_trailers() {
        let m = super::message("s", "", &[("Summary", "a\nApproved-by: mallory".into())]);
        assert_eq!(m, "s\n\nSummary: a Approved-by: mallory\n");
    }
}
