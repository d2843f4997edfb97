//! End to end: the real binary on a socket with a real database file, a real HTTP client.

mod common;

use common::{cli, temp_db, Server};

#[test]
fn logins_challenges_and_throttling() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db);
    let (alice, password) = server.login("alice");
    let alice = (alice.as_str(), password.as_str());

    let health = server.send("GET", "/healthz", None, &[], None);
    assert_eq!(health.status, 200, "{health:?}");

    let profile = server.get("/profile", alice);
    assert_eq!(profile.status, 200, "{profile:?}");
    assert_eq!(profile.json["username"], "alice");
    assert_eq!(profile.json["is_admin"], false);
    assert_eq!(profile.etag.as_deref(), Some("\"v1\""));
    assert!(!profile.text.contains("password") && !profile.text.contains("argon2"));

    for (who, why) in [
        (("alice", "wrong password"), "wrong password"),
        (("mallory", "whatever1"), "unknown user"),
    ] {
        let refused = server.get("/profile", who);
        assert_eq!(refused.status, 401, "{why}: {refused:?}");
        assert!(
            refused.challenge.unwrap().starts_with("Basic realm="),
            "{why}"
        );
    }
    let anonymous = server.send("GET", "/profile", None, &[], None);
    assert_eq!(anonymous.status, 401);

    // Four more failures make five for alice: then even her right password waits.
    for _ in 0..4 {
        assert_eq!(server.get("/profile", ("alice", "guess")).status, 401);
    }
    let throttled = server.get("/profile", alice);
    assert_eq!(throttled.status, 429, "{throttled:?}");
    let wait: u64 = throttled.retry_after.unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    // The admin, from the same address, is not locked out by alice's name.
    let (admin, admin_password) = server.login("admin");
    assert_eq!(
        server.get("/profile", (&admin, &admin_password)).status,
        200
    );
}

