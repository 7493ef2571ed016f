//! Full-text index of a batch's corpus (tantivy), with a tokenizer for Japanese.
//!
//! [`BigramTokenizer`]: runs of CJK characters (kanji, kana, CJK punctuation excluded) become
//! overlapping character bigrams (`孤独対策` → `孤独`, `独対`, `対策`) and, in the index, every
//! character too, at the position of the bigram it starts (the last at the last bigram's); runs of letters and digits become
//! one lowercased word (full-width ASCII folded to ASCII, so `ＮＰＯ` and `npo` match);
//! everything else separates tokens. Kana are folded before that: half-width katakana to
//! full-width (`ﾌﾟﾛｾｽ` = `プロセス`) and katakana to hiragana (`プロセス` = `ぷろせす`), so
//! either spelling finds the other. Queries go through [`QueryTokenizer`]: bigrams only (a
//! lone character for a one-character word), so a query word of several characters becomes
//! a phrase of consecutive bigrams, i.e. an exact substring match, and a one-character query
//! (課, 局, 都) matches that character anywhere. Token offsets always point into the
//! original text (highlights), whatever the folding did.
//!
//! The index lives in `OUT/index/`, rebuilt from `corpus.jsonl` in `OUT/.index.tmp/` and
//! then swapped in, so a failed build leaves the previous index usable.

use crate::export::corpus::CorpusLine;
use crate::export::{ExportError, Result};
use std::path::{Path, PathBuf};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexWriter, doc};

/// Name under which [`BigramTokenizer`] is registered in the index.
pub const TOKENIZER: &str = "ja_bigram";

/// The index's tokenizer: CJK bigrams and characters, lowercased words (see the module docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct BigramTokenizer;

/// The query tokenizer: CJK bigrams (a lone character alone), lowercased words.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueryTokenizer;

/// What a CJK run becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grams {
    /// Bigrams and every character, each character at the position of the bigram it
    /// starts, the last at the last bigram's (the index: phrases of bigrams and single
    /// characters both match; positions are the queries').
    Index,
    /// Bigrams, or the character of a one-character run (queries).
    Query,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Cjk,
    Word,
    Sep,
}

fn kind(c: char) -> Kind {
    match c as u32 {
        // Hiragana, katakana (incl. prolonged mark), phonetic ext., half-width katakana.
        // ・ (U+30FB) separates words; it is punctuation, not kana.
        0x3041..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Kind::Cjk,
        // Iteration mark 々, CJK unified ideographs (+ ext. A), compatibility ideographs.
        0x3005 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Kind::Cjk,
        // Kangxi radicals and the supplement: what pdftotext prints for the kanji of fonts
        // whose ToUnicode names the radical (`⼊札`); folded to the ideograph below.
        0x2E80..=0x2FDF => Kind::Cjk,
        0x20000..=0x3FFFF => Kind::Cjk,
        _ if fold(c).is_alphanumeric() => Kind::Word,
        _ => Kind::Sep,
    }
}

