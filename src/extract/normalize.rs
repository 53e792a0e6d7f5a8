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
pub struct AnalysisText<'b> {
    /// The body, verbatim.
    pub body: &'b str,
    /// The analysis form of every body character.
    pub chars: Vec<char>,
    /// Byte offset in `body` of every character, and of the end.
    byte_at: Vec<u32>,
    /// Some characters were converted from traditional to simplified.
    pub converted: bool,
}

impl<'b> AnalysisText<'b> {
    pub fn new(body: &'b str, simplifier: &Simplifier) -> Self {
        let mut chars: Vec<char> = Vec::with_capacity(body.len() / 2);
        let mut byte_at: Vec<u32> = Vec::with_capacity(body.len() / 2 + 1);
        for (b, c) in body.char_indices() {
            chars.push(c);
            byte_at.push(b as u32);
        }
        byte_at.push(body.len() as u32);
        let mut converted = false;
        if let Some(simplified) = to_simplified(simplifier, body, chars.len()) {
            debug_assert_eq!(simplified.len(), chars.len());
            converted = simplified != chars;
            chars = simplified;
        }
        normalise_punctuation(&mut chars);
        Self {
            body,
            chars,
            byte_at,
            converted,
        }
    }

    /// The verbatim body text of a span.
    pub fn body_slice(&self, span: Span) -> &'b str {
        let n = self.chars.len();
        let (start, end) = (span.start.min(n), span.end.min(n));
        &self.body[self.byte_at[start] as usize..self.byte_at[end.max(start)] as usize]
    }
}

/// Code points below this are tracked one by one in [`Triggers`]; above it (rare planes),
/// every character counts as a trigger.
const TRACKED: usize = 0x3_2000;

/// Converts traditional characters to simplified, handing zhconv only the lines that need it.
///
/// It knows the characters that can start a change under conversion to simplified: every character
/// at a position where a conversion rule's source differs from its result (all of a rule's
/// characters when lengths differ). A line with none of them converts to itself, so it is
/// not handed to the converter at all, which spares nearly all simplified text.
#[derive(Debug, Clone)]
pub struct Simplifier(Vec<u64>);

impl Simplifier {
    /// Reads zhconv's conversion tables (a few milliseconds; done once per extractor).
    pub fn new() -> Self {
        let mut bits = vec![0u64; TRACKED / 64];
        let mut set = |c: char| {
            if let Some(word) = bits.get_mut(c as usize / 64) {
                *word |= 1 << (c as usize % 64);
            }
        };
        for &table in zhconv::get_builtin_tables(zhconv::Variant::ZhHans) {
            for (from, to) in zhconv::tables::expand_table(table) {
                if from.chars().count() == to.chars().count() {
                    from.chars()
                        .zip(to.chars())
                        .filter(|(f, t)| f != t)
                        .for_each(|(f, _)| set(f));
                } else {
                    from.chars().for_each(&mut set);
                }
            }
        }
        Self(bits)
    }

    fn contains(&self, c: char) -> bool {
        let c = c as usize;
        c >= TRACKED || self.0[c / 64] & (1 << (c % 64)) != 0
    }
}

impl Default for Simplifier {
    fn default() -> Self {
        Self::new()
    }
}

/// The simplified form of `text` with exactly `len` characters, or `None` when nothing
/// changes. Line by line: only lines holding a trigger character are converted, and a line
/// whose phrase conversion would change its length is converted character by character.
fn to_simplified(triggers: &Simplifier, text: &str, len: usize) -> Option<Vec<char>> {
    if text.is_ascii() {
        return None;
    }
    let mut out: Option<Vec<char>> = None;
    let mut buf = [0u8; 4];
    for line in text.split_inclusive('\n') {
        if !line.chars().any(|c| triggers.contains(c)) {
            if let Some(out) = out.as_mut() {
                out.extend(line.chars());
            }
            continue;
        }
        let converted = zhconv::zhconv(line, zhconv::Variant::ZhHans);
        if converted == line {
            if let Some(out) = out.as_mut() {
                out.extend(line.chars());
            }
            continue;
        }
        let out = out.get_or_insert_with(|| {
            let mut v = Vec::with_capacity(len);
            v.extend(text[..line.as_ptr() as usize - text.as_ptr() as usize].chars());
            v
        });
        let line_len = line.chars().count();
        let converted: Vec<char> = converted.chars().collect();
        if converted.len() == line_len {
            out.extend(converted);
        } else {
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
    out
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '》')
}

fn normalise_punctuation(chars: &mut [char]) {
    for i in 0..chars.len() {
        if !matches!(
            chars[i],
            ',' | ':' | ';' | '(' | ')' | '!' | '?' | '.' | '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ'
        ) {
            continue;
        }
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
        AnalysisText::new(s, &Simplifier::new())
            .chars
            .iter()
            .collect()
    }

    #[test]
    fn traditional_becomes_simplified_with_same_length() {
        let body = "雙方將繼續加強在聯合國、上海合作組織框架內的協調與合作。";
        let a = AnalysisText::new(body, &Simplifier::new());
        assert!(a.converted);
        assert_eq!(a.chars.len(), a.body.chars().count());
        assert_eq!(
            a.chars.iter().collect::<String>(),
            "双方将继续加强在联合国、上海合作组织框架内的协调与合作。"
        );
        assert_eq!(a.body_slice(Span { start: 0, end: 2 }), "雙方");
    }

    #[test]
    fn only_lines_with_traditional_characters_are_converted() {
        let simplifier = Simplifier::new();
        // Characters that some rule changes are triggers; simplified ones are not.
        assert!(simplifier.contains('雙') && simplifier.contains('國'));
        assert!(!simplifier.contains('双') && !simplifier.contains('国'));
        let body = "双方同意加强合作，(见附件)。\n兩國將繼續發展關係。\n";
        let a = AnalysisText::new(body, &simplifier);
        assert!(a.converted);
        assert_eq!(
            a.chars.iter().collect::<String>(),
            "双方同意加强合作，（见附件）。\n两国将继续发展关系。\n"
        );
        assert_eq!(a.body_slice(Span { start: 16, end: 18 }), "兩國");
    }

    #[test]
    fn simplified_text_is_not_marked_converted() {
        assert!(!AnalysisText::new("双方将继续加强合作。", &Simplifier::new()).converted);
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
