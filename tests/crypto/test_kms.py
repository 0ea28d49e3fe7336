"""The AWS KMS key provider, against moto's KMS (no AWS account here), and a live move of every
wrapped data key (stores' refresh tokens, users' TOTP secrets) from the local KEK into KMS."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import boto3
import httpx
import pytest
from fastapi import FastAPI
from moto import mock_aws
from sqlalchemy import select

from minthub_api.auth.models import UserTotp
from minthub_api.core.settings import ConfigurationError, Settings
from minthub_api.crypto.envelope import (
    DecryptionError,
    EncryptedSecret,
    KeyProvider,
    LocalKeyProvider,
    open_sealed,
    seal,
    store_associated_data,
)
from minthub_api.crypto.kms import KEY_ID_PREFIX, AwsKmsKeyProvider, kms_client
from minthub_api.crypto.providers import ChainedKeyProvider, build_key_provider
from minthub_api.crypto.rotation import key_usage, rotate
from minthub_api.health.readiness import check_key_provider
from minthub_api.main import build_amazon, create_app
from minthub_api.stores.models import Store, StoreCredential
from minthub_api.stores.spapi import read_refresh_token
from tests.conftest import (
    OwnerDb,
    anonymous_client,
    connect_store,
    login,
    signed_in_client,
    totp_now,
)

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

REGION = "eu-west-1"
TOKEN = "Atzr|IwEBIA-example-refresh-token"


@pytest.fixture
def kms() -> Iterator[KMSClient]:
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with mock_aws():
            yield boto3.client("kms", region_name=REGION)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def new_key(kms: KMSClient, alias: str | None = None) -> str:
    key_id = kms.create_key(Description="minthub test KEK")["KeyMetadata"]["KeyId"]
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id


class TestAwsKmsKeyProvider:
    def test_round_trip_records_the_key_not_the_alias(self, kms: KMSClient) -> None:
        key_id = new_key(kms, "alias/minthub-kek")
        provider = AwsKmsKeyProvider(kms, "alias/minthub-kek")
        assert provider.current_key_id == KEY_ID_PREFIX + key_id
        assert len(provider.current_key_id) <= 64  # fits the key_id columns
        aad = store_associated_data("store-1", "A1SELLER")
        sealed = seal(provider, TOKEN, associated_data=aad)
        assert sealed.key_id == provider.current_key_id
        assert TOKEN.encode() not in sealed.wrapped_key + sealed.ciphertext
        assert open_sealed(provider, sealed, associated_data=aad) == TOKEN
        # The alias moving to another key does not orphan what the old key wrapped.
        other = new_key(kms)
        kms.update_alias(AliasName="alias/minthub-kek", TargetKeyId=other)
        moved = AwsKmsKeyProvider(kms, "alias/minthub-kek")
        assert moved.current_key_id == KEY_ID_PREFIX + other
        assert open_sealed(moved, sealed, associated_data=aad) == TOKEN

    def test_a_blob_without_our_encryption_context_does_not_open(self, kms: KMSClient) -> None:
        key_id = new_key(kms)
        provider = AwsKmsKeyProvider(kms, key_id)
        foreign = kms.encrypt(KeyId=key_id, Plaintext=os.urandom(32))["CiphertextBlob"]
        with pytest.raises(DecryptionError, match="KMS could not unwrap"):
            provider.unwrap(provider.current_key_id, foreign)

    def test_a_blob_of_another_key_or_a_local_key_id_is_refused(self, kms: KMSClient) -> None:
        a, b = AwsKmsKeyProvider(kms, new_key(kms)), AwsKmsKeyProvider(kms, new_key(kms))
        key_id, wrapped = a.wrap(os.urandom(32))
        with pytest.raises(DecryptionError):
            b.unwrap(b.current_key_id, wrapped)  # claims to be b's
        with pytest.raises(DecryptionError, match="not a KMS key"):
            a.unwrap("local-1", wrapped)
        assert a.unwrap(key_id, wrapped)  # and the right one opens

    def test_kms_out_of_reach_is_not_ready_and_names_no_secret(self, kms: KMSClient) -> None:
        provider = AwsKmsKeyProvider(kms, new_key(kms))
        assert check_key_provider(provider).ok
        provider._client = kms_client(REGION, "http://127.0.0.1:9", timeout=1)
        check = check_key_provider(provider)
        assert not check.ok and check.detail == "key provider failed (EndpointConnectionError)"
        with pytest.raises(DecryptionError, match=r"\(EndpointConnectionError\)"):
            provider.unwrap(provider.current_key_id, b"\x01" * 64)

    def test_unknown_or_asymmetric_keys_are_refused_at_start(self, kms: KMSClient) -> None:
        with pytest.raises(ValueError, match="MINTHUB_KMS_KEY_ID 'alias/missing' is not usable"):
            AwsKmsKeyProvider(kms, "alias/missing")
        signing = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]
        with pytest.raises(ValueError, match="symmetric"):
            AwsKmsKeyProvider(kms, signing["KeyId"])


async def test_settings_choose_the_provider(settings: Settings, kms: KMSClient) -> None:
    assert isinstance(build_key_provider(settings), LocalKeyProvider)
    key_id = new_key(kms, "alias/minthub")
    chosen = settings.model_copy(
        update={"key_provider": "aws-kms", "kms_key_id": "alias/minthub", "kms_region": REGION}
    )
    provider = build_key_provider(chosen)
    assert isinstance(provider, ChainedKeyProvider)
    assert provider.current_key_id == KEY_ID_PREFIX + key_id
    missing = settings.model_copy(update={"key_provider": "aws-kms", "kms_key_id": ""})
    assert "MINTHUB_KMS_KEY_ID is not set (MINTHUB_KEY_PROVIDER=aws-kms)" in (
        missing.configuration_problems()
    )
    async with httpx.AsyncClient() as http:
        with pytest.raises(ConfigurationError, match="MINTHUB_KMS_KEY_ID 'alias/nope'"):
            build_amazon(missing.model_copy(update={"kms_key_id": "alias/nope"}), http)


class _BackToLocal:
    """Test-only: wraps with the session's local KEK, unwraps KMS blobs (undoes the move)."""

    def __init__(self, local: LocalKeyProvider, kms: KeyProvider) -> None:
        self.local, self.kms = local, kms

    @property
    def current_key_id(self) -> str:
        return self.local.current_key_id

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        return self.local.wrap(data_key)

    def unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        if key_id.startswith(KEY_ID_PREFIX):
            return self.kms.unwrap(key_id, wrapped)
        return self.local.unwrap(key_id, wrapped)


