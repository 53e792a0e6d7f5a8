//! The extractor's knowledge, loaded from the data files of `lexicon/`: the jieba domain
//! dictionary, parties and their names, sub-actor roles, organisation aliases, the topic
//! taxonomy, cue words, stop words and web-page clutter patterns.
//!
//! The files are compiled into the binary; a directory given with `--lexicon-dir`
//! (`PLEDGELINE_LEXICON_DIR`) overrides any of them file by file, so an analyst can add an
//! alias without rebuilding. Formats are documented in `lexicon/README.md`.

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::Kind;
use super::Modality;

/// The data files, by name, as compiled into the binary.
const EMBEDDED: &[(&str, &str)] = &[
    ("dict.txt", include_str!("../../lexicon/dict.txt")),
    ("parties.toml", include_str!("../../lexicon/parties.toml")),
    ("actors.toml", include_str!("../../lexicon/actors.toml")),
    (
        "organisations.toml",
        include_str!("../../lexicon/organisations.toml"),
    ),
    ("topics.toml", include_str!("../../lexicon/topics.toml")),
    ("cues.toml", include_str!("../../lexicon/cues.toml")),
    ("stopwords.txt", include_str!("../../lexicon/stopwords.txt")),
    ("clutter.toml", include_str!("../../lexicon/clutter.toml")),
];

/// A data file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("cannot read lexicon file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("lexicon file {file}: {reason}")]
    Invalid { file: String, reason: String },
}

fn invalid(file: &str, reason: impl Into<String>) -> LexiconError {
    LexiconError::Invalid {
        file: file.to_owned(),
        reason: reason.into(),
    }
}

/// Where the data files come from.
#[derive(Debug, Clone, Default)]
pub enum LexiconSource {
    /// The files compiled into the binary.
    #[default]
    Embedded,
    /// A directory whose files override the embedded ones of the same name.
    Dir(PathBuf),
}

/// One state or other party (`parties.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub names: Vec<String>,
    #[serde(default)]
    pub short: Option<String>,
}

/// A kind of sub-actor within a party (`actors.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub words: Vec<String>,
}

/// An organisation, mechanism or project with its aliases (`organisations.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub key: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub topic: Option<String>,
}

/// One topic of the taxonomy (`topics.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub strong: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// How a cue takes part in classification (see `cues.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// A governing predicate: the earliest one decides the kind.
    Head,
    /// Evidence used only when there is no head cue.
    Plain,
    /// Lowers a commitment's modality to weak.
    Hedge,
}

/// The kind a cue votes for; `fact` stands for [`Kind::ReportedFact`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    Reaffirmation,
    Commitment,
    Support,
    Assessment,
    Fact,
    Background,
}

impl CueKind {
    pub fn kind(self) -> Kind {
        match self {
            Self::Reaffirmation => Kind::Reaffirmation,
            Self::Commitment => Kind::Commitment,
            Self::Support => Kind::Support,
            Self::Assessment => Kind::Assessment,
            Self::Fact => Kind::ReportedFact,
            Self::Background => Kind::Background,
        }
    }
}

/// A group of cue words sharing kind, modality and tier.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueGroup {
    pub kind: CueKind,
    #[serde(default)]
    pub modality: Option<Modality>,
    pub tier: Tier,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub phrases: Vec<String>,
}

/// Web-page clutter line patterns (`clutter.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Clutter {
    #[serde(default)]
    pub prefixes: Vec<String>,
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default = "default_breadcrumb_chars")]
    pub max_breadcrumb_chars: usize,
    #[serde(default)]
    pub separators: Vec<String>,
    /// The patterns above, compiled by [`Clutter::compile`].
    #[serde(skip)]
    pub prefix_index: Gazetteer<()>,
    #[serde(skip)]
    pub contains_index: Gazetteer<()>,
    #[serde(skip)]
    pub separator_index: Gazetteer<()>,
}

impl Clutter {
    /// Builds the matchers (call after changing the lists).
    pub fn compile(mut self) -> Self {
        for (list, index) in [
            (&self.prefixes, &mut self.prefix_index),
            (&self.contains, &mut self.contains_index),
            (&self.separators, &mut self.separator_index),
        ] {
            *index = Gazetteer::default();
            for p in list {
                index.insert(p, ());
            }
        }
        self
    }
}

fn default_breadcrumb_chars() -> usize {
    60
}

