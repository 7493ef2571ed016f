//! Queries whose scorers only ever seek forward, and for real.
//!
//! tantivy 0.27 lets a boolean query ask a sub-scorer to "seek into the danger zone"
//! (`DocSet::seek_danger`): answer "not here" without positioning itself, leaving it in a
//! state only further such calls may touch. Some combinations break that contract: an
//! excluded union of phrase queries (`-(令和 OR 事業) 通`, our bigram phrases) seeks an
//! exhausted phrase scorer backwards, which trips tantivy's own debug assertion (found by
//! `fuzz/fuzz_targets/search_query.rs`; upstream quickwit-oss/tantivy#2811), and a union can
//! keep a child that such a seek left invalid and return a document that does not match
//! (upstream #3086). Wrapping every leaf of the query in [`ForwardOnly`] gives each of them
//! the default, safe `seek_danger` (a real seek), at the cost of the shortcut.
//!
//! Invariant: the wrapped query matches, scores, explains and names its terms (snippets)
//! exactly as the query it wraps.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `query` with every leaf wrapped in [`ForwardOnly`] (boolean queries are rebuilt around
/// their wrapped clauses, with the same minimum of clauses that should match).
pub(crate) fn forward_only(query: Box<dyn Query>) -> Box<dyn Query> {
    match query.downcast_ref::<BooleanQuery>() {
        Some(b) => {
            let clauses = b
                .clauses()
                .iter()
                .map(|(occur, q)| (*occur, forward_only(q.box_clone())))
                .collect();
            let mut rebuilt = BooleanQuery::new(clauses);
            rebuilt.set_minimum_number_should_match(b.get_minimum_number_should_match());
            Box::new(rebuilt)
        }
        None => Box::new(ForwardOnly(query)),
    }
}

/// A query whose scorers use tantivy's default, safe `seek_danger` (see the module notes).
#[derive(Debug)]
pub(crate) struct ForwardOnly(Box<dyn Query>);

impl Clone for ForwardOnly {
    fn clone(&self) -> Self {
        ForwardOnly(self.0.box_clone())
    }
}

impl Query for ForwardOnly {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardOnlyWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor)
    }
}

struct ForwardOnlyWeight(Box<dyn Weight>);

impl Weight for ForwardOnlyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardOnlyScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ForwardOnlyScorer(Box<dyn Scorer>);

impl DocSet for ForwardOnlyScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        // A seek to where it stands or behind is a no-op, never a backward seek.
        let doc = self.0.doc();
        if target <= doc {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ForwardOnlyScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
