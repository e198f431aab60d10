//! The deployment: its tree of organisations and each organisation's `Services`.
//!
//! A use case always works with one organisation's `Services`, whose adapters are bound to it
//! (their queries filtered by it, their git store and search view its own): holding them is what
//! scoping means, so a handler cannot reach another organisation's rows by forgetting a filter.
//! Which organisation a request may act on is decided here (`scope`) from the domain's rule
//! (`organisation::standing`); anything not visible is "not found".

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::Services;
use super::ports::{NewOrganisation, Organisations, UnitSummary};
use super::users::Operator;
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::organisation::{self, OrgId, Organisation, Standing};
use crate::domain::{Action, Actor, authorize};
use crate::error::{AppError, AppResult};

/// How old the organisations may be when a list of them is shown (another process may have
/// created one): lists then read them again.
const LISTS_STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Builds the services of one organisation (its store, its view of the database and index).
pub type OpenServices = dyn Fn(&Organisation) -> AppResult<Services> + Send + Sync;

/// Every organisation and its services, shared by all workers.
pub struct Deployment {
    store: Arc<dyn Organisations>,
    open: Box<OpenServices>,
    /// Organisations by id, and their services once opened.
    tree: RwLock<Tree>,
    /// Whether services opened from now on are first brought up to date with their store and
    /// the search index (set once `qms serve` has opened every organisation at start: one
    /// created since by `qms org add`, or by another instance, is then completed on first use).
    complete_on_open: std::sync::atomic::AtomicBool,
    /// When the organisations were last read from the database.
    refreshed: std::sync::Mutex<Option<std::time::Instant>>,
    /// Each unit's summary, with the newest event and the day it was read at.
    summaries: std::sync::Mutex<HashMap<OrgId, (i32, chrono::NaiveDate, UnitSummary)>>,
}

/// The organisations, indexed: every page view asks who the user may see, so nothing here walks
/// the whole list per lookup (150 units, each asked for its ancestors, made a page view 20%
/// slower before these indexes).
#[derive(Default)]
struct Tree {
    orgs: Vec<Organisation>,
    /// Position in `orgs` by id.
    by_id: HashMap<OrgId, usize>,
    /// Children by parent, oldest first.
    children: HashMap<OrgId, Vec<OrgId>>,
    /// Handed out as one shared pointer: a request takes them in one atomic increment, where a
    /// copy of `Services` cost one per adapter and cache, on counters every worker shares.
    services: HashMap<OrgId, Arc<Services>>,
}

impl Tree {
    /// Takes the organisations read from the database, keeping any this process holds that the
    /// read did not see yet (organisations are never removed, and a read that started before an
    /// insert of this process ended must not drop it).
    fn merge(&mut self, read: Vec<Organisation>) {
        let mut orgs = read;
        for kept in &self.orgs {
            if !orgs.iter().any(|o| o.id == kept.id) {
                orgs.push(kept.clone());
            }
        }
        orgs.sort_by_key(|o| o.id);
        self.set(orgs);
    }

    /// Sets the organisations (oldest first), keeping the services already open.
    fn set(&mut self, orgs: Vec<Organisation>) {
        self.by_id = orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        self.children.clear();
        for org in &orgs {
            if let Some(parent) = org.parent {
                self.children.entry(parent).or_default().push(org.id);
            }
        }
        self.orgs = orgs;
    }

    fn get(&self, id: OrgId) -> Option<&Organisation> {
        self.by_id.get(&id).and_then(|&i| self.orgs.get(i))
    }

