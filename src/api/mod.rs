//! The Cloudflare API client. Knows nothing of the terminal or the app.

mod base_url;
pub mod client;
pub mod credentials;
pub mod error;
mod lenient;
pub mod model;
pub mod pacer;
mod response;
pub mod retry;
pub mod validate;

pub use client::{Client, ClientConfig, DEFAULT_BASE_URL, Reply, ZoneQuery};
pub use credentials::Credentials;
pub use error::ApiError;
pub use retry::RetryPolicy;
pub mod worker;
