//! The integration suite: one test binary (it links the whole service once, not once per file).
//! Every test drives the service through the same code paths its users do: the app factory of
//! `qms serve`, the real `qms` binary, real SQLite, PostgreSQL (when `QMS_TEST_POSTGRES_URL` is
//! set), git and Chromium (when installed; in CI both are required).

mod common;

mod accounts;
mod admin_pages;
mod api_read;
mod audit_to_closure;
mod browser;
mod change_control;
mod change_pages;
mod check_rules;
mod cli_accounts;
mod corpus;
mod corpus_agrees_with_software;
mod git_store;
mod hostile;
mod openapi;
mod organisation_pages;
mod organisations;
mod pages;
mod postgres;
mod publish_crash;
mod quality_pages;
mod register;
mod restart_and_reconcile;
mod search_vietnamese;
mod upgrade;
