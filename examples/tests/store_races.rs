//! The database layer where another transaction gets in the way, at the moment the test
//! chooses: a second connection holds a lock, the test sees the demo's transaction wait for it
//! (PostgreSQL's `pg_stat_activity`, SQLite's busy handler), then changes the data and lets it
//! go on. And a read that fails is called a read.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::common::direct::{block_on, fresh, open};
use crate::common::{Backend, TestDb};
use safe_update::auth::{hash_password, Attempt, Identity, Limiter, Limits};
use safe_update_demo::account::{self, NewUserBody};
use safe_update_demo::api;
use safe_update_demo::db::Database;
use safe_update_demo::error::ApiError;
use safe_update_demo::limiter::{DemoLimiter, LimiterStore};
use safe_update_demo::model::User;
use safe_update_demo::server::{Options, Shared};

/// A connection of the test's own to the PostgreSQL database of `db`.
async fn connect(db: &TestDb) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// Returns once another session of `observer`'s database waits for a lock, or once `done()`
/// (the code under test did not wait at all). Panics after a minute of neither.
async fn until_waiting_or(observer: &tokio_postgres::Client, done: impl Fn() -> bool) {
    // Each query is a transaction of its own, so each sees the activity of now.
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                   AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()";
    for _ in 0..6000 {
        if done() {
            return;
        }
        let count: i64 = observer.query_one(waiting, &[]).await.unwrap().get(0);
        if count > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("nothing waited for the test's lock, and nothing finished");
}

/// The body of a `POST /users` of carol, an admin.
fn carol() -> NewUserBody {
    let json = r#"{"username":"carol","password":"a long password","display_name":"Carol","email":"carol@example.org","is_admin":true}"#;
    safe_update::from_json(json.as_bytes()).unwrap()
}

/// Root, authenticated as an admin, creating carol (an admin too) through the demo's account
/// creation, as `POST /users` does: the authenticator made at the call, the creation run
/// when polled.
fn root_creates_carol(
    db: &Database,
) -> impl Future<Output = Result<Option<User>, ApiError>> + Send + 'static {
    let auth = Shared::new(db.clone(), Options::default()).unwrap().auth;
    let db = db.clone();
    async move {
        let root = Identity::new("root", ["admin"]);
        account::create(&db, &root, carol(), &auth).await
    }
}

/// The creation was refused for want of the admin role, and carol does not exist.
async fn nobody_created(creation: Result<Option<User>, ApiError>, db: &Database) {
    let Err(error) = creation else {
        panic!("created by a creator demoted before the insert: {creation:?}")
    };
    assert_eq!(error.problem().code(), "role_required");
    assert!(db.user("carol").await.unwrap().is_none());
}

/// Set by [`note_the_wait`]: the demo's SQLite writer met a lock another connection holds.
static WRITER_WAITED: AtomicBool = AtomicBool::new(false);

/// The busy handler of the demo's writer connection in the SQLite test: notes the wait, then
/// keeps waiting (the test releases the lock as soon as it sees the note).
fn note_the_wait(_attempts: i32) -> bool {
    WRITER_WAITED.store(true, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(2));
    true
}

