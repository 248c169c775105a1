//! Fitting text into table cells (wrap, or end in "…") and cutting rows into pages. Kept free
//! of PDF details so both can be tested with plain numbers.

pub(crate) const ELLIPSIS: char = '…';

/// Characters a line must not start with (Chinese typesetting keeps them on the line before).
const NO_LINE_START: &str = "，。、；：！？）》」』】〕…,.;:!?)]%";
/// Characters a line must not end with.
const NO_LINE_END: &str = "（《「『【〔([";

/// Whether a line may break between `a` and `b`: anywhere in Chinese text, but not inside
/// a run of Latin letters and digits (an ID number, a phone) or next to bracketing punctuation.
fn may_break(a: char, b: char) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '*' || c == '-';
    let inside_word = word(a) && word(b);
    !(inside_word || NO_LINE_START.contains(b) || NO_LINE_END.contains(a))
}

/// Splits `text` into at most `max_lines` lines no wider than `width` (in the unit `advance`
/// returns). Text that does not fit ends in "…" on the last line. Never returns zero lines.
pub(crate) fn fit_lines(
    text: &str,
    width: f32,
    max_lines: usize,
    advance: &mut impl FnMut(char) -> f32,
) -> Vec<String> {
    let chars: Vec<char> = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut lines: Vec<Vec<char>> = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // Longest prefix that fits, but always at least one character.
        let mut end = start;
        let mut used = 0.0;
        while end < chars.len() && (end == start || used + advance(chars[end]) <= width) {
            used += advance(chars[end]);
            end += 1;
        }
        if end < chars.len() {
            if let Some(brk) = (start + 1..=end).rev().find(|&i| may_break(chars[i - 1], chars[i])) {
                end = brk;
            }
        }
        lines.push(chars[start..end].to_vec());
        start = end;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    if lines.is_empty() {
        return vec![String::new()];
    }
    let max_lines = max_lines.max(1);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines >= 1");
        let room = width - advance(ELLIPSIS);
        while !last.is_empty() && last.iter().map(|&c| advance(c)).sum::<f32>() > room {
            last.pop();
        }
        // "（…" reads as a bracket never closed; the cut comes before the bracket instead.
        while last.last().is_some_and(|&c| NO_LINE_END.contains(c)) {
            last.pop();
        }
        last.push(ELLIPSIS);
    }
    lines.into_iter().map(|line| line.into_iter().collect::<String>().trim_end().to_string()).collect()
}

/// One row as pagination sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowBox {
    pub group: bool,
    pub height: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Row(usize),
    /// The group heading at this index again, marked as continued, at the top of a page.
    Continued(usize),
}

/// Cuts rows into pages of at most `capacity` height. A group heading and the data rows that
/// follow it form a block that moves to the next page whole when it fits on one page; a
/// longer block is split, its last heading repeated as "continued", and no page ever ends on
/// a heading. Always returns at least one (possibly empty) page.
#[cfg(test)]
pub(crate) fn paginate(rows: &[RowBox], capacity: f32) -> Vec<Vec<Slot>> {
    paginate_from(rows, capacity, 0.0)
}

