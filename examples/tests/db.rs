//! The database layer on a real file: migrations, WAL, users, column-wise updates, reopening.

use safe_update::Patch;
use safe_update_demo::db::{self, Db};
use safe_update_demo::model::UserPatch;

#[test]
fn users_are_created_updated_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let db = Db::open(&path).unwrap();
    let alice = db
        .with(|conn| db::insert_user(conn, "alice", false, "$argon2id$fake"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (alice.version, alice.email.as_str()),
        (1, "alice@example.org")
    );
    let taken = db
        .with(|conn| db::insert_user(conn, "alice", true, "x"))
        .unwrap();
    assert!(taken.is_none(), "a taken name is not overwritten");

    let mut user = alice.clone();
    let patch: UserPatch =
        safe_update::from_json(br#"{"bio":"hi","email":"alice@example.org"}"#).unwrap();
    let applied = patch.apply_as(&mut user, &alice).unwrap();
    assert_eq!(applied.changed_top_level(), ["bio"]);
    db.with(|conn| db::write_changes(conn, &mut user, &applied.changed_top_level()))
        .unwrap();
    assert_eq!(user.version, 2);
    drop(db);

    let db = Db::open(&path).unwrap();
    let mode: String = db
        .with(|conn| conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)))
        .unwrap();
    assert_eq!(mode, "wal");
    let stored = db
        .with(|conn| db::user_by_name(conn, "alice"))
        .unwrap()
        .unwrap();
    assert_eq!((stored.bio.as_deref(), stored.version), (Some("hi"), 2));
    assert_eq!(stored.password_hash, "$argon2id$fake");
    assert!(db
        .with(|conn| db::set_password(conn, "alice", "$new"))
        .unwrap());
    assert!(!db
        .with(|conn| db::set_password(conn, "nobody", "$new"))
        .unwrap());
    assert_eq!(db.with(|conn| db::count_users(conn)).unwrap(), 1);
}

#[test]
fn only_writable_columns_can_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("demo.db")).unwrap();
    let mut alice = db
        .with(|conn| db::insert_user(conn, "alice", false, "h"))
        .unwrap()
        .unwrap();
    let error = db
        .with(|conn| db::write_changes(conn, &mut alice, &["password_hash"]))
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
fn the_writer_rolls_back_a_transaction_left_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("demo.db")).unwrap();
    db.write(|conn| db::insert_user(conn, "alice", false, "h"))
        .unwrap()
        .unwrap();
    let error = db
        .write(|conn| {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            db::set_password(conn, "alice", "$new")?;
            Err::<(), _>(rusqlite::Error::InvalidQuery)
        })
        .unwrap_err();
    assert!(matches!(error, rusqlite::Error::InvalidQuery));
    let alice = db
        .with(|conn| db::user_by_name(conn, "alice"))
        .unwrap()
        .unwrap();
    assert_eq!(
        alice.password_hash, "h",
        "the open transaction was rolled back"
    );
    assert!(db
        .write(|conn| db::set_password(conn, "alice", "$new"))
        .unwrap());
}

#[test]
fn every_connection_commits_with_full_sync() {
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
