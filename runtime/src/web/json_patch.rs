//! A patch body in either format a route takes: a merge patch (RFC 7396) or a JSON Patch
//! (RFC 6902), by the request's `Content-Type`.

use std::fmt;

use super::body::{parse, Format, ReadBody};
use super::{PatchConfig, PatchRejection, SafePatch};
use crate::auth::Identity;
use crate::{Applied, JsonPatch, Patch, SafeUpdate, SafeView, Sender};

/// A patch body as the client wrote it: a merge patch or, where the route's
/// [`PatchConfig::accept_json_patch`] says so, a JSON Patch document. Both are applied under
/// the same rules ([`apply_as`](Self::apply_as)), so a handler does not tell them apart.
///
/// ```
/// use axum::{routing::patch, Extension, Router};
/// use safe_update::web::{PatchBody, PatchConfig, PatchRejection, SafePatch};
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// #[update(view)]
/// struct Profile {
///     #[update(allow)] bio: String,
///     #[update(server_only, read)] is_admin: bool,
/// }
///
/// async fn update(patch: SafePatch<PatchBody<ProfilePatch>>) -> Result<String, PatchRejection> {
///     let mut profile = Profile { bio: String::new(), is_admin: false }; // load it here
///     patch.apply_to(&mut profile)?; // a merge patch or a JSON Patch, the same checks
///     Ok(profile.bio)
/// }
///
/// let json_patch = PatchConfig::default().accept_json_patch();
/// let app: Router<safe_update::auth::Authenticator> =
///     Router::new().route("/profile", patch(update).layer(Extension(json_patch)));
/// ```
pub enum PatchBody<P> {
    /// `application/merge-patch+json`, `application/json` (or a form, where taken).
    Merge(P),
    /// `application/json-patch+json`.
    Json(JsonPatch<P>),
}

impl<P: Patch> PatchBody<P>
where
    P::Target: SafeView + SafeUpdate<Patch = P>,
{
    /// Applies the body on behalf of `who`: [`Patch::apply_as`] or [`JsonPatch::apply_as`].
    /// A refusal of protected fields is logged as a security event (without a user name:
    /// [`SafePatch::apply_to`] logs the sender's).
    ///
    /// # Errors
    ///
    /// The [`PatchRejection`] of the refusal; `target` is unchanged.
    pub fn apply_as<W: Sender<P::Identity> + ?Sized>(
        self,
        target: &mut P::Target,
        who: &W,
    ) -> Result<Applied, PatchRejection> {
        self.apply_for(target, who, None)
    }

    fn apply_for<W: Sender<P::Identity> + ?Sized>(
        self,
        target: &mut P::Target,
        who: &W,
        user: Option<&str>,
    ) -> Result<Applied, PatchRejection> {
        match self {
            PatchBody::Merge(patch) => patch
                .apply_as(target, who)
                .map_err(|error| PatchRejection::refused(error, user)),
            PatchBody::Json(document) => document
                .apply_as(target, who)
                .map_err(|error| PatchRejection::json_patch(error, user)),
        }
    }

    /// Whether the body is a JSON Patch document.
    pub fn is_json_patch(&self) -> bool {
        matches!(self, PatchBody::Json(_))
    }
}

impl<P: Patch> ReadBody for PatchBody<P> {
    const JSON_PATCH: bool = true;

    fn __read(
        format: Format,
        body: &[u8],
        config: &PatchConfig,
        user: Option<&str>,
    ) -> Result<Self, PatchRejection> {
        match format {
            Format::JsonPatch => JsonPatch::from_json_limited(body, config.operation_limit())
                .map(PatchBody::Json)
                .map_err(|error| PatchRejection::json_patch(error, user)),
            Format::Json | Format::Form => parse(format, body, config, user).map(PatchBody::Merge),
        }
    }
}

impl<P: Patch> SafePatch<PatchBody<P>>
where
    P::Target: SafeView + SafeUpdate<Patch = P>,
    Identity: Sender<P::Identity>,
{
    /// Applies the body as its sender ([`PatchBody::apply_as`]): a refusal of protected fields
    /// is logged with the user name.
    ///
    /// # Errors
    ///
    /// The [`PatchRejection`] of the refusal; `target` is unchanged.
    pub fn apply_to(self, target: &mut P::Target) -> Result<Applied, PatchRejection> {
        let SafePatch { identity, patch } = self;
        patch.apply_for(target, &identity, Some(identity.name()))
    }

    /// As [`apply_to`](Self::apply_to), with `roles` in place of the identity the sender
    /// authenticated with (its roles read again inside the transaction that writes).
    ///
    /// # Errors
    ///
    /// As [`apply_to`](Self::apply_to).
    pub fn apply_with_roles<R: Sender<P::Identity> + ?Sized>(
        self,
        target: &mut P::Target,
        roles: &R,
    ) -> Result<Applied, PatchRejection> {
        let SafePatch { identity, patch } = self;
        patch.apply_for(target, roles, Some(identity.name()))
    }
}

impl<P> fmt::Debug for PatchBody<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values are the client's data: only the format.
        f.write_str(match self {
            PatchBody::Merge(_) => "PatchBody::Merge(..)",
            PatchBody::Json(_) => "PatchBody::Json(..)",
        })
    }
}
