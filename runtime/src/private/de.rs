//! One pass over a self-describing serde deserializer: only a map, every key classified, every problem
//! recorded with its path, no intermediate `Value` (so a repeated key cannot hide).
//!
//! How each field reads its value is in `read.rs`; this file reads the document around them.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::stream::StreamVisitor;
use super::{Fields, Path};
use crate::error::Problems;
use crate::{Document, PatchError};

/// How a patch type classifies one key of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A writable field, by its index in the patch.
    Field(u16),
    /// A spelling of a server-only field.
    Forbidden,
    /// Anything else.
    Unknown,
}

/// Which reader reads a document (and so its nested objects).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Mode {
    /// `from_json`'s first pass (`PatchVisitor`): the first type error ends it.
    #[default]
    First,
    /// `from_json`'s second pass (`rescan.rs`), or a form: each value read on its own.
    Scan,
    /// The `Deserialize` impl (`stream.rs`): one pass that goes on wherever it safely can.
    Stream,
}

/// The problems found so far in one document.
#[derive(Debug, Default)]
pub struct Collector {
    // Made on the first problem: a good document costs neither its construction nor its drop.
    error: Option<PatchError>,
    // Where an error aborted the parse (in the scan, the current value), once one has.
    pub(super) aborted_at: Option<String>,
    // Which reader reads the document: nested objects are read by the same one.
    pub(super) mode: Mode,
    // Reading a create input: `null` for an optional sub-model erases nothing, since nothing
    // exists yet.
    pub(super) creating: bool,
    // In the stream: the deserializer failed on its own (the text is not JSON), not on a
    // field's value; its error is the answer.
    pub(super) unreadable: bool,
}

impl Collector {
    /// A collector for a patch (`creating` false) or a create input.
    pub(super) fn new(creating: bool) -> Self {
        Collector {
            creating,
            ..Collector::default()
        }
    }

    fn error(&mut self) -> &mut Problems {
        &mut self.error.get_or_insert_with(PatchError::default).0
    }

    pub(super) fn invalid(&mut self, path: String, reason: String) {
        self.error().invalid.entry(path).or_insert(reason);
    }

    /// Records a key that names no writable field (kept out of line: the accepting path must
    /// stay small enough to inline).
    #[cold]
    #[inline(never)]
    pub(super) fn refuse_key(&mut self, path: Path<'_>, key: &str, refused: Key) {
        let list = if refused == Key::Forbidden {
            &mut self.error().forbidden
        } else {
            &mut self.error().unknown
        };
        list.push(path.join_key(key));
    }

    /// Records the required field `name` of the object at `path` as missing, unless its value
    /// was sent and refused (then it is listed as invalid already).
    #[cold]
    #[inline(never)]
    pub fn missing(&mut self, path: Path<'_>, name: &str) {
        if !self.was_refused(path, name) {
            self.error().missing.push(path.join_key(name));
        }
    }

    /// Whether a value of the field `name` of the object at `path` was sent and refused.
    #[inline]
    pub(super) fn was_refused(&self, path: Path<'_>, name: &str) -> bool {
        // No value refused yet (a clean document, or only keys refused): no path to join.
        self.error.as_ref().is_some_and(|error| {
            !error.0.invalid.is_empty() && error.0.invalid.contains_key(&path.join_key(name))
        })
    }

    pub(super) fn malformed(&mut self, reason: String) {
        self.error().malformed.get_or_insert(reason);
    }

    pub(super) fn duplicate(&mut self, path: String) {
        self.error().duplicate.push(path);
    }

    pub(super) fn aborted_by(&mut self, path: String, reason: String) {
        // A type error aborts the parse and unwinds through every enclosing field: keep the
        // innermost one, which names the field that really is wrong.
        if self.aborted_at.is_none() {
            self.invalid(path.clone(), without_position(reason));
            self.aborted_at = Some(path);
        }
    }

    /// The error that aborted the parse was a syntax error, not the value's fault: it is no
    /// invalid value, and the document is malformed; `context` says where, if the message
    /// cannot.
    pub(super) fn abort_was_syntax(&mut self, reason: String) {
        if let (Some(path), Some(error)) = (self.aborted_at.take(), self.error.as_mut()) {
            error.0.invalid.remove(&path);
        }
        self.malformed(reason);
    }

