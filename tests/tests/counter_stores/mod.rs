//! The cases every shared store of login counters must pass, written once over a
//! [`Fixture`]: a fresh, empty store (a database, a key prefix) that can open more instances
//! on the same data, and that lets a test read and change a counter behind the store's back
//! (as another process, an administrator or an expiry would).

use std::future::Future;
use std::time::Duration;

use safe_update::auth::{Cap, Counted, CounterStore};

/// A window long enough that nothing expires during a case unless the case says so.
pub const WINDOW: Duration = Duration::from_secs(60);

/// A fresh store of one kind, and a way around it.
pub trait Fixture {
    /// The store under test.
    type Store: CounterStore + Clone;

    /// Another instance on the same data (its own connections), as a second process has.
    fn store(&self) -> impl Future<Output = Self::Store>;

    /// The live count of `key`, read directly; `None` when it has no live counter.
    fn live_count(&self, key: &str) -> impl Future<Output = Option<u64>>;

    /// How long `key`'s counter lives on, read directly; `None` when it has none.
    fn time_left(&self, key: &str) -> impl Future<Output = Option<Duration>>;

    /// Makes `key`'s counter expire `left` from now, as if its last attempt were older.
    fn expire_in(&self, key: &str, left: Duration) -> impl Future<Output = ()>;

    /// Deletes `key`'s counter, as another instance's cleanup may at any moment.
    fn delete(&self, key: &str) -> impl Future<Output = ()>;
}

fn cap(key: &str, max: u32) -> Cap<'_> {
    Cap { key, max }
}

async fn count<S: CounterStore>(store: &S, caps: &[Cap<'_>]) -> Counted {
    store.count(caps, WINDOW).await.unwrap()
}

fn full_index(counted: Counted) -> usize {
    match counted {
        Counted::Full { index, .. } => index,
        Counted::Yes => panic!("counted, where a cap was full"),
    }
}

fn retry_after(counted: Counted) -> Duration {
    match counted {
        Counted::Full { retry_after, .. } => retry_after,
        Counted::Yes => panic!("counted, where a cap was full"),
    }
}

/// One full cap stops the count of all: nothing is written, and the answer names it.
pub async fn all_or_none<F: Fixture>(fixture: &F) {
    let store = fixture.store().await;
    assert_eq!(
        count(&store, &[cap("a", 3), cap("b", 1)]).await,
        Counted::Yes
    );
    let refused = count(&store, &[cap("a", 3), cap("b", 1), cap("c", 3)]).await;
    assert_eq!(full_index(refused), 1);
    assert_eq!(
        fixture.live_count("a").await,
        Some(1),
        "a was counted though b was full"
    );
    assert_eq!(fixture.live_count("b").await, Some(1));
    assert_eq!(
        fixture.live_count("c").await,
        None,
        "c was created though b was full"
    );
    // Below its cap, a counter goes on counting.
    assert_eq!(
        count(&store, &[cap("a", 3), cap("c", 3)]).await,
        Counted::Yes
    );
    assert_eq!(
        count(&store, &[cap("c", 3), cap("a", 3)]).await,
        Counted::Yes
    );
    assert_eq!(fixture.live_count("a").await, Some(3));
    assert_eq!(fixture.live_count("c").await, Some(2));
    assert_eq!(
        full_index(count(&store, &[cap("c", 3), cap("a", 3)]).await),
        1
    );
    assert_eq!(fixture.live_count("c").await, Some(2));
    // A cap of 0 allows nothing, even on a counter that does not exist.
    assert_eq!(
        full_index(count(&store, &[cap("d", 5), cap("e", 0)]).await),
        1
    );
    assert_eq!(fixture.live_count("d").await, None);
    assert_eq!(count(&store, &[]).await, Counted::Yes);
}

/// The answer names the full counter that frees last, and how long until it does: its own
/// time left, never more than a window.
pub async fn retry_after_is_of_the_last_to_free<F: Fixture>(fixture: &F) {
    let store = fixture.store().await;
    for key in ["soon", "late", "long"] {
        assert_eq!(count(&store, &[cap(key, 1)]).await, Counted::Yes);
    }
    fixture.expire_in("soon", Duration::from_secs(10)).await;
    fixture.expire_in("late", Duration::from_secs(40)).await;
    fixture.expire_in("long", Duration::from_secs(600)).await;
    let left = fixture.time_left("late").await.unwrap();
    assert!(
        left <= Duration::from_secs(40) && left > Duration::from_secs(10),
        "{left:?}"
    );

    for (caps, index) in [
        (&[cap("soon", 1), cap("late", 1)], 1),
        (&[cap("late", 1), cap("soon", 1)], 0),
        (&[cap("free", 1), cap("late", 1)], 1),
    ] {
        let refused = count(&store, caps).await;
        assert_eq!(full_index(refused), index, "{caps:?}");
        let wait = retry_after(refused);
        assert!(
            wait > Duration::from_secs(10) && wait <= Duration::from_secs(40),
            "{caps:?}: {wait:?}"
        );
    }
    let wait = retry_after(count(&store, &[cap("soon", 1), cap("free", 1)]).await);
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(10),
        "{wait:?}"
    );
    // Left by an instance with a longer window: this one says at most its own.
    let wait = retry_after(count(&store, &[cap("long", 1)]).await);
    assert!(wait > Duration::from_secs(40) && wait <= WINDOW, "{wait:?}");
    assert_eq!(fixture.live_count("free").await, None);
}

