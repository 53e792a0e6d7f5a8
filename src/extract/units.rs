//! Units: paragraphs split into sentences at 。！？； and sentences into clauses where one
//! sentence carries several distinct statements ("…，并…", "…，以及…", "…，欢迎…").
//!
//! Work happens on a *compact* form of each paragraph: the analysis text of its non-clutter
//! line segments with the line breaks and indentation between them (and white space next to
//! Chinese characters) removed, plus a map from every compact character back to its body
//! offset. Quotes and brackets are kept intact: a terminator inside a matched pair does not
//! end a sentence, and closing marks after a terminator stay with its sentence.

use jieba_rs::Jieba;

use super::classify::CueHit;
use super::lexicon::{Clutter, CueKind, Hit, Lexicon, Tier};
use super::normalize::AnalysisText;
use super::words::{self, WordInfo};
use crate::ingest::{Block, BlockKind, Span};

/// The compact form of a document's paragraphs, one buffer for all its sentences.
#[derive(Debug, Clone, Default)]
pub struct Sentences {
    /// Compact analysis characters.
    chars: Vec<char>,
    /// Body offset of every compact character.
    map: Vec<u32>,
    /// The sentences' text, one after another (what jieba segments).
    text: String,
    spans: Vec<SentenceSpan>,
}

/// Where one sentence lies in [`Sentences`].
#[derive(Debug, Clone, Copy)]
struct SentenceSpan {
    block: usize,
    /// Range in `chars` and `map`.
    start: usize,
    end: usize,
    /// Range in `text`.
    byte_start: usize,
    byte_end: usize,
    truncated: bool,
    after_semicolon: bool,
}

impl Sentences {
    pub fn get(&self, i: usize) -> Sentence<'_> {
        let s = &self.spans[i];
        Sentence {
            block: s.block,
            chars: &self.chars[s.start..s.end],
            text: &self.text[s.byte_start..s.byte_end],
            map: &self.map[s.start..s.end],
            truncated: s.truncated,
            after_semicolon: s.after_semicolon,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Sentence<'_>> {
        (0..self.spans.len()).map(|i| self.get(i))
    }
}

/// One sentence in compact form, borrowed from [`Sentences`].
#[derive(Debug, Clone, Copy)]
pub struct Sentence<'a> {
    /// Index of the paragraph block.
    pub block: usize,
    /// Compact analysis characters.
    pub chars: &'a [char],
    /// `chars` as a string (what jieba segments).
    pub text: &'a str,
    /// Body offset of every compact character.
    pub map: &'a [u32],
    /// The document's last sentence, cut off without final punctuation.
    pub truncated: bool,
    /// The sentence before it in the same paragraph ended with ；: it may continue it.
    pub after_semicolon: bool,
}

impl Sentence<'_> {
    /// The body span covering compact characters `a..b` (empty, at `a`, when `b <= a`).
    pub fn body_span(&self, a: usize, b: usize) -> Span {
        let len = self.map.len();
        if len == 0 {
            return Span { start: 0, end: 0 };
        }
        let b = b.min(len);
        if b <= a {
            let at = self.map[a.min(len - 1)] as usize;
            return Span { start: at, end: at };
        }
        Span {
            start: self.map[a] as usize,
            end: self.map[b - 1] as usize + 1,
        }
    }
}

/// Coarse part of speech from jieba's tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pos {
    Noun,
    Place,
    Organisation,
    Person,
    ProperNoun,
    Verb,
    VerbalNoun,
    Idiom,
    Latin,
    Number,
    Punctuation,
    #[default]
    Other,
}

impl Pos {
    pub fn from_tag(tag: &str, word: &str) -> Self {
        match tag {
            "n" | "nrt" | "ng" => Self::Noun,
            "ns" => Self::Place,
            "nt" => Self::Organisation,
            "nr" | "nrfg" => Self::Person,
            "nz" => Self::ProperNoun,
            "v" | "vd" => Self::Verb,
            "vn" => Self::VerbalNoun,
            "l" | "i" | "j" => Self::Idiom,
            "eng" => Self::Latin,
            "m" => Self::Number,
            "x" if word.chars().any(char::is_alphanumeric) => Self::Latin,
            "x" => Self::Punctuation,
            _ => Self::Other,
        }
    }

