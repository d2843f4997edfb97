//! For arbitrary documents and identities: either the patch is refused and the target is as
//! it was, or exactly the permitted present fields changed.

use proptest::prelude::*;
use safe_update::{from_json, SafeUpdate};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(server_only)]
    verified: bool,
    #[update(allow(role = "admin"))]
    geocode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct User {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow(role = "admin"))]
    is_admin: bool,
    #[update(allow(role = "admin", role = "support"))]
    credit: u32,
    #[update(nested)]
    address: Address,
    #[update(allow, validate = short)]
    nick: String,
    /// Clearing it would erase `verified` and `geocode`: refused to everyone.
    #[update(nested)]
    billing: Option<Address>,
    /// Admins may clear it.
    #[update(nested, clear(role = "admin"))]
    shipping: Option<Address>,
}

fn short(nick: &str) -> Result<(), &'static str> {
    if (1..=8).contains(&nick.chars().count()) {
        Ok(())
    } else {
        Err("1 to 8 characters")
    }
}

fn user() -> User {
    User {
        id: 7,
        name: "Eve".into(),
        bio: Some("bio".into()),
        is_admin: false,
        credit: 3,
        address: Address {
            city: "Bern".into(),
            verified: true,
            geocode: None,
        },
        nick: "eve".into(),
        billing: Some(Address {
            city: "Basel".into(),
            verified: true,
            geocode: Some("47,7".into()),
        }),
        shipping: Some(Address {
            city: "Zug".into(),
            verified: false,
            geocode: None,
        }),
    }
}

const TOP_KEYS: [&str; 11] = [
    "id", "name", "bio", "is_admin", "credit", "address", "nick", "x", "isAdmin", "billing",
    "shipping",
];
const ADDRESS_KEYS: [&str; 4] = ["city", "verified", "geocode", "y"];
const ROLES: [&str; 3] = ["admin", "support", "user"];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        2 => any::<bool>().prop_map(Value::Bool),
        2 => (0u64..300).prop_map(|n| json!(n)),
        4 => "[a-z]{0,10}".prop_map(Value::String),
    ]
}

fn entries(
    keys: &'static [&'static str],
    value: BoxedStrategy<Value>,
) -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec(
        (
            prop_oneof![8 => prop::sample::select(keys).prop_map(str::to_owned), 1 => "[a-z]{1,3}"],
            value,
        ),
        0..4,
    )
}

/// A JSON object written by hand so that it may repeat a key.
fn object(entries: &[(String, Value)]) -> String {
    let members: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("{}:{}", json!(key), value))
        .collect();
    format!("{{{}}}", members.join(","))
}

fn document() -> impl Strategy<Value = (Vec<(String, Value)>, String)> {
    let address = entries(&ADDRESS_KEYS, leaf().boxed()).prop_map(|inner| {
        let text = object(&inner);
        (inner, text)
    });
    let value = prop_oneof![
        4 => leaf().prop_map(|v| (v.to_string(), v)),
        1 => address.prop_map(|(inner, text)| {
            let map = inner.into_iter().collect::<serde_json::Map<_, _>>();
            (text, Value::Object(map))
        }),
    ];
    prop::collection::vec(
        (prop_oneof![8 => prop::sample::select(&TOP_KEYS[..]).prop_map(str::to_owned), 1 => "[a-z]{1,3}"], value),
        0..5,
    )
    .prop_map(|members| {
        let text = format!(
            "{{{}}}",
            members.iter().map(|(key, (text, _))| format!("{}:{text}", json!(key))).collect::<Vec<_>>().join(",")
        );
        (members.into_iter().map(|(key, (_, value))| (key, value)).collect(), text)
    })
}

