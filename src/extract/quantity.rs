//! Quantities and quantitative targets in Chinese official text.
//!
//! [`find_quantities`] finds amounts of money (`400亿美元`, `人民币1000亿元`),
//! percentages (`30%`, `百分之五点五`, `3个百分点`), physical measures
//! (`2000万吨`, `120万千瓦`) and counts (`15家企业`), with ranges
//! (`100亿至150亿美元`) and comparators (`约`, `超过`, `以上`, `左右`).
//! [`find_targets`] adds, for money, percentages and measures, the metric the
//! quantity applies to and the direction of change (`将双边贸易额提高到400亿美元`
//! → metric `双边贸易额`, [`Direction::Increase`]).
//!
//! Input is one clause or sentence in simplified Chinese whose ASCII
//! punctuation `, ; : ( ) ! ?` has been replaced by its full-width form.
//! Numbers may be written with ASCII digits, full-width digits or Chinese
//! numerals. All offsets are **character** (Unicode scalar value) offsets
//! into the input, end exclusive.
//!
//! A number becomes a quantity only when a known unit follows it, so years
//! (`2015年`), dates, durations (`10年来`, `两年`), anniversaries (`20周年`),
//! ordinals (`第二次`) and times (`一次`) are never quantities. Counts are
//! deliberately conservative: only a short list of measure words, only
//! arabic numbers or Chinese numbers of at least ten (`一个中国`, `五项原则`
//! and `两个市场` are not counts).

use serde::{Deserialize, Serialize};

use super::scan::{at, ends_at};
use crate::ingest::dates::arabic_digit;

/// What a [`Quantity`] measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// An amount of money; the unit is an ISO 4217 code (`USD`, `CNY`, …).
    Money,
    /// A percentage (unit `%`) or a number of percentage points (unit `pp`).
    Percent,
    /// A physical measure: `t`, `km`, `m3`, `kW`, `kWh`, `bbl`, …
    Measure,
    /// A number of things; the unit is the Chinese measure word (`个`, `项`, …).
    Count,
}

/// How the stated number relates to the actual amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// No qualifier: the amount is the number.
    Exactly,
    /// `约`, `大约`, `近`, `将近`, `接近`, `左右`.
    About,
    /// `不少于`, `不低于`, `至少`, `以上` (after the number; inclusive, as in
    /// Chinese legal usage).
    AtLeast,
    /// `超过`, `逾`, `超`, `高于`, `多于`, and `多`/`余` inside the number
    /// (`200多亿`, `100余家`).
    MoreThan,
    /// `不超过`, `不高于`, `最多`, `至多`, and `以下`/`以内`/`之内` after it.
    AtMost,
    /// `不足`, `不到`, `少于`, `低于`.
    LessThan,
}

/// A number with its unit found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// Character offset of the first character (a prefix currency such as
    /// `人民币` or `百分之` included; a prefix comparator such as `约` is not).
    pub start: usize,
    /// Character offset after the last character (unit and suffix comparators
    /// such as `左右` / `以上` included).
    pub end: usize,
    /// The characters `start..end` of the input.
    pub text: String,
    /// What is measured.
    pub kind: QuantityKind,
    /// The value in `unit`: `400亿美元` → 4e10, `30%` → 30, `1.5万吨` → 15000.
    /// For a range, its lower bound.
    pub value: f64,
    /// The upper bound of a range (`100亿至150亿美元`, `20%-30%`, `5到10个`).
    pub high: Option<f64>,
    /// ISO 4217 code for money, `%` or `pp` for percentages, a short symbol
    /// (`t`, `km`, `m3`, `kW`, …) for measures, the measure word for counts.
    pub unit: String,
    /// How the number relates to the actual amount.
    pub comparator: Comparator,
}

/// A money, percent or measure quantity with what it applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The quantity itself.
    pub quantity: Quantity,
    /// The noun phrase the quantity applies to, e.g. `双边贸易额`.
    pub metric: Option<String>,
    /// Character offset of the metric in the input.
    pub metric_start: Option<usize>,
    /// Character offset after the metric in the input.
    pub metric_end: Option<usize>,
    /// The direction given by the governing verb, if any.
    pub direction: Option<Direction>,
}

/// The change a verb asks of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// `提高到`, `增加到`, `扩大到`, `提升至`, `增至`, `增长`, `翻番至` …
    Increase,
    /// `达到`, `达`, `突破`, `实现`, `超过`, `为` …
    Reach,
    /// `降低到`, `减少`, `降至`, `下降`, `削减` …
    Decrease,
    /// `保持在`, `维持在`, `稳定在`, `控制在` …
    Keep,
}

// ---------------------------------------------------------------------------
// Lexicon
// ---------------------------------------------------------------------------

/// Units after a number: (word, kind, unit). The longest match wins.
const UNITS: &[(&str, QuantityKind, &str)] = {
    use QuantityKind::{Count, Measure, Money, Percent};
    &[
        // Money.
        ("元人民币", Money, "CNY"),
        ("人民币元", Money, "CNY"),
        ("人民币", Money, "CNY"),
        ("元", Money, "CNY"),
        ("美元", Money, "USD"),
        ("美金", Money, "USD"),
        ("欧元", Money, "EUR"),
        ("日元", Money, "JPY"),
        ("英镑", Money, "GBP"),
        ("卢布", Money, "RUB"),
        ("坚戈", Money, "KZT"),
        ("港元", Money, "HKD"),
        ("港币", Money, "HKD"),
        ("澳元", Money, "AUD"),
        ("加元", Money, "CAD"),
        ("加拿大元", Money, "CAD"),
        ("新加坡元", Money, "SGD"),
        ("韩元", Money, "KRW"),
        ("瑞士法郎", Money, "CHF"),
        ("瑞郎", Money, "CHF"),
        ("索姆", Money, "KGS"),
        ("索莫尼", Money, "TJS"),
        ("苏姆", Money, "UZS"),
        ("图格里克", Money, "MNT"),
        ("卢比", Money, "INR"),
        ("新台币", Money, "TWD"),
        ("澳门元", Money, "MOP"),
        ("泰铢", Money, "THB"),
        ("林吉特", Money, "MYR"),
        ("迪拉姆", Money, "AED"),
        ("兰特", Money, "ZAR"),
        ("雷亚尔", Money, "BRL"),
        ("里拉", Money, "TRY"),
        ("格里夫纳", Money, "UAH"),
        ("特别提款权", Money, "XDR"),
        // Percentages.
        ("%", Percent, "%"),
        ("％", Percent, "%"),
        ("个百分点", Percent, "pp"),
        ("百分点", Percent, "pp"),
        // Measures.
        ("吨标准煤", Measure, "tce"),
        ("吨标煤", Measure, "tce"),
        ("吨油当量", Measure, "toe"),
        ("吨", Measure, "t"),
        ("公吨", Measure, "t"),
        ("千克", Measure, "kg"),
        ("公斤", Measure, "kg"),
        ("公里", Measure, "km"),
        ("千米", Measure, "km"),
        ("平方公里", Measure, "km2"),
        ("平方千米", Measure, "km2"),
        ("平方米", Measure, "m2"),
        ("立方米", Measure, "m3"),
        ("立方", Measure, "m3"),
        ("米", Measure, "m"),
        ("公顷", Measure, "ha"),
        ("亩", Measure, "mu"),
        ("千瓦时", Measure, "kWh"),
        ("度电", Measure, "kWh"),
        ("千瓦", Measure, "kW"),
        ("兆瓦时", Measure, "MWh"),
        ("兆瓦", Measure, "MW"),
        ("吉瓦", Measure, "GW"),
        ("桶", Measure, "bbl"),
        ("标准箱", Measure, "TEU"),
        ("标箱", Measure, "TEU"),
        // Counts.
        ("人次", Count, "人次"),
        ("个", Count, "个"),
        ("项", Count, "项"),
        ("家", Count, "家"),
        ("座", Count, "座"),
        ("所", Count, "所"),
        ("名", Count, "名"),
        ("人", Count, "人"),
        ("批", Count, "批"),
        ("条", Count, "条"),
        ("架", Count, "架"),
        ("辆", Count, "辆"),
    ]
};

/// Currencies written before the number: `人民币1000亿元`, `美元100亿`.
const PREFIX_CURRENCIES: &[(&str, &str)] = &[
    ("人民币", "CNY"),
    ("美元", "USD"),
    ("欧元", "EUR"),
    ("港币", "HKD"),
    ("港元", "HKD"),
    ("日元", "JPY"),
    ("卢布", "RUB"),
    ("坚戈", "KZT"),
];

/// Comparators written before the number. The longest match wins.
const PREFIX_COMPARATORS: &[(&str, Comparator)] = {
    use Comparator::{About, AtLeast, AtMost, LessThan, MoreThan};
    &[
        ("约", About),
        ("大约", About),
        ("近", About),
        ("将近", About),
        ("接近", About),
        ("大概", About),
        ("超过", MoreThan),
        ("超", MoreThan),
        ("逾", MoreThan),
        ("多于", MoreThan),
        ("高于", MoreThan),
        ("大于", MoreThan),
        ("不少于", AtLeast),
        ("不低于", AtLeast),
        ("不下于", AtLeast),
        ("至少", AtLeast),
        ("最少", AtLeast),
        ("不超过", AtMost),
        ("不高于", AtMost),
        ("不多于", AtMost),
        ("不大于", AtMost),
        ("最多", AtMost),
        ("至多", AtMost),
        ("不足", LessThan),
        ("不到", LessThan),
        ("少于", LessThan),
        ("低于", LessThan),
        ("小于", LessThan),
    ]
};

