//! Checks made before a request is sent, so bad input never reaches the wire.

use super::text::is_hidden;

/// The longest notification email the API accepts.
pub const EMAIL_MAX: usize = 254;
/// The longest zone id the API accepts.
pub const ZONE_ID_MAX: usize = 32;
/// The length of every account id (`iam_account_identifier` in the schema).
pub const ACCOUNT_ID_LEN: usize = 32;

/// Why an identifier may not go into a URL path; `None` when it is fine.
///
/// The reason never quotes the id: a mistyped flag may hold a secret.
fn id_problem(id: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<String> {
    if id.is_empty() {
        return Some("is empty".to_owned());
    }
    let len = id.chars().count();
    if !lengths.contains(&len) {
        let allowed = if lengths.start() == lengths.end() {
            format!("exactly {}", lengths.end())
        } else {
            format!("at most {}", lengths.end())
        };
        return Some(format!("is {len} characters long; {allowed} are allowed"));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Some("may only hold letters, digits, '-' and '_'".to_owned());
    }
    None
}

/// A zone id: 1..=32 characters that cannot change the request path.
pub fn zone_id(id: &str) -> Result<(), String> {
    id_problem(id, 1..=ZONE_ID_MAX).map_or(Ok(()), Err)
}

/// An account id: exactly 32 characters that cannot change the request path.
pub fn account_id(id: &str) -> Result<(), String> {
    id_problem(id, ACCOUNT_ID_LEN..=ACCOUNT_ID_LEN).map_or(Ok(()), Err)
}

/// A zone's name as an exact filter: a domain, so no spaces, and no ':'
/// (which would make it one of the API's filter operators).
pub fn zone_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".to_owned());
    }
    let len = name.chars().count();
    if len > 253 {
        return Err(format!("is {len} characters long; at most 253 are allowed"));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == ':' || c == '/')
    {
        return Err("may not hold spaces, ':' or '/'".to_owned());
    }
    Ok(())
}

/// The most bytes before the `@` (RFC 5321's local-part limit).
pub const EMAIL_LOCAL_MAX: usize = 64;

