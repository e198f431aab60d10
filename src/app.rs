//! Start-up and the application factory shared by `qms serve` and the tests: open the database and
//! the git store, reconcile the index, import the corpus on first start, make the first admin, and
//! build the actix `App` with every route and middleware.

use std::path::Path;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, Condition, DefaultHeaders, Logger};
use actix_web::{App, web};

use crate::config::Settings;
use crate::db::{Db, OrgDb};
use crate::domain::ErrorCode;
use crate::domain::Role;
use crate::domain::organisation::{FIRST_ORG, OrgKind, Organisation};
use crate::error::{AppError, AppResult};
use crate::http;
use crate::pages;
use crate::service::auth::{self, TokenKeys};
use crate::service::deployment::Deployment;
use crate::service::import::{Imported, import_tree};
use crate::service::ports::NewOrganisation;
use crate::service::reconcile::{Reconciled, reconcile};
use crate::service::users::{self, NewUser};
use crate::service::{DocumentCache, Services};
use crate::store::{GitStore, StoreCaches};

/// What every handler can reach. A handler acts on one organisation's services, which it gets
/// from the deployment through the current user's scope (`web_common::CurrentUser`).
pub struct AppState {
    pub deployment: Arc<Deployment>,
    pub settings: Settings,
    pub i18n: pages::i18n::Catalog,
}

impl AppState {
    /// The first organisation's services: what a single-organisation deployment is, for the
    /// console, the tests and the benchmarks. A handler takes its organisation's services from
    /// `CurrentUser`, never from here.
    pub fn first_org(&self) -> Arc<Services> {
        self.deployment.services(FIRST_ORG).expect("the first organisation is created when the deployment opens")
    }
}

/// What start-up did, for the console.
pub struct Startup {
    pub state: web::Data<AppState>,
    pub reconciled: Reconciled,
    pub imported: Option<Imported>,
    /// The first admin's username and, when generated, the password to show once.
    pub first_admin: Option<(String, Option<String>)>,
}

