//! Pointing one existing file of a tree at new content, without rebuilding the trees around it.
//!
//! libgit2's tree update reads every entry of each tree on the path into a builder, sorts them
//! and prints them back: for a field folder of 900 procedures that was most of a publish's time
//! in git, and it grew with the folder. Replacing a file keeps every name and so the order, so
//! each tree on the path is the same bytes with one 20-byte id changed. Those bytes come from
//! [`Trees`], which keeps the trees this process wrote or read: the next publish into the same
//! folder starts from them instead of inflating, verifying and parsing the object it just wrote.
//! Anything else (a new file, a removal, another kind of entry) goes through libgit2.

use std::sync::Arc;

use git2::{ObjectType, Oid, Repository};
use moka::sync::Cache;

/// Raw tree objects by id, within a byte budget.
#[derive(Clone)]
pub struct Trees(Cache<Oid, Arc<[u8]>>);

/// Enough for the root and a few dozen field folders of a thousand procedures each.
const TREES_BUDGET: u64 = 4 * 1024 * 1024;

impl Default for Trees {
    fn default() -> Self {
        Self(
            Cache::builder()
                .weigher(|_: &Oid, raw: &Arc<[u8]>| u32::try_from(raw.len()).unwrap_or(u32::MAX))
                .max_capacity(TREES_BUDGET)
                .build(),
        )
    }
}

impl Trees {
    /// The bytes of tree `id`, kept or read from the object database; `None` if `id` is not a
    /// tree.
    fn raw(&self, repo: &Repository, id: Oid) -> Result<Option<Arc<[u8]>>, git2::Error> {
        if let Some(raw) = self.0.get(&id) {
            return Ok(Some(raw));
        }
        let odb = repo.odb()?;
        let object = odb.read(id)?;
        if object.kind() != ObjectType::Tree {
            return Ok(None);
        }
        let raw: Arc<[u8]> = object.data().into();
        self.0.insert(id, raw.clone());
        Ok(Some(raw))
    }

    fn write(&self, repo: &Repository, raw: Vec<u8>) -> Result<Oid, git2::Error> {
        let id = repo.odb()?.write(ObjectType::Tree, &raw)?;
        self.0.insert(id, raw.into());
        Ok(id)
    }
}

/// A tree entry: where its 20-byte id sits in the tree's bytes, and whether it is a regular
/// (non-executable) file or a folder.
struct Entry {
    id_at: usize,
    mode: EntryMode,
}

#[derive(PartialEq)]
enum EntryMode {
    File,
    Folder,
    Other,
}

/// Finds `name` in the bytes of a tree. The format: octal mode, space, name, NUL, 20 bytes of id;
/// entries follow each other with nothing between. Bytes that do not read as a tree find nothing.
fn find(raw: &[u8], name: &[u8]) -> Option<Entry> {
    let mut at = 0;
    while at < raw.len() {
        let space = at + memchr::memchr(b' ', &raw[at..])?;
        let nul = space + memchr::memchr(0, &raw[space..])?;
        let id_at = nul + 1;
        if id_at + 20 > raw.len() {
            return None;
        }
        if &raw[space + 1..nul] == name {
            let mode = match &raw[at..space] {
                b"100644" => EntryMode::File,
                b"40000" => EntryMode::Folder,
                _ => EntryMode::Other,
            };
            return Some(Entry { id_at, mode });
        }
        at = id_at + 20;
    }
    None
}

/// The id of tree `base` with the regular file at `path` pointing at `blob`, written to the object
/// database; `None` when `path` is not a regular file of `base` (the caller builds the tree the
/// general way).
pub fn replace_file(
    repo: &Repository,
    trees: &Trees,
    base: Oid,
    path: &str,
    blob: Oid,
) -> Result<Option<Oid>, git2::Error> {
    let Some(raw) = trees.raw(repo, base)? else {
        return Ok(None);
    };
    let (name, rest) = match path.split_once('/') {
        Some((dir, rest)) => (dir, Some(rest)),
        None => (path, None),
    };
    let Some(entry) = find(&raw, name.as_bytes()) else {
        return Ok(None);
    };
    let replacement = match (rest, entry.mode) {
        (None, EntryMode::File) => blob,
        (Some(rest), EntryMode::Folder) => {
            let folder = Oid::from_bytes(&raw[entry.id_at..entry.id_at + 20])?;
            match replace_file(repo, trees, folder, rest, blob)? {
                Some(id) => id,
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    let mut patched = raw.to_vec();
    patched[entry.id_at..entry.id_at + 20].copy_from_slice(replacement.as_bytes());
    trees.write(repo, patched).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::FileMode;
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
        update.upsert("HT/chay.sh", repo.blob(b"#!/bin/sh").unwrap(), FileMode::BlobExecutable);
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
            assert_eq!(replace_file(&repo, &Trees::default(), root, path, blob).unwrap(), Some(expected), "{path}");
        }
    }

    /// Successive changes start from the kept bytes of the trees the previous one wrote.
    #[test]
    fn kept_trees_give_the_same_trees_as_libgit2() {
        let (_dir, repo, root) = store();
        let trees = Trees::default();
        let (mut ours, mut theirs) = (root, root);
        for (i, path) in ["HT/a.md", "HT/a.md", "HT/QT-HT-01.md", "HT/sub/x.md", "fields.yaml"].iter().enumerate() {
            let blob = repo.blob(format!("lần sửa {i}").as_bytes()).unwrap();
            let mut update = TreeUpdateBuilder::new();
            update.upsert(*path, blob, FileMode::Blob);
            theirs = update.create_updated(&repo, &repo.find_tree(theirs).unwrap()).unwrap();
            ours = replace_file(&repo, &trees, ours, path, blob).unwrap().unwrap();
            assert_eq!(ours, theirs, "{path}");
            assert!(trees.0.contains_key(&ours), "the written tree is kept");
        }
    }

    #[test]
    fn anything_but_an_existing_file_is_left_to_libgit2() {
        let (_dir, repo, root) = store();
        let blob = repo.blob(b"x").unwrap();
        for path in
            ["HT/QT-HT-03.md", "HT", "HT/sub", "XX/QT-XX-01.md", "fields.yaml/x", "HT/sub/x.md/y", "HT/chay.sh", "HT/a"]
        {
            assert_eq!(replace_file(&repo, &Trees::default(), root, path, blob).unwrap(), None, "{path}");
        }
        // A blob's id given as a tree is not a tree.
        assert_eq!(replace_file(&repo, &Trees::default(), blob, "HT/a.md", blob).unwrap(), None);
    }
}
