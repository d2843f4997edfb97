//! The login counters in Redis, so that every instance on one server counts against the same
//! limits (feature `limiter-redis`).
//!
//! Each operation is one Lua script: Redis runs a script alone, start to end, so the check of
//! every cap and the writes that follow cannot interleave with another instance's. Time is
//! Redis's key expiry.

use std::error::Error;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use deadpool_redis::redis::{RedisError, Script};
use deadpool_redis::{Pool, PoolError};

use super::counters::{Cap, Counted, CounterStore};

/// All or none: checks every counter against its cap (an absent key counts 0), and only when
/// none is full increments them all and makes each expire a window from now. A full one is
/// answered with its position (from 1) and its time to live in milliseconds, the one that
/// frees last when several are full; `{0, 0}` when counted.
///
/// KEYS: the counters. ARGV[1]: the window in milliseconds; ARGV[1 + i]: the cap of KEYS[i].
const COUNT: &str = r"
local window = tonumber(ARGV[1])
local full, wait = 0, -1
for i, key in ipairs(KEYS) do
    local count = tonumber(redis.call('GET', key) or '0')
    if count >= tonumber(ARGV[i + 1]) then
        local left = redis.call('PTTL', key)
        -- absent (a cap of 0) or without expiry (not written by this script): a window
        if left < 0 or left > window then left = window end
        if left > wait then full, wait = i, left end
    end
end
if full > 0 then return {full, wait} end
for _, key in ipairs(KEYS) do
    redis.call('INCR', key)
    redis.call('PEXPIRE', key, window)
end
return {0, 0}
";

/// Gives attempts back: decrements each of the first ARGV[1] keys (deleting it when it would
/// fall to zero; DECR keeps its time to live), deletes the others. An absent key stays absent.
const RELEASE: &str = r"
local give = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
    if i > give then
        redis.call('DEL', key)
    else
        local count = redis.call('GET', key)
        if count then
            if tonumber(count) > 1 then redis.call('DECR', key) else redis.call('DEL', key) end
        end
    end
end
return 0
";

// A `Script` runs as EVALSHA by its hash, and loads itself again when the server does not
// know it (after a restart or SCRIPT FLUSH).
static COUNT_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(COUNT));
static RELEASE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RELEASE));

/// The login limiter's counters in Redis, shared by every instance that uses the same Redis
/// server and key prefix: a [`CounterStore`] for the library's limiter rules.
///
/// It takes the application's [`deadpool_redis::Pool`] (deadpool-redis 0.23 over the redis
/// crate 1, which `deadpool_redis::redis` re-exports). A counter is one integer key, the
/// prefix followed by the limiter's key, with a time to live of a window.
///
/// # Setup
///
/// Nothing to create: point the pool at a Redis server (5 or newer: it runs Lua scripts).
/// The counters need no persistence, but know what a restart does: without persistence
/// (or with a snapshot older than the window) **the counters are lost**, and every client
/// gets one fresh window of guesses, as if it had waited a window: each restart can give a
/// client up to one more limit's worth of guesses (5 more per name and client with the
/// default [`Limits`](super::Limits)), never an unbounded number. If that matters, enable
/// AOF persistence (`appendonly yes`).
///
/// Keep `maxmemory-policy` at `noeviction` (its default): an evicting policy may drop live
/// counters under memory pressure, which gives fresh guesses too, where `noeviction` makes
/// the count fail and the limiter refuse the check (it fails closed).
///
/// Several applications can share one Redis: give each its own prefix
/// ([`with_prefix`](RedisCounters::with_prefix); the default is
/// [`DEFAULT_PREFIX`](RedisCounters::DEFAULT_PREFIX)). Instances of one application share
/// counters by using the same prefix. On Redis Cluster, the keys of one count must share a
/// hash slot: put a hash tag in the prefix, such as `{myapp}:login:`.
///
/// ```no_run
/// # use safe_update::auth::MemoryStore;
/// # fn start(users: MemoryStore) -> Result<(), Box<dyn std::error::Error>> {
/// use safe_update::auth::{Authenticator, Limits, RedisCounters, StoreLimiter};
///
/// let pool = deadpool_redis::Config::from_url("redis://127.0.0.1:6379")
///     .create_pool(Some(deadpool_redis::Runtime::Tokio1))?;
/// let counters = RedisCounters::new(pool).with_prefix("myapp:login:");
/// let auth = Authenticator::builder(users)
///     .limiter(StoreLimiter::new(counters, Limits::default()))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisCounters {
    pool: Pool,
    prefix: String,
}

