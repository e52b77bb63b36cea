"""`portal package` makes a Lambda package that works on its own: in a clean interpreter, with nothing
on the path but the package and the standard library, the three handlers import and answer requests.

The package is built once per session, for this machine's architecture (so its compiled wheels load
here), from the lock file through pip (its cache is reused between runs).
"""

from __future__ import annotations

import json
import platform
import secrets
import subprocess
import sys
import zipfile

import pytest

from portal import package as pkg

ARCH = {"x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]

CLEAN_RUN = r"""
import json, sys, sysconfig
from urllib.parse import parse_qsl
package = sys.argv[1]
sys.path.insert(0, package)

def event(method, path, query="", body=None, headers=None):
    e = {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
         "headers": {"host": "example.org", **(headers or {})},
         "requestContext": {"http": {"method": method, "path": path, "sourceIp": "192.0.2.1"},
                            "requestId": "r1", "stage": "$default"}, "isBase64Encoded": False}
    if query:
        e["queryStringParameters"] = dict(parse_qsl(query))
    if body is not None:
        e["body"] = json.dumps(body, ensure_ascii=False)
        e["headers"]["content-type"] = "application/json"
    return e

if len(sys.argv) > 2 and sys.argv[2] == "without-fts5":
    # As on Lambda's python3.11 runtime, whose SQLite 3.7.17 has no FTS5: the index must open with sqlean.
    from search_index import sqlite_driver
    has_fts5 = sqlite_driver.has_fts5
    sqlite_driver.has_fts5 = lambda module: module.__name__ != "sqlite3" and has_fts5(module)
from functions.handlers import review, search, submissions
answers = {
    "search": search.handler(event("GET", "/api/search", "q=%E5%9F%BA%E5%B1%82"), None),
    "feedback": submissions.handler(event("POST", "/api/feedback", body={"body": "字太小了，希望调大。"}), None),
    "login": review.handler(event("GET", "/review/login"), None),
}
stdlib = sysconfig.get_paths()["stdlib"]
loaded = {getattr(m, "__file__", None) for m in list(sys.modules.values())} - {None}
outside = sorted(f for f in loaded if not (f.startswith(package) or f.startswith(stdlib)))
sqlite = sys.modules["search_index.sqlite_driver"].driver().__name__ if "search_index.sqlite_driver" in sys.modules else None
print(json.dumps({"answers": {k: {"status": v["statusCode"], "body": v["body"]} for k, v in answers.items()},
                  "outside": outside, "path": sys.path, "sqlite": sqlite}))
"""


@pytest.fixture(scope="session")
def lambda_package(built_fixture, tmp_path_factory) -> pkg.Package:
    out = tmp_path_factory.mktemp("package") / "lambda"
    return pkg.build_package(built_fixture, out, ARCH, zip_path=out.parent / "lambda.zip")


@pytest.mark.parametrize("sqlite", ["sqlite3", "sqlean"])
def test_the_package_imports_and_answers_in_a_clean_interpreter(lambda_package, tmp_path, sqlite):
    """Also where the runtime's SQLite lacks FTS5 (Lambda's python3.11): then sqlean, from the package, opens the index."""
    env = {"PATH": "/usr/bin:/bin", "PORTAL_BUILD_DIR": str(lambda_package.folder / "build"),
           "PORTAL_SEARCH_INDEX": str(lambda_package.folder / "build" / "search-index"),
           "PORTAL_STORE": f"sqlite:///{tmp_path / 'portal.db'}", "PORTAL_BLOBS": f"file:///{tmp_path / 'uploads'}",
           "PORTAL_SECRET_KEY": secrets.token_hex(32), "HOME": str(tmp_path)}
    # -I: no environment variables of Python's, no user site; -S: no site-packages at all.
    run = subprocess.run([sys.executable, "-I", "-S", "-c", CLEAN_RUN, str(lambda_package.folder),
                          "without-fts5" if sqlite == "sqlean" else "with-fts5"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["outside"] == []  # nothing was imported from outside the package and the standard library
    answers = result["answers"]
    assert result["sqlite"] == sqlite
    assert answers["search"]["status"] == 200 and json.loads(answers["search"]["body"])["total"] >= 1
    assert answers["feedback"]["status"] == 201, answers["feedback"]["body"]
    assert answers["login"]["status"] == 200 and "登录" in answers["login"]["body"]


def test_the_package_holds_the_build_artifacts_and_no_builder_or_dev_tool(lambda_package):
    folder = lambda_package.folder
    for artifact in ("build/registry.json", "build/shells", "build/search-index", "functions/handlers/search.py",
                     "functions/static/review.css", "functions/templates/review", "site_builder/models.py"):
        assert (folder / artifact).exists(), artifact
    for absent in ("mkdocs", "material", "pytest", "moto", "uvicorn", "starlette", "playwright", "cfnlint", "bin"):
        assert not (folder / absent).exists(), absent
    assert not list(folder.glob("build/site"))  # the site goes to S3, not into the function


def test_byte_code_is_compiled_in_advance_for_a_read_only_task_root(lambda_package):
    if sys.version_info[:2] != (3, 11):
        pytest.skip("byte code is only compiled by the Python version Lambda runs")
    assert lambda_package.compiled
    assert list((lambda_package.folder / "functions" / "__pycache__").glob("config.cpython-311.pyc"))


def test_the_zip_holds_the_same_files_and_its_size_is_reported(lambda_package):
    with zipfile.ZipFile(lambda_package.zip_path) as archive:
        names = set(archive.namelist())
    files = {p.relative_to(lambda_package.folder).as_posix() for p in lambda_package.folder.rglob("*") if p.is_file()}
    assert names == files
    assert lambda_package.zipped == lambda_package.zip_path.stat().st_size < lambda_package.unzipped


def test_sizes_are_reported_against_the_lambda_limits():
    lines, fits = pkg.size_report(98_300_000, 31_200_000)
    assert fits and lines == ["解压后 98.3 MB（Lambda 上限 250 MB，余量 151.7 MB）", "压缩后 31.2 MB"]
    lines, fits = pkg.size_report(262_000_000, 61_000_000)
    assert not fits
    assert lines[0] == "解压后 262.0 MB（Lambda 上限 250 MB，超出 12.0 MB，无法部署）"
    assert lines[1].startswith("压缩后 61.0 MB（超过 50 MB")


def test_only_what_the_functions_import_is_taken_from_the_lock_file():
    locked = pkg.parse_lock((pkg.ROOT / "requirements.lock").read_text(encoding="utf-8"))
    names = {p.name for p in pkg.runtime_closure(locked)}
    assert {"pydantic-core", "botocore", "cffi", "markupsafe", "six", "rjieba", "whoosh-reloaded", "sqlean-py"} <= names
    assert not names & {"mkdocs", "mkdocs-material", "pymdown-extensions", "uvicorn", "pytest", "moto", "jieba"}
    assert all(locked[n].hashes for n in names)


def test_wheels_are_chosen_for_lambdas_glibc_and_the_architecture_asked_for(tmp_path):
    command = pkg.pip_command(tmp_path / "r.txt", tmp_path / "t", "arm64")
    assert "--platform=manylinux2014_aarch64" in command and "--platform=manylinux_2_26_aarch64" in command
    assert "--only-binary=:all:" in command and "--require-hashes" in command and "--python-version=3.11" in command
    assert not [c for c in command if "manylinux_2_28" in c]


def test_packaging_without_a_build_says_what_to_run(tmp_path, capsys):
    from portal.cli import main

    assert main(["package", "--build", str(tmp_path / "nothing"), "--out", str(tmp_path / "lambda"), "--no-zip"]) == 1
    assert "请先运行 portal build" in capsys.readouterr().err
