"""``textcheck serve``: start the local web page (``textcheck.serve``). Imports nothing heavy until it runs."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from typing import Optional

import typer

from textcheck.cli.common import check_max_size, console, fail, load_config_or_exit
from textcheck.serve.server import DEFAULT_PORT, bind, is_loopback, url_for


def serve(
    host: Optional[str] = typer.Option(None, "--host", metavar="地址", help="监听的地址（默认 127.0.0.1，只有本机能访问）"),
    port: Optional[int] = typer.Option(None, "--port", metavar="端口", help=f"端口（默认 {DEFAULT_PORT}，被占用时自动换一个；0 表示任选空闲端口）"),
    open_browser: bool = typer.Option(False, "--open", help="启动后在浏览器中打开页面"),
    max_size: float = typer.Option(20.0, "--max-size", metavar="大小", callback=check_max_size, help="上传文件的大小上限（MB，每个文件，默认 20）"),
    root: Optional[Path] = typer.Option(None, "--root", metavar="文件夹", help="“批量”页可以检查的根文件夹（默认当前文件夹）"),
    config: Optional[str] = typer.Option(None, "--config", "-c", metavar="配置文件", help="配置文件（TOML），与 check 相同"),
) -> None:
    """在本机启动网页界面：拖入报告即可检查、对比上年和本年的报告、批量检查一个文件夹。不连接互联网。"""
    needed = ("starlette", "uvicorn", "jinja2")
    if not all(importlib.util.find_spec(m) for m in needed) or not (
            importlib.util.find_spec("python_multipart") or importlib.util.find_spec("multipart")):
        fail('网页界面需要额外的组件，请先安装：pip install "textcheck[serve]"（在源代码目录中：pip install ".[serve]"）')
    if max_size <= 0:
        fail("--max-size 应大于 0")
    if port is not None and not 0 <= port <= 65535:
        fail("--port 应在 0 到 65535 之间")
    cfg = load_config_or_exit(config)
    from textcheck.batch.score import score_weights
    from textcheck.errors import TextcheckError

    try:
        score_weights(cfg)
    except TextcheckError as exc:
        fail(str(exc))
    root_dir = (root or Path.cwd()).expanduser()
    if not root_dir.is_dir():
        fail(f"--root 不是一个文件夹：{root_dir}")
    bind_host = host or "127.0.0.1"
    err = console(stderr=True)
    out = console()
    if not is_loopback(bind_host):
        err.print(f"[bold yellow]警告：[/]服务监听在 {bind_host} 上，同一网络中的其他电脑也能打开本页面、上传文件，"
                  f"并检查根文件夹 {root_dir.resolve()} 之内的报告；本工具没有登录验证，请只在可信的网络中这样使用。")
    try:
        sock = bind(bind_host, DEFAULT_PORT if port is None else port)
    except OSError as exc:
        if port is None:
            try:
                sock = bind(bind_host, 0)
                err.print(f"端口 {DEFAULT_PORT} 已被占用，改用空闲端口。")
            except OSError as exc2:
                fail(f"无法在 {bind_host} 上监听（{exc2.strerror or exc2}）")
        else:
            fail(f"无法在 {bind_host}:{port} 上监听（{exc.strerror or exc}）；端口被占用时请换一个，或用 --port 0 自动选择")
    actual = sock.getsockname()[1]
    url = url_for(bind_host, actual)

    def ready() -> None:
        out.print(f"textcheck 网页界面已启动：[bold]{url}[/]  （按 Ctrl+C 停止）", highlight=False)
        sys.stdout.flush()
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    import uvicorn

    from textcheck.serve.app import Settings, create_app

    err.print("正在加载词典和行政区划数据……")
    settings = Settings(root=root_dir.resolve(), max_bytes=int(max_size * 1024 * 1024), config=cfg, host=bind_host,
                        on_ready=ready)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                           lifespan="on", server_header=False, timeout_keep_alive=5))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    err.print("已停止。")
