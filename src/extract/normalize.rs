//! The analysis text: the body as the rules see it, aligned character for character with the
//! stored body so that every offset found in it is an offset into the body.
//!
//! * Traditional characters become simplified (zhconv's OpenCC and MediaWiki tables). Where a
//!   phrase conversion would change the length, that line is converted character by character.
//! * ASCII punctuation used as Chinese punctuation becomes full-width: `,` `;` `:` `(` `)` `!`
//!   `?`, and `.` after a Chinese character. Commas and colons between digits stay (`1,000`,
//!   `10:30`).
//! * Full-width digits and Latin letters become ASCII.

use crate::ingest::Span;

/// The body and its analysis form, both as characters.
#[derive(Debug, Clone)]
pub struct AnalysisText {
    /// The body, verbatim.
    pub body: Vec<char>,
    /// Same length as `body`.
    pub chars: Vec<char>,
    /// Some characters were converted from traditional to simplified.
    pub converted: bool,
}

impl AnalysisText {
    pub fn new(body: &str) -> Self {
        let original: Vec<char> = body.chars().collect();
        let simplified = to_simplified(body, original.len());
        let converted = simplified.as_ref().is_some_and(|s| *s != original);
        let mut chars = simplified.unwrap_or_else(|| original.clone());
        normalise_punctuation(&mut chars);
        Self {
            body: original,
            chars,
            converted,
        }
    }

    /// The verbatim body text of a span.
    pub fn body_slice(&self, span: Span) -> String {
        self.body[span.start.min(self.body.len())..span.end.min(self.body.len())]
            .iter()
            .collect()
    }
}

/// True when the text may hold traditional characters worth converting: anything outside
/// ASCII. (Conversion is cheap; this only spares pure ASCII.)
fn may_need_conversion(text: &str) -> bool {
    !text.is_ascii()
}

/// The simplified form of `text` with exactly `len` characters, or `None` when nothing
/// changes.
fn to_simplified(text: &str, len: usize) -> Option<Vec<char>> {
    if !may_need_conversion(text) {
        return None;
    }
    let converted = zhconv::zhconv(text, zhconv::Variant::ZhHans);
    if converted == text {
        return None;
    }
    let chars: Vec<char> = converted.chars().collect();
    if chars.len() == len {
        return Some(chars);
    }
    // A phrase conversion changed the length somewhere: redo line by line, and char by char
    // for the lines that changed length.
    let mut out = Vec::with_capacity(len);
    for line in text.split_inclusive('\n') {
        let line_len = line.chars().count();
        let converted: Vec<char> = zhconv::zhconv(line, zhconv::Variant::ZhHans)
            .chars()
            .collect();
        if converted.len() == line_len {
            out.extend(converted);
        } else {
            let mut buf = [0u8; 4];
            for c in line.chars() {
                let one = zhconv::zhconv(c.encode_utf8(&mut buf), zhconv::Variant::ZhHans);
                let mut it = one.chars();
                match (it.next(), it.next()) {
                    (Some(s), None) => out.push(s),
                    _ => out.push(c),
                }
            }
        }
    }
    Some(out)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '》')
}

fn normalise_punctuation(chars: &mut [char]) {
    for i in 0..chars.len() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let between_digits =
            prev.is_some_and(|c| c.is_ascii_digit()) && next.is_some_and(|c| c.is_ascii_digit());
        let c = chars[i];
        chars[i] = match c {
            ',' if !between_digits => '，',
            ':' if !between_digits => '：',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            '!' => '！',
            '?' => '？',
            '.' if prev.is_some_and(is_han)
                && next.is_none_or(|n| n.is_whitespace() || is_han(n) || is_closing_quote(n)) =>
            {
                '。'
            }
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysed(s: &str) -> String {
        AnalysisText::new(s).chars.iter().collect()
    }

    #[test]
    fn traditional_becomes_simplified_with_same_length() {
        let body = "雙方將繼續加強在聯合國、上海合作組織框架內的協調與合作。";
        let a = AnalysisText::new(body);
        assert!(a.converted);
        assert_eq!(a.chars.len(), a.body.len());
        assert_eq!(
            a.chars.iter().collect::<String>(),
            "双方将继续加强在联合国、上海合作组织框架内的协调与合作。"
        );
        assert_eq!(a.body_slice(Span { start: 0, end: 2 }), "雙方");
    }

    #[test]
    fn simplified_text_is_not_marked_converted() {
        assert!(!AnalysisText::new("双方将继续加强合作。").converted);
    }

    #[test]
    fn ascii_punctuation_becomes_full_width_but_not_in_numbers() {
        assert_eq!(
            analysed("双方同意(见附件),贸易额达1,000亿美元;会议10:30开始.下一句"),
            "双方同意（见附件），贸易额达1,000亿美元；会议10:30开始。下一句"
        );
        assert_eq!(analysed("version 1.5 ok"), "version 1.5 ok");
        assert_eq!(analysed("２０１５年"), "2015年");
    }
}
