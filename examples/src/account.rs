//! `POST /users`: an admin creates a user. The body is one JSON object read as
//! [`NewUserBody`]: the fields of [`UserNew`] (what the model lets a client write) plus a
//! [`Login`] (the user name and first password, which are not writable fields of the model:
//! `username` is fixed at creation and `password_hash` is the server's). Every key of the
//! object is refused as for a patch; `id`, `version`, `password_hash` and the timestamps are
//! forbidden.
//!
//! `username` could be the model's own `#[update(allow, create_only)]` field (set by the create
//! input, refused in a patch). It stays in [`Login`] because the password's rule reads it (a
//! password may not contain the user name): one input whose container validator sees both
//! answers a weak password with every other problem of the body, where a check after reading
//! would answer it alone.

use safe_update::auth::{Authenticator, Identity, SECURITY_LOG_TARGET};
use safe_update::web::PatchRejection;
use safe_update::{SafeUpdate, WithExtra};
use zeroize::Zeroizing;

use crate::db::{Build, Database};
use crate::error::ApiError;
use crate::model::{identity_now, User, UserNew, UserServerFields};
use crate::password;
use crate::update::UpdateError;

/// The body of `POST /users`.
pub type NewUserBody = WithExtra<UserNew, LoginNew>;

/// What creating a user takes besides the model's writable fields. Read with them from one
/// object ([`WithExtra`]); its input's `Debug` never shows the password (and the model has
/// no `Debug`). `Clone` is what the container validator of its patch type needs.
#[derive(Clone, SafeUpdate)]
#[update(create, validate = usable)]
pub struct Login {
    /// The login name: 1 to 32 of `a-z`, `0-9`, `_`, `-`, `.`, but not `.` or `..`; fixed
    /// once the user exists.
    #[update(
        allow,
        validate = crate::model::username,
        // The lookahead (ECMA-262, as JSON Schema's `pattern` is) refuses `.` and `..`.
        schema(min_length = 1, max_length = 32, pattern = r"^(?!\.{1,2}$)[a-z0-9_.-]+$")
    )]
    pub username: String,
    /// The first password: 8 to 256 characters, no control character.
    #[update(
        allow,
        redact,
        schema(min_length = 8, max_length = 256, pattern = password::PATTERN)
    )]
    pub password: String,
}

/// The user could log in with this password ([`password::check`]).
fn usable(login: &Login) -> Result<(), String> {
    password::check(&login.username, &login.password)
}

/// Creates the user `body` describes, on behalf of the admin `creator` (whose roles are read
/// again by the transaction that inserts the user): `None` when the user name is taken.
///
/// Every problem of the body is answered at once: the login's and the user's validators, and
/// `is_admin` set by a creator without the role. The password is hashed (in one of `auth`'s
/// argon2 slots, before the transaction) only once the login is valid.
pub async fn create(
    db: &Database,
    creator: &Identity,
    body: NewUserBody,
    auth: &Authenticator,
) -> Result<Option<User>, ApiError> {
    let WithExtra { new, extra } = body;
    // The login first: its password is hashed only when it is valid.
    let (login_refused, username, hash) = match extra.build(LoginServerFields {}) {
        Ok(Login { username, password }) => {
            let password = Zeroizing::new(password);
            // In the argon2 slots that logins take: 503 when they and their queue are full.
            let hash = auth.hash_password(&password).await?;
            (None, username, hash)
        }
        // The user is still built below, for its own problems: both are answered at once, and
        // this user is never stored.
        Err(refused) => (Some(refused), String::new(), String::new()),
    };
    let server = UserServerFields {
        // The database assigns the id and stamps both times in the INSERT (its clock is the one
        // every instance shares); what it stores is what is answered.
        id: 0,
        username,
        password_hash: hash,
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    };
    // The creator's roles of the moment of the insert, read by its transaction as an update
    // reads the sender's: an admin demoted while the request was on the way, or while the
    // password was hashed, creates nobody (nor sets `is_admin`).
    let creator_name = creator.name().to_owned();
    let build: Build = Box::new(move |creator_now: Option<User>| {
        let Some(creator_now) = creator_now.filter(|user| user.is_admin) else {
            tracing::warn!(
                target: SECURITY_LOG_TARGET,
                user = ?creator_name,
                "refused: the role creating a user needs was revoked since the request authenticated"
            );
            return Err(UpdateError::RoleRevoked);
        };
        let roles = identity_now(&creator_name, Some(&creator_now));
        match (login_refused, new.build_as(server, &roles)) {
            (None, Ok(user)) => Ok(user),
            (login_refused, user) => {
                let mut error = login_refused.unwrap_or_default();
                if let Err(refused) = user {
                    error.merge(refused);
                }
                let rejection = PatchRejection::refused(error, Some(&creator_name));
                Err(UpdateError::Refused(rejection))
            }
        }
    });
    let created = db.create_user(creator.name(), build).await?;
    if let Some(user) = &created {
        tracing::info!(
            target: SECURITY_LOG_TARGET,
            actor = ?creator.name(),
            user = ?user.username,
            is_admin = user.is_admin,
            "user created"
        );
    }
    Ok(created)
}
