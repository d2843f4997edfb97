//! The read side: what an identity may see of a model, serialized by the same annotations that
//! say what it may write.

use serde::ser::{Serialize, Serializer};

use crate::{Patch, SafeUpdate, Sender};

/// The identity type of a model's rules (`#[update(identity = T)]`, else [`AnyRoles`](crate::AnyRoles)).
pub type IdentityOf<M> = <<M as SafeUpdate>::Patch as Patch>::Identity;

/// A model that offers views: `#[update(view)]` on a struct deriving `SafeUpdate`.
///
/// Each field's `read` rule (`read`, `read(role = "...", when = ...)`, `secret`; a writable
/// field is readable by whoever may read the model unless it says otherwise) decides whether
/// a view shows it to an identity. A view writes the visible fields with the names and
/// functions the model's serde attributes give them, and allocates nothing serde's own derive
/// would not.
///
/// ```
/// use safe_update::{NoRoles, SafeUpdate, SafeView};
///
/// #[derive(SafeUpdate)]
/// #[update(view)]
/// struct Account {
///     #[update(allow)] name: String,
///     #[update(server_only, read(role = "admin"))] email: String,
///     #[update(server_only, secret)] password_hash: String,
/// }
///
/// let account = Account { name: "ann".into(), email: "a@example.org".into(), password_hash: "x".into() };
/// let seen = serde_json::to_string(&account.view_as(&NoRoles)).unwrap();
/// assert_eq!(seen, r#"{"name":"ann"}"#);
/// let admin = serde_json::to_value(account.view_as(&["admin"][..])).unwrap();
/// assert_eq!(admin, serde_json::json!({"name": "ann", "email": "a@example.org"}));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` offers no views",
    label = "needs `#[update(view)]`",
    note = "add `#[update(view)]` to the struct (and a read rule to each server-only field): \
            views, and JSON Patch documents, which work on the model as its sender may read it, \
            need to know who may read each field"
)]
pub trait SafeView: SafeUpdate {
    /// What `who` may see of this model: serialize it (with serde) to answer with it.
    fn view_as<'a, W: Sender<IdentityOf<Self>> + ?Sized>(
        &'a self,
        who: &'a W,
    ) -> View<'a, Self, W> {
        View { model: self, who }
    }

    #[doc(hidden)]
    /// Serializes the fields `who` may read, as the model's serde attributes name and write
    /// them.
    fn __serialize_view<S: Serializer, W: Sender<IdentityOf<Self>> + ?Sized>(
        &self,
        who: &W,
        serializer: S,
    ) -> Result<S::Ok, S::Error>;
}

/// A model as one identity may see it: [`SafeView::view_as`]. Implements `Serialize`.
pub struct View<'a, M: ?Sized, W: ?Sized> {
    model: &'a M,
    who: &'a W,
}

impl<M: SafeView, W: Sender<IdentityOf<M>> + ?Sized> Serialize for View<'_, M, W> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.model.__serialize_view(self.who, serializer)
    }
}

// How a nested model with views is written in its parent's view: by its own view, as the
// parent's sender shares its identity with it, so that its read rules hold there too. An
// inherent method, bounded by `T: SafeView`, chosen over `__private::WriteNestedBySerialize`'s
// (the fallback for a nested type without views) when the bound holds; here, beside
// `SafeView`, so that `__private` names no public trait.
impl<T: SafeView, W: Sender<IdentityOf<T>>> crate::__private::NestedField<'_, T, W> {
    #[doc(hidden)]
    #[inline]
    pub fn __write<S: serde::ser::SerializeStruct>(
        &self,
        state: &mut S,
        key: &'static str,
    ) -> Result<(), S::Error> {
        state.serialize_field(key, &self.0.view_as(&self.1))
    }
}

impl<M: ?Sized, W: ?Sized> Clone for View<'_, M, W> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: ?Sized, W: ?Sized> Copy for View<'_, M, W> {}

impl<M: ?Sized, W: ?Sized> std::fmt::Debug for View<'_, M, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The model's values are what the view is about; its `Debug` might show what the
        // identity may not see.
        f.debug_struct("View").finish_non_exhaustive()
    }
}

/// The JSON Schema of `M`'s views (features `schemars`, `utoipa`): one closed object per
/// distinct set of fields a reader can see (every combination of the roles and conditions the
/// read rules name), `anyOf` them when there are several; a secret field is in none. For an
/// OpenAPI document's responses, where a handler answers with `view_as`.
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub struct ViewSchema<M>(std::marker::PhantomData<fn() -> M>);

#[cfg(feature = "schemars")]
impl<M: crate::__private::view_schema::ViewFields> schemars::JsonSchema for ViewSchema<M> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}View", M::NAME).into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        format!("safe_update::ViewSchema<{}>", std::any::type_name::<M>()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::__private::view_schema::view_schema::<M>(generator)
    }
}

#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
impl<M: crate::__private::view_schema::ViewFields> utoipa::PartialSchema for ViewSchema<M> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::__private::schema::openapi_schema::<Self>()
    }
}

#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
impl<M: crate::__private::view_schema::ViewFields> utoipa::ToSchema for ViewSchema<M> {
    fn name() -> std::borrow::Cow<'static, str> {
        <Self as schemars::JsonSchema>::schema_name()
    }

    fn schemas(schemas: &mut crate::__private::schema::Dependencies) {
        crate::__private::schema::openapi_dependencies::<Self>(schemas);
    }
}