/// A counter lives a window after its last attempt, then counts from 1 again.
pub async fn counters_expire<F: Fixture>(fixture: &F) {
    let store = fixture.store().await;
    let window = Duration::from_millis(300);
    let caps = [cap("short", 2)];
    assert_eq!(store.count(&caps, window).await.unwrap(), Counted::Yes);
    assert_eq!(store.count(&caps, window).await.unwrap(), Counted::Yes);
    let refused = store.count(&caps, window).await.unwrap();
    let wait = retry_after(refused);
    assert!(wait > Duration::ZERO && wait <= window, "{wait:?}");
    assert_eq!(fixture.live_count("short").await, Some(2));
    tokio::time::sleep(wait + Duration::from_millis(100)).await;
    assert_eq!(fixture.live_count("short").await, None);
    assert_eq!(store.count(&caps, window).await.unwrap(), Counted::Yes);
    assert_eq!(
        fixture.live_count("short").await,
        Some(1),
        "an expired counter went on"
    );
}

/// Every count makes the counter live a whole window again.
pub async fn a_count_refreshes_the_expiry<F: Fixture>(fixture: &F) {
    let store = fixture.store().await;
    assert_eq!(count(&store, &[cap("k", 5)]).await, Counted::Yes);
    fixture.expire_in("k", Duration::from_secs(5)).await;
    assert_eq!(count(&store, &[cap("k", 5)]).await, Counted::Yes);
    let left = fixture.time_left("k").await.unwrap();
    assert!(left > Duration::from_secs(30) && left <= WINDOW, "{left:?}");
    assert_eq!(fixture.live_count("k").await, Some(2));
}

