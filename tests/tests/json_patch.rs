//! `JsonPatch` under the model's rules: what it reads is what the sender's view shows (a
//! secret never, a field behind a read rule only for its readers), what it writes is checked
//! as a merge patch of the same fields would be, and every way a document can be wrong is a
//! refusal that leaves the model as it was.

use safe_update::{AnyRoles, JsonPatch, JsonPatchError, NoRoles, Patch, SafeUpdate};
use safe_update_tests::fixtures::viewed_user::{Claims, User, UserPatch};
use serde_json::{json, Value};

fn ann() -> User {
    User {
        id: 7,
        username: "ann".into(),
        display_name: "Ann".into(),
        bio: None,
        email: "ann@example.org".into(),
        shout: "hi".into(),
        password_hash: "$argon2id$secret".into(),
    }
}

fn claims(name: &str, admin: bool) -> Claims {
    Claims {
        name: name.into(),
        admin,
    }
}

fn document(operations: Value) -> Vec<u8> {
    serde_json::to_vec(&operations).unwrap()
}

/// Applies `operations` to a copy of `user` as `who`: the copy afterwards, or the refusal (and
/// then the copy must be unchanged).
fn apply_as(user: &User, who: &Claims, operations: Value) -> Result<User, JsonPatchError> {
    let mut copy = user.clone();
    let result = JsonPatch::<UserPatch>::from_json(&document(operations))
        .and_then(|patch| patch.apply_as(&mut copy, who));
    match result {
        Ok(_) => Ok(copy),
        Err(error) => {
            assert_eq!(
                format!("{copy:?}"),
                format!("{user:?}"),
                "refused, yet written"
            );
            Err(error)
        }
    }
}

fn problems(error: &JsonPatchError) -> Vec<(usize, &'static str, &str, &'static str)> {
    error
        .operations()
        .iter()
        .map(|refusal| {
            (
                refusal.index,
                refusal.member,
                refusal.pointer.as_str(),
                refusal.problem.code(),
            )
        })
        .collect()
}

#[test]
fn the_password_hash_can_never_be_copied_moved_or_tested() {
    let admin = claims("root", true);
    for operations in [
        json!([{"op": "copy", "from": "/passwordHash", "path": "/bio"}]),
        json!([{"op": "test", "path": "/passwordHash", "value": "$argon2id$secret"}]),
    ] {
        let error = apply_as(&ann(), &admin, operations.clone()).unwrap_err();
        assert_eq!(error.code(), "operations_refused", "{operations}");
        assert_eq!(
            error.operations()[0].problem.code(),
            "unreadable",
            "{operations}"
        );
    }
    // Moving it writes it too: refused as a write of a server-only field first.
    let error = apply_as(
        &ann(),
        &admin,
        json!([{"op": "move", "from": "/passwordHash", "path": "/bio"}]),
    )
    .unwrap_err();
    assert_eq!(
        problems(&error),
        [(0, "from", "/passwordHash", "forbidden")]
    );
}

#[test]
fn a_field_behind_a_read_rule_exists_only_for_its_readers() {
    let probe = json!([{"op": "test", "path": "/email", "value": "ann@example.org"}]);
    // Another user: `email` is not in its view, so it does not exist for it.
    let error = apply_as(&ann(), &claims("bob", false), probe.clone()).unwrap_err();
    assert_eq!(problems(&error), [(0, "path", "/email", "not_found")]);
    assert_eq!(error.kind().status(), 409);
    // The user itself and an admin read it.
    assert!(apply_as(&ann(), &claims("ann", false), probe.clone()).is_ok());
    assert!(apply_as(&ann(), &claims("root", true), probe).is_ok());
    // Copying it is reading it: the same.
    let copy = json!([{"op": "copy", "from": "/id", "path": "/bio"}]);
    let error = apply_as(&ann(), &claims("bob", false), copy.clone()).unwrap_err();
    assert_eq!(problems(&error), [(0, "from", "/id", "not_found")]);
    // `bio` is a string: the copied number is refused as a merge patch's would be.
    let error = apply_as(&ann(), &claims("ann", false), copy).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert!(error.to_string().contains("bio"), "{error}");
}

