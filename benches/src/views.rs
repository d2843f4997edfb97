//! The cost of views (BENCHMARKS.md, "Views: serializing what a reader may see"): the
//! 16-field [`Profile`] with an `owner`, its `password_hash` secret, its other 16 fields
//! readable by everyone (8 of them) or by the owner and admins (the other 8), serialized
//! for a reader who sees every field (the owner) and one who sees half (another user), against
//! serde's derive of a hand-written struct of the same fields and values:
//!
//! - [`ViewProfile`]: the read rules above, each gated field checked for each reader;
//! - [`PlainProfile`]: every field plain `read`, so that its difference to [`ViewProfile`] is
//!   the rule checks' own work; [`PlainHalfProfile`]: the gated half `secret` instead, so the
//!   same for the half reader (a secret field is left out when the view is compiled);
//! - [`AllFields`], [`HalfTheFields`]: the floors, serde's derive of the fields each reader
//!   sees.
//!
//! Every approach writes with [`write_json`], into a buffer reused (and cleared) each call.

use safe_update::{Roles, SafeUpdate};
use serde::Serialize;

use crate::{profile, Profile};

/// A reader: a name, and whether an admin.
#[derive(Debug, Clone)]
pub struct Reader {
    /// Compared with a profile's `owner`.
    pub name: String,
    /// Holds the role `admin`.
    pub admin: bool,
}

impl Roles for Reader {
    fn has_role(&self, role: &str) -> bool {
        role == "admin" && self.admin
    }
}

/// The reader who sees every field: the owner (not an admin, so both grants are asked of
/// the other reader and the owner's first one admits).
pub fn owner() -> Reader {
    Reader {
        name: "alice".into(),
        admin: false,
    }
}

/// The reader who sees half the fields: another user, not an admin.
pub fn other() -> Reader {
    Reader {
        name: "bob".into(),
        admin: false,
    }
}

/// The reader owns the profile.
pub fn is_owner(who: &Reader, profile: &ViewProfile) -> bool {
    who.name == profile.owner
}

