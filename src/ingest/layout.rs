//! Body layout, shared by the archive and text formats.
//!
//! The body is read line by line. A line's content excludes its leading and
//! trailing whitespace (spaces, tabs, U+3000). Rules, in order:
//!
//! 1. Trailing dateline: if the last non-blank line is a bracketed agency
//!    line such as `（新华社北京4月2日电）`, `（新华社记者…）` or
//!    `（本报…电）`, it becomes a [`BlockKind::Dateline`] block.
//! 2. Signature: scanning back from there, a run of short lines without
//!    sentence-final punctuation or commas (at most [`MAX_SIGNATURE_LINES`])
//!    that contains a signing-date line (`二○一二年三月三十一日于北京`) or a
//!    `（签字）` line becomes one [`BlockKind::Signature`] block, one segment
//!    per line, text joined with `\n`.
//! 3. Headings: a line that is only a Chinese section numeral (`一`, `十一、`,
//!    `三．`), a short `第X部分/章/节/编/篇` line, a short enumerated title
//!    without sentence punctuation (`一、总体要求`, `（一）加强政治互信`), or
//!    (text formats) a Markdown ATX heading (`#`..`######`, text without the
//!    `#`s).
//! 4. Paragraphs: blank lines separate paragraphs; every other line starts a
//!    new paragraph, except that a hard-wrapped line is joined to the previous
//!    one when that one does not end a sentence (`。！？；：…` possibly
//!    followed by closing quotes/brackets), the paragraph so far looks like
//!    prose (contains `，`/`、` or has at least 20 characters), and the line
//!    does not start an enumeration item or a Markdown list/quote. The text of
//!    a joined paragraph is its segments concatenated.
//!
//! Sentences are split within paragraphs at `。！？；` (and ASCII `!?`),
//! keeping closing quotes and brackets that follow; a trailing fragment
//! without final punctuation is a sentence too; whitespace is never at either
//! end of a sentence. A dateline at the start of the first paragraph
//! (`新华社北京4月2日电 …`) only records its place.

use chrono::NaiveDate;

use super::{Block, BlockKind, DocFormat, Sentence, Span, dates};

/// Longest signature block, in non-blank lines.
pub const MAX_SIGNATURE_LINES: usize = 12;

/// Longest line (in characters) that can belong to a signature block.
const MAX_SIGNATURE_LINE_CHARS: usize = 48;

/// Longest line that can be an enumerated or `第X部分` heading.
const MAX_HEADING_CHARS: usize = 40;

/// Minimum length of a comma-less paragraph that may continue on the next line.
const MIN_PROSE_CHARS: usize = 20;

/// Result of [`layout`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    /// Date of the signature block's signing line.
    pub signed_on: Option<NaiveDate>,
    /// Place of the signature block's signing line.
    pub signed_place: Option<String>,
    /// Place of the trailing dateline, else of a dateline opening the first paragraph.
    pub dateline_place: Option<String>,
}

/// One line of the body.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// Character span of the content (whitespace-trimmed).
    span: Span,
    /// The content text.
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Splits the body into lines with character offsets, in one pass.
fn split_lines(body: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in body.split('\n') {
        let total = raw.chars().count();
        let after_lead = raw.trim_start();
        let lead = raw[..raw.len() - after_lead.len()].chars().count();
        let text = after_lead.trim_end();
        let len = text.chars().count();
        lines.push(Line {
            span: Span {
                start: offset + lead,
                end: offset + lead + len,
            },
            text,
        });
        offset += total + 1;
    }
    lines
}

