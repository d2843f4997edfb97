//! The cases of the suite, each an `async fn` over a fresh store (see the
//! [module](mod@crate::limiter_suite)). Each case names its users and clients apart from the
//! others', so that a log line is found by its user name; a case that reads the log names its
//! user apart from the same case's runs on other stores too (`name_of_its_own`): a test
//! binary may run the suite on several stores at once, all logging to the one capture.

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{test as actix_test, web, App};
use safe_update::auth::{
    Attempt, Authenticator, CounterStore, Credentials, Identity, Limiter, Limits, MemoryStore,
    Outcome, Refusal, StoreLimiter,
};
use serde_json::{json, Value};

use super::failing::FAILURE;
use super::{Failing, Watched};
use crate::capture::Capture;

const MINUTE: Duration = Duration::from_secs(60);

/// Limits per user and client, per client and per user, in a window of a minute.
fn limits(per_user_and_client: u32, per_client: u32, per_user: u32) -> Limits {
    Limits {
        per_user_and_client,
        per_client,
        per_user,
        window: MINUTE,
        ipv6_prefix: 64,
    }
}

/// `base` and a number no earlier call of this process got, of one width: a user name that
/// no other run of a case uses, and that contains no other such name (the log is searched by
/// it).
fn name_of_its_own(base: &str) -> String {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    format!("{base}-{:04}", RUNS.fetch_add(1, Ordering::Relaxed))
}

/// `user` from the address `client` (IPv4 or IPv6 text).
fn from<'a>(user: &'a str, client: &str) -> Attempt<'a> {
    Attempt {
        user,
        client: Some(client.parse().expect("an IP address")),
    }
}

/// Whether `attempt` is granted. A refusal must say how long to wait, within the window: a
/// store that fails fails the case.
async fn reserve<S: CounterStore>(limiter: &StoreLimiter<S>, attempt: Attempt<'_>) -> bool {
    match limiter.reserve(attempt).await {
        Ok(()) => true,
        Err(Refusal::Throttled { retry_after }) => {
            assert!(retry_after <= limiter.limits().window, "{retry_after:?}");
            false
        }
        Err(refusal) => panic!("{attempt:?}: {refusal}: {:?}", refusal),
    }
}

/// Whether each of `n` reservations of `attempt` in a row is granted (none settled).
async fn reserves<S: CounterStore>(
    limiter: &StoreLimiter<S>,
    attempt: Attempt<'_>,
    n: usize,
) -> Vec<bool> {
    let mut granted = Vec::new();
    for _ in 0..n {
        granted.push(reserve(limiter, attempt).await);
    }
    granted
}

/// A reservation that must be granted, settled with `outcome`.
async fn checked<S: CounterStore>(
    limiter: &StoreLimiter<S>,
    attempt: Attempt<'_>,
    outcome: Outcome,
) {
    assert!(reserve(limiter, attempt).await, "{attempt:?} refused");
    if let Err(error) = limiter.settle(attempt, outcome).await {
        panic!("{attempt:?} {outcome:?}: {error}");
    }
}

/// The key of the last count that starts with `prefix` (`uc:`, `c:`, `u:`).
fn last_key<S: CounterStore>(store: &Watched<S>, prefix: &str) -> String {
    let keys = store.last_count();
    keys.iter()
        .find(|key| key.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} key in {keys:?}"))
        .clone()
}

