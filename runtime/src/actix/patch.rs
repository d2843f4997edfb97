//! The patch body extractor: authenticated first, then media type, size and document checked.

use std::fmt;

use actix_web::body::{to_bytes_limited, BodyStream};
use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{mime, FromRequest, HttpMessage, HttpRequest};

use super::{audit, authenticate, LocalBoxFuture, PatchConfig, PatchRejection};
use crate::auth::Identity;
use crate::{from_json, Applied, Patch, Roles};

/// A patch body and the verified identity that sent it.
///
/// Extraction authenticates the request first (as the [`Identity`] extractor does, sharing
/// its one verification) and reads the body only then, so an anonymous client learns nothing
/// about what a patch may contain and cannot make the server buffer a body. A separate
/// `Identity` argument listed first would not be enough: actix polls a handler's extractors
/// together, so a body extractor of its own would run alongside authentication.
///
/// After authentication, in order: the `Content-Type` must be `application/json` or
/// `application/merge-patch+json` (415 with `Accept-Patch` otherwise), the body must fit in
/// [`PatchConfig`]'s limit (413), be JSON (400) and name only writable fields with values of
/// the right type (422 listing `forbidden`, `unknown`, `duplicate` and `invalid`). See
/// [`PatchRejection`] for the bodies.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use safe_update::actix::{PatchRejection, SafePatch};
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
pub struct SafePatch<P> {
    identity: Identity,
    patch: P,
}

impl<P: Patch> SafePatch<P> {
    /// Who sent the patch.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The patch.
    pub fn patch(&self) -> &P {
        &self.patch
    }

    /// The identity and the patch.
    pub fn into_parts(self) -> (Identity, P) {
        (self.identity, self.patch)
    }

    /// Applies the patch as its sender ([`Patch::apply_as`]): every role and validator is
    /// checked before the first write. A refusal of role-gated fields is logged as a security
    /// event with the user name and the field names.
    pub fn apply_to(self, target: &mut P::Target) -> Result<Applied, PatchRejection> {
        let SafePatch { identity, patch } = self;
        patch.apply_as(target, &identity).map_err(|error| {
            audit::refused_apply(Some(identity.name()), &error);
            PatchRejection::Refused(error)
        })
    }

    /// As [`apply_to`](Self::apply_to), with `roles` in place of the roles the sender
    /// authenticated with: for an application that reads them again at the moment of the
    /// write, inside the transaction, so that a sender demoted while its request was on the
    /// way cannot still write a gated field. A refusal is logged under the sender's name.
    pub fn apply_with_roles<R: Roles + ?Sized>(
        self,
        target: &mut P::Target,
        roles: &R,
    ) -> Result<Applied, PatchRejection> {
        let SafePatch { identity, patch } = self;
        patch.apply_as(target, roles).map_err(|error| {
            audit::refused_apply(Some(identity.name()), &error);
            PatchRejection::Refused(error)
        })
    }
}

impl<P> fmt::Debug for SafePatch<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The patch's values are the client's data: only who sent it is shown.
        f.debug_struct("SafePatch")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl<P: Patch + 'static> FromRequest for SafePatch<P> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let identity = authenticate(&req).await?;
            let patch = read_patch::<P>(&req, payload, identity.name()).await?;
            Ok(SafePatch { identity, patch })
        })
    }
}

async fn read_patch<P: Patch>(
    req: &HttpRequest,
    payload: Payload,
    user: &str,
) -> Result<P, PatchRejection> {
    if !is_patch_media_type(req) {
        return Err(PatchRejection::UnsupportedMediaType);
    }
    let limit = PatchConfig::of(req).body_limit();
    if declared_length(req).is_some_and(|length| length > limit as u64) {
        return Err(PatchRejection::TooLarge { limit });
    }
    let body = match to_bytes_limited(BodyStream::new(payload), limit).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return Err(PatchRejection::Unreadable),
        Err(_) => return Err(PatchRejection::TooLarge { limit }),
    };
    from_json::<P>(&body).map_err(|error| {
        audit::refused_document(Some(user), &error);
        PatchRejection::Document(error)
    })
}

/// JSON or JSON Merge Patch (RFC 7396), in UTF-8 if a charset is named at all.
fn is_patch_media_type(req: &HttpRequest) -> bool {
    let Ok(Some(media_type)) = req.mime_type() else {
        return false;
    };
    let json = matches!(
        media_type.essence_str(),
        "application/json" | "application/merge-patch+json"
    );
    let utf8 = media_type
        .get_param(mime::CHARSET)
        .is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8"));
    json && utf8
}

/// `Content-Length`, when present and a number: a body announced too long is refused unread.
fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}
