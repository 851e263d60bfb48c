//! trustdeck: a terminal dashboard for Cloudflare's CSAM Scanner and DLP
//! settings, with the mock Cloudflare server it demos and tests against.

pub mod api;
pub mod cli;
pub mod mock;
