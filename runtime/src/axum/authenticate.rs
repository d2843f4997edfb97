//! Authenticating a request: once per request, however many extractors ask.

use std::net::SocketAddr;
use std::sync::Once;

use axum::extract::{ConnectInfo, FromRef};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::auth::{Authenticator, Identity};
use crate::web::{credentials, AuthFailure, AuthRejection, ClientAddr};

/// The outcome of the request's authentication, kept in its extensions for the next extractor.
#[derive(Clone)]
struct Outcome(Result<Identity, AuthRejection>);

/// Authenticates the request's Basic credentials with the [`Authenticator`] of the state.
///
/// The extractors ([`Identity`], [`RequireRole`](super::RequireRole),
/// [`SafePatch`](super::SafePatch)) call this; call it yourself where an extractor does not
/// fit, in a middleware say. However many times it is called for one request, the credentials
/// are verified once.
///
/// ```
/// use axum::http::request::Parts;
/// use safe_update::auth::Authenticator;
/// use safe_update::web::AuthRejection;
///
/// async fn who(parts: &mut Parts, auth: &Authenticator) -> Result<String, AuthRejection> {
///     Ok(safe_update::axum::authenticate(parts, auth).await?.name().to_owned())
/// }
/// ```
pub async fn authenticate(
    parts: &mut Parts,
    auth: &Authenticator,
) -> Result<Identity, AuthRejection> {
    if let Some(Outcome(outcome)) = parts.extensions.get::<Outcome>() {
        return outcome.clone();
    }
    let outcome = run(parts, auth).await;
    parts.extensions.insert(Outcome(outcome.clone()));
    outcome
}

async fn run(parts: &Parts, auth: &Authenticator) -> Result<Identity, AuthRejection> {
    let reject = |failure| AuthRejection::new(failure, Some(auth.challenge()));
    let values = parts
        .headers
        .get_all(AUTHORIZATION)
        .iter()
        .map(|value| value.as_bytes());
    let credentials = credentials(values).map_err(reject)?;
    let client = parts
        .extensions
        .get::<ClientAddr>()
        .map(|addr| addr.0)
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
        });
    if client.is_none() {
        warn_no_client_address();
    }
    auth.authenticate(&credentials, client)
        .await
        .map_err(|error| reject(AuthFailure::Auth(error)))
}

/// The authenticator of the state.
pub(super) fn authenticator<S>(state: &S) -> Authenticator
where
    Authenticator: FromRef<S>,
{
    Authenticator::from_ref(state)
}

/// Tells the operator, once per process (it holds for every request after), that passwords are
/// being checked without a client address: the limiter then has only the user name to count
/// under, and with the library's rules ([`StoreLimiter`](crate::auth::StoreLimiter)) anyone's few wrong guesses
/// lock that name out for everyone, the lockout the per-address counters exist to avoid.
fn warn_no_client_address() {
    static WARNED: Once = Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "a password is checked without the client's address (no ClientAddr extension, no \
             ConnectInfo<SocketAddr>): the login limiter counts per user name only, so a few \
             wrong passwords from anyone lock that name out for everyone; serve the app with \
             `into_make_service_with_connect_info::<SocketAddr>()`, or insert a ClientAddr in a \
             middleware (said once per process)"
        );
    });
}
