//! Values at the edges of what a database can hold get the same answer on both backends: a
//! client's error (4xx), decided before the database is asked, never a 500 on PostgreSQL and a
//! stored value on SQLite.
//!
//! - NUL (U+0000), which PostgreSQL's `text` cannot hold, in every text the API takes: the
//!   profile's fields (JSON, merge patch, form), a new user's fields and login, a new password.
//! - `/users/{username}` with a name no user can have (NUL, upper case, not UTF-8): 404.
//! - Integers past PostgreSQL's `BIGINT` (and `u64`): versions in `If-Match`, values of
//!   server-only and typed keys.
//!
//! Every case runs on both servers over both databases (`both_servers!`), and every refused
//! one is followed by reading the users back: nothing changed.

use crate::common::{Response, Server, Setup};

const JSON: &str = "application/json";
const MERGE: &str = "application/merge-patch+json";
const FORM: &str = "application/x-www-form-urlencoded";

/// A request and the refusal it must get: status, `code`, the member that names the field and
/// the field (`None`: the refusal names no field).
struct Case {
    method: &'static str,
    path: &'static str,
    /// As the admin (`true`) or as alice.
    admin: bool,
    headers: &'static [(&'static str, &'static str)],
    body: Option<(&'static str, &'static str)>,
    status: u16,
    code: &'static str,
    names: Option<(&'static str, &'static str)>,
}

const fn case(
    method: &'static str,
    path: &'static str,
    admin: bool,
    body: Option<(&'static str, &'static str)>,
    status: u16,
    code: &'static str,
    names: Option<(&'static str, &'static str)>,
) -> Case {
    Case {
        method,
        path,
        admin,
        headers: &[],
        body,
        status,
        code,
        names,
    }
}

/// A body refused as 422 `invalid_fields`, `field` listed under `invalid` (`""`: the refusal
/// names no single field).
const fn invalid(
    method: &'static str,
    path: &'static str,
    admin: bool,
    body: (&'static str, &'static str),
    field: &'static str,
) -> Case {
    let names = Some(("invalid", field));
    case(
        method,
        path,
        admin,
        Some(body),
        422,
        "invalid_fields",
        names,
    )
}

/// What the server holds: alice and admin as an admin reads them, and whether carol exists.
fn everything(server: &Server, admin: (&str, &str)) -> Vec<(u16, String)> {
    ["/users/alice", "/users/admin", "/users/carol"]
        .iter()
        .map(|path| {
            let read = server.get(path, admin);
            (read.status, read.text)
        })
        .collect()
}

fn check(server: &Server, case: &Case, response: &Response) {
    let what = format!("{} {} {:?}", case.method, case.path, case.body);
    assert_eq!(
        (response.status, response.code()),
        (case.status, case.code),
        "{what}: {response:?}"
    );
    if let Some((member, field)) = case.names {
        assert!(
            response.listed(member).iter().any(|name| name == field),
            "{what}: {field} not in {member}: {response:?}"
        );
    }
    if case.code == "precondition_failed" {
        // The current version, as the database holds it.
        assert_eq!(response.json["version"], 1, "{what}: {response:?}");
        assert_eq!(response.etag.as_deref(), Some("\"v1\""), "{what}");
    }
    assert!(
        !response.text.contains("the database failed"),
        "{what}: {response:?}"
    );
    assert!(
        !server.logs().contains("database failed"),
        "{what}: the database failed: {}",
        server.logs()
    );
}

fn run(server: &Server, cases: &[Case]) {
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());
    let before = everything(server, admin);
    assert_eq!(before[2].0, 404, "carol does not exist yet");
    for case in cases {
        let auth = if case.admin { admin } else { alice };
        let body = case.body.map(|(kind, text)| (kind, text.as_bytes()));
        let response = server.send(case.method, case.path, Some(auth), case.headers, body);
        check(server, case, &response);
        assert_eq!(
            everything(server, admin),
            before,
            "{} {} {:?} changed something",
            case.method,
            case.path,
            case.body
        );
    }
    // The logins still work as they did (a refused new password changed nothing).
    assert_eq!(server.get("/profile", alice).status, 200);
    assert_eq!(server.get("/profile", admin).status, 200);
}