/// Per user and client, per client, per user: each limit refuses on its own, all or none, and
/// says how long until its counter frees.
pub async fn each_limit_holds_on_its_own<S: CounterStore>(store: Watched<S>) {
    let limiter = StoreLimiter::new(store, limits(2, 3, 4));
    // Per user and client: alice twice from one address, then refused for about a window.
    let alice = from("alice", "10.0.0.1");
    assert_eq!(reserves(&limiter, alice, 2).await, [true, true]);
    let Err(Refusal::Throttled { retry_after }) = limiter.reserve(alice).await else {
        panic!("alice's third attempt was not throttled");
    };
    assert!(
        retry_after > MINUTE - Duration::from_secs(10),
        "{retry_after:?}"
    );
    // The refusal counted nothing: 10.0.0.1 has two of its three, one more name may try.
    assert_eq!(
        reserves(&limiter, from("amy", "10.0.0.1"), 2).await,
        [true, false]
    );
    // Per client: three names from one address, then a fourth is refused.
    for user in ["bea", "ben", "bob"] {
        assert!(reserve(&limiter, from(user, "10.0.0.2")).await, "{user}");
    }
    assert!(!reserve(&limiter, from("bud", "10.0.0.2")).await);
    // Per user from all clients: carl from four addresses, then a fifth is refused.
    for last in 1..=4 {
        assert!(reserve(&limiter, from("carl", &format!("10.1.0.{last}"))).await);
    }
    assert!(!reserve(&limiter, from("carl", "10.1.0.5")).await);
    // bud was refused at 10.0.0.2 only: from elsewhere he is fine.
    assert!(reserve(&limiter, from("bud", "10.2.0.1")).await);
    // Without an address: per user (and user without client) only.
    let anonymous = Attempt {
        user: "dora",
        client: None,
    };
    assert_eq!(reserves(&limiter, anonymous, 3).await, [true, true, false]);
}

/// 64 concurrent guesses for one name from one address: exactly the per-user-and-client limit
/// is granted, however they interleave; 64 names at once from one address: exactly the
/// per-client limit.
pub async fn a_concurrent_burst_gets_exactly_the_limit<S: CounterStore>(store: Watched<S>) {
    let limits = Limits::default();
    let limiter = Arc::new(StoreLimiter::new(store, limits));
    let burst = |users: Vec<String>, client: IpAddr| {
        let tasks: Vec<_> = users
            .into_iter()
            .map(|user| {
                let limiter = Arc::clone(&limiter);
                tokio::spawn(async move {
                    let attempt = Attempt {
                        user: &user,
                        client: Some(client),
                    };
                    reserve(&limiter, attempt).await
                })
            })
            .collect();
        async move {
            let mut granted = 0;
            for task in tasks {
                granted += usize::from(task.await.expect("the reservation's task"));
            }
            granted
        }
    };
    let one_name = vec!["erik".to_owned(); 64];
    let granted = burst(one_name, [203, 0, 113, 66].into()).await;
    assert_eq!(granted, limits.per_user_and_client as usize);
    let many_names = (0..64).map(|i| format!("user-{i}")).collect();
    let granted = burst(many_names, [203, 0, 113, 67].into()).await;
    assert_eq!(granted, limits.per_client as usize);
}

/// A counter lives a window after its last attempt: each attempt counted makes it live a
/// window longer, and once it has expired it starts again at 1. Real time: the store's clock.
pub async fn counters_expire_a_window_after_their_last_attempt<S: CounterStore>(store: Watched<S>) {
    let window = Duration::from_secs(3);
    let step = Duration::from_millis(1800);
    let limiter = StoreLimiter::new(
        store,
        Limits {
            window,
            ..limits(2, 100, 100)
        },
    );
    let fred = from("fred", "10.3.0.1");
    assert!(reserve(&limiter, fred).await);
    tokio::time::sleep(step).await;
    // 1.8 s: the second attempt makes the counter live until 4.8 s.
    assert_eq!(reserves(&limiter, fred, 2).await, [true, false]);
    tokio::time::sleep(step).await;
    // 3.6 s: a window after the first attempt, not after the last: still full.
    assert!(
        !reserve(&limiter, fred).await,
        "the last attempt refreshes the expiry"
    );
    tokio::time::sleep(step).await;
    // 5.4 s: expired, so it starts again at 1: two more, then refused.
    assert_eq!(reserves(&limiter, fred, 3).await, [true, true, false]);
}

