//! `xinghe-cli`: the register without a window, for scripts, scheduled jobs and support.
//! Every command prints its result on stdout; bad input prints a Chinese message on stderr
//! and exits 1, and a failed command never leaves a half-written change.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xinghe_ledger::activities::ActivityFilter;
use xinghe_ledger::activity_sheets::{
    attendance_sheet, sign_in_sheet, sign_up_sheet, SheetOptions, DEFAULT_BLANK_ROWS,
};
use xinghe_ledger::backup::{self, inspect_backup_with, BackupInfo};
use xinghe_ledger::care_sheet::care_checklist_pdf;
use xinghe_ledger::dates::{local_now, NaiveDate};
use xinghe_ledger::demo::DEFAULT_HOUSEHOLDS;
use xinghe_ledger::encryption::Passphrase;
use xinghe_ledger::hours::{format_minutes, GroupHours, HoursReport};
use xinghe_ledger::import::{ImportOptions, ImportReport};
use xinghe_ledger::model::HouseholdFilter;
use xinghe_ledger::pdf::PrintedPdf;
use xinghe_ledger::pdf::MISSING_MARK;
use xinghe_ledger::roster::RosterOptions;
use xinghe_ledger::volunteer_sheets::{certificate_pdf, hours_report_pdf, hours_text, period_text};
use xinghe_ledger::{Error, Ledger};

