//! Who may write and read what through the demo's API, as a table for review: `examples/POLICY.md` is
//! this module's [`document`], committed, and a test (`tests/policy.rs`) fails, showing the
//! difference, when the code and the committed table disagree. Regenerate it with
//! `cargo run -p safe-update-demo -- policy > examples/POLICY.md`.

use safe_update::policy::{markdown, ModelPolicy};
use safe_update::SafeUpdate;

use crate::account::Login;
use crate::article::Article;
use crate::model::User;
use crate::password::NewPassword;

/// The policies of the models a client writes through the API, in the table's order.
pub fn models() -> Vec<ModelPolicy> {
    vec![
        User::policy(),
        Login::policy(),
        NewPassword::policy(),
        Article::policy(),
    ]
}

/// The whole text of `examples/POLICY.md`.
pub fn document() -> String {
    format!(
        "# Who may write and read what\n\
         \n\
         Generated from the models' `#[update(...)]` attributes by\n\
         `cargo run -p safe-update-demo -- policy > examples/POLICY.md`; a test fails when this\n\
         file and the code disagree.\n\
         \n\
         `User` is written by `PATCH`, `PUT` and `POST` (a form) on `/profile` (the sender's own\n\
         user), by `PATCH` and `PUT` on `/users/{{username}}` and, with `Login`, by `POST /users`\n\
         (those two for admins only); `NewPassword` is the body of `PUT /profile/password`;\n\
         `Article` is written by `POST /articles` and `PATCH /articles/{{id}}` (any user).\n\
         \"anyone\" is whoever the route lets send the document. A key outside the table is\n\
         refused as `unknown_fields`, a server-only one as `forbidden_fields`, a role-gated one\n\
         sent without the role as `role_required`, one that no grant admits when a rule\n\
         refused it as `not_permitted` (the README's tables of refusals). The rules named are\n\
         the functions of `examples/src/article_rules.rs`: a grant's conditions (`when`) see\n\
         the sender and the stored article, on `POST` the one about to be created (its\n\
         `author` the sender); its value rules (`permits the value`) the old and the new value, on\n\
         `POST` no old one.\n\
         \n\
         Every answer with a user or an article is a view of it for the sender (`GET /profile`,\n\
         `GET /users/{{username}}` for any user, and the answers of every write): the last\n\
         column says who sees each field, \"anyone\" there being any authenticated user;\n\
         `is_self` is the user itself (`examples/src/model.rs`).\n\
         \n\
         {}",
        markdown(&models())
    )
}
