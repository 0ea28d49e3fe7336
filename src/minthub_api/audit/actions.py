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
    sync_requested = "sync_requested"


class AuditReason(StrEnum):
    user_view = "user_view"
    authorization = "authorization"
    sign_in = "sign_in"
    manual_refresh = "manual_refresh"
    scheduled_sync = "scheduled_sync"
    health_check = "health_check"
    export = "export"
    operator_action = "operator_action"


class ActorType(StrEnum):
    user = "user"
    system = "system"
    api_token = "api_token"  # noqa: S105 - an actor kind, not a secret
