//! What the generated checks call to decide a field's grants (`expand/grant.rs`): each part of
//! a grant gives `Ok` or the refusal a `DeniedField` lists, and a create input records which
//! gated fields its document sent (`Sent`) for the grants checked once the model is built.

use crate::error::RuleRefusal;
use crate::roles::{AnyRoles, Roles};

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

/// The identity `Self` of a model can check a nested model whose rules take `C`: `C` is the same
/// identity, or any roles (`AnyRoles`), which every identity type has.
#[diagnostic::on_unimplemented(
    message = "a nested model whose rules take `{C}` cannot be checked with its parent's \
               identity `{Self}`",
    label = "this nested model's rules take `{C}`",
    note = "a nested model is checked on behalf of its parent's sender: give it the same \
            `#[update(identity = ...)]` as its parent, or none"
)]
pub trait Shares<C: ?Sized> {}

impl Shares<AnyRoles> for AnyRoles {}
impl<I: Roles> Shares<AnyRoles> for I {}
impl<I: Roles> Shares<I> for I {}

/// Emitted once per nested field: stops a parent from passing its sender to a nested model
/// that takes another identity, with a message that says so.
#[inline(always)]
pub fn shares<P: Shares<C> + ?Sized, C: ?Sized>() {}
