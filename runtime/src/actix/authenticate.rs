//! Authenticating a request: once per request, however many extractors ask.

use std::net::IpAddr;
use std::rc::Rc;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, HttpMessage, HttpRequest};
use tokio::sync::OnceCell;

use super::{AuthFailure, AuthRejection};
use crate::auth::{Authenticator, Credentials, Identity};

/// The client's address as the application determined it, put in the request's extensions by a
/// middleware: the address login throttling counts under. Without it, the peer address of the
/// connection is used.
///
/// Behind a reverse proxy every request comes from the proxy's address; a middleware that
/// trusts `Forwarded` or `X-Forwarded-For` from that proxy (and from nowhere else) sets this.
///
/// ```
/// use actix_web::{dev::ServiceRequest, HttpMessage};
/// use safe_update::actix::ClientAddr;
///
/// fn behind_trusted_proxy(req: &ServiceRequest, forwarded_for: std::net::IpAddr) {
///     req.extensions_mut().insert(ClientAddr(forwarded_for));
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

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
    let credentials = credentials(req).map_err(reject)?;
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

fn credentials(req: &HttpRequest) -> Result<Credentials, AuthFailure> {
    let mut values = req.headers().get_all(AUTHORIZATION);
    let Some(value) = values.next() else {
        return Err(AuthFailure::MissingCredentials);
    };
    if values.next().is_some() {
        return Err(AuthFailure::DuplicateAuthorization);
    }
    Credentials::from_header_bytes(value.as_bytes()).map_err(AuthFailure::Malformed)
}