/// SQLite: root authenticated as an admin, then, once the password is hashed and while the
/// demo waits for the write lock, another connection's demotion of root commits. The roles
/// that decide are those the inserting transaction reads: nobody is created. (Read before the
/// hash, outside the transaction, they were still root's old ones, and carol was created.)
#[test]
fn a_creator_demoted_before_the_insert_creates_nobody_on_sqlite() {
    let test_db = fresh(Backend::Sqlite).unwrap();
    block_on(async {
        let db = open(&test_db).await;
        let hash = hash_password("root's long password").unwrap();
        db.insert_user("root", true, &hash).await.unwrap().unwrap();
        let Database::Sqlite(inner) = &db else {
            unreachable!()
        };
        inner
            .write(|conn| conn.busy_handler(Some(note_the_wait)))
            .unwrap();
        let path = test_db.url.strip_prefix("sqlite:").unwrap();
        let demoter = rusqlite::Connection::open(path).unwrap();
        demoter
            .execute_batch("BEGIN IMMEDIATE; UPDATE users SET is_admin = 0 WHERE username = 'root'")
            .unwrap();

        let creation = tokio::spawn(root_creates_carol(&db));
        for _ in 0..60_000 {
            if WRITER_WAITED.load(Ordering::SeqCst) || creation.is_finished() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(
            WRITER_WAITED.load(Ordering::SeqCst),
            "the writer never waited"
        );
        demoter.execute_batch("COMMIT").unwrap();

        nobody_created(creation.await.unwrap(), &db).await;
        assert!(!db.user("root").await.unwrap().unwrap().is_admin);
    });
}

/// PostgreSQL: the same, the demotion an open transaction of the test's that commits once the
/// demo's creation waits for the creator's row (or, read outside its transaction, has created
/// carol already).
#[test]
fn a_creator_demoted_before_the_insert_creates_nobody_on_postgres() {
    let Some(test_db) = fresh(Backend::Postgres) else {
        return;
    };
    block_on(async {
        let db = open(&test_db).await;
        let hash = hash_password("root's long password").unwrap();
        db.insert_user("root", true, &hash).await.unwrap().unwrap();
        let (demoter, observer) = (connect(&test_db).await, connect(&test_db).await);
        demoter
            .batch_execute("BEGIN; UPDATE users SET is_admin = false WHERE username = 'root'")
            .await
            .unwrap();

        let creation = tokio::spawn(root_creates_carol(&db));
        until_waiting_or(&observer, || creation.is_finished()).await;
        demoter.batch_execute("COMMIT").await.unwrap();

        nobody_created(creation.await.unwrap(), &db).await;
        // A creator who is still an admin creates, through the same transaction.
        demoter
            .execute(
                "UPDATE users SET is_admin = true WHERE username = 'root'",
                &[],
            )
            .await
            .unwrap();
        let created = root_creates_carol(&db).await.unwrap();
        assert!(created.unwrap().is_admin);
    });
}

/// PostgreSQL's login counters (the library's `PostgresCounters`, over the demo's pool): a
/// reservation has passed the first of its counters (alice's, expired) and waits for the
/// second, which a concurrent cleanup is deleting (uncommitted); meanwhile another cleanup of
/// expired counters (what every count ends with) runs. The first counter is the
/// reservation's from the moment it was passed: the cleanup skips it, and the attempt is
/// counted under every key. (With an insert that skipped an existing row, without locking it,
/// and a `SELECT ... FOR UPDATE` of all the rows after the inserts, the cleanup deleted that
/// row in between, the `SELECT` found nothing, and the check went uncounted under it.)
#[test]
fn a_counter_the_cleanup_deletes_mid_reservation_still_counts() {
    let Some(test_db) = fresh(Backend::Postgres) else {
        return;
    };
    block_on(async {
        let db = open(&test_db).await;
        let limits = Limits::default();
        let limiter = DemoLimiter::new(&LimiterStore::Database, &db, limits).unwrap();
        let attempt = Attempt {
            user: "alice",
            client: None,
        };
        let (holder, others) = (connect(&test_db).await, connect(&test_db).await);
        // Both counters (locked in this order: by key) expired an hour ago; a cleanup under
        // way has deleted the second.
        holder
            .batch_execute(
                "INSERT INTO safe_update_login_counters (key, count, expires) VALUES \
                 ('u:alice', 3, now() - interval '1 hour'), \
                 ('uc:-:alice', 2, now() - interval '1 hour')",
            )
            .await
            .unwrap();
        holder
            .batch_execute("BEGIN; DELETE FROM safe_update_login_counters WHERE key = 'uc:-:alice'")
            .await
            .unwrap();

        let reservation = tokio::spawn(async move { limiter.reserve(attempt).await });
        until_waiting_or(&others, || reservation.is_finished()).await;
        assert!(
            !reservation.is_finished(),
            "the reservation waits for uc:-:alice"
        );
        // The cleanup of a concurrent count: expired rows no transaction holds.
        others
            .batch_execute(
                "DELETE FROM safe_update_login_counters WHERE key IN (\
                 SELECT key FROM safe_update_login_counters WHERE expires <= now() \
                 FOR UPDATE SKIP LOCKED)",
            )
            .await
            .unwrap();
        holder.batch_execute("COMMIT").await.unwrap();
        let granted = reservation.await.unwrap();
        assert!(granted.is_ok(), "{granted:?}");

        let rows = others
            .query(
                "SELECT key, count FROM safe_update_login_counters ORDER BY key",
                &[],
            )
            .await
            .unwrap();
        let counted: Vec<(String, i64)> = rows.iter().map(|row| (row.get(0), row.get(1))).collect();
        // Expired, each counter starts again at 1: this check.
        assert_eq!(
            counted,
            [("u:alice".to_owned(), 1), ("uc:-:alice".to_owned(), 1)],
            "every key counts the check"
        );
    });
}

/// A read the database fails (here its table is gone) is answered as a failed read: 500, in
/// words that never speak of an update.
#[test]
fn a_failed_read_is_not_called_an_update() {
    let test_db = fresh(Backend::Sqlite).unwrap();
    block_on(async {
        let db = open(&test_db).await;
        db.insert_user("alice", false, "h").await.unwrap().unwrap();
        let path = test_db.url.strip_prefix("sqlite:").unwrap();
        rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch("ALTER TABLE users RENAME TO gone")
            .unwrap();
        let error = api::read(&db, "alice").await.unwrap_err();
        let problem = error.problem();
        assert_eq!((problem.status(), problem.code()), (500, "database_error"));
        assert_eq!(
            problem.detail(),
            "the database failed; the user could not be read"
        );
    });
}