/// Comparators written after the unit.
const SUFFIX_COMPARATORS: &[(&str, Comparator)] = &[
    ("左右", Comparator::About),
    ("以上", Comparator::AtLeast),
    ("以下", Comparator::AtMost),
    ("以内", Comparator::AtMost),
    ("之内", Comparator::AtMost),
];

/// Range connectors between two numbers. The longest match wins.
const CONNECTORS: &[&str] = &["至", "到", "-", "－", "—", "——", "–", "～", "~"];

/// Verbs directly before a quantity (possibly followed by `了`).
const VERBS: &[(&str, Direction)] = {
    use Direction::{Decrease, Increase, Keep, Reach};
    &[
        ("提高到", Increase),
        ("提高至", Increase),
        ("提高", Increase),
        ("增加到", Increase),
        ("增加至", Increase),
        ("增加", Increase),
        ("扩大到", Increase),
        ("扩大至", Increase),
        ("扩大", Increase),
        ("提升到", Increase),
        ("提升至", Increase),
        ("提升", Increase),
        ("增长到", Increase),
        ("增长至", Increase),
        ("增长", Increase),
        ("上升到", Increase),
        ("上升至", Increase),
        ("上升", Increase),
        ("增至", Increase),
        ("增到", Increase),
        ("升至", Increase),
        ("翻番至", Increase),
        ("翻番到", Increase),
        ("翻一番至", Increase),
        ("翻一番到", Increase),
        ("翻一番达到", Increase),
        ("达到", Reach),
        ("达", Reach),
        ("突破", Reach),
        ("实现", Reach),
        ("超过", Reach),
        ("为", Reach),
        ("降低到", Decrease),
        ("降低至", Decrease),
        ("降低", Decrease),
        ("减少到", Decrease),
        ("减少至", Decrease),
        ("减少", Decrease),
        ("下降到", Decrease),
        ("下降至", Decrease),
        ("下降", Decrease),
        ("降至", Decrease),
        ("降到", Decrease),
        ("减至", Decrease),
        ("削减", Decrease),
        ("缩减", Decrease),
        ("压缩到", Decrease),
        ("压缩至", Decrease),
        ("保持在", Keep),
        ("维持在", Keep),
        ("稳定在", Keep),
        ("控制在", Keep),
        ("保持", Keep),
        ("维持", Keep),
    ]
};

/// Words stripped from the start of a metric (repeatedly, longest first).
const METRIC_LEADERS: &[&str] = &[
    "中哈双方",
    "双方",
    "两国元首",
    "两国领导人",
    "元首",
    "领导人",
    "一致同意",
    "同意",
    "提出",
    "商定",
    "决定",
    "力争",
    "争取",
    "力求",
    "确保",
    "实现",
    "努力",
    "推动",
    "促进",
    "计划",
    "希望",
    "预计",
    "目标",
    "其中",
    "进一步",
    "继续",
    "同时",
    "此外",
    "另外",
    "从而",
    "以便",
    "支持",
    "鼓励",
    "愿意",
    "愿",
    "应当",
    "应",
    "表示",
    "认为",
    "指出",
    "强调",
    "重申",
    "今后",
    "此后",
    "建设",
    "建成",
    "签署",
    "签订",
    "完成",
    "提供",
    "实施",
    "开展",
    "设立",
    "启动",
    "未来",
    "到",
    "至",
    "和",
];

/// Words stripped from the start of a metric that directly follows a date
/// (`2015年前双边贸易额` → `双边贸易额`).
const DATE_TAILS: &[&str] = &[
    "年底前",
    "年底",
    "底以前",
    "底之前",
    "底前",
    "以前",
    "之前",
    "前",
    "底",
    "末",
    "内",
    "以来",
    "来",
    "以后",
    "之后",
    "后",
    "起",
    "间",
    "初",
];

/// Words stripped from the end of a metric.
const METRIC_TRAILERS: &[&str] = &[
    "的", "同比", "环比", "分别", "年均", "平均", "累计", "共计", "总共", "共", "约", "已", "再",
    "有望", "将", "要", "可",
];

/// A metric directly followed by its quantity, with no verb, must end with
/// one of these (`年输油能力2000万吨`).
const METRIC_SUFFIXES: &[&str] = &[
    "额", "量", "能力", "规模", "产能", "总值", "产值", "比重", "比例", "率",
];

/// Nouns after a quantity that are not its metric (`达到400亿美元的目标`).
const NOT_FORWARD_METRICS: &[&str] = &[
    "目标", "水平", "大关", "关口", "台阶", "以上", "左右", "以下", "规模",
];

// ---------------------------------------------------------------------------
// Character sets and prefilter
// ---------------------------------------------------------------------------

/// A set of characters built at compile time, so that a scanner can reject
/// a character with one lookup before trying any word: one bit per
/// character of ASCII, of the CJK Unified Ideographs block and of the
/// full-width forms (U+FF00 to U+FF7F), and a short list for the others.
struct CharSet {
    ascii: u128,
    cjk: [u64; 328],
    full_width: u128,
    others: [char; 8],
    other_count: usize,
}

impl CharSet {
    const CJK: u32 = 0x4E00;
    const CJK_END: u32 = 0x9FFF;
    const FULL_WIDTH: u32 = 0xFF00;
    const FULL_WIDTH_END: u32 = 0xFF7F;

    const EMPTY: Self = Self {
        ascii: 0,
        cjk: [0; 328],
        full_width: 0,
        others: ['\0'; 8],
        other_count: 0,
    };

    const fn with(mut self, c: char) -> Self {
        let u = c as u32;
        if u < 0x80 {
            self.ascii |= 1 << u;
        } else if u >= Self::CJK && u <= Self::CJK_END {
            let offset = u - Self::CJK;
            self.cjk[offset as usize / 64] |= 1 << (offset % 64);
        } else if u >= Self::FULL_WIDTH && u <= Self::FULL_WIDTH_END {
            self.full_width |= 1 << (u - Self::FULL_WIDTH);
        } else {
            let mut k = 0;
            while k < self.other_count {
                if self.others[k] == c {
                    return self;
                }
                k += 1;
            }
            // Fails the build when a set needs more than 8 others.
            self.others[self.other_count] = c;
            self.other_count += 1;
        }
        self
    }

    const fn with_all(mut self, chars: &[char]) -> Self {
        let mut k = 0;
        while k < chars.len() {
            self = self.with(chars[k]);
            k += 1;
        }
        self
    }

    /// The set with the ASCII and full-width decimal digits added.
    const fn with_digits(mut self) -> Self {
        let mut d = 0;
        while d < 10 {
            self.ascii |= 1 << ('0' as u32 + d);
            self.full_width |= 1 << ('０' as u32 + d - Self::FULL_WIDTH);
            d += 1;
        }
        self
    }

    #[inline]
    fn contains(&self, c: char) -> bool {
        let u = c as u32;
        if (Self::CJK..=Self::CJK_END).contains(&u) {
            let offset = u - Self::CJK;
            self.cjk[offset as usize / 64] & (1 << (offset % 64)) != 0
        } else if u < 0x80 {
            self.ascii & (1 << u) != 0
        } else if (Self::FULL_WIDTH..=Self::FULL_WIDTH_END).contains(&u) {
            self.full_width & (1 << (u - Self::FULL_WIDTH)) != 0
        } else {
            self.others[..self.other_count].contains(&c)
        }
    }
}

/// The first character of a non-empty word, at compile time.
const fn first_char(word: &str) -> char {
    let b = word.as_bytes();
    let u = match b[0] {
        0x00..=0x7F => b[0] as u32,
        0xC0..=0xDF => (b[0] as u32 & 0x1F) << 6 | (b[1] as u32 & 0x3F),
        0xE0..=0xEF => {
            (b[0] as u32 & 0x0F) << 12 | (b[1] as u32 & 0x3F) << 6 | (b[2] as u32 & 0x3F)
        }
        _ => {
            (b[0] as u32 & 0x07) << 18
                | (b[1] as u32 & 0x3F) << 12
                | (b[2] as u32 & 0x3F) << 6
                | (b[3] as u32 & 0x3F)
        }
    };
    match char::from_u32(u) {
        Some(c) => c,
        None => panic!("not UTF-8"),
    }
}

/// The last character of a non-empty word, at compile time.
const fn last_char(word: &str) -> char {
    let b = word.as_bytes();
    let mut start = b.len() - 1;
    while b[start] & 0xC0 == 0x80 {
        start -= 1;
    }
    match std::str::from_utf8(b.split_at(start).1) {
        Ok(last) => first_char(last),
        Err(_) => panic!("not UTF-8"),
    }
}

/// The first characters of [`UNITS`], entry by entry.
const UNIT_FIRSTS: [char; UNITS.len()] = {
    let mut out = ['\0'; UNITS.len()];
    let mut k = 0;
    while k < UNITS.len() {
        out[k] = first_char(UNITS[k].0);
        k += 1;
    }
    out
};

