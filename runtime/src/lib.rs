//! Mass-assignment-proof partial updates (CWE-915, OWASP API3:2023).
//!
//! The bug: a handler binds a request body straight onto a model, and an authenticated
//! client sends `{"is_admin": true}`. Authentication says who the client is, never which
//! fields it may write. With `safe-update`, every field of a model states who may write it,
//! and the derive generates a patch type that holds only the writable fields: binding a
//! server-only field does not compile, and a client that sends one is refused with nothing
//! changed.
//!
//! ```
//! use safe_update::{from_json, SafeUpdate};
//!
//! #[derive(Debug, Clone, SafeUpdate)]
//! #[serde(rename_all = "camelCase")]
//! #[update(validate = email_needs_at)]
//! pub struct User {
//!     #[update(server_only)]
//!     pub id: u64,
//!     #[update(allow, validate = one_to_64_chars)]
//!     pub display_name: String,
//!     #[update(allow)]
//!     pub email: String,
//!     #[update(allow)]
//!     pub bio: Option<String>,               // `null` clears it (RFC 7396)
//!     #[update(allow(role = "admin"))]
//!     pub is_admin: bool,                    // only an admin may write it
//! }
//!
//! fn one_to_64_chars(name: &str) -> Result<(), &'static str> {
//!     if (1..=64).contains(&name.chars().count()) { Ok(()) } else { Err("1 to 64 characters") }
//! }
//!
//! fn email_needs_at(user: &User) -> Result<(), &'static str> {
//!     if user.email.contains('@') { Ok(()) } else { Err("email needs an @") }
//! }
//!
//! let mut alice = User {
//!     id: 1,
//!     display_name: "Alice".into(),
//!     email: "alice@example.org".into(),
//!     bio: None,
//!     is_admin: false,
//! };
//!
//! // A server-only field is refused by name, with every other offending key.
//! let error = from_json::<UserPatch>(br#"{"displayName":"A","id":2,"role":"root"}"#).unwrap_err();
//! assert_eq!(error.forbidden(), ["id"]);
//! assert_eq!(error.unknown(), ["role"]);
//!
//! // A gated field needs the role: nothing is written, the error names the field and roles.
//! let patch: UserPatch = from_json(br#"{"displayName":"Al","isAdmin":true}"#).unwrap();
//! let error = patch.apply_as(&mut alice, &["user"][..]).unwrap_err();
//! assert_eq!(error.denied()[0].field, "isAdmin");
//! assert_eq!(alice.display_name, "Alice");
//!
//! // A permitted patch is applied completely, and says what changed.
//! let patch: UserPatch = from_json(br#"{"displayName":"Al","bio":"hi"}"#).unwrap();
//! let applied = patch.apply_as(&mut alice, &["user"][..]).unwrap();
//! assert_eq!(applied.changed_top_level(), ["display_name", "bio"]);
//! assert_eq!((alice.display_name.as_str(), alice.bio.as_deref()), ("Al", Some("hi")));
//!
//! // In Rust code, a server-only field is not even a member of the patch type:
//! // `UserPatch { is_admin: ..., id: Some(2), .. }` does not compile.
//! ```
//!
//! # Attributes
//!
//! | attribute | on | meaning |
//! |---|---|---|
//! | `#[update(allow)]` | field | anyone who may send a patch may write it |
//! | `#[update(allow(role = "a", role = "b"))]` | field | writable by an identity holding any of the roles ([`Roles`]); the patch then has `apply_as` only |
//! | `#[update(allow(when = f))]` | field | writable when the condition `fn(&Identity, &Model) -> bool` holds (or `-> Result<(), E: Display>`, whose error is the reason given): the identity and the stored model (on create, the would-be one); needs `identity = ...` on the struct ([Grants](#grants-conditions-and-value-rules)) |
//! | `#[update(allow(change = f))]` | field | writable when the value rule `fn(&Identity, Option<&T>, &T) -> bool` (or `Result`) permits the new value over the old one (`None` on create); not on a `nested` field |
//! | `#[update(allow(role = "a", when = f, change = g), allow(...))]` | field | inside one `allow` every part must admit (AND); across several `allow`s any one suffices (OR): "the author while a draft, or an admin" is `allow(when = is_author, when = is_draft), allow(role = "admin")` |
//! | `#[update(server_only)]` | field | never written by a patch; sending it is refused as forbidden |
//! | `#[update(nested)]` | field | the field's type (`T` or `Option<T>`) derives `SafeUpdate`; its patch is merged recursively |
//! | `#[update(nested, clear)]` | field | on `Option<T>`: anyone may clear it with `null` (see [Nested models](#nested-models-and-clearing)) |
//! | `#[update(nested, clear(role = "a"))]` | field | on `Option<T>`: only an identity holding one of the roles may clear it; the patch then has `apply_as` only |
//! | `#[update(allow, validate = path)]` | field | `fn(&T) -> Result<(), E: Display>` runs before any write |
//! | `#[update(allow, redact)]` | field | the patch's `Debug` shows `[redacted]` for the value (a secret a client sends) |
//! | `#[update(allow, schema(min_length = 1, ...))]` | field | JSON Schema keywords the field's validator implies (feature `schemars`, [JSON Schema](#json-schema)) |
//! | `#[update(allow, schema_with = path)]` | field | `fn(&mut schemars::SchemaGenerator) -> schemars::Schema`: the value's schema (feature `schemars`); a field read through `deserialize_with`/`with` needs one for the patch to have a schema |
//! | `#[update(default = server_only)]` | struct | fields without a policy are server-only (there is no `default = allow`) |
//! | `#[update(validate = path)]` | struct | `fn(&Model) -> Result<(), E>` checks the would-be result; needs `Model: Clone` and clones the model and the patch once per apply |
//! | `#[update(name = "...")]` | struct | the patch type's name (default: `{Model}Patch`) |
//! | `#[update(attr(...))]` | struct | an attribute for the patch type, such as `attr(derive(Hash))` (not a schema derive: it would describe the wrong document; use the `schemars` feature) |
//! | `#[update(crate = "...")]` | struct | the path of this crate, if renamed |
//! | `#[update(bound = "...")]` | struct | where-predicates replacing the inferred bounds (each writable field type that uses a parameter: `DeserializeOwned + PartialEq`) of the impls that read and apply the patch, as serde's `bound`; for a validator or `deserialize_with` function that needs more of a parameter (`T: Unit`) |
//! | `#[update(create)]` | struct | also generate the create input `{Model}New` and `{Model}ServerFields` ([Creating](#creating)) |
//! | `#[update(view)]`, `view(server_only = secret)` / `view(server_only = read)` | struct | the model offers views ([`SafeView::view_as`], [Views](#views-what-each-identity-may-read)); the default read rule of its server-only fields, which otherwise each state one |
//! | `#[update(read)]`, `read(role = "a", when = f)` | field | in a model with views: who may see the field (any one `read` suffices, every part of one must admit); a writable field without one is seen by whoever may read the model |
//! | `#[update(server_only, secret)]` | field | in a model with views: never in a view, nor in its schema; the model may then implement none of `Serialize`, `JsonSchema`, `ToSchema` |
//! | `#[update(identity = T)]` | struct | what the model's conditions and value rules see of the sender; `apply_as` and `build_as` then take a `&T` (which implements [`Roles`]), and there is no identity-free `apply` |
//! | `#[update(allow, create_default)]`, `create_default = expr` | field | with `create`: what a create input that leaves the field out gives it (`Default::default()` or `expr`, of the field's type); required on a role-gated field |
//! | `#[update(allow, create_only)]` | field | with `create`: set by the create input (under its grants, if any), refused in a patch by every spelling as a server-only field is, and no member of the patch type: a user name chosen at sign-up |
//!
//! A field without a policy is a compile error. Serde's `rename_all`, `rename` and `alias`
//! decide the wire names; every spelling of a server-only field (its Rust name included) is
//! forbidden. Every other serde attribute is listed [below](#serde-attributes).
//!
//! # Nested models and clearing
//!
//! A sub-model is only ever written through its own patch: `#[update(nested)]` on a field of
//! type `T` or `Option<T>` merges an object into the current value (RFC 7396), so the
//! sub-model's server-only and role-gated fields stay protected, with paths such as
//! `address.verified`. `allow` on a field that holds a type deriving `SafeUpdate` would read
//! it with the type's own `Deserialize` and let a client write those fields, so it does not
//! compile: directly, inside `Option`, `Box`, `Vec`, `VecDeque`, arrays, slices, tuples, map
//! values and sets, the error names the field and the type ([Compile errors](#compile-errors)).
//! A model named like a standard type (a `Duration` of your own) is checked like any other:
//! the derive knows types by name, so it asks the compiler about every name but the
//! primitive types and `String`. A collection of sub-models has
//! no merge patch (RFC 7396 replaces arrays whole): make it server-only and change one element
//! at a time through the element's patch. The check needs a concrete type: a type parameter
//! (`Vec<T>`) or a type alias hiding a model cannot be checked.
//!
//! `null` for a nested `Option<T>` clears it, which erases the sub-model, its protected
//! fields with it: clearing is a write of those fields. When `T` has a server-only or
//! role-gated field at any depth, `null` is refused (the error names the paths it would
//! erase), unless the field says who may clear it: `clear` (anyone) or
//! `clear(role = "...")`. When `T` has no protected field, `null` clears it.
//!
//! # Documents
//!
//! A patch is read in one pass over any self-describing serde deserializer that can say
//! `null` (JSON text, a `serde_json::Value`, serde's map deserializers over such values),
//! never through an intermediate `serde_json::Value`: only an object is accepted (serde's own
//! derive also takes an array),
//! a repeated key is refused, `null` clears an `Option` field (a nested one as above) and is
//! refused elsewhere.
//! [`from_json`] returns the problems as data ([`PatchError`]), every one of them: on a
//! refused document it reads the text again, value by value.
//!
//! The patch type's own `Deserialize` (what `serde_json::from_str`, `serde_json::from_value`
//! and a framework's `Json<Patch>` extractor call) reads the document once and puts the
//! problems into one message, [`PatchError`]'s. After a scalar of the wrong type (a string
//! for a number, a number out of range, `null` for a field that is not an `Option`) it reads
//! on: every forbidden, unknown and repeated key and every invalid value before and after it
//! is listed, and a second value for a key whose first was refused is a repeated key. A
//! deserializer cannot step out of an array, object or enum value it failed inside (an enum
//! counts even when written as a string), and serde_json cannot read on after an array or
//! object it refused where a scalar belongs: the listing stops there, nothing after it is
//! read (so no element of that value is ever taken for a key), and the message ends with
//! where: ``listing stopped at `tags`: invalid type: integer `1`, expected a string``. A
//! create input's missing fields are then not listed, since the rest was not read. Text that
//! is not JSON ends the document with the deserializer's own error, unchanged (for
//! serde_json a syntax error), as `from_json` answers a malformed body with that alone.
//!
//! # Applying
//!
//! `apply_as` runs every check (roles, field validators, nested patches, container
//! validator) before the first write; on error the target is unchanged and [`ApplyError`]
//! lists every problem. The cost: one comparison per written field, to tell what changed
//! ([`Applied`]), which needs `PartialEq` of writable field types only.
//!
//! A field a document sends is written, whether or not its value changes: a gated field re-sent
//! with the value it holds is refused, like any other value, unless a grant admits the write.
//! Roles and conditions are asked whatever the value; a value rule is asked too, with the old
//! value equal to the new one, and decides (the demo's `status` rule refuses `draft` over
//! `draft` for an author: only `draft` to `published` is the author's). Refusing only changes
//! would tell a sender without the role what is stored (send `false`: accepted means it is
//! `false`); the answer depends on the document, the sender and, through conditions, on what
//! the sender may write, never on whether a value happens to match.
//!
//! # Grants: conditions and value rules
//!
//! Roles say who may write a field whatever the model holds. Most escalations depend on more:
//! only the author may edit an article (an *owner* rule), a body is frozen once published (a
//! *state* rule), an author may publish but not archive (a *value* rule). Each `allow(...)` of
//! a field is a grant: the sender holds one of its roles (if it names any), each `when`
//! condition holds and each `change` rule permits the value. A field with several grants is
//! writable when any one admits the write; the grants asking for roles only are tried first,
//! then the others in the order written, and the first that admits ends the search.
//!
//! Conditions and value rules are plain functions, typed at compile time: they see the model's
//! identity type, named on the struct with `#[update(identity = T)]`, with no downcast. A
//! condition sees the stored model on update and the would-be model on create (its
//! server-only fields included, as the server gives them); a value rule sees the old value
//! (`None` on create) and the new one, so "a non-admin creates only drafts" and "an author may
//! only go from draft to published" are one rule. A rule returns `bool`, or
//! `Result<(), E: Display>` whose error is the reason the refusal gives.
//!
//! A refused write refuses every field no grant admits, all at once, with the roles that would
//! have admitted it and each refusing rule with its reason; nothing is written. When a rule
//! refused, [`ApplyError::kind`] is [`ProblemKind::NotPermitted`] (`not_permitted`, 403),
//! else, roles alone, [`ProblemKind::Denied`] (`role_required`) as before.
//!
//! ```
//! use safe_update::{from_json, ProblemKind, Roles, SafeUpdate};
//!
//! pub struct Claims { pub name: String, pub admin: bool }
//!
//! impl Roles for Claims {
//!     fn has_role(&self, role: &str) -> bool { role == "admin" && self.admin }
//! }
//!
//! fn is_author(who: &Claims, article: &Article) -> bool { who.name == article.author }
//!
//! fn is_draft(_: &Claims, article: &Article) -> Result<(), &'static str> {
//!     if article.published { Err("the article is published") } else { Ok(()) }
//! }
//!
//! #[derive(SafeUpdate)]
//! #[update(identity = Claims)]
//! pub struct Article {
//!     #[update(server_only)] pub author: String,
//!     #[update(server_only)] pub published: bool,
//!     #[update(allow(when = is_author), allow(role = "admin"))] pub title: String,
//!     #[update(allow(when = is_author, when = is_draft), allow(role = "admin"))] pub body: String,
//! }
//!
//! let ann = Claims { name: "ann".into(), admin: false };
//! let bob = Claims { name: "bob".into(), admin: false };
//! let mut article = Article {
//!     author: "ann".into(), published: true, title: "Hi".into(), body: "...".into(),
//! };
//!
//! let patch: ArticlePatch = from_json(br#"{"title":"Hello"}"#).unwrap();
//! patch.apply_as(&mut article, &ann).unwrap();
//!
//! let patch: ArticlePatch = from_json(br#"{"title":"Mine","body":"x"}"#).unwrap();
//! let refused = patch.apply_as(&mut article, &bob).unwrap_err();
//! assert_eq!(refused.kind(), ProblemKind::NotPermitted);
//! assert_eq!(refused.denied().len(), 2); // title and body, at once
//! assert_eq!(refused.denied()[0].rules[0].rule, "is_author");
//!
//! let patch: ArticlePatch = from_json(br#"{"body":"x"}"#).unwrap();
//! let refused = patch.apply_as(&mut article, &ann).unwrap_err();
//! assert_eq!(refused.denied()[0].rules[0].reason, "the article is published");
//! assert_eq!(article.title, "Hello"); // nothing else was written
//! ```
//!
//! A nested model is checked on behalf of its parent's sender: it names the same identity
//! type as its parent, or none (it then sees the sender's roles only). A model without
//! `identity` is applied on behalf of any [`Roles`] ([`AnyRoles`]); generic code that applies
//! such patches bounds them with `Patch<Identity = AnyRoles>`, and code applying any patch with
//! [`Sender`]`<P::Identity>`.
//!
//! # Views: what each identity may read
//!
//! Mass assignment has a twin, excessive data exposure (OWASP API3:2023 is both): a handler
//! that answers with the whole model shows every field to every reader. A model with
//! `#[update(view)]` says beside each field's write rule who may read it, and
//! `model.view_as(&identity)` serializes exactly the fields that identity may see, under the
//! names, functions and skips of the model's serde attributes (`rename`, `rename_all`,
//! `serialize_with`, `with`, `skip_serializing`, `skip_serializing_if`; `flatten`, `getter`
//! and the container's `into` are refused), allocating nothing serde's derive would not.
//!
//! ```
//! use safe_update::{Roles, SafeUpdate, SafeView};
//!
//! pub struct Claims { pub name: String, pub admin: bool }
//!
//! impl Roles for Claims {
//!     fn has_role(&self, role: &str) -> bool { role == "admin" && self.admin }
//! }
//!
//! fn is_self(who: &Claims, user: &User) -> bool { who.name == user.username }
//!
//! #[derive(SafeUpdate)]
//! #[update(view, identity = Claims)]
//! pub struct User {
//!     #[update(server_only, read)] pub username: String,
//!     #[update(allow)] pub bio: String,
//!     #[update(allow, read(when = is_self), read(role = "admin"))] pub email: String,
//!     #[update(server_only, secret)] pub password_hash: String,
//! }
//!
//! let ann = User {
//!     username: "ann".into(), bio: "hi".into(), email: "ann@example.org".into(),
//!     password_hash: "$argon2id$...".into(),
//! };
//! let bob = Claims { name: "bob".into(), admin: false };
//! let me = Claims { name: "ann".into(), admin: false };
//! assert_eq!(
//!     serde_json::to_string(&ann.view_as(&bob)).unwrap(),
//!     r#"{"username":"ann","bio":"hi"}"#
//! );
//! assert_eq!(
//!     serde_json::to_string(&ann.view_as(&me)).unwrap(),
//!     r#"{"username":"ann","bio":"hi","email":"ann@example.org"}"#
//! );
//! ```
//!
//! A secret cannot leak by accident: a model with a `secret` field that implements
//! `Serialize` (or, with the features, `schemars::JsonSchema` or `utoipa::ToSchema`) does not
//! compile (an ambiguity rustc reports at the secret field, naming
//! `SecretFieldForbidsSerialize`): a derive cannot see whether a hand-written impl skips the
//! field, so any impl is refused. A generic model is the case this check cannot see (whether
//! `Model<T>` implements a trait depends on `T`); its views still never write the secret.
//! [`ViewSchema`]`<M>` (feature `schemars`) is the JSON Schema of `M`'s views: one closed
//! object per set of fields a kind of reader can see, `anyOf` them.
//!
//! # JSON Patch
//!
//! With the feature `json-patch`, a model with views also takes RFC 6902 documents
//! ([`JsonPatch`]`<Patch>`, `application/json-patch+json`) under exactly the rules of a merge
//! patch: `from_json` reads the operations and refuses, all at once and each with its index,
//! every pointer that writes a server-only or create-only field, names no field, reads a
//! field no view shows (`copy`/`move` from, `test`), names the whole document or goes inside
//! a single value; `apply_as` applies the operations in order to the model as the sender may
//! read it ([`SafeView::view_as`]), stops at the first that fails on it (a failed `test`, an
//! absent target), and writes the fields they wrote as a merge patch of those fields, checked
//! as one. The web extractors read either format into a `web::PatchBody` where a route's
//! `PatchConfig::accept_json_patch` takes JSON Patch; `JsonPatchSchema` (with `schemars`)
//! describes the documents for OpenAPI.
//!
//! # Creating
//!
//! `#[update(create)]` on the model generates a create input, `{Model}New` ([`Create`]), and
//! the struct of its server-only fields, `{Model}ServerFields` ([`SafeCreate`]):
//!
//! | field | in `{Model}New` | absent | `null` |
//! |---|---|---|---|
//! | `T` | `T` | listed in [`PatchError::missing`] | refused |
//! | `Option<T>` | `Option<T>` | `None` | `None` |
//! | with `create_default` (or serde's `default`) | `Option` of what a document writes | the default | as for the field |
//! | gated by roles only | needs `create_default`; when sent, the role ([`Create::build_as`]) | the default | as for the field |
//! | gated with a condition or value rule | as its type says (it may be required); when sent, its grants, asked of the would-be model | as its type says | as for the field |
//! | `#[update(nested)] T` / `Option<T>` | `T::New` / `Option<T::New>` (`T` needs `create`, and no `create_only` field) | missing / `None` | refused / `None` |
//! | `create_only` | as its type says | as its type says | as its type says; a patch refuses the key as forbidden |
//!
//! The input is read into the model's patch (and its `create_only` fields beside it, from the
//! same object), by the patch's own key classification and readers, so it refuses what a
//! patch refuses (only an object, forbidden, unknown and
//! repeated keys, wrong types) and lists every missing required field with them, paths
//! included; a value sent and refused is listed as invalid, not missing. `null` for an
//! optional sub-model is `None`: on creation there is nothing it could erase.
//!
//! `{Model}ServerFields` holds every server-only field, and for each nested field the
//! sub-model's server fields under the same name (given even for an optional sub-model,
//! used when the client sends one). It has no `Default`: every field is written where it is
//! made, so a forgotten `created_at` does not compile. `new.build_as(server, &who)` checks the
//! field validators (of the values sent, and of optional fields' `None`), then, on the model as
//! it would be, the grants of the gated fields the input sets and every container validator,
//! nested inputs included, and returns the model or every problem; `new.build(server)` exists
//! when no field is gated and the model names no identity. [`WithExtra`] reads inputs that are not fields of the model from the same
//! object.
//!
//! ```
//! use safe_update::{from_json, SafeUpdate};
//!
//! #[derive(Debug, SafeUpdate)]
//! #[update(create)]
//! pub struct Address {
//!     #[update(allow)] pub city: String,
//!     #[update(server_only)] pub verified: bool,
//! }
//!
//! #[derive(Debug, SafeUpdate)]
//! #[update(create)]
//! pub struct Order {
//!     #[update(server_only)] pub id: u64,
//!     #[update(allow)] pub item: String,
//!     #[update(allow, create_default = 1)] pub quantity: u32,
//!     #[update(allow(role = "staff"), create_default)] pub discount: u8,
//!     #[update(nested)] pub ship_to: Address,
//! }
//!
//! let error = from_json::<OrderNew>(br#"{"ship_to":{"verified":true}}"#).unwrap_err();
//! assert_eq!(error.forbidden(), ["ship_to.verified"]);
//! assert_eq!(error.missing(), ["item", "ship_to.city"]);
//!
//! let new: OrderNew = from_json(br#"{"item":"tea","discount":50,"ship_to":{"city":"Oslo"}}"#).unwrap();
//! let server = || OrderServerFields { id: 1, ship_to: AddressServerFields { verified: false } };
//! let refused = new.build_as(server(), &["customer"][..]).unwrap_err();
//! assert_eq!(refused.denied()[0].field, "discount");
//!
//! let new: OrderNew = from_json(br#"{"item":"tea","ship_to":{"city":"Oslo"}}"#).unwrap();
//! let order = new.build_as(server(), &["customer"][..]).unwrap();
//! assert_eq!((order.quantity, order.discount, order.ship_to.verified), (1, 0, false));
//! ```
//!
//! A collection of sub-models (`Vec<Address>`) has no create input: each element would need
//! server-only fields in a number the client decides, which no struct checked by the compiler
//! can hold; create elements through a route of their own. `create` on a generic model is
//! refused for now.
//!
//! # Serde attributes
//!
//! A patch reads each field exactly as the model's own `Deserialize` reads it, or the model
//! does not compile: every serde attribute is honoured, accepted because it never changes
//! which keys a patch reads or how, or refused with what to write instead.
//!
//! | container attribute | verdict | why |
//! |---|---|---|
//! | `rename_all` (or its `deserialize` half) | honoured | the wire names of the fields |
//! | `rename` | accepted | the struct's own name, never a key |
//! | `default`, `default = "..."` | honoured by a create input, accepted by a patch | a create input gives a field it leaves out that field of `Model::default()` (or of the function's value), as the model's `Deserialize` does, unless the field has `create_default`; a patch leaves a missing field unchanged |
//! | `deny_unknown_fields` | accepted | a patch always refuses unknown keys |
//! | `bound` | accepted | bounds of serde's impls; the patch's are `#[update(bound = "...")]` |
//! | `into`, `crate`, `expecting` | accepted | serialization, serde's path, an error message |
//! | `from`, `try_from` | refused | the model's checks run on a whole document through another type, which a patch cannot run; use `#[update(validate = ...)]` |
//! | `transparent` | refused | the model reads as its one field; derive `SafeUpdate` on that field's type |
//! | `remote` | refused | another crate's type, whose fields a patch cannot write |
//! | `tag` | refused | the model's documents carry a key a patch would refuse as unknown |
//! | `untagged`, `content`, `rename_all_fields`, `field_identifier`, `variant_identifier` | refused | enums only |
//!
//! | field attribute | verdict | why |
//! |---|---|---|
//! | `rename` (every `deserialize` name), `alias` | honoured | the field's keys |
//! | `deserialize_with = "f"`, `with = "m"` | honoured on a writable field | the patch reads the value through `f` (`m::deserialize`); for an `Option` field, `null` still clears (RFC 7396) and any other value goes through the function; `null` for any other field is refused |
//! | `skip`, `skip_deserializing` | refused on a writable field | the model never reads it; make it `server_only` |
//! | `flatten` | refused on a writable field, honoured on a server-only one | a patch must know every key it accepts (use `nested`); the keys of a flattened server-only type that derives `SafeUpdate` are forbidden, so that an attempt on them is reported and logged as an attempt on protected data, not as a typo; the keys of any other type (a map) cannot be known and are unknown: refused either way |
//! | `borrow` | refused on a writable field | a patch owns its values |
//! | `default`, `default = "f"` | honoured by a create input, accepted by a patch | a create input gives the field, when left out, its type's `Default` (or `f()`), as the model's `Deserialize` does, unless the field has `create_default`; a patch leaves a missing field unchanged |
//! | `skip_serializing`, `skip_serializing_if`, `serialize_with`, `bound`, `getter` | accepted | serialization, serde's bounds, `remote` |
//! | anything else | refused | unknown to serde |
//!
//! On a server-only field every attribute is accepted: a patch never reads it.
//!
//! # JSON Schema
//!
//! With the feature `schemars`, every patch type implements `schemars::JsonSchema` (schemars
//! 1), generated by the derive from what it knows rather than from forwarded attributes, so
//! that the schema describes exactly the documents [`from_json`] accepts:
//!
//! - an object whose properties are the wire names (`rename_all`, `rename`) and aliases of the
//!   writable fields, at most one name per field, and nothing else
//!   (`additionalProperties: false`); server-only fields are absent;
//! - `null` allowed exactly where the parser takes it: `Option` fields, and nested `Option`
//!   fields that may be cleared (not one guarded because clearing would erase protected data);
//! - a nested field as its patch's own schema (`$ref`), with the same rules;
//! - a role-gated field marked with `x-safe-update-roles` (and `x-safe-update-clear-roles` for
//!   `clear(role = ...)`) and a sentence in its description, after the field's doc comment; a
//!   field with conditions or value rules marked with `x-safe-update-grants`, every grant as
//!   `{"roles": [...], "when": [...], "change": [...]}` (a schema cannot say whether a rule
//!   admits a given sender; it says which rules decide);
//! - a field validator's rule stated with `#[update(allow, validate = f, schema(min_length =
//!   1, max_length = 64))]` (also `pattern`, `format`, `minimum`, `maximum`,
//!   `exclusive_minimum`, `exclusive_maximum`, `min_items`, `max_items`): the schema cannot see
//!   inside `f`, so say what it checks;
//! - a field read through `deserialize_with`/`with` takes its schema from
//!   `#[update(allow, schema_with = path)]`; without one, the patch (and the create input) has
//!   no schema, since the type's own schema describes the type's serde form, not what the
//!   function reads. The model still compiles, with or without the feature; asking for the
//!   schema is the compile error, and names the field.
//!
//! With the feature `utoipa`, every patch type also implements `utoipa::ToSchema` (utoipa 5)
//! with the same schema, written out verbatim (utoipa's typed schema objects have no field for
//! some of its keywords), and its nested patches registered as components: list the patch in
//! `#[openapi(components(schemas(UserPatch)))]` or use it as a `request_body`. Field types
//! still need `schemars::JsonSchema`, not `utoipa::ToSchema`: one schema, two outlets.
//!
//! A field type without a `JsonSchema` makes the patch have none: asking for it is a compile
//! error naming the type. What no JSON Schema can say: a whole number written `30.0` is an
//! integer to JSON Schema, a float to serde; a repeated key; whether a nested patch may
//! create an absent sub-model (it may not); container validators.
//!
//! ```
//! # #[cfg(feature = "schemars")] {
//! use safe_update::SafeUpdate;
//!
//! #[derive(SafeUpdate)]
//! #[serde(rename_all = "camelCase")]
//! struct User {
//!     #[update(server_only)]
//!     id: u64,
//!     /// The name shown to others.
//!     #[update(allow, validate = one_to_64, schema(min_length = 1, max_length = 64))]
//!     display_name: String,
//!     #[update(allow)]
//!     bio: Option<String>,
//!     #[update(allow(role = "admin"))]
//!     is_admin: bool,
//! }
//!
//! fn one_to_64(name: &str) -> Result<(), &'static str> {
//!     (1..=64).contains(&name.chars().count()).then_some(()).ok_or("1 to 64 characters")
//! }
//!
//! let schema = serde_json::to_value(schemars::schema_for!(UserPatch)).unwrap();
//! assert_eq!(schema["additionalProperties"], false);
//! assert_eq!(schema["properties"]["displayName"]["maxLength"], 64);
//! assert_eq!(schema["properties"]["bio"]["type"], serde_json::json!(["string", "null"]));
//! assert_eq!(schema["properties"]["isAdmin"]["x-safe-update-roles"], serde_json::json!(["admin"]));
//! assert!(schema["properties"].get("id").is_none());
//! # }
//! ```
//!
//! # The policy as a table
//!
//! [`SafeUpdate::policy`] gives a model's write policy as data, generated from the same
//! attributes as its checks, and [`policy::markdown`] renders a list of models as one table to
//! commit and keep in step with a test, so that who may write what is reviewed in a diff (see
//! the [`policy`] module).
//!
//! # Compile errors
//!
//! The derive's mistakes are reported at the attribute or field, in its own words. Where the
//! compiler finds the mistake, the message is ours but rustc adds its own wording:
//!
//! - `allow` on a field holding a model, or an `Option` behind an alias:
//!   ``evaluation panicked: field `home` holds `Address`, which derives `SafeUpdate`: ...``,
//!   pointing at the type, with rustc's label ``evaluation of `_::User::home` failed here``.
//!   No stable Rust lets a derive ask "does this type not implement a trait" other than by
//!   evaluating a constant, and rustc labels the error with the constant's path: the derive
//!   names it after the model and the field (`User::home`), inside an unnamed block (`_`)
//!   that keeps the names out of your module (after the module's path when the model is in
//!   one).
//! - A `nested` field whose type does not derive `SafeUpdate`:
//!   ``the trait `SafeUpdate` is not implemented for `Address` `` under our message (with
//!   `create`, the same for `SafeCreate`). Models without parameters are left out of rustc's
//!   list of types that do implement the trait; a generic model stays in it, since hiding it
//!   would make rustc blame a missing derive when a parameter lacks a trait.
//! - A `deserialize_with` function of the wrong type:
//!   ``expected fn pointer `fn(D) -> Result<String, <D as Deserializer<'de>>::Error>` ``,
//!   pointing at the function, "expected due to" the field's type: the signature serde
//!   requires, `D` being the deserializer and `'de` its lifetime, as in serde's documentation.
//! - A type that lacks a trait `#[update(bound = "...")]` asks for: rustc names the trait and
//!   points at the bound (``trait bound `Opaque: Clone` was not satisfied``).
//!
//! # Features
//!
//! | feature | gives | needs |
//! |---|---|---|
//! | *(none)* | the traits, errors, [`from_json`] | serde, serde_json |
//! | `derive` (default) | `#[derive(SafeUpdate)]` | `safe-update-macros` |
//! | `form` | [`from_form`]: HTML form bodies, with the same refusals | percent-encoding |
//! | `auth` | module [`auth`]: RFC 7617 credentials, identities, argon2id verification, the login limiter; no web framework | argon2, tokio, moka, ... |
//! | `actix` | module [`actix`]: actix-web 4 extractors and RFC 9457 answers ([`web`]) | `auth`, `form`, actix-web |
//! | `axum` | module [`axum`]: the same for axum 0.8 | `auth`, `form`, axum |
//! | `limiter-postgres` | [`auth::PostgresCounters`]: the login limiter's counters in a PostgreSQL table, shared by instances | `auth`, tokio-postgres, deadpool-postgres |
//! | `limiter-redis` | [`auth::RedisCounters`]: the same in Redis | `auth`, deadpool-redis (redis) |
//! | `schemars` | `schemars::JsonSchema` for every patch type ([JSON Schema](#json-schema)) | schemars |
//! | `utoipa` | `utoipa::ToSchema` for every patch type: the same schema, nested patches as components | `schemars`, utoipa |
//!
//! The README shows a complete handler for each framework, and for an application that
//! authenticates its own way ([`web::MergePatch`] with any [`Roles`]).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
mod applied;
#[cfg(feature = "auth")]
#[cfg_attr(docsrs, doc(cfg(feature = "auth")))]
pub mod auth;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod create;
mod document;
mod error;
#[cfg(feature = "form")]
mod form;
mod json;
#[cfg(feature = "json-patch")]
mod json_patch;
mod kind;
mod patch;
pub mod policy;
mod roles;
mod view;
#[cfg(any(feature = "actix", feature = "axum"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "actix", feature = "axum"))))]
pub mod web;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use applied::{Applied, FieldPath};
#[doc(hidden)]
pub use create::NestedCreate;
pub use create::{Create, SafeCreate, WithExtra};
pub use document::Document;
pub use error::{ApplyError, DeniedField, PatchError, RuleRefusal};
#[cfg(feature = "form")]
#[cfg_attr(docsrs, doc(cfg(feature = "form")))]
pub use form::from_form;
pub use json::from_json;
#[cfg(all(feature = "json-patch", feature = "schemars"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "json-patch", feature = "schemars"))))]
pub use json_patch::JsonPatchSchema;
#[cfg(feature = "json-patch")]
#[cfg_attr(docsrs, doc(cfg(feature = "json-patch")))]
pub use json_patch::{JsonPatch, JsonPatchError, OperationProblem, OperationRefusal};
pub use kind::ProblemKind;
pub use patch::{Patch, SafeUpdate, Ungated};
pub use roles::{AnyRoles, NoRoles, Roles, Sender};
#[cfg(feature = "schemars")]
pub use view::ViewSchema;
pub use view::{IdentityOf, SafeView, View};

/// Derives the patch type of a model: see the [crate documentation](crate).
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use safe_update_macros::SafeUpdate;

// The README's examples are compiled and run as doctests, so they cannot drift from the API.
// (`runtime/README.md` is a link to the workspace's README: the published crate carries it.)
// Its framework sections need both adapters.
#[cfg(all(doctest, feature = "actix", feature = "axum"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
