//! The threads export (`pledgeline export threads --format json`): the format
//! `score-links` and `pledgeline eval` read.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Evidence, Relation};
use crate::extract::{Kind, TargetValue};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadsExport {
    pub threads: Vec<ExportThread>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportThread {
    pub id: i64,
    pub title: String,
    pub topic: String,
    #[serde(default)]
    pub parties: Vec<String>,
    /// `2015`, `2015-06` or `2015-06-30`, as precise as stated.
    pub deadline: Option<String>,
    pub target: Option<TargetValue>,
    #[serde(default)]
    pub first_stated: Option<NaiveDate>,
    #[serde(default)]
    pub last_mentioned: Option<NaiveDate>,
    pub mentions: Vec<ExportMention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportMention {
    pub document: ExportDocument,
    /// The mention's exact text in the document body.
    pub text: String,
    /// Character offsets into the body, end exclusive.
    pub start: i32,
    pub end: i32,
    pub kind: Kind,
    pub relation: Relation,
    /// The score of the link that attached it (none for the origin).
    pub score: Option<f64>,
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    pub id: i64,
    /// The document's title (BT).
    pub title: String,
    pub published: Option<NaiveDate>,
    pub signed: Option<NaiveDate>,
    /// Where it came from: the `source` field, else the ingested file's path.
    pub source: String,
}
