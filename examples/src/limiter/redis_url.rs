//! The Redis server the login counters may live in (`--limiter redis://...`), as the command
//! line names it, and how logs and error messages show it: never with its password.

use std::fmt;
use std::str::FromStr;

use deadpool_redis::redis::{ConnectionAddr, ConnectionInfo, IntoConnectionInfo};

/// A Redis server: `redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]`, checked when parsed as the
/// redis client reads it. Shown ([`Display`](fmt::Display), [`Debug`]) as its host, port and
/// database only.
#[derive(Clone)]
pub struct RedisUrl {
    url: String,
    /// What [`Display`](fmt::Display) shows, made when parsed.
    shown: String,
}

impl RedisUrl {
    /// The URL as given, password included: for the client only.
    pub fn as_str(&self) -> &str {
        &self.url
    }
}

impl FromStr for RedisUrl {
    type Err = String;

    /// Parses a URL; an error never quotes it, since it can hold a password.
    fn from_str(url: &str) -> Result<Self, String> {
        if !url.starts_with("redis://") {
            return Err(
                "a Redis URL starts with redis:// (as in redis://127.0.0.1:6379; TLS is not \
                 built in)"
                    .to_owned(),
            );
        }
        let info = url
            .into_connection_info()
            .map_err(|error| format!("not a Redis URL the redis client reads: {error}"))?;
        Ok(RedisUrl {
            url: url.to_owned(),
            shown: shown(&info),
        })
    }
}

impl PartialEq for RedisUrl {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

impl Eq for RedisUrl {}

/// `redis://HOST:PORT/DB`, rebuilt from what the client read: no user, no password.
fn shown(info: &ConnectionInfo) -> String {
    let db = info.redis_settings().db();
    match info.addr() {
        ConnectionAddr::Tcp(host, port) if host.contains(':') => {
            format!("redis://[{host}]:{port}/{db}")
        }
        addr => format!("redis://{addr}/{db}"),
    }
}

impl fmt::Display for RedisUrl {
    /// `redis://HOST:PORT/DB`: no user, no password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redis_url_is_shown_without_its_user_and_password() {
        let url: RedisUrl = "redis://app:s3cret@127.0.0.1:6380/2".parse().unwrap();
        assert_eq!(url.to_string(), "redis://127.0.0.1:6380/2");
        assert_eq!(format!("{url:?}"), "RedisUrl(redis://127.0.0.1:6380/2)");
        assert_eq!(url.as_str(), "redis://app:s3cret@127.0.0.1:6380/2");
        let plain: RedisUrl = "redis://localhost".parse().unwrap();
        assert_eq!(plain.to_string(), "redis://localhost:6379/0");
        let v6: RedisUrl = "redis://[::1]:6379".parse().unwrap();
        assert_eq!(v6.to_string(), "redis://[::1]:6379/0");
    }

    #[test]
    fn what_is_not_a_redis_url_is_refused_without_being_quoted() {
        for bad in [
            "postgres://root@127.0.0.1/test",
            "rediss://s3cret@127.0.0.1",
            "redis://:s3cret@127.0.0.1/notanumber",
        ] {
            let error = bad.parse::<RedisUrl>().unwrap_err();
            assert!(!error.contains("s3cret"), "{error}");
            assert!(!error.contains(bad), "{error}");
        }
    }
}
