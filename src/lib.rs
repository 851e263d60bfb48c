//! trustdeck: a terminal dashboard for Cloudflare's CSAM Scanner and DLP
//! settings, with the mock Cloudflare server it demos and tests against.

pub mod api;
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod doc;
pub mod effects;
pub mod files;
pub mod fleet;
pub mod headless;
pub mod input;
pub mod logging;
pub mod memory;
pub mod message;
pub mod mock;
pub mod outcome;
pub mod recent;
pub mod state;
pub mod terminal;
pub mod ui;
pub mod update;
