//! Generated code raises no lint in user code, pedantic clippy included (`.ci/run` runs clippy
//! on all targets with `-D warnings`).
#![deny(warnings, missing_docs, unused_qualifications)]
#![deny(clippy::all, clippy::pedantic)]

use safe_update::SafeUpdate;

// Every model and validator stays in this file: the lints are checked on code derived here,
// as in a user's crate.
/// A documented model.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
#[update(validate = whole)]
pub struct Account {
    /// Id.
    #[update(server_only)]
    pub id: u64,
    /// Name.
    #[update(allow, validate = not_empty)]
    pub display_name: String,
    /// Bio.
    #[update(allow)]
    pub bio: Option<String>,
    /// Gated.
    #[update(allow(role = "admin"))]
    pub is_admin: bool,
    /// Nested.
    #[update(nested)]
    pub address: Address,
    /// Optional nested.
    #[update(nested)]
    pub billing: Option<Address>,
}

/// A nested model.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
pub struct Address {
    /// City.
    #[update(allow)]
    pub city: String,
    /// Verified.
    #[update(server_only)]
    pub verified: bool,
}

/// A model with a field read through its own function and given no schema: its patch and
/// create input have no JSON Schema, and what the derive emits for that raises no lint either.
#[derive(Debug, SafeUpdate)]
#[update(create)]
pub struct Tagged {
    /// Tags, sent as "a,b".
    #[update(allow)]
    #[serde(deserialize_with = "comma_separated")]
    pub tags: Vec<String>,
}

fn comma_separated<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    let text: String = serde::Deserialize::deserialize(deserializer)?;
    Ok(text.split(',').map(str::to_owned).collect())
}

/// A model with grants: conditions, a value rule, several `allow`s, a typed identity, a nested
/// model sharing it, and a create input whose grants see the would-be model.
#[derive(Debug, SafeUpdate)]
#[update(identity = Claims, create)]
pub struct Post {
    /// Author.
    #[update(server_only)]
    pub author: String,
    /// Title.
    #[update(allow(when = is_author), allow(role = "admin"))]
    pub title: String,
    /// Tag.
    #[update(allow(when = is_author, change = lower_case), allow(role = "admin"), create_default)]
    pub tag: String,
}

/// A nested model under a condition: it is checked with its parent's sender.
#[derive(Debug, SafeUpdate)]
#[update(identity = Claims)]
pub struct Shelf {
    /// Owner.
    #[update(server_only)]
    pub owner: String,
    /// Nested.
    #[update(nested, allow(when = owns))]
    pub address: Address,
}

fn owns(who: &Claims, shelf: &Shelf) -> bool {
    who.name == shelf.owner
}

/// Who asks.
#[derive(Debug)]
pub struct Claims {
    /// Name.
    pub name: String,
}

impl safe_update::Roles for Claims {
    fn has_role(&self, _role: &str) -> bool {
        false
    }
}

fn is_author(who: &Claims, post: &Post) -> bool {
    who.name == post.author
}

fn lower_case(_: &Claims, old: Option<&String>, new: &String) -> Result<(), &'static str> {
    if old != Some(new) && new.chars().any(char::is_uppercase) {
        Err("a new tag is lower case")
    } else {
        Ok(())
    }
}

fn not_empty(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        Err("must not be empty")
    } else {
        Ok(())
    }
}

fn whole(account: &Account) -> Result<(), String> {
    if account.is_admin && account.address.city.is_empty() {
        Err("an admin needs a city".to_owned())
    } else {
        Ok(())
    }
}

#[test]
fn compiles_without_lints() {
    let patch = AccountPatch::default();
    assert!(patch.is_empty());
    assert!(TaggedPatch::default().is_empty());
    assert!(PostPatch::default().is_empty());
    assert!(ShelfPatch::default().is_empty());
}
