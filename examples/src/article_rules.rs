//! The rules of [`Article`]'s grants: who is asking, what is stored, which value changes to
//! which. The derive calls them before anything is written; each names itself in a refusal
//! (`denied[].rules[].rule`), with its reason.
//!
//! On an update they see the stored article; on `POST /articles` the would-be article (its
//! author the sender, its status as sent or `draft`), with no old value.

use safe_update::auth::Identity;

use crate::article::{Article, Status};

/// The sender wrote the article (on create: the sender is its would-be author, always).
pub fn is_author(who: &Identity, article: &Article) -> bool {
    who.name() == article.author
}

/// The article is still a draft: a published or archived body is fixed for its author.
pub fn is_draft(_: &Identity, article: &Article) -> Result<(), &'static str> {
    match article.status {
        Status::Draft => Ok(()),
        _ => Err("the article is no longer a draft"),
    }
}

/// An author creates drafts and publishes them, nothing else: from nothing to `draft`, from
/// `draft` to `published`. (Re-sending the stored status is a write too, and refused: only an
/// admin may set a status that is already there.)
pub fn author_may_publish(_: &Identity, old: Option<&Status>, new: &Status) -> Result<(), String> {
    match (old, new) {
        (None, Status::Draft) | (Some(Status::Draft), Status::Published) => Ok(()),
        (None, new) => Err(format!(
            "an author may create only a draft, not a {} article",
            new.as_str()
        )),
        (Some(old), new) => Err(format!(
            "an author may only publish a draft, not move an article from {} to {}",
            old.as_str(),
            new.as_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(status: Status) -> Article {
        Article {
            id: 1,
            author: "alice".into(),
            title: "T".into(),
            body: "B".into(),
            tags: vec![],
            status,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn the_rules() {
        let alice = Identity::new("alice", Vec::<String>::new());
        let bob = Identity::new("bob", ["admin"]);
        assert!(is_author(&alice, &article(Status::Draft)));
        assert!(!is_author(&bob, &article(Status::Draft)));
        assert!(is_draft(&alice, &article(Status::Draft)).is_ok());
        assert!(is_draft(&alice, &article(Status::Published)).is_err());
        let (draft, published, archived) = (Status::Draft, Status::Published, Status::Archived);
        for (old, new, allowed) in [
            (None, draft, true),
            (None, published, false),
            (None, archived, false),
            (Some(&draft), published, true),
            (Some(&draft), draft, false),
            (Some(&draft), archived, false),
            (Some(&published), archived, false),
            (Some(&published), draft, false),
            (Some(&archived), published, false),
        ] {
            let answer = author_may_publish(&alice, old, &new);
            assert_eq!(answer.is_ok(), allowed, "{old:?} -> {new:?}: {answer:?}");
        }
        assert_eq!(
            author_may_publish(&alice, Some(&published), &archived).unwrap_err(),
            "an author may only publish a draft, not move an article from published to archived"
        );
    }
}
