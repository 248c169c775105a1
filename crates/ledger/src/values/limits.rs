//! How long typed text may be, and which characters never belong in it: long enough for any
//! real name, note or description, short enough that a pasted file or a stuck key cannot bloat
//! the register, its search index or a printed sheet. Text over a limit is refused with a
//! message naming the field, the limit and the length — never cut short silently.
//!
//! Lengths count characters (Unicode scalar values), as people count 字: 𠇔 is one character,
//! 👨‍👩‍👧 is five (three people joined by two invisible joiners).

use crate::error::FieldError;

/// People's names: the longest Chinese names, ·-joined minority and foreign names stay far below.
pub const NAME_CHARS: usize = 50;
/// Titles, places, addresses, labels and other one-line fields.
pub const LABEL_CHARS: usize = 100;
/// Notes, descriptions and service content.
pub const TEXT_CHARS: usize = 10_000;

/// What a field holds, which decides its limit and the characters it may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person's name: no line breaks or other control characters.
    Name,
    /// One-line text; a line break typed into an Excel cell (Alt+Enter) is tolerated.
    Label,
    /// Running text: line breaks and tabs are part of it.
    Text,
}

impl Kind {
    pub fn max_chars(self) -> usize {
        match self {
            Kind::Name => NAME_CHARS,
            Kind::Label => LABEL_CHARS,
            Kind::Text => TEXT_CHARS,
        }
    }
}

/// The first character that does not belong: a control character (a NUL from a damaged file,
/// a line break inside a name) or "�", which stands for bytes a file's encoding lost.
pub fn bad_character(kind: Kind, text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c == char::REPLACEMENT_CHARACTER || (c.is_control() && (kind == Kind::Name || !matches!(c, '\t' | '\n' | '\r')))
    })
}

/// What is wrong with `text` as the field called `label`, as a sentence; `None` when it fits.
pub fn problem(label: &str, text: &str, kind: Kind) -> Option<String> {
    let length = text.chars().count();
    if length > kind.max_chars() {
        return Some(format!("{label}最多 {} 个字，现在有 {length} 个字，请删减", kind.max_chars()));
    }
    match bad_character(kind, text)? {
        char::REPLACEMENT_CHARACTER => {
            Some(format!("{label}中有无法识别的字符“\u{FFFD}”（原文件这里的文字已损坏或编码不对），请改正"))
        }
        '\n' | '\r' => Some(format!("{label}中不能有换行，请删除")),
        c => Some(format!("{label}中有不可见的控制字符 U+{:04X}，请删除", u32::from(c))),
    }
}

/// Checks one field and adds the message to `errors`.
pub fn check(field: &'static str, label: &str, text: &str, kind: Kind, errors: &mut Vec<FieldError>) {
    if let Some(message) = problem(label, text, kind) {
        errors.push(FieldError::new(field, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(problem("姓名", &"𠇔".repeat(NAME_CHARS), Kind::Name).is_none());
        let long = problem("姓名", &"𠇔".repeat(NAME_CHARS + 1), Kind::Name).unwrap();
        assert_eq!(long, "姓名最多 50 个字，现在有 51 个字，请删减");
        assert!(problem("备注", &"字".repeat(TEXT_CHARS), Kind::Text).is_none());
    }

    #[test]
    fn control_characters_and_lost_bytes_are_named() {
        assert_eq!(problem("姓名", "张\0三", Kind::Name).unwrap(), "姓名中有不可见的控制字符 U+0000，请删除");
        assert_eq!(problem("姓名", "张\n三", Kind::Name).unwrap(), "姓名中不能有换行，请删除");
        assert!(problem("备注", "第一行\n第二行\t完", Kind::Text).is_none());
        assert!(problem("住址", "8栋\n2单元301", Kind::Label).is_none());
        assert!(problem("备注", "坏\u{FFFD}字", Kind::Text).unwrap().contains("无法识别的字符"));
        // Invisible but legitimate: zero-width joiners in emoji, right-to-left marks.
        assert!(problem("姓名", "👨\u{200D}👩\u{200D}👧", Kind::Name).is_none());
        assert!(problem("姓名", "\u{202B}مريم\u{202C}", Kind::Name).is_none());
    }
}
