//! The read side (`#[update(view)]`): a view serializes the fields an identity may read, with
//! the names, functions and skips the model's serde attributes give them, and never a secret.

use safe_update::{NoRoles, SafeUpdate, SafeView};
use safe_update_tests::fixtures::viewed_user::{Claims, User};
use serde::Serialize;
use serde_json::{json, Value};

fn user() -> User {
    User {
        id: 7,
        username: "ann".into(),
        display_name: "Ann".into(),
        bio: None,
        email: "ann@example.org".into(),
        shout: "hi".into(),
        password_hash: "$argon2id$...".into(),
    }
}

fn seen(user: &User, who: &Claims) -> Value {
    serde_json::to_value(user.view_as(who)).unwrap()
}

#[test]
fn another_user_sees_the_public_fields() {
    let bob = Claims {
        name: "bob".into(),
        admin: false,
    };
    assert_eq!(
        seen(&user(), &bob),
        json!({"username": "ann", "displayName": "Ann", "shout": "HI"})
    );
}

#[test]
fn the_user_itself_and_admins_see_more_and_nobody_the_secret() {
    let ann = Claims {
        name: "ann".into(),
        admin: false,
    };
    let root = Claims {
        name: "root".into(),
        admin: true,
    };
    let expected = json!({
        "id": 7, "username": "ann", "displayName": "Ann", "mail": "ann@example.org", "shout": "HI",
    });
    assert_eq!(seen(&user(), &ann), expected);
    assert_eq!(seen(&user(), &root), expected);
    let mut with_bio = user();
    with_bio.bio = Some("hello".into());
    assert_eq!(seen(&with_bio, &root)["bio"], "hello");
    assert!(with_bio.password_hash.contains("argon2"));
    for who in [&ann, &root] {
        let text = serde_json::to_string(&with_bio.view_as(who)).unwrap();
        assert!(
            !text.contains("argon2") && !text.contains("password"),
            "{text}"
        );
    }
}

#[test]
fn the_order_and_names_are_the_models_serde_ones() {
    // What serde's derive writes for a struct of the visible fields, in the same order.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Expected<'a> {
        id: u64,
        username: &'a str,
        display_name: &'a str,
        #[serde(rename = "mail")]
        email: &'a str,
        shout: &'a str,
    }
    let ann = Claims {
        name: "ann".into(),
        admin: false,
    };
    let view = serde_json::to_string(&user().view_as(&ann)).unwrap();
    let expected = serde_json::to_string(&Expected {
        id: 7,
        username: "ann",
        display_name: "Ann",
        email: "ann@example.org",
        shout: "HI",
    })
    .unwrap();
    assert_eq!(view, expected);
}

#[derive(SafeUpdate)]
#[update(view(server_only = secret))]
struct Note {
    #[update(allow)]
    text: String,
    #[update(server_only)]
    owner: String,
}

#[test]
fn a_model_without_an_identity_is_viewed_by_any_roles() {
    let note = Note {
        text: "t".into(),
        owner: "ann".into(),
    };
    assert_eq!(
        serde_json::to_value(note.view_as(&NoRoles)).unwrap(),
        json!({"text": "t"})
    );
    let _ = &note.owner;
}

#[test]
fn the_view_schema_is_any_of_the_field_sets_readers_see_and_admits_every_view() {
    let schema =
        serde_json::to_value(schemars::schema_for!(safe_update::ViewSchema<User>)).unwrap();
    let sets = schema["anyOf"].as_array().expect("two kinds of reader");
    assert_eq!(sets.len(), 2, "{schema:#}");
    let names = |set: &Value| -> Vec<String> {
        set["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(names(&sets[0]), ["bio", "displayName", "shout", "username"]);
    assert_eq!(
        names(&sets[1]),
        ["bio", "displayName", "id", "mail", "shout", "username"]
    );
    assert!(!schema.to_string().contains("password"), "{schema}");
    // `bio` is skipped when `None`: never required.
    assert!(!sets[1]["required"]
        .as_array()
        .unwrap()
        .contains(&json!("bio")));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let ann = Claims {
        name: "ann".into(),
        admin: false,
    };
    let bob = Claims {
        name: "bob".into(),
        admin: false,
    };
    let mut with_bio = user();
    with_bio.bio = Some("hi".into());
    for model in [user(), with_bio] {
        for who in [&ann, &bob] {
            let served = serde_json::to_value(model.view_as(who)).unwrap();
            assert!(validator.is_valid(&served), "{served}");
        }
    }
    // A view with a field no reader sees is refused: the sets are closed.
    assert!(!validator.is_valid(
        &json!({"username": "ann", "displayName": "Ann", "shout": "HI", "passwordHash": "x"})
    ));
}

#[test]
fn the_policy_table_says_who_may_read_each_field() {
    let table = safe_update::policy::markdown(&[User::policy()]);
    assert!(
        table.starts_with(
            "| model | field | keys in a document | who may write | `null` | who may read |"
        ),
        "{table}"
    );
    for row in [
        "| `User` | `id` | `id` | the server only | refused | when `is_self`; or role `admin` |",
        "| `User` | `username` | `username` | the server only | refused | anyone |",
        "| `User` | `display_name` | `displayName` | anyone | refused | anyone |",
        "| `User` | `password_hash` | `passwordHash`, `password_hash` | the server only | refused | nobody (secret) |",
    ] {
        assert!(table.lines().any(|line| line == row), "{row}\nnot in\n{table}");
    }
    let json = serde_json::to_value(User::policy()).unwrap();
    assert_eq!(json["fields"][6]["read"], json!({"kind": "secret"}));
}

/// A generic model: its views write a field of the parameter's type (the secret check cannot
/// see whether `Tagged<T>` implements `Serialize`, so it is not made; the view still never
/// writes the secret).
#[derive(SafeUpdate)]
#[update(view)]
struct Tagged<T: std::fmt::Debug> {
    #[update(allow)]
    #[serde(serialize_with = "as_debug")]
    tag: T,
    #[update(allow)]
    value: T,
    #[update(server_only, secret)]
    token: String,
}

fn as_debug<T: std::fmt::Debug, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("{value:?}"))
}