impl RedisCounters {
    /// The prefix of every key unless [`with_prefix`](RedisCounters::with_prefix) says
    /// otherwise.
    pub const DEFAULT_PREFIX: &'static str = "safe-update:login:";

    /// Counters on the Redis server `pool` connects to, under
    /// [`DEFAULT_PREFIX`](RedisCounters::DEFAULT_PREFIX).
    pub fn new(pool: Pool) -> Self {
        RedisCounters {
            pool,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
        }
    }

    /// The same counters under keys that start with `prefix`, so that applications sharing
    /// one Redis do not share counters.
    pub fn with_prefix(self, prefix: impl Into<String>) -> Self {
        RedisCounters {
            prefix: prefix.into(),
            ..self
        }
    }

    /// The prefix of every key of these counters.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn redis_key(&self, key: &str) -> String {
        let mut redis_key = String::with_capacity(self.prefix.len() + key.len());
        redis_key.push_str(&self.prefix);
        redis_key.push_str(key);
        redis_key
    }
}

impl fmt::Debug for RedisCounters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCounters")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl CounterStore for RedisCounters {
    type Error = RedisCountersError;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, Self::Error> {
        if caps.is_empty() {
            return Ok(Counted::Yes);
        }
        // PEXPIRE with 0 would delete the key at once rather than count it.
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut invocation = COUNT_SCRIPT.prepare_invoke();
        invocation.arg(window_ms);
        for cap in caps {
            invocation.key(self.redis_key(cap.key)).arg(cap.max);
        }
        let mut connection = self.pool.get().await?;
        let (full, wait): (i64, i64) = invocation.invoke_async(&mut connection).await?;
        if full == 0 {
            return Ok(Counted::Yes);
        }
        let index = usize::try_from(full - 1)
            .ok()
            .filter(|&index| index < caps.len())
            .ok_or(RedisCountersError(Cause::Reply(full)))?;
        let retry_after = Duration::from_millis(u64::try_from(wait).unwrap_or(0)).min(window);
        Ok(Counted::Full { index, retry_after })
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), Self::Error> {
        if give_back.is_empty() && forget.is_empty() {
            return Ok(());
        }
        let mut invocation = RELEASE_SCRIPT.prepare_invoke();
        invocation.arg(give_back.len());
        for key in give_back.iter().chain(forget) {
            invocation.key(self.redis_key(key));
        }
        let mut connection = self.pool.get().await?;
        invocation.invoke_async::<()>(&mut connection).await?;
        Ok(())
    }
}

/// Why [`RedisCounters`] could not count or give back: no connection from the pool, Redis
/// refused or failed the script (out of memory under `noeviction`, a key of the prefix that
/// is not a counter, the server gone), or answered what the script never answers. Nothing was
/// written then, except when the connection broke after Redis ran the script.
#[derive(Debug)]
pub struct RedisCountersError(Cause);

#[derive(Debug)]
enum Cause {
    Pool(PoolError),
    Redis(RedisError),
    Reply(i64),
}

impl fmt::Display for RedisCountersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Cause::Pool(error) => {
                write!(f, "login counters in Redis: no connection from the pool: {error}")
            }
            Cause::Redis(error) => write!(f, "login counters in Redis: {error}"),
            Cause::Reply(full) => write!(
                f,
                "login counters in Redis: the count script named counter {full}, which it was not given"
            ),
        }
    }
}

impl Error for RedisCountersError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match &self.0 {
            Cause::Pool(error) => Some(error),
            Cause::Redis(error) => Some(error),
            Cause::Reply(_) => None,
        }
    }
}

impl From<PoolError> for RedisCountersError {
    fn from(error: PoolError) -> Self {
        RedisCountersError(Cause::Pool(error))
    }
}

impl From<RedisError> for RedisCountersError {
    fn from(error: RedisError) -> Self {
        RedisCountersError(Cause::Redis(error))
    }
}
