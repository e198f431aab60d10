//! The user journeys in real Chromium: staff, the ISO secretary, an internal auditor and the owner of
//! a corrective action, each through the pages they use, with screenshots at desktop and phone widths.

mod harness;

mod audit_to_closure;
mod main_pages;
mod province_and_communes;
mod secretary_publishes;
mod staff_reads;
