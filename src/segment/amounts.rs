//! Money, era and rate normalisation for budget text.
//!
//! Invariants: amounts are exact integers of yen (decimal arithmetic, no floats), so
//! "4,874.10億円" is 487,410,000,000 and never 487,409,999,999. Functions return `None`
//! instead of guessing when the text does not say enough.

/// Full-width ASCII variants (０-９, Ａ-Ｚ, ．，／ …) and the ideographic space to ASCII.
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Parse a decimal number with optional thousands separators into (digits, decimals):
/// "4,874.10" → (487410, 2). Separators are accepted only between digits.
fn parse_decimal(s: &str) -> Option<(i128, u32)> {
    let mut mantissa: i128 = 0;
    let mut decimals: Option<u32> = None;
    let mut seen_digit = false;
    for c in s.chars() {
        match c {
            '0'..='9' => {
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add((c as u8 - b'0') as i128)?;
                seen_digit = true;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            ',' if decimals.is_none() && seen_digit => {}
            '.' if decimals.is_none() && seen_digit => decimals = Some(0),
            _ => return None,
        }
    }
    seen_digit.then_some((mantissa, decimals.unwrap_or(0)))
}

/// Yen multiplier of a unit written before 円.
fn unit_multiplier(unit: &str) -> Option<i128> {
    Some(match unit {
        "" => 1,
        "千" => 1_000,
        "万" => 10_000,
        "十万" => 100_000,
        "百万" => 1_000_000,
        "千万" => 10_000_000,
        "億" => 100_000_000,
        "十億" => 1_000_000_000,
        "兆" => 1_000_000_000_000,
        _ => return None,
    })
}

/// `number × unit` in yen, exactly; `None` if it is not a whole number of yen or overflows.
pub fn scale_to_yen(number: &str, unit: &str) -> Option<i64> {
    let (mantissa, decimals) = parse_decimal(&fold_width(number).replace(' ', ""))?;
    let multiplier = unit_multiplier(unit)?;
    let divisor = 10i128.checked_pow(decimals)?;
    let product = mantissa.checked_mul(multiplier)?;
    if product % divisor != 0 {
        return None;
    }
    i64::try_from(product / divisor).ok()
}

/// A money amount found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// The amount in yen.
    pub yen: i64,
    /// Byte range of the amount (number through 円) in the width-folded text.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
}

/// Every amount "N[unit]円" in `text` (after width folding), including "約 18.6 億円" and
/// "1兆2,000億円". Byte offsets refer to `fold_width(text)`.
pub fn find_money(text: &str) -> Vec<Money> {
    let folded = fold_width(text);
    let re = money_regex();
    let mut found = Vec::new();
    for caps in re.captures_iter(&folded) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(number) = caps.name("num") else {
            continue;
        };
        let unit = caps.name("unit").map_or("", |m| m.as_str());
        let Some(mut yen) = scale_to_yen(number.as_str(), unit) else {
            continue;
        };
        if let (Some(n2), Some(u2)) = (caps.name("num2"), caps.name("unit2")) {
            match scale_to_yen(n2.as_str(), u2.as_str()).and_then(|y| y.checked_add(yen)) {
                Some(total) => yen = total,
                None => continue,
            }
        }
        found.push(Money {
            yen,
            start: whole.start(),
            end: whole.end(),
        });
    }
    found
}

fn money_regex() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        // The second group covers "1兆2,000億円"; units are longest-first.
        regex::Regex::new(
            r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?) ?(?P<unit>兆|十億|億|千万|百万|十万|万|千)?(?:(?P<num2>[0-9][0-9,]*(?:\.[0-9]+)?) ?(?P<unit2>億|千万|百万|万|千))? ?円",
        )
        .expect("static regex")
    })
}

/// The first amount in `text`, in yen.
pub fn parse_money(text: &str) -> Option<i64> {
    find_money(text).first().map(|m| m.yen)
}

/// Japanese eras used in budget documents, with the Gregorian year of their year 1.
const ERAS: &[(&str, &str, i32)] = &[
    ("令和", "R", 2018),
    ("平成", "H", 1988),
    ("昭和", "S", 1925),
];

/// Gregorian year of `era` year `n` ("令和", 6 → 2024).
pub fn era_to_gregorian(era: &str, n: i32) -> Option<i32> {
    ERAS.iter()
        .find(|(name, abbr, _)| *name == era || *abbr == era)
        .map(|(_, _, base)| base + n)
}

