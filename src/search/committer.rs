//! Commits of the search index, in a thread of their own.
//!
//! A tantivy commit writes and syncs a segment and reloads the reader: most of the time a publish
//! took. Here a change is queued and returns at once; this thread applies the queued changes to
//! the writer and commits them, several in one commit when they arrive together. Whoever searches
//! or counts waits for every change queued before it, so a search started after a publish still
//! finds it. Each
//! commit records a marker (the store commit it reflects), and start-up re-indexes whatever was
//! published after the last marker, so a crash between a publish and its search commit loses
//! nothing.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexReader, IndexWriter};

use super::failure;
use crate::service::ports::PortResult;

/// How long a search waits for a pending commit before it reports a failure.
const PATIENCE: Duration = Duration::from_secs(60);

type Change = Box<dyn FnOnce(&mut IndexWriter) -> tantivy::Result<()> + Send>;

#[derive(Default)]
struct Progress {
    /// Changes not applied to the writer yet.
    queue: Vec<Change>,
    requested: u64,
    committed: u64,
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
                (p.requested, p.marker.clone(), std::mem::take(&mut p.queue))
            };
            let result = self.commit(queue, marker);
            let mut p = self.progress();
            p.committed = target;
            p.failure = result.err();
            self.changed.notify_all();
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
        while p.committed < target {
            let (next, timeout) = self.shared.changed.wait_timeout(p, PATIENCE).unwrap_or_else(|e| e.into_inner());
            p = next;
            if timeout.timed_out() && p.committed < target {
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
