//! Reading a patch body, whatever the framework: media type, size, then the document.

use super::rejection::{
    JSON_AND_FORM_PATCH_TYPES, JSON_PATCH_TYPES, WITH_JSON_PATCH_AND_FORM_TYPES,
    WITH_JSON_PATCH_TYPES,
};
use super::PatchRejection;
use crate::document::DEFAULT_MAX_OPERATIONS;
use crate::Document;

/// How patch bodies are read: the size limit, whether a route takes HTML form bodies too, and
/// whether it takes JSON Patch documents (feature `json-patch`, a handler taking
/// [`PatchBody`](super::PatchBody)) and how many operations.
///
/// actix: put it in the app data (for every route) or in a scope's or resource's data (for
/// those routes). axum: add it as an `Extension` layer to the router, or to one handler
/// (`post(handler.layer(Extension(config)))`), whose layer wins.
///
/// ```
/// use safe_update::web::PatchConfig;
///
/// let json_only = PatchConfig::default().limit(16 * 1024);
/// let html_form_route = json_only.accept_form();
/// assert_eq!((json_only.body_limit(), html_form_route.accepts_form()), (16 * 1024, true));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatchConfig {
    limit: usize,
    form: bool,
    json_patch: bool,
    max_operations: usize,
}

impl PatchConfig {
    /// The default body limit: 64 KiB, far more than any profile update needs.
    pub const DEFAULT_LIMIT: usize = 64 * 1024;

    /// The largest body accepted, in bytes; a longer one is answered with 413, whether it says
    /// its length or not (a chunked body is counted as it streams).
    pub fn limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// Also take `application/x-www-form-urlencoded` bodies, read by
    /// [`from_form`](crate::from_form) with the same refusals (an HTML form's post).
    pub fn accept_form(mut self) -> Self {
        self.form = true;
        self
    }

    /// Also take `application/json-patch+json` bodies (RFC 6902), read by
    /// [`JsonPatch::from_json_limited`](crate::JsonPatch::from_json_limited), where the
    /// handler's body is a [`PatchBody`](super::PatchBody); a handler taking a patch type
    /// alone answers them with 415 and does not list them in `Accept-Patch`.
    #[cfg(feature = "json-patch")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json-patch")))]
    pub fn accept_json_patch(mut self) -> Self {
        self.json_patch = true;
        self
    }

    /// The most operations a JSON Patch document may hold (default
    /// [`JsonPatch::DEFAULT_MAX_OPERATIONS`](crate::JsonPatch::DEFAULT_MAX_OPERATIONS)); a
    /// longer one is refused with 422 `too_many_operations`, the rest
    /// unchecked.
    #[cfg(feature = "json-patch")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json-patch")))]
    pub fn max_operations(mut self, operations: usize) -> Self {
        self.max_operations = operations;
        self
    }

    /// Whether JSON Patch documents are taken.
    pub fn accepts_json_patch(&self) -> bool {
        self.json_patch
    }

    /// The most operations a JSON Patch document may hold.
    pub fn operation_limit(&self) -> usize {
        self.max_operations
    }

    /// The configured body limit, in bytes.
    pub fn body_limit(&self) -> usize {
        self.limit
    }

    /// Whether form bodies are taken.
    pub fn accepts_form(&self) -> bool {
        self.form
    }

    /// The media types taken, as `Accept-Patch` lists them.
    pub fn accepted(&self) -> &'static [&'static str] {
        match (self.json_patch, self.form) {
            (false, false) => JSON_PATCH_TYPES,
            (false, true) => JSON_AND_FORM_PATCH_TYPES,
            (true, false) => WITH_JSON_PATCH_TYPES,
            (true, true) => WITH_JSON_PATCH_AND_FORM_TYPES,
        }
    }

    /// This configuration as a handler reading `B` applies it: JSON Patch only where `B` reads
    /// it, so that neither a 415 nor `Accept-Patch` offers what the handler cannot take.
    pub(crate) fn for_body<B: ReadBody>(mut self) -> Self {
        self.json_patch &= B::JSON_PATCH;
        self
    }

    /// The format of a body with this `Content-Type`, or 415.
    pub(crate) fn format(&self, content_type: Option<&[u8]>) -> Result<Format, PatchRejection> {
        let refused = PatchRejection::UnsupportedMediaType {
            accepted: self.accepted(),
        };
        let content_type = content_type
            .and_then(|value| std::str::from_utf8(value).ok())
            .ok_or(refused)?;
        let mut parts = content_type.split(';');
        let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        // A charset, if named at all, must be UTF-8: JSON is (RFC 8259), and so is a form.
        let utf8 = parts.all(|parameter| match parameter.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
                value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            _ => true,
        });
        match essence.as_str() {
            "application/json" | "application/merge-patch+json" if utf8 => Ok(Format::Json),
            "application/x-www-form-urlencoded" if utf8 && self.form => Ok(Format::Form),
            "application/json-patch+json" if utf8 && self.json_patch => Ok(Format::JsonPatch),
            _ => Err(PatchRejection::UnsupportedMediaType {
                accepted: self.accepted(),
            }),
        }
    }

    /// Refuses a body that says it is longer than the limit, before reading it.
    pub(crate) fn check_declared(
        &self,
        content_length: Option<&[u8]>,
    ) -> Result<(), PatchRejection> {
        let declared = content_length
            .and_then(|value| std::str::from_utf8(value).ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        match declared {
            Some(length) if length > self.limit as u64 => {
                Err(PatchRejection::TooLarge { limit: self.limit })
            }
            _ => Ok(()),
        }
    }
}

impl Default for PatchConfig {
    fn default() -> Self {
        PatchConfig {
            limit: Self::DEFAULT_LIMIT,
            form: false,
            json_patch: false,
            max_operations: DEFAULT_MAX_OPERATIONS,
        }
    }
}

/// How a body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json` or `application/merge-patch+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json-patch+json`.
    JsonPatch,
}

/// What the patch extractors read a body into: every [`Document`] (a patch, a create input,
/// [`WithExtra`](crate::WithExtra)) from JSON or a form, and [`PatchBody`](super::PatchBody)
/// (feature `json-patch`) from those or a JSON Patch. Implemented by this crate only.
pub trait ReadBody: Sized {
    /// Whether a JSON Patch document can be read into it.
    const JSON_PATCH: bool;

    #[doc(hidden)]
    /// Reads `body`, written as `format`; a refusal is logged for `user`.
    fn __read(
        format: Format,
        body: &[u8],
        config: &PatchConfig,
        user: Option<&str>,
    ) -> Result<Self, PatchRejection>;
}

impl<D: Document> ReadBody for D {
    const JSON_PATCH: bool = false;

    fn __read(
        format: Format,
        body: &[u8],
        config: &PatchConfig,
        user: Option<&str>,
    ) -> Result<Self, PatchRejection> {
        parse(format, body, config, user)
    }
}

/// The patch or create input in `body`, read as `format`; a refusal is logged for `user`.
pub(crate) fn parse<P: Document>(
    format: Format,
    body: &[u8],
    config: &PatchConfig,
    user: Option<&str>,
) -> Result<P, PatchRejection> {
    let parsed = match format {
        Format::Json => crate::from_json::<P>(body),
        Format::Form => crate::from_form::<P>(body),
        // Unreachable: `for_body` takes JSON Patch from a configuration only for a body that
        // reads it. Answered as any other type the handler does not take.
        Format::JsonPatch => {
            return Err(PatchRejection::UnsupportedMediaType {
                accepted: config.accepted(),
            })
        }
    };
    parsed.map_err(|error| PatchRejection::document(error, user))
}
