//! `GET /openapi.json` over a socket, on both servers: the document describes every route and
//! method the server has (each undeclared method of a declared path is 405 with `Allow`
//! listing exactly the declared ones), the Basic scheme, the patch schemas as request bodies,
//! problem documents for the refusals, and never the password hash. `scripts/schemathesis.sh`
//! checks the rest (every answer against the document) with an external fuzzer.

use std::collections::BTreeSet;

use crate::common::{Server, Setup};
use serde_json::{json, Value};

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

fn the_document_describes_the_server(setup: Setup) {
    let db = setup.db();
    let server = Server::start(&db);
    let answer = server.send("GET", "/openapi.json", None, &[], None);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(
        !answer.text.contains("password_hash"),
        "the document names the password hash"
    );
    let document = answer.json;
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["components"]["securitySchemes"]["basic"]["scheme"],
        "basic"
    );

    let paths = document["paths"].as_object().unwrap();
    let mut described: Vec<&str> = paths.keys().map(String::as_str).collect();
    described.sort_unstable();
    assert_eq!(
        described,
        [
            "/articles",
            "/articles/{id}",
            "/healthz",
            "/openapi.json",
            "/profile",
            "/profile/password",
            "/users",
            "/users/{username}"
        ]
    );
    for (path, item) in paths {
        let declared: BTreeSet<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|method| method.to_uppercase())
            .collect();
        let mut allowed = declared.clone();
        if declared.contains("GET") {
            allowed.insert("HEAD".into());
        }
        let url = path.replace("{username}", "alice").replace("{id}", "1");
        for method in METHODS {
            let answer = server.send(method, &url, None, &[], None);
            if allowed.contains(method) {
                assert_ne!(answer.status, 405, "{method} {path} is declared");
                continue;
            }
            assert_eq!(answer.status, 405, "{method} {path} is not declared");
            let allow: BTreeSet<String> = answer
                .header("allow")
                .unwrap_or_default()
                .split(',')
                .map(|method| method.trim().to_owned())
                .collect();
            assert_eq!(allow, allowed, "Allow of {path}");
        }
        for (method, operation) in item.as_object().unwrap() {
            let public = matches!(path.as_str(), "/healthz" | "/openapi.json");
            let security = &operation["security"];
            if public {
                assert!(security.is_null(), "{method} {path}");
                continue;
            }
            assert_eq!(security, &json!([{"basic": []}]), "{method} {path}");
            for status in ["401", "429", "503"] {
                let problem =
                    &operation["responses"][status]["content"]["application/problem+json"];
                assert_eq!(
                    problem["schema"]["$ref"], "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
        }
    }

    // Each operation has its own id (scripts/schemathesis.sh selects by them).
    let ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "{ids:?}");
    assert_eq!(
        paths["/profile/password"]["put"]["operationId"],
        "putPassword"
    );

    // The writes take the patch types, as a merge patch or plain JSON.
    for (path, method) in [
        ("/profile", "patch"),
        ("/profile", "put"),
        ("/users/{username}", "patch"),
        ("/users/{username}", "put"),
    ] {
        let content = &paths[path][method]["requestBody"]["content"];
        for media_type in ["application/merge-patch+json", "application/json"] {
            assert_eq!(
                content[media_type]["schema"]["$ref"], "#/components/schemas/UserPatch",
                "{method} {path} {media_type}"
            );
        }
    }
    let schemas = &document["components"]["schemas"];
    let properties = |name: &str| -> BTreeSet<String> {
        schemas[name]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        properties("UserPatch"),
        ["bio", "display_name", "email", "is_admin"]
            .map(String::from)
            .into()
    );
    assert_eq!(schemas["UserPatch"]["additionalProperties"], false);
    assert_eq!(
        schemas["UserPatch"]["properties"]["is_admin"]["x-safe-update-roles"],
        json!(["admin"])
    );
    // What the server sends back: a user as its reader sees it, each set of members a
    // branch of `anyOf`: the public ones, or all of them, never the hash.
    let user_views = views(&schemas["UserView"]);
    assert_eq!(user_views.len(), 2, "{}", schemas["UserView"]);
    let public: BTreeSet<String> = ["bio", "display_name", "username"].map(String::from).into();
    assert!(user_views.contains(&public), "{user_views:?}");
    let full = user_views
        .iter()
        .find(|members| members.contains("version"));
    let full = full.expect("a view with the version").clone();
    assert!(
        full.is_superset(&public) && full.contains("email"),
        "{full:?}"
    );
    assert!(user_views
        .iter()
        .all(|members| !members.contains("password_hash")));
    // The password body requires its one member.
    assert_eq!(schemas["NewPassword"]["required"], json!(["password"]));
    assert_eq!(
        schemas["NewPasswordPatch"]["properties"]["password"]["minLength"],
        8
    );

    // Creating a user takes the create input and the login in one object: the user's writable
    // fields and `username`, `password`; the required ones are required, nothing else allowed.
    let create = &paths["/users"]["post"];
    let body = &create["requestBody"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(body, "#/components/schemas/UserNewWithLoginNew");
    let new_user = &schemas["UserNewWithLoginNew"];
    assert_eq!(
        properties("UserNewWithLoginNew"),
        [
            "bio",
            "display_name",
            "email",
            "is_admin",
            "password",
            "username"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(
        new_user["required"],
        json!(["display_name", "email", "username", "password"])
    );
    assert_eq!(new_user["additionalProperties"], false);
    for status in ["201", "403", "409", "422"] {
        assert!(
            create["responses"][status].is_object(),
            "POST /users {status}"
        );
    }
    // The `Location` of a created user is a path of a name the model takes: never `.` or
    // `..` (which a client would resolve to another path), as the user name's own schema says.
    let location = &create["responses"]["201"]["headers"]["Location"]["schema"];
    let location = jsonschema::validator_for(location).unwrap();
    for (path, valid) in [
        ("/users/carol", true),
        ("/users/a.b", true),
        ("/users/.", false),
        ("/users/..", false),
        ("/users/", false),
        (&*format!("/users/{}", "a".repeat(33)), false),
    ] {
        assert_eq!(location.is_valid(&json!(path)), valid, "Location {path}");
    }

    // The articles: the patch and the create input are the derive's, each field with its
    // grants; creating requires the title and the body; every refusal is described.
    for (path, method, body) in [
        ("/articles/{id}", "patch", "ArticlePatch"),
        ("/articles", "post", "ArticleNew"),
    ] {
        let operation = &paths[path][method];
        let content = &operation["requestBody"]["content"];
        assert_eq!(
            content["application/json"]["schema"]["$ref"],
            format!("#/components/schemas/{body}"),
            "{method} {path}"
        );
        assert_eq!(
            properties(body),
            ["body", "status", "tags", "title"].map(String::from).into(),
            "{body}"
        );
        assert_eq!(schemas[body]["additionalProperties"], false, "{body}");
        for status in ["403", "422"] {
            let problem = &operation["responses"][status]["content"]["application/problem+json"];
            assert_eq!(
                problem["schema"]["$ref"], "#/components/schemas/Problem",
                "{method} {path} {status}"
            );
        }
    }
    for status in ["200", "403", "404", "412", "422"] {
        let response = &paths["/articles/{id}"]["patch"]["responses"][status];
        assert!(response.is_object(), "PATCH /articles/{{id}} {status}");
    }
    assert!(paths["/articles/{id}"]["get"]["responses"]["404"].is_object());
    assert_eq!(
        paths["/articles/{id}"]["patch"]["requestBody"]["content"]["application/merge-patch+json"]
            ["schema"]["$ref"],
        "#/components/schemas/ArticlePatch"
    );
    assert_eq!(schemas["ArticleNew"]["required"], json!(["title", "body"]));
    assert_eq!(
        schemas["ArticlePatch"]["properties"]["status"]["x-safe-update-grants"],
        json!([
            {"roles": [], "when": ["is_author"], "change": ["author_may_publish"]},
            {"roles": ["admin"], "when": [], "change": []},
        ])
    );
    assert_eq!(
        schemas["ArticleNew"]["properties"]["body"]["x-safe-update-grants"][0]["when"],
        json!(["is_author", "is_draft"])
    );
    // A refusal's `denied` items may carry the rules that refused.
    let denied = &schemas["Problem"]["properties"]["denied"]["items"]["properties"];
    assert_eq!(
        denied["rules"]["items"]["required"],
        json!(["rule", "reason"])
    );
    // The `Location` of a created article is the path of an id, as the read takes it.
    let created = &paths["/articles"]["post"]["responses"]["201"];
    let location = jsonschema::validator_for(&created["headers"]["Location"]["schema"]).unwrap();
    for (path, valid) in [
        ("/articles/1", true),
        ("/articles/120", true),
        ("/articles/0", false),
        ("/articles/01", false),
        ("/articles/", false),
    ] {
        assert_eq!(location.is_valid(&json!(path)), valid, "Location {path}");
    }

    // A user as read matches the document: the user itself sees the full set, another user
    // the public one, and the schema takes both answers.
    let (name, password) = server.login("alice");
    let user_schema = jsonschema::validator_for(&schemas["UserView"]).unwrap();
    let read = server.get("/profile", (name.as_str(), password.as_str()));
    assert_eq!(keys(&read.json), full);
    assert!(matches!(read.json["version"], Value::Number(_)));
    let other = server.get("/users/admin", (name.as_str(), password.as_str()));
    assert_eq!(keys(&other.json), public, "{other:?}");
    for answer in [&read.json, &other.json] {
        assert!(user_schema.is_valid(answer), "{answer}");
    }
    // A public view with a member more is no answer the document allows.
    let mut more = other.json.clone();
    more["email"] = json!("admin@example.org");
    assert!(!user_schema.is_valid(&more), "{more}");
    // So does an article, and the document's schema takes it.
    let credentials = (name.as_str(), password.as_str());
    let body = Some(("application/json", &br#"{"title":"T","body":"B"}"#[..]));
    let created = server.send("POST", "/articles", Some(credentials), &[], body);
    assert_eq!(created.status, 201, "{created:?}");
    let members: BTreeSet<String> = created.json.as_object().unwrap().keys().cloned().collect();
    assert_eq!(vec![members], views(&schemas["ArticleView"]));
    let article_schema = jsonschema::options()
        .with_resource(
            "urn:document",
            jsonschema::Resource::from_contents(document.clone()),
        )
        .build(&json!({"$ref": "urn:document#/components/schemas/ArticleView"}))
        .unwrap();
    assert!(article_schema.is_valid(&created.json), "{created:?}");
    assert_eq!(created.json["status"], "draft");
    let mut status = schemas["Status"].clone();
    status.as_object_mut().unwrap().remove("description");
    assert!(
        jsonschema::is_valid(&status, &created.json["status"]),
        "{status}"
    );

    // PATCH takes a JSON Patch too: its schema enumerates the pointers from the policy, and
    // what it admits the server applies (or refuses for what is stored: 409).
    for (path, name) in [
        ("/profile", "UserPatchOperations"),
        ("/users/{username}", "UserPatchOperations"),
        ("/articles/{id}", "ArticlePatchOperations"),
    ] {
        let operation = &paths[path]["patch"];
        assert_eq!(
            operation["requestBody"]["content"]["application/json-patch+json"]["schema"]["$ref"],
            format!("#/components/schemas/{name}"),
            "PATCH {path}"
        );
        for status in ["400", "409"] {
            assert!(
                operation["responses"][status].is_object(),
                "PATCH {path} {status}"
            );
        }
    }
    assert!(
        paths["/profile"]["put"]["requestBody"]["content"]["application/json-patch+json"].is_null()
    );
    let operations = jsonschema::options()
        .with_resource(
            "urn:document",
            jsonschema::Resource::from_contents(document.clone()),
        )
        .build(&json!({"$ref": "urn:document#/components/schemas/UserPatchOperations"}))
        .unwrap();
    let pointers = |op: &str| -> BTreeSet<String> {
        let mut pointers = BTreeSet::new();
        for branch in schemas["UserPatchOperations"]["items"]["oneOf"]
            .as_array()
            .unwrap()
        {
            let ops = &branch["properties"]["op"];
            if ops["const"] == op
                || ops["enum"]
                    .as_array()
                    .is_some_and(|ops| ops.contains(&json!(op)))
            {
                let path = &branch["properties"]["path"];
                match path.get("const") {
                    Some(one) => drop(pointers.insert(one.as_str().unwrap().to_owned())),
                    None => pointers.extend(
                        path["enum"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|p| p.as_str().unwrap().to_owned()),
                    ),
                }
            }
        }
        pointers
    };
    let writable: BTreeSet<String> = ["/bio", "/display_name", "/email", "/is_admin"]
        .map(String::from)
        .into();
    assert_eq!(pointers("replace"), writable);
    assert_eq!(pointers("remove"), ["/bio"].map(String::from).into());
    // An article's tags are distinct and at most 10: an element added next to the stored ones
    // could be refused for them, so only removing one by index is offered (adding is taken).
    let article_ops: Vec<&Value> = schemas["ArticlePatchOperations"]["items"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|branch| branch["properties"]["path"].get("pattern").is_some())
        .collect();
    assert_eq!(article_ops.len(), 1, "{article_ops:?}");
    assert_eq!(
        article_ops[0]["properties"]["op"],
        json!({"const": "remove"})
    );
    let tested = pointers("test");
    assert!(
        tested.contains("/username") && tested.contains("/version"),
        "{tested:?}"
    );
    for document in [
        json!([{"op": "test", "path": "/username", "value": "alice"}, {"op": "add", "path": "/bio", "value": "from a JSON Patch"}]),
        json!([{"op": "remove", "path": "/bio"}]),
    ] {
        assert!(operations.is_valid(&document), "{document}");
        let body = serde_json::to_vec(&document).unwrap();
        let answer = server.send(
            "PATCH",
            "/profile",
            Some(credentials),
            &[],
            Some(("application/json-patch+json", &body)),
        );
        assert_eq!(answer.status, 200, "{document}: {answer:?}");
    }
    // What the schema refuses: the secret, a server-only field written, a number for a name.
    for document in [
        json!([{"op": "test", "path": "/password_hash", "value": "x"}]),
        json!([{"op": "replace", "path": "/id", "value": 1}]),
        json!([{"op": "replace", "path": "/display_name", "value": 5}]),
        json!([{"op": "remove", "path": "/display_name"}]),
        json!([{"op": "copy", "from": "/version", "path": "/bio"}]),
        // A name and a biography have different schemas (a biography may be null, and longer):
        // no copy is offered between them.
        json!([{"op": "copy", "from": "/display_name", "path": "/bio"}]),
    ] {
        assert!(!operations.is_valid(&document), "{document}");
    }
}

/// The members an object of `schema` has: one set per branch of its `anyOf`, or its own.
fn views(schema: &Value) -> Vec<BTreeSet<String>> {
    let branches = match schema["anyOf"].as_array() {
        Some(branches) => branches.iter().collect(),
        None => vec![schema],
    };
    branches
        .into_iter()
        .map(|branch| {
            let members = branch["properties"].as_object();
            members.unwrap().keys().cloned().collect()
        })
        .collect()
}

fn keys(object: &Value) -> BTreeSet<String> {
    object.as_object().unwrap().keys().cloned().collect()
}

both_servers!(the_document_describes_the_server);
