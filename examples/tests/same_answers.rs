//! The actix and the axum server give the same answers: one script of requests (every route,
//! method, header and body case where routing or extraction could differ) sent to both, each
//! answer compared (status, body, and the headers a client acts on), and every refusal checked
//! to be an RFC 9457 problem.
//!
//! Answers alike could be wrong alike: each refusal is also asserted whole (status, `code` and
//! every listed member, exactly), so a bug both servers share fails here too.
//!
//! Both real binaries on `127.0.0.1:0` (see `common`).

use crate::common::alike::same_answer;
use crate::common::{applied, document, Backend, Binary, Response, Server, Setup, TestDb};
use serde_json::{json, Value};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// Who sends a request.
#[derive(Clone, Copy)]
enum Who {
    Nobody,
    Alice,
    Admin,
    WrongPassword,
    /// This `Authorization` value, as is.
    Raw(&'static str),
}

struct Pair {
    actix: Server,
    axum: Server,
    _dbs: [TestDb; 2],
}

impl Pair {
    /// Both servers, each over a fresh database of `backend`.
    fn start(backend: Backend) -> Pair {
        let [actix_db, axum_db] =
            [Binary::Actix, Binary::Axum].map(|bin| Setup { bin, backend }.db());
        Pair {
            actix: Server::start(&actix_db),
            axum: Server::start(&axum_db),
            _dbs: [actix_db, axum_db],
        }
    }

