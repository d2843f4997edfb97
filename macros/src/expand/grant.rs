//! A field's grants as code: whether the sender may write the field, shared by the patch's
//! `__check` (conditions see the stored model, value rules the stored and the new value) and
//! the create input's `__permit` (the would-be model, no old value).
//!
//! Grants are tried cheapest first, and the first that admits ends the search: the roles of
//! the grants that ask for a role only, as one test, then each grant with conditions or value
//! rules in the order written, its parts in the order written (role, `when`s, `change`s), the
//! first refusing part ending that grant. A field no grant admits is refused with every
//! grant's reason (`ApplyError::__refuse`), or, when all its grants ask for roles only, as a
//! role refusal (`__deny`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use super::gen::{respan_tokens, Gen};
use crate::ast::Field;
use crate::attr::Grant;

/// What the grants of one field are asked about.
pub struct Write {
    /// `&Model`: the stored model (update) or the would-be one (create).
    pub model: TokenStream,
    /// `Option<&Value>`: the stored value, `None` on create.
    pub old: TokenStream,
    /// `&Value`: the value the document writes.
    pub new: TokenStream,
}

/// A `bool` expression: whether a grant of `field` admits the write; when none does, the
/// refusal is recorded in `__errors` under the field's path. Reads `__who`, `__path`,
/// `__errors`.
pub fn admits(gen: &Gen, field: &Field, write: &Write) -> TokenStream {
    let krate = &gen.krate;
    let identity = gen.identity();
    let wire = &field.wire;
    let roles = field.role_only_roles();
    let holds = |roles: &[&syn::LitStr]| {
        let each = roles
            .iter()
            .map(|role| quote!(#krate::Sender::<#identity>::holds(__who, #role)));
        quote!((false #(|| #each)*))
    };
    let role_only = (!roles.is_empty()).then(|| {
        let holds = holds(&roles);
        quote!(if #holds { break '__grants true; })
    });
    let rule_grants: Vec<&Grant> = field
        .grants
        .iter()
        .filter(|grant| grant.has_rules())
        .collect();
    let refuse = if rule_grants.is_empty() {
        quote!(__errors.__deny(__path.join_key(#wire), &[#(#roles),*]);)
    } else {
        let tries = rule_grants.iter().map(|grant| {
            let chain = grant_chain(gen, field, grant, write, &holds);
            quote! {
                match #chain {
                    ::core::result::Result::Ok(()) => break '__grants true,
                    ::core::result::Result::Err(__refusal) => __refusals.push(__refusal),
                }
            }
        });
        quote! {
            let mut __refusals = ::std::vec::Vec::new();
            #(#tries)*
            __errors.__refuse(__path.join_key(#wire), &[#(#roles),*], __refusals);
        }
    };
    quote! {
        '__grants: {
            #role_only
            #refuse
            false
        }
    }
}

/// One grant with conditions or value rules: `Result<(), RuleRefusal>`, its parts tried in
/// order, the first refusal ending it.
fn grant_chain(
    gen: &Gen,
    field: &Field,
    grant: &Grant,
    write: &Write,
    holds: &dyn Fn(&[&syn::LitStr]) -> TokenStream,
) -> TokenStream {
    let krate = &gen.krate;
    let identity = gen.identity();
    let private = quote!(#krate::__private);
    let who = quote!(#krate::Sender::<#identity>::identity(__who));
    let mut parts = Vec::new();
    if !grant.roles.is_empty() {
        let roles: Vec<&syn::LitStr> = grant.roles.iter().collect();
        let held = holds(&roles);
        let text = roles
            .iter()
            .map(|role| format!("{:?}", role.value()))
            .collect::<Vec<_>>()
            .join(" or ");
        let rule = format!("role = {text}");
        parts.push(quote!(#private::role(#rule, #held)));
    }
    let Write { model, old, new } = write;
    let (model_ty, value_ty) = (gen.model_ty(), field.ty());
    // Each rule is first made a function pointer of the type the grant calls it as, located at
    // the path the user wrote: a function of another signature (identity, model or value type,
    // arity) is reported there, once, with the signature expected beside the one found. It is
    // then called on arguments bound beforehand, and its result, located there too, must be a
    // verdict. (The pointer is a constant: the optimiser calls the function directly.) The
    // tokens made here resolve where the derive is, for the bindings are the derive's; the
    // user's tokens (the path, the types) keep their spans, which may carry the hygiene of the
    // user's own `macro_rules!`.
    let at = |rule: &syn::ExprPath| super::gen::at_user(rule.span());
    for rule in &grant.when {
        let name = rule_name(rule);
        let span = at(rule);
        let private = respan_tokens(private.clone(), span);
        let typed = quote_spanned!(span=> let __rule: fn(&#identity, &#model_ty) -> _ = #rule;);
        let call = quote_spanned!(span=> #private::condition(#name, __rule(__identity, __model)));
        parts.push(quote!({
            let __identity = #who;
            let __model = #model;
            #typed
            #call
        }));
    }
    for rule in &grant.change {
        let name = rule_name(rule);
        let span = at(rule);
        let private = respan_tokens(private.clone(), span);
        let typed = quote_spanned! {span=>
            let __rule: fn(&#identity, ::core::option::Option<&#value_ty>, &#value_ty) -> _ = #rule;
        };
        let call =
            quote_spanned!(span=> #private::value_rule(#name, __rule(__identity, __old, __new)));
        parts.push(quote!({
            let __identity = #who;
            let __old = #old;
            let __new = #new;
            #typed
            #call
        }));
    }
    let mut parts = parts.into_iter();
    let first = parts.next().expect("a grant with rules has a part");
    parts.fold(first, |chain, part| quote!(#chain.and_then(|()| #part)))
}

/// A rule's path as written, the name a refusal and the policy give it.
pub fn rule_name(rule: &syn::ExprPath) -> String {
    rule.to_token_stream().to_string().replace(' ', "")
}
