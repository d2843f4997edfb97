//! The order of an update's checks, as the README promises it: the body first (a forbidden,
//! unknown, repeated or ill-typed key is 422 whatever `If-Match` says), then the precondition
//! (a stale `If-Match` is 412 even for a value a validator would refuse: RFC 9110, section
//! 13.2.1, evaluates preconditions before the content is processed), then the validators.
//!
//! The real binary on `127.0.0.1:0` (see `common`), over every route that updates a user.

use crate::common::{applied, document, Response, Server, Setup};
use serde_json::json;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// A stale `If-Match`: every test moves the user past version 1 first.
const STALE: &str = "\"v1\"";

/// One update route and who may use it.
struct Route<'a> {
    method: &'a str,
    path: &'a str,
    content_type: &'a str,
    auth: (&'a str, &'a str),
}

impl Route<'_> {
    fn send(&self, server: &Server, if_match: Option<&str>, body: &str) -> Response {
        let headers: Vec<_> = if_match.map(|tag| ("If-Match", tag)).into_iter().collect();
        let body = Some((self.content_type, body.as_bytes()));
        server.send(self.method, self.path, Some(self.auth), &headers, body)
    }
}

/// alice at version 2 (`bio` "one"), and the routes that update her.
fn alice_at_version_2(server: &Server) -> Vec<Route<'_>> {
    let alice = &server.seeded["alice"];
    let admin = &server.seeded["admin"];
    let moved = server.patch("/profile", ("alice", alice), r#"{"bio":"one"}"#);
    assert_eq!((moved.status, moved.etag.as_deref()), (200, Some("\"v2\"")));
    let route = |method, path, content_type, auth| Route {
        method,
        path,
        content_type,
        auth,
    };
    vec![
        route("PATCH", "/profile", JSON, ("alice", alice.as_str())),
        route("PUT", "/profile", JSON, ("alice", alice.as_str())),
        route("POST", "/profile", JSON, ("alice", alice.as_str())),
        route("PATCH", "/users/alice", JSON, ("admin", admin.as_str())),
        route("PUT", "/users/alice", JSON, ("admin", admin.as_str())),
    ]
}

/// Nothing any refusal sent was written.
fn unchanged(server: &Server) {
    let (name, password) = server.login("alice");
    let alice = server.get("/profile", (&name, &password));
    assert_eq!(
        (&alice.json["version"], &alice.json["bio"]),
        (&2.into(), &"one".into()),
        "{alice:?}"
    );
}

fn a_bad_body_with_a_stale_if_match_is_422(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let routes = alice_at_version_2(&server);
    let bad_bodies = [
        (
            r#"{"bio":"x","password_hash":"x","id":7}"#,
            "forbidden_fields",
            json!({"forbidden": ["password_hash", "id"]}),
        ),
        (
            r#"{"bio":"x","role":"admin"}"#,
            "unknown_fields",
            json!({"unknown": ["role"]}),
        ),
        (
            r#"{"bio":"a","bio":"b"}"#,
            "duplicate_fields",
            json!({"duplicate": ["bio"]}),
        ),
        (
            r#"{"email":5}"#,
            "invalid_fields",
            json!({"invalid": {"email": "invalid type: integer `5`, expected a string"}}),
        ),
    ];
    for route in &routes {
        for (body, code, listed) in &bad_bodies {
            let expected = (422, *code, document(listed.clone()));
            for if_match in [Some(STALE), Some("\"v2\""), None] {
                let answer = route.send(&server, if_match, body);
                assert_eq!(
                    answer.problem(),
                    expected,
                    "{} {} If-Match {if_match:?} {body}",
                    route.method,
                    route.path
                );
            }
        }
    }
    // The same from an HTML form.
    for (body, code, listed) in [
        (
            "bio=x&id=7",
            "forbidden_fields",
            json!({"forbidden": ["id"]}),
        ),
        (
            "bio=x&role=admin",
            "unknown_fields",
            json!({"unknown": ["role"]}),
        ),
    ] {
        let form = Route {
            method: "POST",
            path: "/profile",
            content_type: FORM,
            auth: routes[0].auth,
        };
        let answer = form.send(&server, Some(STALE), body);
        assert_eq!(answer.problem(), (422, code, document(listed)), "{body}");
    }
    unchanged(&server);
}

fn a_stale_if_match_with_a_refused_value_is_412(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let routes = alice_at_version_2(&server);
    let refused_values = [
        (
            r#"{"display_name":""}"#,
            json!({"display_name": "must be 1 to 64 characters without control characters"}),
        ),
        (
            r#"{"email":"nope","bio":"x"}"#,
            json!({"email": "must be an address like name@example.org"}),
        ),
    ];
    for route in &routes {
        for (body, invalid) in &refused_values {
            let request = format!("{} {} {body}", route.method, route.path);
            let stale = route.send(&server, Some(STALE), body);
            assert_eq!(
                stale.problem(),
                (412, "precondition_failed", json!({"version": 2})),
                "{request}"
            );
            assert_eq!(stale.etag.as_deref(), Some("\"v2\""), "{request}");
            // The value is one the validators refuse: with the current version, or none, it
            // is 422, so the 412 above came before the validators, not instead of a write.
            for if_match in [Some("\"v2\""), None] {
                let refused = route.send(&server, if_match, body);
                let members = applied(json!({"invalid": invalid}));
                assert_eq!(
                    refused.problem(),
                    (422, "invalid_fields", members),
                    "{request} If-Match {if_match:?}"
                );
            }
        }
    }
    unchanged(&server);
}

both_servers!(
    a_bad_body_with_a_stale_if_match_is_422,
    a_stale_if_match_with_a_refused_value_is_412
);
