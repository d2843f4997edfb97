//! The demo's second model: an article, whose fields are written by its author, by an admin,
//! or by the server, under rules on who asks and what is stored ([`crate::article_rules`]).
//!
//! | field | who may write it |
//! |---|---|
//! | `title`, `tags` | the article's author, or an admin |
//! | `body` | the author while `status` is `draft`; an admin at any time |
//! | `status` | the author: only from `draft` to `published` (and a new article only as a draft); an admin: any value |
//! | `id`, `author`, `version`, `created_at`, `updated_at` | the server |

use safe_update::SafeUpdate;
use serde::{Deserialize, Serialize};

use crate::article_rules::{author_may_publish, is_author, is_draft};

/// An article, one row of the `articles` table.
///
/// The derive generates [`ArticlePatch`] (`title`, `body`, `tags`, `status`, each under its
/// grants), [`ArticleNew`] (the same fields for `POST /articles`: `title` and `body` required,
/// `tags` `[]` and `status` `draft` unless sent) and [`ArticleServerFields`]. The rules take
/// the Basic Auth identity: its name is compared with `author`, its roles give `admin`.
///
/// The limits keep the largest valid document under the 16 KiB body limit however a client
/// escapes it (`\ud83d\ude00` is 12 bytes for one character), so that a document the schema
/// accepts is never refused for its size. No text takes NUL (U+0000), which PostgreSQL's
/// `text` cannot hold: both databases store the same values and answer the same 422.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
// `view`: the answers are `article.view_as(&sender)`; every field is read by any
// authenticated user (the demo's articles are public to its members), the server's own too.
#[update(create, view(server_only = read), identity = safe_update::auth::Identity)]
pub struct Article {
    /// Row id.
    #[update(server_only)]
    pub id: i64,
    /// The user name of its creator, fixed at creation.
    #[update(server_only)]
    pub author: String,
    /// 1 to 100 characters, no control characters.
    #[update(
        allow(when = is_author),
        allow(role = "admin"),
        validate = title,
        schema(min_length = 1, max_length = 100, pattern = TITLE_PATTERN)
    )]
    pub title: String,
    /// Free text, at most 1000 characters, no NUL.
    #[update(
        allow(when = is_author, when = is_draft),
        allow(role = "admin"),
        validate = body,
        schema(max_length = 1000, pattern = BODY_PATTERN)
    )]
    pub body: String,
    /// At most 10 distinct tags, each 1 to 32 of `a-z`, `0-9`, `-`.
    #[update(
        allow(when = is_author),
        allow(role = "admin"),
        create_default,
        validate = tags,
        schema_with = tags_schema,
        schema(max_items = 10)
    )]
    pub tags: Vec<String>,
    /// `draft`, `published` or `archived`.
    #[update(
        allow(when = is_author, change = author_may_publish),
        allow(role = "admin"),
        create_default = Status::Draft
    )]
    pub status: Status,
    /// Incremented by every update that changes a value; the `ETag`.
    #[update(server_only)]
    pub version: u64,
    /// Creation time, RFC 3339 UTC.
    #[update(server_only)]
    pub created_at: String,
    /// Time of the last change, RFC 3339 UTC.
    #[update(server_only)]
    pub updated_at: String,
}

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written: its author may still change the body.
    Draft,
    /// Out: its body is fixed for its author.
    Published,
    /// Withdrawn, by an admin.
    Archived,
}

impl Status {
    /// The name in JSON and in the databases' `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    /// The status named `name` in a `status` column (whose `CHECK` allows only these).
    pub fn from_name(name: &str) -> Option<Status> {
        [Status::Draft, Status::Published, Status::Archived]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// The schema of a status in a patch: its three names. (By hand: the demo builds schemars
/// without its derive.)
impl schemars::JsonSchema for Status {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Status".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names = [Status::Draft, Status::Published, Status::Archived].map(Status::as_str);
        schemars::json_schema!({
            "description": "Where an article is in its life.",
            "type": "string",
            "enum": names,
        })
    }
}

/// 1 to 100 characters, none of them a control character.
pub fn title(title: &str) -> Result<(), &'static str> {
    match title.chars().count() {
        1..=100 if !title.chars().any(char::is_control) => Ok(()),
        _ => Err("must be 1 to 100 characters without control characters"),
    }
}