/// Full-width ASCII → ASCII, then lowercase.
fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Kana and radicals folded for matching: half-width katakana to full-width (a voiced or
/// semi-voiced mark joined to the kana before it), then katakana to hiragana; a radical to
/// the ideograph its compatibility decomposition names (⼊ → 入), so text extracted with
/// radicals is found by the word. Each folded character comes with the byte range of the
/// original characters it stands for.
fn fold_cjk(run: &[(usize, char)], end: usize) -> Vec<(usize, usize, char)> {
    let end_of = |i: usize| run.get(i).map_or(end, |c| c.0);
    let mut out = Vec::with_capacity(run.len());
    let mut i = 0;
    while i < run.len() {
        let (from, c) = run[i];
        let mut c2 = c;
        let mut used = 1;
        if ('\u{FF66}'..='\u{FF9F}').contains(&c) {
            // ﾌﾟ → プ: NFKC of the pair when it composes to one character.
            let next = run.get(i + 1).map(|x| x.1);
            let pair = next
                .filter(|n| matches!(n, '\u{FF9E}' | '\u{FF9F}'))
                .and_then(|n| nfkc_one(&[c, n]));
            if let Some(one) = pair {
                c2 = one;
                used = 2;
            } else {
                c2 = nfkc_one(&[c]).unwrap_or(c);
            }
        } else if ('\u{2E80}'..='\u{2FDF}').contains(&c) {
            c2 = nfkc_one(&[c]).unwrap_or(c);
        }
        // Katakana ァ..ヶ → hiragana ぁ..ゖ.
        if ('\u{30A1}'..='\u{30F6}').contains(&c2) {
            c2 = char::from_u32(c2 as u32 - 0x60).unwrap_or(c2);
        }
        out.push((from, end_of(i + used), c2));
        i += used;
    }
    out
}

/// The NFKC form of `chars` when it is one character.
fn nfkc_one(chars: &[char]) -> Option<char> {
    use unicode_normalization::UnicodeNormalization;
    let mut it = chars.iter().copied().nfkc();
    match (it.next(), it.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Tokenizes `text` as the index does ([`Grams::Index`]): tokens with byte offsets into
/// `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with(text, Grams::Index)
}

/// Tokenizes `text` into tokens with byte offsets into `text`; positions as [`Grams`] says.
pub fn tokenize_with(text: &str, grams: Grams) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut tokens = Vec::new();
    let mut position = 0usize;
    let push = |from: usize, to: usize, s: String, position: usize, tokens: &mut Vec<Token>| {
        tokens.push(Token {
            offset_from: from,
            offset_to: to,
            position,
            text: s,
            position_length: 1,
        });
    };
    let mut i = 0;
    while i < chars.len() {
        let k = kind(chars[i].1);
        let mut j = i + 1;
        while j < chars.len() && kind(chars[j].1) == k {
            j += 1;
        }
        match k {
            Kind::Sep => {}
            Kind::Word => {
                let s: String = chars[i..j]
                    .iter()
                    .flat_map(|c| fold(c.1).to_lowercase())
                    .collect();
                push(chars[i].0, end_of(j), s, position, &mut tokens);
                position += 1;
            }
            Kind::Cjk => {
                let run = fold_cjk(&chars[i..j], end_of(j));
                if run.len() == 1 {
                    let (from, to, c) = run[0];
                    push(from, to, c.to_string(), position, &mut tokens);
                    position += 1;
                } else {
                    // Positions count bigrams, as in queries, so that a phrase across a
                    // separator (孤独・孤立) matches as before; the last character shares
                    // the last bigram's position (single characters are term queries).
                    let last = run.len() - 2;
                    for (a, w) in run.windows(2).enumerate() {
                        let s: String = [w[0].2, w[1].2].iter().collect();
                        push(w[0].0, w[1].1, s, position + a, &mut tokens);
                        if grams == Grams::Index {
                            push(
                                w[0].0,
                                w[0].1,
                                w[0].2.to_string(),
                                position + a,
                                &mut tokens,
                            );
                        }
                    }
                    if grams == Grams::Index {
                        let (from, to, c) = run[run.len() - 1];
                        push(from, to, c.to_string(), position + last, &mut tokens);
                    }
                    position += run.len() - 1;
                }
            }
        }
        i = j;
    }
    tokens
}

/// The token stream of [`BigramTokenizer`]: tokens computed up front.
pub struct BigramTokenStream {
    tokens: Vec<Token>,
    /// Index of the current token + 1 (0 = before the first).
    next: usize,
}

impl TokenStream for BigramTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1).min(self.tokens.len() - 1)]
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1).min(self.tokens.len() - 1);
        &mut self.tokens[i]
    }
}

impl BigramTokenStream {
    fn of(mut tokens: Vec<Token>) -> BigramTokenStream {
        if tokens.is_empty() {
            // `token()` may be called on an exhausted stream; keep one inert token around.
            tokens.push(Token::default());
            return BigramTokenStream {
                tokens,
                next: usize::MAX,
            };
        }
        BigramTokenStream { tokens, next: 0 }
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramTokenStream {
        BigramTokenStream::of(tokenize_with(text, Grams::Index))
    }
}

impl Tokenizer for QueryTokenizer {
    type TokenStream<'a> = BigramTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramTokenStream {
        BigramTokenStream::of(tokenize_with(text, Grams::Query))
    }
}

