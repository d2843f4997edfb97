//! The extractors: identity, role, patch bodies.

use std::marker::PhantomData;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::authenticate::{authenticate, authenticator};
use crate::auth::{Authenticator, Identity};
use crate::web::{
    AuthRejection, MergePatch, PatchConfig, PatchRejection, ReadBody, RequireRole, Role, SafePatch,
};

/// The verified sender of the request; see [`authenticate`](super::authenticate).
///
/// ```
/// use safe_update::auth::Identity;
///
/// async fn whoami(who: Identity) -> String {
///     who.name().to_owned()
/// }
/// ```
impl<S> FromRequestParts<S> for Identity
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        authenticate(parts, &authenticator(state)).await
    }
}

/// An identity holding the role `R`, or a 403 `role_required` problem.
///
/// ```
/// use safe_update::web::{RequireRole, Role};
///
/// pub struct Admin;
/// impl Role for Admin {
///     const NAME: &'static str = "admin";
/// }
///
/// async fn delete_user(admin: RequireRole<Admin>) -> String {
///     format!("deleted by {}", admin.name())
/// }
/// ```
impl<S, R> FromRequestParts<S> for RequireRole<R>
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
    R: Role + 'static,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let identity = authenticate(parts, &authenticator(state))
            .await
            .map_err(IntoResponse::into_response)?;
        identity
            .require_role(R::NAME)
            .map_err(IntoResponse::into_response)?;
        Ok(RequireRole {
            identity,
            role: PhantomData,
        })
    }
}

/// A patch body, for an application with its own identity: the checks of the
/// [`actix`](crate::actix::MergePatch) extractor, the same answers.
///
/// ```
/// use safe_update::web::{MergePatch, PatchRejection};
/// use safe_update::{NoRoles, SafeUpdate};
///
/// #[derive(SafeUpdate)]
/// struct Profile { #[update(allow)] bio: String }
///
/// async fn update(patch: MergePatch<ProfilePatch>) -> Result<String, PatchRejection> {
///     let mut profile = Profile { bio: String::new() };
///     patch.into_inner().apply_as(&mut profile, &NoRoles)?;
///     Ok(profile.bio)
/// }
/// ```
impl<S, P> FromRequest<S> for MergePatch<P>
where
    S: Send + Sync,
    P: ReadBody + Send,
{
    type Rejection = PatchRejection;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        read::<P>(&parts, body, None).await.map(MergePatch)
    }
}

/// A patch body and the verified Basic Auth identity that sent it: authentication first, then
/// the body, as [`MergePatch`] reads it.
impl<S, P> FromRequest<S> for SafePatch<P>
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
    P: ReadBody + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let identity = authenticate(&mut parts, &authenticator(state))
            .await
            .map_err(IntoResponse::into_response)?;
        let patch = read::<P>(&parts, body, Some(identity.name()))
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(SafePatch { identity, patch })
    }
}

async fn read<P: ReadBody>(
    parts: &Parts,
    body: Body,
    user: Option<&str>,
) -> Result<P, PatchRejection> {
    // An `Extension(config)` layer puts the config itself in the request's extensions; the
    // innermost layer (a route's) inserts last and wins.
    let config = parts
        .extensions
        .get::<PatchConfig>()
        .copied()
        .unwrap_or_default()
        .for_body::<P>();
    let header = |name| parts.headers.get(name).map(|value| value.as_bytes());
    let format = config.format(header(CONTENT_TYPE))?;
    config.check_declared(header(CONTENT_LENGTH))?;
    let limit = config.body_limit();
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return Err(PatchRejection::TooLarge { limit })
        }
        Err(_) => return Err(PatchRejection::Unreadable),
    };
    P::__read(format, &body, &config, user)
}
