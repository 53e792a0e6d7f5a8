//! Date parsing: Chinese-numeral dates, signing lines, news datelines and
//! partial dates. Every function returns `None` for anything it does not
//! recognise or for impossible dates (e.g. 二月三十日); none panics.

use chrono::{Datelike, NaiveDate};

use super::PartialDate;

/// News agencies whose datelines are recognised (simplified and traditional).
const AGENCIES: &[&str] = &[
    "据新华社",
    "據新華社",
    "新华社",
    "新華社",
    "据本报",
    "據本報",
    "本报",
    "本報",
    "中新社",
    "中通社",
];

/// Value of an ASCII or full-width decimal digit.
pub(crate) fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Value of a Chinese digit, including the zero forms ○ 〇 零 and the
/// common Ｏ/O/o typing mistakes for zero.
pub(crate) fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'Ｏ' | 'O' | 'o' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Parses a month or day number at the start of `chars`: one or two arabic
/// digits, or a Chinese numeral up to 99 (`三`, `十`, `十一`, `二十`,
/// `三十一`). Returns the value and the number of chars consumed.
fn small_number(chars: &[char]) -> Option<(u32, usize)> {
    let arabic = chars
        .iter()
        .take_while(|&&c| arabic_digit(c).is_some())
        .count();
    if arabic > 0 {
        if arabic > 2 {
            return None;
        }
        let value = chars[..arabic]
            .iter()
            .filter_map(|&c| arabic_digit(c))
            .fold(0, |acc, d| acc * 10 + d);
        return Some((value, arabic));
    }
    let len = chars
        .iter()
        .take(3)
        .take_while(|&&c| c == '十' || (chinese_digit(c).is_some() && !c.is_ascii()))
        .count();
    let run = &chars[..len];
    let value = match run {
        ['十'] => 10,
        [a] => chinese_digit(*a)?,
        ['十', b] => 10 + chinese_digit(*b)?,
        [a, '十'] => chinese_digit(*a)? * 10,
        [a, '十', b] => chinese_digit(*a)? * 10 + chinese_digit(*b)?,
        _ => return None,
    };
    (value > 0).then_some((value, len))
}

/// Parses a `Y年M月D日` date at the start of `chars` (year as four digits,
/// arabic or Chinese digit by digit; day may end in `号`). Returns the date
/// and the number of chars consumed.
fn scan_date(chars: &[char]) -> Option<(NaiveDate, usize)> {
    let year_chars = chars.get(..4)?;
    let mut year = 0;
    for &c in year_chars {
        year = year * 10 + arabic_digit(c).or_else(|| chinese_digit(c))?;
    }
    let mut i = 4;
    if chars.get(i) != Some(&'年') {
        return None;
    }
    i += 1;
    let (month, used) = small_number(&chars[i..])?;
    i += used;
    if chars.get(i) != Some(&'月') {
        return None;
    }
    i += 1;
    let (day, used) = small_number(&chars[i..])?;
    i += used;
    if !matches!(chars.get(i), Some('日' | '号' | '號')) {
        return None;
    }
    let year = i32::try_from(year).ok()?;
    NaiveDate::from_ymd_opt(year, month, day).map(|d| (d, i + 1))
}

/// A full Chinese date such as `二○一二年三月三十一日`, `二〇一一年六月十三日`
/// or `2012年3月31日` (surrounding whitespace ignored, nothing else allowed).
pub fn parse_chinese_date(s: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = s.trim().chars().collect();
    match scan_date(&chars)? {
        (date, used) if used == chars.len() => Some(date),
        _ => None,
    }
}

/// A signing line: a date optionally followed by `于`/`於`/`在` and a place,
/// optionally ending in `签署`/`签订`/`签字` and a full stop.
/// `二○一二年三月三十一日于北京` → (2012-03-31, Some("北京")),
/// `2012年3月31日在北京签署` → (2012-03-31, Some("北京")).
pub fn parse_signing_line(s: &str) -> Option<(NaiveDate, Option<String>)> {
    let trimmed = s.trim();
    let trimmed = trimmed
        .strip_prefix('于')
        .or_else(|| trimmed.strip_prefix('於'))
        .unwrap_or(trimmed);
    let chars: Vec<char> = trimmed.chars().collect();
    let (date, used) = scan_date(&chars)?;
    let rest: String = chars[used..].iter().collect();
    let mut rest = rest.trim().trim_end_matches(['。', '.']).trim_end();
    for suffix in ["签署", "簽署", "签订", "簽訂", "签字", "簽字"] {
        if let Some(r) = rest.strip_suffix(suffix) {
            rest = r.trim_end();
            break;
        }
    }
    if rest.is_empty() {
        return Some((date, None));
    }
    let place = rest
        .strip_prefix(['于', '於', '在'])?
        .trim_start_matches(|c: char| c.is_whitespace());
    is_place(place).then(|| (date, Some(place.to_owned())))
}

