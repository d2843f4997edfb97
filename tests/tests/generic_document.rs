//! Generic code reads documents: a function bounded by `Patch` (or `SafeUpdate`, or
//! `Document`) reads a patch with `from_json::<P>` and `from_form::<P>`, with every refusal a
//! concrete call has. How a patch is read is a hidden trait of the runtime; these functions
//! compile only while `Patch` carries it.

use safe_update::{
    from_form, from_json, Applied, Document, NoRoles, Patch, PatchError, SafeCreate, SafeUpdate,
};

// A model of its own, so that nothing here depends on the shared fixtures: a shelf of books.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Shelf {
    #[update(allow)]
    room: String,
    #[update(server_only)]
    catalogued: bool,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(create)]
struct Book {
    #[update(server_only)]
    isbn: u64,
    #[update(allow)]
    title: String,
    #[update(allow)]
    subtitle: Option<String>,
    #[update(nested)]
    shelf: Shelf,
}

fn book() -> Book {
    Book {
        isbn: 9_780_000_000_000,
        title: "Dune".to_owned(),
        subtitle: None,
        shelf: Shelf {
            room: "hall".to_owned(),
            catalogued: true,
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
/// A repository that applies as anyone's roles takes models whose rules ask roles only.
fn update<M>(model: &mut M, body: &str) -> Result<Applied, String>
where
    M: SafeUpdate,
    M::Patch: Patch<Identity = safe_update::AnyRoles>,
{
    let patch = from_json::<M::Patch>(body.as_bytes()).map_err(|error| error.to_string())?;
    patch
        .apply_as(model, &NoRoles)
        .map_err(|error| error.to_string())
}

#[test]
fn a_function_bounded_by_patch_reads_the_patch_a_concrete_call_reads() {
    let body = r#"{"title":"Emma","subtitle":null,"shelf":{"room":"attic"}}"#;
    let generic: BookPatch = json_patch(body).unwrap();
    let concrete: BookPatch = from_json(body.as_bytes()).unwrap();
    assert_eq!(generic, concrete);
    assert_eq!(generic.title.as_deref(), Some("Emma"));
    assert_eq!(generic.subtitle, Some(None));
    assert_eq!(
        generic.shelf.and_then(|shelf| shelf.room).as_deref(),
        Some("attic")
    );
}

#[test]
fn a_function_bounded_by_patch_refuses_what_a_concrete_call_refuses() {
    let body =
        r#"{"isbn":1,"title":"Emma","title":"Ulysses","author":"x","shelf":{"catalogued":false}}"#;
    let error = json_patch::<BookPatch>(body).unwrap_err();
    assert_eq!(error.forbidden(), ["isbn", "shelf.catalogued"]);
    assert_eq!(error.unknown(), ["author"]);
    assert_eq!(error.duplicate(), ["title"]);
    let concrete = from_json::<BookPatch>(body.as_bytes()).unwrap_err();
    assert_eq!(error.to_string(), concrete.to_string());
}

#[test]
fn a_function_bounded_by_patch_reads_a_form() {
    let patch = form_patch::<BookPatch>("title=Emma&subtitle=").unwrap();
    assert_eq!(patch.title.as_deref(), Some("Emma"));
    assert_eq!(patch.subtitle, Some(None));
    let error = form_patch::<BookPatch>("isbn=1&title=Emma").unwrap_err();
    assert_eq!(error.forbidden(), ["isbn"]);
}

#[test]
fn a_function_bounded_by_document_reads_a_patch_and_a_create_input() {
    let patch = json_document::<BookPatch>(r#"{"title":"Emma"}"#).unwrap();
    assert_eq!(patch.title.as_deref(), Some("Emma"));
    let body = r#"{"title":"Emma","shelf":{"room":"attic"}}"#;
    let new = json_document::<<Book as SafeCreate>::New>(body).unwrap();
    assert_eq!(new.title, "Emma");
    assert_eq!(new.shelf.room, "attic");
    let error = json_document::<<Book as SafeCreate>::New>(r#"{"isbn":1}"#).unwrap_err();
    assert_eq!(error.forbidden(), ["isbn"]);
    assert_eq!(error.missing(), ["title", "shelf"]);
}

#[test]
fn a_function_bounded_by_safe_update_reads_and_applies_the_models_patch() {
    let mut model = book();
    let applied = update(&mut model, r#"{"title":"Emma","shelf":{"room":"attic"}}"#).unwrap();
    assert!(applied.is_changed("title") && applied.is_changed("shelf.room"));
    let mut expected = book();
    expected.title = "Emma".to_owned();
    expected.shelf.room = "attic".to_owned();
    assert_eq!(model, expected, "the server-only fields are kept");
    let refused = update(&mut model, r#"{"isbn":1}"#).unwrap_err();
    assert!(refused.contains("isbn"), "{refused}");
    assert_eq!(model, expected, "a refused patch writes nothing");
}
