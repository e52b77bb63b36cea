"""The local server: one uvicorn process on 127.0.0.1 serving the built site, plus the Lambda
handlers behind the ASGI shim, so `portal serve` runs exactly the code Lambda runs."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from functions.blobs.local import DOWNLOAD_PATH, UPLOAD_PATH, PolicyError
from site_builder.chinatime import CHINA


def create_app(build_dir: Path, background: bool = False) -> Starlette:
    """The app. With `background`, a worker thread also sends the notification outbox (what a
    schedule does on AWS); tests leave it off and drive delivery themselves."""
    from functions.handlers import review as review_handler
    from functions.handlers import search as search_handler
    from functions.handlers import submissions as submissions_handler
    from functions.local.asgi import LambdaShim
    from functions.routes.search import INDEX_ENV

    build_dir = Path(build_dir)
    # The handler reads its index location from the environment, as it does on Lambda.
    os.environ[INDEX_ENV] = str((build_dir / "search-index").resolve())
    os.environ.setdefault("PORTAL_BUILD_DIR", str(build_dir.resolve()))
    # Submissions run concurrently (the Store is thread-safe and group-commits); search and review
    # keep one request at a time until their own code is checked for concurrent use.
    search = LambdaShim(search_handler.handler, name="search", exclusive=True)
    submissions = LambdaShim(submissions_handler.handler, name="submissions")
    review = LambdaShim(review_handler.handler, name="review", exclusive=True)
    routes = [
        Route("/api/search", search),
        Route("/search/", search),
        Route("/search", search),
        # On AWS the browser posts attachments straight to S3; locally this endpoint plays S3's part.
        Route(UPLOAD_PATH, local_upload, methods=["POST"]),
        Route(DOWNLOAD_PATH + "/attachments/{name}", local_download, methods=["GET"]),
        Route(DOWNLOAD_PATH + "/exports/{name}", local_export, methods=["GET"]),
        Mount("/api", submissions),
        Mount("/forms", submissions),
        Route("/messages", submissions),
        Mount("/messages", submissions),
        Mount("/review", review),
        Mount("/", _compressed(StaticFiles(directory=build_dir / "site", html=True)), name="site"),
    ]
    site_404 = build_dir / "site" / "404.html"

    async def not_routed(request: Request, exc) -> Response:
        """A path no route matches (e.g. one holding a newline, which no route pattern takes): the
        same Chinese 404 the functions and the site give, as JSON under /api/, else the site's page."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"statusCode": 404, "message": "没有这个地址"}, status_code=404)
        body = site_404.read_text(encoding="utf-8") if site_404.is_file() else "<h1>没有这个页面</h1>"
        return HTMLResponse(body, status_code=404)

    handlers = {404: not_routed}
    if not background:
        return Starlette(routes=routes, exception_handlers=handlers)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        stop = threading.Event()
        worker = threading.Thread(target=_outbox_worker, args=(stop,), name="outbox", daemon=True)
        worker.start()
        yield
        stop.set()
        worker.join(5)

    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)


def _outbox_worker(stop: threading.Event, every: float = 5.0) -> None:
    """Locally: deliver due messages every few seconds; queue the staff digest once a day after 08:00."""
    from functions import config
    from functions.services import notifications

    last_digest = None
    while not stop.wait(every):
        try:
            ctx = config.context()
            notifications.deliver_due(ctx)
            now = ctx.clock().astimezone(CHINA)
            if now.hour >= 8 and last_digest != now.date():
                notifications.daily_digest(ctx)
                last_digest = now.date()
        except Exception as exc:  # noqa: BLE001 - keep the worker alive; the next round tries again
            print(f"通知发送暂时失败（{type(exc).__name__}），稍后重试", flush=True)


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


_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


async def local_download(request: Request) -> Response:
    """Locally this plays S3's presigned GET: the signed link itself is the permission, as on S3."""
    from functions import config
    from functions.blobs.protocol import ATTACHMENTS

    name = request.path_params["name"]
    ctx = config.context()
    extension = name.rsplit(".", 1)[-1]
    if extension not in _TYPES or not hasattr(ctx.blobs, "open_download"):
        return PlainTextResponse("没有这个附件", status_code=404)
    try:
        data = await run_in_threadpool(ctx.blobs.open_download, ATTACHMENTS + name, request.query_params.get("expires", ""),
                                       request.query_params.get("signature", ""), ctx.clock())
    except PolicyError as exc:
        return PlainTextResponse(f"无法打开附件：{exc}", status_code=403)
    return Response(data, media_type=_TYPES[extension],
                    headers={"Content-Disposition": "attachment", "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff"})


async def local_export(request: Request) -> Response:
    """A staff export through its signed link (S3's presigned GET on AWS), saved under its Chinese name."""
    from functions import config
    from functions.blobs.protocol import EXPORTS
    from functions.reports.csv import content_disposition

    name, filename = request.path_params["name"], request.query_params.get("filename", "")
    ctx = config.context()
    if not name.endswith(".csv") or not hasattr(ctx.blobs, "open_download"):
        return PlainTextResponse("没有这个文件", status_code=404)
    try:
        data = await run_in_threadpool(ctx.blobs.open_download, EXPORTS + name, request.query_params.get("expires", ""),
                                       request.query_params.get("signature", ""), ctx.clock(), filename)
    except PolicyError as exc:
        return PlainTextResponse(f"无法下载：{exc}", status_code=403)
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(filename or name), "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff"})


def serve(build_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    print(f"门户已启动：http://{host}:{port}/ （Ctrl+C 停止）", flush=True)
    uvicorn.run(create_app(build_dir, background=True), host=host, port=port, log_level="warning")
