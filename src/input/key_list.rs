//! The key table as plain rows, for documents made outside the dashboard
//! (the man page): read-only, in the table's order.

use super::BINDINGS;

/// One binding as the help overlay words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// The heading of where it applies ("Fleet (every zone)").
    pub context: &'static str,
    /// The keys, as the help writes them (`j ↓`).
    pub keys: String,
    /// What they do.
    pub help: &'static str,
}

/// Every binding, grouped by where it applies; the groups in the order of
/// their first binding, the bindings of a group in the table's order.
pub fn key_rows() -> Vec<KeyRow> {
    let mut contexts = Vec::new();
    for binding in BINDINGS.iter() {
        if !contexts.contains(&binding.context) {
            contexts.push(binding.context);
        }
    }
    contexts
        .into_iter()
        .flat_map(|context| {
            BINDINGS
                .iter()
                .filter(move |b| b.context == context)
                .map(|b| KeyRow {
                    context: b.context.title(),
                    keys: b.key_names(),
                    help: b.help,
                })
        })
        .collect()
}
