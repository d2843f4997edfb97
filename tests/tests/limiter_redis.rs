//! `RedisCounters` (feature `limiter-redis`) against a real server: the cases every shared
//! store passes (`counter_stores`), and what only Redis can get wrong (key prefixes, a
//! server that forgot the scripts).
//!
//! `SAFE_UPDATE_TEST_REDIS` names a server (`.ci/run` sets it when Redis answers). Each test
//! counts under a key prefix of its own and deletes every key of it when it ends, passed or
//! not. Without the variable every test here says it was skipped, and passes.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;
use std::time::Duration;

use crate::counter_stores::{self, Fixture, WINDOW};
use deadpool_redis::redis::{self, AsyncCommands};
use deadpool_redis::{Pool, Runtime};
use safe_update::auth::{Cap, Counted, CounterStore, RedisCounters};

const VARIABLE: &str = "SAFE_UPDATE_TEST_REDIS";

/// A key prefix no other test (of any concurrent run) uses, on the server of the variable;
/// its keys are deleted when it is dropped.
struct Prefix {
    url: String,
    prefix: String,
    /// A pool of the test's own, to read and change keys behind the store's back.
    direct: Pool,
}

/// A fresh prefix, or `None` (said once per test binary) without the variable.
async fn fresh() -> Option<Prefix> {
    static SAID: Once = Once::new();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let Some(url) = std::env::var(VARIABLE).ok().filter(|url| !url.is_empty()) else {
        SAID.call_once(|| {
            // Straight to the terminal: the test harness hides what a passing test prints.
            let _ = writeln!(
                std::io::stderr(),
                "note: the Redis store's tests were skipped: set {VARIABLE} to a server's URL \
                 (for example redis://127.0.0.1:6379) to run them"
            );
        });
        return None;
    };
    let prefix = format!(
        "safe-update-test:{}:{}:",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let direct = pool(&url);
    Some(Prefix {
        url,
        prefix,
        direct,
    })
}

fn pool(url: &str) -> Pool {
    deadpool_redis::Config::from_url(url)
        .builder()
        .unwrap()
        .max_size(8)
        .runtime(Runtime::Tokio1)
        .build()
        .unwrap()
}

impl Prefix {
    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn connection(&self) -> deadpool_redis::Connection {
        self.direct.get().await.unwrap()
    }

    /// Makes the server forget every script (`SCRIPT FLUSH`), as a restart does.
    async fn flush_scripts(&self) {
        redis::cmd("SCRIPT")
            .arg("FLUSH")
            .exec_async(&mut self.connection().await)
            .await
            .unwrap();
    }

    /// Every key under the prefix.
    fn keys(&self) -> Vec<String> {
        let mut connection = redis::Client::open(self.url.as_str())
            .unwrap()
            .get_connection()
            .unwrap();
        let pattern = format!("{}*", self.prefix);
        redis::cmd("SCAN")
            .cursor_arg(0)
            .arg("MATCH")
            .arg(&pattern)
            .clone()
            .iter::<String>(&mut connection)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

impl Drop for Prefix {
    fn drop(&mut self) {
        let keys = self.keys();
        if !keys.is_empty() {
            let mut connection = redis::Client::open(self.url.as_str())
                .unwrap()
                .get_connection()
                .unwrap();
            redis::cmd("DEL").arg(&keys).exec(&mut connection).unwrap();
        }
        if !std::thread::panicking() {
            assert!(self.keys().is_empty(), "keys left behind");
        }
    }
}

impl Fixture for Prefix {
    type Store = RedisCounters;

    async fn store(&self) -> RedisCounters {
        RedisCounters::new(pool(&self.url)).with_prefix(&self.prefix)
    }

    async fn live_count(&self, key: &str) -> Option<u64> {
        self.connection().await.get(self.key(key)).await.unwrap()
    }

    async fn time_left(&self, key: &str) -> Option<Duration> {
        let left: i64 = self.connection().await.pttl(self.key(key)).await.unwrap();
        // -2: no key; -1: a key without expiry, which the store never leaves.
        assert_ne!(left, -1, "{key} lives forever");
        u64::try_from(left).ok().map(Duration::from_millis)
    }

    async fn expire_in(&self, key: &str, left: Duration) {
        let millis = i64::try_from(left.as_millis()).unwrap();
        let set: bool = self
            .connection()
            .await
            .pexpire(self.key(key), millis)
            .await
            .unwrap();
        assert!(set, "no counter {key}");
    }

    async fn delete(&self, key: &str) {
        let deleted: u64 = self.connection().await.del(self.key(key)).await.unwrap();
        assert_eq!(deleted, 1, "no counter {key}");
    }
}

crate::counter_store_cases!(fresh);

/// The limiter suite every store passes (the library's rules over this store), each case
/// under a key prefix of its own.
mod suite {
    use super::counter_stores::{Fixture, Kept};
    use super::{fresh, Prefix, RedisCounters, VARIABLE};

    async fn store() -> Result<Kept<RedisCounters, Prefix>, String> {
        let prefix = fresh()
            .await
            .ok_or_else(|| format!("{VARIABLE} is not set"))?;
        Ok(Kept::new(prefix.store().await, prefix))
    }

    safe_update_tests::limiter_suite!(store);
}

/// Two prefixes on one server are two sets of counters; the default prefix is documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefixes_keep_applications_apart() {
    let (Some(one), Some(two)) = (fresh().await, fresh().await) else {
        return;
    };
    let (first, second) = (one.store().await, two.store().await);
    assert_eq!(first.prefix(), one.prefix);
    let caps = [Cap {
        key: "user:alice",
        max: 1,
    }];
    assert_eq!(first.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
    assert_eq!(second.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
    assert!(matches!(
        first.count(&caps, WINDOW).await.unwrap(),
        Counted::Full { index: 0, .. }
    ));
    assert_eq!(one.keys(), [one.key("user:alice")]);
    assert_eq!(two.keys(), [two.key("user:alice")]);
    assert_eq!(
        RedisCounters::new(pool(&one.url)).prefix(),
        "safe-update:login:"
    );
}

/// A server that forgot the scripts (restarted, or `SCRIPT FLUSH`) is sent them again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_survive_a_flush() {
    let Some(fixture) = fresh().await else { return };
    let store = fixture.store().await;
    let caps = [Cap { key: "k", max: 5 }];
    assert_eq!(store.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
    fixture.flush_scripts().await;
    assert_eq!(store.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
    fixture.flush_scripts().await;
    store.release(&["k"], &[]).await.unwrap();
    assert_eq!(fixture.live_count("k").await, Some(1));
}

/// A key of the prefix that is not a counter makes the store fail (the limiter then refuses
/// the check), and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_key_is_an_error() {
    let Some(fixture) = fresh().await else { return };
    let store = fixture.store().await;
    let _: () = fixture
        .connection()
        .await
        .set(fixture.key("odd"), "not a number")
        .await
        .unwrap();
    let error = store
        .count(
            &[Cap { key: "k", max: 5 }, Cap { key: "odd", max: 5 }],
            WINDOW,
        )
        .await
        .unwrap_err();
    assert!(
        error.to_string().starts_with("login counters in Redis: "),
        "{error}"
    );
    assert_eq!(fixture.live_count("k").await, None);
}
