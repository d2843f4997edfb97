//! The committed policy table (`examples/POLICY.md`) is what the code enforces: a change to who
//! may write what changes that file in the same commit, where a reviewer sees it.

use std::process::Command;

use safe_update_demo::policy;

/// The committed file.
fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/POLICY.md");
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Each line that differs, numbered, as `-` (committed) and `+` (the code's).
fn difference(committed: &str, code: &str) -> String {
    let (committed, code): (Vec<&str>, Vec<&str>) =
        (committed.lines().collect(), code.lines().collect());
    let mut said = String::new();
    for line in 0..committed.len().max(code.len()) {
        let (old, new) = (committed.get(line), code.get(line));
        if old != new {
            if let Some(old) = old {
                said += &format!("{:>4} - {old}\n", line + 1);
            }
            if let Some(new) = new {
                said += &format!("{:>4} + {new}\n", line + 1);
            }
        }
    }
    said
}

#[test]
fn the_committed_table_is_the_code_s_policy() {
    let (committed, code) = (committed(), policy::document());
    assert!(
        committed == code,
        "examples/POLICY.md is not the models' policy; if the change is meant, regenerate it \
         with `cargo run -p safe-update-demo -- policy > examples/POLICY.md`:\n{}",
        difference(&committed, &code)
    );
}

#[test]
fn the_documented_command_prints_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_safe-update-demo"))
        .arg("policy")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed());
}

#[test]
fn the_json_command_prints_the_same_policies() {
    let output = Command::new(env!("CARGO_BIN_EXE_safe-update-demo"))
        .args(["policy", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json, serde_json::to_value(policy::models()).unwrap());
    let model = |name: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|model| model["model"] == name)
            .unwrap_or_else(|| panic!("no model {name} in {json}"))
            .clone()
    };
    let field = |model: &serde_json::Value, name: &str| {
        model["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|field| field["field"] == name)
            .unwrap_or_else(|| panic!("no field {name} in {model}"))
            .clone()
    };
    let user = model("User");
    // A role alone is a grant without rules.
    assert_eq!(
        field(&user, "is_admin")["write"],
        serde_json::json!({"kind": "grants", "grants": [{"roles": ["admin"], "when": [], "change": []}]})
    );
    assert_eq!(
        field(&user, "password_hash")["write"],
        serde_json::json!({"kind": "server_only"})
    );
    // Who reads each field: the hash nobody, the contact address the user itself and admins,
    // the name anyone.
    assert_eq!(
        field(&user, "password_hash")["read"],
        serde_json::json!({"kind": "secret"})
    );
    assert_eq!(
        field(&user, "email")["read"]["grants"],
        serde_json::json!([
            {"roles": [], "when": ["is_self"], "change": []},
            {"roles": ["admin"], "when": [], "change": []},
        ])
    );
    assert_eq!(
        field(&user, "username")["read"],
        serde_json::json!({"kind": "anyone"})
    );
    assert_eq!(
        field(&user, "bio")["null"],
        serde_json::json!({"kind": "clears"})
    );
    // Each of an article's grants, rules by name.
    let article = model("Article");
    assert_eq!(
        field(&article, "status")["write"],
        serde_json::json!({"kind": "grants", "grants": [
            {"roles": [], "when": ["is_author"], "change": ["author_may_publish"]},
            {"roles": ["admin"], "when": [], "change": []},
        ]})
    );
    assert_eq!(
        field(&article, "body")["write"]["grants"][0]["when"],
        serde_json::json!(["is_author", "is_draft"])
    );
    assert_eq!(
        field(&article, "author")["write"],
        serde_json::json!({"kind": "server_only"})
    );
}

/// A reader that stops early (`policy --json | head -1`) closes the pipe: the command ends
/// quietly and successfully, where `println!` panicked on the broken pipe. The read end is
/// closed as soon as the command starts, before it can have written (the policy is smaller
/// than a pipe's buffer, so a reader that took a byte first could miss the failure).
#[test]
fn a_reader_that_closes_the_pipe_early_ends_the_output_not_the_program() {
    use std::process::Stdio;

    for args in [&["policy", "--json"][..], &["policy"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_safe-update-demo"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
