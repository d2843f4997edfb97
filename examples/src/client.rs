//! The client's address, for the login limiter: the connection's peer, or, only when the peer
//! is a reverse proxy named with `--trusted-proxy`, the address that proxy forwarded for, read
//! from the one header that proxy maintains (`--forwarded-header`).

use std::net::IpAddr;

/// The forwarding header a trusted proxy maintains: the only one believed. A proxy appends
/// its peer to one of them and passes the other through as the client wrote it, so reading
/// both (or preferring the one a client can write) would let a client pick the address it is
/// throttled under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For`, as nginx's `$proxy_add_x_forwarded_for` and HAProxy's `forwardfor`
    /// write it.
    #[default]
    XForwardedFor,
    /// `Forwarded` (RFC 7239), for a proxy that writes that one.
    Forwarded,
}

impl ForwardedHeader {
    /// The header's field name, lower case.
    pub fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }
}

/// Reverse proxies whose forwarding header is believed, and which header that is. No proxy by
/// default: a client could otherwise name any address and escape its own throttle.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    proxies: Vec<IpAddr>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// The proxies at `proxies`, believed in `header` alone. An IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`) is taken as the IPv4 address it maps.
    pub fn new(proxies: impl IntoIterator<Item = IpAddr>, header: ForwardedHeader) -> Self {
        TrustedProxies {
            proxies: proxies.into_iter().map(|ip| ip.to_canonical()).collect(),
            header,
        }
    }

    /// The header believed.
    pub fn header(&self) -> ForwardedHeader {
        self.header
    }

    /// The client behind `peer`, given `lines`, which returns the field lines of the header
    /// named (only [`header`](Self::header)'s is asked for): `peer` itself unless it is a
    /// trusted proxy; then the nearest address in the forwarding chain that is not a trusted
    /// proxy, read from the right. A hop that names no address (`unknown`, an obfuscated name,
    /// garbage) ends the walk at the last trusted proxy, so the client is never taken from a
    /// part of the header a client could have written.
    ///
    /// IPv4-mapped IPv6 addresses (what a dual-stack listener reports for an IPv4 peer) are
    /// the IPv4 address, for the match and in the answer: one client has one address.
    pub fn client<'a, L>(&self, peer: IpAddr, lines: impl FnOnce(&'static str) -> L) -> IpAddr
    where
        L: IntoIterator<Item = &'a [u8]>,
    {
        let peer = peer.to_canonical();
        if !self.proxies.contains(&peer) {
            return peer;
        }
        let lines = lines(self.header.name());
        let hops = match self.header {
            ForwardedHeader::XForwardedFor => x_forwarded_for_hops(lines),
            ForwardedHeader::Forwarded => forwarded_for(lines),
        };
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.map(|addr| addr.to_canonical()) {
                Some(addr) => {
                    client = addr;
                    if !self.proxies.contains(&addr) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

/// The `for=` of every element of every `Forwarded` line, in order.
fn forwarded_for<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Vec<Option<IpAddr>> {
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
    hops
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
    use ForwardedHeader::{Forwarded, XForwardedFor};

    const PROXY: [u8; 4] = [10, 0, 0, 1];

    /// The client `proxies` name for `peer`, the request carrying `headers` (lower-case names).
    fn client_of(proxies: &TrustedProxies, peer: IpAddr, headers: &[(&str, &str)]) -> IpAddr {
        proxies.client(peer, |wanted| {
            let named = headers.iter().filter(move |(name, _)| *name == wanted);
            named.map(|(_, value)| value.as_bytes()).collect::<Vec<_>>()
        })
    }

    /// [`client_of`] with IPv4 proxies and peer, believing `header`.
    fn client(
        header: ForwardedHeader,
        trusted: &[[u8; 4]],
        peer: [u8; 4],
        headers: &[(&str, &str)],
    ) -> IpAddr {
        let proxies = TrustedProxies::new(trusted.iter().map(|&ip| IpAddr::from(ip)), header);
        client_of(&proxies, peer.into(), headers)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn x_forwarded_for_is_the_default() {
        assert_eq!(ForwardedHeader::default(), XForwardedFor);
        assert_eq!(TrustedProxies::default().header(), XForwardedFor);
    }

    #[test]
    fn headers_of_an_untrusted_peer_are_ignored() {
        let spoofed = [
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ];
        for header in [XForwardedFor, Forwarded] {
            assert_eq!(client(header, &[], PROXY, &spoofed), IpAddr::from(PROXY));
            assert_eq!(
                client(header, &[PROXY], [203, 0, 113, 5], &spoofed),
                ip("203.0.113.5")
            );
        }
    }

    #[test]
    fn a_trusted_proxy_names_the_client_from_the_right() {
        // The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
        let xff = [("x-forwarded-for", "1.2.3.4, 203.0.113.9")];
        assert_eq!(
            client(XForwardedFor, &[PROXY], PROXY, &xff),
            ip("203.0.113.9")
        );
        let forwarded = [(
            "forwarded",
            r#"for=1.2.3.4, for="203.0.113.9:4711";proto=https"#,
        )];
        assert_eq!(
            client(Forwarded, &[PROXY], PROXY, &forwarded),
            ip("203.0.113.9")
        );
        let ipv6 = [("forwarded", r#"For="[2001:db8:cafe::17]:4711""#)];
        assert_eq!(
            client(Forwarded, &[PROXY], PROXY, &ipv6),
            ip("2001:db8:cafe::17")
        );
    }

    /// The attack seen: the proxy maintains `X-Forwarded-For`, and passes through a
    /// `Forwarded` the client wrote, different in every request; it must not be read.
    #[test]
    fn with_x_forwarded_for_a_client_written_forwarded_is_ignored() {
        for n in 0..30 {
            let forged = format!("for=203.0.113.{n}");
            let headers = [
                ("x-forwarded-for", "198.51.100.9"),
                ("forwarded", forged.as_str()),
            ];
            assert_eq!(
                client(XForwardedFor, &[PROXY], PROXY, &headers),
                ip("198.51.100.9")
            );
        }
        // Not even as a fallback when the believed header is missing.
        let only_forwarded = [("forwarded", "for=203.0.113.1")];
        assert_eq!(
            client(XForwardedFor, &[PROXY], PROXY, &only_forwarded),
            IpAddr::from(PROXY)
        );
    }

    /// And the other way round, for a proxy that writes `Forwarded`.
    #[test]
    fn with_forwarded_a_client_written_x_forwarded_for_is_ignored() {
        for n in 0..30 {
            let forged = format!("203.0.113.{n}");
            let headers = [
                ("x-forwarded-for", forged.as_str()),
                ("forwarded", "for=198.51.100.9"),
            ];
            assert_eq!(
                client(Forwarded, &[PROXY], PROXY, &headers),
                ip("198.51.100.9")
            );
        }
        let only_xff = [("x-forwarded-for", "203.0.113.1")];
        assert_eq!(
            client(Forwarded, &[PROXY], PROXY, &only_xff),
            IpAddr::from(PROXY)
        );
    }

    #[test]
    fn only_the_believed_header_is_asked_for() {
        for header in [XForwardedFor, Forwarded] {
            let proxies = TrustedProxies::new([IpAddr::from(PROXY)], header);
            let mut asked = Vec::new();
            proxies.client(PROXY.into(), |name| {
                asked.push(name);
                Vec::new()
            });
            assert_eq!(asked, [header.name()]);
        }
    }

    #[test]
    fn ipv4_mapped_addresses_are_their_ipv4_address() {
        let mapped_proxy = ip("::ffff:10.0.0.1");
        // A dual-stack listener reports the IPv4 proxy as a mapped peer: still trusted.
        let proxies = TrustedProxies::new([IpAddr::from(PROXY)], XForwardedFor);
        let xff = [("x-forwarded-for", "203.0.113.9")];
        assert_eq!(client_of(&proxies, mapped_proxy, &xff), ip("203.0.113.9"));
        // A proxy named as a mapped address trusts its IPv4 peer.
        let proxies = TrustedProxies::new([mapped_proxy], XForwardedFor);
        assert_eq!(client_of(&proxies, PROXY.into(), &xff), ip("203.0.113.9"));
        // A mapped hop is the client's IPv4 address, and a mapped trusted hop is walked over.
        let proxies = TrustedProxies::new([IpAddr::from(PROXY), ip("10.0.0.2")], XForwardedFor);
        let chain = [("x-forwarded-for", "::ffff:203.0.113.9, ::ffff:10.0.0.2")];
        assert_eq!(client_of(&proxies, PROXY.into(), &chain), ip("203.0.113.9"));
        let proxies = TrustedProxies::new([IpAddr::from(PROXY), ip("10.0.0.2")], Forwarded);
        let chain = [(
            "forwarded",
            r#"for="[::ffff:203.0.113.9]", for="[::ffff:10.0.0.2]""#,
        )];
        assert_eq!(client_of(&proxies, PROXY.into(), &chain), ip("203.0.113.9"));
        // An untrusted mapped peer is counted under its IPv4 address too.
        let untrusted = client_of(&proxies, ip("::ffff:198.51.100.7"), &chain);
        assert_eq!(untrusted, ip("198.51.100.7"));
        assert!(untrusted.is_ipv4());
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_and_an_unknown_hop_stops_the_walk() {
        let second = [10, 0, 0, 2];
        let chain = [("x-forwarded-for", "203.0.113.9, 10.0.0.2")];
        assert_eq!(
            client(XForwardedFor, &[PROXY, second], PROXY, &chain),
            ip("203.0.113.9")
        );
        let hidden = [("forwarded", "for=203.0.113.9, for=unknown")];
        assert_eq!(
            client(Forwarded, &[PROXY], PROXY, &hidden),
            IpAddr::from(PROXY)
        );
        let none = [("x-forwarded-for", "")];
        assert_eq!(
            client(XForwardedFor, &[PROXY], PROXY, &none),
            IpAddr::from(PROXY)
        );
        for header in [XForwardedFor, Forwarded] {
            assert_eq!(client(header, &[PROXY], PROXY, &[]), IpAddr::from(PROXY));
        }
    }
}
