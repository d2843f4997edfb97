//! The shapes and approaches compared by the benchmarks in `benches/` (see `BENCHMARKS.md`).
//!
//! One model with 12 client-writable fields and 4 server-only ones, and three ways to turn a
//! JSON body into an update of it:
//!
//! - [`safe_update_path`]: `#[derive(SafeUpdate)]`, `from_json` then `apply`;
//! - [`floor`]: the fastest honest hand-written code, a `#[derive(Deserialize)]` struct with
//!   `#[serde(deny_unknown_fields)]` and one `if let Some` per field, read from bytes as a
//!   web framework's JSON extractor does; [`floor_text`] is the same after one UTF-8 check of
//!   the whole body, as `safe-update` reads;
//! - [`manual_allowlist`]: the seed's fix done in Rust, a `serde_json::Value` from which the
//!   allowed keys are copied.
//!
//! The fourth approach, struct-patch, lives in `benches/shared/struct_patch.rs` because the
//! crate is a dev-dependency of the benches only. The cost of grants (an owner condition
//! against role gates, on the same fields) is [`grants`]'s; the cost of serializing what a
//! reader may see (`#[update(view)]`) against serde's derive is [`views`]'s; the cost of a
//! JSON Patch (RFC 6902) of the 12 fields, against the same merge patch and a hand-written
//! apply, is [`json_patch`]'s.
#![forbid(unsafe_code)]

pub mod grants;
pub mod json_patch;
pub mod views;

use safe_update::{from_json, Applied, PatchError, SafeUpdate};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A user profile: 12 fields a client may write, 4 only the server writes.
///
/// Its view (`#[update(view(server_only = read))]`: every field readable by everyone, as
/// serde's `Serialize` writes them) is what a JSON Patch is applied to ([`json_patch`]);
/// serde's derives are the hand-written JSON Patch's ([`json_patch::handwritten`]). The other
/// approaches use neither: the view adds a `SafeView` impl and nothing to the patch or the
/// create input.
#[derive(Debug, Clone, PartialEq, SafeUpdate, Serialize, Deserialize)]
#[update(create, view(server_only = read))]
pub struct Profile {
    /// Primary key.
    #[update(server_only)]
    pub id: u64,
    /// Name shown to others.
    #[update(allow)]
    pub display_name: String,
    /// Contact address.
    #[update(allow)]
    pub email: String,
    /// Free text; `null` clears it.
    #[update(allow)]
    pub bio: Option<String>,
    /// Home page; `null` clears it.
    #[update(allow)]
    pub website: Option<String>,
    /// Where the user lives; `null` clears it.
    #[update(allow)]
    pub location: Option<String>,
    /// Employer; `null` clears it.
    #[update(allow)]
    pub company: Option<String>,
    /// IANA time zone.
    #[update(allow)]
    pub timezone: String,
    /// BCP 47 language tag.
    #[update(allow)]
    pub locale: String,
    /// UI theme.
    #[update(allow)]
    pub theme: String,
    /// Year of birth.
    #[update(allow)]
    pub birth_year: u16,
    /// Whether the user wants the newsletter.
    #[update(allow)]
    pub newsletter: bool,
    /// Interests.
    #[update(allow)]
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

/// The wire names a client may write, for the manual allowlist.
pub const ALLOWED: [&str; 12] = [
    "display_name",
    "email",
    "bio",
    "website",
    "location",
    "company",
    "timezone",
    "locale",
    "theme",
    "birth_year",
    "newsletter",
    "tags",
];

/// A body writing all 12 writable fields (one of them cleared with `null`).
pub const ACCEPT_BODY: &[u8] = br#"{"display_name":"Alice Liddell","email":"alice@example.org","bio":"Curiouser and curiouser.","website":"https://example.org/~alice","location":null,"company":"Wonderland Ltd","timezone":"Europe/London","locale":"en-GB","theme":"dark","birth_year":1852,"newsletter":true,"tags":["rabbit","tea","cards"]}"#;

/// Another body writing all 12 fields with other values: alternated with [`ACCEPT_BODY`], every
/// apply changes every field (with one body only, every apply after the first rewrites the
/// same values, the worst case for change detection).
pub const ACCEPT_BODY_B: &[u8] = br#"{"display_name":"Alice L.","email":"a.liddell@example.net","bio":null,"website":"https://example.net/alice","location":"Oxford","company":null,"timezone":"UTC","locale":"en","theme":"light","birth_year":1900,"newsletter":false,"tags":["croquet"]}"#;

/// A body with 2 writable fields, 3 server-only (forbidden) keys and 2 unknown keys.
pub const REJECT_BODY: &[u8] = br#"{"display_name":"Mallory","id":1,"bio":"hi","is_admin":true,"role":"root","password_hash":"x","permissions":["*"]}"#;

/// The profile every benchmark iteration updates.
pub fn profile() -> Profile {
    Profile {
        id: 42,
        display_name: "Alice".into(),
        email: "alice@old.example".into(),
        bio: None,
        website: None,
        location: Some("Oxford".into()),
        company: None,
        timezone: "UTC".into(),
        locale: "en".into(),
        theme: "light".into(),
        birth_year: 1900,
        newsletter: false,
        tags: vec!["old".into()],
        is_admin: false,
        password_hash: "$argon2id$...".into(),
        created_at: 1_700_000_000,
    }
}

/// Why a body was refused: kept apart per approach so that no approach pays for another's
/// error type.
#[derive(Debug)]
pub enum Refused {
    /// `safe-update`'s structured error (every offending key).
    Patch(PatchError),
    /// serde_json's error (the floor and struct-patch stop at the first offending key).
    Json(serde_json::Error),
    /// The manual allowlist's refused keys.
    Keys(Vec<String>),
}

/// `safe-update`: parse the body into the generated patch and apply it.
pub fn safe_update_path(body: &[u8], target: &mut Profile) -> Result<Applied, Refused> {
    let patch: ProfilePatch = from_json(body).map_err(Refused::Patch)?;
    // The model has no validator and no role-gated field: apply cannot fail.
    Ok(patch.apply(target).expect("no validator, no role"))
}

/// `safe-update` through the patch type's own serde `Deserialize` (what a framework's JSON
/// extractor calls), after the same UTF-8 check as [`floor_text`]: `serde_json::from_str`, then
/// `apply`.
pub fn safe_update_deserialize(body: &[u8], target: &mut Profile) -> Result<Applied, Refused> {
    let text = std::str::from_utf8(body).map_err(|_| Refused::Keys(Vec::new()))?;
    let patch: ProfilePatch = serde_json::from_str(text).map_err(Refused::Json)?;
    // The model has no validator and no role-gated field: apply cannot fail.
    Ok(patch.apply(target).expect("no validator, no role"))
}

/// The floor: a hand-written patch struct; serde's derive, unknown fields denied.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorPatch {
    display_name: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "present")]
    bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    website: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    location: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    company: Option<Option<String>>,
    timezone: Option<String>,
    locale: Option<String>,
    theme: Option<String>,
    birth_year: Option<u16>,
    newsletter: Option<bool>,
    tags: Option<Vec<String>>,
}