/// A plausible place name: 1–12 letters (CJK or alphabetic, plus the
/// middle dots of transliterated names), no digits, punctuation or spaces.
fn is_place(s: &str) -> bool {
    (1..=12).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '・' | '·'))
}

/// Place named in a news dateline: `（新华社北京4月2日电）` → `北京`,
/// `新华社阿斯塔纳6月13日电` → `阿斯塔纳`, `本报北京4月2日电` → `北京`.
/// The agency must come first (after an optional opening bracket); a dateline
/// without `…月…日电` or without a place (`新华社记者…`) gives `None`.
pub fn parse_dateline(s: &str) -> Option<String> {
    let s = s.trim_start().trim_start_matches(['（', '(']).trim_start();
    let after = AGENCIES.iter().find_map(|a| s.strip_prefix(a))?;
    let chars: Vec<char> = after.chars().take(60).collect();
    // Find "…月…日电" and the index where its month number starts.
    let dian = (0..chars.len()).find(|&i| chars[i] == '电' || chars[i] == '電')?;
    let mut i = dian;
    if i == 0 || !matches!(chars[i - 1], '日' | '号' | '號') {
        return None;
    }
    i -= 1;
    let day_end = i;
    while i > 0 && is_number_char(chars[i - 1]) {
        i -= 1;
    }
    if i == day_end || i == 0 || chars[i - 1] != '月' {
        return None;
    }
    i -= 1;
    let month_end = i;
    while i > 0 && is_number_char(chars[i - 1]) {
        i -= 1;
    }
    if i == month_end {
        return None;
    }
    let before: String = chars[..i].iter().collect();
    let mut place = before.trim();
    if let Some(rest) = place
        .strip_prefix("记者")
        .or_else(|| place.strip_prefix("記者"))
    {
        // "新华社记者张三 北京4月2日电": the place is the last word, if separate.
        let (_, last) = rest.trim_end().rsplit_once(char::is_whitespace)?;
        place = last;
    }
    let place = place.trim();
    is_place(place).then(|| place.to_owned())
}

fn is_number_char(c: char) -> bool {
    arabic_digit(c).is_some() || c == '十' || (chinese_digit(c).is_some() && !c.is_ascii())
}

/// Does `s` start with a news agency name (see [`parse_dateline`])?
pub fn starts_with_agency(s: &str) -> bool {
    let s = s.trim_start().trim_start_matches(['（', '(']).trim_start();
    AGENCIES.iter().any(|a| s.starts_with(a))
}

/// A compact date `yyyymmdd` (ASCII or full-width digits).
pub fn parse_yyyymmdd(s: &str) -> Option<NaiveDate> {
    let digits = ascii_digits(s.trim())?;
    if digits.len() != 8 {
        return None;
    }
    let year = digits[..4].parse().ok()?;
    let month = digits[4..6].parse().ok()?;
    let day = digits[6..].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `s` with full-width digits turned ASCII, if it consists only of digits.
fn ascii_digits(s: &str) -> Option<String> {
    s.chars()
        .map(|c| arabic_digit(c).and_then(|d| char::from_digit(d, 10)))
        .collect::<Option<String>>()
        .filter(|d| !d.is_empty())
}

/// A date of year, month or day precision: `2015`, `2015-06`, `2015-06-01`,
/// `2015/06/01`, `2015.6.1`, `201506`, `20150601`, `2015年`, `2015年6月`,
/// `2015年6月1日` (also with Chinese numerals). `None` if invalid.
pub fn parse_partial_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if let Some(digits) = ascii_digits(s) {
        let year = digits.get(..4)?.parse().ok()?;
        return match digits.len() {
            4 => PartialDate::from_parts(year, None, None),
            6 => PartialDate::from_parts(year, Some(digits[4..].parse().ok()?), None),
            8 => parse_yyyymmdd(&digits).map(PartialDate::day),
            _ => None,
        };
    }
    if s.contains('年') {
        return parse_chinese_partial(s);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if !(2..=3).contains(&parts.len()) || parts[0].chars().count() != 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(3);
    for part in &parts {
        let digits = ascii_digits(part)?;
        if digits.len() > 4 {
            return None;
        }
        numbers.push(digits.parse::<u32>().ok()?);
    }
    if parts[1..].iter().any(|p| p.chars().count() > 2) {
        return None;
    }
    let year = i32::try_from(numbers[0]).ok()?;
    PartialDate::from_parts(year, Some(numbers[1]), numbers.get(2).copied())
}

/// `2015年`, `2015年6月`, `2015年6月1日`, `二○一五年六月` …
fn parse_chinese_partial(s: &str) -> Option<PartialDate> {
    let chars: Vec<char> = s.chars().collect();
    if let Some((date, used)) = scan_date(&chars) {
        return (used == chars.len()).then_some(PartialDate::day(date));
    }
    let (year_part, rest) = s.split_once('年')?;
    let year_chars: Vec<char> = year_part.chars().collect();
    if year_chars.len() != 4 {
        return None;
    }
    let mut year = 0u32;
    for c in year_chars {
        year = year * 10 + arabic_digit(c).or_else(|| chinese_digit(c))?;
    }
    let year = i32::try_from(year).ok()?;
    if rest.is_empty() {
        return PartialDate::from_parts(year, None, None);
    }
    let month_chars: Vec<char> = rest.strip_suffix('月')?.chars().collect();
    match small_number(&month_chars)? {
        (month, used) if used == month_chars.len() => {
            PartialDate::from_parts(year, Some(month), None)
        }
        _ => None,
    }
}

/// The first `yyyy-mm-dd`, `yyyy-mm` (separators `-`, `_` or `.`) or
/// `yyyymmdd` in a file name (directories ignored), with a year between
/// 1800 and 2200. `2014-05-20-statement.md` → 2014-05-20 (Day). A day that
/// does not exist falls back to month precision.
pub fn date_from_file_name(file_name: &str) -> Option<PartialDate> {
    let name = std::path::Path::new(file_name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(file_name);
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = digit_run(bytes, i);
        if run == 0 {
            i += 1;
            continue;
        }
        if let Some(date) = file_name_date_at(name, i, run) {
            return Some(date);
        }
        i += run;
    }
    None
}

/// Number of ASCII digits starting at byte `at`.
fn digit_run(bytes: &[u8], at: usize) -> usize {
    bytes.get(at..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_digit()).count()
    })
}

