//! The routes: health, the caller's profile, and any user for admins.

use actix_web::http::header::{self, IfMatch};
use actix_web::{web, HttpRequest, HttpResponse};
use safe_update::actix::{RequireRole, Role, SafePatch};
use safe_update::auth::Identity;
use serde_json::json;

use crate::db::{self, Db};
use crate::error::ApiError;
use crate::model::{User, UserPatch, ADMIN};
use crate::precondition;
use crate::update::{self, etag, Sender};

/// The `tracing` target of the audit log: one event per update that changed something.
pub const AUDIT_LOG_TARGET: &str = "safe_update_demo::audit";

/// Role `admin`, for [`RequireRole`].
pub struct Admin;

impl Role for Admin {
    const NAME: &'static str = ADMIN;
}

/// Registers the routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(healthz))
        .service(
            web::resource("/profile")
                .get(get_profile)
                .patch(update_profile)
                // The seed's clients use PUT: same rules, still a merge patch.
                .put(update_profile),
        )
        .service(
            web::resource("/users/{username}")
                .get(get_user)
                .patch(update_user)
                .put(update_user),
        );
}

/// Liveness, without authentication.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The caller's own user.
async fn get_profile(db: web::Data<Db>, who: Identity) -> Result<HttpResponse, ApiError> {
    read(db, who.name().to_owned()).await
}

/// Merge-patches the caller's own user.
async fn update_profile(
    db: web::Data<Db>,
    patch: SafePatch<UserPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let target = patch.identity().name().to_owned();
    update(db, target, false, patch, &req).await
}

/// Any user, for admins.
async fn get_user(
    db: web::Data<Db>,
    _admin: RequireRole<Admin>,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read(db, username.into_inner()).await
}

/// Merge-patches any user, for admins; the role is checked before the body is looked at.
async fn update_user(
    db: web::Data<Db>,
    _admin: RequireRole<Admin>,
    patch: SafePatch<UserPatch>,
    username: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    update(db, username.into_inner(), true, patch, &req).await
}

async fn read(db: web::Data<Db>, username: String) -> Result<HttpResponse, ApiError> {
    let user = web::block(move || db.with(|conn| db::user_by_name(conn, &username))).await??;
    Ok(represent(&user.ok_or(ApiError::NotFound)?))
}

async fn update(
    db: web::Data<Db>,
    target: String,
    needs_admin: bool,
    patch: SafePatch<UserPatch>,
    req: &HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match(req)?;
    let actor = patch.identity().name().to_owned();
    let (user, changed) = {
        let actor = actor.clone();
        web::block(move || {
            let sender = Sender {
                name: &actor,
                needs_admin,
            };
            update::run(&db, sender, &target, patch, if_match.as_ref())
        })
        .await??
    };
    audit(&actor, &user, &changed);
    Ok(represent(&user))
}

/// The request's `If-Match`, if it has one; 400 when it is not `*` or a list of entity tags.
pub fn if_match(req: &HttpRequest) -> Result<Option<IfMatch>, ApiError> {
    precondition::if_match(req).map_err(|_| ApiError::BadIfMatch)
}

/// Logs a successful update that changed something: who, whom, which columns.
pub fn audit(actor: &str, user: &User, changed: &[&str]) {
    if !changed.is_empty() {
        tracing::info!(
            target: AUDIT_LOG_TARGET,
            actor = ?actor,
            user = ?user.username,
            changed = ?changed,
            version = user.version,
            "user updated"
        );
    }
}

/// 200 with the user (never its password hash) and its `ETag`.
pub fn represent(user: &User) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ETag(etag(user.version)))
        .json(user)
}
