//! The error path of `from_json`: once a value of the wrong type has stopped the first pass,
//! a second pass over the same text reads every value on its own, so that one wrong value
//! hides no other problem: every forbidden, unknown and repeated key and every invalid value
//! of the document is listed, whatever comes before it. Only a refused document pays for it.

use core::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::careful::each_key;
use super::de::{Collector, Mode};
use super::{Fields, Path};

/// Reads `body` again into `fields` (fresh ones), recording every problem in `collector` (a
/// fresh one); the syntax error that ends the document early, if any.
#[cold]
#[inline(never)]
pub(super) fn rescan<P: Fields>(
    body: &str,
    fields: &mut P,
    collector: &mut Collector,
) -> Result<(), serde_json::Error> {
    collector.mode = Mode::Scan;
    let mut json = serde_json::Deserializer::from_str(body);
    de::Deserializer::deserialize_map(&mut json, ScanVisitor::new(fields, collector, Path::ROOT))?;
    json.end()
}

/// Reads an object key by key, each value through its field's own reader but from a
/// deserializer of its own, so that a value's error stops that value only.
pub(super) struct ScanVisitor<'x, 'c, 'p, P> {
    patch: &'x mut P,
    collector: &'c mut Collector,
    path: Path<'p>,
}

impl<'x, 'c, 'p, P> ScanVisitor<'x, 'c, 'p, P> {
    pub(super) fn new(patch: &'x mut P, collector: &'c mut Collector, path: Path<'p>) -> Self {
        ScanVisitor {
            patch,
            collector,
            path,
        }
    }
}

impl<'de, P: Fields> Visitor<'de> for ScanVisitor<'_, '_, '_, P> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`",
            P::MODEL
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ScanVisitor {
            patch,
            collector,
            path,
        } = self;
        each_key::<P, A, _>(&mut map, collector, path, |map, index, collector| {
            let raw: &'de RawValue = map.next_value()?;
            // The reader records the value's error with its path; it ends this value only,
            // unless the value is not JSON at all (a lone surrogate escape, say).
            if let Err(error) = patch.field(index, &mut OneValue(Some(raw)), collector, path) {
                if error.is_syntax() || error.is_eof() {
                    let at = path.join_key(P::wire(index));
                    let reason = super::de::without_position(error.to_string());
                    collector.abort_was_syntax(format!("{reason} in the value of `{at}`"));
                }
            }
            Ok(())
        })
    }
}

/// The value of one key, read from its own text: what a field's reader sees in the scan.
struct OneValue<'de>(Option<&'de RawValue>);

impl<'de> MapAccess<'de> for OneValue<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let raw = self
            .0
            .take()
            .ok_or_else(|| de::Error::custom("a value is read once"))?;
        let mut json = serde_json::Deserializer::from_str(raw.get());
        let value = seed.deserialize(&mut json)?;
        json.end()?;
        Ok(value)
    }
}
