//! Messages for a terminal: text that came from a document or a file name is shown with its
//! control characters escaped (a PDF must not be able to recolour, retitle or clear the
//! user's terminal), and writing to a closed standard error is not an error (`| head`).
//!
//! Data outputs (extracted text, JSON, files) are never filtered here: only what is meant
//! for a person reading a terminal.

use std::borrow::Cow;
use std::io::Write;

/// Whether `c` must not reach a terminal raw: C0 controls except tab and line feed, DEL,
/// C1 controls, and the bidirectional overrides and isolates (they reorder what follows).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character written as a visible escape (`\x1b`, `\u{202e}`).
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`] for one-line messages: a line break inside a file name or document text
/// would also forge a new message line.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    if !s.contains(['\n', '\t']) {
        return escape(s);
    }
    Cow::Owned(escape(s).replace('\n', "\\n").replace('\t', "\\t"))
}

/// Writes one message line to standard error, escaped; a closed or full standard error is
/// ignored (the message cannot be shown anywhere else, and the work itself is done).
pub fn write_message(args: std::fmt::Arguments<'_>) {
    let msg = args.to_string();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", escape(&msg));
}

/// `eprintln!` that escapes control characters and never panics on a closed pipe.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::term::write_message(format_args!($($t)*)) };
}
pub(crate) use say;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_the_terminal_only_as_text() {
        assert_eq!(escape("普通の文"), "普通の文");
        assert_eq!(escape("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
        assert_eq!(escape("\u{9b}x\u{202e}"), "\\x9bx\\u{202e}");
        assert_eq!(escape_line("a\nb"), "a\\nb");
        assert_eq!(escape("a\nb"), "a\nb");
    }
}
