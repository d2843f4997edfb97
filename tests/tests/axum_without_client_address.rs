//! An axum app served without `ConnectInfo` (plain `axum::serve(listener, router)`) and no
//! `ClientAddr`: the extractor has no client address, so the login limiter counts per user
//! name only. The operator is told, once per process: the test's body runs in a process of its
//! own (`own_process`), because that "once" is per process (another test may have spent it)
//! and the subscriber counting the warnings is global.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use axum::routing::get;
use axum::Router;
use safe_update::auth::{Authenticator, Identity, MemoryStore};
use safe_update_tests::capture::Capture;
use safe_update_tests::own_process;
use safe_update_tests::serve::{self, Peer};
use tracing::Level;

async fn me(who: Identity) -> String {
    who.name().to_owned()
}

/// Serves a router with the default limiter, without `ConnectInfo`; its address.
fn serve() -> SocketAddr {
    let store = MemoryStore::new()
        .with_user("alice", "correct horse", ["user"])
        .unwrap();
    let auth = Authenticator::builder(store).realm("test").build().unwrap();
    let app = Router::new().route("/me", get(me)).with_state(auth);
    // The mistake under test: served without `ConnectInfo`.
    serve::serve(serve::one_worker(), app, Peer::Unknown)
}

const WRONG: &str = "YWxpY2U6d3Jvbmc="; // alice:wrong
const RIGHT: &str = "YWxpY2U6Y29ycmVjdCBob3JzZQ=="; // alice:correct horse

/// `GET /me` with the Basic `token`; the status code.
fn get_me(addr: SocketAddr, token: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /me HTTP/1.1\r\nHost: test\r\nAuthorization: Basic {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).expect("a status line");
    status.parse().unwrap()
}

#[test]
fn a_missing_client_address_is_warned_about_once_and_counts_per_name() {
    own_process::run(
        module_path!(),
        "a_missing_client_address_is_warned_about_once_and_counts_per_name",
        serve_without_an_address_and_count_the_warnings,
    );
}

/// The message of every warning the axum adapter logged so far.
fn warnings(capture: &Capture) -> Vec<String> {
    capture.messages(Level::WARN, "safe_update::axum")
}

/// The test's body: installs the global capture, and counts the warnings of the process.
fn serve_without_an_address_and_count_the_warnings() {
    let capture = Capture::install();
    let addr = serve();

    for _ in 0..2 {
        assert_eq!(get_me(addr, WRONG), 401);
    }
    let said = warnings(&capture);
    assert_eq!(said.len(), 1, "one warning for two requests: {said:?}");
    assert!(
        said[0].contains("into_make_service_with_connect_info::<SocketAddr>()")
            && said[0].contains("per user name only"),
        "{}",
        said[0]
    );

    // What the warning says: with no address, every client's guesses share one counter per
    // name, the per-name-and-client one (5 by default), so the name is soon locked for all.
    for _ in 0..3 {
        assert_eq!(get_me(addr, WRONG), 401);
    }
    assert_eq!(get_me(addr, RIGHT), 429);
    assert_eq!(warnings(&capture).len(), 1, "still said once");
}
