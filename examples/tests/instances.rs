//! Two instances on one database, as behind a load balancer: an actix and an axum server
//! (they share every rule) over the same SQLite file or PostgreSQL database. What one writes
//! the other reads, `If-Match` holds across them, a password changed through one is refused by
//! the other on the very next request (each caches verifications, never past a change), and
//! a burst of guesses spread over both gets the limit once, not once per instance.

#[macro_use]
#[allow(unused_macros)]
mod common;

use std::sync::{Arc, Barrier};

use common::{Backend, Binary, Server, Setup};

fn two_instances_agree(backend: Backend) {
    let db = Setup {
        bin: Binary::Actix,
        backend,
    }
    .db();
    let a = Arc::new(Server::start(&db));
    let b = Arc::new(Server::start_as(Binary::Axum, &db, &[]));
    assert!(b.seeded.is_empty(), "the second instance found the users");
    let (name, old) = a.login("alice");
    let alice = (name.as_str(), old.as_str());

    // Both verify alice (and cache it).
    for server in [&a, &b] {
        assert_eq!(server.get("/profile", alice).status, 200);
    }

    // A write through one is read through the other; its ETag is honoured there.
    let json = |text: &'static str| Some(("application/json", text.as_bytes()));
    let v1 = [("If-Match", "\"v1\"")];
    let written = a.send(
        "PATCH",
        "/profile",
        Some(alice),
        &v1,
        json(r#"{"bio":"via A"}"#),
    );
    assert_eq!(
        (written.status, written.etag.as_deref()),
        (200, Some("\"v2\""))
    );
    let read = b.get("/profile", alice);
    assert_eq!(
        (&read.json["bio"], read.etag.as_deref()),
        (&"via A".into(), Some("\"v2\""))
    );
    let stale = b.send(
        "PATCH",
        "/profile",
        Some(alice),
        &v1,
        json(r#"{"bio":"via B"}"#),
    );
    assert_eq!((stale.status, stale.etag.as_deref()), (412, Some("\"v2\"")));

    // A new password through A: the old one is refused by both on the next request.
    let new = "a brand new password";
    let body = format!(r#"{{"password":"{new}"}}"#);
    let changed = a.send(
        "PUT",
        "/profile/password",
        Some(alice),
        &[],
        Some(("application/json", body.as_bytes())),
    );
    assert_eq!(changed.status, 204, "{changed:?}");
    for server in [&b, &a] {
        let old_password = server.get("/profile", alice);
        assert_eq!(
            (old_password.status, old_password.code()),
            (401, "invalid_credentials")
        );
        assert_eq!(server.get("/profile", ("alice", new)).status, 200);
    }

    // 16 wrong passwords for admin at once, spread over both: five checked in all.
    let start = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|n| {
            let server = Arc::clone(if n % 2 == 0 { &a } else { &b });
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                server
                    .get("/profile", ("admin", &format!("guess {n}")))
                    .status
            })
        })
        .collect();
    let mut statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    statuses.sort_unstable();
    let checked = statuses.iter().filter(|&&status| status == 401).count();
    let refused = statuses.iter().filter(|&&status| status == 429).count();
    assert_eq!((checked, refused), (5, 11), "{statuses:?}");
}

#[test]
fn two_instances_on_one_sqlite_file_agree() {
    two_instances_agree(Backend::Sqlite);
}

#[test]
fn two_instances_on_one_postgres_database_agree() {
    if common::postgres_available() {
        two_instances_agree(Backend::Postgres);
    }
}
