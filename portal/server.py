"""The local server: one uvicorn process on 127.0.0.1 serving the built site."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.staticfiles import StaticFiles


def create_app(build_dir: Path) -> Starlette:
    app = Starlette()
    app.mount("/", StaticFiles(directory=Path(build_dir) / "site", html=True), name="site")
    return app


def serve(build_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    print(f"门户已启动：http://{host}:{port}/ （Ctrl+C 停止）", flush=True)
    uvicorn.run(create_app(build_dir), host=host, port=port, log_level="warning")
