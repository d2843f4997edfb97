//! PostgreSQL: article rows, and the transactions that create and update them, with the same
//! table and answers as SQLite's (`sqlite_articles.rs`); the table is a migration of
//! `postgres.rs`. `tags` is a `text[]`, `status` a name.
//!
//! Each write reads the sender's row `FOR SHARE` first (a demotion, which locks it
//! `FOR UPDATE`, waits for the write, and the write for a demotion under way), then the
//! article `FOR UPDATE`: always users before articles, so concurrent writes queue instead of
//! deadlocking, and the roles that decide are those of the moment of the write.

use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::postgres::{rfc3339, update_versioned_row, user_from_row, Db, COLUMNS as USER_COLUMNS};
use super::DbError;
use crate::article::{Article, Status};
use crate::articles::{self, Apply, Build};
use crate::precondition::IfMatch;
use crate::update::UpdateError;

const COLUMNS: &str = concat!(
    "id, author, title, body, tags, status, version, ",
    rfc3339!("created_at"),
    ", ",
    rfc3339!("updated_at")
);

impl Db {
    /// The article `id`, if any.
    pub async fn article(&self, id: i64) -> Result<Option<Article>, DbError> {
        let client = self.client().await?;
        let sql = format!("SELECT {COLUMNS} FROM articles WHERE id = $1");
        let statement = client.prepare_cached(&sql).await?;
        let row = client.query_opt(&statement, &[&id]).await?;
        row.as_ref().map(article_from_row).transpose()
    }

    /// An article created for `creator` in one transaction
    /// ([`Database::create_article`](super::Database::create_article)).
    pub async fn create_article(
        &self,
        creator: &str,
        build: Build,
    ) -> Result<Article, UpdateError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let sender = sender_now(&tx, creator).await?;
        let article = build(&sender).map_err(UpdateError::Refused)?;
        let created = insert(&tx, &article).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// One update of the article `id` for `sender` in one transaction
    /// ([`articles::check_and_apply`]).
    pub async fn update_article(
        &self,
        sender: &str,
        id: i64,
        apply: Apply,
        if_match: Option<&IfMatch>,
    ) -> Result<(Article, Vec<&'static str>), UpdateError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let sender = sender_now(&tx, sender).await?;
        let sql = format!("SELECT {COLUMNS} FROM articles WHERE id = $1 FOR UPDATE");
        let statement = tx.prepare_cached(&sql).await?;
        let stored = tx.query_opt(&statement, &[&id]).await?;
        let stored = stored.as_ref().map(article_from_row).transpose()?;
        let (mut article, changed) = articles::check_and_apply(&sender, stored, apply, if_match)?;
        if !changed.is_empty() {
            write_changes(&tx, &mut article, &changed).await?;
            tx.commit().await?;
        }
        Ok((article, changed))
    }
}

/// The sender's row, read `FOR SHARE`, as the identity the article's rules see.
async fn sender_now(
    client: &impl GenericClient,
    name: &str,
) -> Result<safe_update::auth::Identity, DbError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1 FOR SHARE");
    let statement = client.prepare_cached(&sql).await?;
    let row = client.query_opt(&statement, &[&name]).await?;
    Ok(articles::sender_now(name, row.as_ref().map(user_from_row)))
}

fn article_from_row(row: &Row) -> Result<Article, DbError> {
    let status: String = row.get(5);
    Ok(Article {
        id: row.get(0),
        author: row.get(1),
        title: row.get(2),
        body: row.get(3),
        tags: row.get(4),
        // The table's `CHECK` allows only the three names.
        status: Status::from_name(&status).ok_or(DbError::Column(status))?,
        version: row.get::<_, i64>(6) as u64,
        created_at: row.get(7),
        updated_at: row.get(8),
    })
}

/// Stores a built article: the database assigns the id and stamps both times.
async fn insert(client: &impl GenericClient, article: &Article) -> Result<Article, DbError> {
    let sql = format!(
        "INSERT INTO articles (author, title, body, tags, status, version) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    );
    let version = i64::try_from(article.version).unwrap_or(i64::MAX);
    let statement = client.prepare_cached(&sql).await?;
    let row = client
        .query_one(
            &statement,
            &[
                &article.author,
                &article.title,
                &article.body,
                &article.tags,
                &article.status.as_str(),
                &version,
            ],
        )
        .await?;
    article_from_row(&row)
}

/// Writes the `changed` client-writable columns of `article`, bumps `version` and
/// `updated_at`, and stores the new values of those two back in `article`.
async fn write_changes(
    client: &impl GenericClient,
    article: &mut Article,
    changed: &[&str],
) -> Result<(), DbError> {
    let status = article.status.as_str();
    let writable: [(&str, &(dyn ToSql + Sync)); 4] = [
        ("title", &article.title),
        ("body", &article.body),
        ("tags", &article.tags),
        ("status", &status),
    ];
    let (version, updated_at) =
        update_versioned_row(client, "articles", article.id, &writable, changed).await?;
    article.version = version;
    article.updated_at = updated_at;
    Ok(())
}