/// A good password forgets the user's failures from that client (not from others) and gives
/// its attempt back to the per-client and per-user counters.
pub async fn a_success_gives_back_and_forgets_the_failures_from_its_client_only<S: CounterStore>(
    store: Watched<S>,
) {
    let per_user_and_client = StoreLimiter::new(store.clone(), limits(2, 100, 100));
    let here = from("gina", "10.4.0.1");
    let there = from("gina", "10.4.0.2");
    checked(&per_user_and_client, there, Outcome::Failed).await;
    checked(&per_user_and_client, there, Outcome::Failed).await;
    checked(&per_user_and_client, here, Outcome::Failed).await;
    checked(&per_user_and_client, here, Outcome::Succeeded).await;
    // Forgotten, not merely given back: two more from here.
    assert_eq!(
        reserves(&per_user_and_client, here, 3).await,
        [true, true, false]
    );
    assert!(
        !reserve(&per_user_and_client, there).await,
        "kept: another client"
    );
    // Per client and per user, a success is given back: more successes than the limit.
    let per_client = StoreLimiter::new(store.clone(), limits(100, 2, 100));
    for _ in 0..4 {
        checked(&per_client, from("hank", "10.4.0.3"), Outcome::Succeeded).await;
    }
    let per_user = StoreLimiter::new(store, limits(100, 100, 2));
    for last in 1..=4 {
        let client = format!("10.4.1.{last}");
        checked(&per_user, from("hugo", &client), Outcome::Succeeded).await;
    }
}

/// A check that never ran gives its attempt back to every counter; a failure stays counted.
pub async fn an_unchecked_attempt_is_given_back_and_a_failure_stays<S: CounterStore>(
    store: Watched<S>,
) {
    let cases = [
        ("ida", "10.5.0.1", limits(1, 100, 100)),
        ("ines", "10.5.0.2", limits(100, 1, 100)),
        ("ivan", "10.5.0.3", limits(100, 100, 1)),
    ];
    for (user, client, limits) in cases {
        let limiter = StoreLimiter::new(store.clone(), limits);
        let attempt = from(user, client);
        for _ in 0..3 {
            checked(&limiter, attempt, Outcome::NotChecked).await;
        }
        checked(&limiter, attempt, Outcome::Failed).await;
        assert!(
            !reserve(&limiter, attempt).await,
            "{user}: the failure stays"
        );
    }
}

/// A counter deleted between two steps (by an operator, a cleanup, an expiry): settling then
/// neither makes it again nor takes it below zero, and counting starts it again at 1.
pub async fn a_counter_deleted_between_two_steps_is_not_made_again<S: CounterStore>(
    store: Watched<S>,
) {
    // Between a reservation and its settling, given back: stays gone.
    let per_user_and_client = StoreLimiter::new(store.clone(), limits(2, 100, 100));
    let jack = from("jack", "10.6.0.1");
    assert!(reserve(&per_user_and_client, jack).await);
    store.delete(&last_key(&store, "uc:")).await;
    per_user_and_client
        .settle(jack, Outcome::NotChecked)
        .await
        .expect("settled");
    assert_eq!(
        reserves(&per_user_and_client, jack, 3).await,
        [true, true, false]
    );
    // Between a success's reservation and its settling, the per-client counter: the success
    // gives back to a counter that is gone, and forgets.
    let per_client = StoreLimiter::new(store.clone(), limits(100, 2, 100));
    let jane = from("jane", "10.6.0.2");
    assert!(reserve(&per_client, jane).await);
    store.delete(&last_key(&store, "c:")).await;
    per_client
        .settle(jane, Outcome::Succeeded)
        .await
        .expect("settled");
    for (user, granted) in [("jill", true), ("joan", true), ("jude", false)] {
        assert_eq!(
            reserve(&per_client, from(user, "10.6.0.2")).await,
            granted,
            "{user}"
        );
    }
    // Between two reservations: counting starts again at 1.
    let june = from("june", "10.6.0.3");
    assert!(reserve(&per_user_and_client, june).await);
    store.delete(&last_key(&store, "uc:")).await;
    assert_eq!(
        reserves(&per_user_and_client, june, 3).await,
        [true, true, false]
    );
}

