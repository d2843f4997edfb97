//! The negative control of the login-burst check (`scripts/login_burst.py`): the actix demo
//! with the runtime's `NoLimit` in place of its login limiter, so that every wrong password
//! of a burst is checked. `scripts/reliability.sh` runs the burst against it and fails unless
//! the checker reports more checks than the limit.
//!
//! `no_limit_server --db PATH [--listen 127.0.0.1:0]` (or `--database-url URL`). Like the
//! demo it seeds `alice` and `admin` on an empty database, prints their passwords and
//! `listening on http://ADDR`, and logs to stderr.
//!
//! The demo itself has no switch for this: the limiter is left out only in this example,
//! which nothing but the control runs.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::{App, HttpServer};
use safe_update::auth::{Authenticator, NoLimit};
use safe_update_demo::actix_app;
use safe_update_demo::db::DatabaseUrl;
use safe_update_demo::server::{self, Shared};
use safe_update_demo::store::DbStore;

fn options() -> (DatabaseUrl, SocketAddr) {
    let mut db = None;
    let mut listen: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => db = Some(DatabaseUrl::Sqlite(value.into())),
            "--database-url" => db = Some(value.parse().expect("--database-url URL")),
            "--listen" => listen = value.parse().expect("--listen ADDR"),
            _ => panic!("unknown option {flag}"),
        }
    }
    (db.expect("--db PATH or --database-url URL"), listen)
}

fn main() -> Result<(), String> {
    let (url, listen) = options();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    actix_web::rt::System::new().block_on(async move {
        let db = server::open(&url).await?;
        // The demo's authenticator (`Shared::new`) but for the limiter.
        let auth = Authenticator::builder(DbStore::new(db.clone()))
            .realm("safe-update demo")
            .limiter(NoLimit)
            .build()
            .map_err(|error| error.to_string())?;
        let shared = Shared {
            db,
            auth,
            proxies: Arc::default(),
        };
        let app = actix_app::configure(&shared);
        let server = HttpServer::new(move || App::new().configure(app.clone()))
            .bind(listen)
            .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
        for addr in server.addrs() {
            server::announce(addr, &url);
        }
        server.run().await.map_err(|error| error.to_string())
    })
}