/// The profile's fields, each of the public half with the read rule `$public`, each of the
/// gated half with `$gated`, `password_hash` secret; `from_profile` copies [`profile`]'s
/// values, owned by `alice`.
macro_rules! profile_view {
    ($(#[$container:meta])* $name:ident, [$($public:tt)*], [$($gated:tt)*]) => {
        #[derive(Debug, Clone, SafeUpdate)]
        #[update(view)]
        $(#[$container])*
        pub struct $name {
            /// Primary key.
            #[update(server_only, $($public)*)]
            pub id: u64,
            /// Who owns the profile.
            #[update(server_only, $($public)*)]
            pub owner: String,
            /// Name shown to others.
            #[update(allow, $($public)*)]
            pub display_name: String,
            /// Contact address.
            #[update(allow, $($gated)*)]
            pub email: String,
            /// Free text.
            #[update(allow, $($public)*)]
            pub bio: Option<String>,
            /// Home page.
            #[update(allow, $($public)*)]
            pub website: Option<String>,
            /// Where the user lives.
            #[update(allow, $($gated)*)]
            pub location: Option<String>,
            /// Employer.
            #[update(allow, $($public)*)]
            pub company: Option<String>,
            /// IANA time zone.
            #[update(allow, $($gated)*)]
            pub timezone: String,
            /// BCP 47 language tag.
            #[update(allow, $($gated)*)]
            pub locale: String,
            /// UI theme.
            #[update(allow, $($gated)*)]
            pub theme: String,
            /// Year of birth.
            #[update(allow, $($gated)*)]
            pub birth_year: u16,
            /// Whether the user wants the newsletter.
            #[update(allow, $($gated)*)]
            pub newsletter: bool,
            /// Interests.
            #[update(allow, $($public)*)]
            pub tags: Vec<String>,
            /// Privilege flag.
            #[update(server_only, $($gated)*)]
            pub is_admin: bool,
            /// Password hash: in no view.
            #[update(server_only, secret)]
            pub password_hash: String,
            /// Creation time.
            #[update(server_only, $($public)*)]
            pub created_at: u64,
        }

        impl $name {
            /// [`profile`]'s values, owned by `alice`.
            pub fn from_profile() -> Self {
                let Profile {
                    id, display_name, email, bio, website, location, company, timezone, locale,
                    theme, birth_year, newsletter, tags, is_admin, password_hash, created_at,
                } = full_profile();
                $name {
                    id, owner: "alice".into(), display_name, email, bio, website, location,
                    company, timezone, locale, theme, birth_year, newsletter, tags, is_admin,
                    password_hash, created_at,
                }
            }
        }
    };
}

profile_view!(
    /// Half the fields everyone's, half the owner's and admins'.
    #[update(identity = Reader)]
    ViewProfile,
    [read],
    [read(when = is_owner), read(role = "admin")]
);

profile_view!(
    /// Every field everyone's: no rule to check.
    PlainProfile,
    [read],
    [read]
);

profile_view!(
    /// The public half everyone's, the gated half secret: what the half reader sees, with no
    /// rule to check.
    PlainHalfProfile,
    [read],
    [secret]
);

/// [`profile`] with every optional field set, so that each writes a string, as a profile a
/// reader is shown would.
fn full_profile() -> Profile {
    Profile {
        bio: Some("Curiouser and curiouser.".into()),
        website: Some("https://example.org/~alice".into()),
        company: Some("Wonderland Ltd".into()),
        tags: vec!["rabbit".into(), "tea".into(), "cards".into()],
        ..profile()
    }
}

/// The floor for the owner: serde's derive of the 16 fields the owner sees, in the model's
/// order.
#[derive(Debug, Clone, Serialize)]
pub struct AllFields {
    id: u64,
    owner: String,
    display_name: String,
    email: String,
    bio: Option<String>,
    website: Option<String>,
    location: Option<String>,
    company: Option<String>,
    timezone: String,
    locale: String,
    theme: String,
    birth_year: u16,
    newsletter: bool,
    tags: Vec<String>,
    is_admin: bool,
    created_at: u64,
}

impl AllFields {
    /// The values of [`ViewProfile::from_profile`].
    pub fn from_profile() -> Self {
        let ViewProfile {
            id,
            owner,
            display_name,
            email,
            bio,
            website,
            location,
            company,
            timezone,
            locale,
            theme,
            birth_year,
            newsletter,
            tags,
            is_admin,
            password_hash: _,
            created_at,
        } = ViewProfile::from_profile();
        AllFields {
            id,
            owner,
            display_name,
            email,
            bio,
            website,
            location,
            company,
            timezone,
            locale,
            theme,
            birth_year,
            newsletter,
            tags,
            is_admin,
            created_at,
        }
    }
}

/// The floor for another user: serde's derive of the 8 public fields.
#[derive(Debug, Clone, Serialize)]
pub struct HalfTheFields {
    id: u64,
    owner: String,
    display_name: String,
    bio: Option<String>,
    website: Option<String>,
    company: Option<String>,
    tags: Vec<String>,
    created_at: u64,
}

impl HalfTheFields {
    /// The public values of [`ViewProfile::from_profile`].
    pub fn from_profile() -> Self {
        let all = AllFields::from_profile();
        HalfTheFields {
            id: all.id,
            owner: all.owner,
            display_name: all.display_name,
            bio: all.bio,
            website: all.website,
            company: all.company,
            tags: all.tags,
            created_at: all.created_at,
        }
    }
}

/// Every approach's one call: `value` as JSON into `out`, cleared first (its capacity kept).
pub fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    out.clear();
    serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;
    use safe_update::{NoRoles, SafeView};

    fn json<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        write_json(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn each_view_writes_what_its_floor_writes() {
        let all = json(&AllFields::from_profile());
        let half = json(&HalfTheFields::from_profile());
        let gated = ViewProfile::from_profile();
        assert_eq!(json(&gated.view_as(&owner())), all);
        assert_eq!(json(&gated.view_as(&other())), half);
        assert_eq!(json(&PlainProfile::from_profile().view_as(&NoRoles)), all);
        assert_eq!(
            json(&PlainHalfProfile::from_profile().view_as(&NoRoles)),
            half
        );
        assert!(!all.contains("argon2") && all.contains("\"email\""));
        assert!(!half.contains("\"email\"") && half.contains("\"tags\""));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&all)
                .unwrap()
                .as_object()
                .unwrap()
                .len(),
            16
        );
    }

    #[test]
    fn an_admin_sees_what_the_owner_sees() {
        let admin = Reader {
            name: "root".into(),
            admin: true,
        };
        let gated = ViewProfile::from_profile();
        assert_eq!(
            json(&gated.view_as(&admin)),
            json(&AllFields::from_profile())
        );
    }
}
