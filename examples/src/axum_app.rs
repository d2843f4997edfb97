//! The demo served by axum (`safe-update-demo-axum`): routing and extraction only; what the
//! routes do is in [`api`], as for the actix server, and the answers are the same.

use std::net::SocketAddr;

use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, FromRef, Path as UrlPath, Request, State};
use axum::handler::Handler;
use axum::http::header::{self, HeaderMap, ETAG};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put, MethodRouter};
use axum::{Extension, Json, Router};
use safe_update::auth::{Authenticator, Identity};
use safe_update::axum::{respond, ClientAddr, PatchConfig, RequireRole, SafePatch};
use safe_update::web::PatchBody;
use safe_update::SafeView;

use crate::account::{self, NewUserBody};
use crate::api::{self, Admin, BODY_LIMIT};
use crate::article::{Article, ArticleNew, ArticlePatch};
use crate::articles;
use crate::db::DatabaseUrl;
use crate::error::ApiError;
use crate::model::{sees_everything, User, UserPatch};
use crate::openapi;
use crate::password::NewPasswordPatch;
use crate::precondition::etag;
use crate::server::{self, Options, Shared};
use crate::update::{self, Apply, Sender};

impl FromRef<Shared> for Authenticator {
    fn from_ref(shared: &Shared) -> Authenticator {
        shared.auth.clone()
    }
}

/// The whole application. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`:
/// the login limiter counts per client address.
pub fn router(shared: Shared) -> Router {
    // JSON Patch where a handler reads a `PatchBody`: the PATCH routes of users and articles
    // (PUT, POST and the create routes read a merge patch or a form only).
    let json = PatchConfig::default().limit(BODY_LIMIT).accept_json_patch();
    let healthz = get(healthz);
    let profile = get(get_profile)
        .patch(update_profile)
        // The seed's clients use PUT: same rules, still a merge patch.
        .put(put_profile)
        // POST takes HTML forms too; its config replaces the router's for it alone.
        .post(post_profile.layer(Extension(json.accept_form())));
    let password = put(change_password);
    let users = post(create_user);
    let user = get(get_user).patch(update_user).put(put_user);
    let articles = post(create_article);
    let article = get(get_article).patch(update_article);
    Router::new()
        .route(api::HEALTHZ, not_allowed(healthz, api::HEALTHZ_ALLOW))
        .route(
            openapi::OPENAPI,
            not_allowed(get(openapi_document), openapi::OPENAPI_ALLOW),
        )
        .route(api::PROFILE, not_allowed(profile, api::PROFILE_ALLOW))
        .route(api::PASSWORD, not_allowed(password, api::PASSWORD_ALLOW))
        .route(api::USERS, not_allowed(users, api::USERS_ALLOW))
        .route(api::USER, not_allowed(user, api::USER_ALLOW))
        .route(
            articles::ARTICLES,
            not_allowed(articles, articles::ARTICLES_ALLOW),
        )
        .route(
            articles::ARTICLE,
            not_allowed(article, articles::ARTICLE_ALLOW),
        )
        .fallback(|| async { ApiError::NoRoute })
        .layer(Extension(json))
        .layer(middleware::from_fn_with_state(shared.clone(), client_addr))
        .with_state(shared)
}

/// Runs the server on `listen` over the database at `url` until interrupted.
pub fn run(url: &DatabaseUrl, listen: SocketAddr, options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the runtime: {error}"))?;
    runtime.block_on(async move {
        let shared = server::start(url, options).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
        let addr = listener.local_addr().map_err(|error| error.to_string())?;
        server::announce(addr, url);
        let app = router(shared).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .await
            .map_err(|error| error.to_string())
    })
}

/// Other methods get a 405 problem (with the route's `Allow`, as the actix server lists it).
fn not_allowed(route: MethodRouter<Shared>, allow: &'static str) -> MethodRouter<Shared> {
    route.fallback(move || async move { ApiError::MethodNotAllowed { allow } })
}

/// Middleware: puts the client's address in the request's extensions, where the
/// authenticator's limiter takes it from.
async fn client_addr(State(shared): State<Shared>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>();
    if let Some(ConnectInfo(peer)) = peer.copied() {
        let headers = req.headers();
        let lines = |name| headers.get_all(name).iter().map(|value| value.as_bytes());
        let client = shared.proxies.client(peer.ip(), lines);
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

async fn healthz() -> Json<serde_json::Value> {
    Json(api::health())
}

async fn openapi_document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::json(),
    )
}

async fn get_profile(State(shared): State<Shared>, who: Identity) -> Result<Response, ApiError> {
    let username = who.name().to_owned();
    read(shared, &who, username).await
}

async fn update_profile(
    State(shared): State<Shared>,
    headers: HeaderMap,
    patch: SafePatch<PatchBody<UserPatch>>,
) -> Result<Response, ApiError> {
    let target = patch.identity().name().to_owned();
    let (who, apply) = update::patch_body(patch);
    update(shared, target, false, who, apply, &headers).await
}

/// PUT, as the seed's clients send it: a merge patch.
async fn put_profile(
    State(shared): State<Shared>,
    headers: HeaderMap,
    patch: SafePatch<UserPatch>,
) -> Result<Response, ApiError> {
    let target = patch.identity().name().to_owned();
    let (who, apply) = update::merge_patch(patch);
    update(shared, target, false, who, apply, &headers).await
}

/// An HTML form's post (or JSON): refused when another site's page sent it.
async fn post_profile(
    State(shared): State<Shared>,
    headers: HeaderMap,
    patch: SafePatch<UserPatch>,
) -> Result<Response, ApiError> {
    api::form_from_own_page(|name| headers.get(name).map(|value| value.as_bytes()))?;
    let target = patch.identity().name().to_owned();
    let (who, apply) = update::merge_patch(patch);
    update(shared, target, false, who, apply, &headers).await
}

