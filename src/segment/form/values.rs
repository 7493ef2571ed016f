//! Typed values of form fields: の内数 parents, numeric targets (成果目標) and periods
//! (事業期間). Pure functions of the value text; years come out Gregorian.

use super::super::amounts::{find_money, find_year, fold_width};
use super::super::{Goal, Period};

/// "（社会資本整備総合交付金の内数）" → "社会資本整備総合交付金"; `None` when the text before
/// の内数 is an amount or a budget label (the amount is then part of an unnamed whole).
pub fn part_of_item(text: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"([^\s（(【［\[、，,：:]+?)\s*の内数").expect("static regex")
    });
    let folded = fold_width(text);
    let c = re.captures(&folded)?;
    let item = c[1].trim();
    let item = item.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    if item.is_empty()
        || item.ends_with('円')
        || item.contains("予算")
        || item.chars().count() < 3
        || !find_money(item).is_empty()
    {
        return None;
    }
    Some(item.to_string())
}

/// One 成果目標 line: the number, its unit and the target year where written
/// ("令和８年度までに実施自治体数を300か所とする" → 300, か所, 2026).
pub fn goal(text: &str, default_era: &str) -> Goal {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(%|パーセント|割|件|人|名|か所|箇所|ヶ所|カ所|団体|市町村|自治体|都道府県|地域|地区|機関|拠点|事業者|企業|社|校|回|施設|事業所|世帯|倍|万人|千人|億円|万円|円|km|ha|t|トン|時間|日)",
        )
        .expect("static regex")
    });
    let folded = fold_width(text);
    // A year is not the target's value: skip numbers that are part of "令和8年度", "2030年".
    let year = find_year(text, default_era);
    let mut value = None;
    let mut unit = None;
    for c in re.captures_iter(&folded) {
        let (Some(n), Some(u)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if year
            .as_ref()
            .is_some_and(|y| n.start() < y.end && y.start < n.end())
        {
            continue;
        }
        if folded[n.end()..].trim_start().starts_with("年") {
            continue;
        }
        value = Some(n.as_str().replace(',', ""));
        unit = Some(u.as_str().to_string());
        break;
    }
    let calendar = calendar_year(&folded);
    Goal {
        text: text.to_string(),
        value,
        unit,
        year: year.map(|y| y.year).or(calendar),
    }
}

fn calendar_year(folded: &str) -> Option<i32> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"(20[0-9]{2})\s*年").expect("static regex"));
    re.captures(folded).and_then(|c| c[1].parse().ok())
}

/// 事業期間: "令和６年度～令和８年度" → 2024..2026; a single year gives the start only.
pub fn period(text: &str, default_era: &str) -> Period {
    let folded = fold_width(text);
    let start = find_year(&folded, default_era);
    let end = start.as_ref().and_then(|s| {
        let rest = folded.get(s.end..)?;
        let sep = rest.find(['~', '〜', '～', '-', '－', '―', 'ー', '‐'])?;
        find_year(&rest[sep..], default_era)
    });
    let start_year = start.map(|y| y.year).or_else(|| calendar_year(&folded));
    Period {
        raw: text.to_string(),
        start_year,
        end_year: end.map(|y| y.year),
    }
}
