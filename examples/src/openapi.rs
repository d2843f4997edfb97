//! The demo's OpenAPI 3.1 document, served at `GET /openapi.json` by both servers: every route
//! and method, the Basic security scheme, the request schema of each write (the patch types'
//! own, from `safe_update`'s `utoipa` feature, with each field's grants), the user and the
//! article as they are sent back (`ViewSchema`: each set of fields a reader may see; never
//! `password_hash`), and each error status with the problem
//! document (RFC 9457).
//!
//! Built with utoipa's types from the same constants the routers use (`api.rs`), so a route
//! cannot be served without being described; `examples/tests/openapi.rs` checks each path and
//! method against the running servers.

use std::sync::OnceLock;

use safe_update::{JsonPatchSchema, ViewSchema};
use serde_json::json;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItemBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, Content, HeaderBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathItem,
    PathsBuilder, Ref, RefOr, Required, Response, ResponseBuilder, Schema,
};
use utoipa::{PartialSchema, ToSchema};

use crate::account::NewUserBody;
use crate::api;
use crate::article::{Article, ArticleNew, ArticlePatch};
use crate::articles;
use crate::model::{User, UserPatch};
use crate::password::NewPasswordPatch;

/// The document's path: described by the document, like every other route.
pub const OPENAPI: &str = "/openapi.json";
/// Methods of [`OPENAPI`].
pub const OPENAPI_ALLOW: &str = "GET, HEAD";

/// What `precondition::if_match` reads from one field line (RFC 9110): `*`, or a list of
/// entity tags, empty elements and all, possibly empty. The tags are ASCII here (the server
/// takes obs-text too, which a header value in a generated request cannot carry reliably).
const IF_MATCH_PATTERN: &str = concat!(
    r#"^[ \t]*(\*|(,[ \t]*)*((W/)?"[\x21\x23-\x7E]*"[ \t]*"#,
    r#"(,[ \t]*((W/)?"[\x21\x23-\x7E]*"[ \t]*)?)*)?)[ \t]*$"#
);

/// A user as the server sends it, `user.view_as(&sender)`: `anyOf` the closed field sets its
/// readers see (the public ones; every one but `password_hash`).
type UserView = ViewSchema<User>;
/// An article as the server sends it: every field, to any user.
type ArticleView = ViewSchema<Article>;
/// A JSON Patch of a user: each operation's pointers enumerated from the user's fields.
type UserOperations = JsonPatchSchema<UserPatch>;
/// A JSON Patch of an article.
type ArticleOperations = JsonPatchSchema<ArticlePatch>;

/// The media type of a JSON Patch (RFC 6902), taken by the PATCH routes.
const JSON_PATCH: &str = "application/json-patch+json";

/// The name of the security scheme.
const BASIC: &str = "basic";
/// The media types a patch is read from.
const PATCH_TYPES: [&str; 2] = ["application/merge-patch+json", "application/json"];
const FORM: &str = "application/x-www-form-urlencoded";

/// The document, built once.
pub fn document() -> &'static OpenApi {
    static DOCUMENT: OnceLock<OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

/// The document as JSON bytes, built once.
pub fn json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| document().to_json().unwrap_or_default().into_bytes())
}

