//! `/users/{username}` over a socket: admins only, and only they write `is_admin`.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

#[macro_use]
mod common;

use common::{Server, Setup};

fn admin_routes_and_the_gated_field(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());

    assert_eq!(server.get("/users/admin", alice).status, 403);
    let denied = server.patch("/users/admin", alice, r#"{"is_admin":false}"#);
    assert_eq!(denied.status, 403, "{denied:?}");
    // The role is checked before the body: a non-admin learns nothing about the document.
    let denied = server.patch("/users/admin", alice, r#"{"password_hash":"x"}"#);
    assert_eq!(
        (denied.status, &denied.json["code"]),
        (403, &"role_required".into())
    );
    assert_eq!(server.get("/users/nobody", admin).status, 404);
    assert_eq!(server.patch("/users/nobody", admin, "{}").status, 404);

    let read = server.get("/users/alice", admin);
    assert_eq!(
        (read.status, &read.json["username"]),
        (200, &"alice".into())
    );
    let promoted = server.patch(
        "/users/alice",
        admin,
        r#"{"is_admin":true,"bio":"promoted"}"#,
    );
    assert_eq!(promoted.status, 200, "{promoted:?}");
    assert_eq!(promoted.json["is_admin"], true);
    let audit = r#"user updated actor="admin" user="alice" changed=["bio", "is_admin"] version=2"#;
    assert!(server.log_contains(audit), "{}", server.logs());

    // The role comes from the database: alice is an admin now.
    let own = server.get("/profile", alice);
    assert_eq!(own.json["is_admin"], true);
    assert_eq!(server.get("/users/admin", alice).status, 200);
}

both_servers!(admin_routes_and_the_gated_field);
