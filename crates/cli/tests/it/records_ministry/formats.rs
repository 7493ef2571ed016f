//! The house formats: one function per ministry's PR-sheet layout, each returning the page's
//! HTML and the record the page states. Word lists are this file's own (no line from the seed
//! sample, from the other generators or from any real sheet); the layouts follow the public
//! house styles as remembered (section headings, where the amount and the contact sit).

use super::Rng;
use crate::records_pdf::commas;
use glyphmend::segment::{BudgetKind, BudgetLine, Goal, Period, ProgramRecord, SubsidyRate};

/// A ministry's house format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Format {
    /// 農林水産省: ＜対策のポイント＞ ＜政策目標＞ ＜事業の内容＞ ＜事業イメージ＞ ＜事業の流れ＞ ［お問い合わせ先］.
    Maff,
    /// 経済産業省: 事業目的・概要 (事業目的 / 事業概要), 事業スキーム, 成果目標, amount top right.
    Meti,
    /// 文部科学省: 背景・課題, 事業内容, （担当：…）.
    Mext,
    /// 厚生労働省: 施策名, ①施策の目的 ②対策の柱との関係 ③施策の概要 ④スキーム・実施要件 ⑤成果イメージ.
    Mhlw,
    /// 国土交通省: ■ headings (背景・目的, 事業概要, 事業主体, 補助率, 期待される効果).
    Mlit,
    /// 総務省: 【】 headings, スキーム, 担当 footer.
    Mic,
    /// 環境省: 1. 事業目的 2. 事業内容 3. 事業スキーム (■事業形態 ■補助対象 ■実施期間), お問合せ先.
    Moe,
    /// 内閣府: title（内閣府○○室）, 事業概要・目的, 事業イメージ・具体例, 資金の流れ, 期待される効果.
    Cao,
    /// こども家庭庁: amount and bureau above the title, 事業の目的, 事業の概要, 実施主体等 with 【】.
    Cfa,
}

pub(super) const FORMATS: &[Format] = &[
    Format::Maff,
    Format::Meti,
    Format::Mext,
    Format::Mhlw,
    Format::Mlit,
    Format::Mic,
    Format::Moe,
    Format::Cao,
    Format::Cfa,
];

const SUBJECTS: &[&str] = &[
    "スマート林業",
    "再生可能エネルギー地産地消",
    "半導体人材育成",
    "学校施設断熱改修",
    "介護テクノロジー導入",
    "下水道管路更新",
    "離島航路維持",
    "地域医療情報連携",
    "保育人材確保",
    "中小企業省力化投資",
    "水素供給拠点整備",
    "農地集約化",
    "漁港防災機能強化",
    "都市公園防災",
    "地域鉄道安全対策",
    "文化施設観光活用",
    "ケーブルテレビ網強靱化",
    "自治体情報システム標準化",
    "脱炭素型住宅普及",
    "ため池保全",
    "医療的ケア児支援",
    "サイバーセキュリティ人材",
    "畜産環境対策",
    "山村振興",
];
const SUFFIXES: &[&str] = &[
    "推進事業",
    "緊急支援事業",
    "整備事業",
    "導入支援事業",
    "等支援事業",
    "対策事業費補助金",
    "強化事業",
    "推進交付金",
    "加速化事業",
];
const PROBLEMS: &[&str] = &[
    "担い手の高齢化や人手不足",
    "施設の老朽化",
    "資材価格の高騰",
    "地域間の格差の拡大",
    "災害リスクの高まり",
    "需要構造の急速な変化",
    "専門人材の不足",
];
const MOVERS: &[&str] = &[
    "先進的な取組を支援する",
    "設備の導入を後押しする",
    "専門人材の育成を進める",
    "モデル事業を実施する",
    "実証的な取組を進める",
    "広域的な連携体制を構築する",
];
const AIMS: &[&str] = &[
    "地域の持続的な発展を図ります。",
    "安全・安心な暮らしを確保します。",
    "生産性の向上を実現します。",
    "国際競争力の強化につなげます。",
    "住民サービスの質を高めます。",
];
const THINGS: &[&str] = &[
    "計画の策定",
    "機器の導入",
    "実証事業",
    "人材育成研修",
    "現状調査",
    "システム改修",
    "拠点施設の改修",
];
const COSTS: &[&str] = &["経費の一部", "必要な経費", "導入費用", "改修費用"];
const DOERS: &[&str] = &[
    "都道府県",
    "市町村",
    "民間事業者",
    "一般社団法人",
    "大学等",
    "ＮＰＯ法人",
    "地域協議会",
    "独立行政法人",
];
const RATES: &[&str] = &["定額", "1/2", "2/3", "1/3", "3/4", "10/10"];
const BUREAUS: &[&str] = &[
    "農村振興局",
    "経営局",
    "製造産業局",
    "商務情報政策局",
    "初等中等教育局",
    "高等教育局",
    "社会・援護局",
    "老健局",
    "都市局",
    "道路局",
    "自治行政局",
    "情報流通行政局",
    "地球環境局",
    "水・大気環境局",
    "成育局",
    "支援局",
];
const DIVISIONS: &[&str] = &[
    "整備課",
    "企画課",
    "振興課",
    "総務課",
    "政策課",
    "推進室",
    "地域政策課",
    "技術調整課",
];
const ROOMS: &[&str] = &[
    "地方創生推進室",
    "科学技術政策室",
    "防災企画室",
    "共生社会推進室",
];
const PICTURES: &[&str] = &[
    "導入前",
    "導入後",
    "連携イメージ",
    "支援のポイント",
    "現場の声",
    "効率化",
    "見える化",
    "相談窓口",
];

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

