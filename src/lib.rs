//! Pledgeline: track commitments across official documents over time.
//!
//! Data flows one way: files → [`ingest`] (decode, parse, lay out; pure) → [`extract`]
//! (units, kinds, attributes; pure) → [`corpus`] (batches, one transaction per file) →
//! [`store`] (PostgreSQL) ← [`web`] (pages).
//! [`db`] runs the embedded PostgreSQL cluster or connects to `DATABASE_URL`.

#[macro_use]
mod macros;

/// mimalloc rather than the system allocator: extraction makes many small, short-lived
/// allocations (tokens, units), where glibc's malloc cost a fifth of the time (measured with
/// `cargo bench --bench extract`, see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod analyst;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod db;
pub mod demo;
pub mod extract;
pub mod ingest;
pub mod link;
pub mod report;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
