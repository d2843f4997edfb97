//! Logins over a socket: good, wrong and unknown credentials, the challenge, throttling.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

mod common;

use common::{temp_db, Server};

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

    // Twenty failures from one address (six so far) lock the address out, whatever the name.
    for n in 0..14 {
        let refused = server.get("/profile", (&format!("guess{n}"), "guess"));
        assert_eq!(refused.status, 401, "{refused:?}");
    }
    let locked = server.get("/profile", (&admin, &admin_password));
    assert_eq!(locked.status, 429, "{locked:?}");
    assert_eq!(locked.json["error"], "too_many_attempts");
    assert!(server.log_contains(r#"login throttled user="admin""#));
    // Health checks carry no credentials and are never throttled.
    assert_eq!(server.send("GET", "/healthz", None, &[], None).status, 200);
}
