//! The details of contacts and accounts, one set of handlers per owner: Add detail, Mark as default,
//! remove a detail; add, edit and remove an address. Each carries the owner's version and answers with
//! the whole record as it is now.

use axum::Json;
use axum::extract::State;
use hovor_types::customer::{
    Account, AddressFields, Contact, NewDetail, VersionOnly, validate_address, validate_detail,
};
use hovor_types::error::ErrorBody;

use super::directory::VersionQuery;
use crate::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::AppResult;
use crate::store::audit::Edit;
use crate::store::details::{self, Owner};
use crate::store::{accounts, contacts};

/// The six handlers of one owner kind; `$get` reads the record answered after the change.
macro_rules! detail_handlers {
    ($record:ty, $owner:path, $get:path,
     [$details:literal, $detail:literal, $default_path:literal, $addresses:literal, $address:literal],
     $add:ident, $default:ident, $remove:ident, $add_address:ident, $update_address:ident, $remove_address:ident) => {
        /// Adds a phone, an email or an identifier.
        #[utoipa::path(post, path = $details, tag = "directory", params(("id" = i64, Path)),
                    request_body = NewDetail,
                    responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $add(
            State(state): State<AppState>,
            CurrentUser(me): CurrentUser,
            AppPath(id): AppPath<i64>,
            AppJson(detail): AppJson<NewDetail>,
        ) -> AppResult<Json<$record>> {
            validate_detail(&detail)?;
            let mut change = Change::begin(&state).await?;
            details::add(&mut change, $owner(id), &detail, Edit::by(me.id)).await?;
            let record = $get(&mut change, id).await?;
            change.commit(&state).await?;
            Ok(Json(record))
        }

        /// Mark as default: the phone or email becomes its kind's default.
        #[utoipa::path(put, path = $default_path, tag = "directory",
                    params(("id" = i64, Path), ("detail_id" = i64, Path)), request_body = VersionOnly,
                    responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $default(
            State(state): State<AppState>,
            CurrentUser(me): CurrentUser,
            AppPath((id, detail_id)): AppPath<(i64, i64)>,
            AppJson(v): AppJson<VersionOnly>,
        ) -> AppResult<Json<$record>> {
            let mut change = Change::begin(&state).await?;
            details::set_default(&mut change, $owner(id), detail_id, v.version, Edit::by(me.id)).await?;
            let record = $get(&mut change, id).await?;
            change.commit(&state).await?;
            Ok(Json(record))
        }

        /// Removes a detail; a removed default is replaced by the oldest remaining of its kind.
        #[utoipa::path(delete, path = $detail, tag = "directory",
                    params(("id" = i64, Path), ("detail_id" = i64, Path), VersionQuery),
                    responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $remove(
            State(state): State<AppState>,
            CurrentUser(me): CurrentUser,
            AppPath((id, detail_id)): AppPath<(i64, i64)>,
            AppQuery(q): AppQuery<VersionQuery>,
        ) -> AppResult<Json<$record>> {
            let mut change = Change::begin(&state).await?;
            details::remove(&mut change, $owner(id), detail_id, q.version, Edit::by(me.id)).await?;
            let record = $get(&mut change, id).await?;
            change.commit(&state).await?;
            Ok(Json(record))
        }

        /// Adds an address.
        #[utoipa::path(post, path = $addresses, tag = "directory", params(("id" = i64, Path)),
                    request_body = AddressFields,
                    responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $add_address(
            State(state): State<AppState>,
            CurrentUser(me): CurrentUser,
            AppPath(id): AppPath<i64>,
            AppJson(address): AppJson<AddressFields>,
        ) -> AppResult<Json<$record>> {
            validate_address(&address)?;
            let mut change = Change::begin(&state).await?;
            details::add_address(&mut change, $owner(id), &address, Edit::by(me.id)).await?;
            let record = $get(&mut change, id).await?;
            change.commit(&state).await?;
            Ok(Json(record))
        }

        /// Edits an address.
        #[utoipa::path(put, path = $address, tag = "directory",
                    params(("id" = i64, Path), ("address_id" = i64, Path)), request_body = AddressFields,
                    responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $update_address(
            State(state): State<AppState>,
            CurrentUser(me): CurrentUser,
            AppPath((id, address_id)): AppPath<(i64, i64)>,
            AppJson(address): AppJson<AddressFields>,
        ) -> AppResult<Json<$record>> {
            validate_address(&address)?;
            let mut change = Change::begin(&state).await?;
            details::update_address(&mut change, $owner(id), address_id, &address, Edit::by(me.id)).await?;
            let record = $get(&mut change, id).await?;
            change.commit(&state).await?;
            Ok(Json(record))
        }

        /// Removes an address.
        #[utoipa::path(delete, path = $address, tag = "directory",
                    params(("id" = i64, Path), ("address_id" = i64, Path), VersionQuery),
                    responses((status = 200, body = $record), (status = 404, body = ErrorBody),
                              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $remove_address(
            State(state): State<AppState>,
            CurrentUser(me): CurrentUser,
            AppPath((id, address_id)): AppPath<(i64, i64)>,
            AppQuery(q): AppQuery<VersionQuery>,
        ) -> AppResult<Json<$record>> {
            let mut change = Change::begin(&state).await?;
            details::remove_address(&mut change, $owner(id), address_id, q.version, Edit::by(me.id)).await?;
            let record = $get(&mut change, id).await?;
            change.commit(&state).await?;
            Ok(Json(record))
        }
    };
}

detail_handlers!(
    Contact,
    Owner::Contact,
    contacts::get,
    [
        "/api/contacts/{id}/details",
        "/api/contacts/{id}/details/{detail_id}",
        "/api/contacts/{id}/details/{detail_id}/default",
        "/api/contacts/{id}/addresses",
        "/api/contacts/{id}/addresses/{address_id}"
    ],
    contact_add_detail,
    contact_set_default,
    contact_remove_detail,
    contact_add_address,
    contact_update_address,
    contact_remove_address
);

detail_handlers!(
    Account,
    Owner::Account,
    accounts::get,
    [
        "/api/accounts/{id}/details",
        "/api/accounts/{id}/details/{detail_id}",
        "/api/accounts/{id}/details/{detail_id}/default",
        "/api/accounts/{id}/addresses",
        "/api/accounts/{id}/addresses/{address_id}"
    ],
    account_add_detail,
    account_set_default,
    account_remove_detail,
    account_add_address,
    account_update_address,
    account_remove_address
);

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(contact_add_detail))
        .routes(routes!(contact_set_default))
        .routes(routes!(contact_remove_detail))
        .routes(routes!(contact_add_address))
        .routes(routes!(contact_update_address, contact_remove_address))
        .routes(routes!(account_add_detail))
        .routes(routes!(account_set_default))
        .routes(routes!(account_remove_detail))
        .routes(routes!(account_add_address))
        .routes(routes!(account_update_address, account_remove_address))
}
