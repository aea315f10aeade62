"""The Starlette application of ``textcheck serve``.

Routes: ``/`` and ``POST /check`` (one report), ``/compare`` (two), ``/batch`` (a folder under the root,
or several uploads; results kept in memory under an unguessable token, the last few only),
``POST /api/check`` and ``POST /api/compare`` (the exact JSON of ``-f json``), ``/annotated/{token}`` (the
annotated Word copy of a checked report, kept like batch results: the last few only), ``/static``.

Safety, by default: the request body is limited while it streams (``--max-size`` per file); each
request saves its uploads in its own temporary folder, removed before the response leaves; a file is
opened only under a name the server made, or (batch) at a path resolved inside the root; pages are
Jinja2 templates with autoescape on, and a Content-Security-Policy allows no inline script; the Host
header must name this machine when the server listens on it (no DNS rebinding), and a POST from
another origin is refused. Every error a user can cause is answered in Chinese with a 4xx status;
an unexpected one gets a Chinese 500 page and one log line, never a traceback.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable
from urllib.parse import urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from textcheck import __version__
from textcheck.config import Config
from textcheck.errors import TextcheckError
from textcheck.finding import SHOW_CONFIDENCE_BELOW
from textcheck.serve import core, views

log = logging.getLogger("textcheck.serve")
HERE = Path(__file__).resolve().parent
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
BATCH_UPLOAD_FACTOR = 10  # several uploaded reports together: at most this many times --max-size
FORM_SLACK = 1024 * 1024  # multipart headers and boundaries on top of the files themselves

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


@dataclass
class Settings:
    root: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    config: Config = field(default_factory=Config)
    host: str = "127.0.0.1"
    warm_up: bool = True
    on_ready: Callable[[], None] | None = None
    batch_keep: int = 8  # batch results kept in memory (their report pages link to them)


class UserError(Exception):
    """Something the user can fix: a Chinese message and a 4xx status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class _TooLarge(Exception):
    pass


class ResultStore:
    """The last few batch results, by random token (a bounded, thread-safe map; no per-request globals)."""

    def __init__(self, keep: int):
        self.keep = max(1, keep)
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, value: Any) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._items[token] = value
            while len(self._items) > self.keep:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Any | None:
        with self._lock:
            return self._items.get(token)


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------------
# uploads


def _limited(receive, limit: int):
    seen = 0

    async def inner():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge()
        return message

    return inner


async def _drain(receive, cap: int) -> None:
    """Read and drop the rest of a refused body, so that the browser gets to see the answer."""
    total = 0
    while total <= cap:
        message = await receive()
        if message["type"] != "http.request":
            return
        total += len(message.get("body", b""))
        if not message.get("more_body"):
            return


