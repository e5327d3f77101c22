//! Accounts (citizens, organisations, officials, administrators) and their roles per agency.

use sqlx::AssertSqlSafe;

use crate::{Db, StoreResult, password, time};

/// An account as stored (without its password hash).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    /// `citizen`, `organisation`, `official` or `admin`.
    pub kind: String,
    pub full_name: String,
    pub citizen_id: Option<String>,
    pub tax_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The fields of a new account.
#[derive(Clone, Debug, Default)]
pub struct AccountInput<'a> {
    pub kind: &'a str,
    pub full_name: &'a str,
    pub citizen_id: Option<&'a str>,
    pub tax_code: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct AccountRole {
    id: i64,
    kind: String,
    full_name: String,
    citizen_id: Option<String>,
    tax_code: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    role: String,
    agency_id: Option<i64>,
}

/// A role held in an agency (`agency_id` is `None` for system-wide roles).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleGrant {
    pub role: String,
    pub agency_id: Option<i64>,
}

const COLUMNS: &str = "id, kind, full_name, citizen_id, tax_code, email, phone";

impl Db {
    /// Creates an account; the password, if any, is stored as an argon2id hash.
    pub async fn create_account(&self, input: &AccountInput<'_>) -> StoreResult<Account> {
        let hash = match input.password {
            Some(p) => Some(password::hash(p).await?),
            None => None,
        };
        let now = time::now_micros();
        Ok(sqlx::query_as::<_, Account>(AssertSqlSafe(format!(
            "INSERT INTO account (kind, full_name, citizen_id, tax_code, email, phone, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING {COLUMNS}"
        )))
        .bind(input.kind)
        .bind(input.full_name)
        .bind(input.citizen_id)
        .bind(input.tax_code)
        .bind(input.email)
        .bind(input.phone)
        .bind(hash)
        .bind(now)
        .fetch_one(self.pool())
        .await?)
    }

    /// The organisation account through which an agency files its own dossiers,
    /// opened on first use (without a password: nobody signs in as it).
    pub async fn agency_account(&self, agency_id: i64) -> StoreResult<i64> {
        let find = || async {
            sqlx::query_scalar::<_, i64>("SELECT id FROM account WHERE agency_id = $1")
                .bind(agency_id)
                .fetch_optional(self.pool())
                .await
        };
        if let Some(id) = find().await? {
            return Ok(id);
        }
        let now = time::now_micros();
        let opened = sqlx::query(
            "INSERT INTO account (kind, full_name, agency_id, created_at, updated_at) \
             SELECT 'organisation', name, id, $1, $1 FROM agency WHERE id = $2",
        )
        .bind(now)
        .bind(agency_id)
        .execute(self.pool())
        .await;
        match opened.map_err(crate::StoreError::from) {
            Ok(_) => {}
            // Opened meanwhile by another request.
            Err(e) if e.is_unique_violation() => {}
            Err(e) => return Err(e),
        }
        find()
            .await?
            .ok_or(crate::StoreError::NotFound { what: "agency" })
    }

