//! The event loop: terminal input, worker replies and ticks in; the reducer
//! in the middle; a draw only when something changed. Generic over the
//! ratatui backend and fed by any event stream, so tests run the real loop
//! on a TestBackend with injected keys.

use std::future::Future;
use std::io;
use std::time::Instant;

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tracing::{debug, info};

use crate::api::worker::Worker;
use crate::input::map_key;
use crate::message::{Command, Msg};
use crate::state::AppState;
use crate::ui;
use crate::update::{init, update};

/// Runs the dashboard until the user quits, the input ends, or `shutdown`
/// completes (a signal); returns the final state.
pub async fn run<B, S, F>(
    terminal: &mut Terminal<B>,
    mut state: AppState,
    mut events: S,
    mut worker: Worker,
    shutdown: F,
) -> io::Result<AppState>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<Event>> + Unpin,
    F: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    state.now = Instant::now();
    let commands = init(&mut state);
    execute(&worker, commands);
    let mut changed = true;
    loop {
        // Replies that are already queued are applied before drawing, so one
        // frame shows them all.
        while let Ok(response) = worker.responses.try_recv() {
            dispatch(&mut state, &worker, Msg::api(response));
            changed = true;
        }
        if changed {
            terminal
                .draw(|frame| ui::draw(frame, &state))
                .map_err(io::Error::other)?;
            changed = false;
        }
        if state.quit {
            break;
        }
        let deadline = state.next_deadline();
        let msg = tokio::select! {
            biased;
            () = &mut shutdown => Some(Msg::Terminate),
            Some(response) = worker.responses.recv() => Some(Msg::api(response)),
            event = events.next() => match event {
                Some(Ok(Event::Resize(..))) => {
                    changed = true;
                    None
                }
                Some(Ok(event)) => to_msg(&state, event),
                Some(Err(error)) => {
                    info!(%error, "terminal input failed; quitting");
                    Some(Msg::Terminate)
                }
                None => Some(Msg::Terminate),
            },
            () = sleep_until(deadline), if deadline.is_some() => Some(Msg::Tick(Instant::now())),
        };
        if let Some(msg) = msg {
            dispatch(&mut state, &worker, msg);
            changed = true;
        }
    }
    Ok(state)
}

fn to_msg(state: &AppState, event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => map_key(state, key),
        Event::Paste(text) => state.is_editing().then_some(Msg::Paste(text)),
        _ => None,
    }
}

fn dispatch(state: &mut AppState, worker: &Worker, msg: Msg) {
    if !matches!(msg, Msg::Tick(_)) {
        state.now = Instant::now();
        debug!(msg = msg_name(&msg), "msg");
    }
    let commands = update(state, msg);
    execute(worker, commands);
}

fn execute(worker: &Worker, commands: Vec<Command>) {
    for command in commands {
        match command {
            Command::Api(request) => worker.send(request),
            Command::Cancel(id) => worker.cancel(id),
        }
    }
}

/// A message's name for the log: never its contents (typed text stays private).
fn msg_name(msg: &Msg) -> &'static str {
    match msg {
        Msg::Api(_) => "api reply",
        Msg::EditKey(_) | Msg::Paste(_) => "edit",
        _ => "action",
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}
