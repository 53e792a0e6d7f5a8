//! Named instruments, projects and organisations, each with a matching key.
//!
//! * Titles in 《》 (treaties, agreements, plans): the key strips the standard party prefixes
//!   ("中华人民共和国政府和哈萨克斯坦共和国政府关于…" → "…"), white space and a leading 关于.
//! * Names in “” (projects, corridors): a hyphenated list of places is order-insensitive
//!   ("欧洲西部-中国西部" = "中国西部-欧洲西部"). Quoted party words (以下简称“双方”) are skipped.
//! * Organisations and their aliases from `organisations.toml` (亚信 = 亚信论坛 =
//!   亚洲相互协作与信任措施会议): the key is the organisation's key.

use super::Instrument;
use super::lexicon::{Hit, Lexicon};
use super::scan::at;
use super::units::{Tokenised, depths};
use super::words::flag;

/// Longest name in “” taken as a name rather than a quotation.
const MAX_NAME_CHARS: usize = 30;
/// Connectors between party names in a title prefix.
const CONNECTORS: &[&str] = &["和", "与", "同", "、", "及"];
const GOVERNMENT_SUFFIXES: &[&str] = &["人民政府", "政府"];

/// The matching key of a title in 《》.
pub fn title_key(lex: &Lexicon, title: &str) -> String {
    let chars: Vec<char> = title.chars().filter(|c| !c.is_whitespace()).collect();
    // Each word of `words` that `chars` continues with at `i`: its length in chars.
    let skip = |i: usize, words: &[&str]| {
        words
            .iter()
            .find(|w| at(&chars, i, w))
            .map_or(0, |w| w.chars().count())
    };
    let mut i = 0;
    while let Some((len, ())) = lex.party_prefix_index.longest_at(&chars, i) {
        i += len;
        i += skip(i, GOVERNMENT_SUFFIXES);
        i += skip(i, CONNECTORS);
    }
    if at(&chars, i, "关于") && chars.len() - i > 4 {
        i += 2;
    }
    let rest = if i < chars.len() {
        &chars[i..]
    } else {
        &chars[..]
    };
    let mut key = String::with_capacity(4 + rest.len() * 3);
    key.push_str("doc:");
    key.extend(rest);
    key
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '－' | '—' | '–' | '‑' | '~' | '～')
}

/// The matching key of a name in “”.
pub fn name_key(name: &str) -> String {
    let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut parts: Vec<&str> = compact.split(is_hyphen).collect();
    if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty()) {
        parts.sort_unstable();
        return format!("name:{}", parts.join("-"));
    }
    format!("name:{compact}")
}

/// Titles in 《》 and names in “” of a clause (clause-relative offsets of the text inside).
pub fn titles_and_names(lex: &Lexicon, chars: &[char]) -> Vec<Instrument> {
    if !chars.iter().any(|&c| c == '《' || c == '“') {
        return Vec::new();
    }
    let depth = depths(chars);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (close, kind) = match chars[i] {
            '《' => ('》', "document"),
            '“' => ('”', "name"),
            _ => {
                i += 1;
                continue;
            }
        };
        let inner_depth = depth.get(i + 1).copied().unwrap_or(0);
        let end = (i + 1..chars.len()).find(|&j| chars[j] == close && depth[j] < inner_depth);
        let Some(end) = end else {
            i += 1;
            continue;
        };
        let text: String = chars[i + 1..end].iter().collect();
        let accept = match kind {
            "document" => !text.trim().is_empty(),
            _ => {
                let n = text.chars().count();
                n > 0
                    && n <= MAX_NAME_CHARS
                    && !text.contains(['，', '。', '；', '：'])
                    && !lex.actor_words.contains_key(text.as_str())
            }
        };
        if accept {
            let key = if kind == "document" {
                title_key(lex, &text)
            } else {
                name_key(&text)
            };
            out.push(Instrument {
                kind: kind.to_owned(),
                text,
                key,
                start: i + 1,
                end,
            });
        }
        i = if kind == "document" { end + 1 } else { i + 1 };
    }
    out
}

/// Organisations named in a sentence (names start at a token boundary).
pub fn organisations(lex: &Lexicon, sentence: &Tokenised) -> Vec<Hit<usize>> {
    lex.organisation_names.find_at(
        sentence.sentence.chars,
        sentence
            .tokens
            .iter()
            .filter(|t| t.has(flag::ORGANISATION_START))
            .map(|t| t.start),
    )
}

/// An organisation hit as an instrument (offsets stay clause-relative).
pub fn organisation_instrument(lex: &Lexicon, chars: &[char], hit: &Hit<usize>) -> Instrument {
    Instrument {
        kind: "organisation".to_owned(),
        text: chars[hit.start..hit.end].iter().collect(),
        key: format!("org:{}", lex.organisations[hit.value].key),
        start: hit.start,
        end: hit.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_names_are_order_insensitive() {
        assert_eq!(
            name_key("欧洲西部-中国西部"),
            name_key("中国西部－欧洲西部")
        );
        assert_ne!(name_key("精河-伊宁-霍尔果斯"), name_key("热特肯-霍尔果斯"));
        assert_eq!(name_key("十二五"), "name:十二五");
    }
}
