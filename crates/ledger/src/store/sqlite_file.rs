//! What makes a SQLite file a Xinghe register on disk, and how it is named to SQLite: the
//! header's application id, and the read-only URI for looking at a file without changing it.

use std::path::Path;

/// Marks the file as ours in the SQLite header ("XHTZ"), so a stray .db is never adopted.
pub const APPLICATION_ID: i32 = 0x5848_545A;

/// `path` as a read-only SQLite URI, `immutable` when nothing may be written or locked beside it.
pub fn read_only_uri(path: &Path, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            _ => uri.push(c),
        }
    }
    uri.push_str(if immutable { "?mode=ro&immutable=1" } else { "?mode=ro" });
    uri
}
