//! Helpers shared by the PDF integration tests.

/// Text compared with ground_truth.txt: trailing spaces and empty lines (page breaks) ignored.
pub fn normalise(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
