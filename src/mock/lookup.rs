//! The one zone or account that a request's path names, checked the way
//! every such route checks it, in Cloudflare's order: the credentials and
//! the permission (401/403), the id's shape (400), whether it exists (404),
//! then whether the token's scope covers its account (403).
use axum::http::HeaderMap;

use super::auth::{Permission, authorize};
use super::data::{AccountData, DemoData, ZoneData};
use super::envelope::ApiError;
use super::ids::{self, IdPath};
use super::routes::Mock;

/// What a path can name: a zone or an account.
pub(crate) trait Target: Sync + 'static {
    /// The id of `path`, or 400; `route` has `{}` where the id goes.
    fn parse_id(path: IdPath, route: &str) -> Result<String, ApiError>;
    /// The one with this id in the data.
    fn find<'a>(data: &'a DemoData, id: &str) -> Option<&'a Self>;
    /// 404 for a well-formed id that names nothing.
    fn not_found(route: &str, id: &str) -> ApiError;
    /// Its id.
    fn id(&self) -> &str;
    /// The id of the account that owns it (itself, for an account).
    fn owner<'a>(&'a self, data: &'a DemoData) -> &'a str;
}

impl Target for ZoneData {
    fn parse_id(path: IdPath, _route: &str) -> Result<String, ApiError> {
        ids::zone_id(path)
    }
    fn find<'a>(data: &'a DemoData, id: &str) -> Option<&'a Self> {
        data.zone(id)
    }
    fn not_found(route: &str, id: &str) -> ApiError {
        ids::zone_not_found(route, id)
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn owner<'a>(&'a self, data: &'a DemoData) -> &'a str {
        data.owner_id(self)
    }
}

impl Target for AccountData {
    fn parse_id(path: IdPath, route: &str) -> Result<String, ApiError> {
        ids::account_id(path, route)
    }
    fn find<'a>(data: &'a DemoData, id: &str) -> Option<&'a Self> {
        data.account(id)
    }
    fn not_found(route: &str, id: &str) -> ApiError {
        ids::account_not_found(route, id)
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn owner<'a>(&'a self, _data: &'a DemoData) -> &'a str {
        &self.id
    }
}

/// The zone or account of `path` for a request that needs `needed`;
/// `route` (with `{}` for the id) is what a 400 or 404 names.
pub(crate) fn find<'a, T: Target>(
    mock: &'a Mock,
    headers: &HeaderMap,
    path: IdPath,
    needed: Permission,
    route: &str,
) -> Result<&'a T, ApiError> {
    let grant = authorize(&mock.data, headers, needed)?;
    let id = T::parse_id(path, route)?;
    let target = T::find(&mock.data, &id).ok_or_else(|| T::not_found(route, &id))?;
    grant.check(target.owner(&mock.data)).map(|()| target)
}