#[test]
fn a_generic_model_has_views_too() {
    let tagged = Tagged {
        tag: 3u8,
        value: 4u8,
        token: "t".into(),
    };
    assert_eq!(tagged.token, "t");
    assert_eq!(
        serde_json::to_value(tagged.view_as(&NoRoles)).unwrap(),
        json!({"tag": "3", "value": 4})
    );
}

/// A view model declared by a `macro_rules!`, its read rule, `serialize_with` function and
/// `skip_serializing_if` test given by the macro's caller: their paths carry the caller's
/// hygiene, the derive's own code (`self`, its bindings) the macro's, and each must still
/// resolve.
macro_rules! declared_by_a_macro {
    ($name:ident, [$($read:tt)*], $write:literal, $skip:literal) => {
        #[derive(SafeUpdate)]
        #[update(view, identity = Claims)]
        struct $name {
            #[update(server_only, read)]
            owner: String,
            #[update(allow, $($read)*)]
            #[serde(skip_serializing_if = $skip, serialize_with = $write)]
            note: Option<String>,
        }
    };
}

fn owns_it(who: &Claims, model: &Memo) -> bool {
    who.name == model.owner
}

fn loud<S: serde::Serializer>(value: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    value
        .as_deref()
        .map(str::to_uppercase)
        .serialize(serializer)
}

declared_by_a_macro!(Memo, [read(when = owns_it)], "loud", "Option::is_none");

#[test]
fn a_view_model_declared_by_a_macro_keeps_its_rules() {
    let memo = Memo {
        owner: "ann".into(),
        note: Some("hi".into()),
    };
    let ann = Claims {
        name: "ann".into(),
        admin: false,
    };
    let bob = Claims {
        name: "bob".into(),
        admin: false,
    };
    assert_eq!(
        serde_json::to_value(memo.view_as(&ann)).unwrap(),
        json!({"owner": "ann", "note": "HI"})
    );
    assert_eq!(
        serde_json::to_value(memo.view_as(&bob)).unwrap(),
        json!({"owner": "ann"})
    );
    let empty = Memo {
        owner: "ann".into(),
        note: None,
    };
    assert_eq!(
        serde_json::to_value(empty.view_as(&ann)).unwrap(),
        json!({"owner": "ann"})
    );
}

/// A nested model with views of its own, and its parent.
mod nested_views {
    use safe_update::SafeUpdate;
    use safe_update_tests::fixtures::claims::Claims;

    #[derive(Debug, Clone, PartialEq, serde::Serialize, SafeUpdate)]
    #[update(view, identity = Claims)]
    pub struct Inner {
        #[update(allow)]
        pub shown: String,
        #[update(server_only, read(role = "admin"))]
        pub admins_only: String,
    }

    #[derive(Debug, Clone, PartialEq, SafeUpdate)]
    #[update(view, identity = Claims)]
    pub struct Outer {
        #[update(allow)]
        pub name: String,
        #[update(nested)]
        pub inner: Inner,
    }
}

/// A nested model with views is written in its parent's view by its own view, so its read
/// rules hold there too: a field only an admin may read is not shown to anyone else, nor can
/// a JSON Patch `test` it. (Found by this test's first version: the parent's view wrote the
/// nested model with its `Serialize`.)
#[test]
fn a_nested_model_s_read_rules_hold_in_its_parent_s_view() {
    use nested_views::{Inner, Outer};

    let who = Claims {
        name: "bob".into(),
        admin: false,
    };
    let outer = Outer {
        name: "n".into(),
        inner: Inner {
            shown: "s".into(),
            admins_only: "ADMINS-ONLY".into(),
        },
    };
    let inner = serde_json::to_string(&outer.inner.view_as(&who)).unwrap();
    assert!(!inner.contains("ADMINS-ONLY"), "{inner}");
    let view = serde_json::to_string(&outer.view_as(&who)).unwrap();
    assert!(!view.contains("ADMINS-ONLY"), "{view}");
    // An admin reads it there: the parent's sender is the nested view's.
    let admin = Claims {
        name: "root".into(),
        admin: true,
    };
    assert_eq!(
        serde_json::to_value(outer.view_as(&admin)).unwrap(),
        json!({"name": "n", "inner": {"shown": "s", "admins_only": "ADMINS-ONLY"}})
    );
}

/// The parent's view schema describes a nested model with views by its views' schema, which
/// is what the parent's view writes: each reader's answer is valid, and one with a field that
/// reader may not see is not.
#[test]
fn a_nested_model_with_views_is_described_by_its_views_schema() {
    use nested_views::{Inner, Outer};

    let schema = schemars::schema_for!(safe_update::ViewSchema<Outer>);
    let schema = serde_json::to_value(schema).unwrap();
    assert!(schema.to_string().contains("InnerView"), "{schema:#}");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let outer = Outer {
        name: "n".into(),
        inner: Inner {
            shown: "s".into(),
            admins_only: "a".into(),
        },
    };
    for admin in [false, true] {
        let who = Claims {
            name: "bob".into(),
            admin,
        };
        let view = serde_json::to_value(outer.view_as(&who)).unwrap();
        assert!(validator.is_valid(&view), "{view} against {schema:#}");
    }
    let more = json!({"name": "n", "inner": {"shown": "s", "admins_only": "a", "other": 1}});
    assert!(!validator.is_valid(&more), "{more}");
}
