//! Benchmark for a 1,000-row 签到表 (sign-in sheet) in the bundled Noto Sans CJK SC, font
//! already loaded, against two anchors fed the same rows in the same run: Python reportlab with
//! WenQuanYi Micro Hei (`benches/sign_in_reportlab.py`), and LibreOffice converting the same
//! table from .xlsx to PDF.
//! Run: `cargo bench -p xinghe-ledger --bench sign_in`; the anchors need
//! `pip install reportlab`, `apt-get install -y fonts-wqy-microhei fonts-crosextra-carlito`
//! (Carlito stands in for Calibri, the unit of .xlsx column widths) and `soffice` (LibreOffice
//! Calc); a missing anchor is reported and skipped. Figures go in docs/benchmarks.md.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use xinghe_ledger::activities::print::{sign_in_sheet, ActivitySheet, SheetOptions, SheetPerson};
use xinghe_ledger::values::dates::NaiveDate;
use xinghe_ledger::values::phone::mask_phone;
use xinghe_ledger::Ledger;

const ROWS: usize = 1_000;
const RUNS: usize = 15;
const REPORTLAB_RUNS: usize = 5;
/// Each LibreOffice run starts an office suite: a few seconds apiece.
const LIBREOFFICE_RUNS: usize = 3;
const TARGET_TIME: Duration = Duration::from_millis(60);
const TARGET_BYTES: usize = 170 * 1024;
const HEADERS: [&str; 6] = ["序号", "姓名", "住址", "联系电话", "签到时间", "签名"];

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn kb(bytes: usize) -> String {
    format!("{:.0} KB", bytes as f64 / 1024.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// 1,000 residents of the demo community (real-looking names, rare characters included,
/// addresses and phones as the register keeps them).
fn sheet(dir: &Path) -> ActivitySheet {
    let mut ledger = Ledger::open(&dir.join("bench.db")).expect("open");
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    ledger.set_today(today);
    ledger.create_demo(400, 42).expect("demo");
    let roster = ledger.roster(None).expect("roster");
    let registered: Vec<SheetPerson> = roster
        .households
        .iter()
        .flat_map(|h| {
            h.members.iter().map(|m| SheetPerson {
                name: m.name.clone(),
                address: h.address.clone(),
                phone: m.phone.clone().or_else(|| h.phone.clone()),
            })
        })
        .take(ROWS)
        .collect();
    assert_eq!(registered.len(), ROWS, "the demo community is too small");
    ActivitySheet {
        community: roster.community_name,
        title: "社区居民健康讲座".into(),
        series: None,
        line: "银力量·离退休党员".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        start_time: "09:00".into(),
        end_time: "11:00".into(),
        place: "社区党群服务中心二楼活动室".into(),
        organiser: "周丽华".into(),
        registered,
        waitlist: Vec::new(),
    }
}

/// The rows as the anchors print them: number, name, address, masked phone.
fn printed_rows(sheet: &ActivitySheet, blank_rows: usize) -> Vec<[String; 4]> {
    let people = sheet.registered.iter().enumerate().map(|(i, p)| {
        [(i + 1).to_string(), p.name.clone(), p.address.clone(), p.phone.as_deref().map(mask_phone).unwrap_or_default()]
    });
    let blanks = (ROWS + 1..=ROWS + blank_rows).map(|n| [n.to_string(), String::new(), String::new(), String::new()]);
    people.chain(blanks).collect()
}

fn write_tsv(rows: &[[String; 4]], path: &Path) {
    let text: String = rows.iter().map(|r| r.join("\t") + "\n").collect();
    std::fs::write(path, text).expect("rows.tsv");
}

/// The same sign-in sheet as a workbook laid out for printing: A4 portrait, the same column
/// widths in millimetres, 10 mm rows, header row repeated, page N of M in the footer.
fn write_xlsx(sheet: &ActivitySheet, rows: &[[String; 4]], path: &Path) {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let cell = Format::new()
        .set_font_name("Noto Sans CJK SC")
        .set_font_size(9)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let wrap = cell.clone().set_text_wrap();
    let center = cell.clone().set_align(FormatAlign::Center);
    let head = center.clone().set_background_color("#E0E0E0");
    let title = Format::new().set_font_name("Noto Sans CJK SC").set_font_size(15).set_align(FormatAlign::Center);
    // Excel's width unit is a digit of the default font (Calibri, or the metric-compatible
    // Carlito): about 7 px plus 5 px of padding at 96 dpi. LibreOffice's columns still come out
    // a few per cent wider, so the sheet is also fitted to the page width, as an office would.
    for (c, mm) in [10.0, 26.0, 44.0, 28.0, 20.0, 58.0].iter().enumerate() {
        ws.set_column_width(c as u16, (mm * 96.0 / 25.4 - 5.0) / 7.0).expect("width");
    }
    ws.merge_range(0, 0, 0, 5, &format!("{} {} 签到表", sheet.community, sheet.title), &title).expect("title");
    let when = format!("日期：2026年12月1日 星期二　时间：09:00–11:00　地点：{}", sheet.place);
    ws.merge_range(1, 0, 1, 5, &when, &Format::new().set_font_name("Noto Sans CJK SC").set_font_size(8)).expect("when");
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head).expect("header");
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 3;
        ws.set_row_height(r, 28.35).expect("row height");
        ws.write_string_with_format(r, 0, &row[0], &center).expect("cell");
        ws.write_string_with_format(r, 1, &row[1], &wrap).expect("cell");
        ws.write_string_with_format(r, 2, &row[2], &wrap).expect("cell");
        ws.write_string_with_format(r, 3, &row[3], &center).expect("cell");
        ws.write_blank(r, 4, &cell).expect("cell");
        ws.write_blank(r, 5, &cell).expect("cell");
    }
    ws.set_paper_size(9).set_portrait().set_print_fit_to_pages(1, 0).set_margins(0.47, 0.47, 0.47, 0.47, 0.3, 0.3);
    ws.set_repeat_rows(2, 2).expect("repeat rows");
    ws.set_footer("&C第 &P 页 / 共 &N 页&R打印时间：2026-11-28 09:00");
    workbook.save(path).expect("xlsx");
}

