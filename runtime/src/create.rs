//! Creating a model from a client's document: the traits behind `#[update(create)]`, and
//! [`WithExtra`] for inputs that are not fields of the model.

use crate::__private::{Collector, Input, Pair, Path, Sent};
use crate::{ApplyError, Document, SafeUpdate, Sender};

/// A model that clients may create: `#[update(create)]` on a struct deriving `SafeUpdate`.
///
/// Generic code names the create input of any such model as `<User as SafeCreate>::New`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be created from a client's document",
    label = "`{Self}` needs `#[update(create)]`",
    note = "a `nested` field of a model with `#[update(create)]` must have a type with \
            `#[update(create)]` too: its input and server-only fields are part of the parent's"
)]
pub trait SafeCreate: SafeUpdate {
    /// The generated create input (`{Model}New`): the writable fields, required unless
    /// optional or defaulted.
    type New: Create<Target = Self, ServerFields = Self::ServerFields>;
    /// The generated struct of every server-only field (`{Model}ServerFields`), nested
    /// models' included: what the server supplies.
    type ServerFields;
}

/// A model whose create input can be a nested field's in another model's create input: it has
/// `#[update(create)]` and no `create_only` field (those are read beside a patch, and a nested
/// object is read into the sub-model's patch alone). Implemented by the derive; what a parent
/// asks of each nested type, so that either lack is one error at the field.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be created nested in another model's create input",
    label = "`{Self}` needs `#[update(create)]`, and no `create_only` field",
    note = "a `nested` field of a model with `#[update(create)]` must have a type with \
            `#[update(create)]` too (its input and server-only fields are part of the \
            parent's), without `create_only` fields (a nested object is read into the \
            sub-model's patch, which never holds them)"
)]
pub trait NestedCreate: SafeUpdate {
    /// [`SafeCreate::New`]: named through this trait by the parent, so that a sub-model that
    /// cannot be nested is one error, whichever the reason.
    type New: Create<Target = Self, ServerFields = Self::ServerFields>;
    /// [`SafeCreate::ServerFields`].
    type ServerFields;

    /// The input, from the patch the parent read the nested object into; `None` after
    /// recording its missing fields.
    fn __finish_nested(
        patch: <Self as SafeUpdate>::Patch,
        collector: &mut Collector,
        path: Path<'_>,
    ) -> Option<Self::New>;
}

/// A create input: the fields a client sends to create a [`Create::Target`].
///
/// Implemented by `#[derive(SafeUpdate)]` with `#[update(create)]`; never implement it by
/// hand. It is read from a document by [`from_json`](crate::from_json) (or any serde
/// deserializer) as strictly as a patch, and every required field it lacks is listed with
/// the other problems. [`build_as`](Create::build_as) makes the model.
pub trait Create: Document {
    /// The model this input creates.
    type Target;
    /// The server-only fields the server supplies: a struct with no `Default`, so that
    /// forgetting one is a compile error rather than a zero value.
    type ServerFields;
    /// Who the input is built on behalf of: the model's [`Patch::Identity`](crate::Patch::Identity).
    type Identity: ?Sized;

