//! `xinghe-cli`: the register without a window, for scripts, scheduled jobs and support.
//! Every command prints its result on stdout; bad input prints a Chinese message on stderr
//! and exits 1, and a failed command never leaves a half-written change.

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xinghe_formats::pdf::PrintedPdf;
use xinghe_formats::pdf::MISSING_MARK;
use xinghe_ledger::access::password_tries::PasswordTries;
use xinghe_ledger::activities::print::{
    attendance_sheet, sign_in_sheet, sign_up_sheet, SheetOptions, DEFAULT_BLANK_ROWS,
};
use xinghe_ledger::activities::ActivityFilter;
use xinghe_ledger::care::print::care_checklist_pdf;
use xinghe_ledger::demo::DEFAULT_HOUSEHOLDS;
use xinghe_ledger::hours::print::{certificate_pdf, hours_report_pdf, hours_text, period_text};
use xinghe_ledger::hours::{format_minutes, GroupHours, HoursReport};
use xinghe_ledger::register::import::{ImportOptions, ImportReport};
use xinghe_ledger::register::model::HouseholdFilter;
use xinghe_ledger::register::roster::RosterOptions;
use xinghe_ledger::safety::backup::{self, inspect_backup_with, BackupInfo};
use xinghe_ledger::store::cipher::{is_plain_sqlite, Passphrase};
use xinghe_ledger::store::output::SavePdf;
use xinghe_ledger::values::dates::{local_now, NaiveDate};
use xinghe_ledger::{Error, Ledger};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(name = "xinghe-cli", version, about = "星河社区台账 命令行工具")]
struct Cli {
    /// 数据库文件路径（也可用环境变量 XINGHE_DB 指定）
    #[arg(long, env = "XINGHE_DB", global = true)]
    db: Option<PathBuf>,
    /// 记录为录入人/审核人的姓名（默认用台账设置中的操作人）
    #[arg(long, env = "XINGHE_OPERATOR", global = true)]
    operator: Option<String>,
    /// 已加密台账的密码（管理员的密码）；未加密的台账不需要。会出现在进程列表中，请改用
    /// --password-stdin、环境变量 XINGHE_PASSWORD，或在终端中按提示输入（不显示）
    #[arg(long, env = "XINGHE_PASSWORD", global = true, hide_env_values = true)]
    password: Option<String>,
    /// 从标准输入的第一行读取密码（不出现在进程列表中）；与 restore 同用时须加 --yes
    #[arg(long, global = true)]
    password_stdin: bool,
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
        /// 覆盖已有的备份文件：只能是本台账以前的备份，其他文件一律不覆盖
        #[arg(long)]
        force: bool,
    },
    /// 加密数据库文件（密码至少 8 个字符，不能全是同一个字符或 12345678 这样的连续数字、字母）；
    /// 在终端中按提示输入两次，或用 --password-stdin 给出；备份也用同一密码加密。忘记密码，数据将无法恢复
    Encrypt,
    /// 取消加密，数据库恢复为普通的 SQLite 文件（在终端中按提示输入当前密码，或用 --password-stdin）
    Decrypt,
    /// 从备份恢复：先显示备份内容并确认；恢复前自动备份当前数据（加密的备份用 --password 读取；
    /// 备份时的密码不同时用 --backup-password）
    Restore {
        /// 备份文件（.xinghe.db）
        file: PathBuf,
        /// 加密备份的密码，即备份时管理员的密码；不给出时用台账的密码，不对时在终端中提示输入。
        /// 会出现在进程列表中，请改用 --backup-password-stdin 或环境变量 XINGHE_BACKUP_PASSWORD
        #[arg(long, env = "XINGHE_BACKUP_PASSWORD", hide_env_values = true)]
        backup_password: Option<String>,
        /// 从标准输入读取备份的密码：第一行；与 --password-stdin 同用时，第一行是台账的密码、第二行是备份的密码。须加 --yes
        #[arg(long)]
        backup_password_stdin: bool,
        /// 不询问，直接恢复（用于脚本）
        #[arg(long)]
        yes: bool,
        /// 确认恢复另一个社区的备份（社区名称与当前台账不同时必须给出；--yes 不够）
        #[arg(long)]
        other_community: bool,
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
        /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
        #[arg(long)]
        force: bool,
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
        /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
        #[arg(long)]
        force: bool,
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
        /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
        #[arg(long)]
        force: bool,
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
        /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 志愿服务时长统计表（只计已确认的时长）
    Hours {
        #[command(flatten)]
        period: Period,
        #[arg(long)]
        out: PathBuf,
        /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
        #[arg(long)]
        force: bool,
    },
    /// 关爱走访清单：按楼栋分页，供楼栋长上门走访时填写（A4 横向）
    #[command(name = "care-list")]
    CareList {
        /// 超过多少天未上门算逾期（默认用设置中的天数，初始 30 天）
        #[arg(long)]
        days: Option<i64>,
        #[arg(long)]
        out: PathBuf,
        /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
        #[arg(long)]
        force: bool,
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
    /// 覆盖已有的文件（不加时，已有的文件不会被覆盖）
    #[arg(long)]
    force: bool,
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

/// `println!` that does not panic when stdout is closed (`xinghe-cli … | head`): the write error
/// returns from the enclosing function, and `main` ends the command quietly (EXIT_CLOSED_OUTPUT).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            return Err(Error::from(e).into());
        }
    }};
}