/// A key that is present (even as `null`) is `Some`: `null` clears an optional field.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

impl FloorPatch {
    /// One `if let Some` per field.
    pub fn apply(self, target: &mut Profile) {
        if let Some(value) = self.display_name {
            target.display_name = value;
        }
        if let Some(value) = self.email {
            target.email = value;
        }
        if let Some(value) = self.bio {
            target.bio = value;
        }
        if let Some(value) = self.website {
            target.website = value;
        }
        if let Some(value) = self.location {
            target.location = value;
        }
        if let Some(value) = self.company {
            target.company = value;
        }
        if let Some(value) = self.timezone {
            target.timezone = value;
        }
        if let Some(value) = self.locale {
            target.locale = value;
        }
        if let Some(value) = self.theme {
            target.theme = value;
        }
        if let Some(value) = self.birth_year {
            target.birth_year = value;
        }
        if let Some(value) = self.newsletter {
            target.newsletter = value;
        }
        if let Some(value) = self.tags {
            target.tags = value;
        }
    }
}

/// The floor: `serde_json::from_slice` into [`FloorPatch`], then its `apply`.
pub fn floor(body: &[u8], target: &mut Profile) -> Result<(), Refused> {
    let patch: FloorPatch = serde_json::from_slice(body).map_err(Refused::Json)?;
    patch.apply(target);
    Ok(())
}

/// The floor with the UTF-8 check `safe-update` makes: the whole body once, then serde_json
/// reads text (`from_str`) instead of checking each string of the bytes. Not one of the
/// issue's approaches: it shows how much of the difference to [`floor`] is that check.
pub fn floor_text(body: &[u8], target: &mut Profile) -> Result<(), Refused> {
    let text = std::str::from_utf8(body).map_err(|_| Refused::Keys(Vec::new()))?;
    let patch: FloorPatch = serde_json::from_str(text).map_err(Refused::Json)?;
    patch.apply(target);
    Ok(())
}

/// The seed's allowlist in Rust: parse to a `Value`, refuse any key outside [`ALLOWED`], then
/// copy each allowed key that is present. Every value is converted before the first write,
/// so a wrong type writes nothing.
pub fn manual_allowlist(body: &[u8], target: &mut Profile) -> Result<(), Refused> {
    let value: Value = serde_json::from_slice(body).map_err(Refused::Json)?;
    let Value::Object(mut object) = value else {
        return Err(Refused::Keys(Vec::new()));
    };
    let refused: Vec<String> = object
        .keys()
        .filter(|key| !ALLOWED.contains(&key.as_str()))
        .cloned()
        .collect();
    if !refused.is_empty() {
        return Err(Refused::Keys(refused));
    }
    let json = Refused::Json;
    let display_name = take::<String>(&mut object, "display_name").map_err(json)?;
    let email = take::<String>(&mut object, "email").map_err(json)?;
    let bio = take::<Option<String>>(&mut object, "bio").map_err(json)?;
    let website = take::<Option<String>>(&mut object, "website").map_err(json)?;
    let location = take::<Option<String>>(&mut object, "location").map_err(json)?;
    let company = take::<Option<String>>(&mut object, "company").map_err(json)?;
    let timezone = take::<String>(&mut object, "timezone").map_err(json)?;
    let locale = take::<String>(&mut object, "locale").map_err(json)?;
    let theme = take::<String>(&mut object, "theme").map_err(json)?;
    let birth_year = take::<u16>(&mut object, "birth_year").map_err(json)?;
    let newsletter = take::<bool>(&mut object, "newsletter").map_err(json)?;
    let tags = take::<Vec<String>>(&mut object, "tags").map_err(json)?;
    FloorPatch {
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
    }
    .apply(target);
    Ok(())
}

