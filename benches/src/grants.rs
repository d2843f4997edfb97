//! The cost of grants (BENCHMARKS.md, "Grants: an owner condition against role gates"): the
//! 12-field [`Profile`] three times over, with a server-only `owner`, each
//! writable field gated alike:
//!
//! - [`OwnedProfile`]: `allow(when = is_owner)`, the sender's name against `owner`;
//! - [`TrivialProfile`]: `allow(when = always)`, a condition that does no work, so that the
//!   difference to [`GatedProfile`] is the machinery of a condition and the difference to
//!   [`OwnedProfile`] the condition's own work;
//! - [`GatedProfile`]: `allow(role = "user")`, role gates only.
//!
//! All three are applied on behalf of the same [`Owner`], who owns the profile and holds the
//! role.

use safe_update::{from_json, Applied, Roles, SafeUpdate};

use crate::{profile, Profile, Refused};

/// The sender: a name, and the role `user`.
#[derive(Debug, Clone)]
pub struct Owner {
    /// Compared with a profile's `owner`.
    pub name: String,
}

impl Roles for Owner {
    fn has_role(&self, role: &str) -> bool {
        role == "user"
    }
}

/// The sender owns the profile.
pub fn is_owner(who: &Owner, profile: &OwnedProfile) -> bool {
    who.name == profile.owner
}

/// A condition that holds for everyone, at no cost of its own.
pub fn always(_: &Owner, _: &TrivialProfile) -> bool {
    true
}

