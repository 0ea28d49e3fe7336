"""The closed vocabularies of the audit trail: actions (`noun_verb`) and reasons.

Every action here has a call site (tests/audit/test_vocabulary.py checks it): add the name here
together with the code that records it, rather than inventing one at the call site or reserving
one ahead of its feature, and never put free text in `reason`.
"""

from enum import StrEnum


class AuditAction(StrEnum):
    # Amazon data access.
    spapi_call = "spapi_call"  # one per HTTP attempt: operation, status, request id, records
    store_data_read = "store_data_read"  # a read of store data through our API/UI: endpoint, rows
    audit_exported = "audit_exported"  # an export of the audit trail: format, range, rows
    audit_retention_applied = "audit_retention_applied"  # cutoff, chains, removed
    # Authorization (grants) of a store.
    store_connect_started = "store_connect_started"
    store_connected = "store_connected"  # authorization granted
    store_reauthorized = "store_reauthorized"  # authorization renewed
    store_connect_failed = "store_connect_failed"
    store_revoked = "store_revoked"  # authorization revoked; details.cause
    token_refresh_failed = "token_refresh_failed"  # noqa: S105 - LWA refresh refused or unavailable
    store_authorization_checked = "store_authorization_checked"  # health check: details.outcome
    store_renewal_warned = "store_renewal_warned"  # details.days_before, days_left, recipients
    store_data_deleted = "store_data_deleted"  # revoked store's synced data: details.cause, rows
    # Keys.
    key_rotated = "key_rotated"  # KEK rotation: per store old_key_id, new_key_id; a run summary
    # People and access.
    membership_added = "membership_added"  # details.user_id, role
    membership_role_changed = "membership_role_changed"  # details.user_id, old_role, new_role
    api_token_created = "api_token_created"  # noqa: S105 - details.token_id (never the token)
    api_token_revoked = "api_token_revoked"  # noqa: S105 - details.token_id
    user_signed_in = "user_signed_in"
    user_sign_in_failed = "user_sign_in_failed"
    user_signed_out = "user_signed_out"
    user_created = "user_created"
    user_signed_out_everywhere = "user_signed_out_everywhere"
    user_disabled = "user_disabled"
    user_mfa_enabled = "user_mfa_enabled"
    user_mfa_verified = "user_mfa_verified"
    user_mfa_failed = "user_mfa_failed"
    user_mfa_reset = "user_mfa_reset"
    user_recovery_code_used = "user_recovery_code_used"
    invitation_created = "invitation_created"
    invitation_accepted = "invitation_accepted"
    invitation_revoked = "invitation_revoked"
    store_member_removed = "store_member_removed"
    beta_request_received = "beta_request_received"
    beta_request_approved = "beta_request_approved"
    beta_request_rejected = "beta_request_rejected"
    sync_requested = "sync_requested"
    report_requested = "report_requested"  # details.report_type, report_id, reused


class AuditReason(StrEnum):
    user_view = "user_view"  # a person looked at it
    scheduled_sync = "scheduled_sync"  # a background job
    manual_refresh = "manual_refresh"  # a person asked for fresh data
    health_check = "health_check"  # connectivity checks
    authorization = "authorization"  # connecting, renewing, revoking a store
    sign_in = "sign_in"
    export = "export"
    operator_action = "operator_action"  # CLI / administrators
    retention = "retention"  # the retention job
    security = "security"  # MFA, API tokens, keys, memberships
    access_management = "access_management"


class ActorType(StrEnum):
    user = "user"
    system = "system"
    api_token = "api_token"  # noqa: S105 - an actor kind, not a secret