    /// Wire names of the fields a document must send.
    const REQUIRED: &'static [&'static str];

    /// Makes the model from this input and the server's fields, on behalf of `who`.
    ///
    /// Every check runs before the model is returned: the field validators of the values the
    /// client sent (and of optional fields, absent ones as `None`), the nested inputs', then,
    /// on the model as it would be, the grants of the gated fields the input sets (roles,
    /// conditions on the would-be model, value rules with no old value) and the container
    /// validators of the model and its sub-models.
    ///
    /// # Errors
    ///
    /// Every problem found: gated fields `who` may not set (`denied`) and refused values
    /// (`invalid`). No model is returned.
    fn build_as<W: Sender<Self::Identity> + ?Sized>(
        self,
        server: Self::ServerFields,
        who: &W,
    ) -> Result<Self::Target, ApplyError> {
        let mut errors = ApplyError::default();
        let mut sent = Sent::default();
        self.__check(&mut sent, Path::ROOT, &mut errors);
        let target = self.__build(server);
        Self::__permit(&target, who, &mut sent, Path::ROOT, &mut errors);
        Self::__validate(&target, Path::ROOT, &mut errors);
        if errors.is_empty() {
            Ok(target)
        } else {
            Err(errors)
        }
    }

    #[doc(hidden)]
    /// Records in `sent` which gated fields and nested inputs the input sets, and every value
    /// a field validator refuses.
    fn __check(&self, sent: &mut Sent, path: Path<'_>, errors: &mut ApplyError);

    #[doc(hidden)]
    /// Records every gated field `sent` says the input set that no grant lets `who` set, asked
    /// of the would-be model `target`.
    fn __permit<W: Sender<Self::Identity> + ?Sized>(
        target: &Self::Target,
        who: &W,
        sent: &mut Sent,
        path: Path<'_>,
        errors: &mut ApplyError,
    );

    #[doc(hidden)]
    /// The model: the input's values (defaults where absent) and the server's fields.
    fn __build(self, server: Self::ServerFields) -> Self::Target;

    #[doc(hidden)]
    /// Runs the container validators of `target` and of its sub-models.
    fn __validate(target: &Self::Target, path: Path<'_>, errors: &mut ApplyError);
}

/// A create input `N` and extra inputs `X` read from one object: for a document that carries
/// more than the model's fields, such as the password a server hashes into a server-only
/// `password_hash`.
///
/// Each key is `N`'s or `X`'s; any other key is forbidden when it names a server-only field
/// of either, unknown otherwise; a repeated key, a missing required field of either, a value
/// of the wrong type are refused, all listed at once, exactly as for `N` alone. `X` is a create
/// input (its fields required unless optional) or a patch type (every field optional),
/// generated from a struct of its own. Unlike `#[serde(flatten)]`, nothing is buffered and no
/// refusal is lost.
///
/// An extra input may have the wire name of a server-only field of the model, such as a
/// `username` chosen at sign-up and fixed afterwards: the key is then the extra input, whose
/// value the server validates and puts into the server-only fields itself. Every other
/// server-only key stays forbidden. No key, wire name or alias, may be writable in both `N`
/// and `X`: a program that reads such a pair fails to build (a constant evaluated when the
/// reading code is generated: `cargo build` reports it, `cargo check` cannot).
///
/// ```
/// use safe_update::{Create, NoRoles, SafeUpdate, WithExtra};
///
/// #[derive(SafeUpdate)]
/// #[update(create)]
/// struct Account {
///     #[update(allow)] name: String,
///     #[update(server_only)] password_hash: String,
/// }
///
/// /// What a sign-up sends besides the account's fields.
/// #[derive(SafeUpdate)]
/// #[update(create)]
/// struct SignUp {
///     #[update(allow, redact)] password: String,
/// }
///
/// let body = br#"{"name":"eve","password":"correct horse"}"#;
/// let WithExtra { new, extra } =
///     safe_update::from_json::<WithExtra<AccountNew, SignUpNew>>(body).unwrap();
/// let hash = format!("hash of {}", extra.password); // argon2 in a real server
/// let account = new.build_as(AccountServerFields { password_hash: hash }, &NoRoles).unwrap();
/// assert_eq!(account.name, "eve");
///
/// let error = safe_update::from_json::<WithExtra<AccountNew, SignUpNew>>(
///     br#"{"password_hash":"x","extra":1}"#,
/// )
/// .unwrap_err();
/// assert_eq!(error.forbidden(), ["password_hash"]);
/// assert_eq!(error.unknown(), ["extra"]);
/// assert_eq!(error.missing(), ["name", "password"]);
/// ```
#[derive(Debug)]
pub struct WithExtra<N, X> {
    /// The create input.
    pub new: N,
    /// The extra inputs.
    pub extra: X,
}

impl<N, X> Input for WithExtra<N, X>
where
    N: Document,
    X: Document,
{
    const CREATING: bool = true;
    type Fields = Pair<N::Fields, X::Fields>;
    // One pair is checked for keys in both (`DISJOINT`); a pair inside a pair is not.
    const KEYS: &'static [&'static [&'static str]] =
        panic!("`WithExtra` cannot be nested: read one create input with one extra input");

    #[inline]
    fn finish(
        Pair(new, extra): Self::Fields,
        collector: &mut Collector,
        path: Path<'_>,
    ) -> Option<Self> {
        let () = Self::DISJOINT;
        let new = N::finish(new, collector, path);
        let extra = X::finish(extra, collector, path);
        Some(WithExtra {
            new: new?,
            extra: extra?,
        })
    }
}

impl<N, X> WithExtra<N, X>
where
    N: Document,
    X: Document,
{
    /// Evaluated where the pair is read: no key (wire name or alias) is writable in both.
    const DISJOINT: () = assert!(
        all_disjoint(N::KEYS, X::KEYS),
        "`WithExtra<N, X>`: a key is writable in both `N` and `X`; rename one of the fields"
    );
}

/// Whether no list of `a` shares a name with a list of `b`.
const fn all_disjoint(a: &[&[&str]], b: &[&[&str]]) -> bool {
    let mut i = 0;
    while i < a.len() {
        let mut j = 0;
        while j < b.len() {
            if !disjoint(a[i], b[j]) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// Whether no name is in both lists.
const fn disjoint(a: &[&str], b: &[&str]) -> bool {
    let mut i = 0;
    while i < a.len() {
        let mut j = 0;
        while j < b.len() {
            if same(a[i].as_bytes(), b[j].as_bytes()) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The schema of the one object both are read from: the members of `N` and of `X`, the
/// required ones of both, no other member.
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl<N: schemars::JsonSchema, X: schemars::JsonSchema> schemars::JsonSchema for WithExtra<N, X> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}With{}", N::schema_name(), X::schema_name()).into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        format!(
            "safe_update::WithExtra<{}, {}>",
            N::schema_id(),
            X::schema_id()
        )
        .into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let description = format!(
            "The members of `{}` and of `{}` in one object; no other member allowed.",
            N::schema_name(),
            X::schema_name()
        );
        crate::__private::schema::merged(
            N::json_schema(generator),
            X::json_schema(generator),
            description,
        )
    }
}

#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
impl<N: schemars::JsonSchema, X: schemars::JsonSchema> utoipa::PartialSchema for WithExtra<N, X> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::__private::schema::openapi_schema::<Self>()
    }
}

#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
impl<N: schemars::JsonSchema, X: schemars::JsonSchema> utoipa::ToSchema for WithExtra<N, X> {
    fn name() -> std::borrow::Cow<'static, str> {
        <Self as schemars::JsonSchema>::schema_name()
    }

    fn schemas(schemas: &mut crate::__private::schema::Dependencies) {
        crate::__private::schema::openapi_dependencies::<Self>(schemas);
    }
}