fn fw(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            '/' => '／',
            '.' => '．',
            ',' => '，',
            _ => c,
        })
        .collect()
}

/// Full width at random (half the time).
fn width(rng: &mut Rng, s: &str) -> String {
    if rng.chance(50) { fw(s) } else { s.to_string() }
}

/// An amount as a sheet writes it: 億円 with a decimal, 百万円 or 千円.
fn amount(rng: &mut Rng, big: bool) -> (i64, String) {
    let (yen, s) = match rng.below(if big { 2 } else { 3 }) {
        0 => {
            let t = 3 + rng.below(900) as i64;
            if t % 10 == 0 {
                (t * 10_000_000, format!("{}億円", t / 10))
            } else {
                (t * 10_000_000, format!("{}.{}億円", t / 10, t % 10))
            }
        }
        1 => {
            let m = 20 + rng.below(9_000) as i64;
            (m * 1_000_000, format!("{}百万円", commas(m)))
        }
        _ => {
            let k = 5_000 + rng.below(900_000) as i64;
            (k * 1_000, format!("{}千円", commas(k)))
        }
    };
    (yen, width(rng, &s))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn budget(label: &str, year: i32, kind: BudgetKind, yen: Option<i64>) -> BudgetLine {
    BudgetLine {
        label: label.to_string(),
        fiscal_year: Some(year),
        kind: Some(kind),
        amount_yen: yen,
        part_of: false,
        item: None,
        portion: None,
        part_of_item: None,
        raw: String::new(),
    }
}

fn rate(r: &str, to: Option<&str>) -> SubsidyRate {
    SubsidyRate {
        rate: r.to_string(),
        applies_to: to.map(String::from),
        raw: String::new(),
    }
}

/// What one sheet says, before it is laid out.
struct Content {
    name: String,
    subject: String,
    purpose: Vec<String>,
    overview: Vec<(String, String)>,
    effects: String,
    bodies: Vec<String>,
    rates: Vec<(String, Option<String>)>,
    bureau: String,
    division: String,
    phone: String,
}

fn content(rng: &mut Rng) -> Content {
    let subject = pick(rng, SUBJECTS).to_string();
    let name = format!("{subject}{}", pick(rng, SUFFIXES));
    let mut purpose = vec![format!(
        "{subject}の分野では、{}が課題となっています。",
        pick(rng, PROBLEMS)
    )];
    if rng.chance(60) {
        let first = rng.below(MOVERS.len());
        let second = (first + 1 + rng.below(MOVERS.len() - 1)) % MOVERS.len();
        purpose.push(format!(
            "このため、{}とともに、{}ことにより、{}",
            MOVERS[first],
            MOVERS[second],
            pick(rng, AIMS)
        ));
    } else {
        purpose.push(format!(
            "このため、{}ことにより、{}",
            pick(rng, MOVERS),
            pick(rng, AIMS)
        ));
    }
    let n = 1 + rng.below(3);
    let mut overview = Vec::new();
    let start = rng.below(THINGS.len());
    for i in 0..n {
        // Distinct items: consecutive entries of the list from a random start.
        let thing = THINGS[(start + i) % THINGS.len()];
        let head = format!("{subject}に係る{thing}への支援");
        let body = format!(
            "{thing}に取り組む{}に対し、{}を補助します。",
            pick(rng, DOERS),
            pick(rng, COSTS)
        );
        overview.push((head, body));
    }
    let effects = format!(
        "本事業により、{subject}に取り組む地域が増加し、{}",
        pick(rng, AIMS)
    );
    let mut bodies: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let b = pick(rng, DOERS).to_string();
        if !bodies.contains(&b) {
            bodies.push(b);
        }
    }
    let mut rates = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let r = pick(rng, RATES).to_string();
        if !rates
            .iter()
            .any(|(x, _): &(String, Option<String>)| *x == r)
        {
            rates.push((r, None));
        }
    }
    Content {
        name,
        subject,
        purpose,
        overview,
        effects,
        bodies,
        rates,
        bureau: pick(rng, BUREAUS).to_string(),
        division: pick(rng, DIVISIONS).to_string(),
        phone: format!("03-{}-{}", 5000 + rng.below(4000), 1000 + rng.below(8999)),
    }
}

