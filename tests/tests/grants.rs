//! Grants beyond roles: conditions on who asks and what is stored (`when`), value rules on the
//! old and new value (`change`), several grants per field (any one admits), and a typed
//! identity. The model is the demo's articles table (`fixtures::article`); `grants_property.rs`
//! holds it against an oracle of that table for generated identities, articles and documents.

use safe_update::{from_json, ApplyError, ProblemKind, SafeUpdate};
use safe_update_tests::fixtures::article::{
    Article, ArticleNew, ArticlePatch, ArticleServerFields, Claims, Status,
};

fn article(status: Status) -> Article {
    Article {
        id: 7,
        author: "ann".into(),
        title: "Hello".into(),
        body: "first".into(),
        tags: vec![],
        status,
    }
}

fn ann() -> Claims {
    Claims {
        name: "ann".into(),
        admin: false,
    }
}

fn bob() -> Claims {
    Claims {
        name: "bob".into(),
        admin: false,
    }
}

fn root() -> Claims {
    Claims {
        name: "root".into(),
        admin: true,
    }
}

fn apply(who: &Claims, stored: &mut Article, body: &str) -> Result<(), ApplyError> {
    let patch: ArticlePatch = from_json(body.as_bytes()).expect("a readable document");
    patch.apply_as(stored, who).map(drop)
}

#[test]
fn the_author_edits_a_draft_and_publishes_it() {
    let mut stored = article(Status::Draft);
    apply(
        &ann(),
        &mut stored,
        r#"{"title":"Hi","body":"second","tags":["a"]}"#,
    )
    .unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.body.as_str()),
        ("Hi", "second")
    );
    apply(&ann(), &mut stored, r#"{"status":"published"}"#).unwrap();
    assert_eq!(stored.status, Status::Published);
}

#[test]
fn another_user_is_refused_every_field_at_once_and_nothing_changes() {
    let mut stored = article(Status::Draft);
    let before = stored.clone();
    let error = apply(
        &bob(),
        &mut stored,
        r#"{"title":"Mine","body":"x","status":"archived"}"#,
    )
    .unwrap_err();
    assert_eq!(stored, before);
    assert_eq!(error.kind(), ProblemKind::NotPermitted);
    assert_eq!(error.code(), "not_permitted");
    let fields: Vec<&str> = error.denied().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["title", "body", "status"]);
    for denied in error.denied() {
        assert_eq!(denied.roles, ["admin"], "{denied:?}");
        assert_eq!(denied.rules[0].rule, "is_author", "{denied:?}");
        assert_eq!(
            denied.rules[0].reason,
            "the condition `is_author` does not hold"
        );
    }
}