#[test]
fn pointers_use_the_names_deserialize_reads_and_tests_see_what_the_view_writes() {
    // `email` is read as `email` and written as `mail`; `shout` is written upper-cased.
    let ann_herself = claims("ann", false);
    let user = apply_as(
        &ann(),
        &ann_herself,
        json!([
            {"op": "test", "path": "/shout", "value": "HI"},
            {"op": "replace", "path": "/email", "value": "a@example.org"},
            {"op": "copy", "from": "/displayName", "path": "/bio"}
        ]),
    )
    .unwrap();
    assert_eq!(user.email, "a@example.org");
    assert_eq!(user.bio.as_deref(), Some("Ann"));
    // The view's name is not a field's name for a pointer.
    let error = apply_as(
        &ann(),
        &ann_herself,
        json!([{"op": "test", "path": "/mail", "value": 1}]),
    )
    .unwrap_err();
    assert_eq!(problems(&error), [(0, "path", "/mail", "unknown")]);
    // Nor is the Rust name of a renamed field.
    let error = apply_as(
        &ann(),
        &ann_herself,
        json!([{"op": "replace", "path": "/display_name", "value": "x"}]),
    )
    .unwrap_err();
    assert_eq!(problems(&error), [(0, "path", "/display_name", "unknown")]);
}

#[test]
fn every_static_refusal_is_listed_at_once_with_its_index() {
    // Raw text: `json!` would keep one of the repeated members.
    let error = JsonPatch::<UserPatch>::from_json(
        br#"[
        {"op": "replace", "path": "/id", "value": 1},
        {"op": "replace", "path": "/displayName", "value": "fine"},
        {"op": "add", "path": "/nope", "value": 1},
        {"op": "remove", "path": ""},
        {"op": "add", "path": "/displayName/0", "value": "x"},
        {"op": "copy", "from": "/passwordHash", "path": "/username"},
        {"op": "add", "path": "/bio", "value": [{"a": 1, "a": 2}]}
    ]"#,
    )
    .unwrap_err();
    assert_eq!(
        problems(&error),
        [
            (0, "path", "/id", "forbidden"),
            (2, "path", "/nope", "unknown"),
            (3, "path", "", "whole_document"),
            (4, "path", "/displayName/0", "not_addressable"),
            (5, "from", "/passwordHash", "unreadable"),
            (5, "path", "/username", "forbidden"),
            (6, "value", "/bio", "duplicate_key"),
        ]
    );
    assert_eq!(
        (error.code(), error.kind().status()),
        ("operations_refused", 422)
    );
}

