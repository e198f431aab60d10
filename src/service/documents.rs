//! Procedure files read from the store, parsed and rendered once per content hash (git blob id).
//! A blob never changes, so a cached rendering never goes stale.

use std::sync::Arc;

use moka::sync::Cache;

use super::ports::ContentStore;
use crate::domain::FrontMatter;
use crate::error::{AppError, AppResult};
use crate::markdown::{parse_document, render_html};

/// One revision's file: the stored Markdown, its typed front matter and sanitised HTML body.
#[derive(Debug)]
pub struct RenderedDocument {
    pub markdown: String,
    pub front: FrontMatter,
    pub html: String,
}

/// Rendered documents by blob id, bounded by size.
#[derive(Clone)]
pub struct DocumentCache {
    cache: Cache<String, Arc<RenderedDocument>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        let cache = Cache::builder()
            .weigher(|_: &String, d: &Arc<RenderedDocument>| {
                u32::try_from(d.markdown.len() + d.html.len()).unwrap_or(u32::MAX)
            })
            .max_capacity(32 * 1024 * 1024)
            .build();
        Self { cache }
    }
}

impl DocumentCache {
    /// The document stored in `blob`, rendered.
    pub fn get(&self, store: &dyn ContentStore, blob: &str) -> AppResult<Arc<RenderedDocument>> {
        self.load(blob, || Ok(store.read_blob(blob)?))
    }

    /// The document in `blob`, rendered from `read()` when not cached yet.
    pub fn load(&self, blob: &str, read: impl FnOnce() -> AppResult<String>) -> AppResult<Arc<RenderedDocument>> {
        self.cache
            .try_get_with(blob.to_owned(), || Ok::<_, AppError>(Arc::new(render(read()?)?)))
            .map_err(|e: Arc<AppError>| (*e).clone())
    }
}

/// Parses and renders a stored file. The store only ever holds checked files, so a parse failure
/// here means the store was damaged.
pub fn render(markdown: String) -> AppResult<RenderedDocument> {
    let doc = parse_document(&markdown)
        .map_err(|e| AppError::internal(format!("stored document unreadable: line {}: {}", e.line, e.message)))?;
    let html = render_html(&doc.body);
    Ok(RenderedDocument { front: doc.front, html, markdown })
}
