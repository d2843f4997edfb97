//! What the article routes do, whatever serves them (as [`crate::api`] for users): read one,
//! create one, update one in a transaction that reads the sender's roles of that moment.
//!
//! | route | method | who |
//! |---|---|---|
//! | `/articles` | POST (an [`ArticleNew`]) | any user: its author |
//! | `/articles/{id}` | GET | any user |
//! | `/articles/{id}` | PATCH (a merge patch of [`ArticlePatch`]) | any user, as the grants of [`Article`] admit |
//!
//! Who may write which field is the model's business ([`crate::article`],
//! [`crate::article_rules`]): the routes only authenticate, and hand the article and the
//! sender to the patch. A refusal lists every field refused at once, and writes nothing.

use safe_update::auth::Identity;
use safe_update::web::{PatchBody, PatchRejection, SafePatch};
use safe_update::Applied;

use crate::api::AUDIT_LOG_TARGET;
use crate::article::{Article, ArticleNew, ArticlePatch, ArticleServerFields};
use crate::db::Database;
use crate::error::ApiError;
use crate::model::{identity_now, User};
use crate::precondition::IfMatch;
use crate::update::UpdateError;

/// Where any user creates an article.
pub const ARTICLES: &str = "/articles";
/// The methods of [`ARTICLES`].
pub const ARTICLES_ALLOW: &str = "POST";
/// One article (the path syntax of both actix-web and axum 0.8).
pub const ARTICLE: &str = "/articles/{id}";
/// The methods of [`ARTICLE`].
pub const ARTICLE_ALLOW: &str = "GET, HEAD, PATCH";

/// Builds the article `POST /articles` stores, as the sender the inserting transaction read.
pub type Build = Box<dyn FnOnce(&Identity) -> Result<Article, PatchRejection> + Send>;

/// Applies a patch to the stored article as the sender the updating transaction read.
pub type Apply = Box<dyn FnOnce(&mut Article, &Identity) -> Result<Applied, PatchRejection> + Send>;

/// The `{id}` of an `/articles/{id}` path, or 404 when no article can have it: ids are
/// positive decimal integers written without sign or leading zero, so that one article has
/// one path, and a path that is no id never reaches the database.
pub fn id_in_path(id: &str) -> Result<i64, ApiError> {
    let canonical = !id.starts_with('0') && id.bytes().all(|byte| byte.is_ascii_digit());
    match id.parse::<i64>() {
        Ok(id) if canonical && id > 0 => Ok(id),
        _ => Err(ApiError::ArticleNotFound),
    }
}

/// The path of the article `id`.
pub fn location(id: i64) -> String {
    ARTICLE.replace("{id}", &id.to_string())
}

/// The article `id`. A failing database is a read's error.
pub async fn read(db: &Database, id: i64) -> Result<Article, ApiError> {
    db.article(id)
        .await
        .map_err(ApiError::Read)?
        .ok_or(ApiError::ArticleNotFound)
}

/// Creates the article `new` describes, its author the sender. The roles that decide what the
/// sender may set (a non-admin creates only drafts) are read by the inserting transaction, as
/// an update reads them.
pub async fn create(
    db: &Database,
    sender: &Identity,
    new: ArticleNew,
) -> Result<Article, ApiError> {
    let server = ArticleServerFields {
        // The database assigns the id and stamps both times; what it stores is what is
        // answered.
        id: 0,
        author: sender.name().to_owned(),
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    };
    let build: Build = Box::new(move |who: &Identity| {
        new.build_as(server, who)
            .map_err(|error| PatchRejection::refused(error, Some(who.name())))
    });
    let article = db
        .create_article(sender.name(), build)
        .await
        .map_err(not_found_is_an_article)?;
    tracing::info!(
        target: AUDIT_LOG_TARGET,
        actor = ?sender.name(),
        article = article.id,
        status = article.status.as_str(),
        "article created"
    );
    Ok(article)
}

/// Applies `patch` for `sender` to the article `id` in one transaction, `If-Match` honoured as
/// for users, and writes the audit event.
pub async fn update(
    db: &Database,
    sender: &Identity,
    id: i64,
    apply: Apply,
    if_match: Option<IfMatch>,
) -> Result<Article, ApiError> {
    let (article, changed) = db
        .update_article(sender.name().to_owned(), id, apply, if_match)
        .await
        .map_err(not_found_is_an_article)?;
    if !changed.is_empty() {
        tracing::info!(
            target: AUDIT_LOG_TARGET,
            actor = ?sender.name(),
            article = article.id,
            changed = ?changed,
            version = article.version,
            "article updated"
        );
    }
    Ok(article)
}

/// The closure an update applies, for [`update`]: the patch (a merge patch or a JSON Patch),
/// applied as whoever the transaction found the sender to be; a refusal is logged under the
/// name the sender authenticated with.
pub fn apply(patch: SafePatch<PatchBody<ArticlePatch>>) -> Apply {
    Box::new(move |article: &mut Article, who: &Identity| patch.apply_with_roles(article, who))
}

/// The sender as the transaction reads it: its name, and role `admin` if its row says so now.
/// An admin demoted while the request was on its way writes as a user; a sender whose row is
/// gone holds no role (its authorship is its name, which it authenticated with).
pub fn sender_now(name: &str, row: Option<User>) -> Identity {
    identity_now(name, row.as_ref())
}

/// An update between its reads and its write, on every backend: `article` is the row as the
/// transaction locked it (`None`: no such article). Returns the updated article and the
/// columns to write (none: write nothing, keep `version`).
pub fn check_and_apply(
    sender: &Identity,
    article: Option<Article>,
    apply: Apply,
    if_match: Option<&IfMatch>,
) -> Result<(Article, Vec<&'static str>), UpdateError> {
    let mut article = article.ok_or(UpdateError::NotFound)?;
    if let Some(if_match) = if_match {
        if !if_match.matches(article.version) {
            return Err(UpdateError::Stale(article.version));
        }
    }
    let applied = apply(&mut article, sender).map_err(UpdateError::Refused)?;
    Ok((article, applied.changed_top_level()))
}

/// An update's error, answered as its own row; the missing row is an article.
fn not_found_is_an_article(error: UpdateError) -> ApiError {
    match error {
        UpdateError::NotFound => ApiError::ArticleNotFound,
        error => ApiError::from(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ADMIN;

    #[test]
    fn ids_in_paths() {
        assert_eq!(id_in_path("1").unwrap(), 1);
        assert_eq!(id_in_path("9223372036854775807").unwrap(), i64::MAX);
        for id in [
            "",
            "0",
            "01",
            "+1",
            "-1",
            "1.0",
            "x",
            "9223372036854775808",
            "1\0",
        ] {
            let refused = id_in_path(id);
            assert!(matches!(refused, Err(ApiError::ArticleNotFound)), "{id:?}");
        }
        assert_eq!(location(7), "/articles/7");
    }

    #[test]
    fn the_sender_holds_the_roles_of_its_row() {
        use safe_update::Roles;
        let row = |is_admin| User {
            id: 1,
            username: "ann".into(),
            display_name: "Ann".into(),
            email: "ann@example.org".into(),
            bio: None,
            is_admin,
            password_hash: String::new(),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert!(sender_now("ann", Some(row(true))).has_role(ADMIN));
        assert!(!sender_now("ann", Some(row(false))).has_role(ADMIN));
        let gone = sender_now("ann", None);
        assert_eq!((gone.name(), gone.roles().len()), ("ann", 0));
    }
}
