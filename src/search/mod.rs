//! `SearchIndex` on tantivy. One index serves the deployment: each document names its
//! organisation, and the only way to the index from a use case is `ScopedSearch`, which adds the
//! organisation to every query, replacement, count and marker. One index rather than one per
//! organisation because a province runs 150 of them: one writer, one committer thread and one
//! reader instead of 150 of each. Every text is indexed twice: as written (lower-cased) and folded
//! (tones removed, đ→d), so a query without diacritics finds everything while a query with them
//! ranks exact matches first. Text is NFC-normalised first: Vietnamese typed on different systems
//! arrives composed or decomposed.

mod committer;
mod schema;
mod snippet;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};
use unicode_normalization::UnicodeNormalization;

use crate::domain::organisation::OrgId;
use crate::service::ports::{PortError, PortResult, SearchDoc, SearchHit, SearchIndex, SearchQuery};
use schema::{Fields, QueryWords};

fn failure(e: impl std::fmt::Display) -> PortError {
    PortError::Failure(format!("search: {e}"))
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The index in a directory of its own, with one long-lived writer whose commits happen in the
/// background (see `committer`).
pub struct TantivySearch {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    committer: committer::Committer,
    /// Each organisation's marker (the store commit its documents reflect), as queued; the whole
    /// map is the payload of every commit.
    markers: Mutex<BTreeMap<String, String>>,
}

/// The index as one organisation sees it: the `SearchIndex` port of that organisation.
#[derive(Clone)]
pub struct ScopedSearch {
    index: Arc<TantivySearch>,
    org: String,
}

impl TantivySearch {
    /// Opens the index at `dir`, creating it when needed. The index is a cache of the store: one
    /// that cannot be opened whole (another schema, a missing or truncated segment, a damaged
    /// meta file) is discarded with a log line and created empty; start-up then rebuilds it from
    /// the catalogue (`service::search::ensure_complete`).
    pub fn open(dir: &Path) -> PortResult<Self> {
        let (schema, fields) = schema::build();
        std::fs::create_dir_all(dir).map_err(failure)?;
        let (index, reader) = match open_whole(dir, &schema) {
            Ok(opened) => opened,
            Err(why) => {
                log::warn!("search index at {} unusable ({why}); discarding it to rebuild", dir.display());
                std::fs::remove_dir_all(dir).map_err(failure)?;
                std::fs::create_dir_all(dir).map_err(failure)?;
                let mut index = Index::create_in_dir(dir, schema).map_err(failure)?;
                let reader = prepare(&mut index).map_err(failure)?;
                (index, reader)
            }
        };
        let committer = committer::Committer::start(index.clone(), reader.clone());
        let payload = index.load_metas().map_err(failure)?.payload;
        // A payload that is not a map (an index written before organisations) names nothing:
        // start-up then re-indexes each organisation from its catalogue.
        let markers = payload.and_then(|p| serde_json::from_str(&p).ok()).unwrap_or_default();
        Ok(Self { index, reader, fields, committer, markers: Mutex::new(markers) })
    }

    /// The index as organisation `org` sees it.
    pub fn scoped(self: &Arc<Self>, org: OrgId) -> ScopedSearch {
        ScopedSearch { index: self.clone(), org: org.to_string() }
    }

    fn org_term(&self, org: &str) -> Term {
        Term::from_field_text(self.fields.org, org)
    }

    fn filters(&self, org: &str, q: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        let mut out = vec![(Occur::Must, term(self.fields.org, org))];
        if let Some(field) = q.field.as_deref().filter(|f| !f.is_empty()) {
            out.push((Occur::Must, term(self.fields.field, field)));
        }
        if let Some(kind) = q.kind.as_deref().filter(|k| !k.is_empty()) {
            out.push((Occur::Must, term(self.fields.kind, kind)));
        }
        if !q.include_obsolete {
            out.push((Occur::Must, term(self.fields.status, "effective")));
        }
        out
    }

    /// Every word must be in the procedure (folded: a query without diacritics finds all);
    /// the fields holding all of them, as written or folded, and a phrase in a title or heading
    /// add to the rank. Each part is an intersection of single posting lists, so a query over a
    /// province's 100,000 procedures reads each word's list once per field, not a union of them.
    fn query(&self, org: &str, q: &SearchQuery, text: &str, words: &QueryWords) -> BooleanQuery {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(all_of(f.all_folded, &words.folded)))];
        let boosts = f.boosts();
        for &(field, boost, exact) in &boosts {
            let list = if exact { &words.exact } else { &words.folded };
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(all_of(field, list)), boost))));
        }
        // Words that appear together, in order, in a title or heading rank higher. Lenient: a
        // citizen's stray quote or colon is text, never an error.
        let plain: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
        let mut phrases = QueryParser::for_index(&self.index, f.phrased());
        for (field, boost, _) in boosts {
            phrases.set_field_boost(field, boost);
        }
        let (phrase, _) = phrases.parse_query_lenient(&format!("\"{}\"", plain.trim()));
        clauses.push((Occur::Should, Box::new(BoostQuery::new(phrase, 2.0))));
        clauses.extend(self.filters(org, q));
        BooleanQuery::new(clauses)
    }
}

