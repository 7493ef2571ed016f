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

mod forward_only;

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
    /// 1-based line of the page on which the first match is (0 when no match is
    /// highlighted, as for a purely negative query).
    pub line: usize,
    /// A fragment of the page text around the matches.
    pub snippet: String,
    /// Character offset of `snippet` within the page text.
    pub snippet_offset: usize,
    /// Byte ranges of the matches within `snippet`, overlapping and touching ranges merged
    /// into whole matches (a phrase's bigrams are one range).
    pub highlighted: Vec<Range<usize>>,
    /// The same ranges in characters (what JavaScript and Python index strings by).
    pub highlighted_chars: Vec<Range<usize>>,
    /// Other pages whose text is identical to this one's (ids), collapsed into this hit
    /// (a form page repeated in every document); empty unless collapsing is on.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub duplicates: Vec<String>,
    /// The hit's line in the review site, relative to the batch's output directory
    /// (`review/doc/3.html#line=p2-l7`: the page of the document, the line selected and, on
    /// a PDF page, boxed on the page image); the site is written by `glyphmend review OUT`.
    /// Absent when the manifest does not list the source.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub review: Option<String>,
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
    /// Pages with identical text are one hit, listing the others in
    /// [`Hit::duplicates`] (default); otherwise every page is its own hit.
    pub collapse_duplicates: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            all_words: true,
            snippet_chars: 120,
            collapse_duplicates: true,
        }
    }
}

/// Runs `query` (tantivy query syntax; words are tokenized with the CJK-bigram tokenizer)
/// against `OUT/index`. A limit over [`MAX_HITS`] or a query nested deeper than
/// [`MAX_QUERY_DEPTH`] is refused before anything is parsed or allocated.
pub fn search(out_dir: &Path, query: &str, opts: &SearchOptions) -> Result<Vec<Hit>> {
    check_limits(query, opts)?;
    let (idx, f) = index::open(out_dir)?;
    let mut hits = search_in(&idx, &f, query, opts)?;
    // Review pages are named by the document's position in the manifest.
    if let Ok(m) = super::OutDir::new(out_dir).read_manifest() {
        let numbers: std::collections::HashMap<&str, usize> = m
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, e)| e.status.has_outputs() && e.outputs.is_some())
            .map(|(i, e)| (e.path.as_str(), i + 1))
            .collect();
        for h in &mut hits {
            if let Some(&n) = numbers.get(h.source.as_str()) {
                let page = u32::try_from(h.page).unwrap_or(u32::MAX);
                h.review = Some(super::review::line_link(n, page, h.line));
            }
        }
    }
    Ok(hits)
}

/// Refuses a limit over [`MAX_HITS`] or a query nested deeper than [`MAX_QUERY_DEPTH`]
/// before anything is parsed or allocated.
fn check_limits(query: &str, opts: &SearchOptions) -> Result<()> {
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
    Ok(())
}

/// [`search`] on an index already open (with [`index::register`]ed tokenizers): the limits,
/// the query parser, ranking and snippets. Fuzzed on an index in memory
/// (`fuzz/fuzz_targets/search_query.rs`).
pub fn search_in(
    idx: &tantivy::Index,
    f: &index::Fields,
    query: &str,
    opts: &SearchOptions,
) -> Result<Vec<Hit>> {
    check_limits(query, opts)?;
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    // Queries are cut into bigrams only (the index also holds single characters).
    let mut parser = QueryParser::new(idx.schema(), vec![f.text], index::query_tokenizers());
    if opts.all_words {
        parser.set_conjunction_by_default();
    }
    // Every leaf seeks forward for real (a tantivy 0.27 shortcut misbehaves: `forward_only`).
    let q = forward_only::forward_only(parser.parse_query(query)?);
    let limit = opts.limit.max(1);
    // Identical pages score alike and come together: fetch more than the limit so that
    // collapsing them still fills it.
    let fetch = if opts.collapse_duplicates {
        limit.saturating_mul(4).saturating_add(16).min(MAX_HITS)
    } else {
        limit
    };
    let top = searcher.search(&q, &TopDocs::with_limit(fetch).order_by_score())?;
    let mut snippets = SnippetGenerator::create(&searcher, &*q, f.text)?;
    snippets.set_max_num_chars(opts.snippet_chars);
    let mut hits: Vec<Hit> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = text_of(&doc, f.text);
        let id = text_of(&doc, f.id);
        if opts.collapse_duplicates
            && let Some(&k) = seen.get(&text)
        {
            hits[k].duplicates.push(id);
            continue;
        }
        if hits.len() == limit {
            continue;
        }
        let snippet = snippets.snippet_from_doc(&doc);
        let fragment = snippet.fragment().to_string();
        let highlighted = clip_ranges(merge_ranges(snippet.highlighted()), &fragment);
        let at = text.find(&fragment).unwrap_or(0);
        let line = highlighted.first().map_or(0, |r| {
            text.get(..at + r.start)
                .map_or(0, |before| before.matches('\n').count() + 1)
        });
        let char_at = |b: usize| fragment.get(..b).map_or(0, |p| p.chars().count());
        let highlighted_chars = highlighted
            .iter()
            .map(|r| char_at(r.start)..char_at(r.end))
            .collect();
        if opts.collapse_duplicates {
            seen.insert(text.clone(), hits.len());
        }
        hits.push(Hit {
            score,
            id,
            source: text_of(&doc, f.source),
            page: doc.get_first(f.page).and_then(|v| v.as_u64()).unwrap_or(0),
            line,
            snippet_offset: text.get(..at).map_or(0, |p| p.chars().count()),
            snippet: fragment,
            highlighted,
            highlighted_chars,
            duplicates: Vec::new(),
            review: None,
        });
    }
    Ok(hits)
}

