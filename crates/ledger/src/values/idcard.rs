//! 居民身份证号码 (GB 11643-1999): parsing, the MOD 11-2 check character, 15→18 conversion,
//! and the birth date and sex the number encodes.

use crate::values::text::to_half_width;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// A validated 18-character ID number (upper-case X).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct IdNumber(String);

/// Why a typed ID number was refused; `Display` is the Chinese sentence shown to the user.
/// `Masked`: text such as 430105********0595, copied from a list or a staff member's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdNumberError {
    Masked,
    Length(usize),
    Characters,
    BirthDate(String),
    FutureBirthDate(String),
    CheckCharacter { expected: char, found: char },
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdNumberError::Masked => write!(f, "身份证号只显示了一部分，请输入完整的 18 位身份证号"),
            IdNumberError::Length(n) => write!(f, "身份证号应为 18 位（旧证 15 位），这里是 {n} 位"),
            IdNumberError::Characters => {
                write!(f, "身份证号只能由数字组成，最后一位可以是 X")
            }
            IdNumberError::BirthDate(d) => write!(f, "身份证号中的出生日期 {d} 不是真实的日期"),
            IdNumberError::FutureBirthDate(d) => {
                write!(f, "身份证号中的出生日期 {d} 晚于今天")
            }
            IdNumberError::CheckCharacter { expected, found } => {
                write!(f, "身份证号校验位不符：按前 17 位应为 {expected}，这里是 {found}，请核对号码")
            }
        }
    }
}

impl std::error::Error for IdNumberError {}

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn check_character(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

impl IdNumber {
    /// Parses a typed number: spaces and full-width forms are tolerated, lower-case x becomes X,
    /// and a 15-digit legacy number (born 19xx) is converted to 18 digits.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let cleaned: String =
            to_half_width(raw).chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        if cleaned.contains('*') {
            return Err(IdNumberError::Masked);
        }
        let bytes = cleaned.as_bytes();
        let number = match bytes.len() {
            18 => {
                let digits_ok = bytes[..17].iter().all(u8::is_ascii_digit);
                if !digits_ok || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
                    return Err(IdNumberError::Characters);
                }
                cleaned
            }
            15 => {
                if !bytes.iter().all(u8::is_ascii_digit) {
                    return Err(IdNumberError::Characters);
                }
                let mut first17 = String::with_capacity(18);
                first17.push_str(&cleaned[..6]);
                first17.push_str("19");
                first17.push_str(&cleaned[6..]);
                let check = check_character(first17.as_bytes());
                first17.push(check);
                first17
            }
            _ => return Err(IdNumberError::Length(cleaned.chars().count())),
        };
        let birth_text = &number[6..14];
        let birth = NaiveDate::parse_from_str(birth_text, "%Y%m%d")
            .map_err(|_| IdNumberError::BirthDate(birth_text.to_string()))?;
        if birth > today {
            return Err(IdNumberError::FutureBirthDate(birth_text.to_string()));
        }
        let expected = check_character(&number.as_bytes()[..17]);
        let found = number.as_bytes()[17] as char;
        if expected != found {
            return Err(IdNumberError::CheckCharacter { expected, found });
        }
        Ok(IdNumber(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated at parse")
    }

    /// The 17th digit is odd for men and even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

/// Masks all but the address code's first 6 and the last 4 characters: 430105********123X.
pub fn mask_id_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let keep_tail = 4;
    chars.iter().enumerate().map(|(i, c)| if i < 6 || i >= chars.len() - keep_tail { *c } else { '*' }).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Sex {
    #[serde(rename = "男")]
    Male,
    #[serde(rename = "女")]
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    pub fn from_label(label: &str) -> Option<Sex> {
        match label.trim() {
            "男" | "男性" | "M" | "m" | "male" | "Male" => Some(Sex::Male),
            "女" | "女性" | "F" | "f" | "female" | "Female" => Some(Sex::Female),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn the_standards_own_example_is_valid() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn lowercase_x_is_stored_upper_case() {
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn full_width_digits_and_spaces_are_tolerated() {
        let id = IdNumber::parse(" １１０１０５ 19491231002Ｘ ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn a_wrong_check_character_names_the_expected_one() {
        let err = IdNumber::parse("110105194912310021", today()).unwrap_err();
        assert_eq!(err, IdNumberError::CheckCharacter { expected: 'X', found: '1' });
        assert!(err.to_string().contains("应为 X"));
    }

    #[test]
    fn an_impossible_birth_date_is_refused() {
        // 1949-02-30 does not exist; the check character is made right so only the date fails.
        let mut first17 = b"11010519490230002".to_vec();
        let check = check_character(&first17);
        first17.push(check as u8);
        let err = IdNumber::parse(std::str::from_utf8(&first17).unwrap(), today()).unwrap_err();
        assert_eq!(err, IdNumberError::BirthDate("19490230".into()));
    }

    #[test]
    fn a_birth_date_in_the_future_is_refused() {
        let mut first17 = b"11010520301231002".to_vec();
        let check = check_character(&first17);
        first17.push(check as u8);
        let err = IdNumber::parse(std::str::from_utf8(&first17).unwrap(), today()).unwrap_err();
        assert!(matches!(err, IdNumberError::FutureBirthDate(_)));
    }

    #[test]
    fn fifteen_digit_numbers_become_eighteen() {
        // 110105491231002 is the 15-digit form of the standard's example.
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        assert_eq!(IdNumber::parse("1234", today()).unwrap_err(), IdNumberError::Length(4));
        assert_eq!(IdNumber::parse("11010519491231002A", today()).unwrap_err(), IdNumberError::Characters);
        assert_eq!(IdNumber::parse("1101051949123100X2", today()).unwrap_err(), IdNumberError::Characters);
    }

    #[test]
    fn masked_text_is_named_as_masked() {
        let err = IdNumber::parse("430105********123X", today()).unwrap_err();
        assert_eq!(err, IdNumberError::Masked);
        assert_eq!(err.to_string(), "身份证号只显示了一部分，请输入完整的 18 位身份证号");
        assert_eq!(IdNumber::parse("430105＊＊＊＊＊＊＊＊123X", today()).unwrap_err(), IdNumberError::Masked);
    }

    #[test]
    fn masking_keeps_region_and_tail() {
        assert_eq!(mask_id_number("43010519491231123X"), "430105********123X");
    }

    #[test]
    fn odd_sequence_digit_is_male() {
        let mut first17 = b"43010519600101001".to_vec();
        let check = check_character(&first17);
        first17.push(check as u8);
        let id = IdNumber::parse(std::str::from_utf8(&first17).unwrap(), today()).unwrap();
        assert_eq!(id.sex(), Sex::Male);
    }
}
