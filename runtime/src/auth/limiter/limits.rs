//! The limits a login limiter enforces, and which address a client is counted under.

use std::net::{IpAddr, Ipv6Addr};
use std::time::Duration;

/// How many password checks the library's limiter allows: a
/// [`StoreLimiter`](super::StoreLimiter) over any store, [`MemoryLimiter`](super::MemoryLimiter)
/// among them.
///
/// The defaults: 5 failed attempts per user name from one client, 20 per client whatever the
/// name, and 100 per user name from all clients together, each in a window of one minute
/// after the counter's last attempt. Per client and name rather than per name alone, because
/// a per-name lockout lets anyone lock anyone out with five wrong guesses (OWASP's
/// Authentication Cheat Sheet, "Account Lockout"); the per-name total still stops a guessing
/// campaign spread over many addresses, at the price of locking that name out for a minute.
///
/// A client is an IPv4 address, or an IPv6 prefix (a /64 by default): one host is given a
/// whole /64 (RFC 6177, and SLAAC needs one), so counting IPv6 addresses one by one would give
/// a single attacker 2^64 fresh counters. Every limiter counts a client under
/// [`counted_as`](Limits::counted_as).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Checks per user name from one client.
    pub per_user_and_client: u32,
    /// Checks per client, whatever the user name.
    pub per_client: u32,
    /// Checks per user name, from all clients together.
    pub per_user: u32,
    /// How long after its last attempt a counter is forgotten.
    pub window: Duration,
    /// How many leading bits of an IPv6 address name its client: 64 (the default) counts a
    /// /64 as one client, 128 counts every address alone, 48 a whole site; 0 would make all
    /// IPv6 clients one. Values over 128 mean 128. IPv4 addresses, and IPv6 addresses that
    /// carry one (`::ffff:a.b.c.d`), are always counted whole, as the IPv4 address.
    pub ipv6_prefix: u8,
}

impl Limits {
    /// The address `client` is counted under by the per-client limits: an IPv4 address as it
    /// is, an IPv4-mapped IPv6 address (what a dual-stack listener sees) as its IPv4 address,
    /// any other IPv6 address cut to its first [`ipv6_prefix`](Limits::ipv6_prefix) bits.
    ///
    /// ```
    /// use std::net::IpAddr;
    /// use safe_update::auth::Limits;
    ///
    /// let limits = Limits::default();
    /// let ip = |text: &str| text.parse::<IpAddr>().unwrap();
    /// // Two addresses of one /64 are one client.
    /// assert_eq!(limits.counted_as(ip("2001:db8:0:7::1")), ip("2001:db8:0:7::"));
    /// assert_eq!(limits.counted_as(ip("2001:db8:0:7:ffff::30")), ip("2001:db8:0:7::"));
    /// // A dual-stack listener's view of an IPv4 client is that IPv4 client.
    /// assert_eq!(limits.counted_as(ip("::ffff:203.0.113.9")), ip("203.0.113.9"));
    /// // Every address alone, when the operator knows its clients have one each.
    /// let exact = Limits { ipv6_prefix: 128, ..limits };
    /// assert_eq!(exact.counted_as(ip("2001:db8:0:7::1")), ip("2001:db8:0:7::1"));
    /// ```
    pub fn counted_as(&self, client: IpAddr) -> IpAddr {
        match client.to_canonical() {
            IpAddr::V6(address) => {
                let bits = u32::from(self.ipv6_prefix.min(128));
                // A shift by 128 (a /0) overflows: no bit is kept then.
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(address) & mask))
            }
            v4 => v4,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_user_and_client: 5,
            per_client: 20,
            per_user: 100,
            window: Duration::from_secs(60),
            ipv6_prefix: 64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_length_is_the_limits_and_clamped_to_128() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let with = |bits| Limits {
            ipv6_prefix: bits,
            ..Limits::default()
        };
        let address = ip("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
        assert_eq!(with(48).counted_as(address), ip("2001:db8:aaaa::"));
        assert_eq!(with(56).counted_as(address), ip("2001:db8:aaaa:bb00::"));
        assert_eq!(with(128).counted_as(address), address);
        assert_eq!(with(200).counted_as(address), address);
        assert_eq!(with(0).counted_as(address), ip("::"));
        // IPv4 is never cut, whatever the prefix.
        assert_eq!(with(0).counted_as(ip("10.1.2.3")), ip("10.1.2.3"));
        assert_eq!(with(0).counted_as(ip("::ffff:10.1.2.3")), ip("10.1.2.3"));
    }
}