    /// The agency an organisation account stands for, if it does.
    pub async fn agency_of_account(&self, account_id: i64) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT agency_id FROM account WHERE id = $1")
                .bind(account_id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    pub async fn account_by_email(&self, email: &str) -> StoreResult<Option<Account>> {
        Ok(sqlx::query_as::<_, Account>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account WHERE email = $1"
        )))
        .bind(email)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn account_by_citizen_id(&self, citizen_id: &str) -> StoreResult<Option<Account>> {
        Ok(sqlx::query_as::<_, Account>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account WHERE citizen_id = $1"
        )))
        .bind(citizen_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Checks a password against the stored hash (false for accounts without one).
    pub async fn check_password(&self, account_id: i64, candidate: &str) -> StoreResult<bool> {
        let hash: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM account WHERE id = $1")
                .bind(account_id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        Ok(match hash {
            Some(h) => password::verify(candidate, &h).await,
            None => false,
        })
    }

    /// Grants a role; granting it again is a no-op. Returns whether it is new.
    pub async fn grant_role(
        &self,
        account_id: i64,
        agency_id: Option<i64>,
        role: &str,
    ) -> StoreResult<bool> {
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_grant WHERE account_id = $1 AND role = $2 \
             AND (agency_id = $3 OR (agency_id IS NULL AND $3 IS NULL))",
        )
        .bind(account_id)
        .bind(role)
        .bind(agency_id)
        .fetch_one(self.pool())
        .await?;
        if exists == 0 {
            sqlx::query("INSERT INTO role_grant (account_id, agency_id, role, granted_at) VALUES ($1, $2, $3, $4)")
                .bind(account_id)
                .bind(agency_id)
                .bind(role)
                .bind(time::now_micros())
                .execute(self.pool())
                .await?;
        }
        Ok(exists == 0)
    }

    /// Withdraws a role; returns whether it was held.
    pub async fn revoke_role(
        &self,
        account_id: i64,
        agency_id: Option<i64>,
        role: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM role_grant WHERE account_id = $1 AND role = $2 \
             AND (agency_id = $3 OR (agency_id IS NULL AND $3 IS NULL))",
        )
        .bind(account_id)
        .bind(role)
        .bind(agency_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The officials holding a role in one of `agencies`, with their roles there.
    pub async fn officials_of(&self, agencies: &[i64]) -> StoreResult<Vec<(Account, RoleGrant)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (1..=agencies.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let columns = COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, g.role, g.agency_id FROM account a JOIN role_grant g ON g.account_id = a.id \
             WHERE g.agency_id IN ({marks}) ORDER BY a.full_name, a.id, g.role"
        );
        let mut query = sqlx::query_as::<_, AccountRole>(AssertSqlSafe(sql));
        for id in agencies {
            query = query.bind(*id);
        }
        Ok(query
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(|r| {
                (
                    Account {
                        id: r.id,
                        kind: r.kind,
                        full_name: r.full_name,
                        citizen_id: r.citizen_id,
                        tax_code: r.tax_code,
                        email: r.email,
                        phone: r.phone,
                    },
                    RoleGrant {
                        role: r.role,
                        agency_id: r.agency_id,
                    },
                )
            })
            .collect())
    }

    pub async fn roles_of(&self, account_id: i64) -> StoreResult<Vec<RoleGrant>> {
        Ok(sqlx::query_as::<_, RoleGrant>(
            "SELECT role, agency_id FROM role_grant WHERE account_id = $1 ORDER BY role, COALESCE(agency_id, 0)",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn count_accounts(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM account")
            .fetch_one(self.pool())
            .await?)
    }
}

impl Db {
    /// Records that `person_id` represents the organisation account `organisation_id`.
    pub async fn grant_representative(
        &self,
        person_id: i64,
        organisation_id: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO representative (organisation_id, person_id, since) VALUES ($1, $2, $3) \
             ON CONFLICT (organisation_id, person_id) DO NOTHING",
        )
        .bind(organisation_id)
        .bind(person_id)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Organisation accounts a person represents.
    pub async fn represented_by(&self, person_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT organisation_id FROM representative WHERE person_id = $1 ORDER BY organisation_id")
            .bind(person_id)
            .fetch_all(self.pool())
            .await?)
    }
}

impl Db {
    /// The account a sign-in identifier names: a citizen ID, a tax code, an e-mail
    /// address or a phone number (as stored), with its password hash.
    pub async fn account_for_sign_in(
        &self,
        identifier: &str,
    ) -> StoreResult<Option<(Account, Option<String>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            account: Account,
            password_hash: Option<String>,
        }
        let row = sqlx::query_as::<_, Row>(
            "SELECT id, kind, full_name, citizen_id, tax_code, email, phone, password_hash FROM account \
             WHERE disabled_at IS NULL AND (citizen_id = $1 OR tax_code = $1 OR LOWER(email) = LOWER($1) OR phone = $1) \
             ORDER BY id LIMIT 1",
        )
        .bind(identifier)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| (r.account, r.password_hash)))
    }

    pub async fn account(&self, id: i64) -> StoreResult<Option<Account>> {
        Ok(sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}

/// What has been verified about an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    pub email_verified_at: Option<i64>,
    pub phone_verified_at: Option<i64>,
    /// Set when an official checked the person's ID card at a counter.
    pub identity_checked_at: Option<i64>,
    pub has_password: bool,
}

impl Verification {
    /// Whether any contact or the identity itself has been verified.
    pub fn any(&self) -> bool {
        self.email_verified_at.is_some()
            || self.phone_verified_at.is_some()
            || self.identity_checked_at.is_some()
    }
}

