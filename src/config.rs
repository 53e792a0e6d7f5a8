//! Flags and environment → configuration. No global state: commands receive a [`Config`].

use std::path::PathBuf;

use clap::Args;

use crate::db::DatabaseTarget;
use crate::extract::LexiconSource;

/// Options every command shares.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Use this PostgreSQL server instead of the embedded cluster
    /// (e.g. postgres://user:pass@host/db).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Data directory of the embedded PostgreSQL cluster.
    #[arg(
        long,
        env = "PLEDGELINE_DATA_DIR",
        default_value = ".pledgeline/pg",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Directory holding PostgreSQL's initdb, pg_ctl and postgres
    /// (default: search PATH, `pg_config --bindir`, /usr/lib/postgresql/*/bin).
    #[arg(long, env = "PLEDGELINE_PG_BIN_DIR", global = true)]
    pub pg_bin_dir: Option<PathBuf>,

    /// Directory of lexicon files (dict.txt, parties.toml, topics.toml …) that replace the
    /// built-in ones of the same name; see lexicon/README.md.
    #[arg(long, env = "PLEDGELINE_LEXICON_DIR", global = true)]
    pub lexicon_dir: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseTarget,
    pub lexicon: LexiconSource,
}

impl Config {
    pub fn from_args(args: &GlobalArgs) -> Self {
        let database = match args
            .database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => DatabaseTarget::External {
                url: url.to_string(),
            },
            None => DatabaseTarget::Embedded {
                data_dir: args.data_dir.clone(),
                pg_bin_dir: args.pg_bin_dir.clone(),
            },
        };
        let lexicon = match &args.lexicon_dir {
            Some(dir) => LexiconSource::Dir(dir.clone()),
            None => LexiconSource::Embedded,
        };
        Config { database, lexicon }
    }
}
