//! The header: where you are (account, zone, server, configuration
//! profile), with DEMO and READ-ONLY impossible to miss, and the help key on
//! the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, spans_width, width};
use super::theme::Theme;
use crate::state::{AppState, Context, Gate};

/// Draws the header line.
pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: Theme) {
    frame.render_widget(line(state, usize::from(area.width), theme), area);
}

fn line(state: &AppState, columns: usize, theme: Theme) -> Line<'static> {
    let sep = || Span::styled(" · ", theme.muted());
    let server = server(&state.context, theme);
    // A badge brings its own padding; a plain host needs the separator.
    let before = if state.context.demo.is_some() {
        Span::raw(" ")
    } else {
        sep()
    };
    let mut badges = vec![before, server];
    if let Some(profile) = &state.context.profile {
        // After the DEMO badge's own padding a space is enough.
        badges.push(if state.context.demo.is_some() {
            Span::raw(" ")
        } else {
            sep()
        });
        badges.push(Span::styled("profile ", theme.muted()));
        badges.push(Span::styled(profile.clone(), theme.strong()));
    }
    if state.context.read_only {
        badges.push(Span::raw(" "));
        badges.push(Span::styled(" READ-ONLY ", theme.read_only_badge()));
    }
    let account = place(
        state.account.account_name.as_deref(),
        state.account.account_id.as_deref(),
        "no account",
    );
    let zone = place(
        state.zone.zone_name.as_deref(),
        state.zone.zone_id.as_deref(),
        "no zone",
    );
    let brand = [
        Span::raw(" "),
        Span::styled("trustdeck", theme.brand()),
        sep(),
    ];
    let help = [Span::styled("?", theme.key()), Span::raw(" help ")];

    let full = 1 + width(&account) + 3 + width(&zone) + spans_width(&badges);
    let with_brand = full + spans_width(&brand) - 1;
    let mut spans: Vec<Span<'static>> = Vec::new();
    if with_brand <= columns {
        spans.extend(brand);
        spans.extend(places(account, zone, theme));
    } else {
        // Keep the server and the badges whole; shorten the names to fit.
        let room = columns.saturating_sub(1 + 3 + spans_width(&badges));
        let zone_room = room.saturating_sub(width(&account).min(room / 2));
        let account_room = room.saturating_sub(width(&zone).min(zone_room));
        spans.push(Span::raw(" "));
        spans.extend(places(
            cut(&account, account_room),
            cut(&zone, zone_room),
            theme,
        ));
    }
    spans.extend(badges);
    let used = spans_width(&spans);
    let help_width = spans_width(&help);
    // Behind the gate `?` does nothing, so the header does not offer it.
    let offers_help = state.gate == Gate::Open;
    if offers_help && used + 2 + help_width <= columns {
        spans.push(Span::raw(" ".repeat(columns - used - help_width)));
        spans.extend(help);
    }
    Line::from(fit(spans, columns))
}

fn places(account: String, zone: String, theme: Theme) -> [Span<'static>; 3] {
    [
        Span::styled(account, theme.strong()),
        Span::styled(" · ", theme.muted()),
        Span::styled(zone, theme.strong()),
    ]
}

fn cut(text: &str, columns: usize) -> String {
    fit(vec![Span::raw(text.to_owned())], columns)
        .iter()
        .map(|s| s.content.as_ref())
        .collect()
}

/// A name, else a shortened id, else `missing`.
fn place(name: Option<&str>, id: Option<&str>, missing: &str) -> String {
    match (name.filter(|n| !n.trim().is_empty()), id) {
        (Some(name), _) => name.to_owned(),
        (None, Some(id)) if id.chars().count() > 12 => {
            format!("{}…", id.chars().take(8).collect::<String>())
        }
        (None, Some(id)) => id.to_owned(),
        (None, None) => missing.to_owned(),
    }
}

/// `DEMO · mock 127.0.0.1:PORT` (loud) against the embedded mock, else the API host.
fn server(context: &Context, theme: Theme) -> Span<'static> {
    if let Some(addr) = &context.demo {
        return Span::styled(format!(" DEMO · mock {addr} "), theme.demo_badge());
    }
    let host = url::Url::parse(&context.base_url).ok().and_then(|url| {
        let host = url.host_str()?.to_owned();
        Some(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        })
    });
    match host {
        Some(host) => Span::raw(host),
        None if context.base_url.is_empty() => Span::styled("no server", theme.muted()),
        None => Span::raw(context.base_url.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_shortened_when_no_name_is_known() {
        assert_eq!(
            place(Some("Acme Corp"), Some("22d8a840ba3ae743"), "-"),
            "Acme Corp"
        );
        assert_eq!(
            place(None, Some("22d8a840ba3ae743d9774caa9ab3fdc4"), "-"),
            "22d8a840…"
        );
        assert_eq!(place(None, None, "no zone"), "no zone");
    }

    #[test]
    fn the_server_is_the_host_of_the_base_url() {
        let theme = Theme::new(&Context::default());
        let context = Context {
            base_url: "https://api.cloudflare.com/client/v4".into(),
            ..Context::default()
        };
        assert_eq!(server(&context, theme).content, "api.cloudflare.com");
        let local = Context {
            base_url: "http://127.0.0.1:8080/client/v4".into(),
            ..Context::default()
        };
        assert_eq!(server(&local, theme).content, "127.0.0.1:8080");
    }
}