    /// Words that carry content (candidates for keywords).
    pub fn is_content(self) -> bool {
        matches!(
            self,
            Self::Noun
                | Self::Place
                | Self::Organisation
                | Self::Person
                | Self::ProperNoun
                | Self::Verb
                | Self::VerbalNoun
                | Self::Idiom
                | Self::Latin
        )
    }
}

/// One jieba token: compact char range, byte range into [`Sentence::text`], part of speech,
/// and the word's number (what the lexicon says about it: [`Tokenised::info`]).
#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub pos: Pos,
    pub id: u32,
    /// The word's [`words::flag`] bits.
    pub flags: u16,
}

impl Token {
    /// Whether the word has a [`words::flag`] bit.
    #[inline]
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

/// A sentence with its tokens, and the word table their numbers index.
#[derive(Debug, Clone)]
pub struct Tokenised<'w> {
    pub sentence: Sentence<'w>,
    pub tokens: &'w [Token],
    pub infos: &'w [WordInfo],
    /// The sub-word arena ([`WordInfo::sub_words`]).
    pub sub_words: &'w [Box<str>],
}

impl Tokenised<'_> {
    pub fn word(&self, t: &Token) -> &str {
        &self.sentence.text[t.byte_start..t.byte_end]
    }

    /// What the lexicon says about a token's word.
    #[inline]
    pub fn info(&self, t: &Token) -> &WordInfo {
        &self.infos[t.id as usize]
    }

    /// The text of compact chars `start..end`, where both are token boundaries (or the ends
    /// of the sentence), as clause bounds are.
    pub fn text_of(&self, start: usize, end: usize) -> &str {
        let byte = |c: usize| {
            let i = self.tokens.partition_point(|t| t.start < c);
            match self.tokens.get(i) {
                Some(t) if t.start == c => t.byte_start,
                _ => self.sentence.text.len(),
            }
        };
        if end <= start {
            return "";
        }
        &self.sentence.text[byte(start)..byte(end)]
    }

    /// Tokens lying within compact chars `start..end`.
    pub fn tokens_in(&self, start: usize, end: usize) -> impl Iterator<Item = &Token> {
        let from = self.tokens.partition_point(|t| t.start < start);
        self.tokens[from..].iter().take_while(move |t| t.end <= end)
    }
}

/// The tokens jieba cut a sentence's text into, numbered by word (see [`words::annotate`]).
pub fn tokens(cut: Vec<jieba_rs::Token<'_>>, lex: &Lexicon, jieba: &Jieba) -> Vec<Token> {
    let ids = words::annotate(lex, jieba, cut.iter().map(|t| t.word));
    cut.into_iter()
        .zip(ids)
        .map(|(t, (id, pos, flags))| Token {
            start: t.start,
            end: t.end,
            byte_start: t.byte_start,
            byte_end: t.byte_end,
            pos,
            id,
            flags,
        })
        .collect()
}

/// Sentence-ending punctuation (after normalisation).
fn is_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；')
}

fn opener_of(c: char) -> Option<char> {
    Some(match c {
        '）' => '（',
        '】' => '【',
        '」' => '「',
        '』' => '『',
        '”' => '“',
        '’' => '‘',
        '》' => '《',
        '〉' => '〈',
        ']' => '[',
        _ => return None,
    })
}

fn is_opener(c: char) -> bool {
    matches!(c, '（' | '【' | '「' | '『' | '“' | '‘' | '《' | '〈' | '[')
}

/// Closing marks that stay with the sentence they follow.
fn is_closer(c: char) -> bool {
    opener_of(c).is_some() || c == '"' || c == '\''
}

/// [`depths`], or `None` when there is no opening mark at all (every depth 0).
fn nesting(chars: &[char]) -> Option<Vec<u16>> {
    chars.iter().copied().any(is_opener).then(|| depths(chars))
}

