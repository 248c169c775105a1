//! Files the user hands over — a register to import, a list of hours or of residents for
//! `xinghe-cli`: read with the size limit counted while reading (a pipe or /dev/zero has no
//! size to check first, and a file may grow after its size was looked up), and text decoded by
//! what the bytes are: UTF-8 (with or without BOM), UTF-16 (with or without BOM) or
//! GB18030/GBK, which Chinese Excel writes by default. Every reader of a user's text file uses
//! `decode`, so the importer and the command line agree on what a file says.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// The largest file read: a 100,000-row .xlsx is about 4 MB, the same as CSV 7–15 MB.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
}

/// The refusal of a file over `limit` bytes; `size` when it is known (a regular file), and
/// `consequence` says what was not done ("未导入任何内容。请把名单分成几个文件分别导入").
pub fn too_large(path: &Path, size: Option<u64>, limit: u64, consequence: &str) -> Error {
    let size = match size {
        Some(size) => format!(" 有 {}，", megabytes(size)),
        // A pipe or a device: what it held before the limit was passed.
        None => " 的内容".to_string(),
    };
    Error::invalid("file", format!("文件 {}{size}超过上限 {} MB，{consequence}", path.display(), limit / 1024 / 1024))
}

/// Why a path cannot be read as a file, before anything is read: missing, or a folder.
pub fn check_exists(path: &Path) -> Result<std::fs::Metadata> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::invalid("file", format!("找不到文件 {}", path.display())))
        }
        Err(e) => Err(Error::invalid("file", format!("无法读取文件 {}：{e}", path.display()))),
        Ok(meta) if meta.is_dir() => {
            Err(Error::invalid("file", format!("{} 是一个文件夹，不是文件，请选择其中的文件", path.display())))
        }
        Ok(meta) => Ok(meta),
    }
}

/// The whole file, refused once it passes `limit` bytes. A regular file over the limit is
/// refused from its size without reading; anything else (a pipe, /dev/stdin, a device such as
/// /dev/zero) is read only up to one byte past the limit, so memory stays bounded.
pub fn read_bounded(path: &Path, limit: u64, consequence: &str) -> Result<Vec<u8>> {
    let meta = check_exists(path)?;
    let regular = meta.is_file();
    if regular && meta.len() > limit {
        return Err(too_large(path, Some(meta.len()), limit, consequence));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid("file", format!("无法读取文件 {}：{e}", path.display())))?;
    let expected = if regular { meta.len().min(limit) as usize + 1 } else { 64 * 1024 };
    let mut bytes = Vec::with_capacity(expected);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::invalid("file", format!("无法读取文件 {}：{e}", path.display())))?;
    if bytes.len() as u64 > limit {
        // A regular file that grew while it was read has a size again; a stream has none.
        let size = regular.then(|| std::fs::metadata(path).map(|m| m.len()).ok()).flatten();
        return Err(too_large(path, size.filter(|s| *s > limit), limit, consequence));
    }
    Ok(bytes)
}

/// Text and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub encoding: &'static str,
}

/// Bytes that are not text in any supported encoding: the first byte that is not, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBytes {
    /// The encoding the file is in as far as it can be told ("UTF-8", "GB18030", "UTF-16LE" …).
    pub encoding: &'static str,
    /// The first bad byte, counted from 0 at the start of the file (a BOM included).
    pub offset: usize,
    /// The line it is on, from 1.
    pub line: usize,
    pub byte: u8,
}

impl BadBytes {
    /// What the user is told: the file, the line, the byte and where it is.
    pub fn message(&self, path: &Path, consequence: &str) -> String {
        let what = if self.encoding == "UTF-8" {
            "文件是 UTF-8 编码，但这里的字节已损坏".to_string()
        } else {
            format!(
                "不是有效的文字（按 {} 编码读取；支持 UTF-8、UTF-16 与 GBK/GB18030），文件可能已损坏",
                self.encoding
            )
        };
        format!(
            "文件 {} 第 {} 行有无法识别的字节 0x{:02X}（字节偏移 {}，从文件开头的 0 数起）：{what}。{consequence}",
            path.display(),
            self.line,
            self.byte,
            self.offset
        )
    }
}

