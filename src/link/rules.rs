//! The linker's data: `lexicon/links.toml` (compiled in; a file of the same name in the
//! lexicon directory overrides it). Its format is documented in the file itself and in
//! `lexicon/README.md`.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::extract::{Kind, LexiconError, LexiconSource, lexicon::read_override};

const FILE: &str = "links.toml";
const EMBEDDED: &str = include_str!("../../lexicon/links.toml");

/// Weights and thresholds of the similarity between two units.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Similarity {
    pub idf_base: f32,
    pub weight_floor: f32,
    pub weight_cap: f32,
    pub verb_share: f32,
    pub name_word_share: f32,
    pub field_weight: f32,
    pub list_items_in_full: usize,
    pub context_share: f32,
    pub pre_cue_share: f32,
    pub purpose_share: f32,
    pub sub_word_share: f32,
    pub key_weight: f32,
    pub channel_min_weight: f32,
    pub max_candidates_per_unit: usize,
    pub other_topic_factor: f32,
    pub other_actor_factor: f32,
    pub report_pair_factor: f32,
    pub other_frame_factor: f32,
    pub same_metric_bonus: f32,
    pub same_target_bonus: f32,
    pub link_threshold: f32,
    pub max_links_per_document: usize,
    pub max_links_per_unit: usize,
    pub max_candidates_per_channel: usize,
    pub min_share_of_best: f32,
    pub merge_threshold: f32,
    pub repeat_merge_threshold: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Relations {
    advance_words: Vec<String>,
    fulfil_words: Vec<String>,
    refer_kinds: Vec<Kind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    similarity: Similarity,
    #[serde(default)]
    boilerplate: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    anaphors: Vec<String>,
    #[serde(default)]
    purpose_markers: Vec<String>,
    #[serde(default)]
    retrospective_markers: Vec<String>,
    #[serde(default)]
    frame_words: Vec<String>,
    relations: Relations,
}

/// The loaded rules.
#[derive(Debug, Clone)]
pub struct LinkRules {
    pub similarity: Similarity,
    pub boilerplate: FxHashSet<String>,
    pub advance_words: FxHashSet<String>,
    pub fulfil_words: FxHashSet<String>,
    pub refer_kinds: Vec<Kind>,
    /// Words opening a purpose clause (以, 为).
    pub purpose_markers: FxHashSet<String>,
    /// Words that refer back to something named before (成员国, 本组织).
    pub anaphors: Vec<String>,
    /// Words marking a look back over a period (以来, 年来, 过去).
    pub retrospective_markers: FxHashSet<String>,
    /// Words framing a unit within an organisation (框架).
    pub frame_words: FxHashSet<String>,
    /// Fields of cooperation, by name.
    pub field_names: Vec<String>,
    /// A field word → the fields it names (indexes into `field_names`).
    pub field_words: FxHashMap<String, Vec<u16>>,
    /// Longest field word, in characters.
    pub longest_field_word: usize,
    /// Hex SHA-256 of the file: which rules linked the store.
    pub fingerprint: String,
}

impl LinkRules {
    pub fn load(source: &LexiconSource) -> Result<Self, LexiconError> {
        let text = match source {
            LexiconSource::Dir(dir) => read_override(dir, FILE)?,
            LexiconSource::Embedded => None,
        }
        .unwrap_or_else(|| EMBEDDED.to_owned());
        let file: File = toml::from_str(&text).map_err(|e| LexiconError::Invalid {
            file: FILE.into(),
            reason: e.to_string(),
        })?;
        let s = &file.similarity;
        let checks = [
            (s.link_threshold > 0.0, "link_threshold must be above 0"),
            (s.merge_threshold > 0.0, "merge_threshold must be above 0"),
            (s.key_weight > 0.0, "key_weight must be above 0"),
            (
                s.max_links_per_document > 0,
                "max_links_per_document must be at least 1",
            ),
            (
                s.max_links_per_unit > 0,
                "max_links_per_unit must be at least 1",
            ),
            (s.weight_floor >= 0.0, "weight_floor must not be negative"),
        ];
        if let Some((_, reason)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(LexiconError::Invalid {
                file: FILE.into(),
                reason: (*reason).into(),
            });
        }
        let set = |v: Vec<String>| v.into_iter().collect::<FxHashSet<_>>();
        let mut field_words: FxHashMap<String, Vec<u16>> = FxHashMap::default();
        let mut field_names = Vec::new();
        for (i, (name, words)) in file.fields.into_iter().enumerate() {
            for w in words {
                let fields = field_words.entry(w).or_default();
                if !fields.contains(&(i as u16)) {
                    fields.push(i as u16);
                }
            }
            field_names.push(name);
        }
        let longest_field_word = field_words
            .keys()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        Ok(Self {
            anaphors: file.anaphors,
            purpose_markers: set(file.purpose_markers),
            retrospective_markers: set(file.retrospective_markers),
            frame_words: set(file.frame_words),
            field_names,
            field_words,
            longest_field_word,
            similarity: file.similarity,
            boilerplate: set(file.boilerplate),
            advance_words: set(file.relations.advance_words),
            fulfil_words: set(file.relations.fulfil_words),
            refer_kinds: file.relations.refer_kinds,
            fingerprint: hex::encode(Sha256::digest(text.as_bytes())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let r = LinkRules::load(&LexiconSource::Embedded).expect("embedded links.toml");
        assert!(r.advance_words.contains("商签"));
        assert!(r.fulfil_words.contains("签署"));
        assert_eq!(r.refer_kinds, vec![Kind::Background]);
    }

    #[test]
    fn a_bad_override_names_the_file() {
        let dir = std::env::temp_dir().join(format!("pledgeline-links-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE), "[similarity]\nidf_base = \"x\"\n").unwrap();
        let err = LinkRules::load(&LexiconSource::Dir(dir.clone())).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        assert!(err.to_string().contains("links.toml"), "{err}");
    }
}
