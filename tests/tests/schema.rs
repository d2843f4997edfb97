//! The patch types' JSON Schemas (feature `schemars`) say what the parser accepts: for
//! generated documents, `from_json` (then `apply_as` with every role, for the validators the
//! schema states) accepts exactly those that validate against the schema, checked by an
//! independent validator (`jsonschema`). What a schema cannot say is named in
//! `what_the_schema_cannot_say`.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use safe_update::{from_json, Patch, SafeUpdate};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

// Local models: their schema attributes, docs and serde renames are what the schemas state.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Address {
    #[update(allow)]
    street: String,
    #[update(server_only)]
    verified: bool,
    #[update(allow(role = "admin"), create_default)]
    geocode: Option<String>,
}

/// Only writable fields: clearing it erases nothing the client could not write.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Note {
    #[update(allow)]
    text: String,
    #[update(allow)]
    pinned: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Plan {
    Free,
    Pro,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
#[update(create)]
struct Profile {
    #[update(server_only)]
    id: u64,
    /// The name shown to others.
    #[update(allow, validate = display_name, schema(min_length = 1, max_length = 20))]
    display_name: String,
    #[serde(alias = "about")]
    #[update(allow)]
    bio: Option<String>,
    #[serde(rename = "yearsOld")]
    #[update(allow, validate = adult, schema(minimum = 18, maximum = 130))]
    age: u8,
    #[update(allow, create_default = 0.5)]
    score: f64,
    #[update(allow)]
    plan: Plan,
    #[update(allow)]
    aliases: Vec<String>,
    /// Sent as one string, "a,b,c": its type's schema (an array) would be wrong.
    #[serde(deserialize_with = "comma_separated")]
    #[update(allow, schema_with = comma_separated_schema)]
    tags: Vec<String>,
    #[update(allow(role = "admin"), create_default)]
    is_admin: bool,
    #[update(nested)]
    home: Address,
    /// Clearing it would erase `verified`: `null` refused.
    #[update(nested)]
    billing: Option<Address>,
    #[update(nested, clear(role = "admin"))]
    shipping: Option<Address>,
    /// Nothing protected inside: anyone may clear it.
    #[update(nested)]
    note: Option<Note>,
    #[update(server_only)]
    password_hash: String,
}

fn display_name(name: &str) -> Result<(), &'static str> {
    if (1..=20).contains(&name.chars().count()) {
        Ok(())
    } else {
        Err("1 to 20 characters")
    }
}

fn adult(age: &u8) -> Result<(), &'static str> {
    if (18..=130).contains(age) {
        Ok(())
    } else {
        Err("18 to 130")
    }
}

fn comma_separated<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text.split(',').map(str::to_owned).collect())
}

fn comma_separated_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string" })
}

fn address(street: &str) -> Address {
    Address {
        street: street.into(),
        verified: true,
        geocode: None,
    }
}

fn profile() -> Profile {
    Profile {
        id: 1,
        display_name: "Eve".into(),
        bio: None,
        age: 30,
        score: 1.5,
        plan: Plan::Free,
        aliases: vec![],
        tags: vec![],
        is_admin: false,
        home: address("Main St"),
        billing: Some(address("Bank St")),
        shipping: Some(address("Dock St")),
        note: Some(Note {
            text: "hi".into(),
            pinned: None,
        }),
        password_hash: "$argon2id$...".into(),
    }
}

fn schema_of<P: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(P)).unwrap()
}

