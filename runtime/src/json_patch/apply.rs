//! Applying a read JSON Patch: the operations, in order, to the sender's view of the stored
//! model; then the fields they wrote, as a merge patch, through the merge patch's own reader
//! and checks.

use std::marker::PhantomData;

use json_patch::{
    AddOperation, CopyOperation, MoveOperation, PatchErrorKind, PatchOperation, RemoveOperation,
    ReplaceOperation,
};
use serde_json::{Map, Number, Value};

use super::error::{JsonPatchError, OperationProblem, OperationRefusal};
use super::{JsonPatch, Op, Operation, Plan, Step};
use crate::__private::{PathField, PathShape};
use crate::{Applied, Patch, SafeUpdate, SafeView, Sender};

impl<P: Patch> JsonPatch<P> {
    /// Applies the operations on behalf of `who` to `target`: in order, to `target` as `who`
    /// may read it, stopping at the first that cannot be applied; then the fields they wrote
    /// are checked and written as the same change sent as a merge patch would be
    /// ([`Patch::apply_as`]). Either every operation takes effect or none does.
    ///
    /// # Errors
    ///
    /// [`JsonPatchError::Failed`] (the first operation that could not be applied),
    /// [`Document`](JsonPatchError::Document) (the net change is no valid patch: a value of the
    /// wrong type, a required field removed), [`Refused`](JsonPatchError::Refused) (the
    /// model's rules or validators refused it), [`View`](JsonPatchError::View) (the model's
    /// own serialization failed). `target` is unchanged.
    pub fn apply_as<W: Sender<P::Identity> + ?Sized>(
        self,
        target: &mut P::Target,
        who: &W,
    ) -> Result<Applied, JsonPatchError>
    where
        P::Target: SafeView + SafeUpdate<Patch = P>,
    {
        let (body, operations) = match self.plan {
            Plan::Sets { patch, .. } => return Ok(patch.apply_as(target, who)?),
            Plan::Operations {
                body, operations, ..
            } => (body, operations),
        };
        let document = Document::<P> {
            body: &body,
            operations: &operations,
            patch: PhantomData,
        };
        let merge = match document.plain_writes() {
            Some(merge) => merge,
            None => document.net_change(target, who)?,
        };
        let patch: P = crate::__private::from_json_str(&merge)?;
        Ok(patch.apply_as(target, who)?)
    }
}

/// A document read in full, being applied.
struct Document<'a, P> {
    body: &'a str,
    operations: &'a [Operation],
    patch: PhantomData<fn() -> P>,
}

impl<P: Patch> Document<'_, P> {
    /// The merge patch of a document that only sets top-level fields whole (`add`, and
    /// `replace` of a field every view shows), written from the values as the client wrote
    /// them, without reading the model; `None` for any other document.
    fn plain_writes(&self) -> Option<String> {
        let fields = P::__PATHS;
        let mut written: Vec<(usize, (usize, usize))> = Vec::with_capacity(self.operations.len());
        for operation in self.operations {
            let [Step::Field(index)] = operation.path.steps[..] else {
                return None;
            };
            let field = &fields[index];
            let sets = match operation.op {
                Op::Add => true,
                Op::Replace => field.always,
                _ => false,
            };
            if !sets || matches!(field.shape, PathShape::Nested(_)) {
                return None;
            }
            let value = operation.value?;
            match written.iter_mut().find(|(seen, _)| *seen == index) {
                Some(slot) => slot.1 = value,
                None => written.push((index, value)),
            }
        }
        let length: usize = written
            .iter()
            .map(|(_, (start, end))| end - start + 24)
            .sum();
        let mut merge = String::with_capacity(length + 2);
        merge.push('{');
        for (n, (index, (start, end))) in written.iter().enumerate() {
            if n > 0 {
                merge.push(',');
            }
            push_key(&mut merge, fields[*index].wire());
            merge.push(':');
            merge.push_str(&self.body[*start..*end]);
        }
        merge.push('}');
        Some(merge)
    }

    /// The merge patch of the fields the operations wrote, applied to the view of `target`
    /// that `who` may read.
    fn net_change<W: Sender<P::Identity> + ?Sized>(
        &self,
        target: &P::Target,
        who: &W,
    ) -> Result<String, JsonPatchError>
    where
        P::Target: SafeView + SafeUpdate<Patch = P>,
    {
        let fields = P::__PATHS;
        let mut document = serde_json::to_value(target.view_as(who))
            .map_err(|error| JsonPatchError::View(error.to_string()))?;
        absent_as_none(fields, &mut document);
        let whole_nested = self.operations.iter().any(|operation| {
            operation.op != Op::Test && writes_whole_nested(fields, &operation.path.steps)
        });
        let before = whole_nested.then(|| document.clone());
        let mut written = Vec::new();
        for (index, operation) in self.operations.iter().enumerate() {
            self.apply_one(index, operation, &mut document)?;
            if operation.op != Op::Test {
                mark(&mut written, fields, &operation.path.steps);
            }
            if let (Op::Move, Some(from)) = (operation.op, &operation.from) {
                mark(&mut written, fields, &from.steps);
            }
        }
        let merge = merged(
            fields,
            &written,
            document.as_object_mut(),
            before.as_ref().and_then(Value::as_object),
        );
        Ok(Value::Object(merge).to_string())
    }

    /// Applies one operation to the view, or says why it cannot be.
    fn apply_one(
        &self,
        index: usize,
        operation: &Operation,
        document: &mut Value,
    ) -> Result<(), JsonPatchError> {
        let fields = P::__PATHS;
        let refusal = |member: &'static str, problem| {
            let text = match member {
                "from" => operation
                    .from
                    .as_ref()
                    .map_or("", |from| from.text.as_str(self.body)),
                _ => operation.path.text.as_str(self.body),
            };
            JsonPatchError::Failed(OperationRefusal::new(
                index,
                operation.op.name(),
                member,
                text,
                problem,
            ))
        };
        let path = pointer(fields, &operation.path.steps);
        let value = || -> Value {
            let (start, end) = operation.value.unwrap_or_default();
            // Read (and checked for repeated members) when the document was: it is JSON.
            serde_json::from_str(&self.body[start..end]).unwrap_or(Value::Null)
        };
        let from_steps = operation
            .from
            .as_ref()
            .map_or(&[][..], |from| &from.steps[..]);
        let from = || pointer(fields, from_steps);
        let patch = match operation.op {
            // Section 4.6's equality, which `json_patch` does not have (it compares numbers by
            // their representation: `1` is not `1.0` there).
            Op::Test => {
                return match document.pointer(path.as_str()) {
                    None => Err(refusal("path", OperationProblem::NotFound)),
                    Some(found) if json_equal(found, &value()) => Ok(()),
                    Some(_) => Err(refusal("path", OperationProblem::TestFailed)),
                };
            }
            Op::Add => PatchOperation::Add(AddOperation {
                path,
                value: value(),
            }),
            Op::Remove => PatchOperation::Remove(RemoveOperation { path }),
            Op::Replace => PatchOperation::Replace(ReplaceOperation {
                path,
                value: value(),
            }),
            Op::Move => PatchOperation::Move(MoveOperation { from: from(), path }),
            Op::Copy => PatchOperation::Copy(CopyOperation { from: from(), path }),
        };
        // Without the crate's undo: on a failure the whole working document is dropped (and its
        // undo of a move into the moved value's parent panics).
        json_patch::patch_unsafe(document, std::slice::from_ref(&patch)).map_err(
            |error| match error.kind {
                PatchErrorKind::InvalidFromPointer => refusal("from", OperationProblem::NotFound),
                PatchErrorKind::CannotMoveInsideItself => {
                    refusal("path", OperationProblem::MoveIntoItself)
                }
                _ => refusal("path", OperationProblem::NotFound),
            },
        )
    }
}

