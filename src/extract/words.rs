//! What the lexicon says about one word — cue, actor, role, topic words, keyword candidacy,
//! search sub-words — worked out once per distinct word and cached per thread, so that every
//! token costs one hash lookup however many stages look at it.
//!
//! The cache belongs to one lexicon (by fingerprint) and is emptied when another lexicon is
//! used or when it grows past [`MAX_CACHED_WORDS`]; that happens only between documents (see
//! [`prepare`]), so sub-word indexes stay valid while a document is extracted.

use std::cell::RefCell;

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;

use super::lexicon::{ActorRef, Lexicon, Tier};
use super::units::Pos;

/// Longest token (in characters) whose inner dictionary words are indexed for search.
pub const MAX_SUB_WORD_SOURCE: usize = 16;

/// Sum of the word frequencies in jieba's default dictionary (its reference corpus size).
pub const REFERENCE_TOTAL: f64 = 60_101_967.0;

/// `ln(REFERENCE_TOTAL / frequency)` in hundredths, where the frequency is jieba's own for a
/// dictionary word and, for a word it does not know, the joint frequency of the parts it cuts
/// into ([`Jieba::suggest_freq`]), so a new name weighs like a rare word.
pub fn idf(jieba: &Jieba, word: &str) -> u16 {
    let freq = jieba.suggest_freq(word).max(1) as f64;
    ((REFERENCE_TOTAL / freq).ln().max(0.0) * 100.0).round() as u16
}

/// Distinct words kept per thread before the cache starts afresh.
pub const MAX_CACHED_WORDS: usize = 200_000;

/// The coarse part of speech of a word: jieba's tag for it (a dictionary word's own tag,
/// otherwise jieba's guess from the word's characters, which is what jieba gives the word in
/// any context too).
fn pos_of(jieba: &Jieba, word: &str) -> Pos {
    match jieba.tag(word, true).as_slice() {
        [one] if one.word == word => Pos::from_tag(one.tag, word),
        // Cut differently when alone: a name or term jieba found in context.
        _ if !word.is_ascii() => Pos::Noun,
        _ => Pos::Latin,
    }
}

/// Bits of [`WordInfo::flags`] (copied into [`super::units::Token::flags`]): what the word is,
/// and which of its fields say anything, so that a stage skips the words with nothing for it
/// without reading their info.
pub mod flag {
    pub const ACTOR: u16 = 1;
    pub const PARTIES: u16 = 1 << 1;
    pub const ROLE: u16 = 1 << 2;
    /// A cue of its own, glued to an adverb, or at the tail of a compound.
    pub const CUE: u16 = 1 << 3;
    /// A cue phrase may start at the word: a phrase runs through the word, or begins with it.
    pub const CUE_PHRASE_START: u16 = 1 << 4;
    /// An organisation's name may start at the word (as for cue phrases).
    pub const ORGANISATION_START: u16 = 1 << 5;
    /// Two or more characters of a content part of speech, not a stop word, not an actor word.
    pub const KEYWORD: u16 = 1 << 6;
    pub const TOPICS: u16 = 1 << 7;
    /// May stand between a comma and a clause's cue.
    pub const ADVERB: u16 = 1 << 8;
    /// After an object marker, this word keeps the marker a cue (a cue word, or a word
    /// opening with an adverb: 将大力…, 将充分发挥…).
    pub const KEEPS_MARKER_A_CUE: u16 = 1 << 9;
    /// Goes into the search terms (punctuation and white space do not).
    pub const SEARCHABLE: u16 = 1 << 10;
    /// Goes into the search terms in lower case (it has upper-case Latin letters).
    pub const LOWERCASE: u16 = 1 << 11;
    /// Has dictionary words inside it, indexed for search too.
    pub const SUB_WORDS: u16 = 1 << 12;
}

