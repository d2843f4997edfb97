//! `POST /users` over a socket: admins create users from the create input plus a login, with
//! every refusal of a patch, and the new user can log in.

use crate::common::{Server, Setup};
use serde_json::json;

fn post(server: &Server, auth: (&str, &str), json: &str) -> crate::common::Response {
    let body = Some(("application/json", json.as_bytes()));
    server.send("POST", "/users", Some(auth), &[], body)
}

fn an_admin_creates_a_user_who_can_log_in(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());

    let created = post(
        &server,
        admin,
        r#"{"username":"carol","password":"carol's first password","display_name":"Carol","email":"carol@example.org"}"#,
    );
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.header("location"), Some("/users/carol"));
    assert_eq!(created.etag.as_deref(), Some(r#""v1""#));
    assert_eq!(created.json["username"], "carol");
    assert_eq!(created.json["display_name"], "Carol");
    assert_eq!(created.json["is_admin"], false);
    assert_eq!(created.json["bio"], serde_json::Value::Null);
    assert_eq!(created.json["version"], 1);
    assert!(created.json["id"].as_i64().unwrap() > 0);
    assert!(created.json.get("password_hash").is_none(), "{created:?}");
    assert!(!created.text.contains("first password"));
    let audit = r#"user created actor="admin" user="carol" is_admin=false"#;
    assert!(server.log_contains(audit), "{}", server.logs());

    // The password was hashed and stored: carol logs in with it, and the Location is hers.
    let carol = ("carol", "carol's first password");
    let own = server.get("/profile", carol);
    assert_eq!(
        (own.status, &own.json["email"]),
        (200, &"carol@example.org".into())
    );
    assert_eq!(own.etag.as_deref(), Some(r#""v1""#));
    assert_eq!(server.get("/users/carol", admin).json, created.json);

    // An admin may make an admin.
    let made = post(
        &server,
        admin,
        r#"{"username":"dave","password":"dave's first password","display_name":"Dave","email":"dave@example.org","is_admin":true,"bio":"ops"}"#,
    );
    assert_eq!(made.status, 201, "{made:?}");
    assert_eq!(
        (&made.json["is_admin"], &made.json["bio"]),
        (&true.into(), &"ops".into())
    );
    assert_eq!(
        server
            .get("/users/admin", ("dave", "dave's first password"))
            .status,
        200
    );

    // The name is taken: 409, and carol is unchanged.
    let again = post(
        &server,
        admin,
        r#"{"username":"carol","password":"another password","display_name":"Mallory","email":"m@example.org"}"#,
    );
    assert_eq!(
        again.problem(),
        (409, "username_taken", json!({})),
        "{again:?}"
    );
    assert_eq!(server.get("/profile", carol).json["display_name"], "Carol");
    assert_eq!(
        server.get("/profile", ("carol", "another password")).status,
        401
    );
}

fn every_refusal_of_a_patch_and_every_missing_field(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());

    // Not an admin: 403 before the body is read (no `denied` list naming `is_admin`).
    let denied = post(
        &server,
        alice,
        r#"{"username":"eve","password":"eve's password!","display_name":"E","email":"e@example.org","is_admin":true}"#,
    );
    assert_eq!(
        denied.problem(),
        (403, "role_required", json!({"roles": ["admin"]})),
        "{denied:?}"
    );

    // Server-only fields of the model are forbidden, by every spelling; nothing is created.
    let forbidden = post(
        &server,
        admin,
        r#"{"username":"eve","password":"eve's password!","display_name":"E","email":"e@example.org","id":1,"version":9,"password_hash":"$argon2id$forged","created_at":"2000-01-01"}"#,
    );
    assert_eq!(
        forbidden.problem(),
        (
            422,
            "forbidden_fields",
            json!({
                "forbidden": ["id", "version", "password_hash", "created_at"],
                "unknown": [], "duplicate": [], "missing": [], "invalid": {},
            })
        ),
        "{forbidden:?}"
    );
    assert_eq!(server.get("/users/eve", admin).status, 404);

    // Every problem at once: unknown, repeated, missing (of the user and of the login), invalid.
    let all = post(
        &server,
        admin,
        r#"{"role":"root","bio":"a","bio":"b","is_admin":"yes","email":"e@example.org"}"#,
    );
    assert_eq!(
        all.problem(),
        (
            422,
            "unknown_fields",
            json!({
                "forbidden": [],
                "unknown": ["role"],
                "duplicate": ["bio"],
                "missing": ["display_name", "username", "password"],
                "invalid": {"is_admin": "invalid type: string \"yes\", expected a boolean"},
            })
        ),
        "{all:?}"
    );

    // Only an object; a missing field alone is `missing_fields`.
    let array = post(&server, admin, "[]");
    assert_eq!(
        array.problem(),
        (
            422,
            "invalid_fields",
            json!({
                "forbidden": [], "unknown": [], "duplicate": [], "missing": [],
                "invalid": {"": "invalid type: sequence, expected a JSON object with the writable fields of `User` at line 1 column 0"},
            })
        ),
        "{array:?}"
    );
    let missing = post(&server, admin, r#"{"username":"eve"}"#);
    assert_eq!(
        missing.problem(),
        (
            422,
            "missing_fields",
            json!({
                "forbidden": [], "unknown": [], "duplicate": [],
                "missing": ["display_name", "email", "password"],
                "invalid": {},
            })
        ),
        "{missing:?}"
    );
    let truncated = post(&server, admin, "{");
    assert_eq!(
        truncated.problem(),
        (400, "malformed_json", json!({})),
        "{truncated:?}"
    );

    // Validators of the login and of the user, listed together; the password is never echoed.
    let invalid = post(
        &server,
        admin,
        r#"{"username":"Eve!","password":"short","display_name":"","email":"nobody"}"#,
    );
    assert_eq!(
        invalid.problem(),
        (
            422,
            "invalid_fields",
            json!({
                "denied": [],
                "invalid": {
                    "": "the password needs at least 8 characters",
                    "display_name": "must be 1 to 64 characters without control characters",
                    "email": "must be an address like name@example.org",
                    "username": "user names are 1 to 32 characters of a-z, 0-9, '_', '-', '.'",
                },
            })
        ),
        "{invalid:?}"
    );
    assert!(!invalid.text.contains("short\""), "{invalid:?}");
    let weak = post(
        &server,
        admin,
        r#"{"username":"eve","password":"short","display_name":"Eve","email":"e@example.org"}"#,
    );
    assert_eq!(
        weak.problem(),
        (
            422,
            "invalid_fields",
            json!({"denied": [], "invalid": {"": "the password needs at least 8 characters"}})
        ),
        "{weak:?}"
    );
    assert_eq!(server.get("/users/eve", admin).status, 404);

    // Other methods of /users: 405 with `Allow`.
    let put = server.send(
        "PUT",
        "/users",
        Some(admin),
        &[],
        Some(("application/json", b"{}")),
    );
    assert_eq!(
        (put.problem(), put.header("allow")),
        ((405, "method_not_allowed", json!({})), Some("POST"))
    );
}

both_servers!(
    an_admin_creates_a_user_who_can_log_in,
    every_refusal_of_a_patch_and_every_missing_field
);
