//! File-level tests of [`super::parse_bytes`] over the fixtures in
//! `tests/fixtures/ingest/`.

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../tests/fixtures/ingest/", $name)).as_slice()
    };
}

const SEED_000: &[u8] = fixture!("000_6fb1bf50eb2ac061.txt");
const SEED_001: &[u8] = fixture!("001_e246b652d2346690.txt");
const SEED_000_GB: &[u8] = fixture!("000_6fb1bf50eb2ac061.gb18030.txt");
const SEED_001_GB: &[u8] = fixture!("001_e246b652d2346690.gb18030.txt");

fn parse(name: &str, bytes: &[u8]) -> ParsedFile {
    parse_bytes(name, bytes, DEFAULT_MAX_FILE_BYTES).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_one(name: &str, bytes: &[u8]) -> ParsedDocument {
    let mut file = parse(name, bytes);
    assert_eq!(file.documents.len(), 1, "{name}");
    file.documents.remove(0)
}

fn parse_err(name: &str, bytes: &[u8]) -> IngestError {
    match parse_bytes(name, bytes, DEFAULT_MAX_FILE_BYTES) {
        Ok(file) => panic!("{name}: expected an error, got {file:?}"),
        Err(e) => e,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn chars_at(body: &str, start: usize, end: usize) -> String {
    body.chars().skip(start).take(end - start).collect()
}

/// Every block's text is its segments joined, every segment/sentence lies in
/// the body, blocks are ordered and disjoint, sentences are trimmed.
fn assert_offsets_consistent(doc: &ParsedDocument) {
    let body_len = doc.body.chars().count();
    let mut previous_end = 0;
    for (i, block) in doc.blocks.iter().enumerate() {
        assert!(
            block.start >= previous_end,
            "block {i} overlaps the previous one"
        );
        assert!(block.start <= block.end && block.end <= body_len);
        assert_eq!(block.segments.first().map(|s| s.start), Some(block.start));
        assert_eq!(block.segments.last().map(|s| s.end), Some(block.end));
        let joined = block
            .segments
            .iter()
            .map(|s| chars_at(&doc.body, s.start, s.end))
            .collect::<Vec<_>>()
            .join(block.kind.segment_joiner());
        assert_eq!(joined, block.text, "block {i}");
        if block.kind != BlockKind::Signature {
            let concatenated: String = block
                .segments
                .iter()
                .map(|s| chars_at(&doc.body, s.start, s.end))
                .collect();
            assert_eq!(concatenated, block.text, "block {i}");
        }
        previous_end = block.end;
    }
    let texts = doc.sentence_texts();
    for (sentence, text) in doc.sentences.iter().zip(texts) {
        let expected = chars_at(&doc.body, sentence.start, sentence.end);
        assert_eq!(expected, text);
        assert!(!expected.is_empty());
        assert!(!expected.starts_with(char::is_whitespace), "{expected:?}");
        assert!(!expected.ends_with(char::is_whitespace), "{expected:?}");
        let block = &doc.blocks[sentence.block];
        assert_eq!(block.kind, BlockKind::Paragraph);
        assert!(block.start <= sentence.start && sentence.end <= block.end);
    }
}

fn blocks_of(doc: &ParsedDocument, kind: BlockKind) -> Vec<&Block> {
    doc.blocks.iter().filter(|b| b.kind == kind).collect()
}

#[test]
fn seed_000_metadata() {
    let file = parse("000_6fb1bf50eb2ac061.txt", SEED_000);
    assert_eq!(file.encoding, SourceEncoding::Utf8);
    let doc = &file.documents[0];
    assert_eq!(file.documents.len(), 1);
    assert_eq!(doc.format, DocFormat::Archive);
    assert_eq!(doc.article_index, 0);
    assert_eq!(doc.meta.title, "中哈总理第一次定期会晤联合公报");
    assert_eq!(doc.meta.published, Some(PartialDate::day(ymd(2012, 4, 3))));
    assert_eq!(
        doc.meta.published.map(|p| p.precision),
        Some(DatePrecision::Day)
    );
    assert_eq!(doc.meta.page.as_deref(), Some("04"));
    assert_eq!(doc.meta.page_name.as_deref(), Some("国际新闻"));
    assert_eq!(doc.meta.genre.as_deref(), Some("公报、公告"));
    assert_eq!(doc.meta.issue_number.as_deref(), Some("19807"));
    assert_eq!(doc.meta.item_number.as_deref(), Some("1"));
    assert_eq!(doc.meta.classification.as_deref(), Some("D822"));
    assert_eq!(doc.meta.signed_on, Some(ymd(2012, 3, 31)));
    assert_eq!(doc.meta.signed_place.as_deref(), Some("北京"));
    assert_eq!(doc.meta.dateline_place.as_deref(), Some("北京"));
    assert!(doc.meta.authors.is_empty());
    let codes: Vec<&str> = doc.raw_fields.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        ["ZQ", "RQ", "BH", "TH", "BT", "FL", "BM", "TC", "ZW"]
    );
    assert_eq!(doc.raw_fields[8].value, None);
    assert_eq!(doc.raw_fields[0].value.as_deref(), Some("19807"));
    assert!(
        doc.body
            .starts_with("    应中华人民共和国国务院总理温家宝邀请")
    );
    assert!(doc.body.ends_with("（新华社北京4月2日电）"));
}

#[test]
fn seed_000_layout() {
    let doc = parse_one("000_6fb1bf50eb2ac061.txt", SEED_000);
    assert_offsets_consistent(&doc);

    let headings: Vec<&str> = blocks_of(&doc, BlockKind::Heading)
        .iter()
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(headings, ["一", "二", "三", "四", "五"]);

    let paragraphs = blocks_of(&doc, BlockKind::Paragraph);
    let wrapped: Vec<_> = paragraphs
        .iter()
        .filter(|b| b.text.contains("中哈务实合作的有效平台"))
        .collect();
    assert_eq!(wrapped.len(), 1);
    assert_eq!(wrapped[0].segments.len(), 2);
    assert!(paragraphs.iter().all(|b| !b.text.ends_with("中哈务")));
    assert!(paragraphs.iter().all(|b| !b.text.contains("（签字）")));
    assert!(
        paragraphs
            .iter()
            .all(|b| !b.text.contains("温家宝 卡・马西莫夫"))
    );

    let signatures = blocks_of(&doc, BlockKind::Signature);
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0].segments.len(), 5);
    assert!(signatures[0].text.contains("二○一二年三月三十一日于北京"));
    assert!(
        signatures[0]
            .text
            .starts_with("中华人民共和国 哈萨克斯坦共和国\n")
    );

    let datelines = blocks_of(&doc, BlockKind::Dateline);
    assert_eq!(datelines.len(), 1);
    assert_eq!(datelines[0].text, "（新华社北京4月2日电）");
    assert_eq!(doc.blocks.last().map(|b| b.kind), Some(BlockKind::Dateline));

    // The wrapped sentence spans both segments.
    let texts = doc.sentence_texts();
    let spanning = texts
        .iter()
        .find(|t| t.contains("希望该机制成为"))
        .expect("sentence with the wrapped text");
    assert!(spanning.starts_with("同意确定中哈企业家对话机制") || spanning.contains('\n'));
    assert!(spanning.ends_with("实合作的有效平台。"));
    assert_eq!(
        texts[0],
        "应中华人民共和国国务院总理温家宝邀请，哈萨克斯坦共和国总理卡里姆・马西莫夫于2012年3月30日至4月2日对中国进行了正式访问。"
    );
}