/// Lays out a body: blocks in body order (never overlapping) and the
/// sentences of its paragraphs. `format` enables Markdown headings for the
/// text formats.
pub fn layout(body: &str, format: DocFormat) -> Layout {
    let lines = split_lines(body);
    let markdown = format != DocFormat::Archive;
    let mut out = Layout::default();

    let mut end = lines.len();
    while end > 0 && lines[end - 1].is_blank() {
        end -= 1;
    }
    let mut dateline = None;
    if end > 0 && is_dateline_line(lines[end - 1].text) {
        dateline = Some(lines[end - 1]);
        end -= 1;
    }
    let signature = find_signature(&lines[..end]);
    let body_end = signature.as_ref().map_or(end, |s| s.first);

    let mut paragraph: Option<ParagraphBuilder<'_>> = None;
    for line in &lines[..body_end] {
        if line.is_blank() || (markdown && is_hash_rule(line.text)) {
            flush(&mut paragraph, &mut out.blocks);
            continue;
        }
        if let Some(heading) = heading_of(line, markdown) {
            flush(&mut paragraph, &mut out.blocks);
            out.blocks.push(heading);
            continue;
        }
        match paragraph.as_mut() {
            Some(p) if p.can_continue_with(line, markdown) => p.push(line),
            _ => {
                flush(&mut paragraph, &mut out.blocks);
                paragraph = Some(ParagraphBuilder::new(line));
            }
        }
    }
    flush(&mut paragraph, &mut out.blocks);

    if let Some(sig) = signature {
        let sig_lines: Vec<&Line<'_>> = lines[sig.first..end]
            .iter()
            .filter(|l| !l.is_blank())
            .collect();
        if let Some((date, place)) = sig_lines
            .iter()
            .rev()
            .find_map(|l| dates::parse_signing_line(l.text))
        {
            out.signed_on = Some(date);
            out.signed_place = place;
        }
        out.blocks.push(Block {
            kind: BlockKind::Signature,
            start: sig_lines.first().map_or(0, |l| l.span.start),
            end: sig_lines.last().map_or(0, |l| l.span.end),
            segments: sig_lines.iter().map(|l| l.span).collect(),
            text: sig_lines
                .iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
                .join(BlockKind::Signature.segment_joiner()),
        });
    }
    if let Some(line) = dateline {
        out.dateline_place = dates::parse_dateline(line.text);
        out.blocks
            .push(single_line_block(BlockKind::Dateline, &line));
    }
    if out.dateline_place.is_none() {
        out.dateline_place = out
            .blocks
            .iter()
            .find(|b| b.kind == BlockKind::Paragraph)
            .and_then(|b| leading_dateline_place(&b.text));
    }

    out.sentences = split_sentences(body, &out.blocks);
    out
}

fn single_line_block(kind: BlockKind, line: &Line<'_>) -> Block {
    Block {
        kind,
        start: line.span.start,
        end: line.span.end,
        segments: vec![line.span],
        text: line.text.to_owned(),
    }
}

/// A paragraph being assembled from one or more lines.
struct ParagraphBuilder<'a> {
    segments: Vec<Span>,
    text: String,
    last: &'a str,
    chars: usize,
    /// Contains a comma or enumeration comma (tracked incrementally).
    has_comma: bool,
}

impl<'a> ParagraphBuilder<'a> {
    fn new(line: &Line<'a>) -> Self {
        Self {
            segments: vec![line.span],
            text: line.text.to_owned(),
            last: line.text,
            chars: line.span.len(),
            has_comma: has_comma(line.text),
        }
    }

    fn push(&mut self, line: &Line<'a>) {
        self.segments.push(line.span);
        self.text.push_str(line.text);
        self.last = line.text;
        self.chars += line.span.len();
        self.has_comma |= has_comma(line.text);
    }

    /// May `next` (a non-blank, non-heading line) continue this paragraph?
    fn can_continue_with(&self, next: &Line<'_>, markdown: bool) -> bool {
        let looks_like_prose = self.has_comma || self.chars >= MIN_PROSE_CHARS;
        let starts_new = ends_sentence(self.last)
            || starts_enumeration(next.text)
            || is_dateline_line(next.text)
            || (markdown && starts_markdown_item(next.text));
        looks_like_prose && !starts_new
    }

    fn into_block(self) -> Block {
        Block {
            kind: BlockKind::Paragraph,
            start: self.segments.first().map_or(0, |s| s.start),
            end: self.segments.last().map_or(0, |s| s.end),
            segments: self.segments,
            text: self.text,
        }
    }
}

fn has_comma(text: &str) -> bool {
    text.contains(['，', '、', ','])
}

fn flush(paragraph: &mut Option<ParagraphBuilder<'_>>, blocks: &mut Vec<Block>) {
    if let Some(p) = paragraph.take() {
        blocks.push(p.into_block());
    }
}

/// Punctuation that ends a sentence (and the splitter set for lines).
fn is_final_punct(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '：' | '…' | '!' | '?' | ';' | ':' | '.' | '．'
    )
}

/// Closing quotes and brackets that may follow final punctuation.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '】' | '〕' | '"' | '\''
    )
}

/// Does a line's content end a sentence? Closing quotes/brackets at the end
/// are skipped, so `…。”` and `…。）` end sentences but `…论坛）` does not.
fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(is_closer)
        .chars()
        .next_back()
        .is_some_and(is_final_punct)
}

/// Chinese numeral characters used in section numbers.
fn is_section_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '〇'
            | '零'
            | '○'
    )
}

