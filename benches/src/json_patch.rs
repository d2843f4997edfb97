//! The cost of JSON Patch (BENCHMARKS.md, "JSON Patch: 12 operations against a merge patch and
//! a hand-written apply"): the 12 writable fields of [`Profile`] written by an RFC 6902
//! document, against the same change sent as a merge patch ([`crate::safe_update_path`]):
//!
//! - [`json_patch_path`]: `JsonPatch::<ProfilePatch>::from_json`, then `apply_as`;
//! - [`handwritten`]: what a developer writes today without `safe-update`: the `json-patch`
//!   crate's document type read with serde, a hand-written allowlist of the 12 writable
//!   paths checked, the model serialized to a `serde_json::Value`, `json_patch::patch`, and
//!   the `Value` read back into the model;
//! - [`skim`]: the document parsed and nothing kept, the floor of any reader of it.
//!
//! The documents are made from the merge patches of the other tables ([`document`]), so every
//! approach writes the same values.

use std::fmt;

use json_patch::jsonptr::Pointer;
use json_patch::PatchOperation;
use safe_update::{Applied, JsonPatch, JsonPatchError, NoRoles};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::{Profile, ProfilePatch, ALLOWED};

/// The profile's fields that are an `Option`: written with `add`, because `replace` needs the
/// member to exist (RFC 6902 section 4.3) and a `None` is no member of the profile's view.
const OPTIONAL: [&str; 4] = ["bio", "website", "location", "company"];

/// The profile's server-only fields, each always present in its view.
const SERVER_ONLY: [&str; 4] = ["id", "is_admin", "password_hash", "created_at"];

/// The JSON Patch document that writes each member of the merge patch `merge_body`, in its
/// order: `replace` for a field the profile always holds, `add` for an optional field or a
/// member that names no field. With `test`, the document first tests that `display_name`
/// holds that value (which makes `JsonPatch` apply it to the sender's view).
pub fn document(merge_body: &[u8], test: Option<&str>) -> Vec<u8> {
    let mut operations = Vec::new();
    if let Some(expected) = test {
        operations.push(operation("test", "display_name", &json_string(expected)));
    }
    for (name, value) in members(merge_body) {
        let always = ALLOWED.contains(&name.as_str()) || SERVER_ONLY.contains(&name.as_str());
        let op = if always && !OPTIONAL.contains(&name.as_str()) {
            "replace"
        } else {
            "add"
        };
        operations.push(operation(op, &name, value.get()));
    }
    format!("[{}]", operations.join(",")).into_bytes()
}

/// The `display_name` that the merge patch `merge_body` writes.
pub fn display_name(merge_body: &[u8]) -> String {
    let (_, value) = members(merge_body)
        .into_iter()
        .find(|(name, _)| name == "display_name")
        .expect("the body writes display_name");
    serde_json::from_str(value.get()).expect("a string")
}

fn operation(op: &str, name: &str, value: &str) -> String {
    format!(r#"{{"op":"{op}","path":"/{name}","value":{value}}}"#)
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// The members of a JSON object in the order written (serde_json's `Map` sorts them).
fn members(body: &[u8]) -> Vec<(String, Box<RawValue>)> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, Box<RawValue>)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(member) = map.next_entry()? {
                members.push(member);
            }
            Ok(members)
        }
    }
    serde_json::Deserializer::from_slice(body)
        .deserialize_map(Members)
        .expect("a JSON object")
}

/// `safe-update`: read the document (its pointers checked against the profile's fields), then
/// apply it as the sender, who holds no role (the profile has no gated field).
pub fn json_patch_path(document: &[u8], target: &mut Profile) -> Result<Applied, JsonPatchError> {
    JsonPatch::<ProfilePatch>::from_json(document)?.apply_as(target, &NoRoles)
}

/// What reading the document at all costs: its UTF-8 checked once and its JSON parsed
/// (`serde_json::from_str` into `IgnoredAny`), nothing kept or checked. No reader of the
/// document costs less; not one of the compared approaches.
pub fn skim(document: &[u8]) -> Result<(), serde_json::Error> {
    let text = std::str::from_utf8(document).map_err(serde::de::Error::custom)?;
    serde_json::from_str::<IgnoredAny>(text).map(|_| ())
}

/// Why the hand-written apply refused a document.
#[derive(Debug)]
pub enum HandRefused {
    /// Not a JSON Patch document, or the patched profile is no profile.
    Json(serde_json::Error),
    /// A pointer outside the allowlist (the first one met).
    Path(String),
    /// An operation could not be applied (`json_patch::patch` undid the others).
    Patch(json_patch::PatchError),
}

/// What a developer writes today: read the document with the `json-patch` crate's types,
/// refuse any operation whose `path` (or `from`) is not one of the 12 writable fields or below
/// it, serialize the profile, apply the operations to the `Value`, read the profile back.
pub fn handwritten(document: &[u8], target: &mut Profile) -> Result<(), HandRefused> {
    let patch: json_patch::Patch = serde_json::from_slice(document).map_err(HandRefused::Json)?;
    for operation in patch.iter() {
        let (path, from) = match operation {
            PatchOperation::Add(op) => (&op.path, None),
            PatchOperation::Remove(op) => (&op.path, None),
            PatchOperation::Replace(op) => (&op.path, None),
            PatchOperation::Test(op) => (&op.path, None),
            // `move` removes `from`; `copy` would write a server-only value into a writable
            // field: both pointers must be writable.
            PatchOperation::Move(op) => (&op.path, Some(&op.from)),
            PatchOperation::Copy(op) => (&op.path, Some(&op.from)),
        };
        for pointer in std::iter::once(path).chain(from) {
            if !writable(pointer) {
                return Err(HandRefused::Path(pointer.to_string()));
            }
        }
    }
    let mut value = serde_json::to_value(&*target).map_err(HandRefused::Json)?;
    json_patch::patch(&mut value, &patch).map_err(HandRefused::Patch)?;
    *target = serde_json::from_value(value).map_err(HandRefused::Json)?;
    Ok(())
}

