//! A JSON Pointer (RFC 6901) of an operation, resolved against the model's fields: the fields,
//! list index or end it names, or the problem that refuses it, with no stored model.

use std::borrow::Cow;

use super::error::OperationProblem;
use super::operation::{Step, Target, Text};
use crate::__private::{PathField, PathShape};

/// What an operation does at a pointer, which decides what the pointer may name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
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
pub(super) fn target(
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
pub(super) fn span(body: &str, inner: &str) -> (usize, usize) {
    let start = inner.as_ptr() as usize - body.as_ptr() as usize;
    (start, start + inner.len())
}
