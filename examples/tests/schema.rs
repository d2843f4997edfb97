//! The demo's patch schemas (users' and articles') say what its validators say: for generated values of each
//! validated field, the validator accepts exactly what the schema (with its hand-written
//! `pattern`s) accepts, checked with an independent JSON Schema validator. Without this, the
//! OpenAPI document could promise a request the server refuses, or the other way round.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use safe_update::auth::Identity;
use safe_update::from_json;
use safe_update::WithExtra;
use safe_update_demo::account::{LoginServerFields, NewUserBody};
use safe_update_demo::article::{Article, ArticleNew, ArticlePatch, ArticleServerFields, Status};
use safe_update_demo::model::{User, UserPatch, UserServerFields};
use safe_update_demo::password::{self, NewPasswordPatch};
use serde_json::{json, Value};

fn validator<P: schemars::JsonSchema>() -> jsonschema::Validator {
    let schema = serde_json::to_value(schemars::schema_for!(P)).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

// Each schema's validator is built once per test, not once per generated case: building one
// compiles the schema's patterns, which took most of these tests' time (the regex engines are
// unoptimised in test builds); what the cases check is unchanged.
static NEW_USER: LazyLock<jsonschema::Validator> = LazyLock::new(validator::<NewUserBody>);
static USER_PATCH: LazyLock<jsonschema::Validator> = LazyLock::new(validator::<UserPatch>);
static NEW_PASSWORD: LazyLock<jsonschema::Validator> = LazyLock::new(validator::<NewPasswordPatch>);
static ARTICLE_PATCH: LazyLock<jsonschema::Validator> = LazyLock::new(validator::<ArticlePatch>);
static ARTICLE_NEW: LazyLock<jsonschema::Validator> = LazyLock::new(validator::<ArticleNew>);

fn user() -> User {
    User {
        id: 1,
        username: "alice".into(),
        display_name: "Alice".into(),
        email: "alice@example.org".into(),
        bio: None,
        is_admin: false,
        password_hash: String::new(),
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

/// Whether the server takes `document` as a patch of alice by an admin.
fn accepted(document: &Value) -> bool {
    match from_json::<UserPatch>(document.to_string().as_bytes()) {
        Ok(patch) => patch.apply_as(&mut user(), &admin()).is_ok(),
        Err(_) => false,
    }
}

/// Text that lands on every edge of the rules: the characters they treat specially (`@`,
/// `.`, white space and control characters of every kind, non-ASCII), and lengths around
/// each limit.
fn text() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just('@'),
        Just('.'),
        Just(' '),
        Just('\t'),
        Just('\u{0}'),
        Just('\u{7f}'),
        Just('\u{85}'),
        Just('\u{9f}'),
        Just('\u{a0}'),
        Just('\u{1680}'),
        Just('\u{2003}'),
        Just('\u{2028}'),
        Just('\u{202f}'),
        Just('\u{3000}'),
        Just('\u{200b}'),
        Just('é'),
        Just('😀'),
        Just('"'),
        Just('\\'),
    ];
    let plain = prop::char::range('a', 'e');
    let chars = prop::collection::vec(prop_oneof![8 => plain, 2 => special], 0..12);
    let long = (
        prop_oneof![
            Just(7usize),
            Just(8),
            Just(63),
            Just(64),
            Just(65),
            Just(99),
            Just(100),
            Just(101),
            Just(253),
            Just(254),
            Just(255),
            Just(256),
            Just(257),
            Just(1000),
            Just(1001)
        ],
        prop_oneof![Just('a'), Just('é')],
    )
        .prop_map(|(n, c)| c.to_string().repeat(n));
    prop_oneof![
        6 => chars.prop_map(|chars| chars.into_iter().collect::<String>()),
        // Shaped like addresses, with labels of every length near the limit.
        3 => (
            "[a-c.@]{0,3}",
            prop_oneof![Just(1usize), Just(62), Just(63), Just(64)],
            prop_oneof![Just(".org"), Just("."), Just(""), Just(".a.b"), Just("..x")]
        )
            .prop_map(|(local, label, tail)| format!("{local}x@{}{tail}", "d".repeat(label))),
        1 => long,
    ]
}

/// Whether the server creates a user from `document` (sent by an admin): the body read, the
/// login and the user built (the database's answer, a taken name, is not the schema's).
fn created(document: &Value) -> bool {
    let Ok(WithExtra { new, extra }) = from_json::<NewUserBody>(document.to_string().as_bytes())
    else {
        return false;
    };
    let server = UserServerFields {
        id: 0,
        username: String::new(),
        password_hash: String::new(),
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    };
    extra.build(LoginServerFields {}).is_ok() && new.build_as(server, &admin()).is_ok()
}

/// User names near every rule: the allowed characters, others, lengths around 32.
fn username() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9_.-]{0,34}",
        1 => prop::sample::select(vec![".", "..", "...", ".a", "a.."]).prop_map(String::from),
        2 => "[a-zA-Z0-9:@ _.-]{0,6}",
        1 => text(),
    ]
}

