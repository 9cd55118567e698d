//! SQL repositories: rows decoded into domain types.

use sqlx::postgres::PgRow;
use sqlx::Row;

#[derive(Debug)]
pub struct User {
    pub id: i64,
    pub email: String,
}

impl TryFrom<&PgRow> for User {
    type Error = sqlx::Error;
    fn try_from(row: &PgRow) -> Result<Self, Self::Error> {
        Ok(User { id: row.try_get("id")?, email: row.try_get("email")? })
    }
}

fn decode(row: PgRow) -> Result<User, sqlx::Error> {
    User::try_from(&row)
}

pub struct UserRepo {
    pool: sqlx::PgPool,
}

impl UserRepo {
    // Positive: rows that fail to decode vanish from the listing.
    pub async fn list(&self) -> Result<Vec<User>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, email FROM users").fetch_all(&self.pool).await?;
        Ok(rows.iter().filter_map(|row| User::try_from(row).ok()).collect()) //~ swallowed_result
    }

    // Positive: `filter_map(Result::ok)` after mapping each row.
    pub async fn active(&self) -> Result<Vec<User>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, email FROM users WHERE active").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(decode).filter_map(Result::ok).collect()) //~ swallowed_result
    }

    // Positive: a decode error becomes "no email".
    pub async fn email_of(&self, id: i64) -> Option<String> {
        let row = sqlx::query("SELECT email FROM users WHERE id = $1").bind(id).fetch_optional(&self.pool).await.ok()?;
        row.and_then(|r| r.try_get::<String, _>("email").ok()) //~ swallowed_result
    }

    // Negative: decode errors are collected and propagated.
    pub async fn list_strict(&self) -> Result<Vec<User>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, email FROM users").fetch_all(&self.pool).await?;
        rows.iter().map(User::try_from).collect()
    }

    // Negative: each skipped row is logged before it is dropped.
    pub async fn list_lenient(&self) -> Result<Vec<User>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, email FROM users").fetch_all(&self.pool).await?;
        Ok(rows.iter().filter_map(|row| User::try_from(row).map_err(|e| tracing::warn!("bad user row: {e}")).ok()).collect())
    }

    // Negative: `.ok()` as a value in `if let`.
    pub async fn first_id(&self) -> Option<i64> {
        let row = sqlx::query("SELECT id FROM users LIMIT 1").fetch_one(&self.pool).await;
        if let Some(r) = row.ok() {
            return r.try_get("id").ok();
        }
        None
    }
}
