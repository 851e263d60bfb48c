//! The event loop: terminal input, worker replies and ticks in; the reducer
//! in the middle; a draw only when something changed. Generic over the
//! ratatui backend and fed by any event stream, so tests run the real loop
//! on a TestBackend with injected keys.

use std::future::Future;
use std::io;
use std::time::Instant;

use crossterm::event::{Event, MouseButton, MouseEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;
use tracing::{debug, info};

use crate::api::worker::{ApiEvent, Worker};
use crate::effects::Effects;
use crate::input::map_key;
use crate::message::Msg;
use crate::state::AppState;
use crate::ui;
use crate::update::{init, update};

pub use crate::effects::Hooks;

/// Runs the dashboard until the user quits, the input ends, or `shutdown`
/// completes (a signal); returns the final state.
pub async fn run<B, S, F>(
    terminal: &mut Terminal<B>,
    mut state: AppState,
    mut events: S,
    worker: Worker,
    hooks: Hooks,
    shutdown: F,
) -> io::Result<AppState>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<Event>> + Unpin,
    F: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    let mut effects = Effects::new(worker, hooks);
    state.now = Instant::now();
    let commands = init(&mut state);
    effects.execute(commands);
    let mut changed = true;
    loop {
        // Replies that are already queued are applied before drawing, so one
        // frame shows them all.
        while let Ok(event) = effects.worker.responses.try_recv() {
            effects.observe(&event);
            dispatch(&mut effects, &mut state, event_msg(event));
            changed = true;
        }
        // So are the engine's reports (a scan's rows): a frame per batch,
        // not per row.
        while let Ok(msg) = effects.messages.try_recv() {
            dispatch(&mut effects, &mut state, msg);
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
            Some(event) = effects.worker.responses.recv() => {
                effects.observe(&event);
                Some(event_msg(event))
            }
            event = events.next() => match event {
                Some(Ok(Event::Resize(..))) => {
                    changed = true;
                    None
                }
                Some(Ok(event)) => {
                    let size = terminal.size().map_err(io::Error::other)?;
                    to_msg(&state, event, Rect::new(0, 0, size.width, size.height))
                }
                Some(Err(error)) => {
                    info!(%error, "terminal input failed; quitting");
                    Some(Msg::Terminate)
                }
                None => Some(Msg::Terminate),
            },
            // After the keys: a flood of scan reports never holds a key back.
            Some(msg) = effects.messages.recv() => Some(msg),
            () = sleep_until(deadline), if deadline.is_some() => Some(Msg::Tick(Instant::now())),
        };
        if let Some(msg) = msg {
            dispatch(&mut effects, &mut state, msg);
            changed = true;
        }
    }
    Ok(state)
}

/// What a worker event means to the reducer.
fn event_msg(event: ApiEvent) -> Msg {
    match event {
        ApiEvent::Reply(response) => Msg::api(response),
        ApiEvent::Retrying {
            id,
            attempt,
            wait,
            error,
        } => Msg::Retrying {
            id,
            attempt,
            wait,
            error,
        },
    }
}

fn to_msg(state: &AppState, event: Event, area: Rect) -> Option<Msg> {
    match event {
        Event::Key(key) => map_key(state, key),
        // Mouse events only arrive with `--mouse` (capture is off otherwise).
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                ui::hit_test(area, state, mouse.column, mouse.row).map(Msg::Click)
            }
            MouseEventKind::ScrollDown if state.dialog.is_none() && !state.help => Some(Msg::Down),
            MouseEventKind::ScrollUp if state.dialog.is_none() && !state.help => Some(Msg::Up),
            _ => None,
        },
        Event::Paste(text) => state.takes_text().then_some(Msg::Paste(text)),
        _ => None,
    }
}

fn dispatch(effects: &mut Effects, state: &mut AppState, msg: Msg) {
    if !matches!(msg, Msg::Tick(_)) {
        state.now = Instant::now();
        debug!(msg = msg_name(&msg), "msg");
    }
    let commands = update(state, msg);
    effects.price_plan(state);
    effects.execute(commands);
}

/// A message's name for the log: never its contents (typed text stays private).
fn msg_name(msg: &Msg) -> &'static str {
    match msg {
        Msg::Api(_) => "api reply",
        Msg::Retrying { .. } => "api retry",
        Msg::AuditRead(_) => "audit read",
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
