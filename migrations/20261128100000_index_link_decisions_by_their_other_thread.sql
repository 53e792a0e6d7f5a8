-- A thread's page lists the decisions about it: made on it (thread_id, indexed), naming it as
-- the other thread (a merge, a move: indexed here), or naming one of its mentions (through
-- link_constraints' unit indexes).
CREATE INDEX link_decisions_other_thread_idx ON link_decisions (other_thread_id)
    WHERE other_thread_id IS NOT NULL;
