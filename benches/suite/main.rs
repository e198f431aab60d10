//! The benchmark suite: `cargo bench --bench suite` (see BENCHMARKS.md). It prints every figure
//! beside its baseline measured in the same run, and the ratio.

mod corpus;
mod history;
mod measures;
mod province;
mod read_http;
mod setup;
mod stats;

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0) / 1024 / 1024)
        })
        .unwrap_or(0);
    format!("{cpu}, {cores} cores, {memory} GiB")
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter is not supported: the suite runs whole.
    let sizes: Vec<usize> = std::env::var("QMS_BENCH_SIZES")
        .unwrap_or_else(|_| "100,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("# qms benchmark suite\n\nmachine: {}\n", machine());
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("procedures");

    println!("## The real corpus (92 procedures)\n");
    let data = tempfile::tempdir().unwrap();
    let started = setup::start(data.path(), &real);
    // QMS_BENCH_ONLY=province: the province's figures and the single organisation's they are
    // compared with, nothing else.
    if std::env::var("QMS_BENCH_ONLY").as_deref() == Ok("province") {
        read_http::current_procedure_vs_nginx(&started);
        measures::search(&started);
        read_http::server_memory(&real);
        province::run(&real);
        return;
    }
    measures::render_vs_python(&started, &real);
    read_http::current_procedure_vs_nginx(&started);
    measures::concurrent_writers(&started);
    measures::memory();
    read_http::server_memory(&real);
    drop(started);
    province::run(&real);

    // The smallest generated corpus stays open: larger ones publish in step with it.
    let mut reference = None;
    for &n in &sizes {
        println!("\n## {n} procedures\n");
        let tree = tempfile::tempdir().unwrap();
        corpus::generate(&real, tree.path(), n);
        let data = tempfile::tempdir().unwrap();
        let clock = std::time::Instant::now();
        let started = setup::start(data.path(), tree.path());
        let imported = started.imported.as_ref().map_or(0, |i| i.procedures.len());
        println!("import: {imported} procedures as {imported} revisions in {:.1} s", clock.elapsed().as_secs_f64());
        // The import leaves gigabytes of files for the kernel to write back at 100,000; measure
        // after that, not while the disk is busy with it.
        let _ = std::process::Command::new("sync").status();
        measures::publish_vs_git(&started, data.path(), reference.as_ref().map(|(r, _, _)| r));
        measures::history_and_diff(&started);
        measures::search(&started);
        if reference.is_none() {
            reference = Some((started, tree, data));
        }
    }

    // The largest size again as revisions of the smallest corpus: the history alone grows.
    let (Some((reference, _, _)), Some(&revisions)) = (reference.as_ref(), sizes.iter().max()) else { return };
    if revisions <= corpus::NARROW_FIELD {
        return;
    }
    println!("\n## {} procedures, {revisions} revisions\n", corpus::NARROW_FIELD);
    let tree = tempfile::tempdir().unwrap();
    corpus::generate(&real, tree.path(), corpus::NARROW_FIELD);
    let data = tempfile::tempdir().unwrap();
    let started = setup::start(data.path(), tree.path());
    let clock = std::time::Instant::now();
    history::add_revisions(&started.state.first_org(), revisions - corpus::NARROW_FIELD);
    println!(
        "history: {} revisions added to {} procedures in {:.1} s",
        revisions - corpus::NARROW_FIELD,
        corpus::NARROW_FIELD,
        clock.elapsed().as_secs_f64()
    );
    let _ = std::process::Command::new("sync").status();
    measures::publish_vs_git(&started, data.path(), Some(reference));
    measures::history_and_diff(&started);
}
