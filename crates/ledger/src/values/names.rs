//! 拼音 keys for names, so staff can find 张三 by typing "zhangsan" or "zs".

use pinyin::ToPinyin;

/// The full 拼音 without tones or spaces ("zhangsan") and the initials ("zs") of a name.
/// Characters without a reading (rare ones such as 𠇔, or Latin letters) are kept lower-cased
/// so that the key never loses a character silently.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinyinKeys {
    pub full: String,
    pub initials: String,
}

pub fn pinyin_keys(name: &str) -> PinyinKeys {
    let mut keys = PinyinKeys::default();
    for (c, reading) in name.chars().zip(name.to_pinyin()) {
        match reading {
            Some(p) => {
                keys.full.push_str(p.plain());
                keys.initials.push_str(p.first_letter());
            }
            None if c.is_alphanumeric() => {
                for lower in c.to_lowercase() {
                    keys.full.push(lower);
                    keys.initials.push(lower);
                }
            }
            None => {}
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names() {
        let keys = pinyin_keys("张三");
        assert_eq!(keys.full, "zhangsan");
        assert_eq!(keys.initials, "zs");
        assert_eq!(pinyin_keys("司马林珺").initials, "smlj");
    }

    #[test]
    fn rare_characters_are_kept_not_dropped() {
        let keys = pinyin_keys("曹𠇔");
        assert!(keys.full.starts_with("cao"));
        assert!(keys.full.contains('𠇔') || keys.full.len() > 3, "{keys:?}");
    }

    #[test]
    fn dots_in_minority_names_are_skipped() {
        assert_eq!(pinyin_keys("阿依·买买提").initials, "aymmt");
    }
}
