//! For arbitrary documents and identities, creating a model: a built model never holds a value
//! the client sent for a server-only field, nor for a role-gated field the client may not set;
//! every value it holds for a field the client sent is the one sent; and a document without
//! any problem is always accepted.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use safe_update::{from_json, SafeUpdate};
use safe_update_tests::fixtures::documents::object_text;
use safe_update_tests::fixtures::validators::short;
use serde_json::{json, Value};

// Not `property.rs`'s models: `create` and `create_default` make these the create oracle's
// subject; only the validator `short` is shared.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(server_only)]
    verified: bool,
    #[update(allow(role = "admin"), create_default)]
    geocode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct User {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow(role = "admin"), create_default)]
    is_admin: bool,
    #[update(allow(role = "admin", role = "support"), create_default = 10)]
    credit: u32,
    #[update(nested)]
    address: Address,
    #[update(allow, validate = short)]
    nick: String,
    #[update(nested)]
    billing: Option<Address>,
    #[update(server_only)]
    password_hash: String,
}

/// What the server gives: values no client can send (a client's `verified` is `false` or
/// refused, its `id` is refused).
fn server() -> UserServerFields {
    UserServerFields {
        id: 7,
        password_hash: "SERVER".into(),
        address: AddressServerFields { verified: true },
        billing: AddressServerFields { verified: true },
    }
}

/// A generated value, and whether the model takes it (right type, validator passes).
#[derive(Debug, Clone)]
struct Val {
    json: Json,
    ok: bool,
}

/// A leaf, or an object written member by member so that a key may repeat.
#[derive(Debug, Clone)]
enum Json {
    Leaf(Value),
    Object(Vec<(String, Val)>),
}

impl Json {
    fn text(&self) -> String {
        match self {
            Json::Leaf(value) => value.to_string(),
            Json::Object(members) => object_text(
                members
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.json.text())),
            ),
        }
    }
}

fn good(value: Value) -> Val {
    Val {
        json: Json::Leaf(value),
        ok: true,
    }
}

fn bad(value: Value) -> Val {
    Val {
        json: Json::Leaf(value),
        ok: false,
    }
}

fn text() -> impl Strategy<Value = Value> {
    "[a-z]{0,10}".prop_map(Value::String)
}

/// A required text field's value: mostly text, sometimes `null` or another type.
fn required_text() -> BoxedStrategy<Val> {
    prop_oneof![20 => text().prop_map(good), 1 => Just(bad(Value::Null)), 1 => Just(bad(json!(5)))]
        .boxed()
}

/// An optional text field's value: text or `null`, sometimes another type.
fn optional_text() -> BoxedStrategy<Val> {
    prop_oneof![12 => text().prop_map(good), 4 => Just(good(Value::Null)), 1 => Just(bad(json!(true)))]
        .boxed()
}

