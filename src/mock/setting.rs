//! A setting kept per zone or per account, and what every route over one
//! does the same way: GET finds its target and shows the setting; a write
//! finds its target, then changes the setting in one store write (a refusal
//! changes nothing) and answers it as GET shows it.
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use super::auth::Permission;
use super::draft::Draft;
use super::envelope::{ApiError, Info, success};
use super::ids::IdPath;
use super::lookup::{self, Target};
use super::routes::{Mock, Shared};
use super::state::{OutboxEntry, State as MockState};

/// A zone's CSAM Scanner setting or an account's DLP settings.
pub(crate) trait Setting: Clone + Send + Sync + 'static {
    /// What the path names: the zone or the account.
    type Target: Target;
    /// The route, with `{}` for the id (what a 400 or 404 names).
    const ROUTE: &'static str;
    /// The permission GET needs.
    const READ: Permission;
    /// The permission a write needs.
    const WRITE: Permission;
    /// The setting of target `id` in `state`.
    fn of<'s>(state: &'s MockState, id: &str) -> Option<&'s Self>;
    /// The setting of target `id`, to change.
    fn of_mut<'d>(draft: &'d mut Draft<'_>, id: &str) -> Option<&'d mut Self>;
    /// The setting as the API shows it.
    fn view(&self, target: &Self::Target) -> impl Serialize;
    /// Ok when the target has this setting at all; else the refusal every
    /// request for it gets (checked after the target is found and the
    /// token's scope covers it).
    fn available(_target: &Self::Target) -> Result<(), ApiError> {
        Ok(())
    }
}

/// GET: the setting now.
pub(crate) async fn get<S: Setting>(
    State(mock): State<Shared>,
    path: IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let target = lookup::find::<S::Target>(&mock, &headers, path, S::READ, S::ROUTE)?;
    S::available(target)?;
    let setting = mock.store.read(|state| S::of(state, target.id()).cloned());
    let setting = setting.await.ok_or_else(|| not_found::<S>(target))?;
    Ok(success(setting.view(target), Vec::new()))
}

/// The target of a write to `path`: [`lookup::find`] with the write permission.
pub(crate) fn target_to_write<'a, S: Setting>(
    mock: &'a Mock,
    headers: &HeaderMap,
    path: IdPath,
) -> Result<&'a S::Target, ApiError> {
    let target = lookup::find(mock, headers, path, S::WRITE, S::ROUTE)?;
    S::available(target)?;
    Ok(target)
}

/// A write: `change` gets the target's setting and an outbox for the mails
/// it sends, and returns the answer's messages or refuses.
pub(crate) async fn write<S: Setting>(
    mock: &Mock,
    target: &S::Target,
    change: impl FnOnce(&mut S, &mut Vec<OutboxEntry>) -> Result<Vec<Info>, ApiError> + Send,
) -> Result<Response, ApiError> {
    let (setting, messages) = mock
        .store
        .write(|draft| {
            let setting = S::of_mut(draft, target.id()).ok_or_else(|| not_found::<S>(target))?;
            let mut mails = Vec::new();
            let messages = change(setting, &mut mails)?;
            let setting = setting.clone();
            mails.into_iter().for_each(|mail| draft.send(mail));
            Ok((setting, messages))
        })
        .await?;
    Ok(success(setting.view(target), messages))
}

/// 404 for a target whose setting the state lacks.
pub(crate) fn not_found<S: Setting>(target: &S::Target) -> ApiError {
    S::Target::not_found(S::ROUTE, target.id())
}
