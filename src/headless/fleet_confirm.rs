//! Asking before a bulk run: on a terminal only (stdin and stderr), Cancel
//! the default. Turning scanning off on more than one zone asks the admin to
//! type the number of zones, so a stray `y` never stops scanning fleet-wide.
//! Without a terminal nothing is asked: the command refuses unless `--yes`.

use std::io::{self, BufRead, IsTerminal, Write};

use tokio::sync::oneshot;

use super::output::note;
use super::{Context, Failure};

/// What the admin must answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `y` or `yes`.
    Yes,
    /// This number, typed out.
    Count(usize),
}

/// Asks `question` (after `preview` on stderr, when stdout got none) and
/// returns when the admin answered `answer`; anything else cancels.
/// `what` says in the refusal what would have been done.
pub async fn confirm(
    ctx: &Context,
    question: &str,
    answer: Answer,
    preview: Option<&str>,
    what: &str,
) -> Result<(), Failure> {
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Failure::NotConfirmed(format!(
            "not confirmed: without a terminal trustdeck cannot ask; add --yes to {what} \
             without asking. Nothing was sent"
        )));
    }
    if let Some(preview) = preview {
        note(preview.trim_end());
    }
    let hint = match answer {
        Answer::Yes => " [y/N] ".to_owned(),
        Answer::Count(n) => format!(" Type {n} to confirm, anything else cancels: "),
    };
    eprint!("{question}{hint}");
    let _ = io::stderr().flush();
    let (sender, answered) = oneshot::channel();
    // A thread of its own, not the runtime's blocking pool: a read that
    // never returns (Ctrl-C at the prompt) must not hold the exit up.
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line);
        let _ = sender.send(read.map(|_| line));
    });
    let line = tokio::select! {
        line = answered => line.ok().and_then(Result::ok).unwrap_or_default(),
        () = ctx.interrupt.wait() => {
            eprintln!();
            return Err(Failure::Interrupted { in_flight: None });
        }
    };
    let typed = line.trim().to_lowercase();
    let accepted = match answer {
        Answer::Yes => matches!(typed.as_str(), "y" | "yes"),
        Answer::Count(n) => typed.replace([',', '_', ' '], "") == n.to_string(),
    };
    if accepted {
        Ok(())
    } else {
        Err(Failure::NotConfirmed(
            "cancelled: nothing was sent".to_owned(),
        ))
    }
}
