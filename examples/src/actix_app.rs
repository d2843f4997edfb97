//! The demo served by actix-web (`safe-update-demo`): routing and extraction only; what the
//! routes do is in [`api`].

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, ETAG, LOCATION};
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Next};
use actix_web::{guard, web, HttpMessage, HttpRequest, HttpResponse, HttpServer, ResponseError};
use safe_update::actix::{respond, ClientAddr, PatchConfig, RequireRole, SafePatch};
use safe_update::auth::{Authenticator, Identity};
use safe_update::web::PatchBody;
use safe_update::SafeView;

use crate::account::{self, NewUserBody};
use crate::api::{self, Admin, BODY_LIMIT};
use crate::article::{Article, ArticleNew, ArticlePatch};
use crate::articles;
use crate::client::TrustedProxies;
use crate::db::{Database, DatabaseUrl};
use crate::error::ApiError;
use crate::model::{sees_everything, User, UserPatch};
use crate::openapi;
use crate::password::NewPasswordPatch;
use crate::precondition::etag;
use crate::server::{self, Options, Shared};
use crate::update::{self, Apply, Sender};

/// The whole application, for `App::new().configure(configure(&shared))`.
pub fn configure(shared: &Shared) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let auth = shared.auth.clone();
    let db = web::Data::new(shared.db.clone());
    let proxies = web::Data::from(shared.proxies.clone());
    move |config| {
        // JSON Patch where a handler reads a `PatchBody`: the PATCH routes of users and
        // articles (PUT, POST and the create routes read a merge patch or a form only).
        let json = PatchConfig::default().limit(BODY_LIMIT).accept_json_patch();
        config
            .app_data(auth.clone())
            .app_data(json)
            .app_data(db.clone())
            .app_data(proxies.clone())
            // A name that does not decode (`%FF`) names no user.
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
            .service(
                web::scope("")
                    .wrap(from_fn(client_addr))
                    .service(
                        web::resource(api::HEALTHZ)
                            .route(get_or_head().to(healthz))
                            .default_service(not_allowed(api::HEALTHZ_ALLOW)),
                    )
                    .service(
                        web::resource(openapi::OPENAPI)
                            .route(get_or_head().to(openapi_document))
                            .default_service(not_allowed(openapi::OPENAPI_ALLOW)),
                    )
                    // POST takes HTML forms too: a resource of its own, for its own config.
                    .service(
                        web::resource(api::PROFILE)
                            .guard(guard::Post())
                            .app_data(json.accept_form())
                            .post(post_profile),
                    )
                    .service(
                        web::resource(api::PROFILE)
                            .route(get_or_head().to(get_profile))
                            .patch(update_profile)
                            // The seed's clients use PUT: same rules, still a merge patch.
                            .put(put_profile)
                            .default_service(not_allowed(api::PROFILE_ALLOW)),
                    )
                    .service(
                        web::resource(api::PASSWORD)
                            .put(change_password)
                            .default_service(not_allowed(api::PASSWORD_ALLOW)),
                    )
                    .service(
                        web::resource(api::USERS)
                            .post(create_user)
                            .default_service(not_allowed(api::USERS_ALLOW)),
                    )
                    .service(
                        web::resource(api::USER)
                            .route(get_or_head().to(get_user))
                            .patch(update_user)
                            .put(put_user)
                            .default_service(not_allowed(api::USER_ALLOW)),
                    )
                    .service(
                        web::resource(articles::ARTICLES)
                            .post(create_article)
                            .default_service(not_allowed(articles::ARTICLES_ALLOW)),
                    )
                    .service(
                        web::resource(articles::ARTICLE)
                            // An id that does not decode (`%FF`) names no article.
                            .app_data(
                                web::PathConfig::default()
                                    .error_handler(|_, _| ApiError::ArticleNotFound.into()),
                            )
                            .route(get_or_head().to(get_article))
                            .patch(update_article)
                            .default_service(not_allowed(articles::ARTICLE_ALLOW)),
                    )
                    .default_service(web::to(|| async { ApiError::NoRoute.error_response() })),
            );
    }
}

/// Runs the server on `listen` over the database at `url` until interrupted.
pub fn run(url: &DatabaseUrl, listen: SocketAddr, options: Options) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        // Opened in the runtime that lives as long as the server (PostgreSQL connections run
        // on the runtime that opened them).
        let shared = server::start(url, options).await?;
        let app = configure(&shared);
        let server = HttpServer::new(move || actix_web::App::new().configure(app.clone()))
            .bind(listen)
            .map_err(|error| format!("cannot listen on {listen}: {error}"))?;
        for addr in server.addrs() {
            server::announce(addr, url);
        }
        server.run().await.map_err(|error| error.to_string())
    })
}

/// The authenticator [`configure`] registers (which `SafePatch` needed already): it hashes
/// new passwords too.
fn authenticator(req: &HttpRequest) -> Result<&Authenticator, ApiError> {
    req.app_data::<Authenticator>()
        .ok_or_else(|| ApiError::Internal("no authenticator registered".to_owned()))
}

fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn not_allowed(allow: &'static str) -> actix_web::Route {
    web::route().to(move || async move { ApiError::MethodNotAllowed { allow }.error_response() })
}

/// Middleware: puts the client's address in the request's extensions, where the
/// authenticator's limiter takes it from.
pub async fn client_addr(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let proxies = req.app_data::<web::Data<TrustedProxies>>().cloned();
    if let (Some(proxies), Some(peer)) = (proxies, req.peer_addr()) {
        let lines = |name| req.headers().get_all(name).map(|value| value.as_bytes());
        let client = proxies.client(peer.ip(), lines);
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.call(req).await
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(api::health())
}

async fn openapi_document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(openapi::json())
}