/// Decodes a user's text file, or says where it is not text: a BOM decides; then UTF-16 without
/// a BOM (most bytes of every other pair zero); UTF-8 when valid; else a file that reads as UTF-8
/// with a few bad bytes is damaged UTF-8 (never re-read as GB18030, which turns every character
/// into garble: "楼道清扫" → "妤奸亾娓呮壂"); else GB18030 (a superset of GBK) when valid.
/// The bytes come back with the error, for a reader that tolerates damage (`lossy_utf8`).
pub fn decode(mut bytes: Vec<u8>) -> std::result::Result<Text, (BadBytes, Vec<u8>)> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            return match std::str::from_utf8(&bytes[bom_len..]) {
                Ok(_) => {
                    bytes.drain(..bom_len);
                    Ok(Text { text: String::from_utf8(bytes).expect("checked"), encoding: "UTF-8" })
                }
                Err(e) => Err((bad_utf8(&bytes, bom_len + e.valid_up_to()), bytes)),
            };
        }
        return strictly(encoding, bytes, bom_len);
    }
    if let Some(encoding) = utf16_without_bom(&bytes) {
        return strictly(encoding, bytes, 0);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(Text { text, encoding: "UTF-8" }),
        Err(e) => e.into_bytes(),
    };
    if looks_like_damaged_utf8(&bytes) {
        let at = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| 0);
        return Err((bad_utf8(&bytes, at), bytes));
    }
    strictly(encoding_rs::GB18030, bytes, 0)
}

/// UTF-8 with "�" for each damaged sequence, when `decode` found damaged UTF-8; `None` for
/// bytes that are no text at all. For a reader that refuses only the rows holding a "�".
pub fn lossy_utf8(bad: &BadBytes, bytes: Vec<u8>) -> Option<Text> {
    if bad.encoding != "UTF-8" {
        return None;
    }
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    Some(Text { text: String::from_utf8_lossy(&bytes[start..]).into_owned(), encoding: "UTF-8" })
}

fn bad_utf8(bytes: &[u8], at: usize) -> BadBytes {
    // Line breaks are ASCII, and no byte of a multi-byte UTF-8 character is 0x0A.
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count();
    BadBytes { encoding: "UTF-8", offset: at, line, byte: bytes[at] }
}

/// Decodes `bytes[start..]` as `encoding`, refusing the first malformed sequence.
fn strictly(
    encoding: &'static encoding_rs::Encoding,
    bytes: Vec<u8>,
    start: usize,
) -> std::result::Result<Text, (BadBytes, Vec<u8>)> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let input = &bytes[start..];
    let capacity = decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(input.len() * 3);
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
    // Office users know GBK/GB18030 in capitals; encoding_rs names it in lower case.
    let name = if encoding == encoding_rs::GB18030 { "GB18030" } else { encoding.name() };
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(Text { text, encoding: name }),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let offset = start + read - bad as usize - after as usize;
            let line = 1 + text.matches('\n').count();
            let bad = BadBytes { encoding: name, offset, line, byte: bytes[offset] };
            Err((bad, bytes))
        }
        encoding_rs::DecoderResult::OutputFull => unreachable!("the buffer holds the worst case"),
    }
}

/// UTF-16 written without a BOM: a register is mostly ASCII digits, commas and line breaks,
/// so one byte of most pairs is zero (the high byte: second in little-endian, first in big).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros = |offset: usize| sample.iter().skip(offset).step_by(2).filter(|b| **b == 0).count();
    let (first, second) = (zeros(0), zeros(1));
    if second * 4 >= pairs && first * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if first * 4 >= pairs && second * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether bytes that are not valid UTF-8 are UTF-8 with a few damaged bytes rather than GBK.
/// GBK read as UTF-8 breaks at nearly every Chinese character, and the few pairs that happen to
/// be valid are mostly two-byte letters (Greek, Cyrillic, Hebrew …); a Chinese character that
/// comes out valid needs three bytes in the right ranges (about one in sixty). Damaged UTF-8 is
/// valid Chinese around a few breaks. So: Chinese characters at least twice the breaks (a run
/// of invalid sequences with nothing valid between counts once), or valid characters of any
/// kind at least ten times the invalid sequences.
fn looks_like_damaged_utf8(bytes: &[u8]) -> bool {
    let chinese = |c: &char| matches!(u32::from(*c), 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF);
    let multi_byte = |text: &str| text.chars().filter(|c| c.len_utf8() > 1).count();
    let (mut valid, mut cjk, mut invalid, mut breaks, mut rest) = (0, 0, 0, 0, bytes);
    let mut in_break = false;
    loop {
        let (good, error) = match std::str::from_utf8(rest) {
            Ok(text) => (text, None),
            Err(e) => (std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(), Some(e)),
        };
        valid += multi_byte(good);
        cjk += good.chars().filter(chinese).count();
        if !good.is_empty() {
            in_break = false;
        }
        let Some(e) = error else { break };
        invalid += 1;
        if !in_break {
            breaks += 1;
            in_break = true;
        }
        match e.error_len() {
            Some(len) => rest = &rest[e.valid_up_to() + len..],
            None => break,
        }
    }
    cjk >= 2 * breaks || valid >= 10 * invalid
}

