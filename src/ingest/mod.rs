//! Ingest layer: turns the bytes of one source file into parsed documents.
//!
//! Pure and synchronous; the only I/O is [`read_path`] reading one file.
//!
//! * [`encoding`] decodes UTF-8 (with or without BOM), GB18030 and Big5 and
//!   rejects binary data, UTF-16 and undecodable bytes.
//! * [`archive`] parses the People's Daily / PLA Daily archive format
//!   (`〖XX/名〗value〖-XX/名〗` fields, possibly several articles per file).
//! * [`text`] parses plain text and Markdown files (optional front matter).
//! * [`layout`] splits a body into headings, paragraphs, a signature block
//!   and a dateline, and paragraphs into sentences.
//! * [`dates`] parses Chinese-numeral dates, signing lines, datelines and
//!   partial dates.
//!
//! All offsets in [`Block`], [`Span`] and [`Sentence`] are **character**
//! (Unicode scalar value) offsets into [`ParsedDocument::body`], end exclusive.

pub mod archive;
pub mod dates;
pub mod encoding;
pub mod layout;
pub mod text;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use dates::{parse_chinese_date, parse_dateline, parse_partial_date, parse_signing_line};
pub use encoding::decode;
pub use layout::{Layout, layout};

/// Default upper bound for the size of one ingested file (16 MiB).
pub const DEFAULT_MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Error returned by `FromStr` of the small string enums of this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct UnknownName {
    /// What was being parsed, e.g. "document format".
    pub kind: &'static str,
    /// The rejected input.
    pub value: String,
}

string_enum! {
    /// The kind of source a document was parsed from.
    pub enum DocFormat ("document format") {
        /// People's Daily / PLA Daily archive with `〖XX/名〗` fields.
        Archive => "archive",
        /// Plain text (any extension other than `.md` / `.markdown`).
        Text => "text",
        /// Markdown (`.md` / `.markdown`).
        Markdown => "markdown",
    }
}

impl DocFormat {
    /// Format implied by a file name when the content is not an archive:
    /// `.md` / `.markdown` (case-insensitive) is Markdown, anything else Text.
    pub fn from_file_name(file_name: &str) -> Self {
        match extension_lowercase(Path::new(file_name)).as_deref() {
            Some("md" | "markdown") => Self::Markdown,
            _ => Self::Text,
        }
    }
}

string_enum! {
    /// How much of a [`PartialDate`] is known.
    pub enum DatePrecision ("date precision") {
        /// Exact day.
        Day => "day",
        /// Year and month only.
        Month => "month",
        /// Year only.
        Year => "year",
    }
}

string_enum! {
    /// The text encoding a file was decoded from.
    pub enum SourceEncoding ("source encoding") {
        /// UTF-8 without byte-order mark.
        Utf8 => "UTF-8",
        /// UTF-8 with a byte-order mark (stripped before parsing).
        Utf8Bom => "UTF-8 (BOM)",
        /// GB18030 (superset of GBK / GB2312).
        Gb18030 => "GB18030",
        /// Big5 (WHATWG Big5, i.e. with HKSCS extensions).
        Big5 => "Big5",
    }
}

string_enum! {
    /// Structural role of a [`Block`] of the body.
    pub enum BlockKind ("block kind") {
        /// Section heading (Chinese section numeral, `第X部分`, Markdown `#`).
        Heading => "heading",
        /// Running prose; the only kind split into sentences.
        Paragraph => "paragraph",
        /// Closing signature block of a statement (signatories, `（签字）`, date and place).
        Signature => "signature",
        /// News-agency dateline such as `（新华社北京4月2日电）`.
        Dateline => "dateline",
    }
}

impl BlockKind {
    /// The string placed between the texts of consecutive segments to form
    /// [`Block::text`]: `"\n"` for signatures (one line per segment), nothing
    /// for every other kind (wrapped lines are concatenated).
    pub const fn segment_joiner(self) -> &'static str {
        match self {
            Self::Signature => "\n",
            _ => "",
        }
    }
}

/// A date known to day, month or year precision. `date` is the first day of
/// the period (e.g. `2015-06-01` for `2015-06`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// First day of the period.
    pub date: NaiveDate,
    /// Which leading components of `date` are meaningful.
    pub precision: DatePrecision,
}