/// Bracket depth at every char, counting only pairs that close.
pub fn depths(chars: &[char]) -> Vec<u16> {
    let mut delta = vec![0i32; chars.len() + 1];
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if is_opener(c) {
            stack.push((c, i));
        } else if let Some(open) = opener_of(c)
            && let Some(pos) = stack.iter().rposition(|&(o, _)| o == open)
        {
            let (_, at) = stack[pos];
            stack.truncate(pos);
            // Inside = strictly between the marks.
            delta[at + 1] += 1;
            delta[i] -= 1;
        }
    }
    let mut depth = 0i32;
    delta[..chars.len()]
        .iter()
        .map(|d| {
            depth += d;
            depth.max(0) as u16
        })
        .collect()
}

/// Lines longer than this are prose, never clutter.
pub const MAX_CLUTTER_CHARS: usize = 120;

/// Whether a line (analysis form, white space trimmed) is web-page clutter.
pub fn is_clutter(line: &[char], clutter: &Clutter) -> bool {
    if line.is_empty() {
        return false;
    }
    if clutter.prefix_index.longest_at(line, 0).is_some()
        || (0..line.len()).any(|i| clutter.contains_index.longest_at(line, i).is_some())
    {
        return true;
    }
    let has_terminator = line.iter().copied().any(is_terminator);
    if line.len() <= clutter.max_breadcrumb_chars
        && !has_terminator
        && clutter.separator_index.find(line).len() >= 2
    {
        return true;
    }
    line.len() <= 60 && !has_terminator && is_timestamp_line(line)
}

/// A line holding a date with a clock time, e.g. `2012-04-03 10:23:45 来源：新华网`.
fn is_timestamp_line(chars: &[char]) -> bool {
    let digits_at =
        |i: usize, n: usize| (i..i + n).all(|k| chars.get(k).is_some_and(char::is_ascii_digit));
    let has_date = (0..chars.len())
        .any(|i| digits_at(i, 4) && matches!(chars.get(i + 4), Some('-' | '/' | '.' | '年')));
    let has_clock = (0..chars.len()).any(|i| {
        (1..=2)
            .any(|n| digits_at(i, n) && chars.get(i + n) == Some(&':') && digits_at(i + n + 1, 2))
    });
    has_date && has_clock
}

impl Sentences {
    /// Appends the compact form of a line segment to the current run, which starts at
    /// `run_start` in `chars`.
    fn push_segment(&mut self, run_start: usize, analysis: &AnalysisText, span: Span) {
        let end = span.end.min(analysis.chars.len());
        // Where the run of white space around `i` ends, found once per run.
        let mut space_end = 0;
        for i in span.start.min(end)..end {
            let c = analysis.chars[i];
            if c.is_whitespace() {
                if space_end <= i {
                    space_end = (i..end)
                        .find(|&k| !analysis.chars[k].is_whitespace())
                        .unwrap_or(end);
                }
                let prev = self.chars[run_start..].last().copied();
                let next = analysis.chars[..end].get(space_end);
                let cjk = |c: char| !c.is_ascii();
                let keep =
                    prev.is_some_and(|p| !cjk(p) && p != ' ') && next.is_some_and(|&n| !cjk(n));
                if !keep {
                    continue;
                }
                self.chars.push(' ');
            } else {
                self.chars.push(c);
            }
            self.map.push(i as u32);
        }
    }

    /// Splits the run `run_start..` of `chars` into sentences.
    fn flush(&mut self, run_start: usize, block: usize) {
        let chars = &self.chars[run_start..];
        if chars.is_empty() {
            return;
        }
        let depth = nesting(chars);
        let outside = |i: usize| depth.as_ref().is_none_or(|d| d[i] == 0);
        // Sentence bounds in the run.
        let mut bounds: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            if is_terminator(chars[i]) && outside(i) {
                let mut j = i + 1;
                while j < chars.len()
                    && (is_terminator(chars[j]) || (is_closer(chars[j]) && outside(j)))
                {
                    j += 1;
                }
                bounds.push((start, j));
                start = j;
                i = j;
            } else {
                i += 1;
            }
        }
        bounds.push((start, chars.len()));
        for (start, end) in bounds {
            self.push_sentence(block, run_start + start, run_start + end);
        }
    }

    fn push_sentence(&mut self, block: usize, start: usize, end: usize) {
        let chars = &self.chars;
        let (s, e) = crate::ingest::layout::trim_range(chars, start, end);
        // A sentence of punctuation only carries nothing.
        if !chars[s..e]
            .iter()
            .any(|&c| c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()))
        {
            return;
        }
        let after_semicolon = self
            .spans
            .last()
            .is_some_and(|p| p.block == block && chars[p.end - 1] == '；');
        let byte_start = self.text.len();
        self.text.extend(&chars[s..e]);
        self.spans.push(SentenceSpan {
            block,
            start: s,
            end: e,
            byte_start,
            byte_end: self.text.len(),
            truncated: false,
            after_semicolon,
        });
    }
}

