-- API tokens: programs write through the JSON API with `Authorization: Bearer <token>`. As
-- with sessions, only the token's SHA-256 is stored. A token acts with its account's role
-- for as long as the account is enabled and the token not revoked.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    user_id      bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