/// `eprintln!` that never panics: a message that cannot be shown (stderr closed) is dropped.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// The exit code when the reader of stdout went away (a closed pipe): 141 = 128 + SIGPIPE, what
/// the shell reports for cat, grep or seq in the same place, so a script with `set -o pipefail`
/// treats xinghe-cli like them. Not 0: a command that writes (signup, hours add) stops at once
/// when nobody reads its "committed" lines, and must not report that it went through all input.
const EXIT_CLOSED_OUTPUT: u8 = 141;

fn is_closed_output(e: &Error) -> bool {
    matches!(e, Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn main() -> ExitCode {
    xinghe_ledger::store::cleanup::install_signal_handlers();
    let parsed = Cli::command().try_get_matches().and_then(|m| Ok((Cli::from_arg_matches(&m)?, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(1) } else { ExitCode::SUCCESS };
        }
    };
    // A malformed XINGHE_TODAY (a testing setting) stops every command before it reads the clock.
    if let Err(message) = xinghe_ledger::values::dates::pinned_today() {
        errln!("错误：{message}");
        return ExitCode::from(2);
    }
    // Every user of the computer sees a process's arguments (ps, /proc/PID/cmdline); the
    // environment (XINGHE_PASSWORD) only its owner.
    let typed = |m: &clap::ArgMatches, id: &str| m.value_source(id) == Some(ValueSource::CommandLine);
    let passwords = PasswordsGiven {
        password_on_command_line: typed(&matches, "password"),
        backup_password_on_command_line: matches
            .subcommand_matches("restore")
            .is_some_and(|m| typed(m, "backup_password")),
    };
    if passwords.password_on_command_line {
        errln!("警告：--password 会出现在进程列表中，请改用 --password-stdin 或交互输入");
    }
    if passwords.backup_password_on_command_line {
        errln!("警告：--backup-password 会出现在进程列表中，请改用 --backup-password-stdin 或交互输入");
    }
    let db = cli.db.clone();
    match run(cli, passwords) {
        Ok(code) => code,
        Err(e) if is_closed_output(&e) => ExitCode::from(EXIT_CLOSED_OUTPUT),
        Err(e) => {
            // Names the register in a lock, a full disk, a restore in progress elsewhere.
            let e = match &db {
                Some(db) => e.at(db),
                None => e,
            };
            match e {
                Error::OtherCommunity { .. } => errln!("错误：{e}（命令行：确认无误后加 --other-community 再运行）"),
                e => errln!("错误：{e}"),
            }
            ExitCode::from(1)
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    outln!("{}", serde_json::to_string_pretty(value).map_err(|e| Error::Refused(e.to_string()))?);
    Ok(())
}

fn print_import_report(report: &ImportReport) -> Result<(), Error> {
    let verb = if report.dry_run { "检查完毕（未写入）" } else { "导入完成" };
    outln!(
        "{verb}：新建 {} 户，新增居民 {} 人，更新 {} 人，无变化 {} 人，拒绝 {} 行，跳过 {} 行",
        report.households_created,
        report.residents_created,
        report.residents_updated,
        report.residents_unchanged,
        report.rejected.len(),
        report.skipped.len()
    );
    for issue in &report.rejected {
        outln!("  第 {} 行【{}】{}", issue.row, issue.column, issue.reason);
    }
    for issue in &report.warnings {
        outln!("  提示：第 {} 行【{}】{}", issue.row, issue.column, issue.reason);
    }
    if !report.unknown_columns.is_empty() {
        outln!("  未识别的列（已忽略）：{}", report.unknown_columns.join("、"));
    }
    Ok(())
}

/// Saves a printout and says so, warning about characters no font could print.
fn save_pdf(printed: &PrintedPdf, out: &std::path::Path, what: &str) -> Result<(), Error> {
    printed.save(out)?;
    outln!("已生成{what}：{}，共 {} 页", out.display(), printed.pages);
    if !printed.missing_characters.is_empty() {
        let missing: Vec<String> = printed.missing_characters.iter().map(char::to_string).collect();
        errln!("警告：字体中没有这些字符，已印成“{MISSING_MARK}”，请在纸上手工补写：{}", missing.join("、"));
    }
    Ok(())
}

/// The hours report as a readable table: the total first, then each grouping.
fn print_hours_report(report: &HoursReport) -> Result<(), Error> {
    let pending = if report.pending_minutes > 0 {
        format!("待审核 {} 未计入", format_minutes(report.pending_minutes))
    } else {
        "没有待审核的时长".to_string()
    };
    outln!(
        "志愿服务时长统计（{}）：合计 {}（{} 小时），{} 名志愿者；只计已确认的时长，{pending}",
        period_text(report.from.as_deref(), report.to.as_deref()),
        report.total_text,
        hours_text(report.total_minutes),
        report.by_volunteer.len()
    );
    outln!("编号\t姓名\t条线\t所属组织\t次数\t小时\t时长");
    for v in &report.by_volunteer {
        outln!(
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
        outln!("{title}：");
        for g in groups {
            outln!("  {}\t{} 人\t{} 次\t{} 小时\t{}", g.label, g.volunteers, g.entries, hours_text(g.minutes), g.text);
        }
    }
    Ok(())
}

/// What a backup holds, as `restore` shows it before asking.
fn print_backup_info(info: &BackupInfo) -> Result<(), Error> {
    let c = &info.counts;
    outln!("备份文件：{}", info.path);
    outln!("社区：{}", info.community_name.as_deref().unwrap_or("（未填写）"));
    outln!("备份时间：{}", info.created_at.as_deref().or(info.modified.as_deref()).unwrap_or("未知"));
    let migrate = if info.needs_migration { "，恢复时将升级到本程序的版本" } else { "" };
    outln!("数据版本：{}（本程序 {}）{migrate}", info.schema_version, info.supported_schema_version);
    outln!(
        "户数 {}，居民 {}，活动 {}，志愿者 {}，服务时长记录 {}，服务与走访 {}，书记项目 {}",
        c.households,
        c.residents,
        c.activities,
        c.volunteers,
        c.hour_entries,
        c.services,
        c.projects
    );
    Ok(())
}

/// Reads one line from stdin; only y (or Y) confirms.
fn confirmed() -> Result<bool, Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    write!(out, "输入 y 确认：")?;
    out.flush()?;
    let mut answer = String::new();
    Ok(std::io::stdin().read_line(&mut answer).is_ok() && answer.trim().eq_ignore_ascii_case("y"))
}

/// Whether `command` changes the register, an audit row included (a full export of residents
/// or households, an unmasked roster, a certificate's number). The others open it only to read
/// (Ledger::open_for_reading): nothing is written, so they work on a full disk, while another
/// program holds the write lock, and on a network folder.
fn writes(command: &Command) -> bool {
    match command {
        Command::Stats { .. }
        | Command::Check { .. }
        | Command::Backup { .. }
        | Command::Search { .. }
        | Command::Activities { .. }
        | Command::Signups { .. }
        | Command::Audit { .. }
        | Command::Hours { action: None, .. }
        | Command::Export { what: ExportWhat::Hours, .. } => false,
        Command::Print { what } => matches!(what, Print::Certificate { .. } | Print::Roster { unmasked: true, .. }),
        _ => true,
    }
}

/// `backup --out`: a folder, or a path without an extension (a scheduled task's folder not made
/// yet), gets a dated copy that never replaces anything.
fn is_backup_folder(out: &Path) -> bool {
    out.is_dir() || out.extension().is_none()
}

impl Command {
    /// The file this command writes, and whether --force lets it replace an existing one.
    fn output(&self) -> Option<(&Path, bool)> {
        match self {
            Command::Backup { out, force } if !is_backup_folder(out) => Some((out, *force)),
            Command::Export { out, force, .. } => Some((out, *force)),
            Command::Print { what } => Some(match what {
                Print::SignUp(args) | Print::SignIn(args) => (&args.out, args.force),
                Print::Roster { out, force, .. }
                | Print::Attendance { out, force, .. }
                | Print::Certificate { out, force, .. }
                | Print::Hours { out, force, .. }
                | Print::CareList { out, force, .. } => (out, *force),
            }),
            _ => None,
        }
    }
}

/// Before any work (a certificate gets its number when issued): the open register, its SQLite
/// files and its backups are never written (the writers refuse them too, crate::store::output), and an
/// existing file only with --force — a typo in --out must not replace someone's spreadsheet.
fn refuse_output(out: &Path, force: bool) -> Result<(), Error> {
    xinghe_ledger::store::output::refuse_protected(out)?;
    if !force && (out.exists() || out.is_symlink()) {
        return Err(Error::invalid("out", format!("{} 已存在，没有覆盖；确实要替换它时，请加 --force", out.display())));
    }
    Ok(())
}

// ---- Passwords: never needed on the command line ----

/// Where the passwords given came from, as far as `run` needs to know.
struct PasswordsGiven {
    /// `--password` typed as an argument (not from XINGHE_PASSWORD): it gets a warning, and
    /// `--password-stdin` beside it is a contradiction.
    password_on_command_line: bool,
    backup_password_on_command_line: bool,
}

/// A password longer than this on standard input is refused (the longest allowed is 128
/// characters, at most 4 bytes each); reading stops there, so /dev/zero cannot fill the memory.
const MAX_STDIN_PASSWORD_BYTES: usize = 1024;

/// Standard input without Rust's buffer: reading a password line takes exactly that line, and a
/// command that reads standard input afterwards (a file given as /dev/stdin) gets the rest.
fn unbuffered_stdin() -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    let owned = std::os::fd::AsFd::as_fd(&std::io::stdin()).try_clone_to_owned()?;
    #[cfg(windows)]
    let owned = std::os::windows::io::AsHandle::as_handle(&std::io::stdin()).try_clone_to_owned()?;
    Ok(std::fs::File::from(owned))
}

/// One line of standard input (without its line ending), byte by byte. `what` names it.
fn read_stdin_line(what: &str) -> Result<Zeroizing<String>, Error> {
    let cannot = |e: std::io::Error| Error::Refused(format!("无法从标准输入读取{what}：{e}"));
    let mut stdin = unbuffered_stdin().map_err(cannot)?;
    // Sized up front so the bytes never move (a moved buffer leaves a copy behind unwiped).
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_STDIN_PASSWORD_BYTES + 1));
    let mut byte = [0u8; 1];
    loop {
        match stdin.read(&mut byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() >= MAX_STDIN_PASSWORD_BYTES => {
                return Err(Error::invalid(
                    "password",
                    format!("标准输入中的{what}太长（超过 {MAX_STDIN_PASSWORD_BYTES} 字节）"),
                ));
            }
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(cannot(e)),
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.is_empty() {
        return Err(Error::invalid("password", format!("标准输入中没有{what}：请在这一行给出{what}")));
    }
    let text = std::str::from_utf8(&line)
        .map_err(|_| Error::invalid("password", format!("标准输入中的{what}不是 UTF-8 文字")))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Asks at the terminal without showing what is typed.
fn prompt_hidden(prompt: &str) -> Result<Zeroizing<String>, Error> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| Error::Refused(format!("无法在终端读取输入的密码：{e}")))
}

/// `--password-stdin` / `--backup-password-stdin`: the next line of a pipe or file, or, when
/// standard input is the terminal, a prompt that does not echo (a line typed there would show).
fn password_from_stdin(what: &str) -> Result<Zeroizing<String>, Error> {
    if std::io::stdin().is_terminal() {
        prompt_hidden(&format!("{what}："))
    } else {
        read_stdin_line(what)
    }
}

/// A new encryption password typed twice at the terminal; the rules are checked after the first.
fn prompt_new_encryption_password() -> Result<Zeroizing<String>, Error> {
    let first = prompt_hidden("新的加密密码（至少 8 个字符；忘记密码，数据将无法恢复）：")?;
    xinghe_ledger::access::operators::valid_encryption_password("password", &first)?;
    let again = prompt_hidden("再输入一次：")?;
    if first.as_bytes() != again.as_bytes() {
        return Err(Error::invalid("password", "两次输入的密码不一致，没有加密"));
    }
    Ok(first)
}

/// Tries a password on the encrypted `file`, refused without trying while the wait after five
/// wrong passwords in a row lasts (the count is kept between runs, password_tries.rs).
fn counted<T>(file: &Path, try_key: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match PasswordTries::in_state_folder(Box::new(|warning| errln!("警告：{warning}"))) {
        Some(tries) => tries.attempt(file, try_key),
        None => {
            errln!("警告：找不到用户的状态文件夹（没有 HOME），这次密码错误不计数");
            try_key()
        }
    }
}

/// True when `db` is a file that is not plain SQLite: encrypted (or damaged).
fn looks_encrypted(db: &Path) -> bool {
    db.is_file() && !is_plain_sqlite(db).unwrap_or(true)
}

fn run(cli: Cli, given: PasswordsGiven) -> Result<ExitCode, Error> {
    let Some(db) = cli.db else {
        return Err(Error::Refused("请用 --db 指定数据库文件，或设置环境变量 XINGHE_DB".into()));
    };
    let stdin_is_terminal = std::io::stdin().is_terminal();
    if cli.password_stdin && given.password_on_command_line {
        return Err(Error::invalid("password", "--password 和 --password-stdin 只能用一个（请用 --password-stdin）"));
    }
    let backup_password_stdin = matches!(cli.command, Command::Restore { backup_password_stdin: true, .. });
    if let Command::Restore { backup_password_stdin: true, backup_password: Some(_), .. } = &cli.command {
        if given.backup_password_on_command_line {
            return Err(Error::invalid(
                "backup_password",
                "--backup-password 和 --backup-password-stdin 只能用一个（请用 --backup-password-stdin）",
            ));
        }
    }
    // Standard input carries the passwords, so it cannot also carry restore's "y".
    if let Command::Restore { yes: false, .. } = &cli.command {
        if (cli.password_stdin || backup_password_stdin) && !stdin_is_terminal {
            return Err(Error::invalid(
                "yes",
                "密码从标准输入读取时，无法再从标准输入确认恢复：请加 --yes（可先在终端中运行、不加 --yes，查看备份内容后再决定）",
            ));
        }
    }
    // An explicit --password-stdin wins over XINGHE_PASSWORD; the first line is the register's.
    let mut password: Option<Zeroizing<String>> = if cli.password_stdin {
        Some(password_from_stdin("台账密码")?)
    } else {
        cli.password.clone().map(Zeroizing::new)
    };
    let stdin_backup_password = if backup_password_stdin { Some(password_from_stdin("备份密码")?) } else { None };
    let in_memory = matches!(cli.command, Command::Import { dry_run: true, .. }) && !db.exists();
    if password.is_none() && !in_memory && stdin_is_terminal && looks_encrypted(&db) {
        password = Some(prompt_hidden(&format!("台账 {} 的密码：", db.display()))?);
    }
    let writes = writes(&cli.command);
    let mut ledger = match &password {
        _ if in_memory => Ledger::open_in_memory()?,
        Some(password) if writes => counted(&db, || Ledger::open_with_password(&db, password))?,
        Some(password) => counted(&db, || Ledger::open_for_reading_with_password(&db, password))?,
        None => if writes { Ledger::open(&db) } else { Ledger::open_for_reading(&db) }.map_err(|e| match e {
            Error::Corrupt { .. } if looks_encrypted(&db) => Error::Refused(format!(
                "{e}。命令行给出密码：在终端中运行并按提示输入，或用 --password-stdin（从标准输入的第一行读取），或环境变量 XINGHE_PASSWORD"
            )),
            e => e,
        })?,
    };
    if let Some(name) = &cli.operator {
        ledger.set_operator(name);
    }
    if let Some((out, force)) = cli.command.output() {
        refuse_output(out, force)?;
    }
    match cli.command {
        Command::Demo { households, seed } => {
            ledger.create_demo(households, seed)?;
            let stats = ledger.stats()?;
            outln!(
                "已生成演示社区：{} 户，{} 人，其中 80 岁以上 {} 人",
                stats.households,
                stats.residents,
                stats.aged_80_plus
            );
        }
        Command::Import { file, sheet, dry_run, json } => {
            let options = ImportOptions { sheet, dry_run, ..ImportOptions::default() };
            let report = ledger.import_file(&file, &options, &mut |_| {})?;
            if json {
                print_json(&report)?;
            } else {
                print_import_report(&report)?;
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
                    outln!(
                        "{}\t{} {}-{}\t{}{cancelled}\t报名 {}/{capacity}，候补 {}，到场 {}",
                        a.id,
                        a.date,
                        a.start_time,
                        a.end_time,
                        a.title,
                        a.registered,
                        a.waitlisted,
                        a.attended
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
                    outln!("{}\t{}\t{status}", s.name, s.address.unwrap_or_default());
                }
            }
        }
        Command::Audit { from, to, by, limit, json } => {
            let filter = xinghe_ledger::access::audit::AuditFilter {
                from,
                to,
                operator: by,
                limit: Some(limit),
                ..Default::default()
            };
            let page = ledger.audit_log(&filter)?;
            if json {
                print_json(&page)?;
            } else {
                outln!("共 {} 条，列出 {} 条（最新的在前）", page.total, page.rows.len());
                if let Some(broken) = ledger.audit_chain()? {
                    errln!("{}", broken.message);
                }
                for row in &page.rows {
                    let carried = row.carried_from.as_ref().map(|c| format!("  〔{c}〕")).unwrap_or_default();
                    outln!("{}  {}  {}{}  {}{carried}", row.at, row.operator, row.action, row.entity, row.summary);
                    for c in &row.changes {
                        let text = |v: &serde_json::Value| match v {
                            serde_json::Value::Null => "（空）".to_string(),
                            serde_json::Value::String(s) if s.is_empty() => "（空）".to_string(),
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        outln!("    {}：{} → {}", c.label, text(&c.before), text(&c.after));
                    }
                }
            }
        }
        Command::Stats { json } => {
            let stats = ledger.stats()?;
            if json {
                print_json(&stats)?;
            } else {
                outln!(
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
                outln!(
                    "完整性：{}；外键问题：{} 处；数据版本：{}（程序支持 {}）",
                    report.integrity.join("，"),
                    report.foreign_key_violations,
                    report.schema_version,
                    report.supported_schema_version
                );
                // The chain is walked only on a sound file of this version (Ledger::check).
                let chain_walked =
                    report.integrity == ["ok"] && report.schema_version == report.supported_schema_version;
                match &report.audit_chain {
                    Some(broken) => outln!("{}", broken.message),
                    None if chain_walked => outln!("操作日志：记录链完整"),
                    None => outln!("操作日志：数据库未通过检查，记录链没有核对"),
                }
            }
            if !report.healthy {
                errln!("数据库检查未通过");
                return Ok(ExitCode::from(1));
            }
        }
        Command::Backup { out, .. } => {
            let written = if is_backup_folder(&out) {
                std::fs::create_dir_all(&out).map_err(|e| {
                    Error::Io(std::io::Error::new(e.kind(), format!("无法创建备份文件夹 {}：{e}", out.display())))
                })?;
                ledger.backup_to_folder(&out, local_now())?
            } else {
                ledger.backup_to(&out)?
            };
            let stats = ledger.stats()?;
            outln!(
                "已备份到 {}（{} 户，{} 人），完整性检查通过",
                written.path.display(),
                stats.households,
                stats.residents
            );
            // The copy stands even when its audit record could not be written (backup.rs,
            // record_backup): said plainly, and the exit code stays 0 — the backup is done.
            if let Some(warning) = &written.unrecorded {
                errln!("警告：{warning}");
            }
        }
        Command::Encrypt => {
            let password = match password {
                Some(password) => password,
                None if stdin_is_terminal => prompt_new_encryption_password()?,
                None => {
                    return Err(Error::invalid(
                        "password",
                        "请给出加密密码：在终端中运行并按提示输入，或用 --password-stdin（从标准输入的第一行读取），或环境变量 XINGHE_PASSWORD",
                    ))
                }
            };
            ledger.encrypt(&password)?;
            outln!(
                "已加密 {}，以后打开要用这个密码，备份也用它加密。请牢记密码：忘记密码，数据将无法恢复",
                db.display()
            );
        }
        Command::Decrypt => {
            // An encrypted register was opened with its password; a plain one is refused as such.
            ledger.decrypt(password.as_deref().map_or("", String::as_str))?;
            outln!("已取消 {} 的加密，现在是普通的 SQLite 文件；之前加密的备份仍要用原来的密码恢复", db.display());
        }
        Command::Restore { file, yes, backup_password, other_community, .. } => {
            // Before the file is read at all (reading the open register beside its connection
            // would drop SQLite's lock on it).
            if xinghe_ledger::store::output::is_same_file(&file, &db) {
                return Err(Error::Refused(format!("{} 就是正在使用的数据库，不能从它恢复", file.display())));
            }
            // The backup's own password when given (the key owner changed theirs since, or the
            // register was decrypted since); else the register's; at the terminal, asked for
            // when that is not the one.
            let explicit = stdin_backup_password.or(backup_password.map(Zeroizing::new));
            let mut backup_key = explicit.as_deref().or(password.as_deref()).map(|p| Passphrase::new(p)).transpose()?;
            let info = match counted(&file, || inspect_backup_with(&file, backup_key.as_ref())) {
                Err(e)
                    if explicit.is_none()
                        && stdin_is_terminal
                        && backup::needs_password(&file, backup_key.as_ref(), &e) =>
                {
                    let typed = prompt_hidden(&format!("备份文件 {} 的密码（备份时管理员的密码）：", file.display()))?;
                    backup_key = Some(Passphrase::new(&typed)?);
                    counted(&file, || inspect_backup_with(&file, backup_key.as_ref()))?
                }
                other => other?,
            };
            print_backup_info(&info)?;
            if !other_community {
                // Before asking: a y typed for 浏河社区 must not restore 星火社区.
                ledger.refuse_other_community(&info)?;
            }
            let folder = backup::default_folder(&db);
            if !yes {
                outln!(
                    "恢复后，{} 中的当前数据将被这份备份替换；恢复前会先把当前数据备份到 {}。",
                    db.display(),
                    folder.display()
                );
                if !confirmed()? {
                    outln!("已取消，没有改动");
                    return Ok(ExitCode::from(1));
                }
            }
            let options = backup::RestoreOptions { backup_key: backup_key.as_ref(), other_community };
            let report = ledger.restore(&file, &folder, options)?;
            let migrated = match report.migrated_from {
                Some(from) => format!("，数据版本已从 {from} 升级到 {}", report.schema_version),
                None => String::new(),
            };
            outln!("已从备份恢复{migrated}。恢复前的数据已备份到 {}", report.safety_backup);
        }
        Command::Search { query, json } => {
            let hits = ledger.search(&query)?;
            if json {
                print_json(&hits)?;
            } else if hits.is_empty() {
                outln!("没有找到“{query}”");
            } else {
                for hit in hits {
                    outln!("{}\t{}\t{}", hit.name, hit.address, hit.phone_masked.unwrap_or_default());
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
                print_hours_report(&report)?;
            }
        }
        Command::Export { what: ExportWhat::Hours, out, grid, period, .. } => {
            if grid.is_some() {
                return Err(Error::invalid("grid", "志愿时长统计不按网格导出，请去掉 --grid"));
            }
            let (from, to) = period.dates()?;
            let count = ledger.export_hours(from, to, &out)?;
            outln!("已导出志愿时长统计（含 {count} 条服务记录）到 {}", out.display());
        }
        Command::Export { what, out, grid, period, .. } => {
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
            outln!("已导出 {count} {noun}到 {}", out.display());
        }
        Command::Print { what: Print::Roster { out, grid, unmasked, .. } } => {
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
        Command::Print { what: Print::Attendance { series, out, .. } } => {
            let printed = attendance_sheet(&ledger.attendance_grid(series)?, &SheetOptions::new(local_now()))?;
            save_pdf(&printed, &out, "考勤表")?;
        }
        Command::Print { what: Print::Certificate { volunteer, period, out, .. } } => {
            let (from, to) = period.dates()?;
            let volunteer = ledger.volunteer_by_number(&volunteer)?;
            let certificate = ledger.issue_certificate(volunteer.id, from, to)?;
            let what = format!(
                "志愿服务记录证明（{} {}，{}，证明编号 {}）",
                volunteer.number, volunteer.name, certificate.total_text, certificate.certificate_number
            );
            save_pdf(&certificate_pdf(&certificate, local_now())?, &out, &what)?;
        }
        Command::Print { what: Print::Hours { period, out, .. } } => {
            let (from, to) = period.dates()?;
            let report = ledger.hours_report(from, to)?;
            let community = ledger.community_name()?.unwrap_or_default();
            let what = format!("志愿服务时长统计（合计 {}）", report.total_text);
            save_pdf(&hours_report_pdf(&report, &community, local_now())?, &out, &what)?;
        }
        Command::Print { what: Print::CareList { days, out, .. } } => {
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

/// A text file whole, before anything is written: read with the importer's size limit (counted
/// while reading, so /dev/zero or an endless pipe is refused) and decoded as the importer does
/// (UTF-8, UTF-16, GBK/GB18030), but strictly: a file with a damaged byte is refused naming its
/// line and offset, never re-read in another encoding (that committed garble into the ledger).
fn read_text(path: &std::path::Path) -> Result<String, Error> {
    Ok(xinghe_formats::text_file::read_text(path, "没有写入任何内容")?.text)
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
                errln!("{label}{e}");
                refused += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if !args.json {
        outln!("“{title}”：本次报名 {registered} 人，候补 {waitlisted} 人，未能报名 {refused} 人");
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
                errln!("{}{e}", line.label);
                refused += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if !args.json && lines.len() > 1 {
        outln!("共登记 {recorded} 条，合计 {}（待审核）；未能登记 {refused} 条", format_minutes(minutes));
    }
    Ok(if refused > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