/// 64 concurrent counts on one counter, from two instances: exactly its cap are counted.
pub async fn a_burst_counts_exactly_the_cap<F: Fixture>(fixture: &F)
where
    F::Store: 'static,
{
    let stores = [fixture.store().await, fixture.store().await];
    let tasks: Vec<_> = (0..64)
        .map(|n| {
            let store = stores[n % 2].clone();
            tokio::spawn(async move {
                // Under a second counter per task too, so that counts hold several rows.
                let own = format!("own:{n}");
                store
                    .count(&[cap("burst", 5), cap(&own, 5)], WINDOW)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut counted = 0;
    for task in tasks {
        if task.await.unwrap() == Counted::Yes {
            counted += 1;
        }
    }
    assert_eq!(counted, 5);
    assert_eq!(fixture.live_count("burst").await, Some(5));
}

/// Concurrent counts and releases over the same counters, named in different orders and in
/// mixed case (which a collation may sort otherwise than bytes): none fails (no deadlock), and
/// all given back leaves nothing.
pub async fn counts_and_releases_interleave<F: Fixture>(fixture: &F)
where
    F::Store: 'static,
{
    let stores = [fixture.store().await, fixture.store().await];
    let tasks: Vec<_> = (0..32)
        .map(|n| {
            let store = stores[n % 2].clone();
            tokio::spawn(async move {
                let keys = if n % 2 == 0 {
                    ["a", "B", "c"]
                } else {
                    ["c", "B", "a"]
                };
                for _ in 0..10 {
                    let caps: Vec<_> = keys.iter().map(|key| cap(key, 1000)).collect();
                    assert_eq!(store.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
                    store.release(&keys, &[]).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    for key in ["a", "B", "c"] {
        assert_eq!(fixture.live_count(key).await, None, "{key}");
    }
}

/// A release gives one attempt back (deleting a counter that falls to zero) and forgets
/// counters whole, in one call; the expiry stays as it was.
pub async fn release_gives_back_and_forgets<F: Fixture>(fixture: &F) {
    let store = fixture.store().await;
    for _ in 0..3 {
        assert_eq!(
            count(&store, &[cap("back", 5), cap("gone", 5)]).await,
            Counted::Yes
        );
    }
    assert_eq!(count(&store, &[cap("one", 5)]).await, Counted::Yes);
    fixture.expire_in("back", Duration::from_secs(30)).await;
    store.release(&["back", "one"], &["gone"]).await.unwrap();
    assert_eq!(fixture.live_count("back").await, Some(2));
    assert_eq!(fixture.live_count("one").await, None);
    assert_eq!(fixture.live_count("gone").await, None);
    let left = fixture.time_left("back").await.unwrap();
    assert!(
        left <= Duration::from_secs(30),
        "the release refreshed it: {left:?}"
    );
    // Given back, the attempt can be made again.
    for _ in 0..3 {
        assert_eq!(count(&store, &[cap("back", 5)]).await, Counted::Yes);
    }
    assert_eq!(full_index(count(&store, &[cap("back", 5)]).await), 0);
    store.release(&[], &[]).await.unwrap();
}

/// A counter deleted behind the store's back (another instance's cleanup of an expired one):
/// a release leaves it absent, and the next count counts it from 1.
pub async fn a_deleted_counter<F: Fixture>(fixture: &F) {
    let store = fixture.store().await;
    assert_eq!(
        count(&store, &[cap("x", 5), cap("y", 5)]).await,
        Counted::Yes
    );
    fixture.delete("x").await;
    store.release(&["x", "y"], &[]).await.unwrap();
    assert_eq!(fixture.live_count("x").await, None);
    assert_eq!(
        fixture.time_left("x").await,
        None,
        "a release created the counter"
    );
    assert_eq!(fixture.live_count("y").await, None);
    store.release(&[], &["x"]).await.unwrap();

    assert_eq!(count(&store, &[cap("x", 5)]).await, Counted::Yes);
    assert_eq!(count(&store, &[cap("x", 5)]).await, Counted::Yes);
    fixture.delete("x").await;
    assert_eq!(count(&store, &[cap("x", 5)]).await, Counted::Yes);
    assert_eq!(fixture.live_count("x").await, Some(1));
}

/// Two instances on the same data hold one limit together.
pub async fn instances_share_counters<F: Fixture>(fixture: &F) {
    let (one, two) = (fixture.store().await, fixture.store().await);
    assert_eq!(count(&one, &[cap("shared", 3)]).await, Counted::Yes);
    assert_eq!(count(&two, &[cap("shared", 3)]).await, Counted::Yes);
    assert_eq!(count(&one, &[cap("shared", 3)]).await, Counted::Yes);
    assert_eq!(full_index(count(&two, &[cap("shared", 3)]).await), 0);
    two.release(&["shared"], &[]).await.unwrap();
    assert_eq!(count(&one, &[cap("shared", 3)]).await, Counted::Yes);
    one.release(&[], &["shared"]).await.unwrap();
    assert_eq!(fixture.live_count("shared").await, None);
    assert_eq!(count(&two, &[cap("shared", 3)]).await, Counted::Yes);
}

/// Runs every case above on fresh fixtures made by `fresh`, one test function each.
#[macro_export]
macro_rules! counter_store_cases {
    ($fresh:path) => {
        $crate::counter_store_cases!(@cases $fresh;
            all_or_none,
            retry_after_is_of_the_last_to_free,
            counters_expire,
            a_count_refreshes_the_expiry,
            a_burst_counts_exactly_the_cap,
            counts_and_releases_interleave,
            release_gives_back_and_forgets,
            a_deleted_counter,
            instances_share_counters,
        );
    };
    (@cases $fresh:path; $($case:ident,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(fixture) = $fresh().await {
                    counter_stores::$case(&fixture).await;
                }
            }
        )*
    };
}

/// A store that keeps what it lives in (a database, a key prefix) until its last clone is
/// dropped: what the limiter suite's factory returns, so that each case's data is removed
/// when the case ends.
pub struct Kept<S, G> {
    store: S,
    _place: std::sync::Arc<G>,
}

impl<S, G> Kept<S, G> {
    /// `store`, keeping `place` alive as long as it.
    pub fn new(store: S, place: G) -> Self {
        Kept {
            store,
            _place: std::sync::Arc::new(place),
        }
    }
}

impl<S: Clone, G> Clone for Kept<S, G> {
    fn clone(&self) -> Self {
        Kept {
            store: self.store.clone(),
            _place: std::sync::Arc::clone(&self._place),
        }
    }
}

impl<S: CounterStore, G: Send + Sync + 'static> CounterStore for Kept<S, G> {
    type Error = S::Error;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, S::Error> {
        self.store.count(caps, window).await
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), S::Error> {
        self.store.release(give_back, forget).await
    }
}
