//! The index schema: each text as written and folded, with the tokenizers that make them.

use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyDocument, doc};

use crate::service::ports::SearchDoc;

const EXACT: &str = "vi_exact";
const FOLDED: &str = "vi_folded";

pub struct Fields {
    /// The organisation the document belongs to: every query is filtered by it.
    pub org: Field,
    /// `org/code`: what an update of one organisation's procedure replaces.
    pub key: Field,
    pub code: Field,
    pub field: Field,
    pub kind: Field,
    pub status: Field,
    pub revision: Field,
    pub code_text: Field,
    pub title_exact: Field,
    pub title_folded: Field,
    pub headings_exact: Field,
    pub headings_folded: Field,
    pub body_exact: Field,
    pub body_folded: Field,
    /// Code, title and body folded together: the one field every word of a query must be in.
    /// One posting list per word keeps matching an intersection, not a union over fields.
    pub all_folded: Field,
}

/// Word frequencies rank a match; positions are kept only where a phrase is looked for (see
/// `phrased`): they are most of an index's size.
const RANKED: IndexRecordOption = IndexRecordOption::WithFreqs;
const PHRASED: IndexRecordOption = IndexRecordOption::WithFreqsAndPositions;

fn text(tokenizer: &str, record: IndexRecordOption, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored { options.set_stored() } else { options }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        org: b.add_text_field("org", STRING),
        key: b.add_text_field("key", STRING),
        code: b.add_text_field("code", STRING | STORED),
        field: b.add_text_field("field", STRING | STORED),
        kind: b.add_text_field("kind", STRING),
        status: b.add_text_field("status", STRING),
        revision: b.add_u64_field("revision", STORED),
        code_text: b.add_text_field("code_text", text(FOLDED, RANKED, false)),
        title_exact: b.add_text_field("title_exact", text(EXACT, RANKED, true)),
        title_folded: b.add_text_field("title_folded", text(FOLDED, PHRASED, false)),
        headings_exact: b.add_text_field("headings_exact", text(EXACT, RANKED, false)),
        headings_folded: b.add_text_field("headings_folded", text(FOLDED, PHRASED, false)),
        body_exact: b.add_text_field("body_exact", text(EXACT, RANKED, false)),
        // Stored for snippets (folding keeps offsets, so highlights land on the original text);
        // indexed only for the snippet generator's word weights: matching is on `all_folded`.
        body_folded: b.add_text_field("body_folded", text(FOLDED, IndexRecordOption::Basic, true)),
        all_folded: b.add_text_field("all_folded", text(FOLDED, RANKED, false)),
    };
    (b.build(), fields)
}

pub fn register_tokenizers(index: &Index) {
    let exact = TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).build();
    let folded =
        TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter).build();
    index.tokenizers().register(EXACT, exact);
    index.tokenizers().register(FOLDED, folded);
}

/// The words of a query, as the exact fields and as the folded fields hold them.
pub struct QueryWords {
    pub exact: Vec<String>,
    pub folded: Vec<String>,
}

fn words(index: &Index, tokenizer: &str, text: &str) -> Vec<String> {
    let Some(mut analyzer) = index.tokenizers().get(tokenizer) else {
        return vec![];
    };
    let mut words: Vec<String> = Vec::new();
    analyzer.token_stream(text).process(&mut |token| {
        // A word typed twice is one condition, not two.
        if !words.contains(&token.text) {
            words.push(token.text.clone())
        }
    });
    words
}

impl QueryWords {
    /// `text` split and lower-cased as written, and folded (tones removed, đ→d).
    pub fn of(index: &Index, text: &str) -> Self {
        Self { exact: words(index, EXACT, text), folded: words(index, FOLDED, text) }
    }
}

impl Fields {
    /// The fields where a whole phrase adds weight: folded, so a phrase typed with or without
    /// diacritics counts once (the exact fields already weigh the spelling).
    pub fn phrased(&self) -> Vec<Field> {
        vec![self.title_folded, self.headings_folded]
    }

    /// What a field holding all the query's words adds to a match, and whether it holds them
    /// as written: exact matches weigh more than folded ones; titles and codes more than
    /// headings, headings more than the body.
    pub fn boosts(&self) -> Vec<(Field, f32, bool)> {
        vec![
            (self.code_text, 6.0, false),
            (self.title_exact, 8.0, true),
            (self.title_folded, 4.0, false),
            (self.headings_exact, 3.0, true),
            (self.headings_folded, 1.5, false),
            (self.body_exact, 1.5, true),
        ]
    }

    pub fn document(&self, org: &str, d: &SearchDoc) -> TantivyDocument {
        doc!(
            self.org => org,
            self.key => key(org, &d.code),
            self.code => d.code.as_str(),
            self.field => d.field.as_str(),
            self.kind => d.kind.as_str(),
            self.status => d.status.as_str(),
            self.revision => d.revision.max(0) as u64,
            self.code_text => d.code.as_str(),
            self.title_exact => d.title.as_str(),
            self.title_folded => d.title.as_str(),
            self.headings_exact => d.headings.as_str(),
            self.headings_folded => d.headings.as_str(),
            self.body_exact => d.body.as_str(),
            self.body_folded => d.body.as_str(),
            self.all_folded => d.code.as_str(),
            self.all_folded => d.title.as_str(),
            self.all_folded => d.body.as_str(),
        )
    }
}

/// The unique key of one organisation's procedure in the shared index.
pub fn key(org: &str, code: &str) -> String {
    format!("{org}/{code}")
}