/// An admin: every grant of an article admits it, so what decides is the values alone, which
/// is what a schema can say. (Who may write which field is `tests/articles.rs`'s.)
fn admin() -> Identity {
    Identity::new("admin", ["admin"])
}

/// Whether the server takes `document` as a patch of an article, sent by an admin.
fn article_patched(document: &Value) -> bool {
    let mut article = Article {
        id: 1,
        author: "alice".into(),
        title: "Hello".into(),
        body: "Text.".into(),
        tags: vec![],
        status: Status::Draft,
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    };
    match from_json::<ArticlePatch>(document.to_string().as_bytes()) {
        Ok(patch) => patch.apply_as(&mut article, &admin()).is_ok(),
        Err(_) => false,
    }
}

/// Whether the server creates an article from `document`, sent by an admin.
fn article_created(document: &Value) -> bool {
    let server = ArticleServerFields {
        id: 0,
        author: "admin".into(),
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    };
    match from_json::<ArticleNew>(document.to_string().as_bytes()) {
        Ok(new) => new.build_as(server, &admin()).is_ok(),
        Err(_) => false,
    }
}

/// Any value an article field might be sent: text, tag lists near every rule (count, length,
/// characters, repeats), statuses and near misses, other JSON types.
fn article_value() -> impl Strategy<Value = Value> {
    let tag = prop_oneof![
        4 => "[a-z0-9-]{0,34}",
        1 => "[a-zA-Z0-9 _.-]{0,4}",
        1 => text(),
    ];
    let tags = prop::collection::vec(tag, 0..13).prop_map(Value::from);
    let repeated = "[a-z]{1,3}".prop_map(|tag| json!([tag, "x", tag]));
    let status = prop::sample::select(vec!["draft", "published", "archived", "Draft", ""])
        .prop_map(Value::from);
    prop_oneof![
        4 => text().prop_map(Value::from),
        3 => tags,
        1 => repeated,
        2 => status,
        1 => Just(Value::Null),
        1 => Just(json!(5)),
    ]
}

// The seeds of past failures stay in `schema.proptest-regressions`, beside this file. Said
// explicitly: proptest's default looks for them beside the directory of the nearest
// `main.rs`, which is this binary's (`proptest-regressions/schema.txt` in the crate).
proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::with_cases(3000)
    })]

    #[test]
    fn the_create_schema_accepts_what_the_server_creates(
        field in prop::sample::select(vec!["username", "password", "display_name", "email", "bio"]),
        value in prop_oneof![username(), text()],
        leave_out in prop::option::weighted(0.1, prop::sample::select(vec!["username", "email"])),
    ) {
        let mut document = json!({
            "username": "carol",
            "password": "a long enough password",
            "display_name": "Carol",
            "email": "carol@example.org",
        });
        document[field] = json!(value);
        if let Some(key) = leave_out {
            document.as_object_mut().unwrap().remove(key);
        }
        let valid = NEW_USER.is_valid(&document);
        prop_assert_eq!(created(&document), valid, "{}", document);
    }

    #[test]
    fn the_user_patch_schema_accepts_what_the_validators_accept(
        field in prop::sample::select(vec!["display_name", "email", "bio"]),
        value in text(),
    ) {
        let document = json!({ field: value });
        let valid = USER_PATCH.is_valid(&document);
        prop_assert_eq!(accepted(&document), valid, "{}", document);
    }

    #[test]
    fn the_article_patch_schema_accepts_what_the_server_applies(
        field in prop::sample::select(vec!["title", "body", "tags", "status"]),
        value in article_value(),
    ) {
        let document = json!({ field: value });
        let valid = ARTICLE_PATCH.is_valid(&document);
        prop_assert_eq!(article_patched(&document), valid, "{}", document);
    }

    #[test]
    fn the_article_create_schema_accepts_what_the_server_creates(
        field in prop::sample::select(vec!["title", "body", "tags", "status"]),
        value in article_value(),
        leave_out in prop::option::weighted(0.1, prop::sample::select(vec!["title", "body"])),
    ) {
        let mut document = json!({"title": "Hello", "body": "Text."});
        document[field] = value;
        if let Some(key) = leave_out {
            document.as_object_mut().unwrap().remove(key);
        }
        let valid = ARTICLE_NEW.is_valid(&document);
        prop_assert_eq!(article_created(&document), valid, "{}", document);
    }

    #[test]
    fn the_password_schema_accepts_what_the_password_check_accepts(
        long_enough in any::<bool>(),
        text in text(),
    ) {
        // Half of them long enough, so that the other rules decide.
        let value = if long_enough { format!("password{text}") } else { text };
        let document = json!({ "password": value });
        let valid = NEW_PASSWORD.is_valid(&document);
        let taken = from_json::<NewPasswordPatch>(document.to_string().as_bytes()).is_ok()
            && password::check("alice", &value).is_ok();
        prop_assert_eq!(taken, valid, "{}", document);
    }
}
