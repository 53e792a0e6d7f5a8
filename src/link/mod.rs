//! Link layer: finds the same commitment across documents and groups its mentions into
//! *threads*. Pure: units in, links and threads out; `corpus` feeds it from the store.
//!
//! 1. Each unit gets a [`Profile`]: its content words weighted by how rare they are in
//!    jieba's reference dictionary (a fixed weight, so the result never depends on what else
//!    the store holds or in which order documents arrived), with the names of organisations,
//!    titled documents, quoted names and target metrics replaced by their alias-resolved keys.
//! 2. Two units of different documents are compared only when they share a *channel* (a key,
//!    a field of cooperation, or a word heavy enough), and through each channel a unit meets
//!    only the last few units before its document that have it: the store reads them from an
//!    index, so a new document's candidates are bounded however large the store is.
//! 3. The score ([`score`]) is a weighted Dice similarity of the profiles, lowered when topics
//!    or parties disagree, when neither unit is a pledge (and they are of different kinds or
//!    look back over a period), or when only one is framed within an organisation, and raised
//!    by a shared target; each link keeps its [`Evidence`].
//! 4. Links are clustered by average linkage document by document in document order
//!    ([`cluster`]), which does not chain unrelated units through one generic sentence (a
//!    unit joins a thread only when it is close to the thread's members on average), and
//!    lets a new document be linked by one merge step over the threads it touches.
//! 5. A thread's mentions are ordered by document date; each later mention gets its
//!    [`Relation`] to the thread ([`relation`]), and the thread a title, topic, parties,
//!    deadline and target ([`summary`]).

pub mod cluster;
pub mod eval;
pub mod export;
pub mod relation;
pub mod rules;
pub mod status;
pub mod summary;

use std::cmp::Ordering;

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::extract::{Attributes, Extractor, Kind, Modality, units::Pos, words};
pub use rules::LinkRules;

/// Bumped whenever linking rules in code change in a way that changes results.
pub const LINKER_VERSION: i32 = 6;

string_enum! {
    /// How a mention stands to its thread.
    pub enum Relation ("relation") {
        /// The first statement of the commitment.
        Origin => "origin",
        /// States it again.
        Reaffirms => "reaffirms",
        /// A step towards it: launched, building, negotiating, a plan adopted.
        Advances => "advances",
        /// It is done: established, signed, held, opened, reached.
        Fulfils => "fulfils",
        /// Its target or deadline changed.
        Revises => "revises",
        /// Only refers to it.
        Refers => "refers",
    }
}

/// What the linker needs of one stored unit (also stored with its profile, as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkUnit {
    /// The commitment id.
    pub id: i64,
    pub document: i64,
    /// The document's content hash (hex): orders documents of the same date the same way
    /// whatever their ids.
    pub document_key: String,
    /// Signing date, else publication date.
    pub date: Option<NaiveDate>,
    pub span_start: i32,
    pub span_end: i32,
    pub kind: Kind,
    pub modality: Modality,
    /// Canonical actors (`both` or party codes).
    pub actors: Vec<String>,
    /// The document's parties: what `both` stands for.
    pub document_parties: Vec<String>,
    pub topic: String,
    pub text: String,
    pub analysis_text: String,
    pub attributes: Attributes,
}

impl LinkUnit {
    /// Document date (undated documents last), document, position: the order of mentions.
    pub fn order(&self, other: &Self) -> Ordering {
        let date = |u: &Self| (u.date.is_none(), u.date);
        date(self)
            .cmp(&date(other))
            .then_with(|| self.document_key.cmp(&other.document_key))
            .then_with(|| (self.span_start, self.span_end).cmp(&(other.span_start, other.span_end)))
    }

    /// The document's place in document order, as text that sorts the same way (see
    /// [`document_order`]).
    pub fn document_order(&self) -> String {
        document_order(self.date, &self.document_key)
    }

    /// The unit's place in document order, as text that sorts like [`LinkUnit::order`].
    pub fn unit_order(&self) -> String {
        format!(
            "{}{:010}{:010}",
            self.document_order(),
            self.span_start.max(0),
            self.span_end.max(0)
        )
    }

