//! Small text normalisations shared by the validators: full-width forms and blank handling.

/// Maps full-width ASCII forms (０-９, Ａ-Ｚ, ｘ, －, the ideographic space …) to ASCII, since
/// Chinese input methods type them and Excel keeps them.
pub fn to_half_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Trimmed text, or `None` when nothing is left.
pub fn non_blank(input: Option<&str>) -> Option<String> {
    let trimmed = input?.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_become_ascii() {
        assert_eq!(to_half_width("１３８　１２３４ｘＸ－"), "138 1234xX-");
    }

    #[test]
    fn blank_is_none() {
        assert_eq!(non_blank(Some("  \t")), None);
        assert_eq!(non_blank(Some(" 张三 ")), Some("张三".into()));
        assert_eq!(non_blank(None), None);
    }
}