/// The server-only fields of a created profile, the same for every approach (no allocation:
/// the server's own work is not what is measured).
fn server_fields() -> ProfileServerFields {
    ProfileServerFields {
        id: 42,
        is_admin: false,
        password_hash: String::new(),
        created_at: 1_700_000_000,
    }
}

/// `safe-update`, creating: parse the body into the generated create input and build the
/// model with the server's fields.
pub fn safe_update_create(body: &[u8]) -> Result<Profile, Refused> {
    let new: ProfileNew = from_json(body).map_err(Refused::Patch)?;
    // No validator, no role-gated field: building cannot fail.
    Ok(new.build(server_fields()).expect("no validator, no role"))
}

/// The floor for creating: a hand-written input struct (serde's derive, unknown fields
/// denied, required fields required) and a constructor.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorNew {
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
}

impl FloorNew {
    /// The model, with the server's fields.
    pub fn build(self, server: ProfileServerFields) -> Profile {
        Profile {
            id: server.id,
            display_name: self.display_name,
            email: self.email,
            bio: self.bio,
            website: self.website,
            location: self.location,
            company: self.company,
            timezone: self.timezone,
            locale: self.locale,
            theme: self.theme,
            birth_year: self.birth_year,
            newsletter: self.newsletter,
            tags: self.tags,
            is_admin: server.is_admin,
            password_hash: server.password_hash,
            created_at: server.created_at,
        }
    }
}

/// The create floor: `serde_json::from_slice` into [`FloorNew`], then its constructor.
pub fn floor_create(body: &[u8]) -> Result<Profile, Refused> {
    let new: FloorNew = serde_json::from_slice(body).map_err(Refused::Json)?;
    Ok(new.build(server_fields()))
}

/// The create floor after one UTF-8 check of the whole body, as `safe-update` reads.
pub fn floor_create_text(body: &[u8]) -> Result<Profile, Refused> {
    let text = std::str::from_utf8(body).map_err(|_| Refused::Keys(Vec::new()))?;
    let new: FloorNew = serde_json::from_str(text).map_err(Refused::Json)?;
    Ok(new.build(server_fields()))
}

/// Moves the value of `key` out of `object` and converts it.
fn take<T: serde::de::DeserializeOwned>(
    object: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, serde_json::Error> {
    object.remove(key).map(serde_json::from_value).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(run: fn(&[u8], &mut Profile) -> Result<(), Refused>) {
        let mut expected = profile();
        safe_update_path(ACCEPT_BODY, &mut expected).unwrap();
        let mut target = profile();
        run(ACCEPT_BODY, &mut target).unwrap();
        assert_eq!(target, expected);
        let mut target = profile();
        assert!(run(REJECT_BODY, &mut target).is_err());
        assert_eq!(target, profile());
    }

    #[test]
    fn the_second_accept_body_changes_every_field() {
        let mut once = profile();
        safe_update_path(ACCEPT_BODY, &mut once).unwrap();
        let mut twice = once.clone();
        let applied = safe_update_path(ACCEPT_BODY_B, &mut twice).unwrap();
        assert_eq!(applied.changed().count(), 12);
    }

    #[test]
    fn every_create_approach_builds_the_same_and_refuses_the_same() {
        let built = safe_update_create(ACCEPT_BODY).unwrap();
        assert_eq!(floor_create(ACCEPT_BODY).unwrap(), built);
        assert_eq!(floor_create_text(ACCEPT_BODY).unwrap(), built);
        let mut expected = profile();
        safe_update_path(ACCEPT_BODY, &mut expected).unwrap();
        assert_eq!(
            (built.display_name, built.tags),
            (expected.display_name, expected.tags)
        );
        for create in [safe_update_create, floor_create, floor_create_text] {
            assert!(create(REJECT_BODY).is_err());
            assert!(create(br#"{"display_name":"A"}"#).is_err());
        }
    }

    #[test]
    fn every_approach_writes_the_same_and_refuses_the_same() {
        check(floor);
        check(floor_text);
        check(manual_allowlist);
        let mut target = profile();
        let Err(Refused::Patch(error)) = safe_update_path(REJECT_BODY, &mut target) else {
            panic!("accepted")
        };
        assert_eq!(error.forbidden(), ["id", "is_admin", "password_hash"]);
        assert_eq!(error.unknown(), ["role", "permissions"]);
        assert_eq!(target, profile());
    }
}
