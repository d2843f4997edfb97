//! The actix and the axum server give the same answers: one script of requests (every route,
//! method, header and body case where routing or extraction could differ) sent to both, each
//! answer compared (status, body, and the headers a client acts on), and every refusal checked
//! to be an RFC 9457 problem.
//!
//! Both real binaries on `127.0.0.1:0` (see `common`).

#[macro_use]
#[allow(unused_macros)]
mod common;

use common::{Backend, Binary, Response, Server, Setup, TestDb};
use serde_json::Value;

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

/// The headers a client acts on; the rest (date, length) legitimately differ.
const COMPARED_HEADERS: [&str; 7] = [
    "content-type",
    "location",
    "allow",
    "accept-patch",
    "www-authenticate",
    "etag",
    "retry-after",
];

/// What must be equal: status, the compared headers, the body (its timestamps removed: the
/// two servers did not write at the same instant).
fn normalized(response: &Response) -> (u16, Vec<(String, Option<String>)>, Value, String) {
    let headers = COMPARED_HEADERS
        .iter()
        .map(|name| (name.to_string(), response.header(name).map(str::to_owned)))
        .collect();
    let mut json = response.json.clone();
    if let Value::Object(map) = &mut json {
        map.remove("created_at");
        map.remove("updated_at");
    }
    let text = if json.is_null() {
        response.text.clone()
    } else {
        String::new()
    };
    (response.status, headers, json, text)
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
        assert_eq!(normalized(&actix), normalized(&axum), "{request}");
        if actix.status >= 400 {
            assert_eq!(
                actix.header("content-type"),
                Some("application/problem+json"),
                "{request}"
            );
            for member in ["type", "title", "status", "detail", "code"] {
                assert!(actix.json.get(member).is_some(), "{member}: {request}");
            }
            assert_eq!(actix.json["status"], actix.status, "{request}");
        }
        actix
    }
}

#[test]
fn both_servers_answer_every_request_alike_on_sqlite() {
    every_request(Backend::Sqlite);
}

