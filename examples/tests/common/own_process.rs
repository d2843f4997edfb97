//! A test that needs a process of its own, in a test binary whose tests share one process.
//!
//! Some state belongs to the whole process: the global log subscriber (the limiter suite's
//! capture, read back by user name) is one. A test that reads it while another test of this
//! binary writes the same lines would fail or pass by chance, so it runs apart: the test
//! re-runs this very binary with only itself selected (`--exact`) and an environment variable
//! naming it; in that child the variable is set, and the body runs. The parent asserts that
//! the child passed and that it really ran the body (it prints a line the parent looks for),
//! so a name that selects nothing cannot pass.

use std::process::Command;

/// Set in the child to the full name of the test it runs the body of.
const CHILD: &str = "SAFE_UPDATE_DEMO_OWN_PROCESS";

/// Printed by the child after the body, followed by the test's name.
const RAN: &str = "own process: ran ";

/// Runs `body` in a process of its own: the test `test` of the module `module` (pass
/// `module_path!()`) re-runs this binary selecting only itself, and `body` runs there.
pub fn run(module: &str, test: &str, body: impl FnOnce()) {
    // `module_path!()` starts with the crate's name, which the harness leaves out.
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    let name = if module.is_empty() {
        test.to_owned()
    } else {
        format!("{module}::{test}")
    };
    if std::env::var(CHILD).as_deref() == Ok(name.as_str()) {
        body();
        println!("{RAN}{name}");
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name, "--nocapture", "--test-threads", "1"])
        .env(CHILD, &name)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name} failed in its own process:\n{stdout}\n{stderr}"
    );
    assert!(
        // Anywhere in a line: the harness may have begun `test NAME ... ` on it.
        stdout.contains(&format!("{RAN}{name}\n")),
        "{name} did not run in its own process:\n{stdout}\n{stderr}"
    );
}

/// The full name of every test of this binary, as the harness lists them (this binary re-run
/// with `--list`).
pub fn test_names() -> Vec<String> {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--list", "--format", "terse"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect()
}
