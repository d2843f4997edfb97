//! For arbitrary documents, identities and targets (each optional sub-model set or `None`):
//! either the patch is refused, with exactly the problems an oracle expects, and the target is
//! as it was, or exactly the permitted present fields changed.

use std::collections::BTreeMap;

use proptest::prelude::*;
use safe_update::{from_json, SafeUpdate};
use safe_update_tests::fixtures::address::{Address, AddressPatch};
use safe_update_tests::fixtures::documents::object_text;
use safe_update_tests::fixtures::validators::short;
use serde_json::{json, Value};

// Not `create_property.rs`'s models: no `create`, and `shipping`'s `clear(role)` is part of
// this oracle; the sub-model and the validator `short` are shared.

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

/// The documented answer to an object merged into a sub-model that is `None`: a nested patch
/// never creates one (the crate docs: "whether a nested patch may create an absent sub-model
/// (it may not)"). An empty object writes nothing and is accepted.
const MERGE_INTO_NULL: &str =
    "cannot merge an object into a field that is null; an admin or the server sets it first";

/// The answer to `null` (or `Some(None)` built in code) for `billing`, whose sub-model has
/// protected fields and no `clear`.
const WOULD_ERASE_BILLING: &str = "null is not allowed: clearing the field would erase \
                                   protected fields (billing.verified, billing.geocode)";

/// The fixture with both optional sub-models set.
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

/// The fixture with `billing`, `shipping` or both `None`: the second target of each case (the
/// first is [`user`]), so that merging into and clearing an absent sub-model are generated as
/// often as every case with the sub-models set.
fn absent_sub_models() -> impl Strategy<Value = User> {
    prop_oneof![
        Just((false, true)),
        Just((true, false)),
        Just((false, false))
    ]
    .prop_map(|(billing, shipping)| {
        let mut user = user();
        if !billing {
            user.billing = None;
        }
        if !shipping {
            user.shipping = None;
        }
        user
    })
}

const ROLES: [&str; 3] = ["admin", "support", "user"];

/// A generated JSON value: a leaf, or an object written member by member so that a key may
/// repeat (a `serde_json::Map` could not).
#[derive(Debug, Clone)]
enum Json {
    Leaf(Value),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn text(&self) -> String {
        match self {
            Json::Leaf(value) => value.to_string(),
            Json::Object(members) => object_text(
                members
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.text())),
            ),
        }
    }
}

