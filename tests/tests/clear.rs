//! Clearing a nested `Option` field with `null` erases the sub-model, its protected fields
//! with it: a write of those fields. Refused by default when the sub-model has a server-only
//! or role-gated field at any depth; `clear` lets anyone clear, `clear(role = "...")` a role.

use safe_update::{from_json, NoRoles, SafeUpdate};
use safe_update_tests::fixtures::refusals::denied;

// The models stay here, not in `safe_update_tests::fixtures`: their `clear` and role-gated
// levels are what this file is about.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(server_only)]
    verified: bool,
}

/// No protected field: nothing to erase but what the client may write anyway.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Note {
    #[update(allow)]
    text: String,
}

/// Protected only one level down.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Contact {
    #[update(allow)]
    name: String,
    #[update(nested)]
    address: Address,
}

/// Protected only by a role-gated `clear` one level down.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Routing {
    #[update(nested, clear(role = "admin"))]
    note: Option<Note>,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Order {
    #[update(nested, clear)]
    shipping: Option<Address>,
    #[update(nested, clear(role = "admin", role = "billing"))]
    billing: Option<Address>,
    #[update(nested)]
    gift: Option<Note>,
    #[update(nested)]
    contact: Option<Contact>,
    #[update(nested)]
    routing: Option<Routing>,
}

fn address(city: &str) -> Address {
    Address {
        city: city.into(),
        verified: true,
    }
}

fn order() -> Order {
    Order {
        shipping: Some(address("Bern")),
        billing: Some(address("Basel")),
        gift: Some(Note { text: "hi".into() }),
        contact: Some(Contact {
            name: "Eve".into(),
            address: address("Thun"),
        }),
        routing: Some(Routing {
            note: Some(Note { text: "x".into() }),
        }),
    }
}

#[test]
fn clear_lets_anyone_clear() {
    let mut target = order();
    let patch: OrderPatch = from_json(br#"{"shipping":null}"#).unwrap();
    let applied = patch.apply_as(&mut target, &NoRoles).unwrap();
    assert_eq!(target.shipping, None);
    assert_eq!(applied.changed_top_level(), ["shipping"]);
}

#[test]
fn clear_with_a_role_needs_one_of_its_roles() {
    let mut target = order();
    let patch: OrderPatch = from_json(br#"{"billing":null,"shipping":null}"#).unwrap();
    let error = patch
        .clone()
        .apply_as(&mut target, &["user"][..])
        .unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("billing", &["admin", "billing"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
    assert_eq!(
        target,
        order(),
        "nothing is written when one field is denied"
    );
    patch.apply_as(&mut target, &["billing"][..]).unwrap();
    assert_eq!((target.billing, target.shipping), (None, None));
}

#[test]
fn merging_into_a_clear_gated_field_needs_no_role() {
    let mut target = order();
    let patch: OrderPatch = from_json(br#"{"billing":{"city":"Zug"}}"#).unwrap();
    patch.apply_as(&mut target, &NoRoles).unwrap();
    assert_eq!(target.billing, Some(address("Zug")));
}

#[test]
fn a_sub_model_without_protected_fields_is_cleared_by_null() {
    let mut target = order();
    let patch: OrderPatch = from_json(br#"{"gift":null}"#).unwrap();
    patch.apply_as(&mut target, &NoRoles).unwrap();
    assert_eq!(target.gift, None);
}

#[test]
fn protection_at_any_depth_guards_the_parent() {
    let error = from_json::<OrderPatch>(br#"{"contact":null,"routing":null}"#).unwrap_err();
    assert_eq!(
        error.invalid()["contact"],
        "null is not allowed: clearing the field would erase protected fields \
         (contact.address.verified)"
    );
    // A role-gated `clear` below is protected too: clearing the parent would bypass it.
    assert_eq!(
        error.invalid()["routing"],
        "null is not allowed: clearing the field would erase protected fields (routing.note)"
    );
    // The role-gated `clear` itself still works for an admin, one level down.
    let mut target = order();
    let patch: OrderPatch = from_json(br#"{"routing":{"note":null}}"#).unwrap();
    let error = patch.clone().apply_as(&mut target, &NoRoles).unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("routing.note", &["admin"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
    assert_eq!(target, order());
    patch.apply_as(&mut target, &["admin"][..]).unwrap();
    assert_eq!(target.routing, Some(Routing { note: None }));
}

#[test]
fn refusals_are_listed_with_every_other_problem_of_the_document() {
    let error = from_json::<OrderPatch>(
        br#"{"contact":null,"gift":{"x":1},"shipping":{"verified":false}}"#,
    )
    .unwrap_err();
    assert_eq!(error.forbidden(), ["shipping.verified"]);
    assert_eq!(error.unknown(), ["gift.x"]);
    assert_eq!(error.invalid().keys().collect::<Vec<_>>(), ["contact"]);
}
