//! The key table: every binding, where it applies, and when it works.
//! Input, the footer and the help overlay all read this one table.

use std::sync::LazyLock;

use super::Binding;

mod overlays;
mod pages;
mod when;

/// The key table: the pages' keys, then the overlays', in this order.
pub static BINDINGS: LazyLock<Vec<Binding>> =
    LazyLock::new(|| [pages::PAGES, overlays::OVERLAYS].concat());
