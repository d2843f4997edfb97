//! `If-Match` (RFC 9110, section 13.1.1), read strictly: `*` or a list of entity tags. Anything
//! else is a client error (400), never a silent mismatch (412) or a silent match. Framework
//! free: both servers hand it their header values.

/// The strong `ETag` of a user's representation at `version`: `"v7"`, quoted.
pub fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

/// An entity tag of `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    /// `W/"..."`: weak tags never match in `If-Match` (strong comparison).
    pub weak: bool,
    /// The opaque tag, without quotes.
    pub tag: String,
}

/// A request's `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current representation.
    Any,
    /// A list of entity tags.
    Tags(Vec<EntityTag>),
}

impl IfMatch {
    /// Whether it allows writing over `version` (strong comparison, RFC 9110 8.8.3.2).
    pub fn matches(&self, version: u64) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => {
                let current = format!("v{version}");
                tags.iter().any(|tag| !tag.weak && tag.tag == current)
            }
        }
    }
}

/// An `If-Match` that is not `*` or a list of entity tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedIfMatch;

/// The `If-Match` of a request from its field lines, `Ok(None)` when it has none.
pub fn if_match<'a>(
    lines: impl Iterator<Item = &'a [u8]>,
) -> Result<Option<IfMatch>, MalformedIfMatch> {
    let mut lines = lines.peekable();
    if lines.peek().is_none() {
        return Ok(None);
    }
    let mut tags = Vec::new();
    let mut any = false;
    for line in lines {
        let line = std::str::from_utf8(line).map_err(|_| MalformedIfMatch)?;
        if line.trim() == "*" {
            any = true;
        } else {
            tags.extend(parse_list(line)?);
        }
    }
    // `*` is a field value on its own; mixed with tags the header means nothing sensible. A
    // list may be empty (`If-Match:` or `If-Match: ,`): RFC 9110 allows a list of no elements,
    // and as no tag matches, the condition is false (412).
    match (any, tags.is_empty()) {
        (true, true) => Ok(Some(IfMatch::Any)),
        (false, _) => Ok(Some(IfMatch::Tags(tags))),
        (true, false) => Err(MalformedIfMatch),
    }
}

/// `#entity-tag`: comma-separated, optional white space, empty elements ignored (RFC 9110,
/// section 5.6.1); possibly none.
fn parse_list(line: &str) -> Result<Vec<EntityTag>, MalformedIfMatch> {
    let mut tags = Vec::new();
    let mut rest = line.trim_matches([' ', '\t']);
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_start_matches([' ', '\t']);
            continue;
        }
        let (tag, after) = parse_tag(rest)?;
        tags.push(tag);
        rest = after.trim_start_matches([' ', '\t']);
        if !rest.is_empty() {
            rest = rest.strip_prefix(',').ok_or(MalformedIfMatch)?;
            rest = rest.trim_start_matches([' ', '\t']);
        }
    }
    Ok(tags)
}

/// `[W/] DQUOTE *etagc DQUOTE`, etagc = %x21 / %x23-7E / obs-text; the rest of the input.
fn parse_tag(input: &str) -> Result<(EntityTag, &str), MalformedIfMatch> {
    let (weak, quoted) = match input.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let body = quoted.strip_prefix('"').ok_or(MalformedIfMatch)?;
    let end = body.find('"').ok_or(MalformedIfMatch)?;
    let tag = &body[..end];
    let etagc = |byte: u8| byte == 0x21 || (0x23..=0x7e).contains(&byte) || byte >= 0x80;
    if !tag.bytes().all(etagc) {
        return Err(MalformedIfMatch);
    }
    let tag = EntityTag {
        weak,
        tag: tag.to_owned(),
    };
    Ok((tag, &body[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(values: &[&str]) -> Result<Option<IfMatch>, MalformedIfMatch> {
        if_match(values.iter().map(|value| value.as_bytes()))
    }

    fn strong(tag: &str) -> EntityTag {
        EntityTag {
            weak: false,
            tag: tag.to_owned(),
        }
    }

    #[test]
    fn entity_tag_lists_and_star() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["*"]), Ok(Some(IfMatch::Any)));
        let tags = parse(&[r#""v1", W/"v2" ,,"v3""#, r#""v4""#])
            .unwrap()
            .unwrap();
        assert_eq!(
            tags,
            IfMatch::Tags(vec![
                strong("v1"),
                EntityTag {
                    weak: true,
                    tag: "v2".to_owned()
                },
                strong("v3"),
                strong("v4"),
            ])
        );
        assert!(tags.matches(3) && tags.matches(1) && !tags.matches(2));
        assert_eq!(parse(&[r#""""#]), Ok(Some(IfMatch::Tags(vec![strong("")]))));
        // An empty list: well-formed, and matches no version.
        for empty in ["", ",", " , ,"] {
            let none = parse(&[empty]).unwrap().unwrap();
            assert_eq!(none, IfMatch::Tags(vec![]), "{empty:?}");
            assert!(!none.matches(1));
        }
        assert_eq!(etag(7), "\"v7\"");
    }

    /// Versions are compared as text, never parsed: a tag past any integer type a database has
    /// is well-formed and matches no version (412 on every backend), and the largest version
    /// there is still matches itself.
    #[test]
    fn tags_past_every_integer_type_match_nothing() {
        for tag in [
            "v9223372036854775808",
            "v18446744073709551616",
            "v-1",
            "v0",
            "v01",
            "v1e3",
        ] {
            let quoted = format!("\"{tag}\"");
            let parsed = parse(&[&quoted]).unwrap().unwrap();
            // Versions start at 1 (the tables check it).
            for version in [1, 1000, i64::MAX as u64, u64::MAX] {
                assert!(!parsed.matches(version), "{tag} matched {version}");
            }
        }
        let max = parse(&["\"v18446744073709551615\""]).unwrap().unwrap();
        assert!(max.matches(u64::MAX) && !max.matches(u64::MAX - 1));
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "v2",
            "\"v2",
            "v2\"",
            "w/\"v2\"",
            "\"v\"2\"",
            "\"v 2\"",
            "\"v1\" \"v2\"",
            "\"v1\";",
            "*, \"v1\"",
        ] {
            assert_eq!(parse(&[bad]), Err(MalformedIfMatch), "{bad:?}");
        }
        assert_eq!(parse(&["*", "\"v1\""]), Err(MalformedIfMatch));
        assert_eq!(
            if_match([&b"\"v1\xff\""[..]].into_iter()),
            Err(MalformedIfMatch)
        );
    }
}
