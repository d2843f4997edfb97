//! The database layer on real databases: what both backends must do alike (users, updates in
//! one transaction, the roles of the moment of the write, the login counters shared by every
//! instance), then what only SQLite has (WAL, full sync, the writer's rollback).

use std::sync::Arc;
use std::time::Duration;

use crate::common::direct::{block_on, fresh, open};
use crate::common::{Backend, TestDb};
use safe_update::auth::{Attempt, Identity, Limiter, Limits, Outcome, Refusal};
use safe_update::web::PatchRejection;
use safe_update::Patch;
use safe_update_demo::db::sqlite::{self, Db};
use safe_update_demo::limiter::{DemoLimiter, LimiterStore};
use safe_update_demo::model::{User, UserPatch};
use safe_update_demo::precondition::if_match;
use safe_update_demo::update::{Apply, Sender, UpdateError};

fn patch(json: &str) -> Apply {
    let patch: UserPatch = safe_update::from_json(json.as_bytes()).unwrap();
    Box::new(move |user: &mut User, now: &Identity| {
        patch.apply_as(user, now).map_err(PatchRejection::from)
    })
}

fn sender(name: &str, needs_admin: bool) -> Sender {
    Sender {
        name: name.to_owned(),
        needs_admin,
    }
}

/// Runs `test` on SQLite and, when configured, on PostgreSQL.
fn on_both(test: fn(TestDb) -> ()) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(db) = fresh(backend) {
            test(db);
        }
    }
}