def _copy(src, dest: Path) -> int:
    src.seek(0)
    with open(dest, "wb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
        return out.tell()


async def read_form(request: Request, tmp: Path, *, limit: int, max_files: int, too_large: str):
    """(uploads by field, text fields) with every file saved in ``tmp`` under a name the server made."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        await _drain(request.receive, 4 * limit)
        raise UserError(too_large, 413)
    limited = Request(request.scope, _limited(request.receive, limit))
    try:
        form = await limited.form(max_files=max_files, max_fields=20)
    except _TooLarge:
        await _drain(request.receive, 4 * limit)
        raise UserError(too_large, 413) from None
    except HTTPException as exc:  # the multipart parser's complaints (too many files, malformed body)
        detail = str(exc.detail or "")
        if "files" in detail.lower():
            raise UserError(f"一次上传的文件太多（最多 {max_files} 个）") from None
        raise UserError("上传的内容不完整或格式不正确，请重新选择文件后再试") from None
    files: dict[str, list[core.Upload]] = {}
    fields: dict[str, str] = {}
    try:
        for i, (key, value) in enumerate(form.multi_items()):
            if isinstance(value, UploadFile):
                if not value.filename:
                    continue  # a file input left empty
                name = core.display_name(value.filename)
                dest = tmp / f"upload-{i:04d}{core.storage_suffix(name)}"
                size = await run_in_threadpool(_copy, value.file, dest)
                files.setdefault(key, []).append(core.Upload(name=name, path=dest, size=size))
            else:
                fields[key] = str(value)
    finally:
        await form.close()
    return files, fields


def _one(files: dict[str, list[core.Upload]], key: str, missing: str) -> core.Upload:
    got = files.get(key) or []
    if not got:
        raise UserError(missing)
    if len(got) > 1:
        raise UserError("每个位置只能上传一个文件")
    return got[0]


def _body_too_large(limit_mb: str) -> str:
    return (f"上传的文件超过大小上限 {limit_mb} MB；年度报告通常不超过 1 MB，请确认文件是否正确"
            "（为防止误读超大文件而设此上限，启动服务时可用 --max-size 调整）")


# ---------------------------------------------------------------------------------------------
# the application


def create_app(settings: Settings) -> Starlette:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["show_confidence_below"] = SHOW_CONFIDENCE_BELOW
    batches = ResultStore(settings.batch_keep)
    annotated_docs = ResultStore(max(8, settings.batch_keep))  # (file name, bytes) of 下载批注版 Word
    max_bytes = settings.max_bytes
    cfg = settings.config
    root = settings.root.resolve()
    base = {"max_bytes": max_bytes, "max_mb": _mb(max_bytes), "version": __version__, "error": None, "nav": ""}

    def render(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render({**base, **ctx})
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    async def render_async(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return await run_in_threadpool(render, name, status, **ctx)

    def guarded(page: str | None, nav: str = "", extra: Callable[[], dict] | None = None):
        """Endpoint wrapper: user errors -> the form again with the message (or JSON), 4xx; the rest -> 500."""

        def wrap(fn):
            async def endpoint(request: Request) -> Response:
                try:
                    return await fn(request)
                except ClientDisconnect:  # the browser went away mid-upload: nobody to answer
                    return Response(status_code=400)
                except (UserError, TextcheckError) as exc:
                    status = getattr(exc, "status", 400)
                    message = exc.message if isinstance(exc, UserError) else str(exc)
                    log.info("%s %s -> %d %s", request.method, request.url.path, status, message)
                    if page is None:
                        return JSONResponse({"error": message}, status_code=status)
                    return await render_async(page, status, error=message, nav=nav, **(extra() if extra else {}))
                except Exception as exc:  # noqa: BLE001 - a bug must not show a traceback to the user
                    log.error("%s %s 出错：%s: %s", request.method, request.url.path, type(exc).__name__, exc)
                    log.debug("traceback", exc_info=True)
                    message = f"服务内部出错，这次没有完成（{type(exc).__name__}）；请重试，仍出错时请把文件和这条说明反馈给开发者"
                    if page is None:
                        return JSONResponse({"error": message}, status_code=500)
                    return await render_async(page, 500, error=message, nav=nav, **(extra() if extra else {}))

            endpoint.__name__ = fn.__name__
            return endpoint

        return wrap

    def batch_form_ctx() -> dict:
        return {"root": str(root), "batch_max": core.BATCH_MAX_FILES}

    # ---- check ---------------------------------------------------------------------------

    async def checked(request: Request):
        with tempfile.TemporaryDirectory(prefix="textcheck-serve-", ignore_cleanup_errors=True) as tmp:
            files, _ = await read_form(request, Path(tmp), limit=max_bytes + FORM_SLACK, max_files=1,
                                       too_large=_body_too_large(_mb(max_bytes)))
            up = _one(files, "file", "请选择要检查的报告文件")
            try:
                result = await run_in_threadpool(core.check_upload, up, cfg, max_bytes)
            except TextcheckError as exc:
                raise UserError(str(exc), 413 if core.too_large(up, max_bytes) else 400) from None
            annotated = None
            ann = core.annotator()
            if ann is not None and request.url.path != "/api/check":
                annotated = await run_in_threadpool(ann, up, result)
            return up, result, annotated

    @guarded("check.html", "check")
    async def check_page(request: Request) -> Response:
        if request.method == "GET":
            return await render_async("check.html", nav="check")
        up, result, annotated = await checked(request)
        annotated_href = None
        if annotated is not None:
            annotated_href = f"/annotated/{annotated_docs.put((f'{PurePosixPath(up.name).stem}_批注版.docx', annotated))}"

        def build() -> HTMLResponse:
            json_text = core.check_json(result)
            data = result.to_dict()
            score = core.reviewer_score(result, cfg)
            v = views.report_view(data, result.document, score)
            return render("report.html", v=v, nav="check", json_text=json_text,
                          json_name=f"{PurePosixPath(up.name).stem}_检查结果.json", annotated_href=annotated_href, back=None,
                          score_note="单份检查时没有其他单位的报告可以比对，“未抄袭其他单位”一项按未发现抄袭计分。")

        return await run_in_threadpool(build)

    @guarded(None)
    async def api_check(request: Request) -> Response:
        _up, result, _ = await checked(request)
        text = await run_in_threadpool(core.check_json, result)
        return Response(text, media_type="application/json; charset=utf-8")

    async def annotated_download(request: Request) -> Response:
        item = annotated_docs.get(request.path_params["token"])
        if item is None:
            return render("error.html", 404, title="批注版已过期或不存在，请重新检查一次报告", back="/")
        name, data = item
        from urllib.parse import quote

        return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f"attachment; filename=\"annotated.docx\"; filename*=UTF-8''{quote(name)}",
                                 "Cache-Control": "no-store"})

    # ---- compare -------------------------------------------------------------------------

    async def compared(request: Request):
        with tempfile.TemporaryDirectory(prefix="textcheck-serve-", ignore_cleanup_errors=True) as tmp:
            files, _ = await read_form(request, Path(tmp), limit=2 * max_bytes + FORM_SLACK, max_files=2,
                                       too_large=_body_too_large(_mb(max_bytes)))
            old = _one(files, "old", "请选择上年的报告")
            new = _one(files, "new", "请选择本年的报告")
            try:
                return await run_in_threadpool(core.compare_uploads, old, new, cfg, max_bytes)
            except TextcheckError as exc:
                big = core.too_large(old, max_bytes) or core.too_large(new, max_bytes)
                raise UserError(str(exc), 413 if big else 400) from None

    @guarded("compare_form.html", "compare")
    async def compare_page(request: Request) -> Response:
        if request.method == "GET":
            return await render_async("compare_form.html", nav="compare")
        result = await compared(request)

        def build() -> HTMLResponse:
            return render("compare.html", v=views.compare_view(result), nav="compare",
                          json_text=core.compare_json(result), json_name="年度对比结果.json")

        return await run_in_threadpool(build)

    @guarded(None)
    async def api_compare(request: Request) -> Response:
        result = await compared(request)
        text = await run_in_threadpool(core.compare_json, result)
        return Response(text, media_type="application/json; charset=utf-8")

    # ---- batch ---------------------------------------------------------------------------

    @guarded("batch_form.html", "batch", batch_form_ctx)
    async def batch_page(request: Request) -> Response:
        if request.method == "GET":
            return await render_async("batch_form.html", nav="batch", **batch_form_ctx())
        from textcheck.readers import REPORT_SUFFIXES

        with tempfile.TemporaryDirectory(prefix="textcheck-serve-", ignore_cleanup_errors=True) as tmp:
            total = BATCH_UPLOAD_FACTOR * max_bytes
            files, fields = await read_form(
                request, Path(tmp), limit=total + FORM_SLACK, max_files=core.BATCH_MAX_FILES,
                too_large=f"一次上传的文件合计超过 {_mb(total)} MB；报告较多时请把它们放在服务根文件夹下的一个文件夹里，"
                          "用“检查本机上的一个文件夹”")
            uploads = [u for u in files.get("files", [])
                       if PurePosixPath(u.name.lower()).suffix in REPORT_SUFFIXES]
            if files.get("files") and not uploads:
                raise UserError("上传的文件中没有可检查的报告（支持 .txt .docx .pdf .html .htm）")
            if uploads:
                seen: dict[str, int] = {}
                pairs = []
                for u in uploads:
                    n = seen[u.name] = seen.get(u.name, 0) + 1
                    shown = u.name if n == 1 else f"{PurePosixPath(u.name).stem}（{n}）{PurePosixPath(u.name).suffix}"
                    pairs.append((str(u.path), shown))
            else:
                folder = core.confine(root, fields.get("folder", ""))
                pairs = core.folder_files(root, folder)
            result = await run_in_threadpool(core.run_batch_files, pairs, cfg, max_bytes)
        token = batches.put(result)
        return RedirectResponse(f"/batch/{token}", status_code=303)

    def stored(request: Request):
        result = batches.get(request.path_params["token"])
        if result is None:
            raise UserError(f"这次批量检查的结果已不在内存中（服务只保留最近 {batches.keep} 次的结果，重启后也会清空），请重新检查", 404)
        return result

    @guarded("batch_form.html", "batch", batch_form_ctx)
    async def batch_index(request: Request) -> Response:
        result = stored(request)
        v = await run_in_threadpool(views.batch_view, result, request.path_params["token"])
        return await render_async("batch.html", v=v, nav="batch")

    @guarded("batch_form.html", "batch", batch_form_ctx)
    async def batch_report(request: Request) -> Response:
        result = stored(request)
        k = request.path_params["k"]
        if not 0 <= k < len(result.reports):
            raise UserError("没有这份报告", 404)
        token = request.path_params["token"]

        def build() -> HTMLResponse:
            r = result.reports[k]
            doc = core.document_from_lines(r.get("lines") or [], r["path"])
            data = {"path": r["path"], "issuer": r.get("issuer"), "year": r.get("year"), "findings": [f.to_dict() for f in r["findings"]],
                    "summary": r["summary"], "is_report": r["status"] == "ok"}
            score = core.score_view(r.get("score"), r.get("breakdown"), _weights())
            index = result.index_of
            v = views.report_view(data, doc, score,
                                  link_for=lambda p: f"/batch/{token}/report/{index[p]}" if p in index else None)
            return render("report.html", v=v, nav="batch", json_text=None, json_name="", annotated_href=None,
                          back={"href": f"/batch/{token}", "label": "返回批量检查结果"}, error=r.get("error"),
                          score_note="“未抄袭其他单位”一项按本次批量检查中与其他单位报告的雷同情况计分。")

        return await run_in_threadpool(build)

    def _weights():
        from textcheck.batch.score import score_weights

        return score_weights(cfg)

    # ---- errors and start-up -------------------------------------------------------------

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        title = "页面不存在" if status == 404 else "不支持这种请求"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": title}, status_code=status)
        return await render_async("error.html", status, title=title, back="/")

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if settings.warm_up:
            await run_in_threadpool(core.warm_up, cfg)
        if settings.on_ready:
            settings.on_ready()
        yield

    routes = [
        Route("/", check_page, methods=["GET"]),
        Route("/check", check_page, methods=["GET", "POST"]),
        Route("/compare", compare_page, methods=["GET", "POST"]),
        Route("/batch", batch_page, methods=["GET", "POST"]),
        Route("/batch/{token}", batch_index, methods=["GET"]),
        Route("/batch/{token}/report/{k:int}", batch_report, methods=["GET"]),
        Route("/annotated/{token}", annotated_download, methods=["GET"]),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/compare", api_compare, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_found})
    allowed = LOOPBACK if settings.host in LOOPBACK else None
    return Guard(app, allowed)


class Guard:
    """Outermost ASGI layer: Host and Origin checks, security headers on every response."""

    def __init__(self, app, allowed_hosts: set[str] | None):
        self.app = app
        self.allowed = allowed_hosts

    def __getattr__(self, name: str):  # ``app.state``, ``app.router``… of the wrapped Starlette app
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.allowed is not None and _hostname(host) not in self.allowed:
            resp = PlainTextResponse("本服务只接受通过 127.0.0.1 或 localhost 访问的请求。", status_code=400)
            return await resp(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
                resp = PlainTextResponse("拒绝来自其他网站的请求。", status_code=403)
                return await resp(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    # not "no-referrer": with it the browser sends "Origin: null" on our own form posts
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.split(":", 1)[0]
