//! One-time codes under attack, on SQLite and PostgreSQL: parallel guesses get no
//! more tries than one guesser would.

use motcua_store::codes::{CodeRejection, MAX_ATTEMPTS, Purpose};
use motcua_store::testing::{TestDatabase, backends};

#[tokio::test]
async fn fifty_parallel_guesses_at_a_code_get_only_the_allowed_attempts() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        let target = "+84901234567";
        db.issue_code(Purpose::PhoneSignIn, target, None, "123456", 300)
            .await
            .unwrap()
            .unwrap();
        let guesses: Vec<_> = (0..50)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.consume_code(Purpose::PhoneSignIn, target, &format!("{:06}", 200_000 + i))
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut wrong = 0;
        for guess in guesses {
            match guess.await.unwrap() {
                Err(CodeRejection::Wrong { .. }) => wrong += 1,
                Err(CodeRejection::TooManyAttempts) => {}
                other => panic!("{backend:?}: {other:?}"),
            }
        }
        // The last allowed guess answers "too many" itself: at most MAX - 1 "wrong".
        assert!(
            wrong < MAX_ATTEMPTS,
            "{backend:?}: {wrong} parallel guesses were evaluated"
        );
        let attempts: i64 =
            sqlx::query_scalar("SELECT attempts FROM one_time_code WHERE target = $1")
                .bind(target)
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert!(attempts <= MAX_ATTEMPTS, "{backend:?}: {attempts} attempts");
        // Spent: even the right code no longer works.
        let right = db
            .consume_code(Purpose::PhoneSignIn, target, "123456")
            .await
            .unwrap();
        assert_eq!(right, Err(CodeRejection::TooManyAttempts), "{backend:?}");
    }
}

#[tokio::test]
async fn the_right_code_among_parallel_guesses_is_used_once() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        let target = "an@example.vn";
        let account = db
            .create_account(&motcua_store::accounts::AccountInput {
                kind: "citizen",
                full_name: "Nguyễn Văn An",
                email: Some(target),
                ..Default::default()
            })
            .await
            .unwrap();
        db.issue_code(
            Purpose::PhoneSignIn,
            target,
            Some(account.id),
            "654321",
            300,
        )
        .await
        .unwrap()
        .unwrap();
        let tries: Vec<_> = (0..10)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.consume_code(Purpose::PhoneSignIn, target, "654321")
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut used = 0;
        for attempt in tries {
            if attempt.await.unwrap() == Ok(Some(account.id)) {
                used += 1;
            }
        }
        assert_eq!(used, 1, "{backend:?}");
    }
}

/// Item 14: expired sessions, spent codes, expired e-ID logins and stale throttles
/// are deleted; live ones stay.
#[tokio::test]
async fn what_expired_is_purged_and_what_lives_stays() {
    for backend in backends() {
        let test = TestDatabase::new(backend).await;
        let db = test.migrated().await;
        let hour = 3_600_000_000;
        let (_, live) = db
            .create_session(None, hour, "127.0.0.1", "t")
            .await
            .unwrap();
        let (_, old) = db
            .create_session(None, hour, "127.0.0.1", "t")
            .await
            .unwrap();
        sqlx::query("UPDATE web_session SET expires_at = 1 WHERE id_hash = $1")
            .bind(&old.id_hash)
            .execute(db.pool())
            .await
            .unwrap();
        for (target, code) in [("+84900000001", "111111"), ("+84900000002", "222222")] {
            db.issue_code(Purpose::PhoneSignIn, target, None, code, 300)
                .await
                .unwrap()
                .unwrap();
        }
        // One code was used two hours ago; the other is live.
        sqlx::query(
            "UPDATE one_time_code SET used_at = $1, created_at = $1 WHERE target = '+84900000001'",
        )
        .bind(motcua_store::time::now_micros() - 2 * hour)
        .execute(db.pool())
        .await
        .unwrap();
        db.throttle_take("ip:192.0.2.1").await.unwrap().unwrap();
        db.throttle_take("ip:192.0.2.2").await.unwrap().unwrap();
        sqlx::query("UPDATE sign_in_throttle SET first_failure_at = 1 WHERE key = 'ip:192.0.2.1'")
            .execute(db.pool())
            .await
            .unwrap();
        let purged = db.purge_expired_now().await.unwrap();
        assert_eq!(
            (purged.sessions, purged.codes, purged.throttles),
            (1, 1, 1),
            "{backend:?}: {purged:?}"
        );
        let sessions: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM web_session")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(sessions, vec![live.id_hash.clone()]);
        let live_code = db
            .consume_code(Purpose::PhoneSignIn, "+84900000002", "222222")
            .await
            .unwrap();
        assert_eq!(live_code, Ok(None), "{backend:?}");
        assert_eq!(db.purge_expired_now().await.unwrap().total(), 0);
    }
}
