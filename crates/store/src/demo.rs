//! Demo data for a new installation (`data/demo.json`): agencies of one province and one
//! account for every role. Loading it again changes nothing.

use serde::Deserialize;

use crate::accounts::AccountInput;
use crate::agencies::AgencyInput;
use crate::{Db, StoreError, StoreResult, time};

/// The demo data shipped with motcua.
pub const DEMO_JSON: &str = include_str!("../../../data/demo.json");

/// The `meta` key recording when demo data was loaded.
pub const DEMO_LOADED_KEY: &str = "demo_loaded_at";

#[derive(Debug, Deserialize)]
struct DemoData {
    password: String,
    agencies: Vec<DemoAgency>,
    accounts: Vec<DemoAccount>,
    #[serde(default)]
    representatives: Vec<DemoRepresentative>,
}

#[derive(Debug, Deserialize)]
struct UnitRef {
    level: String,
    code: i64,
}

#[derive(Debug, Deserialize)]
struct DemoAgency {
    code: String,
    name: String,
    level: String,
    unit: UnitRef,
    parent: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DemoAccount {
    role_label: String,
    kind: String,
    full_name: String,
    citizen_id: Option<String>,
    tax_code: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    sign_in: String,
    roles: Vec<DemoRole>,
}

#[derive(Debug, Deserialize)]
struct DemoRole {
    role: String,
    agency: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DemoRepresentative {
    organisation: String,
    citizen_id: String,
}

/// One demo sign-in, to print for the person starting the portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSignIn {
    pub role_label: String,
    pub sign_in: String,
    pub password: String,
}

/// Parses the demo sign-ins without touching the database.
pub fn demo_sign_ins() -> StoreResult<Vec<DemoSignIn>> {
    let data = parse()?;
    Ok(sign_ins(&data))
}

fn parse() -> StoreResult<DemoData> {
    serde_json::from_str(DEMO_JSON).map_err(|e| StoreError::Invalid(format!("data/demo.json: {e}")))
}

fn sign_ins(data: &DemoData) -> Vec<DemoSignIn> {
    data.accounts
        .iter()
        .map(|a| DemoSignIn {
            role_label: a.role_label.clone(),
            sign_in: a.sign_in.clone(),
            password: data.password.clone(),
        })
        .collect()
}

impl Db {
    /// True when the database holds no agencies and no accounts yet.
    pub async fn is_empty(&self) -> StoreResult<bool> {
        Ok(self.count_agencies().await? == 0 && self.count_accounts().await? == 0)
    }

    /// Loads the demo data (administrative units must be imported first). Idempotent:
    /// agencies are matched by code, accounts by e-mail, citizen ID or tax code.
    pub async fn load_demo(&self) -> StoreResult<Vec<DemoSignIn>> {
        let data = parse()?;
        for agency in &data.agencies {
            let unit = self
                .admin_unit(&agency.unit.level, agency.unit.code)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "demo agency {}: administrative unit {} {} is not imported",
                        agency.code, agency.unit.level, agency.unit.code
                    ))
                })?;
            let parent_id = match &agency.parent {
                Some(code) => Some(
                    self.agency_by_code(code)
                        .await?
                        .ok_or_else(|| {
                            StoreError::Invalid(format!(
                                "demo agency {}: parent {code} not found",
                                agency.code
                            ))
                        })?
                        .id,
                ),
                None => None,
            };
            self.upsert_agency(&AgencyInput {
                code: &agency.code,
                name: &agency.name,
                level: &agency.level,
                admin_unit_id: Some(unit.id),
                parent_id,
            })
            .await?;
        }
        for account in &data.accounts {
            let id = match self.find_demo_account(account).await? {
                Some(id) => id,
                None => {
                    // Phones are stored in international form, as every form stores them.
                    let phone = account
                        .phone
                        .as_deref()
                        .map(|p| {
                            p.parse::<motcua_domain::validate::PhoneNumber>()
                                .map(|p| p.e164())
                                .map_err(|e| StoreError::Invalid(format!("demo phone {p}: {e}")))
                        })
                        .transpose()?;
                    let id = self
                        .create_account(&AccountInput {
                            kind: &account.kind,
                            full_name: &account.full_name,
                            citizen_id: account.citizen_id.as_deref(),
                            tax_code: account.tax_code.as_deref(),
                            email: account.email.as_deref(),
                            phone: phone.as_deref(),
                            password: Some(&data.password),
                        })
                        .await?
                        .id;
                    // Demo contacts count as verified.
                    if account.email.is_some() {
                        self.mark_email_verified(id).await?;
                    }
                    if phone.is_some() {
                        self.mark_phone_verified(id).await?;
                    }
                    id
                }
            };
            for role in &account.roles {
                let agency_id = match &role.agency {
                    Some(code) => Some(
                        self.agency_by_code(code)
                            .await?
                            .ok_or_else(|| {
                                StoreError::Invalid(format!("demo role: agency {code} not found"))
                            })?
                            .id,
                    ),
                    None => None,
                };
                self.grant_role(id, agency_id, &role.role).await?;
            }
        }
        for rep in &data.representatives {
            let person = self.account_by_citizen_id(&rep.citizen_id).await?;
            let organisation: Option<i64> =
                sqlx::query_scalar("SELECT id FROM account WHERE tax_code = $1")
                    .bind(&rep.organisation)
                    .fetch_optional(self.pool())
                    .await?;
            if let (Some(person), Some(organisation)) = (person, organisation) {
                self.grant_representative(person.id, organisation).await?;
            }
        }
        if self.meta_get(DEMO_LOADED_KEY).await?.is_none() {
            self.meta_set(DEMO_LOADED_KEY, &time::now_micros().to_string())
                .await?;
        }
        Ok(sign_ins(&data))
    }

    async fn find_demo_account(&self, account: &DemoAccount) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM account WHERE email = $1 OR citizen_id = $2 OR tax_code = $3",
        )
        .bind(account.email.as_deref())
        .bind(account.citizen_id.as_deref())
        .bind(account.tax_code.as_deref())
        .fetch_optional(self.pool())
        .await?)
    }
}