    /// Parties the unit speaks for, `both` resolved to the document's parties.
    pub fn parties(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .actors
            .iter()
            .flat_map(|a| {
                if a == crate::extract::actors::BOTH {
                    self.document_parties.clone()
                } else {
                    vec![a.clone()]
                }
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// A document's place in document order as text that sorts like [`LinkUnit::order`]:
/// dated documents first by date, undated ones last, then by content hash.
pub fn document_order(date: Option<NaiveDate>, key: &str) -> String {
    match date {
        Some(d) => format!("0{}|{key}", d.format("%Y-%m-%d")),
        None => format!("1|{key}"),
    }
}

/// Feature names, numbered for the run: words as `w:词`, keys as `k:org:sco`.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Vocabulary {
    fn id(&mut self, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.clone(), id);
        self.names.push(name);
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// A unit's weighted features.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// (feature, weight), sorted by feature.
    pub features: Vec<(u32, f32)>,
    /// Sum of the weights (added up in name order, so the same whatever the numbering).
    pub total: f32,
    /// Features that are channels, as stored (`w:词`, `k:org:sco`), sorted.
    pub channels: Vec<String>,
    /// Their weights, in the same order.
    pub channel_weights: Vec<f32>,
    /// The unit names a step towards something (a word of `advance_words`).
    pub advance: bool,
    /// The unit reports something done (a word of `fulfil_words`).
    pub fulfil: bool,
    /// The unit looks back over a period (a word of `retrospective_markers`).
    pub retrospective: bool,
    /// The unit names an organisation (its own or one carried from context).
    pub names_organisation: bool,
    /// The unit is framed within an organisation it names (a word of `frame_words`).
    pub framed: bool,
}

/// Marks: features of weight 0 that say what kind of statement a unit is, not what it is
/// about. They are stored with the features and never add to a similarity.
const RETROSPECTIVE: &str = "m:retrospective";
const FRAMED: &str = "m:framed";

/// A profile as the store keeps it, so that a unit is analysed once, not every time another
/// document is linked against it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredProfile {
    /// (feature name, weight), sorted by name; marks (`m:…`) among them.
    pub features: Vec<(String, f32)>,
    pub advance: bool,
    pub fulfil: bool,
}

/// What made two units a link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Shared keys (organisations, documents, names, target metrics).
    pub keys: Vec<String>,
    /// Shared content words, heaviest first.
    pub words: Vec<String>,
    /// Shared fields of cooperation (`[fields]` of the link rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Same target metric: and whether amount and deadline agree as well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetEvidence>,
    pub same_topic: bool,
    /// The units speak for different single parties.
    pub other_parties: bool,
    /// The similarity of the profiles alone (0–1).
    pub similarity: f64,
}

/// A shared target metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetEvidence {
    pub metric: String,
    pub same_amount: bool,
    pub same_deadline: bool,
}

/// A scored link between two units (indexes into the caller's slice), `a` before `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub a: usize,
    pub b: usize,
    /// Rounded to four decimals, so that it reads back from the store unchanged.
    pub score: f64,
    pub evidence: Evidence,
}

/// Most shared words kept as evidence.
const EVIDENCE_WORDS: usize = 8;

/// The linker: the extractor's segmenter and lexicon, and the link rules.
pub struct Linker<'e> {
    extractor: &'e Extractor,
    rules: LinkRules,
}

impl std::fmt::Debug for Linker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("rules", &self.rules.fingerprint)
            .finish_non_exhaustive()
    }
}

impl<'e> Linker<'e> {
    pub fn new(extractor: &'e Extractor, rules: LinkRules) -> Self {
        Self { extractor, rules }
    }

    /// When clusters merge, from the rules.
    pub fn linkage(&self) -> cluster::Linkage {
        let s = &self.rules.similarity;
        cluster::Linkage {
            threshold: s.merge_threshold,
            repeat_threshold: s.repeat_merge_threshold,
            links_per_unit: s.max_links_per_unit,
        }
    }

    pub fn rules(&self) -> &LinkRules {
        &self.rules
    }

    /// Which linker made the stored links: version, rules, and the extractor it reads.
    pub fn fingerprint(&self) -> String {
        format!(
            "v{LINKER_VERSION}-{}-{}",
            &self.rules.fingerprint[..12],
            self.extractor.fingerprint()
        )
    }

    fn weight(&self, idf_hundredths: u16) -> f32 {
        let s = &self.rules.similarity;
        (f32::from(idf_hundredths) / 100.0 - s.idf_base)
            .min(s.weight_cap)
            .max(s.weight_floor)
    }

    /// The fields of cooperation named by a word or by a field word inside it.
    fn fields_in(&self, word: &str, out: &mut Vec<u16>) {
        let r = &self.rules;
        if r.field_words.is_empty() {
            return;
        }
        for (i, _) in word.char_indices() {
            let rest = &word[i..];
            // Substrings of two characters or more starting at `i`, up to the longest field word.
            for (n, (j, c)) in rest.char_indices().enumerate().take(r.longest_field_word) {
                if n > 0
                    && let Some(fs) = r.field_words.get(&rest[..j + c.len_utf8()])
                {
                    out.extend_from_slice(fs);
                }
            }
        }
    }

