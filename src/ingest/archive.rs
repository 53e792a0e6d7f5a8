//! People's Daily / PLA Daily archive format.
//!
//! A file is a sequence of fields `〖XX/名〗value〖-XX/名〗`, where `XX` is an
//! ASCII code (a letter, then letters, digits or `_`) and `名` a name.
//! Whitespace (including U+3000 and blank lines) between fields is ignored,
//! and so is stray text between fields that is not a tag. A closing tag
//! closes the open field when the codes match (the names are not compared).
//!
//! Inside a field, `〖` followed by something other than an optional `-`
//! and an ASCII letter is literal text; a well-formed opening tag means the
//! open field was never closed. Outside a field every `〖` must start a
//! well-formed tag, and any closing tag (`〖-`) must be well-formed anywhere.
//!
//! Several articles may follow each other in one file: a new article starts
//! at a field whose code the current article already has (typically `ZQ` or
//! `RQ` again).

use super::{DocFormat, IngestError, ParsedDocument, PartialDate, RawField, dates};

const OPEN: char = '〖';
const CLOSE: char = '〗';

/// One field as found in the text. `value` is verbatim (LF line endings);
/// lines are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub value: &'a str,
    pub open_line: usize,
    pub close_line: usize,
}

/// A parsed tag: `〖XX/名〗` or `〖-XX/名〗`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tag<'a> {
    closing: bool,
    code: &'a str,
    name: &'a str,
    /// Byte length of the tag, from `〖` through `〗`.
    len: usize,
}

/// True when the text, after leading whitespace, starts with a well-formed
/// `〖XX/名〗` opening tag.
pub fn looks_like_archive(text: &str) -> bool {
    let start = text.trim_start();
    start.starts_with(OPEN) && matches!(parse_tag(start), Ok(tag) if !tag.closing)
}

/// The longest tag, in characters: `〖-` + a 16-character code + `/` + a name + `〗`.
const MAX_TAG_CHARS: usize = 48;

/// Does the text right after a `〖` look like an attempt at a tag?
fn is_tag_attempt(after_open: &str) -> bool {
    let rest = after_open.strip_prefix('-').unwrap_or(after_open);
    rest.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Parses the tag at the start of `s` (which starts with `〖`).
fn parse_tag(s: &str) -> Result<Tag<'_>, &'static str> {
    let inner_start = OPEN.len_utf8();
    // Look no further than a tag can reach, so that text full of literal `〖`s stays linear.
    let window_end = s
        .char_indices()
        .nth(MAX_TAG_CHARS)
        .map_or(s.len(), |(i, _)| i);
    let window = &s[..window_end];
    let close = match window.find(['\n', CLOSE]) {
        Some(i) if window[i..].starts_with(CLOSE) => i,
        Some(_) => return Err("no closing 〗 on the same line"),
        None if window_end < s.len() => return Err("too long for a tag"),
        None => return Err("no closing 〗 on the same line"),
    };
    let inner = &s[inner_start..close];
    if inner.contains(OPEN) {
        return Err("no closing 〗 before the next 〖");
    }
    let (closing, inner) = match inner.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let (code, name) = inner
        .split_once('/')
        .ok_or("expected 〖CODE/名〗 with a '/'")?;
    let code = code.trim();
    let name = name.trim();
    let code_ok = code.starts_with(|c: char| c.is_ascii_alphabetic())
        && code.len() <= 16
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !code_ok {
        return Err("the code must be ASCII letters and digits");
    }
    if name.is_empty() || name.contains('/') {
        return Err("expected a single name after the '/'");
    }
    Ok(Tag {
        closing,
        code,
        name,
        len: close + CLOSE.len_utf8(),
    })
}

/// Up to 24 characters of the line starting at `s`, for error messages.
fn snippet(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(24).collect()
}

struct OpenField<'a> {
    code: &'a str,
    name: &'a str,
    line: usize,
    value_start: usize,
}

