//! JSON Patch bodies (`application/json-patch+json`) on both servers, where a route's
//! `PatchConfig::accept_json_patch` takes them and its handler reads a `PatchBody`: applied
//! under the merge patch's rules, every refusal answered alike by actix and axum, the stored
//! profile unchanged by each.

use safe_update::web::PatchConfig;
use serde_json::json;

use super::app::bob;
use super::client::{request, Request};
use super::{default_auth, start, start_default, stored, unchanged};

const JSON_PATCH: &str = "application/json-patch+json";

fn bob_sends(path: &str, body: &str) -> Request {
    request("PATCH", path)
        .login("bob", "battery staple")
        .body(JSON_PATCH, body)
}

#[test]
fn a_json_patch_is_applied_on_both_servers_as_its_sender() {
    let (pair, states) = start_default();
    let answer = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"test","path":"/id","value":7},
            {"op":"replace","path":"/display_name","value":"Robert"},
            {"op":"add","path":"/bio","value":"hi"}]"#,
    ));
    assert_eq!(
        (answer.status, answer.json()),
        (200, json!(["display_name", "bio"]))
    );
    let profile = stored(&states);
    assert_eq!(
        (profile.display_name.as_str(), profile.bio.as_deref()),
        ("Robert", Some("hi"))
    );
    // The same route still takes a merge patch.
    let merge = pair.send(
        request("PATCH", "/json-patch/profile")
            .login("bob", "battery staple")
            .body("application/merge-patch+json", r#"{"bio":null}"#),
    );
    assert_eq!((merge.status, stored(&states).bio), (200, None));
}

#[test]
fn an_application_identity_sends_one_through_merge_patch() {
    let (pair, states) = start_default();
    let staff = request("PATCH", "/json-patch/session")
        .header("x-session", "staff")
        .body(
            JSON_PATCH,
            r#"[{"op":"replace","path":"/verified","value":true}]"#,
        );
    assert_eq!(pair.send(staff).status, 200);
    assert!(stored(&states).verified);
    let guest = request("PATCH", "/json-patch/session").body(
        JSON_PATCH,
        r#"[{"op":"replace","path":"/verified","value":false}]"#,
    );
    let refused = pair.send(guest);
    assert_eq!(
        (refused.status, refused.code()),
        (403, "role_required".to_owned())
    );
    assert!(stored(&states).verified);
}

#[test]
fn operations_refused_before_the_profile_is_read_are_422_listing_each() {
    let (pair, states) = start_default();
    let answer = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"replace","path":"/display_name","value":"Eve"},
            {"op":"replace","path":"/is_admin","value":true},
            {"op":"add","path":"/role","value":"root"},
            {"op":"remove","path":""},
            {"op":"move","from":"/id","path":"/bio"}]"#,
    ));
    assert_eq!(
        (answer.status, answer.code()),
        (422, "operations_refused".to_owned())
    );
    let listed: Vec<(u64, String, String, String)> = answer.json()["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|refusal| {
            (
                refusal["index"].as_u64().unwrap(),
                refusal["member"].as_str().unwrap().to_owned(),
                refusal["pointer"].as_str().unwrap().to_owned(),
                refusal["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (1, "path", "/is_admin", "forbidden"),
        (2, "path", "/role", "unknown"),
        (3, "path", "", "whole_document"),
        (4, "from", "/id", "forbidden"),
    ]
    .map(|(index, member, pointer, problem)| {
        (
            index,
            member.to_owned(),
            pointer.to_owned(),
            problem.to_owned(),
        )
    });
    assert_eq!(listed, expected);
    unchanged(&states);
}

#[test]
fn an_operation_that_fails_on_the_stored_profile_is_409_and_undoes_the_others() {
    let (pair, states) = start_default();
    let answer = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"replace","path":"/display_name","value":"Eve"},
            {"op":"test","path":"/is_admin","value":true}]"#,
    ));
    assert_eq!(
        (answer.status, answer.code()),
        (409, "operation_failed".to_owned())
    );
    let operation = &answer.json()["operation"];
    assert_eq!(
        (
            &operation["index"],
            &operation["problem"],
            &operation["pointer"]
        ),
        (&json!(1), &json!("test_failed"), &json!("/is_admin"))
    );
    // `bio` is `None`: absent, so removing it fails.
    let answer = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"remove","path":"/bio"}]"#,
    ));
    assert_eq!(
        (answer.status, &answer.json()["operation"]["problem"]),
        (409, &json!("not_found"))
    );
    unchanged(&states);
}

