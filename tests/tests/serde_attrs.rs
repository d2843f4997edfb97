//! The model's serde attributes, honoured by the patch exactly as the model's own
//! `Deserialize` honours them: a document the patch accepts, applied to the model's default,
//! gives what the model's `Deserialize` reads from the same document, and the model's
//! `deserialize_with` functions refuse in the patch what they refuse in the model.

use std::collections::HashMap;

use proptest::prelude::*;
use safe_update::{from_json, NoRoles, SafeUpdate};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// `with = "trimmed"`: trims, refuses a blank string.
mod trimmed {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.trim() {
            "" => Err(D::Error::custom("must not be blank")),
            trimmed => Ok(trimmed.to_owned()),
        }
    }

    /// The schema of what `deserialize` takes: a string with a character that is not space.
    pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "\\S" })
    }
}

/// A price written as a decimal string (`"12.50"`), stored in cents.
fn cents<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let text = String::deserialize(deserializer)?;
    let (units, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    if fraction.len() != 2 {
        return Err(D::Error::custom("a price has two decimals"));
    }
    match (units.parse::<u64>(), fraction.parse::<u64>()) {
        (Ok(units), Ok(fraction)) => Ok(units * 100 + fraction),
        _ => Err(D::Error::custom("not a price")),
    }
}

/// The schema of what `cents` takes.
fn cents_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "pattern": "^[0-9]+([.][0-9]{2})?$" })
}

/// The schema of what `empty_as_none` takes.
fn text_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string" })
}

/// `""` reads as `None`.
fn empty_as_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok((!text.is_empty()).then_some(text))
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct Address {
    #[update(allow, schema_with = trimmed::schema)]
    #[serde(with = "trimmed")]
    street: String,
    #[update(server_only)]
    #[serde(skip)]
    verified: bool,
}

// Every accepted container attribute, and every honoured or accepted field attribute.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, SafeUpdate)]
#[serde(
    default,
    deny_unknown_fields,
    rename = "Item",
    rename_all = "camelCase",
    bound = "",
    crate = "serde",
    expecting = "an item"
)]
struct Item {
    #[update(server_only)]
    #[serde(skip_deserializing)]
    id: u64,
    #[update(allow, schema_with = trimmed::schema)]
    #[serde(with = "trimmed")]
    title: String,
    #[update(allow, schema_with = cents_schema)]
    #[serde(deserialize_with = "cents", rename = "price")]
    price_cents: u64,
    #[update(allow, schema_with = text_schema)]
    #[serde(deserialize_with = "empty_as_none")]
    nickname: Option<String>,
    #[update(allow)]
    #[serde(default, skip_serializing_if = "Option::is_none", bound = "")]
    note: Option<String>,
    #[update(allow)]
    #[serde(rename(serialize = "out", deserialize = "tags"), alias = "labels")]
    tags: Vec<String>,
    #[update(nested)]
    address: Address,
}

fn item_from_patch(body: &str) -> Result<Item, String> {
    let patch = from_json::<ItemPatch>(body.as_bytes()).map_err(|error| error.to_string())?;
    let mut item = Item::default();
    patch
        .apply_as(&mut item, &NoRoles)
        .map_err(|error| error.to_string())?;
    Ok(item)
}

fn item_from_serde(body: &str) -> Result<Item, String> {
    serde_json::from_str::<Item>(body).map_err(|error| error.to_string())
}

#[test]
fn model_and_patch_read_the_same_document_to_the_same_value() {
    let body = r#"{"title":"  Lamp ","price":"12.50","nickname":"","note":"n","labels":["a"],"address":{"street":" Main 1 "}}"#;
    let from_patch = item_from_patch(body).unwrap();
    assert_eq!(from_patch, item_from_serde(body).unwrap());
    assert_eq!(from_patch.title, "Lamp");
    assert_eq!(from_patch.price_cents, 1250);
    assert_eq!(from_patch.nickname, None);
    assert_eq!(from_patch.address.street, "Main 1");
    assert_eq!(from_patch.tags, ["a"]);
}

