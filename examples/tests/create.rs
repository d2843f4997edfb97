//! `POST /users` over a socket: admins create users from the create input plus a login, with
//! every refusal of a patch, and the new user can log in.

#[macro_use]
mod common;

use common::{Server, Setup};

fn post(server: &Server, auth: (&str, &str), json: &str) -> common::Response {
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
        (again.status, again.code()),
        (409, "username_taken"),
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

    // Not an admin: 403 before the body is read.
    let denied = post(
        &server,
        alice,
        r#"{"username":"eve","password":"eve's password!","display_name":"E","email":"e@example.org","is_admin":true}"#,
    );
    assert_eq!(
        (denied.status, denied.code()),
        (403, "role_required"),
        "{denied:?}"
    );

    // Server-only fields of the model are forbidden, by every spelling; nothing is created.
    let forbidden = post(
        &server,
        admin,
        r#"{"username":"eve","password":"eve's password!","display_name":"E","email":"e@example.org","id":1,"version":9,"password_hash":"$argon2id$forged","created_at":"2000-01-01"}"#,
    );
    assert_eq!(
        (forbidden.status, forbidden.code()),
        (422, "forbidden_fields"),
        "{forbidden:?}"
    );
    assert_eq!(
        forbidden.listed("forbidden"),
        ["id", "version", "password_hash", "created_at"]
    );
    assert_eq!(server.get("/users/eve", admin).status, 404);

    // Every problem at once: unknown, repeated, missing (of the user and of the login), invalid.
    let all = post(
        &server,
        admin,
        r#"{"role":"root","bio":"a","bio":"b","is_admin":"yes","email":"e@example.org"}"#,
    );
    assert_eq!((all.status, all.code()), (422, "unknown_fields"), "{all:?}");
    assert_eq!(all.listed("unknown"), ["role"]);
    assert_eq!(all.listed("duplicate"), ["bio"]);
    assert_eq!(
        all.listed("missing"),
        ["display_name", "username", "password"]
    );
    assert_eq!(all.listed("invalid"), ["is_admin"]);

    // Only an object; a missing field alone is `missing_fields`.
    assert_eq!(post(&server, admin, "[]").status, 422);
    let missing = post(&server, admin, r#"{"username":"eve"}"#);
    assert_eq!(
        (missing.status, missing.code()),
        (422, "missing_fields"),
        "{missing:?}"
    );
    assert_eq!(
        missing.listed("missing"),
        ["display_name", "email", "password"]
    );
    assert_eq!(post(&server, admin, "{").status, 400);

    // Validators of the login and of the user, listed together; the password is never echoed.
    let invalid = post(
        &server,
        admin,
        r#"{"username":"Eve!","password":"short","display_name":"","email":"nobody"}"#,
    );
    assert_eq!(
        (invalid.status, invalid.code()),
        (422, "invalid_fields"),
        "{invalid:?}"
    );
    assert_eq!(
        invalid.listed("invalid"),
        ["", "display_name", "email", "username"]
    );
    assert!(!invalid.text.contains("short\""), "{invalid:?}");
    let weak = post(
        &server,
        admin,
        r#"{"username":"eve","password":"short","display_name":"Eve","email":"e@example.org"}"#,
    );
    assert_eq!(weak.listed("invalid"), [""], "{weak:?}");
    assert!(weak.json["invalid"][""]
        .as_str()
        .unwrap()
        .contains("at least 8"));
    assert_eq!(server.get("/users/eve", admin).status, 404);

    // Other methods of /users: 405 with `Allow`.
    let put = server.send(
        "PUT",
        "/users",
        Some(admin),
        &[],
        Some(("application/json", b"{}")),
    );
    assert_eq!((put.status, put.header("allow")), (405, Some("POST")));
}

both_servers!(
    an_admin_creates_a_user_who_can_log_in,
    every_refusal_of_a_patch_and_every_missing_field
);
