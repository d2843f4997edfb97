//! The routes of `app.rs` on axum, served on `127.0.0.1:0` in a thread of its own.

use axum::extract::{FromRef, Request, State as Shared};
use axum::handler::Handler;
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, patch, post};
use axum::{Extension, Json, Router};
use safe_update::auth::{Authenticator, Identity};
use safe_update::axum::{ClientAddr, MergePatch, PatchRejection, RequireRole, SafePatch};
use safe_update::web::PatchBody;
use safe_update_tests::serve::{self as test_server, one_worker, Peer};

use super::app::{Admin, ProfilePatch, Session, State};

impl FromRef<State> for Authenticator {
    fn from_ref(state: &State) -> Authenticator {
        state.auth.clone()
    }
}

/// Serves `state`; the base URL.
pub fn serve(state: State) -> String {
    let form = Extension(state.config.accept_form());
    let json_patch = Extension(state.config.accept_json_patch());
    let app = Router::new()
        .route("/me", get(me))
        .route("/admin", get(admin))
        .route("/three", get(three))
        .route("/profile", patch(update))
        .route("/session", patch(update_session))
        .route("/form/profile", post(update.layer(form)))
        .route("/form/session", post(update_session.layer(form)))
        .route(
            "/json-patch/profile",
            patch(update_either.layer(json_patch)),
        )
        .route(
            "/json-patch/session",
            patch(update_session_either.layer(json_patch)),
        )
        .route("/json-patch/merge-only", patch(update.layer(json_patch)))
        .layer(Extension(state.config))
        .layer(middleware::from_fn(from_address))
        .with_state(state);
    format!(
        "http://{}",
        test_server::serve(one_worker(), app, Peer::Known)
    )
}

/// Middleware: the client named by `x-test-client`, as one behind a trusted proxy would be.
async fn from_address(mut req: Request, next: Next) -> Response {
    let forwarded = req.headers().get("x-test-client");
    if let Some(addr) = forwarded.and_then(|value| value.to_str().ok()?.parse().ok()) {
        req.extensions_mut().insert(ClientAddr(addr));
    }
    next.run(req).await
}

async fn me(who: Identity) -> String {
    who.name().to_owned()
}

async fn admin(admin: RequireRole<Admin>) -> String {
    format!("hello admin {}", admin.name())
}

/// The identity asked for three ways: verified once all the same.
async fn three(who: Identity, again: Identity, admin: RequireRole<Admin>) -> &'static str {
    assert_eq!((who.name(), again.name()), (admin.name(), "alice"));
    "three"
}

async fn update(
    Shared(state): Shared<State>,
    patch: SafePatch<ProfilePatch>,
) -> Result<Json<Vec<&'static str>>, PatchRejection> {
    let changed = state.update(|profile| patch.apply_to(profile))?;
    Ok(Json(changed))
}

async fn update_session(
    Shared(state): Shared<State>,
    headers: HeaderMap,
    patch: MergePatch<ProfilePatch>,
) -> Result<Json<Vec<&'static str>>, PatchRejection> {
    let session = headers.get("x-session").map(|value| value.as_bytes());
    let session = Session::from_header(session);
    let changed = state.update(|profile| patch.into_inner().apply_as(profile, &session))?;
    Ok(Json(changed))
}

async fn update_either(
    Shared(state): Shared<State>,
    patch: SafePatch<PatchBody<ProfilePatch>>,
) -> Result<Json<Vec<&'static str>>, PatchRejection> {
    let changed = state.update(|profile| patch.apply_to(profile))?;
    Ok(Json(changed))
}

async fn update_session_either(
    Shared(state): Shared<State>,
    headers: HeaderMap,
    patch: MergePatch<PatchBody<ProfilePatch>>,
) -> Result<Json<Vec<&'static str>>, PatchRejection> {
    let session = headers.get("x-session").map(|value| value.as_bytes());
    let session = Session::from_header(session);
    let changed = state.update(|profile| patch.into_inner().apply_as(profile, &session))?;
    Ok(Json(changed))
}
