//! What the web adapters ([`actix`](crate::actix), [`axum`](crate::axum)) share, so that both
//! answer alike: the extracted types, the body configuration, every refusal as an RFC 9457
//! [`Problem`] (declared once per kind), and the security log of refused patches.

mod audit;
mod body;
mod extract;
#[cfg(feature = "json-patch")]
mod json_patch;
mod problem;
mod rejection;

pub use body::{Format, PatchConfig, ReadBody};
pub use extract::{ClientAddr, MergePatch, RequireRole, Role, SafePatch};
#[cfg(feature = "json-patch")]
#[cfg_attr(docsrs, doc(cfg(feature = "json-patch")))]
pub use json_patch::PatchBody;
pub use problem::{Problem, PROBLEM_JSON, PROBLEM_TYPE_BASE};
pub use rejection::{
    AuthFailure, AuthRejection, PatchRejection, JSON_AND_FORM_PATCH_TYPES, JSON_PATCH_TYPES,
    WITH_JSON_PATCH_AND_FORM_TYPES, WITH_JSON_PATCH_TYPES,
};

use crate::auth::Credentials;

/// The request's Basic credentials from its `Authorization` values: exactly one, well formed.
pub(crate) fn credentials<'a>(
    mut values: impl Iterator<Item = &'a [u8]>,
) -> Result<Credentials, AuthFailure> {
    let Some(value) = values.next() else {
        return Err(AuthFailure::MissingCredentials);
    };
    if values.next().is_some() {
        return Err(AuthFailure::DuplicateAuthorization);
    }
    Credentials::from_header_bytes(value).map_err(AuthFailure::Malformed)
}