fn leaf(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Json> {
    value.prop_map(Json::Leaf)
}

fn text() -> impl Strategy<Value = Value> {
    "[a-z]{0,10}".prop_map(Value::String)
}

/// A value of the wrong type for a text field.
fn not_text() -> impl Strategy<Value = Value> {
    prop_oneof![Just(json!(5)), Just(json!(true)), Just(json!(["x"]))]
}

/// Members of an object, mostly valid: each of `fields` (key, valid value, invalid value) is
/// included or not, in a random order; now and then a forbidden or unknown key, or a repeat.
fn members(
    fields: Vec<(&'static str, BoxedStrategy<Json>)>,
    forbidden: &'static str,
    unknown: &'static str,
    odd_key: f64,
    at_least: usize,
) -> impl Strategy<Value = Vec<(String, Json)>> {
    let count = fields.len();
    let picked = prop::sample::subsequence(fields, at_least..=count);
    let chosen = picked
        .prop_flat_map(|fields| {
            fields
                .into_iter()
                .map(|(key, value)| value.prop_map(move |v| (key.to_owned(), v)))
                .collect::<Vec<_>>()
        })
        .prop_shuffle();
    (
        chosen,
        prop::bool::weighted(odd_key),
        prop::bool::weighted(odd_key),
        prop::bool::weighted(odd_key),
        any::<prop::sample::Index>(),
    )
        .prop_map(
            move |(mut members, add_forbidden, add_unknown, repeat, at)| {
                if add_forbidden {
                    members.push((forbidden.to_owned(), Json::Leaf(json!(true))));
                }
                if add_unknown {
                    members.push((unknown.to_owned(), Json::Leaf(json!(1))));
                }
                if repeat && !members.is_empty() {
                    let again = members[at.index(members.len())].clone();
                    members.push(again);
                }
                members
            },
        )
}

fn address() -> BoxedStrategy<Json> {
    let fields = vec![
        (
            "city",
            prop_oneof![30 => leaf(text()), 1 => leaf(not_text()), 1 => leaf(Just(Value::Null))]
                .boxed(),
        ),
        (
            "geocode",
            prop_oneof![10 => leaf(text()), 3 => leaf(Just(Value::Null)), 1 => leaf(not_text())]
                .boxed(),
        ),
    ];
    members(fields, "verified", "y", 0.03, 0)
        .prop_map(Json::Object)
        .boxed()
}

/// A document for [`User`]: mostly valid, with every kind of refusal now and then.
fn document() -> impl Strategy<Value = Vec<(String, Json)>> {
    let fields = vec![
        (
            "name",
            prop_oneof![30 => leaf(text()), 1 => leaf(not_text()), 1 => leaf(Just(Value::Null))]
                .boxed(),
        ),
        (
            "bio",
            prop_oneof![12 => leaf(text()), 5 => leaf(Just(Value::Null)), 1 => leaf(not_text())]
                .boxed(),
        ),
        (
            "is_admin",
            prop_oneof![30 => leaf(any::<bool>().prop_map(Value::Bool)), 1 => leaf(Just(json!("yes")))]
                .boxed(),
        ),
        (
            "credit",
            prop_oneof![30 => leaf((0u32..300).prop_map(|n| json!(n))), 1 => leaf(Just(json!(-1)))]
                .boxed(),
        ),
        // The validator allows 1 to 8 characters.
        (
            "nick",
            prop_oneof![
                8 => leaf("[a-z]{1,8}".prop_map(Value::String)),
                2 => leaf(prop_oneof![Just(String::new()), "[a-z]{9,12}"].prop_map(Value::String)),
                1 => leaf(not_text()),
            ]
            .boxed(),
        ),
        (
            "address",
            prop_oneof![30 => address(), 1 => leaf(Just(Value::Null)), 1 => leaf(Just(json!("x")))]
                .boxed(),
        ),
        (
            "billing",
            prop_oneof![15 => address(), 1 => leaf(Just(Value::Null))].boxed(),
        ),
        (
            "shipping",
            prop_oneof![6 => address(), 1 => leaf(Just(Value::Null))].boxed(),
        ),
    ];
    members(fields, "id", "x", 0.05, 1)
}

/// Denied fields, each with the roles any one of which would allow it, in the order the model
/// declares them.
type Denied = Vec<(String, &'static [&'static str])>;

/// What the document must come to, decided without the library.
#[derive(Debug, Default)]
struct Expected {
    forbidden: Vec<String>,
    unknown: Vec<String>,
    duplicate: Vec<String>,
    /// Values a field refuses when read (wrong type, `null` for a required field, `null` that
    /// would erase protected fields).
    invalid: Vec<String>,
    /// Fields present without a role that allows them.
    denied: Denied,
    /// Values refused when the patch is applied, with the reason: a validator's refusal, an
    /// object merged into a sub-model that is `None`.
    refused_on_apply: Vec<(String, String)>,
    /// The user after a successful apply.
    after: Option<User>,
    /// Leaf paths written, and those among them whose value changed, in declaration order.
    written: Vec<String>,
    changed: Vec<String>,
}

impl Expected {
    fn parse_refused(&self) -> bool {
        !(self.forbidden.is_empty()
            && self.unknown.is_empty()
            && self.duplicate.is_empty()
            && self.invalid.is_empty())
    }
}

/// The forbidden, unknown and repeated keys, in document order at any depth, as a reader
/// meets them: the value of a repeated key is skipped unread, so nothing inside it counts.
fn key_problems(members: &[(String, Json)], path: &str, expected: &mut Expected) {
    let (writable, forbidden): (&[&str], &str) = if path.is_empty() {
        (
            &[
                "name", "bio", "is_admin", "credit", "address", "nick", "billing", "shipping",
            ],
            "id",
        )
    } else {
        (&["city", "geocode"], "verified")
    };
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in members {
        if key == forbidden {
            expected.forbidden.push(join(key));
        } else if !writable.contains(&key.as_str()) {
            expected.unknown.push(join(key));
        } else if seen.contains(&key.as_str()) {
            expected.duplicate.push(join(key));
        } else {
            seen.push(key);
            if let (true, Json::Object(inner)) = (path.is_empty(), value) {
                if ["address", "billing", "shipping"].contains(&key.as_str()) {
                    key_problems(inner, key, expected);
                }
            }
        }
    }
}

/// The first value of each writable key.
fn first_values<'a>(members: &'a [(String, Json)], writable: &[&str]) -> Vec<(&'a str, &'a Json)> {
    let mut firsts: Vec<(&str, &Json)> = Vec::new();
    for (key, value) in members {
        if writable.contains(&key.as_str()) && !firsts.iter().any(|(seen, _)| seen == key) {
            firsts.push((key, value));
        }
    }
    firsts
}

