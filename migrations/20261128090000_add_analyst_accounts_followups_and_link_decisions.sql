-- Analyst work: accounts and sessions, follow-ups on threads, fulfilment criteria, link
-- decisions, and the audit log. None of it is derived: relinking and re-extraction read the
-- link decisions and never delete any of it. Follow-ups and criteria are append-only: an edit
-- is a new version, and the (id, version) key turns two saves of the same version into a
-- conflict instead of an overwrite.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    role          text NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    -- PHC string (argon2id).
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database does not hold live sessions.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    -- Every state-changing request of the session must carry it.
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz NOT NULL DEFAULT now(),
    -- Idle expiry, moved on by use; never past `created_at` + the absolute lifetime.
    expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_user_idx ON sessions (user_id);

-- What would count as the commitment kept, one row per version.
CREATE TABLE thread_criteria (
    thread_id bigint NOT NULL REFERENCES threads (id),
    version   integer NOT NULL CHECK (version >= 1),
    criteria  text NOT NULL,
    edited_by bigint NOT NULL REFERENCES users (id),
    edited_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, version)
);

-- What happened after a commitment, as an analyst recorded it.
CREATE TABLE followups (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id  bigint NOT NULL REFERENCES threads (id),
    created_by bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX followups_thread_idx ON followups (thread_id);

CREATE TABLE followup_versions (
    followup_id    bigint NOT NULL REFERENCES followups (id),
    version        integer NOT NULL CHECK (version >= 1),
    status         text NOT NULL CHECK (status IN ('not_started', 'in_progress',
                                                   'partially_fulfilled', 'fulfilled',
                                                   'not_fulfilled', 'superseded', 'unclear')),
    -- Markdown, rendered without raw HTML.
    note           text NOT NULL,
    -- [{url, title, date, excerpt}], checked by the application (http(s) URLs only).
    evidence       jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'array'),
    next_follow_up date,
    -- A version may withdraw the follow-up; earlier versions stay in the history.
    withdrawn      boolean NOT NULL DEFAULT false,
    edited_by      bigint NOT NULL REFERENCES users (id),
    edited_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (followup_id, version)
);

-- An analyst's correction of the linker. `kind` says what was done; the constraints it
-- stands for are in link_constraints. A decision is revoked (undone), never deleted.
CREATE TABLE link_decisions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('accept', 'reject', 'detach', 'attach',
                                                  'merge', 'split', 'link')),
    -- The threads acted on, as they were when the decision was made.
    thread_id       bigint REFERENCES threads (id),
    other_thread_id bigint REFERENCES threads (id),
    -- The mentions it is about: a link's two ends, or the mention moved (in `a`).
    a               bigint REFERENCES commitments (id),
    b               bigint REFERENCES commitments (id),
    note            text NOT NULL DEFAULT '',
    made_by         bigint NOT NULL REFERENCES users (id),
    made_at         timestamptz NOT NULL DEFAULT now(),
    revoked_by      bigint REFERENCES users (id),
    revoked_at      timestamptz,
    CHECK ((revoked_by IS NULL) = (revoked_at IS NULL))
);

CREATE INDEX link_decisions_thread_idx ON link_decisions (thread_id);
CREATE INDEX link_decisions_pair_idx ON link_decisions (a, b);

-- Must-link and cannot-link pairs of units (a < b) that every linking run respects.
CREATE TABLE link_constraints (
    decision_id bigint NOT NULL REFERENCES link_decisions (id),
    a           bigint NOT NULL REFERENCES commitments (id),
    b           bigint NOT NULL REFERENCES commitments (id),
    must_link   boolean NOT NULL,
    PRIMARY KEY (decision_id, a, b),
    CHECK (a < b)
);

CREATE INDEX link_constraints_a_idx ON link_constraints (a);
CREATE INDEX link_constraints_b_idx ON link_constraints (b);

-- Every write by a person: who (an account, or the command line), when, what, before/after.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    user_id   bigint REFERENCES users (id),
    -- The account's name, or `cli:<os user>` for the command line.
    actor     text NOT NULL,
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id text,
    before    jsonb,
    after     jsonb
);

CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

-- The unit a mention was attached through (the other end of its link), for the review
-- queue. Derived, like the rest of thread_mentions; filled in here for stores linked before.
ALTER TABLE thread_mentions ADD COLUMN linked_from bigint;

UPDATE thread_mentions m
SET linked_from = (
    SELECT CASE WHEN l.a = m.commitment_id THEN l.b ELSE l.a END
    FROM links l
    JOIN thread_mentions o
      ON o.commitment_id = CASE WHEN l.a = m.commitment_id THEN l.b ELSE l.a END
     AND o.thread_id = m.thread_id
    WHERE (l.a = m.commitment_id OR l.b = m.commitment_id)
      AND l.score = m.score
    ORDER BY o.position
    LIMIT 1
)
WHERE m.score IS NOT NULL;

-- The review queue walks machine links from the least certain.
CREATE INDEX thread_mentions_review_idx ON thread_mentions (score, commitment_id)
    WHERE linked_from IS NOT NULL;

-- When relinking retires a thread (merged into another), the thread that took most of its
-- mentions: its follow-ups and criteria show there, and its address leads there.
ALTER TABLE threads ADD COLUMN succeeded_by bigint REFERENCES threads (id);

-- Follow-ups and criteria of a thread include those of the threads merged into it.
CREATE INDEX threads_succeeded_by_idx ON threads (succeeded_by) WHERE succeeded_by IS NOT NULL;
