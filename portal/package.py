"""`portal package`: the one Lambda package of the three functions, in build/lambda (the template's CodeUri).

What goes in: the runtime dependencies the functions import, at the versions and hashes of
requirements.lock (the tested set), as wheels for Lambda's platform (Amazon Linux 2, glibc 2.26) and
architecture; the source packages functions/, search_index/ and site_builder/; and the artifacts of
`portal build` under build/ (registry.json, shells/, search-index/). Byte code is compiled in advance
(unchecked hashes: /var/task is read-only, so Lambda could not cache it and would compile every module
at every cold start). Sizes are printed against Lambda's limits.
"""

from __future__ import annotations

import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Distributions the functions import (functions/, search_index/, site_builder floors 1–2); their own
# dependencies follow from the lock file's "# via" notes. MkDocs, Material, uvicorn and the dev tools
# stay out: the functions never import them.
RUNTIME_ROOTS = ("aws-lambda-powertools", "boto3", "pydantic", "pyyaml", "jinja2", "whoosh-reloaded", "sqlean-py", "rjieba",
                 "cryptography", "argon2-cffi", "holidays")
SOURCE_PACKAGES = ("functions", "search_index", "site_builder")
# From `portal build`: what the functions read at /var/task/build.
ARTIFACTS = ("registry.json", "shells", "search-index")
PYTHON_VERSION = "3.11"  # the template's Runtime: python3.11
# Lambda's architecture names (the template's LambdaArchitecture) → wheel platform suffix.
ARCHITECTURES = {"arm64": "aarch64", "x86_64": "x86_64"}
# Wheels Amazon Linux 2 (glibc 2.26) can load; pip also accepts the older tags below each of these.
# Never manylinux_2_28 or later.
GLIBC_TAGS = ("manylinux2014", "manylinux_2_26")

MB = 1_000_000
UNZIPPED_LIMIT = 250 * MB  # function + layers, unzipped
ZIPPED_WARNING = 50 * MB   # larger zips cannot be uploaded directly (sam deploy goes through S3)


class PackageError(Exception):
    """Something the operator must fix before packaging (the message says what, in Chinese)."""


@dataclass(frozen=True)
class Locked:
    name: str
    version: str
    hashes: tuple[str, ...]
    via: tuple[str, ...] = field(default=())

    def requirement(self) -> str:
        return " \\\n    ".join([f"{self.name}=={self.version}", *(f"--hash={h}" for h in self.hashes)])


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, Locked]:
    """requirements.lock as written by `uv pip compile --generate-hashes` (name==version, hashes, via)."""
    packages: dict[str, Locked] = {}
    blocks = re.split(r"\n(?=\S)", text)
    for block in blocks:
        head = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)", block)
        if not head:
            continue
        hashes = tuple(re.findall(r"--hash=(sha256:[0-9a-f]{64})", block))
        via, notes = [], [line.strip().lstrip("#").strip() for line in block.splitlines() if line.strip().startswith("#")]
        if notes and notes[0].startswith("via"):
            first = notes[0].removeprefix("via").strip()
            via = [n.split()[0] for n in ([first] if first else []) + notes[1:] if n]
        name = normalize(head.group(1))
        packages[name] = Locked(name, head.group(2), hashes, tuple(normalize(v) for v in via))
    return packages


def runtime_closure(locked: dict[str, Locked], roots=RUNTIME_ROOTS) -> list[Locked]:
    """The roots and everything the lock says a needed package pulled in, sorted by name."""
    needed = {normalize(r) for r in roots}
    missing = needed - set(locked)
    if missing:
        raise PackageError(f"requirements.lock 中没有运行时依赖：{', '.join(sorted(missing))}（请运行 make lock）")
    grew = True
    while grew:
        grew = False
        for package in locked.values():
            if package.name not in needed and any(v in needed for v in package.via):
                needed.add(package.name)
                grew = True
    return sorted((locked[n] for n in needed), key=lambda p: p.name)


def pip_command(requirements: Path, target: Path, arch: str, python_version: str = PYTHON_VERSION) -> list[str]:
    platforms = [f"--platform={tag}_{ARCHITECTURES[arch]}" for tag in GLIBC_TAGS]
    return [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes",
            "--no-deps", "--no-compile", "--only-binary=:all:", "--implementation=cp", f"--python-version={python_version}",
            *platforms, "--target", str(target), "-r", str(requirements)]


def install_dependencies(packages: list[Locked], target: Path, arch: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements-lambda.txt"
        requirements.write_text("\n".join(p.requirement() for p in packages) + "\n", encoding="utf-8")
        result = subprocess.run(pip_command(requirements, target, arch), capture_output=True, text=True)
    if result.returncode != 0:
        raise PackageError(f"安装 Lambda 运行时依赖失败（{arch}）：\n{result.stderr.strip()[-2000:]}")
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts for this machine's Python: of no use there


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".pyo"))}


def copy_sources(root: Path, target: Path) -> None:
    for package in SOURCE_PACKAGES:
        shutil.copytree(root / package, target / package, ignore=_ignore)


