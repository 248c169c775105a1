//! Benchmark for the printed resident roster (居民花名册) of a community of about 5,000
//! residents: reading the roster, laying out and rendering the PDF (the first print of a
//! process also parses the bundled 16 MB font), file size and embedded fonts.
//! Run: `cargo bench -p xinghe-ledger --bench roster`; figures go in docs/benchmarks.md.

use std::time::{Duration, Instant};
use xinghe_ledger::register::roster::{self, RosterOptions};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::Ledger;

const TARGET_RESIDENTS: f64 = 5_000.0;
const TARGET_TIME: Duration = Duration::from_secs(1);
const TARGET_BYTES: usize = 1_000_000;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ledger = Ledger::open(&dir.path().join("bench.db")).expect("open");
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    ledger.set_today(today);
    // About 2.95 residents per demo household.
    ledger.create_demo((TARGET_RESIDENTS / 2.95) as u32, 42).expect("demo");
    let options = RosterOptions { unmasked: false, printed_at: today.and_hms_opt(9, 0, 0).expect("time") };

    let mut reads = Vec::new();
    let mut renders = Vec::new();
    let mut printed = None;
    for _ in 0..6 {
        let t = Instant::now();
        let roster = ledger.roster(None).expect("roster");
        reads.push(t.elapsed());
        let t = Instant::now();
        let pdf = roster::render(&roster, &options).expect("render");
        renders.push(t.elapsed());
        printed = Some((roster, pdf));
    }
    let (roster, pdf) = printed.expect("printed");
    let first = reads[0] + renders[0];
    let warm = median(reads[1..].to_vec()) + median(renders[1..].to_vec());
    let fonts = pdf.bytes.windows(9).filter(|w| w == b"/FontFile").count();
    let subset = pdf.bytes.windows(8).any(|w| w == b"XHFAAA+N");

    println!(
        "roster: {} households, {} residents, {} pages, {:.0} KB, {fonts} embedded font(s), subset: {subset}\n",
        roster.households.len(),
        roster.residents(),
        pdf.pages,
        pdf.bytes.len() as f64 / 1024.0
    );
    println!("| measurement | runs | time | target | |");
    println!("|---|---|---|---|---|");
    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    println!("| read roster (SQL) | {} | {} | | |", reads.len() - 1, ms(median(reads[1..].to_vec())));
    println!(
        "| render PDF (layout, pages, subset font) | {} | {} | | |",
        renders.len() - 1,
        ms(median(renders[1..].to_vec()))
    );
    println!(
        "| first print of a process (font parse included) | 1 | {} | {} | {} |",
        ms(first),
        ms(TARGET_TIME),
        verdict(first <= TARGET_TIME)
    );
    println!(
        "| print, median | {} | {} | {} | {} |",
        renders.len() - 1,
        ms(warm),
        ms(TARGET_TIME),
        verdict(warm <= TARGET_TIME)
    );
    println!(
        "| file size | | {:.0} KB | {:.0} KB | {} |",
        pdf.bytes.len() as f64 / 1024.0,
        TARGET_BYTES as f64 / 1024.0,
        verdict(pdf.bytes.len() <= TARGET_BYTES && fonts == 1 && subset)
    );
}