#[derive(Parser)]
#[command(name = "xinghe-cli", version, about = "星河社区台账 命令行工具")]
struct Cli {
    /// 数据库文件路径（也可用环境变量 XINGHE_DB 指定）
    #[arg(long, env = "XINGHE_DB", global = true)]
    db: Option<PathBuf>,
    /// 记录为录入人/审核人的姓名（默认用台账设置中的操作人）
    #[arg(long, env = "XINGHE_OPERATOR", global = true)]
    operator: Option<String>,
    /// 已加密台账的密码（管理员的密码；也可用环境变量 XINGHE_PASSWORD 指定）；未加密的台账不需要
    #[arg(long, env = "XINGHE_PASSWORD", global = true, hide_env_values = true)]
    password: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 在空数据库中生成演示社区（浏河社区）
    Demo {
        #[arg(long, default_value_t = DEFAULT_HOUSEHOLDS)]
        households: u32,
        #[arg(long, default_value_t = 20261128)]
        seed: u64,
    },
    /// 操作日志：最新的在前（身份证号、电话打码）
    Audit {
        /// 从这一天起，例如 2026-11-01
        #[arg(long)]
        from: Option<String>,
        /// 到这一天止（含）
        #[arg(long)]
        to: Option<String>,
        /// 只看这位操作人
        #[arg(long = "by")]
        by: Option<String>,
        /// 最多列出几条（默认 50，最多 500）
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// 统计户数、人数、80 岁以上老人等
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// 检查数据库完整性、外键和数据版本
    Check {
        #[arg(long)]
        json: bool,
    },
    /// 备份数据库：写完并通过完整性检查后才换上；--out 是文件夹时按日期命名
    Backup {
        /// 备份文件（如 备份.xinghe.db），或一个文件夹（不带扩展名；在其中生成“社区名-备份-日期时间.xinghe.db”）
        #[arg(long)]
        out: PathBuf,
    },
    /// 加密数据库文件，密码用 --password 给出；备份也用同一密码加密。忘记密码，数据将无法恢复
    Encrypt,
    /// 取消加密，数据库恢复为普通的 SQLite 文件（用 --password 给出当前密码）
    Decrypt,
    /// 从备份恢复：先显示备份内容并确认；恢复前自动备份当前数据（加密的备份用 --password 读取；
    /// 备份时的密码不同时用 --backup-password）
    Restore {
        /// 备份文件（.xinghe.db）
        file: PathBuf,
        /// 加密备份的密码，即备份时管理员的密码（也可用环境变量 XINGHE_BACKUP_PASSWORD 指定）；
        /// 不给出时用 --password
        #[arg(long, env = "XINGHE_BACKUP_PASSWORD", hide_env_values = true)]
        backup_password: Option<String>,
        /// 不询问，直接恢复（用于脚本）
        #[arg(long)]
        yes: bool,
    },
    /// 按姓名、拼音、电话或身份证后几位搜索居民
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// 列出活动（含报名、候补、到场人数）
    Activities {
        /// 只列出这一天及以后的活动，例如 2026-12-01
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 列出一场活动的报名名单
    Signups {
        #[arg(long)]
        activity: i64,
        #[arg(long)]
        json: bool,
    },
    /// 为居民报名一场活动：每人一个事务，提交一人输出一行（满员的进候补）
    Signup(SignupArgs),
    /// 志愿服务时长统计（只计已确认的时长）：按志愿者、条线、组织、月份；hours add 登记时长
    #[command(args_conflicts_with_subcommands = true)]
    Hours {
        #[command(subcommand)]
        action: Option<HoursAction>,
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        json: bool,
    },
    /// 从 Excel（.xlsx/.xls/.ods）或 CSV 导入居民和住户
    Import {
        /// 要导入的文件
        file: PathBuf,
        /// 工作表名称（默认第一个）
        #[arg(long)]
        sheet: Option<String>,
        /// 只检查并报告，不写入（也不创建数据库文件）
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// 导出居民或住户名单为 Excel（.xlsx）或 CSV 文件，或志愿时长统计为 .xlsx
    Export {
        /// residents（居民）、households（住户）或 hours（志愿时长）
        #[arg(value_enum)]
        what: ExportWhat,
        /// 输出文件，扩展名为 .xlsx 或 .csv（hours 只能为 .xlsx）
        #[arg(long)]
        out: PathBuf,
        /// 只导出这个网格，例如 第一网格（居民、住户）
        #[arg(long)]
        grid: Option<String>,
        /// 统计期间（hours）
        #[command(flatten)]
        period: Period,
    },
    /// 打印：生成 PDF 文件
    Print {
        #[command(subcommand)]
        what: Print,
    },
}

#[derive(Subcommand)]
enum Print {
    /// 居民花名册：在册居民按网格、楼栋、单元、户分组
    Roster {
        /// 输出的 PDF 文件
        #[arg(long)]
        out: PathBuf,
        /// 只打印这个网格，例如 第一网格
        #[arg(long)]
        grid: Option<String>,
        /// 打印完整的身份证号和电话（默认隐去中间位）
        #[arg(long)]
        unmasked: bool,
    },
    /// 报名表：已报名的人、供现场登记的空行、候补名单
    #[command(name = "sign-up")]
    SignUp(SheetArgs),
    /// 签到表
    #[command(name = "sign-in")]
    SignIn(SheetArgs),
    /// 考勤表：一个系列的每场到场情况（A4 横向）
    Attendance {
        #[arg(long)]
        series: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// 志愿服务记录证明：一名志愿者在一段期间内已确认的服务，供盖章
    Certificate {
        /// 志愿者编号，例如 LH-00001
        #[arg(long)]
        volunteer: String,
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        out: PathBuf,
    },
    /// 志愿服务时长统计表（只计已确认的时长）
    Hours {
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        out: PathBuf,
    },
    /// 关爱走访清单：按楼栋分页，供楼栋长上门走访时填写（A4 横向）
    #[command(name = "care-list")]
    CareList {
        /// 超过多少天未上门算逾期（默认用设置中的天数，初始 30 天）
        #[arg(long)]
        days: Option<i64>,
        #[arg(long)]
        out: PathBuf,
    },
}

/// A date range; either end may be left open.
#[derive(clap::Args)]
struct Period {
    /// 开始日期，例如 2026-01-01
    #[arg(long)]
    from: Option<String>,
    /// 结束日期，例如 2026-12-31
    #[arg(long)]
    to: Option<String>,
}

impl Period {
    fn is_set(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Both ends parsed; a typo or an end before the start is refused with the value.
    fn dates(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), Error> {
        xinghe_ledger::hours::parse_period(self.from.as_deref(), self.to.as_deref())
    }
}

/// One session's sheet: which activity, where to save, how many blank rows.
#[derive(clap::Args)]
struct SheetArgs {
    /// 活动编号（见 activities 命令的第一列）
    #[arg(long)]
    activity: i64,
    /// 输出的 PDF 文件
    #[arg(long)]
    out: PathBuf,
    /// 空白行数（默认 10）
    #[arg(long, default_value_t = DEFAULT_BLANK_ROWS)]
    blank_rows: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportWhat {
    Residents,
    Households,
    Hours,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(1) } else { ExitCode::SUCCESS };
        }
    };
    // A malformed XINGHE_TODAY (a testing setting) stops every command before it reads the clock.
    if let Err(message) = xinghe_ledger::dates::pinned_today() {
        eprintln!("错误：{message}");
        return ExitCode::from(2);
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(1)
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    println!("{}", serde_json::to_string_pretty(value).map_err(|e| Error::Refused(e.to_string()))?);
    Ok(())
}

fn print_import_report(report: &ImportReport) {
    let verb = if report.dry_run { "检查完毕（未写入）" } else { "导入完成" };
    println!(
        "{verb}：新建 {} 户，新增居民 {} 人，更新 {} 人，无变化 {} 人，拒绝 {} 行，跳过 {} 行",
        report.households_created,
        report.residents_created,
        report.residents_updated,
        report.residents_unchanged,
        report.rejected.len(),
        report.skipped.len()
    );
    for issue in &report.rejected {
        println!("  第 {} 行【{}】{}", issue.row, issue.column, issue.reason);
    }
    for issue in &report.warnings {
        println!("  提示：第 {} 行【{}】{}", issue.row, issue.column, issue.reason);
    }
    if !report.unknown_columns.is_empty() {
        println!("  未识别的列（已忽略）：{}", report.unknown_columns.join("、"));
    }
}

/// Saves a printout and says so, warning about characters no font could print.
fn save_pdf(printed: &PrintedPdf, out: &std::path::Path, what: &str) -> Result<(), Error> {
    printed.save(out)?;
    println!("已生成{what}：{}，共 {} 页", out.display(), printed.pages);
    if !printed.missing_characters.is_empty() {
        let missing: Vec<String> = printed.missing_characters.iter().map(char::to_string).collect();
        eprintln!("警告：字体中没有这些字符，已印成“{MISSING_MARK}”，请在纸上手工补写：{}", missing.join("、"));
    }
    Ok(())
}

/// The hours report as a readable table: the total first, then each grouping.
fn print_hours_report(report: &HoursReport) {
    let pending = if report.pending_minutes > 0 {
        format!("待审核 {} 未计入", format_minutes(report.pending_minutes))
    } else {
        "没有待审核的时长".to_string()
    };
    println!(
        "志愿服务时长统计（{}）：合计 {}（{} 小时），{} 名志愿者；只计已确认的时长，{pending}",
        period_text(report.from.as_deref(), report.to.as_deref()),
        report.total_text,
        hours_text(report.total_minutes),
        report.by_volunteer.len()
    );
    println!("编号\t姓名\t条线\t所属组织\t次数\t小时\t时长");
    for v in &report.by_volunteer {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            v.number,
            v.name,
            v.line,
            v.organisation.as_deref().unwrap_or("-"),
            v.entries,
            hours_text(v.minutes),
            v.text
        );
    }
    let groups: [(&str, &[GroupHours]); 3] =
        [("按条线", &report.by_line), ("按组织", &report.by_organisation), ("按月份", &report.by_month)];
    for (title, groups) in groups {
        println!("{title}：");
        for g in groups {
            println!(
                "  {}\t{} 人\t{} 次\t{} 小时\t{}",
                g.label,
                g.volunteers,
                g.entries,
                hours_text(g.minutes),
                g.text
            );
        }
    }
}

/// What a backup holds, as `restore` shows it before asking.
fn print_backup_info(info: &BackupInfo) {
    let c = &info.counts;
    println!("备份文件：{}", info.path);
    println!("社区：{}", info.community_name.as_deref().unwrap_or("（未填写）"));
    println!("备份时间：{}", info.created_at.as_deref().or(info.modified.as_deref()).unwrap_or("未知"));
    let migrate = if info.needs_migration { "，恢复时将升级到本程序的版本" } else { "" };
    println!("数据版本：{}（本程序 {}）{migrate}", info.schema_version, info.supported_schema_version);
    println!(
        "户数 {}，居民 {}，活动 {}，志愿者 {}，服务时长记录 {}，服务与走访 {}，书记项目 {}",
        c.households, c.residents, c.activities, c.volunteers, c.hour_entries, c.services, c.projects
    );
}

/// Reads one line from stdin; only y (or Y) confirms.
fn confirmed() -> bool {
    use std::io::Write;
    print!("输入 y 确认：");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok() && answer.trim().eq_ignore_ascii_case("y")
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let Some(db) = cli.db else {
        return Err(Error::Refused("请用 --db 指定数据库文件，或设置环境变量 XINGHE_DB".into()));
    };
    let mut ledger = match (&cli.command, &cli.password) {
        (Command::Import { dry_run: true, .. }, _) if !db.exists() => Ledger::open_in_memory()?,
        (_, Some(password)) => Ledger::open_with_password(&db, password)?,
        (_, None) => Ledger::open(&db)?,
    };
    let password = || {
        cli.password
            .as_deref()
            .ok_or_else(|| Error::invalid("password", "请用 --password 或环境变量 XINGHE_PASSWORD 给出密码"))
    };
    if let Some(name) = &cli.operator {
        ledger.set_operator(name);
    }
    match cli.command {
        Command::Demo { households, seed } => {
            ledger.create_demo(households, seed)?;
            let stats = ledger.stats()?;
            println!(
                "已生成演示社区：{} 户，{} 人，其中 80 岁以上 {} 人",
                stats.households, stats.residents, stats.aged_80_plus
            );
        }
        Command::Import { file, sheet, dry_run, json } => {
            let options = ImportOptions { sheet, dry_run, ..ImportOptions::default() };
            let report = ledger.import_file(&file, &options, &mut |_| {})?;
            if json {
                print_json(&report)?;
            } else {
                print_import_report(&report);
            }
        }
        Command::Activities { from, json } => {
            let filter = ActivityFilter { from, include_cancelled: true, ..ActivityFilter::default() };
            let activities = ledger.list_activities(&filter)?;
            if json {
                print_json(&activities)?;
            } else {
                for a in activities {
                    let capacity = a.capacity.map(|c| c.to_string()).unwrap_or_else(|| "不限".into());
                    let cancelled = if a.cancelled_on.is_some() { "（已取消）" } else { "" };
                    println!(
                        "{}\t{} {}-{}\t{}{cancelled}\t报名 {}/{capacity}，候补 {}，到场 {}",
                        a.id, a.date, a.start_time, a.end_time, a.title, a.registered, a.waitlisted, a.attended
                    );
                }
            }
        }
        Command::Signups { activity, json } => {
            let signups = ledger.activity(activity)?.signups;
            if json {
                print_json(&signups)?;
            } else {
                for s in signups {
                    let status = match s.status.as_str() {
                        "registered" => "已报名".to_string(),
                        "waitlisted" => format!("候补第 {} 位", s.position.unwrap_or_default()),
                        _ => "已取消".to_string(),
                    };
                    println!("{}\t{}\t{status}", s.name, s.address.unwrap_or_default());
                }
            }
        }
        Command::Audit { from, to, by, limit, json } => {
            let filter =
                xinghe_ledger::audit::AuditFilter { from, to, operator: by, limit: Some(limit), ..Default::default() };
            let page = ledger.audit_log(&filter)?;
            if json {
                print_json(&page)?;
            } else {
                println!("共 {} 条，列出 {} 条（最新的在前）", page.total, page.rows.len());
                for row in &page.rows {
                    println!("{}  {}  {}{}  {}", row.at, row.operator, row.action, row.entity, row.summary);
                    for c in &row.changes {
                        let text = |v: &serde_json::Value| match v {
                            serde_json::Value::Null => "（空）".to_string(),
                            serde_json::Value::String(s) if s.is_empty() => "（空）".to_string(),
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        println!("    {}：{} → {}", c.label, text(&c.before), text(&c.after));
                    }
                }
            }
        }
        Command::Stats { json } => {
            let stats = ledger.stats()?;
            if json {
                print_json(&stats)?;
            } else {
                println!(
                    "户数 {}，人数 {}，80 岁以上 {}，特殊关爱 {}，党员 {}，志愿者 {}",
                    stats.households,
                    stats.residents,
                    stats.aged_80_plus,
                    stats.care_needs,
                    stats.party_members,
                    stats.volunteers
                );
            }
        }
        Command::Check { json } => {
            let report = ledger.check()?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "完整性：{}；外键问题：{} 处；数据版本：{}（程序支持 {}）",
                    report.integrity.join("，"),
                    report.foreign_key_violations,
                    report.schema_version,
                    report.supported_schema_version
                );
            }
            if !report.healthy {
                eprintln!("数据库检查未通过");
                return Ok(ExitCode::from(1));
            }
        }
        Command::Backup { out } => {
            // A folder, or a path without an extension (a scheduled task's folder not made yet).
            let written = if out.is_dir() || out.extension().is_none() {
                std::fs::create_dir_all(&out).map_err(|e| {
                    Error::Io(std::io::Error::new(e.kind(), format!("无法创建备份文件夹 {}：{e}", out.display())))
                })?;
                ledger.backup_to_folder(&out, local_now())?
            } else {
                ledger.backup_to(&out)?;
                out
            };
            let stats = ledger.stats()?;
            println!(
                "已备份到 {}（{} 户，{} 人），完整性检查通过",
                written.display(),
                stats.households,
                stats.residents
            );
        }
        Command::Encrypt => {
            ledger.encrypt(password()?)?;
            println!(
                "已加密 {}，以后打开要用这个密码，备份也用它加密。请牢记密码：忘记密码，数据将无法恢复",
                db.display()
            );
        }
        Command::Decrypt => {
            ledger.decrypt(password()?)?;
            println!("已取消 {} 的加密，现在是普通的 SQLite 文件；之前加密的备份仍要用原来的密码恢复", db.display());
        }
        Command::Restore { file, yes, backup_password } => {
            // The backup's own password when given (the key owner changed theirs since, or the
            // register was decrypted since); else the register's.
            let backup_key = backup_password.as_deref().or(cli.password.as_deref()).map(Passphrase::new).transpose()?;
            let info = inspect_backup_with(&file, backup_key.as_ref())?;
            print_backup_info(&info);
            let folder = backup::default_folder(&db);
            if !yes {
                println!(
                    "恢复后，{} 中的当前数据将被这份备份替换；恢复前会先把当前数据备份到 {}。",
                    db.display(),
                    folder.display()
                );
                if !confirmed() {
                    println!("已取消，没有改动");
                    return Ok(ExitCode::from(1));
                }
            }
            let report = ledger.restore_from_with(&file, &folder, backup_key.as_ref())?;
            let migrated = match report.migrated_from {
                Some(from) => format!("，数据版本已从 {from} 升级到 {}", report.schema_version),
                None => String::new(),
            };
            println!("已从备份恢复{migrated}。恢复前的数据已备份到 {}", report.safety_backup);
        }
        Command::Search { query, json } => {
            let hits = ledger.search(&query)?;
            if json {
                print_json(&hits)?;
            } else if hits.is_empty() {
                println!("没有找到“{query}”");
            } else {
                for hit in hits {
                    println!("{}\t{}\t{}", hit.name, hit.address, hit.phone_masked.unwrap_or_default());
                }
            }
        }
        Command::Signup(args) => return signup(&mut ledger, &args),
        Command::Hours { action: Some(HoursAction::Add(args)), .. } => return add_hours(&mut ledger, &args),
        Command::Hours { action: None, period, json } => {
            let (from, to) = period.dates()?;
            let report = ledger.hours_report(from, to)?;
            if json {
                print_json(&report)?;
            } else {
                print_hours_report(&report);
            }
        }
        Command::Export { what: ExportWhat::Hours, out, grid, period } => {
            if grid.is_some() {
                return Err(Error::invalid("grid", "志愿时长统计不按网格导出，请去掉 --grid"));
            }
            let (from, to) = period.dates()?;
            let count = ledger.export_hours(from, to, &out)?;
            println!("已导出志愿时长统计（含 {count} 条服务记录）到 {}", out.display());
        }
        Command::Export { what, out, grid, period } => {
            if period.is_set() {
                return Err(Error::invalid("from", "--from/--to 只用于导出志愿时长（export hours）"));
            }
            let filter = HouseholdFilter {
                grid_id: grid.map(|name| ledger.grid_id_by_name(&name)).transpose()?,
                ..Default::default()
            };
            let (count, noun) = match what {
                ExportWhat::Residents => (ledger.export_residents(&filter, &out)?, "位居民"),
                _ => (ledger.export_households(&filter, &out)?, "户"),
            };
            println!("已导出 {count} {noun}到 {}", out.display());
        }
        Command::Print { what: Print::Roster { out, grid, unmasked } } => {
            let options = RosterOptions { unmasked, printed_at: local_now() };
            let (roster, printed) = ledger.roster_pdf(grid.as_deref(), &options)?;
            save_pdf(
                &printed,
                &out,
                &format!("居民花名册（{} 户 {} 人）", roster.households.len(), roster.residents()),
            )?;
        }
        Command::Print { what: Print::SignUp(args) } => {
            let options = SheetOptions { blank_rows: args.blank_rows, ..SheetOptions::new(local_now()) };
            save_pdf(&sign_up_sheet(&ledger.activity_sheet(args.activity)?, &options)?, &args.out, "报名表")?;
        }
        Command::Print { what: Print::SignIn(args) } => {
            let options = SheetOptions { blank_rows: args.blank_rows, ..SheetOptions::new(local_now()) };
            save_pdf(&sign_in_sheet(&ledger.activity_sheet(args.activity)?, &options)?, &args.out, "签到表")?;
        }
        Command::Print { what: Print::Attendance { series, out } } => {
            let printed = attendance_sheet(&ledger.attendance_grid(series)?, &SheetOptions::new(local_now()))?;
            save_pdf(&printed, &out, "考勤表")?;
        }
        Command::Print { what: Print::Certificate { volunteer, period, out } } => {
            let (from, to) = period.dates()?;
            let volunteer = ledger.volunteer_by_number(&volunteer)?;
            let certificate = ledger.issue_certificate(volunteer.id, from, to)?;
            let what = format!(
                "志愿服务记录证明（{} {}，{}，证明编号 {}）",
                volunteer.number, volunteer.name, certificate.total_text, certificate.certificate_number
            );
            save_pdf(&certificate_pdf(&certificate, local_now())?, &out, &what)?;
        }
        Command::Print { what: Print::Hours { period, out } } => {
            let (from, to) = period.dates()?;
            let report = ledger.hours_report(from, to)?;
            let community = ledger.community_name()?.unwrap_or_default();
            let what = format!("志愿服务时长统计（合计 {}）", report.total_text);
            save_pdf(&hours_report_pdf(&report, &community, local_now())?, &out, &what)?;
        }
        Command::Print { what: Print::CareList { days, out } } => {
            let list = ledger.care_list(days)?;
            let community = ledger.community_name()?.unwrap_or_default();
            let what = format!("关爱走访清单（{} 户，其中逾期 {} 户）", list.households.len(), list.overdue);
            save_pdf(&care_checklist_pdf(&list, &community, local_now())?, &out, &what)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---- Writing from the command line: sign-ups and hours, one transaction per change ----

/// Who signs up for which session.
#[derive(clap::Args)]
struct SignupArgs {
    /// 活动编号（见 activities 命令的第一列）
    #[arg(long)]
    activity: i64,
    /// 居民编号（search --json 中的 id），可重复给出
    #[arg(long = "resident", required_unless_present = "residents_file")]
    residents: Vec<i64>,
    /// 文本文件，每行一个居民编号（空行和 # 开头的行忽略），按顺序报名
    #[arg(long)]
    residents_file: Option<PathBuf>,
    /// 每提交一人输出一行 JSON（JSON Lines）
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum HoursAction {
    /// 登记志愿服务时长（待审核）：一条用参数给出，或用 --file 从 CSV 文件逐条登记
    Add(HoursAddArgs),
}

#[derive(clap::Args)]
struct HoursAddArgs {
    /// 志愿者编号，例如 LH-00001
    #[arg(long, required_unless_present = "file")]
    volunteer: Option<String>,
    /// 服务日期，例如 2026-11-20
    #[arg(long, required_unless_present = "file")]
    date: Option<String>,
    /// 开始时间，例如 09:00
    #[arg(long, required_unless_present = "file")]
    start: Option<String>,
    /// 结束时间，例如 11:30（次日结束写“次日 02:00”或加 --overnight）
    #[arg(long, required_unless_present = "file")]
    end: Option<String>,
    /// 服务在次日结束（例如夜间值守 22:00–次日 02:00）
    #[arg(long)]
    overnight: bool,
    /// 服务内容
    #[arg(long, required_unless_present = "file")]
    content: Option<String>,
    /// 服务地点
    #[arg(long, default_value = "")]
    place: String,
    /// 组织单位
    #[arg(long, default_value = "")]
    organiser: String,
    /// CSV 文件（UTF-8 或 GBK），每行一条：志愿者编号,服务日期,开始时间,结束时间,服务内容[,服务地点,组织单位]；
    /// 第一行是表头时跳过
    #[arg(long, conflicts_with_all = ["volunteer", "date", "start", "end", "overnight", "content", "place", "organiser"])]
    file: Option<PathBuf>,
    /// 每提交一条输出一行 JSON（JSON Lines）
    #[arg(long)]
    json: bool,
}

/// One period of service to record, as typed or read from the file.
struct HoursLine {
    /// How messages name it: "" for the one given by arguments, "第 N 行：" for a file line.
    label: String,
    volunteer: String,
    date: String,
    start: String,
    end: String,
    overnight: bool,
    content: String,
    place: String,
    organiser: String,
}

/// Says that one change is committed, only after the commit, and flushes at once: a script (or
/// the crash test) reading the lines knows exactly what is in the database, even if the process
/// is killed the next moment.
fn report_committed(json: bool, line: serde_json::Value, text: String) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{line}")?;
    } else {
        writeln!(out, "{text}")?;
    }
    out.flush()?;
    Ok(())
}

/// A refusal of one item (bad value, a rule, not found, already there) is reported and the
/// others go on; a database or file error stops the whole run.
fn is_refusal(e: &Error) -> bool {
    matches!(e, Error::Invalid(_) | Error::NotFound { .. } | Error::Conflict(_) | Error::Refused(_))
}

/// A text file as UTF-8, or as GBK (GB18030) when it is not UTF-8, as Chinese Excel saves it.
fn read_text(path: &std::path::Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Refused(format!("无法读取文件 {}：{e}", path.display())))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
    })
}

/// Resident ids, one a line; every line is checked before anything is written.
fn read_resident_ids(path: &std::path::Path) -> Result<Vec<(String, i64)>, Error> {
    let mut ids = Vec::new();
    for (n, line) in read_text(path)?.lines().enumerate() {
        let text = line.trim().trim_start_matches('\u{feff}');
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let id = text.parse::<i64>().map_err(|_| {
            Error::invalid(
                "residents_file",
                format!("{} 第 {} 行“{text}”不是居民编号（应为数字，见 search --json 的 id）", path.display(), n + 1),
            )
        })?;
        ids.push((format!("第 {} 行（居民 {id}）：", n + 1), id));
    }
    Ok(ids)
}

fn signup(ledger: &mut Ledger, args: &SignupArgs) -> Result<ExitCode, Error> {
    use xinghe_ledger::activities::Attendee;
    let mut residents: Vec<(String, i64)> = args.residents.iter().map(|id| (format!("居民 {id}："), *id)).collect();
    if let Some(path) = &args.residents_file {
        residents.extend(read_resident_ids(path)?);
    }
    let title = ledger.activity(args.activity)?.row.title;
    let (mut registered, mut waitlisted, mut refused) = (0, 0, 0);
    for (label, resident_id) in residents {
        match ledger.sign_up(args.activity, &Attendee::Resident { resident_id }) {
            Ok(outcome) => {
                let text = if outcome.status == "waitlisted" {
                    waitlisted += 1;
                    format!("已进入候补：{}（报名编号 {}）", outcome.name, outcome.signup_id)
                } else {
                    registered += 1;
                    format!("已报名：{}（报名编号 {}）", outcome.name, outcome.signup_id)
                };
                let line = serde_json::json!({
                    "committed": "signup",
                    "signup_id": outcome.signup_id,
                    "activity_id": args.activity,
                    "resident_id": resident_id,
                    "name": outcome.name,
                    "status": outcome.status,
                });
                report_committed(args.json, line, text)?;
            }
            Err(e) if is_refusal(&e) => {
                eprintln!("{label}{e}");
                refused += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if !args.json {
        println!("“{title}”：本次报名 {registered} 人，候补 {waitlisted} 人，未能报名 {refused} 人");
    }
    Ok(if refused > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// "次日 02:00" ends the next day.
fn split_next_day(end: &str) -> (String, bool) {
    match end.trim().strip_prefix("次日") {
        Some(rest) => (rest.trim().to_string(), true),
        None => (end.trim().to_string(), false),
    }
}

/// The lines of an hours file; one with too few columns refuses the file before any write.
fn read_hours_file(path: &std::path::Path) -> Result<Vec<HoursLine>, Error> {
    let text = read_text(path)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Refused(format!("无法读取 {}：{e}", path.display())))?;
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        let cell = |i: usize| record.get(i).unwrap_or_default().trim_start_matches('\u{feff}').to_string();
        if record.iter().all(str::is_empty) || (lines.is_empty() && cell(0).contains("编号")) {
            continue;
        }
        if record.len() < 5 {
            return Err(Error::invalid(
                "file",
                format!(
                    "{} 第 {line} 行只有 {} 列，应为：志愿者编号,服务日期,开始时间,结束时间,服务内容[,服务地点,组织单位]",
                    path.display(),
                    record.len()
                ),
            ));
        }
        let (end, overnight) = split_next_day(&cell(3));
        lines.push(HoursLine {
            label: format!("第 {line} 行："),
            volunteer: cell(0),
            date: cell(1),
            start: cell(2),
            end,
            overnight,
            content: cell(4),
            place: cell(5),
            organiser: cell(6),
        });
    }
    Ok(lines)
}

/// Records one line; the entry's id and what was recorded.
fn record_line(
    ledger: &mut Ledger,
    line: &HoursLine,
) -> Result<(i64, xinghe_ledger::volunteers::VolunteerRow, xinghe_ledger::hours::ValidEntry), Error> {
    let volunteer = ledger.volunteer_by_number(&line.volunteer)?;
    let input = xinghe_ledger::hours::HourEntryInput {
        volunteer_id: volunteer.id,
        date: line.date.clone(),
        start_time: line.start.clone(),
        end_time: line.end.clone(),
        overnight: line.overnight,
        content: line.content.clone(),
        place: line.place.clone(),
        organiser: line.organiser.clone(),
        ..Default::default()
    };
    let valid = input.validate()?;
    let id = ledger.record_hours(&input)?;
    Ok((id, volunteer, valid))
}

fn add_hours(ledger: &mut Ledger, args: &HoursAddArgs) -> Result<ExitCode, Error> {
    let lines = match &args.file {
        Some(path) => read_hours_file(path)?,
        None => {
            let given = |value: &Option<String>| value.clone().unwrap_or_default();
            let (end, next_day) = split_next_day(&given(&args.end));
            vec![HoursLine {
                label: String::new(),
                volunteer: given(&args.volunteer),
                date: given(&args.date),
                start: given(&args.start),
                end,
                overnight: args.overnight || next_day,
                content: given(&args.content),
                place: args.place.clone(),
                organiser: args.organiser.clone(),
            }]
        }
    };
    let (mut recorded, mut minutes, mut refused) = (0, 0, 0);
    for line in &lines {
        match record_line(ledger, line) {
            Ok((id, volunteer, entry)) => {
                recorded += 1;
                minutes += entry.minutes();
                let text = format!(
                    "已登记第 {id} 条志愿服务时长（待审核）：{} {} {} {}，{}",
                    volunteer.number,
                    volunteer.name,
                    entry.when(),
                    entry.content,
                    format_minutes(entry.minutes())
                );
                let json = serde_json::json!({
                    "committed": "hours",
                    "entry_id": id,
                    "volunteer": volunteer.number,
                    "date": entry.date.to_string(),
                    "start_time": entry.start_time.format("%H:%M").to_string(),
                    "end_time": entry.end_time.format("%H:%M").to_string(),
                    "overnight": entry.overnight,
                    "minutes": entry.minutes(),
                });
                report_committed(args.json, json, text)?;
            }
            Err(e) if is_refusal(&e) => {
                eprintln!("{}{e}", line.label);
                refused += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if !args.json && lines.len() > 1 {
        println!("共登记 {recorded} 条，合计 {}（待审核）；未能登记 {refused} 条", format_minutes(minutes));
    }
    Ok(if refused > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
