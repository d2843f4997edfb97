//! The common JSON Patch read in one pass: a document whose every operation is an `add` or a
//! `replace` of a top-level field (one a patch writes whole, and for `replace` one every view
//! shows, so that its target exists) is read straight into the patch, each value by its field's
//! own reader as a merge patch reads it. Anything else, or any problem, and the caller reads the
//! document in full (`read.rs`), which finds and reports what this pass does not look for.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::__private::{FieldReader, Key, PathField, PathShape};
use crate::Patch;

/// The patch the document sets and how many operations it holds; `None` when it is not such a
/// document, or holds a problem.
pub(super) fn sets<P: Patch>(body: &str, limit: usize) -> Option<(P, usize)> {
    let mut reader = FieldReader::<P>::new();
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let count = deserializer
        .deserialize_seq(Operations {
            reader: &mut reader,
            limit,
        })
        .ok()?;
    deserializer.end().ok()?;
    Some((reader.finish()?, count))
}

/// Why this pass gave up; never seen by anyone (the document is read again).
fn other<E: de::Error>() -> E {
    E::custom("not a document that only sets fields")
}

struct Operations<'r, P> {
    reader: &'r mut FieldReader<P>,
    limit: usize,
}

impl<'de, P: Patch> Visitor<'de> for Operations<'_, P> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of operations")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut count = 0;
        while seq
            .next_element_seed(Operation {
                reader: &mut *self.reader,
            })?
            .is_some()
        {
            count += 1;
            if count > self.limit {
                return Err(other());
            }
        }
        Ok(count)
    }
}

struct Operation<'r, P> {
    reader: &'r mut FieldReader<P>,
}

impl<'de, P: Patch> DeserializeSeed<'de> for Operation<'_, P> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// `add` or `replace`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sets {
    Add,
    Replace,
}

impl<'de, P: Patch> Visitor<'de> for Operation<'_, P> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an operation object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut op = None;
        let mut target: Option<(u16, &'static PathField)> = None;
        let mut path = false;
        let mut value = false;
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Op if op.is_none() => {
                    op = Some(match map.next_value::<&str>()? {
                        "add" => Sets::Add,
                        "replace" => Sets::Replace,
                        _ => return Err(other()),
                    });
                }
                Member::Path if !path => {
                    path = true;
                    target = Some(field::<P>(map.next_value::<&str>()?).ok_or_else(other)?);
                }
                // The value is read where it is, into its field: `op` and `path` come first
                // in every document this pass takes.
                Member::Value if !value => {
                    value = true;
                    let (Some(op), Some((index, field))) = (op, target) else {
                        return Err(other());
                    };
                    if op == Sets::Replace && !field.always {
                        return Err(other());
                    }
                    self.reader.read(index, &mut map)?;
                }
                // Members an operation does not define are ignored (RFC 6902 section 4).
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
                // A repeated member: a malformed document, which the full reading reports.
                Member::Op | Member::Path | Member::Value => return Err(other()),
            }
        }
        if value {
            Ok(())
        } else {
            Err(other())
        }
    }
}

/// The field a pointer of one token names, when a patch writes it whole, and its index among
/// the patch's fields.
fn field<P: Patch>(pointer: &str) -> Option<(u16, &'static PathField)> {
    let token = pointer.strip_prefix('/')?;
    if token.contains(['/', '~']) {
        return None;
    }
    // The patch's own match of a key (what the merge patch's reader asks), then the field's
    // place in the table of paths.
    let Key::Field(index) = <P as crate::__private::Fields>::key(token) else {
        return None;
    };
    let field = P::__PATHS.get(usize::from(*P::__PATH_OF.get(usize::from(index))?))?;
    (!matches!(field.shape, PathShape::Nested(_))).then_some((index, field))
}

/// A member of an operation object.
enum Member {
    Op,
    Path,
    Value,
    Other,
}

impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(MemberVisitor)
    }
}

struct MemberVisitor;

impl Visitor<'_> for MemberVisitor {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Member, E> {
        Ok(match name {
            "op" => Member::Op,
            "path" => Member::Path,
            "value" => Member::Value,
            _ => Member::Other,
        })
    }
}