fn text_of(value: &Json) -> Option<&str> {
    match value {
        Json::Leaf(Value::String(text)) => Some(text),
        _ => None,
    }
}

/// Writes `members` into `address` as the oracle; `path` is where the object sits.
fn merge_address(
    members: &[(String, Json)],
    path: &str,
    address: &mut Address,
    admin: bool,
    expected: &mut Expected,
    writes: &mut Vec<(String, bool)>,
) {
    let firsts = first_values(members, &["city", "geocode"]);
    // Declaration order: city, then geocode.
    for field in ["city", "geocode"] {
        let Some((_, value)) = firsts.iter().find(|(key, _)| *key == field) else {
            continue;
        };
        let at = format!("{path}.{field}");
        match (field, value) {
            ("city", value) => match text_of(value) {
                Some(city) => {
                    writes.push((at, city != address.city));
                    address.city = city.to_owned();
                }
                None => expected.invalid.push(at),
            },
            (_, Json::Leaf(Value::Null)) if admin => {
                writes.push((at, address.geocode.is_some()));
                address.geocode = None;
            }
            (_, value) => match (text_of(value), value) {
                (Some(geocode), _) if admin => {
                    writes.push((at, address.geocode.as_deref() != Some(geocode)));
                    address.geocode = Some(geocode.to_owned());
                }
                (Some(_), _) | (None, Json::Leaf(Value::Null)) => {
                    expected.denied.push((at, &["admin"]));
                }
                _ => expected.invalid.push(at),
            },
        }
    }
}