#[test]
fn seed_001() {
    let doc = parse_one("001_e246b652d2346690.txt", SEED_001);
    assert_offsets_consistent(&doc);
    assert_eq!(
        doc.meta.title,
        "中华人民共和国和哈萨克斯坦共和国关于发展全面战略伙伴关系的联合声明"
    );
    assert_eq!(doc.meta.published, Some(PartialDate::day(ymd(2011, 6, 14))));
    assert_eq!(doc.meta.signed_on, Some(ymd(2011, 6, 13)));
    assert_eq!(doc.meta.signed_place.as_deref(), Some("阿斯塔纳"));
    assert_eq!(doc.meta.genre.as_deref(), Some("公报？公告"));
    assert_eq!(doc.meta.dateline_place.as_deref(), Some("阿斯塔纳"));
    assert_eq!(doc.meta.issue_number.as_deref(), Some("19513"));
    let headings: Vec<&str> = blocks_of(&doc, BlockKind::Heading)
        .iter()
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(headings, ["一", "二", "三", "四", "五", "六", "七"]);
    assert_eq!(blocks_of(&doc, BlockKind::Signature).len(), 1);
    assert_eq!(
        blocks_of(&doc, BlockKind::Dateline)[0].text,
        "（新华社阿斯塔纳6月13日电）"
    );
    // Every paragraph of this seed is a single line.
    assert!(
        blocks_of(&doc, BlockKind::Paragraph)
            .iter()
            .all(|b| b.segments.len() == 1)
    );
}

