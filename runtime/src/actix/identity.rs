//! The authenticated identity as an extractor, with or without a required role.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::{authenticate, AuthRejection, LocalBoxFuture};
use crate::auth::Identity;

/// The verified sender of the request; see [`authenticate`] for the responses when there is
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

/// A role, named at the type level for [`RequireRole`].
///
/// ```
/// use safe_update::actix::Role;
///
/// /// Staff who may edit any profile.
/// pub struct Admin;
///
/// impl Role for Admin {
///     const NAME: &'static str = "admin";
/// }
/// ```
pub trait Role {
    /// The role's name, as the user store spells it.
    const NAME: &'static str;
}

/// An identity that holds the role `R`, or a 403 with
/// `{"error":"role_required","message":"...","roles":["<role>"]}` (logged as a security event).
///
/// ```
/// use actix_web::HttpResponse;
/// use safe_update::actix::{RequireRole, Role};
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
pub struct RequireRole<R> {
    identity: Identity,
    role: PhantomData<fn() -> R>,
}

impl<R> RequireRole<R> {
    /// The identity.
    pub fn into_inner(self) -> Identity {
        self.identity
    }
}

impl<R> Deref for RequireRole<R> {
    type Target = Identity;

    fn deref(&self) -> &Identity {
        &self.identity
    }
}

impl<R: Role> fmt::Debug for RequireRole<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireRole")
            .field("role", &R::NAME)
            .field("identity", &self.identity)
            .finish()
    }
}

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
