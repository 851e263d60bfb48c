//! `trustdeck dlp reset ACCOUNT [--yes]`: the field-by-field preview, then a
//! confirmation (Cancel is the default) on a terminal, or `--yes` without
//! one; only then the DELETE, audited. The preview goes to stderr until the
//! reset is under way, so a refusal (exit 2 or more) leaves stdout empty.

use std::io::{self, BufRead, IsTerminal, Write};

use tokio::sync::oneshot;

use crate::audit::{Command, Intent, Origin, Outcome};
use crate::cli::DlpResetArgs;
use crate::doc::{self, DlpResetBody, Kind, Preview};
use crate::outcome::{Field, FieldChange, dlp_at_defaults, dlp_reset_outcome, dlp_reset_preview};

use super::dlp::{change_lines, read};
use super::output::{Table, note};
use super::resolve::{self, AccountRef};
use super::write::{self, Report};
use super::{Context, Exit, Failure};

/// What `dlp reset` reports (a reset has no body).
type ResetReport = Report<doc::DlpSetting, ()>;

/// `dlp reset`.
pub async fn reset(ctx: &Context, args: &DlpResetArgs) -> Result<Exit, Failure> {
    let account = resolve::account(ctx, &args.account).await?;
    let before = read(ctx, &account).await?;
    let preview = dlp_reset_preview(&before);
    let mut report: ResetReport = Report::new(doc::DlpSetting::from_api(&before));
    let document = |report: &ResetReport| DlpResetBody {
        account: account.doc(),
        result: report.result(),
        before: report.before.clone(),
        after: report.after.clone(),
        adjusted: report.adjusted(),
        notes: report.outcome.notes.clone(),
        messages: report.messages(),
        preview: preview.iter().map(Preview::of).collect(),
    };
    if dlp_at_defaults(&before) {
        write::finish(
            args.json,
            Kind::DlpReset,
            || document(&report),
            || {
                format!(
                    "The DLP settings of {} already are at their defaults; nothing was sent.\n",
                    account.label()
                )
            },
        );
        return Ok(Exit::Done);
    }
    let preview_text = preview_text(&account, &preview);
    if let Err(refused) = ctx
        .refuse_if_read_only(|| format!("it would reset the DLP settings of {}", account.label()))
    {
        note(preview_text.trim_end());
        return Err(refused);
    }
    if !args.yes {
        confirm(ctx, &account, &preview_text).await?;
    }
    let intent = Intent::dlp_reset(
        Origin::headless(Command::DlpReset),
        account.target(),
        Some(&before),
    );
    let what = format!("the reset of the DLP settings of {}", account.label());
    let account_id = account.id.clone();
    let reply = write::audited(
        ctx,
        intent,
        &what,
        |client| async move { client.reset_dlp(&account_id).await },
        Outcome::dlp,
    )
    .await?;
    let after = reply.result;
    report.outcome = dlp_reset_outcome(&after, &reply.messages);
    report.after = Some(doc::DlpSetting::from_api(&after));
    write::finish(
        args.json,
        Kind::DlpReset,
        || document(&report),
        || {
            // Asked on a terminal, the preview is on stderr already.
            let mut text = if args.yes {
                preview_text.clone()
            } else {
                String::new()
            };
            text.push_str(&format!("Reset the DLP settings of {}:\n", account.label()));
            text.push_str(&change_lines(&before, &after));
            text.push_str(&write::outcome_lines(
                &report.outcome,
                write::adjustment_words,
            ));
            text
        },
    );
    Ok(write::exit_of(&report.outcome))
}

fn preview_text(account: &AccountRef, preview: &[FieldChange]) -> String {
    let mut table = Table::new(&["FIELD", "NOW", "AFTER RESET"]);
    for change in preview {
        table.row(vec![
            label(&change.field).to_owned(),
            change.now.words(),
            change.after.words(),
        ]);
    }
    format!(
        "Resetting the DLP settings of {} ({}) to their defaults:\n{}",
        account.label(),
        account.id,
        table.render()
    )
}

fn label(field: &Field) -> &'static str {
    match field {
        Field::AiContextAnalysis => "AI context analysis",
        Field::Ocr => "OCR",
        Field::MaskingLevel => "masking level",
        Field::PayloadLogging => "payload logging",
        Field::Scanning | Field::Source(_) | Field::Email => "other",
    }
}

/// Asks on stderr when stdin and stderr are a terminal (anything but `y` or
/// `yes` cancels); refuses without one. `preview` is shown on stderr first
/// either way.
async fn confirm(ctx: &Context, account: &AccountRef, preview: &str) -> Result<(), Failure> {
    note(preview.trim_end());
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Failure::NotConfirmed(format!(
            "not confirmed: without a terminal trustdeck cannot ask; add --yes to reset the \
             DLP settings of {} without asking. Nothing was sent",
            account.label()
        )));
    }
    eprint!(
        "Reset the DLP settings of {}? This cannot be undone. [y/N] ",
        account.label()
    );
    let _ = io::stderr().flush();
    let (answer, answered) = oneshot::channel();
    // A thread of its own, not the runtime's blocking pool: a read that
    // never returns (Ctrl-C at the prompt) must not hold the exit up.
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line);
        let _ = answer.send(read.map(|_| line));
    });
    let line = tokio::select! {
        line = answered => line.ok().and_then(Result::ok).unwrap_or_default(),
        () = ctx.interrupt.wait() => {
            eprintln!();
            return Err(Failure::Interrupted { in_flight: None });
        }
    };
    match line.trim().to_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(Failure::NotConfirmed(
            "cancelled: nothing was sent".to_owned(),
        )),
    }
}
