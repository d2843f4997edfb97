//! Compile-fail tests: what must not compile, with the error a user should see.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
}