    /// `id` and everything below it, `id` first, each parent before its children (bounded like
    /// `ancestors`).
    fn subtree(&self, id: OrgId) -> Vec<OrgId> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut pending = vec![id];
        while let Some(next) = pending.pop() {
            if self.get(next).is_none() || !seen.insert(next) {
                continue;
            }
            out.push(next);
            if let Some(children) = self.children.get(&next) {
                pending.extend(children.iter().rev());
            }
        }
        out
    }

    /// The ancestors of `id`, from its parent up to the root (bounded: a cycle cannot be stored,
    /// parents are created first, but a damaged row must not loop forever).
    fn ancestors(&self, id: OrgId) -> Vec<OrgId> {
        let mut out = Vec::new();
        let mut at = self.get(id).and_then(|o| o.parent);
        while let Some(parent) = at.filter(|p| !out.contains(p) && out.len() < 64) {
            out.push(parent);
            at = self.get(parent).and_then(|o| o.parent);
        }
        out
    }
}

/// What a request acts on: an organisation, its services, and the actor as they stand there.
pub struct Scope {
    pub actor: Actor,
    pub services: Arc<Services>,
}

impl Deployment {
    /// Reads the tree; services are opened by `open_all` (start-up) or on first use.
    pub fn load(store: Arc<dyn Organisations>, open: Box<OpenServices>) -> AppResult<Self> {
        let mut tree = Tree::default();
        tree.set(store.organisations()?);
        Ok(Self {
            store,
            open,
            tree: RwLock::new(tree),
            complete_on_open: Default::default(),
            refreshed: Default::default(),
            summaries: Default::default(),
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Tree> {
        self.tree.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Tree> {
        self.tree.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Every organisation, oldest first.
    pub fn all(&self) -> Vec<Organisation> {
        self.refresh(LISTS_STALE_AFTER);
        self.read().orgs.clone()
    }

    pub fn get(&self, id: OrgId) -> Option<Organisation> {
        if let Some(found) = self.read().get(id) {
            return Some(found.clone());
        }
        self.find(|o| o.id == id)
    }

    pub fn by_slug(&self, slug: &str) -> Option<Organisation> {
        // What cannot be a slug names nothing, and costs no reading of the database.
        if !organisation::valid_slug(slug) {
            return None;
        }
        self.find(|o| o.slug == slug)
    }

    /// The organisation matching `wanted`; on a miss the tree is read again (at most once a
    /// second), since `qms org add` or another instance sharing the database may have created it.
    fn find(&self, wanted: impl Fn(&Organisation) -> bool) -> Option<Organisation> {
        if let Some(found) = self.read().orgs.iter().find(|o| wanted(o)) {
            return Some(found.clone());
        }
        self.refresh(std::time::Duration::from_secs(1));
        self.read().orgs.iter().find(|o| wanted(o)).cloned()
    }

    /// Reads the organisations again if the last read is more than two seconds old.
    pub fn reread(&self) {
        self.refresh(LISTS_STALE_AFTER);
    }

    /// Reads the organisations again if the last read is older than `every`.
    fn refresh(&self, every: std::time::Duration) {
        {
            let mut last = self.refreshed.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|at| at.elapsed() < every) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        match self.store.organisations() {
            Ok(read) => self.write().merge(read),
            Err(e) => log::warn!("organisations not read again: {e}"),
        }
    }

    /// The first organisation: the one a single-organisation deployment is.
    pub fn first(&self) -> Option<Organisation> {
        self.get(organisation::FIRST_ORG)
    }

    pub fn ancestors(&self, id: OrgId) -> Vec<OrgId> {
        self.read().ancestors(id)
    }

    /// `id` and everything below it, `id` first, each parent before its children.
    pub fn subtree(&self, id: OrgId) -> Vec<Organisation> {
        self.refresh(LISTS_STALE_AFTER);
        let tree = self.read();
        tree.subtree(id).into_iter().filter_map(|o| tree.get(o).cloned()).collect()
    }

    /// Whether any organisation sits below `id`.
    pub fn has_units(&self, id: OrgId) -> bool {
        self.read().children.get(&id).is_some_and(|c| !c.is_empty())
    }

    /// Each of `orgs`' summary as of `today` (see `Organisations::unit_summaries`). A summary is
    /// read again only for a unit whose newest event changed since (every change to a quality
    /// system appends one, in this process or another) or on a new day: a province's home page
    /// then costs one index seek per unit, not a count of everything every unit holds.
    pub fn unit_summaries(&self, orgs: &[OrgId], today: chrono::NaiveDate) -> AppResult<HashMap<OrgId, UnitSummary>> {
        let newest = self.store.newest_events(orgs)?;
        let marker = |org: &OrgId| newest.get(org).copied().unwrap_or(0);
        let mut kept = self.summaries.lock().unwrap_or_else(|p| p.into_inner());
        let stale: Vec<OrgId> = orgs
            .iter()
            .filter(|o| !kept.get(o).is_some_and(|(at, day, _)| *at == marker(o) && *day == today))
            .copied()
            .collect();
        if !stale.is_empty() {
            for (org, summary) in self.store.unit_summaries(&stale, today)? {
                kept.insert(org, (marker(&org), today, summary));
            }
        }
        Ok(orgs.iter().filter_map(|o| kept.get(o).map(|(_, _, s)| (*o, s.clone()))).collect())
    }

    /// The services of organisation `id`, opening them on first use.
    pub fn services(&self, id: OrgId) -> AppResult<Arc<Services>> {
        if let Some(s) = self.read().services.get(&id) {
            return Ok(s.clone());
        }
        let org = self.get(id).ok_or_else(no_such_organisation)?;
        let opened = Arc::new((self.open)(&org)?);
        if self.complete_on_open.load(std::sync::atomic::Ordering::Acquire) {
            let completed = super::reconcile::reconcile(&opened)
                .and_then(|_| super::search::ensure_complete(&opened, false).map(|_| ()));
            if let Err(e) = completed {
                log::warn!("{}: not brought up to date on opening: {}", org.slug, e.message);
            }
        }
        Ok(self.write().services.entry(id).or_insert(opened).clone())
    }

    /// From now on, services opened later are brought up to date first (see the field).
    pub fn complete_on_open(&self) {
        self.complete_on_open.store(true, std::sync::atomic::Ordering::Release);
    }

    /// Opens every organisation's services (start-up: each store is reconciled before serving).
    pub fn open_all(&self) -> AppResult<Vec<Arc<Services>>> {
        self.all().iter().map(|o| self.services(o.id)).collect()
    }

    /// The organisation a request acts on, for `actor` (as their token says), and how they
    /// stand there. `slug` names it in the path (`/api/v1/orgs/{org}/…`, `/o/{org}/…`); without
    /// one, the actor's own. One they may not see is "not found", exactly like one that does not
    /// exist.
    pub fn scope(&self, mut actor: Actor, slug: Option<&str>) -> AppResult<Scope> {
        let target = match slug {
            None => actor.org,
            Some(slug) => self.by_slug(slug).map(|o| o.id).ok_or_else(not_found)?,
        };
        let standing = organisation::standing(actor.org, &actor.roles, target, &self.ancestors(target));
        actor.standing = standing.ok_or_else(not_found)?;
        let services = self.services(target)?;
        Ok(Scope { actor, services })
    }

    /// The organisations `actor` can see: their own and, for an admin or auditor, everything
    /// below it.
    /// (From memory: every page asks it for the switcher. Lists that must show an organisation
    /// another process just created call `reread` first, off the HTTP worker.)
    pub fn visible_to(&self, actor: &Actor) -> Vec<Organisation> {
        let tree = self.read();
        // Only the actor's own organisation and those below it can be visible; the domain's
        // rule decides which of them are.
        tree.subtree(actor.org)
            .into_iter()
            .filter(|o| organisation::standing(actor.org, &actor.roles, *o, &tree.ancestors(*o)).is_some())
            .filter_map(|o| tree.get(o).cloned())
            .collect()
    }

    /// Creates an organisation under `parent` (by an admin of `parent` or above it, or from the
    /// console) and opens its services. The first organisation is made by `create_first`.
    pub fn create(&self, by: Operator<'_>, new: NewOrganisation) -> AppResult<Organisation> {
        let parent = new.parent.ok_or_else(|| {
            AppError::unprocessable(ErrorCode::OrganisationNotFound, "Đơn vị mới cần có đơn vị cấp trên.")
        })?;
        if let Operator::Admin(actor) = by {
            let standing = organisation::standing(actor.org, &actor.roles, parent, &self.ancestors(parent))
                .ok_or_else(not_found)?;
            let acting = Actor { standing, ..actor.clone() };
            authorize(&acting, Action::ManageOrganisations, crate::domain::Resource::None)?;
        }
        self.insert(by.name(), new)
    }

    /// Creates the deployment's first organisation (from the settings, on first start). Without a
    /// parent it is the root, which the store gives the id `FIRST_ORG`.
    pub fn create_first(&self, new: NewOrganisation) -> AppResult<Organisation> {
        self.insert("qms", NewOrganisation { parent: None, ..new })
    }

    /// Gives an organisation a new name (from the console: after upgrading a data directory made
    /// before organisations, the first one is named from the settings of that first start).
    pub fn rename(&self, slug: &str, name: &str) -> AppResult<Organisation> {
        let org = self.by_slug(slug).ok_or_else(no_such_organisation)?;
        let name = name.trim();
        check_name(name)?;
        let event = NewEvent {
            detail: name.to_owned(),
            ..NewEvent::now("qms-cli", "organisation.rename", "organisation", slug)
        };
        self.store.rename_organisation(org.id, name, &event)?;
        let renamed = Organisation { name: name.to_owned(), ..org };
        // Services already open keep the name they were opened with (a running `qms serve` shows
        // the new one from its next start): opening a second set for the same organisation
        // would give it two publish locks.
        let mut tree = self.write();
        let orgs = tree.orgs.iter().map(|o| if o.id == renamed.id { renamed.clone() } else { o.clone() }).collect();
        tree.set(orgs);
        Ok(renamed)
    }

    fn insert(&self, by: &str, new: NewOrganisation) -> AppResult<Organisation> {
        if !organisation::valid_slug(&new.slug) {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidSlug,
                "Mã đơn vị chỉ gồm 2–40 chữ thường không dấu, chữ số và dấu gạch ngang.",
            ));
        }
        check_name(&new.name)?;
        if self.by_slug(&new.slug).is_some() {
            return Err(exists());
        }
        let event = NewEvent {
            detail: new.name.clone(),
            ..NewEvent::now(by, "organisation.create", "organisation", &new.slug)
        };
        let created = self.store.insert_organisation(&new, &event).map_err(|e| match e {
            super::ports::PortError::Conflict(_) => exists(),
            e => e.into(),
        })?;
        self.write().merge(vec![created.clone()]);
        self.services(created.id)?;
        Ok(created)
    }
}

fn check_name(name: &str) -> AppResult<()> {
    if organisation::valid_name(name) {
        Ok(())
    } else {
        Err(AppError::unprocessable(ErrorCode::InvalidOrgName, "Tên đơn vị phải có, trên một dòng, tối đa 200 ký tự."))
    }
}

fn no_such_organisation() -> AppError {
    AppError::not_found(ErrorCode::OrganisationNotFound, "Không có đơn vị này.")
}

fn not_found() -> AppError {
    AppError::not_found(ErrorCode::NotFound, "Không tìm thấy.")
}

fn exists() -> AppError {
    AppError::conflict(ErrorCode::OrganisationExists, "Đã có đơn vị với mã này.")
}

/// Whether `actor` stands in their own organisation (pages show their own menus) or oversees.
pub fn is_member(actor: &Actor) -> bool {
    actor.standing == Standing::Member
}
