//! The demo server with two switches, for scripts/load.sh: the credentials cache on or off,
//! and the `PATCH /profile` handler either the demo's own (`SafePatch<UserPatch>`) or the
//! baseline, the same handler with plain `Identity` + `web::Json<UserPatch>` extractors.
//!
//! `load_server --database-url URL [--listen 127.0.0.1:0] [--handler safe|json] [--cache on|off]`
//! (`--db PATH` for `--database-url sqlite:PATH`)
//!
//! Like the demo it seeds `alice` and `admin` on an empty database, prints their passwords
//! and `listening on http://ADDR`, and logs (INFO, audit events included) to stderr. With the
//! cache off every request is a password check, which the demo's login limiter would stop after
//! five: that variant runs without a limit (`NoLimit`), to measure argon2's cost alone.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::IF_MATCH;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use safe_update::actix::PatchRejection;
use safe_update::auth::{Authenticator, Identity, Limits, NoLimit};
use safe_update_demo::actix_app::{self, client_addr};
use safe_update_demo::api::{self, BODY_LIMIT};
use safe_update_demo::db::{Database, DatabaseUrl};
use safe_update_demo::error::ApiError;
use safe_update_demo::limiter::{DemoLimiter, LimiterStore};
use safe_update_demo::model::{User, UserPatch};
use safe_update_demo::server::{self, Shared};
use safe_update_demo::store::DbStore;
use safe_update_demo::update::Sender;

struct Options {
    db: DatabaseUrl,
    listen: SocketAddr,
    json_handler: bool,
    cache: bool,
}

fn options() -> Options {
    let mut options = Options {
        db: DatabaseUrl::Sqlite("load.db".into()),
        listen: "127.0.0.1:0".parse().expect("address"),
        json_handler: false,
        cache: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match (flag.as_str(), value.as_str()) {
            ("--db", path) => options.db = DatabaseUrl::Sqlite(path.into()),
            ("--database-url", url) => options.db = url.parse().expect("--database-url URL"),
            ("--listen", addr) => options.listen = addr.parse().expect("--listen ADDR"),
            ("--handler", "safe") => options.json_handler = false,
            ("--handler", "json") => options.json_handler = true,
            ("--cache", "on") => options.cache = true,
            ("--cache", "off") => options.cache = false,
            _ => panic!("unknown option {flag} {value}"),
        }
    }
    options
}

fn main() -> Result<(), String> {
    let options = options();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    actix_web::rt::System::new().block_on(async move {
        let db = server::open(&options.db).await?;
        let limiter = DemoLimiter::new(&LimiterStore::Database, &db, Limits::default())?;
        let mut builder = Authenticator::builder(DbStore::new(db.clone()))
            .realm("safe-update demo")
            .limiter(limiter);
        if !options.cache {
            builder = builder.cache_ttl(Duration::ZERO).limiter(NoLimit);
        }
        let auth = builder.build().map_err(|error| error.to_string())?;
        let shared = Shared {
            db,
            auth,
            proxies: Arc::default(),
        };
        let app = actix_app::configure(&shared);
        let json_handler = options.json_handler;
        let server = HttpServer::new(move || {
            let shared = shared.clone();
            let app = app.clone();
            App::new().configure(move |config| {
                if !json_handler {
                    return app(config);
                }
                // The demo's app with its `PATCH /profile` handler swapped for the baseline.
                config
                    .app_data(shared.auth.clone())
                    .app_data(web::Data::new(shared.db.clone()))
                    .app_data(web::Data::from(Arc::clone(&shared.proxies)))
                    .app_data(web::JsonConfig::default().limit(BODY_LIMIT))
                    .service(
                        web::scope("")
                            .wrap(from_fn(client_addr))
                            .route("/profile", web::patch().to(update_profile_json)),
                    );
            })
        })
        .bind(options.listen)
        .map_err(|error| format!("cannot listen on {}: {error}", options.listen))?;
        for addr in server.addrs() {
            server::announce(addr, &options.db);
        }
        server.run().await.map_err(|error| error.to_string())
    })
}

/// The baseline: the demo's `update_profile` with plain extractors instead of `SafePatch`.
async fn update_profile_json(
    db: web::Data<Database>,
    who: Identity,
    patch: web::Json<UserPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let if_match = req.headers().get_all(IF_MATCH);
    let if_match = api::if_match(if_match.map(|value| value.as_bytes()))?;
    let patch = patch.into_inner();
    let sender = Sender {
        name: who.name().to_owned(),
        needs_admin: false,
    };
    let apply = Box::new(move |user: &mut User, now: &Identity| {
        patch.apply_as(user, now).map_err(PatchRejection::from)
    });
    let user = api::update(&db, sender, who.name().to_owned(), apply, if_match).await?;
    Ok(actix_app::represent(&user, &who))
}
