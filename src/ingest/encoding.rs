//! Text decoding: UTF-8 (with or without BOM), GB18030 and Big5.
//!
//! Decoding is strict: a byte sequence that is invalid in an encoding rules
//! that encoding out (no replacement characters are ever produced), so random
//! or binary bytes fail instead of turning into mojibake. The decoded text is
//! the file's text with CRLF and lone CR line endings turned into LF, and is
//! otherwise verbatim.

use encoding_rs::{BIG5, DecoderResult, Encoding, GB18030, GBK};

use super::{IngestError, SourceEncoding};

/// Files whose share of C0 control bytes (other than tab, LF, CR and form
/// feed) exceeds this many percent are rejected as binary.
pub const MAX_CONTROL_PERCENT: usize = 2;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Decodes a file's bytes into text with LF line endings.
///
/// Order of checks: empty input; UTF-16 byte-order mark (unsupported);
/// UTF-8 byte-order mark (the rest must be UTF-8); NUL bytes or too many
/// control bytes (binary); valid UTF-8; otherwise strict GB18030 and Big5,
/// choosing with `chardetng` (and a common-character score as a tie-breaker)
/// when both succeed. Text that is only whitespace counts as empty.
pub fn decode(bytes: &[u8]) -> Result<(String, SourceEncoding), IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(IngestError::Utf16);
    }
    let (payload, has_bom) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let base = bytes.len() - payload.len();
    check_binary(payload, base)?;

    let (text, encoding) = match std::str::from_utf8(payload) {
        Ok(s) if has_bom => (s.to_owned(), SourceEncoding::Utf8Bom),
        Ok(s) => (s.to_owned(), SourceEncoding::Utf8),
        Err(e) if has_bom => {
            return Err(IngestError::InvalidUtf8AfterBom {
                offset: base + e.valid_up_to(),
            });
        }
        Err(e) => decode_legacy(payload).map_err(|furthest| IngestError::Undecodable {
            offset: base + furthest.max(e.valid_up_to()),
        })?,
    };
    let text = normalize_line_endings(text);
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    Ok((text, encoding))
}

/// Turns CRLF and lone CR into LF.
pub fn normalize_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// A C0 control byte that has no business in a text file.
fn is_suspicious_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F)
}

/// Rejects NUL bytes (UTF-16 without BOM gets its own message) and files
/// with too many control bytes. Bytes below 0x30 are never trail bytes in
/// UTF-8, GB18030 or Big5, so counting on raw bytes is exact.
fn check_binary(bytes: &[u8], base: usize) -> Result<(), IngestError> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        if looks_like_utf16(bytes) {
            return Err(IngestError::Utf16);
        }
        return Err(IngestError::BinaryNul { offset: base + pos });
    }
    let count = bytes.iter().filter(|&&b| is_suspicious_control(b)).count();
    if count * 100 > bytes.len() * MAX_CONTROL_PERCENT {
        return Err(IngestError::BinaryControl {
            count,
            len: bytes.len(),
        });
    }
    Ok(())
}

/// UTF-16 without BOM: in the first bytes, NULs sit almost only at even or
/// almost only at odd positions, and make up a good share of them.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(1024)];
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return false;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let (many, few) = if even > odd { (even, odd) } else { (odd, even) };
    many * 10 >= pairs * 3 && few * 20 <= pairs
}

/// Strict GB18030 / Big5 decoding. On failure returns the furthest offset
/// either decoder reached before an invalid sequence.
fn decode_legacy(bytes: &[u8]) -> Result<(String, SourceEncoding), usize> {
    match (strict_decode(GB18030, bytes), strict_decode(BIG5, bytes)) {
        (Ok(gb), Ok(big5)) => Ok(choose(bytes, gb, big5)),
        (Ok(gb), Err(_)) => Ok((gb, SourceEncoding::Gb18030)),
        (Err(_), Ok(big5)) => Ok((big5, SourceEncoding::Big5)),
        (Err(a), Err(b)) => Err(a.max(b)),
    }
}

/// Picks between two successful decodings of the same bytes.
fn choose(bytes: &[u8], gb: String, big5: String) -> (String, SourceEncoding) {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let prefer_gb = if guess == GBK || guess == GB18030 {
        true
    } else if guess == BIG5 {
        false
    } else {
        common_score(&gb) >= common_score(&big5)
    };
    if prefer_gb {
        (gb, SourceEncoding::Gb18030)
    } else {
        (big5, SourceEncoding::Big5)
    }
}

/// Decodes without replacement; `Err(offset)` of the first invalid sequence.
fn strict_decode(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = String::with_capacity(capacity);
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(bytes.len() - read_total + 16),
            DecoderResult::Malformed(bad, extra) => {
                return Err(read_total.saturating_sub(usize::from(bad) + usize::from(extra)));
            }
        }
    }
}

/// Number of characters from a list of very frequent Chinese characters
/// (simplified and traditional forms): high for a correct decoding, low for
/// mojibake.
fn common_score(text: &str) -> usize {
    text.chars().filter(|&c| COMMON_HANZI.contains(c)).count()
}