impl Db {
    pub async fn verification(&self, account_id: i64) -> StoreResult<Verification> {
        let (email_verified_at, phone_verified_at, identity_checked_at, has_password): (
            Option<i64>,
            Option<i64>,
            Option<i64>,
            i64,
        ) = sqlx::query_as(
            "SELECT email_verified_at, phone_verified_at, identity_checked_at, \
             CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END FROM account WHERE id = $1",
        )
        .bind(account_id)
        .fetch_one(self.pool())
        .await?;
        Ok(Verification {
            email_verified_at,
            phone_verified_at,
            identity_checked_at,
            has_password: has_password == 1,
        })
    }

    pub async fn mark_email_verified(&self, account_id: i64) -> StoreResult<()> {
        self.stamp(account_id, "email_verified_at").await
    }

    pub async fn mark_phone_verified(&self, account_id: i64) -> StoreResult<()> {
        self.stamp(account_id, "phone_verified_at").await
    }

    async fn stamp(&self, account_id: i64, column: &'static str) -> StoreResult<()> {
        let now = time::now_micros();
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE account SET {column} = COALESCE({column}, $1), updated_at = $1 WHERE id = $2"
        )))
        .bind(now)
        .bind(account_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records that the person's identity was checked: by `official_id` looking at
    /// the ID card at a counter, or (`None`) by the national e-ID.
    pub async fn mark_identity_checked(
        &self,
        account_id: i64,
        official_id: Option<i64>,
    ) -> StoreResult<()> {
        let now = time::now_micros();
        sqlx::query(
            "UPDATE account SET identity_checked_by = $1, identity_checked_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(official_id)
        .bind(now)
        .bind(account_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Sets (or replaces) the password, stored as an argon2id hash.
    pub async fn set_password(&self, account_id: i64, new_password: &str) -> StoreResult<()> {
        let hash = password::hash(new_password).await?;
        sqlx::query("UPDATE account SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(time::now_micros())
            .bind(account_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The account whose verified phone number (international form) this is.
    pub async fn account_by_verified_phone(&self, phone: &str) -> StoreResult<Option<Account>> {
        Ok(sqlx::query_as::<_, Account>(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account WHERE phone = $1 AND phone_verified_at IS NOT NULL \
             AND disabled_at IS NULL ORDER BY id LIMIT 1"
        )))
        .bind(phone)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The account linked to an identity of an external provider (the national e-ID).
    pub async fn account_for_identity(
        &self,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<Account>> {
        Ok(sqlx::query_as::<_, Account>(AssertSqlSafe(format!(
            "SELECT {} FROM account a JOIN external_identity e ON e.account_id = a.id \
             WHERE e.provider = $1 AND e.subject = $2 AND a.disabled_at IS NULL",
            COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
        .bind(provider)
        .bind(subject)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Links an external identity to an account (again: no change).
    pub async fn link_identity(
        &self,
        provider: &str,
        subject: &str,
        account_id: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO external_identity (provider, subject, account_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (provider, subject) DO NOTHING",
        )
        .bind(provider)
        .bind(subject)
        .bind(account_id)
        .bind(time::now_micros())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The external identities linked to an account: `(provider, since)`.
    pub async fn identities_of(&self, account_id: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT provider, created_at FROM external_identity WHERE account_id = $1 ORDER BY provider",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Db {
    /// Hands an account to the person the national e-ID just proved holds its citizen
    /// ID, when nobody had checked that identity before: whoever registered it may
    /// have been someone else, so every way in they could hold is cleared (password,
    /// contacts and their verification, address, other linked identities, live codes,
    /// sessions, API tokens) and the name is the e-ID's. Returns how many sessions
    /// and tokens ended.
    pub async fn reclaim_for_identity(
        &self,
        account_id: i64,
        full_name: &str,
    ) -> StoreResult<(u64, u64)> {
        let now = time::now_micros();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE account SET password_hash = NULL, email = NULL, phone = NULL, \
             email_verified_at = NULL, phone_verified_at = NULL, address = NULL, \
             full_name = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(full_name)
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM external_identity WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE one_time_code SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        let sessions = sqlx::query("DELETE FROM web_session WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let tokens = sqlx::query(
            "UPDATE api_token SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok((sessions, tokens))
    }
}