#[test]
fn the_schema_of_a_patch_lists_what_it_accepts() {
    let schema = schema_of::<ProfilePatch>();
    let properties = schema["properties"].as_object().unwrap();
    let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    // Wire names (rename_all, rename) and the alias; no server-only field in any spelling.
    assert_eq!(
        names,
        [
            "about",
            "aliases",
            "billing",
            "bio",
            "displayName",
            "home",
            "isAdmin",
            "note",
            "plan",
            "score",
            "shipping",
            "tags",
            "yearsOld"
        ]
    );
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["type"], "object");
    // `null` exactly where the parser takes it.
    assert_eq!(properties["bio"]["type"], json!(["string", "null"]));
    assert_eq!(properties["displayName"]["type"], "string");
    assert_eq!(
        properties["billing"],
        json!({"$ref": "#/$defs/AddressPatch", "description": "Clearing it would erase `verified`: `null` refused."})
    );
    assert_eq!(
        properties["note"]["anyOf"][1],
        json!({"type": "null"}),
        "{properties:#?}"
    );
    // Roles, as an extension and in the description.
    assert_eq!(
        properties["isAdmin"]["x-safe-update-roles"],
        json!(["admin"])
    );
    assert_eq!(
        properties["isAdmin"]["description"],
        "Writable only by role \"admin\"."
    );
    assert_eq!(
        properties["shipping"]["x-safe-update-clear-roles"],
        json!(["admin"])
    );
    // The validator's keywords and the explicit schema of a field read by its own function.
    assert_eq!(
        (
            &properties["displayName"]["minLength"],
            &properties["displayName"]["maxLength"]
        ),
        (&json!(1), &json!(20))
    );
    assert_eq!(properties["tags"]["type"], "string");
    assert_eq!(
        properties["displayName"]["description"],
        "The name shown to others."
    );
    // The nested patch: its own rules, its server-only field absent.
    let address = &schema["$defs"]["AddressPatch"];
    assert_eq!(address["additionalProperties"], false);
    let mut nested: Vec<&str> = address["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    nested.sort_unstable();
    assert_eq!(nested, ["geocode", "street"]);
}

/// Whether the server takes `document`: parsed, then applied by an identity with every role
/// (roles are not the schema's business; it marks them).
fn accepted<P>(document: &Value, mut target: P::Target) -> bool
where
    P: Patch<Identity = safe_update::AnyRoles>,
{
    let Ok(patch) = from_json::<P>(document.to_string().as_bytes()) else {
        return false;
    };
    patch.apply_as(&mut target, &["admin"][..]).is_ok()
}

/// Asserts that the server and the schema agree on `document`; whether the server took it.
fn check<P: Patch<Identity = safe_update::AnyRoles> + schemars::JsonSchema>(
    document: &Value,
    target: P::Target,
) -> bool {
    let schema = schema_of::<P>();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let valid = validator.is_valid(document);
    let taken = accepted::<P>(document, target);
    assert_eq!(
        taken,
        valid,
        "the server {} {document}, the schema {} it: {:?}",
        if taken { "accepts" } else { "refuses" },
        if valid { "accepts" } else { "refuses" },
        validator
            .iter_errors(document)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    taken
}

/// Values of every JSON type, many of them right for some field: the schema and the parser
/// decide which.
fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(17),
            Just(18),
            Just(30),
            Just(130),
            Just(131),
            Just(255),
            Just(256),
            Just(-1)
        ]
        .prop_map(|n| json!(n)),
        Just(json!(1.5)),
        Just(json!(-0.25)),
        "[a-z,]{0,3}".prop_map(Value::String),
        "[a-zé]{18,22}".prop_map(Value::String),
        prop_oneof![Just("free"), Just("pro"), Just("Pro")].prop_map(|s| json!(s)),
        prop::collection::vec("[a-z]{1,3}".prop_map(Value::String), 0..3).prop_map(Value::Array),
        Just(json!([1, 2])),
    ]
    .boxed()
}

/// An object with some of `keys`, each with a value from `value`.
fn object_of(
    keys: &'static [&'static str],
    value: impl Strategy<Value = Value> + Clone,
    max: usize,
) -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(keys), value), 0..=max).prop_map(|members| {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    })
}

const ADDRESS_KEYS: &[&str] = &["street", "geocode", "verified", "zip"];
const NOTE_KEYS: &[&str] = &["text", "pinned", "color"];
const PROFILE_KEYS: &[&str] = &[
    "displayName",
    "display_name",
    "bio",
    "about",
    "yearsOld",
    "age",
    "score",
    "plan",
    "aliases",
    "tags",
    "isAdmin",
    "home",
    "billing",
    "shipping",
    "note",
    "id",
    "passwordHash",
    "password_hash",
    "role",
];

fn nested_value() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => object_of(ADDRESS_KEYS, scalar(), 2),
        2 => object_of(NOTE_KEYS, scalar(), 2),
        1 => scalar(),
    ]
    .boxed()
}

