//! One integration binary: the app against a real PostgreSQL.

mod analysts;
mod api_v1;
mod browser;
mod cli;
mod cluster;
mod documents;
mod extract;
mod feeds;
mod health;
mod helpers;
mod ingest;
mod link;
mod pages;
mod reports;
mod search_index;
