//! The JSON Schema of a model's views (feature `schemars`; `ViewSchema<M>`): what the derive
//! knows of each field a view may write (`macros/src/expand/view_schema.rs`), and the schema
//! assembled from it here: one object per distinct set of fields a reader can see, `anyOf`
//! them when there are several.

use std::collections::BTreeSet;

use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value};

/// A field a view may write.
pub struct ViewField {
    /// Its name in what the model serializes.
    pub name: &'static str,
    /// The schema of its value.
    pub schema: Schema,
    /// Whether a view that shows it always writes it (no `skip_serializing_if`).
    pub always: bool,
    /// Who sees it: any one grant, each a list of clauses that must all hold, each clause the
    /// atoms (indexes into [`ViewFields::ATOMS`]) any one of which satisfies it. `&[&[]]`:
    /// every reader.
    pub grants: &'static [&'static [&'static [usize]]],
    /// The field's doc comment.
    pub doc: Option<&'static str>,
}

/// What the derive emits for a model with views (feature `schemars`).
pub trait ViewFields {
    /// The model's name, for the schema's.
    const NAME: &'static str;
    /// The roles and conditions its read rules name (`role "admin"`, `is_self`): a reader
    /// kind is a set of them.
    const ATOMS: &'static [&'static str];
    /// Every field a view may write, in the order a view writes them.
    fn view_fields(generator: &mut SchemaGenerator) -> Vec<ViewField>;
}

/// The most atoms whose every combination is tried: a model naming more is described by the
/// field sets of each atom alone and of all of them (a schema that admits what is served, if
/// more loosely).
const EXHAUSTIVE_ATOMS: usize = 10;

/// The schema of `M`'s views: each distinct set of fields a reader kind can see as a closed
/// object, `anyOf` them when there are several.
pub fn view_schema<M: ViewFields>(generator: &mut SchemaGenerator) -> Schema {
    let fields = M::view_fields(generator);
    let atoms = M::ATOMS.len();
    let readers: Vec<BTreeSet<usize>> = if atoms <= EXHAUSTIVE_ATOMS {
        (0..1u32 << atoms)
            .map(|mask| (0..atoms).filter(|atom| mask & (1 << atom) != 0).collect())
            .collect()
    } else {
        let mut readers: Vec<BTreeSet<usize>> = vec![BTreeSet::new(), (0..atoms).collect()];
        readers.extend((0..atoms).map(|atom| BTreeSet::from([atom])));
        readers
    };
    let mut sets: Vec<Vec<usize>> = Vec::new();
    for reader in &readers {
        let seen: Vec<usize> = fields
            .iter()
            .enumerate()
            .filter(|(_, field)| sees(field.grants, reader))
            .map(|(index, _)| index)
            .collect();
        if !sets.contains(&seen) {
            sets.push(seen);
        }
    }
    let mut objects: Vec<Value> = sets.iter().map(|set| object(&fields, set)).collect();
    let description = format!(
        "`{}` as a reader sees it: {}",
        M::NAME,
        if objects.len() == 1 {
            "every reader sees the same fields"
        } else {
            "one of these sets of fields, by who reads it (its roles, and the conditions of the \
             model's read rules)"
        }
    );
    let mut schema = if objects.len() == 1 {
        objects.remove(0)
    } else {
        serde_json::json!({ "anyOf": objects })
    };
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), description.into());
    }
    Schema::try_from(schema).unwrap_or_default()
}

/// Whether a reader holding `atoms` passes one of `grants`.
fn sees(grants: &[&[&[usize]]], atoms: &BTreeSet<usize>) -> bool {
    grants.iter().any(|clauses| {
        clauses
            .iter()
            .all(|any| any.iter().any(|atom| atoms.contains(atom)))
    })
}

/// The closed object of the fields `set` names.
fn object(fields: &[ViewField], set: &[usize]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for &index in set {
        let field = &fields[index];
        let mut value = field.schema.clone().to_value();
        if let (Some(doc), Value::Object(map)) = (field.doc, &mut value) {
            map.entry("description").or_insert_with(|| doc.into());
        }
        properties.insert(field.name.to_owned(), value);
        if field.always {
            required.push(Value::from(field.name));
        }
    }
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// A model's schema where a parent's view writes it nested: its views' schema (`ViewSchema`)
/// when it offers views, as the parent's view then writes it by its own view; else its type's
/// `JsonSchema` (implemented only when that exists). Emitted by the derive for every model.
pub trait AsNested {
    /// The subschema of a nested field of this model.
    fn nested_schema(generator: &mut SchemaGenerator) -> Schema;
}
