//! A setting's panel, drawn the same way for every setting: the titled
//! frame naming its zone or account, the notes and the id on its bottom
//! border, the placeholder until the data is in, and the rows each setting
//! lays out ([`SettingView`]).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::panel::{self, Body, Row, View};
use super::theme::Theme;
use crate::state::{AppState, Setting, SettingPanel, Target};

/// What a setting's panel draws of its own.
pub trait SettingView: Setting {
    /// The panel's title, before the name of what it shows.
    const TITLE: &'static str;
    /// The label column's width.
    const LABEL_WIDTH: usize;
    /// How the id is labelled on the bottom border.
    const ID_LABEL: &'static str;
    /// The setting in words, for the placeholder ("the CSAM setting").
    const LOADING: &'static str;

    /// The rows for the loaded `value`, laid out in `columns`.
    fn rows_of(state: &AppState, value: &Self::Value, columns: usize, theme: Theme) -> Vec<Row>;
    /// What the panel says while nothing is loaded and nothing failed.
    fn idle(state: &AppState) -> String;
}

/// The height the panel wants at `width` columns, borders included.
pub fn height<S: SettingView>(state: &AppState, width: u16, theme: Theme) -> u16 {
    let lines = content::<S>(state, width.saturating_sub(2), theme)
        .0
        .height()
        + 2;
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// Draws the panel; returns where the text cursor goes while its field is edited.
pub fn render<S: SettingView>(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    theme: Theme,
) -> Option<Position> {
    view::<S>(state, area, theme).render(frame, area)
}

/// What a click at `position` selects in the panel drawn into `area`.
pub fn target_at<S: SettingView>(
    state: &AppState,
    area: Rect,
    theme: Theme,
    position: Position,
) -> Option<Target> {
    view::<S>(state, area, theme).target_at(area, position)
}

fn view<S: SettingView>(state: &AppState, area: Rect, theme: Theme) -> View {
    let panel = S::of(&state.settings);
    let (body, notes, id) = content::<S>(state, area.width.saturating_sub(2), theme);
    let title = panel::title(S::TITLE, panel.name.as_deref());
    let focused = state.settings.focus == S::PANEL;
    View {
        panel: S::PANEL,
        block: panel::block(&title, focused, notes, id, area.width, theme),
        body,
        busy: panel.remote.is_locked_by_write().then(|| theme.busy()),
    }
}

/// The body laid out inside the borders, the notes for the bottom border,
/// and the id for its right end (when it fits there).
fn content<S: SettingView>(
    state: &AppState,
    inner_width: u16,
    theme: Theme,
) -> (Body, Vec<Span<'static>>, Option<Line<'static>>) {
    let panel: &SettingPanel<S> = S::of(&state.settings);
    let inner = usize::from(inner_width);
    // One column stays free before the right border.
    let columns = inner.saturating_sub(1);
    let (notes, lock) = panel::notes(
        &panel.remote,
        panel.read_only.as_ref(),
        panel.staged(),
        inner,
        theme,
    );
    let mut rows: Vec<Row> = lock.into_iter().collect();
    rows.extend(match panel.value() {
        Some(value) => S::rows_of(state, value, columns, theme),
        None => {
            let retry = state
                .context
                .keys
                .first_key(crate::input::KeyContext::Global, "refresh");
            panel::placeholder(&panel.remote, S::LOADING, (&S::idle(state), &retry), theme)
        }
    });
    let (id, id_row) = panel::place_id(S::ID_LABEL, panel.id.as_deref(), &notes, inner, theme);
    rows.extend(id_row);
    (
        panel::lay_out(&rows, S::LABEL_WIDTH, columns, theme),
        notes,
        id,
    )
}

/// A selectable row: marked when it is the panel's selected one (and the
/// panel has the keyboard, and no field is typed in), and a click on any
/// of its lines selects it.
pub fn pick<S: Setting>(state: &AppState, line: Row, row: &S::Row) -> Row {
    let panel = S::of(&state.settings);
    let rows = panel.rows();
    let index = rows.iter().position(|r| r == row);
    let selected = state.settings.focus == S::PANEL
        && panel.editor.is_none()
        && panel.selected_row().as_ref() == Some(row);
    line.selected(selected)
        .target(index.map(|i| Target::Row(S::PANEL, i)))
}

/// The first key in force of the action `name` that works everywhere, for
/// a sentence that names it.
pub(crate) fn key(state: &AppState, name: &str) -> String {
    state
        .context
        .keys
        .first_key(crate::input::KeyContext::Global, name)
}