#[test]
fn malformed_documents_are_400_with_the_operation() {
    let (pair, states) = start_default();
    for (body, operation) in [
        (r#"{"op":"add","path":"/bio","value":"x"}"#, json!(null)),
        (r#"[{"op":"add","path":"/bio"}]"#, json!(0)),
        (
            r#"[{"op":"test","path":"/bio","value":1},{"op":"frobnicate","path":"/bio"}]"#,
            json!(1),
        ),
        (r#"[{"op":"add","path":7,"value":"x"}]"#, json!(0)),
        (r#"[{"op":"add","path":"bio","value":"x"}]"#, json!(0)),
        (r#"[{"op":"copy","path":"/bio"}]"#, json!(0)),
        (
            r#"[{"op":"add","path":"/bio","value":"x","path":"/id"}]"#,
            json!(0),
        ),
        ("[", json!(null)),
    ] {
        let answer = pair.send(bob_sends("/json-patch/profile", body));
        assert_eq!(
            (answer.status, answer.code()),
            (400, "malformed_json_patch".to_owned()),
            "{body}"
        );
        assert_eq!(answer.json()["operation"], operation, "{body}");
    }
    unchanged(&states);
}

#[test]
fn the_net_change_is_checked_as_a_merge_patch() {
    let (pair, states) = start_default();
    // A role-gated field, a validator, a value of the wrong type: the merge patch's answers.
    let gated = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"replace","path":"/verified","value":false}]"#,
    ));
    assert_eq!(
        (gated.status, gated.code()),
        (403, "role_required".to_owned())
    );
    let long = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"add","path":"/bio","value":"far longer than twenty characters"}]"#,
    ));
    assert_eq!(
        (long.status, long.code()),
        (422, "invalid_fields".to_owned())
    );
    let typed = pair.send(bob_sends(
        "/json-patch/profile",
        r#"[{"op":"copy","from":"/id","path":"/display_name"}]"#,
    ));
    assert_eq!(
        (typed.status, typed.code()),
        (422, "invalid_fields".to_owned())
    );
    assert!(
        typed.json()["invalid"]["display_name"].is_string(),
        "{}",
        typed.text()
    );
    unchanged(&states);
    let admin = request("PATCH", "/json-patch/profile")
        .login("alice", "correct horse")
        .body(
            JSON_PATCH,
            r#"[{"op":"replace","path":"/verified","value":true}]"#,
        );
    assert_eq!(pair.send(admin).status, 200);
    assert!(stored(&states).verified);
}

#[test]
fn the_operation_count_is_bounded_as_configured() {
    let (pair, states) = start(default_auth, PatchConfig::default().max_operations(3));
    let operation = r#"{"op":"test","path":"/id","value":7}"#;
    let document = |count: usize| format!("[{}]", vec![operation; count].join(","));
    assert_eq!(
        pair.send(bob_sends("/json-patch/profile", &document(3)))
            .status,
        200
    );
    let answer = pair.send(bob_sends("/json-patch/profile", &document(4)));
    assert_eq!(
        (answer.status, answer.code(), &answer.json()["limit"]),
        (422, "too_many_operations".to_owned(), &json!(3))
    );
    assert_eq!(*states[0].profile.lock().unwrap(), bob());
}

#[test]
fn accept_patch_lists_json_patch_only_where_the_handler_reads_it() {
    let (pair, states) = start_default();
    let offered = pair.send(
        request("PATCH", "/json-patch/profile")
            .login("bob", "battery staple")
            .body("text/plain", "[]"),
    );
    assert_eq!(
        (offered.status, offered.header("accept-patch")),
        (
            415,
            Some("application/merge-patch+json, application/json, application/json-patch+json")
        )
    );
    // The same configuration on a handler that reads a merge patch only.
    let merge_only = pair.send(bob_sends("/json-patch/merge-only", "[]"));
    assert_eq!(
        (merge_only.status, merge_only.header("accept-patch")),
        (415, Some("application/merge-patch+json, application/json"))
    );
    // And a route without the configuration.
    let plain = pair.send(bob_sends("/profile", "[]"));
    assert_eq!(plain.status, 415);
    unchanged(&states);
}

#[test]
fn the_media_type_is_read_as_for_a_merge_patch_and_the_body_limit_holds() {
    let (pair, states) = start_default();
    let document = r#"[{"op":"add","path":"/bio","value":"typed"}]"#;
    for content_type in [
        "application/json-patch+json; charset=utf-8",
        "Application/JSON-Patch+JSON",
        "application/json-patch+json;charset=\"UTF-8\"",
    ] {
        let answer = pair.send(
            request("PATCH", "/json-patch/profile")
                .login("bob", "battery staple")
                .body(content_type, document),
        );
        assert_eq!(answer.status, 200, "{content_type}");
    }
    assert_eq!(stored(&states).bio.as_deref(), Some("typed"));
    let latin1 = pair.send(
        request("PATCH", "/json-patch/profile")
            .login("bob", "battery staple")
            .body("application/json-patch+json; charset=latin1", document),
    );
    assert_eq!(latin1.status, 415);
    // Over the body limit, declared or streamed: 413 before any operation is read.
    let huge = format!(
        r#"[{{"op":"add","path":"/bio","value":"{}"}}]"#,
        "x".repeat(PatchConfig::DEFAULT_LIMIT)
    );
    for chunked in [false, true] {
        let mut request = bob_sends("/json-patch/profile", &huge);
        if chunked {
            request = request.chunked();
        }
        let answer = pair.send(request);
        assert_eq!(
            (answer.status, answer.code()),
            (413, "payload_too_large".to_owned())
        );
    }
    assert_eq!(stored(&states).bio.as_deref(), Some("typed"));
}