fn build() -> OpenApi {
    let profile = PathItemBuilder::new()
        .operation(HttpMethod::Get, read("the sender's own user", false))
        .operation(
            HttpMethod::Patch,
            write(
                "patchProfile",
                "updates the sender's own user: a merge patch or a JSON Patch",
                false,
            ),
        )
        .operation(
            HttpMethod::Put,
            write(
                "putProfile",
                "the same as PATCH (a merge patch either way)",
                false,
            ),
        )
        .operation(HttpMethod::Post, form_write())
        .build();
    let user = PathItemBuilder::new()
        .operation(
            HttpMethod::Get,
            read(
                "a user, for any user: its public fields, or all of them (but the password \
                 hash) to itself and to admins",
                true,
            ),
        )
        .operation(
            HttpMethod::Patch,
            write(
                "patchUser",
                "updates a user, for admins: a merge patch or a JSON Patch",
                true,
            ),
        )
        .operation(
            HttpMethod::Put,
            write("putUser", "the same as PATCH, for admins", true),
        )
        .build();
    let users = PathItem::new(HttpMethod::Post, create());
    let article = PathItemBuilder::new()
        .operation(HttpMethod::Get, read_article())
        .operation(HttpMethod::Patch, patch_article())
        .build();
    let paths = PathsBuilder::new()
        .path(api::HEALTHZ, PathItem::new(HttpMethod::Get, health()))
        .path(OPENAPI, PathItem::new(HttpMethod::Get, openapi()))
        .path(api::PROFILE, profile)
        .path(api::PASSWORD, PathItem::new(HttpMethod::Put, password()))
        .path(api::USERS, users)
        .path(api::USER, user)
        .path(
            articles::ARTICLES,
            PathItem::new(HttpMethod::Post, create_article()),
        )
        .path(articles::ARTICLE, article);
    let mut schemas: Vec<(String, RefOr<Schema>)> = Vec::new();
    UserPatch::schemas(&mut schemas);
    NewPasswordPatch::schemas(&mut schemas);
    NewUserBody::schemas(&mut schemas);
    ArticlePatch::schemas(&mut schemas);
    ArticleNew::schemas(&mut schemas);
    UserView::schemas(&mut schemas);
    ArticleView::schemas(&mut schemas);
    UserOperations::schemas(&mut schemas);
    ArticleOperations::schemas(&mut schemas);
    let components = ComponentsBuilder::new()
        .schema(UserPatch::name(), UserPatch::schema())
        .schema(NewPasswordPatch::name(), NewPasswordPatch::schema())
        .schema(NewUserBody::name(), NewUserBody::schema())
        .schema("NewPassword", new_password_body())
        .schema(UserView::name(), UserView::schema())
        .schema(ArticlePatch::name(), ArticlePatch::schema())
        .schema(ArticleNew::name(), ArticleNew::schema())
        .schema(ArticleView::name(), ArticleView::schema())
        .schema(UserOperations::name(), UserOperations::schema())
        .schema(ArticleOperations::name(), ArticleOperations::schema())
        .schema("Problem", problem_schema())
        .schema("OperationRefusal", operation_refusal_schema())
        .schemas_from_iter(schemas)
        .security_scheme(
            BASIC,
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "RFC 7617, UTF-8. Five wrong passwords for one name from one address \
                         within a minute, twenty from one address, or a hundred for one name \
                         from all addresses get 429 until the minute is over.",
                    ))
                    .build(),
            ),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("safe-update demo")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "A user profile API, and articles, in which mass assignment cannot happen: \
                     each write takes a patch type that holds only the fields a client may \
                     write, each field under the grants its schema lists \
                     (`x-safe-update-roles`, `x-safe-update-grants`).",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

fn health() -> utoipa::openapi::path::Operation {
    OperationBuilder::new()
        .summary(Some("liveness"))
        .operation_id(Some("health"))
        .response(
            "200",
            json_response(
                "the server answers",
                object(json!({
                    "type": "object",
                    "properties": {"status": {"const": "ok"}},
                    "required": ["status"],
                    "additionalProperties": false
                })),
            ),
        )
        .build()
}

fn openapi() -> utoipa::openapi::path::Operation {
    OperationBuilder::new()
        .summary(Some("this document"))
        .operation_id(Some("openapi"))
        .response(
            "200",
            json_response(
                "the OpenAPI 3.1 document",
                object(json!({"type": "object"})),
            ),
        )
        .build()
}

/// `GET` of a user.
fn read(summary: &str, by_name: bool) -> utoipa::openapi::path::Operation {
    let mut operation = authenticated(summary, if by_name { "getUser" } else { "getProfile" })
        .response("200", user_response("the user, as the sender may see it"));
    if by_name {
        operation = operation
            .parameter(username())
            .response("404", problem("no such user"));
    }
    operation.build()
}

/// `PATCH` of a user with a JSON merge patch or a JSON Patch, or `PUT` with a merge patch.
fn write(id: &str, summary: &str, by_name: bool) -> utoipa::openapi::path::Operation {
    let mut body = RequestBodyBuilder::new().required(Some(Required::True));
    for media_type in PATCH_TYPES {
        body = body.content(
            media_type,
            Content::new(Some(reference(&UserPatch::name()))),
        );
    }
    let json_patch = id.starts_with("patch");
    if json_patch {
        body = body.content(
            JSON_PATCH,
            Content::new(Some(reference(&UserOperations::name()))),
        );
    }
    let mut operation = patch_responses(authenticated(summary, id))
        .request_body(Some(body.build()))
        .parameter(if_match())
        .response("200", user_response("the user after the update"))
        .response(
            "403",
            problem("a field needs a role the sender lacks (`denied` lists them)"),
        )
        .response(
            "412",
            problem("`If-Match` names another version: the current one is `version` and `ETag`"),
        );
    if json_patch {
        operation = json_patch_responses(operation);
    }
    if by_name {
        operation = operation
            .parameter(username())
            .response("404", problem("no such user"));
    }
    operation.build()
}

