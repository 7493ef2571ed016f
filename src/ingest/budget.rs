//! Work budgets per document: a small file must not buy unbounded time or memory.
//!
//! The per-stream cap ([`super::ExtractOptions::max_stream_bytes`]) bounds one decoded
//! stream, but a document can reference the same stream a hundred times, draw a form that
//! draws ten forms twelve levels deep, or repeat one text-showing stream on every page. So
//! every extraction carries a [`Meter`] charging, for the whole document:
//!
//! - decoded stream bytes (each decode; a form is decoded once per document and memoised),
//! - content-stream bytes interpreted (a page's, and a form's at each draw: a 60 MiB form
//!   drawn 200 times is decoded once but would be parsed 200 times),
//! - content-stream operators executed (operators are parsed one at a time, never all held),
//! - glyphs kept,
//! - form XObject draws.
//!
//! Invariant: once any budget is spent the meter stays exhausted, the interpreter stops
//! (the text so far is kept) and [`Meter::warning`] names the budget, so a document over
//! budget is truncated with a recorded warning, never silently complete.

use lopdf::ObjectId;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// How the warning of a spent budget starts (the pipeline marks such a document as needing
/// attention).
pub const WARNING_PREFIX: &str = "document over its budget";

/// Per-document limits. The defaults are far above any real document we have seen (the
/// largest shared sample decodes to a few MB and under a million operators) and keep the
/// worst case near 1 GB of memory and a minute of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Decoded bytes of all streams (content, forms, fonts, CMaps) together.
    pub decoded_bytes: usize,
    /// Content-stream bytes run through the interpreter, forms once per draw.
    pub content_bytes: usize,
    /// Content-stream operators executed, forms included.
    pub operators: usize,
    /// Glyphs kept over all pages.
    pub glyphs: usize,
    /// Form XObject draws (`Do` of a form).
    pub form_draws: usize,
}

impl Budget {
    /// Default of [`Budget::decoded_bytes`] (512 MiB).
    pub const DEFAULT_DECODED_BYTES: usize = 512 << 20;
    /// Default of [`Budget::content_bytes`] (1 GiB).
    pub const DEFAULT_CONTENT_BYTES: usize = 1 << 30;
    /// Default of [`Budget::operators`].
    pub const DEFAULT_OPERATORS: usize = 50_000_000;
    /// Default of [`Budget::glyphs`].
    pub const DEFAULT_GLYPHS: usize = 4_000_000;
    /// Default of [`Budget::form_draws`].
    pub const DEFAULT_FORM_DRAWS: usize = 200_000;

    /// No limits (tests of other invariants).
    pub fn unlimited() -> Budget {
        Budget {
            decoded_bytes: usize::MAX,
            content_bytes: usize::MAX,
            operators: usize::MAX,
            glyphs: usize::MAX,
            form_draws: usize::MAX,
        }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            decoded_bytes: Self::DEFAULT_DECODED_BYTES,
            content_bytes: Self::DEFAULT_CONTENT_BYTES,
            operators: Self::DEFAULT_OPERATORS,
            glyphs: Self::DEFAULT_GLYPHS,
            form_draws: Self::DEFAULT_FORM_DRAWS,
        }
    }
}

/// Which budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    /// Decoded stream bytes ([`Budget::decoded_bytes`]).
    DecodedBytes,
    /// Content-stream bytes interpreted ([`Budget::content_bytes`]).
    ContentBytes,
    /// Content operators ([`Budget::operators`]).
    Operators,
    /// Glyphs kept ([`Budget::glyphs`]).
    Glyphs,
    /// Form XObject draws ([`Budget::form_draws`]).
    FormDraws,
}

impl Spent {
    fn describe(self, b: &Budget) -> String {
        match self {
            Spent::DecodedBytes => format!("{} decoded stream bytes", b.decoded_bytes),
            Spent::ContentBytes => format!("{} content-stream bytes interpreted", b.content_bytes),
            Spent::Operators => format!("{} content operators", b.operators),
            Spent::Glyphs => format!("{} glyphs", b.glyphs),
            Spent::FormDraws => format!("{} form XObject draws", b.form_draws),
        }
    }
}