/// A tokenizer manager for parsing queries against the index: the text field's tokenizer
/// name resolves to [`QueryTokenizer`].
pub fn query_tokenizers() -> tantivy::tokenizer::TokenizerManager {
    let m = tantivy::tokenizer::TokenizerManager::default();
    m.register(TOKENIZER, TextAnalyzer::builder(QueryTokenizer).build());
    m
}

/// The fields of the index.
#[derive(Clone, Copy)]
pub struct Fields {
    /// The page id (`<path>#p<page>`), stored, not tokenized.
    pub id: Field,
    /// Input path relative to the batch directory, stored, not tokenized.
    pub source: Field,
    /// 1-based page number.
    pub page: Field,
    /// SHA-256 of the input file.
    pub sha256: Field,
    /// The repaired page text, tokenized with the CJK-bigram tokenizer.
    pub text: Field,
}

/// The index's schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_options = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        source: b.add_text_field("source", STRING | STORED),
        page: b.add_u64_field("page", INDEXED | STORED),
        sha256: b.add_text_field("sha256", STRING | STORED),
        text: b.add_text_field("text", text_options),
    };
    (b.build(), fields)
}

/// Registers the tokenizer on an index (needed after every open).
pub fn register(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER, TextAnalyzer::builder(BigramTokenizer).build());
}

/// Where the index of output directory `out_dir` lives (`OUT/index`).
pub fn index_dir(out_dir: &Path) -> PathBuf {
    super::OutDir::new(out_dir).index_dir()
}

/// Builds `OUT/index` from `OUT/corpus.jsonl`. Returns the number of pages indexed.
pub fn build(out_dir: &Path) -> Result<usize> {
    let corpus = super::OutDir::new(out_dir).read_corpus()?;
    build_from(out_dir, &corpus)
}

