//! Start-up, whichever framework serves and whichever database holds the data: open, migrate
//! and seed the database, build the authenticator (with its login limiter), and what every
//! worker shares.

use std::net::SocketAddr;
use std::sync::Arc;

use safe_update::auth::{hash_password, Authenticator, Limits};

use crate::client::TrustedProxies;
use crate::db::{Database, DatabaseUrl};
use crate::limiter::{DemoLimiter, LimiterStore};
use crate::seed;
use crate::store::DbStore;

/// What the server is started with, beyond its database.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How many password checks the login limiter allows (for every instance together, unless
    /// the counters are in memory).
    pub limits: Limits,
    /// Where the login limiter keeps its counters (`--limiter`): the database by default.
    pub limiter: LimiterStore,
    /// Reverse proxies whose forwarding header names the client (`--trusted-proxy`), and
    /// which header that is (`--forwarded-header`).
    pub trusted_proxies: TrustedProxies,
    /// The most memory argon2 may hold at once, in bytes (`--hash-memory-budget`); the
    /// library's default (512 MiB) when `None`.
    pub hash_memory_budget: Option<u64>,
}

/// What every worker shares: the database, the authenticator over it (with its login
/// limiter), the trusted proxies.
#[derive(Clone)]
pub struct Shared {
    /// The database.
    pub db: Database,
    /// Basic Auth over the `users` table.
    pub auth: Authenticator,
    /// Whose forwarding headers name the client.
    pub proxies: Arc<TrustedProxies>,
}

impl Shared {
    /// The shared state over an open database, with the login limiter `options` name (whose
    /// Redis, if any, is not contacted yet: [`start`] does).
    pub fn new(db: Database, options: Options) -> Result<Shared, String> {
        let limiter = DemoLimiter::new(&options.limiter, &db, options.limits)?;
        Shared::with_limiter(db, options, limiter)
    }

    /// The shared state over an open database, with `limiter`.
    pub fn with_limiter(
        db: Database,
        options: Options,
        limiter: DemoLimiter,
    ) -> Result<Shared, String> {
        let mut auth = Authenticator::builder(DbStore::new(db.clone()))
            .realm("safe-update demo")
            .limiter(limiter);
        if let Some(budget) = options.hash_memory_budget {
            auth = auth.hash_memory_budget(budget);
        }
        let auth = auth.build().map_err(|error| error.to_string())?;
        Ok(Shared {
            db,
            auth,
            proxies: Arc::new(options.trusted_proxies),
        })
    }
}

/// What a server starts with: the database at `url` opened ([`open`]), and the login limiter
/// `options` name, whose store is checked to answer; says where the counters are.
pub async fn start(url: &DatabaseUrl, options: Options) -> Result<Shared, String> {
    let db = open(url).await?;
    let limiter = DemoLimiter::new(&options.limiter, &db, options.limits)?;
    limiter.ready().await?;
    tracing::info!(counters = %limiter.describe(), "login limiter");
    Shared::with_limiter(db, options, limiter)
}

/// Opens the database at `url` (an SQLite file is created if needed), applies its
/// migrations, and seeds an empty one, printing the passwords of the users it creates (once:
/// they are stored hashed).
pub async fn open(url: &DatabaseUrl) -> Result<Database, String> {
    let db = Database::open(url).await?;
    let hash = |password: &str| hash_password(password).map_err(|error| error.to_string());
    for (name, is_admin, password) in seed::seed(&db, hash).await? {
        let role = if is_admin { " (role admin)" } else { "" };
        println!("created user {name}{role} with password: {password}");
    }
    Ok(db)
}

/// Says where the server listens, once bound.
pub fn announce(addr: SocketAddr, url: &DatabaseUrl) {
    // Tests and scripts wait for this line: it names the port when `--listen` gave 0.
    println!("listening on http://{addr}");
    tracing::info!(%addr, db = %url, "listening");
}
