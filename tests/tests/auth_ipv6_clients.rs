//! The login limiter counts an IPv6 client per prefix (a /64 by default) and an IPv4-mapped
//! IPv6 address as its IPv4 address, attacked through the authenticator: one host of a /64
//! cannot buy a fresh per-client counter with each of its addresses.

use std::net::IpAddr;

use safe_update::auth::{
    AuthError, Authenticator, Credentials, Limits, MemoryLimiter, MemoryStore,
};

fn authenticator(limits: Limits) -> Authenticator {
    let store = MemoryStore::new()
        .with_user("alice", "correct horse", ["user"])
        .unwrap();
    Authenticator::builder(store)
        .limiter(MemoryLimiter::new(limits))
        .build()
        .unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

async fn guess(auth: &Authenticator, n: usize, client: IpAddr) -> Result<(), AuthError> {
    let guess = Credentials::new("alice", format!("guess {n}")).unwrap();
    auth.authenticate(&guess, Some(client)).await.map(drop)
}

#[tokio::test]
async fn thirty_addresses_of_one_slash_64_get_five_checks_for_a_name() {
    let auth = authenticator(Limits::default());
    let mut results = Vec::new();
    for n in 1..=30 {
        // 2001:db8:0:7::1 ... 2001:db8:0:7::30, one after the other.
        let client = ip(&format!("2001:db8:0:7::{n:x}"));
        results.push(guess(&auth, n, client).await);
    }
    assert_eq!(auth.hash_checks(), 5, "only five passwords were checked");
    assert!(results[..5]
        .iter()
        .all(|r| matches!(r, Err(AuthError::BadCredentials))));
    for (n, result) in results.iter().enumerate().skip(5) {
        assert!(
            matches!(result, Err(AuthError::Throttled { .. })),
            "guess {}: {result:?}",
            n + 1
        );
    }
    // The next /64 is another client, and alice from it still gets her checks.
    let other = ip("2001:db8:0:8::1");
    let alice = Credentials::new("alice", "correct horse").unwrap();
    assert_eq!(
        auth.authenticate(&alice, Some(other)).await.unwrap().name(),
        "alice"
    );
}

#[tokio::test]
async fn one_slash_64_cannot_trigger_the_per_name_lockout_alone() {
    // The per-name total (20 here) is meant for a campaign over many clients; 30 addresses of
    // one /64 are one client, stopped after 5 guesses by the per-user-and-client limit.
    let auth = authenticator(Limits {
        per_user: 20,
        ..Limits::default()
    });
    for n in 1..=30 {
        let client = ip(&format!("2001:db8:0:7::{n:x}"));
        let _ = guess(&auth, n, client).await;
    }
    assert_eq!(auth.hash_checks(), 5);
    // alice, from elsewhere, is not locked out.
    let alice = Credentials::new("alice", "correct horse").unwrap();
    let from_home = auth.authenticate(&alice, Some(ip("198.51.100.7"))).await;
    assert_eq!(from_home.unwrap().name(), "alice");
}

#[tokio::test]
async fn a_mapped_ipv4_address_shares_its_ipv4_addresss_counter() {
    let auth = authenticator(Limits::default());
    // Alternately as a dual-stack listener and an IPv4 one sees the same client.
    for n in 0..5 {
        let client = if n % 2 == 0 {
            ip("::ffff:203.0.113.9")
        } else {
            ip("203.0.113.9")
        };
        assert!(matches!(
            guess(&auth, n, client).await,
            Err(AuthError::BadCredentials)
        ));
    }
    for client in ["203.0.113.9", "::ffff:203.0.113.9"] {
        let refused = guess(&auth, 9, ip(client)).await;
        assert!(
            matches!(refused, Err(AuthError::Throttled { .. })),
            "{client}: {refused:?}"
        );
    }
    assert_eq!(auth.hash_checks(), 5);
}

#[tokio::test]
async fn a_slash_128_counts_each_address_alone() {
    let auth = authenticator(Limits {
        ipv6_prefix: 128,
        ..Limits::default()
    });
    for n in 1..=10 {
        let client = ip(&format!("2001:db8:0:7::{n:x}"));
        assert!(matches!(
            guess(&auth, n, client).await,
            Err(AuthError::BadCredentials)
        ));
    }
    assert_eq!(auth.hash_checks(), 10);
}
