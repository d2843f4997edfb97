//! `PostgresCounters` (feature `limiter-postgres`) against a real server: the cases every
//! shared store passes (`counter_stores`), and what only a database can get wrong (its
//! migration, a row deleted while a count waits for its lock).
//!
//! `SAFE_UPDATE_TEST_POSTGRES` names a server and a database its user may connect to and
//! create databases from (`.ci/run` sets it when the server answers). Each test gets a
//! database of its own, dropped when the test ends, passed or not. Its default collation
//! sorts `a` before `B` (ICU's `en-US`), unlike bytes: the store must not depend on it.
//! Without the variable every test here says it was skipped, and passes.

use std::io::Write;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;
use std::time::Duration;

use crate::counter_stores::{self, Fixture, WINDOW};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use safe_update::auth::{Cap, Counted, CounterStore, PostgresCounters, MAX_KEY_BYTES};
use tokio_postgres::NoTls;

const VARIABLE: &str = "SAFE_UPDATE_TEST_POSTGRES";

fn admin_url() -> Option<String> {
    std::env::var(VARIABLE).ok().filter(|url| !url.is_empty())
}

/// A database created for one test, with the counters' table migrated; dropped with it.
struct Database {
    admin: String,
    name: String,
    url: String,
    /// A connection of the test's own, to read and change rows behind the store's back.
    direct: tokio_postgres::Client,
}

/// A fresh database, or `None` (said once per test binary) without the variable.
async fn fresh() -> Option<Database> {
    static SAID: Once = Once::new();
    let Some(admin) = admin_url() else {
        SAID.call_once(|| {
            // Straight to the terminal: the test harness hides what a passing test prints.
            let _ = writeln!(
                std::io::stderr(),
                "note: the PostgreSQL store's tests were skipped: set {VARIABLE} to a \
                 server's URL (for example postgres://root@127.0.0.1:5432/test) to run them"
            );
        });
        return None;
    };
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "safe_update_limiter_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    execute(
        &admin,
        &format!(
            "CREATE DATABASE {name} TEMPLATE template0 \
             LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        ),
    )
    .await;
    let url = with_database(&admin, &name);
    let direct = connect(&url).await;
    let database = Database {
        admin,
        name,
        url,
        direct,
    };
    PostgresCounters::new(database.pool())
        .migrate()
        .await
        .unwrap();
    Some(database)
}

impl Database {
    /// A pool of its own, as another instance has.
    fn pool(&self) -> Pool {
        let config = tokio_postgres::Config::from_str(&self.url).unwrap();
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        Pool::builder(manager)
            .max_size(8)
            .runtime(Runtime::Tokio1)
            .build()
            .unwrap()
    }

    /// The first column, as text, of every row `sql` returns, read on the test's own
    /// connection.
    async fn texts(&self, sql: &str) -> Vec<String> {
        let rows = self.direct.query(sql, &[]).await.unwrap();
        rows.iter().map(|row| row.get(0)).collect()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Its own thread: a runtime cannot be started inside the test's. FORCE: the pools'
        // connections may still be open.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(execute(
                    &admin,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ));
        })
        .join()
        .unwrap();
    }
}

impl Fixture for Database {
    type Store = PostgresCounters;

    async fn store(&self) -> PostgresCounters {
        PostgresCounters::new(self.pool())
    }

    async fn live_count(&self, key: &str) -> Option<u64> {
        let row = self
            .direct
            .query_opt(
                "SELECT count FROM safe_update_login_counters WHERE key = $1 AND expires > now()",
                &[&key],
            )
            .await
            .unwrap()?;
        Some(row.get::<_, i64>(0) as u64)
    }

    async fn time_left(&self, key: &str) -> Option<Duration> {
        let row = self
            .direct
            .query_opt(
                "SELECT extract(epoch FROM expires - now())::float8 \
                 FROM safe_update_login_counters WHERE key = $1",
                &[&key],
            )
            .await
            .unwrap()?;
        Some(Duration::from_secs_f64(row.get::<_, f64>(0).max(0.0)))
    }

    async fn expire_in(&self, key: &str, left: Duration) {
        let changed = self
            .direct
            .execute(
                "UPDATE safe_update_login_counters \
                 SET expires = now() + make_interval(secs => $2) WHERE key = $1",
                &[&key, &left.as_secs_f64()],
            )
            .await
            .unwrap();
        assert_eq!(changed, 1, "no counter {key}");
    }

    async fn delete(&self, key: &str) {
        let deleted = self
            .direct
            .execute(
                "DELETE FROM safe_update_login_counters WHERE key = $1",
                &[&key],
            )
            .await
            .unwrap();
        assert_eq!(deleted, 1, "no counter {key}");
    }
}

crate::counter_store_cases!(fresh);

/// The limiter suite every store passes (the library's rules over this store), each case on a
/// database of its own.
mod suite {
    use super::counter_stores::{Fixture, Kept};
    use super::{fresh, Database, PostgresCounters, VARIABLE};

