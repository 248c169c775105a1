//! Benchmarks for the register at office scale: a generated community of about 50,000
//! residents. Reports p50/p95 of search-as-you-type per kind of query, the one-off cost of
//! building the search index, and opening the file plus fetching the first household page.
//! Run: `cargo bench -p xinghe-ledger --bench search`; figures go in docs/benchmarks.md.

use std::time::{Duration, Instant};
use xinghe_ledger::register::model::HouseholdFilter;
use xinghe_ledger::Ledger;

const TARGET_RESIDENTS: u64 = 50_000;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn report(label: &str, mut samples: Vec<Duration>, target: Duration) {
    let p50 = percentile(&mut samples, 0.50);
    let p95 = percentile(&mut samples, 0.95);
    let verdict = if p95 <= target { "ok" } else { "OVER TARGET" };
    println!(
        "| {label} | {} | {:.3} ms | {:.3} ms | {:.0} ms | {verdict} |",
        samples.len(),
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        target.as_secs_f64() * 1e3
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let started = Instant::now();
    let mut ledger = Ledger::open(&path).expect("open");
    // About 2.95 residents per demo household.
    ledger.create_demo((TARGET_RESIDENTS as f64 / 2.95) as u32, 42).expect("demo");
    let stats = ledger.stats().expect("stats");
    println!(
        "community: {} households, {} residents (generated in {:.1} s)\n",
        stats.households,
        stats.residents,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    ledger.search("预热").expect("index");
    println!("search index build (once per change): {:.1} ms\n", started.elapsed().as_secs_f64() * 1e3);

    println!("| measurement | runs | p50 | p95 | target (p95) | |");
    println!("|---|---|---|---|---|---|");
    let queries: [(&str, &[&str]); 3] = [
        ("search: name (王, 张秀, 刘建国)", &["王", "张秀", "刘建国"]),
        ("search: 拼音 initials (zs, wxy, lj)", &["zs", "wxy", "lj"]),
        ("search: phone tail (5678, 0731, 1234)", &["5678", "0731", "1234"]),
    ];
    for (label, texts) in queries {
        let mut samples = Vec::new();
        for round in 0..300 {
            let query = texts[round % texts.len()];
            let t = Instant::now();
            let hits = ledger.search(query).expect("search");
            samples.push(t.elapsed());
            std::hint::black_box(hits);
        }
        report(label, samples, Duration::from_millis(5));
    }
    drop(ledger);

    let mut samples = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let ledger = Ledger::open(&path).expect("reopen");
        let page = ledger.list_households(&HouseholdFilter::default()).expect("first page");
        samples.push(t.elapsed());
        assert_eq!(page.rows.len(), 50);
    }
    report("open + first household page (50 rows)", samples, Duration::from_millis(50));

    let ledger = Ledger::open(&path).expect("reopen");
    let mut samples = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let page = ledger
            .list_households(&HouseholdFilter { aged_80_plus: true, offset: 200, ..Default::default() })
            .expect("filtered page");
        samples.push(t.elapsed());
        std::hint::black_box(page);
    }
    report("filtered page (80+, page 5)", samples, Duration::from_millis(50));
}
