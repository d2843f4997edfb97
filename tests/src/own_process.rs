//! A test body run in a process of its own, for the tests that observe what a process has only
//! one of.
//!
//! The integration tests are one binary, so its tests share a process. Most do not mind; a few
//! do, and sharing would make them pass or fail on what other tests happened to do first:
//!
//! - a test that installs a global `tracing` subscriber ([`Capture::install`]) and asserts on
//!   *every* event it saw (exactly seven security lines, no secret anywhere): a process has one
//!   global subscriber, and it would see the events of every other test running beside it;
//! - a test of something the library does once per process (the axum adapter's warning about
//!   a missing client address): another test may have done it first.
//!
//! Serialising those tests would not help (the global subscriber stays installed, the "once"
//! stays spent), so such a test calls [`run`] with its body: the test re-runs the test binary
//! itself, filtered to exactly this test, with [`CHILD`] naming it; in that child, and only
//! there, the body runs, in a process where nothing else ran. The parent passes when the child
//! exits successfully *and* printed that the body returned, so that a wrong name (a filter
//! that matches no test, and so passes) fails instead of passing silently.
//!
//! ```text
//! #[test]
//! fn refusals_are_logged_with_names_never_values() {
//!     own_process::run(module_path!(), "refusals_are_logged_with_names_never_values", || {
//!         let capture = Capture::install();
//!         // ... requests, then assertions on everything `capture` saw
//!     });
//! }
//! ```
//!
//! [`Capture::install`]: crate::capture::Capture::install

use std::env;
use std::process::Command;

/// The environment variable that tells a child run of the test binary whose body to run: the
/// test's full name. Set only by [`run`] on the child it starts.
pub const CHILD: &str = "SAFE_UPDATE_TEST_CHILD";

/// What the child prints once the body returned, followed by the test's full name.
const BODY_RETURNED: &str = "own process: the body returned: ";

/// Runs `body` in a process of its own (see the [module](self)): called from the test
/// function named `test` in the module whose `module_path!()` is `module`.
///
/// # Panics
///
/// In the parent, when the child cannot be started, fails, or did not run the body (the name
/// given matches no test); the child's output is in the message. In the child, when `body`
/// panics.
pub fn run(module: &str, test: &str, body: impl FnOnce()) {
    let name = full_name(module, test);
    if env::var_os(CHILD).is_some_and(|child| child == name.as_str()) {
        body();
        // After the body: a body that panicked never says it returned. On a line of its own:
        // the harness has written `test NAME ... ` and waits to end that line.
        println!("\n{BODY_RETURNED}{name}");
        return;
    }
    let binary = env::current_exe().expect("the path of the running test binary");
    let output = Command::new(binary)
        .args(["--exact", &name, "--nocapture", "--test-threads", "1"])
        .env(CHILD, &name)
        .output()
        .expect("the test binary starts again as a child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = format!("--- the child's stdout:\n{stdout}\n--- the child's stderr:\n{stderr}");
    assert!(
        output.status.success(),
        "{name} failed in its own process ({}):\n{said}",
        output.status
    );
    let returned = format!("{BODY_RETURNED}{name}");
    assert!(
        stdout.lines().any(|line| line == returned),
        "the child run for {name} did not run its body (does the name match the test's?):\n{said}"
    );
}

/// The name the test harness knows the test by: its module path without the crate's name
/// (`integration::actix_audit` → `actix_audit`), then the function's name.
fn full_name(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_crate, path)) => format!("{path}::{test}"),
        None => test.to_owned(),
    }
}
