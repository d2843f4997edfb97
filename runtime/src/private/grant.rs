//! What the generated checks call to decide a field's grants (`expand/grant.rs`): each part of
//! a grant gives `Ok` or the refusal a `DeniedField` lists, and a create input records which
//! gated fields its document sent (`Sent`) for the grants checked once the model is built.

use crate::error::RuleRefusal;
use crate::roles::{AnyRoles, Roles, Sender};

/// What a condition or value rule returns: `bool`, or `Result<(), E>` whose error says why.
#[diagnostic::on_unimplemented(
    message = "a condition or value rule returns `bool` or `Result<(), E>` with `E: Display`, \
               not `{Self}`",
    label = "this rule's result"
)]
pub trait Verdict {
    /// `Ok` when the rule admits the write; else its reason, if it gave one.
    fn verdict(self) -> Result<(), Option<String>>;
}

impl Verdict for bool {
    #[inline]
    fn verdict(self) -> Result<(), Option<String>> {
        if self {
            Ok(())
        } else {
            Err(None)
        }
    }
}

impl<E: std::fmt::Display> Verdict for Result<(), E> {
    #[inline]
    fn verdict(self) -> Result<(), Option<String>> {
        self.map_err(|reason| Some(reason.to_string()))
    }
}

/// A grant's `when = rule`: the identity and the model (stored, or the would-be one on create).
#[inline]
pub fn condition(rule: &'static str, verdict: impl Verdict) -> Result<(), RuleRefusal> {
    verdict.verdict().map_err(|reason| {
        RuleRefusal::__new(
            rule,
            reason.unwrap_or_else(|| format!("the condition `{rule}` does not hold")),
        )
    })
}

/// A grant's `change = rule`: the identity, the old value (`None` on create) and the new one.
#[inline]
pub fn value_rule(rule: &'static str, verdict: impl Verdict) -> Result<(), RuleRefusal> {
    verdict.verdict().map_err(|reason| {
        RuleRefusal::__new(
            rule,
            reason.unwrap_or_else(|| format!("`{rule}` does not permit this value")),
        )
    })
}

/// A grant's roles, beside its conditions: `rule` is how the grant names them
/// (`role = "editor"`).
#[inline]
pub fn role(rule: &'static str, held: bool) -> Result<(), RuleRefusal> {
    if held {
        Ok(())
    } else {
        Err(RuleRefusal::__new(
            rule,
            "the sender does not hold the role".to_owned(),
        ))
    }
}

/// Which gated fields a create input's document sent, and which nested inputs it held, in the
/// order `Create::__check` meets them; `Create::__permit` reads them back in the same order once
/// the model is built (the input is then consumed). Empty, and never allocated, for a model
/// without gated fields.
#[derive(Debug, Default)]
pub struct Sent {
    flags: Vec<bool>,
    read: usize,
}

impl Sent {
    /// Records whether the next gated field (or nested input) was sent.
    #[inline]
    pub fn push(&mut self, sent: bool) -> bool {
        self.flags.push(sent);
        sent
    }

    /// Whether the next gated field (or nested input) was sent, in the order of [`push`](Sent::push).
    #[inline]
    pub fn was_sent(&mut self) -> bool {
        // Reads and pushes are generated in the same order; were they ever not, a field is
        // checked rather than let through.
        let sent = self.flags.get(self.read).copied().unwrap_or(true);
        self.read += 1;
        sent
    }
}

/// What `#[update(identity = T)]` asks of `T`: that it implements [`Roles`], since a grant may
/// ask for a role beside a condition. Asked once, spanned at `T`, by [`identity_type`]; and
/// stated as a bound (higher-ranked, so that a false one makes the impl not apply rather than
/// fail) on the inherent impls whose `apply_as` and `build_as` take a `&T`, which then ask
/// nothing more of `T` themselves.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is the identity a model's rules take, so it must implement \
               `safe_update::Roles`",
    label = "`{Self}` does not implement `Roles`",
    note = "grants may ask for a role beside a condition: `impl safe_update::Roles for {Self} \
            {{ fn has_role(&self, role: &str) -> bool {{ ... }} }}` (`false` when it has no roles)"
)]
pub trait IdentityType: Roles {}

