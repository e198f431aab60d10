//! A long history on a small corpus: revisions added to the procedures of a store, round after
//! round, so a store of 100 procedures can hold 100,000 revisions. The corpora of N procedures
//! grow the history and the width (more fields, more files) together; this one grows the history
//! alone, which is what a git-backed wiki pays for when it walks history on a page view.

use std::time::Instant;

use qms::domain::ProcedureCode;
use qms::domain::event::NewEvent;
use qms::markdown::set_front_matter_values;
use qms::service::ports::{CommitRequest, ProcedureFilter, Signature};
use qms::service::reconcile::index_new_commit;
use qms::service::trailers as t;
use qms::service::{Services, catalog, search};

/// Adds `count` revisions to the store's procedures, one after another in turn. Each is written
/// as a publish writes its revision once approved (commit on the published branch, revision,
/// procedure, citations and event in the database); the change request's own rows are left out,
/// as the imported revisions have none either. The search index is brought up to date at the end.
pub fn add_revisions(s: &Services, count: usize) {
    let all = ProcedureFilter { limit: 10_000, ..Default::default() };
    let codes: Vec<String> = s.index.procedures(&all).unwrap().0.into_iter().map(|p| p.code).collect();
    let mut texts: Vec<(String, i32)> = codes
        .iter()
        .map(|code| {
            let current = catalog::current(s, code).unwrap();
            (current.document.markdown.clone(), current.procedure.revision)
        })
        .collect();
    let author = Signature { name: "Thư ký ISO".into(), email: "thuky@qms".into() };
    let clock = Instant::now();
    for i in 0..count {
        let k = i % codes.len();
        let code = &codes[k];
        let (text, revision) = &mut texts[k];
        *revision += 1;
        // One note that changes from revision to revision, so the file does not grow with them.
        let noted = text.replacen("## 2. Phạm vi", &format!("Ghi chú lần ban hành {revision}.\n\n## 2. Phạm vi"), 1);
        let published = set_front_matter_values(&noted, &[("revision", revision.to_string())]).unwrap();
        let message = t::message(
            &format!("{code} lần ban hành {revision}: lịch sử đo kiểm"),
            "",
            &[
                (t::PROCEDURE, code.clone()),
                (t::REVISION, revision.to_string()),
                (t::CHANGE, "revise".into()),
                (t::SUMMARY, format!("Lịch sử đo kiểm {i}")),
                (t::PUBLISHED_BY, author.name.clone()),
            ],
        );
        let head = s.store.head().unwrap();
        let request = CommitRequest::published(
            head.clone(),
            vec![(ProcedureCode::parse(code).unwrap().path(), published)],
            message,
            author.clone(),
        );
        let stored = s.store.commit(&request).unwrap();
        let event = NewEvent::now("thuky", "procedure.publish", "procedure", code)
            .detail(format!("revision {revision}; commit {}", stored.commit));
        index_new_commit(s, head.as_deref(), &stored, Some(&event)).unwrap();
        if (i + 1) % 10_000 == 0 {
            eprintln!("history: {} of {count} revisions in {:.0} s", i + 1, clock.elapsed().as_secs_f64());
        }
    }
    let all: Vec<&str> = codes.iter().map(String::as_str).collect();
    search::reindex(s, &all).unwrap();
}