/// Numbering of overview items.
fn item_mark(rng_style: usize, i: usize) -> String {
    let n = i + 1;
    match rng_style {
        0 => format!("{}．", fw(&n.to_string())),
        1 => format!("（{}）", fw(&n.to_string())),
        2 => ["①", "②", "③"][i.min(2)].to_string(),
        _ => "・".to_string(),
    }
}

/// The overview as written (head lines and bodies), and its HTML.
fn overview_parts(rng: &mut Rng, c: &Content) -> (String, String) {
    let style = rng.below(4);
    let mut text = Vec::new();
    let mut html = String::new();
    for (i, (head, body)) in c.overview.iter().enumerate() {
        let mark = item_mark(style, i);
        text.push(format!("{mark}{head}"));
        text.push(body.clone());
        html.push_str(&format!(
            "<div class=ih>{}</div><div class=ib>{}</div>",
            esc(&format!("{mark}{head}")),
            esc(body)
        ));
    }
    (text.join("\n"), html)
}

fn purpose_parts(rng: &mut Rng, c: &Content, bullet: Option<&str>) -> (String, String) {
    let bullet = bullet
        .map(String::from)
        .unwrap_or_else(|| pick(rng, &["○ ", "・", "〇", ""]).to_string());
    let lines: Vec<String> = c.purpose.iter().map(|p| format!("{bullet}{p}")).collect();
    let html = lines
        .iter()
        .map(|l| format!("<div class=p>{}</div>", esc(l)))
        .collect::<String>();
    (lines.join("\n"), html)
}

fn rates_text(c: &Content, sep: &str) -> String {
    c.rates
        .iter()
        .map(|(r, to)| match to {
            Some(t) => format!("{t} {r}"),
            None => r.clone(),
        })
        .collect::<Vec<_>>()
        .join(sep)
}

fn set_rates(rng: &mut Rng, r: &mut ProgramRecord, c: &mut Content, subjects: bool) {
    if subjects && c.rates.len() == 1 && rng.chance(50) {
        // 国 1/2、都道府県 1/2 style.
        let share = c.rates[0].0.clone();
        c.rates = vec![
            (share.clone(), Some("国".to_string())),
            (
                share,
                Some(pick(rng, &["都道府県", "市町村", "事業者"]).to_string()),
            ),
        ];
    }
    for (x, to) in &c.rates {
        r.subsidy_rates.push(rate(x, to.as_deref()));
    }
}

/// A flow chart of money: 国 → … with the rates on the arrows (no label).
fn flow_html(rng: &mut Rng, c: &Content) -> String {
    let mut s = String::from("<div class=flow><span class=fb>国</span>");
    for (r, _) in &c.rates {
        let kind = pick(rng, &["補助", "交付", "委託"]);
        s.push_str(&format!(
            "<span class=arrow>→<small>{kind}（{}）</small>→</span><span class=fb>{}</span>",
            esc(r),
            pick(rng, DOERS)
        ));
    }
    s.push_str("</div>");
    s
}