/// What a token that names an actor stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorRef {
    /// All parties of the document (双方, 两国 …).
    Both,
    /// One party, by index into [`Lexicon::parties`].
    Party(usize),
    /// A two-party compound such as 中哈.
    Pair(usize, usize),
    /// A sub-actor role, by index into [`Lexicon::roles`].
    Role(usize),
}

/// Finds the leftmost-longest occurrences of a set of phrases in a char slice.
///
/// A character trie: transitions in one hash table keyed by (node, character), and a bitmap
/// of the characters that start a phrase, so that a position whose character starts none
/// (most of them) costs one bit test.
#[derive(Debug, Clone)]
pub struct Gazetteer<T> {
    /// Bit per code point below [`FIRST_CHAR_BITS`]: some phrase starts with it.
    first: Vec<u64>,
    /// (node, character) → child node. The root is node 0.
    edges: FxHashMap<(u32, char), u32>,
    /// The value of the phrase ending at each node.
    values: Vec<Option<T>>,
}

/// Code points tracked by the first-character bitmap; phrases starting above it are always
/// looked up.
const FIRST_CHAR_BITS: usize = 0x3_0000;

/// One phrase occurrence: char range and the phrase's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<T> {
    pub start: usize,
    pub end: usize,
    pub value: T,
}

impl<T> Default for Gazetteer<T> {
    fn default() -> Self {
        Self {
            first: vec![0; FIRST_CHAR_BITS / 64],
            edges: FxHashMap::default(),
            values: vec![None],
        }
    }
}

impl<T: Copy> Gazetteer<T> {
    #[inline]
    fn may_start(&self, c: char) -> bool {
        let c = c as usize;
        c >= FIRST_CHAR_BITS || self.first[c / 64] & (1 << (c % 64)) != 0
    }

    /// The longest phrase starting at `i`, as (length, value).
    #[inline]
    pub fn longest_at(&self, text: &[char], i: usize) -> Option<(usize, T)> {
        if !self.may_start(*text.get(i)?) {
            return None;
        }
        let mut node = 0u32;
        let mut best = None;
        for (k, &c) in text[i..].iter().enumerate() {
            let Some(&next) = self.edges.get(&(node, c)) else {
                break;
            };
            node = next;
            if let Some(v) = self.values[node as usize] {
                best = Some((k + 1, v));
            }
        }
        best
    }

    /// Whether a phrase may start where `word` starts: one ends inside it, or it runs on
    /// through the whole word (and may go on past it).
    pub fn may_match_from(&self, word: &[char]) -> bool {
        let Some(&first) = word.first() else {
            return false;
        };
        if !self.may_start(first) {
            return false;
        }
        let mut node = 0u32;
        for &c in word {
            let Some(&next) = self.edges.get(&(node, c)) else {
                return false;
            };
            node = next;
            if self.values[node as usize].is_some() {
                return true;
            }
        }
        true
    }

    /// Non-overlapping occurrences that start at one of `starts` (ascending), e.g. token
    /// starts, taking the longest phrase at each.
    pub fn find_at(&self, text: &[char], starts: impl IntoIterator<Item = usize>) -> Vec<Hit<T>> {
        let mut hits = Vec::new();
        let mut next_free = 0;
        for i in starts {
            if i < next_free || i >= text.len() {
                continue;
            }
            if let Some((len, value)) = self.longest_at(text, i) {
                hits.push(Hit {
                    start: i,
                    end: i + len,
                    value,
                });
                next_free = i + len;
            }
        }
        hits
    }

    /// Adds a phrase; the first value given for a phrase stays.
    fn insert(&mut self, phrase: &str, value: T) {
        let mut chars = phrase.chars().peekable();
        let Some(&first) = chars.peek() else { return };
        if (first as usize) < FIRST_CHAR_BITS {
            self.first[first as usize / 64] |= 1 << (first as usize % 64);
        }
        let mut node = 0u32;
        for c in chars {
            let fresh = self.values.len() as u32;
            node = *self.edges.entry((node, c)).or_insert(fresh);
            if node == fresh {
                self.values.push(None);
            }
        }
        self.values[node as usize].get_or_insert(value);
    }

    /// Non-overlapping occurrences, scanning left to right and taking the longest phrase at
    /// each position.
    pub fn find(&self, text: &[char]) -> Vec<Hit<T>> {
        self.find_at(text, 0..text.len())
    }
}

