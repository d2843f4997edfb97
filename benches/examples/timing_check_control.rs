//! The negative control of `timing_check`: the same checks on an authenticator that answers
//! an unknown user at once, without running argon2, as a careless implementation would. The
//! checker must report the difference (exit 1, both lines `VIOLATION`, the unknown user's
//! median far below the wrong password's); `scripts/reliability.sh` fails if it does not.
//!
//! `timing_check_control [ROUNDS] [TOLERANCE] [CONCURRENCY]`, as `timing_check`.
//!
//! The broken authenticator exists only in this example, which nothing but the control runs:
//! no server and no feature of the library can select it.
#![forbid(unsafe_code)]

use std::sync::Arc;

use safe_update::auth::{AuthError, Authenticator, Credentials, Identity, MemoryStore, UserStore};

#[path = "timing/checker.rs"]
mod checker;

/// The planted bug: the store is asked first, and an unknown user is refused before any
/// password check, so the refusal is fast exactly when the user does not exist.
#[derive(Clone)]
struct SkipsArgon2ForUnknownUsers {
    auth: Authenticator,
    store: Arc<MemoryStore>,
}

impl checker::Login for SkipsArgon2ForUnknownUsers {
    async fn authenticate(&self, credentials: &Credentials) -> Result<Identity, AuthError> {
        match self.store.find(credentials.user_id()).await {
            Ok(None) => Err(AuthError::BadCredentials),
            Ok(Some(_)) => self.auth.authenticate(credentials, None).await,
            Err(error) => Err(AuthError::Store(error)),
        }
    }

    fn hash_checks(&self) -> u64 {
        self.auth.hash_checks()
    }
}

fn main() {
    checker::main(|auth, store| SkipsArgon2ForUnknownUsers { auth, store })
}
