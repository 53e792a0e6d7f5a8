//! Time expressions in Chinese official text: deadlines (`到2015年`,
//! `2015年底前`), dates (`2011年6月13日`, `二〇一一年六月十三日`), periods
//! (`2011年6月12日至14日`, `“十二五”`), recurrences (`每两年`, `两年一次`)
//! and urgency words (`尽快`, `早日`).
//!
//! Input is one clause or sentence in simplified Chinese whose ASCII
//! punctuation `, ; : ( ) ! ?` has been replaced by its full-width form. All
//! offsets are **character** (Unicode scalar value) offsets into the input,
//! end exclusive. The output is sorted by start and never overlaps.
//!
//! Years must be written with four digits (arabic, full-width or Chinese
//! digit by digit, `〇`/`○`/`零` for zero) and lie in 1900..=2100, so
//! durations (`10年来`), anniversaries (`20周年`) and `到本世纪中叶` give
//! nothing. Relative expressions (`今年`, `明年`, `年底前`, `年内`,
//! `未来五年`, `五年内`) and dates without a year (`6月12日`, when no year
//! precedes them in the text) need the document date.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::scan::{at, ends_at};
use crate::ingest::dates::{arabic_digit, chinese_digit};
use crate::ingest::{DatePrecision, PartialDate};

/// What a [`TimeExpr`] says about time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeKind {
    /// Something must happen by the end of `date` (`到2015年`, `2015年前`).
    Deadline,
    /// A point in time (`2011年6月13日`, `将于2014年`).
    Date,
    /// A span from `date` to `until` (`2011年至2015年`, `十二五`); `until` is
    /// `None` for an open span (`2011年以来`, `从2011年起`).
    Period,
    /// Something happens regularly: `every` `unit`s (`每两年`).
    Recurrence,
    /// Something must happen soon (`尽快`, `早日`), without a date.
    Urgency,
}

/// The unit of a [`TimeKind::Recurrence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    /// Years.
    Year,
    /// Months.
    Month,
    /// Weeks.
    Week,
    /// Days.
    Day,
}

/// A time expression found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeExpr {
    /// Character offset of the first character (a governing `到`/`至`/`在`
    /// of a deadline included).
    pub start: usize,
    /// Character offset after the last character (`前`/`底前`/`以来` … included).
    pub end: usize,
    /// The characters `start..end` of the input.
    pub text: String,
    /// What the expression says.
    pub kind: TimeKind,
    /// Deadline: the period it ends with (`到2015年` → 2015, year precision,
    /// i.e. by the end of 2015). Date: the date. Period: its start.
    pub date: Option<PartialDate>,
    /// Period: its end (`2011年6月12日至14日` → 2011-06-14, `十二五` → 2015).
    pub until: Option<PartialDate>,
    /// Recurrence: how many `unit`s between occurrences (`每两年` → 2).
    pub every: Option<u32>,
    /// Recurrence: the unit of `every` (`每半年` → 6 months, `每季度` → 3
    /// months).
    pub unit: Option<PeriodUnit>,
    /// The expression is part of a name rather than a time of this sentence
    /// (`哈萨克斯坦2020年前国家发展战略`, `“十二五”规划`, inside `《…》`).
    pub in_name: bool,
}

// ---------------------------------------------------------------------------
// Lexicon
// ---------------------------------------------------------------------------

const URGENCY: Words<9> = Words::new([
    "尽快", "尽早", "早日", "及早", "抓紧", "加紧", "从速", "立即", "尽速",
]);

/// Range connectors between two dates.
const CONNECTORS: Words<9> = Words::new(["至", "到", "-", "－", "—", "——", "–", "～", "~"]);

/// Words after a date that make it a deadline.
const DEADLINE_SUFFIXES: Words<7> =
    Words::new(["以前", "之前", "前", "以内", "之内", "内", "为止"]);

/// Words after a date that make it the start of an open period.
const SINCE_SUFFIXES: Words<6> = Words::new(["以来", "起", "开始", "以后", "之后", "后"]);

/// Words before a date that make it a deadline (and belong to its span).
const DEADLINE_PREFIXES: Words<6> = Words::new(["到", "至", "直到", "直至", "不晚于", "不迟于"]);

/// Words before a date that make it the date of a status (`截至2011年底`).
const AS_OF_PREFIXES: Words<4> = Words::new(["截至", "截止", "截止到", "截至到"]);

/// Words following a date that make it part of a name.
const NAME_WORDS: Words<15> = Words::new([
    "国家",
    "发展",
    "战略",
    "规划",
    "计划",
    "纲要",
    "议程",
    "远景",
    "愿景",
    "可持续发展",
    "经济社会",
    "国民经济",
    "中长期",
    "长期",
    "行动计划",
]);

