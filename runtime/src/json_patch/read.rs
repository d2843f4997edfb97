//! Reading a JSON Patch document: the operations (strictly, as RFC 6902 defines them) and
//! their pointers, resolved against the model's fields with every check that needs no stored
//! model.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::error::{JsonPatchError, OperationProblem, OperationRefusal};
use super::operation::{Op, Operation};
use super::pointer::{span, target, Access};
use super::repeated::has_repeated_member;
use crate::__private::PathField;

/// One operation object as written. Members an operation does not define are ignored (RFC
/// 6902 section 4), whatever they hold, so only `op` and `path`, defined for every operation,
/// are typed here; a repeated member is serde's "duplicate field" (appendix A.13).
#[derive(serde::Deserialize)]
struct Written<'a> {
    #[serde(borrow)]
    op: Cow<'a, str>,
    #[serde(borrow)]
    path: Cow<'a, str>,
    #[serde(borrow, default)]
    from: Option<&'a RawValue>,
    // `Some` even for `"value": null`: only an absent member is missing.
    #[serde(borrow, default, deserialize_with = "present")]
    value: Option<&'a RawValue>,
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// Reads the operations of `body` and checks their pointers against `fields`.
pub(super) fn operations(
    body: &str,
    limit: usize,
    fields: &'static [PathField],
) -> Result<Vec<Operation>, JsonPatchError> {
    let written = written(body, limit)?;
    let mut operations = Vec::with_capacity(written.len());
    let mut refusals = Vec::new();
    for (index, written) in written.into_iter().enumerate() {
        let malformed = |reason: String| JsonPatchError::Malformed {
            operation: Some(index),
            reason,
        };
        let op = Op::named(&written.op).ok_or_else(|| {
            malformed(format!(
                "unknown `op` {:?}: one of add, remove, replace, move, copy, test",
                written.op
            ))
        })?;
        let value = match (op.takes_value(), written.value) {
            (true, None) => return Err(malformed(format!("`{}` needs a `value`", op.name()))),
            (true, Some(value)) => Some(value),
            (false, _) => None,
        };
        let from = match (op.takes_from(), written.from) {
            (true, None) => return Err(malformed(format!("`{}` needs a `from`", op.name()))),
            (true, Some(from)) => {
                let text: Cow<'_, str> = serde_json::from_str(from.get())
                    .map_err(|_| malformed("`from` must be a string".to_owned()))?;
                let access = if op == Op::Move {
                    Access::Move
                } else {
                    Access::Read
                };
                let (target, problem) = target(body, fields, text, access)
                    .map_err(|reason| malformed(format!("`from`: {reason}")))?;
                if let Some(problem) = problem {
                    refusals.push(OperationRefusal::new(
                        index,
                        op.name(),
                        "from",
                        target.text.as_str(body),
                        problem,
                    ));
                }
                Some(target)
            }
            (false, _) => None,
        };
        let access = match op {
            Op::Test => Access::Read,
            Op::Add | Op::Move | Op::Copy => Access::Add,
            Op::Remove | Op::Replace => Access::Write,
        };
        let (path, problem) = target(body, fields, written.path, access)
            .map_err(|reason| malformed(format!("`path`: {reason}")))?;
        if let Some(problem) = problem {
            refusals.push(OperationRefusal::new(
                index,
                op.name(),
                "path",
                path.text.as_str(body),
                problem,
            ));
        }
        if value.is_some_and(|value| has_repeated_member(value.get())) {
            refusals.push(OperationRefusal::new(
                index,
                op.name(),
                "value",
                path.text.as_str(body),
                OperationProblem::DuplicateKey,
            ));
        }
        operations.push(Operation {
            op,
            path,
            from,
            value: value.map(|value| span(body, value.get())),
        });
    }
    if refusals.is_empty() {
        Ok(operations)
    } else {
        Err(JsonPatchError::Operations(refusals))
    }
}

/// The operation objects of `body`, at most `limit` of them.
fn written(body: &str, limit: usize) -> Result<Vec<Written<'_>>, JsonPatchError> {
    let reached = Cell::new(0);
    let over = Cell::new(false);
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let read = deserializer
        .deserialize_seq(Operations {
            limit,
            reached: &reached,
            over: &over,
        })
        .and_then(|written| deserializer.end().map(|()| written));
    read.map_err(|error| {
        if over.get() {
            JsonPatchError::TooManyOperations { limit }
        } else {
            // Inside the array, the error is in the element being read (unless the body ends
            // there: no element was begun, or none can be told).
            let inside = reached.get() > 0 && !error.is_eof();
            JsonPatchError::Malformed {
                operation: inside.then(|| reached.get() - 1),
                reason: error.to_string(),
            }
        }
    })
}

struct Operations<'c> {
    limit: usize,
    /// How many elements were begun: the index of the one an error is in, plus one.
    reached: &'c Cell<usize>,
    over: &'c Cell<bool>,
}

impl<'de> Visitor<'de> for Operations<'_> {
    type Value = Vec<Written<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON Patch: an array of operation objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut written = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.limit));
        loop {
            self.reached.set(written.len() + 1);
            if written.len() == self.limit {
                // One more element (rather than the end) is one too many: skipped, not checked.
                return match seq.next_element::<IgnoredAny>()? {
                    None => {
                        self.reached.set(0);
                        Ok(written)
                    }
                    Some(_) => {
                        self.over.set(true);
                        Err(de::Error::custom("too many operations"))
                    }
                };
            }
            match seq.next_element::<Written<'de>>()? {
                Some(operation) => written.push(operation),
                None => {
                    // Past the array: an error after it (trailing characters) is in none.
                    self.reached.set(0);
                    return Ok(written);
                }
            }
        }
    }
}
