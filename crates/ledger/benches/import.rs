//! Import benchmark: a generated 20,000-row register (.xlsx, as offices keep it) into an empty
//! database, against a Python openpyxl → sqlite3 script reading the same file in the same run.
//! Run: `cargo bench -p xinghe-ledger --bench import` (needs `pip install openpyxl` for the
//! anchor); figures go in docs/benchmarks.md.

use rust_xlsxwriter::Workbook;
use std::path::Path;
use std::time::Instant;
use xinghe_ledger::register::import::ImportOptions;
use xinghe_ledger::values::idcard::check_character;
use xinghe_ledger::Ledger;

const ROWS: u32 = 20_000;
const HEADERS: [&str; 12] = [
    "序号",
    "所属网格",
    "楼号",
    "单元",
    "门牌号",
    "姓名",
    "关系",
    "性别",
    "公民身份号码",
    "手机号码",
    "政治面貌",
    "人员类别",
];

fn generate(path: &Path) {
    let mut rng = fastrand::Rng::with_seed(7);
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "曹", "孔"];
    let given = ["建国", "秀英", "志刚", "桂英", "伟", "芳", "𠇔", "䶮", "堃", "喆", "丽", "强"];
    let relations = ["户主", "配偶", "子", "女", "孙子"];
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        let row = i + 1;
        let household = i / 3;
        let (building, unit, room) =
            (household / 24 + 1, household / 12 % 2 + 1, household % 12 / 2 * 100 + 101 + household % 2);
        let male = rng.bool();
        let first17 = format!(
            "430105{}{:02}{:02}{:03}",
            1930 + rng.u32(0..80),
            rng.u32(1..13),
            rng.u32(1..29),
            i % 500 * 2 + u32::from(male)
        );
        let id = format!("{first17}{}", check_character(first17.as_bytes()));
        let cells = [
            row.to_string(),
            format!("第{}网格", building / 10 + 1),
            format!("{building}栋"),
            format!("{unit}单元"),
            room.to_string(),
            format!("{}{}", surnames[rng.usize(..surnames.len())], given[rng.usize(..given.len())]),
            relations[(i % 3) as usize + usize::from(i % 3 == 2 && rng.bool())].to_string(),
            if male { "男" } else { "女" }.to_string(),
            id,
            format!("1{}{:09}", rng.u32(3..10), rng.u32(0..1_000_000_000)),
            if rng.u32(..10) == 0 { "中共党员" } else { "群众" }.to_string(),
            if rng.u32(..20) == 0 { "独居老人" } else { "" }.to_string(),
        ];
        for (c, value) in cells.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(row, c as u16, value).unwrap();
            }
        }
    }
    workbook.save(path).unwrap();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("register-20000.xlsx");
    generate(&file);
    println!("file: {ROWS} rows, {:.1} MB\n", std::fs::metadata(&file).unwrap().len() as f64 / 1e6);

    let mut xinghe = Vec::new();
    for run in 0..3 {
        let db = dir.path().join(format!("xinghe-{run}.db"));
        let started = Instant::now();
        let mut ledger = Ledger::open(&db).unwrap();
        let report = ledger.import_file(&file, &ImportOptions::default(), &mut |_| {}).unwrap();
        xinghe.push(started.elapsed().as_secs_f64());
        assert_eq!(
            report.residents_created + report.rejected.len() as u32,
            ROWS,
            "{:?}",
            &report.rejected[..3.min(report.rejected.len())]
        );
    }
    xinghe.sort_by(f64::total_cmp);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/import_openpyxl.py");
    let mut python = Vec::new();
    for run in 0..3 {
        let output = std::process::Command::new("python3")
            .arg(&script)
            .arg(&file)
            .arg(dir.path().join(format!("python-{run}.db")))
            .output()
            .expect("python3 runs");
        match String::from_utf8_lossy(&output.stdout).trim().parse::<f64>() {
            Ok(seconds) => python.push(seconds),
            Err(_) => {
                println!("python anchor failed (pip install openpyxl?): {}", String::from_utf8_lossy(&output.stderr))
            }
        }
    }
    python.sort_by(f64::total_cmp);

    println!("| measurement | runs | median | best | target |");
    println!("|---|---|---|---|---|");
    println!(
        "| Xinghe import (validate, households, one transaction) | 3 | {:.3} s | {:.3} s | < 1 s |",
        xinghe[1], xinghe[0]
    );
    if python.len() == 3 {
        println!(
            "| Python openpyxl → sqlite3 (no validation) | 3 | {:.3} s | {:.3} s | anchor |",
            python[1], python[0]
        );
        println!("\nratio (median): Xinghe takes {:.2}× the time of the Python script", xinghe[1] / python[1]);
    }
}
