//! Querying the index, and exporting the corpus for OpenSearch / Elasticsearch.

use crate::export::index;
use crate::export::{ExportError, Result, write_atomic};
use std::ops::Range;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{TantivyDocument, schema::Field};

/// One ranked hit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub score: f32,
    pub id: String,
    pub source: String,
    pub page: u64,
    /// A fragment of the page text around the matches.
    pub snippet: String,
    /// Byte ranges of the matches within `snippet`.
    pub highlighted: Vec<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub limit: usize,
    /// Every query word must occur (default); otherwise any.
    pub all_words: bool,
    /// Snippet length in characters (approximate).
    pub snippet_chars: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            all_words: true,
            snippet_chars: 120,
        }
    }
}

/// Runs `query` (tantivy query syntax; words are tokenized with the CJK-bigram tokenizer)
/// against `OUT/index`.
pub fn search(out_dir: &Path, query: &str, opts: &SearchOptions) -> Result<Vec<Hit>> {
    let (idx, f) = index::open(out_dir)?;
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&idx, vec![f.text]);
    if opts.all_words {
        parser.set_conjunction_by_default();
    }
    let q = parser.parse_query(query)?;
    let top = searcher.search(&q, &TopDocs::with_limit(opts.limit.max(1)).order_by_score())?;
    let mut snippets = SnippetGenerator::create(&searcher, &*q, f.text)?;
    snippets.set_max_num_chars(opts.snippet_chars);
    let mut hits = Vec::new();
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let snippet = snippets.snippet_from_doc(&doc);
        hits.push(Hit {
            score,
            id: text_of(&doc, f.id),
            source: text_of(&doc, f.source),
            page: doc.get_first(f.page).and_then(|v| v.as_u64()).unwrap_or(0),
            snippet: snippet.fragment().to_string(),
            highlighted: snippet.highlighted().to_vec(),
        });
    }
    Ok(hits)
}

fn text_of(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Index settings for OpenSearch matching the local tokenizer (CJK bigrams, width folding,
/// lowercase), written next to the bulk file.
pub const OPENSEARCH_MAPPING: &str = r#"{
  "settings": {
    "analysis": {
      "analyzer": {
        "ja_bigram": {
          "type": "custom",
          "tokenizer": "standard",
          "filter": ["cjk_width", "lowercase", "cjk_bigram"]
        }
      }
    }
  },
  "mappings": {
    "properties": {
      "id": {"type": "keyword"},
      "source": {"type": "keyword"},
      "sha256": {"type": "keyword"},
      "page": {"type": "integer"},
      "text": {"type": "text", "analyzer": "ja_bigram"},
      "garble": {"type": "object"},
      "repairs": {"type": "object"}
    }
  }
}
"#;

/// Writes the corpus as OpenSearch bulk NDJSON (an `index` action line, then the document
/// line, per page) to `target`, and the matching index settings to `<target>.mapping.json`.
/// Returns the number of documents.
pub fn export_opensearch(out_dir: &Path, target: &Path, index_name: &str) -> Result<usize> {
    let corpus = super::OutDir::new(out_dir).read_corpus()?;
    let mut out = Vec::new();
    for line in &corpus {
        let action = serde_json::json!({"index": {"_index": index_name, "_id": line.id}});
        out.extend(serde_json::to_vec(&action).map_err(json_err(target))?);
        out.push(b'\n');
        out.extend(serde_json::to_vec(line).map_err(json_err(target))?);
        out.push(b'\n');
    }
    write_atomic(target, &out)?;
    let mut mapping = target.as_os_str().to_owned();
    mapping.push(".mapping.json");
    write_atomic(Path::new(&mapping), OPENSEARCH_MAPPING.as_bytes())?;
    Ok(corpus.len())
}

fn json_err(path: &Path) -> impl Fn(serde_json::Error) -> ExportError + '_ {
    move |source| ExportError::Json {
        path: path.to_path_buf(),
        source,
    }
}