/// Pages as poppler counts them; "?" without pdfinfo.
fn page_count(pdf: &Path) -> String {
    let info = Command::new("pdfinfo").arg(pdf).output().map(|o| String::from_utf8_lossy(&o.stdout).to_string());
    let pages = info.ok().and_then(|i| i.lines().find_map(|l| l.strip_prefix("Pages:").map(|p| p.trim().to_string())));
    pages.unwrap_or_else(|| "?".into())
}

struct Anchor {
    name: &'static str,
    runs: usize,
    time: Duration,
    bytes: usize,
    note: String,
}

/// reportlab times its own runs, with the font registered before the clock starts.
fn reportlab(dir: &Path, tsv: &Path) -> Result<Anchor, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sign_in_reportlab.py");
    let out = dir.join("reportlab.pdf");
    let output = Command::new("python3")
        .arg(&script)
        .arg(tsv)
        .arg(&out)
        .arg(REPORTLAB_RUNS.to_string())
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or_default().to_string());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut fields = stdout.split_whitespace();
    let seconds: f64 = fields.next().and_then(|s| s.parse().ok()).ok_or("no time printed")?;
    let pages = fields.next().unwrap_or("?").to_string();
    Ok(Anchor {
        name: "Python reportlab + WenQuanYi Micro Hei",
        runs: REPORTLAB_RUNS,
        time: Duration::from_secs_f64(seconds),
        bytes: std::fs::metadata(&out).map_err(|e| e.to_string())?.len() as usize,
        note: format!("{pages} pages"),
    })
}