/// The refusals of a JSON Patch document of its own (its net change is refused as a merge
/// patch's).
fn json_patch_responses(operation: OperationBuilder) -> OperationBuilder {
    operation
        .response(
            "400",
            problem(
                "not JSON, or (`malformed_json_patch`) not a JSON Patch: not an array of                  operations, an unknown `op`, a missing `value` or `from`, a pointer that is no                  JSON Pointer; `operation` is the index of the operation",
            ),
        )
        .response(
            "409",
            problem(
                "`operation_failed`: the first JSON Patch operation that could not be applied                  to the stored model as the sender may read it (a failed `test`, an absent                  target or `from`, an index past the end), in `operation`; nothing is written",
            ),
        )
}

/// `POST /users`: the create input and the login, in one JSON object.
fn create() -> utoipa::openapi::path::Operation {
    let body = RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content(
            "application/json",
            Content::new(Some(reference(&NewUserBody::name()))),
        )
        .build();
    let created = user_response_builder("the user as stored")
        .header(
            "Location",
            HeaderBuilder::new()
                .schema(object(
                    json!({"type": "string", "pattern": r"^/users/(?!\.{1,2}$)[a-z0-9_.-]{1,32}$"}),
                ))
                .description(Some("the new user's path"))
                .build(),
        )
        .build();
    patch_responses(authenticated(
        "creates a user, for admins: the user's writable fields with `username` and a first \
         `password`; `is_admin` is false unless sent",
        "createUser",
    ))
    .request_body(Some(body))
    .response("201", created)
    .response("403", problem("the sender is not an admin"))
    .response("409", problem("a user with this name exists"))
    .build()
}

/// `GET /articles/{id}`.
fn read_article() -> utoipa::openapi::path::Operation {
    authenticated("an article, for any user", "getArticle")
        .parameter(article_id())
        .response("200", article_response("the article").build())
        .response("404", problem("no such article"))
        .build()
}

/// `PATCH /articles/{id}` with a JSON merge patch or a JSON Patch.
fn patch_article() -> utoipa::openapi::path::Operation {
    let mut body = RequestBodyBuilder::new().required(Some(Required::True));
    for media_type in PATCH_TYPES {
        body = body.content(
            media_type,
            Content::new(Some(reference(&ArticlePatch::name()))),
        );
    }
    body = body.content(
        JSON_PATCH,
        Content::new(Some(reference(&ArticleOperations::name()))),
    );
    json_patch_responses(patch_responses(authenticated(
        "updates an article: each field as its grants admit (`x-safe-update-grants`): the \
         author writes the title and tags, the body while a draft, and publishes a draft; an \
         admin writes anything",
        "patchArticle",
    )))
    .request_body(Some(body.build()))
    .parameter(article_id())
    .parameter(if_match())
    .response(
        "200",
        article_response("the article after the update").build(),
    )
    .response(
        "403",
        problem(
            "fields no grant admits for the sender: `denied` lists each, with the roles that \
             would admit it and each rule that refused (`not_permitted`); nothing is written",
        ),
    )
    .response("404", problem("no such article"))
    .response(
        "412",
        problem("`If-Match` names another version: the current one is `version` and `ETag`"),
    )
    .build()
}

/// `POST /articles`: the create input, its author the sender.
fn create_article() -> utoipa::openapi::path::Operation {
    let body = RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content(
            "application/json",
            Content::new(Some(reference(&ArticleNew::name()))),
        )
        .build();
    let created = article_response("the article as stored")
        .header(
            "Location",
            HeaderBuilder::new()
                .schema(object(
                    json!({"type": "string", "pattern": "^/articles/[1-9][0-9]*$"}),
                ))
                .description(Some("the new article's path"))
                .build(),
        )
        .build();
    patch_responses(authenticated(
        "creates an article, its author the sender: `title` and `body` required, `tags` `[]` \
         and `status` `draft` unless sent; only an admin creates another status",
        "createArticle",
    ))
    .request_body(Some(body))
    .response("201", created)
    .response(
        "403",
        problem(
            "fields no grant admits for the sender, as the article would be (`not_permitted`, \
             `denied` lists them); nothing is created",
        ),
    )
    .build()
}

