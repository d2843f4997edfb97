//! The demo's login limiter: the library's rules (`safe_update::auth::StoreLimiter`: its
//! limits, reserve before argon2 and settle once, IPv6 prefixes, forgetting on success) over
//! counters that every instance of the server shares, so that N instances allow what one
//! does, not N times as much.
//!
//! Where the counters live (`--limiter`): by default in the database, the library's
//! `PostgresCounters` over the demo's pool on PostgreSQL, or a table of the SQLite file
//! ([`SqliteCounters`], the one store the demo writes itself: the primitive, not the rules);
//! or in Redis (`RedisCounters`, whichever the database); or, for comparison, in this
//! process alone (`MemoryLimiter`: each instance then allows the limits again).

mod redis_url;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use deadpool_redis::{PoolConfig, Runtime, Timeouts};
use safe_update::auth::{
    Attempt, Limiter, LimiterError, Limits, MemoryLimiter, Outcome, PostgresCounters,
    RedisCounters, Refusal, StoreLimiter,
};

use crate::db::sqlite_counters::SqliteCounters;
use crate::db::Database;

pub use redis_url::RedisUrl;

/// Redis connections at most, per instance (as PostgreSQL's pool).
const REDIS_POOL_SIZE: usize = 16;

/// How long a login waits for a Redis connection, or for one to open.
const REDIS_WAIT: Duration = Duration::from_secs(5);

/// Where the login limiter keeps its counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LimiterStore {
    /// In the database: a table of the SQLite file, or the library's table on PostgreSQL.
    #[default]
    Database,
    /// In Redis, under keys that start with `prefix`.
    Redis {
        /// The server.
        url: RedisUrl,
        /// The prefix of every key: instances share counters under one prefix.
        prefix: String,
    },
    /// In this process's memory: for one instance only.
    Memory,
}

/// What `--limiter` names: a Redis server or `memory` (without it, the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimiterOption {
    /// `redis://...`.
    Redis(RedisUrl),
    /// `memory`.
    Memory,
}

impl FromStr for LimiterOption {
    type Err = String;

    /// Parses the option; an error never quotes it, since a URL can hold a password.
    fn from_str(text: &str) -> Result<Self, String> {
        if text == "memory" {
            return Ok(LimiterOption::Memory);
        }
        if text.starts_with("redis") {
            return text.parse().map(LimiterOption::Redis);
        }
        Err("the login counters' store is redis://HOST[:PORT][/DB] or memory".to_owned())
    }
}

impl LimiterStore {
    /// The store `--limiter` and `--limiter-prefix` name.
    ///
    /// # Errors
    ///
    /// A prefix without a Redis store, which would mean nothing.
    pub fn from_options(
        limiter: Option<LimiterOption>,
        prefix: Option<String>,
    ) -> Result<Self, String> {
        match (limiter, prefix) {
            (Some(LimiterOption::Redis(url)), prefix) => Ok(LimiterStore::Redis {
                url,
                prefix: prefix.unwrap_or_else(|| RedisCounters::DEFAULT_PREFIX.to_owned()),
            }),
            (_, Some(_)) => Err("--limiter-prefix is the prefix of keys in Redis: it needs \
                                 --limiter redis://..."
                .to_owned()),
            (Some(LimiterOption::Memory), None) => Ok(LimiterStore::Memory),
            (None, None) => Ok(LimiterStore::Database),
        }
    }
}

/// The demo's login limiter: the library's rules over the store chosen
/// ([`LimiterStore`]).
pub enum DemoLimiter {
    /// Over a table of the SQLite file.
    Sqlite(StoreLimiter<SqliteCounters>),
    /// Over the library's table in the PostgreSQL database.
    Postgres(StoreLimiter<PostgresCounters>),
    /// Over Redis.
    Redis {
        /// The rules over the counters.
        rules: StoreLimiter<RedisCounters>,
        /// The counters' pool, to check at start that the server answers.
        pool: deadpool_redis::Pool,
        /// The server, for the log.
        url: RedisUrl,
    },
    /// Over this process's memory.
    Memory(MemoryLimiter),
}

