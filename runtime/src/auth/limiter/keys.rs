//! The rules' first half: the counters an attempt falls under, named as every store keys
//! them, with their caps; and which of them an outcome gives back or forgets.

use std::fmt::Write as _;
use std::net::IpAddr;

use super::{Attempt, Cap, Limits, Outcome, MAX_KEY_BYTES};

// User names are chosen by clients: a longer one is cut, so that a key's size is bounded.
const MAX_NAME_CHARS: usize = 64;
// And cut by its bytes as written in a key, which escaping can triple: 64 characters of the
// longest UTF-8 (4 bytes).
const MAX_NAME_BYTES: usize = 4 * MAX_NAME_CHARS;
// The longest client: `[` an IPv6 address of eight full groups `]` (an IPv4 one is shorter).
const MAX_CLIENT_BYTES: usize = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]".len();
const _: () = assert!("uc:".len() + MAX_CLIENT_BYTES + ":".len() + MAX_NAME_BYTES <= MAX_KEY_BYTES);

/// The keys of the counters one attempt falls under.
///
/// `uc:CLIENT:NAME` (per user name and client; `CLIENT` is `-` when the web layer knows no
/// address), `c:CLIENT` (per client, when known) and `u:NAME` (per user name). `CLIENT` is
/// the address [`Limits::counted_as`] gives, an IPv6 one in brackets, so that no client's
/// text followed by `:` starts another's (`1::2` and `1::2:3`): the name, whatever it holds,
/// cannot make one counter's key another's. `NAME` is the user name cut to 64 characters,
/// with whitespace, control characters and `%` percent-encoded, so that a key is printable
/// and has no whitespace, as [`Cap::key`] promises a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttemptKeys {
    user_and_client: String,
    client: Option<String>,
    user: String,
}

/// What settling an attempt does to its counters, for [`CounterStore::release`](super::CounterStore::release).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Release<'a> {
    /// Counters decremented by one: the attempt given back.
    pub(crate) give_back: Vec<&'a str>,
    /// Counters deleted: failures forgotten.
    pub(crate) forget: Vec<&'a str>,
}

impl AttemptKeys {
    /// The keys of `attempt` under `limits` (which say what a client is).
    pub(crate) fn of(limits: &Limits, attempt: Attempt<'_>) -> Self {
        let name = key_name(attempt.user);
        let client = attempt
            .client
            .map(|client| key_client(limits.counted_as(client)));
        AttemptKeys {
            user_and_client: format!("uc:{}:{name}", client.as_deref().unwrap_or("-")),
            client: client.map(|client| format!("c:{client}")),
            user: format!("u:{name}"),
        }
    }

    /// Every counter with its cap: per client (when known), per user, per user and client.
    /// Sorted by key (`c:` < `u:` < `uc:`), the order in which a store that locks rows one by
    /// one would take them anyway.
    pub(crate) fn caps(&self, limits: &Limits) -> Vec<Cap<'_>> {
        let mut caps = Vec::with_capacity(3);
        if let Some(client) = &self.client {
            caps.push(Cap {
                key: client,
                max: limits.per_client,
            });
        }
        caps.push(Cap {
            key: &self.user,
            max: limits.per_user,
        });
        caps.push(Cap {
            key: &self.user_and_client,
            max: limits.per_user_and_client,
        });
        caps
    }

    /// What settling with `outcome` does: nothing for a failure (it stays counted); a
    /// success gives the attempt back to the per-client and per-user counters and forgets
    /// the user's failures from this client; a check that never ran gives it back to all.
    pub(crate) fn release(&self, outcome: Outcome) -> Option<Release<'_>> {
        let mut others: Vec<&str> = self.client.iter().map(String::as_str).collect();
        others.push(&self.user);
        match outcome {
            Outcome::Failed => None,
            Outcome::Succeeded => Some(Release {
                give_back: others,
                forget: vec![&self.user_and_client],
            }),
            Outcome::NotChecked => {
                others.push(&self.user_and_client);
                Some(Release {
                    give_back: others,
                    forget: Vec::new(),
                })
            }
        }
    }
}

/// A client as written in a key: an IPv4 address as is, an IPv6 one in brackets.
fn key_client(client: IpAddr) -> String {
    match client {
        IpAddr::V4(address) => address.to_string(),
        IpAddr::V6(address) => format!("[{address}]"),
    }
}