@pytest.fixture
async def kms_app(settings: Settings, kms: KMSClient) -> AsyncIterator[FastAPI]:
    new_key(kms, "alias/minthub-kek")
    chosen = settings.model_copy(
        update={"key_provider": "aws-kms", "kms_key_id": "alias/minthub-kek", "kms_region": REGION}
    )
    application = create_app(chosen)
    async with application.router.lifespan_context(application):
        yield application


async def test_keys_move_from_the_local_kek_into_kms_while_the_service_runs(
    app: FastAPI,
    kms_app: FastAPI,
    owner_db: OwnerDb,
    settings: Settings,
    sim_http: httpx.AsyncClient,
) -> None:
    """Connected on the local KEK, then `keys rotate` with MINTHUB_KEY_PROVIDER=aws-kms: every
    refresh token and TOTP secret is re-wrapped by KMS, and both still work through KMS."""
    provider = kms_app.state.amazon.key_provider
    local = LocalKeyProvider(settings.keyring(), settings.token_kek_id)
    async with signed_in_client(app) as owner:
        store = await connect_store(owner, sim_http)
        async with owner_db() as session:
            before = await key_usage(session)
        assert set(before) == {settings.token_kek_id}
        try:
            result = await rotate(kms_app.state.sessionmaker, provider)
            assert result.current_key_id == provider.current_key_id
            assert result.rewrapped >= 1 and result.rewrapped_mfa_secrets >= 1
            assert result.key_ids_in_use == {provider.current_key_id: sum(before.values())}
            async with owner_db() as session:
                cred = await session.get(StoreCredential, store["id"])
                assert cred is not None and cred.key_id == provider.current_key_id
                sealed = EncryptedSecret(cred.key_id, cred.wrapped_key, cred.nonce, cred.ciphertext)
                # KMS alone (no local key) opens the store's refresh token now.
                kms_only = AwsKmsKeyProvider(
                    boto3.client("kms", region_name=REGION), cred.key_id.removeprefix("kms:")
                )
                aad = store_associated_data(str(store["id"]), str(store["selling_partner_id"]))
                assert open_sealed(kms_only, sealed, associated_data=aad).startswith("Atzr|")
                totp = (await session.scalars(select(UserTotp.key_id))).all()
                assert set(totp) == {provider.current_key_id}
            # The owner's second factor, unwrapped through KMS, still signs them in.
            async with anonymous_client(kms_app) as again:
                r = await login(again, owner.email)  # type: ignore[attr-defined]
                assert r.status_code == 200, r.text
                code = totp_now(owner.totp_secret, 1)  # type: ignore[attr-defined]
                r = await again.post("/api/v1/auth/mfa/verify", json={"code": code})
                assert r.status_code == 200, r.text
            # The app's own read path opens the store's refresh token through KMS.
            async with owner_db() as session:
                row = await session.get(Store, store["id"])
                assert row is not None
                token = await read_refresh_token(session, provider, row)
                assert token is not None and token.startswith("Atzr|")
            async with anonymous_client(kms_app) as probe:
                ready = (await probe.get("/api/v1/ready")).json()
            key_check = ready["checks"]["key_provider"]
            assert key_check["ok"] and provider.current_key_id in key_check["detail"]
        finally:
            # Put the running app's local key back in charge for the other tests.
            await rotate(app.state.sessionmaker, _BackToLocal(local, provider))
        async with owner_db() as session:
            assert set(await key_usage(session)) == {settings.token_kek_id}