#[test]
fn a_published_body_is_frozen_for_its_author_with_the_rule_s_own_reason() {
    let mut stored = article(Status::Published);
    let before = stored.clone();
    let error = apply(&ann(), &mut stored, r#"{"title":"ok","body":"changed"}"#).unwrap_err();
    assert_eq!(stored, before, "the permitted title is not written either");
    assert_eq!(error.denied().len(), 1);
    let denied = &error.denied()[0];
    assert_eq!(denied.field, "body");
    assert_eq!(denied.rules[0].rule, "is_draft");
    assert_eq!(denied.rules[0].reason, "the article is no longer a draft");
    assert!(
        error
            .to_string()
            .contains("the article is no longer a draft (is_draft)"),
        "{error}"
    );
}

#[test]
fn an_author_may_only_publish_a_draft_an_admin_may_set_any_status() {
    for (from, to, author_may) in [
        (Status::Draft, Status::Published, true),
        (Status::Draft, Status::Draft, false),
        (Status::Draft, Status::Archived, false),
        (Status::Published, Status::Draft, false),
        (Status::Published, Status::Archived, false),
        (Status::Archived, Status::Published, false),
    ] {
        let body = serde_json::json!({ "status": to }).to_string();
        let mut stored = article(from);
        let result = apply(&ann(), &mut stored, &body);
        assert_eq!(result.is_ok(), author_may, "{from:?} -> {to:?}: {result:?}");
        assert_eq!(stored.status, if author_may { to } else { from });
        if let Err(error) = result {
            assert_eq!(error.denied()[0].rules[0].rule, "author_may_publish");
            assert!(error.denied()[0].rules[0].reason.contains("may not move"));
        }
        let mut stored = article(from);
        apply(&root(), &mut stored, &body).unwrap();
        assert_eq!(stored.status, to);
    }
}

#[test]
fn roles_alone_answer_as_before() {
    #[derive(SafeUpdate)]
    struct Account {
        #[update(allow(role = "admin"))]
        is_admin: bool,
    }
    let patch: AccountPatch = from_json(br#"{"is_admin":true}"#).unwrap();
    let error = patch
        .apply_as(&mut Account { is_admin: false }, &safe_update::NoRoles)
        .unwrap_err();
    assert_eq!(error.kind(), ProblemKind::Denied);
    let body = serde_json::to_value(&error).unwrap();
    assert_eq!(
        body["denied"],
        serde_json::json!([{ "field": "is_admin", "roles": ["admin"] }])
    );
}

#[test]
fn a_refusal_serializes_its_rules() {
    let mut stored = article(Status::Published);
    let error = apply(&bob(), &mut stored, r#"{"body":"x"}"#).unwrap_err();
    let body = serde_json::to_value(&error).unwrap();
    assert_eq!(body["error"], "not_permitted");
    assert_eq!(
        body["denied"],
        serde_json::json!([{
            "field": "body",
            "roles": ["admin"],
            "rules": [{ "rule": "is_author", "reason": "the condition `is_author` does not hold" }],
        }])
    );
}

#[test]
fn create_asks_the_would_be_model_and_a_non_admin_creates_only_drafts() {
    let server = || ArticleServerFields {
        id: 1,
        author: "ann".into(),
    };
    let new: ArticleNew = from_json(br#"{"title":"T","body":"B"}"#).unwrap();
    let made = new.build_as(server(), &ann()).unwrap();
    assert_eq!((made.status, made.author.as_str()), (Status::Draft, "ann"));

    let new: ArticleNew = from_json(br#"{"title":"T","body":"B","status":"published"}"#).unwrap();
    let error = new.build_as(server(), &ann()).unwrap_err();
    assert_eq!(error.kind(), ProblemKind::NotPermitted);
    // Conditions see the would-be model: a published article, whose body its author may not
    // write either.
    let fields: Vec<&str> = error.denied().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["body", "status"]);

    let new: ArticleNew = from_json(br#"{"title":"T","body":"B","status":"archived"}"#).unwrap();
    assert_eq!(
        new.build_as(server(), &root()).unwrap().status,
        Status::Archived
    );

    // Created for someone else (the server names ann the author, bob sends it): bob is not the
    // would-be author, so bob may not set its fields.
    let new: ArticleNew = from_json(br#"{"title":"T","body":"B"}"#).unwrap();
    let error = new.build_as(server(), &bob()).unwrap_err();
    let fields: Vec<&str> = error.denied().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["title", "body"]);
}

#[test]
fn the_policy_lists_every_grant() {
    let table = safe_update::policy::markdown(&[Article::policy()]);
    assert!(
        table.contains("| `Article` | `body` | `body` | when `is_author` and when `is_draft`; or role `admin` | refused |"),
        "{table}"
    );
    assert!(
        table.contains("| `Article` | `status` | `status` | when `is_author` and `author_may_publish` permits the value; or role `admin` | refused |"),
        "{table}"
    );
}

/// A roles-only model, nested below models that name an identity.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Label {
    #[update(allow(role = "admin"))]
    text: String,
}

/// A generic model whose nested field is a parameter: its impls carry the bound that the
/// nested model's identity is the parent's or none, asked where the model is used.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(identity = Claims)]
struct Pinned<T> {
    #[update(allow(role = "admin"))]
    rank: u32,
    #[update(nested)]
    item: T,
}

#[test]
fn a_generic_parent_passes_its_identity_to_a_nested_parameter() {
    let mut pinned = Pinned {
        rank: 1,
        item: article(Status::Draft),
    };
    let patch: PinnedPatch<Article> = from_json(br#"{"item":{"title":"Hi"}}"#).unwrap();
    patch.clone().apply_as(&mut pinned, &ann()).unwrap();
    assert_eq!(pinned.item.title, "Hi");
    // The nested article's own condition sees the parent's sender: bob is not its author.
    let error = patch.apply_as(&mut pinned, &bob()).unwrap_err();
    assert_eq!(error.denied()[0].field, "item.title");
    assert_eq!(error.denied()[0].rules[0].rule, "is_author");

    // A roles-only sub-model sees the same sender as its roles.
    let mut pinned = Pinned {
        rank: 1,
        item: Label { text: "a".into() },
    };
    let patch: PinnedPatch<Label> = from_json(br#"{"item":{"text":"b"}}"#).unwrap();
    let error = patch.clone().apply_as(&mut pinned, &ann()).unwrap_err();
    assert_eq!(error.kind(), ProblemKind::Denied);
    patch.apply_as(&mut pinned, &root()).unwrap();
    assert_eq!(pinned.item.text, "b");
}

#[test]
fn re_sending_the_stored_value_is_a_write_for_conditions_and_value_rules_too() {
    // bob re-sends the title the article holds: refused like any other title, else the answer
    // would tell bob what is stored.
    let mut stored = article(Status::Published);
    let error = apply(&bob(), &mut stored, r#"{"title":"Hello"}"#).unwrap_err();
    assert_eq!(error.denied()[0].field, "title");
    // The author re-sends the frozen body unchanged: the state rule still refuses it.
    let error = apply(&ann(), &mut stored, r#"{"body":"first"}"#).unwrap_err();
    assert_eq!(error.denied()[0].rules[0].rule, "is_draft");
    // The value rule sees old equal to new and decides: published over published is not the
    // author's to write.
    let error = apply(&ann(), &mut stored, r#"{"status":"published"}"#).unwrap_err();
    assert_eq!(error.denied()[0].rules[0].rule, "author_may_publish");
    // The author's own unchanged title is accepted, and reported as written but not changed.
    let patch: ArticlePatch = from_json(br#"{"title":"Hello"}"#).unwrap();
    let applied = patch.apply_as(&mut stored, &ann()).unwrap();
    assert_eq!(applied.written().count(), 1);
    assert_eq!(applied.changed().count(), 0);
}

#[test]
fn every_entry_point_reads_the_same_patch_and_the_rules_judge_it_alike() {
    // The rules run in `apply_as`, after reading: a document read by `from_json`, by the
    // patch's own `Deserialize` or from a form is refused for bob and taken for ann alike.
    let json = r#"{"title":"Mine","body":"x"}"#;
    let read: [(&str, ArticlePatch); 3] = [
        ("from_json", from_json(json.as_bytes()).unwrap()),
        ("Deserialize", serde_json::from_str(json).unwrap()),
        (
            "form",
            safe_update::from_form(b"title=Mine&body=x").unwrap(),
        ),
    ];
    for (entry, patch) in read {
        let mut stored = article(Status::Draft);
        let before = stored.clone();
        let error = patch.clone().apply_as(&mut stored, &bob()).unwrap_err();
        assert_eq!(stored, before, "{entry}");
        let fields: Vec<&str> = error.denied().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["title", "body"], "{entry}");
        patch.apply_as(&mut stored, &ann()).unwrap();
        assert_eq!(
            (stored.title.as_str(), stored.body.as_str()),
            ("Mine", "x"),
            "{entry}"
        );
    }
}
