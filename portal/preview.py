"""`portal preview`: the real local portal (site, search, forms) over content/ as it is being written.

- Each save under content/ runs the whole check (`links.check_content`, the same as `portal check`)
  and, if it passes, a build through a `BuildStep` (today `portal.build.build_all`, a full build; the
  seam is there for an incremental build, which gets the changed paths).
- While content has problems, the last good build stays online and every HTML page carries an
  overlay listing the problems as `path:line: field: message`; a page open in the browser reloads by
  itself when a rebuild finishes (a small script polls `/__preview/status`), so the overlay appears on
  a mistake and goes away when it is fixed.
- The terminal shows the same problems, in Chinese; MkDocs and uvicorn stay quiet.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from site_builder.build_context import today_from_env
from site_builder.content import ContentSet

STATUS_PATH = "/__preview/status"
ASSETS = {"/__preview/live.js": "application/javascript", "/__preview/overlay.css": "text/css"}
_ASSET_DIR = Path(__file__).with_name("preview_assets")
DEBOUNCE_SECONDS = 0.3  # editors save several files (and swap files) in one go


class BuildStep(Protocol):
    """Builds `out` from validated content. `changed` are the content paths saved since the last build
    (empty: build everything); a full build may ignore them."""

    def __call__(self, content: ContentSet, out: Path, config: Path, changed: frozenset[str]) -> None: ...


def full_build(content: ContentSet, out: Path, config: Path, changed: frozenset[str]) -> None:
    from .build import build_all

    build_all(content, out, config)


@dataclass
class PreviewState:
    """What the browser is told: a version that changes after every rebuild, and the open problems."""

    version: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, problems: list[str]) -> None:
        with self.lock:
            self.problems = problems
            self.version += 1

    def snapshot(self) -> tuple[int, list[str]]:
        with self.lock:
            return self.version, list(self.problems)


class Previewer:
    """Check and build on demand; the watcher calls `rebuild` after each burst of saves."""

    def __init__(self, content_dir: Path, out: Path, config: Path, state: PreviewState, today: dt.date | None = None,
                 build: BuildStep = full_build, say: Callable[[str], None] = print,
                 on_built: Callable[[], None] = lambda: None):
        self.content_dir, self.out, self.config, self.today = Path(content_dir), Path(out), Path(config), today
        self.state, self.build, self.say, self.on_built = state, build, say, on_built

    def rebuild(self, changed: frozenset[str] = frozenset()) -> bool:
        from site_builder.build import BuildError
        from site_builder.build_messages import translate_build_message
        from site_builder.links import check_content

        started = time.perf_counter()
        reading = check_content(self.content_dir, today=self.today or today_from_env())
        problems = [str(p) for p in reading.problems]
        if not problems:
            try:
                self.build(reading.content, self.out, self.config, changed)
            except BuildError as exc:
                problems = [m for m in (translate_build_message(m, self.content_dir) for m in exc.messages) if m]
                problems = problems or ["构建失败，原因不明：请运行 portal build 查看"]
        if problems:
            for line in problems:
                self.say(line)
            self.say(f"发现 {len(problems)} 个问题，浏览器中显示的是上一次成功构建的网站。")
            self.state.publish(problems)
            return False
        self.on_built()
        self.state.publish([])
        self.say(f"已重新构建（{time.perf_counter() - started:.1f} 秒）。")
        return True


def watch(previewer: Previewer) -> Callable[[], None]:
    """Rebuild after saves under content/ (watchdog), one rebuild at a time; returns a stop function."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    pending: set[str] = set()
    wake = threading.Event()
    stopping = threading.Event()
    root = previewer.content_dir.resolve()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                path = Path(str(raw or ""))
                if raw and not _ignored(path):
                    try:
                        pending.add(path.resolve().relative_to(root).as_posix())
                    except ValueError:
                        continue
                    wake.set()

    def loop() -> None:
        while not stopping.is_set():
            if not wake.wait(0.5):
                continue
            time.sleep(DEBOUNCE_SECONDS)
            wake.clear()
            changed = frozenset(pending)
            pending.clear()
            try:
                previewer.rebuild(changed)
            except Exception as exc:  # keep watching: the next save may fix it
                previewer.say(f"重新构建时出错：{exc}")
                previewer.state.publish(["重新构建时出错，请查看终端"])

    observer = Observer()
    observer.schedule(Handler(), str(root), recursive=True)
    observer.start()
    worker = threading.Thread(target=loop, name="preview-rebuild", daemon=True)
    worker.start()

    def stop() -> None:
        stopping.set()
        observer.stop()
        observer.join(5)
        worker.join(10)

    return stop


