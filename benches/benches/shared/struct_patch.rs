//! struct-patch 0.14 on the same shape as `safe_update_benches::Profile`: its own copy of the
//! model, since `#[derive(Patch)]` must sit on the model itself. Included with `#[path]` by
//! the criterion bench and by the callgrind driver (struct-patch is a dev-dependency).

use safe_update_benches::Refused;
use serde::{Deserialize, Deserializer};
use struct_patch::Patch;

/// The model with struct-patch's derive; server-only fields are skipped in the patch, which
/// denies unknown fields, so sending one is refused.
#[derive(Debug, Clone, PartialEq, Patch)]
#[patch(attribute(derive(Debug, Default, Deserialize)))]
#[patch(attribute(serde(deny_unknown_fields)))]
pub struct SpProfile {
    #[patch(skip)]
    pub id: u64,
    pub display_name: String,
    pub email: String,
    #[patch(attribute(serde(default, deserialize_with = "present")))]
    pub bio: Option<String>,
    #[patch(attribute(serde(default, deserialize_with = "present")))]
    pub website: Option<String>,
    #[patch(attribute(serde(default, deserialize_with = "present")))]
    pub location: Option<String>,
    #[patch(attribute(serde(default, deserialize_with = "present")))]
    pub company: Option<String>,
    pub timezone: String,
    pub locale: String,
    pub theme: String,
    pub birth_year: u16,
    pub newsletter: bool,
    pub tags: Vec<String>,
    #[patch(skip)]
    pub is_admin: bool,
    #[patch(skip)]
    pub password_hash: String,
    #[patch(skip)]
    pub created_at: u64,
}

/// A key that is present (even as `null`) is `Some`: `null` clears an optional field.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// The same values as `safe_update_benches::profile()`.
pub fn sp_profile() -> SpProfile {
    let p = safe_update_benches::profile();
    SpProfile {
        id: p.id,
        display_name: p.display_name,
        email: p.email,
        bio: p.bio,
        website: p.website,
        location: p.location,
        company: p.company,
        timezone: p.timezone,
        locale: p.locale,
        theme: p.theme,
        birth_year: p.birth_year,
        newsletter: p.newsletter,
        tags: p.tags,
        is_admin: p.is_admin,
        password_hash: p.password_hash,
        created_at: p.created_at,
    }
}

/// struct-patch: `serde_json::from_slice` into the generated patch, then `apply`.
pub fn struct_patch(body: &[u8], target: &mut SpProfile) -> Result<(), Refused> {
    let patch: SpProfilePatch = serde_json::from_slice(body).map_err(Refused::Json)?;
    target.apply(patch);
    Ok(())
}

/// Checks that struct-patch writes what `safe-update` writes and refuses the reject body.
pub fn check_struct_patch() {
    let mut expected = safe_update_benches::profile();
    safe_update_benches::safe_update_path(safe_update_benches::ACCEPT_BODY, &mut expected)
        .expect("accepted");
    let mut target = sp_profile();
    struct_patch(safe_update_benches::ACCEPT_BODY, &mut target).expect("accepted");
    assert_eq!(
        (target.display_name.as_str(), &target.location, &target.tags),
        (
            expected.display_name.as_str(),
            &expected.location,
            &expected.tags
        )
    );
    let mut target = sp_profile();
    assert!(struct_patch(safe_update_benches::REJECT_BODY, &mut target).is_err());
    assert_eq!(target, sp_profile());
}