/// A list of words with the first and the last character of each, worked
/// out at compile time: matching compares those before decoding a word.
struct Words<const N: usize> {
    words: [&'static str; N],
    firsts: [char; N],
    lasts: [char; N],
}

impl<const N: usize> Words<N> {
    /// The list of `words`, none of them empty.
    const fn new(words: [&'static str; N]) -> Self {
        let mut firsts = ['\0'; N];
        let mut lasts = ['\0'; N];
        let mut k = 0;
        while k < N {
            let bytes = words[k].as_bytes();
            let mut first_end = 1;
            while first_end < bytes.len() && bytes[first_end] & 0xC0 == 0x80 {
                first_end += 1;
            }
            let mut last_start = bytes.len() - 1;
            while bytes[last_start] & 0xC0 == 0x80 {
                last_start -= 1;
            }
            firsts[k] = only_char(bytes.split_at(first_end).0);
            lasts[k] = only_char(bytes.split_at(last_start).1);
            k += 1;
        }
        Self {
            words,
            firsts,
            lasts,
        }
    }
}

/// The one character UTF-8 `bytes` encode, at compile time.
const fn only_char(bytes: &[u8]) -> char {
    let u = match *bytes {
        [a] => a as u32,
        [a, b] => (a as u32 & 0x1F) << 6 | (b as u32 & 0x3F),
        [a, b, c] => (a as u32 & 0x0F) << 12 | (b as u32 & 0x3F) << 6 | (c as u32 & 0x3F),
        [a, b, c, d] => {
            (a as u32 & 0x07) << 18
                | (b as u32 & 0x3F) << 12
                | (c as u32 & 0x3F) << 6
                | (d as u32 & 0x3F)
        }
        _ => panic!("not one character"),
    };
    match char::from_u32(u) {
        Some(c) => c,
        None => panic!("not one character"),
    }
}

// ---------------------------------------------------------------------------
// Character helpers
// ---------------------------------------------------------------------------

/// End of the longest word of `words` occurring at `i`.
fn longest_at<const N: usize>(chars: &[char], i: usize, words: &Words<N>) -> Option<usize> {
    let c = *chars.get(i)?;
    words
        .words
        .iter()
        .zip(words.firsts)
        .filter(|&(w, first)| first == c && at(chars, i, w))
        .map(|(w, _)| i + w.chars().count())
        .max()
}

/// Start of the longest word of `words` ending at `end`.
fn longest_ending<const N: usize>(chars: &[char], end: usize, words: &Words<N>) -> Option<usize> {
    let c = *chars.get(end.checked_sub(1)?)?;
    words
        .words
        .iter()
        .zip(words.lasts)
        .filter(|&(_, last)| last == c)
        .filter_map(|(w, _)| ends_at(chars, end, w))
        .min()
}

fn prev(chars: &[char], i: usize) -> Option<char> {
    i.checked_sub(1).and_then(|p| chars.get(p)).copied()
}

/// A character of a number (arabic or Chinese).
fn is_numeral(c: char) -> bool {
    arabic_digit(c).is_some()
        || chinese_digit(c).is_some()
        || matches!(c, '十' | '百' | '千' | '万' | '亿' | '两')
}

/// A small number at `i` (1..=99): one or two arabic digits, or a Chinese
/// numeral (`三`, `十`, `十一`, `二十`, `三十一`; `两` when `liang`).
fn small_at(chars: &[char], i: usize, liang: bool) -> Option<(u32, usize)> {
    let arabic = chars
        .get(i..)?
        .iter()
        .take(3)
        .take_while(|&&c| arabic_digit(c).is_some())
        .count();
    if arabic > 0 {
        if arabic > 2 {
            return None;
        }
        let value = chars[i..i + arabic]
            .iter()
            .filter_map(|&c| arabic_digit(c))
            .fold(0, |acc, d| acc * 10 + d);
        return (value > 0).then_some((value, i + arabic));
    }
    let digit = |c: char| match c {
        '两' if liang => Some(2),
        '〇' | '○' | '零' | 'Ｏ' => None,
        _ => chinese_digit(c),
    };
    let len = chars[i..]
        .iter()
        .take(3)
        .take_while(|&&c| c == '十' || digit(c).is_some())
        .count();
    let value = match chars[i..i + len] {
        ['十'] => 10,
        [a] => digit(a)?,
        ['十', b] => 10 + digit(b)?,
        [a, '十'] => digit(a)? * 10,
        [a, '十', b] => digit(a)? * 10 + digit(b)?,
        _ => return None,
    };
    Some((value, i + len))
}

/// A four-digit year at `i` (not preceded by another digit or letter): the
/// year and the end of its digits.
fn year_digits_at(chars: &[char], i: usize) -> Option<(i32, usize)> {
    let digits = chars.get(i..i + 4)?;
    if prev(chars, i).is_some_and(|p| is_numeral(p) || p.is_ascii_alphanumeric()) {
        return None;
    }
    let arabic = digits.iter().all(|&c| arabic_digit(c).is_some());
    let chinese = digits.iter().all(|&c| chinese_digit(c).is_some());
    if !arabic && !chinese {
        return None;
    }
    if chars.get(i + 4).is_some_and(|&c| is_numeral(c)) {
        return None;
    }
    let year = digits
        .iter()
        .filter_map(|&c| arabic_digit(c).or_else(|| chinese_digit(c)))
        .fold(0, |acc, d| acc * 10 + d);
    let year = i32::try_from(year).ok()?;
    (1900..=2100).contains(&year).then_some((year, i + 4))
}

/// A year with `年` at `i`: the year and the end.
fn year_at(chars: &[char], i: usize) -> Option<(i32, usize)> {
    let (year, end) = year_digits_at(chars, i)?;
    (chars.get(end) == Some(&'年')).then_some((year, end + 1))
}

/// `M月` or `M月D日` at `i`: month, day and end.
fn month_day_at(chars: &[char], i: usize) -> Option<(u32, Option<u32>, usize)> {
    let (month, end) = small_at(chars, i, false)?;
    if chars.get(end) != Some(&'月') || !(1..=12).contains(&month) {
        return None;
    }
    let end = end + 1;
    match day_at(chars, end) {
        Some((day, e)) => Some((month, Some(day), e)),
        None => Some((month, None, end)),
    }
}

/// `D日` or `D号` at `i`: day and end.
fn day_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let (day, end) = small_at(chars, i, false)?;
    (matches!(chars.get(end), Some('日' | '号')) && (1..=31).contains(&day))
        .then_some((day, end + 1))
}

fn year_date(year: i32) -> Option<PartialDate> {
    PartialDate::from_parts(year, None, None)
}

// ---------------------------------------------------------------------------
// Matchers
// ---------------------------------------------------------------------------

/// A time expression before its text is copied out.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    kind: TimeKind,
    date: Option<PartialDate>,
    until: Option<PartialDate>,
    every: Option<u32>,
    unit: Option<PeriodUnit>,
}

impl Found {
    fn new(start: usize, end: usize, kind: TimeKind) -> Self {
        Self {
            start,
            end,
            kind,
            date: None,
            until: None,
            every: None,
            unit: None,
        }
    }

    fn dated(start: usize, end: usize, kind: TimeKind, date: PartialDate) -> Self {
        Self {
            date: Some(date),
            ..Self::new(start, end, kind)
        }
    }

    fn recurrence(start: usize, end: usize, every: u32, unit: PeriodUnit) -> Self {
        Self {
            every: Some(every),
            unit: Some(unit),
            ..Self::new(start, end, TimeKind::Recurrence)
        }
    }
}

/// `尽快`, `早日` … at `i`.
fn urgency_at(chars: &[char], i: usize) -> Option<Found> {
    let end = longest_at(chars, i, &URGENCY)?;
    Some(Found::new(i, end, TimeKind::Urgency))
}