    async fn store() -> Result<Kept<PostgresCounters, Database>, String> {
        let database = fresh()
            .await
            .ok_or_else(|| format!("{VARIABLE} is not set"))?;
        Ok(Kept::new(database.store().await, database))
    }

    safe_update_tests::limiter_suite!(store);
}

/// `migrate` creates what is missing and leaves what is there, counters included, however
/// many instances run it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_is_idempotent() {
    let Some(db) = fresh().await else { return };
    let store = db.store().await;
    count_once(&store, "kept").await;
    let instances: Vec<_> = (0..4)
        .map(|_| {
            let store = PostgresCounters::new(db.pool());
            tokio::spawn(async move { store.migrate().await })
        })
        .collect();
    for instance in instances {
        instance.await.unwrap().unwrap();
    }
    assert_eq!(db.live_count("kept").await, Some(1));
    let columns = db
        .texts(
            "SELECT column_name FROM information_schema.columns \
             WHERE table_name = 'safe_update_login_counters' ORDER BY ordinal_position",
        )
        .await;
    assert_eq!(columns, ["key", "count", "expires"]);
    // The longest key the rules make fits; a longer one is refused, not cut.
    let longest = "é".repeat(MAX_KEY_BYTES / 2);
    let caps = [Cap {
        key: &longest,
        max: 5,
    }];
    assert_eq!(store.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
    let longer = format!("{longest}x");
    let caps = [Cap {
        key: &longer,
        max: 5,
    }];
    assert!(store.count(&caps, WINDOW).await.is_err());
}

/// Without its table the store fails (the limiter then refuses the check), and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_is_an_error() {
    let Some(db) = fresh().await else { return };
    db.direct
        .batch_execute("DROP TABLE safe_update_login_counters")
        .await
        .unwrap();
    let store = db.store().await;
    let error = store
        .count(&[Cap { key: "k", max: 5 }], WINDOW)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("login counters in PostgreSQL: "),
        "{message}"
    );
    assert!(message.contains("safe_update_login_counters"), "{message}");
    assert!(store.release(&["k"], &[]).await.is_err());
}

/// A count that waits for a row's lock while the transaction holding it deletes the row
/// (another instance's cleanup of an expired counter): the count still counts, in a row of
/// its own. An insert that skips an existing row followed by `SELECT ... FOR UPDATE` would
/// find no row there and count nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_deleted_while_a_count_waits_is_counted() {
    let Some(db) = fresh().await else { return };
    let store = db.store().await;
    count_once(&store, "raced").await;
    db.expire_in("raced", Duration::ZERO).await;

    let mut cleaner = connect(&db.url).await;
    let tx = cleaner.transaction().await.unwrap();
    tx.execute(
        "SELECT 1 FROM safe_update_login_counters WHERE key = 'raced' FOR UPDATE",
        &[],
    )
    .await
    .unwrap();
    let counting = tokio::spawn(async move { count_once(&store, "raced").await });
    // Until the count waits for the row: no sleep decides it, the server says so.
    loop {
        let waiting: i64 = db
            .direct
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(
            !counting.is_finished(),
            "the count did not wait for the lock"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let deleted = tx
        .execute(
            "DELETE FROM safe_update_login_counters WHERE key = 'raced'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    tx.commit().await.unwrap();
    // The waiting count counted: `count_once` asserts it in the task.
    counting.await.unwrap();
    assert_eq!(db.live_count("raced").await, Some(1), "the count was lost");
}

/// Expired rows of keys never seen again do not pile up: counts delete them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_delete_expired_rows() {
    let Some(db) = fresh().await else { return };
    let store = db.store().await;
    let keys: Vec<String> = (0..150).map(|n| format!("old:{n}")).collect();
    for key in &keys {
        count_once(&store, key).await;
    }
    db.direct
        .execute(
            "UPDATE safe_update_login_counters SET expires = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();
    for fresh_key in ["new:1", "new:2"] {
        count_once(&store, fresh_key).await;
    }
    let rows = db
        .texts("SELECT key FROM safe_update_login_counters ORDER BY key")
        .await;
    assert_eq!(rows, ["new:1", "new:2"]);
}

/// Counts `key` once on `store`, under a cap of 5 it does not reach.
async fn count_once(store: &PostgresCounters, key: &str) {
    let caps = [Cap { key, max: 5 }];
    assert_eq!(store.count(&caps, WINDOW).await.unwrap(), Counted::Yes);
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|error| panic!("cannot connect to {VARIABLE}: {error}"));
    tokio::spawn(connection);
    client
}

/// Runs statements on a connection of their own.
async fn execute(url: &str, sql: &str) {
    connect(url)
        .await
        .batch_execute(sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

/// `url` with its database replaced by `name` (its query, if any, kept).
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, format!("?{query}")),
        None => (rest, String::new()),
    };
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}/{name}{query}")
}
