//! Phone numbers: normalising what people type (full-width digits, spaces, dashes, +86) and
//! accepting mainland mobiles and landlines with an area code.

use crate::values::text::to_half_width;
use serde::Serialize;
use std::fmt;

/// A validated phone: 11-digit mobile `13812345678` or landline `0731-84123456`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneError {
    pub typed: String,
    pub reason: &'static str,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "联系电话“{}”{}", self.typed, self.reason)
    }
}

impl std::error::Error for PhoneError {}

/// Area codes of three digits: Beijing 010 and the 02x cities; all others have four.
fn area_code_len(digits: &str) -> usize {
    if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    }
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let typed = raw.trim().to_string();
        let half = to_half_width(&typed);
        if half.contains('*') {
            return Err(PhoneError { typed, reason: "只显示了一部分，请输入完整的电话号码" });
        }
        let mut digits: String = String::with_capacity(half.len());
        for c in half.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '—' | '–' | '(' | ')' | '（' | '）' | '+' => {}
                _ => return Err(PhoneError { typed, reason: "含有数字以外的字符" }),
            }
        }
        if half.trim_start().starts_with('+') || (digits.starts_with("86") && digits.len() == 13) {
            digits = digits.strip_prefix("86").map(str::to_string).unwrap_or(digits);
        }
        if digits.len() == 11 && digits.starts_with('1') {
            if !matches!(digits.as_bytes()[1], b'3'..=b'9') {
                return Err(PhoneError { typed, reason: "不是有效的手机号码（第二位应为 3–9）" });
            }
            return Ok(Phone(digits));
        }
        if digits.starts_with('0') && (10..=12).contains(&digits.len()) {
            let split = area_code_len(&digits);
            let local = &digits[split..];
            if (7..=8).contains(&local.len()) && !local.starts_with('0') {
                return Ok(Phone(format!("{}-{}", &digits[..split], local)));
            }
        }
        let reason = if (7..=8).contains(&digits.len()) {
            "是座机号码但缺少区号，请加上区号，例如 0731-84123456"
        } else {
            "位数不对：手机号应为 11 位，座机应带区号"
        };
        Err(PhoneError { typed, reason })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 138****1234 for mobiles; for landlines the local number keeps its last 4 digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() == 11 && !phone.contains('-') {
        return chars.iter().enumerate().map(|(i, c)| if (3..7).contains(&i) { '*' } else { *c }).collect();
    }
    let (prefix, local) = phone.split_once('-').unwrap_or(("", phone));
    let local: Vec<char> = local.chars().collect();
    let hidden = local.len().saturating_sub(4);
    let masked: String = "*".repeat(hidden) + &local[hidden..].iter().collect::<String>();
    if prefix.is_empty() {
        masked
    } else {
        format!("{prefix}-{masked}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_in_any_typing_normalise() {
        for typed in ["13812345678", "138 1234 5678", "138-1234-5678", "１３８１２３４５６７８", "+86 138 1234 5678"]
        {
            assert_eq!(Phone::parse(typed).unwrap().as_str(), "13812345678", "{typed}");
        }
    }

    #[test]
    fn landlines_need_an_area_code() {
        assert_eq!(Phone::parse("0731-84123456").unwrap().as_str(), "0731-84123456");
        assert_eq!(Phone::parse("(010)12345678").unwrap().as_str(), "010-12345678");
        assert_eq!(Phone::parse("020 8765 4321").unwrap().as_str(), "020-87654321");
        let err = Phone::parse("84123456").unwrap_err();
        assert!(err.to_string().contains("区号"), "{err}");
    }

    #[test]
    fn errors_name_the_typed_value() {
        let err = Phone::parse("1381234567").unwrap_err();
        assert!(err.to_string().contains("1381234567"));
        assert!(Phone::parse("12012345678").is_err());
        assert!(Phone::parse("电话138").is_err());
    }

    #[test]
    fn masked_text_is_named_as_masked() {
        let err = Phone::parse("138****0001").unwrap_err();
        assert_eq!(err.to_string(), "联系电话“138****0001”只显示了一部分，请输入完整的电话号码");
        assert!(Phone::parse("0731-****3456").unwrap_err().to_string().contains("只显示了一部分"));
    }

    #[test]
    fn masking() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0731-84123456"), "0731-****3456");
    }
}
