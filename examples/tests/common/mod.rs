//! What the tests share. Here: runs a real binary (the actix or the axum server) on
//! `127.0.0.1:0` over a fresh database (an SQLite file in a temporary directory, or a
//! PostgreSQL database created for the test and dropped after it), and talks to it over HTTP.
//! Beside it: one request's answers from several servers, which must be alike ([`alike`]),
//! the database layer without a server ([`direct`]), the login counters on one
//! SQLite file ([`on_one_file`]) and Redis ([`redis`]).

pub mod alike;
pub mod direct;
pub mod on_one_file;
mod postgres;
pub mod redis;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;

pub use postgres::postgres_available;

/// Which server binary: both have the same command line, routes and answers, and every
/// end-to-end test runs against each ([`both_servers!`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// `safe-update-demo`.
    Actix,
    /// `safe-update-demo-axum`.
    Axum,
}

impl Binary {
    /// Where cargo built it for these tests.
    pub fn path(self) -> &'static str {
        match self {
            Binary::Actix => env!("CARGO_BIN_EXE_safe-update-demo"),
            Binary::Axum => env!("CARGO_BIN_EXE_safe-update-demo-axum"),
        }
    }
}

/// Which database the server keeps its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL database (`SAFE_UPDATE_TEST_POSTGRES`).
    Postgres,
}

/// One configuration an end-to-end test runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    pub bin: Binary,
    pub backend: Backend,
}

impl Setup {
    /// `bin` on SQLite.
    pub fn new(bin: Binary) -> Setup {
        Setup {
            bin,
            backend: Backend::Sqlite,
        }
    }

    /// A fresh, empty database for a server of this setup.
    pub fn db(self) -> TestDb {
        match self.backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("demo.db");
                TestDb {
                    bin: self.bin,
                    url: format!("sqlite:{}", path.display()),
                    _keep: Keep::Dir { _dir: dir },
                }
            }
            Backend::Postgres => {
                let database = postgres::Database::create();
                TestDb {
                    bin: self.bin,
                    url: database.url.clone(),
                    _keep: Keep::Postgres {
                        _database: database,
                    },
                }
            }
        }
    }
}

/// A test's database, removed when dropped, and the binary that serves it.
pub struct TestDb {
    pub bin: Binary,
    /// For `--database-url`.
    pub url: String,
    _keep: Keep,
}

impl TestDb {
    /// `bin` on this database: `bin --database-url URL`, for more arguments to follow.
    pub fn command(&self, bin: Binary) -> Command {
        let mut command = Command::new(bin.path());
        command.arg("--database-url").arg(&self.url);
        command
    }
}

/// What a test's database lives in, held only to be removed when dropped.
enum Keep {
    Dir { _dir: tempfile::TempDir },
    Postgres { _database: postgres::Database },
}

/// For each test function named (taking a [`Setup`]), a test per server and database:
/// `actix_sqlite::NAME`, `axum_sqlite::NAME`, `actix_postgres::NAME`, `axum_postgres::NAME`.
/// Without `SAFE_UPDATE_TEST_POSTGRES` the PostgreSQL ones say they are skipped, and pass.
macro_rules! both_servers {
    ($($test:ident),* $(,)?) => {
        both_servers!(@on actix_sqlite, Actix, Sqlite, $($test),*);
        both_servers!(@on axum_sqlite, Axum, Sqlite, $($test),*);
        both_servers!(@on actix_postgres, Actix, Postgres, $($test),*);
        both_servers!(@on axum_postgres, Axum, Postgres, $($test),*);
    };
    (@on $module:ident, $bin:ident, $backend:ident, $($test:ident),*) => {
        mod $module {
            use crate::common::{Backend, Binary, Setup};
            $(
                #[test]
                fn $test() {
                    let setup = Setup { bin: Binary::$bin, backend: Backend::$backend };
                    if setup.backend == Backend::Postgres && !crate::common::postgres_available() {
                        return;
                    }
                    super::$test(setup)
                }
            )*
        }
    };
}

