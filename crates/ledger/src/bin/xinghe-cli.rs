//! `xinghe-cli`: the register without a window, for scripts, scheduled jobs and support.
//! Every command prints its result on stdout; bad input prints a Chinese message on stderr
//! and exits 1, and a failed command never leaves a half-written change.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xinghe_ledger::demo::DEFAULT_HOUSEHOLDS;
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

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let Some(db) = cli.db else {
        return Err(Error::Refused("请用 --db 指定数据库文件，或设置环境变量 XINGHE_DB".into()));
    };
    let mut ledger = Ledger::open(&db)?;
    match cli.command {
        Command::Demo { households, seed } => {
            ledger.create_demo(households, seed)?;
            let stats = ledger.stats()?;
            println!(
                "已生成演示社区：{} 户，{} 人，其中 80 岁以上 {} 人",
                stats.households, stats.residents, stats.aged_80_plus
            );
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
    }
    Ok(ExitCode::SUCCESS)
}
