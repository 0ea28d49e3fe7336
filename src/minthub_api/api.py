"""Routers: public routes under /api/v1 and store-scoped routes under /api/v1/stores/{store_id}.

Every store-scoped router is mounted with `get_current_store` as a router dependency, so every
route on it checks membership, even one whose handler forgot to ask for the store: isolation
does not depend on each author remembering it.
"""

from fastapi import APIRouter, Depends

from minthub_api.audit import endpoints as audit_endpoints
from minthub_api.auth import endpoints as auth_endpoints
from minthub_api.beta import endpoints as beta_endpoints
from minthub_api.health import endpoints as health_endpoints
from minthub_api.inventory import endpoints as inventory_endpoints
from minthub_api.invitations import endpoints as invitation_endpoints
from minthub_api.listings import endpoints as listings_endpoints
from minthub_api.orders import endpoints as orders_endpoints
from minthub_api.replenishment import endpoints as replenishment_endpoints
from minthub_api.reports import endpoints as report_endpoints
from minthub_api.stores import endpoints as store_endpoints
from minthub_api.stores.dependencies import get_current_store
from minthub_api.sync import endpoints as sync_endpoints
from minthub_api.tokens import endpoints as token_endpoints

STORE_PREFIX = "/stores/{store_id}"

STORE_SCOPED_ROUTERS = [
    store_endpoints.store_router,
    inventory_endpoints.router,
    orders_endpoints.router,
    audit_endpoints.store_router,
    invitation_endpoints.store_router,
    sync_endpoints.store_router,
    replenishment_endpoints.router,
    listings_endpoints.router,
    report_endpoints.router,
]

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_endpoints.router)
api_router.include_router(auth_endpoints.router)
# Public store routes first: `/stores/connect` must not be captured by `/stores/{store_id}`.
api_router.include_router(store_endpoints.router)
api_router.include_router(audit_endpoints.router)
api_router.include_router(token_endpoints.router)
api_router.include_router(invitation_endpoints.router)
api_router.include_router(beta_endpoints.router)
api_router.include_router(sync_endpoints.router)
for scoped in STORE_SCOPED_ROUTERS:
    api_router.include_router(
        scoped, prefix=STORE_PREFIX, dependencies=[Depends(get_current_store)]
    )