/// Writes `name` as a JSON string (a key of the merge patch).
fn push_key(merge: &mut String, name: &str) {
    if name
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
    {
        merge.push('"');
        merge.push_str(name);
        merge.push('"');
    } else {
        merge.push_str(&Value::from(name).to_string());
    }
}

/// The member a field is at in the view: the name its view writes it as; a field no view
/// shows is reached only by operations that add it, under its wire name.
fn member(field: &PathField) -> &'static str {
    field.shown.unwrap_or_else(|| field.wire())
}

/// The pointer into the view that `steps` name.
fn pointer(fields: &'static [PathField], steps: &[Step]) -> json_patch::jsonptr::PointerBuf {
    let mut pointer = json_patch::jsonptr::PointerBuf::new();
    let mut table = fields;
    for step in steps {
        match *step {
            Step::Field(index) => {
                let field = &table[index];
                pointer.push_back(member(field));
                if let PathShape::Nested(nested) = field.shape {
                    table = nested;
                }
            }
            Step::Index(index) => pointer.push_back(index.to_string().as_str()),
            Step::End => pointer.push_back("-"),
        }
    }
    pointer
}

/// Removes the `null` of every `Option` that is `None`, at every depth of nested models: RFC
/// 6902 knows only members that exist, and a `None` is a member the model does not hold.
fn absent_as_none(fields: &'static [PathField], document: &mut Value) {
    let Some(members) = document.as_object_mut() else {
        return;
    };
    for field in fields {
        let Some(name) = field.shown else { continue };
        if field.optional && members.get(name).is_some_and(Value::is_null) {
            members.remove(name);
        } else if let (PathShape::Nested(nested), Some(value)) =
            (&field.shape, members.get_mut(name))
        {
            absent_as_none(nested, value);
        }
    }
}

/// Whether `steps` name a nested model whole (its value replaced, not its fields).
fn writes_whole_nested(fields: &'static [PathField], steps: &[Step]) -> bool {
    let mut table = fields;
    for (n, step) in steps.iter().enumerate() {
        let Step::Field(index) = *step else {
            return false;
        };
        match table[index].shape {
            PathShape::Nested(_) if n + 1 == steps.len() => return true,
            PathShape::Nested(nested) => table = nested,
            _ => return false,
        }
    }
    false
}

/// What the operations wrote: fields written whole, and nested models some of whose fields
/// were written.
enum Written {
    Whole,
    Fields(Vec<(usize, Written)>),
}

/// Records that `steps` were written.
fn mark(written: &mut Vec<(usize, Written)>, fields: &'static [PathField], steps: &[Step]) {
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
fn merged(
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

/// JSON equality as RFC 6902 section 4.6 defines it: numbers by their value (`1` is `1.0`),
/// objects by their members whatever their order, arrays element by element.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(name, a)| b.get(name).is_some_and(|b| json_equal(a, b)))
        }
        _ => a == b,
    }
}

/// Two numbers compared by value, exactly: integers as integers, an integer and a float by
/// whether the float is that integer.
fn numbers_equal(a: &Number, b: &Number) -> bool {
    fn integer(number: &Number) -> Option<i128> {
        number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from))
    }
    fn float_is(float: Option<f64>, integer: i128) -> bool {
        // Every integer serde_json holds (up to 2^64) is below 2^100: a float beyond is not one.
        float.is_some_and(|float| {
            float.fract() == 0.0 && float.abs() < 1e30 && float as i128 == integer
        })
    }
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => a == b,
        (Some(a), None) => float_is(b.as_f64(), a),
        (None, Some(b)) => float_is(a.as_f64(), b),
        (None, None) => a.as_f64() == b.as_f64(),
    }
}
