//! Limits of patch bodies, set once in app data.

use actix_web::{web, HttpRequest};

/// How [`SafePatch`](super::SafePatch) reads bodies: add it to the app data to change the
/// defaults.
///
/// ```
/// use actix_web::App;
/// use safe_update::actix::PatchConfig;
///
/// let app = App::new().app_data(PatchConfig::default().limit(16 * 1024));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatchConfig {
    limit: usize,
}

impl PatchConfig {
    /// The default body limit: 64 KiB, far more than any profile update needs.
    pub const DEFAULT_LIMIT: usize = 64 * 1024;

    /// The largest body accepted, in bytes; a longer one is answered with 413.
    pub fn limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// The configured body limit, in bytes.
    pub fn body_limit(&self) -> usize {
        self.limit
    }

    /// The configuration in the app data (as itself or in `web::Data`), else the default.
    pub(crate) fn of(req: &HttpRequest) -> PatchConfig {
        req.app_data::<PatchConfig>()
            .or_else(|| {
                req.app_data::<web::Data<PatchConfig>>()
                    .map(|data| data.get_ref())
            })
            .copied()
            .unwrap_or_default()
    }
}

impl Default for PatchConfig {
    fn default() -> Self {
        PatchConfig {
            limit: Self::DEFAULT_LIMIT,
        }
    }
}
