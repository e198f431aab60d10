//! The git adapter on a real bare repository in a temp dir.

use qms::service::ports::{CommitRequest, ContentStore, PortError, Signature};
use qms::store::GitStore;

fn request(path: &str, content: &str, head: Option<String>, message: &str) -> CommitRequest {
    let author = Signature { name: "Thư ký ISO".into(), email: "thuky@qms".into() };
    CommitRequest::published(head, vec![(path.into(), content.into())], message.into(), author)
}

#[test]
fn commits_move_the_branch_by_compare_and_swap() {
    let dir = tempfile::tempdir().unwrap();
    let store = GitStore::open_or_init(&dir.path().join("s.git")).unwrap();
    assert_eq!(store.head().unwrap(), None);

    let first =
        store.commit(&request("HTI/QT-HTI-01.md", "một", None, "A\n\nProcedure: QT-HTI-01\nRevision: 1\n")).unwrap();
    assert_eq!(first.trailer("revision"), Some("1"));
    assert_eq!(store.head().unwrap().as_deref(), Some(first.commit.as_str()));

    // A writer that prepared its change against an older head loses, and nothing is written.
    let stale = store.commit(&request("HTI/QT-HTI-01.md", "hai", None, "B\n"));
    assert!(matches!(stale, Err(PortError::Conflict(_))));
    let second =
        store.commit(&request("HTI/QT-HTI-01.md", "hai", Some(first.commit.clone()), "B\n\nRevision: 2\n")).unwrap();
    let lost = store.commit(&request("HTI/QT-HTI-01.md", "ba", Some(first.commit.clone()), "C\n"));
    assert!(matches!(lost, Err(PortError::Conflict(_))));

    // A change that alters nothing is not committed.
    let noop = store.commit(&request("HTI/QT-HTI-01.md", "hai", Some(second.commit.clone()), "D\n"));
    assert!(matches!(noop, Err(PortError::Conflict(_))));

    let history: Vec<_> = store.history_since(None).unwrap().into_iter().map(|c| c.commit).collect();
    assert_eq!(history, [first.commit.clone(), second.commit.clone()]);
    let newer: Vec<_> = store.history_since(Some(&first.commit)).unwrap().into_iter().map(|c| c.commit).collect();
    assert_eq!(newer, std::slice::from_ref(&second.commit));

    let (old, blob) = store.read_file(&first.commit, "HTI/QT-HTI-01.md").unwrap();
    assert_eq!(old, "một");
    assert_eq!(store.read_blob(&blob).unwrap(), "một");
    assert_eq!(store.read_file(&second.commit, "HTI/QT-HTI-01.md").unwrap().0, "hai");
    assert!(matches!(store.read_file(&second.commit, "../etc/passwd"), Err(PortError::NotFound(_))));
    assert!(matches!(store.read_blob("not-a-hash"), Err(PortError::NotFound(_))));
}

#[test]
fn drafts_live_on_their_own_refs() {
    let dir = tempfile::tempdir().unwrap();
    let store = GitStore::open_or_init(&dir.path().join("s.git")).unwrap();
    let main = store.commit(&request("a.md", "0", None, "base\n")).unwrap().commit;
    let author = Signature { name: "Thư ký".into(), email: "t@qms".into() };
    let mut draft = CommitRequest {
        reference: qms::service::ports::draft_ref(7),
        parent: Some(main.clone()),
        expected: None,
        files: vec![("a.md".into(), "draft 1".into())],
        deletions: vec![],
        message: "draft\n".into(),
        author,
        when: None,
    };
    let first = store.commit(&draft).unwrap().commit;
    assert_eq!(store.ref_target("refs/drafts/7").unwrap().as_deref(), Some(first.as_str()));
    assert_eq!(store.head().unwrap().as_deref(), Some(main.as_str()), "the published branch does not move");
    draft.parent = Some(first.clone());
    draft.expected = Some(first.clone());
    draft.files = vec![("a.md".into(), "draft 2".into())];
    let second = store.commit(&draft).unwrap().commit;
    assert_eq!(store.read_file(&second, "a.md").unwrap().0, "draft 2");
    assert_eq!(store.read_file(&first, "a.md").unwrap().0, "draft 1", "earlier drafts stay readable");

    draft.reference = "refs/heads/other".into();
    assert!(matches!(store.commit(&draft), Err(PortError::Failure(_))), "only main and drafts are written");
    draft.reference = "refs/drafts/../heads/main".into();
    assert!(matches!(store.commit(&draft), Err(PortError::Failure(_))));
}

#[test]
fn concurrent_writers_on_the_same_head_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(GitStore::open_or_init(&dir.path().join("s.git")).unwrap());
    let base = store.commit(&request("a.md", "0", None, "base\n")).unwrap().commit;
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let base = base.clone();
            std::thread::spawn(move || store.commit(&request("a.md", &format!("v{i}"), Some(base), "w\n")).is_ok())
        })
        .collect();
    let wins = handles.into_iter().map(|h| h.join().unwrap()).filter(|ok| *ok).count();
    assert_eq!(wins, 1);
    assert_eq!(store.history_since(None).unwrap().len(), 2);
}