fn get<'a>(members: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn has_forbidden(members: &[(String, Value)]) -> bool {
    members.iter().any(|(key, value)| {
        key == "id"
            || key == "isAdmin"
            || (["address", "billing", "shipping"].contains(&key.as_str())
                && value
                    .as_object()
                    .is_some_and(|inner| inner.contains_key("verified")))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn refused_or_exactly_the_permitted_fields_changed(
        (members, text) in document(),
        roles in prop::sample::subsequence(&ROLES[..], 0..=3),
    ) {
        let before = user();
        let mut target = before.clone();
        let patch = match from_json::<UserPatch>(text.as_bytes()) {
            Err(_) => {
                return Ok(());
            }
            Ok(patch) => patch,
        };
        // A server-only key never gets through, by any spelling, at any depth.
        prop_assert!(!has_forbidden(&members), "accepted {text}");
        let roles: Vec<String> = roles.into_iter().map(str::to_owned).collect();
        match patch.apply_as(&mut target, &roles) {
            Err(_) => prop_assert_eq!(&target, &before, "changed on error: {}", text),
            Ok(_) => {
                let admin = roles.iter().any(|r| r == "admin");
                let support = roles.iter().any(|r| r == "support");
                prop_assert_eq!(target.id, before.id);
                prop_assert_eq!(target.address.verified, before.address.verified);
                let expect = |key: &str| get(&members, key).cloned();
                match expect("name") {
                    Some(v) => prop_assert_eq!(json!(target.name), v),
                    None => prop_assert_eq!(&target.name, &before.name),
                }
                match expect("bio") {
                    Some(v) => prop_assert_eq!(json!(target.bio), v),
                    None => prop_assert_eq!(&target.bio, &before.bio),
                }
                match expect("nick") {
                    Some(v) => {
                        prop_assert_eq!(json!(target.nick), v);
                        prop_assert!(short(&target.nick).is_ok());
                    }
                    None => prop_assert_eq!(&target.nick, &before.nick),
                }
                match expect("is_admin") {
                    Some(v) => { prop_assert!(admin); prop_assert_eq!(json!(target.is_admin), v); }
                    None => prop_assert_eq!(target.is_admin, before.is_admin),
                }
                match expect("credit") {
                    Some(v) => { prop_assert!(admin || support); prop_assert_eq!(json!(target.credit), v); }
                    None => prop_assert_eq!(target.credit, before.credit),
                }
                let inner = expect("address").and_then(|v| v.as_object().cloned()).unwrap_or_default();
                check_address(&inner, &target.address, &before.address, admin)?;
                // Protected values of an optional sub-model stay, by writing or by clearing:
                // `billing` can never be cleared, `shipping` by an admin only.
                for (key, now, was) in [
                    ("billing", &target.billing, &before.billing),
                    ("shipping", &target.shipping, &before.shipping),
                ] {
                    match expect(key) {
                        None => prop_assert_eq!(now, was),
                        Some(Value::Null) => {
                            prop_assert!(key == "shipping" && admin, "{} cleared: {}", key, text);
                            prop_assert_eq!(now, &None);
                        }
                        Some(Value::Object(inner)) => check_address(
                            &inner,
                            now.as_ref().expect("merged, not cleared"),
                            was.as_ref().expect("the fixture sets it"),
                            admin,
                        )?,
                        Some(other) => prop_assert!(false, "{} accepted {}", key, other),
                    }
                }
            }
        }
    }
}

/// The merge of `inner` into `was` gave `now`: `verified` never changes, `geocode` only for
/// an admin.
fn check_address(
    inner: &serde_json::Map<String, Value>,
    now: &Address,
    was: &Address,
    admin: bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(now.verified, was.verified);
    match inner.get("city") {
        Some(v) => prop_assert_eq!(&json!(now.city), v),
        None => prop_assert_eq!(&now.city, &was.city),
    }
    match inner.get("geocode") {
        Some(v) => {
            prop_assert!(admin);
            prop_assert_eq!(&json!(now.geocode), v);
        }
        None => prop_assert_eq!(&now.geocode, &was.geocode),
    }
    Ok(())
}

#[test]
fn the_generator_reaches_both_outcomes() {
    // Guard against a generator that only ever produces refused documents.
    let mut target = user();
    let patch: UserPatch = from_json(br#"{"name":"A","address":{"city":"Basel"}}"#).unwrap();
    patch.apply_as(&mut target, &["user"][..]).unwrap();
    assert_eq!(
        (target.name.as_str(), target.address.city.as_str()),
        ("A", "Basel")
    );
}

fn typed_patch() -> impl Strategy<Value = UserPatch> {
    use prop::option::of;
    let address = || {
        (of("[a-z]{0,3}"), of(of("[a-z]{0,3}")))
            .prop_map(|(city, geocode)| AddressPatch { city, geocode })
    };
    (
        of("[a-z]{0,4}"),
        of(of("[a-z]{0,3}")),
        of(any::<bool>()),
        of(0u32..10),
        of(address()),
        of("[a-z]{0,10}"),
        of(of(address())),
        of(of(address())),
    )
        .prop_map(
            |(name, bio, is_admin, credit, address, nick, billing, shipping)| UserPatch {
                name,
                bio,
                is_admin,
                credit,
                address,
                nick,
                billing,
                shipping,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Patches built in code reach `apply_as` every time, so role denials and validator
    /// refusals are exercised as often as successes.
    #[test]
    fn apply_is_all_or_nothing(
        patch in typed_patch(),
        roles in prop::sample::subsequence(&ROLES[..], 0..=3),
    ) {
        let before = user();
        let mut target = before.clone();
        let admin = roles.contains(&"admin");
        let support = roles.contains(&"support");
        let sets_geocode = |a: &Option<Option<AddressPatch>>| {
            matches!(a, Some(Some(a)) if a.geocode.is_some())
        };
        let denied = (patch.is_admin.is_some() && !admin)
            || (patch.credit.is_some() && !(admin || support))
            || (patch.address.as_ref().is_some_and(|a| a.geocode.is_some()) && !admin)
            || ((sets_geocode(&patch.billing) || sets_geocode(&patch.shipping)) && !admin)
            || (matches!(patch.shipping, Some(None)) && !admin);
        let bad_nick = patch.nick.as_deref().is_some_and(|nick| short(nick).is_err());
        // `Some(None)` built in code: clearing `billing` would erase its protected fields.
        let clears_billing = matches!(patch.billing, Some(None));
        let invalid = bad_nick || clears_billing;
        let roles: Vec<String> = roles.into_iter().map(str::to_owned).collect();
        match patch.clone().apply_as(&mut target, &roles) {
            Err(error) => {
                prop_assert!(denied || invalid);
                prop_assert_eq!(!error.denied().is_empty(), denied);
                prop_assert_eq!(error.invalid().contains_key("nick"), bad_nick);
                prop_assert_eq!(error.invalid().contains_key("billing"), clears_billing);
                prop_assert_eq!(&target, &before);
            }
            Ok(applied) => {
                prop_assert!(!denied && !invalid);
                let mut expected = before.clone();
                if let Some(v) = patch.name { expected.name = v; }
                if let Some(v) = patch.bio { expected.bio = v; }
                if let Some(v) = patch.is_admin { expected.is_admin = v; }
                if let Some(v) = patch.credit { expected.credit = v; }
                if let Some(v) = patch.nick { expected.nick = v; }
                let merge = |into: &mut Address, patch: AddressPatch| {
                    if let Some(v) = patch.city { into.city = v; }
                    if let Some(v) = patch.geocode { into.geocode = v; }
                };
                if let Some(address) = patch.address {
                    merge(&mut expected.address, address);
                }
                for (field, change) in [(&mut expected.billing, patch.billing), (&mut expected.shipping, patch.shipping)] {
                    match change {
                        Some(Some(address)) => merge(field.as_mut().unwrap(), address),
                        Some(None) => *field = None,
                        None => {}
                    }
                }
                prop_assert_eq!(&target, &expected);
                prop_assert_eq!(applied.has_changes(), target != before);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// `from_json` checks UTF-8 once for the whole body and then reads text: for any bytes in
    /// a string value (raw, escaped or not UTF-8 at all), it decides as the same patch type
    /// read by serde_json's own byte reader, which checks each string: the same patch, or a
    /// refusal on both sides, malformed exactly when serde_json saw a syntax error.
    #[test]
    fn string_values_read_as_serde_json_reads_bytes(
        value in prop::collection::vec(
            prop_oneof![
                4 => any::<u8>(),
                1 => Just(b'\\'),
                1 => prop::sample::select(&b"u0123456789abcdefABCDEFnrt\"/"[..]),
            ],
            0..24,
        ),
    ) {
        let mut body = br#"{"name":""#.to_vec();
        body.extend_from_slice(&value);
        body.extend_from_slice(br#""}"#);
        match (from_json::<UserPatch>(&body), serde_json::from_slice::<UserPatch>(&body)) {
            (Ok(ours), Ok(theirs)) => prop_assert_eq!(ours, theirs),
            (Err(ours), Err(theirs)) => prop_assert_eq!(
                ours.code() == "malformed_json",
                theirs.is_syntax() || theirs.is_eof(),
                "{} vs {} for {:?}", ours, theirs, body
            ),
            (ours, theirs) => prop_assert!(false, "{:?} vs {:?} for {:?}", ours, theirs, body),
        }
    }
}
