//! A zone or an account as the user names it: by id, or by name. A name is
//! looked up (`GET /zones?name=`, or the account list); an unknown name is
//! "not found" (exit 4) and an ambiguous one a usage error (exit 2), each
//! listing what matched.

use crate::api::model::{Account, Zone};
use crate::api::{ApiError, ZoneQuery, validate};
use crate::audit::Target;

use super::output::clean;
use super::{Context, Failure};

/// The most matches an error lists.
const LISTED: usize = 10;
/// The most account pages read while looking for a name (50 a page).
const ACCOUNT_PAGES: u32 = 200;

/// A zone found: its id, and what is known of its name and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRef {
    /// The zone id.
    pub id: String,
    /// Its name, when the server said.
    pub name: Option<String>,
    /// The owning account's id and name, when the server said.
    pub account: Option<(String, Option<String>)>,
}

impl ZoneRef {
    fn of(zone: &Zone) -> Self {
        Self {
            id: zone.id.clone(),
            name: Some(zone.name.clone()).filter(|n| !n.is_empty()),
            account: zone.account.as_ref().and_then(|a| {
                Some((
                    a.id.clone()?,
                    a.name.clone().filter(|name| !name.is_empty()),
                ))
            }),
        }
    }

    /// `zone shop.example.com` (the id when the name is unknown).
    pub fn label(&self) -> String {
        format!("zone {}", clean(self.name.as_deref().unwrap_or(&self.id)))
    }

    /// The zone as every document shows it.
    pub fn doc(&self) -> crate::doc::Zone {
        crate::doc::Zone {
            id: self.id.clone(),
            name: self.name.clone(),
            account: self
                .account
                .as_ref()
                .map(|(id, name)| crate::doc::AccountRef {
                    id: id.clone(),
                    name: name.clone(),
                }),
        }
    }

    /// The audit log's target.
    pub fn target(&self) -> Target {
        let zone = Target::zone(&self.id, self.name.as_deref());
        match &self.account {
            Some((id, name)) => zone.in_account(id, name.as_deref()),
            None => zone,
        }
    }
}

/// An account found: its id and, when known, its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRef {
    /// The account id.
    pub id: String,
    /// Its name, when the server said.
    pub name: Option<String>,
    /// `standard` or `enterprise`, when the server said.
    pub kind: Option<String>,
}

impl AccountRef {
    /// The account as every document shows it.
    pub fn doc(&self) -> crate::doc::Account {
        crate::doc::Account {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
        }
    }

    /// `account Acme Corp` (the id when the name is unknown).
    pub fn label(&self) -> String {
        format!(
            "account {}",
            clean(self.name.as_deref().unwrap_or(&self.id))
        )
    }

    /// The audit log's target.
    pub fn target(&self) -> Target {
        Target::account(&self.id, self.name.as_deref())
    }
}

/// Whether `text` is taken for a zone id: what could be one and has no dot
/// (every zone name has one).
fn zone_id_like(text: &str) -> bool {
    validate::zone_id(text).is_ok() && !text.contains('.')
}

/// The zone `text` names (an id or a name).
pub async fn zone(ctx: &Context, text: &str) -> Result<ZoneRef, Failure> {
    let zone = find_zone(ctx, text).await?;
    ctx.seen.zone(&zone);
    Ok(zone)
}

async fn find_zone(ctx: &Context, text: &str) -> Result<ZoneRef, Failure> {
    let text = text.trim();
    if zone_id_like(text) {
        return match ctx
            .call(
                || format!("looking up zone {text}"),
                ctx.client.get_zone(text),
            )
            .await
        {
            Ok(reply) => Ok(ZoneRef {
                id: text.to_owned(),
                ..ZoneRef::of(&reply.result)
            }),
            Err(Failure::Api {
                error: ApiError::NotFound { .. },
                ..
            }) => Err(Failure::NotFound(format!(
                "no zone with id {text} is visible to these credentials"
            ))),
            // Refused only this lookup: the setting's own call will tell.
            Err(Failure::Api {
                error: ApiError::Permission { .. },
                ..
            }) => Ok(ZoneRef {
                id: text.to_owned(),
                name: None,
                account: None,
            }),
            Err(other) => Err(other),
        };
    }
    validate::zone_name(text).map_err(|reason| {
        Failure::Usage(format!(
            "{} is neither a zone id nor a zone name: the name {reason}",
            shown(text)
        ))
    })?;
    let found = ctx
        .call(
            || format!("looking up the zone named {}", shown(text)),
            ctx.client.find_zones_by_name(text),
        )
        .await?
        .result;
    let exact: Vec<&Zone> = found
        .iter()
        .filter(|z| z.name.eq_ignore_ascii_case(text))
        .collect();
    match exact.as_slice() {
        [zone] => Ok(ZoneRef::of(zone)),
        [] => Err(Failure::NotFound(unknown_zone(ctx, text).await)),
        many => Err(Failure::Ambiguous(format!(
            "{} zones are named {}; give the id of one:\n{}",
            many.len(),
            shown(text),
            zone_lines(many)
        ))),
    }
}