def copy_artifacts(build: Path, target: Path) -> None:
    missing = [name for name in ARTIFACTS if not (build / name).exists()]
    if missing:
        raise PackageError(f"{build} 中缺少构建产物：{', '.join(missing)}。请先运行 portal build。")
    (target / "build").mkdir(parents=True)
    for name in ARTIFACTS:
        source = build / name
        if source.is_dir():
            shutil.copytree(source, target / "build" / name, ignore=_ignore)
        else:
            shutil.copy2(source, target / "build" / name)


def precompile(target: Path) -> bool:
    """Byte code for Lambda's Python, only when this interpreter is that version (else Lambda compiles)."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" != PYTHON_VERSION:
        return False
    with warnings.catch_warnings():  # third-party sources' own syntax warnings are not ours to print
        warnings.simplefilter("ignore")
        return compileall.compile_dir(str(target), quiet=2, workers=1,
                                      invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH)


def unzipped_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def write_zip(folder: Path, zip_path: Path) -> int:
    """A deterministic zip of the folder (sorted, fixed times); its size in bytes."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return zip_path.stat().st_size


def size_report(unzipped: int, zipped: int | None) -> tuple[list[str], bool]:
    """Lines for the operator and whether the package fits Lambda at all."""
    fits = unzipped <= UNZIPPED_LIMIT
    lines = [f"解压后 {unzipped / MB:.1f} MB（Lambda 上限 {UNZIPPED_LIMIT // MB} MB，"
             + (f"余量 {(UNZIPPED_LIMIT - unzipped) / MB:.1f} MB）" if fits else
                f"超出 {(unzipped - UNZIPPED_LIMIT) / MB:.1f} MB，无法部署）")]
    if zipped is not None:
        line = f"压缩后 {zipped / MB:.1f} MB"
        if zipped > ZIPPED_WARNING:
            line += f"（超过 {ZIPPED_WARNING // MB} MB，不能直接上传到 Lambda；sam deploy 经 S3 上传，不受影响）"
        lines.append(line)
    return lines, fits


def largest(folder: Path, count: int = 5) -> list[tuple[str, int]]:
    sizes = {}
    for child in folder.iterdir():
        sizes[child.name] = unzipped_size(child) if child.is_dir() else child.stat().st_size
    return sorted(sizes.items(), key=lambda item: -item[1])[:count]


@dataclass
class Package:
    folder: Path
    zip_path: Path | None
    unzipped: int
    zipped: int | None
    compiled: bool
    dependencies: list[Locked]


def build_package(build: Path, out: Path, arch: str = "arm64", zip_path: Path | None = None,
                  lock: Path = ROOT / "requirements.lock", root: Path = ROOT) -> Package:
    if arch not in ARCHITECTURES:
        raise PackageError(f"不支持的架构 {arch}，可选：{', '.join(ARCHITECTURES)}")
    dependencies = runtime_closure(parse_lock(lock.read_text(encoding="utf-8")))
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        copy_artifacts(build, staging)
        install_dependencies(dependencies, staging, arch)
        copy_sources(root, staging)
        compiled = precompile(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    os.replace(staging, out)
    zipped = write_zip(out, zip_path) if zip_path else None
    return Package(out, zip_path, unzipped_size(out), zipped, compiled, dependencies)


def run(args) -> int:
    """The `portal package` command."""
    try:
        package = build_package(args.build, args.out, args.arch, None if args.no_zip else args.zip)
    except PackageError as exc:
        print(f"打包失败：{exc}", file=sys.stderr)
        return 1
    lines, fits = size_report(package.unzipped, package.zipped)
    print(f"已打包 {package.folder}（{args.arch}，Python {PYTHON_VERSION}，{len(package.dependencies)} 个依赖"
          + ("" if package.compiled else "，未预编译字节码：本机 Python 版本与 Lambda 不同") + "）")
    for line in lines:
        print("  " + line)
    print("  最大的几项：" + "，".join(f"{name} {size / MB:.1f} MB" for name, size in largest(package.folder)))
    if package.zip_path:
        print(f"  压缩包：{package.zip_path}")
    return 0 if fits else 1


def add_parser(sub) -> None:
    p = sub.add_parser("package", help="打包 Lambda 函数（依赖、代码和构建产物），并报告大小")
    p.add_argument("--build", type=Path, default=Path("build"), help="portal build 的输出目录（默认 build/）")
    p.add_argument("--out", type=Path, default=Path("build/lambda"), help="包目录（默认 build/lambda，模板的 CodeUri）")
    p.add_argument("--arch", choices=sorted(ARCHITECTURES), default="arm64",
                   help="与模板参数 LambdaArchitecture 相同（默认 arm64）")
    p.add_argument("--zip", type=Path, default=Path("build/lambda.zip"), help="压缩包位置（默认 build/lambda.zip）")
    p.add_argument("--no-zip", action="store_true", help="不写压缩包（sam deploy 会自己压缩 build/lambda）")
