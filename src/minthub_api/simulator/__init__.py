"""Simulated Amazon for demos, end-to-end tests and benchmarks.

``create_simulator_app(SimulatorConfig(...))`` returns a FastAPI app that plays Login with Amazon
(``POST /auth/o2/token``), the Seller Central consent page (``/apps/authorize/...``) and the SP-API
operations Mint Hub uses (getInventorySummaries, searchOrders, getOrder v2026-01-01,
getMarketplaceParticipations), with Amazon's error bodies, headers and usage plans. Test hooks are
under ``/_sim/`` (see ``hooks.py``); the state, including the injectable ``clock``, is
``app.state.sim``.
"""

from .app import create_simulator_app
from .config import SimulatorConfig
from .state import SimState

__all__ = ["SimState", "SimulatorConfig", "create_simulator_app"]