fn oracle(members: &[(String, Json)], roles: &[&str], before: &User) -> Expected {
    let (admin, support) = (roles.contains(&"admin"), roles.contains(&"support"));
    let writable = [
        "name", "bio", "is_admin", "credit", "address", "nick", "billing", "shipping",
    ];
    let mut expected = Expected::default();
    key_problems(members, "", &mut expected);
    let firsts = first_values(members, &writable);
    let mut after = before.clone();
    let mut writes: Vec<(String, bool)> = Vec::new();
    for field in writable {
        let Some((_, value)) = firsts.iter().find(|(key, _)| *key == field) else {
            continue;
        };
        let at = field.to_owned();
        match field {
            "name" => match text_of(value) {
                Some(name) => {
                    writes.push((at, name != after.name));
                    after.name = name.to_owned();
                }
                None => expected.invalid.push(at),
            },
            "bio" => match value {
                Json::Leaf(Value::Null) => {
                    writes.push((at, after.bio.is_some()));
                    after.bio = None;
                }
                value => match text_of(value) {
                    Some(bio) => {
                        writes.push((at, after.bio.as_deref() != Some(bio)));
                        after.bio = Some(bio.to_owned());
                    }
                    None => expected.invalid.push(at),
                },
            },
            "is_admin" => match value {
                Json::Leaf(Value::Bool(flag)) if admin => {
                    writes.push((at, *flag != after.is_admin));
                    after.is_admin = *flag;
                }
                Json::Leaf(Value::Bool(_)) => expected.denied.push((at, &["admin"])),
                _ => expected.invalid.push(at),
            },
            "credit" => match value {
                Json::Leaf(Value::Number(n)) if n.as_u64().is_some() => {
                    if admin || support {
                        let credit = n.as_u64().unwrap() as u32;
                        writes.push((at, credit != after.credit));
                        after.credit = credit;
                    } else {
                        expected.denied.push((at, &["admin", "support"]));
                    }
                }
                _ => expected.invalid.push(at),
            },
            "nick" => match text_of(value) {
                Some(nick) if short(nick).is_ok() => {
                    writes.push((at, nick != after.nick));
                    after.nick = nick.to_owned();
                }
                Some(nick) => {
                    let reason = short(nick).unwrap_err();
                    expected.refused_on_apply.push((at, reason.to_owned()));
                }
                None => expected.invalid.push(at),
            },
            "address" => match value {
                Json::Object(inner) => merge_address(
                    inner,
                    "address",
                    &mut after.address,
                    admin,
                    &mut expected,
                    &mut writes,
                ),
                _ => expected.invalid.push(at),
            },
            "billing" | "shipping" => {
                let slot = if field == "billing" {
                    &mut after.billing
                } else {
                    &mut after.shipping
                };
                match value {
                    Json::Object(inner) => match slot.as_mut() {
                        Some(current) => {
                            merge_address(inner, field, current, admin, &mut expected, &mut writes);
                        }
                        // Nothing to merge into: an object that writes anything is refused
                        // (before any role of its fields is asked), an empty one writes nothing.
                        // Its values are read all the same: their type errors are the
                        // document's, whatever the target.
                        None => {
                            let mut read = Expected::default();
                            let mut scratch = user().address;
                            merge_address(
                                inner,
                                field,
                                &mut scratch,
                                admin,
                                &mut read,
                                &mut Vec::new(),
                            );
                            expected.invalid.extend(read.invalid);
                            if !first_values(inner, &["city", "geocode"]).is_empty() {
                                let refusal = (at, MERGE_INTO_NULL.to_owned());
                                expected.refused_on_apply.push(refusal);
                            }
                        }
                    },
                    // Clearing `billing` would erase protected fields: refused when read.
                    Json::Leaf(Value::Null) if field == "billing" => expected.invalid.push(at),
                    Json::Leaf(Value::Null) if admin => {
                        writes.push((at, slot.is_some()));
                        *slot = None;
                    }
                    Json::Leaf(Value::Null) => expected.denied.push((at, &["admin"])),
                    _ => expected.invalid.push(at),
                }
            }
            _ => unreachable!(),
        }
    }
    if !expected.parse_refused()
        && expected.denied.is_empty()
        && expected.refused_on_apply.is_empty()
    {
        expected.after = Some(after);
        expected.written = writes.iter().map(|(path, _)| path.clone()).collect();
        expected.changed = writes
            .iter()
            .filter(|(_, changed)| *changed)
            .map(|(path, _)| path.clone())
            .collect();
    }
    expected
}

fn sorted(mut paths: Vec<String>) -> Vec<String> {
    paths.sort();
    paths
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Every document is decided by an oracle that knows the model but not the library:
    /// refused exactly when it has a forbidden, unknown, repeated, ungranted gated or invalid
    /// key (each listed, with its path), and otherwise applied with exactly the permitted
    /// fields written, those whose value differs reported as changed. Each document is applied
    /// to the fixture and to one with an optional sub-model or two `None`.
    #[test]
    fn every_document_is_decided_as_the_oracle_says(
        members in document(),
        roles in prop::sample::subsequence(&ROLES[..], 0..=3),
        absent in absent_sub_models(),
    ) {
        for before in [user(), absent] {
            decided_as_the_oracle_says(&members, &roles, &before)?;
        }
    }
}

