//! The one model of the demo: a user, and who may write which of its fields.

use std::fmt;

use safe_update::auth::Identity;
use safe_update::{Roles, SafeUpdate};

/// A user account, one row of the `users` table.
///
/// The derive generates [`UserPatch`], which holds only `display_name`, `email`, `bio` and
/// (for role `admin`) `is_admin`; a client that sends any other field is refused by name.
/// `create` adds [`UserNew`] (the same fields, for `POST /users`: `display_name` and `email`
/// required, `is_admin` `false` unless an admin sets it) and [`UserServerFields`] (every
/// server-only field, which the server must give to build a user).
/// `Debug` leaves the password hash out, so that no log line carries it.
///
/// `view` makes it a [`safe_update::SafeView`]: the server answers with
/// `user.view_as(&identity)`, never with the user itself (which does not implement
/// `Serialize`). Another user sees `username`, `display_name` and `bio`; the user itself
/// ([`is_self`]) and admins see every field but `password_hash`, which is `secret`: no view
/// ever shows it, and the model cannot be serialized whole by mistake (a secret field forbids
/// `Serialize` and the schema derives).
///
/// The rules take the Basic Auth [`Identity`] (`identity = ...`): its name says whether the
/// user reads itself, its roles give `admin`. The writes take it too; the update transaction
/// builds it from the sender's row of that moment ([`identity_now`]).
///
/// The `schema(...)` of each validated field states its validator's rule for the JSON Schema
/// of the patch (and the OpenAPI document): the patterns exclude exactly what the validators
/// refuse (control characters are U+0000-U+001F and U+007F-U+009F; white space is Unicode's).
///
/// No text field takes U+0000 (NUL), the one character PostgreSQL's `text` cannot hold: every
/// validator refuses it (`display_name` and `email` with every control character, `bio` alone),
/// so that both backends store the same values and answer the same 422 for it.
#[derive(Clone, SafeUpdate)]
#[update(create, view, identity = Identity)]
pub struct User {
    /// Row id.
    #[update(server_only, read(when = is_self), read(role = "admin"))]
    pub id: i64,
    /// Login name, fixed at creation.
    #[update(server_only, read)]
    pub username: String,
    /// Name shown to others: 1 to 64 characters, no control characters.
    #[update(
        allow,
        validate = display_name,
        schema(min_length = 1, max_length = 64, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")
    )]
    pub display_name: String,
    /// Contact address.
    #[update(
        allow,
        validate = email,
        schema(max_length = 254, pattern = EMAIL_PATTERN),
        read(when = is_self),
        read(role = "admin")
    )]
    pub email: String,
    /// Free text, at most 1000 characters, no NUL; `null` clears it.
    #[update(allow, validate = bio, schema(max_length = 1000, pattern = BIO_PATTERN))]
    pub bio: Option<String>,
    /// Whether the user holds role `admin`; only an admin may set or change it.
    #[update(
        allow(role = "admin"),
        create_default = false,
        read(when = is_self),
        read(role = "admin")
    )]
    pub is_admin: bool,
    /// argon2id PHC string; never leaves the server.
    #[update(server_only, secret)]
    pub password_hash: String,
    /// Incremented by every update that changes a value; the `ETag`.
    #[update(server_only, read(when = is_self), read(role = "admin"))]
    pub version: u64,
    /// Creation time, RFC 3339 UTC.
    #[update(server_only, read(when = is_self), read(role = "admin"))]
    pub created_at: String,
    /// Time of the last change, RFC 3339 UTC.
    #[update(server_only, read(when = is_self), read(role = "admin"))]
    pub updated_at: String,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("email", &self.email)
            .field("bio", &self.bio)
            .field("is_admin", &self.is_admin)
            .field("password_hash", &"[redacted]")
            .field("version", &self.version)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// The role name that `is_admin` grants.
pub const ADMIN: &str = "admin";

impl Roles for User {
    fn has_role(&self, role: &str) -> bool {
        role == ADMIN && self.is_admin
    }
}

/// The read condition of the fields a user sees of itself: `who` is the user it reads.
pub fn is_self(who: &Identity, user: &User) -> bool {
    who.name() == user.username
}

/// Whether `who` sees the whole of `user` (every field but the secret one): itself, or an
/// admin. What the read rules above say, for what a view cannot carry: the `ETag` header
/// (`version`) is sent only to those who see `version` in the body.
pub fn sees_everything(who: &Identity, user: &User) -> bool {
    is_self(who, user) || who.has_role(ADMIN)
}

/// The sender as a transaction reads it: its name, and role `admin` if its row says so now.
/// An admin demoted while the request was on its way acts as a user; a sender whose row is
/// gone holds no role.
pub fn identity_now(name: &str, row: Option<&User>) -> Identity {
    let admin = row.is_some_and(|user| user.is_admin);
    Identity::new(name, admin.then_some(ADMIN))
}

/// 1 to 64 characters, none of them a control character.
pub fn display_name(name: &str) -> Result<(), &'static str> {
    match name.chars().count() {
        1..=64 if !name.chars().any(char::is_control) => Ok(()),
        _ => Err("must be 1 to 64 characters without control characters"),
    }
}

/// A plausible address: `local@domain.tld`, at most 254 characters, no spaces or controls;
/// labels of the domain 1 to 63 characters. ([`EMAIL_PATTERN`] says the same.)
pub fn email(address: &str) -> Result<(), &'static str> {
    let plausible = address.chars().count() <= 254
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
        && match address.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain
                        .split('.')
                        .all(|label| (1..=63).contains(&label.chars().count()))
                    && domain.contains('.')
            }
            None => false,
        };
    if plausible {
        Ok(())
    } else {
        Err("must be an address like name@example.org")
    }
}

