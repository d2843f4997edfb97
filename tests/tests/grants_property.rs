//! The articles rule table (`fixtures::article`) held against an oracle written from the table
//! itself, never from the library's rules, for generated identities (the author, another user,
//! an admin, who may be the author too), stored articles (any status, any author) and
//! documents (any subset of the writable fields, any status value, now and then a server-only
//! key):
//!
//! | field | who may write it |
//! |---|---|
//! | `title`, `tags` | the article's author, or an admin |
//! | `body` | the author while `status` is `draft`; an admin at any time |
//! | `status` | the author: only from `draft` to `published`; an admin: any value |
//! | `id`, `author` | the server |
//!
//! An update is accepted exactly when the table admits every field the document touches
//! (re-sending the stored value is a write too); a refused one changes nothing and lists
//! exactly the refused fields. A create asks the same of the would-be article: its author is
//! the server's, its status the document's or `draft`, and a status is created, not moved, so
//! an author may only create drafts.

use proptest::prelude::*;
use safe_update::{from_json, ApplyError, ProblemKind};
use safe_update_tests::fixtures::article::{
    Article, ArticleNew, ArticlePatch, ArticleServerFields, Claims, Status,
};
use safe_update_tests::fixtures::documents::object_text;
use serde_json::{json, Value};

/// The names identities and authors are drawn from: the same few, so that the sender is the
/// author often.
const NAMES: [&str; 3] = ["ann", "bob", "cy"];

/// The fields in declaration order: how refusals are listed.
const WRITABLE: [&str; 4] = ["title", "body", "tags", "status"];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(&NAMES[..]).prop_map(str::to_owned)
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Draft),
        Just(Status::Published),
        Just(Status::Archived)
    ]
}

/// A sender: any name, an admin now and then (an admin may be the author too).
fn claims() -> impl Strategy<Value = Claims> {
    (name(), prop::bool::weighted(0.3)).prop_map(|(name, admin)| Claims { name, admin })
}

fn text() -> impl Strategy<Value = String> {
    "[a-z]{0,6}"
}

fn tags() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z]{1,4}", 0..3)
}

fn stored() -> impl Strategy<Value = Article> {
    (any::<u64>(), name(), text(), text(), tags(), status()).prop_map(
        |(id, author, title, body, tags, status)| Article {
            id,
            author,
            title,
            body,
            tags,
            status,
        },
    )
}

/// One field a document sets, with its value.
#[derive(Debug, Clone)]
enum Set {
    Title(String),
    Body(String),
    Tags(Vec<String>),
    Status(Status),
}

impl Set {
    fn key(&self) -> &'static str {
        match self {
            Set::Title(_) => "title",
            Set::Body(_) => "body",
            Set::Tags(_) => "tags",
            Set::Status(_) => "status",
        }
    }

    fn value(&self) -> Value {
        match self {
            Set::Title(text) | Set::Body(text) => json!(text),
            Set::Tags(tags) => json!(tags),
            Set::Status(status) => serde_json::to_value(status).expect("a status serializes"),
        }
    }
}

/// A document: the fields it sets (each at most once, in any order) and, now and then, a
/// server-only key.
#[derive(Debug, Clone)]
struct Document {
    sets: Vec<Set>,
    server_key: Option<&'static str>,
}

impl Document {
    fn text(&self) -> String {
        let mut members: Vec<(&str, String)> = self
            .sets
            .iter()
            .map(|set| (set.key(), set.value().to_string()))
            .collect();
        if let Some(key) = self.server_key {
            members.push((key, json!("x").to_string()));
        }
        object_text(members)
    }

    fn get(&self, key: &str) -> Option<&Set> {
        self.sets.iter().find(|set| set.key() == key)
    }
}

/// Each writable field set or not; `required`: these always are (a create input's required
/// fields, whose absence is not this test's subject).
fn document(required: &'static [&'static str]) -> impl Strategy<Value = Document> {
    let field = |key: &'static str, set: BoxedStrategy<Set>| {
        let sent = if required.contains(&key) {
            Just(true).boxed()
        } else {
            any::<bool>().boxed()
        };
        (sent, set).prop_map(|(sent, set)| sent.then_some(set))
    };
    (
        field("title", text().prop_map(Set::Title).boxed()),
        field("body", text().prop_map(Set::Body).boxed()),
        field("tags", tags().prop_map(Set::Tags).boxed()),
        field("status", status().prop_map(Set::Status).boxed()),
        prop_oneof![
            12 => Just(None),
            1 => Just(Some("author")),
            1 => Just(Some("id")),
        ],
    )
        .prop_flat_map(|(title, body, tags, status, server_key)| {
            let sets: Vec<Set> = [title, body, tags, status].into_iter().flatten().collect();
            Just(sets)
                .prop_shuffle()
                .prop_map(move |sets| Document { sets, server_key })
        })
}

