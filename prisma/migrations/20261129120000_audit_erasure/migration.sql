-- Guarded erasure of the audit log after `auditEventsDays` (policies/retention.yaml).
--
-- The audit log stays append-only for everyone. The one way to delete audit events is
-- audit_erase_through_checkpoint(), which deletes a prefix of the chain, up to the seq of a stored
-- signed checkpoint, so that verification can start again from that checkpoint (its head hash is the
-- prevHash of the first event left). Defence in depth, whatever the caller passes:
--   * only events up to the checkpoint's seq, only when the checkpoint matches the log (same hash at
--     that seq) and at least one later event stays (the head is never erased);
--   * only when every erased event is older than the caller's cutoff AND older than 183 days by the
--     database's own clock (the six-month floor for automatically generated logs: AI Act Art. 19(1),
--     26(6)); the floor is written here, not read from a setting, and the trigger checks it again
--     for every row;
--   * the trigger allows DELETE only while the transaction-local setting
--     smugwatch.audit_erasure_through, which the function sets and clears around its DELETE, covers
--     the row; UPDATE and TRUNCATE stay refused;
--   * smugwatch_app still has no DELETE on the table; it may only EXECUTE the function.
-- The app writes the `erasure` audit event in the same transaction (src/retention/audit-erasure.ts).

CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
DECLARE
  through text;
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_event' THEN
    through := current_setting('smugwatch.audit_erasure_through', true);
    IF through IS NOT NULL AND through ~ '^[0-9]+$' THEN
      IF OLD.seq <= through::bigint AND OLD.occurred_at < statement_timestamp() - interval '183 days' THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_erase_through_checkpoint(p_checkpoint_id uuid, p_cutoff timestamptz)
RETURNS TABLE (erased bigint, first_seq bigint, last_seq bigint, anchor_seq bigint, anchor_head_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  floor_at CONSTANT timestamptz := statement_timestamp() - interval '183 days';
  cp record;
  lo bigint;
  youngest timestamptz;
  n bigint;
BEGIN
  IF p_checkpoint_id IS NULL OR p_cutoff IS NULL THEN
    RAISE EXCEPTION 'audit erasure refused: a checkpoint and a cutoff are required' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Serialise with appends (AUDIT_CHAIN_LOCK in src/audit/audit-writer.ts).
  PERFORM pg_advisory_xact_lock(1518182609);
  SELECT c.seq, c.head_hash INTO cp FROM audit_checkpoint c WHERE c.id = p_checkpoint_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit erasure refused: no stored checkpoint %', p_checkpoint_id USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT min(e.seq) INTO lo FROM audit_event e;
  IF lo IS NULL OR cp.seq < lo THEN
    RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::bigint, cp.seq, cp.head_hash; -- already erased up to there
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.seq = cp.seq AND e.hash = cp.head_hash) THEN
    RAISE EXCEPTION 'audit erasure refused: checkpoint at seq % does not match the log', cp.seq USING ERRCODE = 'data_exception';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.seq > cp.seq) THEN
    RAISE EXCEPTION 'audit erasure refused: the head of the chain (seq %) is never erased', cp.seq USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT max(e.occurred_at) INTO youngest FROM audit_event e WHERE e.seq <= cp.seq;
  IF youngest >= p_cutoff THEN
    RAISE EXCEPTION 'audit erasure refused: an event up to seq % (of %) is not older than the cutoff %', cp.seq, youngest, p_cutoff USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF youngest >= floor_at THEN
    RAISE EXCEPTION 'audit erasure refused: an event up to seq % (of %) is younger than the 183-day floor (AI Act Art. 19(1), 26(6))', cp.seq, youngest USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('smugwatch.audit_erasure_through', cp.seq::text, true);
  DELETE FROM audit_event e WHERE e.seq <= cp.seq;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('smugwatch.audit_erasure_through', '', true);
  RETURN QUERY SELECT n, lo, cp.seq, cp.seq, cp.head_hash;
END
$$;

REVOKE ALL ON FUNCTION audit_erase_through_checkpoint(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_erase_through_checkpoint(uuid, timestamptz) TO smugwatch_app;
