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
    /// The query's relevance score (BM25).
    pub score: f32,
    /// The page id (`<path>#p<page>`).
    pub id: String,
    /// Input path relative to the batch directory.
    pub source: String,
    /// 1-based page number.
    pub page: u64,
    /// A fragment of the page text around the matches.
    pub snippet: String,
    /// Byte ranges of the matches within `snippet`.
    pub highlighted: Vec<Range<usize>>,
}

/// Most hits one search returns (the collector allocates for the limit up front).
pub const MAX_HITS: usize = 10_000;
/// Deepest nesting of parentheses in a query (the query parser recurses on each level).
pub const MAX_QUERY_DEPTH: usize = 64;

/// How to run a [`search`].
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Most hits to return (at most [`MAX_HITS`]).
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
/// against `OUT/index`. A limit over [`MAX_HITS`] or a query nested deeper than
/// [`MAX_QUERY_DEPTH`] is refused before anything is parsed or allocated.
pub fn search(out_dir: &Path, query: &str, opts: &SearchOptions) -> Result<Vec<Hit>> {
    if opts.limit > MAX_HITS {
        return Err(ExportError::Other(format!(
            "at most {MAX_HITS} hits per search (asked for {})",
            opts.limit
        )));
    }
    let depth = query_depth(query);
    if depth > MAX_QUERY_DEPTH {
        return Err(ExportError::Other(format!(
            "query nested {depth} parentheses deep; at most {MAX_QUERY_DEPTH}"
        )));
    }
    let (idx, f) = index::open(out_dir)?;
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    // Queries are cut into bigrams only (the index also holds single characters).
    let mut parser = QueryParser::new(idx.schema(), vec![f.text], index::query_tokenizers());
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

/// Deepest parenthesis nesting outside quoted phrases (unbalanced ones counted as opened).
fn query_depth(query: &str) -> usize {
    let (mut depth, mut max, mut quoted, mut escaped) = (0usize, 0usize, false, false);
    for c in query.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_depth_counts_parentheses_outside_phrases() {
        assert_eq!(query_depth("a b"), 0);
        assert_eq!(query_depth("(a OR (b c)) d"), 2);
        assert_eq!(query_depth("\"((((\" a"), 0);
        assert_eq!(query_depth("\\(a"), 0);
        assert_eq!(query_depth(&"(".repeat(10_000)), 10_000);
    }
}
