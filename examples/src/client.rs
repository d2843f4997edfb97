//! The client's address, for the login limiter: the connection's peer, or, only when the peer
//! is a reverse proxy named with `--trusted-proxy`, the address that proxy forwarded for.

use std::net::IpAddr;

/// Reverse proxies whose `Forwarded` / `X-Forwarded-For` is believed. Empty by default: a
/// client could otherwise name any address and escape its own throttle.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

impl TrustedProxies {
    /// The client behind `peer`, given the request's `Forwarded` and `X-Forwarded-For` field
    /// lines: `peer` itself unless it is a trusted proxy; then the nearest address in the
    /// forwarding chain that is not a trusted proxy, read from the right of `Forwarded`
    /// (RFC 7239) or, without it, of `X-Forwarded-For`. A hop that names no address
    /// (`unknown`, an obfuscated name, garbage) ends the walk at the last trusted proxy, so
    /// the client is never taken from a part of the header a client could have written.
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl IntoIterator<Item = &'a [u8]>,
        x_forwarded_for: impl IntoIterator<Item = &'a [u8]>,
    ) -> IpAddr {
        if !self.0.contains(&peer) {
            return peer;
        }
        let hops = match forwarded_for(forwarded) {
            Some(hops) => hops,
            None => x_forwarded_for_hops(x_forwarded_for),
        };
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(addr) => {
                    client = *addr;
                    if !self.0.contains(addr) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

/// The `for=` of every element of every `Forwarded` line, in order; `None` when there is no
/// `Forwarded` header.
fn forwarded_for<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<Option<IpAddr>>> {
    let mut lines = lines.into_iter().peekable();
    lines.peek()?;
    let mut hops = Vec::new();
    for line in lines {
        let Ok(line) = std::str::from_utf8(line) else {
            hops.push(None);
            continue;
        };
        for element in line.split(',') {
            let value = element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for").then_some(value)
            });
            hops.push(value.and_then(node_addr));
        }
    }
    Some(hops)
}

/// A `node` of RFC 7239: `192.0.2.4`, `"192.0.2.4:80"`, `"[2001:db8::1]:80"`; `None` for
/// `unknown`, an obfuscated name or anything else.
fn node_addr(value: &str) -> Option<IpAddr> {
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    match value.parse() {
        Ok(addr) => Some(addr),
        // IPv4 with a port.
        Err(_) => value
            .rsplit_once(':')?
            .0
            .parse::<std::net::Ipv4Addr>()
            .ok()
            .map(IpAddr::from),
    }
}

fn x_forwarded_for_hops<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Vec<Option<IpAddr>> {
    lines
        .into_iter()
        .flat_map(|line| {
            // A line that is not text is one hop naming nothing: it stops the walk.
            let line = std::str::from_utf8(line).unwrap_or(",");
            line.split(',')
                .map(|hop| hop.trim().parse().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROXY: [u8; 4] = [10, 0, 0, 1];

    fn client(trusted: &[[u8; 4]], peer: [u8; 4], headers: &[(&str, &str)]) -> IpAddr {
        let lines = |wanted: &str| {
            let named = headers.iter().filter(move |(name, _)| *name == wanted);
            named.map(|(_, value)| value.as_bytes()).collect::<Vec<_>>()
        };
        let proxies = TrustedProxies(trusted.iter().map(|&ip| IpAddr::from(ip)).collect());
        proxies.client(peer.into(), lines("forwarded"), lines("x-forwarded-for"))
    }

    #[test]
    fn headers_of_an_untrusted_peer_are_ignored() {
        let spoofed = [
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ];
        assert_eq!(client(&[], PROXY, &spoofed), IpAddr::from(PROXY));
        assert_eq!(
            client(&[PROXY], [203, 0, 113, 5], &spoofed),
            IpAddr::from([203, 0, 113, 5])
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_from_the_right() {
        // The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
        let xff = [("x-forwarded-for", "1.2.3.4, 203.0.113.9")];
        assert_eq!(
            client(&[PROXY], PROXY, &xff),
            IpAddr::from([203, 0, 113, 9])
        );
        let forwarded = [(
            "forwarded",
            r#"for=1.2.3.4, for="203.0.113.9:4711";proto=https"#,
        )];
        assert_eq!(
            client(&[PROXY], PROXY, &forwarded),
            IpAddr::from([203, 0, 113, 9])
        );
        let ipv6 = [("forwarded", r#"For="[2001:db8:cafe::17]:4711""#)];
        assert_eq!(
            client(&[PROXY], PROXY, &ipv6),
            "2001:db8:cafe::17".parse::<IpAddr>().unwrap()
        );
        // Forwarded wins over X-Forwarded-For.
        let both = [
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=203.0.113.9"),
        ];
        assert_eq!(
            client(&[PROXY], PROXY, &both),
            IpAddr::from([203, 0, 113, 9])
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_and_an_unknown_hop_stops_the_walk() {
        let second = [10, 0, 0, 2];
        let chain = [("x-forwarded-for", "203.0.113.9, 10.0.0.2")];
        assert_eq!(
            client(&[PROXY, second], PROXY, &chain),
            IpAddr::from([203, 0, 113, 9])
        );
        let hidden = [("forwarded", "for=203.0.113.9, for=unknown")];
        assert_eq!(client(&[PROXY], PROXY, &hidden), IpAddr::from(PROXY));
        let none = [("x-forwarded-for", "")];
        assert_eq!(client(&[PROXY], PROXY, &none), IpAddr::from(PROXY));
        assert_eq!(client(&[PROXY], PROXY, &[]), IpAddr::from(PROXY));
    }
}