/// The characters a unit can start with.
const UNIT_STARTS: CharSet = CharSet::EMPTY.with_all(&UNIT_FIRSTS);

/// The first and the last characters of [`PREFIX_CURRENCIES`], entry by
/// entry.
const CURRENCY_EDGES: (
    [char; PREFIX_CURRENCIES.len()],
    [char; PREFIX_CURRENCIES.len()],
) = {
    let mut firsts = ['\0'; PREFIX_CURRENCIES.len()];
    let mut lasts = ['\0'; PREFIX_CURRENCIES.len()];
    let mut k = 0;
    while k < PREFIX_CURRENCIES.len() {
        firsts[k] = first_char(PREFIX_CURRENCIES[k].0);
        lasts[k] = last_char(PREFIX_CURRENCIES[k].0);
        k += 1;
    }
    (firsts, lasts)
};

/// The first characters of [`CONNECTORS`].
const CONNECTOR_FIRSTS: [char; CONNECTORS.len()] = {
    let mut out = ['\0'; CONNECTORS.len()];
    let mut k = 0;
    while k < CONNECTORS.len() {
        out[k] = first_char(CONNECTORS[k]);
        k += 1;
    }
    out
};

/// Chinese numerals: digits (`两` and the zeros included) and multipliers.
const CHINESE_NUMERALS: &[char] = &[
    '〇', '○', '零', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千',
    '万', '亿',
];

/// The characters [`quantities_in`] tries a quantity at: digits, Chinese
/// numerals and the first characters of prefix currencies (`人民币`, `美元`
/// …; `百分之` starts with a numeral).
const CANDIDATES: CharSet = CharSet::EMPTY
    .with_digits()
    .with_all(CHINESE_NUMERALS)
    .with_all(&CURRENCY_EDGES.0);

/// May a quantity start at `c`?
#[inline]
fn is_candidate(c: char) -> bool {
    CANDIDATES.contains(c)
}

/// The characters a number can end with ([`scan_number`]): digits, Chinese
/// numerals, `多`/`余` (`200多亿`) and `点` (`五点两`).
const NUMBER_ENDS: CharSet = CharSet::EMPTY
    .with_digits()
    .with_all(CHINESE_NUMERALS)
    .with_all(&['多', '余', '点']);

/// The last characters of [`PREFIX_CURRENCIES`].
const CURRENCY_ENDS: CharSet = CharSet::EMPTY.with_all(&CURRENCY_EDGES.1);

/// The characters that can come first in a pair that [`may_hold_quantity`]
/// looks for: number ends (`百` of `百分之` among them) and currency ends.
const PAIR_FIRSTS: CharSet = NUMBER_ENDS.with_all(&CURRENCY_EDGES.1);

/// Can `text` hold a quantity? Every quantity has a unit right after a
/// number (`400亿美元`, `30%`), a number right after a prefix currency
/// (`人民币1000亿`), or is written `百分之…`. Most clauses have no such pair
/// and are rejected in one pass, before they are decoded into characters.
fn may_hold_quantity(text: &str) -> bool {
    let mut prev = '\0';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if PAIR_FIRSTS.contains(c) && pair_may_hold_quantity(prev, c, chars.as_str()) {
            return true;
        }
        prev = c;
    }
    false
}

/// Can a quantity hold `first` followed by `rest`, as a unit after a number
/// ending with `first` (preceded by `before`), a number after a prefix
/// currency ending with `first`, or `百分…`?
#[cold]
fn pair_may_hold_quantity(before: char, first: char, rest: &str) -> bool {
    let Some(c) = rest.chars().next() else {
        return false;
    };
    if UNIT_STARTS.contains(c) && NUMBER_ENDS.contains(first) {
        // A number that is a single Chinese digit (`一个`, `两人`) only makes
        // a percentage or a foreign currency (see `plausible`).
        let single_digit = chinese_digit(first).is_some() && !NUMBER_ENDS.contains(before);
        let unit = UNITS
            .iter()
            .zip(UNIT_FIRSTS)
            .any(|(&(word, kind, _), unit_first)| {
                unit_first == c
                    && rest.starts_with(word)
                    && (!single_digit
                        || kind == QuantityKind::Percent
                        || (kind == QuantityKind::Money && word != "元"))
            });
        if unit {
            return true;
        }
    }
    (first == '百' && c == '分') || (CURRENCY_ENDS.contains(first) && is_candidate(c))
}

// ---------------------------------------------------------------------------
// Character helpers
// ---------------------------------------------------------------------------

/// The longest entry of `table` occurring at `i`, with its end.
fn longest_at<T: Copy>(chars: &[char], i: usize, table: &[(&str, T)]) -> Option<(usize, T)> {
    table
        .iter()
        .filter(|(w, _)| at(chars, i, w))
        .map(|&(w, v)| (i + w.chars().count(), v))
        .max_by_key(|&(end, _)| end)
}

/// The longest entry of `table` ending at `end`, with its start.
fn longest_ending<T: Copy>(chars: &[char], end: usize, table: &[(&str, T)]) -> Option<(usize, T)> {
    table
        .iter()
        .filter_map(|&(w, v)| ends_at(chars, end, w).map(|s| (s, v)))
        .min_by_key(|&(start, _)| start)
}

/// End of the longest word of `words` occurring at `i`.
fn longest_word_at(chars: &[char], i: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter(|w| at(chars, i, w))
        .map(|w| i + w.chars().count())
        .max()
}

/// Start of the longest word of `words` ending at `end`.
fn longest_word_ending(chars: &[char], end: usize, words: &[&str]) -> Option<usize> {
    words.iter().filter_map(|w| ends_at(chars, end, w)).min()
}

/// Value of a Chinese digit (`两` included, zero forms `〇○零`).
fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
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

/// A character of a Chinese numeral (digits and 十百千万亿).
fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '亿')
}

/// Punctuation that ends a noun phrase.
fn is_boundary(c: char) -> bool {
    !c.is_alphanumeric()
}