/// Whether the table lets `who` set `key` to `set`, on the article `model` (the stored one, or
/// the would-be one on create), from `old` (the stored status; `None` on create).
fn table_admits(who: &Claims, model: &Article, set: &Set, old: Option<Status>) -> bool {
    let author = who.name == model.author;
    who.admin
        || match set {
            Set::Title(_) | Set::Tags(_) => author,
            Set::Body(_) => author && model.status == Status::Draft,
            Set::Status(new) => {
                author
                    && match old {
                        Some(old) => old == Status::Draft && *new == Status::Published,
                        None => *new == Status::Draft,
                    }
            }
        }
}

/// The fields the table refuses `who`, in declaration order.
fn refused(who: &Claims, model: &Article, document: &Document, old: Option<Status>) -> Vec<String> {
    WRITABLE
        .iter()
        .filter_map(|key| document.get(key))
        .filter(|set| !table_admits(who, model, set, old))
        .map(|set| set.key().to_owned())
        .collect()
}

/// `article` with the document's fields written.
fn written(mut article: Article, document: &Document) -> Article {
    for set in &document.sets {
        match set.clone() {
            Set::Title(title) => article.title = title,
            Set::Body(body) => article.body = body,
            Set::Tags(tags) => article.tags = tags,
            Set::Status(status) => article.status = status,
        }
    }
    article
}

/// The refused fields as the error lists them, each refused by the table's grants: the role
/// `admin`, and one rule refusal for the one grant with conditions.
fn listed(error: &ApplyError) -> Vec<String> {
    assert_eq!(error.kind(), ProblemKind::NotPermitted, "{error:?}");
    assert!(error.invalid().is_empty(), "{error:?}");
    error
        .denied()
        .iter()
        .map(|denied| {
            assert_eq!(denied.roles, ["admin"], "{denied:?}");
            assert_eq!(denied.rules.len(), 1, "{denied:?}");
            denied.field.clone()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_update_is_accepted_exactly_when_the_table_admits_every_field_it_touches(
        who in claims(),
        stored in stored(),
        document in document(&[]),
    ) {
        let text = document.text();
        let read = from_json::<ArticlePatch>(text.as_bytes());
        if let Some(key) = document.server_key {
            let error = read.expect_err("a server-only key is refused when read");
            prop_assert_eq!(error.forbidden(), [key.to_owned()]);
            return Ok(());
        }
        let patch = read.expect("a document of writable fields is read");
        let expected_refused = refused(&who, &stored, &document, Some(stored.status));
        let mut target = stored.clone();
        match patch.apply_as(&mut target, &who) {
            Ok(_) => {
                prop_assert!(expected_refused.is_empty(), "accepted, but the table refuses {:?}", expected_refused);
                prop_assert_eq!(target, written(stored, &document));
            }
            Err(error) => {
                prop_assert_eq!(&target, &stored, "a refused write changes nothing");
                prop_assert_eq!(listed(&error), expected_refused);
            }
        }
    }

    #[test]
    fn a_create_is_accepted_exactly_when_the_table_admits_the_would_be_article(
        who in claims(),
        id in any::<u64>(),
        author in name(),
        document in document(&["title", "body"]),
    ) {
        let text = document.text();
        let read = from_json::<ArticleNew>(text.as_bytes());
        if let Some(key) = document.server_key {
            let error = read.expect_err("a server-only key is refused when read");
            prop_assert_eq!(error.forbidden(), [key.to_owned()]);
            return Ok(());
        }
        let new = read.expect("a document of writable fields is read");
        // The would-be article: the server's id and author, the document's fields, the
        // creation defaults (no tags, a draft) for the rest.
        let would_be = written(
            Article {
                id,
                author: author.clone(),
                title: String::new(),
                body: String::new(),
                tags: Vec::new(),
                status: Status::Draft,
            },
            &document,
        );
        let expected_refused = refused(&who, &would_be, &document, None);
        match new.build_as(ArticleServerFields { id, author }, &who) {
            Ok(made) => {
                prop_assert!(expected_refused.is_empty(), "made, but the table refuses {:?}", expected_refused);
                prop_assert_eq!(made, would_be);
            }
            Err(error) => prop_assert_eq!(listed(&error), expected_refused),
        }
    }
}
