//! Fields of a sheet read from its lines: subsidy rates (with who they apply to), implementing
//! bodies, unit amounts and the contact.

use super::*;

/// Rate lines: labelled (補助率, 交付率) or flow-diagram lines holding only rates.
pub(super) fn subsidy_rates(block: &Block) -> Vec<SubsidyRate> {
    let mut out: Vec<SubsidyRate> = Vec::new();
    let lines: Vec<(usize, &Line)> = block
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank())
        .collect();
    let mut in_rate_label = false;
    for (pos, (index, line)) in lines.iter().enumerate() {
        let text = line.text.trim();
        let folded = fold_width(text);
        let labelled = folded.contains("補助率") || folded.contains("交付率");
        let continuation = in_rate_label && folded.starts_with(':');
        in_rate_label = labelled || continuation;
        if labelled || continuation {
            let subject_line = lines
                .get(pos.wrapping_sub(1))
                .map(|(_, l)| l.text.as_str())
                .filter(|_| pos > 0);
            for rate in labelled_rates(&folded, subject_line) {
                push_rate(&mut out, rate);
            }
            continue;
        }
        if is_rate_only_line(&folded) || is_flow_line(&folded) {
            // "(１の事業)" on the very next line names what the rates are for.
            let next = block.get(index + 1).map(|l| fold_width(l.text.trim()));
            let applies_to = next
                .filter(|n| (n.starts_with('(') && n.ends_with(')')) && n.contains("の事業"))
                .map(|n| n[1..n.len() - 1].to_string());
            for (rate, _, _) in find_rates(&folded) {
                push_rate(
                    &mut out,
                    SubsidyRate {
                        rate,
                        applies_to: applies_to.clone(),
                        raw: text.to_string(),
                    },
                );
            }
        }
    }
    // A bare rate repeated elsewhere in a diagram adds nothing to one with a subject.
    let with_subject: Vec<String> = out
        .iter()
        .filter(|r| r.applies_to.is_some())
        .map(|r| r.rate.clone())
        .collect();
    out.retain(|r| r.applies_to.is_some() || !with_subject.contains(&r.rate));
    out
}

pub(in crate::segment) fn push_rate(out: &mut Vec<SubsidyRate>, rate: SubsidyRate) {
    if !out
        .iter()
        .any(|r| r.rate == rate.rate && r.applies_to == rate.applies_to)
    {
        out.push(rate);
    }
}

/// A flow chart of money drawn on one line: arrows between bodies, the rates on the arrows
/// ("国 →補助（定額）→ 都道府県 →補助（1/2）→ 事業者"); no sentence, no amount.
fn is_flow_line(folded: &str) -> bool {
    folded.contains(['→', '⇒', '➡', '⇨'])
        && !folded.contains(['。', '円'])
        && !find_rates(folded).is_empty()
}

/// A line of a flow diagram holding rates and at most a short label ("委託費 定額",
/// "３/４、４/５ 地方公共団体").
pub(super) fn is_rate_only_line(folded: &str) -> bool {
    let rates = find_rates(folded);
    if rates.is_empty() || folded.contains('円') || folded.contains('。') {
        return false;
    }
    let mut rest = String::new();
    let mut cursor = 0;
    for (_, s, e) in &rates {
        rest.push_str(folded.get(cursor..*s).unwrap_or(""));
        cursor = *e;
    }
    rest.push_str(folded.get(cursor..).unwrap_or(""));
    let rest: String = rest
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '、' | ',' | '，'))
        .collect();
    rest.chars().count() <= 8
}

/// Rates of a labelled line with their subjects.
pub(in crate::segment) fn labelled_rates(
    folded: &str,
    previous_line: Option<&str>,
) -> Vec<SubsidyRate> {
    let raw = folded.to_string();
    let (head, tail) = match folded.find("補助率").or_else(|| folded.find("交付率")) {
        Some(p) => (&folded[..p], &folded[p + "補助率".len()..]),
        None => ("", folded),
    };
    let tail = tail.trim_start_matches(['】', ']', ':', ' ', '〕', '>', '》', '〉', '」']);
    let head_subject = rate_subject(head, previous_line);
    let mut out = Vec::new();
    // Split the tail into clauses at 、 outside parentheses.
    let clauses = split_top_level(tail);
    let mut group: Vec<String> = Vec::new();
    for clause in clauses {
        let clause = clause.trim();
        let (main, paren) = match clause.find(['(', '（']) {
            Some(p) => (
                &clause[..p],
                Some(clause[p..].trim_matches(['(', ')', '（', '）'])),
            ),
            None => (clause, None),
        };
        let rates = find_rates(main);
        let Some((rate, start, _)) = rates.first().cloned() else {
            continue;
        };
        let subject_before = main[..start].trim().to_string();
        group.push(rate.clone());
        let mut subject = if !subject_before.is_empty() {
            Some(subject_before)
        } else if !head_subject.is_empty() {
            Some(head_subject.clone())
        } else {
            None
        };
        let mut later = Vec::new();
        if let Some(p) = paren {
            if let Some((who, what)) = p.split_once('は') {
                // "（ＮＰＯ法人等は定額、上限 500万円）"
                for (r, _, _) in find_rates(what) {
                    later.push(SubsidyRate {
                        rate: r,
                        applies_to: Some(who.trim().to_string()),
                        raw: raw.clone(),
                    });
                }
            } else if find_rates(p).is_empty() && subject.is_none() {
                // "10/10 、２/３（都道府県・指定都市）": the parenthesis covers the group.
                subject = Some(p.trim().to_string());
                for earlier in &group[..group.len() - 1] {
                    out.retain(|r: &SubsidyRate| !(r.rate == *earlier && r.applies_to.is_none()));
                    out.push(SubsidyRate {
                        rate: earlier.clone(),
                        applies_to: subject.clone(),
                        raw: raw.clone(),
                    });
                }
            }
            group.clear();
        }
        out.push(SubsidyRate {
            rate,
            applies_to: subject,
            raw: raw.clone(),
        });
        out.append(&mut later);
    }
    out
}

