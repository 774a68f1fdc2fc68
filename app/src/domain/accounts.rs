//! What makes a valid account: e-mail address, name and password.

/// Why an e-mail address, a name or a password is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountProblem {
    Required,
    TooLong {
        max: usize,
    },
    EmailInvalid,
    EmailTaken,
    NameInvalid,
    PasswordTooShort {
        min: usize,
    },
    PasswordTooLong {
        max: usize,
    },
    PasswordLikeIdentity,
    PasswordTooSimple,
    PasswordsDiffer,
    PasswordWrong,
    PasswordUnchanged,
    /// An administrator may not disable their own account.
    OwnAccount,
}

pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_NAME_LEN: usize = 120;
/// Long passphrases are welcome, but argon2 should not be handed megabytes.
pub const MAX_PASSWORD_LEN: usize = 256;

/// The form an address is compared and stored under for uniqueness: trimmed and lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Whether the mailbox exists is for a confirmation e-mail to find out, not for a pattern.
pub fn check_email(email: &str) -> Result<(), AccountProblem> {
    let email = email.trim();
    if email.is_empty() {
        return Err(AccountProblem::Required);
    }
    if email.chars().count() > MAX_EMAIL_LEN {
        return Err(AccountProblem::TooLong { max: MAX_EMAIL_LEN });
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(AccountProblem::EmailInvalid);
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if local.is_empty()
        || local.contains('@')
        || !domain_ok
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AccountProblem::EmailInvalid);
    }
    Ok(())
}

pub fn check_name(name: &str) -> Result<(), AccountProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AccountProblem::Required);
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(AccountProblem::TooLong { max: MAX_NAME_LEN });
    }
    if name.chars().any(char::is_control) {
        return Err(AccountProblem::NameInvalid);
    }
    Ok(())
}

/// Length is what makes a password strong (NIST SP 800-63B); composition rules are not imposed.
/// Refused: too short or long, the person's own e-mail or name, one repeated character.
pub fn check_password(
    password: &str,
    min_len: usize,
    email: &str,
    name: &str,
) -> Result<(), AccountProblem> {
    let len = password.chars().count();
    if len == 0 {
        return Err(AccountProblem::Required);
    }
    if len < min_len {
        return Err(AccountProblem::PasswordTooShort { min: min_len });
    }
    if len > MAX_PASSWORD_LEN {
        return Err(AccountProblem::PasswordTooLong {
            max: MAX_PASSWORD_LEN,
        });
    }
    let lowered = password.to_lowercase();
    let email = normalize_email(email);
    let local = email.split('@').next().unwrap_or_default();
    let name = name.trim().to_lowercase();
    if lowered == email
        || (!local.is_empty() && lowered == local)
        || (!name.is_empty() && lowered.replace(' ', "") == name.replace(' ', ""))
    {
        return Err(AccountProblem::PasswordLikeIdentity);
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(AccountProblem::PasswordTooSimple);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::AccountProblem::*;
    use super::*;

    #[test]
    fn emails() {
        let cases: &[(&str, Result<(), AccountProblem>)] = &[
            ("ana@unam.mx", Ok(())),
            ("  Ana.Perez+minga@Gob.MX ", Ok(())),
            ("", Err(Required)),
            ("   ", Err(Required)),
            ("ana", Err(EmailInvalid)),
            ("@unam.mx", Err(EmailInvalid)),
            ("ana@", Err(EmailInvalid)),
            ("ana@localhost", Err(EmailInvalid)),
            ("ana@unam..mx", Err(EmailInvalid)),
            ("ana@.unam.mx", Err(EmailInvalid)),
            ("an a@unam.mx", Err(EmailInvalid)),
            ("a@b@unam.mx", Err(EmailInvalid)),
        ];
        for (email, expected) in cases {
            assert_eq!(check_email(email), *expected, "{email:?}");
        }
        let long = format!("{}@unam.mx", "a".repeat(250));
        assert_eq!(check_email(&long), Err(TooLong { max: MAX_EMAIL_LEN }));
    }

    #[test]
    fn normalized_email_is_trimmed_and_lowercase() {
        assert_eq!(normalize_email("  Ana.Perez@UNAM.mx "), "ana.perez@unam.mx");
    }

    #[test]
    fn names() {
        assert_eq!(check_name("Ana Pérez"), Ok(()));
        assert_eq!(check_name("  "), Err(Required));
        assert_eq!(check_name(&"x".repeat(121)), Err(TooLong { max: 120 }));
        assert_eq!(check_name("Ana\u{7}"), Err(NameInvalid));
    }

    #[test]
    fn passwords() {
        let cases: &[(&str, Result<(), AccountProblem>)] = &[
            ("correct horse battery", Ok(())),
            ("", Err(Required)),
            ("short", Err(PasswordTooShort { min: 12 })),
            ("ana@unam.mx", Err(PasswordTooShort { min: 12 })),
            ("ana.perez@unam.mx", Err(PasswordLikeIdentity)),
            ("ANA.PEREZ@UNAM.MX", Err(PasswordLikeIdentity)),
            ("ana.perez", Err(PasswordTooShort { min: 12 })),
            ("Ana Pérez López", Err(PasswordLikeIdentity)),
            ("aaaaaaaaaaaaaaa", Err(PasswordTooSimple)),
        ];
        for (pw, expected) in cases {
            assert_eq!(
                check_password(pw, 12, "ana.perez@unam.mx", "Ana Pérez López "),
                *expected,
                "{pw:?}"
            );
        }
        assert_eq!(
            check_password(&"ab".repeat(200), 12, "a@b.mx", "A"),
            Err(PasswordTooLong {
                max: MAX_PASSWORD_LEN
            })
        );
        // the minimum is a setting
        assert_eq!(check_password("sixsix", 6, "a@b.mx", "A"), Ok(()));
    }
}
