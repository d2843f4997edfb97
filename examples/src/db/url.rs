//! Where the data lives, as the command line names it, and how logs and error messages show
//! it: never with a password, whether in the URL's user info (`postgres://user:secret@host`)
//! or in its query (`?password=secret`, which the PostgreSQL client reads too).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use tokio_postgres::config::Host;

/// Where the data lives: `sqlite:PATH` or `postgres://USER@HOST:PORT/DATABASE` (also
/// `postgresql://`). Shown ([`Display`](fmt::Display), [`Debug`]) without a password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL server, as tokio-postgres reads a connection URL (checked when parsed).
    Postgres(String),
}

impl FromStr for DatabaseUrl {
    type Err = String;

    /// Parses a URL; an error never quotes it, since it can hold a password.
    fn from_str(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            // `sqlite://path` and `sqlite:path` both name `path`.
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("sqlite: needs a file path, as in sqlite:demo.db".to_owned());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // tokio-postgres reads all before the first '@' as user and password: a '?' there
            // means the query was taken for a user name, which a log would then show, and
            // any password in it.
            if url
                .split_once('@')
                .is_some_and(|(user, _)| user.contains('?'))
            {
                return Err(
                    "the PostgreSQL URL's first '@' comes after its '?', so its \
                     query would be read as the user name: write '@' as %40 and '?' as %3F \
                     in a password"
                        .to_owned(),
                );
            }
            // Its errors (and their causes) name an option, never a value.
            tokio_postgres::Config::from_str(url).map_err(|error| {
                let cause = std::error::Error::source(&error)
                    .map(|cause| format!(" ({cause})"))
                    .unwrap_or_default();
                format!("not a PostgreSQL URL tokio-postgres reads: {error}{cause}")
            })?;
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        Err(
            "a database URL starts with sqlite:, postgres:// or postgresql:// (as in \
             sqlite:demo.db or postgres://USER@HOST/DATABASE)"
                .to_owned(),
        )
    }
}

impl fmt::Display for DatabaseUrl {
    /// The URL without its password, for logs: for PostgreSQL, only the user, hosts, ports
    /// and database name, rebuilt from what the client read, so that nothing of the query
    /// (where a `password` can be) is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseUrl::Postgres(url) => {
                let scheme = url
                    .split_once("://")
                    .map_or("postgres", |(scheme, _)| scheme);
                write!(f, "{scheme}://")?;
                // Checked when parsed; a `Postgres` built another way shows nothing more.
                let Ok(config) = tokio_postgres::Config::from_str(url) else {
                    return f.write_str("(unreadable)");
                };
                if let Some(user) = config.get_user() {
                    write!(f, "{user}@")?;
                }
                let ports = config.get_ports();
                for (n, host) in config.get_hosts().iter().enumerate() {
                    if n > 0 {
                        f.write_str(",")?;
                    }
                    match host {
                        Host::Tcp(name) if name.contains(':') => write!(f, "[{name}]")?,
                        Host::Tcp(name) => f.write_str(name)?,
                        #[cfg(unix)]
                        Host::Unix(path) => write!(f, "{}", path.display())?,
                    }
                    if let Some(port) = ports.get(n).or(ports.first()) {
                        write!(f, ":{port}")?;
                    }
                }
                if let Some(name) = config.get_dbname() {
                    write!(f, "/{name}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    /// As [`Display`](fmt::Display): `Debug` reaches logs too (a `{:?}` of the command line).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let variant = match self {
            DatabaseUrl::Sqlite(_) => "Sqlite",
            DatabaseUrl::Postgres(_) => "Postgres",
        };
        f.debug_tuple(variant)
            .field(&format_args!("{self}"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "hunter2-s3cret";

    fn url(text: &str) -> DatabaseUrl {
        text.parse().unwrap()
    }

    #[test]
    fn a_password_in_the_query_is_never_shown() {
        for text in [
            format!("postgres://root@db.example:5432/test?password={SECRET}"),
            format!("postgres://root@db.example/test?sslmode=disable&password={SECRET}"),
            format!("postgresql://db.example/test?user=root&password={SECRET}"),
            format!("postgres://root@db.example?password={SECRET}"),
            format!("postgres://root:{SECRET}@db.example/test"),
            format!("postgres://root:{SECRET}@db.example/test?password={SECRET}"),
            // tokio-postgres splits at the first '@': the password is "hunter2-s3cret/x".
            format!("postgres://root:{SECRET}/x@db.example/test"),
        ] {
            let parsed = url(&text);
            let (shown, debug) = (parsed.to_string(), format!("{parsed:?}"));
            assert!(
                !shown.contains(SECRET) && !shown.contains("password"),
                "{shown}"
            );
            assert!(
                !debug.contains(SECRET) && !debug.contains("password"),
                "{debug}"
            );
        }
    }

    #[test]
    fn what_is_shown_names_the_database() {
        let parsed = url(&format!(
            "postgres://root:{SECRET}@db.example:5433/test?password={SECRET}"
        ));
        assert_eq!(parsed.to_string(), "postgres://root@db.example:5433/test");
        assert_eq!(
            format!("{parsed:?}"),
            "Postgres(postgres://root@db.example:5433/test)"
        );
        let several = url("postgresql://app@[2001:db8::1]:6000,db2.example/main");
        assert_eq!(
            several.to_string(),
            "postgresql://app@[2001:db8::1]:6000,db2.example:5432/main"
        );
        let file = url("sqlite://data/demo.db");
        assert_eq!(file.to_string(), "sqlite:data/demo.db");
        assert_eq!(format!("{file:?}"), "Sqlite(sqlite:data/demo.db)");
    }

    #[test]
    fn a_refused_url_is_not_quoted() {
        for text in [
            // A misspelt scheme.
            format!("postgress://root:{SECRET}@db.example/test"),
            format!("mysql://root@db.example/test?password={SECRET}"),
            // An unknown port, a query taken for the user name.
            format!("postgres://root:{SECRET}@db.example:port/test"),
            format!("postgres://db.example/test?password={SECRET}@x"),
        ] {
            let error = text.parse::<DatabaseUrl>().unwrap_err();
            assert!(!error.contains(SECRET), "{error}");
        }
        let error = "postgres://db.example:port/test"
            .parse::<DatabaseUrl>()
            .unwrap_err();
        assert!(error.contains("option `port`"), "{error}");
        let error = "postgres://db.example/test?password=a@b"
            .parse::<DatabaseUrl>()
            .unwrap_err();
        assert!(error.contains("%40"), "{error}");
    }
}
