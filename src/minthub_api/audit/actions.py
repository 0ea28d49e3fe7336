"""The closed vocabularies of the audit trail: actions (`noun_verb`) and reasons."""

from enum import StrEnum


class AuditAction(StrEnum):
    spapi_call = "spapi_call"
    store_data_read = "store_data_read"
    store_connect_started = "store_connect_started"
    store_connected = "store_connected"
    store_reauthorized = "store_reauthorized"
    store_connect_failed = "store_connect_failed"
    store_revoked = "store_revoked"
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
    api_token_created = "api_token_created"  # noqa: S105 - an action name
    api_token_revoked = "api_token_revoked"  # noqa: S105 - an action name
    invitation_created = "invitation_created"
    invitation_accepted = "invitation_accepted"
    invitation_revoked = "invitation_revoked"
    store_member_removed = "store_member_removed"
    store_disconnected = "store_disconnected"
    beta_request_received = "beta_request_received"
    audit_exported = "audit_exported"
    beta_request_approved = "beta_request_approved"
    beta_request_rejected = "beta_request_rejected"


class AuditReason(StrEnum):
    user_view = "user_view"
    authorization = "authorization"
    sign_in = "sign_in"
    manual_refresh = "manual_refresh"
    scheduled_sync = "scheduled_sync"
    health_check = "health_check"
    export = "export"
    operator_action = "operator_action"
    access_management = "access_management"


class ActorType(StrEnum):
    user = "user"
    system = "system"
    api_token = "api_token"  # noqa: S105 - an actor kind, not a secret
