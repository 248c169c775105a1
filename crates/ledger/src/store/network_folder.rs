//! Whether a register lives on a network folder (SMB/CIFS, NFS, 9P, FUSE such as sshfs or davfs,
//! AFS; on Windows a UNC path or a mapped network drive; on macOS smbfs, nfs, afpfs, webdav).
//!
//! SQLite's WAL mode keeps its index in shared memory that only processes on one computer share:
//! two PCs writing one register on a shared folder each keep their own index, miss each other's
//! commits, and a checkpoint can corrupt the file. A register there is refused for writing
//! (`crate::store::db::OpenMode::Write`); reading it is allowed (statistics, export, a backup to this PC).
//!
//! The verdicts are pure functions of what the system reports (`linux_kind`, `macos_kind`,
//! `windows_kind`), so every magic number is unit-tested on every platform.

use crate::error::{Error, Result};
use std::path::Path;

/// What kind of network filesystem Linux's statfs `f_type` names, or None for a local one.
/// The magic numbers are those of linux/magic.h and the filesystems' own sources; the value is
/// taken as u32 because `f_type` is signed on some architectures (CIFS's 0xFF534D42 < 0 as i32).
pub fn linux_kind(f_type: u32) -> Option<&'static str> {
    match f_type {
        0xFF53_4D42 => Some("SMB/CIFS"),
        0x0000_517B => Some("SMB"),
        0xFE53_4D42 => Some("SMB2"),
        0x0000_6969 => Some("NFS"),
        0x0102_1997 => Some("9P"),
        // sshfs, davfs2, rclone and other user-space filesystems: most are remote, and none
        // offers the shared memory WAL needs across its users.
        0x6573_5546 => Some("FUSE：sshfs、davfs 等"),
        0x5346_414F => Some("AFS"),
        0x6B41_4653 => Some("kAFS"),
        _ => None,
    }
}

/// What kind of network filesystem macOS's statfs `f_fstypename` names, or None.
pub fn macos_kind(fstypename: &str) -> Option<&'static str> {
    match fstypename {
        "smbfs" => Some("SMB"),
        "nfs" => Some("NFS"),
        "afpfs" => Some("AFP"),
        "webdav" => Some("WebDAV"),
        _ => None,
    }
}

/// Windows: a UNC path (\\server\share\…, \\?\UNC\server\share\…) or a drive letter that
/// GetDriveTypeW calls DRIVE_REMOTE (a mapped network drive). `drive_is_remote` is asked only
/// for a path on a drive letter.
pub fn windows_kind(path: &str, drive_is_remote: impl Fn(char) -> bool) -> Option<&'static str> {
    const UNC: &str = "UNC 路径";
    let on_drive = |p: &str| {
        let letter = p.chars().next().filter(char::is_ascii_alphabetic)?;
        let remote = p.as_bytes().get(1) == Some(&b':') && drive_is_remote(letter.to_ascii_uppercase());
        remote.then_some("映射的网络驱动器")
    };
    match path.strip_prefix(r"\\?\").or_else(|| path.strip_prefix(r"\\.\")) {
        Some(rest) if rest.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(r"UNC\")) => Some(UNC),
        Some(rest) => on_drive(rest),
        None if path.starts_with(r"\\") || path.starts_with("//") => Some(UNC),
        None => on_drive(path),
    }
}

/// The nearest existing path at or above `path` (a register not created yet is judged by its
/// folder).
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn existing(path: &Path) -> Option<&Path> {
    path.ancestors().find(|p| !p.as_os_str().is_empty() && p.exists()).or(Some(Path::new(".")))
}

/// The network filesystem `path` (or its folder) is on, or None for a local disk or when the
/// system cannot tell.
/// statfs of `path` (or of its nearest existing folder); None when the system cannot tell.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn statfs(path: &Path) -> Option<libc::statfs> {
    use std::os::unix::ffi::OsStrExt;
    let probe = std::ffi::CString::new(existing(path)?.as_os_str().as_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: a NUL-terminated path and a buffer of the right type; read only when statfs says 0.
    if unsafe { libc::statfs(probe.as_ptr(), stats.as_mut_ptr()) } != 0 {
        return None;
    }
    Some(unsafe { stats.assume_init() })
}

#[cfg(target_os = "linux")]
pub fn network_kind(path: &Path) -> Option<&'static str> {
    linux_kind(statfs(path)?.f_type as u32)
}

