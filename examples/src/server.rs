//! Start-up, whichever framework serves: open and seed the database, build the authenticator
//! (with its login limiter), and what every worker shares.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use safe_update::auth::{hash_password, Authenticator, Blocking, Limits, MemoryLimiter};

use crate::client::TrustedProxies;
use crate::db::Db;
use crate::seed;
use crate::store::SqliteStore;

/// What the server is started with, beyond its database.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How many password checks the login limiter allows.
    pub limits: Limits,
    /// Reverse proxies whose forwarding headers name the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
}

/// What every worker shares: the database, the authenticator over it (with its login
/// limiter), the trusted proxies.
#[derive(Clone)]
pub struct Shared {
    /// The database.
    pub db: Arc<Db>,
    /// Basic Auth over the `users` table.
    pub auth: Authenticator,
    /// Whose forwarding headers name the client.
    pub proxies: Arc<TrustedProxies>,
}

impl Shared {
    /// The shared state over an open database.
    pub fn new(db: Arc<Db>, options: Options) -> Result<Shared, String> {
        let store = Blocking::new(SqliteStore::new(Arc::clone(&db)));
        let auth = Authenticator::builder(store)
            .realm("safe-update demo")
            .limiter(MemoryLimiter::new(options.limits))
            .build()
            .map_err(|error| error.to_string())?;
        Ok(Shared {
            db,
            auth,
            proxies: Arc::new(TrustedProxies(options.trusted_proxies)),
        })
    }
}

/// Opens the database at `path`, creating it if needed, and seeds an empty one, printing the
/// passwords of the users it creates (once: they are stored hashed).
pub fn open(path: &Path) -> Result<Arc<Db>, String> {
    let opened = Db::open(path).map_err(|error| format!("cannot open {}: {error}", path.display()));
    let db = Arc::new(opened?);
    let hash = |password: &str| hash_password(password).map_err(|error| error.to_string());
    for (name, is_admin, password) in seed::seed(&db, hash)? {
        let role = if is_admin { " (role admin)" } else { "" };
        println!("created user {name}{role} with password: {password}");
    }
    Ok(db)
}

/// Says where the server listens, once bound.
pub fn announce(addr: SocketAddr, path: &Path) {
    // Tests and scripts wait for this line: it names the port when `--listen` gave 0.
    println!("listening on http://{addr}");
    tracing::info!(%addr, db = %path.display(), "listening");
}