/// What [`email`] accepts, as a JSON Schema pattern (with `maxLength` 254): one `@`, a
/// non-empty local part, two or more dot-separated labels of 1 to 63 characters, none of them
/// white space (Unicode's `White_Space`) or a control character.
pub const EMAIL_PATTERN: &str = concat!(
    r"^[^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+",
    r"@[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]{1,63}",
    r"(\.[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]{1,63})+$"
);

/// At most 1000 characters, none of them NUL (U+0000), which PostgreSQL cannot store: refused
/// here, it is the same 422 on SQLite, not a value one backend keeps and the other fails on.
/// Line breaks, tabs and other control characters stay allowed in this free text.
pub fn bio(bio: &Option<String>) -> Result<(), &'static str> {
    match bio {
        Some(text) if text.chars().count() > 1000 => Err("must be at most 1000 characters"),
        Some(text) if text.contains('\0') => Err("must not contain the NUL character (U+0000)"),
        _ => Ok(()),
    }
}

/// What [`bio`] accepts, as a JSON Schema pattern (with `maxLength` 1000): no U+0000.
pub const BIO_PATTERN: &str = r"^[^\x00]*$";

/// A user name the CLI and `POST /users` accept: 1 to 32 of `a-z`, `0-9`, `_`, `-`, `.`,
/// other than `.` and `..`, which in `/users/{username}` would be path segments of their own.
pub fn username(name: &str) -> Result<(), &'static str> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c);
    if !((1..=32).contains(&name.len()) && name.chars().all(allowed)) {
        return Err("user names are 1 to 32 characters of a-z, 0-9, '_', '-', '.'");
    }
    if name == "." || name == ".." {
        return Err("'.' and '..' are not user names: they are path segments in a URL");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators() {
        assert!(display_name("Alice").is_ok());
        assert!(display_name("").is_err());
        assert!(display_name("a\u{7}b").is_err());
        assert!(display_name(&"é".repeat(64)).is_ok());
        assert!(display_name(&"é".repeat(65)).is_err());
        assert!(email("alice@example.org").is_ok());
        for bad in [
            "alice",
            "@example.org",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "a@b..org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(bio(&Some("two\nlines\twith a tab".into())).is_ok());
        assert!(bio(&Some("é".repeat(1000))).is_ok());
        assert!(bio(&Some("é".repeat(1001))).is_err());
        assert!(bio(&None).is_ok());
        // PostgreSQL's text cannot hold NUL: refused in every field, on every backend.
        assert!(bio(&Some("a\0b".into())).is_err());
        assert!(display_name("a\0b").is_err());
        assert!(email("a\0b@example.org").is_err());
        assert!(username("alice").is_ok());
        assert!(username("Alice").is_err());
        assert!(username("a:b").is_err());
    }

    #[test]
    fn debug_never_shows_the_password_hash() {
        let user = User {
            id: 1,
            username: "alice".into(),
            display_name: "Alice".into(),
            email: "alice@example.org".into(),
            bio: None,
            is_admin: false,
            password_hash: "$argon2id$v=19$secret-hash".into(),
            version: 1,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-01-01T00:00:00.000Z".into(),
        };
        let shown = format!("{user:?}");
        assert!(
            !shown.contains("secret-hash") && !shown.contains("argon2"),
            "{shown}"
        );
        assert!(shown.contains(r#"password_hash: "[redacted]""#), "{shown}");
        assert!(shown.contains("alice@example.org"), "{shown}");
    }

    fn alice() -> User {
        User {
            id: 1,
            username: "alice".into(),
            display_name: "Alice".into(),
            email: "alice@example.org".into(),
            bio: Some("hi".into()),
            is_admin: false,
            password_hash: "$argon2id$v=19$secret-hash".into(),
            version: 3,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-01-02T00:00:00.000Z".into(),
        }
    }

    fn seen(user: &User, who: &Identity) -> serde_json::Value {
        use safe_update::SafeView;
        serde_json::to_value(user.view_as(who)).unwrap()
    }

    #[test]
    fn another_user_sees_the_public_fields_only() {
        let bob = Identity::new("bob", None::<&str>);
        assert_eq!(
            seen(&alice(), &bob),
            serde_json::json!({"username": "alice", "display_name": "Alice", "bio": "hi"})
        );
        assert!(!sees_everything(&bob, &alice()));
    }

    #[test]
    fn the_user_itself_and_admins_see_all_but_the_hash() {
        let full = serde_json::json!({
            "id": 1, "username": "alice", "display_name": "Alice", "email": "alice@example.org",
            "bio": "hi", "is_admin": false, "version": 3,
            "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-02T00:00:00.000Z",
        });
        let itself = Identity::new("alice", None::<&str>);
        let admin = Identity::new("root", [ADMIN]);
        for who in [&itself, &admin] {
            assert_eq!(seen(&alice(), who), full, "{who:?}");
            // The `ETag` (the version) goes to exactly those who see `version`.
            assert!(sees_everything(who, &alice()), "{who:?}");
        }
    }

    #[test]
    fn the_roles_of_the_moment_make_the_identity() {
        let mut row = alice();
        assert!(!identity_now("alice", Some(&row)).has_role(ADMIN));
        row.is_admin = true;
        let now = identity_now("alice", Some(&row));
        assert!(now.has_role(ADMIN) && now.name() == "alice");
        assert!(identity_now("gone", None).roles().is_empty());
    }

    #[test]
    fn server_only_fields_are_not_writable() {
        use safe_update::Patch;
        assert_eq!(
            UserPatch::WRITABLE,
            ["display_name", "email", "bio", "is_admin"]
        );
        assert_eq!(UserPatch::GATED, [("is_admin", &[ADMIN][..])]);
    }
}
