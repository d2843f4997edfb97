//! A password in a PostgreSQL URL, in its user info or in its query string
//! (`?password=...`, which the PostgreSQL client reads as well), never reaches a log line or
//! an error message: of a refused URL, of a failed connection, of a server's start. Nor does
//! one in the Redis URL of `--limiter`.

use std::process::Command;

use crate::common::{cli, Backend, Binary, Server, Setup};
use safe_update_demo::db::{Database, DatabaseUrl};

const SECRET: &str = "hunter2-s3cret";

/// Nothing listens on port 1: the connection fails at once.
fn unreachable_url() -> String {
    format!("postgres://root:{SECRET}@127.0.0.1:1/test?connect_timeout=5&password={SECRET}")
}

#[test]
fn a_failed_connection_does_not_tell_the_password() {
    let url: DatabaseUrl = unreachable_url().parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Err(error) = runtime.block_on(Database::open(&url)) else {
        panic!("a connection to port 1 succeeded");
    };
    assert!(error.contains("127.0.0.1:1"), "{error}");
    assert!(!error.contains(SECRET), "{error}");
}

/// The administrative command's error (the connection failed), and clap's for a URL it
/// refuses, from the option and from `DATABASE_URL`: neither quotes the password.
fn the_cli_does_not_tell_the_password(setup: Setup) {
    let mut db = setup.db();
    db.url = unreachable_url();
    let (ok, stderr) = cli(
        &db,
        &["add-user", "--username", "carol"],
        "a long enough password\n",
    );
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("cannot open postgres://root@127.0.0.1:1/test"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET), "{stderr}");

    let binary = setup.bin.path();
    let misspelt = format!("postgress://root:{SECRET}@127.0.0.1/test?password={SECRET}");
    let bad_port = format!("postgres://root@127.0.0.1:port/test?password={SECRET}");
    for url in [misspelt, bad_port] {
        let by_option = Command::new(binary)
            .args(["--database-url", &url, "--listen", "127.0.0.1:0"])
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        let by_environment = Command::new(binary)
            .args(["--listen", "127.0.0.1:0"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        for output in [by_option, by_environment] {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{stderr}");
            assert!(stderr.contains("--database-url"), "{stderr}");
            assert!(!stderr.contains(SECRET), "{stderr}");
        }
    }
}

/// A server started with a password in its URL's query (ignored by a server that trusts
/// the connection) names its database in its logs without it.
fn the_server_does_not_log_the_password(setup: Setup) {
    if setup.backend != Backend::Postgres {
        return; // An SQLite path holds no password.
    }
    let mut db = setup.db();
    let separator = if db.url.contains('?') { '&' } else { '?' };
    db.url = format!("{}{separator}password={SECRET}", db.url);
    let server = Server::start(&db);
    assert!(server.log_contains("listening"));
    assert!(
        server.logs().contains("db=postgres://"),
        "{}",
        server.logs()
    );
    assert!(!server.logs().contains(SECRET), "{}", server.logs());
    assert_eq!(server.send("GET", "/healthz", None, &[], None).status, 200);
}

/// `--limiter` refused (not a store, a Redis URL the client does not read) names the option,
/// never the password; `--limiter-prefix` without a Redis store is refused too.
#[test]
fn a_refused_limiter_option_does_not_tell_the_password() {
    let db = Setup::new(Binary::Actix).db();
    let not_redis = format!("valkey://:{SECRET}@127.0.0.1:6379");
    let bad_db = format!("redis://:{SECRET}@127.0.0.1:6379/notanumber");
    for url in [not_redis, bad_db] {
        let output = db
            .command(db.bin)
            .args(["--listen", "127.0.0.1:0"])
            .args(["--limiter", &url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains("invalid value for '--limiter <STORE>'"),
            "{stderr}"
        );
        assert!(!stderr.contains(SECRET), "{stderr}");
    }
    let output = db
        .command(db.bin)
        .args(["--listen", "127.0.0.1:0"])
        .args(["--limiter", "memory", "--limiter-prefix", "app:"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("--limiter-prefix is the prefix of keys in Redis"),
        "{stderr}"
    );
}

both_servers!(
    the_cli_does_not_tell_the_password,
    the_server_does_not_log_the_password
);