/// A fiscal year written in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMention {
    /// The Gregorian year.
    pub year: i32,
    /// Whether the era was written ("令和６年度", "R6"); `false` for a bare "６年度".
    pub explicit_era: bool,
    /// Byte range of the mention (era, if written, through the year number) in the
    /// width-folded text.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
}

/// The first fiscal/calendar year in `text`: "令和７年度", "R7", "平成30年度", "令和元年",
/// or a bare "６年度" read in `default_era` (usually the document's era).
pub fn find_year(text: &str, default_era: &str) -> Option<YearMention> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?P<era>令和|平成|昭和)\s*(?P<n>[0-9]{1,2}|元)\s*年|(?:^|[^A-Za-z])(?P<abbr>[RHS])\.?\s?(?P<an>[0-9]{1,2})(?:年|[^0-9.]|$)|(?:^|[^0-9.,])(?P<bare>[0-9]{1,2})\s*年度",
        )
        .expect("static regex")
    });
    let folded = fold_width(text);
    let caps = re.captures(&folded)?;
    let (era, number, explicit_era, span) = if let Some(era) = caps.name("era") {
        let n = caps.name("n")?;
        (era.as_str(), n.as_str(), true, (era.start(), n.end()))
    } else if let Some(abbr) = caps.name("abbr") {
        let n = caps.name("an")?;
        (abbr.as_str(), n.as_str(), true, (abbr.start(), n.end()))
    } else {
        let n = caps.name("bare")?;
        (default_era, n.as_str(), false, (n.start(), n.end()))
    };
    let n = if number == "元" {
        1
    } else {
        number.parse().ok()?
    };
    Some(YearMention {
        year: era_to_gregorian(era, n)?,
        explicit_era,
        start: span.0,
        end: span.1,
    })
}

/// Which kind of budget figure a label names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BudgetKind {
    /// 補正予算 (supplementary budget).
    Supplementary,
    /// 当初予算, 予算（案）, plain 予算額.
    Initial,
    /// 概算要求 (budget request).
    Request,
    /// 概算決定 (decided at the cabinet's draft stage).
    Decided,
}

/// Kind named by a budget label, if any.
pub fn budget_kind(label: &str) -> Option<BudgetKind> {
    let l = fold_width(label);
    if l.contains("補正") {
        Some(BudgetKind::Supplementary)
    } else if l.contains("概算決定") || l.contains("決定額") {
        Some(BudgetKind::Decided)
    } else if l.contains("概算要求") || l.contains("要求額") || l.contains("要望額") {
        Some(BudgetKind::Request)
    } else if l.contains("予算") {
        Some(BudgetKind::Initial)
    } else {
        None
    }
}

/// Normalise a subsidy rate as written: "２分の１" → "1/2", "１/２" → "1/2", "定額" → "定額",
/// "10/10" → "10/10". `None` if `s` is not a rate.
pub fn normalise_rate(s: &str) -> Option<String> {
    let folded = fold_width(s);
    let t = folded.trim();
    if t == "定額" {
        return Some("定額".to_string());
    }
    if let Some((den, num)) = t.split_once("分の") {
        let (den, num) = (den.trim(), num.trim());
        if is_small_int(den) && is_small_int(num) {
            return Some(format!("{num}/{den}"));
        }
    }
    if let Some((num, den)) = t.split_once('/') {
        let (num, den) = (num.trim(), den.trim());
        if is_small_int(num) && is_small_int(den) {
            return Some(format!("{num}/{den}"));
        }
    }
    None
}