#[test]
fn a_function_refuses_in_the_patch_what_it_refuses_in_the_model() {
    for (body, path, reason) in [
        (r#"{"title":"  "}"#, "title", "must not be blank"),
        (r#"{"price":"12.5"}"#, "price", "a price has two decimals"),
        (r#"{"price":12}"#, "price", "invalid type: integer `12`"),
        (
            r#"{"address":{"street":""}}"#,
            "address.street",
            "must not be blank",
        ),
    ] {
        let model = item_from_serde(body).unwrap_err();
        assert!(model.contains(reason), "{model}");
        let error = from_json::<ItemPatch>(body.as_bytes()).unwrap_err();
        assert!(error.invalid()[path].contains(reason), "{body}: {error}");
    }
}

#[test]
fn null_clears_an_optional_field_without_calling_its_function() {
    let mut item = Item {
        nickname: Some("old".into()),
        ..Item::default()
    };
    let patch: ItemPatch = from_json(br#"{"nickname":null}"#).unwrap();
    patch.apply_as(&mut item, &NoRoles).unwrap();
    assert_eq!(item.nickname, None);
    // Any other value goes through the function, which may itself give `None`.
    let patch: ItemPatch = from_json(br#"{"nickname":""}"#).unwrap();
    assert_eq!(patch.nickname, Some(None));
    let patch: ItemPatch = from_json(br#"{"nickname":"Bo"}"#).unwrap();
    assert_eq!(patch.nickname, Some(Some("Bo".into())));
}

#[test]
fn null_for_a_required_field_is_refused_before_its_function() {
    let error = from_json::<ItemPatch>(br#"{"title":null}"#).unwrap_err();
    assert_eq!(
        error.invalid()["title"],
        "null is not allowed: the field is not optional"
    );
}

#[test]
fn every_deserialize_name_of_rename_is_accepted_as_the_model_accepts_it() {
    for body in [r#"{"tags":["x"]}"#, r#"{"labels":["x"]}"#] {
        assert_eq!(
            item_from_patch(body).unwrap(),
            item_from_serde(body).unwrap()
        );
    }
    // The serialize name is not a deserialize name, for the model or the patch.
    assert!(item_from_serde(r#"{"out":["x"]}"#).is_err());
    assert_eq!(
        from_json::<ItemPatch>(br#"{"out":["x"]}"#)
            .unwrap_err()
            .unknown(),
        ["out"]
    );
}

#[test]
fn a_skipped_server_only_field_is_forbidden() {
    let error = from_json::<ItemPatch>(br#"{"id":1,"address":{"verified":true}}"#).unwrap_err();
    assert_eq!(error.forbidden(), ["id", "address.verified"]);
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  ".to_owned()),
        "[ a-z]{0,6}",
        "[0-9]{1,3}(\\.[0-9]{0,3})?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// For generated documents: both refuse, or both give the same item.
    #[test]
    fn the_patch_reads_as_the_model_reads(
        title in prop::option::of(text()),
        price in prop::option::of(text()),
        nickname in prop::option::of(text()),
        street in prop::option::of(text()),
    ) {
        let mut members = Vec::new();
        for (key, value) in [("title", &title), ("price", &price), ("nickname", &nickname)] {
            if let Some(value) = value {
                members.push(format!("{}:{}", serde_json::json!(key), serde_json::json!(value)));
            }
        }
        if let Some(street) = &street {
            members.push(format!(r#""address":{{"street":{}}}"#, serde_json::json!(street)));
        }
        let body = format!("{{{}}}", members.join(","));
        match (item_from_patch(&body), item_from_serde(&body)) {
            (Ok(ours), Ok(theirs)) => prop_assert_eq!(ours, theirs),
            (Err(_), Err(_)) => {}
            (ours, theirs) => prop_assert!(false, "{}: {:?} vs {:?}", body, ours, theirs),
        }
    }
}

/// A server-only flattened field: its type's keys are forbidden when the type derives
/// `SafeUpdate`; the keys of any other type are unknown to the patch (and refused too).
#[derive(Debug, Default, PartialEq, Deserialize, SafeUpdate)]
#[update(default = server_only)]
struct Audit {
    created_by: String,
    #[serde(rename = "createdAt")]
    created_at: u64,
}

#[derive(Debug, Default, PartialEq, Deserialize, SafeUpdate)]
struct Document {
    #[update(allow)]
    title: String,
    #[update(server_only)]
    #[serde(flatten)]
    audit: Audit,
    #[update(server_only)]
    #[serde(flatten)]
    extra: HashMap<String, serde_json::Value>,
}

#[test]
fn keys_of_a_flattened_server_only_model_are_forbidden() {
    let error = from_json::<DocumentPatch>(
        br#"{"title":"t","created_by":"eve","createdAt":1,"created_at":2,"x":3}"#,
    )
    .unwrap_err();
    // Every spelling the model's `Audit` knows, its Rust names included.
    assert_eq!(error.forbidden(), ["created_by", "createdAt", "created_at"]);
    // The map's keys cannot be known: unknown, refused all the same.
    assert_eq!(error.unknown(), ["x"]);
    // The field itself has no key of its own.
    assert_eq!(
        from_json::<DocumentPatch>(br#"{"audit":{}}"#)
            .unwrap_err()
            .unknown(),
        ["audit"]
    );
    let patch: DocumentPatch = from_json(br#"{"title":"t"}"#).unwrap();
    let mut document = Document::default();
    patch.apply(&mut document).unwrap();
    assert_eq!(document.title, "t");
}