impl PartialDate {
    /// A date with day precision.
    pub const fn day(date: NaiveDate) -> Self {
        Self {
            date,
            precision: DatePrecision::Day,
        }
    }

    /// Builds a partial date from its components; `None` if they are not a
    /// valid calendar date. A day without a month is rejected.
    pub fn from_parts(year: i32, month: Option<u32>, day: Option<u32>) -> Option<Self> {
        let (m, d, precision) = match (month, day) {
            (None, None) => (1, 1, DatePrecision::Year),
            (Some(m), None) => (m, 1, DatePrecision::Month),
            (Some(m), Some(d)) => (m, d, DatePrecision::Day),
            (None, Some(_)) => return None,
        };
        NaiveDate::from_ymd_opt(year, m, d).map(|date| Self { date, precision })
    }
}

impl fmt::Display for PartialDate {
    /// `2015`, `2015-06` or `2015-06-01` depending on the precision.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date;
        match self.precision {
            DatePrecision::Year => write!(f, "{:04}", d.year()),
            DatePrecision::Month => write!(f, "{:04}-{:02}", d.year(), d.month()),
            DatePrecision::Day => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        }
    }
}

impl FromStr for PartialDate {
    type Err = UnknownName;

    /// Accepts everything [`parse_partial_date`] does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_partial_date(s).ok_or_else(|| UnknownName {
            kind: "partial date",
            value: s.to_owned(),
        })
    }
}

/// One metadata field exactly as found in the source, in file order.
///
/// For archives `code`/`name` are the tag's `XX` and `名` and `value` its
/// verbatim text; the body field `ZW` has `value: None` (the body is stored in
/// [`ParsedDocument::body`]). For text files they are front-matter entries
/// (`code` = key lowercased, `name` = key as written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RawField {
    pub code: String,
    pub name: String,
    pub value: Option<String>,
}

/// A half-open range of character offsets into the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// Number of characters covered.
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no character.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// A structural unit of the body. `segments` are the body ranges (one per
/// source line) that make up the block, `start`/`end` span all of them, and
/// `text` is the segments' text joined with [`BlockKind::segment_joiner`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub start: usize,
    pub end: usize,
    pub segments: Vec<Span>,
    pub text: String,
}

/// A sentence of a [`BlockKind::Paragraph`] block: `block` indexes
/// [`ParsedDocument::blocks`]; `start`/`end` are body character offsets (a
/// sentence of a wrapped paragraph may include the line break between
/// segments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sentence {
    pub block: usize,
    pub start: usize,
    pub end: usize,
}

/// What a document says about itself, whatever its format: shared by parsed and stored
/// documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub title: String,
    pub lead_title: Option<String>,
    pub subtitle: Option<String>,
    pub issue_number: Option<String>,
    pub page: Option<String>,
    pub item_number: Option<String>,
    pub classification: Option<String>,
    pub page_name: Option<String>,
    pub genre: Option<String>,
    pub source: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<PartialDate>,
    /// Date of the signing line of the signature block, if any.
    pub signed_on: Option<NaiveDate>,
    /// Place of the signing line (`…于北京` → `北京`).
    pub signed_place: Option<String>,
    /// Place named in the news-agency dateline (`新华社北京4月2日电` → `北京`).
    pub dateline_place: Option<String>,
}

/// One article with its metadata, body and layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedDocument {
    pub format: DocFormat,
    /// Position of the article in its file, from 0.
    pub article_index: u32,
    /// Title, dates, page and people: see [`Metadata`].
    #[serde(flatten)]
    pub meta: Metadata,
    pub raw_fields: Vec<RawField>,
    /// The decoded text with LF line endings, otherwise verbatim.
    pub body: String,
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    /// See [`ParsedDocument::compute_content_hash`].
    #[serde(with = "hex_hash")]
    pub content_hash: [u8; 32],
}

impl ParsedDocument {
    /// A document with the given identity and body and every other field
    /// empty; [`ParsedDocument::finish`] fills in layout and hash.
    fn skeleton(format: DocFormat, article_index: u32, title: String, body: String) -> Self {
        Self {
            format,
            article_index,
            meta: Metadata {
                title,
                ..Metadata::default()
            },
            raw_fields: Vec::new(),
            body,
            blocks: Vec::new(),
            sentences: Vec::new(),
            content_hash: [0; 32],
        }
    }

