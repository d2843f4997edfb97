//! The patch type's serde `Deserialize` (what `serde_json::from_str` and a framework's JSON
//! extractor call) reads the document once and cannot read it again: after a type error in
//! a scalar it goes on, so every forbidden, unknown and repeated key and every invalid value
//! is still listed; after an error inside an array, an object or an enum it stops and says
//! where, and never takes what follows (an element of that array) for a key.

use std::collections::BTreeMap;

use proptest::prelude::*;
use safe_update::{from_json, SafeUpdate};
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

// Local models: serde's own `Deserialize` beside the patch's, and the field types (arrays,
// maps, an enum, a `deserialize_with`) whose errors this file reads, are its subject.
#[derive(Debug, Clone, PartialEq, Deserialize, SafeUpdate)]
#[update(create)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(allow)]
    zip: Option<u32>,
    #[update(allow)]
    lines: Vec<String>,
    #[update(server_only)]
    verified: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
enum Shape {
    Dot,
    Circle(u8),
}

#[derive(Debug, Clone, PartialEq, Deserialize, SafeUpdate)]
#[update(create)]
struct User {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    name: String,
    #[update(allow)]
    age: u8,
    #[update(allow)]
    nickname: Option<String>,
    #[update(allow)]
    tags: Vec<String>,
    #[update(allow)]
    scores: BTreeMap<String, u32>,
    #[update(allow)]
    shape: Option<Shape>,
    #[update(allow, schema_with = range_schema)]
    #[serde(deserialize_with = "ascending")]
    range: Vec<u8>,
    #[update(nested)]
    address: Address,
    #[update(server_only)]
    password_hash: String,
    #[update(server_only)]
    is_admin: bool,
}

/// Numbers in ascending order: gives up at the first that is not, in the middle of the array.
fn ascending<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    struct Ascending;

    impl<'de> Visitor<'de> for Ascending {
        type Value = Vec<u8>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str("numbers in ascending order")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut numbers: Vec<u8> = Vec::new();
            while let Some(number) = seq.next_element::<u8>()? {
                if numbers.last().is_some_and(|last| *last >= number) {
                    return Err(A::Error::custom("not in ascending order"));
                }
                numbers.push(number);
            }
            Ok(numbers)
        }
    }

    deserializer.deserialize_seq(Ascending)
}

fn range_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "array", "items": { "type": "integer" } })
}

/// The message of the patch type's `Deserialize` over JSON text.
fn message(body: &str) -> String {
    serde_json::from_str::<UserPatch>(body)
        .expect_err(body)
        .to_string()
}

/// The message of the patch type's `Deserialize` over a `serde_json::Value`.
fn value_message(body: serde_json::Value) -> String {
    serde_json::from_value::<UserPatch>(body.clone())
        .expect_err(&body.to_string())
        .to_string()
}

const AGE_X: &str = r#"invalid field `age`: invalid type: string "x", expected u8"#;

