//! `qms`: an ISO 9001:2015 document control system. Procedures are versioned Markdown in a bare
//! git repository; a web service manages their review, approval and publishing, internal audits,
//! nonconformities and corrective actions.
//!
//! Layers (dependencies point inward): `http`, `pages` and `cli` call `service`, which owns the use
//! cases and talks to `db`, `store` and `markdown` through the ports in `service::ports`. `domain`
//! is pure Rust.

pub mod app;
pub mod check;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod fault;
pub mod http;
pub mod markdown;
pub mod pages;
pub mod search;
pub mod service;
pub mod store;
pub mod web_common;
