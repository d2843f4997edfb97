//! The user names `.` and `..` are refused everywhere a user is named into existence: they
//! would be path segments of their own in `/users/{username}`, where `/users/..` means
//! `/`. The validator, the JSON Schema (so that what the schema accepts the server accepts),
//! the CLI and `POST /users`, on both servers.

use crate::common::{cli, Server, Setup};
use safe_update_demo::account::NewUserBody;
use safe_update_demo::model;
use serde_json::{json, Value};
use utoipa::ToSchema;

const DOTS: [&str; 2] = [".", ".."];
/// Names with dots that are user names all the same.
const DOTTED: [&str; 5] = ["...", ".a", "a.", "a..b", "._"];

#[test]
fn the_validator_refuses_dot_and_dot_dot() {
    for name in DOTS {
        let error = model::username(name).unwrap_err();
        assert!(error.contains("'.' and '..'"), "{name}: {error}");
    }
    for name in DOTTED {
        assert_eq!(model::username(name), Ok(()), "{name}");
    }
}

/// The `username` property of a schema, found wherever it is nested.
fn username_schema(schema: &Value) -> Option<&Value> {
    match schema {
        Value::Object(map) => map
            .get("properties")
            .and_then(|properties| properties.get("username"))
            .or_else(|| map.values().find_map(username_schema)),
        Value::Array(items) => items.iter().find_map(username_schema),
        _ => None,
    }
}

#[test]
fn the_schema_says_so_too() {
    let schemars = serde_json::to_value(schemars::schema_for!(NewUserBody)).unwrap();
    let openapi: Value = serde_json::from_slice(safe_update_demo::openapi::json()).unwrap();
    let creation = &openapi["components"]["schemas"][NewUserBody::name().as_ref()];
    for (origin, document) in [("schemars", &schemars), ("OpenAPI", creation)] {
        let schema = username_schema(document).unwrap_or_else(|| panic!("{origin}: no username"));
        let validator = jsonschema::validator_for(schema).unwrap();
        for name in DOTS {
            assert!(
                !validator.is_valid(&json!(name)),
                "{origin} accepts {name:?}"
            );
        }
        for name in DOTTED.into_iter().chain(["alice", "a_b-c.d"]) {
            assert!(
                validator.is_valid(&json!(name)),
                "{origin} refuses {name:?}"
            );
        }
    }
    // And the whole body: schema-valid with any other name, invalid with "..".
    let validator = jsonschema::validator_for(&schemars).unwrap();
    let body = |username: &str| {
        json!({"username": username, "password": "a long enough password",
               "display_name": "Dot", "email": "dot@example.org"})
    };
    assert!(validator.is_valid(&body("dot")));
    assert!(!validator.is_valid(&body("..")));
}

fn the_cli_refuses_dot_and_dot_dot(setup: Setup) {
    let db = setup.db();
    for name in DOTS {
        let args = ["add-user", "--username", name];
        let (ok, stderr) = cli(&db, &args, "a long enough password\n");
        assert!(!ok, "add-user {name} succeeded");
        assert!(stderr.contains("'.' and '..'"), "{stderr}");
    }
    let (ok, stderr) = cli(
        &db,
        &["add-user", "--username", "..."],
        "a long enough password\n",
    );
    assert!(ok, "{stderr}");
}

fn post_users_refuses_dot_and_dot_dot(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let (name, password) = server.login("admin");
    let admin = (name.as_str(), password.as_str());
    for username in DOTS {
        let body = json!({"username": username, "password": "a long enough password",
                          "display_name": "Dot", "email": "dot@example.org"})
        .to_string();
        let answer = server.send(
            "POST",
            "/users",
            Some(admin),
            &[],
            Some(("application/json", body.as_bytes())),
        );
        assert_eq!(answer.status, 422, "{username}: {answer:?}");
        assert_eq!(answer.code(), "invalid_fields", "{answer:?}");
        assert_eq!(answer.listed("invalid"), ["username"], "{answer:?}");
    }
}

both_servers!(
    the_cli_refuses_dot_and_dot_dot,
    post_users_refuses_dot_and_dot_dot
);
