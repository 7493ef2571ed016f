//! Links the `glyphmend` binary as a position-dependent executable on x86-64 Linux (glibc):
//! a position-independent one has ~49k relative relocations applied and ~0.8 MB of
//! relocated read-only data copied at every start, about 1 ms of a 5 ms one-page
//! `extract` (issue 19, `docs/performance.md`). The code is compiled as usual (PIC links
//! fine into a fixed-address executable); only the link changes, and only for the binary.
fn main() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && var("CARGO_CFG_TARGET_ARCH") == "x86_64"
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
