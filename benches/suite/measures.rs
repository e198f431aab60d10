//! The in-process measurements.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use qms::app::Startup;
use qms::domain::audit::FindingType;
use qms::domain::change_request::ChangeKind;
use qms::service::change_control::{create, publish, workflow};
use qms::service::ports::{ProcedureFilter, SearchQuery};
use qms::service::quality::audits;
use qms::service::{Services, catalog};

use crate::setup::{PASSWORD_SUFFIX, actor};
use crate::stats::{Samples, ms, ratio};

/// Up to `limit` operational procedures, of one field or of all.
fn codes(s: &Services, field: Option<&str>, limit: i64) -> Vec<String> {
    let filter = ProcedureFilter { field: field.map(str::to_owned), limit, ..Default::default() };
    s.index
        .procedures(&filter)
        .unwrap()
        .0
        .into_iter()
        .filter(|p| p.kind.as_str() == "operational")
        .map(|p| p.code)
        .collect()
}

/// Rendering every procedure of the corpus, against Python-Markdown on the same files.
pub fn render_vs_python(started: &Startup, real: &Path) {
    let report = qms::check::check_tree(real).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bodies: Vec<String> = report
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let body = qms::markdown::parse_document(&f.text).unwrap().body;
            std::fs::write(dir.path().join(format!("{i}.md")), &body).unwrap();
            body
        })
        .collect();
    let rounds = 20;
    let clock = Instant::now();
    for _ in 0..rounds {
        for b in &bodies {
            std::hint::black_box(qms::markdown::render_html(b));
        }
    }
    let ours = clock.elapsed().as_secs_f64();
    let script = format!(
        "import glob,time,markdown\nfs=[open(f,encoding='utf-8').read() for f in glob.glob('{}/*.md')]\nt=time.perf_counter()\nfor _ in range({rounds}):\n  [markdown.markdown(x, extensions=['tables','footnotes']) for x in fs]\nprint(time.perf_counter()-t)",
        dir.path().display()
    );
    let python = Command::new("python3").args(["-c", &script]).output();
    match python
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<f64>().ok())
    {
        Some(theirs) => println!(
            "render {} files × {rounds} (parse, render, sanitise): qms {:.1} ms, Python-Markdown {:.1} ms (render only) → qms is {} faster",
            bodies.len(),
            ours * 1000.0,
            theirs * 1000.0,
            ratio(theirs, ours)
        ),
        None => println!("render: qms {:.1} ms; Python-Markdown not available (pip install markdown)", ours * 1000.0),
    }
    let _ = started;
}

