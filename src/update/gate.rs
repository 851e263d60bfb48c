//! The credential check at start-up: nothing else is loaded until the
//! credentials are known to work, and a bad token gets a screen that says
//! which way it is bad and what to do.

use super::{send, settings};
use crate::api::ApiError;
use crate::api::model::{TokenStatus, TokenVerification};
use crate::api::worker::{ApiOp, ApiOutput};
use crate::fleet::CredentialIdentity;
use crate::message::Command;
use crate::state::{AppState, Gate, Route};

/// Sends the check: `tokens/verify` for a token, a cheap authenticated list
/// for the legacy email + key pair (which `tokens/verify` does not accept).
pub(super) fn check(state: &mut AppState) -> Vec<Command> {
    state.gate = Gate::Checking;
    state.gate_tried_account = false;
    let op = if state.context.legacy_auth {
        ApiOp::ListAccounts {
            page: 1,
            per_page: 5,
        }
    } else {
        ApiOp::VerifyToken
    };
    vec![send(state, Route::Gate, op).1]
}

/// Handles the check's answer; returns the first loads once the gate opens.
pub(super) fn on_reply(state: &mut AppState, result: Result<ApiOutput, ApiError>) -> Vec<Command> {
    match result {
        Ok(ApiOutput::Token(reply)) => on_token(state, &reply.result),
        Ok(_) | Err(ApiError::Permission { .. }) => {
            if let Some(email) = state.context.key_email.clone() {
                state.identity = Some(CredentialIdentity::GlobalKey { email });
            }
            open(state)
        }
        Err(ApiError::Auth { .. })
            if !state.context.legacy_auth
                && !state.gate_tried_account
                && state.settings.account.id.is_some() =>
        {
            // An account-owned token is only known to its account's verify endpoint.
            let account_id = state.settings.account.id.clone().unwrap_or_default();
            state.gate_tried_account = true;
            let op = ApiOp::VerifyAccountToken { account_id };
            vec![send(state, Route::Gate, op).1]
        }
        Err(ApiError::Auth { message, .. }) => {
            let (title, fix) = if state.context.legacy_auth {
                (
                    "Cloudflare does not accept this email and global API key",
                    "Check CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY (My Profile › API Tokens › Global API Key), or use an API token in CLOUDFLARE_API_TOKEN.",
                )
            } else {
                (
                    "Cloudflare does not accept this API token",
                    "It may be mistyped, deleted or rolled. Create or roll a token in the Cloudflare dashboard (My Profile › API Tokens) and set CLOUDFLARE_API_TOKEN.",
                )
            };
            refuse(
                state,
                title,
                format!("Cloudflare said: {message}. {fix}"),
                false,
            )
        }
        Err(error) => {
            let retry = error.is_transient();
            refuse(
                state,
                "Could not check the credentials",
                format!("{error}."),
                retry,
            )
        }
    }
}

fn on_token(state: &mut AppState, token: &TokenVerification) -> Vec<Command> {
    let when = token
        .expires_on
        .as_deref()
        .map(|at| format!(" on {at}"))
        .unwrap_or_default();
    match &token.status {
        TokenStatus::Active => {
            if !token.id.is_empty() {
                state.identity = Some(CredentialIdentity::Token {
                    id: token.id.clone(),
                });
            }
            open(state)
        }
        TokenStatus::Expired => refuse(
            state,
            "This API token has expired",
            format!(
                "It stopped working{when}. Create a new token (or extend this one) in the Cloudflare dashboard under My Profile › API Tokens, then set CLOUDFLARE_API_TOKEN."
            ),
            false,
        ),
        TokenStatus::Disabled => refuse(
            state,
            "This API token is disabled",
            "Its owner switched it off. Enable it again in the Cloudflare dashboard under My Profile › API Tokens, or use another token.".to_owned(),
            false,
        ),
        TokenStatus::Unknown(status) => refuse(
            state,
            "This API token cannot be used",
            format!("Cloudflare reports its status as {status:?}. Check it in the Cloudflare dashboard under My Profile › API Tokens."),
            false,
        ),
    }
}

fn open(state: &mut AppState) -> Vec<Command> {
    state.gate = Gate::Open;
    let mut commands = settings::open(state);
    // The credentials work, so a run a crash or a kill left can go on.
    commands.push(Command::FindUnfinished);
    commands
}

fn refuse(state: &mut AppState, title: &str, detail: String, retry: bool) -> Vec<Command> {
    state.gate = Gate::Refused {
        title: title.to_owned(),
        detail,
        retry,
    };
    Vec::new()
}