/// `一`, `十一、`, `三．`, `四.` — a Chinese section numeral alone.
fn is_numeral_heading(text: &str) -> bool {
    let numeral = text.trim_end_matches(['、', '．', '.']);
    let count = numeral.chars().count();
    (1..=4).contains(&count)
        && numeral.chars().all(is_section_numeral)
        && text.len() - numeral.len() <= '、'.len_utf8()
}

/// Length in bytes of an enumeration marker at the start of `text`:
/// `一、`, `十二．`, `（一）`, `(三)`, `第一部分`, `第3章`, `1.`/`1、`.
fn enumeration_marker(text: &str) -> Option<usize> {
    let numeral_len = |s: &str| -> usize {
        s.char_indices()
            .find(|&(_, c)| {
                !(is_section_numeral(c) || c.is_ascii_digit() || ('０'..='９').contains(&c))
            })
            .map_or(s.len(), |(i, _)| i)
    };
    if let Some(rest) = text.strip_prefix(['（', '(']) {
        let n = numeral_len(rest);
        if n > 0 {
            let after = &rest[n..];
            if let Some(close) = after.chars().next().filter(|&c| c == '）' || c == ')') {
                return Some(text.len() - after.len() + close.len_utf8());
            }
        }
        return None;
    }
    if let Some(rest) = text.strip_prefix('第') {
        let n = numeral_len(rest);
        if n > 0 {
            let after = &rest[n..];
            for unit in ["部分", "章", "节", "節", "编", "編", "篇", "卷", "条", "條"] {
                if after.starts_with(unit) {
                    return Some(text.len() - after.len() + unit.len());
                }
            }
        }
        return None;
    }
    let n = numeral_len(text);
    if n == 0 {
        return None;
    }
    let after = &text[n..];
    let sep = after
        .chars()
        .next()
        .filter(|c| matches!(c, '、' | '．' | '.'))?;
    // "1.5亿" is a number, not a marker.
    if sep == '.' && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(n + sep.len_utf8())
}

fn starts_enumeration(text: &str) -> bool {
    enumeration_marker(text).is_some()
}

/// Markdown list item or block quote.
fn starts_markdown_item(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('-' | '*' | '+') => chars.next().is_some_and(char::is_whitespace),
        Some('>') => true,
        Some(c) if c.is_ascii_digit() => {
            let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(". ") || rest.starts_with(") ")
        }
        _ => false,
    }
}

/// The heading block for a line, if it is one.
fn heading_of(line: &Line<'_>, markdown: bool) -> Option<Block> {
    let text = line.text;
    if markdown && let Some((_, range)) = atx_heading(text) {
        let start = line.span.start + text[..range.start].chars().count();
        let span = Span {
            start,
            end: start + text[range.clone()].chars().count(),
        };
        return Some(Block {
            kind: BlockKind::Heading,
            start: span.start,
            end: span.end,
            segments: vec![span],
            text: text[range].to_owned(),
        });
    }
    let is_heading = is_numeral_heading(text)
        || (enumeration_marker(text).is_some()
            && text.chars().count() <= MAX_HEADING_CHARS
            && !ends_sentence(text)
            && !text.contains(['，', ',', '；', '。']));
    is_heading.then(|| single_line_block(BlockKind::Heading, line))
}

/// A Markdown ATX heading (`#` to `######`): its level and the byte range of its text in
/// `line`. A closing run of `#`s counts only after whitespace (`# C#` keeps its `#`). A heading
/// with no text (`###`, often a separator) is `None`.
pub(super) fn atx_heading(line: &str) -> Option<(usize, std::ops::Range<usize>)> {
    let lead = line.len() - line.trim_start().len();
    let text = line.trim();
    let level = text.chars().take_while(|&c| c == '#').count();
    let rest = &text[level..];
    if level == 0 || level > 6 || !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let content = rest.trim_start();
    let stripped = content.trim_end_matches('#');
    let content = if stripped.is_empty() || stripped.ends_with(char::is_whitespace) {
        stripped.trim_end()
    } else {
        content
    };
    if content.is_empty() {
        return None;
    }
    let start = lead + (text.len() - rest.trim_start().len());
    Some((level, start..start + content.len()))
}

/// A line of nothing but `#`s (a Markdown heading without text): a separator.
pub(super) fn is_hash_rule(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c == '#' || c.is_whitespace())
}

/// `（新华社北京4月2日电）`, `（新华社记者张三）`, `（本报…电）`: a whole line
/// in brackets that starts with a news agency.
fn is_dateline_line(text: &str) -> bool {
    let Some(inner) = text
        .strip_prefix(['（', '('])
        .and_then(|t| t.strip_suffix(['）', ')']))
    else {
        return false;
    };
    inner.chars().count() <= 60
        && dates::starts_with_agency(inner)
        && (inner.contains(['电', '電']) || inner.contains("记者") || inner.contains("記者"))
}

