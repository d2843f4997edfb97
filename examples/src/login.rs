//! The throttle in front of authentication: a middleware that refuses (429) a user name or
//! address with too many recent failures before argon2 runs, and counts the failures.
//!
//! It authenticates through [`safe_update::actix::authenticate`], which verifies a request's
//! credentials once however often it is asked: the handlers' extractors then reuse the result.

use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use safe_update::actix::{authenticate, AuthFailure};
use safe_update::auth::{AuthError, Credentials, SECURITY_LOG_TARGET};
use serde_json::json;

use crate::throttle::Throttle;

/// Middleware (for `middleware::from_fn`): throttles and counts logins of requests that
/// carry credentials; requests without any pass through untouched.
pub async fn throttle_logins(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let throttle = req.app_data::<web::Data<Throttle>>().cloned();
    let user = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| Credentials::from_header_bytes(value.as_bytes()).ok())
        .map(|credentials| credentials.user_id().to_owned());
    if let (Some(throttle), Some(user)) = (throttle, user) {
        let addr = req.peer_addr().map(|addr| addr.ip());
        if let Err(wait) = throttle.check(&user, addr) {
            let addr = addr.map_or_else(|| "unknown".to_owned(), |addr| addr.to_string());
            tracing::warn!(target: SECURITY_LOG_TARGET, user = ?user, %addr, "login throttled");
            let response = too_many_attempts(wait);
            return Ok(req.into_response(response).map_into_right_body());
        }
        match authenticate(req.request()).await {
            Ok(_) => throttle.succeeded(&user),
            Err(rejection) => {
                if let AuthFailure::Auth(AuthError::BadCredentials) = rejection.failure() {
                    throttle.failed(&user, addr);
                }
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// 429 with `Retry-After` in whole seconds, rounded up.
fn too_many_attempts(wait: Duration) -> HttpResponse {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    HttpResponse::TooManyRequests()
        .insert_header((RETRY_AFTER, seconds.max(1).to_string()))
        .json(json!({
            "error": "too_many_attempts",
            "message": "too many failed logins; retry later",
            "retry_after": seconds.max(1),
        }))
}