/// Everything the extractor knows, with lookup indexes built once at load time.
#[derive(Debug)]
pub struct Lexicon {
    pub parties: Vec<Party>,
    pub collective: Vec<String>,
    pub roles: Vec<Role>,
    pub organisations: Vec<Organisation>,
    pub topics: Vec<Topic>,
    pub cues: Vec<CueGroup>,
    pub not_cues: Vec<NotCue>,
    /// Adverbs between a comma and a clause's cue, or glued to a cue (积极支持).
    pub adverbs: FxHashSet<String>,
    /// Words that mark an object when a noun follows (将, 把).
    pub object_markers: FxHashSet<String>,
    pub stopwords: FxHashSet<String>,
    pub clutter: Clutter,
    /// The jieba user dictionary, comment lines removed.
    pub dict: String,
    /// Hex SHA-256 over every file's name and content: changes whenever the data does.
    pub fingerprint: String,
    /// Words naming actors (party names, collectives, pair compounds, role words).
    pub actor_words: FxHashMap<String, ActorRef>,
    /// Organisation names and aliases → index into `organisations`.
    pub organisation_names: Gazetteer<usize>,
    /// Cue words (whole tokens) → index into `cues`.
    pub cue_words: FxHashMap<String, usize>,
    /// Cue phrases (substrings) → index into `cues`.
    pub cue_phrases: Gazetteer<usize>,
    /// Topic words → index into `topic_lists`.
    pub topic_words: FxHashMap<String, u32>,
    /// For each topic word: (index into `topics`, weight) of every topic it points to.
    pub topic_lists: Vec<Vec<(usize, u32)>>,
    /// Party name prefixes stripped from instrument titles (longest match).
    pub party_prefix_index: Gazetteer<()>,
    /// Party and pair names, for finding a title's parties.
    pub party_names: Gazetteer<ActorRef>,
    /// First characters of adverbs (积极支持 → 积).
    pub adverb_first_chars: FxHashSet<char>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartiesFile {
    collective: Collective,
    party: Vec<Party>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Collective {
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    role: Vec<Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationsFile {
    organisation: Vec<Organisation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    topic: Vec<Topic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CuesFile {
    cue: Vec<CueGroup>,
    #[serde(default)]
    not_cue: Vec<NotCue>,
    #[serde(default)]
    adverbs: WordList,
    #[serde(default)]
    object_markers: WordList,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordList {
    words: Vec<String>,
}

/// A construction that neutralises a cue word (`[[not_cue]]` of `cues.toml`): `word` opening a
/// clause, closed by `until` later in the same sentence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCue {
    pub word: String,
    pub until: String,
}

/// Weight of a topic's `strong` words; `keywords` weigh 1.
pub const STRONG_TOPIC_WEIGHT: u32 = 3;

impl Lexicon {
    /// Reads and checks every data file.
    pub fn load(source: &LexiconSource) -> Result<Self, LexiconError> {
        let mut files: Vec<(&str, String)> = Vec::with_capacity(EMBEDDED.len());
        for (name, embedded) in EMBEDDED {
            let text = match source {
                LexiconSource::Dir(dir) => read_override(dir, name)?,
                LexiconSource::Embedded => None,
            };
            files.push((name, text.unwrap_or_else(|| (*embedded).to_owned())));
        }
        let text = |name: &str| -> &str {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.as_str())
                .unwrap_or_default()
        };
        let mut h = Sha256::new();
        for (name, content) in &files {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update((content.len() as u64).to_le_bytes());
            h.update(content.as_bytes());
        }
        let fingerprint = hex::encode(h.finalize());

        let parties: PartiesFile = parse_toml("parties.toml", text("parties.toml"))?;
        let actors: ActorsFile = parse_toml("actors.toml", text("actors.toml"))?;
        let orgs: OrganisationsFile = parse_toml("organisations.toml", text("organisations.toml"))?;
        let topics: TopicsFile = parse_toml("topics.toml", text("topics.toml"))?;
        let cues: CuesFile = parse_toml("cues.toml", text("cues.toml"))?;
        let clutter: Clutter = parse_toml("clutter.toml", text("clutter.toml"))?;
        let stopwords = words_file(text("stopwords.txt"))
            .map(str::to_owned)
            .collect();
        let dict = check_dict(text("dict.txt"))?;

        let mut lexicon = Self {
            parties: parties.party,
            collective: parties.collective.words,
            roles: actors.role,
            organisations: orgs.organisation,
            topics: topics.topic,
            cues: cues.cue,
            not_cues: cues.not_cue,
            adverbs: cues.adverbs.words.into_iter().collect(),
            object_markers: cues.object_markers.words.into_iter().collect(),
            stopwords,
            clutter: clutter.compile(),
            dict,
            fingerprint,
            actor_words: FxHashMap::default(),
            organisation_names: Gazetteer::default(),
            cue_words: FxHashMap::default(),
            cue_phrases: Gazetteer::default(),
            topic_words: FxHashMap::default(),
            topic_lists: Vec::new(),
            party_prefix_index: Gazetteer::default(),
            party_names: Gazetteer::default(),
            adverb_first_chars: FxHashSet::default(),
        };
        lexicon.validate()?;
        lexicon.build_indexes();
        Ok(lexicon)
    }

    fn validate(&self) -> Result<(), LexiconError> {
        let mut seen = HashSet::new();
        for p in &self.parties {
            if !seen.insert(p.code.as_str()) {
                return Err(invalid(
                    "parties.toml",
                    format!("duplicate code {}", p.code),
                ));
            }
        }
        let mut names = HashMap::new();
        for (i, p) in self.parties.iter().enumerate() {
            for n in p.names.iter().chain(p.short.iter()) {
                if let Some(j) = names.insert(n.as_str(), i)
                    && j != i
                {
                    return Err(invalid(
                        "parties.toml",
                        format!("{n} names both {} and {}", self.parties[j].code, p.code),
                    ));
                }
            }
        }
        if self.topics.is_empty() {
            return Err(invalid("topics.toml", "no topics"));
        }
        let topic_ids: HashSet<&str> = self.topics.iter().map(|t| t.id.as_str()).collect();
        if topic_ids.len() != self.topics.len() {
            return Err(invalid("topics.toml", "duplicate topic id"));
        }
        for o in &self.organisations {
            if let Some(t) = &o.topic
                && !topic_ids.contains(t.as_str())
            {
                return Err(invalid(
                    "organisations.toml",
                    format!("{}: unknown topic {t}", o.key),
                ));
            }
        }
        for c in &self.cues {
            if matches!(
                c.kind,
                CueKind::Commitment | CueKind::Reaffirmation | CueKind::Support
            ) && c.modality.is_none()
            {
                return Err(invalid("cues.toml", "commitment cues need a modality"));
            }
        }
        Ok(())
    }

    fn build_indexes(&mut self) {
        for w in &self.collective {
            self.actor_words.insert(w.clone(), ActorRef::Both);
        }
        for (i, r) in self.roles.iter().enumerate() {
            for w in &r.words {
                self.actor_words
                    .entry(w.clone())
                    .or_insert(ActorRef::Role(i));
            }
        }
        for (i, p) in self.parties.iter().enumerate() {
            for n in &p.names {
                self.actor_words.insert(n.clone(), ActorRef::Party(i));
            }
        }
        // Two-party compounds (中哈, 哈中) of the first party, the "home" side of the corpus,
        // with every party that has a one-character short form.
        if let Some(home) = self.parties.first().and_then(|p| p.short.clone()) {
            for (i, p) in self.parties.iter().enumerate().skip(1) {
                if let Some(s) = &p.short {
                    for compound in [format!("{home}{s}"), format!("{s}{home}")] {
                        self.actor_words
                            .entry(compound)
                            .or_insert(ActorRef::Pair(0, i));
                    }
                }
            }
        }
        for (i, o) in self.organisations.iter().enumerate() {
            self.organisation_names.insert(&o.zh, i);
            for a in &o.aliases {
                self.organisation_names.insert(a, i);
            }
        }
        for (i, c) in self.cues.iter().enumerate() {
            for w in &c.words {
                self.cue_words.entry(w.clone()).or_insert(i);
            }
            for p in &c.phrases {
                self.cue_phrases.insert(p, i);
            }
        }
        for (i, t) in self.topics.iter().enumerate() {
            let weighted = t
                .strong
                .iter()
                .map(|w| (w, STRONG_TOPIC_WEIGHT))
                .chain(t.keywords.iter().map(|w| (w, 1)));
            for (w, weight) in weighted {
                let next = self.topic_lists.len() as u32;
                let list = *self.topic_words.entry(w.clone()).or_insert(next);
                if list == next {
                    self.topic_lists.push(Vec::new());
                }
                let entry = &mut self.topic_lists[list as usize];
                if !entry.iter().any(|(t, _)| *t == i) {
                    entry.push((i, weight));
                }
            }
        }
        let mut prefixes = Gazetteer::default();
        for name in self
            .parties
            .iter()
            .flat_map(|p| &p.names)
            .chain(&self.collective)
            .chain(
                self.actor_words
                    .iter()
                    .filter(|(_, r)| matches!(r, ActorRef::Pair(..)))
                    .map(|(w, _)| w),
            )
        {
            prefixes.insert(name, ());
        }
        self.party_prefix_index = prefixes;
        for (w, r) in &self.actor_words {
            if matches!(r, ActorRef::Party(_) | ActorRef::Pair(..)) {
                self.party_names.insert(w, *r);
            }
        }
        self.adverb_first_chars = self
            .adverbs
            .iter()
            .filter_map(|a| a.chars().next())
            .collect();
    }

    /// Index of a topic by id.
    pub fn topic_index(&self, id: &str) -> Option<usize> {
        self.topics.iter().position(|t| t.id == id)
    }

    /// The words to add to jieba's dictionary beyond `dict.txt`: every actor word, so that
    /// names and compounds come out as single tokens.
    pub fn extra_words(&self) -> impl Iterator<Item = &str> {
        self.actor_words.keys().map(String::as_str)
    }
}

pub(crate) fn read_override(dir: &Path, name: &str) -> Result<Option<String>, LexiconError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LexiconError::Read { path, source }),
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LexiconError> {
    toml::from_str(text).map_err(|e| invalid(file, e.to_string()))
}

/// Non-empty, non-comment lines, trimmed.
fn words_file(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Checks `WORD FREQ [TAG]` lines and returns them without comments.
fn check_dict(text: &str) -> Result<String, LexiconError> {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next().unwrap_or_default();
        let freq_ok = parts.next().is_some_and(|f| f.parse::<u64>().is_ok());
        if word.is_empty() || !freq_ok || parts.clone().count() > 1 {
            return Err(invalid(
                "dict.txt",
                format!("line {}: expected `WORD FREQ [TAG]`: {line}", n + 1),
            ));
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_takes_leftmost_longest() {
        let mut g = Gazetteer::default();
        g.insert("亚信", 1);
        g.insert("亚信论坛", 2);
        g.insert("论坛", 3);
        let text: Vec<char> = "在亚信论坛框架内".chars().collect();
        let hits = g.find(&text);
        assert_eq!(
            hits,
            vec![Hit {
                start: 1,
                end: 5,
                value: 2
            }]
        );
    }

    #[test]
    fn gazetteer_keeps_the_first_value_and_knows_where_phrases_may_start() {
        let mut g = Gazetteer::default();
        g.insert("上海合作组织", 1);
        g.insert("上海合作组织", 2);
        g.insert("欧亚经济联盟", 3);
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(g.longest_at(&chars("上海合作组织成员国"), 0), Some((6, 1)));
        assert_eq!(g.longest_at(&chars("上海市"), 0), None);
        // A word a phrase runs through, a word holding a whole phrase, and words that
        // leave every phrase.
        assert!(g.may_match_from(&chars("上海")));
        assert!(g.may_match_from(&chars("上海合作组织峰会")));
        assert!(!g.may_match_from(&chars("上海市")));
        assert!(!g.may_match_from(&chars("合作")));
        assert!(!g.may_match_from(&[]));
    }

    #[test]
    fn embedded_lexicon_loads_and_indexes() {
        let lex = Lexicon::load(&LexiconSource::Embedded).expect("embedded lexicon");
        assert_eq!(lex.actor_words.get("双方"), Some(&ActorRef::Both));
        assert!(matches!(
            lex.actor_words.get("中方"),
            Some(ActorRef::Party(0))
        ));
        assert!(matches!(
            lex.actor_words.get("中哈"),
            Some(ActorRef::Pair(0, _))
        ));
        assert!(lex.topic_index("trade").is_some());
        assert_eq!(lex.fingerprint.len(), 64);
    }

    #[test]
    fn override_dir_replaces_one_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("stopwords.txt"),
            "# only one\n独一无二的停用词\n",
        )
        .unwrap();
        let lex = Lexicon::load(&LexiconSource::Dir(dir.path().to_owned())).unwrap();
        assert!(lex.stopwords.contains("独一无二的停用词"));
        assert_eq!(lex.stopwords.len(), 1);
        let embedded = Lexicon::load(&LexiconSource::Embedded).unwrap();
        assert_ne!(lex.fingerprint, embedded.fingerprint);
    }

    #[test]
    fn bad_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dict.txt"), "双边贸易额 notanumber n\n").unwrap();
        let err = Lexicon::load(&LexiconSource::Dir(dir.path().to_owned())).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("dict.txt") && msg.contains("line 1"), "{msg}");
    }
}