#[test]
fn gb18030_copies_match_utf8_seeds() {
    for (name, utf8, gb) in [
        ("000.gb18030.txt", SEED_000, SEED_000_GB),
        ("001.gb18030.txt", SEED_001, SEED_001_GB),
    ] {
        let from_utf8 = parse(name, utf8);
        let from_gb = parse(name, gb);
        assert_eq!(from_gb.encoding, SourceEncoding::Gb18030, "{name}");
        assert_eq!(from_gb.documents, from_utf8.documents, "{name}");
        assert_eq!(
            from_gb.documents[0].content_hash,
            from_utf8.documents[0].content_hash
        );
    }
}

#[test]
fn big5_fixture() {
    let file = parse("big5_2012-04-03.txt", fixture!("big5_2012-04-03.txt"));
    assert_eq!(file.encoding, SourceEncoding::Big5);
    let doc = &file.documents[0];
    assert_eq!(doc.format, DocFormat::Text);
    assert_eq!(doc.meta.title, "中哈總理第一次定期會晤聯合公報");
    assert!(doc.body.contains("兩國領導人就發展中哈全面戰略夥伴關係"));
    assert_eq!(doc.meta.published, Some(PartialDate::day(ymd(2012, 4, 3))));
    assert_eq!(doc.meta.signed_on, Some(ymd(2012, 3, 31)));
    assert_eq!(doc.meta.signed_place.as_deref(), Some("北京"));
    assert_eq!(doc.meta.dateline_place.as_deref(), Some("北京"));
    assert_eq!(blocks_of(doc, BlockKind::Heading).len(), 1);
    assert_offsets_consistent(doc);
}

#[test]
fn multi_article_crlf() {
    let bytes = fixture!("multi_article_crlf.txt");
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "fixture lost its CRLFs"
    );
    let file = parse("multi_article_crlf.txt", bytes);
    let titles: Vec<&str> = file
        .documents
        .iter()
        .map(|d| d.meta.title.as_str())
        .collect();
    assert_eq!(
        titles,
        ["第一篇文章的标题", "第二篇文章的标题", "第三篇文章的标题"]
    );
    let indexes: Vec<u32> = file.documents.iter().map(|d| d.article_index).collect();
    assert_eq!(indexes, [0, 1, 2]);
    let [first, second, third] = file.documents.as_slice() else {
        panic!("three documents");
    };
    assert_eq!(first.meta.authors, ["张三", "李四", "王五"]);
    assert_eq!(second.meta.lead_title.as_deref(), Some("引题内容"));
    assert_eq!(third.meta.subtitle.as_deref(), Some("副题内容"));
    assert_eq!(
        third.meta.published,
        Some(PartialDate::day(ymd(2015, 6, 2)))
    );
    for doc in &file.documents {
        assert!(!doc.body.contains('\r'));
        assert_offsets_consistent(doc);
    }
    assert_eq!(blocks_of(second, BlockKind::Paragraph).len(), 2);
    assert_ne!(first.content_hash, second.content_hash);
}

#[test]
fn unknown_tags_are_kept() {
    let doc = parse_one("unknown_tags.txt", fixture!("unknown_tags.txt"));
    let fields: Vec<(&str, &str, Option<&str>)> = doc
        .raw_fields
        .iter()
        .map(|f| (f.code.as_str(), f.name.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("ZQ", "总期", Some("19807")),
            ("RQ", "日期", Some("20120403")),
            ("BT", "标题", Some("有未知字段的文章")),
            ("XB", "新编号", Some("A-17")),
            ("ZW", "正文", None),
            ("K2", "备注", Some("附注文字")),
        ]
    );
}

