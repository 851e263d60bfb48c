//! The Cloudflare API client. Knows nothing of the terminal or the app.

mod base_url;
mod body;
mod call;
pub mod client;
pub mod credentials;
pub mod error;
mod lenient;
pub mod listing;
pub mod model;
pub mod pacer;
mod response;
pub mod retry;
pub mod text;
mod tls;
pub mod validate;

pub use body::BODY_LIMIT;
pub use client::{Client, ClientConfig, DEFAULT_BASE_URL, Reply, RetryObserver, ZoneQuery};
pub use credentials::Credentials;
pub use error::ApiError;
pub use pacer::{Budget, Priority};
pub use retry::{RetryNotice, RetryPolicy};
pub use tls::install_crypto_provider;
pub mod worker;
