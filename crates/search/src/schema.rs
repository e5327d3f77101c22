//! The tantivy schema: each procedure's name and its other text (field, agencies,
//! guide…) indexed twice, with diacritics (exact) and without (folded), plus its code.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

use crate::ProcedureDoc;
use crate::analysis::{Form, WordTokenizer};

/// Name of the tokenizer producing exact words.
const EXACT_TOKENIZER: &str = "vi_exact";
/// Name of the tokenizer producing folded words.
const FOLDED_TOKENIZER: &str = "vi_folded";
/// Name of the fast field holding a procedure's position in the catalog.
pub(crate) const ORD_FIELD: &str = "ord";

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Official code, as one raw term.
    pub code: Field,
    /// Name, exact words.
    pub name_exact: Field,
    /// Name, folded words.
    pub name: Field,
    /// Field, agencies and extra text, exact words.
    pub body_exact: Field,
    /// Field, agencies and extra text, folded words.
    pub body: Field,
    /// Position of the procedure in the slice given to `CatalogIndex::build`.
    pub ord: Field,
}

impl Fields {
    /// Creates an empty in-memory index with these fields and their tokenizers.
    pub(crate) fn create_index() -> (Index, Fields) {
        let mut builder = Schema::builder();
        let fields = Fields {
            code: builder.add_text_field("code", STRING),
            name_exact: builder.add_text_field("name_exact", text(EXACT_TOKENIZER)),
            name: builder.add_text_field("name", text(FOLDED_TOKENIZER)),
            body_exact: builder.add_text_field("body_exact", text(EXACT_TOKENIZER)),
            body: builder.add_text_field("body", text(FOLDED_TOKENIZER)),
            ord: builder.add_u64_field(ORD_FIELD, FAST),
        };
        let index = Index::create_in_ram(builder.build());
        let tokenizers = index.tokenizers();
        tokenizers.register(EXACT_TOKENIZER, WordTokenizer::new(Form::Exact));
        tokenizers.register(FOLDED_TOKENIZER, WordTokenizer::new(Form::Folded));
        (index, fields)
    }

    /// The tantivy document of the procedure at position `ord`.
    pub(crate) fn document(&self, ord: u32, procedure: &ProcedureDoc) -> TantivyDocument {
        let mut document = TantivyDocument::new();
        document.add_text(self.code, procedure.code.trim());
        document.add_text(self.name_exact, &procedure.name);
        document.add_text(self.name, &procedure.name);
        for text in body(procedure) {
            document.add_text(self.body_exact, text);
            document.add_text(self.body, text);
        }
        document.add_u64(self.ord, u64::from(ord));
        document
    }
}

/// The texts searched besides the name.
pub(crate) fn body(procedure: &ProcedureDoc) -> impl Iterator<Item = &str> {
    std::iter::once(procedure.field.as_str())
        .chain(procedure.agencies.iter().map(String::as_str))
        .chain(std::iter::once(procedure.text.as_str()))
        .filter(|text| !text.trim().is_empty())
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}