/// Scans all fields of an archive text in order (see the module docs for
/// the rules and errors).
pub fn scan_fields(text: &str) -> Result<Vec<Field<'_>>, IngestError> {
    let mut fields = Vec::new();
    let mut open: Option<OpenField<'_>> = None;
    let mut pos = 0;
    let mut line = 1;
    while let Some(rel) = text[pos..].find(OPEN) {
        let at = pos + rel;
        line += newlines(&text[pos..at]);
        let after_open = &text[at + OPEN.len_utf8()..];
        pos = at + OPEN.len_utf8();
        let attempt = is_tag_attempt(after_open);
        if !attempt && open.is_some() {
            continue; // literal 〖 inside a field value
        }
        let is_close_attempt = after_open.starts_with('-');
        let tag = match parse_tag(&text[at..]) {
            Ok(tag) => tag,
            Err(_) if open.is_some() && !is_close_attempt => continue,
            Err(reason) => {
                return Err(IngestError::MalformedTag {
                    line,
                    tag: snippet(&text[at..]),
                    reason,
                });
            }
        };
        pos = at + tag.len;
        match (tag.closing, open.take()) {
            (false, None) => {
                open = Some(OpenField {
                    code: tag.code,
                    name: tag.name,
                    line,
                    value_start: pos,
                });
            }
            (false, Some(o)) => {
                return Err(IngestError::UnterminatedField {
                    code: o.code.to_owned(),
                    name: o.name.to_owned(),
                    line: o.line,
                });
            }
            (true, None) => {
                return Err(IngestError::UnexpectedClose {
                    code: tag.code.to_owned(),
                    name: tag.name.to_owned(),
                    line,
                });
            }
            (true, Some(o)) if o.code == tag.code => fields.push(Field {
                code: o.code,
                name: o.name,
                value: &text[o.value_start..at],
                open_line: o.line,
                close_line: line,
            }),
            (true, Some(o)) => {
                return Err(IngestError::MismatchedClose {
                    code: tag.code.to_owned(),
                    name: tag.name.to_owned(),
                    line,
                    open_code: o.code.to_owned(),
                    open_name: o.name.to_owned(),
                });
            }
        }
    }
    match open {
        Some(o) => Err(IngestError::UnterminatedField {
            code: o.code.to_owned(),
            name: o.name.to_owned(),
            line: o.line,
        }),
        None => Ok(fields),
    }
}