    /// Sends the request to both servers; asserts the answers are the same and a refusal is a
    /// problem document; the actix server's answer.
    fn send(
        &self,
        method: &str,
        path: &str,
        who: Who,
        headers: &[(&str, &str)],
        body: Option<(&str, &str)>,
    ) -> Response {
        let [actix, axum] = [&self.actix, &self.axum].map(|server| {
            let login = |user: &str| server.login(user);
            let (user, password);
            let mut all_headers = headers.to_vec();
            let auth = match who {
                Who::Nobody => None,
                Who::Alice | Who::Admin => {
                    (user, password) = login(if matches!(who, Who::Alice) {
                        "alice"
                    } else {
                        "admin"
                    });
                    Some((user.as_str(), password.as_str()))
                }
                Who::WrongPassword => Some(("alice", "not the password")),
                Who::Raw(value) => {
                    all_headers.push(("Authorization", value));
                    None
                }
            };
            let body = body.map(|(content_type, text)| (content_type, text.as_bytes()));
            server.send(method, path, auth, &all_headers, body)
        });
        let request = format!("{method} {path} {headers:?} {body:?}");
        same_answer(
            &request,
            body.map(|(_, text)| text),
            [("actix", actix), ("axum", axum)],
        )
    }
}

/// What `denied` says of `is_admin` written without the role.
fn is_admin_denied() -> Value {
    applied(json!({"denied": [{"field": "is_admin", "roles": ["admin"]}]}))
}

#[test]
fn both_servers_answer_every_request_alike_on_sqlite() {
    every_request(Backend::Sqlite);
}

#[test]
fn both_servers_answer_every_request_alike_on_postgres() {
    if crate::common::postgres_available() {
        every_request(Backend::Postgres);
    }
}

fn every_request(backend: Backend) {
    use Who::*;
    let pair = Pair::start(backend);
    let send = |method, path, who, headers: &[(&str, &str)], body| {
        pair.send(method, path, who, headers, body)
    };
    let status = |method, path, who, headers: &[(&str, &str)], body| {
        send(method, path, who, headers, body).status
    };
    // A refusal, asserted whole: the same on both servers, and the one expected.
    let refused =
        |method, path, who, headers: &[(&str, &str)], body, expected: (u16, &str, Value)| {
            let answer = send(method, path, who, headers, body);
            assert_eq!(
                answer.problem(),
                expected,
                "{method} {path} {headers:?} {body:?}"
            );
        };
    let none = || json!({});
    let not_found = || (404, "not_found", none());
    let not_allowed = || (405, "method_not_allowed", none());
    let admin_only = || (403, "role_required", json!({"roles": ["admin"]}));
    let patch_types = json!({"accepted": ["application/merge-patch+json", "application/json"]});

    // Routing.
    assert_eq!(status("GET", "/healthz", Nobody, &[], None), 200);
    assert_eq!(status("HEAD", "/healthz", Nobody, &[], None), 200);
    refused("POST", "/healthz", Nobody, &[], None, not_allowed());
    refused("GET", "/nowhere", Alice, &[], None, not_found());
    refused("GET", "/profile/extra", Alice, &[], None, not_found());
    refused("DELETE", "/profile", Alice, &[], None, not_allowed());
    refused("DELETE", "/users/alice", Admin, &[], None, not_allowed());

    // Authentication.
    let unauthorized = |code| (401, code, none());
    // Alice with a wrong password: refused, and counted by the login limiter.
    let wrong_password = || {
        let expected = unauthorized("invalid_credentials");
        refused("GET", "/profile", WrongPassword, &[], None, expected);
    };
    refused(
        "GET",
        "/profile",
        Nobody,
        &[],
        None,
        unauthorized("missing_credentials"),
    );
    for malformed in ["Basic !!!", "Bearer x"] {
        let who = Raw(malformed);
        refused(
            "GET",
            "/profile",
            who,
            &[],
            None,
            unauthorized("malformed_credentials"),
        );
    }
    let two = [("Authorization", "Basic YTpi")];
    refused(
        "GET",
        "/profile",
        Alice,
        &two,
        None,
        (400, "duplicate_authorization", none()),
    );
    wrong_password();
    assert_eq!(status("GET", "/profile", Alice, &[], None), 200);
    assert_eq!(status("HEAD", "/profile", Alice, &[], None), 200);

    // JSON patches.
    let json = |text| Some((JSON, text));
    let v1 = [("If-Match", "\"v1\"")];
    assert_eq!(
        status("PATCH", "/profile", Alice, &v1, json(r#"{"bio":"one"}"#)),
        200
    );
    let stale = (412, "precondition_failed", json!({"version": 2}));
    refused(
        "PATCH",
        "/profile",
        Alice,
        &v1,
        json(r#"{"bio":"two"}"#),
        stale,
    );
    let garbled = [("If-Match", "v2")];
    let malformed_if_match = (400, "malformed_if_match", none());
    refused(
        "PATCH",
        "/profile",
        Alice,
        &garbled,
        json("{}"),
        malformed_if_match,
    );
    let merge = Some(("application/merge-patch+json", r#"{"bio":null}"#));
    assert_eq!(status("PUT", "/profile", Alice, &[], merge), 200);
    // PATCH reads JSON Patch too (below); PUT, as the seed's clients send it, does not.
    let patch_and_json_patch = json!({"accepted": [
        "application/merge-patch+json", "application/json", "application/json-patch+json"
    ]});
    let unsupported = (415, "unsupported_media_type", patch_and_json_patch);
    for body in [
        Some(("text/plain", "{}")),
        Some((FORM, "bio=x")),
        Some(("application/json; charset=latin1", "{}")),
        None,
    ] {
        refused("PATCH", "/profile", Alice, &[], body, unsupported.clone());
    }
    let huge = format!(r#"{{"bio":"{}"}}"#, "x".repeat(17 * 1024));
    let too_large = (413, "payload_too_large", json!({"limit": 16384}));
    refused("PATCH", "/profile", Alice, &[], json(&huge), too_large);
    for malformed in [r#"{"bio":"#, "", "{} {}"] {
        let answer = (400, "malformed_json", none());
        refused("PATCH", "/profile", Alice, &[], json(malformed), answer);
    }
    // Not an object: the whole document is invalid, under the empty name.
    // (serde_json's position: where it stopped reading.)
    let not_an_object = |found: &str, column: usize| {
        let reason = format!(
            "invalid type: {found}, expected a JSON object with the writable fields of `User` at line 1 column {column}"
        );
        document(json!({"invalid": {"": reason}}))
    };
    for (body, code, members) in [
        ("[]", "invalid_fields", not_an_object("sequence", 0)),
        (r#"["x"]"#, "invalid_fields", not_an_object("sequence", 0)),
        ("null", "invalid_fields", not_an_object("null", 4)),
        (
            r#"{"password_hash":"x","id":7,"role":"admin","bio":"x"}"#,
            "forbidden_fields",
            document(json!({"forbidden": ["password_hash", "id"], "unknown": ["role"]})),
        ),
        (
            r#"{"bio":"a","bio":"b"}"#,
            "duplicate_fields",
            document(json!({"duplicate": ["bio"]})),
        ),
        (
            r#"{"email":5,"display_name":""}"#,
            "invalid_fields",
            document(json!({"invalid": {"email": "invalid type: integer `5`, expected a string"}})),
        ),
    ] {
        refused(
            "PATCH",
            "/profile",
            Alice,
            &[],
            json(body),
            (422, code, members),
        );
    }
    // The value alice's row holds, re-sent: a write all the same (else the answer would tell
    // a non-admin what is stored).
    for gated in [r#"{"is_admin":true}"#, r#"{"is_admin":false}"#] {
        refused(
            "PATCH",
            "/profile",
            Alice,
            &[],
            json(gated),
            (403, "role_required", is_admin_denied()),
        );
    }

    // JSON Patch (RFC 6902) on PATCH, under the same rules.
    let json_patch = |text| Some(("application/json-patch+json", text));
    let version = send("GET", "/profile", Alice, &[], None).json["version"].clone();
    let current = [("If-Match", format!("\"v{version}\""))];
    let current = [(current[0].0, current[0].1.as_str())];
    let patched = send(
        "PATCH",
        "/profile",
        Alice,
        &current,
        json_patch(
            r#"[{"op":"test","path":"/username","value":"alice"},{"op":"add","path":"/bio","value":"patched"},{"op":"copy","from":"/bio","path":"/display_name"}]"#,
        ),
    );
    assert_eq!(
        (
            patched.status,
            &patched.json["bio"],
            &patched.json["display_name"]
        ),
        (200, &"patched".into(), &"patched".into()),
        "{}",
        patched.json
    );
    let next = version.as_u64().unwrap() + 1;
    refused(
        "PATCH",
        "/profile",
        Alice,
        &current,
        json_patch(r#"[{"op":"replace","path":"/bio","value":"stale"}]"#),
        (412, "precondition_failed", json!({"version": next})),
    );
    // Refused before the row is read, every pointer listed (detail aside).
    let listed = send(
        "PATCH",
        "/profile",
        Alice,
        &[],
        json_patch(
            r#"[{"op":"replace","path":"/id","value":1},{"op":"copy","from":"/password_hash","path":"/bio"},{"op":"add","path":"/role","value":"x"},{"op":"remove","path":""}]"#,
        ),
    );
    let operations = listed.refused_operations();
    assert_eq!(
        (listed.status, listed.code(), operations),
        (
            422,
            "operations_refused",
            vec![
                json!([0, "path", "/id", "forbidden"]),
                json!([1, "from", "/password_hash", "unreadable"]),
                json!([2, "path", "/role", "unknown"]),
                json!([3, "path", "", "whole_document"]),
            ]
        )
    );
    // A gated field re-sent, as a merge patch's: 403.
    refused(
        "PATCH",
        "/profile",
        Alice,
        &[],
        json_patch(r#"[{"op":"replace","path":"/is_admin","value":false}]"#),
        (403, "role_required", is_admin_denied()),
    );
    // What depends on the stored row: the first failure, 409.
    let failed = send(
        "PATCH",
        "/profile",
        Alice,
        &[],
        json_patch(
            r#"[{"op":"replace","path":"/bio","value":"lost"},{"op":"test","path":"/is_admin","value":true}]"#,
        ),
    );
    assert_eq!(
        (
            failed.status,
            failed.code(),
            &failed.json["operation"]["index"],
            &failed.json["operation"]["problem"]
        ),
        (409, "operation_failed", &json!(1), &json!("test_failed"))
    );
    for (body, operation) in [
        (r#"{"op":"add","path":"/bio","value":"x"}"#, json!(null)),
        (r#"[{"op":"add","path":"/bio"}]"#, json!(0)),
        (
            r#"[{"op":"add","path":"/bio","value":"x","op":"remove"}]"#,
            json!(0),
        ),
    ] {
        let malformed = send("PATCH", "/profile", Alice, &[], json_patch(body));
        assert_eq!(
            (
                malformed.status,
                malformed.code(),
                &malformed.json["operation"]
            ),
            (400, "malformed_json_patch", &operation),
            "{body}"
        );
    }
    refused(
        "PUT",
        "/profile",
        Alice,
        &[],
        json_patch("[]"),
        (415, "unsupported_media_type", patch_types.clone()),
    );
    assert_eq!(
        send("GET", "/profile", Alice, &[], None).json["bio"],
        "patched"
    );

    // HTML forms, on POST only.
    let form = |text| Some((FORM, text));
    let posted = send("POST", "/profile", Alice, &[], form("bio=from+a+form"));
    assert_eq!(
        (posted.status, &posted.json["bio"]),
        (200, &"from a form".into())
    );
    let cleared = send("POST", "/profile", Alice, &[], form("bio="));
    assert_eq!((cleared.status, &cleared.json["bio"]), (200, &Value::Null));
    for gated in ["is_admin=true", "is_admin=false"] {
        refused(
            "POST",
            "/profile",
            Alice,
            &[],
            form(gated),
            (403, "role_required", is_admin_denied()),
        );
    }
    for (body, code, listed) in [
        (
            "id=3&bio=x",
            "forbidden_fields",
            json!({"forbidden": ["id"]}),
        ),
        (
            "bio=a&bio=b",
            "duplicate_fields",
            json!({"duplicate": ["bio"]}),
        ),
        (
            "nickname=x",
            "unknown_fields",
            json!({"unknown": ["nickname"]}),
        ),
        (
            "email=",
            "invalid_fields",
            json!({"invalid": {"email": "an empty value is not allowed: the field is not optional"}}),
        ),
        (
            "bio=%FF",
            "invalid_fields",
            json!({"invalid": {"bio": "not UTF-8 text (a form's values are percent-encoded UTF-8)"}}),
        ),
    ] {
        refused(
            "POST",
            "/profile",
            Alice,
            &[],
            form(body),
            (422, code, document(listed)),
        );
    }
    for cross_site in [
        [("Origin", "http://attacker.example")],
        [("Origin", "null")],
        [("Sec-Fetch-Site", "cross-site")],
        [("Sec-Fetch-Site", "same-site")],
    ] {
        let answer = (403, "cross_site_request", none());
        refused(
            "POST",
            "/profile",
            Alice,
            &cross_site,
            form("bio=pwned"),
            answer,
        );
    }
    let own_page = [("Sec-Fetch-Site", "same-origin")];
    assert_eq!(
        status("POST", "/profile", Alice, &own_page, form("bio=mine")),
        200
    );
    assert_eq!(
        status("POST", "/profile", Alice, &[], json(r#"{"bio":"json"}"#)),
        200
    );

    // Any user reads another's public fields (without its version: no `ETag`); only admins
    // write them.
    let other = send("GET", "/users/admin", Alice, &[], None);
    assert_eq!(
        (other.status, &other.json, other.header("etag")),
        (
            200,
            &json!({"username": "admin", "display_name": "admin", "bio": null}),
            None
        )
    );
    assert_eq!(status("HEAD", "/users/admin", Alice, &[], None), 200);
    refused("GET", "/users/nobody", Alice, &[], None, not_found());
    refused(
        "PATCH",
        "/users/admin",
        Alice,
        &[],
        json(r#"{"bio":"x"}"#),
        admin_only(),
    );
    assert_eq!(status("GET", "/users/alice", Admin, &[], None), 200);
    refused("GET", "/users/nobody", Admin, &[], None, not_found());
    refused("GET", "/users/%FF", Admin, &[], None, not_found());
    refused(
        "PUT",
        "/users/nobody",
        Admin,
        &[],
        json(r#"{"bio":"x"}"#),
        not_found(),
    );
    refused(
        "PATCH",
        "/users/admin",
        Alice,
        &[],
        json_patch(r#"[{"op":"replace","path":"/bio","value":"x"}]"#),
        admin_only(),
    );
    assert_eq!(
        status(
            "PATCH",
            "/users/alice",
            Admin,
            &[],
            json_patch(
                r#"[{"op":"test","path":"/is_admin","value":false},{"op":"replace","path":"/is_admin","value":true}]"#
            )
        ),
        200
    );

    // Creating a user: the same 201, and the same refusals of the create input and login.
    let carol = r#"{"username":"carol","password":"carol's password","display_name":"Carol","email":"carol@example.org"}"#;
    // (Alice is an admin by now; a non-admin's 403 is in tests/create.rs.)
    refused(
        "POST",
        "/users",
        Nobody,
        &[],
        json(carol),
        unauthorized("missing_credentials"),
    );
    let created = send("POST", "/users", Admin, &[], json(carol));
    assert_eq!(
        (created.status, created.header("location")),
        (201, Some("/users/carol"))
    );
    refused(
        "POST",
        "/users",
        Admin,
        &[],
        json(carol),
        (409, "username_taken", none()),
    );
    for (body, expected) in [
        (
            r#"{"username":"dave","id":1,"role":"x"}"#,
            (
                422,
                "forbidden_fields",
                document(json!({
                    "forbidden": ["id"],
                    "unknown": ["role"],
                    "missing": ["display_name", "email", "password"],
                })),
            ),
        ),
        (
            r#"{"username":"dave"}"#,
            (
                422,
                "missing_fields",
                document(json!({"missing": ["display_name", "email", "password"]})),
            ),
        ),
        ("[]", (422, "invalid_fields", not_an_object("sequence", 0))),
        (
            r#"{"username":"Dave!","password":"short","display_name":"","email":"d@example.org"}"#,
            (
                422,
                "invalid_fields",
                applied(json!({"invalid": {
                    "": "the password needs at least 8 characters",
                    "display_name": "must be 1 to 64 characters without control characters",
                    "username": "user names are 1 to 32 characters of a-z, 0-9, '_', '-', '.'",
                }})),
            ),
        ),
        (r#"{"username":"#, (400, "malformed_json", none())),
    ] {
        refused("POST", "/users", Admin, &[], json(body), expected);
    }
    refused("DELETE", "/users", Admin, &[], None, not_allowed());

    // The login limiter: five wrong passwords since alice's last good login pass, the sixth
    // is refused.
    for _ in 0..5 {
        wrong_password();
    }
    let throttled = (429, "too_many_attempts", json!({"retry_after": 60}));
    refused("GET", "/profile", WrongPassword, &[], None, throttled);

    // And both stored the same.
    let stored = send("GET", "/profile", Admin, &[], None);
    assert_eq!(stored.status, 200);
    let alice = send("GET", "/users/alice", Admin, &[], None);
    assert_eq!(
        (&alice.json["bio"], &alice.json["is_admin"]),
        (&"json".into(), &true.into())
    );

    // The password route: only the new password, one a client could send; then the old one
    // is refused. (Last: the script logs in with the seeded passwords.)
    let password = "/profile/password";
    refused("GET", password, Admin, &[], None, not_allowed());
    for (body, expected) in [
        ("{}", (422, "password_required", none())),
        (r#"{"password":"short"}"#, (422, "weak_password", none())),
        (
            r#"{"password":"long enough\u0007"}"#,
            (422, "weak_password", none()),
        ),
        (
            r#"{"password":"long enough","is_admin":true}"#,
            (
                422,
                "unknown_fields",
                document(json!({"unknown": ["is_admin"]})),
            ),
        ),
        (
            r#"{"password":5}"#,
            (
                422,
                "invalid_fields",
                document(
                    json!({"invalid": {"password": "invalid type: integer `5`, expected a string"}}),
                ),
            ),
        ),
        (r#"{"password":"#, (400, "malformed_json", none())),
    ] {
        refused("PUT", password, Admin, &[], json(body), expected);
    }
    let text = Some(("text/plain", r#"{"password":"long enough"}"#));
    refused(
        "PUT",
        password,
        Admin,
        &[],
        text,
        (415, "unsupported_media_type", patch_types),
    );
    let body = json(r#"{"password":"a new admin password"}"#);
    assert_eq!(status("PUT", password, Admin, &[], body), 204);
    refused(
        "GET",
        "/profile",
        Admin,
        &[],
        None,
        unauthorized("invalid_credentials"),
    );
}