/// One IPv6 prefix (a /64 by default) is one client; the next prefix is another; an
/// IPv4-mapped address is its IPv4 address; with a /128 every address is alone.
pub async fn the_addresses_of_one_ipv6_prefix_are_one_client<S: CounterStore>(store: Watched<S>) {
    let limiter = StoreLimiter::new(store.clone(), limits(2, 3, 100));
    // Per user and client (2): a second address of the /64 is the same client.
    assert!(reserve(&limiter, from("kate", "2001:db8:0:7::1")).await);
    assert!(reserve(&limiter, from("kate", "2001:db8:0:7::2")).await);
    assert!(!reserve(&limiter, from("kate", "2001:db8:0:7::3")).await);
    // Per client (3): a third name from anywhere in the /64 fills it, a fourth is refused.
    assert!(reserve(&limiter, from("kurt", "2001:db8:0:7:ffff::9")).await);
    assert!(!reserve(&limiter, from("kyle", "2001:db8:0:7::4")).await);
    // The next /64 is another client.
    assert!(reserve(&limiter, from("kyle", "2001:db8:0:8::1")).await);
    // A mapped IPv4 address shares the IPv4 address's counters, and a success from it
    // forgets the failures of the IPv4 form.
    assert!(reserve(&limiter, from("lena", "203.0.113.9")).await);
    assert!(reserve(&limiter, from("lena", "::ffff:203.0.113.9")).await);
    assert!(!reserve(&limiter, from("lena", "203.0.113.9")).await);
    limiter
        .settle(from("lena", "::ffff:203.0.113.9"), Outcome::Succeeded)
        .await
        .expect("settled");
    assert!(reserve(&limiter, from("lena", "203.0.113.9")).await);
    // Every address alone, when the limits say /128.
    let exact = StoreLimiter::new(
        store,
        Limits {
            ipv6_prefix: 128,
            ..limits(2, 3, 100)
        },
    );
    assert_eq!(
        reserves(&exact, from("liam", "2001:db8:0:9::1"), 3).await,
        [true, true, false]
    );
    assert!(reserve(&exact, from("liam", "2001:db8:0:9::2")).await);
}

/// The longest keys the rules make (a name of 64 characters of 4 bytes, from the longest IPv6
/// text) are kept by the store; a longer name shares the counter of its first 64 characters;
/// whitespace and `%` in a name are fine, and no name makes a key longer than the bound.
pub async fn the_longest_keys_fit_the_store_and_long_names_share_a_counter<S: CounterStore>(
    store: Watched<S>,
) {
    let limiter = StoreLimiter::new(
        store.clone(),
        Limits {
            ipv6_prefix: 128,
            ..limits(2, 100, 100)
        },
    );
    let longest_address = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    let name = "\u{1F512}".repeat(64);
    assert_eq!((name.chars().count(), name.len()), (64, 256));
    assert_eq!(
        reserves(&limiter, from(&name, longest_address), 2).await,
        [true, true]
    );
    assert!(
        store.longest_key() >= name.len() + longest_address.len(),
        "the whole name and address reached the store: {}",
        store.longest_key()
    );
    let longer = format!("{name}x");
    assert!(!reserve(&limiter, from(&longer, longest_address)).await);
    let other = format!("\u{1F513}{}", "\u{1F512}".repeat(63));
    assert!(reserve(&limiter, from(&other, longest_address)).await);
    // 64 wide spaces, escaped, would be 576 bytes: the rules cut them (and `Watched` checks).
    let wide = "\u{3000}".repeat(64);
    assert!(reserve(&limiter, from(&wide, "10.7.0.1")).await);
    let spaced = from("mia \t%20 mia", "10.7.0.1");
    assert_eq!(reserves(&limiter, spaced, 3).await, [true, true, false]);
    assert!(reserve(&limiter, from("mia  %20 mia", "10.7.0.1")).await);
}