/// Rounds away floating-point noise from decimal arithmetic
/// (`2.13 × 1e10` → `21300000000`).
fn tidy(v: f64) -> f64 {
    let r = v.round();
    if (v - r).abs() <= 1e-9 * v.abs().max(1.0) {
        r
    } else {
        v
    }
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// A number found in a text.
#[derive(Debug, Clone, Copy)]
struct Num {
    /// Offset after the number.
    end: usize,
    /// Its value.
    value: f64,
    /// Product of the trailing multipliers (`150亿` → 1e8), so that the bare
    /// first half of a range can borrow them (`100至150亿`).
    scale: f64,
    /// Written in Chinese numerals.
    chinese: bool,
    /// Contains `多` / `余` (`200多亿`).
    more: bool,
}

/// Digits (then `.` or `．` and more digits) at `i`: the mantissa as an
/// integer, the number of decimals and the end. `，`/`,` followed by exactly
/// three digits is a thousands separator when the first group has at most
/// three digits.
fn scan_digits(chars: &[char], i: usize, allow_groups: bool) -> Option<(f64, i32, usize)> {
    let mut j = i;
    let mut mantissa = 0.0f64;
    while let Some(d) = chars.get(j).copied().and_then(arabic_digit) {
        mantissa = mantissa * 10.0 + f64::from(d);
        j += 1;
    }
    if j == i {
        return None;
    }
    if allow_groups && j - i <= 3 {
        while matches!(chars.get(j), Some(',' | '，'))
            && (1..=3).all(|k| chars.get(j + k).copied().and_then(arabic_digit).is_some())
            && chars.get(j + 4).copied().and_then(arabic_digit).is_none()
        {
            for k in 1..=3 {
                let d = chars
                    .get(j + k)
                    .copied()
                    .and_then(arabic_digit)
                    .unwrap_or(0);
                mantissa = mantissa * 10.0 + f64::from(d);
            }
            j += 4;
        }
    }
    let mut decimals = 0;
    if matches!(chars.get(j), Some('.' | '．'))
        && chars.get(j + 1).copied().and_then(arabic_digit).is_some()
    {
        j += 1;
        while let Some(d) = chars.get(j).copied().and_then(arabic_digit) {
            mantissa = mantissa * 10.0 + f64::from(d);
            decimals += 1;
            j += 1;
        }
    }
    Some((mantissa, decimals, j))
}

/// A number starting at `i`: arabic digits optionally followed by
/// multipliers (`1.5万亿`, `4百亿`), or a Chinese numeral (`一千二百五十`,
/// `四百亿`, `五点五`). Digit-by-digit runs (`二〇一五`, `十二五`) are `None`.
fn scan_number(chars: &[char], i: usize) -> Option<Num> {
    let mut result = 0.0f64; // completed part above 亿
    let mut group = 0.0f64; // completed 万 part below 亿
    let mut section = 0.0f64; // part below 万
    let mut current: Option<f64> = None; // last digit not yet given a unit
    let mut scale = 1.0f64;
    let mut more = false;
    let mut j = i;
    let chinese = match scan_digits(chars, i, true) {
        Some((mantissa, decimals, end)) => {
            current = Some(mantissa / 10f64.powi(decimals));
            j = end;
            false
        }
        None => {
            let c = *chars.get(i)?;
            if c != '十' && chinese_digit(c).is_none_or(|d| d == 0) {
                return None;
            }
            true
        }
    };
    let mut any = !chinese;
    while let Some(&c) = chars.get(j) {
        if chinese {
            if let Some(d) = chinese_digit(c) {
                if current.is_some() || (d == 0 && !any) {
                    return None; // digit by digit: a year or a code
                }
                if d > 0 {
                    current = Some(f64::from(d));
                    scale = 1.0;
                    any = true;
                }
                j += 1;
                continue;
            }
            if c == '十' {
                section += current.take().unwrap_or(1.0) * 10.0;
                scale = 1.0;
                any = true;
                j += 1;
                continue;
            }
            if c == '点' && chars.get(j + 1).copied().and_then(chinese_digit).is_some() && any {
                let base = match current.take() {
                    Some(v) => v,
                    None => std::mem::take(&mut section),
                };
                let mut k = j + 1;
                let mut frac = 0.0f64;
                let mut decimals = 0;
                while let Some(d) = chars.get(k).copied().and_then(chinese_digit) {
                    if chars[k] == '两' {
                        break;
                    }
                    frac = frac * 10.0 + f64::from(d);
                    decimals += 1;
                    k += 1;
                }
                current = Some(base + frac / 10f64.powi(decimals));
                scale = 1.0;
                j = k;
                continue;
            }
        }
        match c {
            '百' | '千' => {
                let next = chars.get(j + 1).copied();
                if (c == '千' && matches!(next, Some('瓦' | '米' | '克' | '卡' | '伏' | '帕')))
                    || (c == '百' && next == Some('分'))
                {
                    break;
                }
                let Some(cur) = current.take() else { break };
                let m = if c == '百' { 100.0 } else { 1000.0 };
                section += cur * m;
                scale = if chinese { 1.0 } else { scale * m };
            }
            '万' => {
                let s = section + current.take().unwrap_or(0.0);
                if s == 0.0 {
                    break;
                }
                group += s * 1e4;
                section = 0.0;
                scale *= 1e4;
            }
            '亿' => {
                let s = result + group + section + current.take().unwrap_or(0.0);
                if s == 0.0 {
                    break;
                }
                result = s * 1e8;
                group = 0.0;
                section = 0.0;
                scale *= 1e8;
            }
            '多' | '余' if !more && any => more = true,
            _ => break,
        }
        j += 1;
    }
    if !any {
        return None;
    }
    let value = tidy(result + group + section + current.unwrap_or(0.0));
    Some(Num {
        end: j,
        value,
        scale,
        chinese,
        more,
    })
}

/// Parses a whole string as a number: arabic (`400`, `４００`, `1.5`),
/// Chinese (`四百`, `一千二百五十`, `两`, `十五`) or mixed with multipliers
/// (`3万`, `四百亿`, `1万亿`). Surrounding whitespace is ignored. Returns
/// `None` for digit-by-digit numerals such as years (`二〇一五`), for
/// approximate forms (`二十多`) and for anything else.
pub fn parse_number(s: &str) -> Option<f64> {
    let chars: Vec<char> = s.trim().chars().collect();
    let num = scan_number(&chars, 0)?;
    (num.end == chars.len() && !num.more).then_some(num.value)
}

// ---------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------

/// A quantity before its text is copied out.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    kind: QuantityKind,
    value: f64,
    high: Option<f64>,
    unit: &'static str,
    comparator: Comparator,
}

impl Found {
    fn to_quantity(self, chars: &[char]) -> Quantity {
        Quantity {
            start: self.start,
            end: self.end,
            text: chars[self.start..self.end].iter().collect(),
            kind: self.kind,
            value: self.value,
            high: self.high,
            unit: self.unit.to_owned(),
            comparator: self.comparator,
        }
    }
}

/// A unit at `i`: (end, kind, unit), after the checks that depend on the
/// characters around it.
fn unit_at(chars: &[char], i: usize) -> Option<(usize, QuantityKind, &'static str)> {
    let c = *chars.get(i)?;
    if !UNIT_STARTS.contains(c) {
        return None;
    }
    let (end, (kind, unit)) = UNITS
        .iter()
        .zip(UNIT_FIRSTS)
        .filter(|&(&(w, _, _), first)| first == c && at(chars, i, w))
        .map(|(&(w, kind, unit), _)| (i + w.chars().count(), (kind, unit)))
        .max_by_key(|&(end, _)| end)?;
    let next = chars.get(end).copied();
    let word = &chars[i..end];
    let rejected = match word {
        ['元'] => matches!(next, Some('首' | '素' | '旦' | '帅' | '老' | '宵' | '气')),
        ['个'] => {
            matches!(
                next,
                Some('月' | '年' | '世' | '季' | '周' | '星' | '礼' | '工' | '小' | '钟' | '半')
            ) || next.is_some_and(|c| is_chinese_numeral(c) || arabic_digit(c).is_some())
        }
        ['名'] => matches!(next, Some('义' | '称' | '单' | '额' | '字' | '誉')),
        ['条'] => matches!(next, Some('约' | '款' | '例' | '件' | '规')),
        ['所'] => matches!(next, Some('有' | '以' | '谓' | '得' | '在' | '属' | '述')),
        ['人'] => matches!(
            next,
            Some('民' | '类' | '权' | '士' | '文' | '大' | '道' | '员')
        ),
        ['批'] => matches!(next, Some('准' | '复' | '评' | '示' | '判')),
        ['架'] => matches!(next, Some('构' | '势')),
        ['家'] => matches!(next, Some('乡' | '园' | '庭' | '族')),
        ['米'] => matches!(next, Some('饭')),
        _ => false,
    };
    (!rejected).then_some((end, kind, unit))
}

/// A range connector at `i`: its end.
fn connector_at(chars: &[char], i: usize) -> Option<usize> {
    if !CONNECTOR_FIRSTS.contains(chars.get(i)?) {
        return None;
    }
    CONNECTORS
        .iter()
        .filter(|w| at(chars, i, w))
        .map(|w| i + w.chars().count())
        .max()
}

/// May a number start at `i` (not inside another number, not an ordinal)?
fn number_may_start(chars: &[char], i: usize) -> bool {
    let Some(&c) = chars.get(i) else { return false };
    let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
    if matches!(prev, Some('第' | '每')) {
        return false;
    }
    if arabic_digit(c).is_some() {
        !prev.is_some_and(|p| {
            arabic_digit(p).is_some() || p.is_ascii_alphabetic() || matches!(p, '.' | '．')
        })
    } else if c == '十' || chinese_digit(c).is_some_and(|d| d > 0) {
        !prev.is_some_and(is_chinese_numeral)
    } else {
        false
    }
}

/// Is `kind`/`unit` acceptable for `num`? Small bare Chinese numbers
/// (`一个`, `两国`, `三方`, `一米`) are articles or parts of words, not
/// quantities, except for percentages and foreign currencies.
fn plausible(num: &Num, kind: QuantityKind, unit_word: &[char]) -> bool {
    if num.chinese && num.value < 10.0 && num.scale == 1.0 {
        return match kind {
            QuantityKind::Percent => true,
            QuantityKind::Money => unit_word != ['元'],
            _ => false,
        };
    }
    true
}

/// The comparator written before `start`, if any.
fn prefix_comparator(chars: &[char], start: usize) -> Option<(usize, Comparator)> {
    if let Some((s, cmp)) = longest_ending(chars, start, PREFIX_COMPARATORS) {
        let prev = s.checked_sub(1).map(|p| chars[p]);
        let word = &chars[s..start];
        let bad = match word {
            ['近'] => matches!(prev, Some('最' | '附' | '临' | '靠' | '亲' | '邻')),
            ['约'] => matches!(
                prev,
                Some('条' | '公' | '协' | '节' | '制' | '合' | '预' | '签' | '履' | '违' | '邀')
            ),
            _ => false,
        };
        if !bad {
            return Some((s, cmp));
        }
    }
    // `约为`, `约达`, `约合`, `大约达到`: an approximation before a verb.
    for verb in ["为", "达到", "达", "合"] {
        if let Some(v) = ends_at(chars, start, verb)
            && let Some(s) = ends_at(chars, v, "约")
        {
            return Some((s, Comparator::About));
        }
    }
    None
}

/// The comparator written after `end`, if any: (new end, comparator).
fn suffix_comparator(chars: &[char], end: usize) -> Option<(usize, Comparator)> {
    longest_at(chars, end, SUFFIX_COMPARATORS)
}

/// Finishes a quantity: comparators and offsets.
fn finish(
    chars: &[char],
    start: usize,
    end: usize,
    kind: QuantityKind,
    (value, high): (f64, Option<f64>),
    unit: &'static str,
    more: bool,
) -> Found {
    let prefix = prefix_comparator(chars, start).map(|(_, c)| c);
    let (end, suffix) = match suffix_comparator(chars, end) {
        Some((e, c)) => (e, Some(c)),
        None => (end, None),
    };
    let comparator = prefix
        .or(suffix)
        .or(more.then_some(Comparator::MoreThan))
        .unwrap_or(Comparator::Exactly);
    Found {
        start,
        end,
        kind,
        value,
        high,
        unit,
        comparator,
    }
}