impl DemoLimiter {
    /// The limiter with `limits` over `store`; for [`LimiterStore::Database`], over `db`.
    /// Redis is not contacted yet ([`DemoLimiter::ready`] does).
    ///
    /// # Errors
    ///
    /// The Redis pool could not be made.
    pub fn new(store: &LimiterStore, db: &Database, limits: Limits) -> Result<Self, String> {
        Ok(match (store, db) {
            (LimiterStore::Database, Database::Sqlite(db)) => {
                DemoLimiter::Sqlite(StoreLimiter::new(SqliteCounters::new(db.clone()), limits))
            }
            (LimiterStore::Database, Database::Postgres(db)) => {
                DemoLimiter::Postgres(StoreLimiter::new(db.counters(), limits))
            }
            (LimiterStore::Redis { url, prefix }, _) => {
                let pool = redis_pool(url)?;
                let counters = RedisCounters::new(pool.clone()).with_prefix(prefix.clone());
                DemoLimiter::Redis {
                    rules: StoreLimiter::new(counters, limits),
                    pool,
                    url: url.clone(),
                }
            }
            (LimiterStore::Memory, _) => DemoLimiter::Memory(MemoryLimiter::new(limits)),
        })
    }

    /// Checks that the counters' server answers, so that a wrong `--limiter` stops the start
    /// rather than refusing every login (the database answered when it was opened).
    ///
    /// # Errors
    ///
    /// What Redis answered, or why it could not be reached.
    pub async fn ready(&self) -> Result<(), String> {
        let DemoLimiter::Redis { pool, .. } = self else {
            return Ok(());
        };
        let fail = |error: &dyn fmt::Display| format!("the login counters' Redis: {error}");
        let mut connection = pool.get().await.map_err(|error| fail(&error))?;
        deadpool_redis::redis::cmd("PING")
            .query_async::<()>(&mut connection)
            .await
            .map_err(|error| fail(&error))
    }

    /// Where the counters are, for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            DemoLimiter::Sqlite(_) => "the SQLite file's table login_counters".to_owned(),
            DemoLimiter::Postgres(_) => {
                "the PostgreSQL table safe_update_login_counters".to_owned()
            }
            DemoLimiter::Redis { rules, url, .. } => {
                format!("Redis at {url}, keys {}*", rules.store().prefix())
            }
            DemoLimiter::Memory(_) => "this process's memory (this instance alone)".to_owned(),
        }
    }
}

/// A pool of connections to the Redis at `url`, its waits bounded as PostgreSQL's are.
fn redis_pool(url: &RedisUrl) -> Result<deadpool_redis::Pool, String> {
    let mut config = deadpool_redis::Config::from_url(url.as_str());
    config.pool = Some(PoolConfig {
        max_size: REDIS_POOL_SIZE,
        timeouts: Timeouts {
            wait: Some(REDIS_WAIT),
            create: Some(REDIS_WAIT),
            recycle: Some(REDIS_WAIT),
        },
        ..PoolConfig::default()
    });
    config
        .create_pool(Some(Runtime::Tokio1))
        .map_err(|error| format!("cannot use the Redis at {url}: {error}"))
}

impl Limiter for DemoLimiter {
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Refusal> {
        match self {
            DemoLimiter::Sqlite(rules) => rules.reserve(attempt).await,
            DemoLimiter::Postgres(rules) => rules.reserve(attempt).await,
            DemoLimiter::Redis { rules, .. } => rules.reserve(attempt).await,
            DemoLimiter::Memory(limiter) => limiter.reserve(attempt).await,
        }
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> Result<(), LimiterError> {
        match self {
            DemoLimiter::Sqlite(rules) => rules.settle(attempt, outcome).await,
            DemoLimiter::Postgres(rules) => rules.settle(attempt, outcome).await,
            DemoLimiter::Redis { rules, .. } => rules.settle(attempt, outcome).await,
            DemoLimiter::Memory(limiter) => limiter.settle(attempt, outcome).await,
        }
    }
}
