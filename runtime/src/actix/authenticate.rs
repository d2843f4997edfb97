//! Authenticating a request: once per request, off the executor, within the verification cap.

use std::rc::Rc;

use actix_web::http::header::AUTHORIZATION;
use actix_web::rt::time::timeout;
use actix_web::{web, HttpMessage, HttpRequest};
use tokio::sync::OnceCell;

use super::{AuthFailure, AuthRejection};
use crate::auth::{AuthError, Authenticator, Credentials, Identity, SECURITY_LOG_TARGET};

/// The outcome of the request's authentication, shared by all of its extractors: actix polls
/// a handler's extractors together, and each that needs the identity must wait for the same
/// one verification.
#[derive(Clone, Default)]
struct Shared(Rc<OnceCell<Result<Identity, AuthRejection>>>);

/// Authenticates the request's Basic credentials with the [`Authenticator`] in the app data
/// (as itself or in `web::Data`).
///
/// The extractors ([`Identity`], [`RequireRole`](super::RequireRole),
/// [`SafePatch`](super::SafePatch)) call this; call it yourself to wrap authentication in a
/// check of your own, such as a throttle that counts
/// [`AuthFailure::Auth(AuthError::BadCredentials)`](AuthFailure::Auth). However many times
/// it is called for one request, the credentials are verified once.
///
/// The store lookup and argon2 run on actix's blocking pool. When every verification slot is
/// taken, the request waits for one up to the authenticator's
/// [`slot_wait`](crate::auth::AuthenticatorBuilder::slot_wait) without holding a thread,
/// then gets 503.
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
    verify(auth.clone(), credentials)
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

async fn verify(auth: Authenticator, credentials: Credentials) -> Result<Identity, AuthError> {
    // First without a slot: a cache hit needs none, and most requests are cache hits.
    let worker = auth.clone();
    let (credentials, first) = web::block(move || {
        let outcome = worker.authenticate(&credentials);
        (credentials, outcome)
    })
    .await
    .map_err(|_| AuthError::Busy)?;
    if !matches!(first, Err(AuthError::Busy)) {
        return first;
    }
    // Wait here, as a parked future, rather than on a blocking thread: a flood of wrong
    // passwords then costs queue entries, not threads or argon2's 19 MiB each.
    let slot = match timeout(auth.slot_wait(), auth.slots().acquire_owned()).await {
        Ok(Ok(slot)) => slot,
        _ => {
            tracing::warn!(
                target: SECURITY_LOG_TARGET,
                user = ?credentials.user_id(),
                "authentication refused: no verification slot came free in time"
            );
            return Err(AuthError::Busy);
        }
    };
    web::block(move || auth.authenticate_in_slot(&credentials, slot))
        .await
        .map_err(|_| AuthError::Busy)?
}
