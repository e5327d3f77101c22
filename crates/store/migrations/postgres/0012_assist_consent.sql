-- One-time codes get a purpose more: a person's consent, read out at a counter, that a
-- helper files for them.
ALTER TABLE one_time_code DROP CONSTRAINT one_time_code_purpose_check;
ALTER TABLE one_time_code ADD CONSTRAINT one_time_code_purpose_check
    CHECK (purpose IN ('phone_sign_in', 'phone_verify', 'email_verify', 'account_setup', 'password_reset', 'assist_consent'));
