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
use xinghe_ledger::care_sheet::care_checklist_pdf;
use xinghe_ledger::dates::{local_now, NaiveDate};
use xinghe_ledger::demo::DEFAULT_HOUSEHOLDS;
use xinghe_ledger::hours::{format_minutes, GroupHours, HoursReport};
use xinghe_ledger::import::{ImportOptions, ImportReport};
use xinghe_ledger::model::HouseholdFilter;
use xinghe_ledger::pdf::PrintedPdf;
use xinghe_ledger::pdf::MISSING_MARK;
use xinghe_ledger::roster::{self, RosterOptions};
use xinghe_ledger::volunteer_sheets::{certificate_pdf, hours_report_pdf, hours_text, period_text};
use xinghe_ledger::{Error, Ledger};

#[derive(Parser)]
#[command(name = "xinghe-cli", version, about = "星河社区台账 命令行工具")]
struct Cli {
    /// 数据库文件路径（也可用环境变量 XINGHE_DB 指定）
    #[arg(long, env = "XINGHE_DB", global = true)]
    db: Option<PathBuf>,
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
    /// 志愿服务时长统计（只计已确认的时长）：按志愿者、条线、组织、月份
    Hours {
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

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let Some(db) = cli.db else {
        return Err(Error::Refused("请用 --db 指定数据库文件，或设置环境变量 XINGHE_DB".into()));
    };
    let mut ledger = match &cli.command {
        Command::Import { dry_run: true, .. } if !db.exists() => Ledger::open_in_memory()?,
        _ => Ledger::open(&db)?,
    };
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
        Command::Hours { period, json } => {
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
            let roster = ledger.roster(grid.as_deref())?;
            let options = RosterOptions { unmasked, printed_at: local_now() };
            let printed = roster::render(&roster, &options)?;
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
            let certificate = ledger.certificate(volunteer.id, from, to)?;
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