/// `POST /profile`: the same patch, from a form or JSON.
fn form_write() -> utoipa::openapi::path::Operation {
    let body = RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content(FORM, Content::new(Some(reference(&UserPatch::name()))))
        .content(
            "application/json",
            Content::new(Some(reference(&UserPatch::name()))),
        )
        .build();
    patch_responses(authenticated(
        "updates the sender's own user from an HTML form (an empty value clears an optional \
         field); refused when `Origin` or `Sec-Fetch-Site` shows another site",
        "postProfile",
    ))
    .request_body(Some(body))
    .response("200", user_response("the user after the update"))
    .response(
        "403",
        problem("a role-gated field, or a request from another site's page"),
    )
    .build()
}

/// `PUT /profile/password`.
fn password() -> utoipa::openapi::path::Operation {
    let mut body = RequestBodyBuilder::new().required(Some(Required::True));
    for media_type in PATCH_TYPES {
        body = body.content(media_type, Content::new(Some(reference("NewPassword"))));
    }
    patch_responses(authenticated(
        "changes the sender's password; the old one is refused from the next request on",
        "putPassword",
    ))
    .request_body(Some(body.build()))
    .response("204", Response::new("changed"))
    .build()
}

/// An operation behind Basic Auth, with the answers every such operation may give.
fn authenticated(summary: &str, id: &str) -> OperationBuilder {
    OperationBuilder::new()
        .summary(Some(summary))
        .operation_id(Some(id))
        .security(SecurityRequirement::new(BASIC, Vec::<String>::new()))
        .response(
            "400",
            problem("two `Authorization` headers, or a malformed `If-Match` or body"),
        )
        .response(
            "401",
            problem("no credentials, or wrong ones (with `WWW-Authenticate`)"),
        )
        .response(
            "429",
            problem("too many failed logins (with `Retry-After`)"),
        )
        .response("500", problem("the server failed; nothing was changed"))
        .response(
            "503",
            problem("the user store or the database is busy or down (with `Retry-After`)"),
        )
}

/// The refusals of a body.
fn patch_responses(operation: OperationBuilder) -> OperationBuilder {
    operation
        .response("413", problem("the body is over 16 KiB"))
        .response(
            "415",
            problem("not one of the accepted media types (see `Accept-Patch`)"),
        )
        .response(
            "422",
            problem(
                "server-only, unknown, repeated or ill-typed keys, missing required ones, or \
                 values the validators refuse: `forbidden`, `unknown`, `duplicate`, `missing` \
                 and `invalid` list them all",
            ),
        )
}

fn username() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("username")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(
            "the user's name; a name no user can have (see `POST /users`) is 404 like an \
             unknown one, without asking the database",
        ))
        .schema(Some(object(json!({"type": "string"}))))
        .build()
}

fn article_id() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(
            "the article's id, as its `Location` gives it; a path that is no id (`0`, a sign, \
             a leading zero, past 2^63 - 1) is 404 like an unknown one",
        ))
        .schema(Some(object(
            json!({"type": "integer", "minimum": 1, "maximum": i64::MAX}),
        )))
        .build()
}

fn if_match() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("If-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "`*` or a list of entity tags such as `\"v3\"` (the `ETag` of a read): the update \
             is applied only to that version (412 otherwise, also for an empty list); anything \
             else is 400",
        ))
        .schema(Some(object(
            json!({ "type": "string", "pattern": IF_MATCH_PATTERN }),
        )))
        .build()
}

fn user_response(description: &str) -> Response {
    user_response_builder(description).build()
}

/// The user in the body, its version in `ETag`.
fn user_response_builder(description: &str) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(reference(&UserView::name()))),
        )
        .header(
            "ETag",
            HeaderBuilder::new()
                .schema(object(
                    json!({"type": "string", "pattern": "^\"v[0-9]+\"$"}),
                ))
                .description(Some(
                    "the user's version, for `If-Match`; sent to those who see `version`: the \
                     user itself and admins",
                ))
                .build(),
        )
}