/// What [`title`] accepts, as a JSON Schema pattern (with `minLength` 1, `maxLength` 100):
/// no control character (U+0000-U+001F, U+007F-U+009F).
pub const TITLE_PATTERN: &str = r"^[^\x00-\x1F\x7F-\x9F]*$";

/// At most 1000 characters, none of them NUL; line breaks and tabs are text like any other.
pub fn body(body: &str) -> Result<(), &'static str> {
    if body.chars().count() > 1000 {
        Err("must be at most 1000 characters")
    } else if body.contains('\0') {
        Err("must not contain the NUL character (U+0000)")
    } else {
        Ok(())
    }
}

/// What [`body`] accepts, as a JSON Schema pattern (with `maxLength` 1000): no U+0000.
pub const BODY_PATTERN: &str = r"^[^\x00]*$";

/// The most tags an article has.
pub const MAX_TAGS: usize = 10;

/// What one tag is, as a JSON Schema pattern (with `minLength` 1, `maxLength` 32).
pub const TAG_PATTERN: &str = "^[a-z0-9-]+$";

/// At most [`MAX_TAGS`] tags, no two alike, each 1 to 32 of `a-z`, `0-9`, `-`.
pub fn tags(tags: &[String]) -> Result<(), String> {
    if tags.len() > MAX_TAGS {
        return Err(format!("at most {MAX_TAGS} tags"));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    for (index, tag) in tags.iter().enumerate() {
        if !((1..=32).contains(&tag.len()) && tag.chars().all(allowed)) {
            return Err(format!("tag {index} must be 1 to 32 of a-z, 0-9, '-'"));
        }
        if tags[..index].contains(tag) {
            return Err(format!("tag {index} repeats {tag:?}"));
        }
    }
    Ok(())
}

/// The schema of `tags`, items and all (the `schema(...)` keywords describe the array only):
/// what [`tags`] accepts, with the count from `schema(max_items = 10)`.
pub fn tags_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array",
        "uniqueItems": true,
        "items": {
            "type": "string",
            "minLength": 1,
            "maxLength": 32,
            "pattern": TAG_PATTERN,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators() {
        assert!(title("Hello").is_ok());
        assert!(title("").is_err());
        assert!(title("a\u{85}b").is_err());
        assert!(title("a\0b").is_err());
        assert!(title(&"é".repeat(100)).is_ok());
        assert!(title(&"é".repeat(101)).is_err());
        assert!(body("").is_ok());
        assert!(body("two\nlines\twith a tab").is_ok());
        assert!(body(&"é".repeat(1000)).is_ok());
        assert!(body(&"é".repeat(1001)).is_err());
        assert!(body("a\0b").is_err());
        let owned = |tags: &[&str]| tags.iter().map(|tag| tag.to_string()).collect::<Vec<_>>();
        assert!(tags(&owned(&["rust", "web-2"])).is_ok());
        assert!(tags(&owned(&[])).is_ok());
        for bad in [&["Rust"][..], &[""], &["a b"], &["x", "x"], &["é"]] {
            assert!(tags(&owned(bad)).is_err(), "{bad:?}");
        }
        let eleven: Vec<String> = (0..11).map(|n| format!("t{n}")).collect();
        assert!(tags(&eleven[..10]).is_ok());
        assert!(tags(&eleven).is_err());
        assert!(tags(&owned(&[&"a".repeat(33)])).is_err());
    }

    #[test]
    fn status_names_round_trip() {
        for status in [Status::Draft, Status::Published, Status::Archived] {
            assert_eq!(Status::from_name(status.as_str()), Some(status));
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json, status.as_str());
        }
        assert_eq!(Status::from_name("Draft"), None);
    }
}