/// Sorted byte ranges with overlapping or touching ones merged (a phrase's bigrams overlap
/// by one character each: 【補助基準額】, not 【【補助】【基準】額】).
fn merge_ranges(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted: Vec<Range<usize>> = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Ranges cut to `fragment` on character boundaries: a match may run on past the end of
/// the fragment (found by the `search_query` fuzz target: `補助基準額` at a 40-character
/// snippet's end gave 31..40 in 37 bytes).
fn clip_ranges(ranges: Vec<Range<usize>>, fragment: &str) -> Vec<Range<usize>> {
    ranges
        .into_iter()
        .filter_map(|r| {
            let mut end = r.end.min(fragment.len());
            while !fragment.is_char_boundary(end) {
                end -= 1;
            }
            (r.start < end && fragment.is_char_boundary(r.start)).then_some(r.start..end)
        })
        .collect()
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
    fn ranges_merge_when_they_overlap_or_touch() {
        assert_eq!(merge_ranges(&[0..6, 3..9, 6..12]), vec![0..12]);
        assert_eq!(merge_ranges(&[9..12, 0..3]), vec![0..3, 9..12]);
        assert_eq!(merge_ranges(&[0..3, 3..6, 7..9]), vec![0..6, 7..9]);
        assert!(merge_ranges(&[]).is_empty());
    }

    #[test]
    fn query_depth_counts_parentheses_outside_phrases() {
        assert_eq!(query_depth("a b"), 0);
        assert_eq!(query_depth("(a OR (b c)) d"), 2);
        assert_eq!(query_depth("\"((((\" a"), 0);
        assert_eq!(query_depth("\\(a"), 0);
        assert_eq!(query_depth(&"(".repeat(10_000)), 10_000);
    }

    #[test]
    fn highlights_stay_inside_the_snippet() {
        let (idx, f) = crate::export::index::in_ram(&[(
            "a.pdf",
            1,
            "令和６年度予算の概要\n補助基準額は２．４億円（前年度比）",
        )])
        .expect("index");
        let opts = SearchOptions {
            snippet_chars: 40,
            ..SearchOptions::default()
        };
        let hits = search_in(&idx, &f, "補助基準額", &opts).expect("search");
        assert!(!hits.is_empty());
        for h in &hits {
            for r in &h.highlighted {
                assert!(
                    h.snippet.get(r.clone()).is_some(),
                    "{r:?} in {:?}",
                    h.snippet
                );
            }
        }
    }

    /// Found by fuzzing (`search_query`): an excluded group of bigram phrases made tantivy
    /// seek an exhausted phrase scorer backwards (a debug assertion, so a panic in this
    /// test's debug build without `forward_only`). The hits are right too.
    #[test]
    fn an_excluded_group_of_phrases_neither_panics_nor_misses() {
        let (idx, f) = crate::export::index::in_ram(&[
            (
                "a.pdf",
                1,
                "令和６年度予算の概要\n補助基準額は２．４億円（前年度比）",
            ),
            (
                "a.pdf",
                2,
                "事業名：地域公共交通確保維持改善事業\nAND OR NOT \"引用\"",
            ),
            (
                "b.txt",
                1,
                "ｶﾀｶﾅ と ひらがな、English words and 123 numbers.",
            ),
            (
                "c.txt",
                1,
                "令和６年度予算の概要\n補助基準額は２．４億円（前年度比）",
            ),
        ])
        .expect("index");
        for all_words in [true, false] {
            let opts = SearchOptions {
                limit: 10,
                all_words,
                snippet_chars: 40,
                collapse_duplicates: false,
            };
            for (query, want) in [
                ("-(令撌 和OR 事楽) 通", vec!["a.pdf#p2"]),
                ("-(令和 OR 事業) 通", vec![]),
                ("-(令和 OR 補助) 事業", vec!["a.pdf#p2"]),
                ("予算 -(事業 OR 交通)", vec!["a.pdf#p1", "c.txt#p1"]),
            ] {
                let hits = search_in(&idx, &f, query, &opts).expect("search");
                let mut ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
                ids.sort();
                assert_eq!(ids, want, "{query} (all words: {all_words})");
            }
        }
    }
}