/// A running server: killed with SIGKILL when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Passwords of the users seeded at this start (none when the database had users).
    pub seeded: HashMap<String, String>,
    logs: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

/// Runs the binary with `args` after `--database-url URL`, feeding `stdin`; returns
/// (success, stderr).
pub fn cli(db: &TestDb, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = db
        .command(db.bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads its input closes the pipe: not the test's concern.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), stderr)
}

/// The `Authorization` value of Basic credentials.
pub fn basic((user, password): (&str, &str)) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

impl Server {
    /// Starts the server on `db` and waits for its `listening on` line.
    pub fn start(db: &TestDb) -> Server {
        Server::start_with(db, &[])
    }

    /// [`Server::start`] with more command-line arguments.
    pub fn start_with(db: &TestDb, args: &[&str]) -> Server {
        Server::start_as(db.bin, db, args)
    }

    /// Another instance on the database of `db`, served by `bin`.
    pub fn start_as(bin: Binary, db: &TestDb, args: &[&str]) -> Server {
        let mut child = db
            .command(bin)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            let mut chunk = [0; 4096];
            while let Ok(read @ 1..) = stderr.read(&mut chunk) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..read]));
            }
        });
        let (lines, received) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let mut seeded = HashMap::new();
        let base = loop {
            let line = received
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| {
                    panic!("no `listening on` line; stderr:\n{}", logs.lock().unwrap())
                });
            if let Some(url) = line.strip_prefix("listening on ") {
                break url.to_owned();
            }
            // "created user NAME ... password: SECRET"
            if let Some(rest) = line.strip_prefix("created user ") {
                let name = rest.split_whitespace().next().unwrap().to_owned();
                let password = rest.rsplit("password: ").next().unwrap().to_owned();
                seeded.insert(name, password);
            }
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server {
            child,
            base,
            seeded,
            logs,
            agent,
        }
    }

    /// Everything the server wrote to stderr so far (its logs).
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Waits up to 5 s for the logs to contain `needle` (they are written after the response).
    pub fn log_contains(&self, needle: &str) -> bool {
        for _ in 0..100 {
            if self.logs().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Sends a request; `auth` is `(user, password)`, `body` is `(content type, bytes)`.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        auth: Option<(&str, &str)>,
        headers: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Response {
        match self.try_send(method, path, auth, headers, body) {
            Ok(response) => response,
            // A kept-alive connection that the server closed (after refusing a body it did
            // not read, with `Connection: close`) can still be in the client's pool for an
            // instant; as browsers do, an idempotent request found it closed is sent again,
            // on a new connection. Anything else, or a second failure, fails the test.
            Err(ureq::Error::Io(error))
                if method == "GET" && error.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                self.try_send(method, path, auth, headers, body).unwrap()
            }
            Err(error) => panic!("{method} {path}: {error}"),
        }
    }

    fn try_send(
        &self,
        method: &str,
        path: &str,
        auth: Option<(&str, &str)>,
        headers: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Result<Response, ureq::Error> {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", basic(auth));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let sent = match body {
            Some((content_type, bytes)) => {
                request = request.header("Content-Type", content_type);
                self.agent.run(request.body(bytes).unwrap())
            }
            None => {
                if matches!(method, "POST" | "PUT" | "PATCH") {
                    // `Content-Length: 0`, as RFC 9110 asks of these methods without content.
                    // Left to the client, an empty chunked body follows the head: a server
                    // that answers before reading it (a 405, a 401) then closes the
                    // connection, and the client may send its next request on it in the
                    // instant before it sees the close.
                    request = request.header("Content-Length", "0");
                }
                self.agent.run(request.body(()).unwrap())
            }
        };
        let mut response = sent?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|value| value.to_str().unwrap().to_owned())
        };
        let (etag, retry_after, challenge) = (
            header("etag"),
            header("retry-after"),
            header("www-authenticate"),
        );
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
            .collect();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        Ok(Response {
            status: response.status().as_u16(),
            headers,
            json: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            text,
            etag,
            retry_after,
            challenge,
        })
    }

    /// `GET path` as `user`.
    pub fn get(&self, path: &str, auth: (&str, &str)) -> Response {
        self.send("GET", path, Some(auth), &[], None)
    }

    /// `PATCH path` with a JSON body as `user`.
    pub fn patch(&self, path: &str, auth: (&str, &str), json: &str) -> Response {
        let body = Some(("application/json", json.as_bytes()));
        self.send("PATCH", path, Some(auth), &[], body)
    }

    /// The seeded credentials of `user`.
    pub fn login(&self, user: &str) -> (String, String) {
        (user.to_owned(), self.seeded[user].clone())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGKILL, like `kill -9`: nothing is flushed on the way out.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What came back.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// The body parsed as JSON (`Null` when it is not).
    pub json: serde_json::Value,
    /// The body as text.
    pub text: String,
    /// `ETag` header.
    pub etag: Option<String>,
    /// `Retry-After` header.
    pub retry_after: Option<String>,
    /// `WWW-Authenticate` header.
    pub challenge: Option<String>,
    /// Every header, as (lower-case name, value).
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// The value of the header `name` (lower case), if there is one.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self.headers.iter().filter(|(key, _)| key == name);
        found.next().map(|(_, value)| value.as_str())
    }

    /// The machine-readable code of a refusal.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    /// A refusal as a test asserts it whole: its status, its `code`, and every member besides
    /// the five that every problem has (`type`, `title`, `status`, `detail`, `code`): the lists
    /// a client fixes its request by. A member added, dropped or changed fails the comparison.
    pub fn problem(&self) -> (u16, &str, serde_json::Value) {
        let mut members = self.json.clone();
        if let serde_json::Value::Object(map) = &mut members {
            for every_problem_has in ["type", "title", "status", "detail", "code"] {
                map.remove(every_problem_has);
            }
        }
        (self.status, self.code(), members)
    }

    /// The pointers a JSON Patch refusal lists under `operations`, each as
    /// `[index, member, pointer, problem]` (its `detail` aside).
    pub fn refused_operations(&self) -> Vec<serde_json::Value> {
        self.json["operations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|refusal| {
                serde_json::json!([
                    refusal["index"],
                    refusal["member"],
                    refusal["pointer"],
                    refusal["problem"]
                ])
            })
            .collect()
    }

    /// What a refusal lists under `member`: the keys of an object, the items of an array (a
    /// `denied` item by its `field`).
    pub fn listed(&self, member: &str) -> Vec<String> {
        match &self.json[member] {
            serde_json::Value::Object(map) => map.keys().cloned().collect(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::String(text) => text.clone(),
                    other => other["field"].as_str().unwrap_or("?").to_owned(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The members of a refused document (server-only, unknown, repeated, missing or ill-typed
/// keys), as [`Response::problem`] gives them: every list, empty unless `listed` names it.
pub fn document(listed: serde_json::Value) -> serde_json::Value {
    let lists = serde_json::json!({
        "forbidden": [], "unknown": [], "duplicate": [], "missing": [], "invalid": {},
    });
    filled(lists, listed)
}

/// The members of a refused apply or build (gated fields without the role, values a
/// validator refuses): `denied` and `invalid`, empty unless `listed` gives them.
pub fn applied(listed: serde_json::Value) -> serde_json::Value {
    filled(serde_json::json!({"denied": [], "invalid": {}}), listed)
}

fn filled(mut lists: serde_json::Value, listed: serde_json::Value) -> serde_json::Value {
    for (name, value) in listed.as_object().expect("an object of lists") {
        assert!(lists.get(name).is_some(), "no list {name} in {lists}");
        lists[name] = value.clone();
    }
    lists
}
