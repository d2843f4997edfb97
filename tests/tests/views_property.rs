//! The read rules of the shared `User` (`fixtures/viewed_user.rs`) held against an oracle written from the table
//! below, never from the library, for generated identities (the user itself, another user, an
//! admin, who may be the user too) and generated users:
//!
//! | field | wire name | who may read it |
//! |---|---|---|
//! | `id` (server-only) | `id` | the user itself, or an admin |
//! | `username` (server-only) | `username` | anyone |
//! | `display_name` | `displayName` | anyone (a writable field without a rule) |
//! | `bio` | `bio` | anyone; absent when `None` (`skip_serializing_if`) |
//! | `email` | `mail` (a serialize rename) | the user itself, or an admin |
//! | `shout` | `shout` | anyone, upper-cased (`serialize_with`) |
//! | `password_hash` (server-only) | - | nobody (`secret`) |
//!
//! The view must hold exactly the fields the oracle admits, each with the value serde's own
//! derive writes for it: a hand-written `#[derive(Serialize)]` mirror of the model, with the
//! same serde attributes and values, less the fields the oracle hides.

use proptest::prelude::*;
use safe_update::SafeView;
use safe_update_tests::fixtures::viewed_user::{upper, Claims, User};
use serde::Serialize;
use serde_json::Value;

/// The names identities and users are drawn from: the same few, so that the reader is the
/// user itself often.
const NAMES: [&str; 3] = ["ann", "bob", "cy"];

/// What serde's derive writes for the same values: every field of [`User`] with its serde
/// attributes, the secret too (the oracle hides it like any other field).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Mirror<'a> {
    id: u64,
    username: &'a str,
    display_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: &'a Option<String>,
    #[serde(rename = "mail")]
    email: &'a str,
    #[serde(serialize_with = "upper")]
    shout: &'a str,
    password_hash: &'a str,
}

impl<'a> Mirror<'a> {
    fn of(user: &'a User) -> Self {
        Mirror {
            id: user.id,
            username: &user.username,
            display_name: &user.display_name,
            bio: &user.bio,
            email: &user.email,
            shout: &user.shout,
            password_hash: &user.password_hash,
        }
    }
}

/// The oracle: whether the table lets `who` read the field whose wire name is `key`.
fn table_admits(who: &Claims, user: &User, key: &str) -> bool {
    let itself = who.name == user.username;
    match key {
        "id" | "mail" => itself || who.admin,
        "username" | "displayName" | "bio" | "shout" => true,
        "passwordHash" => false,
        other => panic!("the table has no field {other}"),
    }
}

/// The mirror's JSON less the fields the oracle hides.
fn expected(who: &Claims, user: &User) -> Value {
    let Value::Object(mut object) = serde_json::to_value(Mirror::of(user)).unwrap() else {
        panic!("a struct serializes to an object")
    };
    object.retain(|key, _| table_admits(who, user, key));
    Value::Object(object)
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(&NAMES[..]).prop_map(str::to_owned)
}

/// A reader: any name (so the user itself, or another), an admin now and then (who may be the
/// user itself too).
fn claims() -> impl Strategy<Value = Claims> {
    (name(), prop::bool::weighted(0.3)).prop_map(|(name, admin)| Claims { name, admin })
}

/// Any text, quotes, escapes and non-ASCII letters among it, but never a `$`: the secret's
/// marker, so that finding the secret's value in a view cannot be a coincidence.
fn text() -> impl Strategy<Value = String> {
    "[^$]{0,8}"
}

fn user() -> impl Strategy<Value = User> {
    (
        any::<u64>(),
        name(),
        text(),
        prop::option::of(text()),
        text(),
        text(),
        "[a-z0-9]{8}",
    )
        .prop_map(
            |(id, username, display_name, bio, email, shout, salt)| User {
                id,
                username,
                display_name,
                bio,
                email,
                shout,
                password_hash: format!("$argon2id${salt}"),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_view_holds_exactly_what_the_table_admits_as_serde_writes_it(
        who in claims(),
        user in user(),
    ) {
        let view = serde_json::to_value(user.view_as(&who)).unwrap();
        prop_assert_eq!(&view, &expected(&who, &user));
        let text = serde_json::to_string(&user.view_as(&who)).unwrap();
        prop_assert!(!text.contains(&user.password_hash), "the secret was written: {}", text);
        prop_assert!(!text.contains("passwordHash") && !text.contains("password_hash"), "{}", text);
    }
}