/// A date starting at byte `at`, where a run of `run` digits begins.
fn file_name_date_at(name: &str, at: usize, run: usize) -> Option<PartialDate> {
    if run == 8 {
        return parse_yyyymmdd(name.get(at..at + 8)?)
            .filter(|d| plausible_year(d.year()))
            .map(PartialDate::day);
    }
    if run != 4 {
        return None;
    }
    let year = name
        .get(at..at + 4)?
        .parse()
        .ok()
        .filter(|&y| plausible_year(y))?;
    let (month, after_month) = separated_number(name, at + 4)?;
    let day = separated_number(name, after_month).map(|(d, _)| d);
    PartialDate::from_parts(year, Some(month), day)
        .or_else(|| PartialDate::from_parts(year, Some(month), None))
}

/// A separator (`-`, `_`, `.`) at byte `at` followed by one or two digits:
/// their value and the byte offset after them.
fn separated_number(name: &str, at: usize) -> Option<(u32, usize)> {
    let bytes = name.as_bytes();
    if !matches!(bytes.get(at), Some(b'-' | b'_' | b'.')) {
        return None;
    }
    let run = digit_run(bytes, at + 1);
    if !(1..=2).contains(&run) {
        return None;
    }
    let end = at + 1 + run;
    Some((name.get(at + 1..end)?.parse().ok()?, end))
}