    /// What the linker reads of a unit: its content words (and the dictionary words inside
    /// them) weighted by rarity, names replaced by their keys, and whether it names a step or
    /// reports something done.
    pub fn analyse(&self, unit: &LinkUnit) -> StoredProfile {
        let lex = self.extractor.lexicon();
        let jieba = self.extractor.jieba();
        let s = &self.rules.similarity;
        let names: Vec<&str> = unit
            .attributes
            .instruments
            .iter()
            .map(|i| i.text.as_str())
            .collect();
        let inside_name = |w: &str| names.iter().any(|n| n.contains(w));
        let cut = jieba.cut(&unit.analysis_text, true);
        words::prepare(lex);
        let annotated = words::annotate(lex, jieba, cut.iter().map(|t| t.word));
        let mut weights: FxHashMap<String, f32> = FxHashMap::default();
        let mut fields: Vec<u16> = Vec::new();
        let mut advance = false;
        let mut fulfil = false;
        let mut retrospective = false;
        let mut framed = false;
        let mut add = |word: &str, w: f32| {
            if w > 0.0 {
                let e = weights.entry(word.to_owned()).or_insert(0.0);
                *e = e.max(w);
            }
        };
        // Where the unit's commitment starts: words before its head cue (circumstances,
        // who speaks) and words of a purpose clause after it (以…, 为…) say less about what
        // is committed to than the cue's object does.
        let length = unit.analysis_text.chars().count();
        let cue_start = (length as i64 == i64::from(unit.span_end - unit.span_start))
            .then(|| {
                unit.attributes
                    .cues
                    .iter()
                    .filter(|c| c.role == "head")
                    .map(|c| c.start as i64 - i64::from(unit.span_start))
                    .filter(|&p| p >= 0 && (p as usize) < length)
                    .min()
            })
            .flatten()
            .map_or(0, |p| p as usize);
        let mut purpose = false;
        let mut after_comma = false;
        // Items of the enumeration each token stands in (1 outside one): a field named as one
        // of many (文化、教育、旅游、卫生和体育) says less about the unit than a field alone.
        let items = enumeration_items(cut.iter().map(|t| t.word));
        let mut field_shares: Vec<(u16, f32)> = Vec::new();
        words::with_infos(|infos, sub_words| {
            for (k, (t, (id, _, flags))) in cut.iter().zip(&annotated).enumerate() {
                advance |= self.rules.advance_words.contains(t.word);
                fulfil |= self.rules.fulfil_words.contains(t.word);
                retrospective |= self.rules.retrospective_markers.contains(t.word);
                framed |= self.rules.frame_words.contains(t.word);
                fields.clear();
                self.fields_in(t.word, &mut fields);
                let list_share = list_share(items[k], s.list_items_in_full);
                field_shares.extend(fields.iter().map(|&f| (f, list_share)));
                if t.start >= cue_start
                    && after_comma
                    && self.rules.purpose_markers.contains(t.word)
                {
                    purpose = true;
                }
                after_comma = matches!(t.word, "，" | "," | "；");
                if flags & words::flag::KEYWORD == 0 || self.rules.boilerplate.contains(t.word) {
                    continue;
                }
                let mut share = if inside_name(t.word) {
                    s.name_word_share
                } else {
                    1.0
                };
                if t.end <= cue_start {
                    share *= s.pre_cue_share;
                } else if purpose {
                    share *= s.purpose_share;
                }
                if share <= 0.0 {
                    continue;
                }
                let info = &infos[*id as usize];
                let mut best_part: f32 = 0.0;
                for sub in sub_words[info.sub_words as usize].split(' ') {
                    if sub.chars().count() < 2
                        || lex.stopwords.contains(sub)
                        || lex.actor_words.contains_key(sub)
                        || self.rules.boilerplate.contains(sub)
                    {
                        continue;
                    }
                    let w = self.weight(words::idf(jieba, sub));
                    best_part = best_part.max(w);
                    add(sub, w * s.sub_word_share * share);
                }
                // A compound weighs at least as much as its heaviest part: the lexicon's own
                // words, which jieba is told are common so that it keeps them whole, would
                // weigh nothing otherwise.
                let own = self.weight(info.idf).max(best_part);
                let pos_share = if matches!(info.pos, Pos::Verb | Pos::Idiom) {
                    s.verb_share
                } else {
                    1.0
                };
                add(t.word, own * pos_share * share);
            }
        });
        // A name (organisation, titled document) listed with others, or as an example of
        // a class (联合国等国际组织), is one of the things the unit is about: its key counts
        // at its share of the list, like a field.
        let char_starts: Vec<usize> = cut.iter().map(|t| t.start).collect();
        let share_of = |text: &str| {
            unit.analysis_text
                .find(text)
                .map(|byte| unit.analysis_text[..byte].chars().count())
                .map_or(1.0, |at| {
                    let k = char_starts
                        .partition_point(|&st| st <= at)
                        .saturating_sub(1);
                    list_share(items.get(k).copied().unwrap_or(1), s.list_items_in_full)
                })
        };
        // Each key at the largest share of any instrument naming it (a target's metric: 1).
        let key_shares: Vec<(String, f32)> = unit
            .attributes
            .keys()
            .into_iter()
            .map(|key| {
                let share = unit
                    .attributes
                    .instruments
                    .iter()
                    .filter(|i| i.key == key)
                    .map(|i| share_of(&i.text))
                    .reduce(f32::max)
                    .unwrap_or(1.0);
                (key, share)
            })
            .collect();
        // A field named several times counts at its largest share.
        field_shares.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
        field_shares.dedup_by_key(|f| f.0);
        let mut features: Vec<(String, f32)> = weights
            .into_iter()
            .map(|(w, weight)| (format!("w:{w}"), weight))
            .chain(
                key_shares
                    .into_iter()
                    .map(|(k, share)| (format!("k:{k}"), s.key_weight * share)),
            )
            .chain(field_shares.iter().map(|&(f, share)| {
                (
                    format!("f:{}", self.rules.field_names[f as usize]),
                    s.field_weight * share,
                )
            }))
            .chain(
                [(retrospective, RETROSPECTIVE), (framed, FRAMED)]
                    .into_iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, mark)| (mark.to_owned(), 0.0)),
            )
            .collect();
        features.sort_by(|x, y| x.0.cmp(&y.0));
        features.dedup_by(|x, y| x.0 == y.0);
        StoredProfile {
            features,
            advance,
            fulfil,
        }
    }

    /// Profiles of units as [`Linker::analyse`] makes them, with context carried over: a
    /// unit that refers back (成员国, 本组织, 该协定: the `anaphors` of the rules) without
    /// naming an organisation or document of its own gets the names of the nearest unit
    /// before it in its document that has some, at `context_share` of their weight.
    pub fn analyse_all(&self, units: &[LinkUnit]) -> Vec<StoredProfile> {
        let mut out: Vec<StoredProfile> = units.iter().map(|u| self.analyse(u)).collect();
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by_key(|&i| (units[i].document, units[i].span_start, units[i].span_end));
        let share = self.rules.similarity.context_share;
        let is_name = |f: &str| f.starts_with("k:org:") || f.starts_with("k:doc:");
        let mut last: Option<(i64, usize)> = None;
        for i in order {
            let unit = &units[i];
            let named = out[i].features.iter().any(|(f, _)| is_name(f));
            if !named
                && share > 0.0
                && self
                    .rules
                    .anaphors
                    .iter()
                    .any(|a| unit.analysis_text.contains(a.as_str()))
                && let Some((doc, j)) = last
                && doc == unit.document
            {
                let carried: Vec<(String, f32)> = out[j]
                    .features
                    .iter()
                    .filter(|(f, _)| is_name(f))
                    .map(|(f, w)| (f.clone(), w * share))
                    .collect();
                let p = &mut out[i];
                p.features.extend(carried);
                p.features.sort_by(|x, y| x.0.cmp(&y.0));
                p.features.dedup_by(|x, y| x.0 == y.0);
            }
            if named {
                last = Some((unit.document, i));
            }
        }
        out
    }

    /// A stored profile numbered in `vocab`, with its channels.
    pub fn profile_of(&self, stored: &StoredProfile, vocab: &mut Vocabulary) -> Profile {
        let min = self.rules.similarity.channel_min_weight;
        let marked = |mark: &str| stored.features.iter().any(|(name, _)| name == mark);
        let names_organisation = stored
            .features
            .iter()
            .any(|(name, _)| name.starts_with("k:org:"));
        let (channels, channel_weights) = stored
            .features
            .iter()
            .filter(|(name, w)| name.starts_with("k:") || *w >= min)
            .map(|(name, w)| (name.clone(), *w))
            .unzip();
        let mut features: Vec<(u32, f32)> = stored
            .features
            .iter()
            .filter(|(name, _)| !name.starts_with("m:"))
            .map(|(name, w)| (vocab.id(name.clone()), *w))
            .collect();
        features.sort_by_key(|&(f, _)| f);
        Profile {
            total: stored.features.iter().map(|(_, w)| w).sum(),
            features,
            channels,
            channel_weights,
            advance: stored.advance,
            fulfil: stored.fulfil,
            retrospective: marked(RETROSPECTIVE),
            names_organisation,
            framed: marked(FRAMED) && names_organisation,
        }
    }

    /// The link between two units of different documents, if they score high enough and
    /// share a channel. Symmetric in its arguments.
    pub fn score(
        &self,
        a: &LinkUnit,
        pa: &Profile,
        b: &LinkUnit,
        pb: &Profile,
        vocab: &Vocabulary,
    ) -> Option<(f64, Evidence)> {
        if a.document == b.document || pa.total <= 0.0 || pb.total <= 0.0 {
            return None;
        }
        let s = &self.rules.similarity;
        // Shared features: both lists are sorted by feature.
        let (mut i, mut j) = (0, 0);
        let mut shared: Vec<(u32, f32)> = Vec::new();
        let mut shared_channel = false;
        while i < pa.features.len() && j < pb.features.len() {
            let (fa, wa) = pa.features[i];
            let (fb, wb) = pb.features[j];
            match fa.cmp(&fb) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let w = wa.min(wb);
                    shared.push((fa, w));
                    shared_channel |= w >= s.channel_min_weight;
                    i += 1;
                    j += 1;
                }
            }
        }
        if !shared_channel {
            return None;
        }
        let overlap: f64 = shared.iter().map(|&(_, w)| f64::from(w)).sum();
        let similarity = (2.0 * overlap / f64::from(pa.total + pb.total)) as f32;
        let same_topic = a.topic == b.topic
            || a.attributes.secondary_topics.contains(&b.topic)
            || b.attributes.secondary_topics.contains(&a.topic);
        let (pa_parties, pb_parties) = (single_party(a), single_party(b));
        let other_parties = matches!((pa_parties, pb_parties), (Some(x), Some(y)) if x != y);
        let target = shared_target(a, b);
        let mut score = similarity;
        if !same_topic {
            score *= s.other_topic_factor;
        }
        if other_parties {
            score *= s.other_actor_factor;
        }
        // Two statements of what is or was, neither a pledge: alike only on strong evidence
        // when one is an opinion and the other a reported event, or either looks back over a
        // period (another document's look back covers another period).
        if !a.kind.is_pledge()
            && !b.kind.is_pledge()
            && (a.kind != b.kind || pa.retrospective || pb.retrospective)
        {
            score *= s.report_pair_factor;
        }
        // A commitment within an organisation's framework and one naming no organisation.
        if (pa.framed && !pb.names_organisation) || (pb.framed && !pa.names_organisation) {
            score *= s.other_frame_factor;
        }
        if let Some(t) = &target {
            score += s.same_metric_bonus;
            if t.same_amount && t.same_deadline {
                score += s.same_target_bonus;
            }
        }
        if score < s.link_threshold {
            return None;
        }
        shared.sort_by(|x, y| {
            y.1.total_cmp(&x.1)
                .then_with(|| vocab.name(x.0).cmp(vocab.name(y.0)))
        });
        let mut keys = Vec::new();
        let mut words = Vec::new();
        let mut fields = Vec::new();
        for (f, _) in &shared {
            let name = vocab.name(*f);
            if let Some(k) = name.strip_prefix("k:") {
                keys.push(k.to_owned());
            } else if let Some(field) = name.strip_prefix("f:") {
                fields.push(field.to_owned());
            } else if let Some(w) = name.strip_prefix("w:")
                && words.len() < EVIDENCE_WORDS
            {
                words.push(w.to_owned());
            }
        }
        keys.sort();
        fields.sort();
        Some((
            round4(score),
            Evidence {
                keys,
                words,
                fields,
                target,
                same_topic,
                other_parties,
                similarity: round4(similarity),
            },
        ))
    }

    /// Every link among `units`, in a deterministic order. Each unit is compared with its
    /// candidates: for each of its channels, the `max_candidates_per_channel` units with that
    /// channel that come last before its document in document order (see
    /// [`LinkUnit::order`]). A document is thus compared with the same units whether it is
    /// linked on arrival or in a relink of everything.
    #[cfg(test)]
    pub fn links(&self, units: &[LinkUnit], profiles: &[Profile], vocab: &Vocabulary) -> Vec<Link> {
        let mut out: Vec<Link> = Vec::new();
        self.links_by_document(units, profiles, vocab, |links| {
            out.extend(links);
            true
        });
        out.sort_by_key(|l| (l.a, l.b));
        out
    }

    /// Every link among `units`, one document at a time in document order: `sink` gets
    /// each document's links to earlier units (sorted), and stops the work by returning
    /// false. Only the channels' postings are kept between documents, so a relink of a large
    /// store need not hold every link with its evidence at once.
    pub fn links_by_document(
        &self,
        units: &[LinkUnit],
        profiles: &[Profile],
        vocab: &Vocabulary,
        mut sink: impl FnMut(Vec<Link>) -> bool,
    ) {
        let window = self.rules.similarity.max_candidates_per_channel;
        let (order, rank) = cluster::document_order(units);
        // Per channel, the units seen so far that have it, in document order.
        let mut postings: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (_, run) in cluster::document_runs(units, &order) {
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            for &i in run {
                let p = &profiles[i];
                let windows = p
                    .channels
                    .iter()
                    .zip(&p.channel_weights)
                    .filter_map(|(c, &w)| {
                        let list = postings.get(c.as_str())?;
                        Some((w, &list[list.len().saturating_sub(window)..]))
                    });
                pairs.extend(
                    self.best_candidates(windows, |j| rank[j])
                        .into_iter()
                        .map(|j| (i, j)),
                );
            }
            pairs.sort_unstable();
            let mut links: Vec<Link> = pairs
                .into_iter()
                .filter_map(|(i, j)| self.link(units, profiles, vocab, i, j))
                .collect();
            links.sort_by_key(|l| (l.a, l.b));
            if !sink(self.keep_best(units, links)) {
                return;
            }
            for &i in run {
                for c in &profiles[i].channels {
                    postings.entry(c.as_str()).or_default().push(i);
                }
            }
        }
    }

    /// A unit's candidates: the units in the windows of its channels (`windows`: each
    /// channel's weight in the unit and the last units before its document that have it),
    /// ranked by the summed weights of the channels they share with it, of equal ones the
    /// later first (`later`: a key that sorts like document order), and at most
    /// `max_candidates_per_unit` of them. Only these are read and scored, so a document's
    /// candidates stop growing once its units have that many, however full the windows.
    pub fn best_candidates<'w, J, K>(
        &self,
        windows: impl IntoIterator<Item = (f32, &'w [J])>,
        later: impl Fn(J) -> K,
    ) -> Vec<J>
    where
        J: Copy + Eq + std::hash::Hash + 'w,
        K: Ord,
    {
        let mut shared: FxHashMap<J, f32> = FxHashMap::default();
        // In the unit's channel order, so each sum is added up the same way everywhere.
        for (weight, list) in windows {
            for &j in list {
                *shared.entry(j).or_insert(0.0) += weight;
            }
        }
        let mut ranked: Vec<(J, f32)> = shared.into_iter().collect();
        ranked.sort_by(|x, y| {
            y.1.total_cmp(&x.1)
                .then_with(|| later(y.0).cmp(&later(x.0)))
        });
        ranked.truncate(self.rules.similarity.max_candidates_per_unit);
        ranked.into_iter().map(|(j, _)| j).collect()
    }

    /// Keeps the links both of whose units count them among their best into the other's
    /// document (see `max_links_per_document`), and of those at most `max_links_per_unit`
    /// for each later unit (its best). What a unit keeps depends only on its own links to
    /// earlier units, so a document linked later never changes what earlier ones keep, and a
    /// document's links are the same whether it is linked on arrival or in a relink.
    pub fn keep_best(&self, units: &[LinkUnit], mut links: Vec<Link>) -> Vec<Link> {
        let s = &self.rules.similarity;
        // For each (unit, other document): its links, best first.
        let mut by_end: FxHashMap<(usize, i64), Vec<usize>> = FxHashMap::default();
        for (k, l) in links.iter().enumerate() {
            by_end
                .entry((l.a, units[l.b].document))
                .or_default()
                .push(k);
            by_end
                .entry((l.b, units[l.a].document))
                .or_default()
                .push(k);
        }
        let mut votes = vec![0u8; links.len()];
        for ((unit, _), mut ks) in by_end {
            let other = |k: usize| {
                if links[k].a == unit {
                    links[k].b
                } else {
                    links[k].a
                }
            };
            ks.sort_by(|&x, &y| {
                links[y]
                    .score
                    .total_cmp(&links[x].score)
                    .then_with(|| units[other(x)].order(&units[other(y)]))
            });
            let best = links[ks[0]].score;
            for (rank, &k) in ks.iter().enumerate() {
                if rank < s.max_links_per_document
                    && links[k].score >= best * f64::from(s.min_share_of_best)
                {
                    votes[k] += 1;
                }
            }
        }
        let mut k = 0;
        links.retain(|_| {
            k += 1;
            votes[k - 1] == 2
        });
        // Each later unit keeps its best `max_links_per_unit` links to earlier units.
        let mut of_later: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        for (k, l) in links.iter().enumerate() {
            of_later.entry(l.b).or_default().push(k);
        }
        let mut keep = vec![true; links.len()];
        for mut ks in of_later.into_values() {
            if ks.len() <= s.max_links_per_unit {
                continue;
            }
            ks.sort_by(|&x, &y| {
                links[y]
                    .score
                    .total_cmp(&links[x].score)
                    .then_with(|| units[links[y].a].order(&units[links[x].a]))
            });
            for &k in &ks[s.max_links_per_unit..] {
                keep[k] = false;
            }
        }
        let mut k = 0;
        links.retain(|_| {
            k += 1;
            keep[k - 1]
        });
        links
    }

    /// The link between units `i` and `j` of `units`, earlier one first.
    pub fn link(
        &self,
        units: &[LinkUnit],
        profiles: &[Profile],
        vocab: &Vocabulary,
        i: usize,
        j: usize,
    ) -> Option<Link> {
        let (a, b) = if units[i].order(&units[j]) == Ordering::Greater {
            (j, i)
        } else {
            (i, j)
        };
        self.score(&units[a], &profiles[a], &units[b], &profiles[b], vocab)
            .map(|(score, evidence)| Link {
                a,
                b,
                score,
                evidence,
            })
    }

    /// Groups linked units into threads: clusters of two or more units (from at least two
    /// documents), plus every pledge (commitment, reaffirmation, support) that links to
    /// nothing, as a thread of its own. Mentions come in document order with their relation.
    /// `constraints` (unit indexes) are the analyst's must-links and cannot-links.
    #[cfg(test)]
    pub fn threads(
        &self,
        units: &[LinkUnit],
        profiles: &[Profile],
        links: &[Link],
        constraints: &cluster::Constraints,
    ) -> Vec<summary::ThreadPlan> {
        let clusters =
            cluster::in_document_order(units, cluster::scores(links), self.linkage(), constraints);
        let by_pair: FxHashMap<(usize, usize), &Link> =
            links.iter().map(|l| ((l.a, l.b), l)).collect();
        self.plan_clusters(units, profiles, clusters, &by_pair)
    }

    /// [`Linker::threads`] from the links' scores alone, (a, b, score): what a relink keeps in
    /// memory. The links that attach mentions come without their evidence.
    pub fn threads_of_scores(
        &self,
        units: &[LinkUnit],
        profiles: &[Profile],
        scores: &[(usize, usize, f64)],
        constraints: &cluster::Constraints,
    ) -> Vec<summary::ThreadPlan> {
        let clusters =
            cluster::in_document_order(units, scores.iter().copied(), self.linkage(), constraints);
        let mut cluster_of = vec![usize::MAX; units.len()];
        for (k, members) in clusters.iter().enumerate() {
            for &u in members {
                cluster_of[u] = k;
            }
        }
        let inside: Vec<Link> = scores
            .iter()
            .filter(|&&(a, b, _)| cluster_of[a] == cluster_of[b])
            .map(|&(a, b, score)| Link {
                a,
                b,
                score,
                evidence: Evidence::default(),
            })
            .collect();
        let by_pair: FxHashMap<(usize, usize), &Link> =
            inside.iter().map(|l| ((l.a, l.b), l)).collect();
        self.plan_clusters(units, profiles, clusters, &by_pair)
    }

    /// Plans the threads of `clusters`, in document order of their origins.
    fn plan_clusters(
        &self,
        units: &[LinkUnit],
        profiles: &[Profile],
        clusters: Vec<Vec<usize>>,
        by_pair: &FxHashMap<(usize, usize), &Link>,
    ) -> Vec<summary::ThreadPlan> {
        let mut plans: Vec<summary::ThreadPlan> = clusters
            .into_iter()
            .filter(|c| c.len() > 1 || units[c[0]].kind.is_pledge())
            .map(|mut members| {
                members.sort_by(|&x, &y| units[x].order(&units[y]));
                relation::plan(self, units, profiles, &members, by_pair)
            })
            .collect();
        plans.sort_by(|x, y| units[x.mentions[0].unit].order(&units[y.mentions[0].unit]));
        plans
    }
}

