//! First start: an empty database gets `alice` and `admin`, with random passwords shown once.

use rand_core::{OsRng, RngCore};

use crate::db::Database;

/// Characters of generated passwords: no look-alikes (0/O, 1/l/I).
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// Length of generated passwords: 20 of 57 symbols, about 116 bits.
const LENGTH: usize = 20;

/// A random password from the operating system's generator.
pub fn random_password() -> String {
    // Rejection sampling: only bytes below the largest multiple of the alphabet's size, so
    // that every symbol is equally likely.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut password = String::with_capacity(LENGTH);
    let mut bytes = [0u8; 32];
    while password.len() < LENGTH {
        OsRng.fill_bytes(&mut bytes);
        for &byte in bytes.iter().filter(|&&byte| byte < limit) {
            if password.len() < LENGTH {
                password.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    password
}

/// Creates `alice` and `admin` if the database has no user; returns their names and
/// passwords, to be shown once. `hash` turns a password into a PHC string.
pub async fn seed(
    db: &Database,
    hash: impl Fn(&str) -> Result<String, String>,
) -> Result<Vec<(&'static str, bool, String)>, String> {
    let users = db.count_users().await.map_err(|e| e.to_string())?;
    if users > 0 {
        return Ok(Vec::new());
    }
    let mut created = Vec::new();
    for (name, is_admin) in [("alice", false), ("admin", true)] {
        let password = random_password();
        let phc = hash(&password)?;
        let inserted = db
            .insert_user(name, is_admin, &phc)
            .await
            .map_err(|e| e.to_string())?;
        // Another process may have seeded meanwhile; its passwords were shown there.
        if inserted.is_some() {
            created.push((name, is_admin, password));
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_passwords_use_the_alphabet() {
        let first = super::random_password();
        assert_eq!(first.len(), super::LENGTH);
        assert!(first.bytes().all(|byte| super::ALPHABET.contains(&byte)));
        assert_ne!(first, super::random_password());
    }
}