/// A plausible notification email: at most [`EMAIL_MAX`] octets (UTF-8
/// bytes, RFC 5321's path limit, so a non-ASCII address has fewer characters),
/// `local@domain.tld`, no spaces, and none of the characters that print
/// nothing or reorder what follows ([`is_hidden`]: controls, bidirectional
/// and invisible format characters), which could make one address look like
/// another. The mock keeps its own check (`mock::email`); a test holds the
/// two to the same verdict and reason on a table of addresses.
///
/// The reason reads after the field's name ("email has no '@'"); it names an
/// offending character by its code point and quotes at most the domain.
pub fn email(address: &str) -> Result<(), String> {
    let len = address.len();
    if len == 0 {
        return Err("is empty".to_owned());
    }
    if len > EMAIL_MAX {
        return Err(format!(
            "is {len} bytes long in UTF-8; at most {EMAIL_MAX} are allowed"
        ));
    }
    // Before the space check: U+0085 is both, and its code point is the
    // more useful reason.
    if let Some(c) = address.chars().find(|&c| is_hidden(c)) {
        return Err(format!(
            "contains the control, invisible or bidirectional-text character U+{:04X}",
            u32::from(c)
        ));
    }
    if address.chars().any(char::is_whitespace) {
        return Err("contains spaces".to_owned());
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err("has no '@'".to_owned());
    };
    if domain.contains('@') {
        return Err("has more than one '@'".to_owned());
    }
    if local.is_empty() {
        return Err("has nothing before the '@'".to_owned());
    }
    if local.len() > EMAIL_LOCAL_MAX {
        return Err(format!(
            "has {} bytes before the '@'; at most {EMAIL_LOCAL_MAX} are allowed",
            local.len()
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("has a '.' first, last or doubled before the '@'".to_owned());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Err(format!("has no valid domain after the '@' ({domain:?})"));
    }
    Ok(())
}

/// The fewest bytes a payload-logging public key may decode to (an X25519
/// key is 32).
pub const PUBLIC_KEY_MIN_BYTES: usize = 32;
/// The most bytes a payload-logging public key may decode to (room for an
/// RSA-4096 key in DER form).
pub const PUBLIC_KEY_MAX_BYTES: usize = 1024;

/// A payload-logging public key: standard base64 (with padding) of a
/// plausible key length. `""` is not a key (it turns logging off) and is
/// refused here.
pub fn public_key(text: &str) -> Result<(), String> {
    use base64::Engine as _;
    if text.is_empty() {
        return Err("is empty".to_owned());
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or line breaks".to_owned());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| "is not standard base64 (A–Z a–z 0–9 + /, padded with =)".to_owned())?;
    if !(PUBLIC_KEY_MIN_BYTES..=PUBLIC_KEY_MAX_BYTES).contains(&bytes.len()) {
        return Err(format!(
            "decodes to {} bytes; a public key has {PUBLIC_KEY_MIN_BYTES} to {PUBLIC_KEY_MAX_BYTES}",
            bytes.len()
        ));
    }
    Ok(())
}

/// An id as it may be shown: itself when it is no longer than an id can be
/// ([`ZONE_ID_MAX`]); otherwise none of it, since a token or key pasted as
/// an id is longer, and no part of a secret is ever drawn.
pub fn clip_id(id: &str) -> String {
    let len = id.chars().count();
    if len <= ZONE_ID_MAX && !id.chars().any(char::is_control) {
        id.to_owned()
    } else {
        format!("(not an id: {len} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_change_the_path_are_refused() {
        for bad in [
            "",
            "a/b",
            "a?b",
            "a#b",
            "..",
            "a b",
            "a\tb",
            "zone%2f",
            &"a".repeat(33),
        ] {
            assert!(zone_id(bad).is_err(), "{bad:?} accepted");
        }
        assert!(zone_id("023e105f4ecef8ad9ca31a8372d0c353").is_ok());
        assert!(account_id("").is_err());
        assert!(account_id("01a7362d577a6c3019a474fd6f485823").is_ok());
        for bad in [
            "01a7362d577a6c3019a474fd6f48582",
            "01a7362d577a6c3019a474fd6f4858234",
            "01a7362d577a6c3019a474fd6f48582/",
            "tdemo-full-access-4q8ZkX2mP7rN9vB3sL6hC1w",
        ] {
            let reason = account_id(bad).unwrap_err();
            assert!(!reason.contains(&bad[..8]), "{reason}");
        }
        assert!(!zone_id("secret/x").unwrap_err().contains('/'));
    }

    #[test]
    fn zone_names_are_plain_domains() {
        assert!(zone_name("shop.acme-corp.com").is_ok());
        for bad in ["", "contains:acme", "a b.com", "a/b.com", &"a".repeat(254)] {
            assert!(zone_name(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails_are_checked_for_shape_and_length() {
        for good in [
            "abuse@example.com",
            "a@b.co",
            "x.y+z@sub.example.org",
            "trust-safety@acme-corp.com",
            "jos\u{e9}@exemple.fr",
        ] {
            assert_eq!(email(good), Ok(()), "{good:?}");
        }
        for (bad, reason) in [
            ("", "is empty"),
            ("abuse", "has no '@'"),
            ("@example.com", "nothing before"),
            ("a@b", "no valid domain"),
            ("a@@b.com", "more than one '@'"),
            ("a@b@c.com", "more than one '@'"),
            ("a b@c.com", "spaces"),
            ("a\u{A0}b@c.com", "spaces"),
            ("a@b..com", "no valid domain"),
            ("a@.com", "no valid domain"),
            ("a@b.com.", "no valid domain"),
            (".a@b.com", "'.' first, last or doubled"),
            ("a.@b.com", "'.' first, last or doubled"),
            ("a..b@b.com", "'.' first, last or doubled"),
        ] {
            let err = email(bad).unwrap_err();
            assert!(err.contains(reason), "{bad:?}: {err}");
        }
    }

    #[test]
    fn emails_with_invisible_or_reordering_characters_name_the_character() {
        for c in [
            '\u{0}', '\u{7}', '\u{9}', '\u{1B}', '\u{7F}', '\u{85}', '\u{202A}', '\u{202B}',
            '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{00AD}',
            '\u{180E}', '\u{2060}', '\u{FEFF}',
        ] {
            let code = format!("U+{:04X}", u32::from(c));
            for address in [
                format!("team{c}@acme-corp.com"),
                format!("{c}team@acme-corp.com"),
                format!("team@acme-corp.com{c}"),
            ] {
                let err = email(&address).unwrap_err();
                assert!(err.contains(&code), "{address:?}: {err}");
            }
        }
    }

    #[test]
    fn emails_are_limited_to_254_octets_and_64_before_the_at() {
        let sized = |local: usize, total: usize| {
            let domain = format!("{}.com", "b".repeat(total - local - 5));
            let address = format!("{}@{domain}", "a".repeat(local));
            assert_eq!(address.chars().count(), total);
            address
        };
        assert_eq!(email(&sized(60, 254)), Ok(()));
        let err = email(&sized(60, 255)).unwrap_err();
        assert!(err.contains("at most 254"), "{err}");
        assert_eq!(email(&sized(64, 100)), Ok(()));
        let err = email(&sized(65, 100)).unwrap_err();
        assert!(err.contains("at most 64"), "{err}");
        // Octets for the whole and before the '@' (RFC 5321): 32 two-byte
        // letters are 64 bytes, 33 too many.
        assert_eq!(email(&format!("{}@b.co", "\u{e9}".repeat(32))), Ok(()));
        assert!(email(&format!("{}@b.co", "\u{e9}".repeat(33))).is_err());
        let wide = format!("{}@{}.com", "\u{e9}".repeat(10), "\u{e9}".repeat(239));
        assert_eq!((wide.chars().count(), wide.len()), (254, 503));
        let err = email(&wide).unwrap_err();
        assert!(
            err.contains("503 bytes") && err.contains("at most 254"),
            "{err}"
        );
        let fits = format!("{}@{}.com", "\u{e9}".repeat(10), "\u{e9}".repeat(111));
        assert_eq!(fits.len(), 247);
        assert_eq!(email(&fits), Ok(()));
    }
}