fn pictures(rng: &mut Rng) -> String {
    let mut s = String::from("<div class=pics>");
    for _ in 0..2 + rng.below(3) {
        s.push_str(&format!("<div class=pic>{}</div>", pick(rng, PICTURES)));
    }
    s.push_str("</div>");
    s
}

fn supplementary(rng: &mut Rng, label: &str, r: &mut ProgramRecord, big: bool) -> String {
    let (yen, written) = amount(rng, big);
    let label = width(rng, label);
    r.budget
        .push(budget(&label, 2024, BudgetKind::Supplementary, Some(yen)));
    format!("{label} {written}")
}

fn previous(rng: &mut Rng, r: &mut ProgramRecord) -> Option<String> {
    if !rng.chance(35) {
        return None;
    }
    let (yen, written) = amount(rng, false);
    let label = width(rng, "令和6年度当初予算額");
    r.budget
        .push(budget(&label, 2024, BudgetKind::Initial, Some(yen)));
    Some(format!("（{label} {written}）"))
}

/// One sheet of `format`: its HTML page and its record.
pub(super) fn sheet(rng: &mut Rng, format: Format) -> (String, ProgramRecord) {
    let mut c = content(rng);
    let mut r = ProgramRecord {
        name: Some(c.name.clone()),
        ..ProgramRecord::default()
    };
    let body = match format {
        Format::Maff => maff(rng, &mut c, &mut r),
        Format::Meti => meti(rng, &mut c, &mut r),
        Format::Mext => mext(rng, &mut c, &mut r),
        Format::Mhlw => mhlw(rng, &mut c, &mut r),
        Format::Mlit => mlit(rng, &mut c, &mut r),
        Format::Mic => mic(rng, &mut c, &mut r),
        Format::Moe => moe(rng, &mut c, &mut r),
        Format::Cao => cao(rng, &mut c, &mut r),
        Format::Cfa => cfa(rng, &mut c, &mut r),
    };
    (format!("<div class=page>{body}</div>"), r)
}

fn maff(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let amount = supplementary(rng, "令和6年度補正予算額", r, false);
    let prev = previous(rng, r).unwrap_or_default();
    let title_mark = pick(rng, &["", "〇 ", "【拡充】"]);
    let (purpose, purpose_html) = purpose_parts(rng, c, Some(""));
    r.purpose = Some(purpose);
    let goal_label = pick(rng, &["＜政策目標＞", "＜事業目標＞"]);
    let effects = format!("{}に取り組む地域の拡大", c.subject);
    r.effects = Some(effects.clone());
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    for (x, _) in &c.rates {
        r.subsidy_rates.push(rate(x, None));
    }
    let contact = format!("{}{}（{}）", c.bureau, c.division, c.phone);
    r.contact = Some(contact.clone());
    format!(
        "<div class=top><div class=title>{}{}</div><div class=amt>【{}】<br>{}</div></div>\
<div class=box><div class=hd>＜対策のポイント＞</div>{purpose_html}<div class=hd>{goal_label}</div><div class=p>{}</div></div>\
<div class=cols><div><div class=hd>＜事業の内容＞</div>{overview_html}<div class=hd>＜事業の流れ＞</div>{}</div>\
<div><div class=hd>＜事業イメージ＞</div>{}</div></div>\
<div class=foot>［お問い合わせ先］{}</div>",
        title_mark,
        esc(&c.name),
        esc(&amount),
        esc(&prev),
        esc(&effects),
        flow_html(rng, c),
        pictures(rng),
        esc(&contact)
    )
}