fn newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// Parses every article of an archive text.
pub fn parse_archive(text: &str) -> Result<Vec<ParsedDocument>, IngestError> {
    let fields = scan_fields(text)?;
    let mut articles: Vec<&[Field<'_>]> = Vec::new();
    let mut start = 0;
    for (i, field) in fields.iter().enumerate() {
        if fields[start..i].iter().any(|f| f.code == field.code) {
            articles.push(&fields[start..i]);
            start = i;
        }
    }
    if start < fields.len() {
        articles.push(&fields[start..]);
    }
    articles
        .into_iter()
        .enumerate()
        .map(|(i, article)| {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            build_document(index, article)
        })
        .collect()
}

/// The body of the `ZW` field: its value without the line break (and
/// spaces) right after the opening tag and before the closing tag.
fn body_value(value: &str) -> &str {
    let is_space = |c: char| c != '\n' && c.is_whitespace();
    let mut body = value;
    let head = body.trim_start_matches(is_space);
    if let Some(rest) = head.strip_prefix('\n') {
        body = rest;
    }
    let tail = body.trim_end_matches(is_space);
    if let Some(rest) = tail.strip_suffix('\n') {
        body = rest;
    }
    body
}

/// Trimmed value, `None` when blank.
fn non_empty(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Authors split on whitespace (incl. U+3000), `、`, and commas.
pub fn split_authors(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '；' | ';'))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn build_document(index: u32, fields: &[Field<'_>]) -> Result<ParsedDocument, IngestError> {
    let article = index.saturating_add(1);
    let find = |code: &str| fields.iter().find(|f| f.code == code);
    let title = find("BT")
        .and_then(|f| non_empty(f.value))
        .ok_or(IngestError::MissingTitle { article })?;
    let body_field = find("ZW").ok_or(IngestError::MissingBody {
        article,
        format: DocFormat::Archive,
    })?;
    let body = body_value(body_field.value);
    if body.trim().is_empty() {
        return Err(IngestError::EmptyBody { article });
    }

    let mut doc = ParsedDocument::skeleton(DocFormat::Archive, index, title, body.to_owned());
    for field in fields {
        let value = field.value;
        match field.code {
            "ZQ" => doc.meta.issue_number = non_empty(value),
            "RQ" => doc.meta.published = published_date(article, field)?,
            "BH" => doc.meta.page = non_empty(value),
            "TH" => doc.meta.item_number = non_empty(value),
            "YT" => doc.meta.lead_title = non_empty(value),
            "FT" => doc.meta.subtitle = non_empty(value),
            "ZZ" => doc.meta.authors = split_authors(value),
            "FL" => doc.meta.classification = non_empty(value),
            "BM" => doc.meta.page_name = non_empty(value),
            "TC" => doc.meta.genre = non_empty(value),
            _ if field.name == "来源" || field.name == "來源" => {
                doc.meta.source = non_empty(value)
            }
            _ => {}
        }
        doc.raw_fields.push(RawField {
            code: field.code.to_owned(),
            name: field.name.to_owned(),
            value: (field.code != "ZW").then(|| value.to_owned()),
        });
    }
    Ok(doc.finish())
}

/// `RQ` as a day: `yyyymmdd` (other full date spellings accepted too).
/// Blank means absent; anything else that is not a valid day is an error.
fn published_date(article: u32, field: &Field<'_>) -> Result<Option<PartialDate>, IngestError> {
    let value = field.value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    dates::parse_yyyymmdd(value)
        .map(PartialDate::day)
        .or_else(|| dates::parse_partial_date(value))
        .map(Some)
        .ok_or_else(|| IngestError::InvalidDate {
            article,
            code: field.code.to_owned(),
            name: field.name.to_owned(),
            value: value.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_fields_with_lines() {
        let text = "〖ZQ/总期〗1〖-ZQ/总期〗\n\n　〖BT/标题〗 题 〖-BT/标题〗 stray\n〖ZW/正文〗\n  a\n  b\n〖-ZW/正文〗\n";
        let fields = scan_fields(text).unwrap();
        assert_eq!(fields.len(), 3);
        assert_eq!(
            (fields[0].code, fields[0].name, fields[0].value),
            ("ZQ", "总期", "1")
        );
        assert_eq!((fields[1].value, fields[1].open_line), (" 题 ", 3));
        assert_eq!((fields[2].open_line, fields[2].close_line), (4, 7));
        assert_eq!(body_value(fields[2].value), "  a\n  b");
    }

    #[test]
    fn literal_brackets_inside_values() {
        let text = "〖BT/标题〗〖注〗说明〖-BT/标题〗〖ZW/正文〗内容〖1〗。〖-ZW/正文〗";
        let fields = scan_fields(text).unwrap();
        assert_eq!(fields[0].value, "〖注〗说明");
        assert_eq!(fields[1].value, "内容〖1〗。");
    }

    #[test]
    fn tag_errors() {
        let err = scan_fields("〖ZQ/总期〗1\n〖BT/标题〗x〖-BT/标题〗").unwrap_err();
        assert!(
            matches!(&err, IngestError::UnterminatedField { code, line: 1, .. } if code == "ZQ"),
            "{err:?}"
        );
        let err = scan_fields("〖ZQ总期〗1〖-ZQ/总期〗").unwrap_err();
        assert!(
            matches!(err, IngestError::MalformedTag { line: 1, .. }),
            "{err:?}"
        );
        let err = scan_fields("〖ZQ/总期〗1〖-ZQ/总期\n").unwrap_err();
        assert!(matches!(err, IngestError::MalformedTag { .. }), "{err:?}");
        let err = scan_fields("x\n〖-ZQ/总期〗").unwrap_err();
        assert!(
            matches!(err, IngestError::UnexpectedClose { line: 2, .. }),
            "{err:?}"
        );
        let err = scan_fields("〖ZW/正文〗\n\n〖-BT/标题〗").unwrap_err();
        assert_eq!(
            err.to_string(),
            "closing tag 〖-BT/标题〗 at line 3 does not match open field 〖ZW/正文〗"
        );
    }

    #[test]
    fn recognises_archives() {
        assert!(looks_like_archive("\n \u{3000}〖ZQ/总期〗1〖-ZQ/总期〗"));
        assert!(!looks_like_archive("# 标题\n〖ZQ/总期〗"));
        assert!(!looks_like_archive("〖注〗正文"));
        assert!(!looks_like_archive("〖-ZQ/总期〗"));
    }

    #[test]
    fn authors_split() {
        assert_eq!(
            split_authors(" 张三　李四、王五 赵六 "),
            ["张三", "李四", "王五", "赵六"]
        );
        assert!(split_authors("　").is_empty());
    }
}
