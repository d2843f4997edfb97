//! Cross-site request forgery, for the one route an HTML form can reach (`POST /profile`).
//!
//! A browser that has Basic credentials for this server adds them to every request to it,
//! including a form another site's page submits: without this check, any page the user visits
//! could post `bio=...` to their profile. JSON routes need no check: a cross-site page cannot
//! send `application/json` (nor PATCH or PUT) without a CORS preflight, which this server
//! never grants.
//!
//! Browsers say where a request comes from in `Sec-Fetch-Site` (current ones) and `Origin`
//! (every cross-origin POST). A request with neither comes from a client that is not a browser
//! (curl, a script), which holds the password itself: nothing to forge.

/// Whether a request may be a form post from this server's own pages: `Sec-Fetch-Site`, if
/// sent, is `same-origin` or `none` (typed by the user); `Origin`, if sent, is this host's
/// (`host` is the request's `Host`).
pub fn same_origin(
    host: Option<&[u8]>,
    origin: Option<&[u8]>,
    sec_fetch_site: Option<&[u8]>,
) -> bool {
    if let Some(site) = sec_fetch_site {
        // `same-site` too is refused: a sibling subdomain may be someone else's.
        if site != b"same-origin" && site != b"none" {
            return false;
        }
    }
    match origin {
        None => true,
        // `null` (a sandboxed frame, a redirect across sites) is an origin we cannot trust.
        Some(origin) => host.is_some_and(|host| {
            [&b"http://"[..], b"https://"]
                .iter()
                .any(|scheme| origin.strip_prefix(*scheme) == Some(host))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    const HOST: Option<&[u8]> = Some(b"127.0.0.1:8080");

    #[test]
    fn own_pages_and_non_browsers_pass() {
        assert!(same_origin(HOST, None, None));
        assert!(same_origin(HOST, Some(b"http://127.0.0.1:8080"), None));
        assert!(same_origin(
            HOST,
            Some(b"https://127.0.0.1:8080"),
            Some(b"same-origin")
        ));
        assert!(same_origin(HOST, None, Some(b"none")));
    }

    #[test]
    fn other_sites_are_refused() {
        assert!(!same_origin(HOST, Some(b"http://evil.example"), None));
        assert!(!same_origin(HOST, Some(b"null"), None));
        assert!(!same_origin(HOST, Some(b"http://127.0.0.1:8081"), None));
        assert!(!same_origin(
            HOST,
            Some(b"http://127.0.0.1:8080.evil"),
            None
        ));
        assert!(!same_origin(None, Some(b"http://127.0.0.1:8080"), None));
        assert!(!same_origin(HOST, None, Some(b"cross-site")));
        assert!(!same_origin(HOST, None, Some(b"same-site")));
        // A same-origin Origin does not excuse a browser that says cross-site.
        assert!(!same_origin(
            HOST,
            Some(b"http://127.0.0.1:8080"),
            Some(b"cross-site")
        ));
    }
}
