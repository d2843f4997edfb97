//! SQLite: article rows, and the transactions that create and update them (the table is a
//! migration of `sqlite.rs`). `tags` is stored as a JSON array, `status` by its name.
//!
//! Writes run on the writer connection in `BEGIN IMMEDIATE`, as the users' do: the sender's
//! row and the article are read under the write lock, so neither changes until commit.

use rusqlite::{params, Connection, OptionalExtension, Row, ToSql, TransactionBehavior};

use super::sqlite::{update_versioned_row, user_by_name, Db, NOW};
use crate::article::{Article, Status};
use crate::articles::{self, Apply, Build};
use crate::precondition::IfMatch;
use crate::update::UpdateError;

const COLUMNS: &str = "id, author, title, body, tags, status, version, created_at, updated_at";

/// A column's text that is not what the table's `CHECK` allows (a file written by hand).
fn unreadable(
    column: usize,
    error: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, error.into())
}

fn article_from_row(row: &Row<'_>) -> rusqlite::Result<Article> {
    let tags: String = row.get(4)?;
    let status: String = row.get(5)?;
    Ok(Article {
        id: row.get(0)?,
        author: row.get(1)?,
        title: row.get(2)?,
        body: row.get(3)?,
        tags: serde_json::from_str(&tags).map_err(|error| unreadable(4, error))?,
        status: Status::from_name(&status)
            .ok_or_else(|| unreadable(5, format!("no status {status:?}")))?,
        version: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

/// The article `id`, if any.
pub fn article_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Article>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM articles WHERE id = ?1"),
        [id],
        article_from_row,
    )
    .optional()
}

/// The tags as the column holds them.
fn tags_json(tags: &[String]) -> String {
    serde_json::Value::from(tags).to_string()
}

/// Stores a built article: the database assigns the id and stamps both times.
fn insert(conn: &Connection, article: &Article) -> rusqlite::Result<Article> {
    let sql = format!(
        "INSERT INTO articles (author, title, body, tags, status, version, created_at, \
         updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW}, {NOW}) RETURNING {COLUMNS}"
    );
    let values = params![
        article.author,
        article.title,
        article.body,
        tags_json(&article.tags),
        article.status.as_str(),
        article.version,
    ];
    conn.query_row(&sql, values, article_from_row)
}

/// An article created for `creator` in one `BEGIN IMMEDIATE` transaction: the write lock is
/// taken before the creator's row is read, so its roles cannot change until the article is
/// stored.
pub fn create_as(db: &Db, creator: &str, build: Build) -> Result<Article, UpdateError> {
    db.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sender = articles::sender_now(creator, user_by_name(&tx, creator)?);
        let article = build(&sender).map_err(UpdateError::Refused)?;
        let created = insert(&tx, &article)?;
        tx.commit()?;
        Ok(created)
    })
}

/// Writes the `changed` client-writable columns of `article`, bumps `version` and
/// `updated_at`, and stores the new values of those two back in `article`.
fn write_changes(
    conn: &Connection,
    article: &mut Article,
    changed: &[&str],
) -> rusqlite::Result<()> {
    let tags = tags_json(&article.tags);
    let status = article.status.as_str();
    let writable: [(&str, &dyn ToSql); 4] = [
        ("title", &article.title),
        ("body", &article.body),
        ("tags", &tags),
        ("status", &status),
    ];
    let (version, updated_at) =
        update_versioned_row(conn, "articles", article.id, &writable, changed)?;
    article.version = version;
    article.updated_at = updated_at;
    Ok(())
}

/// One update of the article `id` for `sender` in one `BEGIN IMMEDIATE` transaction
/// ([`articles::check_and_apply`]).
pub fn update(
    db: &Db,
    sender: &str,
    id: i64,
    apply: Apply,
    if_match: Option<&IfMatch>,
) -> Result<(Article, Vec<&'static str>), UpdateError> {
    db.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sender = articles::sender_now(sender, user_by_name(&tx, sender)?);
        let stored = article_by_id(&tx, id)?;
        let (mut article, changed) = articles::check_and_apply(&sender, stored, apply, if_match)?;
        if !changed.is_empty() {
            write_changes(&tx, &mut article, &changed)?;
            tx.commit()?;
        }
        Ok((article, changed))
    })
}