/// The profile's 12 writable fields, each with the grant given, and its server-only fields
/// with `owner`; `from_profile` copies [`profile`]'s values.
macro_rules! profile_with {
    ($(#[$container:meta])* $name:ident, $($grant:tt)*) => {
        #[derive(Debug, Clone, PartialEq, SafeUpdate)]
        $(#[$container])*
        pub struct $name {
            /// Primary key.
            #[update(server_only)]
            pub id: u64,
            /// Who owns the profile: only the server writes it.
            #[update(server_only)]
            pub owner: String,
            /// Name shown to others.
            #[update($($grant)*)]
            pub display_name: String,
            /// Contact address.
            #[update($($grant)*)]
            pub email: String,
            /// Free text; `null` clears it.
            #[update($($grant)*)]
            pub bio: Option<String>,
            /// Home page; `null` clears it.
            #[update($($grant)*)]
            pub website: Option<String>,
            /// Where the user lives; `null` clears it.
            #[update($($grant)*)]
            pub location: Option<String>,
            /// Employer; `null` clears it.
            #[update($($grant)*)]
            pub company: Option<String>,
            /// IANA time zone.
            #[update($($grant)*)]
            pub timezone: String,
            /// BCP 47 language tag.
            #[update($($grant)*)]
            pub locale: String,
            /// UI theme.
            #[update($($grant)*)]
            pub theme: String,
            /// Year of birth.
            #[update($($grant)*)]
            pub birth_year: u16,
            /// Whether the user wants the newsletter.
            #[update($($grant)*)]
            pub newsletter: bool,
            /// Interests.
            #[update($($grant)*)]
            pub tags: Vec<String>,
            /// Privilege flag: never client-writable.
            #[update(server_only)]
            pub is_admin: bool,
            /// Password hash: never client-writable.
            #[update(server_only)]
            pub password_hash: String,
            /// Creation time: never client-writable.
            #[update(server_only)]
            pub created_at: u64,
        }

        impl $name {
            /// [`profile`]'s values, owned by `owner`.
            pub fn from_profile(owner: &str) -> Self {
                let Profile {
                    id, display_name, email, bio, website, location, company, timezone, locale,
                    theme, birth_year, newsletter, tags, is_admin, password_hash, created_at,
                } = profile();
                $name {
                    id, owner: owner.to_owned(), display_name, email, bio, website, location,
                    company, timezone, locale, theme, birth_year, newsletter, tags, is_admin,
                    password_hash, created_at,
                }
            }
        }
    };
}

profile_with!(
    /// Every writable field: its owner's (`allow(when = is_owner)`).
    #[update(identity = Owner)]
    OwnedProfile,
    allow(when = is_owner)
);

profile_with!(
    /// Every writable field: anyone's, through a condition (`allow(when = always)`).
    #[update(identity = Owner)]
    TrivialProfile,
    allow(when = always)
);

profile_with!(
    /// Every writable field: a `user`'s (`allow(role = "user")`).
    GatedProfile,
    allow(role = "user")
);

/// `safe-update` with an owner condition on every field: parse, then `apply_as` the owner.
pub fn owner_path(body: &[u8], target: &mut OwnedProfile, who: &Owner) -> Result<Applied, Refused> {
    let patch: OwnedProfilePatch = from_json(body).map_err(Refused::Patch)?;
    Ok(patch
        .apply_as(target, who)
        .expect("the owner may write every field"))
}

/// `safe-update` with a condition that does no work on every field.
pub fn trivial_path(
    body: &[u8],
    target: &mut TrivialProfile,
    who: &Owner,
) -> Result<Applied, Refused> {
    let patch: TrivialProfilePatch = from_json(body).map_err(Refused::Patch)?;
    Ok(patch
        .apply_as(target, who)
        .expect("anyone may write every field"))
}

/// `safe-update` with a role gate on every field, sent by a holder of the role.
pub fn role_path(body: &[u8], target: &mut GatedProfile, who: &Owner) -> Result<Applied, Refused> {
    let patch: GatedProfilePatch = from_json(body).map_err(Refused::Patch)?;
    Ok(patch
        .apply_as(target, who)
        .expect("a user may write every field"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{safe_update_path, ACCEPT_BODY, ACCEPT_BODY_B, REJECT_BODY};

    fn alice() -> Owner {
        Owner {
            name: "alice".into(),
        }
    }

    #[test]
    fn each_grant_writes_what_the_ungated_profile_writes() {
        for body in [ACCEPT_BODY, ACCEPT_BODY_B] {
            let mut expected = profile();
            let applied = safe_update_path(body, &mut expected).unwrap();
            let mut owned = OwnedProfile::from_profile("alice");
            let mut trivial = TrivialProfile::from_profile("alice");
            let mut gated = GatedProfile::from_profile("alice");
            for written in [
                owner_path(body, &mut owned, &alice()).unwrap(),
                trivial_path(body, &mut trivial, &alice()).unwrap(),
                role_path(body, &mut gated, &alice()).unwrap(),
            ] {
                assert_eq!(written.changed().count(), applied.changed().count());
            }
            assert_eq!(
                (&owned.display_name, &owned.tags),
                (&expected.display_name, &expected.tags)
            );
            assert_eq!(trivial.email, expected.email);
            assert_eq!(gated.company, expected.company);
        }
    }

    #[test]
    fn the_gates_are_real_and_the_reject_body_is_refused_when_read() {
        let bob = Owner { name: "bob".into() };
        let patch: OwnedProfilePatch = from_json(ACCEPT_BODY).unwrap();
        let mut owned = OwnedProfile::from_profile("alice");
        let error = patch.apply_as(&mut owned, &bob).unwrap_err();
        assert_eq!(error.denied().len(), 12);
        assert_eq!(owned, OwnedProfile::from_profile("alice"));

        let patch: GatedProfilePatch = from_json(ACCEPT_BODY).unwrap();
        let error = patch.apply_as(
            &mut GatedProfile::from_profile("alice"),
            &safe_update::NoRoles,
        );
        assert_eq!(error.unwrap_err().denied().len(), 12);

        let mut owned = OwnedProfile::from_profile("alice");
        assert!(owner_path(REJECT_BODY, &mut owned, &alice()).is_err());
        let mut gated = GatedProfile::from_profile("alice");
        assert!(role_path(REJECT_BODY, &mut gated, &alice()).is_err());
    }
}