#[test]
fn a_forbidden_key_after_a_type_error_is_named() {
    assert_eq!(
        message(r#"{"age":"x","password_hash":"h"}"#),
        format!("forbidden (server-only) fields: `password_hash`; {AGE_X}")
    );
}

#[test]
fn a_forbidden_key_before_a_type_error_is_kept() {
    assert_eq!(
        message(r#"{"password_hash":"h","age":"x"}"#),
        format!("forbidden (server-only) fields: `password_hash`; {AGE_X}")
    );
}

#[test]
fn every_later_key_is_listed() {
    assert_eq!(
        message(r#"{"age":"x","id":1,"role":"root","name":"a","name":"b","is_admin":true,"x":{}}"#),
        format!(
            "forbidden (server-only) fields: `id`, `is_admin`; unknown fields: `role`, `x`; \
             duplicate fields: `name`; {AGE_X}"
        )
    );
}

#[test]
fn later_type_errors_are_listed_as_invalid() {
    assert_eq!(
        message(r#"{"age":300,"name":5,"nickname":true,"is_admin":true,"zz":null}"#),
        "forbidden (server-only) fields: `is_admin`; unknown fields: `zz`; \
         invalid field `age`: invalid value: integer `300`, expected u8; \
         invalid field `name`: invalid type: integer `5`, expected a string; \
         invalid field `nickname`: invalid type: boolean `true`, expected a string"
    );
}

#[test]
fn a_repeat_of_a_refused_value_is_a_repeated_key() {
    // The first value was refused, so the field holds nothing: the second must not slip in
    // as if it were the first.
    assert_eq!(
        message(r#"{"age":"x","age":1}"#),
        format!("duplicate fields: `age`; {AGE_X}")
    );
    assert_eq!(
        message(r#"{"name":null,"name":"Eve"}"#),
        "duplicate fields: `name`; \
         invalid field `name`: null is not allowed: the field is not optional"
    );
    assert_eq!(
        message(r#"{"address":5,"address":{"city":"Bern"}}"#),
        "duplicate fields: `address`; invalid field `address`: invalid type: integer `5`, \
         expected a JSON object with the writable fields of `Address`"
    );
}

#[test]
fn nested_keys_and_values_are_listed_with_their_path() {
    assert_eq!(
        message(
            r#"{"address":{"city":1,"verified":true,"city":"Bern"},"is_admin":true,"age":"x"}"#
        ),
        format!(
            "forbidden (server-only) fields: `address.verified`, `is_admin`; \
             duplicate fields: `address.city`; \
             invalid field `address.city`: invalid type: integer `1`, expected a string; {AGE_X}"
        )
    );
}

#[test]
fn an_error_inside_an_array_stops_the_listing_there() {
    // Nothing after the wrong element is read: not `id`, and not the element `password_hash`
    // as a key. (serde_json itself steps past the comma after a refused element; the map
    // and enum below stop before it, where reading on would take the next member for a key.)
    let message = message(r#"{"is_admin":true,"tags":["x",1,"password_hash"],"id":2}"#);
    assert_eq!(
        message,
        "forbidden (server-only) fields: `is_admin`; \
         listing stopped at `tags`: invalid type: integer `1`, expected a string"
    );
}

#[test]
fn an_error_inside_a_map_stops_the_listing_there() {
    let message = message(r#"{"age":"x","scores":{"a":"b","password_hash":1},"id":2}"#);
    assert_eq!(
        message,
        format!(
            "{AGE_X}; listing stopped at `scores`: \
             invalid type: string \"b\", expected u32"
        )
    );
}

#[test]
fn an_error_inside_an_enum_stops_the_listing_there() {
    let message = message(r#"{"shape":{"Circle":"big","password_hash":1},"id":2}"#);
    assert_eq!(
        message,
        "listing stopped at `shape`: invalid type: string \"big\", expected u8"
    );
}

#[test]
fn a_deserialize_with_function_giving_up_mid_array_stops_the_listing() {
    let message = message(r#"{"id":1,"range":[2,1,"password_hash",3],"is_admin":true}"#);
    assert_eq!(
        message,
        "forbidden (server-only) fields: `id`; \
         listing stopped at `range`: not in ascending order"
    );
}

#[test]
fn an_array_or_object_of_the_wrong_type_stops_the_listing_at_its_field() {
    // serde_json refuses `[` and `{` where a scalar or an array belongs without reading them:
    // the next key cannot be read, and the field is named.
    assert_eq!(
        message(r#"{"id":1,"age":[1,"password_hash"],"is_admin":true}"#),
        "forbidden (server-only) fields: `id`; \
         listing stopped at `age`: invalid type: sequence, expected u8"
    );
    assert_eq!(
        message(r#"{"tags":{"password_hash":"x"},"id":1}"#),
        "listing stopped at `tags`: invalid type: map, expected a sequence"
    );
}

#[test]
fn an_error_inside_a_nested_patch_names_the_nested_field() {
    assert_eq!(
        message(
            r#"{"is_admin":true,"address":{"verified":true,"lines":[1,"id"],"zip":"x"},"id":1}"#
        ),
        "forbidden (server-only) fields: `is_admin`, `address.verified`; \
         listing stopped at `address.lines`: invalid type: integer `1`, expected a string"
    );
    // A scalar refused inside the nested object: both objects are read to their end.
    assert_eq!(
        message(r#"{"address":{"zip":"x","verified":true},"id":1}"#),
        "forbidden (server-only) fields: `address.verified`, `id`; \
         invalid field `address.zip`: invalid type: string \"x\", expected u32"
    );
}

/// serde_json's error for text that is not JSON: its message and that it is a syntax error
/// (a web framework answers 400 for it, 422 for a data error).
fn syntax_error(body: &[u8]) -> String {
    let error = serde_json::from_slice::<UserPatch>(body).expect_err("refused");
    assert_eq!(
        error.classify(),
        serde_json::error::Category::Syntax,
        "{error}"
    );
    error.to_string()
}

#[test]
fn text_that_is_not_json_is_serde_jsons_own_syntax_error() {
    // As `from_json` answers only that the body is malformed; the problems before it are
    // not worth a guess at what follows.
    assert_eq!(
        syntax_error(br#"{"password_hash":"h" "age":1}"#),
        "expected `,` or `}` at line 1 column 22"
    );
    // Inside a value: the string is left at `\q`; read on, `,"password_hash":1` would be a
    // member.
    assert_eq!(
        syntax_error(br#"{"age":"x","name":"\q,"password_hash":1}"#),
        "invalid escape at line 1 column 21"
    );
    assert_eq!(
        syntax_error(b"{\"is_admin\":true,\"name\":\"\x80\",\"id\":1}"),
        "invalid unicode code point at line 1 column 26"
    );
    assert_eq!(
        syntax_error(br#"{"tags":["a"],"address":{"city":"a" "zip":1}}"#),
        "expected `,` or `}` at line 1 column 37"
    );
    // Not an object: serde's own error, as before.
    assert_eq!(
        message("[1]"),
        "invalid type: sequence, expected a JSON object with the writable fields of `User` \
         at line 1 column 0"
    );
}

#[test]
fn the_value_deserializer_lists_as_much() {
    // A `Value`'s object is read in key order: `age`, `is_admin`, `name`, `password_hash`.
    assert_eq!(
        value_message(json!({"password_hash": "h", "age": "x", "is_admin": true, "name": 1})),
        "forbidden (server-only) fields: `is_admin`, `password_hash`; \
         invalid field `age`: invalid type: string \"x\", expected u8; \
         invalid field `name`: invalid type: integer `1`, expected a string"
    );
    assert_eq!(
        value_message(json!({"id": 1, "tags": ["x", 1, "password_hash"], "zz": 1})),
        "forbidden (server-only) fields: `id`; \
         listing stopped at `tags`: invalid type: integer `1`, expected a string"
    );
    // A `Value` hands over an array it refuses whole, so the listing goes on after it.
    assert_eq!(
        value_message(json!({"age": [1, "password_hash"], "id": 1})),
        "forbidden (server-only) fields: `id`; \
         invalid field `age`: invalid type: sequence, expected u8"
    );
    assert_eq!(
        value_message(json!({"address": {"zip": "x", "verified": true}, "id": 1})),
        "forbidden (server-only) fields: `address.verified`, `id`; \
         invalid field `address.zip`: invalid type: string \"x\", expected u32"
    );
}

#[test]
fn a_create_input_lists_as_much() {
    let message = serde_json::from_str::<UserNew>(
        r#"{"age":"x","id":1,"name":"Eve","role":"root","name":"Bob"}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        message,
        format!(
            "forbidden (server-only) fields: `id`; unknown fields: `role`; \
             duplicate fields: `name`; \
             missing (required) fields: `tags`, `scores`, `range`, `address`; {AGE_X}"
        )
    );
    // Stopped early, a create input cannot tell which fields are missing, and does not say.
    let message = serde_json::from_str::<UserNew>(r#"{"id":1,"tags":[1,"password_hash"]}"#)
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "forbidden (server-only) fields: `id`; \
         listing stopped at `tags`: invalid type: integer `1`, expected a string"
    );
}

#[test]
fn a_valid_document_reads_as_from_json_reads_it() {
    let body = r#"{"name":"Eve","age":30,"nickname":null,"tags":["a"],"scores":{"x":1},
        "shape":{"Circle":3},"range":[1,2],"address":{"city":"Bern","zip":null}}"#;
    let streamed: UserPatch = serde_json::from_str(body).unwrap();
    let from_value: UserPatch =
        serde_json::from_value(serde_json::from_str::<serde_json::Value>(body).unwrap()).unwrap();
    let read = from_json::<UserPatch>(body.as_bytes()).unwrap();
    assert_eq!(streamed, read);
    assert_eq!(from_value, read);
    assert_eq!(read.age, Some(30));
    assert_eq!(read.shape, Some(Some(Shape::Circle(3))));
}

/// One member of a generated document: a key and a scalar, or `address` and an object of
/// scalars, so that nothing stops the listing.
fn member() -> impl Strategy<Value = (String, String)> {
    let scalar = || {
        prop::sample::select(vec![
            r#""Eve""#, r#""x""#, "7", "300", "-1", "true", "null", "1.5",
        ])
        .prop_map(str::to_owned)
    };
    let key = prop::sample::select(vec![
        "name",
        "age",
        "nickname",
        "id",
        "password_hash",
        "is_admin",
        "role",
        "address",
    ]);
    let nested = prop::collection::vec(
        (
            prop::sample::select(vec!["city", "zip", "verified", "floor"]),
            scalar(),
        ),
        0..4,
    )
    .prop_map(|members| object(&members));
    prop_oneof![
        (key, scalar()).prop_map(|(key, value)| (key.to_owned(), value)),
        nested.prop_map(|value| ("address".to_owned(), value)),
    ]
}

/// The JSON text of an object with these members, in this order, repeats kept.
fn object<K: std::fmt::Display>(members: &[(K, String)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(key, value)| format!("\"{key}\":{value}"))
        .collect();
    format!("{{{}}}", members.join(","))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Without an error inside an array or object, the stream lists exactly what `from_json`
    /// (which may read the text twice) lists, in the same words.
    #[test]
    fn the_stream_lists_what_from_json_lists(
        members in prop::collection::vec(member(), 0..8),
    ) {
        let body = object(&members);
        let streamed = serde_json::from_str::<UserPatch>(&body).map_err(|error| error.to_string());
        let read = from_json::<UserPatch>(body.as_bytes()).map_err(|error| error.to_string());
        prop_assert_eq!(streamed, read, "{}", body);
    }
}
