"""The key provider a process uses, chosen by MINTHUB_KEY_PROVIDER."""

from __future__ import annotations

from minthub_api.core.settings import Settings
from minthub_api.crypto.envelope import DecryptionError, KeyProvider, LocalKeyProvider


class ChainedKeyProvider:
    """Wraps with the current provider; unwraps with whichever provider holds the key id.

    Moving from local keys to KMS: the local keyring still opens what it wrapped, until
    `minthub-api keys rotate` has re-wrapped everything under the KMS key.
    """

    def __init__(self, current: KeyProvider, older: LocalKeyProvider) -> None:
        self._current = current
        self._older = older

    def __repr__(self) -> str:
        return f"ChainedKeyProvider(current={self._current!r}, older={self._older!r})"

    @property
    def current_key_id(self) -> str:
        return self._current.current_key_id

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        return self._current.wrap(data_key)

    def unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        if key_id in self._older.key_ids:
            return self._older.unwrap(key_id, wrapped)
        return self._current.unwrap(key_id, wrapped)


def build_key_provider(settings: Settings) -> KeyProvider:
    """Raise ValueError, naming the variable, when the configured provider is unusable."""
    local = LocalKeyProvider(settings.keyring(), settings.token_kek_id)
    if settings.key_provider == "local":
        return local
    from minthub_api.crypto.kms import AwsKmsKeyProvider, kms_client

    client = kms_client(
        settings.kms_region or None,
        settings.kms_endpoint_url or None,
        settings.http_timeout_seconds,
    )
    return ChainedKeyProvider(AwsKmsKeyProvider(client, settings.kms_key_id), local)


__all__ = ["ChainedKeyProvider", "DecryptionError", "build_key_provider"]