/// A `（签字）` line: only `（签字）` marks separated by whitespace.
fn is_signed_marker_line(text: &str) -> bool {
    let mut any = false;
    for token in text.split_whitespace() {
        let inner = token
            .strip_prefix(['（', '('])
            .and_then(|t| t.strip_suffix(['）', ')']));
        match inner {
            Some("签字" | "簽字" | "签名" | "簽名") => any = true,
            _ => return false,
        }
    }
    any
}

/// Line range of a signature block: `first` is the index of its first line.
struct SignatureRange {
    first: usize,
}

/// Finds the trailing signature run in `lines` (see the module docs).
fn find_signature(lines: &[Line<'_>]) -> Option<SignatureRange> {
    let mut first = None;
    let mut count = 0;
    let mut anchored = false;
    for (i, line) in lines.iter().enumerate().rev() {
        if line.is_blank() {
            continue;
        }
        let signing = dates::parse_signing_line(line.text).is_some();
        let marker = is_signed_marker_line(line.text);
        let candidate = signing
            || marker
            || (line.span.len() <= MAX_SIGNATURE_LINE_CHARS
                && !ends_sentence(line.text)
                && !line.text.contains(['，', ',', '；', '：'])
                && !is_numeral_heading(line.text)
                && !starts_enumeration(line.text)
                && !line.text.starts_with('#'));
        if !candidate || count == MAX_SIGNATURE_LINES {
            break;
        }
        anchored |= signing || marker;
        first = Some(i);
        count += 1;
    }
    first
        .filter(|_| anchored)
        .map(|first| SignatureRange { first })
}

/// Place of a dateline opening a paragraph: `新华社北京4月2日电 …`.
fn leading_dateline_place(text: &str) -> Option<String> {
    if !dates::starts_with_agency(text) {
        return None;
    }
    let head: String = text.chars().take(40).collect();
    let cut = head.find(['电', '電'])?;
    dates::parse_dateline(&head[..cut + '电'.len_utf8()])
}

/// Sentence-ending punctuation.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?')
}

/// Splits every paragraph block into sentences (one pass over the body).
fn split_sentences(body: &str, blocks: &[Block]) -> Vec<Sentence> {
    let chars: Vec<char> = body.chars().collect();
    let mut sentences = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        if block.kind != BlockKind::Paragraph {
            continue;
        }
        let end = block.end.min(chars.len());
        let mut start = block.start.min(end);
        let mut i = start;
        while i < end {
            if is_sentence_end(chars[i]) {
                let mut j = i + 1;
                while j < end && (is_sentence_end(chars[j]) || is_closer(chars[j])) {
                    j += 1;
                }
                push_sentence(&chars, index, start, j, &mut sentences);
                start = j;
                i = j;
            } else {
                i += 1;
            }
        }
        push_sentence(&chars, index, start, end, &mut sentences);
    }
    sentences
}