/// What a document has used so far (interior mutability: the interpreter holds the
/// document by shared reference).
#[derive(Debug)]
pub struct Meter {
    budget: Budget,
    decoded: Cell<usize>,
    content: Cell<usize>,
    operators: Cell<usize>,
    glyphs: Cell<usize>,
    form_draws: Cell<usize>,
    spent: Cell<Option<Spent>>,
    /// Where the budget ran out (page number), for the warning.
    spent_at: Cell<Option<u32>>,
    /// The page being interpreted.
    page: Cell<u32>,
    /// Decoded form XObjects, by object id: decoded once per document.
    forms: RefCell<HashMap<ObjectId, Rc<Vec<u8>>>>,
}

impl Meter {
    /// A meter with nothing used yet.
    pub fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            decoded: Cell::new(0),
            content: Cell::new(0),
            operators: Cell::new(0),
            glyphs: Cell::new(0),
            form_draws: Cell::new(0),
            spent: Cell::new(None),
            spent_at: Cell::new(None),
            page: Cell::new(0),
            forms: RefCell::new(HashMap::new()),
        }
    }

    /// The limits this meter charges against.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Sets the page named in the warning.
    pub fn set_page(&self, page: u32) {
        self.page.set(page);
    }

    /// A budget is spent: stop working on this document.
    pub fn exhausted(&self) -> bool {
        self.spent.get().is_some()
    }

    /// Which budget ran out, if any.
    pub fn spent(&self) -> Option<Spent> {
        self.spent.get()
    }

    fn charge(&self, used: &Cell<usize>, n: usize, limit: usize, what: Spent) -> bool {
        if self.exhausted() {
            return false;
        }
        let total = used.get().saturating_add(n);
        if total > limit {
            self.spent.set(Some(what));
            self.spent_at.set(Some(self.page.get()));
            return false;
        }
        used.set(total);
        true
    }

    /// Charges `n` decoded bytes; false (and exhausted) when over budget.
    pub fn charge_bytes(&self, n: usize) -> bool {
        self.charge(
            &self.decoded,
            n,
            self.budget.decoded_bytes,
            Spent::DecodedBytes,
        )
    }

    /// Bytes still allowed (to cap a decoder before it allocates).
    pub fn bytes_left(&self) -> usize {
        self.budget.decoded_bytes.saturating_sub(self.decoded.get())
    }

    /// Charges `n` content bytes about to be interpreted.
    pub fn charge_content(&self, n: usize) -> bool {
        self.charge(
            &self.content,
            n,
            self.budget.content_bytes,
            Spent::ContentBytes,
        )
    }

    /// Charges one operator executed; false (and exhausted) when over budget.
    pub fn charge_operator(&self) -> bool {
        self.charge(&self.operators, 1, self.budget.operators, Spent::Operators)
    }

    /// Charges one glyph kept; false (and exhausted) when over budget.
    pub fn charge_glyph(&self) -> bool {
        self.charge(&self.glyphs, 1, self.budget.glyphs, Spent::Glyphs)
    }

    /// Charges one form XObject draw; false (and exhausted) when over budget.
    pub fn charge_form_draw(&self) -> bool {
        self.charge(
            &self.form_draws,
            1,
            self.budget.form_draws,
            Spent::FormDraws,
        )
    }

    /// The memoised decoded form, if decoded before.
    pub fn cached_form(&self, id: ObjectId) -> Option<Rc<Vec<u8>>> {
        self.forms.borrow().get(&id).cloned()
    }

    /// Memoises the decoded form `id` for later draws.
    pub fn cache_form(&self, id: ObjectId, bytes: Rc<Vec<u8>>) {
        self.forms.borrow_mut().insert(id, bytes);
    }

    /// The warning for a spent budget (None while within budget).
    pub fn warning(&self) -> Option<String> {
        let what = self.spent.get()?;
        let at = match self.spent_at.get() {
            Some(p) if p > 0 => format!(" on page {p}"),
            _ => String::new(),
        };
        Some(format!(
            "{WARNING_PREFIX} of {}{at}: extraction stopped there, the text is truncated",
            what.describe(&self.budget)
        ))
    }
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new(Budget::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_stays_spent_and_is_named() {
        let m = Meter::new(Budget {
            operators: 2,
            ..Budget::default()
        });
        m.set_page(3);
        assert!(m.charge_operator());
        assert!(m.charge_operator());
        assert!(m.warning().is_none());
        assert!(!m.charge_operator());
        assert!(m.exhausted());
        // Other budgets refuse too once one is spent.
        assert!(!m.charge_glyph());
        let w = m.warning().unwrap();
        assert!(
            w.contains("2 content operators") && w.contains("page 3"),
            "{w}"
        );
    }
}