/// An existing index with this schema, every segment opened.
fn open_whole(dir: &Path, schema: &tantivy::schema::Schema) -> Result<(Index, IndexReader), String> {
    let mut index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    if index.schema() != *schema {
        return Err("another schema".into());
    }
    // Every file of every segment must be there and whole (its checksum read through): a
    // missing or truncated file is found here, not by a search. Reading the index once at
    // start costs little beside rebuilding it.
    let damaged = index.validate_checksum().map_err(|e| e.to_string())?;
    if let Some(file) = damaged.iter().next() {
        return Err(format!("damaged {}", file.display()));
    }
    let reader = prepare(&mut index).map_err(|e| e.to_string())?;
    Ok((index, reader))
}

/// Tokenizers, the per-core executor and a reader for an index.
fn prepare(index: &mut Index) -> tantivy::Result<IndexReader> {
    // A province's index is a few dozen segments: they are searched side by side, one thread
    // per core, so a query's latency shrinks with the machine, not only throughput.
    index.set_default_multithread_executor()?;
    schema::register_tokenizers(index);
    index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()
}

/// A document having every one of `words` in `field`.
fn all_of(field: Field, words: &[String]) -> BooleanQuery {
    let term = |w: &String| -> (Occur, Box<dyn Query>) {
        let term = Term::from_field_text(field, w);
        (Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
    };
    BooleanQuery::new(words.iter().map(term).collect())
}

impl SearchIndex for ScopedSearch {
    fn upsert(&self, docs: &[SearchDoc], marker: Option<&str>) -> PortResult<()> {
        let shared = &self.index;
        let prepared: Vec<(Term, TantivyDocument)> = docs
            .iter()
            .map(|d| {
                let replaced = Term::from_field_text(shared.fields.key, &schema::key(&self.org, &d.code));
                let normalised =
                    SearchDoc { title: nfc(&d.title), headings: nfc(&d.headings), body: nfc(&d.body), ..d.clone() };
                (replaced, shared.fields.document(&self.org, &normalised))
            })
            .collect();
        let payload = marker.map(|m| shared.mark(&self.org, m));
        shared.committer.change(payload.as_deref(), move |w| {
            for (replaced, document) in prepared {
                w.delete_term(replaced);
                w.add_document(document)?;
            }
            Ok(())
        })
    }

    fn clear(&self) -> PortResult<()> {
        let shared = &self.index;
        let org = shared.org_term(&self.org);
        shared.committer.change(None, move |w| {
            w.delete_term(org);
            Ok(())
        })?;
        shared.committer.wait_until_committed()
    }

    fn flush(&self) -> PortResult<()> {
        self.index.committer.wait_until_committed()
    }

    fn marker(&self) -> PortResult<Option<String>> {
        let shared = &self.index;
        shared.committer.wait_until_committed()?;
        let payload = shared.index.load_metas().map_err(failure)?.payload;
        let markers: BTreeMap<String, String> = payload.and_then(|p| serde_json::from_str(&p).ok()).unwrap_or_default();
        Ok(markers.get(&self.org).cloned())
    }

    fn search(&self, q: &SearchQuery) -> PortResult<Vec<SearchHit>> {
        // A segment damaged while serving may make tantivy panic inside a search: that search
        // fails, the process goes on (the next start finds the damage and rebuilds).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.index.search_unguarded(&self.org, q)))
            .unwrap_or_else(|_| Err(failure("a damaged segment stopped this search")))
    }

    fn count(&self) -> PortResult<u64> {
        let shared = &self.index;
        shared.committer.wait_until_committed()?;
        let searcher = shared.reader.searcher();
        let mine = TermQuery::new(shared.org_term(&self.org), IndexRecordOption::Basic);
        Ok(searcher.search(&mine, &Count).map_err(failure)? as u64)
    }
}

impl TantivySearch {
    /// Records `marker` as organisation `org`'s and returns every organisation's, as the payload
    /// of the commit that will hold this change.
    fn mark(&self, org: &str, marker: &str) -> String {
        let mut markers = self.markers.lock().unwrap_or_else(|p| p.into_inner());
        markers.insert(org.to_owned(), marker.to_owned());
        serde_json::to_string(&*markers).unwrap_or_default()
    }

    fn search_unguarded(&self, org: &str, q: &SearchQuery) -> PortResult<Vec<SearchHit>> {
        // A search started after a publish sees it, even if its commit is still running.
        self.committer.wait_until_committed()?;
        let text = nfc(q.text.trim());
        if text.is_empty() {
            return Ok(vec![]);
        }
        let f = &self.fields;
        let words = QueryWords::of(&self.index, &text);
        if words.folded.is_empty() {
            return Ok(vec![]);
        }
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&self.query(org, q, &text, &words), &TopDocs::with_limit(q.limit.clamp(1, 500)).order_by_score())
            .map_err(failure)?;
        let highlighted = all_of(f.body_folded, &words.folded);
        let mut snippets = SnippetGenerator::create(&searcher, &highlighted, f.body_folded).map_err(failure)?;
        snippets.set_max_num_chars(200);
        top.into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).map_err(failure)?;
                let text_in = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default();
                let text_of = |field| text_in(field).to_owned();
                let revision = doc.get_first(f.revision).and_then(|v| v.as_u64()).unwrap_or_default() as i32;
                Ok(SearchHit {
                    code: text_of(f.code),
                    title: text_of(f.title_exact),
                    field: text_of(f.field),
                    revision,
                    snippet: snippets.snippet(snippet::passage(text_in(f.body_folded), &words.folded)).to_html(),
                    score,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(code: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            code: code.into(),
            title: title.into(),
            field: code.split('-').nth(1).unwrap_or_default().into(),
            kind: "operational".into(),
            status: "effective".into(),
            revision: 1,
            headings: String::new(),
            body: body.into(),
        }
    }

    fn open(dir: &Path) -> ScopedSearch {
        Arc::new(TantivySearch::open(dir).unwrap()).scoped(OrgId(1))
    }

    fn codes(index: &ScopedSearch, text: &str) -> Vec<String> {
        let q = SearchQuery { text: text.into(), limit: 10, ..Default::default() };
        index.search(&q).unwrap().into_iter().map(|h| h.code).collect()
    }

    #[test]
    fn folding_finds_everything_and_exact_spelling_ranks_first() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(dir.path());
        index
            .upsert(
                &[
                    doc("QT-TDTT-01", "Công nhận câu lạc bộ thể thao", "thể thao quần chúng"),
                    doc("QT-CT-04", "Chứng thực hợp đồng thế chấp", "thế chấp quyền sử dụng đất"),
                    doc("QT-DD-01", "Hòa giải tranh chấp đất đai", "đất đai"),
                ],
                Some("c0ffee"),
            )
            .unwrap();
        assert_eq!(index.marker().unwrap().as_deref(), Some("c0ffee"), "the commit it is up to date with");
        assert_eq!(codes(&index, "thể")[0], "QT-TDTT-01");
        assert_eq!(codes(&index, "thế")[0], "QT-CT-04");
        let folded = codes(&index, "the");
        assert!(folded.contains(&"QT-TDTT-01".to_owned()) && folded.contains(&"QT-CT-04".to_owned()));
        assert_eq!(codes(&index, "dat dai"), ["QT-DD-01"]);
        assert_eq!(codes(&index, "ĐẤT ĐAI"), ["QT-DD-01"]);
        // Decomposed input (NFD) finds the composed text.
        let nfd: String = "đất đai".nfd().collect();
        assert_eq!(codes(&index, &nfd), ["QT-DD-01"]);
        assert_eq!(index.count().unwrap(), 3);
        index.upsert(&[doc("QT-DD-01", "Hòa giải tranh chấp đất đai (sửa)", "")], None).unwrap();
        assert_eq!(index.count().unwrap(), 3, "replacing a document keeps one per code");
    }

    #[test]
    fn a_match_deep_in_a_long_body_is_highlighted() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(dir.path());
        let filler = "Cán bộ tiếp nhận hồ sơ, kiểm tra thành phần và trả kết quả. ".repeat(300);
        let body = format!("{filler}Trường hợp hòa giải tranh chấp đất đai thì chuyển hồ sơ. {filler}");
        index.upsert(&[doc("QT-DD-02", "Tiếp nhận hồ sơ", &body)], None).unwrap();
        let q = SearchQuery { text: "hoa giai dat dai".into(), limit: 5, ..Default::default() };
        let hits = index.search(&q).unwrap();
        let snippet = &hits[0].snippet;
        assert!(snippet.contains("<b>hòa</b> <b>giải</b>") && snippet.contains("<b>đất</b>"), "{snippet}");
        assert!(snippet.len() < 600, "a passage: {snippet}");
    }

    #[test]
    fn a_burst_of_publishes_makes_one_commit_and_a_search_still_sees_each() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(dir.path());
        for i in 0..10 {
            let code = format!("QT-HT-{i:02}");
            index.upsert(&[doc(&code, "Đăng ký khai sinh", "khai sinh")], Some(&format!("commit-{i}"))).unwrap();
        }
        index.flush().unwrap();
        let segments = index.index.index.searchable_segment_ids().unwrap();
        assert_eq!(segments.len(), 1, "ten changes queued together, one commit: {segments:?}");
        assert_eq!(index.marker().unwrap().as_deref(), Some("commit-9"));
        // A search asks for the commit at once rather than waiting for a quiet moment.
        index.upsert(&[doc("QT-DD-05", "Hòa giải", "hòa giải")], Some("commit-10")).unwrap();
        assert_eq!(codes(&index, "hoa giai"), ["QT-DD-05"]);
        assert_eq!(index.count().unwrap(), 11);
        assert_eq!(index.marker().unwrap().as_deref(), Some("commit-10"));
    }

    /// Two organisations with the same code: each finds, counts, replaces and clears its own.
    #[test]
    fn an_organisation_sees_only_its_own_documents() {
        let dir = tempfile::tempdir().unwrap();
        let shared = Arc::new(TantivySearch::open(dir.path()).unwrap());
        let (one, two) = (shared.scoped(OrgId(1)), shared.scoped(OrgId(2)));
        one.upsert(&[doc("QT-HT-01", "Đăng ký khai sinh", "khai sinh")], Some("a1")).unwrap();
        two.upsert(&[doc("QT-HT-01", "Đăng ký kết hôn", "kết hôn")], Some("b1")).unwrap();
        two.upsert(&[doc("QT-HT-02", "Đăng ký khai tử", "khai tử")], Some("b2")).unwrap();
        assert_eq!(codes(&one, "khai"), ["QT-HT-01"]);
        assert_eq!(codes(&one, "ket hon"), Vec::<String>::new(), "the other organisation's text");
        assert_eq!(codes(&two, "ket hon"), ["QT-HT-01"]);
        assert_eq!((one.count().unwrap(), two.count().unwrap()), (1, 2));
        assert_eq!((one.marker().unwrap().as_deref(), two.marker().unwrap().as_deref()), (Some("a1"), Some("b2")));
        one.clear().unwrap();
        assert_eq!((one.count().unwrap(), two.count().unwrap()), (0, 2), "clearing one leaves the other");
        drop((one, two, shared));
        let reopened = Arc::new(TantivySearch::open(dir.path()).unwrap()).scoped(OrgId(2));
        assert_eq!(reopened.marker().unwrap().as_deref(), Some("b2"), "markers survive a restart");
    }

    #[test]
    fn obsolete_procedures_only_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(dir.path());
        index.upsert(&[SearchDoc { status: "obsolete".into(), ..doc("QT-VH-09", "Lễ hội", "lễ hội") }], None).unwrap();
        assert!(codes(&index, "lễ hội").is_empty());
        let q = SearchQuery { text: "le hoi".into(), include_obsolete: true, limit: 5, ..Default::default() };
        assert_eq!(index.search(&q).unwrap().len(), 1);
    }
}
