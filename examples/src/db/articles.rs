//! The articles, on either backend: read one, create one, update one. Each backend's module
//! (`sqlite_articles.rs`, `postgres_articles.rs`) does the reads and the write inside its
//! transaction; what happens between them is [`crate::articles::check_and_apply`].

use std::sync::Arc;

use super::{blocking, sqlite_articles, Database, DbError};
use crate::article::Article;
use crate::articles::{Apply, Build};
use crate::precondition::IfMatch;
use crate::update::UpdateError;

impl Database {
    /// The article `id`, if any.
    pub async fn article(&self, id: i64) -> Result<Option<Article>, DbError> {
        match self {
            Database::Sqlite(db) => {
                let db = Arc::clone(db);
                blocking(move || Ok(db.with(|conn| sqlite_articles::article_by_id(conn, id))?))
                    .await
            }
            Database::Postgres(db) => db.article(id).await,
        }
    }

    /// Creates an article for `creator` in one transaction: reads the creator's row (its roles
    /// of this moment), builds the article as that sender with `build`, stores it. The
    /// database assigns the id and stamps both times. `build`'s error as it is, nothing
    /// written.
    pub async fn create_article(
        &self,
        creator: &str,
        build: Build,
    ) -> Result<Article, UpdateError> {
        match self {
            Database::Sqlite(db) => {
                let (db, creator) = (Arc::clone(db), creator.to_owned());
                blocking(move || sqlite_articles::create_as(&db, &creator, build)).await
            }
            Database::Postgres(db) => db.create_article(creator, build).await,
        }
    }

    /// Applies a patch for `sender` to the article `id` in one transaction
    /// ([`crate::articles::check_and_apply`]). Returns the article as stored and the columns
    /// that changed (none: nothing written, `version` kept).
    pub async fn update_article(
        &self,
        sender: String,
        id: i64,
        apply: Apply,
        if_match: Option<IfMatch>,
    ) -> Result<(Article, Vec<&'static str>), UpdateError> {
        match self {
            Database::Sqlite(db) => {
                let db = Arc::clone(db);
                blocking(move || {
                    sqlite_articles::update(&db, &sender, id, apply, if_match.as_ref())
                })
                .await
            }
            Database::Postgres(db) => {
                db.update_article(&sender, id, apply, if_match.as_ref())
                    .await
            }
        }
    }
}