fn meti(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let amount = supplementary(rng, "令和6年度補正予算額", r, true);
    let bureau = format!("{} {}", c.bureau, c.division);
    r.bureau = Some(bureau.clone());
    let (purpose, purpose_html) = purpose_parts(rng, c, Some(""));
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    for (x, _) in &c.rates {
        r.subsidy_rates.push(rate(x, None));
    }
    let year = 2026 + rng.below(5) as i32;
    let n = 10 * (1 + rng.below(90));
    let unit = pick(rng, &["件", "社", "地域"]);
    let goal = format!(
        "令和{}年度までに、{}に取り組む事業者を{}{unit}とすることを目指します。",
        width(rng, &(year - 2018).to_string()),
        c.subject,
        width(rng, &n.to_string())
    );
    r.goals.push(Goal {
        text: goal.clone(),
        value: Some(n.to_string()),
        unit: Some(unit.to_string()),
        year: Some(year),
    });
    format!(
        "<div class=top><div class=title>{}</div><div class=amt>{}<br><small>{}</small></div></div>\
<div class=cols><div class=box><div class=bar>事業目的・概要</div><div class=sub>事業目的</div>{purpose_html}<div class=sub>事業概要</div>{overview_html}</div>\
<div><div class=box><div class=bar>事業スキーム（対象者、対象行為、補助率等）</div>{}</div>\
<div class=box><div class=bar>成果目標</div><div class=p>{}</div></div></div></div>",
        esc(&c.name),
        esc(&amount),
        esc(&bureau),
        flow_html(rng, c),
        esc(&goal)
    )
}

fn mext(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let amount = supplementary(rng, "令和6年度補正予算額", r, true);
    let prev = previous(rng, r).unwrap_or_default();
    let (purpose, purpose_html) = purpose_parts(rng, c, Some("・"));
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    let mut extra = String::new();
    if rng.chance(60) {
        let rt = rates_text(c, "、");
        for (x, _) in &c.rates {
            r.subsidy_rates.push(rate(x, None));
        }
        extra.push_str(&format!("<div class=p>【補助率】{}</div>", esc(&rt)));
    }
    if rng.chance(50) {
        let start = 2024;
        let end = 2025 + rng.below(4) as i32;
        let raw = width(
            rng,
            &format!("令和{}年度～令和{}年度", start - 2018, end - 2018),
        );
        r.period = Some(Period {
            raw: raw.clone(),
            start_year: Some(start),
            end_year: Some(end),
        });
        extra.push_str(&format!("<div class=p>【事業期間】{}</div>", esc(&raw)));
    }
    let contact = format!("{}{}", c.bureau, c.division);
    r.contact = Some(contact.clone());
    let paren = pick(rng, &["（担当：", "(担当：", "（担当："]);
    let close = if paren.starts_with('(') { ")" } else { "）" };
    format!(
        "<div class=top><div class=title>{}</div><div class=amt>{}<br>{}</div></div>\
<div class=box><div class=bar>背景・課題</div>{purpose_html}</div>\
<div class=box><div class=bar>事業内容</div>{overview_html}{extra}{}</div>\
<div class=foot>{paren}{}{close}</div>",
        esc(&c.name),
        esc(&amount),
        esc(&prev),
        pictures(rng),
        esc(&contact)
    )
}

fn mhlw(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    // The 施策名 is the name (no 事業名 on these sheets).
    let (yen, written) = amount(rng, true);
    let label = width(rng, "令和6年度補正予算");
    r.budget
        .push(budget(&label, 2024, BudgetKind::Supplementary, Some(yen)));
    let (purpose, purpose_html) = purpose_parts(rng, c, Some("・"));
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    set_rates(rng, r, c, false);
    r.implementing_bodies = c.bodies.clone();
    let effects = format!("・{}", c.effects);
    r.effects = Some(effects.clone());
    format!(
        "<div class=top><div class=title>施策名：{}</div><div class=amt>{} {}</div></div>\
<div class=cols><div><div class=bar>① 施策の目的</div>{purpose_html}\
<div class=bar>③ 施策の概要</div>{overview_html}</div>\
<div><div class=bar>② 対策の柱との関係</div><table class=pillars><tr><td>Ⅰ</td><td>Ⅱ</td><td>Ⅲ</td></tr><tr><td>{}</td><td>{}</td><td>{}</td></tr></table>\
<div class=bar>④ 施策のスキーム図、実施要件（対象、補助率等）等</div>{}<div class=p>○ 実施主体：{}</div><div class=p>○ 補助率：{}</div></div></div>\
<div class=bar>⑤ 成果イメージ（経済効果、雇用の下支え・創出効果、波及プロセスを含む）</div><div class=p>{}</div>",
        esc(&c.name),
        esc(&label),
        esc(&written),
        if rng.chance(50) { "○" } else { "" },
        if rng.chance(50) { "○" } else { "" },
        "○",
        flow_html(rng, c),
        esc(&c.bodies.join("、")),
        esc(&rates_text(c, "、")),
        esc(&effects)
    )
}