#[test]
fn users_are_created_updated_and_survive_reopening() {
    on_both(|test_db| {
        block_on(async {
            let db = open(&test_db).await;
            let alice = db.insert_user("alice", false, "$argon2id$fake").await;
            let alice = alice.unwrap().unwrap();
            assert_eq!(
                (alice.version, alice.email.as_str()),
                (1, "alice@example.org")
            );
            let taken = db.insert_user("alice", true, "x").await.unwrap();
            assert!(taken.is_none(), "a taken name is not overwritten");

            let same = patch(r#"{"email":"alice@example.org"}"#);
            let (user, changed) = db
                .update(sender("alice", false), "alice".into(), same, None)
                .await
                .unwrap();
            assert_eq!((changed.len(), user.version), (0, 1), "nothing changed");
            let (user, changed) = db
                .update(
                    sender("alice", false),
                    "alice".into(),
                    patch(r#"{"bio":"hi"}"#),
                    None,
                )
                .await
                .unwrap();
            assert_eq!((changed, user.version), (vec!["bio"], 2));
            assert!(user.updated_at >= alice.updated_at);
            drop(db);

            let db = open(&test_db).await;
            let stored = db.user("alice").await.unwrap().unwrap();
            assert_eq!((stored.bio.as_deref(), stored.version), (Some("hi"), 2));
            assert_eq!(stored.password_hash, "$argon2id$fake");
            assert_eq!(stored.created_at, alice.created_at);
            assert!(db.set_password("alice", "$new").await.unwrap());
            assert!(!db.set_password("nobody", "$new").await.unwrap());
            assert_eq!(db.count_users().await.unwrap(), 1);
        })
    });
}

/// An admin demoted between authenticating and writing: the transaction reads the roles again.
#[test]
fn roles_are_those_of_the_moment_of_the_write() {
    on_both(|test_db| {
        block_on(async {
            let db = open(&test_db).await;
            for (name, admin) in [("boss", true), ("alice", false)] {
                db.insert_user(name, admin, "h").await.unwrap().unwrap();
            }
            // The request authenticated while boss was an admin; then boss is demoted.
            let demote = patch(r#"{"is_admin":false}"#);
            let (boss, _) = db
                .update(sender("boss", true), "boss".into(), demote, None)
                .await
                .unwrap();
            assert!(!boss.is_admin);
            let promote = || patch(r#"{"is_admin":true}"#);
            // The admin route: refused before anything is written.
            let refused = db
                .update(sender("boss", true), "alice".into(), promote(), None)
                .await;
            assert!(
                matches!(refused, Err(UpdateError::RoleRevoked)),
                "{refused:?}"
            );
            // Its own profile: the gated field is judged on the roles of now.
            let refused = db
                .update(sender("boss", false), "boss".into(), promote(), None)
                .await;
            let Err(UpdateError::Refused(rejection)) = refused else {
                panic!("{refused:?}")
            };
            assert_eq!(rejection.code(), "role_required");
            let alice = db.user("alice").await.unwrap().unwrap();
            let boss = db.user("boss").await.unwrap().unwrap();
            assert!(!boss.is_admin && !alice.is_admin);
            assert_eq!((boss.version, alice.version), (2, 1));
            // Nobody to update, and a stale version: refused, nothing written.
            let nobody = db
                .update(sender("boss", false), "nobody".into(), promote(), None)
                .await;
            assert!(matches!(nobody, Err(UpdateError::NotFound)), "{nobody:?}");
            let v9 = if_match([&b"\"v9\""[..]].into_iter()).unwrap();
            let bio = patch(r#"{"bio":"late"}"#);
            let stale = db
                .update(sender("alice", false), "alice".into(), bio, v9)
                .await;
            assert!(matches!(stale, Err(UpdateError::Stale(1))), "{stale:?}");
            assert_eq!(db.user("alice").await.unwrap().unwrap().bio, None);
        })
    });
}

/// The login counters live in the database: two handles on one database (two instances)
/// share them, and a burst spread over both gets exactly the limit, however it interleaves.
#[test]
fn instances_share_the_login_counters() {
    on_both(|test_db| {
        block_on(async {
            let limits = Limits::default();
            let limiter = |db| DemoLimiter::new(&LimiterStore::Database, &db, limits).unwrap();
            let first = Arc::new(limiter(open(&test_db).await));
            let second = Arc::new(limiter(open(&test_db).await));
            let guess = Attempt {
                user: "alice",
                client: Some([203, 0, 113, 9].into()),
            };
            let mut tasks = Vec::new();
            for i in 0..24 {
                let limiter = Arc::clone(if i % 2 == 0 { &first } else { &second });
                tasks.push(tokio::spawn(async move { limiter.reserve(guess).await }));
            }
            let mut granted = 0;
            for task in tasks {
                match task.await.unwrap() {
                    Ok(()) => granted += 1,
                    Err(Refusal::Throttled { retry_after }) => {
                        assert!(retry_after <= Duration::from_secs(60));
                    }
                    Err(refusal) => panic!("{refusal}"),
                }
            }
            assert_eq!(granted, limits.per_user_and_client, "per user and client");
            // A good password from that client gives its attempt back and forgets the others.
            second.settle(guess, Outcome::Succeeded).await.unwrap();
            assert!(first.reserve(guess).await.is_ok());
            // Another client is counted apart; the per-user total (100) is far away.
            let elsewhere = Attempt {
                client: Some([198, 51, 100, 7].into()),
                ..guess
            };
            assert!(second.reserve(elsewhere).await.is_ok());
        })
    });
}

#[test]
fn only_writable_columns_can_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("demo.db")).unwrap();
    let mut alice = db
        .with(|conn| sqlite::insert_user(conn, "alice", false, "h"))
        .unwrap()
        .unwrap();
    let error = db
        .with(|conn| sqlite::write_changes(conn, &mut alice, &["password_hash"]))
        .unwrap_err();
    assert!(error.to_string().contains("password_hash"), "{error}");
    assert_eq!(
        UserPatch::SERVER_ONLY,
        [
            "id",
            "username",
            "password_hash",
            "version",
            "created_at",
            "updated_at"
        ]
    );
}

#[test]
fn sqlite_writes_ahead_and_rolls_back_a_transaction_left_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("demo.db")).unwrap();
    let mode: String = db
        .with(|conn| conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)))
        .unwrap();
    assert_eq!(mode, "wal");
    db.write(|conn| sqlite::insert_user(conn, "alice", false, "h"))
        .unwrap()
        .unwrap();
    let error = db
        .write(|conn| {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            sqlite::set_password(conn, "alice", "$new")?;
            Err::<(), _>(rusqlite::Error::InvalidQuery)
        })
        .unwrap_err();
    assert!(matches!(error, rusqlite::Error::InvalidQuery));
    let alice = db
        .with(|conn| sqlite::user_by_name(conn, "alice"))
        .unwrap()
        .unwrap();
    assert_eq!(
        alice.password_hash, "h",
        "the open transaction was rolled back"
    );
    assert!(db
        .write(|conn| sqlite::set_password(conn, "alice", "$new"))
        .unwrap());
}

#[test]
fn every_sqlite_connection_commits_with_full_sync() {
    // SIGKILL (scripts/reliability.sh) leaves the OS page cache intact, so it cannot show that
    // a commit reached the disk; `synchronous=FULL` on every connection is what makes it so.
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("demo.db")).unwrap();
    let full = 2;
    let reader: i64 = db
        .with(|conn| conn.query_row("PRAGMA synchronous", [], |row| row.get(0)))
        .unwrap();
    let writer: i64 = db
        .write(|conn| conn.query_row("PRAGMA synchronous", [], |row| row.get(0)))
        .unwrap();
    assert_eq!((reader, writer), (full, full));
}
