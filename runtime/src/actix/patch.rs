//! The patch body extractors: with authentication first ([`SafePatch`]) or without
//! ([`MergePatch`]).

use actix_web::body::{to_bytes_limited, BodyStream};
use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{web, FromRequest, HttpRequest};

use super::{authenticate, LocalBoxFuture};
use crate::web::{MergePatch, PatchConfig, PatchRejection, ReadBody, SafePatch};

/// A patch body, for an application with its own identity: the media type must be one the
/// route's [`PatchConfig`] takes (415 with `Accept-Patch` otherwise), the body must fit its
/// limit (413, checked from `Content-Length` before reading and while streaming), be JSON or a
/// form (400) and name only writable fields with values of the right type (422 listing
/// `forbidden`, `unknown`, `duplicate` and `invalid`).
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use safe_update::web::{MergePatch, PatchRejection};
/// use safe_update::{Roles, SafeUpdate};
///
/// #[derive(SafeUpdate)]
/// struct Profile {
///     #[update(allow)] bio: String,
///     #[update(allow(role = "staff"))] verified: bool,
/// }
///
/// /// Whoever the application's own authentication says the caller is.
/// struct Session { staff: bool }
/// impl Roles for Session {
///     fn has_role(&self, role: &str) -> bool { role == "staff" && self.staff }
/// }
///
/// async fn update(patch: MergePatch<ProfilePatch>) -> Result<HttpResponse, PatchRejection> {
///     let session = Session { staff: false }; // from a cookie, a JWT...
///     let mut profile = Profile { bio: String::new(), verified: false };
///     patch.into_inner().apply_as(&mut profile, &session)?;
///     Ok(HttpResponse::Ok().body(profile.bio))
/// }
///
/// let app = App::new().route("/profile", web::patch().to(update));
/// ```
impl<P: ReadBody + 'static> FromRequest for MergePatch<P> {
    type Error = PatchRejection;
    type Future = LocalBoxFuture<Result<Self, PatchRejection>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move { read::<P>(&req, payload, None).await.map(MergePatch) })
    }
}

/// A patch body and the verified Basic Auth identity that sent it: [`authenticate`] first
/// (sharing its one verification with other extractors), then the body, as [`MergePatch`]
/// reads it. A separate `Identity` argument listed first would not be enough: actix polls a
/// handler's extractors together, so a body extractor of its own would run alongside
/// authentication.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use safe_update::web::{PatchRejection, SafePatch};
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// struct Profile {
///     #[update(allow)] bio: String,
///     #[update(allow(role = "admin"))] verified: bool,
///     #[update(server_only)] owner: String,
/// }
///
/// async fn update(patch: SafePatch<ProfilePatch>) -> Result<HttpResponse, PatchRejection> {
///     let owner = patch.identity().name().to_owned();
///     let mut profile = Profile { bio: String::new(), verified: false, owner }; // load it here
///     let applied = patch.apply_to(&mut profile)?; // 403 if `verified` is sent by a non-admin
///     Ok(HttpResponse::Ok().json(applied.changed_top_level()))
/// }
///
/// let app = App::new().route("/profile", web::patch().to(update));
/// ```
impl<P: ReadBody + 'static> FromRequest for SafePatch<P> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let identity = authenticate(&req).await?;
            let patch = read::<P>(&req, payload, Some(identity.name())).await?;
            Ok(SafePatch { identity, patch })
        })
    }
}

/// The route's [`PatchConfig`] (as itself or in `web::Data`, in the route's, resource's or
/// app's data), else the default.
fn config(req: &HttpRequest) -> PatchConfig {
    req.app_data::<PatchConfig>()
        .or_else(|| {
            req.app_data::<web::Data<PatchConfig>>()
                .map(|data| data.get_ref())
        })
        .copied()
        .unwrap_or_default()
}

async fn read<P: ReadBody>(
    req: &HttpRequest,
    payload: Payload,
    user: Option<&str>,
) -> Result<P, PatchRejection> {
    let config = config(req).for_body::<P>();
    let header = |name| req.headers().get(name).map(|value| value.as_bytes());
    let format = config.format(header(CONTENT_TYPE))?;
    config.check_declared(header(CONTENT_LENGTH))?;
    let limit = config.body_limit();
    let body = match to_bytes_limited(BodyStream::new(payload), limit).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return Err(PatchRejection::Unreadable),
        Err(_) => return Err(PatchRejection::TooLarge { limit }),
    };
    P::__read(format, &body, &config, user)
}