#[test]
fn bad_files_give_specific_errors() {
    let err = parse_err("bad_undecodable.txt", fixture!("bad_undecodable.txt"));
    assert!(matches!(err, IngestError::Undecodable { .. }), "{err:?}");
    assert!(err.to_string().starts_with(
        "not a supported text encoding (tried UTF-8, GB18030, Big5): invalid byte sequence at offset "
    ));

    let err = parse_err("bad_unterminated.txt", fixture!("bad_unterminated.txt"));
    assert!(
        matches!(&err, IngestError::UnterminatedField { code, line: 4, .. } if code == "ZW"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "unterminated field 〖ZW/正文〗 opened at line 4"
    );

    let err = parse_err(
        "bad_mismatched_close.txt",
        fixture!("bad_mismatched_close.txt"),
    );
    assert!(
        matches!(err, IngestError::MismatchedClose { line: 6, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "closing tag 〖-BT/标题〗 at line 6 does not match open field 〖ZW/正文〗"
    );

    let err = parse_err("bad_stray_close.txt", fixture!("bad_stray_close.txt"));
    assert!(
        matches!(err, IngestError::UnexpectedClose { line: 3, .. }),
        "{err:?}"
    );

    let err = parse_err("bad_malformed_tag.txt", fixture!("bad_malformed_tag.txt"));
    assert!(
        matches!(err, IngestError::MalformedTag { line: 2, .. }),
        "{err:?}"
    );

    let err = parse_err("bad_missing_body.txt", fixture!("bad_missing_body.txt"));
    assert!(
        matches!(
            err,
            IngestError::MissingBody {
                article: 2,
                format: DocFormat::Archive
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "article 2 has no body (〖ZW/正文〗)");

    let err = parse_err("bad_empty_body.txt", fixture!("bad_empty_body.txt"));
    assert!(
        matches!(err, IngestError::EmptyBody { article: 1 }),
        "{err:?}"
    );

    let err = parse_err("bad_missing_title.txt", fixture!("bad_missing_title.txt"));
    assert!(
        matches!(err, IngestError::MissingTitle { article: 1 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "article 1 has no title");

    let err = parse_err("bad_invalid_date.txt", fixture!("bad_invalid_date.txt"));
    assert!(
        matches!(&err, IngestError::InvalidDate { value, .. } if value == "20120231"),
        "{err:?}"
    );
    assert!(err.to_string().contains("20120231"));

    let err = parse_err("bad_empty.txt", fixture!("bad_empty.txt"));
    assert!(matches!(err, IngestError::Empty), "{err:?}");
    assert_eq!(err.to_string(), "empty file");
    let err = parse_err(
        "bad_whitespace_only.txt",
        fixture!("bad_whitespace_only.txt"),
    );
    assert!(matches!(err, IngestError::Empty), "{err:?}");

    let err = parse_err("bad_binary.txt", fixture!("bad_binary.txt"));
    assert!(
        matches!(err, IngestError::BinaryNul { offset: 5 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "binary data (NUL byte at offset 5)");

    let err = parse_err("bad_utf16.txt", fixture!("bad_utf16.txt"));
    assert!(matches!(err, IngestError::Utf16), "{err:?}");
}

#[test]
fn oversize_is_rejected_before_decoding() {
    let err = parse_bytes("000.txt", SEED_000, 1024).unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::TooLarge {
                size: 7867,
                limit: 1024
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "file is 7.7 KiB, over the 1.0 KiB limit");
    let big = IngestError::TooLarge {
        size: 20 * 1024 * 1024,
        limit: DEFAULT_MAX_FILE_BYTES as u64,
    };
    assert_eq!(big.to_string(), "file is 20.0 MiB, over the 16.0 MiB limit");
    // Exactly at the limit is fine.
    assert!(parse_bytes("000.txt", SEED_000, SEED_000.len()).is_ok());
}

#[test]
fn read_path_checks_size_and_reads() {
    let dir = std::env::temp_dir().join(format!("pledgeline-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("2014-05-20-statement.md");
    std::fs::write(&path, fixture!("2014-05-20-statement.md")).unwrap();
    let file = read_path(&path, DEFAULT_MAX_FILE_BYTES).unwrap();
    assert_eq!(
        file.documents[0].meta.published,
        Some(PartialDate::day(ymd(2014, 5, 20)))
    );
    assert!(matches!(
        read_path(&path, 8),
        Err(IngestError::TooLarge { limit: 8, .. })
    ));
    let missing = read_path(&dir.join("missing.txt"), DEFAULT_MAX_FILE_BYTES).unwrap_err();
    assert!(matches!(missing, IngestError::Io(_)), "{missing:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn text_and_markdown_files() {
    let doc = parse_one("front_matter.md", fixture!("front_matter.md"));
    assert_eq!(doc.format, DocFormat::Markdown);
    assert_eq!(doc.meta.title, "关于推进合作的声明");
    let published = doc.meta.published.unwrap();
    assert_eq!(published.precision, DatePrecision::Month);
    assert_eq!(published.to_string(), "2015-06");
    assert_eq!(doc.meta.source.as_deref(), Some("外交部网站"));
    assert!(
        doc.raw_fields
            .iter()
            .any(|f| f.code == "lang" && f.name == "Lang")
    );
    assert_eq!(doc.blocks[0].kind, BlockKind::Heading);
    assert_eq!(doc.blocks[0].text, "这一行是正文中的标题");
    assert_offsets_consistent(&doc);

    let doc = parse_one("heading_only.md", fixture!("heading_only.md"));
    assert_eq!(doc.meta.title, "双边合作备忘录");
    assert!(!doc.body.contains("双边合作备忘录"));
    assert_eq!(doc.meta.published, None);
    let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [
            BlockKind::Paragraph,
            BlockKind::Heading,
            BlockKind::Paragraph
        ]
    );
    assert_eq!(doc.blocks[1].text, "一、总体要求");
    assert_offsets_consistent(&doc);

    let doc = parse_one(
        "2014-05-20-statement.md",
        fixture!("2014-05-20-statement.md"),
    );
    assert_eq!(doc.meta.title, "联合声明");
    assert_eq!(doc.meta.published, Some(PartialDate::day(ymd(2014, 5, 20))));
    assert_eq!(doc.body, "双方重申将继续深化合作。");

    let doc = parse_one("plain_no_date.txt", fixture!("plain_no_date.txt"));
    assert_eq!(doc.format, DocFormat::Text);
    assert_eq!(doc.meta.title, "关于加强合作的说明");
    assert_eq!(doc.meta.published, None);
    assert_eq!(doc.sentences.len(), 1);
}

#[test]
fn archive_recognised_regardless_of_extension() {
    let doc = parse_one("renamed.md", SEED_000);
    assert_eq!(doc.format, DocFormat::Archive);
}

#[test]
fn content_hash_tracks_content() {
    let base = parse_one("000.txt", SEED_000);
    assert_eq!(base.content_hash, base.compute_content_hash());
    assert_eq!(base.content_hash_hex().len(), 64);

    let text = std::str::from_utf8(SEED_000).unwrap();
    let edited_body = text.replace("正式访问", "国事访问");
    let edited_field = text.replace("〖BM/版名〗国际新闻", "〖BM/版名〗要闻");
    let edited_title = text.replace("定期会晤联合公报", "定期会晤公报");
    for edited in [edited_body, edited_field, edited_title] {
        let doc = parse_one("000.txt", edited.as_bytes());
        assert_ne!(doc.content_hash, base.content_hash);
    }
    // CRLF line endings and a BOM do not change the document.
    let mut crlf = vec![0xEF, 0xBB, 0xBF];
    crlf.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    let file = parse("000.txt", &crlf);
    assert_eq!(file.encoding, SourceEncoding::Utf8Bom);
    assert_eq!(file.documents[0], base);
}

#[test]
fn serde_round_trip() {
    let doc = parse_one("000.txt", SEED_000);
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["format"], "archive");
    assert_eq!(json["published"]["precision"], "day");
    assert_eq!(json["published"]["date"], "2012-04-03");
    assert_eq!(json["blocks"][0]["kind"], "paragraph");
    assert_eq!(json["content_hash"], doc.content_hash_hex());
    let back: ParsedDocument = serde_json::from_value(json).unwrap();
    assert_eq!(back, doc);
    assert_eq!(
        serde_json::to_value(SourceEncoding::Utf8Bom).unwrap(),
        "UTF-8 (BOM)"
    );
}

#[test]
fn string_enums() {
    for format in DocFormat::ALL {
        assert_eq!(format.as_str().parse::<DocFormat>(), Ok(*format));
    }
    for encoding in SourceEncoding::ALL {
        assert_eq!(
            encoding.to_string().parse::<SourceEncoding>(),
            Ok(*encoding)
        );
    }
    for kind in BlockKind::ALL {
        assert_eq!(kind.as_str().parse::<BlockKind>(), Ok(*kind));
    }
    assert_eq!("Month".parse::<DatePrecision>(), Ok(DatePrecision::Month));
    assert_eq!(
        "gb18030".parse::<SourceEncoding>(),
        Ok(SourceEncoding::Gb18030)
    );
    let err = "pdf".parse::<DocFormat>().unwrap_err();
    assert_eq!(err.to_string(), "unknown document format: \"pdf\"");
    assert_eq!(
        "2015-06".parse::<PartialDate>().map(|d| d.to_string()),
        Ok("2015-06".to_owned())
    );
}

#[test]
fn ingestible_names() {
    for name in ["a.txt", "b.TEXT", "c.md", "d.Markdown", "dir/e.MD"] {
        assert!(is_ingestible_name(Path::new(name)), "{name}");
    }
    for name in ["a.pdf", "b", "c.txt.gz", ".md.bak", "md"] {
        assert!(!is_ingestible_name(Path::new(name)), "{name}");
    }
    assert_eq!(DocFormat::from_file_name("x.MARKDOWN"), DocFormat::Markdown);
    assert_eq!(DocFormat::from_file_name("x.text"), DocFormat::Text);
}

#[test]
fn char_slices() {
    assert_eq!(char_slice("一二三四", 1, 3), "二三");
    assert_eq!(char_slice("一二三四", 3, 10), "四");
    assert_eq!(char_slice("一二三四", 5, 2), "");
}

#[test]
fn empty_markdown_headings_are_separators_not_blocks_or_titles() {
    let text = "#\n\n# 会谈纪要\n\n双方将加强合作。\n\n###\n\n双方同意继续磋商。\n";
    let doc = parse_one("2015-06-01-note.md", text.as_bytes());
    assert_eq!(doc.meta.title, "会谈纪要");
    assert!(
        doc.blocks.iter().all(|b| b.start < b.end),
        "no empty blocks"
    );
    assert!(doc.blocks.iter().all(|b| !b.text.contains('#')));
    assert_eq!(doc.blocks.len(), 2);
    let only_hashes = parse_bytes("x.md", b"#\n\n##\n", DEFAULT_MAX_FILE_BYTES);
    assert!(
        matches!(only_hashes, Err(IngestError::MissingTitle { .. })),
        "{only_hashes:?}"
    );
}

/// A body line of `n` literal `〖a`s.
fn bracket_article(n: usize) -> String {
    let mut text = String::from("〖BT/标题〗长行〖-BT/标题〗\n〖ZW/正文〗\n    ");
    for _ in 0..n {
        text.push_str("〖a");
    }
    text.push_str("。\n〖-ZW/正文〗\n");
    text
}

#[test]
fn literal_brackets_inside_a_long_line_stay_linear() {
    // Compare two sizes within one run (no absolute timing): 8x the input must not cost
    // anything like 64x, as a scan to the end of the line at every `〖` would.
    let time = |n: usize| {
        let text = bracket_article(n);
        let started = std::time::Instant::now();
        let doc = parse_one("long.txt", text.as_bytes());
        assert!(doc.body.contains("〖a〖a"));
        started.elapsed().as_secs_f64()
    };
    time(1_000); // warm up
    let small = time(25_000);
    let large = time(200_000);
    assert!(
        large < small * 24.0,
        "8x input took {:.1}x as long",
        large / small
    );
}
