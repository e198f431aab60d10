//! `ContentStore` on a bare git repository with git2.

use std::path::Path;
use std::sync::{Mutex, Once};

use chrono::DateTime;
use git2::{ErrorCode, FileMode, Oid, Repository, Sort, build::TreeUpdateBuilder};
use moka::sync::Cache;

use super::commit::write_commit;
use super::tree::{Trees, replace_file};
use crate::service::ports::{CommitRequest, ContentStore, PortError, PortResult, StoredCommit};

use crate::service::ports::EVENT_ANCHOR_REF;
use crate::service::ports::PUBLISHED_REF as BRANCH;

/// The bare repository behind the store. git2's `Repository` is not `Sync`, so access is
/// serialised; every call is short (one object or one commit).
pub struct GitStore {
    repo: Mutex<Repository>,
    written: Cache<(Oid, String), (String, String)>,
    trees: Trees,
}

/// Bytes of recently written files kept for reading back.
const WRITTEN_BUDGET: u64 = 8 * 1024 * 1024;

/// Files this process has just written, by commit and path, with their blob ids: a publish reads
/// back the revision it committed to index it, and the draft it publishes; reviewers open the
/// draft just saved. Reading them from git means walking the commit's trees, and a field folder
/// of hundreds of procedures is a tree of tens of KB to inflate and parse each time. Entries never
/// go stale: a commit's content cannot change.
fn written_cache() -> Cache<(Oid, String), (String, String)> {
    Cache::builder()
        .weigher(|(_, path): &(Oid, String), (text, blob): &(String, String)| {
            u32::try_from(path.len() + text.len() + blob.len()).unwrap_or(u32::MAX)
        })
        .max_capacity(WRITTEN_BUDGET)
        .build()
}

fn failure(context: &str) -> impl FnOnce(git2::Error) -> PortError + '_ {
    move |e| PortError::Failure(format!("git: {context}: {}", e.message()))
}

/// libgit2 keeps parsed trees in memory only up to 4 KB each by default. A field's folder of a
/// few hundred procedures is a tree of tens of KB, read by every view of an older revision or a
/// draft not just written, and by changes other than replacing one file: inflating and parsing it
/// again each time made them slower as the store grew. Trees up to 1 MB are kept instead, within
/// 64 MB for all objects. (Replacing one file works on the tree's bytes, kept by `store::tree`.)
fn keep_large_trees() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: libgit2's cache limits are plain globals written without a lock. They are set
        // once, here, before this process opens its first repository (every repository is opened
        // through `GitStore`), so no libgit2 call can be reading them concurrently.
        unsafe {
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 1024 * 1024);
            // git2 does not wrap this option; libgit2 is initialised by the call above.
            let _ = libgit2_sys::git_libgit2_opts(
                libgit2_sys::GIT_OPT_SET_CACHE_MAX_SIZE as std::ffi::c_int,
                64isize * 1024 * 1024,
            );
            // A store's behaviour is its own configuration's, never the host account's
            // ~/.gitconfig or /etc/gitconfig; and a province's 150 stores each parsed those two
            // files again (a third of libgit2's memory per open repository).
            for level in [
                git2::ConfigLevel::System,
                git2::ConfigLevel::XDG,
                git2::ConfigLevel::Global,
                git2::ConfigLevel::ProgramData,
            ] {
                let _ = git2::opts::set_search_path(level, "");
            }
        }
    });
}

/// The memory caches of `GitStore`, shareable by every store of a deployment: both are keyed by
/// what git names by content (a commit and a path in it, a tree's id), so an entry is the same in
/// any store, and a store only asks for ids its own commits reach. One pair for 150 stores keeps
/// a province's memory to one budget instead of 150.
#[derive(Clone)]
pub struct StoreCaches {
    written: Cache<(Oid, String), (String, String)>,
    trees: Trees,
}

impl Default for StoreCaches {
    fn default() -> Self {
        Self { written: written_cache(), trees: Trees::default() }
    }
}