#[test]
fn both_servers_answer_every_request_alike_on_postgres() {
    if common::postgres_available() {
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

    // Routing.
    assert_eq!(status("GET", "/healthz", Nobody, &[], None), 200);
    assert_eq!(status("HEAD", "/healthz", Nobody, &[], None), 200);
    assert_eq!(status("POST", "/healthz", Nobody, &[], None), 405);
    assert_eq!(status("GET", "/nowhere", Alice, &[], None), 404);
    assert_eq!(status("GET", "/profile/extra", Alice, &[], None), 404);
    assert_eq!(status("DELETE", "/profile", Alice, &[], None), 405);
    assert_eq!(status("DELETE", "/users/alice", Admin, &[], None), 405);

    // Authentication.
    assert_eq!(status("GET", "/profile", Nobody, &[], None), 401);
    assert_eq!(status("GET", "/profile", Raw("Basic !!!"), &[], None), 401);
    assert_eq!(status("GET", "/profile", Raw("Bearer x"), &[], None), 401);
    let two = [("Authorization", "Basic YTpi")];
    assert_eq!(status("GET", "/profile", Alice, &two, None), 400);
    assert_eq!(status("GET", "/profile", WrongPassword, &[], None), 401);
    assert_eq!(status("GET", "/profile", Alice, &[], None), 200);
    assert_eq!(status("HEAD", "/profile", Alice, &[], None), 200);

    // JSON patches.
    let json = |text| Some((JSON, text));
    let v1 = [("If-Match", "\"v1\"")];
    assert_eq!(
        status("PATCH", "/profile", Alice, &v1, json(r#"{"bio":"one"}"#)),
        200
    );
    assert_eq!(
        status("PATCH", "/profile", Alice, &v1, json(r#"{"bio":"two"}"#)),
        412
    );
    let garbled = [("If-Match", "v2")];
    assert_eq!(
        status("PATCH", "/profile", Alice, &garbled, json("{}")),
        400
    );
    let merge = Some(("application/merge-patch+json", r#"{"bio":null}"#));
    assert_eq!(status("PUT", "/profile", Alice, &[], merge), 200);
    for (content_type, text) in [
        ("text/plain", "{}"),
        (FORM, "bio=x"),
        ("application/json; charset=latin1", "{}"),
    ] {
        let body = Some((content_type, text));
        assert_eq!(status("PATCH", "/profile", Alice, &[], body), 415);
    }
    assert_eq!(status("PATCH", "/profile", Alice, &[], None), 415);
    let huge = format!(r#"{{"bio":"{}"}}"#, "x".repeat(17 * 1024));
    assert_eq!(status("PATCH", "/profile", Alice, &[], json(&huge)), 413);
    for malformed in [r#"{"bio":"#, "", "{} {}"] {
        assert_eq!(
            status("PATCH", "/profile", Alice, &[], json(malformed)),
            400,
            "{malformed}"
        );
    }
    for refused in [
        "[]",
        r#"["x"]"#,
        "null",
        r#"{"password_hash":"x","id":7,"role":"admin","bio":"x"}"#,
        r#"{"bio":"a","bio":"b"}"#,
        r#"{"email":5,"display_name":""}"#,
    ] {
        assert_eq!(
            status("PATCH", "/profile", Alice, &[], json(refused)),
            422,
            "{refused}"
        );
    }
    assert_eq!(
        status(
            "PATCH",
            "/profile",
            Alice,
            &[],
            json(r#"{"is_admin":true}"#)
        ),
        403
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
    assert_eq!(
        status("POST", "/profile", Alice, &[], form("is_admin=true")),
        403
    );
    for refused in [
        "id=3&bio=x",
        "bio=a&bio=b",
        "nickname=x",
        "email=",
        "bio=%FF",
    ] {
        assert_eq!(
            status("POST", "/profile", Alice, &[], form(refused)),
            422,
            "{refused}"
        );
    }
    for cross_site in [
        [("Origin", "http://attacker.example")],
        [("Origin", "null")],
        [("Sec-Fetch-Site", "cross-site")],
        [("Sec-Fetch-Site", "same-site")],
    ] {
        let answer = send("POST", "/profile", Alice, &cross_site, form("bio=pwned"));
        assert_eq!(
            (answer.status, answer.code()),
            (403, "cross_site_request"),
            "{cross_site:?}"
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

    // Admin routes.
    assert_eq!(status("GET", "/users/admin", Alice, &[], None), 403);
    assert_eq!(
        status("PATCH", "/users/admin", Alice, &[], json(r#"{"bio":"x"}"#)),
        403
    );
    assert_eq!(status("GET", "/users/alice", Admin, &[], None), 200);
    assert_eq!(status("GET", "/users/nobody", Admin, &[], None), 404);
    assert_eq!(status("GET", "/users/%FF", Admin, &[], None), 404);
    assert_eq!(
        status("PUT", "/users/nobody", Admin, &[], json(r#"{"bio":"x"}"#)),
        404
    );
    assert_eq!(
        status(
            "PATCH",
            "/users/alice",
            Admin,
            &[],
            json(r#"{"is_admin":true}"#)
        ),
        200
    );

    // Creating a user: the same 201, and the same refusals of the create input and login.
    let carol = r#"{"username":"carol","password":"carol's password","display_name":"Carol","email":"carol@example.org"}"#;
    // (Alice is an admin by now; a non-admin's 403 is in tests/create.rs.)
    assert_eq!(status("POST", "/users", Nobody, &[], json(carol)), 401);
    let created = send("POST", "/users", Admin, &[], json(carol));
    assert_eq!(
        (created.status, created.header("location")),
        (201, Some("/users/carol"))
    );
    assert_eq!(
        send("POST", "/users", Admin, &[], json(carol)).code(),
        "username_taken"
    );
    for (body, code) in [
        (
            r#"{"username":"dave","id":1,"role":"x"}"#,
            "forbidden_fields",
        ),
        (r#"{"username":"dave"}"#, "missing_fields"),
        ("[]", "invalid_fields"),
        (
            r#"{"username":"Dave!","password":"short","display_name":"","email":"d@example.org"}"#,
            "invalid_fields",
        ),
        (r#"{"username":"#, "malformed_json"),
    ] {
        let refused = send("POST", "/users", Admin, &[], json(body));
        assert_eq!(refused.code(), code, "{body}");
    }
    assert_eq!(status("DELETE", "/users", Admin, &[], None), 405);

    // The login limiter: five wrong passwords since alice's last good login pass, the sixth
    // is refused.
    for _ in 0..5 {
        assert_eq!(status("GET", "/profile", WrongPassword, &[], None), 401);
    }
    assert_eq!(status("GET", "/profile", WrongPassword, &[], None), 429);

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
    assert_eq!(status("GET", password, Admin, &[], None), 405);
    for (body, code) in [
        ("{}", "password_required"),
        (r#"{"password":"short"}"#, "weak_password"),
        (r#"{"password":"long enough\u0007"}"#, "weak_password"),
        (
            r#"{"password":"long enough","is_admin":true}"#,
            "unknown_fields",
        ),
        (r#"{"password":5}"#, "invalid_fields"),
        (r#"{"password":"#, "malformed_json"),
    ] {
        let refused = send("PUT", password, Admin, &[], json(body));
        assert_eq!(refused.code(), code, "{body}");
    }
    let text = Some(("text/plain", r#"{"password":"long enough"}"#));
    assert_eq!(status("PUT", password, Admin, &[], text), 415);
    let body = json(r#"{"password":"a new admin password"}"#);
    assert_eq!(status("PUT", password, Admin, &[], body), 204);
    assert_eq!(status("GET", "/profile", Admin, &[], None), 401);
}