fn signing_secret(settings: &Settings) -> AppResult<Vec<u8>> {
    if let Some(secret) = settings.jwt_secret.as_deref().filter(|s| s.len() >= 32) {
        return Ok(secret.as_bytes().to_vec());
    }
    if settings.jwt_secret.is_some() {
        return Err(AppError::bad_request(ErrorCode::WeakSecret, "QMS_JWT_SECRET phải dài ít nhất 32 ký tự."));
    }
    let path = settings.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 32
    {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    let secret: String = (0..2).map(|_| auth::generate_password()).collect::<Vec<_>>().join("");
    write_private(&path, &secret).map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// Creates the data directory readable by the service's own account only (0700): it holds the
/// database with password hashes, the signing secret and the git store. A directory that exists
/// already keeps the permissions its operator gave it, with a warning if others may read it.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir)?.permissions().mode();
            if mode & 0o077 != 0 {
                log::warn!(
                    "data directory {} is readable by other accounts (mode {:o}); it holds password hashes: chmod 700 it",
                    dir.display(),
                    mode & 0o777
                );
            }
        }
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes a file the service created readable and writable by its own account only (0600).
fn restrict_to_owner(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if file.exists() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// What every organisation's services share: the deployment's keys, throttle and caches.
struct Shared {
    db: Db,
    search: Arc<crate::search::TantivySearch>,
    tokens: Arc<TokenKeys>,
    documents: DocumentCache,
    reading: crate::service::reading::ReadingCache,
    stores: StoreCaches,
    address_throttle: Arc<crate::service::address_throttle::AddressThrottle>,
    sessions: crate::service::sessions::SessionCache,
}

impl Shared {
    /// One organisation's services: the database and the search index as it sees them, and its
    /// own git store.
    fn services(&self, settings: &Settings, org: &Organisation) -> AppResult<Services> {
        let db = Arc::new(OrgDb::new(self.db.clone(), org.id));
        let path = settings.store_path_of(org);
        if let Some(parent) = path.parent() {
            create_private_dir(parent).map_err(|e| AppError::internal(format!("{}: {e}", parent.display())))?;
        }
        Ok(Services {
            org: Arc::new(org.clone()),
            index: db.clone(),
            users: db.clone(),
            events: db.clone(),
            changes: db.clone(),
            nonconformities: db.clone(),
            audits: db,
            search: Arc::new(self.search.scoped(org.id)),
            reference: Default::default(),
            reading: self.reading.clone(),
            store: Arc::new(GitStore::open_sharing(&path, self.stores.clone())?),
            documents: self.documents.clone(),
            tokens: self.tokens.clone(),
            address_throttle: self.address_throttle.clone(),
            sessions: self.sessions.clone(),
            publishing: Default::default(),
        })
    }
}

/// Opens the database (running migrations), the search index and the signing keys, and reads
/// the organisations; each organisation's store is opened with its services.
pub fn open(settings: &Settings) -> AppResult<Arc<Deployment>> {
    create_private_dir(&settings.data_dir)
        .map_err(|e| AppError::internal(format!("{}: {e}", settings.data_dir.display())))?;
    let db = Db::open(&settings.database_url())?;
    if !settings.database_url().starts_with("postgres") {
        // The database holds password hashes: readable by the service's own account only.
        for suffix in ["", "-wal", "-shm"] {
            let url = settings.database_url();
            let file = format!("{}{suffix}", url.strip_prefix("sqlite://").unwrap_or(&url));
            if let Err(e) = restrict_to_owner(Path::new(&file)) {
                log::warn!("could not make {file} readable by this account only: {e}");
            }
        }
    }
    let shared = Shared {
        db: db.clone(),
        search: Arc::new(crate::search::TantivySearch::open(&settings.data_dir.join("search"))?),
        tokens: Arc::new(TokenKeys::new(&signing_secret(settings)?, settings.token_minutes)),
        documents: DocumentCache::default(),
        reading: Default::default(),
        stores: StoreCaches::default(),
        address_throttle: Default::default(),
        sessions: Default::default(),
    };
    let for_services = settings.clone();
    let open_org = move |org: &Organisation| shared.services(&for_services, org);
    let deployment = Deployment::load(Arc::new(db), Box::new(open_org))?;
    // The first start (or the first after an upgrade from a release without organisations)
    // creates the first organisation from the settings; rows already stored belong to it.
    if deployment.first().is_none()
        && let Err(e) = deployment.create_first(first_organisation(settings)?)
    {
        // Another instance starting on the same empty database made it first.
        if deployment.first().is_none() {
            return Err(e);
        }
    }
    Ok(Arc::new(deployment))
}

/// The first organisation as the settings describe it.
fn first_organisation(settings: &Settings) -> AppResult<NewOrganisation> {
    let kind = OrgKind::parse(&settings.org_kind).ok_or_else(|| {
        AppError::bad_request(ErrorCode::InvalidOrgKind, "QMS_ORG_KIND phải là province, commune, ward hoặc other.")
    })?;
    Ok(NewOrganisation { slug: settings.org_slug.clone(), name: settings.org_name.clone(), kind, parent: None })
}

/// Opens everything and brings each organisation's index up to date with its git store.
pub fn start(settings: Settings) -> AppResult<Startup> {
    let deployment = open(&settings)?;
    let first = deployment.services(FIRST_ORG)?;
    let first_start = first.store.head()?.is_none();
    let mut reconciled = Reconciled::default();
    let all = deployment.open_all()?;
    for services in &all {
        reconciled.commits_read += reconcile(services)?.commits_read;
    }
    let first_admin = ensure_admin(&first, settings.admin_password.as_deref())?;
    let imported = if first_start && settings.procedures_dir.is_dir() {
        Some(import_tree(&first, &settings.procedures_dir, "admin")?)
    } else {
        None
    };
    for services in &all {
        crate::service::search::ensure_complete(services, reconciled.commits_read > 0)?;
    }
    deployment.complete_on_open();
    let state = web::Data::new(AppState { deployment, settings, i18n: pages::i18n::Catalog::load() });
    Ok(Startup { state, reconciled, imported, first_admin })
}

fn ensure_admin(services: &Services, password: Option<&str>) -> AppResult<Option<(String, Option<String>)>> {
    if services.users.count_users()? > 0 {
        return Ok(None);
    }
    let generated = password.is_none().then(auth::generate_password);
    let password = password.or(generated.as_deref()).unwrap_or_default().to_owned();
    if password.is_empty() {
        return Err(AppError::bad_request(ErrorCode::EmptyAdminPassword, "QMS_ADMIN_PASSWORD không được để trống."));
    }
    let first = NewUser {
        username: "admin".into(),
        display_name: "Quản trị hệ thống".into(),
        password,
        roles: vec![Role::Admin],
        fields: vec![],
    };
    users::insert(services, "qms", first)?;
    Ok(Some(("admin".into(), generated)))
}

/// The application: routes, limits, error pages and security headers.
pub fn build(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.settings.max_body_bytes;
    App::new()
        .app_data(state)
        .app_data(web::JsonConfig::default().limit(limit).error_handler(|e, _| http::error::json_error(e).into()))
        .app_data(web::FormConfig::default().limit(limit).error_handler(|e, _| http::error::form_error(e).into()))
        .app_data(web::PayloadConfig::default().limit(limit))
        .app_data(web::QueryConfig::default().error_handler(|e, _| http::error::query_error(e).into()))
        .app_data(web::PathConfig::default().error_handler(|e, _| http::error::path_error(e).into()))
        .configure(http::configure)
        .configure(pages::configure)
        .default_service(web::to(pages::not_found))
        // `/api/v1/orgs/{org}/…` and `/o/{org}/…`: the same routes, acting on organisation {org};
        // a redirect they answer keeps the prefix.
        .wrap_fn(|mut req, srv| {
            crate::web_common::strip_org_path(&mut req);
            let answer = actix_web::dev::Service::call(srv, req);
            async move {
                let mut res = answer.await?;
                crate::web_common::keep_prefix_in_location(&mut res);
                Ok(res)
            }
        })
        .wrap(pages::errors::handlers())
        .wrap(Compress::default())
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "same-origin"))
                // Pages and API answers hold what one signed-in user may see: no shared or browser
                // cache keeps them (the back button on a shared desk computer after sign-out).
                // Static assets and the OpenAPI document set their own, public, caching.
                .add(("Cache-Control", "no-store"))
                .add((
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
                )),
        )
        // The access log costs a tenth of a page view even when nothing is printed (the logger
        // formats each request line up front), so it is left out when its level is off.
        .wrap(Condition::new(
            log::log_enabled!(target: "actix_web::middleware::logger", log::Level::Info),
            Logger::new("%a \"%r\" %s %b %Dms"),
        ))
}