/// Very frequent characters, simplified and traditional forms.
const COMMON_HANZI: &str = "的一是不了在人有我他中大上和年月日地出就要以生作方合同行于於之\
    与與这這们們国國来來时時说說会會个個为為对對发發经經进進关關实實现現动動\
    学學问問题題两兩双雙务務议議华華领領导導报報";

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg_bytes(len: usize, seed: u64, map: impl Fn(u8) -> u8) -> Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                map((state >> 33) as u8)
            })
            .collect()
    }

    #[test]
    fn utf8_plain_and_bom() {
        let (text, enc) = decode("标题\r\n正文\r第三行\n".as_bytes()).unwrap();
        assert_eq!(enc, SourceEncoding::Utf8);
        assert_eq!(text, "标题\n正文\n第三行\n");

        let mut bytes = UTF8_BOM.to_vec();
        bytes.extend_from_slice("中文".as_bytes());
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, SourceEncoding::Utf8Bom);
        assert_eq!(text, "中文");
    }

    #[test]
    fn invalid_utf8_after_bom() {
        let bytes = [0xEF, 0xBB, 0xBF, b'a', 0xFF];
        assert!(matches!(
            decode(&bytes),
            Err(IngestError::InvalidUtf8AfterBom { offset: 4 })
        ));
    }

    #[test]
    fn empty_and_whitespace_only() {
        assert!(matches!(decode(b""), Err(IngestError::Empty)));
        assert!(matches!(
            decode(" \r\n\t\u{3000}\n".as_bytes()),
            Err(IngestError::Empty)
        ));
        assert!(matches!(decode(UTF8_BOM), Err(IngestError::Empty)));
    }

    #[test]
    fn utf16_is_rejected_with_or_without_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("标题 title".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(decode(&le), Err(IngestError::Utf16)));
        let no_bom: Vec<u8> = "plain ascii title\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(matches!(decode(&no_bom), Err(IngestError::Utf16)));
    }

    #[test]
    fn nul_and_control_bytes_are_binary() {
        assert!(matches!(
            decode(b"abc\0def"),
            Err(IngestError::BinaryNul { offset: 3 })
        ));
        let mut bytes = b"some text with controls ".repeat(4);
        bytes.extend_from_slice(&[0x01, 0x02, 0x03, 0x1B, 0x7F]);
        assert!(matches!(
            decode(&bytes),
            Err(IngestError::BinaryControl { count: 5, .. })
        ));
        // A single stray control byte in a longer text is tolerated.
        let mut ok = "正文。".repeat(40).into_bytes();
        ok.push(0x1A);
        assert!(decode(&ok).is_ok());
    }

    #[test]
    fn random_bytes_never_decode() {
        for seed in 1..=8u64 {
            let any = lcg_bytes(8 * 1024, seed, |b| b);
            assert!(
                decode(&any).is_err(),
                "seed {seed}: full byte range decoded"
            );
            // Without NULs or control bytes: only the strict decoders can object.
            let printable = lcg_bytes(8 * 1024, seed, |b| b.max(0x20));
            assert!(
                decode(&printable).is_err(),
                "seed {seed}: printable decoded"
            );
            let high = lcg_bytes(8 * 1024, seed, |b| b | 0x80);
            assert!(
                matches!(decode(&high), Err(IngestError::Undecodable { .. })),
                "seed {seed}: high bytes decoded"
            );
        }
    }

    #[test]
    fn undecodable_reports_furthest_offset() {
        let mut bytes = "中文".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFF]);
        match decode(&bytes) {
            Err(IngestError::Undecodable { offset }) => assert_eq!(offset, 6),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn gb18030_and_big5_round_trip() {
        let simplified = "中华人民共和国和哈萨克斯坦共和国关于发展全面战略伙伴关系的联合声明。双方将继续加强合作。";
        let (bytes, _, _) = GB18030.encode(simplified);
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, SourceEncoding::Gb18030);
        assert_eq!(text, simplified);

        let traditional = "兩國領導人就發展中哈全面戰略夥伴關係，深化務實合作，達成廣泛共識。";
        let (bytes, _, had_errors) = BIG5.encode(traditional);
        assert!(!had_errors);
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, SourceEncoding::Big5);
        assert_eq!(text, traditional);
    }

    #[test]
    fn seed_copies_detect_their_encoding() {
        let gb = include_bytes!("../../tests/fixtures/ingest/000_6fb1bf50eb2ac061.gb18030.txt");
        assert_eq!(decode(gb).unwrap().1, SourceEncoding::Gb18030);
        let gb = include_bytes!("../../tests/fixtures/ingest/001_e246b652d2346690.gb18030.txt");
        assert_eq!(decode(gb).unwrap().1, SourceEncoding::Gb18030);
        let big5 = include_bytes!("../../tests/fixtures/ingest/big5_2012-04-03.txt");
        let (text, enc) = decode(big5).unwrap();
        assert_eq!(enc, SourceEncoding::Big5);
        assert!(text.contains("中哈總理第一次定期會晤聯合公報"));
    }
}