fn plausible_year(year: i32) -> bool {
    (1800..=2200).contains(&year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::DatePrecision;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn chinese_numeral_dates() {
        assert_eq!(
            parse_chinese_date("二○一二年三月三十一日"),
            Some(ymd(2012, 3, 31))
        );
        assert_eq!(
            parse_chinese_date("二〇一一年六月十三日"),
            Some(ymd(2011, 6, 13))
        );
        assert_eq!(
            parse_chinese_date("二零零八年十月一日"),
            Some(ymd(2008, 10, 1))
        );
        assert_eq!(
            parse_chinese_date("二OO八年十二月二十日"),
            Some(ymd(2008, 12, 20))
        );
        assert_eq!(
            parse_chinese_date("二ＯＯ八年十一月十日"),
            Some(ymd(2008, 11, 10))
        );
        assert_eq!(parse_chinese_date("2012年3月31日"), Some(ymd(2012, 3, 31)));
        assert_eq!(
            parse_chinese_date("２０１２年３月３１日"),
            Some(ymd(2012, 3, 31))
        );
        assert_eq!(
            parse_chinese_date(" 2012年10月1号 "),
            Some(ymd(2012, 10, 1))
        );
    }

    #[test]
    fn invalid_chinese_dates_are_none() {
        assert_eq!(parse_chinese_date("二○一二年二月三十日"), None);
        assert_eq!(parse_chinese_date("二○一二年十三月一日"), None);
        assert_eq!(parse_chinese_date("二○一二年三月三十二日"), None);
        assert_eq!(parse_chinese_date("二○一二年三月"), None);
        assert_eq!(parse_chinese_date("二○一二年三月三十一日于北京"), None);
        assert_eq!(parse_chinese_date("年月日"), None);
        assert_eq!(parse_chinese_date(""), None);
    }

    #[test]
    fn signing_lines() {
        assert_eq!(
            parse_signing_line("二○一二年三月三十一日于北京"),
            Some((ymd(2012, 3, 31), Some("北京".to_owned())))
        );
        assert_eq!(
            parse_signing_line("    二○一一年六月十三日于阿斯塔纳"),
            Some((ymd(2011, 6, 13), Some("阿斯塔纳".to_owned())))
        );
        assert_eq!(
            parse_signing_line("2012年3月31日在北京签署。"),
            Some((ymd(2012, 3, 31), Some("北京".to_owned())))
        );
        assert_eq!(
            parse_signing_line("二○一二年三月三十一日於北京"),
            Some((ymd(2012, 3, 31), Some("北京".to_owned())))
        );
        assert_eq!(
            parse_signing_line("二○一二年三月三十一日"),
            Some((ymd(2012, 3, 31), None))
        );
        assert_eq!(parse_signing_line("二○一二年二月三十日于北京"), None);
        assert_eq!(
            parse_signing_line("二○一二年三月三十一日，双方在北京举行会谈。"),
            None
        );
        assert_eq!(parse_signing_line("温家宝 卡・马西莫夫"), None);
    }

    #[test]
    fn datelines() {
        assert_eq!(
            parse_dateline("（新华社北京4月2日电）").as_deref(),
            Some("北京")
        );
        assert_eq!(
            parse_dateline("（新华社阿斯塔纳6月13日电）").as_deref(),
            Some("阿斯塔纳")
        );
        assert_eq!(parse_dateline("本报北京4月2日电").as_deref(), Some("北京"));
        assert_eq!(
            parse_dateline("新华社北京4月2日电 记者张三报道").as_deref(),
            Some("北京")
        );
        assert_eq!(
            parse_dateline("（新華社北京4月2日電）").as_deref(),
            Some("北京")
        );
        assert_eq!(
            parse_dateline("新华社北京十月一日电").as_deref(),
            Some("北京")
        );
        assert_eq!(parse_dateline("（新华社记者张三、李四）"), None);
        assert_eq!(parse_dateline("（新华社记者张三）"), None);
        assert_eq!(
            parse_dateline("（新华社记者张三 上海5月1日电）").as_deref(),
            Some("上海")
        );
        assert_eq!(parse_dateline("（新华社4月2日电）"), None);
        assert_eq!(parse_dateline("北京4月2日电"), None);
    }

    #[test]
    fn partial_dates() {
        let p = parse_partial_date("2015").unwrap();
        assert_eq!(
            (p.date, p.precision),
            (ymd(2015, 1, 1), DatePrecision::Year)
        );
        assert_eq!(p.to_string(), "2015");
        let p = parse_partial_date("2015-06").unwrap();
        assert_eq!(
            (p.date, p.precision),
            (ymd(2015, 6, 1), DatePrecision::Month)
        );
        assert_eq!(p.to_string(), "2015-06");
        let p = parse_partial_date("2015-06-01").unwrap();
        assert_eq!((p.date, p.precision), (ymd(2015, 6, 1), DatePrecision::Day));
        assert_eq!(p.to_string(), "2015-06-01");
        for s in [
            "2015/06/01",
            "2015年6月1日",
            "20150601",
            "2015.6.1",
            "二○一五年六月一日",
        ] {
            assert_eq!(
                parse_partial_date(s),
                Some(PartialDate::day(ymd(2015, 6, 1))),
                "{s}"
            );
        }
        assert_eq!(
            parse_partial_date("2015年6月").map(|p| p.precision),
            Some(DatePrecision::Month)
        );
        assert_eq!(
            parse_partial_date("2015年").map(|p| p.precision),
            Some(DatePrecision::Year)
        );
        for bad in [
            "",
            "2015-13",
            "2015-02-30",
            "15-06-01",
            "June 2015",
            "2015-6-1-1",
            "201",
        ] {
            assert_eq!(parse_partial_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn file_name_dates() {
        assert_eq!(
            date_from_file_name("2014-05-20-statement.md"),
            Some(PartialDate::day(ymd(2014, 5, 20)))
        );
        assert_eq!(
            date_from_file_name("/some/dir/2015-06/notes_2014_05.md").map(|p| p.to_string()),
            Some("2014-05".to_owned())
        );
        assert_eq!(
            date_from_file_name("statement-20120403.txt"),
            Some(PartialDate::day(ymd(2012, 4, 3)))
        );
        assert_eq!(date_from_file_name("000_6fb1bf50eb2ac061.txt"), None);
        assert_eq!(date_from_file_name("report.md"), None);
        assert_eq!(date_from_file_name("9999-99-99.md"), None);
    }
}
