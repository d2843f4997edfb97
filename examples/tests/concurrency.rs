//! `If-Match` and concurrent updates over a socket: no lost write, one winner per ETag.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

use crate::common::{Server, Setup};

fn if_match_and_concurrent_updates(setup: Setup) {
    let db = setup.db();
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
    // An entity tag must be quoted: an unquoted one is a malformed header (400), not a
    // stale version (412), which would send the client to re-read for nothing.
    let garbled = [("If-Match", "v2")];
    let refused = server.send(
        "PATCH",
        "/profile",
        Some(alice),
        &garbled,
        body(r#"{"bio":"b"}"#),
    );
    assert_eq!(refused.status, 400, "{refused:?}");
    assert_eq!(refused.json["code"], "malformed_if_match");
    assert_eq!(server.get("/profile", alice).json["bio"], "a");
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

both_servers!(if_match_and_concurrent_updates);