/// A recurrence unit at `i`, as (every multiplier, unit, end), the longest
/// of `年`, `个月`, `月`, `季度`, `季`, `周`, `个星期`, `星期`, `天`, `日`.
fn recurrence_unit_at(chars: &[char], i: usize) -> Option<(u32, PeriodUnit, usize)> {
    let next = chars.get(i + 1).copied();
    Some(match *chars.get(i)? {
        '年' => (1, PeriodUnit::Year, i + 1),
        '个' if next == Some('月') => (1, PeriodUnit::Month, i + 2),
        '个' if next == Some('星') && chars.get(i + 2) == Some(&'期') => {
            (1, PeriodUnit::Week, i + 3)
        }
        '月' => (1, PeriodUnit::Month, i + 1),
        '季' if next == Some('度') => (3, PeriodUnit::Month, i + 2),
        '季' => (3, PeriodUnit::Month, i + 1),
        '周' => (1, PeriodUnit::Week, i + 1),
        '星' if next == Some('期') => (1, PeriodUnit::Week, i + 2),
        '天' | '日' => (1, PeriodUnit::Day, i + 1),
        _ => return None,
    })
}

/// `每年`, `每两年`, `每半年`, `每季度`, `每月`, `每三个月`, `每隔一年` at `i`.
fn every_at(chars: &[char], i: usize) -> Option<Found> {
    if chars.get(i) != Some(&'每') {
        return None;
    }
    let mut j = i + 1;
    let skip = chars.get(j) == Some(&'隔');
    if skip {
        j += 1;
    }
    let mut half = false;
    let mut count = 1;
    if chars.get(j) == Some(&'半') {
        half = true;
        j += 1;
    } else if let Some((n, end)) = small_at(chars, j, true) {
        count = n;
        j = end;
    } else if skip {
        return None;
    }
    let (n, unit, end) = recurrence_unit_at(chars, j)?;
    if unit == PeriodUnit::Day && chars[j] == '日' && count > 1 {
        return None; // 每12日 is more likely a date than a recurrence
    }
    let (every, unit) = match (half, unit) {
        (true, PeriodUnit::Year) => (6, PeriodUnit::Month),
        (true, PeriodUnit::Month) if n == 1 => (15, PeriodUnit::Day),
        (true, _) => return None,
        // 每隔一年 is every other year; 每隔两年 is usually every two years.
        (false, u) if skip && count == 1 => (2 * n, u),
        (false, u) => (count * n, u),
    };
    Some(Found::recurrence(i, end, every, unit))
}

/// `两年一次`, `一年一度`, `三个月一次` at `i`; `隔年` (every two years).
fn per_at(chars: &[char], i: usize) -> Option<Found> {
    const ONCE: Words<6> = Words::new(["一次", "一届", "一度", "举行一次", "召开一次", "举办一次"]);
    if at(chars, i, "隔年") {
        return Some(Found::recurrence(i, i + 2, 2, PeriodUnit::Year));
    }
    if prev(chars, i).is_some_and(is_numeral) {
        return None;
    }
    let (count, j) = small_at(chars, i, true)?;
    let (n, unit, j) = recurrence_unit_at(chars, j)?;
    let end = longest_at(chars, j, &ONCE)?;
    Some(Found::recurrence(i, end, count * n, unit))
}

/// First year of the `n`-th five-year plan (the third started in 1966 after
/// three years of readjustment).
fn plan_start(n: u32) -> i32 {
    match n {
        1 => 1953,
        2 => 1958,
        _ => 1951 + 5 * i32::try_from(n).unwrap_or(0),
    }
}

/// `十一五` … `十九五` (the 11th to 19th five-year plans) at `i`.
fn plan_at(chars: &[char], i: usize) -> Option<Found> {
    if chars.get(i) != Some(&'十') || chars.get(i + 2) != Some(&'五') {
        return None;
    }
    let n = 10 + chinese_digit(*chars.get(i + 1)?).filter(|&d| d > 0)?;
    if prev(chars, i).is_some_and(is_numeral)
        || chars
            .get(i + 3)
            .is_some_and(|&c| is_numeral(c) || matches!(c, '年' | '%' | '％' | '点'))
    {
        return None;
    }
    let start = plan_start(n);
    Some(Found {
        until: year_date(start + 4),
        ..Found::dated(i, i + 3, TimeKind::Period, year_date(start)?)
    })
}

/// A relative year at `i` with the reference year: `今年`, `本年度`, `明年`,
/// `去年`, or a bare `年` that must be followed by `底`/`末`/`内`
/// (`年底前`, `年内`). Returns the year and the end.
fn relative_year_at(chars: &[char], i: usize, reference: i32) -> Option<(i32, usize)> {
    for (word, offset) in [
        ("今年", 0),
        ("本年度", 0),
        ("本年", 0),
        ("明年", 1),
        ("去年", -1),
    ] {
        if at(chars, i, word) {
            return Some((reference + offset, i + word.chars().count()));
        }
    }
    if chars.get(i) == Some(&'年')
        && matches!(chars.get(i + 1), Some('底' | '末' | '内'))
        && !prev(chars, i).is_some_and(|p| {
            is_numeral(p)
                || matches!(
                    p,
                    '今' | '明'
                        | '去'
                        | '本'
                        | '当'
                        | '每'
                        | '周'
                        | '同'
                        | '多'
                        | '几'
                        | '数'
                        | '后'
                        | '前'
                        | '上'
                        | '下'
                        | '年'
                        | '来'
                        | '学'
                        | '新'
                        | '全'
                        | '半'
                )
        })
    {
        return Some((reference, i + 1));
    }
    None
}

/// `未来五年`, `今后10年(内)` at `i`: a period from the year after the
/// reference year.
fn coming_years_at(chars: &[char], i: usize, reference: i32) -> Option<Found> {
    const COMING: Words<2> = Words::new(["未来", "今后"]);
    const WITHIN: Words<6> = Words::new(["之内", "以内", "内", "里", "间", "中"]);
    let j = longest_at(chars, i, &COMING)?;
    let (n, j) = small_at(chars, j, true)?;
    if chars.get(j) != Some(&'年') {
        return None;
    }
    let end = longest_at(chars, j + 1, &WITHIN).unwrap_or(j + 1);
    let n = i32::try_from(n).ok()?;
    Some(Found {
        until: year_date(reference + n),
        ..Found::dated(i, end, TimeKind::Period, year_date(reference + 1)?)
    })
}

/// `五年内`, `3年之内` at `i`: a deadline that many years after the
/// reference year.
fn within_years_at(chars: &[char], i: usize, reference: i32) -> Option<Found> {
    const WITHIN: Words<3> = Words::new(["之内", "以内", "内"]);
    if prev(chars, i).is_some_and(is_numeral) {
        return None;
    }
    let (n, j) = small_at(chars, i, true)?;
    if chars.get(j) != Some(&'年') {
        return None;
    }
    let end = longest_at(chars, j + 1, &WITHIN)?;
    let n = i32::try_from(n).ok()?;
    Some(Found::dated(
        i,
        end,
        TimeKind::Deadline,
        year_date(reference + n)?,
    ))
}

