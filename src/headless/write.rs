//! One write, audited: the intent is written right before the request is
//! sent (and when it cannot be, nothing is sent), the outcome once it is
//! known. Ctrl-C while the request is in flight stops the wait, not the
//! request: the outcome is recorded as unknown and the command says so.

use serde::Serialize;

use crate::api::client::Reply;
use crate::api::{ApiError, Client};
use crate::audit::{Intent, Outcome, Verdict};
use crate::doc::{Adjusted, Blocked, Kind, Message, WriteResult};
use crate::outcome::{Adjustment, Note, SaveOutcome, SaveWarning};

use super::output::{clean, print, print_doc, warn};
use super::{Context, Exit, Failure};

/// Sends `request` (built from the client once the intent is on disk),
/// recording `intent` before and `outcome(result)` after. `what` names the
/// write for messages ("the PATCH of zone x").
pub async fn audited<T, F>(
    ctx: &Context,
    intent: Intent,
    what: &str,
    request: impl FnOnce(Client) -> F,
    outcome: impl FnOnce(&Result<Reply<T>, ApiError>) -> Outcome,
) -> Result<Reply<T>, Failure>
where
    F: Future<Output = Result<Reply<T>, ApiError>>,
{
    if ctx.interrupt.is_set() {
        return Err(Failure::Interrupted { in_flight: None });
    }
    let audit = ctx.audit();
    let pending = audit.record_intent(&intent).map_err(Failure::Audit)?;
    // From here on the request may reach the server: it is never sent twice.
    let sent = request(ctx.client.clone());
    let result = tokio::select! {
        biased;
        result = sent => result,
        () = ctx.interrupt.wait() => {
            let unknown = Outcome {
                result: Verdict::Unknown,
                status: None,
                after: None,
                errors: Vec::new(),
                messages: Vec::new(),
                error: Some("interrupted (SIGINT) before the reply came".to_owned()),
            };
            if let Err(error) = audit.record_outcome(&pending, &unknown) {
                warn(&error.to_string());
            }
            return Err(Failure::Interrupted {
                in_flight: Some(what.to_owned()),
            });
        }
    };
    if let Err(error) = audit.record_outcome(&pending, &outcome(&result)) {
        warn(&format!("{error}; the write itself is done"));
    }
    result.map_err(|error| Failure::api(format!("sending {what}"), error))
}

/// What a write command did (or, on a dry run, would do), for its
/// `--json` document: the settings `S` as every document shows them, the
/// body `B` as sent.
#[derive(Debug, Clone)]
pub struct Report<S, B> {
    /// Nothing was sent on purpose.
    pub dry_run: bool,
    /// The setting as read before.
    pub before: S,
    /// The request body sent, or that a dry run would send; `None` when
    /// nothing differs (and for a reset, which has no body).
    pub sent: Option<B>,
    /// The setting as the server returned it, when a write was answered.
    pub after: Option<S>,
    /// What the server adjusted and said.
    pub outcome: SaveOutcome,
    /// On a dry run: what would stop the real one.
    pub blocked: Option<Blocked>,
    /// What was said before sending (a CSAM write), e.g. `no_source`.
    pub warnings: Vec<SaveWarning>,
}

impl<S, B> Report<S, B> {
    /// A report of nothing sent yet.
    pub fn new(before: S) -> Self {
        Self {
            dry_run: false,
            before,
            sent: None,
            after: None,
            outcome: SaveOutcome::default(),
            blocked: None,
            warnings: Vec::new(),
        }
    }

    /// `skipped` until the server answered a write; then `done` or `adjusted`.
    pub fn result(&self) -> WriteResult {
        match (&self.after, self.outcome.as_asked()) {
            (None, _) => WriteResult::Skipped,
            (Some(_), true) => WriteResult::Done,
            (Some(_), false) => WriteResult::Adjusted,
        }
    }

    /// What the server adjusted, in the documents' words.
    pub fn adjusted(&self) -> Vec<Adjusted> {
        self.outcome.adjusted.iter().map(Adjusted::of).collect()
    }

    /// Cloudflare's messages, in the documents' words.
    pub fn messages(&self) -> Vec<Message> {
        self.outcome.messages.iter().map(Message::of).collect()
    }
}

/// Prints the document of `kind` that `body()` makes, or `text()` for a person.
pub fn finish<T: Serialize>(
    json: bool,
    kind: Kind,
    body: impl FnOnce() -> T,
    text: impl FnOnce() -> String,
) {
    if json {
        print_doc(kind, body());
    } else {
        print(&text());
    }
}

/// The exit status of a write the server answered.
pub fn exit_of(outcome: &SaveOutcome) -> Exit {
    if outcome.as_asked() {
        Exit::Done
    } else {
        Exit::Unmet
    }
}

/// Lines for what the server adjusted, its notes and its messages.
pub fn outcome_lines(outcome: &SaveOutcome, adjustment: impl Fn(&Adjustment) -> String) -> String {
    let mut out = String::new();
    for adjusted in &outcome.adjusted {
        out.push_str(&format!(
            "Adjusted by the server: {}\n",
            adjustment(adjusted)
        ));
    }
    for note in &outcome.notes {
        out.push_str(&format!("Note: {}\n", note_words(*note)));
    }
    for message in &outcome.messages {
        out.push_str(&format!(
            "Cloudflare {}: {}\n",
            message.code,
            clean(&message.message)
        ));
    }
    out
}

fn note_words(note: Note) -> &'static str {
    match note {
        Note::VerificationSent => "a verification email was sent to the new address",
        Note::VerificationResent => "the verification email was sent again",
        Note::AlreadyVerified => "the email is already verified: no verification email was sent",
    }
}

/// The usual words for an adjustment: `OCR kept on (asked off)`.
pub fn adjustment_words(adjusted: &Adjustment) -> String {
    match &adjusted.asked {
        Some(asked) => format!(
            "{} kept {} (asked {})",
            adjusted.field.words(),
            adjusted.now.words(),
            asked.words()
        ),
        None => format!(
            "{} changed to {} (not asked)",
            adjusted.field.words(),
            adjusted.now.words()
        ),
    }
}