impl GitStore {
    /// Opens the bare repository at `path`, creating it (with `main` as its head) if missing,
    /// with caches of its own.
    pub fn open_or_init(path: &Path) -> PortResult<Self> {
        Self::open_sharing(path, StoreCaches::default())
    }

    /// Opens the bare repository at `path`, creating it if missing, with `caches` shared with
    /// other stores of the deployment.
    pub fn open_sharing(path: &Path, caches: StoreCaches) -> PortResult<Self> {
        keep_large_trees();
        let repo = match Repository::open_bare(path) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => {
                let repo = Repository::init_bare(path).map_err(failure("init"))?;
                repo.set_head(BRANCH).map_err(failure("set head"))?;
                repo
            }
            Err(e) => return Err(failure("open")(e)),
        };
        Ok(Self { repo: Mutex::new(repo), written: caches.written, trees: caches.trees })
    }

    fn repo(&self) -> std::sync::MutexGuard<'_, Repository> {
        // A panic while holding the lock leaves the repository itself consistent (git writes are
        // atomic), so a poisoned lock is safe to reuse.
        self.repo.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Only the published branch, draft refs and the event anchors may be written.
fn writable(reference: &str) -> bool {
    reference == BRANCH
        || reference == EVENT_ANCHOR_REF
        || reference
            .strip_prefix("refs/drafts/")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

fn target_of(repo: &Repository, reference: &str) -> PortResult<Option<Oid>> {
    match repo.refname_to_id(reference) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(failure("read head")(e)),
    }
}

fn stored(id: Oid, seconds: i64, message: &str) -> StoredCommit {
    let trailers = git2::message_trailers_strs(message)
        .map(|t| t.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
        .unwrap_or_default();
    let time = DateTime::from_timestamp(seconds, 0).unwrap_or_default().naive_utc();
    StoredCommit { commit: id.to_string(), time, trailers }
}

impl GitStore {
    /// Commits of `reference` along first parents, oldest first, after `since`.
    fn first_parent_history(&self, reference: &str, since: Option<&str>) -> PortResult<Vec<StoredCommit>> {
        let repo = self.repo();
        let Some(head) = target_of(&repo, reference)? else {
            return Ok(vec![]);
        };
        let mut walk = repo.revwalk().map_err(failure("revwalk"))?;
        walk.push(head).map_err(failure("revwalk"))?;
        walk.simplify_first_parent().map_err(failure("revwalk"))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).map_err(failure("revwalk"))?;
        if let Some(since) = since.and_then(|s| Oid::from_str(s).ok())
            && repo.find_commit(since).is_ok()
        {
            walk.hide(since).map_err(failure("revwalk"))?;
        }
        walk.map(|id| {
            let id = id.map_err(failure("revwalk"))?;
            let commit = repo.find_commit(id).map_err(failure("read commit"))?;
            Ok(stored(id, commit.time().seconds(), commit.message().unwrap_or_default()))
        })
        .collect()
    }
}

impl ContentStore for GitStore {
    fn ref_target(&self, reference: &str) -> PortResult<Option<String>> {
        Ok(target_of(&self.repo(), reference)?.map(|id| id.to_string()))
    }

