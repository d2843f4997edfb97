//! An axum app served without `ConnectInfo` (plain `axum::serve(listener, router)`) and no
//! `ClientAddr`: the extractor has no client address, so the login limiter counts per user
//! name only. The operator is told, once per process: this file is a test binary of its own
//! because that "once" is per process, and the counting subscriber is global.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::Router;
use safe_update::auth::{Authenticator, Identity, MemoryStore};
use safe_update_tests::serve::{self, Peer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Keeps the message of every warning the axum adapter logs.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<String>>>);

struct Message<'a>(&'a mut String);

impl Visit for Message<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            *self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Warnings {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        if *meta.level() == Level::WARN && meta.target().starts_with("safe_update::axum") {
            let mut message = String::new();
            event.record(&mut Message(&mut message));
            self.0.lock().unwrap().push(message);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

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
    let warnings = Warnings::default();
    tracing::subscriber::set_global_default(warnings.clone()).unwrap();
    let addr = serve();

    for _ in 0..2 {
        assert_eq!(get_me(addr, WRONG), 401);
    }
    let said = warnings.0.lock().unwrap().clone();
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
    assert_eq!(warnings.0.lock().unwrap().len(), 1, "still said once");
}
