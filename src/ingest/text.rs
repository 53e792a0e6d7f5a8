//! Plain text and Markdown documents (one document per file).
//!
//! * Front matter (optional, at the very top): a `---` line, `key: value`
//!   lines, a closing `---` (or `...`) line. `title`, `date`, `source` and
//!   `author`/`authors` are used; every entry is kept in
//!   [`ParsedDocument::raw_fields`] with `code` = key lowercased and
//!   `name` = key. Without a closing line there is no front matter.
//! * Title: front-matter `title`; else (Markdown) the first level-1 `# `
//!   heading; else the first non-empty line (heading `#`s stripped; in
//!   Markdown a setext `===`/`---` underline is dropped with it). A title
//!   taken from the text is removed from the body.
//! * Date: front-matter `date` (a partial date; an invalid one is ignored),
//!   else the first date in the file name (see [`dates::date_from_file_name`]).
//! * Body: what remains, without leading blank lines and trailing whitespace
//!   (the first line keeps its indentation). An empty body is an error.

use super::{
    DocFormat, IngestError, ParsedDocument, RawField, archive::split_authors, dates, layout,
};

/// Parses one text or Markdown document. `file_name` may supply the date.
pub fn parse_text(
    file_name: &str,
    text: &str,
    format: DocFormat,
) -> Result<ParsedDocument, IngestError> {
    let markdown = format == DocFormat::Markdown;
    let (entries, rest) = split_front_matter(text).unwrap_or((Vec::new(), text));
    let entry = |key: &str| {
        entries
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_empty())
            .map(|&(_, v)| v)
    };

    let (title, body) = match entry("title") {
        Some(title) => (title.to_owned(), rest.to_owned()),
        None => take_title(rest, markdown).ok_or(IngestError::MissingTitle { article: 1 })?,
    };
    let body = trim_body(&body);
    if body.is_empty() {
        return Err(IngestError::MissingBody { article: 1, format });
    }

    let mut doc = ParsedDocument::skeleton(format, 0, title, body.to_owned());
    doc.meta.published = entry("date")
        .and_then(dates::parse_partial_date)
        .or_else(|| dates::date_from_file_name(file_name));
    doc.meta.source = entry("source").map(str::to_owned);
    if let Some(authors) = entry("authors").or_else(|| entry("author")) {
        doc.meta.authors = split_authors(authors);
    }
    doc.raw_fields = entries
        .iter()
        .map(|&(key, value)| RawField {
            code: key.to_lowercase(),
            name: key.to_owned(),
            value: Some(value.to_owned()),
        })
        .collect();
    Ok(doc.finish())
}

/// Front-matter entries and the text after the closing line, or `None`
/// when the text has no (complete, well-formed) front matter.
fn split_front_matter(text: &str) -> Option<(Vec<(&str, &str)>, &str)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut offset = first.len();
    let mut entries = Vec::new();
    for line in lines {
        offset += line.len();
        let content = line.trim();
        if content == "---" || content == "..." {
            return Some((entries, &text[offset..]));
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let (key, value) = content.split_once([':', '：'])?;
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        entries.push((key, unquote(value.trim())));
    }
    None
}

/// Removes one pair of matching surrounding quotes.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// The text of a Markdown ATX heading line and its level (see [`layout::atx_heading`]).
fn atx_heading(line: &str) -> Option<(usize, &str)> {
    layout::atx_heading(line).map(|(level, range)| (level, &line[range]))
}

/// A setext underline (`===` or `---`).
fn is_setext_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 2 && (t.bytes().all(|b| b == b'=') || t.bytes().all(|b| b == b'-'))
}

/// Takes the title out of `text` (see the module docs): returns the title
/// and the remaining text, or `None` when there is no non-empty line.
fn take_title(text: &str, markdown: bool) -> Option<(String, String)> {
    // (start, end) byte ranges of the lines, end including the '\n'.
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        lines.push((start, start + line.len()));
        start += line.len();
    }
    let line_text = |(a, b): (usize, usize)| &text[a..b];

    if markdown {
        let h1 = lines
            .iter()
            .find_map(|&range| match atx_heading(line_text(range)) {
                Some((1, title)) if !title.is_empty() => Some((range, title)),
                _ => None,
            });
        if let Some(((a, b), title)) = h1 {
            let mut body = String::with_capacity(text.len());
            body.push_str(&text[..a]);
            body.push_str(&text[b..]);
            return Some((title.to_owned(), body));
        }
    }
    // The first line with text; `###` separators have none.
    let index = lines.iter().position(|&range| {
        let line = line_text(range).trim();
        !line.is_empty() && !layout::is_hash_rule(line)
    })?;
    let first = line_text(lines[index]);
    let title = atx_heading(first).map_or(first.trim(), |(_, heading)| heading);
    let mut after = lines[index].1;
    if markdown
        && let Some(&next) = lines.get(index + 1)
        && is_setext_underline(line_text(next))
    {
        after = next.1;
    }
    Some((title.to_owned(), text[after..].to_owned()))
}

