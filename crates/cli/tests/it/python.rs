//! The Python package (python/, PyO3 + maturin): built into a wheel, installed into a fresh
//! virtual environment, and checked to give the CLI's results on the same inputs
//! (python/tests/same_as_cli.py), on a local Dask cluster too. Needs `maturin` on PATH and
//! `dask[distributed]` and `duckdb` in python3 (`.ci/run` installs them) and ../shared; fails, with the
//! reason, without them.

use std::process::Command;

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run ({e}); needs maturin: pip install maturin"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the wheel (dev profile and this build's target directory: the library is built
/// once for both; a separate profile would rebuild every dependency) and installs it into a fresh virtual environment under `tmp` that sees the
/// system's site packages (dask, duckdb, ray, pyspark). Returns the environment's python.
fn install_wheel(repo: &std::path::Path, tmp: &std::path::Path) -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    let wheels = tmp.join("wheels");
    run(
        Command::new("maturin")
            .current_dir(repo)
            .env("CARGO_TARGET_DIR", &target)
            .args(["build", "--profile", "dev", "--quiet", "-o"])
            .arg(&wheels),
        "maturin build",
    );
    let venv = tmp.join("venv");
    run(
        // The system's site packages: dask[distributed] for the cluster check.
        Command::new("python3")
            .args(["-m", "venv", "--system-site-packages"])
            .arg(&venv),
        "python3 -m venv",
    );
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheel directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("maturin wrote a wheel");
    run(
        Command::new(venv.join("bin/pip"))
            // A glyphmend installed system-wide (seen through --system-site-packages)
            // would otherwise count as already satisfied and be the one tested.
            .args([
                "install",
                "--quiet",
                "--no-index",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(&wheel),
        "pip install the wheel",
    );
    venv.join("bin/python")
}

#[test]
fn the_python_package_gives_the_cli_results() {
    let repo = crate::common::repo();
    let shared = repo.join("../shared");
    assert!(
        shared.join("corpus/realworld/pdf").is_dir(),
        "needs ../shared/corpus/realworld/pdf"
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let python = install_wheel(repo, tmp.path());
    run(
        Command::new(&python)
            .arg(repo.join("python/tests/same_as_cli.py"))
            .arg(env!("CARGO_BIN_EXE_glyphmend"))
            .arg(repo)
            .arg(&shared),
        "python/tests/same_as_cli.py",
    );
}

/// The README's Ray and Spark recipes on local clusters of 2 workers give the CLI's batch
/// output (python/tests/ray_spark.py). Not in CI: ray, pyspark and a Java runtime are large.
#[test]
#[ignore = "needs ray and pyspark in python3 (pip install ray pyspark), a Java runtime, maturin and ../shared"]
fn ray_and_spark_recipes_give_the_cli_batch() {
    let repo = crate::common::repo();
    let shared = repo.join("../shared");
    let tmp = tempfile::tempdir().expect("temp dir");
    let python = install_wheel(repo, tmp.path());
    run(
        Command::new(&python)
            .arg(repo.join("python/tests/ray_spark.py"))
            .arg(env!("CARGO_BIN_EXE_glyphmend"))
            .arg(repo)
            .arg(&shared),
        "python/tests/ray_spark.py",
    );
}
