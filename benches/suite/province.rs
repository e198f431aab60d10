//! A province on one deployment: 150 organisations (the province and 149 communes) of the real
//! corpus's 92 procedures each, on SQLite and, when `QMS_BENCH_POSTGRES_URL` names a server, on
//! PostgreSQL. Each figure is measured beside the single-organisation deployment of the same
//! run: reading a page (against nginx, as for one organisation), publishing (rounds alternating
//! with the single store), search, the resident memory of `qms serve`, and the province's home
//! page listing its units.

use std::path::Path;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use qms::app::{self, Startup};
use qms::config::Settings;
use qms::domain::organisation::{FIRST_ORG, OrgKind};
use qms::service::Services;
use qms::service::organisations::{self, Corpus};
use qms::service::ports::NewOrganisation;
use qms::service::users::Operator;

use crate::measures::{alternate_rounds, fields_by_width, round_ratios, search_samples};
use crate::stats::{Samples, ms, ratio};

const ADMIN_PASSWORD: &str = "quan-tri-do-kiem-1";
/// The commune whose staff reads and whose secretary publishes: one in the middle of the tree.
fn measured_slug() -> String {
    format!("xa-{:03}", organisations() / 2)
}

fn organisations() -> usize {
    std::env::var("QMS_BENCH_ORGS").ok().and_then(|n| n.parse().ok()).unwrap_or(150).max(2)
}

/// A new database on the PostgreSQL server `admin` names; its URL.
fn fresh_postgres(admin: &str, what: &str) -> String {
    let name = format!("qms_bench_{what}_{}", std::process::id());
    let mut conn = PgConnection::establish(admin).expect("connect to PostgreSQL");
    // One statement each: PostgreSQL runs neither inside a transaction, which a batch is.
    conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).expect("drop database");
    conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("URL with a database");
    format!("{base}/{name}")
}

/// The province and its communes, each with the real corpus; the bench accounts in `MEASURED`.
fn build(data: &Path, real: &Path, database_url: Option<String>, count: usize) -> Startup {
    let settings = Settings {
        data_dir: data.to_path_buf(),
        procedures_dir: real.to_path_buf(),
        admin_password: Some(ADMIN_PASSWORD.into()),
        database_url,
        org_slug: "hue".into(),
        org_name: "Thành phố Huế".into(),
        org_kind: "province".into(),
        ..Settings::default()
    };
    let clock = Instant::now();
    let started = app::start(settings).expect("start-up");
    let deployment = &started.state.deployment;
    for i in 1..count {
        let new = NewOrganisation {
            slug: format!("xa-{i:03}"),
            name: format!("Ủy ban nhân dân xã số {i}"),
            kind: OrgKind::Commune,
            parent: Some(FIRST_ORG),
        };
        organisations::create(deployment, Operator::CommandLine, new, Corpus::Shipped, real).expect("a commune");
    }
    println!(
        "{count} organisations × {} procedures created and imported in {:.0} s",
        started.imported.as_ref().map_or(0, |i| i.procedures.len()),
        clock.elapsed().as_secs_f64()
    );
    crate::setup::accounts(&measured(&started));
    started
}

fn measured(started: &Startup) -> std::sync::Arc<Services> {
    let deployment = &started.state.deployment;
    let org = deployment.by_slug(&measured_slug()).expect("the measured commune");
    deployment.services(org.id).expect("its services")
}

/// Publishing into a commune of the province against publishing into the single organisation's
/// store, rounds alternating.
fn publish(started: &Startup, single: &Startup) {
    let (commune, alone) = (measured(started), single.state.first_org());
    let pick = |s: &Services| fields_by_width(s, 20).swap_remove(0).1;
    let stores: [(&Services, Vec<String>); 2] = [(&commune, pick(&commune)), (&alone, pick(&alone))];
    let (samples, medians) = alternate_rounds(&stores);
    let (low, high, median) = round_ratios(&medians[0], &medians[1]);
    println!(
        "publish into a commune of the province: p50 {} p99 {}; into the single organisation, rounds alternating: p50 {} → {} (per round {low:.2}× to {high:.2}×, median {median:.2}×; target ≤ 1.2×)",
        ms(samples[0].p50()),
        ms(samples[0].p99()),
        ms(samples[1].p50()),
        ratio(samples[0].p50().as_secs_f64(), samples[1].p50().as_secs_f64()),
    );
}

