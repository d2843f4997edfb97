//! What a successful `apply` wrote: for audit logs and `UPDATE ... SET` of just those columns.

use std::fmt;

/// The fields a successful apply wrote, and which of them actually changed value.
///
/// Paths use the model's Rust field names (the names of its columns, not the wire names) and
/// list nested fields as `address.city`, in declaration order.
///
/// ```
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// struct Profile {
///     #[update(allow)] name: String,
///     #[update(allow)] bio: Option<String>,
/// }
///
/// let mut profile = Profile { name: "Eve".into(), bio: None };
/// let patch: ProfilePatch = safe_update::from_json(br#"{"name":"Eve","bio":"hi"}"#).unwrap();
/// let applied = patch.apply(&mut profile).unwrap();
/// assert_eq!(applied.written().map(|f| f.to_string()).collect::<Vec<_>>(), ["name", "bio"]);
/// assert_eq!(applied.changed().map(|f| f.to_string()).collect::<Vec<_>>(), ["bio"]);
/// assert!(applied.has_changes());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Applied {
    // One entry per written field and per nested patch; a nested field points at its parent
    // so that paths cost nothing to build unless someone asks for them.
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    parent: Option<usize>,
    name: &'static str,
    // None for a nested patch (a branch); Some(changed) for a written value (a leaf).
    leaf: Option<bool>,
}

impl Applied {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Applied {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Every field written, changed or not.
    pub fn written(&self) -> impl Iterator<Item = FieldPath<'_>> + '_ {
        self.leaves(|_| true)
    }

    /// The written fields whose new value differs from the old one.
    pub fn changed(&self) -> impl Iterator<Item = FieldPath<'_>> + '_ {
        self.leaves(|changed| changed)
    }

    /// Whether any value changed.
    pub fn has_changes(&self) -> bool {
        self.changed().next().is_some()
    }

    /// Whether the field at `path` (`"bio"`, `"address.city"`) changed value.
    pub fn is_changed(&self, path: &str) -> bool {
        self.changed().any(|field| field == path)
    }

    /// Top-level fields under which something changed, once each: the columns an SQL
    /// `UPDATE` must set.
    pub fn changed_top_level(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for field in self.changed() {
            let top = field.top();
            if !names.contains(&top) {
                names.push(top);
            }
        }
        names
    }

    fn leaves(&self, keep: fn(bool) -> bool) -> impl Iterator<Item = FieldPath<'_>> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(move |(_, entry)| entry.leaf.is_some_and(keep))
            .map(move |(index, _)| FieldPath {
                applied: self,
                index,
            })
    }

    #[doc(hidden)]
    /// Records a written value; `changed` tells whether it differs from the old one.
    pub fn __leaf(&mut self, parent: Option<usize>, name: &'static str, changed: bool) {
        self.entries.push(Entry {
            parent,
            name,
            leaf: Some(changed),
        });
    }

    #[doc(hidden)]
    /// Records a nested patch; its fields name the returned index as their parent.
    pub fn __branch(&mut self, parent: Option<usize>, name: &'static str) -> usize {
        self.entries.push(Entry {
            parent,
            name,
            leaf: None,
        });
        self.entries.len() - 1
    }
}

/// Shows the paths: `Applied { written: ["name", "bio"], changed: ["bio"] }`.
impl fmt::Debug for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Applied")
            .field("written", &self.written().collect::<Vec<_>>())
            .field("changed", &self.changed().collect::<Vec<_>>())
            .finish()
    }
}

/// The path of one written field, such as `bio` or `address.city`.
#[derive(Clone, Copy)]
pub struct FieldPath<'a> {
    applied: &'a Applied,
    index: usize,
}

impl<'a> FieldPath<'a> {
    /// The path's segments, outermost first.
    pub fn segments(&self) -> Vec<&'static str> {
        let mut segments = Vec::new();
        let mut at = Some(self.index);
        while let Some(index) = at {
            let entry = &self.applied.entries[index];
            segments.push(entry.name);
            at = entry.parent;
        }
        segments.reverse();
        segments
    }

    /// The top-level field this path starts with: the column it lives in.
    pub fn top(&self) -> &'static str {
        let mut entry = &self.applied.entries[self.index];
        while let Some(parent) = entry.parent {
            entry = &self.applied.entries[parent];
        }
        entry.name
    }

    /// The last segment: the field's own name.
    pub fn name(&self) -> &'static str {
        self.applied.entries[self.index].name
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments().join("."))
    }
}

impl fmt::Debug for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

impl PartialEq<str> for FieldPath<'_> {
    fn eq(&self, other: &str) -> bool {
        let mut rest = other;
        for (position, segment) in self.segments().iter().enumerate() {
            if position > 0 {
                match rest.strip_prefix('.') {
                    Some(after) => rest = after,
                    None => return false,
                }
            }
            match rest.strip_prefix(segment) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

impl PartialEq<&str> for FieldPath<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}