/// `members` read and applied to `before` as `roles`: as [`oracle`] says.
fn decided_as_the_oracle_says(
    members: &[(String, Json)],
    roles: &[&str],
    before: &User,
) -> Result<(), TestCaseError> {
    let text = Json::Object(members.to_vec()).text();
    let expected = oracle(members, roles, before);
    let roles: Vec<String> = roles.iter().map(|role| (*role).to_owned()).collect();
    let mut target = before.clone();
    match from_json::<UserPatch>(text.as_bytes()) {
        Err(error) => {
            prop_assert!(expected.parse_refused(), "{} refused: {}", text, error);
            prop_assert_eq!(error.forbidden(), &expected.forbidden[..], "{}", text);
            prop_assert_eq!(error.unknown(), &expected.unknown[..], "{}", text);
            prop_assert_eq!(error.duplicate(), &expected.duplicate[..], "{}", text);
            let invalid: Vec<String> = error.invalid().keys().cloned().collect();
            prop_assert_eq!(invalid, sorted(expected.invalid.clone()), "{}", text);
        }
        Ok(patch) => {
            prop_assert!(
                !expected.parse_refused(),
                "{} accepted, expected {:?}",
                text,
                expected
            );
            match patch.apply_as(&mut target, &roles) {
                Err(error) => {
                    prop_assert!(expected.after.is_none(), "{} refused: {}", text, error);
                    let code = if expected.denied.is_empty() {
                        "invalid_fields"
                    } else {
                        "role_required"
                    };
                    prop_assert_eq!(error.code(), code, "{}", text);
                    let denied: Vec<(String, &[&str])> = error
                        .denied()
                        .iter()
                        .map(|denied| (denied.field.clone(), denied.roles))
                        .collect();
                    prop_assert_eq!(&denied, &expected.denied, "{} to {:?}", text, before);
                    let invalid: Vec<(String, String)> = error
                        .invalid()
                        .iter()
                        .map(|(field, reason)| (field.clone(), reason.clone()))
                        .collect();
                    let mut refused = expected.refused_on_apply.clone();
                    refused.sort();
                    prop_assert_eq!(invalid, refused, "{} to {:?}", text, before);
                    prop_assert_eq!(&target, before, "changed on error: {}", text);
                }
                Ok(applied) => {
                    let Some(after) = &expected.after else {
                        return Err(TestCaseError::fail(format!(
                            "{text} applied to {before:?}, expected {expected:?}"
                        )));
                    };
                    prop_assert_eq!(&target, after, "{}", text);
                    let written: Vec<String> = applied.written().map(|f| f.to_string()).collect();
                    let changed: Vec<String> = applied.changed().map(|f| f.to_string()).collect();
                    prop_assert_eq!(written, expected.written.clone(), "{}", text);
                    prop_assert_eq!(&changed, &expected.changed, "{}", text);
                    let mut top: Vec<&str> = Vec::new();
                    for path in &changed {
                        let first = path.split('.').next().unwrap();
                        if !top.contains(&first) {
                            top.push(first);
                        }
                    }
                    prop_assert_eq!(applied.changed_top_level(), top, "{}", text);
                    prop_assert_eq!(applied.has_changes(), &target != before);
                }
            }
        }
    }
    Ok(())
}