/// soffice is timed from the outside: a conversion is one process. The first conversion
/// creates the profile directory and is not counted; a one-row workbook shows how much of a
/// conversion is the office suite starting.
fn libreoffice(dir: &Path, xlsx: &Path, one_row: &Path) -> Result<Anchor, String> {
    let profile = dir.join("lo-profile");
    let out_dir = dir.join("lo-out");
    let convert = |file: &Path| -> Result<Duration, String> {
        let t = Instant::now();
        let output = Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}", profile.display()))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out_dir)
            .arg(file)
            .output()
            .map_err(|e| format!("soffice: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).to_string());
        }
        Ok(t.elapsed())
    };
    let first = convert(xlsx)?;
    let times = (0..LIBREOFFICE_RUNS).map(|_| convert(xlsx)).collect::<Result<Vec<_>, _>>()?;
    let startup = (0..LIBREOFFICE_RUNS).map(|_| convert(one_row)).collect::<Result<Vec<_>, _>>()?;
    let pdf = out_dir.join(xlsx.with_extension("pdf").file_name().expect("name"));
    let bytes = std::fs::read(&pdf).map_err(|e| e.to_string())?;
    let pages = page_count(&pdf);
    Ok(Anchor {
        name: "LibreOffice .xlsx → PDF (soffice --headless)",
        runs: LIBREOFFICE_RUNS,
        time: median(times),
        bytes: bytes.len(),
        note: format!(
            "{pages} pages; whole process, of which a one-row workbook takes {}; first run with a new profile {}",
            ms(median(startup)),
            ms(first)
        ),
    })
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sheet = sheet(dir.path());
    let options =
        SheetOptions::new(NaiveDate::from_ymd_opt(2026, 11, 28).expect("date").and_hms_opt(9, 0, 0).expect("time"));

    // The first print of a process parses the 16 MB font; the target is for later prints.
    let t = Instant::now();
    let mut pdf = sign_in_sheet(&sheet, &options).expect("render");
    let first = t.elapsed();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        pdf = sign_in_sheet(&sheet, &options).expect("render");
        times.push(t.elapsed());
    }
    let time = median(times.clone());
    let best = *times.iter().min().expect("runs");
    let fonts = pdf.bytes.windows(9).filter(|w| w == b"/FontFile").count();
    let subset = pdf.bytes.windows(8).any(|w| w == b"XHFAAA+N");
    std::fs::write(dir.path().join("xinghe.pdf"), &pdf.bytes).expect("write");

    let rows = printed_rows(&sheet, options.blank_rows);
    let tsv = dir.path().join("rows.tsv");
    write_tsv(&rows, &tsv);
    let xlsx = dir.path().join("sign-in.xlsx");
    write_xlsx(&sheet, &rows, &xlsx);
    let one_row = dir.path().join("one-row.xlsx");
    write_xlsx(&sheet, &rows[..1], &one_row);
    let anchors = [reportlab(dir.path(), &tsv), libreoffice(dir.path(), &xlsx, &one_row)];

    println!(
        "sign-in sheet: {ROWS} people + {} blank rows, {} pages, {fonts} embedded font(s), subset: {subset}\n",
        options.blank_rows, pdf.pages
    );
    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    println!("| measurement | runs | time | size | target | |");
    println!("|---|---|---|---|---|---|");
    println!("| Xinghe, first print of a process (font parse included) | 1 | {} | | | |", ms(first));
    println!(
        "| Xinghe, print (median; best {}) | {RUNS} | {} | {} | {} / {} | {} |",
        ms(best),
        ms(time),
        kb(pdf.bytes.len()),
        ms(TARGET_TIME),
        kb(TARGET_BYTES),
        verdict(time <= TARGET_TIME && pdf.bytes.len() <= TARGET_BYTES && fonts == 1 && subset)
    );
    for anchor in &anchors {
        match anchor {
            Ok(a) => println!(
                "| {} (median; {}) | {} | {} | {} | anchor | time {:.1}×, size {:.2}× Xinghe's |",
                a.name,
                a.note,
                a.runs,
                ms(a.time),
                kb(a.bytes),
                a.time.as_secs_f64() / time.as_secs_f64(),
                a.bytes as f64 / pdf.bytes.len() as f64
            ),
            Err(e) => println!("| anchor skipped: {e} | | | | | |"),
        }
    }
    if let Some(keep) = std::env::var_os("XINGHE_PRINT_DIR") {
        for name in ["xinghe.pdf", "reportlab.pdf", "lo-out/sign-in.pdf"] {
            let _ = std::fs::copy(dir.path().join(name), Path::new(&keep).join(name.replace('/', "-")));
        }
    }
}
