//! Authenticating a request: once per request, however many extractors ask.

use std::rc::Rc;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, HttpMessage, HttpRequest};
use tokio::sync::OnceCell;

use crate::auth::{Authenticator, Identity};
use crate::web::{credentials, AuthFailure, AuthRejection, ClientAddr};

/// The outcome of the request's authentication, shared by all of its extractors: actix polls
/// a handler's extractors together, and each that needs the identity must wait for the same
/// one verification.
#[derive(Clone, Default)]
struct Shared(Rc<OnceCell<Result<Identity, AuthRejection>>>);

/// Authenticates the request's Basic credentials with the [`Authenticator`] in the app data
/// (as itself or in `web::Data`).
///
/// The extractors ([`Identity`], [`RequireRole`](super::RequireRole),
/// [`SafePatch`](super::SafePatch)) call this; call it yourself where an extractor does not
/// fit, in a middleware say. However many times it is called for one request, the credentials
/// are verified once.
///
/// The store lookup runs as the store does (an async store on the worker, a
/// [`Blocking`](crate::auth::Blocking) one on tokio's blocking pool) and argon2 on tokio's
/// blocking pool; the login limiter counts under the [`ClientAddr`] in the request's
/// extensions, or the connection's peer address.
///
/// ```
/// use actix_web::{HttpRequest, HttpResponse};
/// use safe_update::actix::{authenticate, AuthRejection};
///
/// async fn whoami(req: HttpRequest) -> Result<HttpResponse, AuthRejection> {
///     let who = authenticate(&req).await?;
///     Ok(HttpResponse::Ok().body(who.name().to_owned()))
/// }
/// ```
pub async fn authenticate(req: &HttpRequest) -> Result<Identity, AuthRejection> {
    let shared = req
        .extensions_mut()
        .get_or_insert_with(Shared::default)
        .clone();
    shared.0.get_or_init(|| run(req)).await.clone()
}

async fn run(req: &HttpRequest) -> Result<Identity, AuthRejection> {
    let Some(auth) = authenticator(req) else {
        tracing::error!(
            "no safe_update::auth::Authenticator in the app data: requests cannot be authenticated"
        );
        return Err(AuthRejection::new(AuthFailure::NotConfigured, None));
    };
    let reject = |failure| AuthRejection::new(failure, Some(auth.challenge()));
    let values = req
        .headers()
        .get_all(AUTHORIZATION)
        .map(|value| value.as_bytes());
    let credentials = credentials(values).map_err(reject)?;
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .map(|addr| addr.0)
        .or_else(|| req.peer_addr().map(|addr| addr.ip()));
    auth.authenticate(&credentials, client)
        .await
        .map_err(|error| reject(AuthFailure::Auth(error)))
}

fn authenticator(req: &HttpRequest) -> Option<&Authenticator> {
    req.app_data::<Authenticator>().or_else(|| {
        req.app_data::<web::Data<Authenticator>>()
            .map(|data| data.get_ref())
    })
}
