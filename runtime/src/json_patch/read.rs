//! Reading a JSON Patch document: the operations (strictly, as RFC 6902 defines them) and
//! their pointers, resolved against the model's fields with every check that needs no stored
//! model.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::error::{JsonPatchError, OperationProblem, OperationRefusal};
use super::{Op, Operation, Step, Target, Text};
use crate::__private::{PathField, PathShape};

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

/// What an operation does at a pointer, which decides what the pointer may name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// `test`'s `path`, `copy`'s `from`: reads it.
    Read,
    /// `remove`'s and `replace`'s `path`: writes what exists.
    Write,
    /// `add`'s, `move`'s and `copy`'s `path`: writes, and may name `-` of a list.
    Add,
    /// `move`'s `from`: reads it and removes it.
    Move,
}

impl Access {
    fn reads(self) -> bool {
        matches!(self, Access::Read | Access::Move)
    }

    fn writes(self) -> bool {
        !matches!(self, Access::Read)
    }
}

/// A pointer and what it names, with the problem that refuses it; `Err(reason)` when it is no
/// JSON Pointer (RFC 6901).
fn target(
    body: &str,
    fields: &'static [PathField],
    text: Cow<'_, str>,
    access: Access,
) -> Result<(Target, Option<OperationProblem>), String> {
    let (steps, problem) = match steps(fields, &text, access)? {
        Ok(steps) => (steps, None),
        Err(problem) => (Vec::new(), Some(problem)),
    };
    let text = match text {
        Cow::Borrowed(text) => Text::Body(span(body, text)),
        Cow::Owned(text) => Text::Owned(text.into_boxed_str()),
    };
    Ok((Target { text, steps }, problem))
}

/// The fields, indices and end a pointer names, from the model's first field down; a problem
/// when it names none, or one `access` may not touch.
fn steps(
    fields: &'static [PathField],
    pointer: &str,
    access: Access,
) -> Result<Result<Vec<Step>, OperationProblem>, String> {
    if pointer.is_empty() {
        return Ok(Err(OperationProblem::WholeDocument));
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err("a JSON Pointer is empty or begins with `/`".to_owned());
    };
    // Every escape is checked first: a malformed one anywhere makes the document malformed,
    // whatever the tokens before it name. Then each token is decoded as it is reached.
    well_escaped(rest)?;
    let mut tokens = rest.split('/');
    let mut steps = Vec::with_capacity(1);
    let mut table = fields;
    let mut next = tokens.next();
    while let Some(token) = next {
        let Some(index) = PathField::find(table, &unescape(token)?) else {
            return Ok(Err(OperationProblem::Unknown));
        };
        let field = &table[index];
        if access.writes() && !field.writable {
            return Ok(Err(OperationProblem::Forbidden));
        }
        if access.reads() && field.shown.is_none() {
            return Ok(Err(OperationProblem::Unreadable));
        }
        steps.push(Step::Field(index));
        next = tokens.next();
        let Some(inner) = next else { break };
        match field.shape {
            // The nested field's own token is read by the next turn.
            PathShape::Nested(nested) => table = nested,
            // An element of a list is a plain value: nothing is addressed inside it.
            PathShape::List if tokens.next().is_none() => {
                return Ok(match element(&unescape(inner)?, access) {
                    Some(step) => {
                        steps.push(step);
                        Ok(steps)
                    }
                    None => Err(OperationProblem::NotAddressable),
                });
            }
            PathShape::List | PathShape::Value => return Ok(Err(OperationProblem::NotAddressable)),
        }
    }
    Ok(Ok(steps))
}

/// `Err` naming the first `~` of `pointer` not followed by `0` or `1` (RFC 6901 section 3).
fn well_escaped(pointer: &str) -> Result<(), String> {
    let bytes = pointer.as_bytes();
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == b'~' && !matches!(bytes.get(at + 1), Some(b'0' | b'1')) {
            return Err(format!("`~` must be followed by `0` or `1` in {pointer:?}"));
        }
    }
    Ok(())
}

/// A list's element: an index (RFC 6901: `0`, or digits without a leading zero), or `-`, the
/// end, named only by an operation that adds.
fn element(token: &str, access: Access) -> Option<Step> {
    if token == "-" {
        return (access == Access::Add).then_some(Step::End);
    }
    let digits = !token.is_empty() && token.bytes().all(|byte| byte.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    // An index too large for memory is past the end of any list: a failure on the stored
    // list (409), as any other index past its end, not a malformed pointer.
    Some(Step::Index(token.parse().unwrap_or(usize::MAX)))
}

/// A reference token with `~1` and `~0` decoded (RFC 6901 section 4: `~1` first, so that
/// `~01` is `~1`); `~` followed by anything else is no pointer.
fn unescape(token: &str) -> Result<Cow<'_, str>, String> {
    if !token.contains('~') {
        return Ok(Cow::Borrowed(token));
    }
    let mut decoded = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            decoded.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => decoded.push('~'),
            Some('1') => decoded.push('/'),
            _ => return Err(format!("`~` must be followed by `0` or `1` in {token:?}")),
        }
    }
    Ok(Cow::Owned(decoded))
}

/// Where `inner`, a slice of `body`, begins and ends in it.
fn span(body: &str, inner: &str) -> (usize, usize) {
    let start = inner.as_ptr() as usize - body.as_ptr() as usize;
    (start, start + inner.len())
}

/// Whether a value holds an object with a repeated member, at any depth: serde_json's `Value`
/// would keep the last, where the merge patch's reader refuses the repetition.
fn has_repeated_member(value: &str) -> bool {
    // Only an object or an array can hold one; a scalar is not read again.
    if !value.starts_with(['{', '[']) {
        return false;
    }
    let mut deserializer = serde_json::Deserializer::from_str(value);
    Unrepeated::deserialize(&mut deserializer).is_err()
}

/// A value read only to find a repeated member.
struct Unrepeated;

impl<'de> Deserialize<'de> for Unrepeated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UnrepeatedVisitor)
    }
}

struct UnrepeatedVisitor;

impl<'de> Visitor<'de> for UnrepeatedVisitor {
    type Value = Unrepeated;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unrepeated, E> {
        Ok(Unrepeated)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Unrepeated, E> {
        Ok(Unrepeated)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Unrepeated, E> {
        Ok(Unrepeated)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Unrepeated, E> {
        Ok(Unrepeated)
    }

    fn visit_str<E>(self, _: &str) -> Result<Unrepeated, E> {
        Ok(Unrepeated)
    }

    fn visit_unit<E>(self) -> Result<Unrepeated, E> {
        Ok(Unrepeated)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unrepeated, A::Error> {
        while seq.next_element::<Unrepeated>()?.is_some() {}
        Ok(Unrepeated)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unrepeated, A::Error> {
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if keys.contains(&key) {
                return Err(de::Error::custom("repeated member"));
            }
            keys.push(key);
            map.next_value::<Unrepeated>()?;
        }
        Ok(Unrepeated)
    }
}