/// Drops leading blank lines and trailing whitespace, keeping the first
/// line's indentation.
fn trim_body(text: &str) -> &str {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    text[start..].trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{BlockKind, DatePrecision, PartialDate};
    use chrono::NaiveDate;

    #[test]
    fn front_matter_entries() {
        let (entries, rest) =
            split_front_matter("---\ntitle: \"标题\"\nDate: 2015-06\n---\n正文\n").unwrap();
        assert_eq!(entries, [("title", "标题"), ("Date", "2015-06")]);
        assert_eq!(rest, "正文\n");
        assert!(split_front_matter("---\ntitle: x\n正文没有结束\n").is_none());
        assert!(split_front_matter("正文\n---\n").is_none());
    }

    #[test]
    fn title_from_first_line_or_heading() {
        let (title, body) = take_title("\n  第一行标题\n\n正文。\n", false).unwrap();
        assert_eq!(
            (title.as_str(), body.as_str()),
            ("第一行标题", "\n正文。\n")
        );
        let (title, body) = take_title("前言。\n# 标题 #\n正文。\n", true).unwrap();
        assert_eq!(
            (title.as_str(), body.as_str()),
            ("标题", "前言。\n正文。\n")
        );
        let (title, body) = take_title("## 小标题\n正文。\n", true).unwrap();
        assert_eq!((title.as_str(), body.as_str()), ("小标题", "正文。\n"));
        let (title, body) = take_title("标题\n====\n正文。\n", true).unwrap();
        assert_eq!((title.as_str(), body.as_str()), ("标题", "正文。\n"));
        assert!(take_title(" \n\n", false).is_none());
    }

    #[test]
    fn front_matter_document() {
        let text = "---\ntitle: 关于合作的声明\ndate: 2015-06\nsource: 外交部\nauthors: 张三、李四\nLang: zh\n---\n\n# 一、总体要求\n双方同意加强合作。\n";
        let doc = parse_text("notes.md", text, DocFormat::Markdown).unwrap();
        assert_eq!(doc.meta.title, "关于合作的声明");
        let published = doc.meta.published.unwrap();
        assert_eq!(published.precision, DatePrecision::Month);
        assert_eq!(published.date, NaiveDate::from_ymd_opt(2015, 6, 1).unwrap());
        assert_eq!(doc.meta.source.as_deref(), Some("外交部"));
        assert_eq!(doc.meta.authors, ["张三", "李四"]);
        assert_eq!(doc.raw_fields.len(), 5);
        assert_eq!(doc.raw_fields[4].code, "lang");
        assert_eq!(doc.raw_fields[4].name, "Lang");
        assert_eq!(doc.body, "# 一、总体要求\n双方同意加强合作。");
        assert_eq!(doc.blocks[0].kind, BlockKind::Heading);
        assert_eq!(doc.blocks[0].text, "一、总体要求");
    }

    #[test]
    fn invalid_front_matter_date_falls_back_to_file_name() {
        let text = "---\ndate: someday\n---\n标题\n正文。\n";
        let doc = parse_text("2014-05-20.txt", text, DocFormat::Text).unwrap();
        assert_eq!(
            doc.meta.published,
            Some(PartialDate::day(
                NaiveDate::from_ymd_opt(2014, 5, 20).unwrap()
            ))
        );
    }

    #[test]
    fn title_only_is_missing_body() {
        let err = parse_text("a.txt", "只有标题\n\n", DocFormat::Text).unwrap_err();
        assert!(
            matches!(
                err,
                IngestError::MissingBody {
                    article: 1,
                    format: DocFormat::Text
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "article 1 has no body (nothing after the title)"
        );
    }
}
