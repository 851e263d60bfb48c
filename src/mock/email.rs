//! The mock's own check of a notification email, written from the API's
//! rules (the schema's `maxLength: 254`, taken as octets as in RFC 5321,
//! and "notification email address") and not from the client's check, so a
//! wrong check in the client shows up as a refusal here.

/// The most octets (UTF-8 bytes) in an address.
const MAX_OCTETS: usize = 254;
/// The most octets before the `@` (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL_OCTETS: usize = 64;

/// Characters that print nothing or reorder the text around them, so one
/// address could be shown as another: controls (Cc), and the format and
/// separator characters (Cf, Zl, Zp) an address could hide.
fn is_invisible(c: char) -> bool {
    let code = u32::from(c);
    code < 0x20
        || (0x7F..=0x9F).contains(&code)
        || matches!(
            code,
            0xAD | 0x61C
                | 0x180E
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x2064
                | 0x2066..=0x206F
                | 0xFEFF
                | 0xFFF9..=0xFFFB
                | 0xE0000..=0xE007F
        )
}

/// Why the API would refuse `address` as a notification email, read after
/// "email " (e.g. "has no '@'"); `Ok` when it would take it.
pub fn check(address: &str) -> Result<(), String> {
    if address.is_empty() {
        return Err("is empty".to_owned());
    }
    let octets = address.len();
    if octets > MAX_OCTETS {
        return Err(format!(
            "is {octets} bytes long in UTF-8; at most {MAX_OCTETS} are allowed"
        ));
    }
    if let Some(c) = address.chars().find(|&c| is_invisible(c)) {
        return Err(format!(
            "contains the control, invisible or bidirectional-text character U+{:04X}",
            u32::from(c)
        ));
    }
    if address.chars().any(char::is_whitespace) {
        return Err("contains spaces".to_owned());
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain)) = (parts.next(), parts.next()) else {
        return Err("has no '@'".to_owned());
    };
    if parts.next().is_some() {
        return Err("has more than one '@'".to_owned());
    }
    if local.is_empty() {
        return Err("has nothing before the '@'".to_owned());
    }
    if local.len() > MAX_LOCAL_OCTETS {
        return Err(format!(
            "has {} bytes before the '@'; at most {MAX_LOCAL_OCTETS} are allowed",
            local.len()
        ));
    }
    if local.split('.').any(str::is_empty) {
        return Err("has a '.' first, last or doubled before the '@'".to_owned());
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Err(format!("has no valid domain after the '@' ({domain:?})"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn the_api_rules_decide_each_row() {
        let e = "\u{e9}";
        let rows: Vec<(String, Option<&str>)> = vec![
            ("abuse@example.com".into(), None),
            ("a@b.co".into(), None),
            ("x.y+z@sub.example.org".into(), None),
            (format!("jos{e}@exemple.fr"), None),
            (format!("{}@b.co", e.repeat(32)), None),
            (format!("{}@b.co", e.repeat(33)), Some("66 bytes before")),
            (format!("{}@{}.com", "a".repeat(60), "b".repeat(189)), None),
            (
                format!("{}@{}.com", "a".repeat(60), "b".repeat(190)),
                Some("255 bytes long"),
            ),
            (
                format!("{}@{}.com", e.repeat(10), e.repeat(239)),
                Some("503 bytes long"),
            ),
            (String::new(), Some("is empty")),
            ("abuse".into(), Some("no '@'")),
            ("@example.com".into(), Some("nothing before")),
            ("a@b".into(), Some("no valid domain")),
            ("a@".into(), Some("no valid domain")),
            ("a@b..com".into(), Some("no valid domain")),
            ("a@.com".into(), Some("no valid domain")),
            ("a@b.com.".into(), Some("no valid domain")),
            ("a@@b.com".into(), Some("more than one '@'")),
            ("a@b@c.com".into(), Some("more than one '@'")),
            (".a@b.com".into(), Some("'.' first, last or doubled")),
            ("a.@b.com".into(), Some("'.' first, last or doubled")),
            ("a..b@b.com".into(), Some("'.' first, last or doubled")),
            ("a b@c.com".into(), Some("spaces")),
            ("a\u{A0}b@c.com".into(), Some("spaces")),
            ("a\u{3000}b@c.com".into(), Some("spaces")),
            ("team\u{202E}@x.co".into(), Some("U+202E")),
            ("team@x.co\u{200B}".into(), Some("U+200B")),
            ("\u{85}team@x.co".into(), Some("U+0085")),
            ("team\u{7F}@x.co".into(), Some("U+007F")),
            ("team\u{2028}@x.co".into(), Some("U+2028")),
            ("team\u{E0041}@x.co".into(), Some("U+E0041")),
            ("team\u{9}@x.co".into(), Some("U+0009")),
        ];
        for (address, refused) in rows {
            match (check(&address), refused) {
                (Ok(()), None) => {}
                (Err(reason), Some(part)) => {
                    assert!(reason.contains(part), "{address:?}: {reason}")
                }
                (verdict, _) => panic!("{address:?}: {verdict:?}, wanted {refused:?}"),
            }
        }
    }
}
