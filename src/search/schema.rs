//! The index schema: each text as written and folded, with the tokenizers that make them.

use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyDocument, doc};

use crate::service::ports::SearchDoc;

const EXACT: &str = "vi_exact";
const FOLDED: &str = "vi_folded";

pub struct Fields {
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
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored { options.set_stored() } else { options }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        code: b.add_text_field("code", STRING | STORED),
        field: b.add_text_field("field", STRING | STORED),
        kind: b.add_text_field("kind", STRING),
        status: b.add_text_field("status", STRING),
        revision: b.add_u64_field("revision", STORED),
        code_text: b.add_text_field("code_text", text(FOLDED, false)),
        title_exact: b.add_text_field("title_exact", text(EXACT, true)),
        title_folded: b.add_text_field("title_folded", text(FOLDED, false)),
        headings_exact: b.add_text_field("headings_exact", text(EXACT, false)),
        headings_folded: b.add_text_field("headings_folded", text(FOLDED, false)),
        body_exact: b.add_text_field("body_exact", text(EXACT, false)),
        // Stored for snippets: folding keeps offsets, so highlights land on the original text.
        body_folded: b.add_text_field("body_folded", text(FOLDED, true)),
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

/// The words of `text` as the folded fields hold them (lower-case, tones removed, đ→d).
pub fn folded_words(index: &Index, text: &str) -> Vec<String> {
    let Some(mut analyzer) = index.tokenizers().get(FOLDED) else {
        return vec![];
    };
    let mut words = Vec::new();
    analyzer.token_stream(text).process(&mut |token| words.push(token.text.clone()));
    words
}

impl Fields {
    /// The fields a query is matched against.
    pub fn searched(&self) -> Vec<Field> {
        self.boosts().into_iter().map(|(f, _)| f).collect()
    }

    /// The fields where a whole phrase adds weight.
    pub fn phrased(&self) -> Vec<Field> {
        vec![self.title_exact, self.title_folded, self.headings_exact, self.headings_folded]
    }

    /// Exact matches weigh more than folded ones; titles and codes more than headings, headings
    /// more than the body.
    pub fn boosts(&self) -> Vec<(Field, f32)> {
        vec![
            (self.code_text, 6.0),
            (self.title_exact, 8.0),
            (self.title_folded, 4.0),
            (self.headings_exact, 3.0),
            (self.headings_folded, 1.5),
            (self.body_exact, 1.5),
            (self.body_folded, 1.0),
        ]
    }

    pub fn document(&self, d: &SearchDoc) -> TantivyDocument {
        doc!(
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
        )
    }
}
