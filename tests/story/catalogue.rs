//! The catalogue of bad input in docs/reliability.md, produced by running every case: files at
//! the importer, text at the forms (the core calls the app's commands make), databases and
//! folders at `xinghe-cli`. Each row records the input, where it entered and exactly what the
//! user sees. Every case also checks the promise: no panic, and a refusal changes nothing.
//!
//! `cargo test -p xinghe-cli --test story -- catalogue:: --nocapture` prints the table
//! and writes it to `target/tmp/reliability-catalogue.md` (or to `$XINGHE_CATALOGUE`).

use crate::support::hostile_files::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xinghe_formats::table::MAX_ROWS;
use xinghe_ledger::activities::ActivityInput;
use xinghe_ledger::hours::HourEntryInput;
use xinghe_ledger::register::import::ImportReport;
use xinghe_ledger::register::model::{HouseholdInput, ResidentInput};
use xinghe_ledger::volunteers::{OrganisationInput, VolunteerInput};
use xinghe_ledger::Error;

struct Catalogue {
    rows: Vec<(String, &'static str, String)>,
    files: tempfile::TempDir,
}

impl Catalogue {
    fn add(&mut self, input: impl Into<String>, place: &'static str, outcome: impl Into<String>) {
        let clean = |text: String| {
            let dir = self.files.path().display().to_string();
            let text = text.replace(&format!("{dir}/"), "").replace(&dir, "");
            // Temporary folders of the office fixtures and of the CLI runs.
            let text = regex_lite::Regex::new(r"/tmp/\.tmp\w+/").unwrap().replace_all(&text, "").into_owned();
            let text = regex_lite::Regex::new(r"/tmp/\.tmp\w+").unwrap().replace_all(&text, "…").into_owned();
            text.replace('|', "\\|").replace('\n', " ⏎ ")
        };
        self.rows.push((clean(input.into()), place, clean(outcome.into())));
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.files.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Imports `file` into a copy of the demo register (checking that a refusal changes
    /// nothing) and records what the import page shows.
    fn import(&mut self, input: &str, file: &Path) {
        let mut office = Office::new();
        let outcome = describe_import(office.import(file));
        self.add(input, "import", outcome);
    }

    fn import_bytes(&mut self, input: &str, name: &str, bytes: &[u8]) {
        let file = self.file(name, bytes);
        self.import(input, &file);
    }

    /// A form's outcome; `read_back`: the saved value was read back and compared here (the
    /// other kinds are read back in exact_text.rs).
    fn form(&mut self, input: &str, result: Result<i64, Error>, read_back: bool) {
        let outcome = match result {
            Ok(_) if read_back => "saved; read back exactly as typed".to_string(),
            Ok(_) => "saved".to_string(),
            Err(e) => format!("refused, nothing saved: {e}"),
        };
        self.add(input, "form", outcome);
    }

    fn cli(&mut self, input: &str, place: &'static str, output: Output) {
        self.add(input, place, describe_output(&output));
    }
}

fn describe_import(result: Result<ImportReport, Error>) -> String {
    let report = match result {
        Err(e) => return format!("file refused, nothing written: {e}"),
        Ok(report) => report,
    };
    let mut outcome = format!("imported {}", report.residents_created + report.residents_updated);
    if !report.rejected.is_empty() {
        let reasons: Vec<String> =
            report.rejected.iter().map(|i| format!("第 {} 行【{}】{}", i.row, i.column, i.reason)).collect();
        outcome += &format!("; {} row(s) refused: {}", report.rejected_rows.len(), reasons.join("；"));
    }
    outcome
}

fn describe_output(output: &Output) -> String {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim().to_string();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    let shown: Vec<String> = [stdout, stderr].into_iter().filter(|s| !s.is_empty()).collect();
    format!("exit {}: {}", output.status.code().map_or("(signal)".into(), |c| c.to_string()), shown.join(" ⏎ "))
}

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinghe-cli")).arg("--db").arg(db).args(args).output().unwrap()
}

/// Runs `script` with `sh` in a private user and mount namespace, where a tiny tmpfs or a
/// read-only bind mount needs no privileges. `None` where the system does not allow it.
fn in_namespace(script: &str) -> Option<Output> {
    let probe = Command::new("unshare").args(["-rm", "true"]).output().ok()?;
    if !probe.status.success() {
        return None;
    }
    Command::new("unshare").args(["-rm", "sh", "-c", script]).env("CLI", env!("CARGO_BIN_EXE_xinghe-cli")).output().ok()
}

fn demo_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    assert!(cli(&db, &["demo", "--households", "100"]).status.success());
    db
}

#[test]
fn the_catalogue_of_bad_input() {
    let mut c = Catalogue { rows: Vec::new(), files: tempfile::tempdir().unwrap() };
    import_cases(&mut c);
    form_cases(&mut c);
    login_cases(&mut c);
    database_cases(&mut c);
    output_cases(&mut c);
    password_cases(&mut c);
    let mut table = String::from("| # | input | where | what the user sees / what happens |\n|---|---|---|---|\n");
    for (i, (input, place, outcome)) in c.rows.iter().enumerate() {
        table += &format!("| {} | {input} | {place} | {outcome} |\n", i + 1);
    }
    println!("{table}");
    let out = std::env::var_os("XINGHE_CATALOGUE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("reliability-catalogue.md"));
    std::fs::write(&out, &table).unwrap();
    assert!(c.rows.len() >= 50, "{} cases", c.rows.len());
    assert!(c.rows.iter().all(|(_, _, outcome)| !outcome.contains("panicked")), "no case panics");
}

fn import_cases(c: &mut Catalogue) {
    let rows = register(5);
    let csv = csv_text(&rows);
    let xlsx = c.files.path().join("good.xlsx");
    write_xlsx(&xlsx, &rows);
    let xlsx_bytes = std::fs::read(&xlsx).unwrap();

    // Files that are not what their name says.
    c.import_bytes("an empty file named 名单.xlsx (0 bytes)", "空.xlsx", b"");
    c.import_bytes("an empty file named 名单.csv", "空.csv", b"");
    c.import_bytes("a PDF renamed 报表.xlsx", "报表.xlsx", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
    c.import_bytes("a JPEG photo renamed 照片.xlsx", "照片.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01");
    c.import_bytes("a JPEG photo renamed 照片.ods", "照片.ods", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01");
    c.import_bytes(
        "a web page (HTML table) saved as 名单.xls, as some systems export",
        "系统导出.xls",
        "<html><body><table><tr><td>姓名</td></tr></table></body></html>".as_bytes(),
    );
    let docx = c.files.path().join("通知.xlsx");
    write_zip(&docx, &[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
    c.import("a Word document renamed 通知.xlsx", &docx);
    let photos = c.files.path().join("照片包.xlsx");
    write_zip(&photos, &[("IMG_0001.jpg", b"\xff\xd8\xff")]);
    c.import("a zip of photos renamed 照片包.xlsx", &photos);
    c.import_bytes("a real .xlsx renamed 名单.xls", "名单.xls", &xlsx_bytes);
    c.import_bytes("a real .xlsx renamed 名单.csv", "名单.csv", &xlsx_bytes);
    c.import_bytes("a CSV renamed 名单.xlsx", "名单（csv）.xlsx", csv.as_bytes());
    c.import_bytes(
        "tab-separated GBK text named 系统导出.xls",
        "系统导出（文本）.xls",
        &encode(&csv.replace(',', "\t"), Encoding::Gb18030),
    );
    c.import_bytes(
        "4 KB of random bytes named 名单.xlsx",
        "随机.xlsx",
        &(0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<_>>(),
    );
    c.import_bytes("random bytes behind a zip signature (PK\\x03\\x04…) named 名单.xlsx", "假zip.xlsx", &{
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
        bytes
    });
    c.import_bytes("random bytes behind an OLE signature named 名单.xls", "假xls.xls", &{
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        bytes.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
        bytes
    });
    let folder = c.files.path().join("文件夹.xlsx");
    std::fs::create_dir(&folder).unwrap();
    c.import("a folder named 文件夹.xlsx", &folder);
    c.import("a file that was deleted after it was chosen", &c.files.path().join("不存在.xlsx"));

    // Damaged and cut short.
    c.import_bytes("名单.xlsx cut to half its length", "半个.xlsx", &xlsx_bytes[..xlsx_bytes.len() / 2]);
    c.import_bytes("名单.xlsx missing its last 10 bytes", "少10字节.xlsx", &xlsx_bytes[..xlsx_bytes.len() - 10]);
    let mut flipped = xlsx_bytes.clone();
    let (start, length) = {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx_bytes)).unwrap();
        let sheet = zip.by_name("xl/worksheets/sheet1.xml").unwrap();
        (sheet.data_start().unwrap() as usize, sheet.compressed_size() as usize)
    };
    let middle = start + length / 2;
    flipped[middle..middle + 16].fill(0xAA);
    c.import_bytes("名单.xlsx with 16 bytes overwritten inside the compressed sheet", "损坏.xlsx", &flipped);
    let ods = c.files.path().join("good.ods");
    write_ods(&ods, &rows);
    let ods_bytes = std::fs::read(&ods).unwrap();
    c.import_bytes("名单.ods cut to half its length", "半个.ods", &ods_bytes[..ods_bytes.len() / 2]);
    let filled = c.files.path().join("填充到底.ods");
    write_ods_table(
        &filled,
        &format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1048575">{}</table:table-row>"#,
            HEADER.iter().map(|h| ods_cell(h, 1)).collect::<String>(),
            ods_cell("浏河社区", 1)
        ),
    );
    c.import("an .ods with 浏河社区 filled down to row 1,048,576 (stored once with a repeat count)", &filled);
    if let Some(xls) = libreoffice_xls(&xlsx, c.files.path()) {
        let xls_bytes = std::fs::read(&xls).unwrap();
        c.import_bytes(
            "名单.xls (saved by LibreOffice) cut to half its length",
            "半个.xls",
            &xls_bytes[..xls_bytes.len() / 2],
        );
    }
    let mut cut_csv = csv.as_bytes().to_vec();
    cut_csv.truncate(cut_csv.len() - 20);
    c.import_bytes("名单.csv cut in the middle of its last row", "半行.csv", &cut_csv);

    // Size.
    let big = c.files.path().join("超大.csv");
    std::fs::File::create(&big).unwrap().set_len(101 * 1024 * 1024).unwrap();
    c.import("a 101 MB file named 超大.csv", &big);
    let over = c.files.path().join("十万零一行.csv");
    write_csv_register(&over, MAX_ROWS);
    c.import("a CSV of 100,001 rows (header + 100,000 people; the limit is 100,000 rows)", &over);
    let over_xlsx = c.files.path().join("十万零一行.xlsx");
    write_xlsx_register(&over_xlsx, MAX_ROWS);
    c.import("an .xlsx of 100,001 rows", &over_xlsx);
    let stray = c.files.path().join("远处有值.xlsx");
    write_raw_xlsx(&stray, |out| {
        for (r, cells) in [(0u32, HEADER.map(String::from).to_vec()), (1, person(1)), (1_048_575, vec!["合计".into()])]
        {
            write!(out, r#"<row r="{}">"#, r + 1).unwrap();
            for (col, text) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                out.write_all(cell_xml(r, col as u32, &text_cell(text)).as_bytes()).unwrap();
            }
            out.write_all(b"</row>").unwrap();
        }
    });
    c.import("an .xlsx with one stray value at row 1,048,576 (Excel's last row)", &stray);
    let wide = c.files.path().join("最后一列.xlsx");
    write_raw_xlsx(&wide, |out| {
        out.write_all(format!(r#"<row r="1">{}</row>"#, cell_xml(0, 0, &text_cell("姓名"))).as_bytes()).unwrap();
        for r in 1..400u32 {
            let cells = cell_xml(r, 0, &text_cell(&format!("王{r}"))) + &cell_xml(r, 16_383, &text_cell("x"));
            out.write_all(format!(r#"<row r="{}">{cells}</row>"#, r + 1).as_bytes()).unwrap();
        }
    });
    c.import("an .xlsx with a value in column XFD (the last, 16,384th) on each of 400 rows", &wide);
    for format in ["xlsx", "ods"] {
        let lying = c.files.path().join(format!("说谎.{format}"));
        let part = write_lying_package(&lying, format, 1_500_000_000);
        c.import(
            &format!("an .{format} whose zip directory says {part} is 4 KB; it unpacks to 1.5 GB (issue 11)"),
            &lying,
        );
    }
    c.import_bytes(
        "an .xls (OLE compound file) whose directory's sector chain points back at itself (issue 11)",
        "循环.xls",
        &looping_compound_file(),
    );
    let mut lying_header = compound_file_bytes();
    lying_header[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
    c.import_bytes("an .xls whose header declares 4,294,967,295 FAT sectors (issue 11)", "头部说谎.xls", &lying_header);
    c.import("/dev/zero chosen as the register (issue 11)", Path::new("/dev/zero"));

    // Huge cells.
    let huge = "曹".repeat(1 << 20);
    let mut with_huge = rows.clone();
    with_huge[2][0] = huge.clone();
    c.import_bytes(
        "a 1 MB name (1,048,576 characters) in one row of a CSV",
        "大姓名.csv",
        csv_text(&with_huge).as_bytes(),
    );
    let huge_xlsx = c.files.path().join("大姓名.xlsx");
    write_cells_xlsx(
        &huge_xlsx,
        &with_huge.iter().map(|r| r.iter().map(|t| text_cell(t)).collect()).collect::<Vec<_>>(),
    );
    c.import("a 1 MB name in one cell of an .xlsx", &huge_xlsx);
    let mut long_note = rows.clone();
    long_note[2][6] = "注".repeat(10_001);
    c.import_bytes("a 10,001-character 备注 in one row", "长备注.csv", csv_text(&long_note).as_bytes());
    let mut long_name = rows.clone();
    long_name[2][0] = "欧".repeat(51);
    c.import_bytes("a 51-character name in one row", "长姓名.csv", csv_text(&long_name).as_bytes());
    let mut unknown = rows.clone();
    unknown[0].push("兴趣爱好".into());
    unknown[2].push("好".repeat(1 << 20));
    c.import_bytes(
        "1 MB of text in a column the importer does not know (兴趣爱好)",
        "未知列.csv",
        csv_text(&unknown).as_bytes(),
    );
    let mut wide_row = rows.clone();
    wide_row[3].extend(std::iter::repeat_n("x".to_string(), 5000));
    c.import_bytes("one CSV row with 5,000 extra fields", "宽行.csv", csv_text(&wide_row).as_bytes());
    c.import_bytes(
        "a CSV with an unclosed quote in row 3 (the rest of the file becomes one cell)",
        "引号.csv",
        csv.replacen("李1,", "\"李1,", 1).as_bytes(),
    );

    // Encodings and characters.
    for (label, encoding) in [
        ("UTF-16 LE with BOM (Excel's \"Unicode text\")", Encoding::Utf16LeBom),
        ("UTF-16 BE with BOM", Encoding::Utf16BeBom),
        ("UTF-16 LE without BOM", Encoding::Utf16Le),
        ("UTF-16 BE without BOM", Encoding::Utf16Be),
        ("UTF-8 with BOM", Encoding::Utf8Bom),
    ] {
        c.import_bytes(&format!("a CSV in {label}"), "编码.csv", &encode(&csv, encoding));
    }
    let mut rare = rows.clone();
    rare[1][0] = "曹𠇔".into();
    rare[2][0] = "孔👨\u{200D}👩\u{200D}👧".into();
    c.import_bytes(
        "GB18030 CSV with 𠇔 and an emoji family in names",
        "gb18030.csv",
        &encode(&csv_text(&rare), Encoding::Gb18030),
    );
    let mut mac = rows.clone();
    mac[3][1] = "12345".into();
    c.import_bytes(
        "Excel for Mac's \"CSV (Macintosh)\" (lines end in a lone CR) with a 5-digit ID number in row 4",
        "mac.csv",
        csv_text(&mac).replace("\r\n", "\n").replace('\n', "\r").as_bytes(),
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    c.import_bytes("a GBK CSV (Chinese Excel's default \"CSV\")", "gbk.csv", &gbk);
    let mut damaged = csv.as_bytes().to_vec();
    let li = "李".as_bytes();
    let at = damaged.windows(2).position(|w| w == &li[..2]).unwrap();
    damaged[at + 1] = b'X';
    c.import_bytes("a UTF-8 CSV with one damaged byte inside a name", "坏字节.csv", &damaged);
    c.import_bytes(
        "Latin-1 text (Windows-1252, e.g. Müller) with an English header",
        "latin1.csv",
        b"Name,Address\nM\xfcller,1\n",
    );
    let mut nul = rows.clone();
    nul[1][0] = "王\0一".into();
    nul[2][0] = "李\n二".into();
    c.import_bytes("a NUL byte in one name and a line break in another", "控制字符.csv", csv_text(&nul).as_bytes());
    let mut invisible = rows.clone();
    invisible[1][0] = "王\u{200B}五".into();
    invisible[2][0] = "\u{202E}李四".into();
    c.import_bytes(
        "a zero-width space and a right-to-left override inside names",
        "隐形字符.csv",
        csv_text(&invisible).as_bytes(),
    );
    let mut header = rows.clone();
    header[0][0] = "\u{FEFF}姓名".into();
    header[0][1] = "身份证号\u{200B}".into();
    c.import_bytes(
        "a byte-order mark and a zero-width space inside the header cells",
        "表头.csv",
        csv_text(&header).as_bytes(),
    );
    let mut markup = rows.clone();
    markup[1][0] = "<img src=x onerror=alert(1)>".into();
    markup[2][0] = "'; DROP TABLE residents; --".into();
    markup[3][6] = "<script>alert(1)</script>".into();
    c.import_bytes("HTML, script and SQL in names and notes", "标记.csv", csv_text(&markup).as_bytes());

    // Formulas.
    let formula_rows = |name: XCell, id: XCell, notes: XCell| {
        vec![
            HEADER.iter().map(|h| text_cell(h)).collect::<Vec<_>>(),
            vec![name, id, text_cell("3"), text_cell("1"), text_cell("101"), text_cell("户主"), notes],
        ]
    };
    for (label, name, id, notes) in [
        (
            "=\"张\"&\"三\" in the name cell, =1+1 in 备注 (cached results 张三, 2)",
            XCell::Formula(r#""张"&"三""#.into(), Some("张三".into())),
            text_cell(&id_number(5001)),
            XCell::Formula("1+1".into(), Some("2".into())),
        ),
        (
            "=HYPERLINK(\"http://example.com\",\"李四\") as the name",
            XCell::Formula(r#"HYPERLINK("http://example.com","李四")"#.into(), Some("李四".into())),
            text_cell(&id_number(5002)),
            text_cell(""),
        ),
        (
            "a formula never calculated (no cached value) as the name",
            XCell::Formula("A1&B1".into(), None),
            text_cell(&id_number(5003)),
            text_cell(""),
        ),
        ("#REF! in the ID number cell", text_cell("王五"), XCell::Error("#REF!".into()), text_cell("")),
        ("#N/A in the name cell", XCell::Error("#N/A".into()), text_cell(&id_number(5004)), text_cell("")),
        ("#DIV/0! in 备注", text_cell("赵六"), text_cell(&id_number(5005)), XCell::Error("#DIV/0!".into())),
    ] {
        let file = c.files.path().join("公式.xlsx");
        write_cells_xlsx(&file, &formula_rows(name, id, notes));
        c.import(&format!("an .xlsx with {label}"), &file);
    }
    let mut csv_formulas = rows.clone();
    csv_formulas[1][0] = "=1+1".into();
    csv_formulas[2][0] = "=HYPERLINK(\"http://x.cn\",\"点我\")".into();
    c.import_bytes("=1+1 and =HYPERLINK(…) typed as names in a CSV", "公式.csv", csv_text(&csv_formulas).as_bytes());

    // Sheets and headers.
    c.import_bytes("a CSV without a 姓名 header in its first 30 rows", "无表头.csv", b"a,b\n1,2\n");
    c.import_bytes("a CSV with only the header row", "只有表头.csv", format!("{}\n", HEADER.join(",")).as_bytes());
}

/// An .xls saved by LibreOffice, when it is installed (tests/setup.sh installs it).
fn libreoffice_xls(xlsx: &Path, dir: &Path) -> Option<PathBuf> {
    let out = dir.join("lo");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display()))
        .args(["--headless", "--convert-to", "xls", "--outdir"])
        .arg(&out)
        .arg(xlsx)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| out.join(xlsx.with_extension("xls").file_name().unwrap()))
}

fn form_cases(c: &mut Catalogue) {
    let mut office = Office::new();
    let unit_id = office.ledger.hierarchy().unwrap().grids[0].buildings[0].units[0].id;
    let household =
        office.ledger.save_household(&HouseholdInput { unit_id, room: "990".into(), ..Default::default() }).unwrap();
    let mut resident = |c: &mut Catalogue, input: &str, name: String, notes: String| {
        let typed = ResidentInput {
            household_id: household,
            name: name.clone(),
            relation: "其他".into(),
            notes: Some(notes.clone()),
            ..Default::default()
        };
        let before = fingerprint(&office.db);
        let result = office.ledger.save_resident(&typed);
        match &result {
            Ok(id) => {
                let stored = office.ledger.resident(*id).unwrap();
                assert_eq!((stored.name, stored.notes), (name.trim().to_string(), notes), "{input}");
            }
            Err(_) => assert_eq!(fingerprint(&office.db), before, "{input}"),
        }
        c.form(input, result, true);
    };
    resident(c, "resident name '; DROP TABLE residents; --", "'; DROP TABLE residents; --".into(), String::new());
    resident(c, "resident name <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>".into(), String::new());
    resident(
        c,
        "resident name 孔👨‍👩‍👧 (emoji joined by zero-width joiners)",
        "孔👨\u{200D}👩\u{200D}👧".into(),
        String::new(),
    );
    resident(c, "resident name 曹𠇔 (outside the BMP)", "曹𠇔".into(), String::new());
    resident(c, "resident name of 50 characters", "欧".repeat(50), String::new());
    resident(c, "resident name of 51 characters", "欧".repeat(51), String::new());
    resident(c, "resident name with a NUL byte (王\\0五)", "王\0五".into(), String::new());
    resident(c, "resident name with a line break", "王\n五".into(), String::new());
    resident(c, "resident notes of 10,000 characters", "王十".into(), "注".repeat(10_000));
    resident(c, "resident notes of 10,001 characters", "王十一".into(), "注".repeat(10_001));
    resident(c, "resident notes with <script>alert(1)</script>", "王脚本".into(), "<script>alert(1)</script>".into());

    let household_notes = office.ledger.save_household(&HouseholdInput {
        unit_id,
        room: "991".into(),
        notes: Some("注".repeat(10_001)),
        ..Default::default()
    });
    c.form("household notes of 10,001 characters", household_notes, false);
    let room = office.ledger.save_household(&HouseholdInput { unit_id, room: "室".repeat(101), ..Default::default() });
    c.form("household room of 101 characters", room, false);
    let activity = |title: String, description: String| ActivityInput {
        title,
        line: "其他".into(),
        date: "2026-12-05".into(),
        start_time: "09:00".into(),
        end_time: "10:30".into(),
        description,
        ..Default::default()
    };
    let result = office.ledger.save_activity(&activity("题".repeat(101), String::new()));
    c.form("activity title of 101 characters", result, false);
    let result = office.ledger.save_activity(&activity("<script>alert(1)</script>".into(), "述".repeat(10_000)));
    c.form("activity titled <script>alert(1)</script> with a 10,000-character description", result, false);
    let result = office.ledger.save_activity(&activity("读书会".into(), "述".repeat(10_001)));
    c.form("activity description of 10,001 characters", result, false);
    let organisation = |notes: String| OrganisationInput {
        name: "'; DROP TABLE organisations; --".into(),
        kind: "企业".into(),
        notes,
        ..Default::default()
    };
    let result = office.ledger.save_organisation(&organisation("注".repeat(10_001)));
    c.form("organisation notes of 10,001 characters", result, false);
    let org = office.ledger.save_organisation(&organisation(String::new()));
    c.form(
        "organisation named '; DROP TABLE organisations; --",
        org.as_ref().map(|id| *id).map_err(clone_error),
        false,
    );
    let volunteer = |name: String| VolunteerInput {
        organisation_id: org.as_ref().ok().copied(),
        name,
        line: "青动力·两新组织".into(),
        joined_on: "2026-01-01".into(),
        ..Default::default()
    };
    let result = office.ledger.save_volunteer(&volunteer("志".repeat(51)));
    c.form("volunteer name of 51 characters", result, false);
    let helper = office.ledger.save_volunteer(&volunteer("<img src=x onerror=alert(1)>".into()));
    c.form("volunteer named <img src=x onerror=alert(1)>", helper.as_ref().map(|id| *id).map_err(clone_error), false);
    let entry = |content: String| HourEntryInput {
        volunteer_id: *helper.as_ref().unwrap(),
        date: "2026-11-20".into(),
        start_time: "09:00".into(),
        end_time: "10:00".into(),
        content,
        ..Default::default()
    };
    let result = office.ledger.record_hours(&entry("务".repeat(10_001)));
    c.form("hours entry content of 10,001 characters", result, false);
    let result = office.ledger.record_hours(&entry("务".repeat(10_000)));
    c.form("hours entry content of 10,000 characters", result, false);
}

/// The create-administrator and login screens, and staff asking for an administrator's action,
/// on a register the way the app holds it (logins required).
fn login_cases(c: &mut Catalogue) {
    let mut office = Office::new();
    let ledger = &mut office.ledger;
    ledger.require_login();
    let login = |c: &mut Catalogue, input: &str, result: Result<(), Error>| {
        let outcome = match result {
            Ok(()) => "accepted".to_string(),
            Err(e) => format!("refused ({}): {e}", e.kind()),
        };
        c.add(input, "login", outcome);
    };
    login(c, "a command before anyone logged in", ledger.require_session());
    login(c, "first administrator with a blank name", ledger.create_first_admin("  ", "liuhe-2026").map(drop));
    login(
        c,
        "first administrator named with 21 characters",
        ledger.create_first_admin(&"李".repeat(21), "liuhe-2026").map(drop),
    );
    login(c, "first administrator with a 5-character password", ledger.create_first_admin("李敏", "12345").map(drop));
    ledger.create_first_admin("李敏", "liuhe-2026").unwrap();
    login(c, "a second \"first administrator\"", ledger.create_first_admin("张三", "another-1").map(drop));
    let staff = |name: &str, password: Option<&str>| xinghe_ledger::access::operators::OperatorInput {
        id: None,
        name: name.into(),
        role: xinghe_ledger::access::operators::Role::Staff,
        active: true,
        password: password.map(str::to_string),
    };
    login(c, "a new operator without a password", ledger.save_operator(&staff("王芳", None)).map(drop));
    ledger.save_operator(&staff("王芳", Some("wangfang1"))).unwrap();
    ledger.save_operator(&staff("赵强", Some("zhaoqiang1"))).unwrap();
    login(c, "a second operator named 王芳", ledger.save_operator(&staff("王芳", Some("wangfang1"))).map(drop));
    let me = ledger.session().unwrap().operator_id;
    let demote = xinghe_ledger::access::operators::OperatorInput { id: Some(me), ..staff("李敏", None) };
    login(c, "the only administrator made staff", ledger.save_operator(&demote).map(drop));
    login(c, "my password change with the wrong old password", ledger.change_own_password("liuhe-2025", "liuhe-2027"));
    login(c, "idle lock of 0 minutes", ledger.set_idle_lock_minutes(0));
    ledger.lock();
    login(c, "login with the wrong password", ledger.log_in("王芳", "wangfang2").map(drop));
    login(c, "login with a name that is not an operator", ledger.log_in("王小芳", "wangfang1").map(drop));
    for _ in 0..4 {
        let _ = ledger.log_in("王芳", "wangfang2");
    }
    login(c, "the right password after five wrong ones in a row", ledger.log_in("王芳", "wangfang1").map(drop));
    ledger.log_in("赵强", "zhaoqiang1").unwrap();
    login(c, "staff: change the community name", ledger.set_community_name("星河社区"));
    login(c, "staff: 查看完整信息 of a resident", ledger.reveal_resident(1).map(drop));
    login(c, "staff: open the 操作日志", ledger.audit_log(&Default::default()).map(drop));
}

fn clone_error(e: &Error) -> Error {
    Error::Refused(e.to_string())
}

fn database_cases(c: &mut Catalogue) {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let photo = dir.join("photo.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff\xe0 not a database").unwrap();
    c.cli("--db pointing at a JPEG photo (stats)", "file open", cli(&photo, &["stats"]));

    let other = dir.join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    c.cli("--db pointing at another program's SQLite file (stats)", "file open", cli(&other, &["stats"]));

    let header = demo_db(dir, "header.db");
    let mut bytes = std::fs::read(&header).unwrap();
    bytes[..16].copy_from_slice(b"NOT SQLITE AT AL");
    std::fs::write(&header, &bytes).unwrap();
    c.cli(
        "a Xinghe database whose 16-byte SQLite header was overwritten (stats)",
        "file open",
        cli(&header, &["stats"]),
    );

    let half = demo_db(dir, "half.db");
    let bytes = std::fs::read(&half).unwrap();
    std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    c.cli("a Xinghe database cut to half its size (stats)", "file open", cli(&half, &["stats"]));
    c.cli("the same half database (check)", "CLI", cli(&half, &["check"]));

    let pages = demo_db(dir, "pages.db");
    let mut bytes = std::fs::read(&pages).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    bytes[middle..middle + 4096].fill(0x5A);
    std::fs::write(&pages, &bytes).unwrap();
    c.cli("a Xinghe database with one 4 KB page in the middle overwritten (check)", "CLI", cli(&pages, &["check"]));
    c.cli("the same damaged database (search 王)", "CLI", cli(&pages, &["search", "王"]));

    let newer = demo_db(dir, "newer.db");
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    c.cli("a database from a newer Xinghe (user_version 99)", "file open", cli(&newer, &["stats"]));

    c.cli("--db pointing at a folder", "file open", cli(dir, &["stats"]));

    // The 操作日志 edited outside the app, as the sqlite3 tool would: the append-only triggers
    // dropped, a summary rewritten, the triggers put back.
    let edited = demo_db(dir, "edited-trail.db");
    rusqlite::Connection::open(&edited)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER audit_log_never_updated;
             UPDATE audit_log SET summary = '无事' WHERE id = 1;
             CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, '操作日志只能追加，不能修改'); END;",
        )
        .unwrap();
    c.cli(
        "an 操作日志 record edited outside the app (triggers dropped, summary rewritten, triggers recreated) (check)",
        "CLI",
        cli(&edited, &["check"]),
    );

    // Locked by another process: a connection here holds the write lock while the CLI runs.
    let locked = demo_db(dir, "locked.db");
    let holder = rusqlite::Connection::open(&locked).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE; UPDATE settings SET value = value;").unwrap();
    let csv = dir.join("名单.csv");
    std::fs::write(&csv, csv_text(&register(5))).unwrap();
    let started = std::time::Instant::now();
    let output = cli(&locked, &["import", csv.to_str().unwrap()]);
    let waited = started.elapsed().as_secs_f64();
    c.cli(
        &format!("import while another process holds the database's write lock (waited {waited:.0} s)"),
        "CLI",
        output,
    );
    c.cli("stats while another process holds the write lock", "CLI", cli(&locked, &["stats"]));
    let elsewhere = dir.join("另一个文件夹");
    std::fs::create_dir(&elsewhere).unwrap();
    let started = std::time::Instant::now();
    let output = cli(&locked, &["backup", "--out", elsewhere.join("备份.xinghe.db").to_str().unwrap()]);
    let waited = started.elapsed().as_secs_f64();
    c.cli(&format!("backup --out while another process holds the write lock (took {waited:.0} s)"), "CLI", output);
    holder.execute_batch("ROLLBACK").unwrap();

    // A closed pipe: the reader (head) goes away before the command writes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .arg("--db")
        .arg(&locked)
        .args(["search", "王", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    c.cli("search 王 --json | head, the pipe closed before the first line", "CLI", child.wait_with_output().unwrap());

    let over = dir.join("over.csv");
    write_csv_register(&over, MAX_ROWS);
    let db = demo_db(dir, "cli.db");
    c.cli("xinghe-cli import of a 100,001-row CSV", "CLI", cli(&db, &["import", over.to_str().unwrap()]));
    c.cli("xinghe-cli import of a file that does not exist", "CLI", cli(&db, &["import", "不存在.xlsx"]));
    let xlsx = dir.join("名单.xlsx");
    write_xlsx(&xlsx, &register(3));
    c.cli(
        "xinghe-cli import --sheet 第二页 (no such sheet)",
        "CLI",
        cli(&db, &["import", xlsx.to_str().unwrap(), "--sheet", "第二页"]),
    );
    // Text files the CLI reads (issue 11): decoded as the importer decodes, strictly, and
    // limited in size while they are read.
    let hours_line = "LH-00001,2025-03-03,09:00,10:00,楼道清扫\n";
    let mut damaged = hours_line.as_bytes().to_vec();
    damaged[hours_line.find('楼').unwrap() + 1] = 0xFF;
    let hours = dir.join("时长.csv");
    std::fs::write(&hours, &damaged).unwrap();
    c.cli(
        "xinghe-cli hours add --file 时长.csv: UTF-8 with one damaged byte in 楼道清扫",
        "CLI",
        cli(&db, &["hours", "add", "--file", hours.to_str().unwrap()]),
    );
    c.cli("xinghe-cli hours add --file /dev/zero", "CLI", cli(&db, &["hours", "add", "--file", "/dev/zero"]));
    let ids = dir.join("居民.txt");
    std::fs::write(&ids, b"# \xE5\x89\xAA\xFF\xE7\xBA\xB8\n1\n").unwrap();
    c.cli(
        "xinghe-cli signup --residents-file 居民.txt: a comment line with one damaged byte",
        "CLI",
        cli(&db, &["signup", "--activity", "1", "--residents-file", ids.to_str().unwrap()]),
    );
    // "Today" pinned for tests and reproducible demos: a value that is not YYYY-MM-DD is refused.
    let mut pinned = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"));
    pinned.arg("--db").arg(&db).arg("stats").env(xinghe_ledger::values::dates::TODAY_VARIABLE, "2027/02/28");
    c.cli("XINGHE_TODAY=2027/02/28 (not YYYY-MM-DD), any command (stats)", "CLI", pinned.output().unwrap());

    // A read-only folder and a full disk need a mount: made in a private namespace.
    let ro = dir.join("只读");
    std::fs::create_dir(&ro).unwrap();
    demo_db(&ro, "r.db");
    let script = format!(
        "mount --bind '{ro}' '{ro}' && mount -o remount,bind,ro '{ro}' || exit 99; \
         echo '[stats, existing database]'; \"$CLI\" --db '{ro}/r.db' stats 2>&1; echo \"exit $?\"; \
         echo '[stats, new database]'; \"$CLI\" --db '{ro}/new.db' stats 2>&1; echo \"exit $?\"; \
         echo '[import, existing database]'; \"$CLI\" --db '{ro}/r.db' import '{csv}' 2>&1; echo \"exit $?\"",
        ro = ro.display(),
        csv = csv.display()
    );
    record_sections(c, "in a read-only folder (a mount remounted read-only)", in_namespace(&script));

    let full = dir.join("满");
    std::fs::create_dir(&full).unwrap();
    let big = dir.join("五千人.csv");
    write_csv_register(&big, 5000);
    // The register fits; a filler file then takes all but 300 KB, too little for the import.
    let script = format!(
        "mount -t tmpfs -o size=8m tmpfs '{full}' || exit 99; \
         \"$CLI\" --db '{full}/r.db' demo --households 100 >/dev/null 2>&1; \
         echo '[stats, before]'; \"$CLI\" --db '{full}/r.db' stats 2>&1; echo \"exit $?\"; \
         cat /dev/zero > '{full}/filler' 2>/dev/null; truncate -s -300K '{full}/filler'; \
         echo '[import of 5,000 people]'; \"$CLI\" --db '{full}/r.db' import '{big}' 2>&1; echo \"exit $?\"; \
         echo '[stats, disk still full]'; \"$CLI\" --db '{full}/r.db' stats 2>&1; echo \"exit $?\"; \
         cat /dev/zero >> '{full}/filler' 2>/dev/null; \
         echo '[stats, disk 100 % full]'; \"$CLI\" --db '{full}/r.db' stats 2>&1; echo \"exit $?\"; \
         echo '[check, disk 100 % full]'; \"$CLI\" --db '{full}/r.db' check 2>&1; echo \"exit $?\"; \
         echo '[export hours to another disk, disk 100 % full]'; \"$CLI\" --db '{full}/r.db' export hours --out '{elsewhere}/时长.xlsx' 2>&1; echo \"exit $?\"; \
         echo '[export residents (writes its audit row), disk 100 % full]'; \"$CLI\" --db '{full}/r.db' export residents --out '{elsewhere}/居民.csv' 2>&1; echo \"exit $?\"; \
         echo '[backup --out another disk, disk 100 % full]'; \"$CLI\" --db '{full}/r.db' backup --out '{elsewhere}' 2>&1; echo \"exit $?\"; \
         echo '[backup of another register onto the full disk]'; \"$CLI\" --db '{cli_db}' backup --out '{full}/备份.xinghe.db' 2>&1; echo \"exit $?\"; \
         echo '[files left on the full disk]'; ls -A '{full}'; \
         rm '{full}/filler'; \
         echo '[stats, after space is freed]'; \"$CLI\" --db '{full}/r.db' stats 2>&1; echo \"exit $?\"; \
         echo '[check, after space is freed]'; \"$CLI\" --db '{full}/r.db' check 2>&1; echo \"exit $?\"",
        full = full.display(),
        big = big.display(),
        elsewhere = elsewhere.display(),
        cli_db = db.display()
    );
    record_sections(c, "on a full disk (a tmpfs filled to within 300 KB)", in_namespace(&script));

    // A shared network folder: a FUSE mount (bindfs over a local folder) stands for SMB/NFS.
    let shared = dir.join("共享");
    let share = dir.join("网络文件夹");
    std::fs::create_dir(&shared).unwrap();
    std::fs::create_dir(&share).unwrap();
    demo_db(&shared, "r.db");
    let script = format!(
        "bindfs '{shared}' '{share}' 2>/dev/null || exit 99; \
         echo '[stats]'; \"$CLI\" --db '{share}/r.db' stats 2>&1; echo \"exit $?\"; \
         echo '[backup --out a local folder]'; \"$CLI\" --db '{share}/r.db' backup --out '{elsewhere}/网络备份.xinghe.db' 2>&1; echo \"exit $?\"; \
         echo '[import (a writer)]'; \"$CLI\" --db '{share}/r.db' import '{csv}' 2>&1; echo \"exit $?\"; \
         umount '{share}'",
        shared = shared.display(),
        share = share.display(),
        elsewhere = elsewhere.display(),
        csv = csv.display()
    );
    record_sections(c, "on a network folder (a FUSE mount, statfs type 0x65735546)", in_namespace(&script));
}

/// xinghe-cli with `input` on standard input, counting wrong passwords in `state`.
fn cli_stdin(db: &Path, state: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
        .env("XDG_STATE_HOME", state)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// Passwords given to xinghe-cli and to 数据加密 (issue 11, item 9).
fn password_cases(c: &mut Catalogue) {
    let dir = tempfile::tempdir().unwrap();
    let (dir, state) = (dir.path(), dir.path().join("state"));
    let db = demo_db(dir, "pw.db");
    for (input, password) in [
        ("encrypt --password-stdin with 12345678", "12345678"),
        ("encrypt --password-stdin with aaaaaaaa", "aaaaaaaa"),
        ("encrypt --password-stdin with a 7-character password", "liuhe26"),
    ] {
        c.cli(input, "CLI", cli_stdin(&db, &state, &["--password-stdin", "encrypt"], password));
    }
    c.cli(
        "encrypt --password liuhe-2026-x (a strong password on the command line)",
        "CLI",
        cli_stdin(&db, &state, &["--password", "liuhe-2026-x", "encrypt"], ""),
    );
    c.cli(
        "stats on an encrypted register, no password, not at a terminal",
        "CLI",
        cli_stdin(&db, &state, &["stats"], ""),
    );
    c.cli(
        "stats --password-stdin with nothing on standard input",
        "CLI",
        cli_stdin(&db, &state, &["--password-stdin", "stats"], ""),
    );
    c.cli(
        "restore --password-stdin without --yes",
        "CLI",
        cli_stdin(&db, &state, &["--password-stdin", "restore", "备份.xinghe.db"], "liuhe-2026-x\ny\n"),
    );
    for n in 1..=5 {
        let _ = cli_stdin(&db, &state, &["--password-stdin", "stats"], &format!("wrong-{n}"));
    }
    c.cli(
        "stats --password-stdin with the right password after five wrong ones in a row",
        "CLI",
        cli_stdin(&db, &state, &["--password-stdin", "stats"], "liuhe-2026-x"),
    );

    let mut office = Office::new();
    let ledger = &mut office.ledger;
    ledger.require_login();
    ledger.create_first_admin("李敏", "123456").unwrap();
    let outcome = match ledger.encrypt("123456") {
        Ok(()) => "accepted".to_string(),
        Err(e) => format!("refused ({}): {e}", e.kind()),
    };
    c.add("数据加密 by an administrator whose login password is 123456", "login", outcome);
}

/// Splits the output of a namespace script into its "[name]" sections, one catalogue row each.
fn record_sections(c: &mut Catalogue, situation: &str, output: Option<Output>) {
    let Some(output) = output.filter(|o| o.status.code() != Some(99)) else {
        c.add(situation, "CLI", "not run here: this system allows no private mount namespace (unshare -rm), or has no bindfs for the FUSE mount");
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    let mut section = String::new();
    let mut lines: Vec<String> = Vec::new();
    let flush = |c: &mut Catalogue, section: &str, lines: &mut Vec<String>| {
        if !section.is_empty() {
            c.add(format!("{situation}: xinghe-cli {section}"), "CLI", lines.join(" ⏎ "));
        }
        lines.clear();
    };
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            flush(c, &section, &mut lines);
            section = name.to_string();
        } else {
            lines.push(line.to_string());
        }
    }
    flush(c, &section, &mut lines);
}

/// `--out` onto the register, its SQLite files, a backup or a file that is not ours. Run in the
/// register's folder with relative paths, so the messages name the files as a user types them.
fn output_cases(c: &mut Catalogue) {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    demo_db(dir, "reg.db");
    let here = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xinghe-cli"))
            .current_dir(dir)
            .args(["--db", "reg.db"])
            .args(args)
            .output()
            .unwrap()
    };
    c.cli("print roster --out reg.db (the register itself)", "CLI", here(&["print", "roster", "--out", "reg.db"]));
    std::os::unix::fs::symlink("reg.db", dir.join("花名册.pdf")).unwrap();
    c.cli(
        "print roster --out 花名册.pdf, a symlink to the register",
        "CLI",
        here(&["print", "roster", "--out", "花名册.pdf", "--force"]),
    );
    std::fs::create_dir(dir.join("dir")).unwrap();
    c.cli("print care-list --out dir/../reg.db", "CLI", here(&["print", "care-list", "--out", "dir/../reg.db"]));
    c.cli("print hours --out reg.db-wal", "CLI", here(&["print", "hours", "--out", "reg.db-wal"]));
    assert!(here(&["backup", "--out", "backups"]).status.success());
    let backup = std::fs::read_dir(dir.join("backups")).unwrap().flatten().next().unwrap().file_name();
    let backup = format!("backups/{}", backup.to_string_lossy());
    c.cli("backup --out backups/<an existing backup> --force", "CLI", here(&["backup", "--out", &backup, "--force"]));
    std::fs::write(dir.join("important.xlsx"), "重要的表格").unwrap();
    c.cli("backup --out important.xlsx (an existing file)", "CLI", here(&["backup", "--out", "important.xlsx"]));
    c.cli(
        "backup --out important.xlsx --force (not a backup of this register)",
        "CLI",
        here(&["backup", "--out", "important.xlsx", "--force"]),
    );
    c.cli(
        "export residents --out important.xlsx (an existing file)",
        "CLI",
        here(&["export", "residents", "--out", "important.xlsx"]),
    );
}