/// The subject of the rates after a label, written before it on its line (`head`):
/// "（１）活躍推進型 ２．１億円【補助率】 ２分の１", or after an amount only, the numbered
/// heading on the line before.
fn rate_subject(head: &str, previous_line: Option<&str>) -> String {
    // Subject written before the label: "（１）活躍推進型 ２．１億円【補助率】 ２分の１".
    // Brackets and bullets around the label are not a subject.
    // "実施方法  補助      補助率  1/2": a label-and-value cell before the label's, not its
    // subject ("（Ａ）寄り添い支援型プラス  【補助率】" is one).
    let cell = head.trim_end_matches(['【', '[', '〔', '<', '《']);
    let head = if cell.ends_with("  ") && cell.trim().contains("  ") {
        ""
    } else {
        head
    };
    let head = crate::segment::labels::strip_marker(head.trim());
    // "補助事業（補助率：1/2）": the label opens a parenthesis of the thing before it, which
    // is what is subsidised, not whom the rate is for.
    let opened = head.matches(['(', '（']).count();
    let closed = head.matches([')', '）']).count();
    if opened > closed {
        return String::new();
    }
    let mut head_subject = strip_numbering(
        head.trim_end_matches(['【', '[', '○', ' ', '〔', '<', '《', '〈', '「'])
            .trim_start_matches(['○', ' ']),
    );
    if let Some(m) = find_money(&head_subject).first() {
        head_subject = head_subject[..m.start].trim().to_string();
    }
    let head_text = head
        .trim()
        .trim_matches(['【', '[', '〔', '<', '《', '〈', '「', '○', ' ']);
    if head_subject.is_empty() && !head_text.is_empty() {
        // Label after an amount only: the subject is the heading on the line before.
        if let Some(prev) = previous_line {
            let p = fold_width(prev.trim());
            // A labelled field on the line before ("(3) 実施主体：…") is not a subject.
            if starts_with_numbering(&p)
                && !p.contains("補助率")
                && crate::segment::labels::split_label(&p).is_none()
            {
                head_subject = strip_numbering(&p);
            }
        }
    }
    head_subject
}

pub(in crate::segment) fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in s.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth -= 1,
            _ => {}
        }
        if depth <= 0 && matches!(c, '、' | ',') {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

pub(super) fn starts_with_numbering(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    regex(r"^(?:\([0-9A-Za-z]{1,2}\)|[0-9]{1,2}[.．]|[①-⑳])", &RE).is_match(s)
}

/// "（１）活躍推進型" → "活躍推進型" (input width-folded).
pub(super) fn strip_numbering(s: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = regex(
        r"^\s*(?:\([0-9A-Za-z]{1,2}\)|[0-9]{1,2}[.．]|[①-⑳])\s*",
        &RE,
    );
    re.replace(s, "").trim().to_string()
}

/// `実施主体` lists, split at 、 outside parentheses, deduplicated in order.
pub(super) fn implementing_bodies(block: &Block) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in block {
        let t = line.text.trim();
        let Some(p) = t.find("実施主体") else {
            continue;
        };
        let rest = &t[p + "実施主体".len()..];
        let Some(rest) = rest
            .strip_prefix('】')
            .or_else(|| rest.strip_prefix('：'))
            .or_else(|| rest.strip_prefix(':'))
        else {
            continue;
        };
        let rest = rest.split('【').next().unwrap_or("");
        // "【実施主体】：民間団体": the colon after the bracket is not part of a body.
        let rest = rest.trim_start_matches([':', '：', ' ', '　']);
        for body in split_top_level(rest) {
            let body = body.trim().trim_end_matches(['。', ' ']).to_string();
            if !body.is_empty() && !out.contains(&body) {
                out.push(body);
            }
        }
    }
    out
}

/// 補助基準額 per unit ("１都道府県あたり 7,206千円") and caps ("上限 500万円").
pub(super) fn unit_amounts(block: &Block) -> Vec<UnitAmount> {
    static PER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let per_re = regex(
        r"(\S*あたり|上限)\s*[0-9０-９][0-9０-９,，.．]*\s*(?:千|万|百万|億)?円",
        &PER,
    );
    let mut out: Vec<UnitAmount> = Vec::new();
    for line in block {
        let t = line.text.trim();
        for c in per_re.captures_iter(t) {
            let Some(whole) = c.get(0) else { continue };
            let Some(yen) = find_money(whole.as_str()).first().map(|m| m.yen) else {
                continue;
            };
            // "【補助基準額】１都道府県あたり" → "１都道府県あたり".
            let per = c[1]
                .rsplit(['】', '：', ':'])
                .next()
                .unwrap_or(&c[1])
                .to_string();
            if !out.iter().any(|u| u.per == per && u.amount_yen == yen) {
                out.push(UnitAmount {
                    per,
                    amount_yen: yen,
                    raw: t.to_string(),
                });
            }
        }
    }
    out
}

/// The contact line (［お問い合わせ先］…, 【担当】…).
pub(super) fn contact(block: &Block) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = regex(
        r"[［【\[](?:お問い?合わ?せ先|問い?合わ?せ先|担当|連絡先)[］】\]]\s*[：:]?\s*(.+)$",
        &RE,
    );
    block
        .iter()
        .find_map(|l| re.captures(l.text.trim()).map(|c| c[1].trim().to_string()))
}