/// Everything the stages need to know about a word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordInfo {
    /// Coarse part of speech.
    pub pos: Pos,
    /// [`flag`] bits: what the word is, and which of the fields below say anything.
    pub flags: u16,
    /// Cue group of the word itself.
    pub cue: Option<u16>,
    /// An adverb glued to a cue (积极支持): (adverb length in chars, cue group).
    pub glued_cue: Option<(u8, u16)>,
    /// A compound ending in plain evidence (法律基础): (tail length in chars, cue group).
    pub plain_tail: Option<(u8, u16)>,
    /// 将 / 把: marks an object when a noun follows.
    pub object_marker: bool,
    /// The word itself names an actor (party, pair, all parties, role).
    pub actor: Option<ActorRef>,
    /// Parties named by the word or its longest prefix of two or more characters (两国元首 →
    /// all parties, 中方企业 → CN, 中哈总理定期会晤 → both).
    pub parties: Option<ActorRef>,
    /// Role named by the word, or by its longest tail of two or more characters (两国银行).
    pub role: Option<u16>,
    /// Index into [`Lexicon::topic_lists`].
    pub topics: Option<u32>,
    /// Inverse document frequency in hundredths: `ln(REFERENCE_TOTAL / frequency)` from
    /// jieba's dictionary (see [`idf`]).
    pub idf: u16,
    /// Index into the thread's sub-word arena: the dictionary words strictly inside the word,
    /// as " 贸易" for 贸易额 (0: none).
    pub sub_words: u32,
}

struct Cache {
    fingerprint: String,
    /// Word → its number, which indexes `infos`.
    ids: FxHashMap<Box<str>, u32>,
    infos: Vec<WordInfo>,
    /// One-character words of the Basic Multilingual Plane (punctuation, particles: nearly
    /// half of all tokens) by code point: their number, found without hashing (`u32::MAX`:
    /// not seen yet).
    single: Vec<u32>,
    /// Entry 0 is empty.
    sub_words: Vec<Box<str>>,
}

/// Code points below this have a slot in [`Cache::single`].
const SINGLE_SLOTS: usize = 0x1_0000;

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        fingerprint: String::new(),
        ids: FxHashMap::default(),
        infos: Vec::new(),
        single: Vec::new(),
        sub_words: vec![Box::from("")],
    });
}

/// Called before each document: makes the cache this lexicon's and bounds its size.
pub fn prepare(lex: &Lexicon) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.fingerprint != lex.fingerprint || c.infos.len() > MAX_CACHED_WORDS {
            c.fingerprint.clone_from(&lex.fingerprint);
            c.ids.clear();
            c.infos.clear();
            c.single.clear();
            c.single.resize(SINGLE_SLOTS, u32::MAX);
            c.sub_words.truncate(1);
        }
    });
}

/// The only character of a one-character word with a slot in [`Cache::single`].
fn single_slot(word: &str) -> Option<usize> {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if (c as usize) < SINGLE_SLOTS => Some(c as usize),
        _ => None,
    }
}

/// The number, part of speech and flags of every word, in order (the number indexes the
/// table of [`with_infos`]), working out the info of words not seen before.
pub fn annotate<'w>(
    lex: &Lexicon,
    jieba: &Jieba,
    words: impl Iterator<Item = &'w str>,
) -> Vec<(u32, Pos, u16)> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        words
            .map(|w| {
                let id = match single_slot(w) {
                    Some(slot) if c.single[slot] != u32::MAX => c.single[slot],
                    Some(slot) => {
                        let id = c.number(lex, jieba, w);
                        c.single[slot] = id;
                        id
                    }
                    None => c.number(lex, jieba, w),
                };
                let info = &c.infos[id as usize];
                (id, info.pos, info.flags)
            })
            .collect()
    })
}

impl Cache {
    /// The word's number, working out its info when it is new.
    fn number(&mut self, lex: &Lexicon, jieba: &Jieba, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.infos.len() as u32;
        let info = compute(lex, jieba, word, &mut self.sub_words);
        self.infos.push(info);
        self.ids.insert(Box::from(word), id);
        id
    }
}

/// Runs `f` with the info of every word by number and the sub-word arena (indexed by
/// [`WordInfo::sub_words`]).
pub fn with_infos<R>(f: impl FnOnce(&[WordInfo], &[Box<str>]) -> R) -> R {
    CACHE.with(|c| {
        let c = c.borrow();
        f(&c.infos, &c.sub_words)
    })
}

/// Byte offsets of every char boundary of `word`, end included.
fn bounds(word: &str) -> Vec<usize> {
    word.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(word.len()))
        .collect()
}