/// "No zone named X", with the zones whose names contain it, if any.
async fn unknown_zone(ctx: &Context, text: &str) -> String {
    let query = ZoneQuery {
        name: Some(format!("contains:{text}")),
        per_page: LISTED as u32,
        ..ZoneQuery::default()
    };
    let similar = ctx
        .call(String::new, ctx.client.list_zones(&query))
        .await
        .map(|reply| reply.result)
        .unwrap_or_default();
    let mut message = format!(
        "no zone named {} is visible to these credentials",
        shown(text)
    );
    if !similar.is_empty() {
        let zones: Vec<&Zone> = similar.iter().collect();
        message.push_str(&format!(
            "; zones whose names contain it:\n{}",
            zone_lines(&zones)
        ));
    }
    message
}

fn zone_lines(zones: &[&Zone]) -> String {
    let mut lines: Vec<String> = zones
        .iter()
        .take(LISTED)
        .map(|z| {
            let account = z
                .account
                .as_ref()
                .and_then(|a| a.name.as_deref())
                .map(|name| format!(" (account {})", clean(name)))
                .unwrap_or_default();
            format!("  {}  {}{account}", clean(&z.id), clean(&z.name))
        })
        .collect();
    if zones.len() > LISTED {
        lines.push(format!("  … and {} more", zones.len() - LISTED));
    }
    lines.join("\n")
}

/// The account `text` names (an id or a name).
pub async fn account(ctx: &Context, text: &str) -> Result<AccountRef, Failure> {
    let account = find_account(ctx, text).await?;
    ctx.seen.account(&account);
    Ok(account)
}

async fn find_account(ctx: &Context, text: &str) -> Result<AccountRef, Failure> {
    let text = text.trim();
    if validate::account_id(text).is_ok() {
        return match ctx
            .call(
                || format!("looking up account {text}"),
                ctx.client.get_account(text),
            )
            .await
        {
            Ok(reply) => Ok(AccountRef {
                id: text.to_owned(),
                name: Some(reply.result.name).filter(|n| !n.is_empty()),
                kind: reply.result.kind,
            }),
            Err(Failure::Api {
                error: ApiError::NotFound { .. },
                ..
            }) => Err(Failure::NotFound(format!(
                "no account with id {text} is visible to these credentials"
            ))),
            // The schema lists no token auth for this read: a refusal here
            // says nothing about the account's own settings.
            Err(Failure::Api {
                error: ApiError::Permission { .. } | ApiError::Auth { .. },
                ..
            }) => Ok(AccountRef {
                id: text.to_owned(),
                name: None,
                kind: None,
            }),
            Err(other) => Err(other),
        };
    }
    if text.is_empty() {
        return Err(Failure::Usage("the account name is empty".to_owned()));
    }
    let accounts = all_accounts(ctx).await?;
    let exact: Vec<&Account> = accounts
        .iter()
        .filter(|a| a.name.trim().eq_ignore_ascii_case(text))
        .collect();
    match exact.as_slice() {
        [one] => Ok(AccountRef {
            id: one.id.clone(),
            name: Some(one.name.clone()),
            kind: one.kind.clone(),
        }),
        [] => {
            let seen: Vec<&Account> = accounts.iter().collect();
            let listed = if seen.is_empty() {
                "; these credentials see no account".to_owned()
            } else {
                format!("; the accounts visible:\n{}", account_lines(&seen))
            };
            Err(Failure::NotFound(format!(
                "no account named {}{listed}",
                shown(text)
            )))
        }
        many => Err(Failure::Ambiguous(format!(
            "{} accounts are named {}; give the id of one:\n{}",
            many.len(),
            shown(text),
            account_lines(many)
        ))),
    }
}

/// Every account the credentials see: pages of 50 until a short one.
pub async fn all_accounts(ctx: &Context) -> Result<Vec<Account>, Failure> {
    let mut accounts = Vec::new();
    for page in 1..=ACCOUNT_PAGES {
        let reply = ctx
            .call(
                || format!("listing accounts (page {page})"),
                ctx.client.list_accounts(page, 50),
            )
            .await?;
        let short = reply.result.len() < 50;
        accounts.extend(reply.result);
        if short {
            break;
        }
    }
    Ok(accounts)
}

fn account_lines(accounts: &[&Account]) -> String {
    let mut lines: Vec<String> = accounts
        .iter()
        .take(LISTED)
        .map(|a| format!("  {}  {}", clean(&a.id), clean(&a.name)))
        .collect();
    if accounts.len() > LISTED {
        lines.push(format!("  … and {} more", accounts.len() - LISTED));
    }
    lines.join("\n")
}

/// A name as typed, quoted and cut short (it may be a pasted secret).
fn shown(text: &str) -> String {
    let len = text.chars().count();
    if len > 64 {
        return format!("(a name of {len} characters)");
    }
    format!("{:?}", clean(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_told_apart_by_shape() {
        assert!(zone_id_like("117bf1e17392293e996d8990458815ea"));
        assert!(!zone_id_like("shop.acme-corp.com"));
        assert!(!zone_id_like("a/b"));
        assert_eq!(shown(&"x".repeat(65)), "(a name of 65 characters)");
        assert_eq!(shown("a\u{1b}b"), "\"a?b\"");
    }
}