async fn get_profile(db: web::Data<Database>, who: Identity) -> Result<HttpResponse, ApiError> {
    let username = who.name().to_owned();
    read(db, &who, username).await
}

async fn update_profile(
    db: web::Data<Database>,
    patch: SafePatch<PatchBody<UserPatch>>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let target = patch.identity().name().to_owned();
    let (who, apply) = update::patch_body(patch);
    update(db, target, false, who, apply, req.headers()).await
}

/// PUT, as the seed's clients send it: a merge patch.
async fn put_profile(
    db: web::Data<Database>,
    patch: SafePatch<UserPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let target = patch.identity().name().to_owned();
    let (who, apply) = update::merge_patch(patch);
    update(db, target, false, who, apply, req.headers()).await
}

/// An HTML form's post (or JSON): refused when another site's page sent it.
async fn post_profile(
    db: web::Data<Database>,
    patch: SafePatch<UserPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    api::form_from_own_page(|name| req.headers().get(name).map(|value| value.as_bytes()))?;
    let target = patch.identity().name().to_owned();
    let (who, apply) = update::merge_patch(patch);
    update(db, target, false, who, apply, req.headers()).await
}

/// The new password, authenticated with the current one.
async fn change_password(
    db: web::Data<Database>,
    patch: SafePatch<NewPasswordPatch>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (identity, patch) = patch.into_parts();
    api::change_password(&db, authenticator(&req)?, identity.name().to_owned(), patch).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An admin creates a user: 201 with its `Location` and `ETag`. The role is checked before
/// the body is looked at.
async fn create_user(
    db: web::Data<Database>,
    _admin: RequireRole<Admin>,
    body: SafePatch<NewUserBody>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (creator, body) = body.into_parts();
    let user = account::create(&db, &creator, body, authenticator(&req)?)
        .await?
        .ok_or(ApiError::UsernameTaken)?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, api::user_location(&user.username)))
        .insert_header((ETAG, etag(user.version)))
        .json(user.view_as(&creator)))
}

/// Any user reads any user: as much of it as the sender may see.
async fn get_user(
    db: web::Data<Database>,
    who: Identity,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    read(db, &who, api::user_in_path(username.into_inner())?).await
}

/// The role is checked before the body is looked at.
async fn update_user(
    db: web::Data<Database>,
    _admin: RequireRole<Admin>,
    patch: SafePatch<PatchBody<UserPatch>>,
    username: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let target = api::user_in_path(username.into_inner())?;
    let (who, apply) = update::patch_body(patch);
    update(db, target, true, who, apply, req.headers()).await
}

/// PUT, as the seed's clients send it: a merge patch.
async fn put_user(
    db: web::Data<Database>,
    _admin: RequireRole<Admin>,
    patch: SafePatch<UserPatch>,
    username: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let target = api::user_in_path(username.into_inner())?;
    let (who, apply) = update::merge_patch(patch);
    update(db, target, true, who, apply, req.headers()).await
}

async fn read(
    db: web::Data<Database>,
    who: &Identity,
    username: String,
) -> Result<HttpResponse, ApiError> {
    Ok(represent(&api::read(&db, &username).await?, who))
}

/// The update `apply` of the user `target`, sent by `who`.
async fn update(
    db: web::Data<Database>,
    target: String,
    needs_admin: bool,
    who: Identity,
    apply: Apply,
    headers: &HeaderMap,
) -> Result<HttpResponse, ApiError> {
    let if_match = headers
        .get_all(header::IF_MATCH)
        .map(|value| value.as_bytes());
    let if_match = api::if_match(if_match)?;
    let sender = Sender {
        name: who.name().to_owned(),
        needs_admin,
    };
    // The answer is the view of the sender who authenticated (the transaction checked that an
    // admin route's sender is still an admin).
    let user = api::update(&db, sender, target, apply, if_match).await?;
    Ok(represent(&user, &who))
}

/// Any user creates an article, its author: 201 with its `Location` and `ETag`.
async fn create_article(
    db: web::Data<Database>,
    body: SafePatch<ArticleNew>,
) -> Result<HttpResponse, ApiError> {
    let (sender, new) = body.into_parts();
    let article = articles::create(&db, &sender, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, articles::location(article.id)))
        .insert_header((ETAG, etag(article.version)))
        .json(article.view_as(&sender)))
}

async fn get_article(
    db: web::Data<Database>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let article = articles::read(&db, articles::id_in_path(&id)?).await?;
    Ok(represent_article(&article, &who))
}

/// What the sender may write is the article's grants' business ([`articles`]).
async fn update_article(
    db: web::Data<Database>,
    patch: SafePatch<PatchBody<ArticlePatch>>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = articles::id_in_path(&id)?;
    let if_match = req
        .headers()
        .get_all(header::IF_MATCH)
        .map(|value| value.as_bytes());
    let if_match = api::if_match(if_match)?;
    let sender = patch.identity().clone();
    let apply = articles::apply(patch);
    let article = articles::update(&db, &sender, id, apply, if_match).await?;
    Ok(represent_article(&article, &sender))
}

/// 200 with the article as `who` may see it and its `ETag`.
pub fn represent_article(article: &Article, who: &Identity) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((ETAG, etag(article.version)))
        .json(article.view_as(who))
}

/// 200 with the user as `who` may see it (never its password hash), and its `ETag` when `who`
/// may see its `version` (itself, an admin).
pub fn represent(user: &User, who: &Identity) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if sees_everything(who, user) {
        response.insert_header((ETAG, etag(user.version)));
    }
    response.json(user.view_as(who))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        respond(&self.logged_problem())
    }
}