    pub(super) fn is_clean(&self) -> bool {
        self.error.is_none()
    }

    /// Whether the document as a whole is refused (not JSON, or not an object): then no
    /// field of it was read, and none is missing.
    fn document_refused(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|error| error.0.malformed.is_some() || error.0.invalid.contains_key(""))
    }

    pub(super) fn into_error(self) -> Option<PatchError> {
        self.error
    }
}

/// The fields read, made into the document's type (a patch is its fields, `__finish` inlined
/// away; a create input checks that every required field is there), or every problem.
#[inline(always)]
pub(super) fn finish<D: Document>(
    fields: D::__Fields,
    mut collector: Collector,
) -> Result<D, PatchError> {
    if !collector.is_clean() {
        return Err(finish_refused::<D>(fields, collector));
    }
    match D::__finish(fields, &mut collector, Path::ROOT) {
        Some(document) if collector.is_clean() => Ok(document),
        _ => Err(collector.into_error().unwrap_or_default()),
    }
}

/// Every problem of a refused document: for a create input, the missing fields too (a patch
/// has no required field), unless the document as a whole was refused.
#[cold]
#[inline(never)]
fn finish_refused<D: Document>(fields: D::__Fields, mut collector: Collector) -> PatchError {
    if D::__CREATING && !collector.document_refused() {
        let _ = D::__finish(fields, &mut collector, Path::ROOT);
    }
    collector.into_error().unwrap_or_default()
}

/// Deserializes a patch or create input as serde's `Deserialize` does, in one pass
/// (`stream.rs`); every problem becomes one message: [`PatchError`]'s, and where the listing
/// stopped when an error inside an array or object ended the document early.
pub fn deserialize<'de, D: Document, De: Deserializer<'de>>(
    deserializer: De,
) -> Result<D, De::Error> {
    let mut collector = Collector::new(D::__CREATING);
    collector.mode = Mode::Stream;
    let mut fields = D::__Fields::default();
    let visitor = StreamVisitor::new(&mut fields, &mut collector, Path::ROOT);
    if let Err(error) = deserializer.deserialize_map(visitor) {
        return Err(stopped(collector, error));
    }
    finish(fields, collector).map_err(de::Error::custom)
}

/// The error of a document whose reading `error` ended early: every problem listed until
/// then, and where the listing stopped. (Missing fields of a create input are not listed:
/// the rest of the document was not read.)
#[cold]
#[inline(never)]
fn stopped<E: de::Error>(mut collector: Collector, error: E) -> E {
    let at = match collector.aborted_at.take() {
        Some(at) if !collector.unreadable => at,
        // Not a field's value: the document is not an object, or not JSON. As `from_json`
        // answers such a body with that alone, the deserializer's own error, unchanged (its
        // position, and what it is: serde_json's `classify` tells a syntax error).
        _ => return error,
    };
    // The field whose value ended the document; its reason is said once, here.
    let reason = collector
        .error
        .as_mut()
        .and_then(|error| error.0.invalid.remove(&at))
        .unwrap_or_else(|| without_position(error.to_string()));
    let stop = format!("listing stopped at `{at}`: {reason}");
    let listed = collector.into_error().unwrap_or_default().to_string();
    if listed.is_empty() {
        E::custom(stop)
    } else {
        E::custom(format_args!("{listed}; {stop}"))
    }
}

/// Reads a patch or create input from JSON text (already known to be UTF-8), its problems as
/// data.
#[inline]
pub(crate) fn from_json_str<D: Document>(body: &str) -> Result<D, PatchError> {
    let mut collector = Collector::new(D::__CREATING);
    let mut json = serde_json::Deserializer::from_str(body);
    // Filled in place: the fields are moved once, into the result, however deep the reader.
    let mut fields = D::__Fields::default();
    let parsed = (&mut json)
        .deserialize_map(PatchVisitor::new(&mut fields, &mut collector, Path::ROOT))
        .and_then(|()| json.end());
    if parsed.is_err() || !collector.is_clean() {
        collector = refused(body, &mut fields, collector, parsed.err());
    }
    finish(fields, collector)
}

