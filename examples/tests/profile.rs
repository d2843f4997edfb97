//! `/profile` over a socket: self-update, and every refused patch leaving the user unchanged.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

use crate::common::{Server, Setup};

/// A body, and its refusal: status, code, the member that lists the keys, the keys.
type Refusal<'a> = (&'a [u8], u16, &'a str, &'a str, &'a [&'a str]);

fn self_update_forbidden_and_gated_fields(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());

    let updated = server.patch(
        "/profile",
        alice,
        r#"{"display_name":"Alice A.","bio":"hi"}"#,
    );
    assert_eq!(updated.status, 200, "{updated:?}");
    assert_eq!(updated.json["display_name"], "Alice A.");
    assert_eq!(updated.json["version"], 2);
    assert_eq!(updated.etag.as_deref(), Some("\"v2\""));
    let audit = r#"user updated actor="alice" user="alice" changed=["display_name", "bio"]"#;
    assert!(server.log_contains(audit), "{}", server.logs());

    // Server-only fields, unknown fields, bad values, gated fields: refused with every
    // offending key listed, nothing changed. (status, code, the member that lists them, what)
    let cases: [Refusal; 18] = [
        (
            br#"{"bio":"x","password_hash":"$argon2id$..."}"#,
            422,
            "forbidden_fields",
            "forbidden",
            &["password_hash"],
        ),
        (
            br#"{"bio":"x","version":99,"id":2}"#,
            422,
            "forbidden_fields",
            "forbidden",
            &["version", "id"],
        ),
        (
            br#"{"bio":"x","role":"admin"}"#,
            422,
            "unknown_fields",
            "unknown",
            &["role"],
        ),
        (
            br#"{"bio":"x","display_name":""}"#,
            422,
            "invalid_fields",
            "invalid",
            &["display_name"],
        ),
        (
            br#"{"bio":"x","email":"not an address"}"#,
            422,
            "invalid_fields",
            "invalid",
            &["email"],
        ),
        (
            br#"{"bio":"x","display_name":null}"#,
            422,
            "invalid_fields",
            "invalid",
            &["display_name"],
        ),
        (
            br#"{"bio":"x","is_admin":true}"#,
            403,
            "role_required",
            "denied",
            &["is_admin"],
        ),
        (br#"{"bio":"x""#, 400, "malformed_json", "invalid", &[]),
        (br#"["bio"]"#, 422, "invalid_fields", "invalid", &[""]),
        // Odd documents: never a 500, never a write, always the precise refusal.
        (
            br#"{"bio":"x","bio":"y"}"#,
            422,
            "duplicate_fields",
            "duplicate",
            &["bio"],
        ),
        (
            b"{\"bio\":\"\xff\xfe\"}",
            400,
            "malformed_json",
            "invalid",
            &[],
        ),
        (
            br#"{"display_name":1e999}"#,
            400,
            "malformed_json",
            "invalid",
            &[],
        ),
        (
            br#"{"is_admin":"true"}"#,
            422,
            "invalid_fields",
            "invalid",
            &["is_admin"],
        ),
        (
            br#"{"bio":{"nested":true}}"#,
            422,
            "invalid_fields",
            "invalid",
            &["bio"],
        ),
        (b"", 400, "malformed_json", "invalid", &[]),
        (b"null", 422, "invalid_fields", "invalid", &[""]),
        // A type error first hides nothing after it.
        (
            br#"{"display_name":5,"is_admin":true,"id":1}"#,
            422,
            "forbidden_fields",
            "forbidden",
            &["id"],
        ),
        (
            br#"{"display_name":5,"is_admin":true,"id":1}"#,
            422,
            "forbidden_fields",
            "invalid",
            &["display_name"],
        ),
    ];
    for (body, status, code, member, listed) in cases {
        let refused = server.send(
            "PATCH",
            "/profile",
            Some(alice),
            &[],
            Some(("application/json", body)),
        );
        let shown = String::from_utf8_lossy(body);
        assert_eq!(refused.status, status, "{shown}: {refused:?}");
        assert_eq!(refused.code(), code, "{shown}: {refused:?}");
        assert_eq!(refused.listed(member), listed, "{shown}: {refused:?}");
    }
    // Deep nesting within the size limit: an array for the document is refused at its first
    // byte; an unknown key's deep value is skipped without recursion (no stack to exhaust) and
    // the key refused.
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let refused = server.patch("/profile", alice, &deep);
    assert_eq!((refused.status, refused.code()), (422, "invalid_fields"));
    assert_eq!(refused.listed("invalid"), [""]);
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(5_000), "]".repeat(5_000));
    let refused = server.patch("/profile", alice, &deep);
    assert_eq!(
        (refused.status, refused.code()),
        (422, "unknown_fields"),
        "{refused:?}"
    );
    assert_eq!(refused.listed("unknown"), ["x"]);
    let stored = server.get("/profile", alice);
    assert_eq!(stored.json["bio"], "hi");
    assert_eq!(stored.json["is_admin"], false);
    assert_eq!(stored.json["version"], 2);
    for event in [
        r#"patch refused: server-only fields user="alice" fields=["password_hash"]"#,
        r#"patch refused: role-gated fields user="alice" fields=["is_admin"]"#,
    ] {
        assert!(server.log_contains(event), "{event}: {}", server.logs());
    }

    // PUT and merge-patch+json are accepted alike; `null` clears the bio; a no-op keeps the version.
    let body = Some(("application/merge-patch+json", &br#"{"bio":null}"#[..]));
    let cleared = server.send("PUT", "/profile", Some(alice), &[], body);
    assert_eq!(cleared.status, 200, "{cleared:?}");
    assert_eq!(
        (cleared.json["bio"].is_null(), &cleared.json["version"]),
        (true, &3.into())
    );
    let same = server.patch(
        "/profile",
        alice,
        r#"{"bio":null,"display_name":"Alice A."}"#,
    );
    assert_eq!((same.status, &same.json["version"]), (200, &3.into()));

    let text = Some(("text/plain", &br#"{"bio":"x"}"#[..]));
    assert_eq!(
        server
            .send("PATCH", "/profile", Some(alice), &[], text)
            .status,
        415
    );
    let huge = format!(r#"{{"bio":"{}"}}"#, "x".repeat(32 * 1024));
    let too_large = server.patch("/profile", alice, &huge);
    assert_eq!(too_large.status, 413, "{}", too_large.text);
    assert_eq!(server.get("/profile", alice).json["version"], 3);
}

both_servers!(self_update_forbidden_and_gated_fields);
