//! A view allocates nothing beyond what serde's derive would: serializing a model's view into a
//! buffer with room to spare makes as many allocations as serializing a hand-written
//! `#[derive(Serialize)]` struct of the same visible fields, for a reader who sees every field
//! and one who sees half.
//!
//! Counted with `allocation-counter`, which installs a counting global allocator of its own
//! (so our code needs no `unsafe`, which every crate here forbids) and counts the calling
//! thread's allocations only (so libtest's other threads cannot add to a count). Of the crates
//! made for this, it is maintained and needs nothing but a call to `measure`; `stats_alloc` and
//! `alloc_counter` ask the user to declare the `#[global_allocator]` static, `dhat` profiles
//! the heap as a whole and counts every thread. Its allocator then serves the whole binary,
//! which is why this file is a test target of its own (tests/Cargo.toml), not a module of the
//! integration binary.
#![forbid(unsafe_code)]

use safe_update::{SafeUpdate, SafeView};
use safe_update_tests::fixtures::claims::Claims;
use serde::Serialize;

fn is_self(who: &Claims, account: &Account) -> bool {
    who.name == account.username
}

/// Cents as a decimal string, written straight to the serializer (serde_json's `collect_str`
/// formats into its output, so this allocates nothing of its own).
fn cents<S: serde::Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{}.{:02}", value / 100, value % 100))
}

/// Eight fields a reader may see: all eight for the account's owner who is an admin, four
/// (`username`, `displayName`, `bio`, `tags`) for another user.
#[derive(SafeUpdate)]
#[update(view, identity = Claims)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[update(server_only, read(role = "admin"))]
    id: u64,
    #[update(server_only, read)]
    username: String,
    #[update(allow)]
    display_name: String,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: Option<String>,
    #[update(allow, read(when = is_self), read(role = "admin"))]
    #[serde(rename(serialize = "mail", deserialize = "email"))]
    email: String,
    #[update(server_only, read(role = "admin"))]
    #[serde(serialize_with = "cents")]
    balance: u64,
    #[update(allow)]
    tags: Vec<String>,
    #[update(server_only, read(when = is_self))]
    last_login: u64,
    #[update(server_only, secret)]
    password_hash: String,
}

/// What serde's derive writes for the fields the owner, an admin, sees.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AllFields<'a> {
    id: u64,
    username: &'a str,
    display_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: &'a Option<String>,
    #[serde(rename = "mail")]
    email: &'a str,
    #[serde(serialize_with = "cents")]
    balance: &'a u64,
    tags: &'a [String],
    last_login: u64,
}

/// What serde's derive writes for the fields another user sees.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HalfTheFields<'a> {
    username: &'a str,
    display_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: &'a Option<String>,
    tags: &'a [String],
}

fn account() -> Account {
    Account {
        id: 7,
        username: "ann".into(),
        display_name: "Ann \"the\" Admin".into(),
        bio: Some("Curiouser and curiouser.".into()),
        email: "ann@example.org".into(),
        balance: 123_456,
        tags: vec!["tea".into(), "cards".into()],
        last_login: 1_700_000_000,
        password_hash: "$argon2id$...".into(),
    }
}

/// The allocations made by serializing `value` into a buffer with room to spare (reserved
/// before counting), and what was written. Written once before counting, so that nothing done
/// once per thread or process is counted.
fn written<T: Serialize>(value: &T) -> (u64, Vec<u8>) {
    serde_json::to_writer(Vec::with_capacity(4096), value).unwrap();
    let mut out = Vec::with_capacity(4096);
    let info = allocation_counter::measure(|| serde_json::to_writer(&mut out, value).unwrap());
    (info.count_total, out)
}

/// Asserts that the view and serde's derive write the same bytes with as many allocations.
fn alike<T: Serialize>(view: impl Serialize, derived: &T) {
    let (view_allocations, view_bytes) = written(&view);
    let (derived_allocations, derived_bytes) = written(derived);
    assert_eq!(
        String::from_utf8(view_bytes).unwrap(),
        String::from_utf8(derived_bytes).unwrap()
    );
    assert_eq!(view_allocations, derived_allocations);
}

#[test]
fn the_counter_sees_this_threads_allocations() {
    // Without it, the equal counts below could be two blind zeros: a buffer without room
    // grows while the view is written.
    let (account, owner) = (account(), owner());
    let info = allocation_counter::measure(|| {
        serde_json::to_writer(Vec::new(), &account.view_as(&owner)).unwrap();
    });
    assert!(info.count_total > 0, "{info:?}");
}

fn owner() -> Claims {
    Claims {
        name: "ann".into(),
        admin: true,
    }
}

#[test]
fn a_reader_who_sees_every_field_costs_what_serdes_derive_costs() {
    let account = account();
    let derived = AllFields {
        id: account.id,
        username: &account.username,
        display_name: &account.display_name,
        bio: &account.bio,
        email: &account.email,
        balance: &account.balance,
        tags: &account.tags,
        last_login: account.last_login,
    };
    alike(account.view_as(&owner()), &derived);
    let _ = &account.password_hash;
}

#[test]
fn a_reader_who_sees_half_the_fields_costs_what_serdes_derive_costs() {
    let account = account();
    let bob = Claims {
        name: "bob".into(),
        admin: false,
    };
    let derived = HalfTheFields {
        username: &account.username,
        display_name: &account.display_name,
        bio: &account.bio,
        tags: &account.tags,
    };
    alike(account.view_as(&bob), &derived);
}
