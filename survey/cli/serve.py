"""``survey serve`` and ``survey demo``."""

from __future__ import annotations

import os

import click

from survey.cli.context import AppContext
from survey.settings import Settings


def _run(host: str, port: int, workers: int, settings: Settings) -> None:
    import uvicorn

    proxies = [str(network) for network in settings.trusted_proxies]
    # The access log would carry request paths; the app logs its own, redacted ones. Proxy
    # headers are believed from the configured proxies only (uvicorn's default would trust
    # 127.0.0.1, so anything on the same host could pose as any client).
    uvicorn.run(
        "survey.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
        server_header=False,
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=int, help="监听端口")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="工作进程数"
)
@click.option("--dev", is_flag=True, help="开发模式：未设置密钥时在数据目录生成并复用")
@click.pass_obj
def serve(app: AppContext, host: str, port: int, workers: int, dev: bool) -> None:
    """启动网页服务。"""
    if dev:
        os.environ["SURVEY_DEV"] = "1"
        app.__dict__.pop("settings", None)
    # Check settings and migrations here, so a mistake is one line, not a worker traceback.
    app.settings.secret_key()
    _ = app.db
    click.echo(f"服务地址：http://{host}:{port}/   健康检查：http://{host}:{port}/healthz")
    _run(host, port, workers, app.settings)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=int, help="监听端口")
@click.option("--no-serve", is_flag=True, help="只准备演示数据，不启动服务")
@click.pass_obj
def demo(app: AppContext, host: str, port: int, no_serve: bool) -> None:
    """准备演示数据（迁移、载入 2024 年项目与虚构名单）并以开发模式启动服务。"""
    from survey.db.migrate import upgrade
    from survey.demo import prepare_demo

    os.environ["SURVEY_DEV"] = "1"
    app.__dict__.pop("settings", None)
    upgrade(app.raw_db)
    for line in prepare_demo(app.db, app.settings):
        click.echo(line)
    if no_serve:
        return
    click.echo(f"服务地址：http://{host}:{port}/   健康检查：http://{host}:{port}/healthz")
    _run(host, port, 1, app.settings)
