//! The policy of several models as one Markdown table (GitHub's table syntax).

use std::fmt::Write as _;

use super::{FieldPolicy, Grant, ModelPolicy, Null, Read, Write};

/// The header of the table [`markdown`] writes.
const HEADER: &str = "| model | field | keys in a document | who may write | `null` |\n\
                      |---|---|---|---|---|\n";

/// The header when a model offers views: who may read each field too.
const HEADER_WITH_READ: &str =
    "| model | field | keys in a document | who may write | `null` | who may read |\n\
     |---|---|---|---|---|---|\n";

/// Renders the policies of `models` as one Markdown table: a row per field, in the order given
/// and the order each struct declares its fields; the fields of a nested model follow its row,
/// named by their path (`home.street`).
///
/// The text depends only on the policies, so a committed copy can be compared with the code's
/// in a test.
///
/// When a model offers views (`#[update(view)]`), a last column says who may read each field;
/// a model without views is then "not served by views" there.
pub fn markdown(models: &[ModelPolicy]) -> String {
    let with_read = models.iter().any(has_views);
    let mut table = String::from(if with_read { HEADER_WITH_READ } else { HEADER });
    for model in models {
        rows(&mut table, model.model, None, model, with_read);
    }
    table
}

/// Whether a field of `policy` (or of a nested model) has a read rule.
fn has_views(policy: &ModelPolicy) -> bool {
    policy
        .fields
        .iter()
        .any(|field| field.read.is_some() || field.nested.as_deref().is_some_and(has_views))
}

/// The rows of `policy`'s fields, under `model`'s name; `parent` is the path and key of the
/// nested field they belong to.
fn rows(
    table: &mut String,
    model: &str,
    parent: Option<(&str, &str)>,
    policy: &ModelPolicy,
    with_read: bool,
) {
    for field in &policy.fields {
        let path = match parent {
            Some((path, _)) => format!("{path}.{}", field.field),
            None => field.field.to_owned(),
        };
        let keys = keys(parent.map(|(_, key)| key), field);
        let read = if with_read {
            format!(" {} |", read(field.read.as_ref()))
        } else {
            String::new()
        };
        let _ = writeln!(
            table,
            "| {} | {} | {keys} | {}{} | {} |{read}",
            code(model),
            code(&path),
            write(&field.write),
            if field.create_only {
                ", at creation only"
            } else {
                ""
            },
            null(&field.null),
        );
        if let Some(nested) = &field.nested {
            // A flattened field has no key of its own; a nested one always has one.
            let key = field.names.first().copied().unwrap_or_default();
            let key = match parent {
                Some((_, parent_key)) => format!("{parent_key}.{key}"),
                None => key.to_owned(),
            };
            rows(table, model, Some((&path, &key)), nested, with_read);
        }
    }
}

/// The keys that address `field`, each prefixed with the key of the object it is in.
fn keys(parent: Option<&str>, field: &FieldPolicy) -> String {
    if field.names.is_empty() {
        return "none of its own (flattened: its type's keys)".to_owned();
    }
    let keys: Vec<String> = field
        .names
        .iter()
        .map(|name| match parent {
            Some(parent) => code(&format!("{parent}.{name}")),
            None => code(name),
        })
        .collect();
    keys.join(", ")
}

/// Who may write, in words.
fn write(write: &Write) -> String {
    match write {
        Write::ServerOnly => "the server only".to_owned(),
        Write::Anyone => "anyone".to_owned(),
        Write::Grants { grants } => {
            let grants: Vec<String> = grants.iter().map(grant).collect();
            grants.join("; or ")
        }
    }
}

/// Who may read, in words.
fn read(read: Option<&Read>) -> String {
    match read {
        None => "not served by views".to_owned(),
        Some(Read::Anyone) => "anyone".to_owned(),
        Some(Read::Secret) => "nobody (secret)".to_owned(),
        Some(Read::Grants { grants }) => {
            let grants: Vec<String> = grants.iter().map(grant).collect();
            grants.join("; or ")
        }
    }
}

/// One grant in words: its role, conditions and value rules, all of which must admit.
fn grant(grant: &Grant) -> String {
    let mut parts = Vec::new();
    if !grant.roles.is_empty() {
        parts.push(roles_in_words(grant.roles));
    }
    for rule in grant.when {
        parts.push(format!("when {}", code(rule)));
    }
    for rule in grant.change {
        parts.push(format!("{} permits the value", code(rule)));
    }
    parts.join(" and ")
}

/// What `null` does, in words.
fn null(null: &Null) -> String {
    match null {
        Null::Refused => "refused".to_owned(),
        Null::Clears => "clears the field".to_owned(),
        Null::ClearsWithRoles { roles } => {
            format!("clears the field: {}", roles_in_words(roles))
        }
        Null::Guarded => "refused (it would erase protected fields)".to_owned(),
    }
}

/// `role `a`` or `any of the roles `a`, `b``.
fn roles_in_words(roles: &[&str]) -> String {
    let names: Vec<String> = roles.iter().map(|role| code(role)).collect();
    match names.as_slice() {
        [one] => format!("role {one}"),
        _ => format!("any of the roles {}", names.join(", ")),
    }
}

/// `text` as a code span that a table cell can hold: `|` escaped (GitHub reads a bare one as
/// the cell's end, even in a code span), and a backtick in the text fenced by two.
fn code(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &'static str, write: Write, null: Null) -> FieldPolicy {
        FieldPolicy {
            field: name,
            names: Box::leak(Box::new([name])),
            write,
            create_only: false,
            read: None,
            null,
            nested: None,
        }
    }

    #[test]
    fn a_row_per_field_nested_ones_by_path() {
        let address = ModelPolicy {
            model: "Address",
            fields: vec![
                field("street", Write::Anyone, Null::Refused),
                field("verified", Write::ServerOnly, Null::Refused),
            ],
        };
        let mut home = field(
            "home",
            Write::Anyone,
            Null::ClearsWithRoles { roles: &["admin"] },
        );
        home.names = &["home", "house"];
        home.nested = Some(Box::new(address));
        let user = ModelPolicy {
            model: "User",
            fields: vec![
                field(
                    "is_admin",
                    Write::Grants {
                        grants: &[Grant {
                            roles: &["admin", "root"],
                            when: &[],
                            change: &[],
                        }],
                    },
                    Null::Refused,
                ),
                home,
                FieldPolicy {
                    names: &[],
                    ..field("audit", Write::ServerOnly, Null::Refused)
                },
            ],
        };
        assert_eq!(
            markdown(&[user]),
            "| model | field | keys in a document | who may write | `null` |\n\
             |---|---|---|---|---|\n\
             | `User` | `is_admin` | `is_admin` | any of the roles `admin`, `root` | refused |\n\
             | `User` | `home` | `home`, `house` | anyone | clears the field: role `admin` |\n\
             | `User` | `home.street` | `home.street` | anyone | refused |\n\
             | `User` | `home.verified` | `home.verified` | the server only | refused |\n\
             | `User` | `audit` | none of its own (flattened: its type's keys) | the server only | refused |\n"
        );
    }

    #[test]
    fn a_cell_cannot_be_broken_by_a_name() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
