//! actix-web 4 adapters: the authenticated identity and patch bodies as extractors, every
//! refusal an RFC 9457 problem.
//!
//! The [`auth`](crate::auth) module verifies, the [`web`](crate::web) module holds what both
//! adapters share; this one plugs them into actix. Put one
//! [`Authenticator`](crate::auth::Authenticator) in the app data (as itself or in
//! `web::Data`) for the Basic Auth extractors, optionally a [`PatchConfig`] (per app, resource
//! or route), and take from handlers:
//!
//! - [`Identity`](crate::auth::Identity): the verified sender (401, 400, 429, 503 otherwise);
//! - [`RequireRole<R>`](RequireRole): an identity holding a role (403 otherwise);
//! - [`SafePatch<P>`](SafePatch): the identity and a patch body, read only after
//!   authentication (415, 413, 400, 422; 403 when applied with gated fields);
//! - [`MergePatch<P>`](MergePatch): a patch body alone, for an application that authenticates
//!   its own way.
//!
//! Credentials are verified once per request however many extractors ask, argon2 on tokio's
//! blocking pool, with at most a fixed number of argon2 runs at once and every check counted
//! by the authenticator's login limiter (429 past its limits). Refusals of server-only or
//! role-gated fields are logged under [`SECURITY_LOG_TARGET`](crate::auth::SECURITY_LOG_TARGET).
//!
//! ```
//! use actix_web::{http::StatusCode, test, web, App, HttpResponse};
//! use safe_update::auth::{Authenticator, Credentials, MemoryStore};
//! use safe_update::web::{PatchRejection, SafePatch};
//! use safe_update::SafeUpdate;
//!
//! #[derive(SafeUpdate)]
//! struct Profile {
//!     #[update(allow)] bio: String,
//!     #[update(server_only)] is_admin: bool,
//! }
//!
//! async fn update(patch: SafePatch<ProfilePatch>) -> Result<HttpResponse, PatchRejection> {
//!     let mut profile = Profile { bio: String::new(), is_admin: false }; // load by patch.identity().name()
//!     patch.apply_to(&mut profile)?;
//!     Ok(HttpResponse::Ok().body(profile.bio))
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let store = MemoryStore::new().with_user("alice", "s3cret", ["user"]).unwrap();
//! let auth = Authenticator::builder(store).realm("profiles").build().unwrap();
//! let app = test::init_service(
//!     App::new().app_data(auth).route("/profile", web::patch().to(update)),
//! )
//! .await;
//!
//! let login = Credentials::new("alice", "s3cret").unwrap().to_header_value();
//! let send = |body: &'static str| {
//!     test::TestRequest::patch()
//!         .uri("/profile")
//!         .insert_header(("Authorization", login.as_str()))
//!         .insert_header(("Content-Type", "application/merge-patch+json"))
//!         .set_payload(body)
//!         .to_request()
//! };
//! let ok = test::call_service(&app, send(r#"{"bio":"hi"}"#)).await;
//! assert_eq!(ok.status(), StatusCode::OK);
//! let refused = test::call_service(&app, send(r#"{"is_admin":true}"#)).await;
//! assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
//! assert_eq!(refused.headers().get("content-type").unwrap(), "application/problem+json");
//! # });
//! ```

mod authenticate;
mod identity;
mod patch;
mod response;

pub use crate::web::{
    AuthFailure, AuthRejection, ClientAddr, MergePatch, PatchConfig, PatchRejection, RequireRole,
    Role, SafePatch,
};
pub use authenticate::authenticate;
pub use response::respond;

/// The future of an extractor that awaits something (actix runs each request on one thread).
type LocalBoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;