/// Builds `OUT/index` from the given corpus lines, replacing any previous index (it is built
/// in `OUT/.index.tmp`, then moved into place). Returns the number of pages indexed.
pub fn build_from(out_dir: &Path, corpus: &[CorpusLine]) -> Result<usize> {
    let tmp = out_dir.join(".index.tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| ExportError::io(&tmp, e))?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| ExportError::io(&tmp, e))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(&tmp, schema)?;
    register(&index);
    {
        // One thread: the index is small next to the repair work, and a single segment
        // keeps the result the same on every run.
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000)?;
        for line in corpus {
            writer.add_document(doc!(
                f.id => line.id.as_str(),
                f.source => line.source.as_str(),
                f.page => u64::from(line.page),
                f.sha256 => line.sha256.as_str(),
                f.text => line.text.as_str(),
            ))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
    }
    let dest = index_dir(out_dir);
    if dest.exists() {
        std::fs::remove_dir_all(&dest).map_err(|e| ExportError::io(&dest, e))?;
    }
    std::fs::rename(&tmp, &dest).map_err(|e| ExportError::io(&dest, e))?;
    Ok(corpus.len())
}

/// An index held in memory of `pages` (source, 1-based page, text; ids as the batch makes
/// them), for tests and fuzzing the query path ([`super::search::search_in`]).
pub fn in_ram(pages: &[(&str, u32, &str)]) -> Result<(Index, Fields)> {
    let (schema, f) = schema();
    let index = Index::create_in_ram(schema);
    register(&index);
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
    for &(source, page, text) in pages {
        writer.add_document(doc!(
            f.id => super::corpus::page_id(source, page),
            f.source => source,
            f.page => u64::from(page),
            f.sha256 => "",
            f.text => text,
        ))?;
    }
    writer.commit()?;
    Ok((index, f))
}

/// Opens `OUT/index` with the tokenizer registered.
pub fn open(out_dir: &Path) -> Result<(Index, Fields)> {
    let dir = index_dir(out_dir);
    if !dir.join("meta.json").exists() {
        return Err(ExportError::Other(format!(
            "{}: no index (run `glyphmend index {}` first)",
            dir.display(),
            out_dir.display()
        )));
    }
    let index = Index::open_in_dir(&dir)?;
    register(&index);
    let schema = index.schema();
    let get = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| ExportError::Other(format!("index has no field `{name}`")))
    };
    let fields = Fields {
        id: get("id")?,
        source: get("source")?,
        page: get("page")?,
        sha256: get("sha256")?,
        text: get("text")?,
    };
    Ok((index, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize_with(s, Grams::Query)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn the_index_holds_every_character_beside_the_bigram_it_starts() {
        let toks: Vec<(usize, String)> = tokenize("孤独対策 x 課")
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect();
        let want = [
            (0, "孤独"),
            (0, "孤"),
            (1, "独対"),
            (1, "独"),
            (2, "対策"),
            (2, "対"),
            (2, "策"),
            (3, "x"),
            (4, "課"),
        ];
        assert_eq!(
            toks,
            want.iter()
                .map(|(p, s)| (*p, s.to_string()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn kana_fold_half_width_and_katakana_keeping_offsets() {
        assert_eq!(texts("ﾌﾟﾛｾｽ"), texts("プロセス"));
        assert_eq!(texts("プロセス"), ["ぷろ", "ろせ", "せす"]);
        assert_eq!(texts("ガイド"), texts("ｶﾞｲﾄﾞ"));
        let s = "窓口ﾌﾟﾛｾｽ";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.offset_from) && s.is_char_boundary(t.offset_to));
        }
        let last = tokenize(s).into_iter().last().expect("tokens");
        assert_eq!(&s[last.offset_from..last.offset_to], "ｽ");
        let pu = tokenize(s)
            .into_iter()
            .find(|t| t.text == "ぷ")
            .expect("ぷ");
        assert_eq!(&s[pu.offset_from..pu.offset_to], "ﾌﾟ");
    }

    /// pdftotext's `⼊札の⼿引き` (Kangxi radicals from the fonts' ToUnicode) is indexed as
    /// 入札の手引き; offsets still point at the radicals.
    #[test]
    fn radicals_fold_to_their_ideographs() {
        assert_eq!(texts("⼊札の⼿引き"), texts("入札の手引き"));
        assert_eq!(texts("⼊札"), ["入札"]);
        let s = "⼊札";
        let first = tokenize(s)
            .into_iter()
            .find(|t| t.text == "入")
            .expect("入");
        assert_eq!(&s[first.offset_from..first.offset_to], "⼊");
        // A radical with no compatibility decomposition stays itself, in the CJK run.
        assert_eq!(texts("⺀"), ["⺀"]);
    }

    #[test]
    fn cjk_runs_become_overlapping_bigrams_and_words_lowercase() {
        assert_eq!(texts("孤独・孤立対策"), ["孤独", "孤立", "立対", "対策"]);
        assert_eq!(
            texts("NPO法人 Ｎｐｏ 2024年"),
            ["npo", "法人", "npo", "2024", "年"]
        );
        assert_eq!(texts("支援を行う"), ["支援", "援を", "を行", "行う"]);
        assert!(texts(" 、。").is_empty());
    }

    #[test]
    fn offsets_point_into_the_text() {
        let s = "ab 孤独";
        for t in tokenize(s) {
            let piece = &s[t.offset_from..t.offset_to];
            assert_eq!(piece.to_lowercase(), t.text);
        }
        let positions: Vec<usize> = tokenize_with("孤独対策 x", Grams::Query)
            .iter()
            .map(|t| t.position)
            .collect();
        assert_eq!(positions, [0, 1, 2, 3]);
    }

    #[test]
    fn token_stream_walks_all_tokens() {
        let mut tok = QueryTokenizer;
        let mut stream = tok.token_stream("孤独対策");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, ["孤独", "独対", "対策"]);
        let mut empty = tok.token_stream("、");
        assert!(!empty.advance());
    }
}
