"""audit trail: hash chain per store, append-only guard, signed retention checkpoints

Revision ID: i7_0001
Revises: 0002
Create Date: 2026-12-03 17:50:00+00:00

What this installs (see README "Audit trail: append-only and tamper-evident"):
- `audit_events.seq/prev_hash/hash`, filled by the BEFORE INSERT trigger `audit_events_chain`
  under a per-chain advisory transaction lock, so concurrent inserts for one store chain
  correctly while `audit.record()` stays a plain `session.add()`.
- `audit_events_guard`: rejects UPDATE, DELETE and TRUNCATE for every role, owner included,
  except DELETEs issued by `audit_apply_retention()` (the retention job's only way in).
- `audit_checkpoints`: signed checkpoints written by the retention job.
- `audit_grant_app_role(role)` / `audit_grant_retention_role(role)`: the privileges of the
  application role (SELECT, INSERT only) and of a retention role. Applied here to `minthub_app`
  and `minthub_retention` when those roles exist; otherwise the integrator runs them once the
  roles exist (the migration only prints a NOTICE).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i7_0001"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ZERO_HASH = "'\\x" + "00" * 32 + "'::bytea"

# The canonical content of an event, hashed as sha256(prev_hash || canonical). Every field is
# length-prefixed (`<bytes>:<text>`, `~` for NULL) so no two events share an encoding; the
# timestamp is microseconds since the epoch, `details` is PostgreSQL's own jsonb text (its
# normal form). `audit/chain.py::canonical()` builds the same bytes; a test keeps them equal.
CANONICAL = f"""
CREATE OR REPLACE FUNCTION audit_field(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '~' ELSE octet_length(v)::text || ':' || v END
$$;
-- ;;

CREATE OR REPLACE FUNCTION audit_canonical(e audit_events) RETURNS bytea
LANGUAGE sql STABLE AS $$
  SELECT convert_to(
    'v1'
    || audit_field(e.store_id::text)
    || audit_field(e.seq::text)
    || audit_field(((extract(epoch FROM e.occurred_at) * 1000000)::bigint)::text)
    || audit_field(e.actor_type)
    || audit_field(e.actor_id::text)
    || audit_field(e.action)
    || audit_field(e.reason)
    || audit_field(e.operation)
    || audit_field(e.amazon_request_id)
    || audit_field(e.status_code::text)
    || audit_field(e.request_id)
    || audit_field(e.details::text),
    'UTF8')
$$;
-- ;;

CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash bytea;
BEGIN
  -- Under REPEATABLE READ the lookup below could miss an event committed after our snapshot
  -- and fork the chain; the application writes in READ COMMITTED (PostgreSQL's default).
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'audit events must be written in READ COMMITTED transactions'
      USING ERRCODE = 'feature_not_supported';
  END IF;
  -- One writer per chain at a time, until commit: the next insert waits, then (a new
  -- statement, a new snapshot) sees this one. Class 7007 namespaces our advisory locks.
  PERFORM pg_advisory_xact_lock(7007, hashtext(coalesce(NEW.store_id::text, 'global')));
  IF NEW.store_id IS NULL THEN
    SELECT seq, hash INTO last_seq, last_hash FROM audit_events
      WHERE store_id IS NULL ORDER BY seq DESC LIMIT 1;
  ELSE
    SELECT seq, hash INTO last_seq, last_hash FROM audit_events
      WHERE store_id = NEW.store_id ORDER BY seq DESC LIMIT 1;
  END IF;
  IF last_seq IS NULL THEN
    -- Every earlier event may have gone to retention: continue from its checkpoint.
    SELECT seq, hash INTO last_seq, last_hash FROM audit_checkpoints
      WHERE store_id IS NOT DISTINCT FROM NEW.store_id ORDER BY seq DESC LIMIT 1;
  END IF;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, {ZERO_HASH});
  NEW.hash := sha256(NEW.prev_hash || audit_canonical(NEW));
  RETURN NEW;
END
$$;
-- ;;
"""

GUARD = """
CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('minthub.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'old events are removed only by the retention job (audit_apply_retention)';
END
$$;
-- ;;

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
-- ;;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
-- ;;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
-- ;;
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_events_guard();
-- ;;
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard();
-- ;;
"""

# The retention job's only way to delete: up to an existing checkpoint that matches the chain,
# never anything younger than 12 months (Amazon's minimum, whatever the setting says).
# SECURITY DEFINER: runs with the owner's DELETE privilege, which no other role gets.
RETENTION = """
CREATE OR REPLACE FUNCTION audit_apply_retention(p_store_id uuid, p_seq bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  cp_hash bytea;
  ev_hash bytea;
  removed bigint;
BEGIN
  SELECT hash INTO cp_hash FROM audit_checkpoints
    WHERE store_id IS NOT DISTINCT FROM p_store_id AND seq = p_seq;
  IF cp_hash IS NULL THEN
    RAISE EXCEPTION 'no audit checkpoint at seq % for this chain', p_seq;
  END IF;
  SELECT hash INTO ev_hash FROM audit_events
    WHERE store_id IS NOT DISTINCT FROM p_store_id AND seq = p_seq;
  IF ev_hash IS NOT NULL AND ev_hash <> cp_hash THEN
    RAISE EXCEPTION 'the checkpoint at seq % does not match the chain', p_seq;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events
             WHERE store_id IS NOT DISTINCT FROM p_store_id AND seq <= p_seq
               AND occurred_at > now() - interval '12 months') THEN
    RAISE EXCEPTION 'audit events younger than 12 months cannot be removed';
  END IF;
  PERFORM set_config('minthub.audit_retention', 'on', true);
  DELETE FROM audit_events WHERE store_id IS NOT DISTINCT FROM p_store_id AND seq <= p_seq;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('minthub.audit_retention', 'off', true);
  RETURN removed;
END
$$;
-- ;;
REVOKE ALL ON FUNCTION audit_apply_retention(uuid, bigint) FROM PUBLIC;
-- ;;

CREATE OR REPLACE FUNCTION audit_grant_app_role(p_role name) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('REVOKE ALL ON audit_events, audit_checkpoints FROM %I', p_role);
  EXECUTE format('GRANT SELECT, INSERT ON audit_events, audit_checkpoints TO %I', p_role);
END
$$;
-- ;;

CREATE OR REPLACE FUNCTION audit_grant_retention_role(p_role name) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM audit_grant_app_role(p_role);
  EXECUTE format('GRANT EXECUTE ON FUNCTION audit_apply_retention(uuid, bigint) TO %I', p_role);
END
$$;
-- ;;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minthub_app') THEN
    PERFORM audit_grant_app_role('minthub_app');
  ELSE
    RAISE NOTICE 'role minthub_app does not exist yet: run SELECT audit_grant_app_role(''<app role>'') once it does';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minthub_retention') THEN
    PERFORM audit_grant_retention_role('minthub_retention');
  END IF;
END
$$;
-- ;;
"""

BACKFILL = f"""
DO $$
DECLARE
  r audit_events;
  prev bytea;
  cur uuid;
  started boolean := false;
  n bigint;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY store_id NULLS FIRST, occurred_at, id LOOP
    IF NOT started OR r.store_id IS DISTINCT FROM cur THEN
      prev := {ZERO_HASH}; n := 0; cur := r.store_id; started := true;
    END IF;
    n := n + 1;
    r.seq := n;
    r.prev_hash := prev;
    r.hash := sha256(prev || audit_canonical(r));
    UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
END
$$;
-- ;;
"""


def _execute_all(script: str) -> None:
    """asyncpg runs one statement per call: the scripts mark their boundaries with `-- ;;`."""
    for statement in script.split("-- ;;"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column("audit_events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_events", sa.Column("prev_hash", sa.LargeBinary(length=32), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.LargeBinary(length=32), nullable=True))
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("store_id", sa.Uuid(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("last_occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
        sa.UniqueConstraint("store_id", "seq", name="uq_audit_checkpoints_store_id_seq"),
    )
    _execute_all(CANONICAL)
    _execute_all(BACKFILL)
    for column in ("seq", "prev_hash", "hash"):
        op.alter_column("audit_events", column, nullable=False)
    op.create_unique_constraint("uq_audit_events_store_id_seq", "audit_events", ["store_id", "seq"])
    _execute_all(GUARD)
    _execute_all(RETENTION)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for trigger, table in (
        ("audit_events_chain", "audit_events"),
        ("audit_events_no_change", "audit_events"),
        ("audit_events_no_truncate", "audit_events"),
        ("audit_checkpoints_no_change", "audit_checkpoints"),
        ("audit_checkpoints_no_truncate", "audit_checkpoints"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for function in (
        "audit_grant_retention_role(name)",
        "audit_grant_app_role(name)",
        "audit_apply_retention(uuid, bigint)",
        "audit_events_guard()",
        "audit_events_chain()",
        "audit_canonical(audit_events)",
        "audit_field(text)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_constraint("uq_audit_events_store_id_seq", "audit_events", type_="unique")
    op.drop_table("audit_checkpoints")
    op.drop_column("audit_events", "hash")
    op.drop_column("audit_events", "prev_hash")
    op.drop_column("audit_events", "seq")