/// 50 writers logging findings at once while readers read and search: no "database is locked".
pub fn concurrent_writers(started: &Startup) {
    let s = started.state.first_org().clone();
    let secretary = actor(&s, "thuky");
    let new = audits::NewAudit {
        title: "Đo tải ghi".into(),
        year: 2026,
        fields: vec!["HTI".into()],
        procedures: vec![],
        criteria: "TCVN ISO 9001:2015".into(),
        planned_start: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        planned_end: chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        lead_auditor: "danhgia".into(),
        auditors: vec![],
        independence_override: None,
    };
    let audit = audits::plan(&s, &secretary, new).unwrap();
    let auditor = actor(&s, "danhgia");
    audits::start(&s, &auditor, audit.id).unwrap();
    let (errors, locked, reads) =
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (s, stop, reads) = (s.clone(), stop.clone(), reads.clone());
            std::thread::spawn(move || {
                let q = SearchQuery { text: "khai sinh".into(), limit: 10, ..Default::default() };
                while !stop.load(Ordering::Relaxed) {
                    let _ = catalog::current(&s, "QT-HTI-01");
                    let _ = s.search.search(&q);
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let clock = Instant::now();
    let writers: Vec<_> = (0..50)
        .map(|w| {
            let (s, auditor, errors, locked) = (s.clone(), auditor.clone(), errors.clone(), locked.clone());
            let id = audit.id;
            std::thread::spawn(move || {
                for i in 0..5 {
                    let finding = audits::NewFinding {
                        procedure_code: "QT-HTI-01".into(),
                        clause: "8.5".into(),
                        kind: if i % 2 == 0 { FindingType::MinorNc } else { FindingType::Observation },
                        description: format!("Phát hiện {w}-{i}"),
                        evidence: String::new(),
                    };
                    if let Err(e) = audits::add_finding(&s, &auditor, id, finding) {
                        errors.fetch_add(1, Ordering::Relaxed);
                        if e.message.contains("locked") {
                            locked.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let elapsed = clock.elapsed();
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    let written = s.audits.findings(audit.id).unwrap().len();
    println!(
        "50 concurrent writers × 5 findings under 4 readers: {written} findings in {:.2} s ({:.0}/s), {} reads, {} errors, {} \"database is locked\"",
        elapsed.as_secs_f64(),
        written as f64 / elapsed.as_secs_f64(),
        reads.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        locked.load(Ordering::Relaxed)
    );
}

/// The resident set of process `pid` ("self" for this one), in MB; 0 when it cannot be read.
pub fn resident_mb(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse::<u64>().ok())
        .unwrap_or(0)
        / 1024
}

pub fn memory() {
    println!(
        "memory of this whole benchmark process after serving the real corpus (its own threads and corpora included): {} MB",
        resident_mb("self")
    );
}

/// An approved change of `code` whose content differs by `mark`; its id.
fn approved_change(s: &Services, code: &str, mark: usize) -> i32 {
    let (thuky, xemxet, lanhdao) = (actor(s, "thuky"), actor(s, "xemxet"), actor(s, "lanhdao"));
    let current = catalog::current(s, code).unwrap().document.markdown.clone();
    let edited = current.replacen("## 2. Phạm vi", &format!("Ghi chú đo kiểm số {mark}.\n\n## 2. Phạm vi"), 1);
    let new = create::NewChange {
        code: code.into(),
        reason: "Đo kiểm".into(),
        kind: ChangeKind::Revise,
        markdown: Some(edited),
    };
    let cr = create::create(s, &thuky, new).unwrap();
    workflow::submit(s, &thuky, cr.id, vec!["xemxet".into()], "lanhdao".into()).unwrap();
    workflow::review(s, &xemxet, cr.id, true, "", None).unwrap();
    workflow::approve(s, &lanhdao, cr.id, &format!("lanhdao{PASSWORD_SUFFIX}"), "", None).unwrap();
    cr.id
}

/// Rounds of publishes; each round prepares its approved changes first (untimed). Ten rounds, so
/// the spread of the per-round ratios is narrower than the few percent the target is about.
const PUBLISH_ROUNDS: usize = 10;
const PUBLISH_PER_ROUND: usize = 20;

/// Rounds of publishes into each of `stores` (a store and the codes it publishes): each round
/// prepares its approved changes first (untimed), then each store publishes its round in one
/// block, the store going first rotating from round to round. Every sample per store, and the
/// median of each of its rounds.
pub fn alternate_rounds(stores: &[(&Services, Vec<String>)]) -> (Vec<Samples>, Vec<Vec<f64>>) {
    let mut samples: Vec<Samples> = stores.iter().map(|_| Samples(vec![])).collect();
    let mut medians: Vec<Vec<f64>> = stores.iter().map(|_| vec![]).collect();
    for round in 0..PUBLISH_ROUNDS {
        let mark = |i: usize| round * PUBLISH_PER_ROUND + i;
        let ids: Vec<Vec<i32>> = stores
            .iter()
            .map(|(store, codes)| codes.iter().enumerate().map(|(i, c)| approved_change(store, c, mark(i))).collect())
            .collect();
        for k in (0..stores.len()).map(|k| (k + round) % stores.len()) {
            let block =
                Samples(ids[k].iter().enumerate().map(|(i, id)| publish_one(stores[k].0, *id, mark(i))).collect());
            medians[k].push(block.p50().as_secs_f64());
            samples[k].0.extend(block.0);
            // The block's search commit (after a quiet moment, in the background) is finished
            // before the next store's block starts, so it is not timed as the next store's work.
            stores[k].0.search.flush().unwrap();
        }
    }
    (samples, medians)
}

/// Each round's median of `ours` against the same round's of `theirs`: lowest, highest, median.
pub fn round_ratios(ours: &[f64], theirs: &[f64]) -> (f64, f64, f64) {
    let mut per_round: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a / b).collect();
    per_round.sort_by(f64::total_cmp);
    (per_round[0], per_round[per_round.len() - 1], per_round[per_round.len() / 2])
}

fn publish_one(s: &Services, id: i32, i: usize) -> Duration {
    let thuky = actor(s, "thuky");
    let input = publish::PublishInput { effective_date: None, summary: format!("Đo kiểm {i}") };
    let clock = Instant::now();
    publish::publish(s, &thuky, id, input).unwrap();
    clock.elapsed()
}

/// The operational procedures of the widest and of the narrowest field (by procedure count),
/// `limit` of each, with the two widths; one list when the store has one field width.
pub fn fields_by_width(s: &Services, limit: i64) -> Vec<(i64, Vec<String>)> {
    let counts = s.index.field_counts().unwrap();
    let widest = counts.iter().max_by_key(|(field, n)| (**n, std::cmp::Reverse(*field)));
    let narrowest = counts.iter().min_by_key(|(field, n)| (**n, *field));
    let mut picked: Vec<(&String, &i64)> = widest.into_iter().chain(narrowest).collect();
    picked.dedup_by_key(|(_, n)| **n);
    picked.into_iter().map(|(field, n)| (*n, codes(s, Some(field), limit))).collect()
}

/// Publishing a revision against `git commit` of the same change with the git command line, and
/// against publishing into `reference` (the smallest corpus): rounds of publishes into each
/// alternate, so both meet the machine in the same state and the ratio is not the machine's
/// drift. Within a round each store publishes in one block, as a server serving one store does:
/// switching stores at every publish made each one start with the other store's data in the CPU
/// caches, a cost no deployment pays. A commit rewrites the tree of the folder it changes, so
/// publishes go both into the widest field and into one as wide as the smallest corpus's: the
/// second tells the history's cost apart from the folder's.
pub fn publish_vs_git(started: &Startup, data: &Path, reference: Option<&Startup>) {
    let first = started.state.first_org();
    let s: &Services = &first;
    let limit = PUBLISH_PER_ROUND as i64;
    let (widths, mut stores): (Vec<i64>, Vec<(&Services, Vec<String>)>) =
        fields_by_width(s, limit).into_iter().map(|(n, codes)| (n, (s, codes))).unzip();
    let reference_services = reference.map(|r| r.state.first_org());
    let small_width = reference_services.as_ref().map(|rs| {
        let (width, codes) = fields_by_width(rs, limit).swap_remove(0);
        stores.push((rs, codes));
        width
    });
    let (samples, medians) = alternate_rounds(&stores);
    let targets = &stores[0].1;
    let ours = &samples[0];
    let work = tempfile::tempdir().unwrap();
    let clone = work.path().join("copy");
    let ok = Command::new("git")
        .args(["clone", "-q"])
        .arg(data.join("procedures.git"))
        .arg(&clone)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        println!("publish: qms p50 {}; git CLI not available", ms(ours.p50()));
        return;
    }
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(&clone).args(args).output().unwrap();
    git(&["config", "user.email", "bench@qms"]);
    git(&["config", "user.name", "bench"]);
    let theirs = Samples::collect(targets.len(), |i| {
        let code = &targets[i];
        let path = clone.join(format!("{}/{code}.md", code.split('-').nth(1).unwrap()));
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&format!("\nGhi chú git {i}.\n"));
        std::fs::write(&path, text).unwrap();
        git(&["commit", "-qam", &format!("{code}: đo kiểm {i}")]);
    });
    println!(
        "publish a revision (git commit + index + event + search) into a field of {} procedures, {} publishes: qms p50 {} p99 {}; git CLI commit of the same kind of change p50 {} → ratio {} (target ≤ 1.5×)",
        widths[0],
        ours.0.len(),
        ms(ours.p50()),
        ms(ours.p99()),
        ms(theirs.p50()),
        ratio(ours.p50().as_secs_f64(), theirs.p50().as_secs_f64())
    );
    let (Some(small_width), Some((small, here))) = (small_width, samples.split_last()) else { return };
    let small_medians = &medians[medians.len() - 1];
    for ((width, ours), rounds) in widths.iter().zip(here).zip(&medians).rev() {
        let what = if *width == small_width {
            "as wide as the smallest corpus's only field: target no slower"
        } else {
            "every commit rewrites its folder's tree, git's own too: this follows the folder's width, not the history"
        };
        let (low, high, median) = round_ratios(rounds, small_medians);
        println!(
            "publish into a field of {width} procedures against the smallest corpus, rounds alternating: p50 {} vs {} → {} ({what}); per round {:.2}× to {:.2}×, median {:.2}×",
            ms(ours.p50()),
            ms(small.p50()),
            ratio(ours.p50().as_secs_f64(), small.p50().as_secs_f64()),
            low,
            high,
            median
        );
    }
}

/// A procedure's history and a diff between two of its revisions.
pub fn history_and_diff(started: &Startup) {
    let s = &started.state.first_org();
    let all = codes(s, None, 500);
    let history = Samples::collect(2000, |i| {
        std::hint::black_box(catalog::revisions(s, &all[i % all.len()], 50, 0).unwrap());
    });
    // The procedure page lists every revision; it reads them once per change to the database and
    // keeps them in memory (`service::reading`), so this is the first view after a publish.
    let whole = Samples::collect(500, |i| {
        std::hint::black_box(s.index.revisions(&all[i % all.len()]).unwrap());
    });
    // The first revision against the current one: as far apart as the history goes.
    let revised: Vec<(String, i32)> = all
        .iter()
        .filter_map(|c| s.index.procedure(c).unwrap().filter(|p| p.revision > 1).map(|p| (p.code, p.revision)))
        .collect();
    let diff = Samples::collect(if revised.is_empty() { 0 } else { 500 }, |i| {
        let (code, current) = &revised[i % revised.len()];
        std::hint::black_box(catalog::diff(s, code, 1, *current).unwrap());
    });
    println!(
        "history of a procedure (its newest 50 revisions, the API's page): p50 {} p99 {} (target p99 < 5 ms)",
        ms(history.p50()),
        ms(history.p99())
    );
    println!(
        "every revision of a procedure (the procedure page's list, read once after each change): p50 {} p99 {}",
        ms(whole.p50()),
        ms(whole.p99())
    );
    println!("diff of the first and the current revision: p50 {} p99 {}", ms(diff.p50()), ms(diff.p99()));
}

pub fn search(started: &Startup) {
    let (with, without) = search_samples(&started.state.first_org(), 500);
    println!(
        "search with diacritics: p50 {} p99 {}; without: p50 {} p99 {} (target p99 < 20 ms)",
        ms(with.p50()),
        ms(with.p99()),
        ms(without.p50()),
        ms(without.p99())
    );
}

/// Five Vietnamese queries with their diacritics and the same without, `n` samples each.
pub fn search_samples(s: &Services, n: usize) -> (Samples, Samples) {
    let queries = [
        ("đăng ký khai sinh", "dang ky khai sinh"),
        ("chứng thực bản sao", "chung thuc ban sao"),
        ("đất đai", "dat dai"),
        ("hòa giải", "hoa giai"),
        ("khiếu nại", "khieu nai"),
    ];
    let run = |pick: fn(&(&str, &str)) -> String| {
        Samples::collect(n, |i| {
            let q = SearchQuery { text: pick(&queries[i % queries.len()]), limit: 20, ..Default::default() };
            std::hint::black_box(s.search.search(&q).unwrap());
        })
    };
    (run(|q| q.0.to_owned()), run(|q| q.1.to_owned()))
}
