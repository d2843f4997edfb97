//! The authenticated identity as an extractor, with or without a required role.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::{authenticate, LocalBoxFuture};
use crate::auth::Identity;
use crate::web::{AuthRejection, RequireRole, Role};

/// The verified sender of the request; see [`authenticate`] for the answers when there is
/// none.
///
/// ```
/// use actix_web::HttpResponse;
/// use safe_update::auth::Identity;
///
/// async fn whoami(who: Identity) -> HttpResponse {
///     HttpResponse::Ok().body(who.name().to_owned())
/// }
/// ```
impl FromRequest for Identity {
    type Error = AuthRejection;
    type Future = LocalBoxFuture<Result<Identity, AuthRejection>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

/// An identity holding the role `R`, or a 403 `role_required` problem.
///
/// ```
/// use actix_web::HttpResponse;
/// use safe_update::web::{RequireRole, Role};
///
/// pub struct Admin;
/// impl Role for Admin {
///     const NAME: &'static str = "admin";
/// }
///
/// async fn delete_user(admin: RequireRole<Admin>) -> HttpResponse {
///     HttpResponse::Ok().body(format!("deleted by {}", admin.name()))
/// }
/// ```
impl<R: Role + 'static> FromRequest for RequireRole<R> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let identity = authenticate(&req).await?;
            identity.require_role(R::NAME)?;
            Ok(RequireRole {
                identity,
                role: PhantomData,
            })
        })
    }
}
