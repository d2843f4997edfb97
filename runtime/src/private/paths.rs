//! Where each field of a model sits in a JSON Patch document: `Patch::__PATHS`, emitted by the
//! derive's `expand/paths.rs`, read by `json_patch` to resolve pointers without the model.

/// One field of a model, as a JSON Patch pointer may name it.
#[derive(Debug)]
pub struct PathField {
    /// The keys the model's `Deserialize` reads for the field: its wire name, then its
    /// aliases. A pointer names the field by any of them.
    pub keys: &'static [&'static str],
    /// The member the model's view writes the field as, `None` when no view ever writes it
    /// (`secret`, `skip_serializing`): such a field is never read by `copy`, `move` or `test`.
    pub shown: Option<&'static str>,
    /// Whether a patch may write the field (not server-only, not create-only).
    pub writable: bool,
    /// An `Option`: `None` is an absent member, not `null`.
    pub optional: bool,
    /// Present in every view of the model: no read rule, never skipped, never `None`. A
    /// `replace` of it needs no view to know that its target exists.
    pub always: bool,
    /// What a pointer may address inside the field.
    pub shape: PathShape,
}

/// What a pointer may address inside a field.
#[derive(Debug)]
pub enum PathShape {
    /// Nothing: the field is one value, written whole.
    Value,
    /// A `Vec`'s elements, by index (and `-`, after the last, for `add`).
    List,
    /// A nested model's fields, through its own patch.
    Nested(&'static [PathField]),
}

#[cfg(feature = "json-patch")]
impl PathField {
    /// The field `key` names in `fields`.
    pub(crate) fn find(fields: &'static [PathField], key: &str) -> Option<usize> {
        fields.iter().position(|field| field.keys.contains(&key))
    }

    /// The wire name: what the merge patch built from a JSON Patch writes the field as.
    pub(crate) fn wire(&self) -> &'static str {
        self.keys[0]
    }
}
