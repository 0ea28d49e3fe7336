"""AWS KMS as the key-encryption key provider (optional extra: `pip install minthub-api[kms]`).

The KEK never leaves KMS: a store's data key is wrapped with KMS `Encrypt` and unwrapped with
`Decrypt`, both bound to an encryption context, so a wrapped key only opens for this purpose
(and KMS's CloudTrail log shows every unwrap). The key id we record with each ciphertext is
`kms:<key uuid>`: short enough for the `key_id` columns, and enough for `Decrypt`, which also
checks that the blob was made by that key. Rotating to another KMS key is the usual procedure:
point MINTHUB_KMS_KEY_ID at the new key and run `minthub-api keys rotate`; blobs made by the
old key still decrypt for as long as the old key is enabled and our role may use it.

The calls are synchronous (boto3): they happen when a data key is wrapped or unwrapped, i.e. on
connect, renewal, rotation and an access-token refresh (at most hourly per store), not on reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minthub_api.crypto.envelope import DecryptionError

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

KEY_ID_PREFIX = "kms:"
# Bound into every wrap: a blob from another application on the same key does not open here.
ENCRYPTION_CONTEXT = {"app": "minthub", "purpose": "data-key"}


class AwsKmsKeyProvider:
    """Wraps data keys with one KMS symmetric key; unwraps with whichever key made the blob."""

    def __init__(self, client: KMSClient, key_id: str) -> None:
        if not key_id:
            raise ValueError("MINTHUB_KMS_KEY_ID is not set")
        self._client = client
        # Resolve aliases and ARNs once: the recorded id must name the key, not an alias that
        # may later point elsewhere.
        try:
            meta = client.describe_key(KeyId=key_id)["KeyMetadata"]
        except Exception as exc:  # botocore errors carry no secrets, but keep ours uniform
            raise ValueError(f"MINTHUB_KMS_KEY_ID {key_id!r} is not usable ({exc})") from exc
        if meta.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
            raise ValueError("MINTHUB_KMS_KEY_ID must be a symmetric encryption key")
        self._key_uuid = meta["KeyId"]

    def __repr__(self) -> str:
        return f"AwsKmsKeyProvider(current={self.current_key_id!r})"

    @property
    def current_key_id(self) -> str:
        return KEY_ID_PREFIX + self._key_uuid

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        response = self._client.encrypt(
            KeyId=self._key_uuid, Plaintext=data_key, EncryptionContext=ENCRYPTION_CONTEXT
        )
        return self.current_key_id, response["CiphertextBlob"]

    def unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        if not key_id.startswith(KEY_ID_PREFIX):
            raise DecryptionError(f"key id {key_id!r} is not a KMS key")
        try:
            response = self._client.decrypt(
                KeyId=key_id.removeprefix(KEY_ID_PREFIX),
                CiphertextBlob=wrapped,
                EncryptionContext=ENCRYPTION_CONTEXT,
            )
        except Exception as exc:  # InvalidCiphertext, IncorrectKey, AccessDenied, disabled key
            raise DecryptionError(f"KMS could not unwrap the data key ({_code(exc)})") from exc
        return response["Plaintext"]


def _code(exc: Exception) -> str:
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", type(exc).__name__))
    return type(exc).__name__


def kms_client(region: str | None, endpoint_url: str | None, timeout: float = 10.0) -> KMSClient:
    """A boto3 KMS client with the default credential chain (role, env, profile), bounded
    timeouts and the SDK's standard retry mode (throttling and transient errors)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise ValueError(
            "MINTHUB_KEY_PROVIDER=aws-kms needs the kms extra: pip install 'minthub-api[kms]'"
        ) from exc
    config = Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"mode": "standard", "max_attempts": 3},
    )
    client: KMSClient = boto3.client(
        "kms", region_name=region, endpoint_url=endpoint_url, config=config
    )
    return client
