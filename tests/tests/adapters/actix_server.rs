//! The routes of `app.rs` on actix-web, served on `127.0.0.1:0` in a thread of its own.

use std::net::SocketAddr;
use std::sync::mpsc;

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};
use safe_update::actix::{ClientAddr, MergePatch, PatchRejection, RequireRole, SafePatch};
use safe_update::auth::Identity;
use safe_update::web::PatchBody;

use super::app::{Admin, ProfilePatch, Session, State};

/// Serves `state`; the base URL.
pub fn serve(state: State) -> String {
    let (bound, addr) = mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(state.auth.clone())
                    .app_data(state.config)
                    .app_data(web::Data::new(state.clone()))
                    .wrap(from_fn(from_address))
                    .route("/me", web::get().to(me))
                    .route("/admin", web::get().to(admin))
                    .route("/three", web::get().to(three))
                    .route("/profile", web::patch().to(update))
                    .route("/session", web::patch().to(update_session))
                    .service(
                        web::scope("/form")
                            .app_data(state.config.accept_form())
                            .route("/profile", web::post().to(update))
                            .route("/session", web::post().to(update_session)),
                    )
                    .service(
                        web::scope("/json-patch")
                            .app_data(state.config.accept_json_patch())
                            .route("/profile", web::patch().to(update_either))
                            .route("/session", web::patch().to(update_session_either))
                            .route("/merge-only", web::patch().to(update)),
                    )
            })
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
            bound.send(server.addrs()[0]).unwrap();
            server.run().await.unwrap();
        });
    });
    format!("http://{}", addr.recv().unwrap())
}

/// Middleware: the client named by `x-test-client`, as one behind a trusted proxy would be.
async fn from_address(
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse, actix_web::Error> {
    let forwarded = req.headers().get("x-test-client");
    if let Some(addr) = forwarded.and_then(|value| value.to_str().ok()?.parse().ok()) {
        req.extensions_mut().insert(ClientAddr(addr));
    }
    next.call(req).await
}

async fn me(who: Identity) -> HttpResponse {
    HttpResponse::Ok().body(who.name().to_owned())
}

async fn admin(admin: RequireRole<Admin>) -> HttpResponse {
    HttpResponse::Ok().body(format!("hello admin {}", admin.name()))
}

/// The identity asked for three ways: verified once all the same.
async fn three(who: Identity, again: Identity, admin: RequireRole<Admin>) -> HttpResponse {
    assert_eq!((who.name(), again.name()), (admin.name(), "alice"));
    HttpResponse::Ok().body("three")
}

async fn update(
    patch: SafePatch<ProfilePatch>,
    state: web::Data<State>,
) -> Result<HttpResponse, PatchRejection> {
    let changed = state.update(|profile| patch.apply_to(profile))?;
    Ok(HttpResponse::Ok().json(changed))
}

async fn update_session(
    req: HttpRequest,
    patch: MergePatch<ProfilePatch>,
    state: web::Data<State>,
) -> Result<HttpResponse, PatchRejection> {
    let session = req.headers().get("x-session").map(|value| value.as_bytes());
    let session = Session::from_header(session);
    let changed = state.update(|profile| patch.into_inner().apply_as(profile, &session))?;
    Ok(HttpResponse::Ok().json(changed))
}

async fn update_either(
    patch: SafePatch<PatchBody<ProfilePatch>>,
    state: web::Data<State>,
) -> Result<HttpResponse, PatchRejection> {
    let changed = state.update(|profile| patch.apply_to(profile))?;
    Ok(HttpResponse::Ok().json(changed))
}

async fn update_session_either(
    req: HttpRequest,
    patch: MergePatch<PatchBody<ProfilePatch>>,
    state: web::Data<State>,
) -> Result<HttpResponse, PatchRejection> {
    let session = req.headers().get("x-session").map(|value| value.as_bytes());
    let session = Session::from_header(session);
    let changed = state.update(|profile| patch.into_inner().apply_as(profile, &session))?;
    Ok(HttpResponse::Ok().json(changed))
}