/// Four decimals are plenty for a score, and survive a trip through the store exactly.
fn round4(x: f32) -> f64 {
    (f64::from(x) * 10_000.0).round() / 10_000.0
}

/// The single party a unit speaks for, if it is one party (not both, not several).
fn single_party(u: &LinkUnit) -> Option<&str> {
    match u.actors.as_slice() {
        [one] if one != crate::extract::actors::BOTH => Some(one),
        _ => None,
    }
}

/// The first target metric both units have, with whether amount and deadline agree.
fn shared_target(a: &LinkUnit, b: &LinkUnit) -> Option<TargetEvidence> {
    a.attributes.targets.iter().find_map(|x| {
        let metric = x.metric.as_ref()?;
        let y = b
            .attributes
            .targets
            .iter()
            .find(|y| y.metric.as_ref() == Some(metric))?;
        Some(TargetEvidence {
            metric: metric.clone(),
            same_amount: (x.amount - y.amount).abs() < 1e-6 * x.amount.abs().max(1.0)
                && x.unit == y.unit,
            same_deadline: x.deadline.map(|d| d.date.year()) == y.deadline.map(|d| d.date.year()),
        })
    })
}

/// Units by id, for callers that hold ids.
pub fn index_of(units: &[LinkUnit]) -> FxHashMap<i64, usize> {
    units.iter().enumerate().map(|(i, u)| (u.id, i)).collect()
}