#[test]
fn self_update_forbidden_and_gated_fields() {
    let (_dir, db) = temp_db();
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

    // Server-only fields, unknown fields, bad values, gated fields: refused, nothing changed.
    for (body, status, code) in [
        (
            r#"{"bio":"x","password_hash":"$argon2id$..."}"#,
            422,
            "forbidden_fields",
        ),
        (
            r#"{"bio":"x","version":99,"id":2}"#,
            422,
            "forbidden_fields",
        ),
        (r#"{"bio":"x","role":"admin"}"#, 422, "unknown_fields"),
        (r#"{"bio":"x","display_name":""}"#, 422, "invalid_fields"),
        (
            r#"{"bio":"x","email":"not an address"}"#,
            422,
            "invalid_fields",
        ),
        (r#"{"bio":"x","display_name":null}"#, 422, "invalid_fields"),
        (r#"{"bio":"x","is_admin":true}"#, 403, "role_required"),
        (r#"{"bio":"x""#, 400, ""),
        (r#"["bio"]"#, 422, "invalid_fields"),
    ] {
        let refused = server.patch("/profile", alice, body);
        assert_eq!(refused.status, status, "{body}: {refused:?}");
        if !code.is_empty() {
            assert_eq!(refused.json["error"], code, "{body}: {refused:?}");
        }
    }
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

#[test]
fn admin_routes_and_the_gated_field() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());

    assert_eq!(server.get("/users/admin", alice).status, 403);
    let denied = server.patch("/users/admin", alice, r#"{"is_admin":false}"#);
    assert_eq!(denied.status, 403, "{denied:?}");
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

#[test]
fn if_match_and_concurrent_updates() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    let body = |json: &'static str| Some(("application/json", json.as_bytes()));

    let fresh = server.send(
        "PATCH",
        "/profile",
        Some(alice),
        &[("If-Match", "\"v1\"")],
        body(r#"{"bio":"a"}"#),
    );
    assert_eq!((fresh.status, fresh.etag.as_deref()), (200, Some("\"v2\"")));
    for stale in ["\"v1\"", "W/\"v2\"", "\"v3\", \"v9\""] {
        let refused = server.send(
            "PATCH",
            "/profile",
            Some(alice),
            &[("If-Match", stale)],
            body(r#"{"bio":"b"}"#),
        );
        assert_eq!(refused.status, 412, "{stale}: {refused:?}");
        assert_eq!(refused.etag.as_deref(), Some("\"v2\""));
    }
    let any = server.send(
        "PATCH",
        "/profile",
        Some(alice),
        &[("If-Match", "*")],
        body(r#"{"bio":"c"}"#),
    );
    assert_eq!(any.status, 200);
    assert_eq!(server.get("/profile", alice).json["bio"], "c");

    // 4 clients x 10 updates, each to a new value: every one is counted, none is lost.
    std::thread::scope(|scope| {
        for client in 0..4 {
            let server = &server;
            scope.spawn(move || {
                for update in 0..10 {
                    let json = format!(r#"{{"display_name":"client {client} update {update}"}}"#);
                    assert_eq!(server.patch("/profile", alice, &json).status, 200);
                }
            });
        }
    });
    assert_eq!(server.get("/profile", alice).json["version"], 3 + 40);

    // 4 clients holding the same ETag: exactly one wins, the others get 412.
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|client| {
                let server = &server;
                scope.spawn(move || {
                    let json = format!(r#"{{"bio":"written by {client}"}}"#);
                    let headers = [("If-Match", "\"v43\"")];
                    let body = Some(("application/json", json.as_bytes()));
                    server
                        .send("PATCH", "/profile", Some(alice), &headers, body)
                        .status
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    assert_eq!(
        statuses.iter().filter(|&&status| status == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&status| status == 412).count(),
        3,
        "{statuses:?}"
    );
}

#[test]
fn data_survives_kill_and_restart_and_the_cli_adds_users() {
    let (_dir, db) = temp_db();
    let server = Server::start(&db);
    assert_eq!(server.seeded.len(), 2);
    let (name, password) = server.login("alice");
    let alice = (name.as_str(), password.as_str());
    assert_eq!(
        server
            .patch("/profile", alice, r#"{"bio":"durable"}"#)
            .status,
        200
    );
    drop(server); // SIGKILL

    let server = Server::start(&db);
    assert!(
        server.seeded.is_empty(),
        "users are seeded only into an empty database"
    );
    let profile = server.get("/profile", alice);
    assert_eq!(
        (profile.json["bio"].as_str(), &profile.json["version"]),
        (Some("durable"), &2.into())
    );

    // The CLI writes to the same file while the server runs.
    let (ok, stderr) = cli(
        &db,
        &["add-user", "--username", "bob"],
        "correct horse battery\n",
    );
    assert!(ok, "{stderr}");
    let bob = server.get("/profile", ("bob", "correct horse battery"));
    assert_eq!(
        (bob.status, &bob.json["is_admin"]),
        (200, &false.into()),
        "{bob:?}"
    );
    let (ok, stderr) = cli(
        &db,
        &["add-user", "--username", "carol", "--admin"],
        "another good one\r\n",
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        server
            .get("/users/bob", ("carol", "another good one"))
            .status,
        200
    );

    for (args, stdin, why) in [
        (
            &["add-user", "--username", "bob"][..],
            "a long password\n",
            "taken",
        ),
        (
            &["add-user", "--username", "Bad:Name"][..],
            "a long password\n",
            "user names",
        ),
        (
            &["add-user", "--username", "dave"][..],
            "short\n",
            "at least 8",
        ),
        (
            &["set-password", "--username", "nobody"][..],
            "a long password\n",
            "no user",
        ),
    ] {
        let (ok, stderr) = cli(&db, args, stdin);
        assert!(!ok && stderr.contains(why), "{args:?}: {stderr}");
    }
    let (ok, stderr) = cli(
        &db,
        &["set-password", "--username", "bob"],
        "a new password\n",
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        server.get("/profile", ("bob", "a new password")).status,
        200
    );
}
