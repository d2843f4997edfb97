//! What both servers serve: one stored profile, its patch type, users, and a session type
//! standing for an application's own identity (not this crate's).

use std::sync::{Arc, Mutex};

use safe_update::auth::{Authenticator, AuthenticatorBuilder, MemoryStore, StoredUser};
use safe_update::web::{PatchConfig, Role};
use safe_update::{Roles, SafeUpdate};
use safe_update_tests::fixtures::hashes::SLOW_HASH;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, SafeUpdate)]
#[update(validate = bio_is_short, view(server_only = read))]
pub struct Profile {
    #[update(server_only)]
    pub id: u64,
    #[update(allow)]
    pub display_name: String,
    #[update(allow)]
    pub bio: Option<String>,
    #[update(allow(role = "admin"))]
    pub verified: bool,
    #[update(server_only)]
    pub is_admin: bool,
}

fn bio_is_short(profile: &Profile) -> Result<(), &'static str> {
    match &profile.bio {
        Some(bio) if bio.chars().count() > 20 => Err("bio is longer than 20 characters"),
        _ => Ok(()),
    }
}

/// The profile every server starts with.
pub fn bob() -> Profile {
    Profile {
        id: 7,
        display_name: "Bob".into(),
        bio: None,
        verified: false,
        is_admin: false,
    }
}

/// Role `admin`, for `RequireRole`.
pub struct Admin;

impl Role for Admin {
    const NAME: &'static str = "admin";
}

/// An identity of the application's own (a cookie session, a JWT...): here the header
/// `x-session: staff` or anything else. `MergePatch` works with it; Basic Auth is not involved.
pub struct Session {
    pub staff: bool,
}

impl Session {
    pub fn from_header(value: Option<&[u8]>) -> Session {
        Session {
            staff: value == Some(b"staff"),
        }
    }
}

impl Roles for Session {
    fn has_role(&self, role: &str) -> bool {
        role == "admin" && self.staff
    }
}

/// alice (admin), bob, `slow`, whose check is slow ([`SLOW_HASH`]), and `broken`, whose stored
/// hash is not one; hashed once for all the adapters' tests.
pub fn users() -> Arc<MemoryStore> {
    static USERS: std::sync::OnceLock<Arc<MemoryStore>> = std::sync::OnceLock::new();
    USERS
        .get_or_init(|| {
            let store = MemoryStore::new()
                .with_user("alice", "correct horse", ["user", "admin"])
                .unwrap()
                .with_user("bob", "battery staple", ["user"])
                .unwrap();
            store.insert(StoredUser::new("slow", SLOW_HASH, ["user"]));
            // Not a PHC string: the operator's mistake, answered as a wrong password.
            store.insert(StoredUser::new("broken", "correct horse", ["user"]));
            Arc::new(store)
        })
        .clone()
}

/// The realm of every authenticator here.
pub const REALM: &str = r#"the "staff" \ area"#;

/// A builder over [`users`] with [`REALM`].
pub fn builder() -> AuthenticatorBuilder {
    Authenticator::builder(users()).realm(REALM)
}

/// One server's state.
#[derive(Clone)]
pub struct State {
    pub auth: Authenticator,
    /// For JSON routes; the form routes add `accept_form()`.
    pub config: PatchConfig,
    pub profile: Arc<Mutex<Profile>>,
}

impl State {
    pub fn new(auth: Authenticator, config: PatchConfig) -> State {
        State {
            auth,
            config,
            profile: Arc::new(Mutex::new(bob())),
        }
    }

    /// Applies `apply` to a copy of the stored profile and stores the copy if it succeeded:
    /// all or nothing. The changed top-level fields.
    pub fn update<E>(
        &self,
        apply: impl FnOnce(&mut Profile) -> Result<safe_update::Applied, E>,
    ) -> Result<Vec<&'static str>, E> {
        let mut profile = self.profile.lock().unwrap().clone();
        let applied = apply(&mut profile)?;
        *self.profile.lock().unwrap() = profile;
        Ok(applied.changed_top_level())
    }
}
