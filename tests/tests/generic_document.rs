//! Generic code reads documents: a function bounded by `Patch` (or `SafeUpdate`, or
//! `Document`) reads a patch with `from_json::<P>` and `from_form::<P>`, with every refusal a
//! concrete call has. How a patch is read is a hidden trait of the runtime; these functions
//! compile only while `Patch` carries it.

use safe_update::{
    from_form, from_json, Applied, Document, NoRoles, Patch, PatchError, SafeCreate, SafeUpdate,
};

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(server_only)]
    verified: bool,
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
    #[update(nested)]
    address: Address,
}

fn user() -> User {
    User {
        id: 7,
        name: "Ada".to_owned(),
        bio: None,
        address: Address {
            city: "London".to_owned(),
            verified: true,
        },
    }
}

/// `from_json` bounded by `Patch` alone.
fn json_patch<P: Patch>(body: &str) -> Result<P, PatchError> {
    from_json::<P>(body.as_bytes())
}

/// `from_form` bounded by `Patch` alone.
fn form_patch<P: Patch>(body: &str) -> Result<P, PatchError> {
    from_form::<P>(body.as_bytes())
}

/// Any document: a patch or a create input.
fn json_document<D: Document>(body: &str) -> Result<D, PatchError> {
    from_json::<D>(body.as_bytes())
}

/// The patch of any model, read and applied: what a generic repository does.
fn update<M: SafeUpdate>(model: &mut M, body: &str) -> Result<Applied, String> {
    let patch = from_json::<M::Patch>(body.as_bytes()).map_err(|error| error.to_string())?;
    patch
        .apply_as(model, &NoRoles)
        .map_err(|error| error.to_string())
}

#[test]
fn a_function_bounded_by_patch_reads_the_patch_a_concrete_call_reads() {
    let body = r#"{"name":"Grace","bio":null,"address":{"city":"Paris"}}"#;
    let generic: UserPatch = json_patch(body).unwrap();
    let concrete: UserPatch = from_json(body.as_bytes()).unwrap();
    assert_eq!(generic, concrete);
    assert_eq!(generic.name.as_deref(), Some("Grace"));
    assert_eq!(generic.bio, Some(None));
    assert_eq!(
        generic.address.and_then(|address| address.city).as_deref(),
        Some("Paris")
    );
}

#[test]
fn a_function_bounded_by_patch_refuses_what_a_concrete_call_refuses() {
    let body = r#"{"id":1,"name":"Grace","name":"Eve","admin":true,"address":{"verified":false}}"#;
    let error = json_patch::<UserPatch>(body).unwrap_err();
    assert_eq!(error.forbidden(), ["id", "address.verified"]);
    assert_eq!(error.unknown(), ["admin"]);
    assert_eq!(error.duplicate(), ["name"]);
    let concrete = from_json::<UserPatch>(body.as_bytes()).unwrap_err();
    assert_eq!(error.to_string(), concrete.to_string());
}

#[test]
fn a_function_bounded_by_patch_reads_a_form() {
    let patch = form_patch::<UserPatch>("name=Grace&bio=").unwrap();
    assert_eq!(patch.name.as_deref(), Some("Grace"));
    assert_eq!(patch.bio, Some(None));
    let error = form_patch::<UserPatch>("id=1&name=Grace").unwrap_err();
    assert_eq!(error.forbidden(), ["id"]);
}

#[test]
fn a_function_bounded_by_document_reads_a_patch_and_a_create_input() {
    let patch = json_document::<UserPatch>(r#"{"name":"Grace"}"#).unwrap();
    assert_eq!(patch.name.as_deref(), Some("Grace"));
    let new =
        json_document::<<User as SafeCreate>::New>(r#"{"name":"Grace","address":{"city":"Oslo"}}"#)
            .unwrap();
    assert_eq!(new.name, "Grace");
    let error = json_document::<<User as SafeCreate>::New>(r#"{"id":1}"#).unwrap_err();
    assert_eq!(error.forbidden(), ["id"]);
    assert_eq!(error.missing(), ["name", "address"]);
}

#[test]
fn a_function_bounded_by_safe_update_reads_and_applies_the_models_patch() {
    let mut model = user();
    let applied = update(&mut model, r#"{"name":"Grace","address":{"city":"Oslo"}}"#).unwrap();
    assert_eq!(model.name, "Grace");
    assert_eq!(model.address.city, "Oslo");
    assert!(model.address.verified, "a server-only field is kept");
    assert!(applied.is_changed("name") && applied.is_changed("address.city"));
    let refused = update(&mut model, r#"{"id":1}"#).unwrap_err();
    assert!(refused.contains("id"), "{refused}");
    assert_eq!(model, {
        let mut expected = user();
        expected.name = "Grace".to_owned();
        expected.address.city = "Oslo".to_owned();
        expected
    });
}