#[cfg(target_os = "macos")]
pub fn network_kind(path: &Path) -> Option<&'static str> {
    let stats = statfs(path)?;
    // SAFETY: f_fstypename is a NUL-terminated array inside the struct.
    let name = unsafe { std::ffi::CStr::from_ptr(stats.f_fstypename.as_ptr()) };
    macos_kind(&name.to_string_lossy())
}

#[cfg(windows)]
pub fn network_kind(path: &Path) -> Option<&'static str> {
    use windows_sys::Win32::Storage::FileSystem::GetDriveTypeW;
    const DRIVE_REMOTE: u32 = 4;
    let absolute = std::path::absolute(path).ok()?;
    windows_kind(&absolute.to_string_lossy(), |letter| {
        let root: Vec<u16> = format!("{letter}:\\").encode_utf16().chain([0]).collect();
        // SAFETY: a NUL-terminated UTF-16 root path such as "Z:\".
        unsafe { GetDriveTypeW(root.as_ptr()) == DRIVE_REMOTE }
    })
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub fn network_kind(_path: &Path) -> Option<&'static str> {
    None
}

/// Refuses a register on a network folder for writing, saying why and what to do instead.
pub(crate) fn refuse_writing(path: &Path) -> Result<()> {
    match network_kind(path) {
        Some(kind) => Err(Error::NetworkFolder { path: path.to_path_buf(), kind: kind.to_string() }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_network_filesystems_are_told_by_their_magic_numbers() {
        for (magic, expected) in [
            (0xFF53_4D42, "CIFS"),
            (0x517B, "SMB"),
            (0xFE53_4D42, "SMB2"),
            (0x6969, "NFS"),
            (0x0102_1997, "9P"),
            (0x6573_5546, "FUSE"),
            (0x5346_414F, "AFS"),
            (0x6B41_4653, "kAFS"),
        ] {
            let kind = linux_kind(magic).unwrap_or_else(|| panic!("{magic:#x} is a network filesystem"));
            assert!(kind.contains(expected), "{magic:#x}: {kind}");
        }
        // CIFS as a signed 32-bit f_type (i386, arm) is the same filesystem.
        assert!(linux_kind((0xFF53_4D42_u32 as i32) as u32).is_some());
        // ext4, tmpfs, btrfs, xfs, overlayfs, vfat (a USB stick), ntfs3: local.
        for local in [0xEF53, 0x0102_1994, 0x9123_683E, 0x5846_5342, 0x794C_7630, 0x4d44, 0x7366_746e] {
            assert_eq!(linux_kind(local), None, "{local:#x}");
        }
    }

    #[test]
    fn macos_network_filesystems_are_told_by_their_type_names() {
        for name in ["smbfs", "nfs", "afpfs", "webdav"] {
            assert!(macos_kind(name).is_some(), "{name}");
        }
        for name in ["apfs", "hfs", "msdos", "exfat", ""] {
            assert_eq!(macos_kind(name), None, "{name}");
        }
    }

    #[test]
    fn windows_unc_paths_and_mapped_network_drives_are_network_folders() {
        let z_is_mapped = |letter: char| letter == 'Z';
        for path in [r"\\server\share\xinghe.db", r"\\?\UNC\server\share\xinghe.db", "//server/share/xinghe.db"] {
            assert_eq!(windows_kind(path, z_is_mapped), Some("UNC 路径"), "{path}");
        }
        assert_eq!(windows_kind(r"Z:\台账\xinghe.db", z_is_mapped), Some("映射的网络驱动器"));
        assert_eq!(windows_kind(r"z:\xinghe.db", z_is_mapped), Some("映射的网络驱动器"));
        assert_eq!(windows_kind(r"\\?\Z:\xinghe.db", z_is_mapped), Some("映射的网络驱动器"));
        for local in [r"C:\Users\社区\xinghe.db", r"\\?\C:\xinghe.db", r"\\.\C:\xinghe.db", "xinghe.db"] {
            assert_eq!(windows_kind(local, z_is_mapped), None, "{local}");
        }
    }

    #[test]
    fn a_local_temporary_folder_is_not_a_network_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(network_kind(&dir.path().join("不存在的子文件夹").join("xinghe.db")), None);
        assert!(refuse_writing(&dir.path().join("xinghe.db")).is_ok());
    }
}
