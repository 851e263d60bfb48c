//! The fleet engine: every zone the credentials see at once. No terminal and
//! no app state here: the dashboard reaches it through the worker and gets
//! its events as messages; a headless `trustdeck fleet scan` calls it
//! directly.
//!
//! - [`start_scan`] lists the zones and reads each one's CSAM Scanner setting
//!   as bulk work through the client's pacer, streaming [`ScanEvent`]s;
//!   cancellable with [`ScanRun::cancel`].
//! - [`FleetRow`] is one zone as data (the setting, or why it could not be
//!   read); [`FleetScan`] holds a scan's rows and folds a refresh into them.
//! - [`Coverage`], [`Attention`], [`Filter`] and [`visible`] are the pure
//!   views a table and a summary are made of.
//! - [`ScanCache`] keeps the last scan per API and credential identity.

mod cache;
mod event;
mod row;
mod scan;
mod table;
mod view;

pub use cache::{CACHE_FORMAT, CacheKey, CacheWarning, CredentialIdentity, ScanCache, identify};
pub use event::{PROGRESS_EVERY, ScanEnd, ScanEvent, ScanOutcome, ScanProgress, estimate_eta};
pub use row::{AccountRef, CsamState, Failure, FleetRow, Lock, RowError, Scanning, ZoneCsam};
pub use scan::{ScanCancel, ScanOptions, ScanRun, start_scan};
pub use table::{FleetScan, unix_now};
pub use view::{Attention, Coverage, Filter, Quick, SortKey, compare, visible};
