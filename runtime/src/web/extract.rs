//! What the extractors give a handler, whatever the framework.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::ops::Deref;

use super::PatchRejection;
use crate::auth::Identity;
use crate::{Applied, Create, Patch, Sender};

/// A patch body with no identity attached: for an application that authenticates in its own
/// way (JWT, sessions, another crate's Basic Auth). Read after the media type and size checks
/// of [`PatchConfig`](super::PatchConfig), refused as [`PatchRejection`] lists; apply it with
/// `apply_as(&mut model, &whoever)` for any [`Roles`](crate::Roles) of yours.
#[derive(Debug)]
pub struct MergePatch<P>(pub P);

impl<P> MergePatch<P> {
    /// The patch.
    pub fn into_inner(self) -> P {
        self.0
    }
}

impl<P> Deref for MergePatch<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.0
    }
}

/// A patch body (or a create input, any [`Document`](crate::Document)) and the verified Basic
/// Auth identity that sent it.
///
/// Extraction authenticates the request first and reads the body only then, so an anonymous
/// client learns nothing about what a patch may contain and cannot make the server buffer a
/// body; then come the checks of [`MergePatch`].
pub struct SafePatch<P> {
    pub(crate) identity: Identity,
    pub(crate) patch: P,
}

impl<P> SafePatch<P> {
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
}

impl<N: Create> SafePatch<N>
where
    Identity: Sender<N::Identity>,
{
    /// Builds the model from the create input as its sender ([`Create::build_as`]): roles and
    /// validators are checked before the model is returned. A refusal of role-gated fields is
    /// logged as a security event with the user name and the field names.
    ///
    /// # Errors
    ///
    /// [`PatchRejection::Refused`]: a gated field the sender may not set (403) or a value a
    /// validator refused (422).
    pub fn build(self, server: N::ServerFields) -> Result<N::Target, PatchRejection> {
        let SafePatch { identity, patch } = self;
        patch
            .build_as(server, &identity)
            .map_err(|error| PatchRejection::refused(error, Some(identity.name())))
    }
}

impl<P: Patch> SafePatch<P>
where
    Identity: Sender<P::Identity>,
{
    /// Applies the patch as its sender ([`Patch::apply_as`]): every role and validator is
    /// checked before the first write. A refusal of role-gated fields is logged as a security
    /// event with the user name and the field names.
    ///
    /// # Errors
    ///
    /// [`PatchRejection::Refused`]: a gated field the sender may not write (403) or a value a
    /// validator refused (422); `target` is unchanged.
    pub fn apply_to(self, target: &mut P::Target) -> Result<Applied, PatchRejection> {
        let SafePatch { identity, patch } = self;
        patch
            .apply_as(target, &identity)
            .map_err(|error| PatchRejection::refused(error, Some(identity.name())))
    }

    /// As [`apply_to`](Self::apply_to), with `roles` in place of the identity the sender
    /// authenticated with: for an application that reads its roles again at the moment of the
    /// write, inside the transaction, so that a sender demoted while its request was on the
    /// way cannot still write a gated field. A refusal is logged under the sender's name.
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
        patch
            .apply_as(target, roles)
            .map_err(|error| PatchRejection::refused(error, Some(identity.name())))
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

/// A role, named at the type level for [`RequireRole`].
///
/// ```
/// use safe_update::web::Role;
///
/// /// Staff who may edit any profile.
/// pub struct Admin;
///
/// impl Role for Admin {
///     const NAME: &'static str = "admin";
/// }
/// ```
pub trait Role {
    /// The role's name, as the user store spells it.
    const NAME: &'static str;
}

/// An identity that holds the role `R`, or a 403 `role_required` problem (logged as a
/// security event).
pub struct RequireRole<R> {
    pub(crate) identity: Identity,
    pub(crate) role: PhantomData<fn() -> R>,
}

impl<R> RequireRole<R> {
    /// The identity.
    pub fn into_inner(self) -> Identity {
        self.identity
    }
}

impl<R> Deref for RequireRole<R> {
    type Target = Identity;

    fn deref(&self) -> &Identity {
        &self.identity
    }
}

impl<R: Role> fmt::Debug for RequireRole<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireRole")
            .field("role", &R::NAME)
            .field("identity", &self.identity)
            .finish()
    }
}

/// The client's address as the application determined it, put in the request's extensions by a
/// middleware: the address login throttling counts under. Without it, the connection's peer
/// address is used (in axum, from `ConnectInfo<SocketAddr>`, when the app is served with
/// `into_make_service_with_connect_info`).
///
/// Behind a reverse proxy every request comes from the proxy's address; a middleware sets this
/// from the one forwarding header that proxy maintains (`X-Forwarded-For` for most, or
/// `Forwarded`, never both: a proxy passes the other through as the client wrote it), read
/// from the right and only when the peer is that proxy (the demo's `examples/src/client.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);