    /// Runs the layout over the body and computes the content hash.
    fn finish(mut self) -> Self {
        let laid = layout(&self.body, self.format);
        self.blocks = laid.blocks;
        self.sentences = laid.sentences;
        self.meta.signed_on = laid.signed_on;
        self.meta.signed_place = laid.signed_place;
        self.meta.dateline_place = laid.dateline_place;
        self.content_hash = self.compute_content_hash();
        self
    }

    /// SHA-256 over a canonical, length-prefixed serialisation of the format,
    /// title, published date, every raw field (code, name, value) in order and
    /// the body. Independent of the source encoding; any change to the text or
    /// the fields changes it.
    pub fn compute_content_hash(&self) -> [u8; 32] {
        fn put(h: &mut Sha256, bytes: &[u8]) {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        fn put_opt(h: &mut Sha256, value: Option<&str>) {
            match value {
                Some(v) => {
                    h.update([1]);
                    put(h, v.as_bytes());
                }
                None => h.update([0]),
            }
        }
        let mut h = Sha256::new();
        put(&mut h, b"pledgeline-ingest-v1");
        put(&mut h, self.format.as_str().as_bytes());
        put(&mut h, self.meta.title.as_bytes());
        put_opt(
            &mut h,
            self.meta.published.map(|p| p.to_string()).as_deref(),
        );
        h.update((self.raw_fields.len() as u64).to_le_bytes());
        for field in &self.raw_fields {
            put(&mut h, field.code.as_bytes());
            put(&mut h, field.name.as_bytes());
            put_opt(&mut h, field.value.as_deref());
        }
        put(&mut h, self.body.as_bytes());
        h.finalize().into()
    }

    /// The content hash as 64 lowercase hex digits.
    pub fn content_hash_hex(&self) -> String {
        hex::encode(self.content_hash)
    }

    /// The body text between two character offsets (O(body length)).
    pub fn body_slice(&self, start: usize, end: usize) -> &str {
        char_slice(&self.body, start, end)
    }

    /// The text of every sentence, in order, computed in one pass over the body.
    pub fn sentence_texts(&self) -> Vec<&str> {
        let mut index = CharIndex::new(&self.body);
        self.sentences
            .iter()
            .map(|s| {
                let a = index.byte_at(s.start);
                let b = index.byte_at(s.end);
                &self.body[a..b]
            })
            .collect()
    }
}

/// The documents parsed from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedFile {
    pub encoding: SourceEncoding,
    pub documents: Vec<ParsedDocument>,
}

/// Every way ingesting one file can fail. Messages name no path: the caller
/// adds it. Article numbers in messages count from 1.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("empty file")]
    Empty,
    #[error("file is {}, over the {} limit", ByteSize(*.size), ByteSize(*.limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("binary data (NUL byte at offset {offset})")]
    BinaryNul { offset: usize },
    #[error("binary data ({count} control bytes in {len} bytes)")]
    BinaryControl { count: usize, len: usize },
    #[error("UTF-16 is not supported; convert to UTF-8")]
    Utf16,
    #[error(
        "invalid UTF-8 after a UTF-8 byte-order mark: invalid byte sequence at offset {offset}"
    )]
    InvalidUtf8AfterBom { offset: usize },
    #[error(
        "not a supported text encoding (tried UTF-8, GB18030, Big5): invalid byte sequence at offset {offset}"
    )]
    Undecodable { offset: usize },
    #[error("malformed tag {tag} at line {line}: {reason}")]
    MalformedTag {
        line: usize,
        tag: String,
        reason: &'static str,
    },
    #[error("unterminated field 〖{code}/{name}〗 opened at line {line}")]
    UnterminatedField {
        code: String,
        name: String,
        line: usize,
    },
    #[error(
        "closing tag 〖-{code}/{name}〗 at line {line} does not match open field 〖{open_code}/{open_name}〗"
    )]
    MismatchedClose {
        code: String,
        name: String,
        line: usize,
        open_code: String,
        open_name: String,
    },
    #[error("closing tag 〖-{code}/{name}〗 at line {line} has no open field")]
    UnexpectedClose {
        code: String,
        name: String,
        line: usize,
    },
    #[error("article {article} has no body ({})", no_body_hint(*.format))]
    MissingBody { article: u32, format: DocFormat },
    #[error("article {article} has an empty body (〖ZW/正文〗 holds only whitespace)")]
    EmptyBody { article: u32 },
    #[error("article {article} has no title")]
    MissingTitle { article: u32 },
    #[error("article {article} has an invalid date in 〖{code}/{name}〗: {value:?}")]
    InvalidDate {
        article: u32,
        code: String,
        name: String,
        value: String,
    },
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

