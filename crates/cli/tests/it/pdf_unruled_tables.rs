//! A table drawn without ruling lines, as Excel or Word export one (the Niigata City case lists
//! held out from tuning, eDocument producer): each row's cells set apart by 1.3 em and more, a
//! wide blank between two groups of cells. Read row by row, as pdftotext -raw does, not as two
//! prose columns; two prose columns on shared baselines still read column by column.

use super::pdf_font_encodings::{one_page, text};
use lopdf::dictionary;

/// Helvetica, not embedded: read as WinAnsi text.
fn helvetica(_: &mut lopdf::Document) -> lopdf::Dictionary {
    dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
}

/// A page drawing `rows`, each row's cells (x, text) on one baseline, 12 pt apart, 8 pt type.
fn page(rows: &[Vec<(u32, &str)>]) -> Vec<u8> {
    let mut content = String::new();
    for (k, row) in rows.iter().enumerate() {
        for (x, t) in row {
            content.push_str(&format!(
                "BT /F1 8 Tf {x} {} Td ({t}) Tj ET\n",
                180 - 12 * k
            ));
        }
    }
    one_page(helvetica, content.as_bytes())
}

/// The extracted text's non-blank lines, runs of whitespace made one space.
fn lines(pdf: &[u8]) -> Vec<String> {
    text(pdf)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn an_unruled_table_reads_row_by_row() {
    // Left of the blank: number, date and age (10 glyphs, as a prose line might hold); right
    // of it: four cells 2 em or less apart.
    let rows: Vec<Vec<(u32, &str)>> = (0..6)
        .map(|k| {
            vec![
                (10, ["288", "287", "286", "285", "284", "283"][k]),
                (35, "1/5 40s"),
                (
                    110,
                    ["female", "male", "female", "male", "female", "male"][k],
                ),
                (150, "Chuo ward"),
                (205, "nurse aide"),
                (255, "none"),
            ]
        })
        .collect();
    let want: Vec<String> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.1).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(lines(&page(&rows)), want);
}

#[test]
fn two_prose_columns_on_shared_baselines_still_read_column_by_column() {
    let left = [
        "Left column line one is here",
        "left column line two goes on",
        "left column line three ends",
        "left column line four, last",
    ];
    let right = [
        "Right column first line text",
        "right column second line text",
        "right column third line text",
        "right column fourth line text",
    ];
    let rows: Vec<Vec<(u32, &str)>> = left
        .iter()
        .zip(right)
        .map(|(l, r)| vec![(10, *l), (160, r)])
        .collect();
    let want: Vec<&str> = left.iter().chain(right.iter()).copied().collect();
    assert_eq!(lines(&page(&rows)), want);
}
