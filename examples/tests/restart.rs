//! Durability and the CLI: data survives SIGKILL and restart; users added while serving.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

use crate::common::{cli, Server, Setup};

fn data_survives_kill_and_restart_and_the_cli_adds_users(setup: Setup) {
    let db = setup.db();
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
        // Passwords no client could send: the account would exist and never log in.
        (
            &["add-user", "--username", "erin"][..],
            "tab\tinside password\n",
            "control character",
        ),
        (
            &["set-password", "--username", "bob"][..],
            "bell\u{7} in the password\n",
            "control character",
        ),
    ] {
        let (ok, stderr) = cli(&db, args, stdin);
        assert!(!ok && stderr.contains(why), "{args:?}: {stderr}");
    }
    let huge = format!("{}\n", "p".repeat(4000));
    let (ok, stderr) = cli(&db, &["add-user", "--username", "frank"], &huge);
    assert!(
        !ok && stderr.contains("more than 256 characters"),
        "{stderr}"
    );
    assert_eq!(
        server
            .get("/profile", ("erin", "tab\tinside password"))
            .status,
        401
    );
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

both_servers!(data_survives_kill_and_restart_and_the_cli_adds_users);
