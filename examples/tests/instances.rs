//! Two instances on one database, as behind a load balancer: an actix and an axum server
//! (they share every rule) over the same SQLite file or PostgreSQL database. What one writes
//! the other reads, `If-Match` holds across them, a password changed through one is refused by
//! the other on the very next request (each caches verifications, never past a change), and
//! a burst of guesses spread over both gets the limit once, not once per instance. With
//! `--limiter redis://...` two instances that share nothing else (two SQLite files) share the
//! limit through Redis; with `--limiter memory` each allows it again, which is why the
//! counters are shared.

use std::process::Stdio;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::common::{Backend, Binary, Server, Setup};

/// `n` wrong passwords for `user` at once, alternating between `a` and `b`: how many were
/// checked (401) and how many refused by the limiter (429); any other answer fails.
fn burst(a: &Arc<Server>, b: &Arc<Server>, user: &str, n: usize) -> (usize, usize) {
    let start = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let server = Arc::clone(if i % 2 == 0 { a } else { b });
            let (start, user) = (Arc::clone(&start), user.to_owned());
            std::thread::spawn(move || {
                start.wait();
                server
                    .get("/profile", (&user, &format!("guess {i}")))
                    .status
            })
        })
        .collect();
    let mut statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    statuses.sort_unstable();
    let checked = statuses.iter().filter(|&&status| status == 401).count();
    let refused = statuses.iter().filter(|&&status| status == 429).count();
    assert_eq!(checked + refused, n, "{statuses:?}");
    (checked, refused)
}

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
    assert_eq!(burst(&a, &b, "admin", 16), (5, 11));
}

#[test]
fn two_instances_on_one_sqlite_file_agree() {
    two_instances_agree(Backend::Sqlite);
}

#[test]
fn two_instances_on_one_postgres_database_agree() {
    if crate::common::postgres_available() {
        two_instances_agree(Backend::Postgres);
    }
}

/// Two instances on two SQLite files, which share nothing but the Redis their counters are
/// in: a burst spread over both gets the limit once.
#[test]
fn two_instances_on_two_files_share_the_limit_through_redis() {
    let Some(redis) = crate::common::redis::redis_url() else {
        return;
    };
    let prefix = crate::common::redis::fresh_prefix();
    let limiter = ["--limiter", &redis, "--limiter-prefix", &prefix];
    let (db_a, db_b) = (
        Setup::new(Binary::Actix).db(),
        Setup::new(Binary::Axum).db(),
    );
    let a = Arc::new(Server::start_with(&db_a, &limiter));
    let b = Arc::new(Server::start_with(&db_b, &limiter));
    let (_, alice_on_a) = a.login("alice");
    assert_ne!(
        alice_on_a,
        b.login("alice").1,
        "two databases, seeded apart"
    );
    assert!(a.log_contains(&format!("keys {prefix}")), "{}", a.logs());
    assert_eq!(burst(&a, &b, "admin", 16), (5, 11));
    // A good password forgets alice's failures from this client on both.
    assert_eq!(burst(&a, &b, "alice", 4), (4, 0));
    assert_eq!(a.get("/profile", ("alice", &alice_on_a)).status, 200);
    assert_eq!(burst(&a, &b, "alice", 8), (5, 3));
}

/// The control: two instances on one file whose counters are each in its own memory check
/// the limit twice, so the shared counters above are what holds it.
#[test]
fn two_instances_with_counters_in_memory_each_allow_the_limit() {
    let db = Setup::new(Binary::Actix).db();
    let a = Arc::new(Server::start_with(&db, &["--limiter", "memory"]));
    let b = Arc::new(Server::start_as(
        Binary::Axum,
        &db,
        &["--limiter", "memory"],
    ));
    assert_eq!(burst(&a, &b, "admin", 16), (10, 6));
}

/// A Redis that does not answer stops the start, with the reason, before the server
/// listens: never a server that refuses every login. The URL's password is not shown.
#[test]
fn an_unreachable_redis_stops_the_start() {
    let db = Setup::new(Binary::Actix).db();
    let mut child = db
        .command(db.bin)
        .args(["--listen", "127.0.0.1:0"])
        .args(["--limiter", "redis://:hunter2-s3cret@127.0.0.1:1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server started without its Redis");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!output.status.success());
    assert!(!stdout.contains("listening on"), "{stdout}");
    assert!(
        stderr.contains("error: the login counters' Redis: "),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2-s3cret"), "{stderr}");
}