/// A user's text file, whole: size-limited while reading, decoded strictly. A file that is not
/// text in any supported encoding is refused naming the line and the byte; nothing is decoded
/// into garble. `consequence` says what was not done.
pub fn read_text(path: &Path, consequence: &str) -> Result<Text> {
    let bytes = read_bounded(path, MAX_FILE_BYTES, consequence)?;
    decode(bytes).map_err(|(bad, _)| Error::invalid("file", bad.message(path, consequence)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8_with_bad_byte(text: &str, in_char: &str) -> (Vec<u8>, usize) {
        let mut bytes = text.as_bytes().to_vec();
        let at = text.find(in_char).unwrap() + 1;
        bytes[at] = 0xFF;
        (bytes, at)
    }

    #[test]
    fn gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,110105194912310021\n");
        let text = decode(bytes.into_owned()).unwrap();
        assert_eq!(text.encoding, "GB18030");
        assert!(text.text.starts_with("姓名"));
    }

    #[test]
    fn gbk_of_every_short_hours_line_is_still_gbk() {
        // Short GBK files are where a guess is hardest: each one must still read as GBK. (Not
        // "支" alone: its two GBK bytes are also valid UTF-8, U+05A7, and valid UTF-8 is UTF-8.)
        for content in ["楼道清扫", "清扫", "助老服务", "联通", "社区活动室整理，发放宣传单", "垃圾分类宣传"]
        {
            let line = format!("LH-00001,2026-12-01,09:00,10:30,{content}\n");
            let (bytes, _, _) = encoding_rs::GBK.encode(&line);
            match decode(bytes.into_owned()) {
                Ok(text) => assert_eq!(text.text, line, "{content}"),
                Err((bad, _)) => panic!("{content}: {bad:?}"),
            }
        }
    }

    #[test]
    fn utf8_with_one_bad_byte_is_not_read_as_gbk() {
        let line = "LH-00001,2026-12-01,09:00,10:30,楼道清扫\n";
        let (bytes, at) = utf8_with_bad_byte(line, "楼");
        let (bad, bytes) = decode(bytes).unwrap_err();
        assert_eq!((bad.encoding, bad.offset, bad.line), ("UTF-8", at - 1, 1));
        assert_eq!(
            lossy_utf8(&bad, bytes).unwrap().text,
            "LH-00001,2026-12-01,09:00,10:30,\u{FFFD}\u{FFFD}\u{FFFD}道清扫\n"
        );
        let two_lines = format!("志愿者编号,服务日期,开始时间,结束时间,服务内容\n{line}");
        let (bytes, _) = utf8_with_bad_byte(&two_lines, "清扫");
        let (bad, _) = decode(bytes).unwrap_err();
        assert_eq!((bad.encoding, bad.line), ("UTF-8", 2));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend(utf8_with_bad_byte(line, "扫").0);
        assert_eq!(decode(with_bom).unwrap_err().0.line, 1);
    }

    #[test]
    fn bytes_that_are_no_text_name_their_place() {
        let (bad, _) = decode(b"LH-00001,2026-12-01\n\x81\xFF,x\n".to_vec()).unwrap_err();
        assert_eq!((bad.encoding, bad.line, bad.offset, bad.byte), ("GB18030", 2, 20, 0x81));
        let message = bad.message(Path::new("时长.csv"), "没有登记任何内容");
        assert!(
            message.starts_with("文件 时长.csv 第 2 行有无法识别的字节 0x81（字节偏移 20，从文件开头的 0 数起）"),
            "{message}"
        );
    }

    #[test]
    fn utf8_with_bom_is_decoded_without_the_bom() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend("姓名".as_bytes());
        assert_eq!(decode(bytes).unwrap().text, "姓名");
    }

    #[test]
    fn utf16_is_decoded_with_and_without_bom() {
        let text = "姓名,电话\n张三,13800000000\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(le.clone()).unwrap().text, text);
        assert_eq!(decode([&[0xFF, 0xFE][..], &le].concat()).unwrap().text, text);
    }
}
