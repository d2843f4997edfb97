//! Generic models give generic patches, with bounds only where writable fields need them.

use std::marker::PhantomData;

use safe_update::{from_json, Patch, SafeUpdate};

#[derive(Debug, SafeUpdate)]
struct Doc<T> {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    body: T,
    #[update(allow)]
    tags: Vec<T>,
}

#[test]
fn doc_of_t_gives_doc_patch_of_t() {
    let mut doc = Doc {
        id: 1,
        body: 5u32,
        tags: vec![],
    };
    let patch: DocPatch<u32> = from_json(br#"{"body":6,"tags":[1,2]}"#).unwrap();
    patch.apply(&mut doc).unwrap();
    assert_eq!((doc.id, doc.body, doc.tags), (1, 6, vec![1, 2]));
}

/// `Marker` is not `Deserialize` nor `PartialEq`: it only appears in a server-only field, so
/// the patch must not require either of it.
struct Marker;

#[derive(SafeUpdate)]
struct Tagged<'a, T, U>
where
    T: Clone,
{
    #[update(server_only)]
    owner: &'a str,
    #[update(server_only)]
    marker: PhantomData<U>,
    #[update(allow)]
    value: T,
}

#[test]
fn unused_parameters_and_lifetimes_are_carried_by_a_marker() {
    let owner = String::from("alice");
    let mut tagged: Tagged<'_, String, Marker> = Tagged {
        owner: &owner,
        marker: PhantomData,
        value: "a".into(),
    };
    let patch: TaggedPatch<'_, String, Marker> = from_json(br#"{"value":"b"}"#).unwrap();
    patch.apply(&mut tagged).unwrap();
    assert_eq!(tagged.value, "b");
    assert_eq!(tagged.owner, "alice");
    assert_eq!(
        TaggedPatch::<String, Marker>::SERVER_ONLY,
        ["owner", "marker"]
    );
}

fn apply_any<M>(model: &mut M, body: &[u8]) -> usize
where
    M: SafeUpdate,
    M::Patch: safe_update::Patch<Identity = safe_update::AnyRoles>,
{
    let patch: M::Patch = from_json(body).unwrap();
    patch
        .apply_as(model, &safe_update::NoRoles)
        .unwrap()
        .written()
        .count()
}

#[test]
fn generic_code_reaches_the_patch_through_the_trait() {
    let mut doc = Doc {
        id: 1,
        body: "x".to_owned(),
        tags: vec![],
    };
    assert_eq!(apply_any(&mut doc, br#"{"body":"y"}"#), 1);
    assert_eq!(doc.body, "y");
}

fn trimmed<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    Ok(text.trim().to_owned())
}

fn any_string(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string" })
}

/// Parameters named `'de` and `D`, the names the derive gives the deserializer of a
/// `deserialize_with` function (so that a function of the wrong type is reported in serde's
/// terms): the derive takes other names then.
#[derive(SafeUpdate)]
struct Signed<'de, D> {
    #[update(server_only)]
    signer: &'de str,
    #[update(allow)]
    data: D,
    #[update(allow, schema_with = any_string)]
    #[serde(deserialize_with = "trimmed")]
    note: String,
}

#[test]
fn a_deserialize_with_field_in_a_model_with_parameters_named_de_and_d() {
    let signer = String::from("alice");
    let mut signed = Signed {
        signer: &signer,
        data: 1_u8,
        note: String::new(),
    };
    let patch: SignedPatch<'_, u8> = from_json(br#"{"data":2,"note":" hi "}"#).unwrap();
    patch.apply(&mut signed).unwrap();
    assert_eq!(
        (signed.signer, signed.data, signed.note.as_str()),
        ("alice", 2, "hi")
    );
}