/// Every problem of a refused document; `fields` then holds every value that was valid.
#[cold]
#[inline(never)]
fn refused<F: Fields>(
    body: &str,
    fields: &mut F,
    mut collector: Collector,
    mut failure: Option<serde_json::Error>,
) -> Collector {
    let syntax =
        |failure: &serde_json::Error| failure.is_syntax() || failure.is_eof() || failure.is_io();
    // A value of the wrong type stopped the parse, or a refused value left its field empty
    // (so that a repeat of its key went unnoticed): read the document again, each value on
    // its own and every key's first value remembered, so that nothing goes unreported.
    let refused_value = collector
        .error
        .as_ref()
        .is_some_and(|error| !error.0.invalid.is_empty());
    let aborted = collector.aborted_at.is_some();
    if (aborted || refused_value) && !failure.as_ref().is_some_and(syntax) {
        collector = Collector::new(collector.creating);
        *fields = F::default();
        failure = super::rescan::rescan(body, fields, &mut collector).err();
    }
    let recorded_by_a_field = aborted || collector.mode == Mode::Scan;
    if let Some(failure) = failure.as_ref().filter(|failure| syntax(failure)) {
        collector.abort_was_syntax(failure.to_string());
    }
    if let Some(failure) = failure {
        if !syntax(&failure) && !recorded_by_a_field {
            // Not recorded by a field: the document itself has the wrong shape.
            collector.invalid(String::new(), failure.to_string());
        }
    }
    // Even a document with no problem recorded is refused here (the parse failed).
    collector.error();
    collector
}

/// A field's error without serde_json's `at line 1 column 42`: the path names the field, and
/// in the second pass the position would be within the value, not the document.
pub(super) fn without_position(mut message: String) -> String {
    if let Some(at) = message.rfind(" at line ") {
        let numbers = message[at + " at line ".len()..].split_once(" column ");
        let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if numbers.is_some_and(|(line, column)| digits(line) && digits(column)) {
            message.truncate(at);
        }
    }
    message
}

/// Reads an object into a patch: the document, or a nested object at `path`.
pub(super) struct PatchVisitor<'x, 'c, 'p, P> {
    patch: &'x mut P,
    collector: &'c mut Collector,
    path: Path<'p>,
}

impl<'x, 'c, 'p, P> PatchVisitor<'x, 'c, 'p, P> {
    pub(super) fn new(patch: &'x mut P, collector: &'c mut Collector, path: Path<'p>) -> Self {
        PatchVisitor {
            patch,
            collector,
            path,
        }
    }
}

impl<'de, P: Fields> Visitor<'de> for PatchVisitor<'_, '_, '_, P> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`",
            P::MODEL
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let PatchVisitor {
            patch,
            collector,
            path,
        } = self;
        let mut at = (collector, path);
        while let Some(key) = map.next_key_seed(KeySeed::<P>(&mut at, PhantomData))? {
            match key {
                Some(index) => patch.field(index, &mut map, at.0, at.1)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads one key: a field index, or `None` for a key already recorded as a problem. One
/// word: where to record a refused key.
pub(super) struct KeySeed<'a, 'c, 'p, P>(
    &'a mut (&'c mut Collector, Path<'p>),
    PhantomData<fn() -> P>,
);

impl<'a, 'c, 'p, P> KeySeed<'a, 'c, 'p, P> {
    pub(super) fn new(at: &'a mut (&'c mut Collector, Path<'p>)) -> Self {
        KeySeed(at, PhantomData)
    }
}

impl<'de, P: Fields> DeserializeSeed<'de> for KeySeed<'_, '_, '_, P> {
    type Value = Option<u16>;

    // Not `#[inline]`: inlined into `visit_map` it costs about 170 instructions more per
    // document (measured with scripts/callgrind.sh).
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<u16>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, P: Fields> Visitor<'de> for KeySeed<'_, '_, '_, P> {
    type Value = Option<u16>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<u16>, E> {
        match P::key(key) {
            Key::Field(index) => Ok(Some(index)),
            refused => {
                self.0 .0.refuse_key(self.0 .1, key, refused);
                Ok(None)
            }
        }
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<u16>, E> {
        match core::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => {
                let key = String::from_utf8_lossy(key);
                self.0 .0.refuse_key(self.0 .1, &key, Key::Unknown);
                Ok(None)
            }
        }
    }
}