/// A key, how likely it is sent, and its value.
type Member = (&'static str, f64, BoxedStrategy<Val>);

/// An object: each of `usual` included with its probability and each of `rare` (server-only
/// and unknown keys) with 0.04, in a random order, now and then with a repeated key.
fn object(usual: Vec<Member>, rare: Vec<(&'static str, Value)>) -> BoxedStrategy<Val> {
    let usual: Vec<_> = usual
        .into_iter()
        .map(|(key, odds, value)| {
            prop::option::weighted(odds, value.prop_map(move |v| (key.to_owned(), v)))
        })
        .collect();
    let rare: Vec<_> = rare
        .into_iter()
        .map(|(key, value)| prop::option::weighted(0.04, Just((key.to_owned(), good(value)))))
        .collect();
    (
        usual,
        rare,
        prop::bool::weighted(0.04),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(usual, rare, repeat, at)| {
            let mut members: Vec<(String, Val)> = usual.into_iter().chain(rare).flatten().collect();
            if repeat && !members.is_empty() {
                let again = members[at.index(members.len())].clone();
                members.push(again);
            }
            members
        })
        .prop_shuffle()
        .prop_map(|members| Val {
            ok: true,
            json: Json::Object(members),
        })
        .boxed()
}

/// An address object; `null` is taken only for an optional one.
fn address(optional: bool) -> BoxedStrategy<Val> {
    let null = Val {
        json: Json::Leaf(Value::Null),
        ok: optional,
    };
    let members = vec![
        ("city", 0.9, required_text()),
        ("geocode", 0.2, optional_text()),
    ];
    let rare = vec![("verified", json!(false)), ("y", json!(1))];
    prop_oneof![20 => object(members, rare), 1 => Just(bad(json!("Bern"))), 2 => Just(null)].boxed()
}

fn document() -> BoxedStrategy<Val> {
    let members = vec![
        ("name", 0.9, required_text()),
        ("bio", 0.6, optional_text()),
        (
            "is_admin",
            0.3,
            prop_oneof![20 => any::<bool>().prop_map(|b| good(json!(b))), 1 => Just(bad(json!("yes")))]
                .boxed(),
        ),
        (
            "credit",
            0.3,
            prop_oneof![20 => (0u32..300).prop_map(|n| good(json!(n))), 1 => Just(bad(json!(-1)))]
                .boxed(),
        ),
        ("address", 0.9, address(false)),
        // The validator allows 1 to 8 characters.
        (
            "nick",
            0.9,
            prop_oneof![
                20 => "[a-z]{1,8}".prop_map(|s| good(json!(s))),
                2 => "[a-z]{9,12}".prop_map(|s| bad(json!(s))),
                1 => Just(bad(json!(""))),
            ]
            .boxed(),
        ),
        ("billing", 0.5, address(true)),
    ];
    let rare = vec![
        ("id", json!(1)),
        ("password_hash", json!("$argon2id$forged")),
        ("x", json!(0)),
    ];
    object(members, rare)
}

const FORBIDDEN: [&str; 3] = ["id", "password_hash", "verified"];
const UNKNOWN: [&str; 2] = ["x", "y"];
const REQUIRED: [&str; 3] = ["name", "address", "nick"];
const ADDRESS_REQUIRED: [&str; 1] = ["city"];

/// Whether an object is free of problems at every depth, for an identity holding `roles`.
fn clean(members: &[(String, Val)], required: &[&str], roles: &[&str]) -> bool {
    let mut seen = Vec::new();
    for (key, value) in members {
        if seen.contains(key)
            || FORBIDDEN.contains(&key.as_str())
            || UNKNOWN.contains(&key.as_str())
        {
            return false;
        }
        seen.push(key.clone());
        let gated: &[&str] = match key.as_str() {
            "is_admin" | "geocode" => &["admin"],
            "credit" => &["admin", "support"],
            _ => &[],
        };
        if !gated.is_empty() && !gated.iter().any(|role| roles.contains(role)) {
            return false;
        }
        let fine = match &value.json {
            Json::Leaf(_) => value.ok,
            Json::Object(inner) => clean(inner, &ADDRESS_REQUIRED, roles),
        };
        if !fine {
            return false;
        }
    }
    required
        .iter()
        .all(|name| seen.iter().any(|key| key == name))
}

/// Every key sent anywhere in the document.
fn keys(members: &[(String, Val)], out: &mut Vec<String>) {
    for (key, value) in members {
        out.push(key.clone());
        if let Json::Object(inner) = &value.json {
            keys(inner, out);
        }
    }
}

/// The first value sent for `key`.
fn sent<'a>(members: &'a [(String, Val)], key: &str) -> Option<&'a Json> {
    members
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| &value.json)
}

fn leaf(json: Option<&Json>) -> Option<&Value> {
    match json {
        Some(Json::Leaf(value)) => Some(value),
        _ => None,
    }
}