/// The calendar part of a date expression: where it ends, its first date
/// and, for a range, its second.
#[derive(Debug, Clone, Copy)]
struct Calendar {
    end: usize,
    first: PartialDate,
    second: Option<PartialDate>,
    /// `至今`: an open period.
    open: bool,
}

/// A date, or a range of two, at `i`. `year` is the year to assume for a
/// date written without one.
fn calendar_at(chars: &[char], i: usize, year: Option<i32>) -> Option<Calendar> {
    // `2011-2015年`, `2011至2015年`.
    if let Some((y1, e)) = year_digits_at(chars, i)
        && chars.get(e) != Some(&'年')
    {
        let c = longest_at(chars, e, &CONNECTORS)?;
        let (y2, end) = year_at(chars, c)?;
        if y2 <= y1 {
            return None;
        }
        return Some(Calendar {
            end,
            first: year_date(y1)?,
            second: year_date(y2),
            open: false,
        });
    }
    let (y, month, day, end) = match year_at(chars, i) {
        Some((y, e)) => match month_day_at(chars, e) {
            Some((m, d, e)) => (y, Some(m), d, e),
            None => (y, None, None, e),
        },
        None => {
            if prev(chars, i).is_some_and(|p| is_numeral(p) || matches!(p, '个' | '第' | '每')) {
                return None;
            }
            let (m, d, e) = month_day_at(chars, i)?;
            if d.is_none() && arabic_digit(chars[i]).is_none() {
                return None; // `十月革命`: a bare Chinese month is too often a name
            }
            (year?, Some(m), d, e)
        }
    };
    let first = PartialDate::from_parts(y, month, day)
        .or_else(|| PartialDate::from_parts(y, month, None))?;
    let single = Calendar {
        end,
        first,
        second: None,
        open: false,
    };
    if day.is_some() && first.precision != DatePrecision::Day {
        // An impossible day (2月30日): keep the month only, no range.
        return Some(single);
    }
    let Some(c) = longest_at(chars, end, &CONNECTORS) else {
        return Some(single);
    };
    if chars[end] == '至' && at(chars, c, "今") && !at(chars, c, "今年") && !at(chars, c, "今后")
    {
        return Some(Calendar {
            end: c + 1,
            open: true,
            ..single
        });
    }
    let second = match (year_at(chars, c), month, day) {
        (Some((y2, e)), _, _) => match month_day_at(chars, e) {
            Some((m2, d2, e)) if month.is_some() => {
                PartialDate::from_parts(y2, Some(m2), d2.filter(|_| day.is_some())).map(|p| (p, e))
            }
            _ if month.is_none() => year_date(y2).map(|p| (p, e)),
            _ => None,
        },
        (None, Some(_), Some(_)) => match month_day_at(chars, c) {
            Some((m2, Some(d2), e)) => {
                PartialDate::from_parts(y, Some(m2), Some(d2)).map(|p| (p, e))
            }
            Some(_) => None,
            None => day_at(chars, c)
                .and_then(|(d2, e)| PartialDate::from_parts(y, month, Some(d2)).map(|p| (p, e))),
        },
        (None, Some(_), None) => month_day_at(chars, c)
            .filter(|&(_, d2, _)| d2.is_none())
            .and_then(|(m2, _, e)| PartialDate::from_parts(y, Some(m2), None).map(|p| (p, e))),
        (None, None, _) => None,
    };
    match second {
        Some((second, e)) if second.date > first.date => Some(Calendar {
            end: e,
            second: Some(second),
            ..single
        }),
        _ => Some(single),
    }
}

/// Classifies a single date (or relative year) spanning `start..end` by the
/// words around it. `floor` is the end of the previous expression; prefixes
/// never reach before it.
fn classify(chars: &[char], start: usize, end: usize, date: PartialDate, floor: usize) -> Found {
    const END_OF: Words<4> = Words::new(["年底", "年末", "底", "末"]);
    const FROM: Words<2> = Words::new(["从", "自"]);
    const IN: Words<2> = Words::new(["在", "于"]);
    const STRIVING: Words<2> = Words::new(["力争", "争取"]);
    let mut end = end;
    // `2015年底`, `2015年年底`, `6月底`.
    if let Some(e) = longest_at(chars, end, &END_OF) {
        end = e;
    }
    let mut kind = TimeKind::Date;
    let mut span_start = start;
    if at(chars, end, "前后") {
        end += 2;
    } else if let Some(e) = longest_at(chars, end, &DEADLINE_SUFFIXES) {
        let next = chars.get(e).copied();
        let ok = match &chars[end..e] {
            ['前'] => !next.is_some_and(|c| {
                is_numeral(c)
                    || matches!(
                        c,
                        '往' | '来'
                            | '进'
                            | '后'
                            | '景'
                            | '夕'
                            | '提'
                            | '身'
                            | '线'
                            | '列'
                            | '沿'
                            | '途'
                            | '所'
                            | '任'
                            | '半'
                            | '几'
                            | '期'
                    )
            }),
            ['内'] => !matches!(
                next,
                Some('容' | '部' | '地' | '阁' | '政' | '需' | '外' | '涵')
            ),
            _ => true,
        };
        if ok {
            end = e;
            kind = TimeKind::Deadline;
        }
    } else if let Some(e) = longest_at(chars, end, &SINCE_SUFFIXES)
        && !matches!(chars.get(e), Some('续' | '者' | '方' | '来'))
    {
        end = e;
        kind = TimeKind::Period;
    }
    // Prefixes.
    let allowed = |s: &usize| *s >= floor;
    let deadline_prefix = longest_ending(chars, start, &DEADLINE_PREFIXES)
        .filter(allowed)
        .filter(|&s| {
            let p = prev(chars, s);
            match &chars[s..start] {
                ['到'] => !p.is_some_and(|p| {
                    matches!(
                        p,
                        '达' | '收'
                            | '得'
                            | '受'
                            | '做'
                            | '看'
                            | '提'
                            | '谈'
                            | '想'
                            | '感'
                            | '来'
                            | '回'
                            | '遇'
                            | '高'
                            | '加'
                            | '大'
                            | '升'
                            | '长'
                            | '至'
                            | '截'
                            | '止'
                    )
                }),
                ['至'] => !p.is_some_and(|p| {
                    matches!(
                        p,
                        '甚' | '乃'
                            | '以'
                            | '冬'
                            | '夏'
                            | '截'
                            | '增'
                            | '降'
                            | '升'
                            | '高'
                            | '大'
                            | '加'
                            | '长'
                    )
                }),
                _ => true,
            }
        });
    if let Some(s) = longest_ending(chars, start, &AS_OF_PREFIXES).filter(allowed) {
        // `截至2011年底`: the date of a status; `截至2015年底前` is still a
        // deadline.
        span_start = s;
    } else if let Some(s) = deadline_prefix {
        if kind != TimeKind::Period {
            span_start = s;
            kind = TimeKind::Deadline;
        }
    } else if let Some(s) = longest_ending(chars, start, &FROM).filter(allowed) {
        if kind == TimeKind::Period {
            span_start = s;
        }
    } else if let Some(s) = longest_ending(chars, start, &IN).filter(allowed) {
        let striving = longest_ending(chars, s, &STRIVING).is_some();
        if kind == TimeKind::Deadline || striving {
            span_start = s;
            kind = TimeKind::Deadline;
        }
    } else if longest_ending(chars, start, &STRIVING).is_some() && kind == TimeKind::Date {
        kind = TimeKind::Deadline;
    }
    Found::dated(span_start, end, kind, date)
}