/// `百分之三十`, `百分之二十到三十`, `百分之二十至百分之三十` at `i`.
fn percent_words_at(chars: &[char], i: usize) -> Option<Found> {
    if !at(chars, i, "百分之") {
        return None;
    }
    let first = scan_number(chars, i + 3)?;
    let mut end = first.end;
    let mut high = None;
    if let Some(c) = connector_at(chars, first.end) {
        let second_start = if at(chars, c, "百分之") { c + 3 } else { c };
        if let Some(second) = scan_number(chars, second_start)
            && second.value > first.value
        {
            high = Some(second.value);
            end = second.end;
        }
    }
    Some(finish(
        chars,
        i,
        end,
        QuantityKind::Percent,
        (first.value, high),
        "%",
        first.more,
    ))
}

/// The quantity starting at `i`, if any.
fn quantity_at(chars: &[char], i: usize) -> Option<Found> {
    if let Some(found) = percent_words_at(chars, i) {
        return Some(found);
    }
    // `人民币1000亿元`: a currency before the number.
    let mut prefix_currency = None;
    let mut num_start = i;
    if !number_may_start(chars, i) {
        if !CURRENCY_EDGES.0.contains(&chars[i]) {
            return None;
        }
        let (end, code) = longest_at(chars, i, PREFIX_CURRENCIES)?;
        if !number_may_start(chars, end) && arabic_digit(*chars.get(end)?).is_none() {
            return None;
        }
        prefix_currency = Some(code);
        num_start = end;
    }
    let first = scan_number(chars, num_start)?;
    let unit1 = unit_at(chars, first.end);
    let after_first = unit1.map_or(first.end, |(e, _, _)| e);

    // A range: `100亿至150亿美元`, `100至150亿美元`, `20%-30%`, `5到10个`.
    let range = connector_at(chars, after_first).and_then(|c| {
        let second = scan_number(chars, c)?;
        let unit2 = unit_at(chars, second.end);
        let (end2, kind2, code2) = match (unit1, unit2) {
            (None, Some(u)) => u,
            (Some(a), Some(b)) if (a.1, a.2) == (b.1, b.2) => b,
            (Some(a), None) if prefix_currency.is_some() && a.1 == QuantityKind::Money => {
                (second.end, a.1, a.2)
            }
            (None, None) if prefix_currency.is_some() && second.scale > 1.0 => {
                (second.end, QuantityKind::Money, "")
            }
            _ => return None,
        };
        let mut low = first.value;
        if unit1.is_none() && first.scale == 1.0 && second.scale > 1.0 {
            low = tidy(low * second.scale);
        }
        (second.value > low).then_some((low, second, end2, kind2, code2))
    });

    let (value, high, end, kind, unit, unit_start, num) = match range {
        Some((low, second, end, kind, code)) => {
            (low, Some(second.value), end, kind, code, second.end, second)
        }
        None => match unit1 {
            Some((end, kind, code)) => (first.value, None, end, kind, code, first.end, first),
            None if prefix_currency.is_some() && first.scale > 1.0 => (
                first.value,
                None,
                first.end,
                QuantityKind::Money,
                "",
                first.end,
                first,
            ),
            None => return None,
        },
    };
    let (kind, unit) = match prefix_currency {
        Some(code) if kind == QuantityKind::Money => (kind, code),
        Some(_) => return None,
        None => (kind, unit),
    };
    if !plausible(&num, kind, &chars[unit_start..end]) {
        return None;
    }
    Some(finish(
        chars,
        i,
        end,
        kind,
        (value, high),
        unit,
        first.more || num.more,
    ))
}

/// Quantities of `chars`, in order, not overlapping.
fn quantities_in(chars: &[char]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_candidate(chars[i])
            && let Some(found) = quantity_at(chars, i)
        {
            i = found.end.max(i + 1);
            out.push(found);
        } else {
            i += 1;
        }
    }
    out
}

