"""`--profile` of the build benchmark: one `portal build` under cProfile, summarised by phase, by
package and by function (main process only; the search index runs in a child process)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from build_measure import pad, run_timed

REPO = Path(__file__).resolve().parents[1]

def profile_portal(portal_cmd: list[str], out: Path, prof: Path, env: dict, bin_dir: Path, code_dir: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(bin_dir / "python"), "-m", "cProfile", "-o", str(prof), *portal_cmd]
    print(f"\n性能剖析（cProfile，不计时；剖析开销使时间约翻倍且夸大调用次数多的小函数；"
          f"只剖析主进程，子进程中的检索索引不在其中）：{prof}", flush=True)
    try:
        run_timed(cmd, code_dir, env)
    except SystemExit:
        print("性能剖析失败（见上），计时结果不受影响。", flush=True)
        return
    summarize_profile(prof, code_dir=code_dir)


# (label, "module:Qualified.name"); cumulative times, located via inspect so that a method is not
# confused with same-named functions elsewhere in the file
PHASES = [
    ("portal build 总计", "portal.cli:_build"),
    ("  内容校验 load_content", "site_builder.loader:load_content"),
    ("  构建 build_all（网站 + 另一进程中的检索索引）", "portal.build:build_all"),
    ("  MkDocs 构建 build_site", "site_builder.build:build_site"),
    ("    门户插件 on_files（生成列表页）", "site_builder.mkdocs_plugin:PortalPlugin.on_files"),
    ("    读取源文件与元数据 PortalPage.read_source", "site_builder.page_bodies:PortalPage.read_source"),
    ("    正文 BodyRenderer.render（全部）", "site_builder.page_bodies:BodyRenderer.render"),
    ("      简单正文快速路径 PlainMarkdown.render", "site_builder.plain_markdown:PlainMarkdown.render"),
    ("      MkDocs 渲染 Page.render（列表页等）", "mkdocs.structure.pages:Page.render"),
    ("        Markdown 转换 Markdown.convert", "markdown.core:Markdown.convert"),
    ("        行内模式 InlineProcessor.run", "markdown.treeprocessors:InlineProcessor.run"),
    ("    门户插件 on_page_content（元数据表、条文锚点）", "site_builder.mkdocs_plugin:PortalPlugin.on_page_content"),
    ("    页面 HTML on_page_context（沿用、填充或模板）", "site_builder.mkdocs_plugin:PortalPlugin.on_page_context"),
    ("      模板填充 TemplateFiller.render", "site_builder.page_fill:TemplateFiller.render"),
    ("    Jinja2 模板渲染 Template.render（全部）", "jinja2.environment:Template.render"),
    ("    写页面 _build_page", "mkdocs.commands.build:_build_page"),
    ("    写入文件 write_file", "mkdocs.utils:write_file"),
    ("  合并到备用目录并换上 LiveSite.publish", "site_builder.live_site:LiveSite.publish"),
    ("  等待检索索引子进程 Process.join", "multiprocessing.process:BaseProcess.join"),
]


def _locate(target: str) -> tuple[str, int, str] | None:
    """("module:Qual.name") → (file, first line, function name) as pstats keys them."""
    import importlib
    import inspect

    module_name, qualname = target.split(":")
    try:
        obj = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        obj = inspect.unwrap(obj)
        code = obj.__code__
        return code.co_filename, code.co_firstlineno, code.co_name
    except Exception:  # module missing in this version of the code: skip the row
        return None


# tottime grouped by where the code lives
GROUPS = [("material/plugins/", "Material 插件"),
          ("material/templates/", "Material 模板（编译后的 Jinja）"), ("/jinja2/", "Jinja2 运行时"),
          ("/pymdownx/", "pymdown-extensions"), ("/markdown/", "Python-Markdown"), ("/mkdocs/", "MkDocs 核心"),
          ("/whoosh/", "Whoosh"), ("/yaml/", "PyYAML"), ("/pydantic", "Pydantic"),
          ("html/parser.py", "html.parser"), ("_markupbase.py", "html.parser"), ("/site_builder/", "门户 site_builder"),
          ("/search_index/", "门户 search_index"), ("/portal/", "门户 portal")]


def summarize_profile(prof: Path, top: int = 25, code_dir: Path | None = None) -> None:
    import pstats

    if code_dir is not None and str(code_dir) not in sys.path:
        sys.path.insert(0, str(code_dir))  # locate functions in the code that was profiled

    stats = pstats.Stats(str(prof))
    raw = stats.stats  # {(file, line, func): (cc, nc, tottime, cumtime, callers)}
    total = max(v[3] for v in raw.values())
    print(f"\n阶段（累计时间，含调用；总计 {total:.1f} 秒）：")
    for label, target in PHASES:
        key = _locate(target)
        hit = raw.get(key) if key else None
        if hit is None and key:  # same code at another path (e.g. the snapshot): match file suffix + line + name
            tail = "/".join(Path(key[0]).parts[-2:])
            hit = next((v for (f, line, name), v in raw.items()
                        if f.endswith(tail) and line == key[1] and name == key[2]), None)
        if hit:
            cum, calls = hit[3], hit[1]
            print(f"  {pad(label, 52)}{cum:8.1f} 秒 {100 * cum / total:5.1f}%  （{calls} 次调用）")
    groups: dict[str, float] = {}
    for (f, _, _name), v in raw.items():
        group = next((g for key, g in GROUPS if key in f), "C 内置函数（isinstance、正则、I/O…）" if f == "~" else "其他")
        groups[group] = groups.get(group, 0.0) + v[2]
    print("\n自身时间按来源（tottime 合计）：")
    for group, t in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {pad(group, 40)}{t:8.1f} 秒 {100 * t / total:5.1f}%")
    print(f"\n自身时间最多的 {top} 个函数：")
    rows = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    for (f, line, name), v in rows:
        short = f.split("site-packages/")[-1].replace(str(REPO) + "/", "")
        print(f"  {v[2]:8.1f} 秒 {v[1]:>11} 次  {short}:{line}({name})")
    sys.stdout.flush()
