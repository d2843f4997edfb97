//! What one login reservation costs in each store of the login limiter's counters, against
//! the in-memory one (BENCHMARKS.md, "The login limiter's stores").
//!
//! `limiter_cost [--iterations N] [--rounds R]`
//!
//! The demo's limiter (`safe_update_demo::limiter::DemoLimiter`: the library's rules over each
//! store, as the server builds it) over this process's memory, a fresh SQLite file, a fresh
//! PostgreSQL database (`SAFE_UPDATE_TEST_POSTGRES` names the server; created here, dropped at
//! the end) and Redis (`SAFE_UPDATE_TEST_REDIS`, under a key prefix of this run's own). A
//! store whose variable is unset is skipped, and said so.
//!
//! Each iteration is one login's work for the limiter, sequentially, one at a time: `reserve`
//! (one count: three counters for alice from one address) then `settle` with a good password
//! (one release: two given back, one forgotten), so that the counters never fill. After 200
//! iterations of warm-up per store, R rounds (default 3) of N iterations (default 2000) each,
//! the stores taking turns within a round; each reserve and each settle is timed alone. The
//! figures are the medians over all rounds, and the ratio of each store's reserve + settle to
//! memory's.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use safe_update::auth::{Attempt, Limiter, Limits, Outcome};
use safe_update_demo::db::{Database, DatabaseUrl};
use safe_update_demo::limiter::{DemoLimiter, LimiterStore};

const WARM_UP: usize = 200;

/// One store under measurement, and its times.
struct Store {
    name: &'static str,
    limiter: DemoLimiter,
    reserve: Vec<Duration>,
    settle: Vec<Duration>,
}

impl Store {
    fn new(name: &'static str, limiter: DemoLimiter) -> Store {
        Store {
            name,
            limiter,
            reserve: Vec::new(),
            settle: Vec::new(),
        }
    }

    /// `n` reserve + settle; kept only when `timed`.
    async fn run(&mut self, n: usize, timed: bool) {
        let attempt = Attempt {
            user: "alice",
            client: Some([203, 0, 113, 9].into()),
        };
        for _ in 0..n {
            let start = Instant::now();
            if let Err(refusal) = self.limiter.reserve(attempt).await {
                panic!("{}: reserve refused: {refusal}", self.name);
            }
            let reserved = Instant::now();
            if let Err(error) = self.limiter.settle(attempt, Outcome::Succeeded).await {
                panic!("{}: settle failed: {error}", self.name);
            }
            let settled = Instant::now();
            if timed {
                self.reserve.push(reserved - start);
                self.settle.push(settled - reserved);
            }
        }
    }
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

fn micros(time: Duration) -> String {
    format!("{:.1} µs", time.as_secs_f64() * 1e6)
}

fn options() -> (usize, usize) {
    let (mut iterations, mut rounds) = (2000, 3);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: usize = args
            .next()
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--iterations" => iterations = value.max(1),
            "--rounds" => rounds = value.max(1),
            _ => panic!("unknown option {flag}"),
        }
    }
    (iterations, rounds)
}

/// The server's URL in `variable`, or `None`, said.
fn server(variable: &str, store: &str) -> Option<String> {
    let url = std::env::var(variable).ok().filter(|url| !url.is_empty());
    if url.is_none() {
        eprintln!("{store}: skipped ({variable} is not set)");
    }
    url
}

/// `admin` (a server URL) with its database replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let base = admin.split('?').next().unwrap_or(admin);
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    format!("{server}/{name}")
}

async fn admin_execute(admin: &str, sql: &str) -> Result<(), String> {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
        .await
        .map_err(|error| format!("PostgreSQL: {error}"))?;
    let connection = tokio::spawn(connection);
    client
        .batch_execute(sql)
        .await
        .map_err(|error| format!("{sql}: {error}"))?;
    drop(client);
    let _ = connection.await;
    Ok(())
}

fn main() -> Result<(), String> {
    let (iterations, rounds) = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(async {
        let limits = Limits::default();
        let dir = std::env::temp_dir().join(format!("limiter_cost_{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|error| error.to_string())?;
        let sqlite = Database::open(&DatabaseUrl::Sqlite(dir.join("demo.db"))).await?;
        let limiter = |store: &LimiterStore, db: &Database| DemoLimiter::new(store, db, limits);
        let mut stores = vec![
            Store::new("memory", limiter(&LimiterStore::Memory, &sqlite)?),
            Store::new("SQLite file", limiter(&LimiterStore::Database, &sqlite)?),
        ];
        let postgres = server("SAFE_UPDATE_TEST_POSTGRES", "PostgreSQL");
        let name = format!("safe_update_limiter_cost_{}", std::process::id());
        if let Some(admin) = &postgres {
            admin_execute(admin, &format!("CREATE DATABASE {name}")).await?;
            let url: DatabaseUrl = with_database(admin, &name).parse()?;
            let db = Database::open(&url).await?;
            stores.push(Store::new(
                "PostgreSQL",
                limiter(&LimiterStore::Database, &db)?,
            ));
        }
        if let Some(url) = server("SAFE_UPDATE_TEST_REDIS", "Redis") {
            let store = LimiterStore::Redis {
                url: url.parse()?,
                prefix: format!("safe-update-limiter-cost:{}:", std::process::id()),
            };
            let redis = limiter(&store, &sqlite)?;
            redis.ready().await?;
            stores.push(Store::new("Redis", redis));
        }

        for store in &mut stores {
            store.run(WARM_UP, false).await;
        }
        for _ in 0..rounds {
            for store in &mut stores {
                store.run(iterations, true).await;
            }
        }

        println!(
            "{rounds} rounds x {iterations} sequential reserve + settle (Succeeded) per store, \
             medians"
        );
        println!("| store | reserve | settle | reserve + settle | / memory |");
        println!("|---|---|---|---|---|");
        let total = |store: &Store| -> Vec<Duration> {
            let pairs = store.reserve.iter().zip(&store.settle);
            pairs.map(|(reserve, settle)| *reserve + *settle).collect()
        };
        let memory = median(&total(&stores[0])).as_secs_f64();
        for store in &stores {
            let both = median(&total(store));
            println!(
                "| {} | {} | {} | {} | {:.1}x |",
                store.name,
                micros(median(&store.reserve)),
                micros(median(&store.settle)),
                micros(both),
                both.as_secs_f64() / memory
            );
        }

        drop(stores);
        drop(sqlite);
        let _ = std::fs::remove_dir_all(&dir);
        if let Some(admin) = &postgres {
            admin_execute(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await?;
        }
        Ok(())
    })
}