/// The article in the body, its version in `ETag`.
fn article_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(reference(&ArticleView::name()))),
        )
        .header(
            "ETag",
            HeaderBuilder::new()
                .schema(object(
                    json!({"type": "string", "pattern": "^\"v[0-9]+\"$"}),
                ))
                .description(Some("the article's version, for `If-Match`"))
                .build(),
        )
}

fn json_response(description: &str, schema: RefOr<Schema>) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(schema)))
        .build()
}

fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            safe_update::web::PROBLEM_JSON,
            Content::new(Some(reference("Problem"))),
        )
        .build()
}

/// The body of `PUT /profile/password`: the patch, with its one member required.
fn new_password_body() -> RefOr<Schema> {
    object(json!({
        "allOf": [{"$ref": format!("#/components/schemas/{}", NewPasswordPatch::name())}],
        "required": ["password"]
    }))
}

/// RFC 9457's members, the stable `code`, and the extension members of each refusal.
fn problem_schema() -> RefOr<Schema> {
    object(json!({
        "type": "object",
        "description": "An RFC 9457 problem document. `code` is stable and machine-readable; \
            the extension members say what to fix: `forbidden`, `unknown`, `duplicate`, \
            `missing` (key paths), `invalid` (key path to reason), `denied` (fields, the roles \
            that would admit each, and, when a rule refused it, each rule and its reason), \
            `roles`, `limit`, `version`, `retry_after`; of a JSON Patch, `operations` (each \
            refused pointer: the operation's `index`, `op`, `member`, `pointer`, `problem`, \
            `detail`) and `operation` (the one that failed, or the index of a malformed one).",
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "forbidden": {"type": "array", "items": {"type": "string"}},
            "unknown": {"type": "array", "items": {"type": "string"}},
            "duplicate": {"type": "array", "items": {"type": "string"}},
            "missing": {"type": "array", "items": {"type": "string"}},
            "invalid": {"type": "object", "additionalProperties": {"type": "string"}},
            "denied": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "string"},
                        "roles": {"type": "array", "items": {"type": "string"}},
                        "rules": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "rule": {"type": "string"},
                                    "reason": {"type": "string"}
                                },
                                "required": ["rule", "reason"]
                            }
                        }
                    },
                    "required": ["field", "roles"]
                }
            },
            "roles": {"type": "array", "items": {"type": "string"}},
            "limit": {"type": "integer", "minimum": 0},
            "version": {"type": "integer", "minimum": 1},
            "retry_after": {"type": "integer", "minimum": 0},
            "operations": {"type": "array", "items": {"$ref": "#/components/schemas/OperationRefusal"}},
            "operation": {
                "anyOf": [
                    {"$ref": "#/components/schemas/OperationRefusal"},
                    {"type": "integer", "minimum": 0},
                    {"type": "null"}
                ]
            }
        },
        "required": ["type", "title", "status", "detail", "code"]
    }))
}

/// One pointer of a JSON Patch operation, refused.
fn operation_refusal_schema() -> RefOr<Schema> {
    object(json!({
        "type": "object",
        "properties": {
            "index": {"type": "integer", "minimum": 0},
            "op": {"enum": ["add", "remove", "replace", "move", "copy", "test"]},
            "member": {"enum": ["path", "from", "value"]},
            "pointer": {"type": "string"},
            "problem": {"enum": [
                "forbidden", "unknown", "unreadable", "whole_document", "not_addressable",
                "duplicate_key", "test_failed", "not_found", "move_into_itself"
            ]},
            "detail": {"type": "string"}
        },
        "required": ["index", "op", "member", "pointer", "problem", "detail"]
    }))
}

fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

/// A schema written as JSON Schema, sent exactly as written: utoipa's typed `Object` has no
/// field for some keywords (`const`, `allOf` beside `required`) and would drop them, while its
/// flattened extension map writes every member as given.
fn object(schema: serde_json::Value) -> RefOr<Schema> {
    let mut object = utoipa::openapi::schema::Object::default();
    object.schema_type = utoipa::openapi::schema::SchemaType::AnyValue;
    if let serde_json::Value::Object(members) = schema {
        object.extensions = Some(members.into_iter().collect());
    }
    RefOr::T(Schema::Object(object))
}
