//! Optimistic versions: every edit names the version it was made on; a save on an older version is
//! refused with the record as it is now and who changed it, so nothing is overwritten silently.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::case::CaseInfo;
use crate::customer::{Account, Contact};
use crate::response::StandardResponse;
use crate::session_data::{OperatorNote, Parameter};

/// The body of a 409 `version_conflict`: the record now, and the last change's author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionConflict {
    pub changed_by: String,
    pub changed_at: Millis,
    pub current: CurrentRecord,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CurrentRecord {
    Contact(Contact),
    Account(Account),
    Case(CaseInfo),
    Parameter(Parameter),
    OperatorNote(OperatorNote),
    Response(StandardResponse),
}
