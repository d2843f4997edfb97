//! `If-Match` (RFC 9110, section 13.1.1), read strictly: `*` or a list of entity tags. Anything
//! else is a client error (400), never a silent mismatch (412) or a silent match.

use actix_web::http::header::{self, EntityTag, IfMatch};
use actix_web::HttpRequest;

/// An `If-Match` that is not `*` or a list of entity tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedIfMatch;

/// The request's `If-Match` (every field line of it), `Ok(None)` when it has none.
pub fn if_match(req: &HttpRequest) -> Result<Option<IfMatch>, MalformedIfMatch> {
    let mut lines = req.headers().get_all(header::IF_MATCH).peekable();
    if lines.peek().is_none() {
        return Ok(None);
    }
    let mut tags = Vec::new();
    let mut any = false;
    for line in lines {
        let line = line.to_str().map_err(|_| MalformedIfMatch)?;
        if line.trim() == "*" {
            any = true;
        } else {
            tags.extend(parse_list(line)?);
        }
    }
    // `*` is a field value on its own; mixed with tags the header means nothing sensible.
    match (any, tags.is_empty()) {
        (true, true) => Ok(Some(IfMatch::Any)),
        (false, false) => Ok(Some(IfMatch::Items(tags))),
        _ => Err(MalformedIfMatch),
    }
}

/// `#entity-tag`: comma-separated, optional white space, empty elements ignored (RFC 9110,
/// section 5.6.1), at least one tag.
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
    if tags.is_empty() {
        Err(MalformedIfMatch)
    } else {
        Ok(tags)
    }
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
    Ok((EntityTag::new(weak, tag.to_owned()), &body[end + 1..]))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn parse(values: &[&str]) -> Result<Option<IfMatch>, MalformedIfMatch> {
        let mut req = TestRequest::default();
        for value in values {
            req = req.append_header((header::IF_MATCH, *value));
        }
        if_match(&req.to_http_request())
    }

    #[test]
    fn entity_tag_lists_and_star() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["*"]), Ok(Some(IfMatch::Any)));
        assert_eq!(
            parse(&[r#""v1", W/"v2" ,,"v3""#, r#""v4""#]),
            Ok(Some(IfMatch::Items(vec![
                EntityTag::new_strong("v1".into()),
                EntityTag::new_weak("v2".into()),
                EntityTag::new_strong("v3".into()),
                EntityTag::new_strong("v4".into()),
            ])))
        );
        assert_eq!(
            parse(&[r#""""#]),
            Ok(Some(IfMatch::Items(vec![EntityTag::new_strong(
                String::new()
            )])))
        );
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
            ",",
            "",
            "*, \"v1\"",
        ] {
            assert_eq!(parse(&[bad]), Err(MalformedIfMatch), "{bad:?}");
        }
        assert_eq!(parse(&["*", "\"v1\""]), Err(MalformedIfMatch));
    }
}
