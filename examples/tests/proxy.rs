//! Behind a trusted proxy, the client is read from the one header the operator names
//! (`--forwarded-header`, `X-Forwarded-For` by default), never from the other, which a proxy
//! passes through as the client wrote it.
//!
//! The attack: a proxy that appends the client's address to `X-Forwarded-For` (nginx's
//! `$proxy_add_x_forwarded_for`, HAProxy's `forwardfor`) forwards a `Forwarded` the client
//! wrote itself, a different address in each request. Were it believed, every guess would be
//! counted under a fresh address and the limit of 5 per name from one address would not hold.
//! Here the test client plays the proxy (it connects from 127.0.0.1, the trusted proxy).

use crate::common::{Server, Setup};

/// Thirty wrong passwords for alice, each with `believed: client` (what the proxy wrote) and
/// `forged: 203.0.113.N` (what the client wrote): the first five are checked (401), every
/// later one is refused unchecked (429 `too_many_attempts`), as from one address.
fn thirty_guesses_count_under_one_address(
    server: &Server,
    believed: (&str, &str),
    forged: (&str, fn(u8) -> String),
) {
    for n in 0..30u8 {
        let forgery = (forged.1)(n);
        let headers = [believed, (forged.0, forgery.as_str())];
        let answer = server.send("GET", "/profile", Some(("alice", "guess")), &headers, None);
        if n < 5 {
            assert_eq!(answer.status, 401, "guess {n}: {answer:?}");
        } else {
            assert_eq!(answer.status, 429, "guess {n}: {answer:?}");
            assert_eq!(answer.code(), "too_many_attempts", "guess {n}");
        }
    }
    assert!(server.log_contains("client=Some(198.51.100.9)"));
    assert!(!server.logs().contains("client=Some(203.0.113."));
}

fn a_client_written_forwarded_is_ignored_by_default(setup: Setup) {
    let db = setup.db();
    let server = Server::start_with(&db, &["--trusted-proxy", "127.0.0.1"]);
    thirty_guesses_count_under_one_address(
        &server,
        ("X-Forwarded-For", "198.51.100.9"),
        ("Forwarded", |n| format!("for=203.0.113.{n}")),
    );
}

fn with_forwarded_named_a_client_written_x_forwarded_for_is_ignored(setup: Setup) {
    let db = setup.db();
    let args = [
        "--trusted-proxy",
        "127.0.0.1",
        "--forwarded-header",
        "forwarded",
    ];
    let server = Server::start_with(&db, &args);
    thirty_guesses_count_under_one_address(
        &server,
        ("Forwarded", "for=198.51.100.9;proto=http"),
        ("X-Forwarded-For", |n| format!("203.0.113.{n}")),
    );
}

/// The believed header still names the client: another address behind the same proxy has
/// its own counter, and an IPv4-mapped hop is that IPv4 client.
fn the_named_header_names_the_client(setup: Setup) {
    let db = setup.db();
    let args = [
        "--trusted-proxy",
        "::ffff:127.0.0.1",
        "--forwarded-header",
        "forwarded",
    ];
    let server = Server::start_with(&db, &args);
    let guess = |forwarded: &str| {
        let headers = [("Forwarded", forwarded)];
        server.send("GET", "/profile", Some(("alice", "guess")), &headers, None)
    };
    for _ in 0..5 {
        assert_eq!(guess(r#"for="[::ffff:198.51.100.9]""#).status, 401);
    }
    // The five mapped hops were counted under the IPv4 address.
    assert_eq!(guess("for=198.51.100.9").status, 429);
    assert!(server.log_contains("client=Some(198.51.100.9)"));
    assert!(!server.logs().contains("::ffff:"));
    assert_eq!(guess("for=198.51.100.10").status, 401);
}

both_servers!(
    a_client_written_forwarded_is_ignored_by_default,
    with_forwarded_named_a_client_written_x_forwarded_for_is_ignored,
    the_named_header_names_the_client,
);

/// `--forwarded-header` alone would be believed from nobody: refused, not silently ignored.
#[test]
fn a_forwarded_header_without_a_trusted_proxy_is_refused() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_safe-update-demo"))
        .args(["--forwarded-header", "forwarded", "--listen", "127.0.0.1:0"])
        .args(["--db", "/nonexistent/never-created.db"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("--trusted-proxy"), "{stderr}");
}