/// The built address holds what the client sent, the server's `verified`, and a geocode only
/// for an admin.
fn check_address(built: &Address, members: &[(String, Val)], admin: bool) {
    assert!(built.verified, "verified is the server's");
    assert_eq!(Some(&json!(built.city)), leaf(sent(members, "city")));
    match leaf(sent(members, "geocode")) {
        Some(value) => {
            assert!(admin, "a geocode was set without the role");
            assert_eq!(&json!(built.geocode), value);
        }
        None => assert_eq!(built.geocode, None),
    }
}

/// One generated case: the document, built as `roles`; whether it was built.
fn case(document: &Val, roles: &[&str]) -> Result<bool, TestCaseError> {
    let Json::Object(members) = &document.json else {
        unreachable!()
    };
    let text = document.json.text();
    let built = from_json::<UserNew>(text.as_bytes())
        .map_err(|error| error.to_string())
        .and_then(|new| {
            new.build_as(server(), roles)
                .map_err(|error| error.to_string())
        });
    let should_build = clean(members, &REQUIRED, roles);
    let user = match built {
        Ok(user) => user,
        Err(error) => {
            prop_assert!(!should_build, "{text} as {roles:?} was refused: {error}");
            return Ok(false);
        }
    };
    prop_assert!(should_build, "{text} as {roles:?} was accepted: {user:?}");
    let mut all = Vec::new();
    keys(members, &mut all);
    prop_assert!(
        all.iter().all(|key| !FORBIDDEN.contains(&key.as_str())),
        "{text}"
    );
    // Server-only fields are the server's.
    prop_assert_eq!((user.id, user.password_hash.as_str()), (7, "SERVER"));
    // Gated fields are the defaults unless the sender holds a role.
    let admin = roles.contains(&"admin");
    match leaf(sent(members, "is_admin")) {
        Some(value) => prop_assert_eq!(&json!(user.is_admin), value),
        None => prop_assert!(!user.is_admin),
    }
    match leaf(sent(members, "credit")) {
        Some(value) => prop_assert_eq!(&json!(user.credit), value),
        None => prop_assert_eq!(user.credit, 10),
    }
    // The values sent are the values held.
    prop_assert_eq!(Some(&json!(user.name)), leaf(sent(members, "name")));
    prop_assert_eq!(Some(&json!(user.nick)), leaf(sent(members, "nick")));
    let bio = leaf(sent(members, "bio")).cloned().unwrap_or(Value::Null);
    prop_assert_eq!(json!(user.bio), bio);
    let Some(Json::Object(address)) = sent(members, "address") else {
        panic!("built without an address: {text}");
    };
    check_address(&user.address, address, admin);
    match (sent(members, "billing"), &user.billing) {
        (Some(Json::Object(billing)), Some(built)) => check_address(built, billing, admin),
        (None | Some(Json::Leaf(Value::Null)), None) => {}
        (sent, built) => panic!("billing {sent:?} built as {built:?}"),
    }
    Ok(true)
}

#[test]
fn a_built_model_holds_nothing_the_client_may_not_set() {
    let mut runner = TestRunner::new(ProptestConfig::with_cases(4096));
    let roles = prop::sample::subsequence(vec!["admin", "support", "user"], 0..=2);
    // Counted here, so that a generator that never builds (or never refuses) fails the test
    // instead of passing it vacuously.
    let (built, gated) = (Cell::new(0), Cell::new(0));
    runner
        .run(&(document(), roles), |(document, roles)| {
            let made = case(&document, &roles)?;
            built.set(built.get() + usize::from(made));
            let text = document.json.text();
            let sets_gated = text.contains("\"is_admin\"") || text.contains("\"credit\"");
            gated.set(gated.get() + usize::from(made && sets_gated));
            Ok(())
        })
        .unwrap();
    let (built, gated) = (built.get(), gated.get());
    eprintln!("{built} of 4096 documents built, {gated} of them setting a gated field");
    assert!((400..=3700).contains(&built), "{built} built");
    assert!(gated >= 100, "{gated} built with a gated field");
}
