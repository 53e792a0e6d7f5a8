//! Analyst work: accounts and roles ([`accounts`]), follow-ups on threads ([`followups`]) and
//! corrections of the linker ([`decisions`]). The rules live here, pure; [`crate::store`]
//! keeps the records and [`crate::web`] serves them. None of it is derived data: relinking
//! and re-extraction read the decisions and never drop any of it.

pub mod accounts;
pub mod decisions;
pub mod followups;
pub mod manage;