/// The new password, authenticated with the current one.
async fn change_password(
    State(shared): State<Shared>,
    patch: SafePatch<NewPasswordPatch>,
) -> Result<StatusCode, ApiError> {
    let (identity, patch) = patch.into_parts();
    api::change_password(&shared.db, &shared.auth, identity.name().to_owned(), patch).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Any user reads any user: as much of it as the sender may see.
async fn get_user(
    State(shared): State<Shared>,
    who: Identity,
    username: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    // A name that does not decode (`%FF`) names no user, as actix-web answers.
    let UrlPath(username) = username.map_err(|_| ApiError::NotFound)?;
    read(shared, &who, api::user_in_path(username)?).await
}

/// An admin creates a user: 201 with its `Location` and `ETag`. The role is checked before
/// the body is looked at.
async fn create_user(
    State(shared): State<Shared>,
    _admin: RequireRole<Admin>,
    body: SafePatch<NewUserBody>,
) -> Result<Response, ApiError> {
    let (creator, body) = body.into_parts();
    let user = account::create(&shared.db, &creator, body, &shared.auth)
        .await?
        .ok_or(ApiError::UsernameTaken)?;
    let headers = [
        (header::LOCATION, api::user_location(&user.username)),
        (ETAG, etag(user.version)),
    ];
    Ok((StatusCode::CREATED, headers, Json(user.view_as(&creator))).into_response())
}

/// The role is checked before the body is looked at.
async fn update_user(
    State(shared): State<Shared>,
    _admin: RequireRole<Admin>,
    username: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
    patch: SafePatch<PatchBody<UserPatch>>,
) -> Result<Response, ApiError> {
    let UrlPath(username) = username.map_err(|_| ApiError::NotFound)?;
    let (who, apply) = update::patch_body(patch);
    update(
        shared,
        api::user_in_path(username)?,
        true,
        who,
        apply,
        &headers,
    )
    .await
}

/// PUT, as the seed's clients send it: a merge patch.
async fn put_user(
    State(shared): State<Shared>,
    _admin: RequireRole<Admin>,
    username: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
    patch: SafePatch<UserPatch>,
) -> Result<Response, ApiError> {
    let UrlPath(username) = username.map_err(|_| ApiError::NotFound)?;
    let (who, apply) = update::merge_patch(patch);
    update(
        shared,
        api::user_in_path(username)?,
        true,
        who,
        apply,
        &headers,
    )
    .await
}

async fn read(shared: Shared, who: &Identity, username: String) -> Result<Response, ApiError> {
    Ok(represent(&api::read(&shared.db, &username).await?, who))
}

/// The update `apply` of the user `target`, sent by `who`.
async fn update(
    shared: Shared,
    target: String,
    needs_admin: bool,
    who: Identity,
    apply: Apply,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let if_match = headers.get_all(header::IF_MATCH).iter();
    let if_match = api::if_match(if_match.map(|value| value.as_bytes()))?;
    let sender = Sender {
        name: who.name().to_owned(),
        needs_admin,
    };
    // The answer is the view of the sender who authenticated (the transaction checked that an
    // admin route's sender is still an admin).
    let user = api::update(&shared.db, sender, target, apply, if_match).await?;
    Ok(represent(&user, &who))
}

/// Any user creates an article, its author: 201 with its `Location` and `ETag`.
async fn create_article(
    State(shared): State<Shared>,
    body: SafePatch<ArticleNew>,
) -> Result<Response, ApiError> {
    let (sender, new) = body.into_parts();
    let article = articles::create(&shared.db, &sender, new).await?;
    let headers = [
        (header::LOCATION, articles::location(article.id)),
        (ETAG, etag(article.version)),
    ];
    Ok((StatusCode::CREATED, headers, Json(article.view_as(&sender))).into_response())
}

async fn get_article(
    State(shared): State<Shared>,
    who: Identity,
    id: Result<UrlPath<String>, PathRejection>,
) -> Result<Response, ApiError> {
    // An id that does not decode (`%FF`) names no article, as actix-web answers.
    let UrlPath(id) = id.map_err(|_| ApiError::ArticleNotFound)?;
    let article = articles::read(&shared.db, articles::id_in_path(&id)?).await?;
    Ok(represent_article(&article, &who))
}

/// What the sender may write is the article's grants' business ([`articles`]).
async fn update_article(
    State(shared): State<Shared>,
    id: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
    patch: SafePatch<PatchBody<ArticlePatch>>,
) -> Result<Response, ApiError> {
    let UrlPath(id) = id.map_err(|_| ApiError::ArticleNotFound)?;
    let id = articles::id_in_path(&id)?;
    let if_match = headers.get_all(header::IF_MATCH).iter();
    let if_match = api::if_match(if_match.map(|value| value.as_bytes()))?;
    let sender = patch.identity().clone();
    let apply = articles::apply(patch);
    let article = articles::update(&shared.db, &sender, id, apply, if_match).await?;
    Ok(represent_article(&article, &sender))
}

/// 200 with the article as `who` may see it and its `ETag`.
pub fn represent_article(article: &Article, who: &Identity) -> Response {
    ([(ETAG, etag(article.version))], Json(article.view_as(who))).into_response()
}

/// 200 with the user as `who` may see it (never its password hash), and its `ETag` when `who`
/// may see its `version` (itself, an admin).
pub fn represent(user: &User, who: &Identity) -> Response {
    let view = Json(user.view_as(who));
    if sees_everything(who, user) {
        ([(ETAG, etag(user.version))], view).into_response()
    } else {
        view.into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        respond(&self.logged_problem())
    }
}
