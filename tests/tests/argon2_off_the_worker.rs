//! argon2 runs on tokio's blocking pool, never on an async worker: an axum app served by a
//! runtime with one async thread (current-thread) answers `/healthz` while eight logins hash.
//! Were a hash run on that thread, no other request could be answered until it ended.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use safe_update::auth::{Authenticator, Credentials, Identity, MemoryStore, NoLimit, StoredUser};
use safe_update_tests::fixtures::hashes::{SLOW_HASH, SLOW_WORK};
use safe_update_tests::serve::{self, Peer};

const LOGINS: usize = 8;

/// The hashes started and finished when the handler ran, as `started finished`: read on the
/// async thread itself, so an inline hash (started and finished within one poll of that
/// thread) could never be seen in flight from here.
async fn healthz(State(auth): State<Authenticator>) -> String {
    format!("{} {}", auth.hash_checks(), auth.hash_work() / SLOW_WORK)
}

async fn me(who: Identity) -> String {
    who.name().to_owned()
}

/// Serves the app on `127.0.0.1:0` from a current-thread runtime; its address and the
/// authenticator (shared: its counters are the server's).
fn serve() -> (SocketAddr, Authenticator) {
    let store = Arc::new(MemoryStore::new());
    for index in 0..LOGINS {
        store.insert(StoredUser::new(format!("user{index}"), SLOW_HASH, ["user"]));
    }
    let auth = Authenticator::builder(store)
        // Eight slots, so that the eight checks run at once rather than queue.
        .max_concurrent_verifications(LOGINS)
        .limiter(NoLimit)
        .build()
        .unwrap();
    assert_eq!(auth.hash_slots(), LOGINS);
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/me", get(me))
        .with_state(auth.clone());
    // One thread polls every task: the only async worker there is.
    let runtime = tokio::runtime::Builder::new_current_thread();
    (serve::serve(runtime, app, Peer::Known), auth)
}

/// `GET path`, as `user` when given; the status and the body.
fn get_path(addr: SocketAddr, path: &str, user: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    if let Some(user) = user {
        let value = Credentials::new(user, "guess").unwrap().to_header_value();
        head.push_str(&format!("Authorization: {}\r\n", value.as_str()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).expect("a status line");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status.parse().unwrap(), body.to_owned())
}

#[test]
fn the_one_async_worker_answers_while_eight_logins_hash() {
    let (addr, auth) = serve();
    let logins: Vec<_> = (0..LOGINS)
        .map(|index| {
            std::thread::spawn(move || get_path(addr, "/me", Some(&format!("user{index}"))))
        })
        .collect();
    // Every check has started argon2 (the count goes up as it begins, on the thread that runs
    // it). Inline, the eighth would be running on the worker now, the other seven done.
    // (Or every login has been answered without it: the count below says so.)
    while auth.hash_checks() < LOGINS as u64 && !logins.iter().all(|login| login.is_finished()) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let (status, body) = get_path(addr, "/healthz", None);
    assert_eq!(status, 200);
    let seen: Vec<u64> = body
        .split(' ')
        .map(|count| count.parse().unwrap())
        .collect();
    let [started, finished] = seen[..] else {
        panic!("{body}")
    };
    assert_eq!(started, LOGINS as u64, "{body}");
    // Answered while hashes ran: the worker was free although argon2 was busy (a hash takes
    // seconds here; the answer, a poll).
    assert!(
        finished < started,
        "/healthz was answered only once no hash was running ({finished} of {started} done)"
    );
    for login in logins {
        let (status, body) = login.join().unwrap();
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (status, &problem["code"]),
            (401, &"invalid_credentials".into())
        );
    }
    assert_eq!(
        (auth.hash_checks(), auth.hash_work() / SLOW_WORK),
        (LOGINS as u64, LOGINS as u64)
    );
    println!("{finished} of {started} hashes had finished when /healthz was answered");
}
