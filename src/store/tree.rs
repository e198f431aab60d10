//! Pointing one existing file of a tree at new content, without rebuilding the trees around it.
//!
//! libgit2's tree update reads every entry of each tree on the path into a builder, sorts them
//! and prints them back: for a field folder of 900 procedures that was most of a publish's time
//! in git, and it grew with the folder. Replacing a file keeps every name and so the order, so
//! each tree on the path is its entries written out again in the order they are, with one id
//! changed. Anything else (a new file, a removal, another kind of entry) goes through libgit2.

use git2::{FileMode, ObjectType, Oid, Repository, Tree};

/// The id of `base` with the regular file at `path` pointing at `blob`, written to the object
/// database; `None` when `path` is not a regular file of `base` (the caller builds the tree the
/// general way).
pub fn replace_file(repo: &Repository, base: &Tree, path: &str, blob: Oid) -> Result<Option<Oid>, git2::Error> {
    let (name, rest) = match path.split_once('/') {
        Some((dir, rest)) => (dir, Some(rest)),
        None => (path, None),
    };
    let Some(entry) = base.get_name(name) else {
        return Ok(None);
    };
    let replacement = match rest {
        None if entry.filemode() == i32::from(FileMode::Blob) => blob,
        None => return Ok(None),
        Some(rest) if entry.kind() == Some(ObjectType::Tree) => {
            let subtree = repo.find_tree(entry.id())?;
            match replace_file(repo, &subtree, rest, blob)? {
                Some(id) => id,
                None => return Ok(None),
            }
        }
        Some(_) => return Ok(None),
    };
    let mut raw = Vec::with_capacity(base.len() * 48);
    for e in base.iter() {
        // The tree format: octal mode, space, name, NUL, the 20 bytes of the id.
        raw.extend_from_slice(format!("{:o} ", e.filemode()).as_bytes());
        raw.extend_from_slice(e.name_bytes());
        raw.push(0);
        let id = if e.name_bytes() == name.as_bytes() { replacement } else { e.id() };
        raw.extend_from_slice(id.as_bytes());
    }
    repo.odb()?.write(ObjectType::Tree, &raw).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::build::TreeUpdateBuilder;

    /// A store with a root file, a folder of files and a nested folder.
    fn store() -> (tempfile::TempDir, Repository, Oid) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let mut update = TreeUpdateBuilder::new();
        for (i, path) in
            ["fields.yaml", "HT/QT-HT-01.md", "HT/QT-HT-02.md", "HT/a-b.md", "HT/a.md", "HT/sub/x.md", "TP/QT-TP-01.md"]
                .iter()
                .enumerate()
        {
            let blob = repo.blob(format!("tệp {i}").as_bytes()).unwrap();
            update.upsert(*path, blob, FileMode::Blob);
        }
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let root = update.create_updated(&repo, &repo.find_tree(empty).unwrap()).unwrap();
        (dir, repo, root)
    }

    #[test]
    fn the_same_tree_as_libgit2_builds() {
        let (_dir, repo, root) = store();
        let base = repo.find_tree(root).unwrap();
        for path in ["fields.yaml", "HT/QT-HT-02.md", "HT/a.md", "HT/sub/x.md", "TP/QT-TP-01.md"] {
            let blob = repo.blob(format!("nội dung mới của {path}").as_bytes()).unwrap();
            let mut update = TreeUpdateBuilder::new();
            update.upsert(path, blob, FileMode::Blob);
            let expected = update.create_updated(&repo, &base).unwrap();
            assert_eq!(replace_file(&repo, &base, path, blob).unwrap(), Some(expected), "{path}");
        }
    }

    #[test]
    fn anything_but_an_existing_file_is_left_to_libgit2() {
        let (_dir, repo, root) = store();
        let base = repo.find_tree(root).unwrap();
        let blob = repo.blob(b"x").unwrap();
        for path in ["HT/QT-HT-03.md", "HT", "HT/sub", "XX/QT-XX-01.md", "fields.yaml/x", "HT/sub/x.md/y"] {
            assert_eq!(replace_file(&repo, &base, path, blob).unwrap(), None, "{path}");
        }
    }
}