/// A store that fails: a reservation is refused (the check never runs uncounted), the
/// authenticator logs one line and an actix extractor answers 503
/// `authentication_unavailable`; a settle that fails is logged and leaves the attempt counted.
pub async fn a_failing_store_fails_closed<S: CounterStore>(store: Watched<S>) {
    let failing = Failing::new(store.clone());
    let limiter = StoreLimiter::new(failing.clone(), limits(2, 100, 100));
    failing.fail_count(true);
    let nina = from("nina-down", "10.8.0.1");
    match limiter.reserve(nina).await {
        Err(Refusal::Unavailable(error)) => {
            let source = std::error::Error::source(&error).expect("the store's error");
            assert_eq!(source.to_string(), FAILURE);
        }
        other => panic!("{other:?}"),
    }

    // Through the authenticator and a real extractor: refused before argon2 runs. The log is
    // read back by the user's name, and other stores' runs of this case log beside it.
    let user: &str = &name_of_its_own("nora-down");
    let password = "the right password";
    let users = MemoryStore::new()
        .with_user(user, password, ["user"])
        .expect("a user");
    let auth = Authenticator::builder(users)
        .limiter(limiter)
        .build()
        .expect("an authenticator");
    let app = actix_test::init_service(App::new().app_data(auth.clone()).route(
        "/",
        web::get().to(|who: Identity| async move { who.name().to_owned() }),
    ))
    .await;
    let login = Credentials::new(user, password).expect("credentials");
    let request = actix_test::TestRequest::get()
        .uri("/")
        .peer_addr("10.8.0.2:40000".parse().expect("an address"))
        .insert_header(("authorization", login.to_header_value().as_str()))
        .to_request();
    let response = actix_test::call_service(&app, request).await;
    assert_eq!(response.status().as_u16(), 503);
    let headers = response.headers();
    assert!(headers.get("www-authenticate").is_none() && headers.get("retry-after").is_none());
    let body: Value = actix_test::read_body_json(response).await;
    assert_eq!(
        body,
        json!({
            "type": "tag:safe-update,2026:problem/authentication_unavailable",
            "title": "Authentication unavailable",
            "status": 503,
            "detail": "the login counters are unavailable; retry later",
            "code": "authentication_unavailable",
        })
    );
    assert_eq!(
        auth.hash_checks(),
        0,
        "no argon2 run for an uncounted check"
    );
    let logged = Capture::shared().containing(user);
    assert_eq!(logged.len(), 1, "{logged:#?}");
    let line = &logged[0];
    assert!(line.starts_with("ERROR safe_update::security "), "{line}");
    assert!(
        line.contains("the login counters are unavailable"),
        "{line}"
    );
    assert!(
        line.contains(FAILURE) && line.contains("10.8.0.2"),
        "{line}"
    );
    assert!(!line.contains(password), "{line}");

    // The store counts again but cannot release: the success stands, is logged, and its
    // attempt stays counted (a release would have forgotten it).
    failing.fail_count(false);
    failing.fail_release(true);
    let client = Some("10.8.0.2".parse().expect("an address"));
    let who = auth
        .authenticate(&login, client)
        .await
        .expect("the right password");
    assert_eq!(who.name(), user);
    let logged = Capture::shared().containing(user);
    assert_eq!(logged.len(), 2, "{logged:#?}");
    let line = &logged[1];
    assert!(line.starts_with("ERROR safe_update::security "), "{line}");
    assert!(
        line.contains("left counted") && line.contains(FAILURE),
        "{line}"
    );
    assert!(!line.contains(password), "{line}");
    let counted = StoreLimiter::new(store, limits(2, 100, 100));
    assert_eq!(
        reserves(&counted, from(user, "10.8.0.2"), 2).await,
        [true, false]
    );
}
