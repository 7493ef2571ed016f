//! Character n-gram language model of Japanese. TEMPORARY interim stub with the final API;
//! replaced by the real model (lm branch).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Anything that scores characters in context. log10 probabilities.
pub trait Scorer {
    fn log_prob(&self, history: &[char], c: char) -> f32;
}

#[derive(Default)]
pub struct CharLm {
    uni: HashMap<char, f32>,
    bi: HashMap<(char, char), f32>,
    total: f32,
}

impl CharLm {
    pub fn builtin() -> &'static CharLm {
        static LM: OnceLock<CharLm> = OnceLock::new();
        LM.get_or_init(|| {
            let mut lm = CharLm::default();
            if let Ok(p) = std::env::var("GLYPHMEND_INTERIM_LM_TEXT") {
                if let Ok(t) = std::fs::read_to_string(p) {
                    lm.add(&t);
                }
            }
            lm
        })
    }
    fn add(&mut self, t: &str) {
        for line in t.lines() {
            let cs: Vec<char> = line.chars().collect();
            for (i, c) in cs.iter().enumerate() {
                *self.uni.entry(*c).or_default() += 1.0;
                self.total += 1.0;
                if i > 0 {
                    *self.bi.entry((cs[i - 1], *c)).or_default() += 1.0;
                }
            }
        }
    }
}

impl Scorer for CharLm {
    fn log_prob(&self, history: &[char], c: char) -> f32 {
        let pu = (self.uni.get(&c).copied().unwrap_or(0.0) + 0.01) / (self.total + 100.0);
        let p = match history.last() {
            Some(h) => {
                let ch = self.uni.get(h).copied().unwrap_or(0.0);
                let b = self.bi.get(&(*h, c)).copied().unwrap_or(0.0);
                let l = ch / (ch + 50.0);
                if ch > 0.0 {
                    l * b / ch + (1.0 - l) * pu
                } else {
                    pu
                }
            }
            None => pu,
        };
        p.log10()
    }
}

pub struct AdaptiveLm<'a> {
    base: &'a CharLm,
}
impl<'a> AdaptiveLm<'a> {
    pub fn new(base: &'a CharLm) -> Self {
        AdaptiveLm { base }
    }
    pub fn observe(&mut self, _t: &str) {}
}
impl Scorer for AdaptiveLm<'_> {
    fn log_prob(&self, history: &[char], c: char) -> f32 {
        self.base.log_prob(history, c)
    }
}