/// The sentences of every paragraph block, clutter lines left out.
pub fn sentences(analysis: &AnalysisText, blocks: &[Block], clutter: &Clutter) -> Sentences {
    let mut out = Sentences {
        chars: Vec::with_capacity(analysis.chars.len()),
        map: Vec::with_capacity(analysis.chars.len()),
        text: String::with_capacity(analysis.chars.len() * 3),
        spans: Vec::new(),
    };
    for (index, block) in blocks.iter().enumerate() {
        if block.kind != BlockKind::Paragraph {
            continue;
        }
        let mut run_start = out.chars.len();
        for segment in &block.segments {
            let seg_end = segment.end.min(analysis.chars.len());
            let seg = &analysis.chars[segment.start.min(seg_end)..seg_end];
            // Clutter lines are short; prose lines need no check.
            let clutter_line = seg.len() <= MAX_CLUTTER_CHARS && {
                let first = seg
                    .iter()
                    .position(|c| !c.is_whitespace())
                    .unwrap_or(seg.len());
                let last = seg
                    .iter()
                    .rposition(|c| !c.is_whitespace())
                    .map_or(first, |l| l + 1);
                is_clutter(&seg[first..last.max(first)], clutter)
            };
            if clutter_line {
                out.flush(run_start, index);
                run_start = out.chars.len();
            } else {
                out.push_segment(run_start, analysis, *segment);
            }
        }
        out.flush(run_start, index);
    }
    if let Some(last) = out.spans.last() {
        let chars = &out.chars[last.start..last.end];
        let text = &out.text[last.byte_start..last.byte_end];
        let ends = chars.iter().rev().find(|c| !is_closer(**c)).copied();
        let cut = match ends {
            Some(c) => !is_terminator(c) && c != '：',
            None => false,
        } || text.ends_with("……")
            || text.ends_with("...");
        let truncated = cut && chars.len() >= 8;
        if let Some(last) = out.spans.last_mut() {
            last.truncated = truncated;
        }
    }
    out
}

/// A clause: compact char range of its sentence; `continuation` when it opens with a
/// connective (并, 以及 …) and so continues the statement before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clause {
    pub start: usize,
    pub end: usize,
    pub continuation: bool,
}

/// Words that open a clause continuing the previous one.
const CONNECTIVES: &[&str] = &["并", "以及", "并且", "同时", "而且", "此外"];
/// A clause must keep at least this many characters.
const MIN_CLAUSE_CHARS: usize = 4;
/// The part before a split needs this many characters besides its subject and cue.
const MIN_STATEMENT_CHARS: usize = 3;

