//! The command line: a thin layer that parses flags, opens the database and calls the library.

use std::io::IsTerminal;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use crate::analyst::accounts::Role;
use crate::analyst::manage::{self, ManageError};
use crate::config::{Config, GlobalArgs};
use crate::corpus::evaluation::{self, EvaluationError};
use crate::corpus::{self, Corpus, CorpusError, FileReport, Summary};
use crate::db::{self, DATABASE_NAME, Database, DatabaseTarget, DbError, Status};
use crate::extract::{Extractor, LexiconError, LexiconSource};
use crate::link::LinkRules;
use crate::report::{self, Format, ReportParams};
use crate::store::audit::Actor;
use crate::store::{self, StoreError, commitments::Changes};
use crate::web::auth::AuthConfig;
use crate::web::i18n::Lang;
use crate::{demo, startup};

#[derive(Debug, Parser)]
#[command(
    name = "pledgeline",
    version,
    about = "Track commitments across official documents over time"
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web app.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "PLEDGELINE_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        #[command(flatten)]
        web: WebArgs,
    },
    /// Ingest the sample documents shipped with pledgeline, create the analyst account `demo`
    /// with a new random password (printed once), then serve the web app.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "PLEDGELINE_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        #[command(flatten)]
        web: WebArgs,
    },
    /// Manage accounts: viewer (reads), analyst (annotates, reviews links), admin (accounts,
    /// uploads, audit log).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Ingest files or folders (recursively): People's Daily archive files, plain text, Markdown.
    Ingest {
        /// Files or folders to ingest.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Refuse files larger than this many MiB.
        #[arg(long, default_value_t = 16)]
        max_file_mib: usize,
        /// Print a line for every file, not only for failures.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Re-extract the units of every stored document (after the extractor or the lexicon
    /// changed). Units keep their ids; units no longer found are retired, never deleted.
    /// Documents whose units changed are linked again.
    Extract,
    /// Rebuild every link and thread from scratch. Threads keep their ids where they keep
    /// most of their mentions.
    Relink,
    /// Write stored data out.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Write a progress report: a summary, a row per thread and each thread's history, as
    /// known on a date (later mentions and follow-ups are left out).
    Report {
        #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
        format: ReportFormat,
        /// The report's date (YYYY-MM-DD; default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Only threads of this topic (its id, e.g. `trade`).
        #[arg(long)]
        topic: Option<String>,
        /// Only threads naming this party (its code, e.g. `KZ`).
        #[arg(long)]
        party: Option<String>,
        /// Only threads in these statuses, separated by commas (an analyst's status such as
        /// `partially_fulfilled`, or `open`, `in_progress`, `fulfilled`, `overdue`).
        #[arg(long)]
        status: Option<String>,
        /// Only threads mentioned within this period (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// The language of the report's words.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Write here instead of standard output. With `--format csv` the history goes to a
        /// second file beside it (`NAME.history.csv`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Measure the linker against hand-labelled links: ingest the gold file's documents into
    /// a scratch database, link them, and print precision, recall, F1 and relation accuracy.
    Eval {
        /// The gold links file (format: README, "Evaluating the linker").
        #[arg(long)]
        gold: PathBuf,
        /// Folder of the gold's documents (default: the gold's `docs_dir`, else `seeds/`
        /// beside the gold file's folder).
        #[arg(long)]
        docs: Option<PathBuf>,
        /// Use the current database (adding the gold's documents) instead of a scratch one.
        #[arg(long)]
        current: bool,
        /// Also list the missed, wrong and mistyped pairs.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Manage the embedded PostgreSQL cluster by hand.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

/// Who may use the web app, and how long a login lasts.
#[derive(Debug, Clone, clap::Args)]
struct WebArgs {
    /// Require an account to read pages too (by default anyone may read; writing always
    /// needs an account).
    #[arg(long, env = "PLEDGELINE_LOGIN_TO_READ")]
    login_to_read: bool,
    /// A session ends after this many minutes without a request.
    #[arg(long, env = "PLEDGELINE_SESSION_IDLE_MINUTES", default_value_t = 480)]
    session_idle_minutes: u64,
    /// A session ends this many hours after login, used or not.
    #[arg(long, env = "PLEDGELINE_SESSION_MAX_HOURS", default_value_t = 168)]
    session_max_hours: u64,
}

impl WebArgs {
    fn auth(&self) -> AuthConfig {
        AuthConfig {
            read_without_login: !self.login_to_read,
            idle: std::time::Duration::from_secs(self.session_idle_minutes.max(1) * 60),
            lifetime: std::time::Duration::from_secs(self.session_max_hours.max(1) * 3600),
        }
    }
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Create an account. The password is asked for (twice) on the terminal, or read from
    /// standard input's first line with --password-stdin.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
    /// Change an account's role.
    SetRole {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Disable an account: it can no longer log in, and its sessions end now.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Set a new password (asked for, or --password-stdin); the account's sessions end.
    Password {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create an API token for the account and print it (once: only its hash is kept). It
    /// writes through the JSON API (`Authorization: Bearer TOKEN`) with the account's role.
    Token { name: String },
    /// Revoke every API token of the account.
    RevokeTokens { name: String },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Viewer,
    Analyst,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Analyst => Role::Analyst,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Subcommand)]
enum ExportWhat {
    /// Every thread with its mentions, as JSON (the format `score-links` reads).
    Threads {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Html,
    Md,
    Csv,
    Json,
    Xlsx,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LangArg {
    En,
    Zh,
}

#[derive(Debug, Subcommand)]
enum DbAction {
    /// Start the cluster (creating it and the schema if needed) and leave it running.
    Start,
    /// Stop the cluster (fast shutdown). Refuses while other pledgeline processes use it.
    Stop {
        /// Stop it even while other pledgeline processes use it.
        #[arg(long)]
        force: bool,
    },
    /// Show where the cluster lives and whether it runs (exit status 3 when stopped).
    Status,
    /// Print a connection URL for psql or --database-url.
    Url,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen for signals: {0}")]
    Signals(#[source] std::io::Error),
    #[error("the web server failed: {0}")]
    Server(#[source] std::io::Error),
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error("cannot list the documents: {0}")]
    Store(#[from] StoreError),
    #[error("cannot load the sample {name}: {source}")]
    Sample {
        name: &'static str,
        #[source]
        source: CorpusError,
    },
    #[error("cannot link: {0}")]
    Link(#[source] CorpusError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Evaluation(#[from] Box<EvaluationError>),
    #[error(transparent)]
    Account(#[from] ManageError),
    #[error("cannot read the password: {0}")]
    Password(String),
    #[error("{0}")]
    Usage(String),
    #[error("cannot make the report: {0}")]
    ReportParams(#[from] report::ParamError),
    #[error(transparent)]
    Report(#[from] report::ReportError),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init();
    let config = Config::from_args(&cli.global);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

const INTERRUPTED: u8 = 130;

async fn run(config: Config, command: Command) -> Result<ExitCode, CliError> {
    let Command::Db { action } = command else {
        // From here on SIGINT, SIGTERM and SIGHUP are ours to handle, so no moment of
        // starting up or shutting down can leave the database server without its owner.
        let mut stop = Interrupt::listen().map_err(CliError::Signals)?;
        let extractor = load_extractor(&config.lexicon)?;
        let Some(db) = stop.until(Database::open(&config.database)).await else {
            return Ok(ExitCode::from(INTERRUPTED));
        };
        let db = db?;
        let rules = LinkRules::load(&config.lexicon)?;
        let corpus = Corpus::new(db.pool.clone(), extractor).with_link_rules(rules);
        let outcome = work(&db, &corpus, command, &mut stop).await;
        db.close().await?;
        return outcome;
    };
    db_command(&config, action).await
}

/// The extractor for this process: the built-in lexicon, or one overridden from a directory
/// (loaded once and kept for the life of the process).
fn load_extractor(source: &LexiconSource) -> Result<&'static Extractor, LexiconError> {
    Ok(match source {
        LexiconSource::Embedded => Extractor::embedded(),
        LexiconSource::Dir(_) => Box::leak(Box::new(Extractor::load(source)?)),
    })
}

/// A command's work once the database is open.
async fn work(
    db: &Database,
    corpus: &Corpus,
    command: Command,
    stop: &mut Interrupt,
) -> Result<ExitCode, CliError> {
    match command {
        Command::Serve { bind, web } => serve(corpus, &bind, web.auth(), stop).await,
        Command::Demo { bind, web } => match stop.until(load_samples(corpus)).await {
            None => Ok(ExitCode::from(INTERRUPTED)),
            Some(loaded) => {
                loaded?;
                let password = manage::demo_analyst(&db.pool, DEMO_ACCOUNT).await?;
                println!(
                    "demo account: log in as `{DEMO_ACCOUNT}` with the password {password}\n  \
                     (an analyst; shown this once: a new one is made each time demo starts)"
                );
                serve(corpus, &bind, web.auth(), stop).await
            }
        },
        Command::User { action } => user_command(&db.pool, action).await,
        Command::Ingest {
            paths,
            max_file_mib,
            verbose,
        } => {
            let corpus = corpus
                .clone()
                .with_max_bytes(max_file_mib.saturating_mul(1024 * 1024));
            match stop.until(ingest_batch(&corpus, &paths, verbose)).await {
                None => {
                    eprintln!(
                        "interrupted: every file reported above is stored; of the files not yet \
                         reported, each is stored whole or not at all (run again to finish)"
                    );
                    Ok(ExitCode::from(INTERRUPTED))
                }
                Some(summary) => {
                    println!("{summary}");
                    let linked = match stop.until(corpus.link_pending()).await {
                        None => return Ok(interrupted_linking()),
                        Some(linked) => linked.map_err(CliError::Link)?,
                    };
                    eprintln!("{linked}");
                    audit_command(
                        &db.pool,
                        "documents.ingest",
                        serde_json::json!({
                            "paths": paths,
                            "ingested": summary.ingested,
                            "unchanged": summary.unchanged,
                            "failed": summary.failed,
                            "linked": linked.to_string(),
                        }),
                    )
                    .await?;
                    Ok(if summary.failed > 0 {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    })
                }
            }
        }
        Command::Extract => match stop.until(extract_all(corpus)).await {
            None => {
                eprintln!(
                    "interrupted: each document is re-extracted whole or not at all (run again \
                     to finish)"
                );
                Ok(ExitCode::from(INTERRUPTED))
            }
            Some(outcome) => {
                let failed = outcome?;
                let linked = match stop.until(corpus.link_pending()).await {
                    None => return Ok(interrupted_linking()),
                    Some(linked) => linked.map_err(CliError::Link)?,
                };
                eprintln!("{linked}");
                audit_command(
                    &db.pool,
                    "documents.extract",
                    serde_json::json!({"failed": failed, "linked": linked.to_string()}),
                )
                .await?;
                Ok(if failed > 0 {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                })
            }
        },
        Command::Relink => match stop.until(corpus.relink()).await {
            None => Ok(interrupted_linking()),
            Some(linked) => {
                let linked = linked.map_err(CliError::Link)?;
                println!("{linked}");
                audit_command(
                    &db.pool,
                    "threads.relink",
                    serde_json::json!({"linked": linked.to_string()}),
                )
                .await?;
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Export {
            what: ExportWhat::Threads { format, out },
        } => {
            let ExportFormat::Json = format;
            let export = {
                let mut conn = db.pool.acquire().await.map_err(StoreError::from)?;
                store::threads::export(&mut conn).await?
            };
            let json = serde_json::to_string_pretty(&export).map_err(|e| CliError::Write {
                path: out.clone().unwrap_or_else(|| "standard output".into()),
                source: std::io::Error::other(e),
            })?;
            write_output(out.as_deref(), &json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            format,
            as_of,
            topic,
            party,
            status,
            from,
            to,
            lang,
            out,
        } => {
            let raw = report::RawParams {
                as_of,
                topic,
                party,
                status,
                from,
                to,
            };
            let lexicon = corpus.extractor().lexicon();
            let params = ReportParams::parse(&raw, lexicon, chrono::Local::now().date_naive())?;
            let labels = report::Labels {
                lang: match lang {
                    LangArg::En => Lang::En,
                    LangArg::Zh => Lang::Zh,
                },
                lexicon,
            };
            let mut files = vec![(
                match format {
                    ReportFormat::Html => Format::Html,
                    ReportFormat::Md => Format::Markdown,
                    ReportFormat::Csv => Format::Csv,
                    ReportFormat::Json => Format::Json,
                    ReportFormat::Xlsx => Format::Xlsx,
                },
                out.clone(),
            )];
            if let (ReportFormat::Csv, Some(path)) = (format, &out) {
                files.push((Format::HistoryCsv, Some(history_path(path))));
            }
            // Both CSV files from one snapshot, so that the history matches the rows.
            let mut conn = db.pool.acquire().await.map_err(StoreError::from)?;
            let mut snapshot = report::snapshot(&mut conn).await?;
            for (format, path) in files {
                let written = stop
                    .until(write_report(
                        &mut snapshot,
                        &params,
                        format,
                        labels,
                        path.as_deref(),
                    ))
                    .await;
                let Some(written) = written else {
                    if let Some(p) = path {
                        let _ = std::fs::remove_file(partial_path(&p));
                    }
                    return Ok(ExitCode::from(INTERRUPTED));
                };
                written?;
            }
            snapshot.commit().await.map_err(StoreError::from)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            gold,
            docs,
            current,
            verbose,
        } => {
            let parsed = evaluation::read_gold(&gold).map_err(Box::new)?;
            let dir = evaluation::documents_dir(&gold, &parsed, docs.as_deref());
            let report = if current {
                stop.until(evaluation::evaluate(corpus, &parsed, &dir))
                    .await
            } else {
                let name = format!("pledgeline_eval_{}", std::process::id());
                let pool = db::create_scratch(&db.pool, &name).await?;
                let scratch = corpus.with_pool(pool.clone());
                let report = stop
                    .until(evaluation::evaluate(&scratch, &parsed, &dir))
                    .await;
                pool.close().await;
                db::drop_database(&db.pool, &name).await?;
                report
            };
            let Some(report) = report else {
                return Ok(ExitCode::from(INTERRUPTED));
            };
            let report = report.map_err(Box::new)?;
            if verbose {
                println!("missed core links:");
                for (a, b) in &report.missed {
                    println!("  {a}  <->  {b}");
                }
                println!("wrong links:");
                for (a, b) in &report.wrong {
                    println!("  {a}  <->  {b}");
                }
                println!("relations typed wrong:");
                for (a, b, want, got) in &report.mistyped {
                    println!("  {want} typed as {got}: {a}  <->  {b}");
                }
            }
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Db { .. } => unreachable!("handled before the database is opened"),
    }
}

/// `report.csv` → `report.history.csv`, beside it.
fn history_path(path: &std::path::Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}.history.csv"))
}

/// `report.csv` → `report.csv.partial`: where a report is written until it is whole.
fn partial_path(path: &std::path::Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Writes one report file: to `path` through a `.partial` file renamed at the end (so a
/// failed or interrupted report never leaves a file that looks whole), or to standard output.
async fn write_report(
    snapshot: &mut sqlx::PgConnection,
    params: &ReportParams,
    format: Format,
    labels: report::Labels,
    path: Option<&std::path::Path>,
) -> Result<(), CliError> {
    struct Out(Box<dyn std::io::Write>);
    impl report::Sink for Out {
        async fn put(&mut self, bytes: Vec<u8>) -> Result<(), report::ReportError> {
            Ok(self.0.write_all(&bytes)?)
        }
    }
    let failed = |source: std::io::Error| CliError::Write {
        path: path.map_or_else(|| "standard output".into(), |p| p.to_owned()),
        source,
    };
    if path.is_none() && format == Format::Xlsx && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "an XLSX report is binary: give --out FILE.xlsx, or redirect standard output".into(),
        ));
    }
    let partial = path.map(partial_path);
    let writer: Box<dyn std::io::Write> = match &partial {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(failed)?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut out = Out(writer);
    let written = report::write(snapshot, params, format, labels, None, &mut out).await;
    let flushed = written.and_then(|()| Ok(out.0.flush()?));
    drop(out);
    match (flushed, &partial, path) {
        (Ok(()), Some(partial), Some(path)) => {
            std::fs::rename(partial, path).map_err(failed)?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        (Ok(()), _, _) => Ok(()),
        (Err(e), partial, _) => {
            if let Some(p) = partial {
                let _ = std::fs::remove_file(p);
            }
            Err(CliError::Report(e))
        }
    }
}

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP, caught from the moment it is created.
struct Interrupt {
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Interrupt {
    fn listen() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let signals = [
            SignalKind::interrupt(),
            SignalKind::terminate(),
            SignalKind::hangup(),
        ]
        .into_iter()
        .map(signal)
        .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Interrupt { signals })
    }

    /// Wait for any of the signals.
    async fn wait(&mut self) {
        let waits = self.signals.iter_mut().map(|s| Box::pin(s.recv()));
        futures_util::future::select_all(waits).await;
    }

    /// Run `work` unless a signal comes first (then `None`).
    async fn until<T>(&mut self, work: impl std::future::Future<Output = T>) -> Option<T> {
        tokio::select! {
            done = work => Some(done),
            _ = self.wait() => None,
        }
    }
}

async fn serve(
    corpus: &Corpus,
    bind: &str,
    auth: AuthConfig,
    stop: &mut Interrupt,
) -> Result<ExitCode, CliError> {
    let listener = TcpListener::bind(bind).map_err(|source| CliError::Bind {
        addr: bind.to_string(),
        source,
    })?;
    let addr = listener.local_addr().map_err(CliError::Server)?;
    let server = startup::run(listener, corpus.clone(), auth).map_err(CliError::Server)?;
    let handle = server.handle();
    println!("Pledgeline is serving at http://{addr}/  (Ctrl-C to stop)");
    let mut server = std::pin::pin!(server);
    tokio::select! {
        finished = &mut server => finished.map_err(CliError::Server)?,
        _ = stop.wait() => {
            eprintln!("stopping: finishing requests in flight");
            // The server must be polled to carry the stop out.
            let ((), finished) = tokio::join!(handle.stop(true), server);
            finished.map_err(CliError::Server)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn load_samples(corpus: &Corpus) -> Result<(), CliError> {
    let mut summary = Summary::default();
    for (name, bytes) in demo::SAMPLES {
        let stored = corpus
            .ingest_bytes(name, bytes.to_vec())
            .await
            .map_err(|source| CliError::Sample { name, source })?;
        summary.add_stored(&stored);
    }
    println!("demo corpus: {summary}");
    let linked = corpus.link_pending().await.map_err(CliError::Link)?;
    println!("demo corpus: {linked}");
    Ok(())
}

/// Records a command's write in the audit log (who: the operating-system account).
async fn audit_command(
    pool: &sqlx::PgPool,
    action: &str,
    after: serde_json::Value,
) -> Result<(), CliError> {
    let mut conn = pool.acquire().await.map_err(StoreError::from)?;
    store::audit::record(
        &mut conn,
        &Actor::command_line(),
        action,
        "documents",
        None,
        None,
        Some(&after),
    )
    .await?;
    Ok(())
}

/// The analyst account `demo` makes.
const DEMO_ACCOUNT: &str = "demo";

/// `pledgeline user …`.
async fn user_command(pool: &sqlx::PgPool, action: UserAction) -> Result<ExitCode, CliError> {
    let actor = Actor::command_line();
    match action {
        UserAction::Add {
            name,
            role,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let user = manage::add_user(pool, &actor, &name, role.into(), password).await?;
            println!("added {} ({})", user.name, user.role);
        }
        UserAction::List => {
            let mut conn = pool.acquire().await.map_err(StoreError::from)?;
            let users = store::users::list(&mut conn).await?;
            if users.is_empty() {
                println!("no accounts yet: pledgeline user add NAME --role admin");
            }
            for u in users {
                println!(
                    "{:<24} {:<8} created {}{}",
                    u.name,
                    u.role,
                    u.created_at.format("%Y-%m-%d"),
                    u.disabled_at
                        .map(|d| format!("  disabled {}", d.format("%Y-%m-%d")))
                        .unwrap_or_default()
                );
            }
        }
        UserAction::SetRole { name, role } => {
            let user = manage::set_role(pool, &actor, &name, role.into()).await?;
            println!("{} is now {}", user.name, user.role);
        }
        UserAction::Disable { name } => {
            manage::set_disabled(pool, &actor, &name, true).await?;
            println!("{name} is disabled; its sessions have ended");
        }
        UserAction::Enable { name } => {
            manage::set_disabled(pool, &actor, &name, false).await?;
            println!("{name} is enabled");
        }
        UserAction::Password {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            manage::set_password(pool, &actor, &name, password).await?;
            println!("{name} has a new password; its sessions have ended");
        }
        UserAction::Token { name } => {
            let token = manage::new_api_token(pool, &actor, &name).await?;
            println!("{token}");
            eprintln!("API token for {name}: shown this once, keep it secret");
        }
        UserAction::RevokeTokens { name } => {
            let n = manage::revoke_api_tokens(pool, &actor, &name).await?;
            println!("{n} API token(s) of {name} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A password from standard input's first line, or asked for twice on the terminal.
fn read_password(from_stdin: bool) -> Result<String, CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| CliError::Password(e.to_string()))?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Password(
            "standard input is not a terminal: pass --password-stdin to read it from there".into(),
        ));
    }
    let first =
        rpassword::prompt_password("password: ").map_err(|e| CliError::Password(e.to_string()))?;
    let again =
        rpassword::prompt_password("again: ").map_err(|e| CliError::Password(e.to_string()))?;
    if first != again {
        return Err(CliError::Password("the two passwords differ".into()));
    }
    Ok(first)
}

fn interrupted_linking() -> ExitCode {
    eprintln!(
        "interrupted: linking is all or nothing and was rolled back; the next ingest, extract \
         or relink links the documents not linked yet"
    );
    ExitCode::from(INTERRUPTED)
}

/// Writes `text` to a file, or to standard output.
fn write_output(out: Option<&std::path::Path>, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    match out {
        Some(path) => std::fs::write(path, format!("{text}\n")).map_err(|source| CliError::Write {
            path: path.to_path_buf(),
            source,
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{text}").map_err(|source| CliError::Write {
                path: "standard output".into(),
                source,
            })
        }
    }
}

/// Re-extracts every stored document, a few at a time; returns how many failed.
async fn extract_all(corpus: &Corpus) -> Result<usize, CliError> {
    let ids = {
        let mut conn = corpus.pool().acquire().await.map_err(StoreError::from)?;
        store::documents::ids(&mut conn).await?
    };
    let mut changes = Changes::default();
    let mut failed = 0;
    let mut results = futures_util::stream::iter(ids.iter().copied())
        .map(|id| async move { (id, corpus.reextract(id).await) })
        .buffered(corpus::FILES_IN_FLIGHT);
    while let Some((id, result)) = results.next().await {
        match result {
            Ok(c) => changes += c,
            Err(e) => {
                failed += 1;
                eprintln!("failed: document {id}: {e}");
            }
        }
    }
    println!(
        "extracted {} documents ({} failed): units inserted {}, updated {}, unchanged {}, \
         retired {}",
        ids.len(),
        failed,
        changes.inserted,
        changes.updated,
        changes.unchanged,
        changes.retired
    );
    Ok(failed)
}

async fn ingest_batch(corpus: &Corpus, paths: &[PathBuf], verbose: bool) -> Summary {
    let (files, missing) = corpus::collect_files(paths);
    let mut summary = Summary::default();
    let mut progress = Progress::new(files.len() + missing.len());
    for report in missing {
        progress.report(&report, verbose);
        summary.add(&report);
    }
    // Several files in flight (their commits overlap), reported in order.
    let mut reports = futures_util::stream::iter(files)
        .map(|path| corpus.ingest_path(path))
        .buffered(corpus::FILES_IN_FLIGHT);
    while let Some(report) = reports.next().await {
        progress.report(&report, verbose);
        summary.add(&report);
    }
    progress.finish();
    summary
}

/// A progress bar on a terminal; plain lines (failures, or every file with --verbose) otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    done: usize,
    total: usize,
}

impl Progress {
    fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} files {wide_msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            done: 0,
            total,
        }
    }

    fn report(&mut self, report: &FileReport, verbose: bool) {
        self.done += 1;
        let line = match &report.outcome {
            Err(e) => Some(format!("failed: {}: {e}", report.path.display())),
            Ok(stored) if verbose => {
                let mut counts = Summary::default();
                counts.add_stored(stored);
                Some(format!(
                    "[{}/{}] {}: ingested {}, unchanged {}",
                    self.done,
                    self.total,
                    report.path.display(),
                    counts.ingested,
                    counts.unchanged
                ))
            }
            Ok(_) => None,
        };
        match (&self.bar, line) {
            (Some(bar), Some(line)) => {
                bar.println(line);
                bar.inc(1);
            }
            (Some(bar), None) => {
                bar.set_message(report.path.display().to_string());
                bar.inc(1);
            }
            (None, Some(line)) => eprintln!("{line}"),
            (None, None) => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

async fn db_command(config: &Config, action: DbAction) -> Result<ExitCode, CliError> {
    let (data_dir, pg_bin_dir) = match &config.database {
        DatabaseTarget::External { url } => {
            if matches!(action, DbAction::Url) {
                println!("{url}");
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "note: DATABASE_URL is set, so pledgeline uses that server; \
                 this command manages the embedded cluster, which it doesn't use"
            );
            return Ok(ExitCode::FAILURE);
        }
        DatabaseTarget::Embedded {
            data_dir,
            pg_bin_dir,
        } => (data_dir.clone(), pg_bin_dir.clone()),
    };
    let cluster = db::embedded_cluster(&data_dir, pg_bin_dir.as_deref(), true)?;
    match action {
        DbAction::Url => {
            println!("{}", cluster.url(DATABASE_NAME));
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Start => {
            let c = cluster.clone();
            let started = tokio::task::spawn_blocking(move || c.start_detached())
                .await
                .map_err(|e| DbError::Task(e.to_string()))??;
            db::create_database_if_missing(&cluster, DATABASE_NAME).await?;
            let pool = db::connect_pool(cluster.connect_options(DATABASE_NAME)).await?;
            db::MIGRATOR.run(&pool).await.map_err(DbError::from)?;
            pool.close().await;
            println!(
                "PostgreSQL {} in {}; it keeps running until `pledgeline db stop`.\n{}",
                if started {
                    "started"
                } else {
                    "was already running"
                },
                cluster.data_dir().display(),
                cluster.url(DATABASE_NAME)
            );
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Stop { force } => {
            let c = cluster.clone();
            let stopped = tokio::task::spawn_blocking(move || c.stop(force))
                .await
                .map_err(|e| DbError::Task(e.to_string()))??;
            println!(
                "PostgreSQL {} ({})",
                if stopped {
                    "stopped"
                } else {
                    "was not running"
                },
                cluster.data_dir().display()
            );
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Status => {
            let status = cluster.status();
            println!("data directory: {}", cluster.data_dir().display());
            println!("server binaries: {}", cluster.binaries().bindir.display());
            println!("server account: {}", cluster.account().name);
            let (line, code) = match status {
                Status::Uninitialized => ("not created yet".to_string(), 3),
                Status::Stopped => ("stopped".to_string(), 3),
                Status::Stale { pid } => (
                    format!(
                        "stopped (stale postmaster.pid for pid {pid}; the next start recovers)"
                    ),
                    3,
                ),
                Status::Running { pid } => (format!("running (pid {pid})"), 0),
            };
            println!("status: {line}");
            println!("url: {}", cluster.url(DATABASE_NAME));
            Ok(ExitCode::from(code))
        }
    }
}
