//! Start-up: open and seed the database, build the authenticator, bind, print, serve.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{web, HttpResponse, HttpServer};
use safe_update::actix::PatchConfig;
use safe_update::auth::{hash_password, Authenticator, Blocking, Limits, MemoryLimiter};
use safe_update::web::Problem;

use crate::client::{client_addr, TrustedProxies};
use crate::db::Db;
use crate::store::SqliteStore;
use crate::{api, seed};

/// The largest patch body accepted; a profile update is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

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
pub struct State {
    db: web::Data<Db>,
    auth: Authenticator,
    proxies: web::Data<TrustedProxies>,
}

impl State {
    /// The shared state over an open database.
    pub fn new(db: Arc<Db>, options: Options) -> Result<State, String> {
        let store = Blocking::new(SqliteStore::new(Arc::clone(&db)));
        let auth = Authenticator::builder(store)
            .realm("safe-update demo")
            .limiter(MemoryLimiter::new(options.limits))
            .build()
            .map_err(|error| error.to_string())?;
        Ok(State {
            db: web::Data::from(db),
            auth,
            proxies: web::Data::new(TrustedProxies(options.trusted_proxies)),
        })
    }

    /// The whole application, for `App::new().configure(state.app())`.
    pub fn app(&self) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
        let state = self.clone();
        move |config| {
            config
                .app_data(state.auth.clone())
                .app_data(PatchConfig::default().limit(BODY_LIMIT))
                .app_data(state.db.clone())
                .app_data(state.proxies.clone())
                .service(
                    web::scope("")
                        .wrap(from_fn(client_addr))
                        .configure(api::routes)
                        .default_service(web::to(not_found)),
                );
        }
    }
}

/// Runs the server on `listen` over the database at `path` until interrupted.
pub fn run(path: &Path, listen: SocketAddr, options: Options) -> Result<(), String> {
    let opened = Db::open(path).map_err(|error| format!("cannot open {}: {error}", path.display()));
    let db = Arc::new(opened?);
    let hash = |password: &str| hash_password(password).map_err(|error| error.to_string());
    for (name, is_admin, password) in seed::seed(&db, hash)? {
        let role = if is_admin { " (role admin)" } else { "" };
        println!("created user {name}{role} with password: {password}");
    }
    let app = State::new(db, options)?.app();
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || actix_web::App::new().configure(app.clone()))
            .bind(listen)
            .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
        for addr in server.addrs() {
            // Tests and scripts wait for this line: it names the port when `--listen` gave 0.
            println!("listening on http://{addr}");
            tracing::info!(%addr, db = %path.display(), "listening");
        }
        server.run().await.map_err(|error| error.to_string())
    })
}

/// Unknown routes: a 404 problem like every other error.
async fn not_found() -> HttpResponse {
    safe_update::actix::respond(&Problem::new(404, "not_found", "Not found", "no such route"))
}
