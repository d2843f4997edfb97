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
    // The top-level fields of the patch, by index among its writable fields. The first 64
    // get a bit each, so that applying a flat patch allocates nothing.
    top: &'static [&'static str],
    written: u64,
    changed: u64,
    // Nested patches, their fields, and top-level fields past the 64th, in write order. A
    // nested field points at its parent, so that paths cost nothing until someone asks.
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    parent: Option<usize>,
    // Index of the top-level field this entry lives under.
    top: usize,
    name: &'static str,
    // None for a nested patch (a branch); Some(changed) for a written value (a leaf).
    leaf: Option<bool>,
}

/// Where a [`FieldPath`] points.
#[derive(Clone, Copy)]
enum Place {
    Top(usize),
    Entry(usize),
}

const BITS: usize = u64::BITS as usize;

impl Applied {
    #[doc(hidden)]
    /// An empty record for a patch whose writable fields are `top`.
    #[inline]
    pub fn __new(top: &'static [&'static str]) -> Self {
        Applied {
            top,
            written: 0,
            changed: 0,
            entries: Vec::new(),
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
        self.changed != 0 || self.entries.iter().any(|entry| entry.leaf == Some(true))
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

    /// Leaves in declaration order: each top-level field's own bit, then what was written
    /// under it.
    fn leaves(&self, keep: fn(bool) -> bool) -> impl Iterator<Item = FieldPath<'_>> + '_ {
        let last_top = self
            .entries
            .iter()
            .map(|entry| entry.top + 1)
            .max()
            .unwrap_or(0);
        (0..self.top.len().max(last_top)).flat_map(move |index| {
            let own = index < BITS
                && self.written & (1 << index) != 0
                && keep(self.changed & (1 << index) != 0);
            let bit = own.then_some(FieldPath {
                applied: self,
                place: Place::Top(index),
            });
            let under = self
                .entries
                .iter()
                .enumerate()
                .filter(move |(_, entry)| entry.top == index && entry.leaf.is_some_and(keep))
                .map(move |(at, _)| FieldPath {
                    applied: self,
                    place: Place::Entry(at),
                });
            bit.into_iter().chain(under)
        })
    }

    #[doc(hidden)]
    /// Records a written value, the field `index` of its patch; `changed` tells whether it
    /// differs from the old one.
    #[inline]
    pub fn __leaf(
        &mut self,
        parent: Option<usize>,
        index: usize,
        name: &'static str,
        changed: bool,
    ) {
        if parent.is_none() && index < BITS {
            self.written |= 1 << index;
            self.changed |= u64::from(changed) << index;
        } else {
            self.push(parent, index, name, Some(changed));
        }
    }

    #[doc(hidden)]
    /// Records a nested patch, the field `index` of its parent; its fields name the returned
    /// position as their parent.
    #[inline]
    pub fn __branch(&mut self, parent: Option<usize>, index: usize, name: &'static str) -> usize {
        self.push(parent, index, name, None);
        self.entries.len() - 1
    }

    fn push(
        &mut self,
        parent: Option<usize>,
        index: usize,
        name: &'static str,
        leaf: Option<bool>,
    ) {
        let top = parent.map_or(index, |parent| self.entries[parent].top);
        self.entries.push(Entry {
            parent,
            top,
            name,
            leaf,
        });
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
    place: Place,
}

impl FieldPath<'_> {
    /// The path's segments, outermost first.
    pub fn segments(&self) -> Vec<&'static str> {
        let mut segments = Vec::new();
        let mut at = match self.place {
            Place::Top(index) => return vec![self.applied.top[index]],
            Place::Entry(at) => Some(at),
        };
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
        match self.place {
            Place::Top(index) => self.applied.top[index],
            Place::Entry(mut at) => loop {
                let entry = &self.applied.entries[at];
                match entry.parent {
                    Some(parent) => at = parent,
                    None => break entry.name,
                }
            },
        }
    }

    /// The last segment: the field's own name.
    pub fn name(&self) -> &'static str {
        match self.place {
            Place::Top(index) => self.applied.top[index],
            Place::Entry(at) => self.applied.entries[at].name,
        }
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
