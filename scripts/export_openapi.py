"""Write openapi/openapi.json from the app (`--check` fails when the committed file is stale)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from minthub_api.core.settings import Settings
from minthub_api.main import create_app

TARGET = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def render() -> str:
    app = create_app(Settings(log_format="json"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is stale: run `uv run python scripts/export_openapi.py`")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
