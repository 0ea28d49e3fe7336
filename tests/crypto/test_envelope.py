import os

import pytest

from minthub_api.crypto.envelope import (
    DecryptionError,
    LocalKeyProvider,
    open_sealed,
    rewrap,
    seal,
    store_associated_data,
)

TOKEN = "Atzr|IwEBIA-example-refresh-token"


def provider(**keys: bytes) -> LocalKeyProvider:
    keys = keys or {"k1": os.urandom(32)}
    return LocalKeyProvider(keys, next(iter(keys)))


class TestSeal:
    def test_round_trip(self) -> None:
        p = provider()
        aad = store_associated_data("store-1", "A1SELLER")
        sealed = seal(p, TOKEN, associated_data=aad)
        assert open_sealed(p, sealed, associated_data=aad) == TOKEN

    def test_ciphertext_does_not_contain_plaintext(self) -> None:
        sealed = seal(provider(), TOKEN, associated_data=b"x")
        blob = sealed.ciphertext + sealed.wrapped_key + sealed.nonce
        assert TOKEN.encode() not in blob
        assert b"Atzr" not in blob

    def test_each_secret_gets_its_own_data_key(self) -> None:
        p = provider()
        a = seal(p, TOKEN, associated_data=b"x")
        b = seal(p, TOKEN, associated_data=b"x")
        assert a.wrapped_key != b.wrapped_key
        assert a.ciphertext != b.ciphertext

    def test_copied_onto_another_store_fails(self) -> None:
        p = provider()
        sealed = seal(p, TOKEN, associated_data=store_associated_data("store-1", "A1SELLER"))
        with pytest.raises(DecryptionError):
            open_sealed(p, sealed, associated_data=store_associated_data("store-2", "A1SELLER"))
        with pytest.raises(DecryptionError):
            open_sealed(p, sealed, associated_data=store_associated_data("store-1", "A2OTHER"))

    def test_wrong_kek_fails(self) -> None:
        sealed = seal(provider(k1=os.urandom(32)), TOKEN, associated_data=b"x")
        with pytest.raises(DecryptionError):
            open_sealed(provider(k1=os.urandom(32)), sealed, associated_data=b"x")

    def test_unknown_key_id_fails(self) -> None:
        sealed = seal(provider(k1=os.urandom(32)), TOKEN, associated_data=b"x")
        with pytest.raises(DecryptionError):
            open_sealed(provider(k2=os.urandom(32)), sealed, associated_data=b"x")

    def test_tampered_ciphertext_fails(self) -> None:
        p = provider()
        sealed = seal(p, TOKEN, associated_data=b"x")
        flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
        with pytest.raises(DecryptionError):
            open_sealed(
                p,
                type(sealed)(sealed.key_id, sealed.wrapped_key, sealed.nonce, flipped),
                associated_data=b"x",
            )

    def test_repr_hides_material(self) -> None:
        sealed = seal(provider(), TOKEN, associated_data=b"x")
        assert "***" in repr(sealed)
        assert sealed.ciphertext.hex() not in repr(sealed)


class TestRewrap:
    def test_rewrap_moves_to_current_kek(self) -> None:
        old, new = os.urandom(32), os.urandom(32)
        sealed = seal(LocalKeyProvider({"old": old}, "old"), TOKEN, associated_data=b"x")
        rotated = LocalKeyProvider({"old": old, "new": new}, "new")
        moved = rewrap(rotated, sealed)
        assert moved.key_id == "new"
        assert (
            open_sealed(LocalKeyProvider({"new": new}, "new"), moved, associated_data=b"x") == TOKEN
        )