/// The same queries in a commune of the province and in the single organisation, taken in turn
/// (ten rounds of each), so both meet the machine in the same state.
fn search(started: &Startup, single: &Startup) {
    let (commune, alone) = (measured(started), single.state.first_org());
    let (mut ours, mut theirs) = (Samples(vec![]), Samples(vec![]));
    for _ in 0..10 {
        for (samples, s) in [(&mut ours, &commune), (&mut theirs, &alone)] {
            let (with, without) = search_samples(s, 50);
            samples.0.extend(with.0.into_iter().chain(without.0));
        }
    }
    println!(
        "search in a commune of the province (one index for every organisation, filtered by it): p50 {} p99 {}; the single organisation, in turn: p50 {} p99 {} → p99 {} (target ≤ 1.2×)",
        ms(ours.p50()),
        ms(ours.p99()),
        ms(theirs.p50()),
        ms(theirs.p99()),
        ratio(ours.p99().as_secs_f64(), theirs.p99().as_secs_f64())
    );
}

/// The province's home page, signed in as its admin: every unit with its figures.
fn province_home(started: &Startup) {
    let (base, handle) = crate::read_http::serve(started);
    let token = crate::read_http::sign_in(&base, "admin", ADMIN_PASSWORD);
    let get = |path: &str| {
        ureq::get(&format!("{base}{path}"))
            .header("Cookie", &format!("qms_token={token}"))
            .call()
            .expect("an answer")
            .body_mut()
            .read_to_string()
            .expect("a body")
    };
    let units = get("/api/v1/units");
    let listed = serde_json::from_str::<serde_json::Value>(&units).map_or(0, |v| v["total"].as_i64().unwrap_or(0));
    let page = Samples::collect(200, |_| {
        std::hint::black_box(get("/"));
    });
    let api = Samples::collect(200, |_| {
        std::hint::black_box(get("/api/v1/units"));
    });
    actix_web::rt::System::new().block_on(handle.stop(true));
    println!(
        "the province's home page listing its {listed} units with their figures: p50 {} p99 {}; GET /api/v1/units: p50 {} p99 {} (target < 100 ms)",
        ms(page.p50()),
        ms(page.p99()),
        ms(api.p50()),
        ms(api.p99())
    );
}

/// The release binary on a deployment's data (`what` names it), a commune's staff reading their
/// page.
fn memory(what: &str, data: &Path, database_url: Option<&str>) {
    let mut env = vec![("QMS_PROCEDURES_DIR", "/nonexistent".to_owned())];
    if let Some(url) = database_url {
        env.push(("QMS_DATABASE_URL", url.to_owned()));
    }
    let password = format!("canbo{}", crate::setup::PASSWORD_SUFFIX);
    match crate::read_http::served_memory(data, &env, "canbo", &password) {
        Ok((rps, rss)) => {
            println!("memory of `qms serve` serving {what} (a page at {rps:.0} req/s for 5 s): {rss} MB resident")
        }
        Err(why) => println!("memory of `qms serve` serving {what}: not measured, {why}"),
    }
}

/// Every province figure on one backend, beside a single organisation of the real corpus on the
/// same backend.
fn on(backend: &str, real: &Path, database_url: Option<String>, single_url: Option<String>) {
    println!("\n## A province: {} organisations × 92 procedures, {backend}\n", organisations());
    let single_data = tempfile::tempdir().unwrap();
    let single = crate::setup::start_on(single_data.path(), real, single_url.clone());
    let data = tempfile::tempdir().unwrap();
    let started = build(data.path(), real, database_url.clone(), organisations());
    let _ = std::process::Command::new("sync").status();
    print!("the single organisation, {backend}: ");
    crate::read_http::current_procedure_vs_nginx(&single);
    print!("a commune of the province: ");
    crate::read_http::current_procedure_vs_nginx(&started);
    publish(&started, &single);
    search(&started, &single);
    province_home(&started);
    // The binary opens the same data directory: this process lets go of it (the search index's
    // writer lock) first.
    drop(started);
    memory(&format!("the province's {} organisations", organisations()), data.path(), database_url.as_deref());
    drop(single);
    memory("the single organisation (target: the province ≤ 1.2× this)", single_data.path(), single_url.as_deref());
}

pub fn run(real: &Path) {
    on("SQLite", real, None, None);
    match std::env::var("QMS_BENCH_POSTGRES_URL") {
        Ok(admin) => {
            let (province, single) = (fresh_postgres(&admin, "province"), fresh_postgres(&admin, "single"));
            on("PostgreSQL", real, Some(province), Some(single))
        }
        Err(_) => println!("\nPostgreSQL: not measured (set QMS_BENCH_POSTGRES_URL=postgres://user:pass@host/db)"),
    }
}