/// `/<a writable field>`, or a pointer below one (the whole document `""` is not).
fn writable(pointer: &Pointer) -> bool {
    pointer
        .first()
        .is_some_and(|token| ALLOWED.contains(&token.decoded().as_ref()))
}

#[cfg(test)]
mod tests {
    use safe_update::OperationProblem;

    use super::*;
    use crate::{profile, safe_update_path, ACCEPT_BODY, ACCEPT_BODY_B, REJECT_BODY};

    /// The profile after the merge patch `body`, as every approach starts a call.
    fn after(body: &[u8]) -> Profile {
        let mut target = profile();
        safe_update_path(body, &mut target).unwrap();
        target
    }

    #[test]
    fn documents_are_the_merge_patches_as_operations() {
        let text = String::from_utf8(document(ACCEPT_BODY, Some("Alice L."))).unwrap();
        assert!(text.starts_with(
            r#"[{"op":"test","path":"/display_name","value":"Alice L."},{"op":"replace","path":"/display_name","value":"Alice Liddell"},"#
        ));
        assert!(text.contains(r#"{"op":"add","path":"/location","value":null}"#));
        assert!(
            text.ends_with(r#"{"op":"replace","path":"/tags","value":["rabbit","tea","cards"]}]"#)
        );
        assert_eq!(
            JsonPatch::<ProfilePatch>::from_json(text.as_bytes())
                .unwrap()
                .len(),
            13
        );
        assert_eq!(display_name(ACCEPT_BODY_B), "Alice L.");
    }

    #[test]
    fn every_approach_writes_what_the_merge_patch_writes() {
        for (before, body) in [
            (ACCEPT_BODY, ACCEPT_BODY),
            (ACCEPT_BODY_B, ACCEPT_BODY),
            (ACCEPT_BODY, ACCEPT_BODY_B),
        ] {
            let mut merged = after(before);
            let applied = safe_update_path(body, &mut merged).unwrap();
            let tested = document(body, Some(&display_name(before)));
            let mut plain = after(before);
            assert_eq!(
                json_patch_path(&document(body, None), &mut plain).unwrap(),
                applied
            );
            let mut viewed = after(before);
            assert_eq!(json_patch_path(&tested, &mut viewed).unwrap(), applied);
            let mut by_hand = after(before);
            handwritten(&tested, &mut by_hand).unwrap();
            for written in [plain, viewed, by_hand] {
                assert_eq!(written, merged);
            }
        }
        let mut changed = after(ACCEPT_BODY_B);
        let applied = json_patch_path(&document(ACCEPT_BODY, None), &mut changed).unwrap();
        assert_eq!(applied.changed().count(), 12);
    }

    #[test]
    fn a_failed_test_writes_nothing() {
        let stale = document(ACCEPT_BODY_B, Some("Alice L."));
        let mut target = after(ACCEPT_BODY);
        assert!(json_patch_path(&stale, &mut target).is_err());
        assert!(handwritten(&stale, &mut target).is_err());
        assert_eq!(target, after(ACCEPT_BODY));
    }

    #[test]
    fn every_approach_refuses_the_reject_document() {
        let reject = document(REJECT_BODY, None);
        let mut target = profile();
        let error = json_patch_path(&reject, &mut target).unwrap_err();
        let problems: Vec<_> = error
            .operations()
            .iter()
            .map(|refusal| (refusal.index, refusal.problem))
            .collect();
        use OperationProblem::{Forbidden, Unknown};
        assert_eq!(
            problems,
            [
                (1, Forbidden),
                (3, Forbidden),
                (4, Unknown),
                (5, Forbidden),
                (6, Unknown)
            ]
        );
        let Err(HandRefused::Path(path)) = handwritten(&reject, &mut target) else {
            panic!("accepted")
        };
        assert_eq!(path, "/id");
        assert_eq!(target, profile());
    }

    /// The allowlist against documents that write a server-only field, directly, through `move`
    /// or the whole document, or copy one into a writable field.
    #[test]
    fn the_handwritten_allowlist_refuses_every_way_to_a_server_only_field() {
        for attack in [
            r#"[{"op":"move","from":"/is_admin","path":"/newsletter"}]"#,
            r#"[{"op":"copy","from":"/password_hash","path":"/bio"}]"#,
            r#"[{"op":"replace","path":"","value":{"is_admin":true}}]"#,
            r#"[{"op":"replace","path":"/is_admin","value":true}]"#,
            r#"[{"op":"add","path":"/is_admin","value":true}]"#,
            r#"[{"op":"remove","path":"/id"}]"#,
            r#"[{"op":"replace","path":"/tags/0","value":"x"},{"op":"replace","path":"/created_at","value":0}]"#,
        ] {
            let mut target = profile();
            let refused = handwritten(attack.as_bytes(), &mut target);
            assert!(
                matches!(refused, Err(HandRefused::Path(_))),
                "{attack}: {refused:?}"
            );
            assert_eq!(target, profile(), "{attack}");
            // `JsonPatch` may copy from a field the view shows (all of this profile's are):
            // whatever it accepts, no server-only field is written.
            let _ = json_patch_path(attack.as_bytes(), &mut target);
            let server_only =
                |p: &Profile| (p.id, p.is_admin, p.password_hash.clone(), p.created_at);
            assert_eq!(server_only(&target), server_only(&profile()), "{attack}");
        }
    }
}
