//! Pledgeline: track commitments across official documents over time.
//!
//! Data flows one way: files → [`ingest`] (decode, parse, lay out; pure) → [`corpus`]
//! (batches, one transaction per file) → [`store`] (PostgreSQL) ← [`web`] (pages).
//! [`db`] runs the embedded PostgreSQL cluster or connects to `DATABASE_URL`.

pub mod cli;
pub mod config;
pub mod corpus;
pub mod db;
pub mod demo;
pub mod ingest;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