/// Finds the quantities of `text` (one clause or sentence), in order and not
/// overlapping. See the module documentation for what is recognised.
pub fn find_quantities(text: &str) -> Vec<Quantity> {
    if !may_hold_quantity(text) {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    quantities_in(&chars)
        .into_iter()
        .map(|f| f.to_quantity(&chars))
        .collect()
}

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

/// A character that ends a metric when walking backwards: punctuation,
/// digits, function words, and 年/月/日 after a number (`2011年两国贸易额`).
fn stops_metric(chars: &[char], k: usize) -> bool {
    let c = chars[k];
    if is_boundary(c) || arabic_digit(c).is_some() {
        return true;
    }
    match c {
        '在' | '将' | '使' | '把' | '于' | '是' | '为' | '让' | '令' | '已' | '并' | '要'
        | '也' | '都' | '均' | '由' | '从' | '以' | '而' | '被' | '就' | '又' => true,
        '年' | '月' | '日' | '底' => k.checked_sub(1).is_some_and(|p| {
            let p = chars[p];
            arabic_digit(p).is_some()
                || is_chinese_numeral(p)
                || matches!(p, '今' | '明' | '去' | '本' | '当' | '同' | '每' | '年')
        }),
        _ => false,
    }
}

/// Does a date expression (`2011年`, `2011年底`) end at `end`?
fn date_ends_at(chars: &[char], end: usize) -> bool {
    let mut k = end;
    if matches!(k.checked_sub(1).map(|p| chars[p]), Some('底' | '末')) {
        k -= 1;
    }
    if k < 5 || chars[k - 1] != '年' {
        return false;
    }
    chars[k - 5..k - 1]
        .iter()
        .all(|&c| arabic_digit(c).is_some() || chinese_digit(c).is_some())
}

/// When a metric walk stopped at `stop` (before `verb`) because of a date
/// and found only date words (`在2015年前提高到`), the start of that date
/// with its preposition (`在`, `于`, `到`, `至`).
fn date_start_before(chars: &[char], stop: usize, verb: usize) -> Option<usize> {
    let date_end = stop.checked_sub(1).filter(|&k| chars[k] == '年')? + 1;
    if longest_word_at(chars, stop, DATE_TAILS).unwrap_or(stop) < verb && stop < verb {
        return None;
    }
    let mut k = date_end - 1;
    let digits = chars[..k]
        .iter()
        .rev()
        .take_while(|&&c| arabic_digit(c).is_some() || chinese_digit(c).is_some())
        .count();
    if digits != 4 {
        return None;
    }
    k -= digits;
    if k > 0 && matches!(chars[k - 1], '在' | '于' | '到' | '至') {
        k -= 1;
    }
    Some(k)
}

/// Skips back over `2011年的` between a verb and its quantity.
fn skip_date_back(chars: &[char], p: usize) -> usize {
    if p == 0 || chars[p - 1] != '的' || !date_ends_at(chars, p - 1) {
        return p;
    }
    let mut k = p - 1;
    if matches!(chars[k - 1], '底' | '末') {
        k -= 1;
    }
    k - 5
}

/// The metric noun phrase ending at `end` (walking backwards), cleaned.
/// Also returns the position where the walk stopped.
fn metric_before(
    chars: &[char],
    end: usize,
    spans: &[(usize, usize)],
) -> (Option<(usize, usize)>, usize) {
    let mut s = end;
    while s > 0
        && end - s < 30
        && !spans.iter().any(|&(_, e)| e == s)
        && !stops_metric(chars, s - 1)
    {
        s -= 1;
    }
    let stopped_at = s;
    let after_date =
        s > 0 && matches!(chars[s - 1], '年' | '月' | '日') && stops_metric(chars, s - 1);
    let mut e = end;
    if after_date && let Some(n) = longest_word_at(chars, s, DATE_TAILS) {
        s = n.min(e);
    }
    loop {
        let before = (s, e);
        if let Some(n) = longest_word_at(chars, s, METRIC_LEADERS) {
            s = n.min(e);
        }
        if let Some(n) = longest_word_ending(chars, e, METRIC_TRAILERS) {
            e = n.max(s);
        }
        if (s, e) == before {
            break;
        }
    }
    let ok = s < e && e - s <= 20;
    (ok.then_some((s, e)), stopped_at)
}

/// The metric written after a quantity (`100亿美元贷款` → `贷款`).
fn metric_after(chars: &[char], end: usize) -> Option<(usize, usize)> {
    let mut s = end;
    if chars.get(s) == Some(&'的') {
        s += 1;
    }
    if NOT_FORWARD_METRICS.iter().any(|w| at(chars, s, w)) || longest_at(chars, s, VERBS).is_some()
    {
        return None;
    }
    let mut e = s;
    while let Some(&c) = chars.get(e) {
        if is_boundary(c)
            || arabic_digit(c).is_some()
            || matches!(
                c,
                '和' | '与' | '及' | '等' | '的' | '将' | '在' | '于' | '为' | '以' | '用' | '并'
            )
        {
            break;
        }
        e += 1;
        if e - s > 8 {
            return None;
        }
    }
    (s < e).then_some((s, e))
}

/// Metric and direction of one quantity.
fn analyse(
    chars: &[char],
    q: &Found,
    spans: &[(usize, usize)],
) -> (Option<(usize, usize)>, Option<Direction>) {
    let mut p = q.start;
    let mut comparator_verb = None;
    let verb = longest_ending(chars, p, VERBS).or_else(|| {
        // A comparator between verb and quantity (`达到约`), or one that is
        // the verb itself (`超过`, `逾`).
        let (s, cmp) = prefix_comparator(chars, p)?;
        p = s;
        if matches!(cmp, Comparator::MoreThan) {
            comparator_verb = Some((s, Direction::Reach));
        }
        longest_ending(chars, p, VERBS)
    });
    let verb = verb
        .or_else(|| {
            let d = skip_date_back(chars, p);
            (d != p).then(|| longest_ending(chars, d, VERBS)).flatten()
        })
        .or_else(|| {
            let d = ends_at(chars, p, "了")?;
            longest_ending(chars, d, VERBS)
        })
        .or(comparator_verb);

    let Some((mut verb_start, direction)) = verb else {
        // No verb: `年输油能力2000万吨`, `贸易额从68亿美元…`, or
        // `提供100亿美元贷款`.
        if let Some(f) = ends_at(chars, skip_date_back(chars, p), "从") {
            return (metric_before(chars, f, spans).0, None);
        }
        let (before, _) = metric_before(chars, p, spans);
        if let Some((s, e)) = before
            && METRIC_SUFFIXES
                .iter()
                .any(|w| ends_at(chars, e, w).is_some())
        {
            // `实现双边贸易额400亿美元`: the verb governs metric and quantity.
            let direction = longest_ending(chars, s, VERBS).map(|(_, d)| d);
            return (Some((s, e)), direction);
        }
        return (metric_after(chars, q.end), None);
    };
    // `约为`, `近达`: an approximation before the verb.
    if let Some((s, _)) = longest_ending(chars, verb_start, PREFIX_COMPARATORS) {
        verb_start = s;
    }
    let (metric, stopped_at) = metric_before(chars, verb_start, spans);
    if metric.is_some() {
        return (metric, Some(direction));
    }
    // `把两国贸易额在2015年前提高到…`: a date between metric and verb.
    if let Some(d) = date_start_before(chars, stopped_at, verb_start) {
        let (metric, _) = metric_before(chars, d, spans);
        if metric.is_some() {
            return (metric, Some(direction));
        }
    }
    // `贸易额从2005年的68亿美元增长到…`: the metric precedes 从 and the
    // starting amount.
    let from = spans
        .iter()
        .find(|&&(_, e)| e == stopped_at && e == verb_start)
        .and_then(|&(s, _)| ends_at(chars, skip_date_back(chars, s), "从"));
    match from {
        Some(f) => (metric_before(chars, f, spans).0, Some(direction)),
        None => (None, Some(direction)),
    }
}

/// Finds the money, percent and measure quantities of `text` with the metric
/// they apply to and the direction of the governing verb, when the sentence
/// structure gives them:
///
/// * `将|把|使 METRIC VERB Q` (`到2015年将双边贸易额提高到400亿美元`),
/// * `METRIC VERB Q` (`2011年两国贸易额达到213亿美元`), where the metric is
///   the noun phrase before the verb, after any date, punctuation or
///   function word, with leading `双方`/`两国元首`/`提出`/… stripped,
/// * `METRIC Q` when the metric ends in `额`/`量`/`能力`/… (`年输油能力2000万吨`),
/// * `Q (的) NOUN` when no verb governs the quantity (`提供100亿美元贷款` →
///   `贷款`).
///
/// `chars` are the characters of `text` (the caller has them already); `text` serves the
/// quick check that most clauses hold no quantity at all.
pub fn find_targets_in(text: &str, chars: &[char]) -> Vec<Target> {
    if !may_hold_quantity(text) {
        return Vec::new();
    }
    let found = quantities_in(chars);
    let spans: Vec<(usize, usize)> = found.iter().map(|f| (f.start, f.end)).collect();
    found
        .iter()
        .filter(|f| f.kind != QuantityKind::Count)
        .map(|f| {
            let (metric, direction) = analyse(chars, f, &spans);
            Target {
                quantity: f.to_quantity(chars),
                metric: metric.map(|(s, e)| chars[s..e].iter().collect()),
                metric_start: metric.map(|(s, _)| s),
                metric_end: metric.map(|(_, e)| e),
                direction,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_targets(text: &str) -> Vec<Target> {
        let chars: Vec<char> = text.chars().collect();
        find_targets_in(text, &chars)
    }

    /// The single quantity of `text`.
    fn one(text: &str) -> Quantity {
        let found = find_quantities(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found.into_iter().next().unwrap()
    }

    /// The single target of `text`.
    fn target(text: &str) -> Target {
        let found = find_targets(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found.into_iter().next().unwrap()
    }

    fn assert_money(text: &str, value: f64, unit: &str) {
        let q = one(text);
        assert_eq!(q.kind, QuantityKind::Money, "{text}");
        assert_eq!(q.value, value, "{text}");
        assert_eq!(q.unit, unit, "{text}");
        assert_eq!(q.high, None, "{text}");
    }

    fn assert_none(text: &str) {
        assert_eq!(find_quantities(text), vec![], "{text}");
        assert_eq!(find_targets(text), vec![], "{text}");
    }

    #[test]
    fn parse_number_arabic() {
        assert_eq!(parse_number("400"), Some(400.0));
        assert_eq!(parse_number("４００"), Some(400.0));
        assert_eq!(parse_number("1.5"), Some(1.5));
        assert_eq!(parse_number("１．５"), Some(1.5));
        assert_eq!(parse_number(" 2.13 "), Some(2.13));
        assert_eq!(parse_number("1,000"), Some(1000.0));
        assert_eq!(parse_number("0"), Some(0.0));
    }

    #[test]
    fn parse_number_chinese() {
        assert_eq!(parse_number("四百"), Some(400.0));
        assert_eq!(parse_number("一千二百五十"), Some(1250.0));
        assert_eq!(parse_number("两"), Some(2.0));
        assert_eq!(parse_number("十五"), Some(15.0));
        assert_eq!(parse_number("十"), Some(10.0));
        assert_eq!(parse_number("二十"), Some(20.0));
        assert_eq!(parse_number("一百零五"), Some(105.0));
        assert_eq!(parse_number("五点五"), Some(5.5));
        assert_eq!(parse_number("一亿五千万"), Some(150_000_000.0));
    }

    #[test]
    fn parse_number_multipliers() {
        assert_eq!(parse_number("3万"), Some(30_000.0));
        assert_eq!(parse_number("四百亿"), Some(4e10));
        assert_eq!(parse_number("1万亿"), Some(1e12));
        assert_eq!(parse_number("1.5万亿"), Some(1.5e12));
        assert_eq!(parse_number("3千万"), Some(3e7));
        assert_eq!(parse_number("一千亿"), Some(1e11));
        assert_eq!(parse_number("两百亿"), Some(2e10));
        assert_eq!(parse_number("4百亿"), Some(4e10));
        assert_eq!(parse_number("二十亿"), Some(2e9));
        assert_eq!(parse_number("一万亿"), Some(1e12));
    }

    #[test]
    fn parse_number_rejects() {
        assert_eq!(parse_number("二〇一五"), None);
        assert_eq!(parse_number("二○一一"), None);
        assert_eq!(parse_number("二零一五"), None);
        assert_eq!(parse_number("十二五"), None);
        assert_eq!(parse_number("二十多"), None);
        assert_eq!(parse_number("〇"), None);
        assert_eq!(parse_number("万"), None);
        assert_eq!(parse_number("400亿美元"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("abc"), None);
    }

    #[test]
    fn money_with_multipliers() {
        assert_money("400亿美元", 4e10, "USD");
        assert_money("1.5万亿元", 1.5e12, "CNY");
        assert_money("3000万美元", 3e7, "USD");
        assert_money("１．５万亿元", 1.5e12, "CNY");
        assert_money("213亿美元", 2.13e10, "USD");
        assert_money("2.13亿美元", 213_000_000.0, "USD");
        assert_money("4百亿元", 4e10, "CNY");
        assert_money("3千万欧元", 3e7, "EUR");
    }

    #[test]
    fn money_in_chinese_numerals() {
        assert_money("四百亿美元", 4e10, "USD");
        assert_money("一千亿元人民币", 1e11, "CNY");
        assert_money("两百亿美元", 2e10, "USD");
        assert_money("二十亿元", 2e9, "CNY");
    }

    #[test]
    fn currency_suffixes_and_prefixes() {
        assert_money("100亿元人民币", 1e10, "CNY");
        assert_money("100亿人民币", 1e10, "CNY");
        assert_money("500元", 500.0, "CNY");
        assert_money("50亿卢布", 5e9, "RUB");
        assert_money("1000亿坚戈", 1e11, "KZT");
        assert_money("10亿日元", 1e9, "JPY");
        assert_money("100万英镑", 1e6, "GBP");
        assert_money("20亿港元", 2e9, "HKD");
        assert_money("5亿美金", 5e8, "USD");
        let q = one("提供人民币1000亿元贷款");
        assert_eq!((q.start, q.end, q.text.as_str()), (2, 11, "人民币1000亿元"));
        assert_eq!((q.value, q.unit.as_str()), (1e11, "CNY"));
        let q = one("总额为美元100亿");
        assert_eq!(
            (q.text.as_str(), q.value, q.unit.as_str()),
            ("美元100亿", 1e10, "USD")
        );
    }

    #[test]
    fn money_offsets_are_characters() {
        let q = one("两国元首提出到2015年将双边贸易额提高到400亿美元的目标");
        assert_eq!((q.start, q.end), (21, 27));
        assert_eq!(q.text, "400亿美元");
    }

    #[test]
    fn percentages() {
        let q = one("增长30%");
        assert_eq!(
            (q.kind, q.value, q.unit.as_str()),
            (QuantityKind::Percent, 30.0, "%")
        );
        assert_eq!(q.text, "30%");
        let q = one("增长３０％");
        assert_eq!((q.kind, q.value), (QuantityKind::Percent, 30.0));
        let q = one("增长百分之三十");
        assert_eq!(
            (q.kind, q.value, q.text.as_str()),
            (QuantityKind::Percent, 30.0, "百分之三十")
        );
        let q = one("百分之五点五");
        assert_eq!((q.kind, q.value), (QuantityKind::Percent, 5.5));
        let q = one("增长2.5%");
        assert_eq!(q.value, 2.5);
        let q = one("提高了3个百分点");
        assert_eq!(
            (q.kind, q.value, q.unit.as_str()),
            (QuantityKind::Percent, 3.0, "pp")
        );
    }

    #[test]
    fn percent_ranges() {
        for text in [
            "20%-30%",
            "20%至30%",
            "20%到30%",
            "20%～30%",
            "20至30%",
            "百分之二十到三十",
            "百分之二十至百分之三十",
        ] {
            let q = one(text);
            assert_eq!(q.kind, QuantityKind::Percent, "{text}");
            assert_eq!((q.value, q.high), (20.0, Some(30.0)), "{text}");
            assert_eq!(q.unit, "%", "{text}");
            assert_eq!(q.text, text);
        }
    }

    #[test]
    fn money_ranges() {
        for text in [
            "100亿至150亿美元",
            "100至150亿美元",
            "100亿美元至150亿美元",
            "100亿—150亿美元",
            "100亿-150亿美元",
            "100亿到150亿美元",
        ] {
            let q = one(text);
            assert_eq!(q.kind, QuantityKind::Money, "{text}");
            assert_eq!((q.value, q.high), (1e10, Some(1.5e10)), "{text}");
            assert_eq!(q.unit, "USD", "{text}");
            assert_eq!(q.text, text);
        }
        let q = one("人民币100亿至150亿元");
        assert_eq!(
            (q.value, q.high, q.unit.as_str()),
            (1e10, Some(1.5e10), "CNY")
        );
        // Not a range: the second number is a year.
        let q = one("400亿美元至2015年");
        assert_eq!(
            (q.value, q.high, q.text.as_str()),
            (4e10, None, "400亿美元")
        );
    }

    #[test]
    fn count_ranges() {
        let q = one("5到10个");
        assert_eq!(
            (q.kind, q.value, q.high),
            (QuantityKind::Count, 5.0, Some(10.0))
        );
        assert_eq!(q.unit, "个");
    }

    #[test]
    fn measures() {
        let q = one("年输油能力2000万吨");
        assert_eq!(
            (q.kind, q.value, q.unit.as_str()),
            (QuantityKind::Measure, 2e7, "t")
        );
        assert_eq!(q.text, "2000万吨");
        let q = one("1.5万吨");
        assert_eq!(q.value, 15000.0);
        let q = one("300亿立方米");
        assert_eq!((q.value, q.unit.as_str()), (3e10, "m3"));
        let q = one("1000公里");
        assert_eq!((q.value, q.unit.as_str()), (1000.0, "km"));
        let q = one("1000千米");
        assert_eq!((q.value, q.unit.as_str()), (1000.0, "km"));
        let q = one("120万千瓦");
        assert_eq!((q.value, q.unit.as_str()), (1.2e6, "kW"));
        let q = one("50亿千瓦时");
        assert_eq!((q.value, q.unit.as_str()), (5e9, "kWh"));
        let q = one("300兆瓦");
        assert_eq!((q.value, q.unit.as_str()), (300.0, "MW"));
        let q = one("2吉瓦");
        assert_eq!((q.value, q.unit.as_str()), (2.0, "GW"));
        let q = one("1000万桶");
        assert_eq!((q.value, q.unit.as_str()), (1e7, "bbl"));
    }

    #[test]
    fn counts() {
        let q = one("签署15项协议");
        assert_eq!(
            (q.kind, q.value, q.unit.as_str()),
            (QuantityKind::Count, 15.0, "项")
        );
        let q = one("200余家企业");
        assert_eq!(
            (q.value, q.unit.as_str(), q.comparator),
            (200.0, "家", Comparator::MoreThan)
        );
        let q = one("培训1000名学员");
        assert_eq!((q.value, q.unit.as_str()), (1000.0, "名"));
        let q = one("二十个项目");
        assert_eq!((q.value, q.unit.as_str()), (20.0, "个"));
        let q = one("100万人次");
        assert_eq!((q.value, q.unit.as_str()), (1e6, "人次"));
        for text in [
            "建设3座电站",
            "3所孔子学院",
            "5架飞机",
            "100辆汽车",
            "3条管线",
            "2批",
        ] {
            assert_eq!(one(text).kind, QuantityKind::Count, "{text}");
        }
    }

    #[test]
    fn not_counts() {
        for text in [
            "坚持一个中国政策",
            "和平共处五项原则",
            "两个市场",
            "第三条管线",
            "第二次会议",
            "6个月内",
            "3个五年计划",
            "两国人民",
            "签署一批协议",
            "三方会谈",
            "两倍",
            "增长3倍",
            "每两年举行一次",
        ] {
            assert_none(text);
        }
    }

    #[test]
    fn years_dates_and_ordinals_are_not_quantities() {
        for text in [
            "2015年",
            "二〇一五年",
            "二○一五年",
            "2012年6月",
            "2011年6月13日",
            "第二次",
            "第三条管线",
            "上海合作组织成立10年来",
            "在2012年中哈建交20周年之际",
            "一系列",
            "一次",
            "两年",
            "中哈总理定期会晤每两年举行一次",
            "中哈天然气管道二期",
            "2010年两国贸易额取得显著增长",
            "“十二五”规划",
            "两国元首",
            "二元结构",
            "G20峰会",
            "2011-2015年",
        ] {
            assert_none(text);
        }
    }

    #[test]
    fn comparators() {
        let cases = [
            ("约400亿美元", Comparator::About),
            ("大约400亿美元", Comparator::About),
            ("近400亿美元", Comparator::About),
            ("将近400亿美元", Comparator::About),
            ("400亿美元左右", Comparator::About),
            ("贸易额约为400亿美元", Comparator::About),
            ("超过400亿美元", Comparator::MoreThan),
            ("逾400亿美元", Comparator::MoreThan),
            ("400多亿美元", Comparator::MoreThan),
            ("四百多亿美元", Comparator::MoreThan),
            ("不少于400亿美元", Comparator::AtLeast),
            ("至少400亿美元", Comparator::AtLeast),
            ("400亿美元以上", Comparator::AtLeast),
            ("不超过400亿美元", Comparator::AtMost),
            ("400亿美元以下", Comparator::AtMost),
            ("控制在5%以内", Comparator::AtMost),
            ("不足400亿美元", Comparator::LessThan),
            ("不到400亿美元", Comparator::LessThan),
            ("400亿美元", Comparator::Exactly),
            ("最近400亿美元", Comparator::Exactly),
        ];
        for (text, cmp) in cases {
            assert_eq!(one(text).comparator, cmp, "{text}");
        }
        let q = one("400亿美元左右");
        assert_eq!((q.text.as_str(), q.value), ("400亿美元左右", 4e10));
        let q = one("约400亿美元");
        assert_eq!(q.text, "400亿美元");
    }

    #[test]
    fn several_quantities_in_order() {
        let found = find_quantities(
            "2011年中哈贸易额达213亿美元，同比增长2.5%，中方对哈投资存量达到200亿美元",
        );
        let values: Vec<(f64, &str)> = found.iter().map(|q| (q.value, q.unit.as_str())).collect();
        assert_eq!(values, vec![(2.13e10, "USD"), (2.5, "%"), (2e10, "USD")]);
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn target_increase_with_jiang() {
        let t = target("两国元首提出到2015年将双边贸易额提高到400亿美元的目标");
        assert_eq!(t.metric.as_deref(), Some("双边贸易额"));
        assert_eq!((t.metric_start, t.metric_end), (Some(13), Some(18)));
        assert_eq!(t.quantity.value, 40_000_000_000.0);
        assert_eq!(t.quantity.unit, "USD");
        assert_eq!(t.direction, Some(Direction::Increase));
    }

    #[test]
    fn target_date_before_jiang_is_not_in_metric() {
        let t = target("确保实现在2015年前将双边贸易额提高到400亿美元的目标");
        assert_eq!(t.metric.as_deref(), Some("双边贸易额"));
        assert_eq!(t.quantity.value, 40_000_000_000.0);
        assert_eq!(t.quantity.unit, "USD");
        assert_eq!(t.direction, Some(Direction::Increase));
    }

    #[test]
    fn target_reach_after_year() {
        let t = target("2011年两国贸易额达到213亿美元");
        assert_eq!(t.metric.as_deref(), Some("两国贸易额"));
        assert_eq!(
            (t.quantity.value, t.quantity.unit.as_str()),
            (2.13e10, "USD")
        );
        assert_eq!(t.direction, Some(Direction::Reach));
    }

    #[test]
    fn target_reach_after_deadline() {
        let t = target("力争到2020年双边贸易额达到1000亿美元");
        assert_eq!(t.metric.as_deref(), Some("双边贸易额"));
        assert_eq!((t.quantity.value, t.quantity.unit.as_str()), (1e11, "USD"));
        assert_eq!(t.direction, Some(Direction::Reach));
        let t = target("2015年前双边贸易额达到400亿美元");
        assert_eq!(t.metric.as_deref(), Some("双边贸易额"));
    }

    #[test]
    fn target_keeps_de_and_prepositions_inside() {
        let t = target("中方对哈投资存量达到200亿美元");
        assert_eq!(t.metric.as_deref(), Some("中方对哈投资存量"));
        assert_eq!(t.direction, Some(Direction::Reach));
        let t = target("中方对哈的投资达到200亿美元");
        assert_eq!(t.metric.as_deref(), Some("中方对哈的投资"));
    }

    #[test]
    fn target_strips_leaders() {
        let t = target("双方贸易额超过400亿美元");
        assert_eq!(t.metric.as_deref(), Some("贸易额"));
        assert_eq!(t.direction, Some(Direction::Reach));
        assert_eq!(t.quantity.comparator, Comparator::MoreThan);
        let t = target("两国元首同意贸易额达到400亿美元");
        assert_eq!(t.metric.as_deref(), Some("贸易额"));
        let t = target("双方同意把两国贸易额在2015年前提高到400亿美元");
        assert_eq!(t.metric.as_deref(), Some("两国贸易额"));
        assert_eq!(t.direction, Some(Direction::Increase));
        let t = target("双方决定建设年输气能力为300亿立方米的管道");
        assert_eq!(t.metric.as_deref(), Some("年输气能力"));
        assert_eq!((t.quantity.value, t.quantity.unit.as_str()), (3e10, "m3"));
    }

    #[test]
    fn target_loan_has_forward_metric() {
        let t = target("中方向哈方提供100亿美元贷款");
        assert_eq!(
            (t.quantity.kind, t.quantity.value),
            (QuantityKind::Money, 1e10)
        );
        assert_eq!(t.quantity.unit, "USD");
        assert_eq!(t.metric.as_deref(), Some("贷款"));
        assert_eq!(t.direction, None);
        let t = target("提供100亿美元的优惠贷款，用于基础设施");
        assert_eq!(t.metric.as_deref(), Some("优惠贷款"));
    }

    #[test]
    fn target_verb_before_metric() {
        let t = target("力争到2015年实现双边贸易额400亿美元的目标");
        assert_eq!(t.metric.as_deref(), Some("双边贸易额"));
        assert_eq!(t.direction, Some(Direction::Reach));
        let t = target("截至2011年底中国对哈投资存量约为200亿美元");
        assert_eq!(t.metric.as_deref(), Some("中国对哈投资存量"));
        assert_eq!(t.quantity.comparator, Comparator::About);
        assert_eq!(t.direction, Some(Direction::Reach));
    }

    #[test]
    fn target_capacity_without_verb() {
        let t = target("年输油能力2000万吨");
        assert_eq!(
            (t.quantity.kind, t.quantity.value),
            (QuantityKind::Measure, 2e7)
        );
        assert_eq!(t.quantity.unit, "t");
        assert_eq!(t.metric.as_deref(), Some("年输油能力"));
        assert_eq!(t.direction, None);
    }

    #[test]
    fn target_directions() {
        let t = target("使可再生能源比重提高到20%");
        assert_eq!(t.metric.as_deref(), Some("可再生能源比重"));
        assert_eq!(t.direction, Some(Direction::Increase));
        let t = target("两国贸易额同比增长30%");
        assert_eq!(t.metric.as_deref(), Some("两国贸易额"));
        assert_eq!(t.direction, Some(Direction::Increase));
        let t = target("将碳排放强度降低40%至45%");
        assert_eq!(t.metric.as_deref(), Some("碳排放强度"));
        assert_eq!(t.direction, Some(Direction::Decrease));
        assert_eq!((t.quantity.value, t.quantity.high), (40.0, Some(45.0)));
        let t = target("经济增速保持在7%左右");
        assert_eq!(t.metric.as_deref(), Some("经济增速"));
        assert_eq!(t.direction, Some(Direction::Keep));
        assert_eq!(t.quantity.comparator, Comparator::About);
        let t = target("贸易额增长了30%");
        assert_eq!(t.direction, Some(Direction::Increase));
        assert_eq!(t.metric.as_deref(), Some("贸易额"));
        let t = target("双边贸易额突破1000亿美元");
        assert_eq!(t.direction, Some(Direction::Reach));
        let t = target("总额达到约50亿美元的合同");
        assert_eq!(t.metric.as_deref(), Some("总额"));
        assert_eq!(t.quantity.comparator, Comparator::About);
        let t = target("贸易额为213亿美元");
        assert_eq!(t.direction, Some(Direction::Reach));
        let t = target("到2020年前使双边贸易额翻一番达到1000亿美元");
        assert_eq!(t.metric.as_deref(), Some("双边贸易额"));
        assert_eq!(t.direction, Some(Direction::Increase));
    }

    #[test]
    fn target_from_to() {
        let found = find_targets("贸易额从2005年的68亿美元增长到2011年的213亿美元");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].metric.as_deref(), Some("贸易额"));
        assert_eq!(found[0].direction, None);
        assert_eq!(found[1].metric.as_deref(), Some("贸易额"));
        assert_eq!(found[1].direction, Some(Direction::Increase));
        assert_eq!(found[1].quantity.value, 2.13e10);
    }

    #[test]
    fn targets_skip_counts_and_metricless_quantities() {
        assert_eq!(find_targets("签署15项协议"), vec![]);
        let t = target("，超过200多亿美元");
        assert_eq!(t.metric, None);
        assert_eq!(t.direction, Some(Direction::Reach));
        let t = target("人民币1000亿元");
        assert_eq!((t.metric, t.direction), (None, None));
    }

    #[test]
    fn no_panic_on_odd_input() {
        for text in [
            "",
            "亿",
            "万亿",
            "百分之",
            "人民币",
            "1.",
            "1，",
            "１，０００",
            "点五",
            "十点",
            "—",
            "2015年前的",
            "的100亿美元",
        ] {
            let _ = find_quantities(text);
            let _ = find_targets(text);
        }
    }

    #[test]
    fn character_sets_match_the_lexicon() {
        fn starts<'a>(mut words: impl Iterator<Item = &'a str>, c: char) -> bool {
            words.any(|w| w.starts_with(c))
        }
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let candidate = arabic_digit(c).is_some()
                || is_chinese_numeral(c)
                || matches!(c, '人' | '美' | '欧' | '港' | '日' | '卢' | '坚');
            assert_eq!(is_candidate(c), candidate, "{c}");
            let number_end = arabic_digit(c).is_some()
                || is_chinese_numeral(c)
                || matches!(c, '多' | '余' | '点');
            assert_eq!(NUMBER_ENDS.contains(c), number_end, "{c}");
            assert_eq!(
                UNIT_STARTS.contains(c),
                starts(UNITS.iter().map(|u| u.0), c),
                "{c}"
            );
            assert_eq!(
                CURRENCY_EDGES.0.contains(&c),
                starts(PREFIX_CURRENCIES.iter().map(|u| u.0), c),
                "{c}"
            );
            assert_eq!(
                CURRENCY_ENDS.contains(c),
                PREFIX_CURRENCIES.iter().any(|u| u.0.ends_with(c)),
                "{c}"
            );
            assert_eq!(
                CONNECTOR_FIRSTS.contains(&c),
                starts(CONNECTORS.iter().copied(), c),
                "{c}"
            );
        }
        for (first, unit) in UNIT_FIRSTS.iter().zip(UNITS) {
            assert!(unit.0.starts_with(*first), "{}", unit.0);
        }
    }

    #[test]
    fn prefilter() {
        for text in [
            "400亿美元",
            "30%",
            "３０％",
            "人民币1000亿",
            "美元一百亿",
            "百分之五",
            "二十个",
            "200多家",
            "一个百分点",
            "五亿日元",
        ] {
            assert!(may_hold_quantity(text), "{text}");
        }
        for text in [
            "",
            "两国人民",
            "国家",
            "坚持一个中国政策",
            "第一次",
            "2015年",
            "二〇一五年",
            "6月30日",
        ] {
            assert!(!may_hold_quantity(text), "{text}");
            assert_eq!(find_quantities(text), vec![], "{text}");
        }
    }

    #[test]
    fn serde_names() {
        let q = one("约400亿美元");
        let json = serde_json::to_value(&q).unwrap();
        assert_eq!(json["kind"], "money");
        assert_eq!(json["comparator"], "about");
        assert_eq!(
            serde_json::to_value(Comparator::MoreThan).unwrap(),
            "more_than"
        );
        assert_eq!(
            serde_json::to_value(Direction::Increase).unwrap(),
            "increase"
        );
    }
}