/// Which existing thread each planned thread continues: the old thread holding most of its
/// units (ties to the lower id), each old thread continued at most once, larger overlaps
/// first. `members` lists each plan's unit ids; `old` maps unit ids to their old thread.
pub fn continued_threads(members: &[Vec<i64>], old: &FxHashMap<i64, i64>) -> Vec<Option<i64>> {
    let mut overlaps: FxHashMap<(usize, i64), usize> = FxHashMap::default();
    for (p, units) in members.iter().enumerate() {
        for u in units {
            if let Some(&t) = old.get(u) {
                *overlaps.entry((p, t)).or_insert(0) += 1;
            }
        }
    }
    let mut ranked: Vec<((usize, i64), usize)> = overlaps.into_iter().collect();
    ranked.sort_by(|((p, t), n), ((q, u), m)| m.cmp(n).then(t.cmp(u)).then(p.cmp(q)));
    let mut out = vec![None; members.len()];
    let mut taken: FxHashSet<i64> = FxHashSet::default();
    for ((p, t), _) in ranked {
        if out[p].is_none() && !taken.contains(&t) {
            out[p] = Some(t);
            taken.insert(t);
        }
    }
    out
}

use chrono::Datelike;

#[cfg(test)]
mod tests;

/// For each token, the number of items of the enumeration it stands in: within a stretch
/// between commas (or other clause punctuation), items are separated by 、 and the last one
/// joined by a conjunction, so n enumeration commas make n + 2 items (n + 1 without the
/// conjunction, which is rarely left out). Tokens of a stretch without 、 stand alone (1).
pub(crate) fn enumeration_items<'a>(tokens: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let tokens: Vec<&str> = tokens.collect();
    let mut out = vec![1; tokens.len()];
    let mut start = 0;
    for end in 0..=tokens.len() {
        let boundary = end == tokens.len()
            || matches!(tokens[end], "，" | "," | "；" | ";" | "。" | "：" | ":");
        if !boundary {
            continue;
        }
        let stretch = &tokens[start..end];
        let commas = stretch.iter().filter(|t| **t == "、").count();
        // 等 after the items: the list stands for a larger class (联合国等国际组织).
        let open = stretch.iter().any(|t| matches!(*t, "等" | "等等"));
        let n = match (commas, open) {
            (0, false) => 1,
            (c, open) => c + 1 + usize::from(c > 0) + usize::from(open),
        };
        for x in &mut out[start..end] {
            *x = n;
        }
        start = end + 1;
    }
    out
}

/// The share of its weight a field keeps when named as one of `items` (the first
/// `in_full` items of a list each keep all of it).
fn list_share(items: usize, in_full: usize) -> f32 {
    if items <= in_full.max(1) {
        1.0
    } else {
        in_full.max(1) as f32 / items as f32
    }
}
