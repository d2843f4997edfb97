//! Applying a read JSON Patch: the operations, in order, to the sender's view of the stored
//! model; then the fields they wrote, as a merge patch, through the merge patch's own reader
//! and checks.

use std::marker::PhantomData;

use json_patch::{
    AddOperation, CopyOperation, MoveOperation, PatchErrorKind, PatchOperation, RemoveOperation,
    ReplaceOperation,
};
use serde_json::Value;

use super::equal::json_equal;
use super::error::{JsonPatchError, OperationProblem, OperationRefusal};
use super::operation::{Op, Operation, Step};
use super::written::{mark, member, merged};
use super::{JsonPatch, Plan};
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