fn is_small_int(s: &str) -> bool {
    !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Every subsidy rate in `text` with its byte span in `fold_width(text)`.
pub fn find_rates(text: &str) -> Vec<(String, usize, usize)> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"定額|[0-9]{1,3}\s*/\s*[0-9]{1,3}|[0-9]{1,3}分の[0-9]{1,3}")
            .expect("static regex")
    });
    let folded = fold_width(text);
    re.find_iter(&folded)
        .filter(|m| {
            // "R6.9.30" and dates like 6/21 inside longer numbers are not rates.
            let before = folded[..m.start()].chars().next_back();
            let after = folded[m.end()..].chars().next();
            !matches!(before, Some('0'..='9' | '.' | '/'))
                && !matches!(after, Some('0'..='9' | '.' | '/' | '日' | '月'))
        })
        .filter_map(|m| normalise_rate(m.as_str()).map(|r| (r, m.start(), m.end())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_oku() {
        assert_eq!(parse_money("２．４億円"), Some(240_000_000));
        assert_eq!(parse_money("２４．０億円"), Some(2_400_000_000));
        assert_eq!(parse_money("４.3億円"), Some(430_000_000));
    }

    #[test]
    fn millions_with_separators() {
        assert_eq!(parse_money("1,234百万円"), Some(1_234_000_000));
        assert_eq!(parse_money("432百万円"), Some(432_000_000));
        assert_eq!(
            parse_money("【令和６年度補正予算額 500百万円】"),
            Some(500_000_000)
        );
    }

    #[test]
    fn man_and_sen() {
        assert_eq!(parse_money("500万円"), Some(5_000_000));
        assert_eq!(parse_money("上限 500万円"), Some(5_000_000));
        assert_eq!(parse_money("7,206千円"), Some(7_206_000));
        assert_eq!(parse_money("6,136,919千円の内数"), Some(6_136_919_000));
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_money("18.6億円"), Some(1_860_000_000));
        assert_eq!(parse_money("約 18.6 億円"), Some(1_860_000_000));
        assert_eq!(parse_money("4,874.10億円の内数"), Some(487_410_000_000));
        assert_eq!(parse_money("8,469.55億円"), Some(846_955_000_000));
        assert_eq!(parse_money("10.81億円"), Some(1_081_000_000));
        // Not a whole number of yen: refuse rather than round.
        assert_eq!(parse_money("0.5円"), None);
    }

    #[test]
    fn compound_and_plain() {
        assert_eq!(parse_money("1兆2,000億円"), Some(1_200_000_000_000));
        assert_eq!(parse_money("3,000円"), Some(3_000));
        assert_eq!(parse_money("20億円"), Some(2_000_000_000));
        assert_eq!(parse_money("予算額"), None);
        assert_eq!(parse_money("億円"), None);
    }

    #[test]
    fn several_amounts_in_order() {
        let m = find_money("令和６年度補正予算額　２．４億円（令和５年度補正予算額　１．８億円）");
        let yen: Vec<i64> = m.iter().map(|m| m.yen).collect();
        assert_eq!(yen, vec![240_000_000, 180_000_000]);
    }

    #[test]
    fn eras() {
        assert_eq!(find_year("令和７年度", "令和").map(|y| y.year), Some(2025));
        assert_eq!(find_year("令和6年度", "令和").map(|y| y.year), Some(2024));
        assert_eq!(
            find_year("R7予算（案）額", "令和").map(|y| y.year),
            Some(2025)
        );
        assert_eq!(
            find_year("【R6補正予算額", "令和").map(|y| y.year),
            Some(2024)
        );
        assert_eq!(find_year("平成30年度", "令和").map(|y| y.year), Some(2018));
        assert_eq!(find_year("H30年度", "令和").map(|y| y.year), Some(2018));
        assert_eq!(find_year("令和元年度", "令和").map(|y| y.year), Some(2019));
        let bare = find_year("６年度補正予算額", "令和");
        assert_eq!(bare.as_ref().map(|y| y.year), Some(2024));
        assert_eq!(bare.map(|y| y.explicit_era), Some(false));
        assert_eq!(find_year("６年度", "平成").map(|y| y.year), Some(1994));
        assert_eq!(find_year("補正予算額", "令和"), None);
        // A date is not a fiscal year.
        assert_eq!(find_year("R6.9.30時点", "令和").map(|y| y.year), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(
            budget_kind("令和６年度補正予算額"),
            Some(BudgetKind::Supplementary)
        );
        assert_eq!(
            budget_kind("令和７年度当初予算案"),
            Some(BudgetKind::Initial)
        );
        assert_eq!(budget_kind("R7予算（案）額"), Some(BudgetKind::Initial));
        assert_eq!(budget_kind("７年度概算決定額"), Some(BudgetKind::Decided));
        assert_eq!(
            budget_kind("令和８年度概算要求額"),
            Some(BudgetKind::Request)
        );
        assert_eq!(budget_kind("事業名"), None);
    }

    #[test]
    fn rates() {
        assert_eq!(normalise_rate("２分の１").as_deref(), Some("1/2"));
        assert_eq!(normalise_rate("４分の３").as_deref(), Some("3/4"));
        assert_eq!(normalise_rate("１/２").as_deref(), Some("1/2"));
        assert_eq!(normalise_rate("10/10").as_deref(), Some("10/10"));
        assert_eq!(normalise_rate("定額").as_deref(), Some("定額"));
        assert_eq!(normalise_rate("予算"), None);
        let found: Vec<String> = find_rates("国 1/2、都道府県・市区町村 1/2（R6.9.30）")
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(found, vec!["1/2", "1/2"]);
        let found: Vec<String> = find_rates("○ 交付率：10/10 、２/３（都道府県・指定都市）")
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(found, vec!["10/10", "2/3"]);
    }
}
