//! What the operations of a document wrote, and the merge patch of it: each written field by
//! its wire name with its value after the operations, read and applied as a client's merge
//! patch would be.

use serde_json::{Map, Value};

use super::operation::Step;
use crate::__private::{PathField, PathShape};

/// What the operations wrote: fields written whole, and nested models some of whose fields
/// were written.
pub(super) enum Written {
    Whole,
    Fields(Vec<(usize, Written)>),
}

/// Records that `steps` were written.
pub(super) fn mark(
    written: &mut Vec<(usize, Written)>,
    fields: &'static [PathField],
    steps: &[Step],
) {
    let Some(Step::Field(index)) = steps.first().copied() else {
        return;
    };
    let inside = match (&fields[index].shape, steps.get(1)) {
        (PathShape::Nested(nested), Some(Step::Field(_))) => Some(*nested),
        _ => None,
    };
    let slot = match written.iter_mut().position(|(seen, _)| *seen == index) {
        Some(position) => &mut written[position].1,
        None => {
            written.push((index, Written::Fields(Vec::new())));
            &mut written.last_mut().expect("just pushed").1
        }
    };
    match (inside, &mut *slot) {
        (Some(nested), Written::Fields(below)) => mark(below, nested, &steps[1..]),
        (Some(_), Written::Whole) => {}
        (None, _) => *slot = Written::Whole,
    }
}

/// The merge patch of the written fields: each by its wire name, with its value in the view
/// after the operations (`null` when absent); a nested model some of whose fields were written
/// as a merge patch of those fields, one written whole as a merge patch that sets what the new
/// value holds and clears what it dropped.
pub(super) fn merged(
    fields: &'static [PathField],
    written: &[(usize, Written)],
    mut now: Option<&mut Map<String, Value>>,
    before: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut merge = Map::new();
    for (index, written) in written {
        let field = &fields[*index];
        let name = member(field);
        // Taken out of the working document, which is dropped after: nothing is cloned.
        let new = now.as_deref_mut().and_then(|members| members.remove(name));
        let old = before.and_then(|members| members.get(name));
        let value = match (written, &field.shape, new) {
            (_, _, None) => Value::Null,
            (
                Written::Fields(below),
                PathShape::Nested(nested),
                Some(Value::Object(mut members)),
            ) => Value::Object(merged(
                nested,
                below,
                Some(&mut members),
                old.and_then(Value::as_object),
            )),
            (Written::Whole, PathShape::Nested(nested), Some(new)) => replaced(nested, old, &new),
            (_, _, Some(new)) => new,
        };
        merge.insert(field.wire().to_owned(), value);
    }
    merge
}

/// The merge patch that makes a nested model `old` into `new`: every member of `new` by its
/// wire name (one naming no field as written, for the reader to refuse), and `null` for each
/// field `old` held and `new` does not: a server-only one too, which the reader refuses as
/// forbidden (replacing the value whole would remove it, a write the patch may not make).
fn replaced(fields: &'static [PathField], old: Option<&Value>, new: &Value) -> Value {
    let Value::Object(members) = new else {
        return new.clone();
    };
    let old = old.and_then(Value::as_object);
    let mut merge = Map::new();
    for (name, value) in members {
        match fields
            .iter()
            .find(|field| field.shown == Some(name.as_str()))
        {
            Some(field) => {
                let value = match field.shape {
                    PathShape::Nested(nested) => {
                        replaced(nested, old.and_then(|old| old.get(name)), value)
                    }
                    _ => value.clone(),
                };
                merge.insert(field.wire().to_owned(), value);
            }
            None => {
                merge.insert(name.clone(), value.clone());
            }
        }
    }
    for field in fields {
        let Some(name) = field.shown else { continue };
        if old.is_some_and(|old| old.contains_key(name)) && !members.contains_key(name) {
            merge.insert(field.wire().to_owned(), Value::Null);
        }
    }
    Value::Object(merge)
}

/// The member a field is at in the view: the name its view writes it as; a field no view
/// shows is reached only by operations that add it, under its wire name.
pub(super) fn member(field: &PathField) -> &'static str {
    field.shown.unwrap_or_else(|| field.wire())
}
