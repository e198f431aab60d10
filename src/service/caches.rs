//! Every cache of the service, in one place: what each keeps, keyed by what, and what makes it
//! stale. A new cache is added here, with its rule, or not at all.
//!
//! | cache | where | keeps | key | stale when |
//! |---|---|---|---|---|
//! | reading (pages and the API's current revision) | `reading::ReadingCache` | a procedure with its rendered document, revision list and reference data | organisation, requested code and revision | this process writes to the database (`Index::writes` moves), or after 2 s (another process's write) |
//! | acknowledgements | `reading::ReadingCache` | whether a reader acknowledged a revision | organisation, reader, code, revision | as above |
//! | rendered documents | `documents::DocumentCache` | a file parsed and rendered | git blob id | never: a blob never changes (bounded to 32 MB) |
//! | search markers | `search::TantivySearch` (adapter) | the store commit each organisation's documents reflect | organisation | each queued change naming one |
//! | unit summaries (a province's home page) | `deployment::Deployment` | each unit's figures | organisation | the unit's newest event changes (any change to it, from any process), or the day changes |
//! | organisations | `deployment::Deployment` | the tree of organisations and each one's services | id, slug | a lookup misses (another process created one) |
//! | reference data | `Services::reference` | fields and legal bases, and their code sets | head of the published branch and `REFERENCE_VERSION` | the head moves and the reference version changed (a commit of `fields.yaml` or `legal-bases.yaml`) |
//! | field counts | `ReferenceSnapshot::counts` | procedures per field | the reference snapshot | with the snapshot |
//! | sessions | `sessions::SessionCache` | the actor of a verified token | token | sign-out, an account change in this process (`forget_all`), or after 10 s |
//! | sign-in throttle | `address_throttle::AddressThrottle` | failures per address and per unknown username | address, username | the 15-minute window or the lock ends |
//! | files just written | `store::StoreCaches` (adapter, one for every store) | the text and blob id of a file a commit of this process wrote | commit, path | never: a commit never changes |
//! | trees | `store::tree::Trees` (adapter, in `StoreCaches`) | tree objects read or written, to patch a one-file change | tree id | never: bounded to 64 MB |
//!
//! The last two stay in the git adapter: they are how it writes a commit and reads it back
//! cheaply, not what a use case decides. Everything else is owned by `Services`, built once per
//! organisation in `app::open` and shared by every worker. Every cache but the reference data is
//! one for the whole deployment, shared by all organisations' services (keyed by organisation
//! where its entries differ between them): a province of 150 units pays each cache's
//! bookkeeping once.

use std::sync::{Mutex, MutexGuard};

/// Publishes of this process, one at a time: the revision number is computed from the index
/// before the commit is written. Across processes the git compare-and-swap on the branch holds.
#[derive(Default)]
pub struct PublishLock(Mutex<()>);

impl PublishLock {
    /// Waits for any publish of this process to finish.
    pub fn hold(&self) -> MutexGuard<'_, ()> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