fn profile_document() -> impl Strategy<Value = Value> {
    prop_oneof![
        20 => object_of(PROFILE_KEYS, prop_oneof![3 => scalar(), 1 => nested_value()], 3),
        1 => scalar(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn profile_documents_are_accepted_exactly_when_schema_valid(document in profile_document()) {
        check::<ProfilePatch>(&document, profile());
    }

    #[test]
    fn address_documents_are_accepted_exactly_when_schema_valid(
        document in object_of(ADDRESS_KEYS, scalar(), 3)
    ) {
        check::<AddressPatch>(&document, address("Main St"));
    }
}

#[test]
fn both_answers_occur() {
    // The property above is only worth something if its documents get both answers: the
    // same generator, run here and counted.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut accepted = 0;
    for _ in 0..1000 {
        let document = profile_document().new_tree(&mut runner).unwrap().current();
        accepted += usize::from(check::<ProfilePatch>(&document, profile()));
    }
    let refused = 1000 - accepted;
    eprintln!("{accepted} accepted, {refused} refused");
    assert!(
        accepted >= 100 && refused >= 100,
        "{accepted} accepted, {refused} refused"
    );
}

fn server() -> ProfileServerFields {
    let address = || AddressServerFields { verified: true };
    ProfileServerFields {
        id: 1,
        password_hash: "$argon2id$...".into(),
        home: address(),
        billing: address(),
        shipping: address(),
        note: NoteServerFields {},
    }
}

/// Asserts that the server and the create input's schema agree on `document`; whether the
/// server built a profile from it (as an admin: roles are not the schema's business).
fn check_new(document: &Value) -> bool {
    let schema = schema_of::<ProfileNew>();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let valid = validator.is_valid(document);
    let built = from_json::<ProfileNew>(document.to_string().as_bytes())
        .map_err(|error| error.to_string())
        .and_then(|new| {
            new.build_as(server(), &["admin"][..])
                .map_err(|error| error.to_string())
        });
    assert_eq!(
        built.is_ok(),
        valid,
        "the server {built:?} for {document}, the schema {} it: {:?}",
        if valid { "accepts" } else { "refuses" },
        validator
            .iter_errors(document)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    valid
}

/// A create document: most required members with good values, and a few members of any key
/// with any value on top.
fn create_document() -> impl Strategy<Value = Value> {
    let base = [
        ("displayName", json!("Eve")),
        ("yearsOld", json!(30)),
        ("plan", json!("pro")),
        ("aliases", json!([])),
        ("tags", json!("a,b")),
        ("home", json!({"street": "Main St"})),
    ];
    let kept = prop::collection::vec(prop::bool::weighted(0.95), base.len());
    let extra = object_of(
        PROFILE_KEYS,
        prop_oneof![3 => scalar(), 1 => nested_value()],
        2,
    );
    (kept, extra).prop_map(move |(kept, extra)| {
        let mut document = serde_json::Map::new();
        for ((key, value), keep) in base.iter().zip(kept) {
            if keep {
                document.insert((*key).to_owned(), value.clone());
            }
        }
        if let Value::Object(extra) = extra {
            document.extend(extra);
        }
        Value::Object(document)
    })
}

#[test]
fn create_documents_are_accepted_exactly_when_schema_valid() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(2048));
    let accepted = std::cell::Cell::new(0);
    runner
        .run(&create_document(), |document| {
            accepted.set(accepted.get() + usize::from(check_new(&document)));
            Ok(())
        })
        .unwrap();
    let accepted = accepted.get();
    eprintln!("{accepted} of 2048 create documents accepted");
    assert!((200..=1850).contains(&accepted), "{accepted} accepted");
}

#[test]
fn the_schema_of_a_create_input_requires_what_it_must_send() {
    let schema = schema_of::<ProfileNew>();
    assert_eq!(
        schema["required"],
        json!(["displayName", "yearsOld", "plan", "aliases", "tags", "home"])
    );
    // An alias, a defaulted or an optional field is not required; `null` only for an optional
    // one, and for an optional sub-model even when its patch may not clear it.
    assert_eq!(
        schema["properties"]["billing"]["anyOf"][1],
        json!({"type": "null"})
    );
    assert_eq!(schema["properties"]["score"]["type"], json!("number"));
    assert!(schema["properties"].get("id").is_none());
    assert!(schema["properties"].get("passwordHash").is_none());
    // The sub-model's create input, whose own required members are listed there.
    let home = &schema["properties"]["home"]["$ref"];
    assert_eq!(home, &json!("#/$defs/AddressNew"));
    assert_eq!(schema["$defs"]["AddressNew"]["required"], json!(["street"]));
    assert_eq!(schema["additionalProperties"], json!(false));
}

/// What JSON Schema cannot say, shown here so that it is known, not discovered.
#[test]
fn what_the_schema_cannot_say() {
    let schema = schema_of::<ProfilePatch>();
    let validator = jsonschema::validator_for(&schema).unwrap();
    // A whole number written with a fraction or an exponent is an integer to JSON Schema
    // (the same number); serde reads it as a float and refuses it for `u8`.
    let float_written = json!({"yearsOld": 30.0});
    assert!(validator.is_valid(&float_written));
    assert!(from_json::<ProfilePatch>(br#"{"yearsOld": 30.0}"#).is_err());
    // A repeated key: a JSON value cannot hold two, the parser refuses them.
    assert!(from_json::<ProfilePatch>(br#"{"bio":"a","bio":"b"}"#).is_err());
    // A nested patch for a sub-model that is absent cannot create it (its server-only fields
    // would have no value): that depends on the stored value, not on the document.
    let mut without_billing = profile();
    without_billing.billing = None;
    let document = json!({"billing": {"street": "New St"}});
    assert!(validator.is_valid(&document));
    assert!(!accepted::<ProfilePatch>(&document, without_billing));
}

/// A generic model: the patch has a schema for each parameter that has one, named apart.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Tagged<T> {
    #[update(allow)]
    value: T,
    #[update(allow)]
    label: Option<String>,
    #[update(server_only)]
    owner: u64,
}

#[test]
fn a_generic_patch_has_the_schema_of_its_parameter() {
    let numbers = schema_of::<TaggedPatch<u8>>();
    let texts = schema_of::<TaggedPatch<String>>();
    assert_eq!(numbers["properties"]["value"]["type"], "integer");
    assert_eq!(numbers["properties"]["value"]["maximum"], 255);
    assert_eq!(texts["properties"]["value"]["type"], "string");
    assert!(numbers["properties"].get("owner").is_none());
    // Both in one document: two definitions, not one overwriting the other.
    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Both {
        numbers: TaggedPatch<u8>,
        texts: TaggedPatch<String>,
    }
    let both = schema_of::<Both>();
    let definitions = both["$defs"].as_object().unwrap();
    assert_eq!(definitions.len(), 2, "{definitions:#?}");
    let target = Tagged {
        value: 7u8,
        label: None,
        owner: 1,
    };
    for document in [
        json!({"value": 300}),
        json!({"value": 3, "label": null}),
        json!({"owner": 2}),
    ] {
        check::<TaggedPatch<u8>>(&document, target.clone());
    }
}

/// A field read through its own function, given no `schema_with`: its type's schema (an array
/// of strings) would describe the wrong document. The model compiles with the `schemars`
/// feature as it does without it (features are additive); its patch and create input work
/// and have no JSON Schema, and asking for one fails, naming the field
/// (`tests/compile-fail/tests/ui/schema/with_needs_schema.rs`).
#[derive(Debug, PartialEq, SafeUpdate)]
#[update(create)]
pub struct Listing {
    #[update(allow)]
    #[serde(deserialize_with = "comma_separated")]
    tags: Vec<String>,
    #[update(allow)]
    title: String,
}

/// Whether `$ty` implements `JsonSchema`, decided where the type is known (autoref
/// specialization: `HasSchema` of `Known<T>` is taken where it applies, else `NoSchema` of
/// `&Known<T>`).
macro_rules! has_schema {
    ($ty:ty) => {
        (&Known::<$ty>(std::marker::PhantomData)).has_schema()
    };
}

struct Known<T: ?Sized>(std::marker::PhantomData<T>);

trait HasSchema {
    fn has_schema(&self) -> bool {
        true
    }
}

impl<T: schemars::JsonSchema + ?Sized> HasSchema for Known<T> {}

trait NoSchema {
    fn has_schema(&self) -> bool {
        false
    }
}

impl<T: ?Sized> NoSchema for &Known<T> {}

#[test]
fn a_field_without_a_known_schema_leaves_only_the_schema_out() {
    assert!(!has_schema!(ListingPatch));
    assert!(!has_schema!(ListingNew));
    assert!(has_schema!(ProfilePatch));
    assert!(has_schema!(ProfileNew));

    let patch: ListingPatch = from_json(br#"{"tags":"a,b"}"#).unwrap();
    let mut listing = Listing {
        tags: Vec::new(),
        title: "Chair".into(),
    };
    patch.apply(&mut listing).unwrap();
    assert_eq!(listing.tags, ["a", "b"]);
    let new: ListingNew = from_json(br#"{"tags":"c","title":"Desk"}"#).unwrap();
    let built = new.build(ListingServerFields {}).unwrap();
    assert_eq!(
        built,
        Listing {
            tags: vec!["c".into()],
            title: "Desk".into(),
        }
    );
}
