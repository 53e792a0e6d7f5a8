-- A progress report as of a past date finds each thread's deadline and target from the
-- mentions known by then. Kept on the mention, as `states_target` is, so that the report
-- reads thread_mentions alone instead of looking up every unit (2 s of 4 at 100,000 threads).

-- The deadline the mention's unit states (the last day of its period), if any.
ALTER TABLE thread_mentions ADD COLUMN deadline date;
-- Whether the unit states a target with a deadline (what a thread's target is taken from).
ALTER TABLE thread_mentions ADD COLUMN states_dated_target boolean NOT NULL DEFAULT false;

UPDATE thread_mentions m
SET deadline = c.deadline,
    states_dated_target = m.states_target
        AND jsonb_path_exists(c.attributes, '$.targets[*] ? (@.deadline != null)')
FROM commitments c
WHERE c.id = m.commitment_id AND (c.deadline IS NOT NULL OR m.states_target);
