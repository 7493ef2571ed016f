//! Numbered lines and blocks, with extraction artefacts undone.
//!
//! Invariants: every [`Line`] knows the 1-based source line span it came from (a merged
//! vertical run spans several lines); blank lines are kept (empty `text`) because they
//! separate paragraphs; repairs only remove duplication or join split characters, they never
//! add characters that were not in the input.

/// One logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The cleaned text (no form feeds, no line ending, no trailing spaces).
    pub text: String,
    /// 1-based page number, counted from form feeds.
    pub page: u32,
    /// First source line (1-based).
    pub start: u32,
    /// Last source line (1-based, inclusive).
    pub end: u32,
}

impl Line {
    /// Whether the line is empty or whitespace only.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// A run of lines between page breaks or two or more blank lines: in extracted PR sheets a
/// page (or a text box group) each.
pub type Block = Vec<Line>;

/// Lines of `text`: page numbers from form feeds, fake bold collapsed, vertical runs joined.
pub fn lines(text: &str) -> Vec<Line> {
    let mut page = 1u32;
    let mut raw = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let feeds = line.matches('\x0c').count() as u32;
        // A form feed starts a page; text before it (rare) still belongs to the old page.
        let line_page = if line.trim_start_matches('\x0c').len() < line.len() {
            page + feeds
        } else {
            page
        };
        page += feeds;
        let cleaned: String = line.replace(['\x0c', '\r'], "");
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        raw.push(Line {
            text: collapse_repeats(cleaned.trim_end()),
            page: line_page,
            start: number,
            end: number,
        });
    }
    join_vertical(raw)
}

/// Join runs of two or more consecutive one-character lines (vertical text set one character
/// per line): コ/ー/デ/ィ/ネ/ー/タ/ー → コーディネーター.
fn join_vertical(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut run: Vec<Line> = Vec::new();
    let flush = |run: &mut Vec<Line>, out: &mut Vec<Line>| {
        if run.len() >= 2 {
            let first = &run[0];
            let last = &run[run.len() - 1];
            out.push(Line {
                text: run.iter().map(|l| l.text.trim()).collect(),
                page: first.page,
                start: first.start,
                end: last.end,
            });
        } else {
            out.append(run);
        }
        run.clear();
    };
    for line in lines {
        let single = line.text.trim().chars().count() == 1;
        let same_page = run.last().is_none_or(|l| l.page == line.page);
        if single && same_page {
            run.push(line);
        } else {
            flush(&mut run, &mut out);
            if single {
                run.push(line);
            } else {
                out.push(line);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Collapse fake-bold overprint: a unit of 2+ characters repeated back to back 2+ times (the
/// three or more copies of 6+ characters in all, or two copies of a 5+ character unit)
/// becomes one copy: 地域支援地域支援… → 地域支援.
pub fn collapse_repeats(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let mut best: Option<(usize, usize)> = None; // (unit length, copies)
        let max_unit = (chars.len() - i) / 2;
        for unit in 2..=max_unit.min(40) {
            // No second copy can start at i + unit unless its first character does.
            if chars[i] != chars[i + unit] {
                continue;
            }
            let mut copies = 1;
            while i + (copies + 1) * unit <= chars.len()
                && chars[i..i + unit] == chars[i + copies * unit..i + (copies + 1) * unit]
            {
                copies += 1;
            }
            let long_enough = (copies >= 3 && unit * copies >= 6) || (copies == 2 && unit >= 5);
            if long_enough && !is_legit_repeat(&chars[i..i + unit]) {
                best = Some((unit, copies));
                break;
            }
        }
        match best {
            Some((unit, copies)) => {
                out.extend(&chars[i..i + unit]);
                i += unit * copies;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Repeats that are real text: digits ("1,000,000"), punctuation runs, leaders (・・・).
fn is_legit_repeat(unit: &[char]) -> bool {
    unit.iter().all(|c| {
        c.is_ascii_digit()
            || c.is_ascii_punctuation()
            || matches!(c, '・' | '…' | '－' | '―' | '─' | '　' | ' ' | '，' | '．')
    })
}

/// Cut lines into blocks at page breaks and at two or more consecutive blank lines; blank
/// lines at block edges are dropped.
pub fn blocks(lines: &[Line]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Block = Vec::new();
    let mut blank_run = 0;
    for line in lines {
        let page_break = current.last().is_some_and(|l: &Line| l.page != line.page);
        if page_break || (blank_run >= 2 && !line.is_blank()) {
            push_block(&mut out, std::mem::take(&mut current));
        }
        if line.is_blank() {
            blank_run += 1;
        } else {
            blank_run = 0;
        }
        current.push(line.clone());
    }
    push_block(&mut out, current);
    out
}

fn push_block(out: &mut Vec<Block>, mut block: Block) {
    while block.last().is_some_and(Line::is_blank) {
        block.pop();
    }
    let first = block
        .iter()
        .position(|l| !l.is_blank())
        .unwrap_or(block.len());
    block.drain(..first);
    if !block.is_empty() {
        out.push(block);
    }
}

/// The era a bare "６年度" is read in: the era named last in the document,
/// 令和 if none.
pub fn document_era(text: &str) -> String {
    let positions = [("令和", text.rfind("令和")), ("平成", text.rfind("平成"))];
    positions
        .iter()
        .filter_map(|(era, pos)| pos.map(|p| (p, *era)))
        .max()
        .map_or("令和", |(_, era)| era)
        .to_string()
}

/// Text for comparison: width-folded, NFKC, without whitespace.
pub fn squash(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_bold_collapses() {
        assert_eq!(collapse_repeats("地域支援地域支援地域支援"), "地域支援");
        assert_eq!(
            collapse_repeats("ネットワークネットワークネットワーク"),
            "ネットワーク"
        );
        assert_eq!(
            collapse_repeats("トフォーム 等トフォーム 等"),
            "トフォーム 等"
        );
        // Ordinary text and numbers are left alone.
        assert_eq!(collapse_repeats("こどもこども"), "こどもこども");
        assert_eq!(collapse_repeats("1,000,000円"), "1,000,000円");
        assert_eq!(collapse_repeats("・・・・・・"), "・・・・・・");
    }

    #[test]
    fn vertical_runs_join_with_spans() {
        let l = lines("xy\nコ\nー\nデ\n\n国\nabc");
        let texts: Vec<&str> = l.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, vec!["xy", "コーデ", "", "国", "abc"]);
        assert_eq!((l[1].start, l[1].end), (2, 4));
    }

    #[test]
    fn pages_and_blocks() {
        let l = lines("aa\nbb\n\n\ncc\n\x0cdd\n\nee");
        assert_eq!(
            l.iter().map(|l| l.page).collect::<Vec<_>>(),
            vec![1, 1, 1, 1, 1, 2, 2, 2]
        );
        let b = blocks(&l);
        let firsts: Vec<&str> = b.iter().map(|b| b[0].text.as_str()).collect();
        assert_eq!(firsts, vec!["aa", "cc", "dd"]);
    }
}
