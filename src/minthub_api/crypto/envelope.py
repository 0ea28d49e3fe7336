"""Envelope encryption for secrets at rest (refresh tokens).

Each secret gets a fresh random 256-bit data key; the secret is sealed with AES-256-GCM under
that data key, with associated data that binds it to its owner (store id and selling partner
id), so a ciphertext copied onto another row fails to open. The data key is wrapped (AES key
wrap, RFC 3394) by a key-encryption key (KEK) from a `KeyProvider`; the wrapped key records
the KEK's id so KEKs can be rotated. Destroying the wrapped data key makes the secret
unrecoverable (crypto-shredding).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

DATA_KEY_BYTES = 32
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The secret could not be opened: wrong owner, unknown or wrong KEK, or tampering."""


class KeyProvider(Protocol):
    """Wraps and unwraps data keys with a key-encryption key it never reveals."""

    @property
    def current_key_id(self) -> str: ...

    def wrap(self, data_key: bytes) -> tuple[str, bytes]: ...

    def unwrap(self, key_id: str, wrapped: bytes) -> bytes: ...


class LocalKeyProvider:
    """KEKs held in process memory, loaded from settings. The first key id is current."""

    def __init__(self, keys: dict[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise ValueError("the current key id has no key")
        for key in keys.values():
            if len(key) != 32:
                raise ValueError("a key-encryption key must be 32 bytes")
        self._keys = dict(keys)
        self._current = current_key_id

    def __repr__(self) -> str:
        return f"LocalKeyProvider(key_ids={sorted(self._keys)!r}, current={self._current!r})"

    @property
    def current_key_id(self) -> str:
        return self._current

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        return self._current, aes_key_wrap(self._keys[self._current], data_key)

    def unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        kek = self._keys.get(key_id)
        if kek is None:
            raise DecryptionError(f"unknown key-encryption key id {key_id!r}")
        try:
            return aes_key_unwrap(kek, wrapped)
        except InvalidUnwrap as exc:
            raise DecryptionError("the data key could not be unwrapped") from exc


@dataclass(frozen=True)
class EncryptedSecret:
    key_id: str
    wrapped_key: bytes = field(repr=False)
    nonce: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f'EncryptedSecret("***", key_id={self.key_id!r})'


def seal(provider: KeyProvider, plaintext: str, *, associated_data: bytes) -> EncryptedSecret:
    data_key = AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), associated_data)
    key_id, wrapped = provider.wrap(data_key)
    return EncryptedSecret(key_id=key_id, wrapped_key=wrapped, nonce=nonce, ciphertext=ciphertext)


def open_sealed(provider: KeyProvider, secret: EncryptedSecret, *, associated_data: bytes) -> str:
    data_key = provider.unwrap(secret.key_id, secret.wrapped_key)
    try:
        plaintext = AESGCM(data_key).decrypt(secret.nonce, secret.ciphertext, associated_data)
    except InvalidTag as exc:
        raise DecryptionError("the secret does not belong to this owner or was altered") from exc
    return plaintext.decode("utf-8")


def rewrap(provider: KeyProvider, secret: EncryptedSecret) -> EncryptedSecret:
    """Re-wrap the data key under the provider's current KEK; the ciphertext is unchanged."""
    data_key = provider.unwrap(secret.key_id, secret.wrapped_key)
    key_id, wrapped = provider.wrap(data_key)
    return EncryptedSecret(
        key_id=key_id, wrapped_key=wrapped, nonce=secret.nonce, ciphertext=secret.ciphertext
    )


def store_associated_data(store_id: str, selling_partner_id: str) -> bytes:
    return f"minthub:store-refresh-token:v1:{store_id}:{selling_partner_id}".encode()