impl<T: Roles + ?Sized> IdentityType for T {}

/// Emitted once, as a constant spanned at `T` in `#[update(identity = T)]`: see [`IdentityType`].
#[inline(always)]
pub const fn identity_type<T: IdentityType + ?Sized>() {}

/// A nested model whose rules take `Self` can be checked on behalf of the sender of a parent
/// whose rules take `P`: `Self` is `P`, or any roles (`AnyRoles`), which every identity has.
#[diagnostic::on_unimplemented(
    message = "a nested model whose rules take `{Self}` cannot be checked with its parent's \
               identity `{P}`",
    label = "this nested model's rules take `{Self}`",
    note = "a nested model is checked on behalf of its parent's sender: give it the same \
            `#[update(identity = ...)]` as its parent, or none"
)]
pub trait Shares<P: ?Sized> {
    /// The parent's identity as the nested model's rules see it.
    fn share(parent: &P) -> &Self;
}

impl Shares<AnyRoles> for AnyRoles {
    #[inline(always)]
    fn share(_: &AnyRoles) -> &AnyRoles {
        &AnyRoles
    }
}

impl<I: Roles> Shares<I> for AnyRoles {
    #[inline(always)]
    fn share(_: &I) -> &AnyRoles {
        &AnyRoles
    }
}

impl<I: Roles> Shares<I> for I {
    #[inline(always)]
    fn share(parent: &I) -> &I {
        parent
    }
}

/// How a parent whose identity is `P` shares it with a nested model whose identity is `C`.
///
/// Emitted once per nested field of a concrete type, as a constant outside every impl and
/// spanned at the field (`const __share_field: ... = shares::<P, C>();`), which the parent's
/// checks pass to [`Shared`]: a mismatch is reported there, once, and the checks ask nothing of
/// the nested identity themselves, so that a nested type that does not derive `SafeUpdate` is
/// reported once too, at the field, rather than again in each check.
#[inline(always)]
pub const fn shares<P: ?Sized, C: Shares<P> + ?Sized>() -> for<'x> fn(&'x P) -> &'x C {
    C::share
}

/// The sender `W` of a model whose identity is `P`, as a nested model whose identity is `C`
/// sees it: the same roles, and `P`'s identity shared as a `C` by `share` (from [`shares`], or
/// [`Shares::share`] for a nested type that mentions a parameter, whose bound the parent's
/// impls carry). What a parent's check passes to its nested models' checks.
pub struct Shared<'a, P: ?Sized, W: ?Sized, C: ?Sized> {
    who: &'a W,
    share: for<'x> fn(&'x P) -> &'x C,
}

impl<'a, P: ?Sized, W: ?Sized, C: ?Sized> Shared<'a, P, W, C> {
    /// `who`, the sender of a model whose identity is `P`, as a sender of `C`.
    #[inline(always)]
    pub fn new(who: &'a W, share: for<'x> fn(&'x P) -> &'x C) -> Self {
        Shared { who, share }
    }
}

impl<P, W, C> Sender<C> for Shared<'_, P, W, C>
where
    P: ?Sized,
    W: Sender<P> + ?Sized,
    C: ?Sized,
{
    #[inline(always)]
    fn identity(&self) -> &C {
        (self.share)(Sender::<P>::identity(self.who))
    }

    #[inline(always)]
    fn holds(&self, role: &str) -> bool {
        Sender::<P>::holds(self.who, role)
    }
}

/// A grant of a `read` rule: whether it admits `who` (no reason is given: a field one may not
/// read is left out of the view, not refused).
#[inline]
pub fn admits(verdict: impl Verdict) -> bool {
    verdict.verdict().is_ok()
}
