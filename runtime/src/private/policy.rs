//! What the generated `SafeUpdate::policy` calls: the policy's types are `#[non_exhaustive]`,
//! so code outside this crate builds them through these.

use crate::policy::{FieldPolicy, ModelPolicy, Null, Read, Write};

/// A model's policy from its name and its fields' policies, the literal array the generated
/// code writes.
pub fn model_policy<const N: usize>(model: &'static str, fields: [FieldPolicy; N]) -> ModelPolicy {
    ModelPolicy {
        model,
        fields: fields.into(),
    }
}

/// One field's policy.
pub fn field_policy(
    field: &'static str,
    names: &'static [&'static str],
    write: Write,
    create_only: bool,
    read: Option<Read>,
    null: Null,
    nested: Option<ModelPolicy>,
) -> FieldPolicy {
    FieldPolicy {
        field,
        names,
        write,
        create_only,
        read,
        null,
        nested: nested.map(Box::new),
    }
}