/// Is the expression ending at `end` part of a name (`2020年前国家发展战略`,
/// `《…2030年…》`)?
fn in_name(chars: &[char], start: usize, end: usize) -> bool {
    let after = if matches!(chars.get(end), Some('”' | '’' | '」' | '』' | '〉')) {
        end + 1
    } else {
        end
    };
    if longest_at(chars, after, &NAME_WORDS).is_some() {
        return true;
    }
    let before = &chars[..start];
    let open = before.iter().rposition(|&c| c == '《');
    let close = before.iter().rposition(|&c| c == '》');
    match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Finds the time expressions of `text` (one clause or sentence), sorted by
/// start and not overlapping.
///
/// `reference` is the document's date; it resolves relative expressions
/// (`今年`, `明年`, `年底前`, `年内`, `未来五年` → a period from the year
/// after it, `五年内`) and the year of dates written without one when no
/// dated expression precedes them. Without it, relative expressions are
/// skipped.
///
/// `chars` are the characters of `text` (the caller has them already); `text` serves the
/// quick check that most clauses hold no time expression at all.
pub fn find_times_in(text: &str, chars: &[char], reference: Option<NaiveDate>) -> Vec<TimeExpr> {
    if !may_hold_time(text) {
        return Vec::new();
    }
    let reference_year = reference.map(|d| d.year());
    let mut out = Vec::new();
    let mut last_year = None;
    let mut floor = 0;
    let mut i = 0;
    while i < chars.len() {
        if !may_start(chars[i]) {
            i += 1;
            continue;
        }
        let found = match_at(
            chars,
            i,
            floor,
            last_year.or(reference_year),
            reference_year,
        );
        match found {
            Some(f) => {
                if let Some(d) = f.until.or(f.date) {
                    last_year = Some(d.date.year());
                }
                floor = f.end;
                i = f.end.max(i + 1);
                out.push(TimeExpr {
                    start: f.start,
                    end: f.end,
                    text: chars[f.start..f.end].iter().collect(),
                    kind: f.kind,
                    date: f.date,
                    until: f.until,
                    every: f.every,
                    unit: f.unit,
                    // Only dated expressions (dates, deadlines, periods) can be part of a name.
                    in_name: f.date.is_some() && in_name(chars, f.start, f.end),
                });
            }
            None => i += 1,
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Prefilter and dispatch
// ---------------------------------------------------------------------------

/// A set of characters of the CJK Unified Ideographs block (U+4E00 to
/// U+9FFF), one bit per character, built at compile time.
struct CjkSet([u64; 328]);

impl CjkSet {
    const FIRST: u32 = 0x4E00;
    const LAST: u32 = 0x9FFF;

    /// The set of `chars`, which must all lie in the block.
    const fn new(chars: &[char]) -> Self {
        let mut bits = [0u64; 328];
        let mut k = 0;
        while k < chars.len() {
            let u = chars[k] as u32;
            assert!(u >= Self::FIRST && u <= Self::LAST, "not a CJK ideograph");
            let offset = u - Self::FIRST;
            bits[offset as usize / 64] |= 1 << (offset % 64);
            k += 1;
        }
        Self(bits)
    }

    #[inline]
    fn contains(&self, c: char) -> bool {
        let u = c as u32;
        (Self::FIRST..=Self::LAST).contains(&u) && {
            let offset = u - Self::FIRST;
            self.0[offset as usize / 64] & (1 << (offset % 64)) != 0
        }
    }
}

/// The characters every time expression contains one of: `年`, `月`, `每`,
/// `五` (`十二五`), and the second characters of `一次`, `一届`, `一度`
/// (`两年一次`) and of the [`URGENCY`] words. See [`may_hold_time`].
const ANCHORS: CjkSet = CjkSet::new(&[
    '年', '月', '每', '五', '次', '届', '度', '快', '早', '日', '紧', '速', '即',
]);

/// Can `text` hold a time expression? Each one contains `年` or `月` after
/// a numeral (dates, years, `五年内`, `未来五年`, `两年一次`) or `年` in
/// `今年`/`本年`/`明年`/`去年`/`隔年`/`年底`/`年末`/`年内`, `每`, a five-year
/// plan (`十二五`), `一次`/`一届`/`一度` after a recurrence unit (`每周`,
/// `三个月一次`, `两年举行一次`) or an urgency word. Most clauses have none of
/// these and are rejected in one pass, before they are decoded into
/// characters.
fn may_hold_time(text: &str) -> bool {
    let mut before = '\0';
    let mut prev = '\0';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if ANCHORS.contains(c) && anchored(before, prev, c, chars.as_str()) {
            return true;
        }
        before = prev;
        prev = c;
    }
    false
}

/// Does the anchor `c`, after `before` and `prev` and before `rest`, belong
/// to a time expression (see [`may_hold_time`])?
#[cold]
fn anchored(before: char, prev: char, c: char, rest: &str) -> bool {
    match c {
        '年' => {
            is_numeral(prev)
                || matches!(prev, '今' | '本' | '明' | '去' | '隔')
                || rest.starts_with(['底', '末', '内'])
        }
        '月' | '五' => is_numeral(prev),
        '每' => true,
        // `年一次`, `个月一届`, `季度一次`, `星期一次`, `年举行一次` …
        '次' | '届' | '度' => {
            prev == '一'
                && matches!(
                    before,
                    '年' | '月' | '度' | '季' | '周' | '期' | '天' | '日' | '行' | '开' | '办'
                )
        }
        // The second character of an urgency word.
        _ => URGENCY.words.iter().any(|w| {
            let mut w = w.chars();
            w.next() == Some(prev) && w.next() == Some(c)
        }),
    }
}

/// The CJK characters a time expression can start with (see [`may_start`]):
/// Chinese numerals, the first characters of the [`URGENCY`] words, `每`,
/// `隔` (`隔年`) and the first characters of relative years and coming years
/// (`未来`, `今年`, `本年`, `明年`, `去年`, `年底`).
const CJK_STARTERS: CjkSet = CjkSet::new(&[
    '零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿', '两',
    '尽', '早', '及', '抓', '加', '从', '立', '每', '隔', '未', '今', '本', '明', '去', '年',
]);

/// Can a time expression start with `c`, i.e. does [`match_at`] try any
/// matcher at it? Outside the CJK block only numerals (arabic, full-width,
/// `〇`, `○`, `Ｏ`) can.
#[inline]
fn may_start(c: char) -> bool {
    CJK_STARTERS.contains(c) || (!('\u{4E00}'..='\u{9FFF}').contains(&c) && is_numeral(c))
}

/// The time expression whose core starts at `i`, if any.
///
/// Dispatches on the character at `i`: each matcher is tried only for the
/// characters an expression of its kind can start with, in the order that
/// decides between matchers sharing a first character. [`may_start`] holds
/// for every character that reaches a matcher.
fn match_at(
    chars: &[char],
    i: usize,
    floor: usize,
    year: Option<i32>,
    reference: Option<i32>,
) -> Option<Found> {
    let c = chars[i];
    match c {
        // First characters of the `URGENCY` words.
        '尽' | '早' | '及' | '抓' | '加' | '从' | '立' => urgency_at(chars, i),
        '每' => every_at(chars, i),
        // `隔年`.
        '隔' => per_at(chars, i),
        // `未来`/`今后` (coming years), `今年`/`本年`/`明年`/`去年`/`年底`.
        '未' | '今' | '本' | '明' | '去' | '年' => {
            let r = reference?;
            if let Some(f) = coming_years_at(chars, i, r) {
                return Some(f);
            }
            let (y, end) = relative_year_at(chars, i, r)?;
            Some(classify(chars, i, end, year_date(y)?, floor))
        }
        _ if is_numeral(c) => {
            if let Some(f) = plan_at(chars, i).or_else(|| per_at(chars, i)) {
                return Some(f);
            }
            if let Some(r) = reference
                && let Some(f) = within_years_at(chars, i, r)
            {
                return Some(f);
            }
            let cal = calendar_at(chars, i, year)?;
            if cal.open {
                return Some(Found::dated(i, cal.end, TimeKind::Period, cal.first));
            }
            match cal.second {
                Some(second) => Some(Found {
                    until: Some(second),
                    ..Found::dated(i, cal.end, TimeKind::Period, cal.first)
                }),
                None => Some(classify(chars, i, cal.end, cal.first, floor)),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_times(text: &str, reference: Option<NaiveDate>) -> Vec<TimeExpr> {
        let chars: Vec<char> = text.chars().collect();
        find_times_in(text, &chars, reference)
    }

    fn reference() -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2011, 6, 13)
    }

    fn year(y: i32) -> Option<PartialDate> {
        PartialDate::from_parts(y, None, None)
    }

    fn month(y: i32, m: u32) -> Option<PartialDate> {
        PartialDate::from_parts(y, Some(m), None)
    }

    fn day(y: i32, m: u32, d: u32) -> Option<PartialDate> {
        PartialDate::from_parts(y, Some(m), Some(d))
    }

    /// The single expression of `text` (without a reference date).
    fn one(text: &str) -> TimeExpr {
        one_ref(text, None)
    }

    fn one_ref(text: &str, reference: Option<NaiveDate>) -> TimeExpr {
        let found = find_times(text, reference);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found.into_iter().next().unwrap()
    }

    fn assert_deadline(text: &str, span: &str, date: Option<PartialDate>) {
        let t = one(text);
        assert_eq!(t.kind, TimeKind::Deadline, "{text}");
        assert_eq!(t.text, span, "{text}");
        assert_eq!(t.date, date, "{text}");
        assert_eq!((t.until, t.every, t.unit), (None, None, None), "{text}");
        assert!(!t.in_name, "{text}");
    }

    fn assert_date(text: &str, span: &str, date: Option<PartialDate>) {
        let t = one(text);
        assert_eq!(t.kind, TimeKind::Date, "{text}");
        assert_eq!(t.text, span, "{text}");
        assert_eq!(t.date, date, "{text}");
        assert!(!t.in_name, "{text}");
    }

    fn assert_period(
        text: &str,
        span: &str,
        from: Option<PartialDate>,
        until: Option<PartialDate>,
    ) {
        let t = one(text);
        assert_eq!(t.kind, TimeKind::Period, "{text}");
        assert_eq!(t.text, span, "{text}");
        assert_eq!((t.date, t.until), (from, until), "{text}");
    }

    fn assert_every(text: &str, span: &str, every: u32, unit: PeriodUnit) {
        let t = one(text);
        assert_eq!(t.kind, TimeKind::Recurrence, "{text}");
        assert_eq!(t.text, span, "{text}");
        assert_eq!((t.every, t.unit), (Some(every), Some(unit)), "{text}");
        assert_eq!((t.date, t.until), (None, None), "{text}");
    }

    #[test]
    fn deadline_dao_and_zhi() {
        assert_deadline("到2015年", "到2015年", year(2015));
        assert_deadline("至2015年", "至2015年", year(2015));
        assert_deadline("直到2015年", "直到2015年", year(2015));
        let t = one("两国元首提出到2015年将双边贸易额提高到400亿美元的目标");
        assert_eq!((t.kind, t.start, t.end), (TimeKind::Deadline, 6, 12));
        assert_eq!(t.date, year(2015));
        assert!(!t.in_name);
    }

    #[test]
    fn deadline_qian() {
        assert_deadline("2015年前", "2015年前", year(2015));
        assert_deadline("在2015年以前", "在2015年以前", year(2015));
        assert_deadline("2015年之前", "2015年之前", year(2015));
        assert_deadline(
            "确保实现在2015年前将双边贸易额提高",
            "在2015年前",
            year(2015),
        );
        assert_deadline("于2015年内完成", "于2015年内", year(2015));
    }

    #[test]
    fn deadline_end_of_year() {
        let t = one("2015年底前");
        assert_eq!(
            (t.kind, t.text.as_str()),
            (TimeKind::Deadline, "2015年底前")
        );
        assert_eq!(t.date.map(|d| d.precision), Some(DatePrecision::Year));
        assert_eq!(t.date, year(2015));
        assert_deadline("2015年年底前", "2015年年底前", year(2015));
        assert_deadline("到2015年底", "到2015年底", year(2015));
    }

    #[test]
    fn deadline_month() {
        let t = one("2015年6月前");
        assert_eq!(t.kind, TimeKind::Deadline);
        assert_eq!(t.date, month(2015, 6));
        assert_eq!(t.date.map(|d| d.precision), Some(DatePrecision::Month));
        assert_deadline("2015年6月底前", "2015年6月底前", month(2015, 6));
    }

    #[test]
    fn deadline_after_striving() {
        assert_deadline("力争2015年", "2015年", year(2015));
        assert_deadline("力争在2015年", "在2015年", year(2015));
        assert_deadline("争取2020年", "2020年", year(2020));
        assert_deadline(
            "力争到2020年双边贸易额达到1000亿美元",
            "到2020年",
            year(2020),
        );
    }

    #[test]
    fn end_of_century_is_skipped() {
        assert_eq!(find_times("到本世纪中叶", None), vec![]);
        assert_eq!(find_times("到本世纪中叶", reference()), vec![]);
    }

    #[test]
    fn relative_deadlines_need_a_reference() {
        let t = one_ref("年底前完成", reference());
        assert_eq!(
            (t.kind, t.text.as_str(), t.date),
            (TimeKind::Deadline, "年底前", year(2011))
        );
        let t = one_ref("年内", reference());
        assert_eq!((t.kind, t.date), (TimeKind::Deadline, year(2011)));
        let t = one_ref("今年年底前", reference());
        assert_eq!(
            (t.kind, t.text.as_str(), t.date),
            (TimeKind::Deadline, "今年年底前", year(2011))
        );
        let t = one_ref("明年", reference());
        assert_eq!((t.kind, t.date), (TimeKind::Date, year(2012)));
        let t = one_ref("今年", reference());
        assert_eq!((t.kind, t.date), (TimeKind::Date, year(2011)));
        let t = one_ref("去年", reference());
        assert_eq!((t.kind, t.date), (TimeKind::Date, year(2010)));
        let t = one_ref("五年内建成", reference());
        assert_eq!(
            (t.kind, t.text.as_str(), t.date),
            (TimeKind::Deadline, "五年内", year(2016))
        );
        for text in ["年底前完成", "年内", "今年", "明年", "未来五年", "五年内"] {
            assert_eq!(find_times(text, None), vec![], "{text}");
        }
    }

    #[test]
    fn coming_years_are_periods() {
        let t = one_ref("未来五年", reference());
        assert_eq!(
            (t.kind, t.date, t.until),
            (TimeKind::Period, year(2012), year(2016))
        );
        let t = one_ref("今后10年", reference());
        assert_eq!(
            (t.kind, t.date, t.until),
            (TimeKind::Period, year(2012), year(2021))
        );
    }

    #[test]
    fn year_dates() {
        let t = one("将于2014年在哈萨克斯坦举行");
        assert_eq!(
            (t.kind, t.text.as_str(), t.start, t.end),
            (TimeKind::Date, "2014年", 2, 7)
        );
        assert_eq!(t.date, year(2014));
        assert_eq!(t.date.map(|d| d.precision), Some(DatePrecision::Year));
        assert_date("2010年两国贸易额取得显著增长", "2010年", year(2010));
        assert_date("在2012年中哈建交20周年之际", "2012年", year(2012));
        assert_date("２０１２年", "２０１２年", year(2012));
    }

    #[test]
    fn month_and_day_dates() {
        assert_date("2012年6月在北京举行的", "2012年6月", month(2012, 6));
        assert_date("2011年6月13日签订的", "2011年6月13日", day(2011, 6, 13));
        assert_date("1992年1月3日建交", "1992年1月3日", day(1992, 1, 3));
        assert_date("2011年6月13号", "2011年6月13号", day(2011, 6, 13));
    }

    #[test]
    fn chinese_numeral_dates() {
        assert_date(
            "二〇一一年六月十三日",
            "二〇一一年六月十三日",
            day(2011, 6, 13),
        );
        assert_date("二○一一年", "二○一一年", year(2011));
        assert_date("二零一一年十二月", "二零一一年十二月", month(2011, 12));
        assert_date(
            "二○一二年三月三十一日于北京",
            "二○一二年三月三十一日",
            day(2012, 3, 31),
        );
    }

    #[test]
    fn day_ranges() {
        assert_period(
            "2011年6月12日至14日",
            "2011年6月12日至14日",
            day(2011, 6, 12),
            day(2011, 6, 14),
        );
        assert_period(
            "2011年6月12日至7月2日",
            "2011年6月12日至7月2日",
            day(2011, 6, 12),
            day(2011, 7, 2),
        );
        assert_period(
            "2011年6月至8月",
            "2011年6月至8月",
            month(2011, 6),
            month(2011, 8),
        );
    }

    #[test]
    fn year_ranges() {
        assert_period("2011年至2015年", "2011年至2015年", year(2011), year(2015));
        assert_period("2011-2015年", "2011-2015年", year(2011), year(2015));
        assert_period("2011—2015年", "2011—2015年", year(2011), year(2015));
        assert_period("2011年到2015年间", "2011年到2015年", year(2011), year(2015));
    }

    #[test]
    fn day_range_takes_the_year_of_a_preceding_date() {
        let found = find_times("2011年双方商定，6月12日至14日举行会谈", None);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].kind, found[0].date), (TimeKind::Date, year(2011)));
        let t = &found[1];
        assert_eq!(
            (t.kind, t.text.as_str()),
            (TimeKind::Period, "6月12日至14日")
        );
        assert_eq!((t.date, t.until), (day(2011, 6, 12), day(2011, 6, 14)));
        // Without a preceding year, the reference year; without both, nothing.
        let t = one_ref("6月12日至14日", reference());
        assert_eq!((t.date, t.until), (day(2011, 6, 12), day(2011, 6, 14)));
        assert_eq!(find_times("6月12日至14日", None), vec![]);
    }

    #[test]
    fn open_periods() {
        assert_period("自2011年起", "自2011年起", year(2011), None);
        assert_period("2011年以来", "2011年以来", year(2011), None);
        assert_period("2012年6月至今", "2012年6月至今", month(2012, 6), None);
    }

    #[test]
    fn five_year_plans() {
        assert_period("十二五", "十二五", year(2011), year(2015));
        assert_period("“十二五”期间", "十二五", year(2011), year(2015));
        assert_period("十三五", "十三五", year(2016), year(2020));
        assert_period("十四五", "十四五", year(2021), year(2025));
        assert_period("十一五", "十一五", year(2006), year(2010));
        assert!(one("“十三五”规划").in_name);
        assert!(!one("“十二五”期间").in_name);
        assert_eq!(plan_start(1), 1953);
        assert_eq!(plan_start(3), 1966);
        assert_eq!(find_times("十五个项目", None), vec![]);
    }

    #[test]
    fn recurrences() {
        assert_every(
            "中哈总理定期会晤每两年举行一次",
            "每两年",
            2,
            PeriodUnit::Year,
        );
        assert_every("每年举行一次", "每年", 1, PeriodUnit::Year);
        assert_every("每年", "每年", 1, PeriodUnit::Year);
        assert_every("每半年", "每半年", 6, PeriodUnit::Month);
        assert_every("每季度", "每季度", 3, PeriodUnit::Month);
        assert_every("每月", "每月", 1, PeriodUnit::Month);
        assert_every("每三个月", "每三个月", 3, PeriodUnit::Month);
        assert_every("每周", "每周", 1, PeriodUnit::Week);
        assert_every("每天", "每天", 1, PeriodUnit::Day);
        assert_every("每5年", "每5年", 5, PeriodUnit::Year);
        assert_every("两年一次", "两年一次", 2, PeriodUnit::Year);
        assert_every("一年一度", "一年一度", 1, PeriodUnit::Year);
        assert_every("隔年举行", "隔年", 2, PeriodUnit::Year);
        assert_every("每隔一年", "每隔一年", 2, PeriodUnit::Year);
    }

    #[test]
    fn urgency() {
        for word in [
            "尽快", "尽早", "早日", "及早", "抓紧", "加紧", "从速", "立即",
        ] {
            let text = format!("双方同意{word}签署协议");
            let t = one(&text);
            assert_eq!(
                (t.kind, t.text.as_str(), t.start),
                (TimeKind::Urgency, word, 4)
            );
            assert_eq!(
                (t.date, t.until, t.every, t.unit, t.in_name),
                (None, None, None, None, false)
            );
        }
    }

    #[test]
    fn not_dates() {
        for text in [
            "上海合作组织成立10年来",
            "建交20周年",
            "20周年",
            "1800年",
            "2200年",
            "两年",
            "6个月",
            "十月革命",
            "中哈天然气管道二期",
            "第二次",
            "2015",
            "20150年",
        ] {
            assert_eq!(find_times(text, None), vec![], "{text}");
        }
        assert_eq!(find_times("上海合作组织成立10年来", reference()), vec![]);
    }

    #[test]
    fn names() {
        let t = one("哈萨克斯坦2020年前国家发展战略计划");
        assert_eq!(
            (t.kind, t.text.as_str(), t.in_name),
            (TimeKind::Deadline, "2020年前", true)
        );
        assert_eq!(t.date, year(2020));
        let t = one("2030年前发展战略");
        assert!(t.in_name);
        let t = one("《2030年议程》");
        assert!(t.in_name);
        let t = one("到2015年将双边贸易额提高");
        assert!(!t.in_name);
    }

    #[test]
    fn around_and_first_quarters_are_dates() {
        assert_date("2015年前后", "2015年前后", year(2015));
        assert_date("2015年前三季度", "2015年", year(2015));
        assert_date("截至2011年底", "截至2011年底", year(2011));
    }

    #[test]
    fn no_overlaps_and_sorted() {
        let text = "双方同意尽快在2015年前将贸易额提高，2011年6月12日至14日会晤每两年举行一次，“十二五”期间到2020年";
        let found = find_times(text, reference());
        let kinds: Vec<TimeKind> = found.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![
                TimeKind::Urgency,
                TimeKind::Deadline,
                TimeKind::Period,
                TimeKind::Recurrence,
                TimeKind::Period,
                TimeKind::Deadline,
            ]
        );
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
        let chars: Vec<char> = text.chars().collect();
        for t in &found {
            assert_eq!(chars[t.start..t.end].iter().collect::<String>(), t.text);
        }
    }

    #[test]
    fn no_panic_on_odd_input() {
        for text in [
            "",
            "年",
            "月",
            "每",
            "每隔",
            "十",
            "十二",
            "2015年6月",
            "6月",
            "至",
            "2011-",
            "2011年至",
            "12月32日",
            "2月30日",
            "年底",
        ] {
            let _ = find_times(text, None);
            let _ = find_times(text, reference());
        }
    }

    #[test]
    fn prefilter_and_dispatch_cover_the_lexicon() {
        for word in URGENCY.words {
            assert!(
                word.starts_with(['尽', '早', '及', '抓', '加', '从', '立']),
                "{word}"
            );
            assert!(may_hold_time(word), "{word}");
        }
        for (first, word) in URGENCY.firsts.iter().zip(URGENCY.words) {
            assert!(word.starts_with(*first), "{word}");
        }
        for (last, word) in NAME_WORDS.lasts.iter().zip(NAME_WORDS.words) {
            assert!(word.ends_with(*last), "{word}");
        }
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let starts = is_numeral(c)
                || matches!(
                    c,
                    '尽' | '早'
                        | '及'
                        | '抓'
                        | '加'
                        | '从'
                        | '立'
                        | '每'
                        | '隔'
                        | '未'
                        | '今'
                        | '本'
                        | '明'
                        | '去'
                        | '年'
                );
            assert_eq!(may_start(c), starts, "{c}");
        }
        for text in [
            "2015年",
            "二〇一一年",
            "6月",
            "今年",
            "年底前",
            "年内",
            "隔年",
            "每周",
            "十二五",
            "两年一次",
            "一年一度",
            "每周一次",
            "三个月一届",
            "两年举行一次",
        ] {
            assert!(may_hold_time(text), "{text}");
        }
        for text in [
            "",
            "两国元首",
            "加强合作",
            "第一次会议",
            "日益密切",
            "青年",
            "五",
        ] {
            assert!(!may_hold_time(text), "{text}");
            assert_eq!(find_times(text, reference()), vec![], "{text}");
        }
    }

    #[test]
    fn serde_names() {
        let t = one("每两年");
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["kind"], "recurrence");
        assert_eq!(json["unit"], "year");
        assert_eq!(
            serde_json::to_value(TimeKind::Deadline).unwrap(),
            "deadline"
        );
    }
}
