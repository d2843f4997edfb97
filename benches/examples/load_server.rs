//! The demo server with two switches, for scripts/load.sh: the credentials cache on or off,
//! and the `PATCH /profile` handler either the demo's own (`SafePatch<UserPatch>`) or the
//! baseline, the same handler with plain `Identity` + `web::Json<UserPatch>` extractors.
//!
//! `load_server --db PATH [--listen 127.0.0.1:0] [--handler safe|json] [--cache on|off]`
//!
//! Like the demo it seeds `alice` and `admin` on an empty database, prints their passwords
//! and `listening on http://ADDR`, and logs (INFO, audit events included) to stderr. With the
//! cache off every request is a password check, which the demo's login limiter would stop after
//! five: that variant runs without a limit (`NoLimit`), to measure argon2's cost alone.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use safe_update::actix::{PatchConfig, PatchRejection};
use safe_update::auth::{hash_password, Authenticator, Blocking, Identity, NoLimit};
use safe_update_demo::api;
use safe_update_demo::client::{client_addr, TrustedProxies};
use safe_update_demo::db::Db;
use safe_update_demo::error::ApiError;
use safe_update_demo::model::UserPatch;
use safe_update_demo::seed;
use safe_update_demo::server::BODY_LIMIT;
use safe_update_demo::store::SqliteStore;
use safe_update_demo::update::{run_with, Sender};

struct Options {
    db: PathBuf,
    listen: SocketAddr,
    json_handler: bool,
    cache: bool,
}

fn options() -> Options {
    let mut options = Options {
        db: PathBuf::from("load.db"),
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
            ("--db", path) => options.db = PathBuf::from(path),
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
    let db = Arc::new(Db::open(&options.db).map_err(|error| error.to_string())?);
    let hash = |password: &str| hash_password(password).map_err(|error| error.to_string());
    for (name, _, password) in seed::seed(&db, hash)? {
        println!("created user {name} with password: {password}");
    }
    let store = Blocking::new(SqliteStore::new(Arc::clone(&db)));
    let mut builder = Authenticator::builder(store).realm("safe-update demo");
    if !options.cache {
        builder = builder.cache_ttl(Duration::ZERO).limiter(NoLimit);
    }
    let auth = builder.build().map_err(|error| error.to_string())?;
    let db = web::Data::from(db);
    let proxies = web::Data::new(TrustedProxies::default());
    let json_handler = options.json_handler;
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            let app = App::new()
                .app_data(auth.clone())
                .app_data(PatchConfig::default().limit(BODY_LIMIT))
                .app_data(web::JsonConfig::default().limit(BODY_LIMIT))
                .app_data(db.clone())
                .app_data(proxies.clone())
                .wrap(from_fn(client_addr));
            if json_handler {
                app.route("/profile", web::patch().to(update_profile_json))
            } else {
                app.configure(api::routes)
            }
        })
        .bind(options.listen)
        .map_err(|error| format!("cannot listen on {}: {error}", options.listen))?;
        for addr in server.addrs() {
            println!("listening on http://{addr}");
        }
        server.run().await.map_err(|error| error.to_string())
    })
}

/// The baseline: the demo's `update_profile` with plain extractors instead of `SafePatch`.
async fn update_profile_json(
    db: web::Data<Db>,
    who: Identity,
    patch: web::Json<UserPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let if_match = api::if_match(&req)?;
    let target = who.name().to_owned();
    let actor = target.clone();
    let patch = patch.into_inner();
    let (user, changed) = web::block(move || {
        let sender = Sender {
            name: who.name(),
            needs_admin: false,
        };
        let apply =
            |user: &mut _, roles: &_| patch.apply_as(user, roles).map_err(PatchRejection::from);
        run_with(&db, sender, &target, apply, if_match.as_ref())
    })
    .await??;
    api::audit(&actor, &user, &changed);
    Ok(api::represent(&user))
}