fn mlit(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let lab = pick(rng, &["令和6年度補正予算額", "R6補正予算額"]);
    let amount = supplementary(rng, lab, r, true);
    let (purpose, purpose_html) = purpose_parts(rng, c, None);
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    r.implementing_bodies = c.bodies.clone();
    set_rates(rng, r, c, true);
    r.effects = Some(c.effects.clone());
    let mark = pick(rng, &["■", "◆", "●"]);
    format!(
        "<div class=top><div class=title>{}</div><div class=amt>【{}】</div></div>\
<div class=box><div class=hd>{mark}背景・目的</div>{purpose_html}</div>\
<div class=cols><div class=box><div class=hd>{mark}事業概要</div>{overview_html}</div>\
<div class=box><div class=hd>{mark}事業主体</div><div class=p>{}</div><div class=hd>{mark}補助率</div><div class=p>{}</div></div></div>\
<div class=box><div class=hd>{mark}期待される効果</div><div class=p>{}</div></div>",
        esc(&c.name),
        esc(&amount),
        esc(&c.bodies.join("、")),
        esc(&rates_text(c, "、")),
        esc(&c.effects)
    )
}

fn mic(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let amount = supplementary(rng, "令和6年度補正予算額", r, true);
    let (purpose, purpose_html) = purpose_parts(rng, c, None);
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    set_rates(rng, r, c, false);
    r.effects = Some(c.effects.clone());
    let contact = format!("{}{}", c.bureau, c.division);
    r.contact = Some(contact.clone());
    let b = |l: &str| format!("【{l}】");
    format!(
        "<div class=top><div class=title>{}</div><div class=amt>{}</div></div>\
<div class=cols><div><div class=hd>{}</div>{purpose_html}<div class=hd>{}</div>{overview_html}</div>\
<div><div class=hd>{}</div>{}<div class=p>補助率：{}</div><div class=hd>{}</div><div class=p>{}</div></div></div>\
<div class=foot>担当：{}</div>",
        esc(&c.name),
        esc(&amount),
        b("事業の背景・目的"),
        b("事業概要"),
        b("事業スキーム"),
        flow_html(rng, c),
        esc(&rates_text(c, "、")),
        b("期待される効果"),
        esc(&c.effects),
        esc(&contact)
    )
}

fn moe(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let amount = supplementary(rng, "令和6年度補正予算額", r, false);
    let prev = previous(rng, r).unwrap_or_default();
    let (purpose, purpose_html) = purpose_parts(rng, c, Some("・"));
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    for (x, _) in &c.rates {
        r.subsidy_rates.push(rate(x, None));
    }
    let eligible = c.bodies.join("、");
    r.eligible = Some(eligible.clone());
    let start = 2024;
    let end = 2025 + rng.below(4) as i32;
    let raw = width(
        rng,
        &format!("令和{}年度～令和{}年度", start - 2018, end - 2018),
    );
    r.period = Some(Period {
        raw: raw.clone(),
        start_year: Some(start),
        end_year: Some(end),
    });
    let contact = format!("環境省{}{} 電話：{}", c.bureau, c.division, c.phone);
    r.contact = Some(contact.clone());
    format!(
        "<div class=top><div class=title>{}</div><div class=amt>【{}】<br>{}</div></div>\
<div class=cols><div><div class=hd>1. 事業目的</div>{purpose_html}<div class=hd>2. 事業内容</div>{overview_html}\
<div class=hd>3. 事業スキーム</div><div class=p>■事業形態　補助事業（補助率：{}）</div><div class=p>■補助対象　{}</div><div class=p>■実施期間　{}</div></div>\
<div><div class=hd>4. 事業イメージ</div>{}</div></div>\
<div class=foot>お問合せ先：{}</div>",
        esc(&c.name),
        esc(&amount),
        esc(&prev),
        esc(&rates_text(c, "、")),
        esc(&eligible),
        esc(&raw),
        pictures(rng),
        esc(&contact)
    )
}