/// Splits a sentence into clauses at commas (outside brackets) where a new statement begins:
/// a connective, or a head cue (or a hedge) after optional adverbs, when the part before is a
/// statement of its own: it has a head cue or an explicit past marker, and content besides
/// its subject and that cue (so "双方认为，…" stays whole).
pub fn clauses(
    sentence: &Tokenised,
    hits: &[CueHit<'_>],
    organisations: &[Hit<usize>],
) -> Vec<Clause> {
    let depth = nesting(sentence.sentence.chars);
    let nested = |i: usize| depth.as_ref().is_some_and(|d| d[i] != 0);
    let clauses = comma_clauses(sentence, hits, &nested);
    split_between_organisations(sentence, organisations, &nested, clauses)
}

/// Splits clauses at 以及 between two different organisations, each with its own words
/// (提高中哈合作委员会及其分委会以及利用和保护跨界河流联合委员会的工作效率): what is said of
/// each is a statement about that body, to be followed in its own thread. The part from
/// 以及 on continues the part before it.
fn split_between_organisations(
    sentence: &Tokenised,
    organisations: &[Hit<usize>],
    nested: &impl Fn(usize) -> bool,
    clauses: Vec<Clause>,
) -> Vec<Clause> {
    if organisations.len() < 2 {
        return clauses;
    }
    let chars = &sentence.sentence.chars;
    let mut out = Vec::with_capacity(clauses.len());
    for clause in clauses {
        let mut start = clause.start;
        let mut continuation = clause.continuation;
        for t in sentence.tokens_in(clause.start, clause.end) {
            if sentence.word(t) != "以及" || nested(t.start) || t.start < start + MIN_CLAUSE_CHARS
            {
                continue;
            }
            // The stretch after 以及, up to the next comma or the clause's end.
            let stretch_end = (t.end..clause.end)
                .find(|&i| matches!(chars[i], '，' | ',' | '；'))
                .unwrap_or(clause.end);
            let before = organisations
                .iter()
                .find(|o| o.start >= start && o.end <= t.start);
            let after = organisations
                .iter()
                .find(|o| o.start >= t.end && o.end <= stretch_end);
            if let (Some(b), Some(a)) = (before, after)
                && b.value != a.value
            {
                out.push(Clause {
                    start,
                    end: t.start,
                    continuation,
                });
                start = t.start;
                continuation = true;
            }
        }
        out.push(Clause {
            start,
            end: clause.end,
            continuation,
        });
    }
    out
}

fn comma_clauses(
    sentence: &Tokenised,
    hits: &[CueHit<'_>],
    nested: &impl Fn(usize) -> bool,
) -> Vec<Clause> {
    let chars = &sentence.sentence.chars;
    let tokens = sentence.tokens;
    let openers: Vec<usize> = hits
        .iter()
        .filter(|h| match h.tier {
            Tier::Head => h.cue_kind != CueKind::Background,
            Tier::Hedge => true,
            Tier::Plain => false,
        })
        .map(|h| h.start)
        .collect();
    // A comma at token `i` (outside brackets) where a new statement may begin: the index of
    // the token after it, and whether that token is a connective.
    let split_point = |i: usize, t: &Token| -> Option<(usize, bool)> {
        if t.end != t.start + 1 || chars[t.start] != '，' || nested(t.start) {
            return None;
        }
        let next = tokens[i + 1..]
            .iter()
            .find(|n| !n.has(words::flag::ADVERB))?;
        let first = tokens.get(i + 1)?;
        if chars.len() - first.start < MIN_CLAUSE_CHARS {
            return None;
        }
        let connective = CONNECTIVES.contains(&sentence.word(first));
        let opens_statement = openers.binary_search(&next.start).is_ok();
        (connective || opens_statement).then_some((i + 1, connective))
    };
    // Most sentences have no such comma: one clause, nothing more to prepare.
    if !tokens
        .iter()
        .enumerate()
        .any(|(i, t)| t.start >= MIN_CLAUSE_CHARS && split_point(i, t).is_some())
    {
        return vec![Clause {
            start: 0,
            end: chars.len(),
            continuation: sentence.sentence.after_semicolon,
        }];
    }
    // Everything the loop asks about the part before a comma, prepared once (a sentence may
    // be long and have many commas).
    let mut head_covered = vec![false; chars.len()];
    for h in hits.iter().filter(|h| h.tier == Tier::Head) {
        for covered in &mut head_covered[h.start.min(chars.len())..h.end.min(chars.len())] {
            *covered = true;
        }
    }
    // Content characters (not punctuation, actor words or head cues) before each token.
    let mut content_before = Vec::with_capacity(tokens.len() + 1);
    content_before.push(0usize);
    for x in tokens {
        let content = x.pos != Pos::Punctuation
            && !x.has(words::flag::ACTOR)
            && !head_covered[x.start..x.end].iter().any(|&c| c);
        let last = *content_before.last().unwrap_or(&0);
        content_before.push(last + if content { x.end - x.start } else { 0 });
    }
    // Hits are sorted by start.
    let predicates: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| {
            (h.tier == Tier::Head && h.cue_kind != CueKind::Background)
                || (h.cue_kind == CueKind::Fact && matches!(h.word, "了" | "已" | "已经"))
        })
        .map(|h| (h.start, h.end))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_token = 0;
    let mut continuation = sentence.sentence.after_semicolon;
    for (i, t) in tokens.iter().enumerate() {
        if t.start < start + MIN_CLAUSE_CHARS {
            continue;
        }
        let Some((first_index, connective)) = split_point(i, t) else {
            continue;
        };
        let first = &tokens[first_index];
        let p = predicates.partition_point(|&(s, _)| s < start);
        let has_predicate = predicates
            .get(p)
            .is_some_and(|&(s, e)| s < t.start && e <= t.start);
        let content = content_before[i] - content_before[start_token];
        if !has_predicate || content < MIN_STATEMENT_CHARS {
            continue;
        }
        out.push(Clause {
            start,
            end: t.start,
            continuation,
        });
        start = first.start;
        start_token = i + 1;
        continuation = connective;
    }
    out.push(Clause {
        start,
        end: chars.len(),
        continuation,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::normalize::Simplifier;

    fn clutter() -> Clutter {
        Clutter {
            prefixes: vec!["来源：".into(), "责任编辑".into()],
            contains: vec!["【打印】".into()],
            max_breadcrumb_chars: 60,
            separators: vec![">".into(), "|".into()],
            ..Clutter::default()
        }
        .compile()
    }

    fn block(body: &str) -> Vec<Block> {
        crate::ingest::layout(body, crate::ingest::DocFormat::Text).blocks
    }

    fn texts(body: &str) -> Vec<String> {
        let a = AnalysisText::new(body, &Simplifier::new());
        sentences(&a, &block(body), &clutter())
            .iter()
            .map(|s| s.text.to_owned())
            .collect()
    }

    #[test]
    fn splits_at_terminators_keeping_quotes_whole() {
        assert_eq!(
            texts("双方认为：“合作很好。还要加强。”双方将继续努力；并扩大投资！"),
            vec![
                "双方认为：“合作很好。还要加强。”双方将继续努力；",
                "并扩大投资！"
            ]
        );
    }

    #[test]
    fn closing_marks_stay_with_their_sentence() {
        assert_eq!(
            texts("（新华社电。）双方同意。"),
            vec!["（新华社电。）双方同意。"]
        );
    }

    #[test]
    fn ascii_punctuation_splits_like_full_width() {
        assert_eq!(
            texts("双方同意加强合作;双方将扩大贸易.下一步(略)"),
            vec!["双方同意加强合作；", "双方将扩大贸易。", "下一步（略）"]
        );
    }

    #[test]
    fn wrapped_lines_join_and_offsets_point_into_the_body() {
        let body = "双方同意，将继续加强中哈务\n实合作的有效平台。";
        let a = AnalysisText::new(body, &Simplifier::new());
        let all = sentences(&a, &block(body), &clutter());
        let s = all.get(0);
        assert_eq!(s.text, "双方同意，将继续加强中哈务实合作的有效平台。");
        let span = s.body_span(12, 14);
        assert_eq!(a.body_slice(span), "务\n实");
    }

    #[test]
    fn clutter_lines_are_skipped() {
        let body = "首页 > 新闻 > 国际\n\n来源：新华网 2012-04-03\n\n2012-04-03 10:23:45\n\n双方同意加强合作。\n\n责任编辑：张三";
        assert_eq!(texts(body), vec!["双方同意加强合作。"]);
    }

    #[test]
    fn last_sentence_cut_off_is_flagged() {
        let a = AnalysisText::new(
            "双方同意加强合作。双方将继续推动两国在能源领域的",
            &Simplifier::new(),
        );
        let body = a.body.to_owned();
        let s = sentences(&a, &block(&body), &clutter());
        assert!(!s.get(0).truncated);
        assert!(s.get(1).truncated);
    }

    #[test]
    fn depths_ignore_unmatched_marks() {
        let chars: Vec<char> = "a（b）c（d".chars().collect();
        assert_eq!(depths(&chars), vec![0, 0, 1, 0, 0, 0, 0]);
    }
}
