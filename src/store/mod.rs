//! The git store: a bare repository whose `main` branch holds every published revision. Commits
//! are built from trees (no working copy), and the branch moves by compare-and-swap, so a plain
//! `git clone` of the store is a complete controlled copy and concurrent writers cannot lose work.

mod commit;
mod git;
mod tree;

pub use git::{GitStore, StoreCaches};