def _ignored(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


class PreviewApp:
    """ASGI: the real local server (`server.create_app`), re-created after each good build so the
    registry and search index are fresh, plus the overlay and the reload script on every HTML page."""

    def __init__(self, build_dir: Path, state: PreviewState):
        self.build_dir, self.state = Path(build_dir), state
        self._inner = None
        self._inner_version = -1
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Called after a good build: forget the cached registry and index, mount the new site."""
        from functions import config
        from functions.routes.search import forget_engines

        config.reset()
        forget_engines()
        with self._lock:
            self._inner = None

    def _app(self):
        with self._lock:
            if self._inner is None and (self.build_dir / "site").is_dir():
                from .server import create_app

                os.environ["PORTAL_BUILD_DIR"] = str(self.build_dir.resolve())  # the registry of this build
                self._inner = create_app(self.build_dir)
            return self._inner

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":  # the inner app is replaced after builds: answer for it
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return  # no websockets here
        path = scope.get("path", "")
        if path == STATUS_PATH:
            version, problems = self.state.snapshot()
            await _respond(send, 200, "application/json", json.dumps({"version": version, "problems": problems},
                                                                      ensure_ascii=False).encode())
            return
        if path in ASSETS:
            await _respond(send, 200, ASSETS[path], (_ASSET_DIR / Path(path).name).read_bytes())
            return
        inner = self._app()
        if inner is None:
            await _respond(send, 503, "text/html; charset=utf-8", self._waiting_page().encode())
            return
        if scope.get("method") == "HEAD":
            await inner(scope, receive, send)
            return
        # No conditional requests: a page must be sent again when only the overlay changed. No
        # compression either: the overlay goes into the page as sent, which gzip would have hidden.
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"]
                                      if k not in (b"if-none-match", b"if-modified-since", b"accept-encoding")]}
        await inner(scope, receive, _Injector(send, self.overlay_html))

    def overlay_html(self) -> str:
        version, problems = self.state.snapshot()
        head = (f'<link rel="stylesheet" href="/__preview/overlay.css">'
                f'<script src="/__preview/live.js" data-version="{version}" defer></script>')
        if not problems:
            return head
        items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
        return (head + '<div id="portal-preview-problems" class="portal-preview-problems" role="alert">'
                f"<h2>内容有 {len(problems)} 个问题，网站显示的是上一次成功构建的版本</h2><ol>{items}</ol>"
                "<p>修改文件并保存后，本页会自动刷新。</p></div>")

    def _waiting_page(self) -> str:
        return ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>预览</title></head><body>'
                + self.overlay_html() + "<p>网站还没有构建成功过。</p></body></html>")


class _Injector:
    """Wraps `send`: puts the overlay right after <body …> of an HTML response (length fixed up)."""

    def __init__(self, send, overlay: Callable[[], str]):
        self.send, self.overlay = send, overlay
        self.start: dict | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"text/html"):
                self.start = message
                return
            await self.send(message)
            return
        if self.start is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = _inject(b"".join(self.chunks), self.overlay().encode())
        headers = [(k, v) for k, v in self.start.get("headers", []) if k not in (b"content-length", b"etag")]
        headers += [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


def _inject(page: bytes, overlay: bytes) -> bytes:
    lower = page.lower()
    at = lower.find(b"<body")
    end = lower.find(b">", at) + 1 if at >= 0 else 0
    return page[:end] + overlay + page[end:]


async def _respond(send, status: int, content_type: str, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def run_preview(content_dir: Path, out: Path, config: Path, today: dt.date | None = None,
                host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    state = PreviewState()
    app = PreviewApp(out, state)
    previewer = Previewer(content_dir, out, config, state, today=today, say=lambda line: print(line, flush=True),
                          on_built=app.refresh)
    previewer.rebuild()
    stop = watch(previewer)
    print(f"预览已启动：http://{host}:{port}/ （保存文件后自动重新构建；Ctrl+C 停止）", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        stop()
    return 0
