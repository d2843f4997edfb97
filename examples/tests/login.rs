//! Logins over a socket: good, wrong and unknown credentials, the challenge, the login
//! limiter (sequential and under a concurrent burst), trusted proxies.
//!
//! The real binary on `127.0.0.1:0` with a database file in a temporary directory, and a real
//! HTTP client (see `common`).

use std::sync::{Arc, Barrier};
use std::thread;

use crate::common::{cli, Response, Server, Setup};

fn logins_challenges_and_throttling(setup: Setup) {
    let db = setup.db();
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

    // Five failures for the admin's name from this address: then even its right password,
    // never checked before, is not checked.
    let (admin, admin_password) = server.login("admin");
    for _ in 0..5 {
        assert_eq!(server.get("/profile", (&admin, "guess")).status, 401);
    }
    let throttled = server.get("/profile", (&admin, &admin_password));
    assert_eq!(throttled.status, 429, "{throttled:?}");
    let wait: u64 = throttled.retry_after.unwrap().parse().unwrap();
    assert!((55..=60).contains(&wait), "{wait}");
    assert_eq!(throttled.json["code"], "too_many_attempts");
    assert!(server.log_contains(r#"login throttled"#));
    assert!(server.logs().contains(r#"user="admin""#));
    // alice, from the same address, is not locked out by the admin's name; her password was
    // verified a moment ago, so it is not even a new check.
    assert_eq!(server.get("/profile", alice).status, 200);

    // Twenty checks from one address (seven so far) lock the address out, whatever the name.
    for n in 0..13 {
        let refused = server.get("/profile", (&format!("guess{n}"), "guess"));
        assert_eq!(refused.status, 401, "{refused:?}");
    }
    let (ok, stderr) = cli(&db, &["add-user", "--username", "bob"], "bob's password\n");
    assert!(ok, "{stderr}");
    let locked = server.get("/profile", ("bob", "bob's password"));
    assert_eq!(locked.status, 429, "{locked:?}");
    // Health checks carry no credentials and are never throttled.
    assert_eq!(server.send("GET", "/healthz", None, &[], None).status, 200);
}

/// `count` requests at once from `count` threads; their answers.
fn burst(
    server: &Arc<Server>,
    count: usize,
    request: fn(&Server, usize) -> Response,
) -> Vec<Response> {
    let start = Arc::new(Barrier::new(count));
    let threads: Vec<_> = (0..count)
        .map(|index| {
            let (server, start) = (Arc::clone(server), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                request(&server, index)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn statuses(answers: &[Response]) -> Vec<(u16, usize)> {
    let mut counts: Vec<(u16, usize)> = Vec::new();
    for answer in answers {
        match counts
            .iter_mut()
            .find(|(status, _)| *status == answer.status)
        {
            Some((_, count)) => *count += 1,
            None => counts.push((answer.status, 1)),
        }
    }
    counts.sort_unstable();
    counts
}

fn a_concurrent_burst_of_guesses_gets_five_checked(setup: Setup) {
    let db = setup.db();
    let server = Arc::new(Server::start(&db));
    // 64 different wrong passwords for alice, all at once from one address.
    let answers = burst(&server, 64, |server, n| {
        server.get("/profile", ("alice", &format!("guess number {n}")))
    });
    assert_eq!(statuses(&answers), [(401, 5), (429, 59)]);
    // The per-address limit under a burst: 64 names at once, 20 checked in all (five so far).
    let answers = burst(&server, 64, |server, n| {
        server.get("/profile", (&format!("user{n}"), "guess"))
    });
    assert_eq!(statuses(&answers), [(401, 15), (429, 49)]);
}

fn identical_concurrent_requests_for_a_real_and_an_unknown_user_get_the_same_answers(setup: Setup) {
    let db = setup.db();
    let server = Arc::new(Server::start(&db));
    // Twenty identical requests share one check each way: one failure counted, not twenty.
    let real = burst(&server, 20, |server, _| {
        server.get("/profile", ("alice", "not it"))
    });
    let unknown = burst(&server, 20, |server, _| {
        server.get("/profile", ("nobody", "not it"))
    });
    assert_eq!(statuses(&real), [(401, 20)]);
    assert_eq!(statuses(&unknown), [(401, 20)]);
    assert_eq!(real[0].text, unknown[0].text);
    // Each burst of twenty was one check: had each request been checked on its own, the
    // limiter (five per name from one address) would have answered fifteen of them 429. A
    // request arriving after its burst's check ended would be a second check: allow for a
    // couple on a slow machine, no more.
    let mut allowed = 0;
    while server.get("/profile", (&format!("x{allowed}"), "y")).status == 401 {
        allowed += 1;
    }
    assert!(
        (14..=18).contains(&allowed),
        "{allowed} more checks allowed"
    );
}

fn forwarding_headers_count_only_from_a_trusted_proxy(setup: Setup) {
    let guess = |server: &Server, client: &str| {
        let headers = [("X-Forwarded-For", client)];
        server.send("GET", "/profile", Some(("alice", "guess")), &headers, None)
    };
    // Untrusted: the header is the client's own words, ignored; all guesses share 127.0.0.1.
    let db = setup.db();
    let direct = Server::start(&db);
    for n in 0..5 {
        assert_eq!(guess(&direct, &format!("203.0.113.{n}")).status, 401);
    }
    assert_eq!(guess(&direct, "198.51.100.7").status, 429);
    drop(direct);

    // Behind a trusted proxy (the test client is the proxy here): counted per client.
    let db = setup.db();
    let proxied = Server::start_with(&db, &["--trusted-proxy", "127.0.0.1"]);
    for _ in 0..5 {
        assert_eq!(guess(&proxied, "203.0.113.9").status, 401);
    }
    assert_eq!(guess(&proxied, "203.0.113.9").status, 429);
    // A spoofed hop to the left of the proxy's own entry changes nothing.
    assert_eq!(guess(&proxied, "198.51.100.7, 203.0.113.9").status, 429);
    // Another client behind the same proxy is not locked out.
    assert_eq!(guess(&proxied, "198.51.100.7").status, 401);
    assert!(proxied.log_contains("client=Some(203.0.113.9)"));
}

both_servers!(
    logins_challenges_and_throttling,
    a_concurrent_burst_of_guesses_gets_five_checked,
    identical_concurrent_requests_for_a_real_and_an_unknown_user_get_the_same_answers,
    forwarding_headers_count_only_from_a_trusted_proxy
);
