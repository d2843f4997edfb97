//! `/users/{username}` over a socket: any user reads another's public fields, admins read and
//! write everything (but the password hash), and only they write `is_admin`.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

use crate::common::{Server, Setup};
use serde_json::json;

fn admin_routes_and_the_gated_field(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());

    // A non-admin reads another user's public fields, and not its version (no `ETag`).
    let read = server.get("/users/admin", alice);
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(
        read.json,
        json!({"username": "admin", "display_name": "admin", "bio": null})
    );
    assert_eq!(read.header("etag"), None, "{read:?}");
    // Writing another user is refused by the role the route needs, and told which: the whole
    // problem, so that a refusal with another code or another list is caught.
    let role_required = (403, "role_required", json!({"roles": ["admin"]}));
    let denied = server.patch("/users/admin", alice, r#"{"is_admin":false}"#);
    assert_eq!(denied.problem(), role_required, "{denied:?}");
    assert_eq!(
        denied.json["detail"],
        "this action requires the role \"admin\""
    );
    // The role is checked before the body: a non-admin learns nothing about the document
    // (no `forbidden` list naming `password_hash`, no `denied` list).
    let denied = server.patch("/users/admin", alice, r#"{"password_hash":"x"}"#);
    assert_eq!(denied.problem(), role_required, "{denied:?}");
    let denied = server.send("PUT", "/users/admin", Some(alice), &[], None);
    assert_eq!(denied.problem(), role_required, "{denied:?}");

    // An unknown user: 404 `not_found` and nothing else, for a read and for an update (whose
    // empty patch would otherwise be a no-op 200).
    let not_found = (404, "not_found", json!({}));
    let nobody = server.get("/users/nobody", admin);
    assert_eq!(nobody.problem(), not_found, "{nobody:?}");
    assert_eq!(nobody.json["detail"], "no such user");
    let nobody = server.patch("/users/nobody", admin, "{}");
    assert_eq!(nobody.problem(), not_found, "{nobody:?}");
    assert_eq!(nobody.json["detail"], "no such user");

    // A non-admin writing the gated field of its own profile: 403 with the field and the
    // roles that may write it, and a value a validator refuses in the same patch listed too.
    let gated = server.patch(
        "/profile",
        alice,
        r#"{"is_admin":true,"display_name":"","bio":"x"}"#,
    );
    assert_eq!(
        gated.problem(),
        (
            403,
            "role_required",
            json!({
                "denied": [{"field": "is_admin", "roles": ["admin"]}],
                "invalid": {"display_name": "must be 1 to 64 characters without control characters"},
            })
        ),
        "{gated:?}"
    );
    assert_eq!(server.get("/profile", alice).json["version"], 1);

    // An admin reads every field but the hash, with the version in `ETag`.
    let read = server.get("/users/alice", admin);
    assert_eq!(
        (read.status, &read.json["username"], &read.json["email"]),
        (200, &"alice".into(), &"alice@example.org".into())
    );
    assert_eq!(read.header("etag"), Some("\"v1\""), "{read:?}");
    let promoted = server.patch(
        "/users/alice",
        admin,
        r#"{"is_admin":true,"bio":"promoted"}"#,
    );
    assert_eq!(promoted.status, 200, "{promoted:?}");
    assert_eq!(promoted.json["is_admin"], true);
    let audit = r#"user updated actor="admin" user="alice" changed=["bio", "is_admin"] version=2"#;
    assert!(server.log_contains(audit), "{}", server.logs());

    // The role comes from the database: alice is an admin now, and reads all of another
    // user (but the hash), its version in `ETag`.
    let own = server.get("/profile", alice);
    assert_eq!(own.json["is_admin"], true);
    let read = server.get("/users/admin", alice);
    assert_eq!(
        (&read.json["email"], &read.json["is_admin"]),
        (&"admin@example.org".into(), &true.into()),
        "{read:?}"
    );
    assert_eq!(read.header("etag"), Some("\"v1\""), "{read:?}");
}

both_servers!(admin_routes_and_the_gated_field);
