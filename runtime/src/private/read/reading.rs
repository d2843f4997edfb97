//! Where a reader is in one document, beside the problems found so far: what a field's reader
//! must know besides the errors, and what an error ending the document means.

use super::collector::without_position;
use super::Collector;

/// One document being read: its problems ([`Collector`]), and the reader's state.
#[derive(Debug, Default)]
pub struct Reading {
    /// The problems found so far.
    pub(super) errors: Collector,
    // Where an error aborted the parse (one value at a time: the current value), once one has.
    pub(super) aborted_at: Option<String>,
    // Reading a create input: `null` for an optional sub-model erases nothing, since nothing
    // exists yet.
    pub(super) creating: bool,
    // In the stream: the deserializer failed on its own (the text is not JSON), not on a
    // field's value; its error is the answer.
    pub(super) unreadable: bool,
}

impl Reading {
    /// The reading of a patch (`creating` false) or a create input.
    pub(super) fn new(creating: bool) -> Self {
        Reading {
            creating,
            ..Reading::default()
        }
    }

    pub(super) fn aborted_by(&mut self, path: String, reason: String) {
        // A type error aborts the parse and unwinds through every enclosing field: keep the
        // innermost one, which names the field that really is wrong.
        if self.aborted_at.is_none() {
            self.errors.invalid(path.clone(), without_position(reason));
            self.aborted_at = Some(path);
        }
    }

    /// The error that aborted the parse was a syntax error, not the value's fault: it is no
    /// invalid value, and the document is malformed.
    pub(super) fn abort_was_syntax(&mut self, reason: String) {
        if let Some(path) = self.aborted_at.take() {
            self.errors.take_invalid(&path);
        }
        self.errors.malformed(reason);
    }
}