/// NUL in each text field, by each route and body format that takes it: 422, the field named.
fn nul_is_refused_in_every_text_field(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let new_user = |json, field| invalid("POST", "/users", true, (JSON, json), field);
    let cases = [
        invalid(
            "PATCH",
            "/profile",
            false,
            (JSON, r#"{"bio":"a\u0000b"}"#),
            "bio",
        ),
        invalid(
            "PUT",
            "/profile",
            false,
            (MERGE, r#"{"bio":"\u0000"}"#),
            "bio",
        ),
        invalid("POST", "/profile", false, (FORM, "bio=a%00b"), "bio"),
        invalid(
            "PATCH",
            "/profile",
            false,
            (JSON, r#"{"display_name":"a\u0000b"}"#),
            "display_name",
        ),
        invalid(
            "POST",
            "/profile",
            false,
            (FORM, "display_name=a%00b"),
            "display_name",
        ),
        invalid(
            "PATCH",
            "/profile",
            false,
            (JSON, r#"{"email":"a\u0000b@example.org"}"#),
            "email",
        ),
        invalid(
            "PATCH",
            "/users/alice",
            true,
            (JSON, r#"{"bio":"a\u0000b"}"#),
            "bio",
        ),
        invalid(
            "PUT",
            "/users/alice",
            true,
            (MERGE, r#"{"display_name":"\u0000"}"#),
            "display_name",
        ),
        new_user(
            r#"{"username":"carol","password":"a long password","display_name":"C","email":"c@example.org","bio":"a\u0000b"}"#,
            "bio",
        ),
        new_user(
            r#"{"username":"carol","password":"a long password","display_name":"C\u0000","email":"c@example.org"}"#,
            "display_name",
        ),
        new_user(
            r#"{"username":"carol","password":"a long password","display_name":"C","email":"c\u0000@example.org"}"#,
            "email",
        ),
        new_user(
            r#"{"username":"car\u0000ol","password":"a long password","display_name":"C","email":"c@example.org"}"#,
            "username",
        ),
        new_user(
            r#"{"username":"carol","password":"a long\u0000password","display_name":"C","email":"c@example.org"}"#,
            // The login's own check, which names no single field.
            "",
        ),
        case(
            "PUT",
            "/profile/password",
            false,
            Some((JSON, r#"{"password":"a long\u0000password"}"#)),
            422,
            "weak_password",
            None,
        ),
    ];
    run(&server, &cases);
}

/// `/users/{username}` with a name no user can have: 404, whatever the method, without the
/// database being asked (on PostgreSQL a NUL could not even be compared).
fn a_name_no_user_can_have_is_not_found(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let bio = Some((JSON, r#"{"bio":"changed"}"#));
    let mut cases = Vec::new();
    for path in [
        "/users/%00",
        "/users/alice%00",
        "/users/a%00b",
        "/users/Alice",
        "/users/al%20ice",
        "/users/%FF",
        "/users/nobody",
    ] {
        cases.push(case("GET", path, true, None, 404, "not_found", None));
        cases.push(case("PATCH", path, true, bio, 404, "not_found", None));
        cases.push(case("PUT", path, true, bio, 404, "not_found", None));
    }
    run(&server, &cases);
}

/// Integers past every integer type a backend has, where the API takes one: a version in
/// `If-Match` (compared as text, never parsed into a column's type: 412 with the current
/// version), and numbers as the values of keys (refused by the key, or by the type).
fn integers_past_bigint_are_refused_alike(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let bio = Some((JSON, r#"{"bio":"changed"}"#));
    let stale = |tag: &'static [(&'static str, &'static str)]| Case {
        headers: tag,
        ..case(
            "PATCH",
            "/profile",
            false,
            bio,
            412,
            "precondition_failed",
            None,
        )
    };
    let mut cases = vec![
        stale(&[("If-Match", "\"v9223372036854775807\"")]),
        stale(&[("If-Match", "\"v9223372036854775808\"")]),
        stale(&[("If-Match", "\"v18446744073709551615\"")]),
        stale(&[("If-Match", "\"v18446744073709551616\"")]),
        stale(&[("If-Match", "\"v-9223372036854775809\"")]),
        stale(&[("If-Match", "\"v0\"")]),
        stale(&[("If-Match", "\"v01\"")]),
        stale(&[("If-Match", "\"v1e400\"")]),
        stale(&[("If-Match", "\"v99999999999999999999999999999999999999999\"")]),
    ];
    let forbidden = |json, field| Case {
        code: "forbidden_fields",
        names: Some(("forbidden", field)),
        ..invalid("PATCH", "/profile", false, (JSON, json), field)
    };
    cases.extend([
        forbidden(r#"{"bio":"x","version":18446744073709551616}"#, "version"),
        forbidden(r#"{"bio":"x","version":9223372036854775808}"#, "version"),
        forbidden(r#"{"bio":"x","version":-9223372036854775809}"#, "version"),
        forbidden(r#"{"bio":"x","id":99999999999999999999999999999}"#, "id"),
    ]);
    let ill_typed = |json, field| invalid("PATCH", "/users/alice", true, (JSON, json), field);
    cases.extend([
        ill_typed(r#"{"display_name":18446744073709551616}"#, "display_name"),
        ill_typed(r#"{"is_admin":9223372036854775808}"#, "is_admin"),
        ill_typed(r#"{"bio":-9223372036854775809}"#, "bio"),
    ]);
    run(&server, &cases);
    // The ETag of the 412s was the current version, and alice is still at it.
    let (name, password) = server.login("alice");
    let alice = server.get("/profile", (name.as_str(), password.as_str()));
    assert_eq!(alice.etag.as_deref(), Some("\"v1\""));
}

both_servers!(
    nul_is_refused_in_every_text_field,
    a_name_no_user_can_have_is_not_found,
    integers_past_bigint_are_refused_alike,
);
