//! The demo's limiter over its database counts an IPv6 client per prefix (the library's
//! `Limits::counted_as`), on SQLite and PostgreSQL: 30 addresses of one /64 are one client, and
//! an IPv4-mapped address is its IPv4 address. In process, with explicit client addresses.

use std::net::IpAddr;

use crate::common::{Backend, Binary, Setup, TestDb};
use safe_update::auth::{hash_password, AuthError, Authenticator, Credentials, Limits};
use safe_update_demo::db::{Database, DatabaseUrl};
use safe_update_demo::limiter::{DemoLimiter, LimiterStore};
use safe_update_demo::store::DbStore;

/// Runs `test` over a fresh database of each backend (PostgreSQL when configured), with an
/// authenticator over the demo's store and its limiter over the database, and alice in the
/// store.
fn on_both(test: fn(Authenticator) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend == Backend::Postgres && !crate::common::postgres_available() {
            continue;
        }
        let test_db: TestDb = Setup {
            bin: Binary::Actix,
            backend,
        }
        .db();
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let url: DatabaseUrl = test_db.url.parse().unwrap();
                let db = Database::open(&url).await.unwrap();
                let hash = hash_password("correct horse").unwrap();
                db.insert_user("alice", false, &hash)
                    .await
                    .unwrap()
                    .unwrap();
                let auth = Authenticator::builder(DbStore::new(db.clone()))
                    .limiter(
                        DemoLimiter::new(&LimiterStore::Database, &db, Limits::default()).unwrap(),
                    )
                    .build()
                    .unwrap();
                test(auth).await;
            });
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

async fn guess(auth: &Authenticator, n: usize, client: IpAddr) -> Result<(), AuthError> {
    let guess = Credentials::new("alice", format!("guess {n}")).unwrap();
    auth.authenticate(&guess, Some(client)).await.map(drop)
}

#[test]
fn thirty_addresses_of_one_slash_64_get_five_checks() {
    on_both(|auth| {
        Box::pin(async move {
            let mut results = Vec::new();
            for n in 1..=30 {
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
            // The next /64 is another client: alice logs in from it.
            let alice = Credentials::new("alice", "correct horse").unwrap();
            let other = auth.authenticate(&alice, Some(ip("2001:db8:0:8::1"))).await;
            assert_eq!(other.unwrap().name(), "alice");
        })
    });
}

#[test]
fn a_mapped_ipv4_address_shares_its_ipv4_addresss_counter() {
    on_both(|auth| {
        Box::pin(async move {
            for n in 0..5 {
                let client = if n % 2 == 0 {
                    ip("::ffff:203.0.113.9")
                } else {
                    ip("203.0.113.9")
                };
                let checked = guess(&auth, n, client).await;
                assert!(
                    matches!(checked, Err(AuthError::BadCredentials)),
                    "{checked:?}"
                );
            }
            for client in ["203.0.113.9", "::ffff:203.0.113.9"] {
                let refused = guess(&auth, 9, ip(client)).await;
                assert!(
                    matches!(refused, Err(AuthError::Throttled { .. })),
                    "{client}: {refused:?}"
                );
            }
            assert_eq!(auth.hash_checks(), 5);
        })
    });
}
