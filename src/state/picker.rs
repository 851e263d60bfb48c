//! The zone and account pickers: a filterable list, loaded page by page as
//! the user scrolls, and filtered on the server when the list is long.

use tui_input::Input;

use crate::api::ApiError;
use crate::api::worker::RequestId;

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    /// A zone (its CSAM setting opens in the zone panel).
    Zone,
    /// An account (its DLP settings open in the account panel).
    Account,
}

impl PickerKind {
    /// The picker's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Zone => "Zones",
            Self::Account => "Accounts",
        }
    }
}

/// One choosable entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerItem {
    /// The zone or account id.
    pub id: String,
    /// The zone's domain or the account's name.
    pub name: String,
    /// Plan, status and account for a zone; the type for an account.
    pub detail: String,
    /// A zone's account id.
    pub account_id: Option<String>,
    /// A zone's account name.
    pub account_name: Option<String>,
    /// Offered because it was used recently.
    pub recent: bool,
}

/// A page request in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Only its reply is accepted.
    pub id: RequestId,
    /// Which page.
    pub page: u32,
    /// The server-side name filter it carries, if any.
    pub filter: Option<String>,
}

/// Rows a page holds.
pub const PAGE_SIZE: u32 = 25;
/// How close to the end of the loaded rows the cursor may come before the
/// next page is fetched.
pub const PREFETCH: usize = 5;

/// An open picker.
#[derive(Debug, Clone)]
pub struct Picker {
    /// Zones or accounts.
    pub kind: PickerKind,
    /// What the user typed to filter.
    pub query: Input,
    /// Recently used entries, offered first while the query is empty.
    pub recent: Vec<PickerItem>,
    /// Entries loaded from the server for `server_filter`, in server order.
    pub items: Vec<PickerItem>,
    /// The name filter the loaded entries were fetched with.
    pub server_filter: Option<String>,
    /// The next page to fetch, `None` once the last page is in.
    pub next_page: Option<u32>,
    /// How many entries match on the server, when it says.
    pub total: Option<u64>,
    /// The page on its way, if any.
    pub loading: Option<PageRequest>,
    /// The cursor, an index into [`Picker::visible`].
    pub selected: usize,
    /// The last failure, shown in the picker.
    pub error: Option<ApiError>,
}

impl Picker {
    /// A fresh picker, with `query` typed in already.
    pub fn new(kind: PickerKind, query: &str, recent: Vec<PickerItem>) -> Self {
        Self {
            kind,
            query: Input::new(query.to_owned()),
            recent,
            items: Vec::new(),
            server_filter: None,
            next_page: Some(1),
            total: None,
            loading: None,
            selected: 0,
            error: None,
        }
    }

    /// The typed filter, trimmed.
    pub fn filter(&self) -> &str {
        self.query.value().trim()
    }

    /// The entries to show: recent ones first (only while nothing is typed),
    /// then the loaded ones that match what is typed.
    pub fn visible(&self) -> Vec<&PickerItem> {
        let needle = self.filter().to_lowercase();
        let recent = self.recent.iter().filter(|_| needle.is_empty());
        let loaded = self.items.iter().filter(|item| {
            if needle.is_empty() {
                !self.recent.iter().any(|r| r.id == item.id)
            } else {
                item.name.to_lowercase().contains(&needle) || item.id.starts_with(&needle)
            }
        });
        recent.chain(loaded).collect()
    }

    /// The entry under the cursor.
    pub fn selected_item(&self) -> Option<&PickerItem> {
        self.visible().get(self.selected).copied()
    }

    /// The name filter to ask the server for what is typed: Cloudflare's
    /// `contains:` operator for zones. Accounts are few; they are filtered
    /// on the loaded pages only.
    pub fn wanted_server_filter(&self) -> Option<String> {
        let typed = self.filter();
        (self.kind == PickerKind::Zone && !typed.is_empty()).then(|| format!("contains:{typed}"))
    }

    /// True when the loaded entries were fetched for what is typed now, so
    /// the server's count is the count of matches.
    pub fn serves_the_query(&self) -> bool {
        let wanted = self.wanted_server_filter();
        wanted.is_some() && wanted == self.server_filter
    }

    /// True when every page for the current server filter is loaded.
    pub fn is_complete(&self) -> bool {
        self.next_page.is_none()
    }
}
