//! Wire paths (`address.verified`) built on the stack and joined only when reported.

/// A field's position in the document: a chain of names that costs nothing until an error
/// needs it as a string.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    name: &'a str,
}

impl<'a> Path<'a> {
    /// The document itself.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        name: "",
    };

    /// The path of field `name` inside this one.
    pub fn child<'b>(&'b self, name: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            name,
        }
    }

    /// The path as the client wrote it, `""` for the document itself.
    pub fn join(&self) -> String {
        let mut names = Vec::new();
        let mut at = Some(self);
        while let Some(path) = at {
            if path.parent.is_some() {
                names.push(path.name);
            }
            at = path.parent;
        }
        names.reverse();
        names.join(".")
    }

    /// The path of `key` inside this one, as a string.
    pub fn join_key(&self, key: &str) -> String {
        self.child(key).join()
    }
}
