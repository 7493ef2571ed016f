//! The `glyphmend` command line: a thin layer over the library.

mod cli;

use std::process::ExitCode;

// Extraction allocates and frees many small objects per glyph and per PDF object; mimalloc
// serves them with less CPU than the system allocator (measured: docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse_args();
    match cli::run(args) {
        Ok(code) => code,
        // `glyphmend repair x.txt | head`: the reader has what it wanted.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            cli::term::write_message(format_args!("glyphmend: {}", message(&e)));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each cause left out when the message so far already says it
/// (typed errors print their source, and anyhow's `{:#}` would print it again).
fn message(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if msg.contains(&s) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&s);
    }
    msg
}

/// Whether the error is a write to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
