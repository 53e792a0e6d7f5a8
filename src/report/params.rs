//! A report's filters, as typed (on the command line or in the address) and as checked.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::extract::lexicon::Lexicon;
use crate::store::report::Scope;

/// The filters as typed; every one may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawParams {
    pub as_of: Option<String>,
    pub topic: Option<String>,
    pub party: Option<String>,
    /// One status or several separated by commas.
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The filters, checked.
#[derive(Debug, Clone)]
pub struct ReportParams {
    pub scope: Scope,
    /// Threads in any of these statuses (`overdue` takes every thread past its deadline
    /// unfulfilled); empty for all.
    pub statuses: Vec<String>,
}

/// A filter value the report cannot use, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("“{value}” is not a date: write it as YYYY-MM-DD ({what})")]
    Date { what: &'static str, value: String },
    #[error("“{0}” is not a known topic (known: {1})")]
    Topic(String, String),
    #[error("“{0}” is not a known party code (known: {1})")]
    Party(String, String),
    #[error("“{0}” is not a status (known: {1})")]
    Status(String, String),
    #[error("the period starts ({from}) after it ends ({to})")]
    Period { from: NaiveDate, to: NaiveDate },
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(v: &Option<String>, what: &'static str) -> Result<Option<NaiveDate>, ParamError> {
    given(v)
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ParamError::Date {
                what,
                value: s.to_owned(),
            })
        })
        .transpose()
}

impl ReportParams {
    /// Checks the filters against the lexicon; `today` is the as-of date when none is given.
    pub fn parse(
        raw: &RawParams,
        lexicon: &Lexicon,
        today: NaiveDate,
    ) -> Result<ReportParams, ParamError> {
        let topic = given(&raw.topic)
            .map(|t| {
                if lexicon.topics.iter().any(|x| x.id == t) {
                    Ok(t.to_owned())
                } else {
                    let known: Vec<&str> = lexicon.topics.iter().map(|x| x.id.as_str()).collect();
                    Err(ParamError::Topic(t.to_owned(), known.join(", ")))
                }
            })
            .transpose()?;
        let party = given(&raw.party)
            .map(|p| {
                if lexicon.parties.iter().any(|x| x.code == p) {
                    Ok(p.to_owned())
                } else {
                    let known: Vec<&str> =
                        lexicon.parties.iter().map(|x| x.code.as_str()).collect();
                    Err(ParamError::Party(p.to_owned(), known.join(", ")))
                }
            })
            .transpose()?;
        let codes = super::status_codes();
        let mut statuses = Vec::new();
        for s in given(&raw.status).into_iter().flat_map(|s| s.split(',')) {
            let s = s.trim();
            if s.is_empty() {
                continue;
            }
            if !codes.contains(&s) {
                return Err(ParamError::Status(s.to_owned(), codes.join(", ")));
            }
            if !statuses.iter().any(|x| x == s) {
                statuses.push(s.to_owned());
            }
        }
        let as_of = date(&raw.as_of, "as of")?.unwrap_or(today);
        let from = date(&raw.from, "from")?;
        let to = date(&raw.to, "to")?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ParamError::Period { from, to });
        }
        Ok(ReportParams {
            scope: Scope {
                as_of,
                topic,
                party,
                from,
                to,
            },
            statuses,
        })
    }

    /// The filters as an address's query (defaults left out), to link the same report in
    /// another format.
    pub fn query(&self) -> String {
        let s = &self.scope;
        let mut parts: Vec<(&str, String)> = vec![("as_of", s.as_of.to_string())];
        if let Some(t) = &s.topic {
            parts.push(("topic", t.clone()));
        }
        if let Some(p) = &s.party {
            parts.push(("party", p.clone()));
        }
        if !self.statuses.is_empty() {
            parts.push(("status", self.statuses.join(",")));
        }
        if let Some(d) = s.from {
            parts.push(("from", d.to_string()));
        }
        if let Some(d) = s.to {
            parts.push(("to", d.to_string()));
        }
        serde_urlencoded::to_string(parts).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawParams {
        let q = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&q).unwrap()
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<ReportParams, ParamError> {
        let lex = crate::extract::Extractor::embedded().lexicon();
        ReportParams::parse(&raw(pairs), lex, "2026-01-01".parse().unwrap())
    }

    #[test]
    fn filters_are_checked_and_defaults_filled() {
        let p = parse(&[]).unwrap();
        assert_eq!(p.scope.as_of.to_string(), "2026-01-01");
        assert!(p.statuses.is_empty() && p.scope.topic.is_none());
        let p = parse(&[
            ("status", "overdue, fulfilled,overdue"),
            ("as_of", "2014-05-01"),
        ])
        .unwrap();
        assert_eq!(p.statuses, ["overdue", "fulfilled"]);
        assert_eq!(p.scope.as_of.to_string(), "2014-05-01");
        assert!(matches!(
            parse(&[("status", "done")]),
            Err(ParamError::Status(..))
        ));
        assert!(matches!(
            parse(&[("topic", "nope")]),
            Err(ParamError::Topic(..))
        ));
        assert!(matches!(
            parse(&[("party", "XX")]),
            Err(ParamError::Party(..))
        ));
        assert!(matches!(
            parse(&[("as_of", "2014-13-01")]),
            Err(ParamError::Date { .. })
        ));
        assert!(matches!(
            parse(&[("from", "2014-01-01"), ("to", "2013-01-01")]),
            Err(ParamError::Period { .. })
        ));
        let p = parse(&[
            ("from", "2011-01-01"),
            ("to", "2012-12-31"),
            ("status", "open"),
        ])
        .unwrap();
        assert_eq!(
            p.query(),
            "as_of=2026-01-01&status=open&from=2011-01-01&to=2012-12-31"
        );
    }
}
