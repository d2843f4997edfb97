//! The problems found in one document, as they are found: [`Collector`].

use crate::error::{PatchError, Problems};

use super::Path;

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

/// The problems found so far in one document: only errors (where the reader is, is
/// [`Reading`](super::Reading)'s).
#[derive(Debug, Default)]
pub struct Collector {
    // Made on the first problem: a good document costs neither its construction nor its drop.
    error: Option<PatchError>,
}

impl Collector {
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

    /// Refuses the document even if no problem is recorded (its parse failed).
    pub(super) fn refuse(&mut self) {
        self.error();
    }

    /// Whether a value was refused (listed as invalid).
    pub(super) fn refused_a_value(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|error| !error.0.invalid.is_empty())
    }

    /// Takes back the reason recorded for the value at `path`, to be said elsewhere.
    pub(super) fn take_invalid(&mut self, path: &str) -> Option<String> {
        self.error
            .as_mut()
            .and_then(|error| error.0.invalid.remove(path))
    }

    pub(super) fn is_clean(&self) -> bool {
        self.error.is_none()
    }

    /// Whether the document as a whole is refused (not JSON, or not an object): then no
    /// field of it was read, and none is missing.
    pub(super) fn document_refused(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|error| error.0.malformed.is_some() || error.0.invalid.contains_key(""))
    }

    pub(super) fn into_error(self) -> Option<PatchError> {
        self.error
    }
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