    fn commit(&self, request: &CommitRequest) -> PortResult<StoredCommit> {
        if !writable(&request.reference) {
            return Err(PortError::Failure(format!("refusing to write {}", request.reference)));
        }
        let repo = self.repo();
        let current = target_of(&repo, &request.reference)?;
        if current.map(|h| h.to_string()) != request.expected {
            return Err(PortError::Conflict(format!("{} moved", request.reference)));
        }
        let parent = match &request.parent {
            Some(id) => {
                let oid = Oid::from_str(id).map_err(|_| PortError::NotFound(id.clone()))?;
                Some(repo.find_commit(oid).map_err(|_| PortError::NotFound(id.clone()))?)
            }
            None => None,
        };
        let base_tree = match &parent {
            Some(p) => p.tree_id(),
            None => repo.treebuilder(None).and_then(|b| b.write()).map_err(failure("empty tree"))?,
        };
        let mut blobs = Vec::with_capacity(request.files.len());
        for (_, content) in &request.files {
            blobs.push(repo.blob(content.as_bytes()).map_err(failure("write blob"))?);
        }
        // A revision or a draft replaces one file: its trees are rewritten in place.
        let replaced = match (&request.files[..], &blobs[..], request.deletions.is_empty()) {
            ([(path, _)], [blob], true) => {
                replace_file(&repo, &self.trees, base_tree, path, *blob).map_err(failure("write tree"))?
            }
            _ => None,
        };
        let tree_id = match replaced {
            Some(id) => id,
            None => {
                let mut update = TreeUpdateBuilder::new();
                for ((path, _), blob) in request.files.iter().zip(&blobs) {
                    update.upsert(path.as_str(), *blob, FileMode::Blob);
                }
                for path in &request.deletions {
                    update.remove(path.as_str());
                }
                let base = repo.find_tree(base_tree).map_err(failure("parent tree"))?;
                update.create_updated(&repo, &base).map_err(failure("write tree"))?
            }
        };
        if parent.is_some() && tree_id == base_tree {
            return Err(PortError::Conflict("the change leaves every file as it was".into()));
        }
        let sig = match request.when {
            Some(seconds) => {
                git2::Signature::new(&request.author.name, &request.author.email, &git2::Time::new(seconds, 0))
            }
            None => git2::Signature::now(&request.author.name, &request.author.email),
        }
        .map_err(failure("signature"))?;
        let parents: Vec<Oid> = parent.iter().map(|p| p.id()).collect();
        let id = write_commit(&repo, tree_id, &parents, &sig, &request.message).map_err(failure("write commit"))?;
        let log = "qms";
        let moved = match current {
            Some(old) => repo.reference_matching(&request.reference, id, true, old, log),
            None => repo.reference(&request.reference, id, false, log),
        };
        moved.map_err(|e| match e.code() {
            ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked => {
                PortError::Conflict(format!("{} moved", request.reference))
            }
            _ => failure("move ref")(e),
        })?;
        for ((path, content), blob) in request.files.iter().zip(blobs) {
            self.written.insert((id, path.clone()), (content.clone(), blob.to_string()));
        }
        Ok(stored(id, sig.when().seconds(), &request.message))
    }

    fn history_since(&self, since: Option<&str>) -> PortResult<Vec<StoredCommit>> {
        self.first_parent_history(BRANCH, since)
    }

    fn history_of(&self, reference: &str) -> PortResult<Vec<StoredCommit>> {
        self.first_parent_history(reference, None)
    }

    fn read_file(&self, commit: &str, path: &str) -> PortResult<(String, String)> {
        let id = Oid::from_str(commit).map_err(|_| PortError::NotFound(commit.into()))?;
        if let Some(file) = self.written.get(&(id, path.to_owned())) {
            return Ok(file);
        }
        let repo = self.repo();
        let commit = repo.find_commit(id).map_err(|_| PortError::NotFound(id.to_string()))?;
        let tree = commit.tree().map_err(failure("tree"))?;
        let entry = tree.get_path(Path::new(path)).map_err(|_| PortError::NotFound(path.into()))?;
        let blob = repo.find_blob(entry.id()).map_err(failure("read blob"))?;
        let text = String::from_utf8(blob.content().to_vec())
            .map_err(|_| PortError::Failure(format!("{path} is not UTF-8")))?;
        Ok((text, entry.id().to_string()))
    }

    fn read_blob(&self, blob: &str) -> PortResult<String> {
        let repo = self.repo();
        let id = Oid::from_str(blob).map_err(|_| PortError::NotFound(blob.into()))?;
        let blob = repo.find_blob(id).map_err(|_| PortError::NotFound(id.to_string()))?;
        String::from_utf8(blob.content().to_vec()).map_err(|_| PortError::Failure("blob is not UTF-8".into()))
    }
}
