"""The local server: one uvicorn process on 127.0.0.1 serving the built site, plus the Lambda
handlers behind the ASGI shim, so `portal serve` runs exactly the code Lambda runs."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from functions.blobs.local import UPLOAD_PATH, PolicyError


def create_app(build_dir: Path) -> Starlette:
    from functions.handlers import review as review_handler
    from functions.handlers import search as search_handler
    from functions.handlers import submissions as submissions_handler
    from functions.local.asgi import LambdaShim
    from functions.routes.search import INDEX_ENV

    build_dir = Path(build_dir)
    # The handler reads its index location from the environment, as it does on Lambda.
    os.environ[INDEX_ENV] = str((build_dir / "search-index").resolve())
    os.environ.setdefault("PORTAL_BUILD_DIR", str(build_dir.resolve()))
    search = LambdaShim(search_handler.handler, name="search")
    submissions = LambdaShim(submissions_handler.handler, name="submissions")
    review = LambdaShim(review_handler.handler, name="review")
    routes = [
        Route("/api/search", search),
        Route("/search/", search),
        Route("/search", search),
        # On AWS the browser posts attachments straight to S3; locally this endpoint plays S3's part.
        Route(UPLOAD_PATH, local_upload, methods=["POST"]),
        Mount("/api", submissions),
        Mount("/forms", submissions),
        Mount("/review", review),
        Mount("/", _compressed(StaticFiles(directory=build_dir / "site", html=True)), name="site"),
    ]
    return Starlette(routes=routes)


def _compressed(app):
    """The static site gzip-compressed as CloudFront serves it: its default behaviour compresses
    files of 1,000 bytes or more when the browser accepts gzip. The API, forms, review and search
    behaviours use a caching-disabled policy, under which CloudFront does not compress, so neither
    does this server (it also keeps pages holding tokens out of compression)."""
    return GZipMiddleware(app, minimum_size=1000)


async def local_upload(request: Request) -> Response:
    from functions import config
    from functions.blobs.protocol import MAX_BYTES

    if int(request.headers.get("content-length") or 0) > MAX_BYTES + 64 * 1024:
        return PlainTextResponse("文件超过 10 MB", status_code=413)
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        return PlainTextResponse("缺少文件", status_code=400)
    data = await upload.read(MAX_BYTES + 1)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    ctx = config.context()
    try:
        await run_in_threadpool(ctx.blobs.accept_upload, fields, data, ctx.clock())
    except PolicyError as exc:
        return PlainTextResponse(str(exc), status_code=403)
    return Response(status_code=204)


def serve(build_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    print(f"门户已启动：http://{host}:{port}/ （Ctrl+C 停止）", flush=True)
    uvicorn.run(create_app(build_dir), host=host, port=port, log_level="warning")
