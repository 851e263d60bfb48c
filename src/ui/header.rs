//! The header: where the dashboard points (server, configuration profile),
//! with DEMO and READ-ONLY impossible to miss, and the help key on the
//! right. The zone and the account are named in their panels' titles.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, spans_width};
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
    // Each panel names its own zone or account in its title; the header
    // says only where the dashboard points, so no name reads as belonging
    // to the other panel.
    let mut spans: Vec<Span<'static>> =
        vec![Span::raw(" "), Span::styled("trustdeck", theme.brand())];
    let key = state
        .context
        .keys
        .first_key(crate::input::KeyContext::Global, "help");
    let help = [Span::styled(key, theme.key()), Span::raw(" help ")];
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
