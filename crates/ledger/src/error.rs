//! The one error type of the core: every failure a user can meet, with a Chinese message.
//!
//! `kind()` is the stable machine name the app and the CLI report; `Display` is the sentence a
//! user reads. Validation failures carry one message per field so forms can show them inline.

use std::path::PathBuf;

/// One input field that failed validation; defined with the formats, whose errors carry it too.
pub use xinghe_formats::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", join_messages(.0))]
    Invalid(Vec<FieldError>),
    #[error("未找到{what}（编号 {id}）")]
    NotFound { what: &'static str, id: i64 },
    #[error("{0}")]
    Conflict(String),
    #[error("尚未打开数据库，请先创建或选择社区数据")]
    NoDatabase,
    #[error("文件 {path} 不是星河社区台账的数据库，已拒绝打开，文件未被改动")]
    NotXinghe { path: PathBuf },
    #[error("数据库由更新版本的星河台账创建（数据版本 {found}，本程序支持到 {supported}），请升级程序后再打开")]
    NewerSchema { found: i64, supported: i64 },
    #[error("{0}")]
    Refused(String),
    /// The app requires a login and nobody is logged in (never started, locked, or idle).
    #[error("台账已锁定，请先登录")]
    SignedOut,
    /// A logged-in staff member asked for an administrator's action.
    #[error("只有管理员可以{0}，请用管理员账号登录后再试")]
    Forbidden(String),
    /// Not a readable SQLite file (SQLITE_NOTADB) or a damaged one (SQLITE_CORRUPT): refused untouched.
    /// An encrypted register opened without its password looks exactly like this to SQLite.
    #[error("文件 {} 已损坏，或不是星河社区台账的数据库（{detail}），无法打开。文件没有被改动；如果这个台账已加密，请输入管理员的密码打开；否则请从备份恢复，或打开其他数据库", path.display())]
    Corrupt { path: PathBuf, detail: String },
    /// An encrypted file (crate::safety::encryption) did not open with the password given. SQLCipher
    /// cannot tell a wrong password from a damaged first page, hence the second half.
    #[error("密码不正确，无法打开已加密的台账 {}；如果文件已损坏，请从备份恢复（备份用的是备份时管理员的密码）", path.display())]
    WrongPassword { path: PathBuf },
    /// A file (a backup) read without a password failed, and it could be encrypted: the screens
    /// ask for the password it was made under (crate::access::login::asking_for_password).
    /// `message` is why the read failed.
    #[error("{message}")]
    NeedsPassword { path: PathBuf, message: String },
    /// The file or its folder cannot be written (SQLITE_READONLY, cannot create the -wal file).
    #[error("无法写入数据库{}：文件或所在的文件夹是只读的（{detail}）。数据没有改动；请把数据库放到可以写入的文件夹，或请管理员开放写入权限后重试", shown(.path))]
    ReadOnly { path: Option<PathBuf>, detail: String },
    /// SQLITE_FULL: the disk (or the database's size limit) is full.
    #[error("磁盘空间已满，无法写入数据库{}。这次操作没有保存，之前的数据完好；请清理磁盘空间后重试", shown(.path))]
    DiskFull { path: Option<PathBuf> },
    /// A backup (or its temporary file) could not be written because the target's disk is full;
    /// the temporary files are removed and the register is untouched (crate::safety::backup).
    #[error("磁盘已满，无法写入备份 {}。没有留下写了一半的文件，台账本身没有改动；请清理那个磁盘的空间，或备份到另一个磁盘（例如 U 盘）", path.display())]
    BackupDiskFull { path: PathBuf },
    /// The register is on a network folder (crate::store::network_folder) and was opened for writing.
    #[error("台账文件 {} 位于网络文件夹（{kind}），不能在这里打开修改：台账的写入日志（WAL）要靠同一台电脑内的共享内存协调，两台电脑同时使用共享文件夹里的台账，会看不到对方的修改，甚至把文件写坏。请把这个文件复制到本机的磁盘（例如“文档”文件夹）后再打开；多台电脑共用一个台账的办公室网络模式将在以后的版本中提供。文件没有被改动；只读的操作（xinghe-cli 的 stats、check、search、backup 等）仍可以直接进行", path.display())]
    NetworkFolder { path: PathBuf, kind: String },
    /// SQLITE_BUSY / SQLITE_LOCKED after the busy timeout: another program holds the database.
    #[error("数据库{} 正被另一个程序占用（例如另一个星河台账窗口或 xinghe-cli），等待后仍未释放。请关闭那个程序后点“重试”；数据没有改动", shown(.path))]
    Locked { path: Option<PathBuf> },
    /// `Locked` while another program restores a backup into this register (crate::store::failure::RestoreMarker).
    #[error("正在从备份恢复台账 {}，这次操作没有保存，请等恢复完成后重试", path.display())]
    Restoring { path: PathBuf },
    /// A restore of a backup whose community name differs from the register's, not confirmed.
    #[error("{} 是“{backup}”的备份，不是“{current}”的；恢复会用{backup}的数据替换{current}的全部数据，没有恢复。确实要这样做，请明确确认恢复其他社区的备份", path.display())]
    OtherCommunity { path: PathBuf, backup: String, current: String },
    /// Any other SQLite failure; the From conversion sorts out the four above (crate::store::failure).
    #[error("数据库错误：{0}")]
    Database(rusqlite::Error),
    #[error("文件读写错误：{0}")]
    Io(#[from] std::io::Error),
}

/// A format's refusal as the core's own: the same kind, message and fields as before the
/// formats had a crate of their own.
impl From<xinghe_formats::Error> for Error {
    fn from(e: xinghe_formats::Error) -> Self {
        match e {
            xinghe_formats::Error::Invalid(field) => Error::Invalid(vec![field]),
            xinghe_formats::Error::Refused(message) => Error::Refused(message),
            xinghe_formats::Error::Io(io) => Error::Io(io),
        }
    }
}

fn shown(path: &Option<PathBuf>) -> String {
    path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default()
}

fn join_messages(fields: &[FieldError]) -> String {
    fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("；")
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }

    /// Stable machine-readable kind, reported to the UI as `{kind, message}`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::NoDatabase => "no_database",
            Error::NotXinghe { .. } => "not_xinghe",
            Error::NewerSchema { .. } => "newer_schema",
            Error::Refused(_) => "refused",
            Error::SignedOut => "signed_out",
            Error::Forbidden(_) => "forbidden",
            Error::Corrupt { .. } => "corrupt",
            Error::WrongPassword { .. } => "wrong_password",
            Error::NeedsPassword { .. } => "needs_password",
            Error::ReadOnly { .. } => "read_only",
            Error::DiskFull { .. } | Error::BackupDiskFull { .. } => "disk_full",
            Error::NetworkFolder { .. } => "network_folder",
            // A restore in progress is waited out like any other lock: the screens offer 重试.
            Error::Locked { .. } | Error::Restoring { .. } => "locked",
            Error::OtherCommunity { .. } => "other_community",
            Error::Database(_) => "database",
            Error::Io(_) => "io",
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Invalid(fields) => fields,
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