#[test]
fn pointer_syntax_and_document_shape_are_400() {
    for (body, operation) in [
        (
            &br#"[{"op":"add","path":"/bio~2","value":"x"}]"#[..],
            Some(0),
        ),
        (br#"[{"op":"add","path":"/bio","value":"x"}] []"#, None),
        (br#"[{"op":"move","from":7,"path":"/bio"}]"#, Some(0)),
        (
            br#"[{"op":"replace","path":"/bio","value":"x"},{"op":"remove"}]"#,
            Some(1),
        ),
        (br#"[7]"#, Some(0)),
        (b"[\xff]", None),
        (br#""add""#, None),
    ] {
        let error = JsonPatch::<UserPatch>::from_json(body).unwrap_err();
        let text = String::from_utf8_lossy(body);
        match error {
            JsonPatchError::Malformed { operation: at, .. } => assert_eq!(at, operation, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

/// A model with a list, a role-gated field and a nested model, for what `User` lacks.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view(server_only = read))]
struct Post {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    tags: Vec<String>,
    #[update(allow(role = "editor"))]
    pinned: bool,
    #[update(nested)]
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<Place>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, SafeUpdate)]
struct Place {
    #[update(allow)]
    city: String,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// A nested model with a server-only field, and its parent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, SafeUpdate)]
struct Sealed {
    #[update(allow)]
    city: String,
    #[update(server_only)]
    sealed: bool,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view)]
struct Guarded {
    #[update(nested)]
    place: Sealed,
}

fn post(place: Option<Place>) -> Post {
    Post {
        id: 1,
        tags: vec!["a".into(), "b".into()],
        pinned: false,
        place,
    }
}

fn apply_post(model: &mut Post, roles: &[&str], operations: Value) -> Result<(), JsonPatchError> {
    let before = model.clone();
    let result = JsonPatch::<PostPatch>::from_json(&document(operations))
        .and_then(|patch| patch.apply_as(model, roles));
    if result.is_err() {
        assert_eq!(*model, before, "refused, yet written");
    }
    result.map(|_| ())
}

#[test]
fn list_elements_are_addressed_by_index_and_dash_only_adds() {
    let mut model = post(None);
    apply_post(
        &mut model,
        &[],
        json!([
            {"op": "add", "path": "/tags/-", "value": "c"},
            {"op": "replace", "path": "/tags/0", "value": "z"},
            {"op": "remove", "path": "/tags/1"}
        ]),
    )
    .unwrap();
    assert_eq!(model.tags, ["z", "c"]);
    for (pointer, op) in [
        ("/tags/-", "remove"),
        ("/tags/01", "remove"),
        ("/tags/x", "replace"),
    ] {
        let error = apply_post(
            &mut model,
            &[],
            json!([{"op": op, "path": pointer, "value": "v"}]),
        )
        .unwrap_err();
        assert_eq!(problems(&error), [(0, "path", pointer, "not_addressable")]);
    }
    for past_the_end in ["/tags/5", "/tags/844480538264428861629"] {
        let remove = json!([{"op": "remove", "path": past_the_end}]);
        let error = apply_post(&mut model, &[], remove).unwrap_err();
        assert_eq!(problems(&error), [(0, "path", past_the_end, "not_found")]);
    }
}

#[test]
fn re_sending_the_stored_value_is_a_write_as_in_a_merge_patch() {
    let mut model = post(None);
    // `pinned` ends as it was, yet an operation wrote it: the role is asked for.
    let error = apply_post(
        &mut model,
        &[],
        json!([{"op": "replace", "path": "/pinned", "value": false}]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "role_required");
    apply_post(
        &mut model,
        &["editor"],
        json!([{"op": "replace", "path": "/pinned", "value": true}]),
    )
    .unwrap();
    assert!(model.pinned);
    // A test reads it without writing it: anyone.
    apply_post(
        &mut model,
        &[],
        json!([{"op": "test", "path": "/pinned", "value": true}]),
    )
    .unwrap();
}

#[test]
fn a_nested_model_is_written_through_its_own_patch() {
    let mut model = post(Some(Place {
        city: "Oslo".into(),
        note: None,
    }));
    apply_post(
        &mut model,
        &[],
        json!([
            {"op": "add", "path": "/place/note", "value": "north"},
            {"op": "test", "path": "/place", "value": {"city": "Oslo", "note": "north"}}
        ]),
    )
    .unwrap();
    assert_eq!(model.place.as_ref().unwrap().note.as_deref(), Some("north"));
    // Replaced whole: what the new value drops is cleared.
    apply_post(
        &mut model,
        &[],
        json!([{"op": "replace", "path": "/place", "value": {"city": "Rome"}}]),
    )
    .unwrap();
    assert_eq!(
        model.place,
        Some(Place {
            city: "Rome".into(),
            note: None
        })
    );
    // A server-only field of the nested model is neither dropped nor sent by a whole value.
    let mut guarded = Guarded {
        place: Sealed {
            city: "Oslo".into(),
            sealed: true,
        },
    };
    for value in [
        json!({"city": "Rome"}),
        json!({"city": "Rome", "sealed": true}),
    ] {
        let replace = json!([{"op": "replace", "path": "/place", "value": value}]);
        let error = JsonPatch::<GuardedPatch>::from_json(&document(replace))
            .unwrap()
            .apply_as(&mut guarded, &NoRoles)
            .unwrap_err();
        let JsonPatchError::Document(refused) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(refused.forbidden(), ["place.sealed"], "{value}");
    }
    assert!(guarded.place.sealed);
    // A member the nested model does not have is refused as a merge patch's would be.
    let error = apply_post(
        &mut model,
        &[],
        json!([{"op": "replace", "path": "/place", "value": {"city": "Rome", "x": 1}}]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "unknown_fields");
}

#[test]
fn an_absent_nested_model_is_not_created_by_add_as_in_a_merge_patch() {
    let mut model = post(None);
    let merge = safe_update::from_json::<PostPatch>(br#"{"place":{"city":"Oslo"}}"#)
        .unwrap()
        .apply_as(&mut model.clone(), &NoRoles)
        .unwrap_err();
    let error = apply_post(
        &mut model,
        &[],
        json!([{"op": "add", "path": "/place", "value": {"city": "Oslo"}}]),
    )
    .unwrap_err();
    assert_eq!(error, JsonPatchError::Refused(merge));
    // And a field inside it does not exist.
    let error = apply_post(
        &mut model,
        &[],
        json!([{"op": "add", "path": "/place/city", "value": "Oslo"}]),
    )
    .unwrap_err();
    assert_eq!(problems(&error), [(0, "path", "/place/city", "not_found")]);
}

#[test]
fn the_result_is_the_applied_of_the_same_merge_patch() {
    fn applied<P: Patch<Target = Post, Identity = AnyRoles>>(body: &[u8]) -> safe_update::Applied {
        safe_update::from_json::<P>(body)
            .unwrap()
            .apply_as(&mut post(None), &NoRoles)
            .unwrap()
    }
    let merge = applied::<PostPatch>(br#"{"tags":["a","b","c"]}"#);
    let json_patch =
        JsonPatch::<PostPatch>::from_json(br#"[{"op":"add","path":"/tags/-","value":"c"}]"#)
            .unwrap()
            .apply_as(&mut post(None), &NoRoles)
            .unwrap();
    assert_eq!(json_patch, merge);
    // An empty document writes nothing.
    let mut model = post(None);
    let nothing = JsonPatch::<PostPatch>::from_json(b"[]")
        .unwrap()
        .apply_as(&mut model, &NoRoles)
        .unwrap();
    assert!(nothing.changed_top_level().is_empty());
    assert_eq!(model, post(None));
}

#[test]
fn the_operation_limit_refuses_without_checking_the_rest() {
    // The operation after the limit is no operation at all: it is never checked.
    let body = br#"[{"op":"test","path":"/id","value":1},{"op":"test","path":"/id","value":1},{"oops":7}]"#;
    let error = JsonPatch::<PostPatch>::from_json_limited(body, 2).unwrap_err();
    assert_eq!(error, JsonPatchError::TooManyOperations { limit: 2 });
    let exactly = br#"[{"op":"test","path":"/id","value":1},{"op":"test","path":"/id","value":1}]"#;
    assert_eq!(
        JsonPatch::<PostPatch>::from_json_limited(exactly, 2)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_field_set_twice_takes_the_last_value_and_a_wrong_type_is_a_merge_patchs_refusal() {
    let user = apply_as(
        &ann(),
        &claims("ann", false),
        json!([
            {"op": "replace", "path": "/displayName", "value": "first"},
            {"op": "add", "path": "/bio", "value": "b"},
            {"op": "replace", "path": "/displayName", "value": "last"}
        ]),
    )
    .unwrap();
    assert_eq!(
        (user.display_name.as_str(), user.bio.as_deref()),
        ("last", Some("b"))
    );
    let merge = safe_update::from_json::<UserPatch>(br#"{"displayName":5}"#).unwrap_err();
    let error = apply_as(
        &ann(),
        &claims("ann", false),
        json!([{"op": "replace", "path": "/displayName", "value": 5}]),
    )
    .unwrap_err();
    assert_eq!(error, JsonPatchError::Document(merge));
}
