-- `log --agent NAME` asks whether NAME ever acted (0027) when NAME is no role: an EXISTS over
-- portal.all_events by actor. The chained half has an index on (actor, seq); the staged half
-- had none, so every refusal of an unknown name read the whole staging table (47 ms with
-- 282,000 events staged while the chainer caught up after a large load). With this index both
-- halves answer from an index, whatever the log's size.
SET LOCAL ROLE supportdesk_owner;

CREATE INDEX audit_staging_actor ON portal.audit_staging (actor, event_id);
