//! A JSON Patch operation as read in full: what it does, its pointers resolved, where its value
//! is in the document.

/// One operation, as read.
pub(super) struct Operation {
    pub(super) op: Op,
    pub(super) path: Target,
    /// `from` of `move` and `copy`.
    pub(super) from: Option<Target>,
    /// Where `value` of `add`, `replace` and `test` is written in the body.
    pub(super) value: Option<(usize, usize)>,
}

/// The six operations of RFC 6902 section 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

impl Op {
    pub(super) fn named(name: &str) -> Option<Op> {
        Some(match name {
            "add" => Op::Add,
            "remove" => Op::Remove,
            "replace" => Op::Replace,
            "move" => Op::Move,
            "copy" => Op::Copy,
            "test" => Op::Test,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Remove => "remove",
            Op::Replace => "replace",
            Op::Move => "move",
            Op::Copy => "copy",
            Op::Test => "test",
        }
    }

    pub(super) fn takes_value(self) -> bool {
        matches!(self, Op::Add | Op::Replace | Op::Test)
    }

    pub(super) fn takes_from(self) -> bool {
        matches!(self, Op::Move | Op::Copy)
    }
}

/// A pointer and the fields it names.
pub(super) struct Target {
    pub(super) text: Text,
    /// From the model's fields down (empty when refused).
    pub(super) steps: Vec<Step>,
}

/// A pointer's text: where it is written in the body, or decoded when it held a JSON escape.
pub(super) enum Text {
    Body((usize, usize)),
    Owned(Box<str>),
}

impl Text {
    pub(super) fn as_str<'a>(&'a self, body: &'a str) -> &'a str {
        match self {
            Text::Body((start, end)) => &body[*start..*end],
            Text::Owned(text) => text,
        }
    }
}

/// One step of a pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The field at this index of the fields of the model (or nested model) reached so far.
    Field(usize),
    /// A list's element.
    Index(usize),
    /// After a list's last element (`-`).
    End,
}