/// The mix of outcomes the real generator produces, so that the property above is known to
/// test accepted multi-field documents as often as each kind of refusal, and every answer
/// about a `None` sub-model.
#[test]
fn the_generator_reaches_every_outcome_often() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = (
        document(),
        prop::sample::subsequence(&ROLES[..], 0..=3),
        absent_sub_models(),
    );
    let samples = 4000;
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for _ in 0..samples {
        let (members, roles, absent) = strategy.new_tree(&mut runner).unwrap().current();
        let expected = oracle(&members, &roles, &user());
        let mut outcomes = Vec::new();
        // The same document applied to the second target, with a sub-model or two `None`.
        let on_absent = oracle(&members, &roles, &absent);
        let sent = |key: &str| {
            first_values(&members, &[key])
                .first()
                .map(|(_, value)| *value)
        };
        for (field, current) in [("billing", &absent.billing), ("shipping", &absent.shipping)] {
            if current.is_some() || on_absent.parse_refused() {
                continue;
            }
            let refused = on_absent.refused_on_apply.iter().any(|(at, _)| at == field);
            match sent(field) {
                Some(Json::Object(_)) if refused => outcomes.push("None sub-model: object refused"),
                Some(Json::Object(_)) if on_absent.after.is_some() => {
                    outcomes.push("None sub-model: empty object accepted");
                }
                Some(Json::Leaf(Value::Null)) if field == "shipping" => {
                    if on_absent.after.is_some() {
                        outcomes.push("None sub-model: cleared by an admin");
                    } else if on_absent.denied.iter().any(|(at, _)| at == "shipping") {
                        outcomes.push("None sub-model: clearing denied");
                    }
                }
                _ => {}
            }
        }
        if expected.after.is_some() {
            outcomes.push(match expected.written.len() {
                0 => "accepted, nothing written",
                1 => "accepted, one field",
                _ => "accepted, two fields or more",
            });
        }
        for (kind, found) in [
            ("refused: forbidden", !expected.forbidden.is_empty()),
            ("refused: unknown", !expected.unknown.is_empty()),
            ("refused: repeated", !expected.duplicate.is_empty()),
            ("refused: invalid value", !expected.invalid.is_empty()),
            (
                "refused: role",
                !expected.parse_refused() && !expected.denied.is_empty(),
            ),
            (
                "refused: validator",
                !expected.parse_refused()
                    && expected.refused_on_apply.iter().any(|(at, _)| at == "nick"),
            ),
        ] {
            if found {
                outcomes.push(kind);
            }
        }
        for outcome in outcomes {
            *counts.entry(outcome).or_default() += 1;
        }
    }
    let share = |outcome: &str| counts.get(outcome).copied().unwrap_or(0) as f64 / samples as f64;
    let report = format!("{counts:#?} of {samples}");
    assert!(share("accepted, two fields or more") >= 0.20, "{report}");
    let refused: f64 = counts
        .iter()
        .filter(|(kind, _)| kind.starts_with("refused"))
        .map(|(_, n)| *n as f64 / samples as f64)
        .sum();
    assert!(refused >= 0.30, "{report}");
    for kind in [
        "refused: forbidden",
        "refused: unknown",
        "refused: repeated",
        "refused: invalid value",
        "refused: role",
        "refused: validator",
    ] {
        assert!(share(kind) >= 0.03, "{kind}: {report}");
    }
    // On the second target: an object merged into a `None` sub-model, refused or (empty)
    // accepted, as often as the other kinds; `null` for a `None` `shipping`, rarer (it takes
    // `null` sent, `shipping` absent and the rest of the document clean), cleared by an admin
    // and denied to others, dozens of times each.
    for (kind, at_least) in [
        ("None sub-model: object refused", 0.03),
        ("None sub-model: empty object accepted", 0.03),
        ("None sub-model: cleared by an admin", 0.005),
        ("None sub-model: clearing denied", 0.005),
    ] {
        assert!(share(kind) >= at_least, "{kind}: {report}");
    }
    println!("{report}");
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
    /// refusals are exercised as often as successes, on the fixture and on one with an
    /// optional sub-model or two `None`: refused with exactly the problems [`apply_refusals`]
    /// expects and the target unchanged, or applied in full.
    #[test]
    fn apply_is_all_or_nothing(
        patch in typed_patch(),
        roles in prop::sample::subsequence(&ROLES[..], 0..=3),
        absent in absent_sub_models(),
    ) {
        for before in [user(), absent] {
            applied_all_or_nothing(&patch, &roles, &before)?;
        }
    }
}

