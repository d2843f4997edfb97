//! Start-up: open and seed the database, build the authenticator, bind, print, serve.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{web, HttpResponse, HttpServer};
use safe_update::actix::PatchConfig;
use safe_update::auth::{hash_password, Authenticator};
use serde_json::json;

use crate::db::Db;
use crate::store::SqliteStore;
use crate::throttle::{Limits, Throttle};
use crate::{api, login, seed};

/// The largest patch body accepted; a profile update is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// What every worker shares: the database, the authenticator over it, the login throttle.
#[derive(Clone)]
pub struct State {
    db: web::Data<Db>,
    auth: Authenticator,
    throttle: web::Data<Throttle>,
}

impl State {
    /// The shared state over an open database.
    pub fn new(db: Arc<Db>, limits: Limits) -> Result<State, String> {
        let auth = Authenticator::builder(SqliteStore::new(Arc::clone(&db)))
            .realm("safe-update demo")
            .build()
            .map_err(|error| error.to_string())?;
        Ok(State {
            db: web::Data::from(db),
            auth,
            throttle: web::Data::new(Throttle::new(limits)),
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
                .app_data(state.throttle.clone())
                .service(
                    web::scope("")
                        .wrap(from_fn(login::throttle_logins))
                        .configure(api::routes)
                        .default_service(web::to(not_found)),
                );
        }
    }
}

/// Runs the server on `listen` over the database at `path` until interrupted.
pub fn run(path: &Path, listen: SocketAddr) -> Result<(), String> {
    let opened = Db::open(path).map_err(|error| format!("cannot open {}: {error}", path.display()));
    let db = Arc::new(opened?);
    let hash = |password: &str| hash_password(password).map_err(|error| error.to_string());
    for (name, is_admin, password) in seed::seed(&db, hash)? {
        let role = if is_admin { " (role admin)" } else { "" };
        println!("created user {name}{role} with password: {password}");
    }
    let app = State::new(db, Limits::default())?.app();
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

/// Unknown routes: a JSON 404 like every other error.
async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(json!({ "error": "not_found", "message": "no such route" }))
}
