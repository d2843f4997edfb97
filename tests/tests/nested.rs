//! Nested patches merge into the current value (RFC 7396 object merge); the nested model's
//! server-only and gated fields stay protected, reported with their path.

use safe_update::{from_json, SafeUpdate};
use safe_update_tests::fixtures::refusals::{denied, invalid};

// The fuzz target `patch_json.rs` has the same `Address`, and keeps its copy: see there.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Address {
    #[update(allow)]
    city: String,
    #[update(allow)]
    zip: Option<String>,
    #[update(server_only)]
    verified: bool,
    #[update(allow(role = "admin"))]
    geocode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct User {
    #[update(allow)]
    name: String,
    #[update(nested)]
    address: Address,
    #[update(nested)]
    billing: Option<Address>,
    #[update(allow)]
    tags: Vec<String>,
}

fn address(city: &str) -> Address {
    Address {
        city: city.into(),
        zip: Some("1000".into()),
        verified: true,
        geocode: None,
    }
}

fn user() -> User {
    User {
        name: "Eve".into(),
        address: address("Bern"),
        billing: None,
        tags: vec!["a".into()],
    }
}

#[test]
fn a_nested_patch_merges_field_by_field() {
    let mut target = user();
    let patch: UserPatch = from_json(br#"{"address":{"zip":null}}"#).unwrap();
    let applied = patch.apply_as(&mut target, &safe_update::NoRoles).unwrap();
    assert_eq!(
        target.address,
        Address {
            zip: None,
            ..address("Bern")
        }
    );
    assert_eq!(
        applied.changed().map(|f| f.to_string()).collect::<Vec<_>>(),
        ["address.zip"]
    );
    assert_eq!(applied.changed_top_level(), ["address"]);
}

#[test]
fn nested_server_only_fields_are_forbidden_with_their_path() {
    let error = from_json::<UserPatch>(
        br#"{"address":{"verified":false,"x":1},"billing":{"verified":true}}"#,
    )
    .unwrap_err();
    assert_eq!(error.forbidden(), ["address.verified", "billing.verified"]);
    assert_eq!(error.unknown(), ["address.x"]);
}

#[test]
fn nested_gated_fields_are_checked_against_the_same_identity() {
    let mut target = user();
    let patch: UserPatch = from_json(br#"{"name":"X","address":{"geocode":"46,7"}}"#).unwrap();
    let error = patch
        .clone()
        .apply_as(&mut target, &safe_update::NoRoles)
        .unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("address.geocode", &["admin"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
    assert_eq!(target, user());
    patch.apply_as(&mut target, &["admin"][..]).unwrap();
    assert_eq!(target.address.geocode.as_deref(), Some("46,7"));
    assert_eq!(target.name, "X");
}

#[test]
fn null_on_a_nested_value_with_protected_fields_is_refused_naming_them() {
    // `billing` has no `clear`: `null` would erase `verified` (server-only) and `geocode`
    // (admin only), which no client without those rights may do by any route.
    let would_erase = "null is not allowed: clearing the field would erase protected fields \
                       (billing.verified, billing.geocode)";
    let error = from_json::<UserPatch>(br#"{"name":"X","billing":null}"#).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(
        error.invalid().iter().collect::<Vec<_>>(),
        [(&"billing".to_owned(), &would_erase.to_owned())]
    );
    assert!(
        error.forbidden().is_empty() && error.unknown().is_empty(),
        "{error}"
    );
    // The same `Some(None)` built in code is refused by `apply_as`, whoever asks.
    let mut target = User {
        billing: Some(address("Basel")),
        ..user()
    };
    let before = target.clone();
    let patch = UserPatch {
        billing: Some(None),
        ..UserPatch::default()
    };
    let error = patch.apply_as(&mut target, &["admin"][..]).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(invalid(&error), [("billing", would_erase)]);
    assert!(error.denied().is_empty(), "{error}");
    assert_eq!(target, before);
}

#[test]
fn an_object_for_an_absent_nested_value_is_refused() {
    let mut target = user();
    let patch: UserPatch = from_json(br#"{"name":"Y","billing":{"city":"Basel"}}"#).unwrap();
    let error = patch
        .apply_as(&mut target, &safe_update::NoRoles)
        .unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(
        invalid(&error),
        [(
            "billing",
            "cannot merge an object into a field that is null; an admin or the server sets it \
             first"
        )]
    );
    assert!(error.denied().is_empty(), "{error}");
    assert_eq!(target, user());
    // An empty object writes nothing, so there is nothing to refuse.
    let patch: UserPatch = from_json(br#"{"billing":{}}"#).unwrap();
    assert!(patch.is_empty());
    patch.apply_as(&mut target, &safe_update::NoRoles).unwrap();
    assert_eq!(target, user());
}

#[test]
fn null_for_a_required_nested_value_is_invalid() {
    let error = from_json::<UserPatch>(br#"{"address":null}"#).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(
        error.invalid().keys().collect::<Vec<_>>(),
        ["address"],
        "{error}"
    );
}

#[test]
fn a_type_error_inside_a_nested_patch_names_the_inner_field() {
    let error = from_json::<UserPatch>(br#"{"address":{"city":5}}"#).unwrap_err();
    assert_eq!(error.invalid().keys().collect::<Vec<_>>(), ["address.city"]);
}

#[test]
fn collections_are_replaced_whole() {
    let mut target = user();
    let patch: UserPatch = from_json(br#"{"tags":["b","c"]}"#).unwrap();
    patch.apply_as(&mut target, &safe_update::NoRoles).unwrap();
    assert_eq!(target.tags, ["b", "c"]);
}

#[test]
fn nested_patches_serialize_as_objects() {
    let patch = UserPatch {
        address: Some(AddressPatch {
            zip: Some(None),
            ..AddressPatch::default()
        }),
        billing: Some(None),
        ..UserPatch::default()
    };
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"address":{"zip":null},"billing":null}"#
    );
}

#[test]
fn a_repeated_key_inside_a_nested_object_is_listed_with_its_path() {
    let error =
        from_json::<UserPatch>(br#"{"address":{"city":"A","zip":"1","city":"B"}}"#).unwrap_err();
    assert_eq!(error.duplicate(), ["address.city"]);
    assert_eq!(error.code(), "duplicate_fields");
}

/// A nested model with a container validator of its own.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(validate = range_in_order)]
struct Range {
    #[update(allow)]
    low: u32,
    #[update(allow)]
    high: u32,
}

fn range_in_order(range: &Range) -> Result<(), &'static str> {
    if range.low <= range.high {
        Ok(())
    } else {
        Err("low must not exceed high")
    }
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Booking {
    #[update(allow)]
    title: String,
    #[update(nested)]
    nights: Range,
}

#[test]
fn a_nested_container_validator_sees_the_nested_would_be_result() {
    let mut booking = Booking {
        title: "Trip".into(),
        nights: Range { low: 2, high: 4 },
    };
    let before = booking.clone();
    // Each value alone is fine; together they are not: refused under the nested path.
    let patch: BookingPatch = from_json(br#"{"title":"X","nights":{"low":5}}"#).unwrap();
    let error = patch.apply(&mut booking).unwrap_err();
    assert_eq!(
        error.invalid().iter().collect::<Vec<_>>(),
        [(&"nights".to_owned(), &"low must not exceed high".to_owned())]
    );
    assert_eq!(booking, before);
    let patch: BookingPatch = from_json(br#"{"nights":{"low":3,"high":9}}"#).unwrap();
    patch.apply(&mut booking).unwrap();
    assert_eq!(booking.nights, Range { low: 3, high: 9 });
}

/// Standard types written by a name a user's model could share (`Duration`, `HashSet`, ...):
/// the derive asks the compiler whether each derives `SafeUpdate`, as it asks of any name
/// (a model of the user's named `Duration` is refused: the compile-fail case
/// `nested/allow_on_model_named_like_std.rs`), and the standard ones do not.
mod standard_types_by_their_short_names {
    use std::collections::{BTreeSet, HashSet, VecDeque};
    use std::time::Duration;

    use safe_update::{from_json, SafeUpdate};

    #[derive(Debug, Default, SafeUpdate)]
    struct Timer {
        #[update(allow)]
        every: Duration,
        #[update(allow)]
        queue: VecDeque<u8>,
        #[update(allow)]
        seen: HashSet<String>,
        #[update(allow)]
        sorted: BTreeSet<u16>,
        #[update(allow)]
        raw: Box<[u8]>,
    }

    #[test]
    fn are_allowed() {
        let mut timer = Timer::default();
        let patch: TimerPatch = from_json(
            br#"{"every":{"secs":2,"nanos":0},"queue":[1,2],"seen":["a"],"sorted":[3,1],"raw":[9]}"#,
        )
        .unwrap();
        patch.apply(&mut timer).unwrap();
        assert_eq!(timer.every, Duration::from_secs(2));
        assert_eq!(timer.queue, [1, 2]);
        assert_eq!(timer.seen, HashSet::from(["a".to_owned()]));
        assert_eq!(timer.sorted, BTreeSet::from([1, 3]));
        assert_eq!(*timer.raw, [9]);
    }
}