/// A user name as written in a key: at most [`MAX_NAME_CHARS`] characters and
/// [`MAX_NAME_BYTES`] bytes, whitespace, control characters and `%` percent-encoded.
fn key_name(user: &str) -> String {
    let mut name = String::new();
    for c in user.chars().take(MAX_NAME_CHARS) {
        let before = name.len();
        if c.is_whitespace() || c.is_control() || c == '%' {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(name, "%{byte:02X}");
            }
        } else {
            name.push(c);
        }
        if name.len() > MAX_NAME_BYTES {
            name.truncate(before);
            break;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(user: &str, client: Option<&str>) -> Vec<String> {
        let attempt = Attempt {
            user,
            client: client.map(|client| client.parse().unwrap()),
        };
        let keys = AttemptKeys::of(&Limits::default(), attempt);
        let caps = keys.caps(&Limits::default());
        caps.iter().map(|cap| cap.key.to_owned()).collect()
    }

    #[test]
    fn an_attempt_falls_under_three_counters_or_two_without_a_client() {
        assert_eq!(
            keys("alice", Some("203.0.113.9")),
            ["c:203.0.113.9", "u:alice", "uc:203.0.113.9:alice"]
        );
        assert_eq!(keys("alice", None), ["u:alice", "uc:-:alice"]);
        let limits = Limits {
            per_user_and_client: 1,
            per_client: 2,
            per_user: 3,
            ..Limits::default()
        };
        let attempt = Attempt {
            user: "alice",
            client: Some([203, 0, 113, 9].into()),
        };
        let keys = AttemptKeys::of(&limits, attempt);
        let maxes: Vec<u32> = keys.caps(&limits).iter().map(|cap| cap.max).collect();
        assert_eq!(maxes, [2, 3, 1]);
    }

    #[test]
    fn a_client_is_written_as_the_limits_count_it_an_ipv6_one_in_brackets() {
        let prefix = ["c:[2001:db8:0:7::]", "u:bob", "uc:[2001:db8:0:7::]:bob"];
        assert_eq!(keys("bob", Some("2001:db8:0:7::1")), prefix);
        assert_eq!(keys("bob", Some("2001:db8:0:7:ffff::30")), prefix);
        assert_eq!(
            keys("bob", Some("::ffff:10.0.0.1")),
            keys("bob", Some("10.0.0.1"))
        );
        // Unbracketed, client 1::2 with name `3:x` would be client 1::2:3 with name `x`.
        let limits = Limits {
            ipv6_prefix: 128,
            ..Limits::default()
        };
        let of = |user, client: &str| {
            let attempt = Attempt {
                user,
                client: Some(client.parse().unwrap()),
            };
            AttemptKeys::of(&limits, attempt).user_and_client
        };
        assert_eq!(of("3:x", "1::2"), "uc:[1::2]:3:x");
        assert_eq!(of("x", "1::2:3"), "uc:[1::2:3]:x");
    }

    #[test]
    fn a_name_is_cut_to_64_characters_and_escaped_to_printable_text() {
        let long = "x".repeat(100);
        assert_eq!(keys(&long, None)[0], format!("u:{}", "x".repeat(64)));
        assert_eq!(keys("a b\t%", None)[0], "u:a%20b%09%25");
        // U+3000 (ideographic space) is whitespace of 3 bytes: 9 once escaped.
        assert_eq!(keys("a\u{3000}", None)[0], "u:a%E3%80%80");
        // 64 of them would be 576 bytes: cut at the 256th, whole characters only.
        let wide = "\u{3000}".repeat(64);
        assert_eq!(
            keys(&wide, None)[0],
            format!("u:{}", "%E3%80%80".repeat(28))
        );
    }

    #[test]
    fn the_longest_key_fits_the_stores_bound() {
        // 64 characters of 4 bytes (256 bytes) from the longest IPv6 text, every address alone.
        let name = "\u{1F512}".repeat(64);
        let limits = Limits {
            ipv6_prefix: 128,
            ..Limits::default()
        };
        let attempt = Attempt {
            user: &name,
            client: Some("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap()),
        };
        let keys = AttemptKeys::of(&limits, attempt);
        let longest = &keys.user_and_client;
        assert_eq!(longest.len(), 3 + 41 + 1 + 256);
        assert!(longest.len() <= MAX_KEY_BYTES);
        assert!(longest.ends_with(&name), "printable: kept as is");
    }

    #[test]
    fn a_failure_stays_a_success_forgets_from_its_client_an_unchecked_attempt_is_given_back() {
        let attempt = Attempt {
            user: "alice",
            client: Some([10, 0, 0, 1].into()),
        };
        let keys = AttemptKeys::of(&Limits::default(), attempt);
        assert_eq!(keys.release(Outcome::Failed), None);
        assert_eq!(
            keys.release(Outcome::Succeeded),
            Some(Release {
                give_back: vec!["c:10.0.0.1", "u:alice"],
                forget: vec!["uc:10.0.0.1:alice"],
            })
        );
        assert_eq!(
            keys.release(Outcome::NotChecked),
            Some(Release {
                give_back: vec!["c:10.0.0.1", "u:alice", "uc:10.0.0.1:alice"],
                forget: vec![],
            })
        );
        let anonymous = AttemptKeys::of(
            &Limits::default(),
            Attempt {
                client: None,
                ..attempt
            },
        );
        assert_eq!(
            anonymous.release(Outcome::Succeeded),
            Some(Release {
                give_back: vec!["u:alice"],
                forget: vec!["uc:-:alice"],
            })
        );
    }
}
