//! PostgreSQL for the end-to-end tests. `SAFE_UPDATE_TEST_POSTGRES` names a server and a
//! database its user may connect to and create databases from (`.ci/run` sets it after
//! checking that the server answers); each test gets a database of its own, dropped when the
//! test ends, whether it passed or not. Without the variable the PostgreSQL tests are skipped,
//! and say so once.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

const VARIABLE: &str = "SAFE_UPDATE_TEST_POSTGRES";

/// Whether the PostgreSQL tests run; when they do not, says why, once per test binary.
pub fn postgres_available() -> bool {
    static SAID: Once = Once::new();
    if admin_url().is_some() {
        return true;
    }
    SAID.call_once(|| {
        // Straight to the terminal: the test harness hides what a passing test prints.
        let _ = writeln!(
            std::io::stderr(),
            "note: the PostgreSQL variants of these tests were skipped: set {VARIABLE} to a \
             server's URL (for example postgres://root@127.0.0.1:5432/test) to run them"
        );
    });
    false
}

fn admin_url() -> Option<String> {
    std::env::var(VARIABLE).ok().filter(|url| !url.is_empty())
}

/// A database created for one test; dropped with it.
pub struct Database {
    /// Its URL, for `--database-url`.
    pub url: String,
    name: String,
}

impl Database {
    /// Creates an empty database with a name no other test (of any concurrent run) uses.
    pub fn create() -> Database {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = admin_url().expect("checked by postgres_available");
        let name = format!(
            "safe_update_e2e_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        execute(&admin, &format!("CREATE DATABASE {name}"));
        Database {
            url: with_database(&admin, &name),
            name,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(admin) = admin_url() {
            // FORCE: the killed server's connections may not be gone yet.
            execute(
                &admin,
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            );
        }
    }
}

/// Runs one statement on the administrative connection.
fn execute(admin: &str, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|error| panic!("cannot connect to {VARIABLE}: {error}"));
        let connection = tokio::spawn(connection);
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
        drop(client);
        let _ = connection.await;
    });
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