/// [`paginate`] for a table that starts part-way down its first page, `used` already taken
/// there: the first page may then stay empty when not even the first block's start fits.
pub(crate) fn paginate_from(rows: &[RowBox], capacity: f32, used: f32) -> Vec<Vec<Slot>> {
    let mut pages: Vec<Vec<Slot>> = vec![Vec::new()];
    let mut used = used.max(0.0);
    let mut i = 0;
    while i < rows.len() {
        let start = i;
        while i < rows.len() && rows[i].group {
            i += 1;
        }
        let headings_end = i;
        while i < rows.len() && !rows[i].group {
            i += 1;
        }
        let block = start..i;
        let height: f32 = rows[block.clone()].iter().map(|r| r.height).sum();
        let lead: f32 = rows[start..(headings_end + 1).min(i)].iter().map(|r| r.height).sum();
        let must_move = if height <= capacity { used + height > capacity } else { used + lead > capacity };
        if must_move && used > 0.0 {
            pages.push(Vec::new());
            used = 0.0;
        }
        let heading = (headings_end > start).then(|| headings_end - 1);
        for index in block {
            if used + rows[index].height > capacity && used > 0.0 {
                pages.push(Vec::new());
                used = 0.0;
                if let Some(heading) = heading.filter(|_| !rows[index].group) {
                    pages.last_mut().expect("a page").push(Slot::Continued(heading));
                    used += rows[heading].height;
                }
            }
            pages.last_mut().expect("a page").push(Slot::Row(index));
            used += rows[index].height;
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide, like a CJK glyph measured in em.
    fn fit(text: &str, width: f32, max_lines: usize) -> Vec<String> {
        fit_lines(text, width, max_lines, &mut |_| 1.0)
    }

    #[test]
    fn short_text_stays_on_one_line() {
        assert_eq!(fit("张三", 5.0, 2), ["张三"]);
        assert_eq!(fit("", 5.0, 2), [""]);
    }

    #[test]
    fn long_text_wraps_within_the_width() {
        assert_eq!(fit("中共党员离退休", 4.0, 2), ["中共党员", "离退休"]);
    }

    #[test]
    fn text_beyond_the_last_line_ends_in_an_ellipsis_that_fits() {
        let lines = fit("残疾肢体二级独居高龄低保", 4.0, 2);
        assert_eq!(lines, ["残疾肢体", "二级独…"]);
        assert!(lines.iter().all(|l| l.chars().count() <= 4));
        assert_eq!(fit("阿依古丽买买提", 3.0, 1), ["阿依…"]);
    }

    #[test]
    fn an_ellipsis_never_follows_an_opening_bracket() {
        assert_eq!(fit("一千七百零一室（靠近东门）", 9.0, 1), ["一千七百零一室…"]);
        assert_eq!(fit("八栋三单元一千七百零一室（靠近东门）", 7.0, 2), ["八栋三单元一千", "七百零一室…"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        assert_eq!(fit("残疾（肢体二级）、独居", 8.0, 3), ["残疾（肢体二", "级）、独居"]);
    }

    #[test]
    fn numbers_break_only_when_they_cannot_fit_whole() {
        assert_eq!(fit("电话 13812345678", 12.0, 2), ["电话", "13812345678"]);
        assert_eq!(fit("13812345678", 6.0, 2), ["138123", "45678"]);
    }

    #[test]
    fn a_column_narrower_than_one_character_still_progresses() {
        assert_eq!(fit("张三", 0.5, 3), ["张", "三"]);
    }

    fn data(height: f32) -> RowBox {
        RowBox { group: false, height }
    }

    fn group() -> RowBox {
        RowBox { group: true, height: 1.0 }
    }

    fn rows_of(page: &[Slot]) -> Vec<usize> {
        page.iter().map(|(Slot::Row(i) | Slot::Continued(i))| *i).collect()
    }

    #[test]
    fn rows_without_groups_fill_each_page() {
        let pages = paginate(&[data(1.0); 7], 3.0);
        assert_eq!(pages.iter().map(|p| p.len()).collect::<Vec<_>>(), [3, 3, 1]);
    }

    #[test]
    fn an_empty_table_still_has_one_page() {
        assert_eq!(paginate(&[], 10.0), [Vec::<Slot>::new()]);
    }

    #[test]
    fn a_household_that_fits_on_a_page_is_never_split() {
        // Page holds 5: [g d d] fits, [g d d] would need 6 → moves whole to page 2.
        let rows = [group(), data(1.0), data(1.0), group(), data(1.0), data(1.0)];
        let pages = paginate(&rows, 5.0);
        assert_eq!(rows_of(&pages[0]), [0, 1, 2]);
        assert_eq!(rows_of(&pages[1]), [3, 4, 5]);
    }

    #[test]
    fn a_block_longer_than_a_page_repeats_its_heading_and_never_ends_a_page_on_it() {
        // Two headings then 6 data rows, page holds 4.
        let rows = [data(1.0), data(1.0), data(1.0), group(), group(), data(1.0), data(1.0), data(1.0), data(1.0)];
        let pages = paginate(&rows, 4.0);
        assert_eq!(pages[0], [Slot::Row(0), Slot::Row(1), Slot::Row(2)]);
        assert_eq!(pages[1], [Slot::Row(3), Slot::Row(4), Slot::Row(5), Slot::Row(6)]);
        assert_eq!(pages[2], [Slot::Continued(4), Slot::Row(7), Slot::Row(8)]);
        for page in &pages {
            assert!(!matches!(page.last(), Some(Slot::Row(3 | 4))), "a page ends on a heading: {page:?}");
        }
    }

    #[test]
    fn a_table_starting_part_way_down_fills_the_rest_of_its_first_page() {
        let pages = paginate_from(&[data(1.0); 5], 3.0, 1.0);
        assert_eq!(pages.iter().map(|p| p.len()).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn a_table_with_no_room_left_starts_on_the_next_page() {
        let pages = paginate_from(&[group(), data(1.0), data(1.0)], 4.0, 3.5);
        assert_eq!(pages[0], []);
        assert_eq!(rows_of(&pages[1]), [0, 1, 2]);
        // A block longer than a page starts where its heading and first row still fit.
        let pages = paginate_from(&[group(), data(1.0), data(1.0), data(1.0), data(1.0)], 4.0, 2.0);
        assert_eq!(rows_of(&pages[0]), [0, 1]);
        assert_eq!(pages[1], [Slot::Continued(0), Slot::Row(2), Slot::Row(3), Slot::Row(4)]);
    }

    #[test]
    fn tall_rows_are_respected() {
        let pages = paginate(&[data(2.0), data(2.0), data(2.0)], 5.0);
        assert_eq!(pages.len(), 2);
        assert!(pages.iter().all(|p| p.len() <= 2));
    }
}
