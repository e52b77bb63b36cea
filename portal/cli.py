"""`portal check | build | new | preview | serve | package | publish`: the editors' and operators' entry point."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from site_builder import scaffold as templates
from site_builder.build_context import today_from_env
from site_builder.checks import citation_warnings
from site_builder.content import ContentSet
from site_builder.links import check_content

from . import package, publish, staff_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portal", description="电子党务门户：校验、构建和运行")
    sub = parser.add_subparsers(dest="command", required=True)

    def content_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
        p.add_argument("--today", type=dt.date.fromisoformat, default=None,
                       help="按哪一天计算时效性和征求意见状态（YYYY-MM-DD，默认今天）")

    p_check = sub.add_parser("check", help="校验 content/ 中的全部内容，不构建")
    content_args(p_check)

    def build_args(p: argparse.ArgumentParser) -> None:
        content_args(p)
        p.add_argument("--out", type=Path, default=Path("build"), help="输出目录（默认 build/）")
        p.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
        p.add_argument("--site-url", default=None, help="网站的公开地址（用于 RSS 等绝对链接）")

    p_build = sub.add_parser("build", help="校验并构建静态网站和构建产物")
    build_args(p_build)
    p_build.add_argument("--no-cache", dest="reuse", action="store_false",
                         help="不沿用上次构建的页面，全部重新生成（结果相同，只是更慢）")

    p_new = sub.add_parser("new", help="新建一篇带完整元数据的文件")
    p_new.add_argument("kind", choices=sorted(templates.KINDS), help="文件类型")
    p_new.add_argument("title", help="标题")
    p_new.add_argument("--slug", default=None, help="文件名（小写字母、数字和 -），决定网址")
    p_new.add_argument("--content", type=Path, default=Path("content"))

    p_preview = sub.add_parser("preview", help="边写边看：构建并运行门户，保存后自动重新构建，错误显示在浏览器中")
    content_args(p_preview)
    p_preview.add_argument("--out", type=Path, default=Path("build/preview"),
                           help="预览的构建目录（默认 build/preview/，与 portal build 的 build/ 分开）")
    p_preview.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    p_preview.add_argument("--host", default="127.0.0.1")
    p_preview.add_argument("--port", type=int, default=8000)

    p_serve = sub.add_parser("serve", help="构建并在本机运行门户")
    build_args(p_serve)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument("--no-build", action="store_true", help="直接使用已有的 build/，不重新构建")

    sub.add_parser("openapi", help="输出公共接口的 OpenAPI 文档（提交为 docs/openapi.json）")
    staff_cli.add_parsers(sub)
    package.add_parser(sub)
    publish.add_parser(sub)

    args = parser.parse_args(argv)
    commands = {"check": _check, "build": _build, "new": _new, "preview": _preview, "serve": _serve,
                "openapi": _openapi, "staff": staff_cli.run, "consultation": staff_cli.run, "notify": staff_cli.run,
                "package": package.run, "publish": publish.run}
    return commands[args.command](args)


def _openapi(args) -> int:
    from functions.openapi import spec_json

    sys.stdout.write(spec_json())
    return 0


def _load(args) -> ContentSet | None:
    """Validate content/ (fields, cross-file rules, articles, links); print every problem at once."""
    reading = check_content(args.content, today=args.today or today_from_env())
    for warning in citation_warnings(reading.content):
        print(f"{warning}（提醒，不影响构建）", file=sys.stderr)
    if not reading.problems:
        return reading.content
    for problem in reading.problems:
        print(problem, file=sys.stderr)
    print(f"发现 {len(reading.problems)} 个问题，未构建任何内容。", file=sys.stderr)
    return None


def _check(args) -> int:
    content = _load(args)
    if content is None:
        return 1
    drafts = f"另有 {len(content.drafts)} 篇草稿（不发布），" if content.drafts else ""
    print(f"校验通过：{len(content.documents)} 篇文件，{drafts}{len(content.org.units)} 个组织单位，"
          f"{len(content.surveys)} 项调查，{len(content.chronicle)} 条大事记。")
    return 0


def _build(args) -> int:
    started = time.perf_counter()
    content = _load(args)
    if content is None:
        return 1
    from site_builder.build import BuildError  # MkDocs is imported only when building

    from .build import build_all

    try:
        built = build_all(content, args.out, args.config, site_url=args.site_url, reuse=getattr(args, "reuse", True))
    except BuildError as exc:
        from site_builder.build_messages import translate_build_message

        for message in filter(None, (translate_build_message(m, args.content) for m in exc.messages)):
            print(message, file=sys.stderr)
        print("构建失败，已保留上一次的构建结果。", file=sys.stderr)
        return 1
    print(f"构建完成：{built.site.site}（共 {time.perf_counter() - started:.1f} 秒，其中网站 {built.site_seconds:.1f} 秒、"
          f"检索索引 {built.index_seconds:.1f} 秒同时进行；生成 {built.site.pages_written} 个页面，"
          f"沿用上次构建的 {built.site.pages_kept} 个）")
    return 0


def _new(args) -> int:
    try:
        path = templates.write_new(args.content, args.kind, args.title, args.slug, today_from_env())
    except (ValueError, FileExistsError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已创建 {path}。请把其中的“【请填写……】”换成实际内容，再运行 portal check。")
    return 0


def _preview(args) -> int:
    from .preview import run_preview

    return run_preview(args.content, args.out, args.config, today=args.today, host=args.host, port=args.port)


def _serve(args) -> int:
    if not args.no_build and _build(args) != 0:
        return 1
    from site_builder.registry import Registry

    from .server import serve

    registry = Registry.load(args.out)
    import os

    from functions import config
    from site_builder.org import OrgTree

    os.environ.setdefault("PORTAL_BUILD_DIR", str(Path(args.out).resolve()))
    try:
        config.context()  # the settings are read now, so a wrong one stops the start, not every request
    except config.ConfigurationError as exc:
        print(f"无法启动：{exc}", file=sys.stderr)
        return 1
    staff_cli.bootstrap_admin(next(u.code for u in registry.units if u.parent is None), OrgTree(registry.units))
    serve(args.out, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