fn compute(lex: &Lexicon, jieba: &Jieba, word: &str, arena: &mut Vec<Box<str>>) -> WordInfo {
    let b = bounds(word);
    let n = b.len() - 1;
    let group = |w: &str| lex.cue_words.get(w).map(|&g| g as u16);
    let cue = group(word);
    let starts_with_adverb = word
        .chars()
        .next()
        .is_some_and(|c| lex.adverb_first_chars.contains(&c))
        && lex.adverbs.iter().any(|a| word.starts_with(a.as_str()));
    // The longest adverb that leaves a cue (积极支持 → 支持).
    let glued_cue = if cue.is_none() && n >= 3 && starts_with_adverb {
        lex.adverbs
            .iter()
            .filter_map(|a| {
                let g = group(word.strip_prefix(a.as_str())?)?;
                Some((a.chars().count() as u8, g))
            })
            .max()
    } else {
        None
    };
    let plain_tail = if cue.is_none() && glued_cue.is_none() && n >= 3 {
        (2..n).rev().find_map(|len| {
            let g = group(&word[b[n - len]..])?;
            (lex.cues[g as usize].tier == Tier::Plain).then_some((len as u8, g))
        })
    } else {
        None
    };
    let actor = lex.actor_words.get(word).copied();
    let non_role = |w: &str| {
        lex.actor_words
            .get(w)
            .filter(|r| !matches!(r, ActorRef::Role(_)))
            .copied()
    };
    let parties = non_role(word).or_else(|| (2..n).rev().find_map(|k| non_role(&word[..b[k]])));
    let role = (0..n).filter(|&k| k == 0 || n - k >= 2).find_map(|k| {
        match lex.actor_words.get(&word[b[k]..]) {
            Some(ActorRef::Role(i)) => Some(*i as u16),
            _ => None,
        }
    });
    // Sub-words only inside Chinese words of dictionary size: a long run of digits or Latin
    // letters is one token and has none worth indexing.
    let mut sub = String::new();
    let searchable = n <= MAX_SUB_WORD_SOURCE && word.chars().all(|c| !c.is_ascii());
    for len in (2..n).filter(|_| searchable) {
        for start in 0..=n - len {
            let s = &word[b[start]..b[start + len]];
            if jieba.has_word(s) {
                sub.push(' ');
                sub.push_str(s);
            }
        }
    }
    let sub_words = if sub.is_empty() {
        0
    } else {
        arena.push(sub.into_boxed_str());
        (arena.len() - 1) as u32
    };
    let pos = pos_of(jieba, word);
    let chars: Vec<char> = word.chars().collect();
    let topics = lex.topic_words.get(word).copied();
    let indexed = !(pos == Pos::Punctuation || word.trim().is_empty() || word.contains(' '));
    let mut flags = 0;
    for (on, bit) in [
        (actor.is_some(), flag::ACTOR),
        (parties.is_some(), flag::PARTIES),
        (role.is_some(), flag::ROLE),
        (
            cue.is_some() || glued_cue.is_some() || plain_tail.is_some(),
            flag::CUE,
        ),
        (
            lex.cue_phrases.may_match_from(&chars),
            flag::CUE_PHRASE_START,
        ),
        (
            lex.organisation_names.may_match_from(&chars),
            flag::ORGANISATION_START,
        ),
        (
            n >= 2 && pos.is_content() && !lex.stopwords.contains(word) && actor.is_none(),
            flag::KEYWORD,
        ),
        (topics.is_some(), flag::TOPICS),
        (lex.adverbs.contains(word), flag::ADVERB),
        (
            cue.is_some() || starts_with_adverb,
            flag::KEEPS_MARKER_A_CUE,
        ),
        (indexed, flag::SEARCHABLE),
        (
            indexed && word.bytes().any(|b| b.is_ascii_uppercase()),
            flag::LOWERCASE,
        ),
        (sub_words != 0, flag::SUB_WORDS),
    ] {
        if on {
            flags |= bit;
        }
    }
    WordInfo {
        pos,
        flags,
        cue,
        glued_cue,
        plain_tail,
        object_marker: lex.object_markers.contains(word),
        actor,
        parties,
        role,
        topics,
        idf: idf(jieba, word),
        sub_words,
    }
}
