//! Reading a patch body, whatever the framework: media type, size, then the document.

use super::rejection::{JSON_AND_FORM_PATCH_TYPES, JSON_PATCH_TYPES};
use super::PatchRejection;
use crate::Document;

/// How patch bodies are read: the size limit, and whether a route takes HTML form bodies too.
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
        if self.form {
            JSON_AND_FORM_PATCH_TYPES
        } else {
            JSON_PATCH_TYPES
        }
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
        }
    }
}

/// How a body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Form,
}

/// The patch or create input in `body`, read as `format`; a refusal is logged for `user`.
pub(crate) fn parse<P: Document>(
    format: Format,
    body: &[u8],
    user: Option<&str>,
) -> Result<P, PatchRejection> {
    let parsed = match format {
        Format::Json => crate::from_json::<P>(body),
        Format::Form => crate::from_form::<P>(body),
    };
    parsed.map_err(|error| PatchRejection::document(error, user))
}
