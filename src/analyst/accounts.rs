//! Accounts: names, roles, passwords (argon2id) and session tokens.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

string_enum! {
    /// What an account may do. Each role may do everything the ones before it may.
    pub enum Role ("role") {
        /// Reads every page.
        Viewer => "viewer",
        /// Also records follow-ups and reviews and corrects links.
        Analyst => "analyst",
        /// Also manages accounts, uploads documents and reads the audit log.
        Admin => "admin",
    }
}

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Viewer => 0,
            Role::Analyst => 1,
            Role::Admin => 2,
        }
    }

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error(
        "an account name is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
    )]
    BadName,
    #[error("a password needs at least {MIN_PASSWORD} characters")]
    ShortPassword,
    #[error("a password may have at most {MAX_PASSWORD} characters")]
    LongPassword,
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("no random numbers from the system: {0}")]
    Random(String),
}

pub const MIN_PASSWORD: usize = 10;
/// Argon2 hashes any length; a bound keeps a request from making the server hash megabytes.
pub const MAX_PASSWORD: usize = 1024;

/// An account name, checked (the same rule as the `users.name` constraint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    pub fn parse(s: &str) -> Result<UserName, AccountError> {
        let s = s.trim();
        let ok = (1..=64).contains(&s.len())
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(UserName(s.to_owned()))
        } else {
            Err(AccountError::BadName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UserName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// OWASP's argon2id setting: 19 MiB, two passes, one lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password (argon2id, random salt) as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        return Err(AccountError::ShortPassword);
    }
    if password.len() > MAX_PASSWORD {
        return Err(AccountError::LongPassword);
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash. A malformed hash matches nothing.
pub fn verify_password(password: &str, stored: &str) -> bool {
    if password.len() > MAX_PASSWORD {
        return false;
    }
    PasswordHash::new(stored)
        .is_ok_and(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the account does not exist, so that a wrong name takes as
/// long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], AccountError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(out)
}

/// A random token for a cookie or a form: 32 bytes as 64 hex digits.
pub fn new_token() -> Result<String, AccountError> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// A readable random password (20 characters from 54 unambiguous ones: ~115 bits).
pub fn new_password() -> Result<String, AccountError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        for b in random_bytes::<32>()? {
            // Rejection sampling keeps every character equally likely.
            let limit = 256 - 256 % ALPHABET.len();
            if (b as usize) < limit && out.len() < 20 {
                out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

/// What the store keeps of a session token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_lesser_roles_allow() {
        assert!(Role::Admin.allows(Role::Analyst));
        assert!(Role::Analyst.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Analyst));
        assert!(!Role::Analyst.allows(Role::Admin));
        assert_eq!("ANALYST".parse::<Role>().unwrap(), Role::Analyst);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(UserName::parse(" li.wei ").unwrap().as_str(), "li.wei");
        for bad in ["", "-x", "a b", "名字", &"x".repeat(65), "a/b"] {
            assert_eq!(UserName::parse(bad), Err(AccountError::BadName), "{bad:?}");
        }
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        // Salted: the same password hashes differently each time.
        assert_ne!(hash, hash_password("correct horse battery").unwrap());
        assert_eq!(hash_password("short"), Err(AccountError::ShortPassword));
    }

    #[test]
    fn tokens_and_passwords_are_random() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token(&a, &a[..63]));
        let p = new_password().unwrap();
        assert_eq!(p.chars().count(), 20);
        assert_ne!(p, new_password().unwrap());
        assert_eq!(token_hash("x").len(), 32);
    }
}
