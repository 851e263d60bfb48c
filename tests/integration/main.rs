//! Every integration test in one test binary: one link instead of one per
//! file, so `cargo test` spends its time testing. Each file is a module
//! named for what it tests; the support modules are shared.
//!
//! A test that changes process-wide state (environment variables, the
//! terminal) runs its case in a child process of this binary (see
//! `client_proxy`, `client_tls`, `pty_demo`).

mod audit_common;
mod bulk_common;
mod common;
mod headless_common;
mod mock_common;

mod account_scan;
mod audit_files;
mod audit_log;
mod audit_mock;
mod audit_redact;
mod bulk_control;
mod bulk_engine;
mod bulk_interrupt;
mod bulk_kill_email;
mod bulk_resume_email;
mod client_echo_secret;
mod client_endpoints;
mod client_errors;
mod client_events;
mod client_hostile;
mod client_lookups;
mod client_pacer;
mod client_pool;
mod client_proxy;
mod client_quiet_resend;
mod client_tls;
mod completions_cache;
mod config_errors;
mod config_file;
mod config_hosts;
mod config_precedence;
mod config_recent;
mod dashboard_accounts;
mod dashboard_accounts_bulk;
mod dashboard_audit;
mod dashboard_bulk;
mod dashboard_fleet;
mod dashboard_flows;
mod dashboard_keys;
mod dashboard_pickers;
mod dashboard_trust;
mod dlp_apply;
mod dlp_engine;
mod dlp_scan;
mod doc_schemas;
mod files_private;
mod files_symlink;
mod fleet_cache;
mod fleet_documents;
mod fleet_failed;
mod fleet_revert;
mod fleet_revert_accounts;
mod fleet_scan;
mod fleet_stream;
mod headless_bulk;
mod headless_bulk_pty;
mod headless_bulk_resume;
mod headless_bulk_signals;
mod headless_columns;
mod headless_coverage;
mod headless_csam;
mod headless_dlp;
mod headless_documents;
mod headless_exit;
mod headless_fleet;
mod headless_keys;
mod headless_lists;
mod headless_stdout_empty;
mod logging_stderr;
mod man_page;
mod mock_accounts;
mod mock_auth;
mod mock_binary;
mod mock_csam;
mod mock_discovery;
mod mock_dlp;
mod mock_fleet;
mod mock_http;
mod mock_input;
mod mock_lookup;
mod mock_rate_limit;
mod mock_state_file;
mod mock_timeouts;
mod pty_demo;
mod release_elf;