/// The range `start..end` of `chars` without the white space at either end.
pub fn trim_range(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let mut s = start;
    let mut e = end;
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// Adds the sentence `start..end` with surrounding whitespace removed,
/// unless nothing but whitespace is left.
fn push_sentence(chars: &[char], block: usize, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let (s, e) = trim_range(chars, start, end);
    if s < e {
        out.push(Sentence {
            block,
            start: s,
            end: e,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str, format: DocFormat) -> Vec<(BlockKind, String)> {
        layout(body, format)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect()
    }

    fn slice(body: &str, start: usize, end: usize) -> String {
        body.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn wrapped_line_is_joined() {
        let body = "    双方支持进一步加强合作，希望该机制成为加强和推动中哈务\n    实合作的有效平台。\n    四\n    下一段。";
        let laid = layout(body, DocFormat::Archive);
        let kinds: Vec<_> = laid.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Paragraph,
                BlockKind::Heading,
                BlockKind::Paragraph
            ]
        );
        let p = &laid.blocks[0];
        assert_eq!(p.segments.len(), 2);
        assert!(p.text.contains("中哈务实合作的有效平台"));
        assert_eq!(slice(body, p.start, p.end).lines().count(), 2);
        let s = laid.sentences[0];
        assert_eq!(s.block, 0);
        assert!(slice(body, s.start, s.end).ends_with("有效平台。"));
    }

    #[test]
    fn short_title_like_lines_are_not_joined() {
        let body = "（一）加强政治互信\n双方同意保持高层交往。\n短行\n另一行。";
        assert_eq!(
            texts(body, DocFormat::Archive),
            [
                (BlockKind::Heading, "（一）加强政治互信".to_owned()),
                (BlockKind::Paragraph, "双方同意保持高层交往。".to_owned()),
                (BlockKind::Paragraph, "短行".to_owned()),
                (BlockKind::Paragraph, "另一行。".to_owned()),
            ]
        );
    }

    #[test]
    fn headings() {
        for h in [
            "一",
            "十一",
            "二十三、",
            "三．",
            "第一部分",
            "第三章 总则",
            "一、总体要求",
        ] {
            assert!(
                heading_of(
                    &Line {
                        span: Span {
                            start: 0,
                            end: h.chars().count()
                        },
                        text: h
                    },
                    false
                )
                .is_some(),
                "{h}"
            );
        }
        for p in [
            "一是加强合作。",
            "第一条 为了规范管理，制定本办法。",
            "一、双方同意加强合作，推动发展。",
            "1.5亿元",
        ] {
            assert!(
                heading_of(
                    &Line {
                        span: Span {
                            start: 0,
                            end: p.chars().count()
                        },
                        text: p
                    },
                    false
                )
                .is_none(),
                "{p}"
            );
        }
    }

    #[test]
    fn markdown_headings_strip_hashes() {
        let body = "## 二、合作领域 ##\n\n正文。";
        let laid = layout(body, DocFormat::Markdown);
        let h = &laid.blocks[0];
        assert_eq!(
            (h.kind, h.text.as_str()),
            (BlockKind::Heading, "二、合作领域")
        );
        assert_eq!(slice(body, h.start, h.end), "二、合作领域");
        // Not a heading in archives.
        assert_eq!(
            layout("# 标题\n正文。", DocFormat::Archive).blocks[0].kind,
            BlockKind::Paragraph
        );
    }

    #[test]
    fn sentences_keep_closers_and_skip_whitespace() {
        let body = "他说：“我们同意。”随后？！双方签字；  最后一句没有句号\n\n　　";
        let laid = layout(body, DocFormat::Text);
        let got: Vec<String> = laid
            .sentences
            .iter()
            .map(|s| slice(body, s.start, s.end))
            .collect();
        assert_eq!(
            got,
            [
                "他说：“我们同意。”",
                "随后？！",
                "双方签字；",
                "最后一句没有句号"
            ]
        );
    }

    #[test]
    fn signature_and_dateline() {
        let body = "双方将继续合作。\n中华人民共和国 哈萨克斯坦共和国\n主席 总统\n（签字） （签字）\n二○一一年六月十三日于阿斯塔纳\n（新华社阿斯塔纳6月13日电）\n";
        let laid = layout(body, DocFormat::Archive);
        let kinds: Vec<_> = laid.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Paragraph,
                BlockKind::Signature,
                BlockKind::Dateline
            ]
        );
        assert_eq!(laid.blocks[1].segments.len(), 4);
        assert!(
            laid.blocks[1]
                .text
                .ends_with("（签字） （签字）\n二○一一年六月十三日于阿斯塔纳")
        );
        assert_eq!(laid.signed_place.as_deref(), Some("阿斯塔纳"));
        assert_eq!(laid.dateline_place.as_deref(), Some("阿斯塔纳"));
        assert_eq!(laid.sentences.len(), 1);
    }

    #[test]
    fn no_signature_without_anchor() {
        let body = "双方将继续合作。\n中华人民共和国\n哈萨克斯坦共和国";
        let kinds: Vec<_> = layout(body, DocFormat::Archive)
            .blocks
            .iter()
            .map(|b| b.kind)
            .collect();
        assert!(!kinds.contains(&BlockKind::Signature));
    }

    #[test]
    fn leading_dateline_records_place_only() {
        let body = "新华社北京4月2日电　双方今天举行会谈。";
        let laid = layout(body, DocFormat::Text);
        assert_eq!(laid.dateline_place.as_deref(), Some("北京"));
        assert_eq!(laid.blocks.len(), 1);
        assert_eq!(laid.blocks[0].kind, BlockKind::Paragraph);
    }

    #[test]
    fn offsets_count_characters() {
        let body = "　　第一段，含全角空格。\r\n";
        let laid = layout(body, DocFormat::Text);
        let b = &laid.blocks[0];
        assert_eq!((b.start, b.end), (2, 12));
        assert_eq!(slice(body, b.start, b.end), b.text);
    }
}