fn cao(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let (yen, written) = amount(rng, true);
    let label = width(rng, "6年度補正予算額");
    r.budget
        .push(budget(&label, 2024, BudgetKind::Supplementary, Some(yen)));
    let room = pick(rng, ROOMS);
    r.ministry = Some("内閣府".into());
    r.bureau = Some(room.into());
    let (purpose, purpose_html) = purpose_parts(rng, c, Some("○ "));
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    let effects = format!("○ {}", c.effects);
    r.effects = Some(effects.clone());
    for (x, _) in &c.rates {
        r.subsidy_rates.push(rate(x, None));
    }
    format!(
        "<div class=title>{}（内閣府{room}）</div><div class=amt>{} {}</div>\
<div class=cols><div class=box><div class=bar>事業概要・目的</div>{purpose_html}</div>\
<div class=box><div class=bar>事業イメージ・具体例</div>{overview_html}</div></div>\
<div class=cols><div class=box><div class=bar>資金の流れ</div>{}</div>\
<div class=box><div class=bar>期待される効果</div><div class=p>{}</div></div></div>",
        esc(&c.name),
        esc(&label),
        esc(&written),
        flow_html(rng, c),
        esc(&effects)
    )
}

fn cfa(rng: &mut Rng, c: &mut Content, r: &mut ProgramRecord) -> String {
    let (yen, written) = amount(rng, true);
    let label = width(rng, "令和6年度補正予算");
    r.budget
        .push(budget(&label, 2024, BudgetKind::Supplementary, Some(yen)));
    let bureau = format!(
        "{} {}",
        pick(rng, &["成育局", "支援局", "長官官房"]),
        c.division
    );
    r.bureau = Some(bureau.clone());
    let (purpose, purpose_html) = purpose_parts(rng, c, Some(""));
    r.purpose = Some(purpose);
    let (overview, overview_html) = overview_parts(rng, c);
    r.overview = Some(overview);
    r.implementing_bodies = c.bodies.clone();
    set_rates(rng, r, c, true);
    format!(
        "<div class=top><div class=title2>{}</div><div class=amt>{} {}</div></div><div class=bureau>{}</div>\
<div class=box><div class=bar>事業の目的</div>{purpose_html}</div>\
<div class=cols><div class=box><div class=bar>事業の概要</div>{overview_html}</div>\
<div class=box><div class=bar>実施主体等</div><div class=p>【実施主体】{}</div><div class=p>【補助率】{}</div></div></div>",
        esc(&c.name),
        esc(&label),
        esc(&written),
        esc(&bureau),
        esc(&c.bodies.join("、")),
        esc(&rates_text(c, "、"))
    )
}

/// The page style: A4 landscape slides with boxes and heading bars.
pub(super) fn html(pages: &[String], font: &str, size: f32) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>@page{{size:A4 landscape;margin:10mm}}\
body{{font-family:\"{font}\";font-size:{size}pt;-webkit-print-color-adjust:exact}}.page{{page-break-after:always}}\
.top{{display:flex;justify-content:space-between;align-items:flex-start;margin-bottom:0.5em}}\
.title{{font-size:150%;font-weight:bold;border:2px solid #226;padding:2px 8px}}.title2{{font-size:150%;font-weight:bold}}\
.amt{{border:1px solid #333;padding:2px 6px;text-align:right}}.bureau{{text-align:right}}\
.box{{border:1px solid #333;padding:3px 6px;margin:4px 0}}.bar{{background:#dde;font-weight:bold;padding:1px 4px;margin:3px 0}}\
.hd{{font-weight:bold;margin-top:0.4em}}.sub{{font-weight:bold;margin-left:0.5em}}.p{{margin:0.15em 0 0.15em 0.5em}}\
.ih{{margin-left:0.5em}}.ib{{margin-left:1.5em}}.cols{{display:grid;grid-template-columns:1fr 1fr;column-gap:1.5em}}\
.flow{{display:flex;align-items:center;gap:0.4em;margin:0.4em 0}}.fb{{border:1px solid #333;padding:2px 6px}}\
.arrow small{{font-size:80%}}.pics{{display:flex;flex-wrap:wrap;gap:0.6em}}.pic{{border:1px dashed #666;padding:1.2em 1em}}\
.foot{{text-align:right;margin-top:0.6em}}table.pillars{{border-collapse:collapse}}table.pillars td{{border:1px solid #000;padding:1px 10px;text-align:center}}\
</style></head><body>{}</body></html>",
        pages.join("\n")
    )
}
