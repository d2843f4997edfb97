//! axum 0.8 adapters: the authenticated identity and patch bodies as extractors, every refusal
//! an RFC 9457 problem: the same pieces, statuses, headers and bodies as the
//! [`actix`](crate::actix) module.
//!
//! The [`Authenticator`](crate::auth::Authenticator) comes from the router's state
//! (`Authenticator: FromRef<S>`); a [`PatchConfig`] from an `Extension` layer (on the router or
//! one route), else the default. Handlers take:
//!
//! - [`Identity`](crate::auth::Identity): the verified sender (401, 400, 429, 503 otherwise);
//! - [`RequireRole<R>`](RequireRole): an identity holding a role (403 otherwise);
//! - [`SafePatch<P>`](SafePatch): the identity and a patch body, read only after
//!   authentication (415, 413, 400, 422; 403 when applied with gated fields);
//! - [`MergePatch<P>`](MergePatch): a patch body alone, for an application that authenticates
//!   its own way.
//!
//! Credentials are verified once per request however many extractors ask, argon2 on tokio's
//! blocking pool, never on an async worker. The login limiter counts under the [`ClientAddr`]
//! in the request's extensions, else the peer address of `ConnectInfo<SocketAddr>` (serve the
//! app with `into_make_service_with_connect_info::<SocketAddr>()`). With neither it has no
//! address: it counts per user name only, so that a few wrong passwords from anyone lock the
//! name out for everyone, and a warning says so once per process.
//!
//! ```
//! use axum::routing::patch;
//! use axum::Router;
//! use safe_update::auth::{Authenticator, MemoryStore};
//! use safe_update::web::{PatchRejection, SafePatch};
//! use safe_update::SafeUpdate;
//!
//! #[derive(SafeUpdate)]
//! struct Profile {
//!     #[update(allow)] bio: String,
//!     #[update(server_only)] is_admin: bool,
//! }
//!
//! async fn update(patch: SafePatch<ProfilePatch>) -> Result<String, PatchRejection> {
//!     let mut profile = Profile { bio: String::new(), is_admin: false }; // load by patch.identity().name()
//!     patch.apply_to(&mut profile)?;
//!     Ok(profile.bio)
//! }
//!
//! let store = MemoryStore::new().with_user("alice", "s3cret", ["user"]).unwrap();
//! let auth = Authenticator::builder(store).realm("profiles").build().unwrap();
//! let app: Router = Router::new().route("/profile", patch(update)).with_state(auth);
//! ```

mod authenticate;
mod extract;
mod response;

pub use crate::web::{
    AuthFailure, AuthRejection, ClientAddr, MergePatch, PatchConfig, PatchRejection, RequireRole,
    Role, SafePatch,
};
pub use authenticate::authenticate;
pub use response::respond;
