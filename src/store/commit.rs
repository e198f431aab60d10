//! Writing a commit object from the ids of its tree and parents.
//!
//! libgit2 builds a commit from tree and parent *objects*: the root tree just written has to be
//! read back, inflated and parsed (and, with strict object creation, looked up once more) only
//! for libgit2 to take its id again. The root holds one entry per field folder, so that read grew
//! with the store. libgit2 can create a commit from ids, but git2 does not bind that call, so the
//! object is laid out here exactly as libgit2 lays it out (a test compares the bytes with
//! `Repository::commit_create_buffer`) and written to the object database.

use std::io::Write;

use git2::{ObjectType, Oid, Repository, Signature};

/// One signature line: `author Name <email> 1700000000 +0700`.
fn signature_line(out: &mut Vec<u8>, header: &str, sig: &Signature) -> std::io::Result<()> {
    let when = sig.when();
    let offset = when.offset_minutes().unsigned_abs();
    let sign = if when.offset_minutes() < 0 { '-' } else { '+' };
    write!(out, "{header} ")?;
    out.extend_from_slice(sig.name_bytes());
    out.extend_from_slice(b" <");
    out.extend_from_slice(sig.email_bytes());
    writeln!(out, "> {} {sign}{:02}{:02}", when.seconds(), offset / 60, offset % 60)
}

fn lay_out(out: &mut Vec<u8>, tree: Oid, parents: &[Oid], sig: &Signature, message: &str) -> std::io::Result<()> {
    writeln!(out, "tree {tree}")?;
    for parent in parents {
        writeln!(out, "parent {parent}")?;
    }
    signature_line(out, "author", sig)?;
    signature_line(out, "committer", sig)?;
    out.push(b'\n');
    out.extend_from_slice(message.as_bytes());
    Ok(())
}

/// The bytes of a commit object with the same person as author and committer.
fn commit_bytes(tree: Oid, parents: &[Oid], sig: &Signature, message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + message.len());
    // Writing into a Vec cannot fail.
    let _ = lay_out(&mut out, tree, parents, sig, message);
    out
}

/// Writes the commit; the caller has written `tree` and read each parent. A NUL byte is refused,
/// as libgit2 refuses it (git reads a message up to its first NUL).
pub fn write_commit(
    repo: &Repository,
    tree: Oid,
    parents: &[Oid],
    sig: &Signature,
    message: &str,
) -> Result<Oid, git2::Error> {
    if message.contains('\0') {
        return Err(git2::Error::from_str("a commit message cannot hold a NUL byte"));
    }
    repo.odb()?.write(ObjectType::Commit, &commit_bytes(tree, parents, sig, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        (dir, repo)
    }

    #[test]
    fn the_same_bytes_as_libgit2_lays_out() {
        let (_dir, repo) = store();
        let blob = repo.blob("# Quy trình\n".as_bytes()).unwrap();
        let mut builder = repo.treebuilder(None).unwrap();
        builder.insert("QT-01.md", blob, 0o100644).unwrap();
        let tree = repo.find_tree(builder.write().unwrap()).unwrap();
        let message = "QT-01 lần ban hành 2: sửa đổi\n\nLý do.\n\nQms-Revision: 2\n";
        let mut parent = None;
        for (name, offset) in [("Nguyễn Thị Thư Ký", 420), ("Auditor", -150), ("Trần Văn Đạt", 0)] {
            let sig = Signature::new(name, "thuky@ubnd.vn", &git2::Time::new(1_764_000_000, offset)).unwrap();
            let parents: Vec<git2::Commit> = parent.iter().map(|id| repo.find_commit(*id).unwrap()).collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            let theirs = repo.commit_create_buffer(&sig, &sig, message, &tree, &refs).unwrap();
            let ids: Vec<Oid> = parent.into_iter().collect();
            assert_eq!(
                String::from_utf8_lossy(&commit_bytes(tree.id(), &ids, &sig, message)),
                theirs.as_str().unwrap()
            );
            let id = write_commit(&repo, tree.id(), &ids, &sig, message).unwrap();
            let commit = repo.find_commit(id).unwrap();
            assert_eq!((commit.author().name(), commit.time().offset_minutes()), (Some(name), offset));
            assert_eq!(commit.parent_ids().collect::<Vec<_>>(), ids);
            parent = Some(id);
        }
        assert!(write_commit(&repo, tree.id(), &[], &Signature::now("a", "a@b").unwrap(), "a\0b").is_err());
    }
}