/// `patch` applied to `before` as `roles`: refused as [`apply_refusals`] says, or applied whole.
fn applied_all_or_nothing(
    patch: &UserPatch,
    roles: &[&str],
    before: &User,
) -> Result<(), TestCaseError> {
    let mut target = before.clone();
    let (denied, invalid) = apply_refusals(patch, before, roles);
    let roles: Vec<String> = roles.iter().map(|role| (*role).to_owned()).collect();
    match patch.clone().apply_as(&mut target, &roles) {
        Err(error) => {
            prop_assert!(
                !denied.is_empty() || !invalid.is_empty(),
                "refused: {}",
                error
            );
            let code = if denied.is_empty() {
                "invalid_fields"
            } else {
                "role_required"
            };
            prop_assert_eq!(error.code(), code);
            let listed: Vec<(String, &[&str])> = error
                .denied()
                .iter()
                .map(|denied| (denied.field.clone(), denied.roles))
                .collect();
            prop_assert_eq!(listed, denied, "{:?} to {:?}", patch, before);
            prop_assert_eq!(error.invalid(), &invalid, "{:?} to {:?}", patch, before);
            prop_assert_eq!(&target, before);
        }
        Ok(applied) => {
            prop_assert!(
                denied.is_empty() && invalid.is_empty(),
                "{:?} to {:?} applied, expected {:?} {:?}",
                patch,
                before,
                denied,
                invalid
            );
            let patch = patch.clone();
            let mut expected = before.clone();
            if let Some(v) = patch.name {
                expected.name = v;
            }
            if let Some(v) = patch.bio {
                expected.bio = v;
            }
            if let Some(v) = patch.is_admin {
                expected.is_admin = v;
            }
            if let Some(v) = patch.credit {
                expected.credit = v;
            }
            if let Some(v) = patch.nick {
                expected.nick = v;
            }
            let merge = |into: &mut Address, patch: AddressPatch| {
                if let Some(v) = patch.city {
                    into.city = v;
                }
                if let Some(v) = patch.geocode {
                    into.geocode = v;
                }
            };
            if let Some(address) = patch.address {
                merge(&mut expected.address, address);
            }
            let optional = [
                (&mut expected.billing, patch.billing),
                (&mut expected.shipping, patch.shipping),
            ];
            for (field, change) in optional {
                match (change, field.as_mut()) {
                    (Some(Some(address)), Some(current)) => merge(current, address),
                    // Accepted only when empty: nothing to write.
                    (Some(Some(_)), None) => {}
                    (Some(None), _) => *field = None,
                    (None, _) => {}
                }
            }
            prop_assert_eq!(&target, &expected);
            prop_assert_eq!(applied.has_changes(), &target != before);
        }
    }
    Ok(())
}

/// What applying `patch` to `before` as `roles` must refuse, decided without the library: the
/// denied fields with the roles that would allow them, in the order the model declares them,
/// and the refused values with their reasons.
fn apply_refusals(
    patch: &UserPatch,
    before: &User,
    roles: &[&str],
) -> (Denied, BTreeMap<String, String>) {
    let (admin, support) = (roles.contains(&"admin"), roles.contains(&"support"));
    let mut denied: Denied = Vec::new();
    let mut invalid = BTreeMap::new();
    if patch.is_admin.is_some() && !admin {
        denied.push(("is_admin".into(), &["admin"]));
    }
    if patch.credit.is_some() && !(admin || support) {
        denied.push(("credit".into(), &["admin", "support"]));
    }
    if patch.address.as_ref().is_some_and(|a| a.geocode.is_some()) && !admin {
        denied.push(("address.geocode".into(), &["admin"]));
    }
    if let Some(Err(reason)) = patch.nick.as_deref().map(short) {
        invalid.insert("nick".to_owned(), reason.to_owned());
    }
    let optional = [
        ("billing", &patch.billing, &before.billing),
        ("shipping", &patch.shipping, &before.shipping),
    ];
    for (field, change, current) in optional {
        match (change, current) {
            (None, _) => {}
            // Clearing `billing` would erase its protected fields, whatever the target holds.
            (Some(None), _) if field == "billing" => {
                invalid.insert(field.to_owned(), WOULD_ERASE_BILLING.to_owned());
            }
            // `shipping` may be cleared by an admin, also when it is `None` already.
            (Some(None), _) if !admin => denied.push((field.to_owned(), &["admin"])),
            (Some(None), _) => {}
            (Some(Some(inner)), Some(_)) => {
                if inner.geocode.is_some() && !admin {
                    denied.push((format!("{field}.geocode"), &["admin"]));
                }
            }
            (Some(Some(inner)), None) => {
                if inner.city.is_some() || inner.geocode.is_some() {
                    invalid.insert(field.to_owned(), MERGE_INTO_NULL.to_owned());
                }
            }
        }
    }
    (denied, invalid)
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
