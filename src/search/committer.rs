//! Commits of the search index, in a thread of their own.
//!
//! A tantivy commit writes and syncs a segment and reloads the reader: most of the time a publish
//! took. Here a change is queued and returns at once; this thread applies the queued changes to
//! the writer and commits them. It waits for a quiet moment first (`QUIET`, at most `LATEST`), so
//! a burst of publishes makes one commit and one segment, not one each: every commit syncs files,
//! resolves deletions against every segment and feeds the merges, work that runs beside the
//! next publish and grows with the index. Whoever searches or counts does not wait for the quiet
//! moment: it asks for the commit at once and waits for every change queued before it, so a
//! search started after a publish still finds it. Each commit records a marker (the store commit
//! it reflects), and start-up re-indexes whatever was published after the last marker, so a crash
//! between a publish and its search commit loses nothing.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexReader, IndexWriter};

use super::failure;
use crate::service::ports::PortResult;

/// How long a search waits for a pending commit before it reports a failure.
const PATIENCE: Duration = Duration::from_secs(60);
/// How long the queue must stay still before its changes are committed, unless someone waits.
/// Longer in unit tests, so a test of batching does not depend on how busy the machine is.
const QUIET: Duration = if cfg!(test) { Duration::from_secs(5) } else { Duration::from_millis(100) };
/// The longest a queued change waits for a quiet moment.
const LATEST: Duration = if cfg!(test) { Duration::from_secs(10) } else { Duration::from_secs(1) };

type Change = Box<dyn FnOnce(&mut IndexWriter) -> tantivy::Result<()> + Send>;

#[derive(Default)]
struct Progress {
    /// Changes not applied to the writer yet.
    queue: Vec<Change>,
    requested: u64,
    committed: u64,
    /// When the oldest and the newest change not committed yet were queued.
    first_queued: Option<Instant>,
    last_queued: Option<Instant>,
    /// Searches and counts waiting for a commit: they do not wait for a quiet moment.
    waiting: usize,
    marker: Option<String>,
    failure: Option<String>,
    stop: bool,
}

struct Shared {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    progress: Mutex<Progress>,
    changed: Condvar,
}

impl Shared {
    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn writer(&self) -> MutexGuard<'_, Option<IndexWriter>> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Commits everything requested so far, then tells the waiting searches.
    fn run(&self) {
        loop {
            let (target, marker, queue) = {
                let mut p = self.progress();
                while p.requested == p.committed && !p.stop {
                    p = self.changed.wait(p).unwrap_or_else(|e| e.into_inner());
                }
                if p.requested == p.committed {
                    return;
                }
                p = self.quiet_moment(p);
                (p.first_queued, p.last_queued) = (None, None);
                (p.requested, p.marker.clone(), std::mem::take(&mut p.queue))
            };
            let result = self.commit(queue, marker);
            let mut p = self.progress();
            p.committed = target;
            p.failure = result.err();
            self.changed.notify_all();
        }
    }

    /// Waits until the queue has been still for `QUIET`, its oldest change has waited `LATEST`,
    /// someone waits for the commit or the index is closing.
    fn quiet_moment<'a>(&self, mut p: MutexGuard<'a, Progress>) -> MutexGuard<'a, Progress> {
        loop {
            let now = Instant::now();
            let deadline = match (p.first_queued, p.last_queued) {
                (Some(first), Some(last)) => (last + QUIET).min(first + LATEST),
                _ => now,
            };
            if p.waiting > 0 || p.stop || deadline <= now {
                return p;
            }
            p = self.changed.wait_timeout(p, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Applies `queue` to the writer and commits it with `marker`.
    fn commit(&self, queue: Vec<Change>, marker: Option<String>) -> Result<(), String> {
        let mut slot = self.writer();
        if slot.is_none() {
            // One writer, kept: a writer per change allocates its arena and, when dropped, waits
            // for segment merges, which made every publish slower as the index grew.
            let writer: IndexWriter = self.index.writer_with_num_threads(1, 20_000_000).map_err(|e| e.to_string())?;
            writer.set_merge_policy(Box::new(merge_policy()));
            *slot = Some(writer);
        }
        if let Some(writer) = slot.as_mut() {
            for change in queue {
                if let Err(e) = change(writer) {
                    // Drop the half-used writer: the next change starts from the last commit.
                    *slot = None;
                    return Err(e.to_string());
                }
            }
            let mut prepared = writer.prepare_commit().map_err(|e| e.to_string())?;
            if let Some(marker) = marker {
                prepared.set_payload(&marker);
            }
            if let Err(e) = prepared.commit() {
                // Drop the writer: the next change starts again from the last commit.
                *slot = None;
                return Err(e.to_string());
            }
        }
        drop(slot);
        self.reader.reload().map_err(|e| e.to_string())
    }
}

/// Each commit writes a segment of a few documents. tantivy's default policy treats every segment
/// under 10,000 documents as one level and merges them together whenever eight have gathered, so
/// every few publishes rewrote up to 10,000 documents, and publishing slowed down as the index
/// grew. With levels starting at a few documents, segments merge geometrically: eight small ones
/// into one of their combined size, eight of those later, and so on; a document is rewritten a
/// handful of times in its life, whatever the size of the index.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_layer_size(8);
    policy
}

pub struct Committer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    pub fn start(index: Index, reader: IndexReader) -> Self {
        let shared = Arc::new(Shared {
            index,
            reader,
            writer: Mutex::new(None),
            progress: Mutex::new(Progress::default()),
            changed: Condvar::new(),
        });
        let worker = shared.clone();
        let thread = std::thread::Builder::new().name("search-commit".into()).spawn(move || worker.run()).ok();
        Self { shared, thread }
    }

    /// Queues `change` for the writer and asks for a commit recording `marker`.
    pub fn change(
        &self,
        marker: Option<&str>,
        change: impl FnOnce(&mut IndexWriter) -> tantivy::Result<()> + Send + 'static,
    ) -> PortResult<()> {
        let mut p = self.shared.progress();
        p.queue.push(Box::new(change));
        p.requested += 1;
        let now = Instant::now();
        p.first_queued.get_or_insert(now);
        p.last_queued = Some(now);
        if let Some(marker) = marker {
            p.marker = Some(marker.to_owned());
        }
        self.shared.changed.notify_all();
        if self.thread.is_none() {
            // No thread could be started: commit here.
            let (queue, marker, target) = (std::mem::take(&mut p.queue), p.marker.clone(), p.requested);
            drop(p);
            let result = self.shared.commit(queue, marker);
            self.shared.progress().committed = target;
            return result.map_err(failure);
        }
        Ok(())
    }

    /// Returns once every change requested so far is committed and visible to searches.
    pub fn wait_until_committed(&self) -> PortResult<()> {
        let mut p = self.shared.progress();
        let target = p.requested;
        if p.committed < target {
            p.waiting += 1;
            self.shared.changed.notify_all();
            let deadline = Instant::now() + PATIENCE;
            while p.committed < target && Instant::now() < deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                p = self.shared.changed.wait_timeout(p, left).unwrap_or_else(|e| e.into_inner()).0;
            }
            p.waiting -= 1;
            if p.committed < target {
                return Err(failure("the search index did not commit in time"));
            }
        }
        match &p.failure {
            Some(e) => Err(failure(e)),
            None => Ok(()),
        }
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.shared.progress().stop = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