fn no_body_hint(format: DocFormat) -> &'static str {
    match format {
        DocFormat::Archive => "〖ZW/正文〗",
        DocFormat::Text | DocFormat::Markdown => "nothing after the title",
    }
}

/// Human-readable byte count: `20.0 MiB`, `3.5 KiB`, `120 bytes`.
struct ByteSize(u64);

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KIB: u64 = 1024;
        const MIB: u64 = 1024 * 1024;
        let n = self.0;
        // Precision loss in the casts is irrelevant for a one-decimal display.
        if n >= MIB {
            write!(f, "{:.1} MiB", n as f64 / MIB as f64)
        } else if n >= KIB {
            write!(f, "{:.1} KiB", n as f64 / KIB as f64)
        } else {
            write!(f, "{n} bytes")
        }
    }
}

/// Parses one file's bytes. `file_name` selects Text vs Markdown and may
/// supply a date (see [`text`]); content starting with a `〖XX/名〗` tag is
/// parsed as an archive whatever the name. Files over `max_bytes` are rejected.
pub fn parse_bytes(
    file_name: &str,
    bytes: &[u8],
    max_bytes: usize,
) -> Result<ParsedFile, IngestError> {
    if bytes.len() > max_bytes {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes as u64,
        });
    }
    let (decoded, encoding) = decode(bytes)?;
    let documents = if archive::looks_like_archive(&decoded) {
        archive::parse_archive(&decoded)?
    } else {
        let format = DocFormat::from_file_name(file_name);
        vec![text::parse_text(file_name, &decoded, format)?]
    };
    Ok(ParsedFile {
        encoding,
        documents,
    })
}

/// Reads and parses one file. The size is checked through the file's
/// metadata before anything is read; I/O failures become [`IngestError::Io`].
pub fn read_path(path: &Path, max_bytes: usize) -> Result<ParsedFile, IngestError> {
    let size = std::fs::metadata(path)?.len();
    if size > max_bytes as u64 {
        return Err(IngestError::TooLarge {
            size,
            limit: max_bytes as u64,
        });
    }
    // Read at most one byte past the limit: a pipe or device reports no size up front.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(max_bytes));
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path)?, max_bytes as u64 + 1),
        &mut bytes,
    )?;
    if bytes.len() > max_bytes {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes as u64,
        });
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    parse_bytes(&file_name, &bytes, max_bytes)
}

/// True for names ending in `.txt`, `.text`, `.md` or `.markdown`
/// (case-insensitive): the files a folder walk should ingest.
pub fn is_ingestible_name(path: &Path) -> bool {
    matches!(
        extension_lowercase(path).as_deref(),
        Some("txt" | "text" | "md" | "markdown")
    )
}

fn extension_lowercase(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Maps character offsets to byte offsets for increasing (or repeated)
/// character offsets in amortised O(1); a smaller offset restarts the scan.
struct CharIndex<'a> {
    text: &'a str,
    chars: usize,
    bytes: usize,
}

impl<'a> CharIndex<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            chars: 0,
            bytes: 0,
        }
    }

    fn byte_at(&mut self, char_offset: usize) -> usize {
        if char_offset < self.chars {
            self.chars = 0;
            self.bytes = 0;
        }
        for c in self.text[self.bytes..].chars() {
            if self.chars == char_offset {
                break;
            }
            self.chars += 1;
            self.bytes += c.len_utf8();
        }
        self.bytes
    }
}

/// The substring between two character offsets (clamped to the text).
pub fn char_slice(text: &str, start: usize, end: usize) -> &str {
    let mut index = CharIndex::new(text);
    let a = index.byte_at(start);
    let b = index.byte_at(end.max(start));
    &text[a..b]
}

/// Serde adapter writing the content hash as a hex string.
mod hex_hash {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(hash: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(hash))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).map_err(D::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
