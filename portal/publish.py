"""`portal publish`: build/site → the site bucket, then a CloudFront invalidation of what changed.

Each file is uploaded with its content type (UTF-8 stated for text) and a cache header: assets whose
name carries a content hash (Material's `main.57a0d79d.min.css`) are immutable for a year, everything
else is kept briefly by browsers and a day by CloudFront, which is told to forget exactly the paths
that changed. A file is changed when its MD5 differs from the object's ETag (single-part uploads to a
bucket with SSE-S3, as the template makes it). Keys no longer built are deleted. In the China regions,
where CloudFront Functions do not exist, each `dir/index.html` is also stored as `dir/`, so that the
directory URL finds an object.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT, ".css": "text/css" + TEXT, ".js": "text/javascript" + TEXT,
    ".json": "application/json" + TEXT, ".map": "application/json" + TEXT, ".xml": "application/xml" + TEXT,
    ".txt": "text/plain" + TEXT, ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".pdf": "application/pdf",
    ".gz": "application/gzip", ".webmanifest": "application/manifest+json",
}
FEED_TYPE = "application/rss+xml" + TEXT
# A name with a content hash between dots: it changes whenever the file does.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.")
IMMUTABLE = "public, max-age=31536000, immutable"
BRIEF = "public, max-age=300, s-maxage=86400"  # browsers 5 minutes; CloudFront a day, invalidated on change
PAGE = "public, max-age=60, s-maxage=86400"
# More changed paths than this and one "/*" is cheaper (CloudFront bills each path beyond 1,000 a month).
MAX_PATHS = 200
# Deleting more than this share of the bucket needs --allow-mass-delete: an almost empty build/site
# should never empty the live site.
MASS_DELETE = 0.5


def content_type(key: str) -> str:
    if key.endswith("/"):  # a folder's copy of its index.html
        return CONTENT_TYPES[".html"]
    if key.endswith("rss.xml"):
        return FEED_TYPE
    return CONTENT_TYPES.get(Path(key).suffix.lower()) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    if FINGERPRINTED.search(key.rsplit("/", 1)[-1]):
        return IMMUTABLE
    return PAGE if content_type(key).startswith("text/html") else BRIEF


@dataclass(frozen=True)
class SiteFile:
    key: str
    path: Path
    md5: str

    @property
    def content_type(self) -> str:
        return content_type(self.key)

    @property
    def cache_control(self) -> str:
        return cache_control(self.key)


def site_files(site: Path, directory_objects: bool) -> dict[str, SiteFile]:
    """Key → file for everything under build/site (plus `dir/` copies of `dir/index.html` if asked)."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        key = path.relative_to(site).as_posix()
        md5 = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        files[key] = SiteFile(key, path, md5)
        if directory_objects and key.endswith("/index.html"):
            folder = key.removesuffix("index.html")
            files[folder] = SiteFile(folder, path, md5)
    return files


def bucket_objects(s3, bucket: str) -> dict[str, str]:
    """Key → ETag (without quotes) of every object in the bucket."""
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            objects[item["Key"]] = item["ETag"].strip('"')
    return objects


def url_paths(key: str) -> list[str]:
    """The URLs CloudFront may have cached a key under: a directory page also under its folder URL."""
    paths = ["/" + key]
    if key == "index.html" or key.endswith("/index.html"):
        paths.append("/" + key.removesuffix("index.html"))
    return [quote(p, safe="/-_.~") for p in paths]


@dataclass
class Plan:
    uploads: list[SiteFile] = field(default_factory=list)
    added: int = 0
    deletions: list[str] = field(default_factory=list)
    unchanged: int = 0
    total_remote: int = 0

    def invalidation_paths(self, max_paths: int = MAX_PATHS) -> list[str]:
        paths = sorted({p for key in [*(f.key for f in self.uploads), *self.deletions] for p in url_paths(key)})
        return ["/*"] if len(paths) > max_paths else paths


def plan(local: dict[str, SiteFile], remote: dict[str, str]) -> Plan:
    result = Plan(total_remote=len(remote))
    for key, item in local.items():
        if key not in remote:
            result.uploads.append(item)
            result.added += 1
        elif remote[key] != item.md5:
            result.uploads.append(item)
        else:
            result.unchanged += 1
    result.deletions = sorted(set(remote) - set(local))
    # Assets before the pages that name them, pages before their folder copies.
    result.uploads.sort(key=lambda f: (f.key.endswith("/"), f.content_type.startswith("text/html"), f.key))
    return result


class PublishError(Exception):
    """Publishing would do harm, or cannot start (the message says why, in Chinese)."""


def check_safe(site: Path, result: Plan, allow_mass_delete: bool) -> None:
    if not (site / "index.html").is_file():
        raise PublishError(f"{site} 中没有 index.html：请先运行 portal build，不发布不完整的网站。")
    share = len(result.deletions) / result.total_remote if result.total_remote else 0
    if share > MASS_DELETE and len(result.deletions) > 20 and not allow_mass_delete:
        raise PublishError(f"将删除线上 {len(result.deletions)} 个文件（占 {share:.0%}）。如确属有意，请加 --allow-mass-delete。")


def upload(s3, bucket: str, files: list[SiteFile], workers: int = 8) -> None:
    def put(item: SiteFile) -> None:
        s3.put_object(Bucket=bucket, Key=item.key, Body=item.path.read_bytes(), ContentType=item.content_type,
                      CacheControl=item.cache_control)

    html = [f for f in files if f.content_type.startswith("text/html")]
    with ThreadPoolExecutor(workers) as pool:  # every asset is in place before the first page names it
        list(pool.map(put, [f for f in files if f not in html]))
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(put, html))


def delete(s3, bucket: str, keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[start:start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


def invalidate(cloudfront, distribution: str, paths: list[str]) -> str:
    reference = f"portal-publish-{int(time.time())}-{uuid.uuid4().hex[:8]}"
    answer = cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
        "Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": reference})
    return answer["Invalidation"]["Id"]


def in_china(s3) -> bool:
    return s3.meta.region_name.startswith("cn-")


def publish(site: Path, bucket: str, distribution: str, s3, cloudfront, dry_run: bool = False,
            directory_objects: bool | None = None, allow_mass_delete: bool = False,
            max_paths: int = MAX_PATHS) -> list[str]:
    """Do (or, dry, only plan) the publish; the summary lines, in Chinese."""
    if directory_objects is None:
        directory_objects = in_china(s3)
    result = plan(site_files(site, directory_objects), bucket_objects(s3, bucket))
    check_safe(site, result, allow_mass_delete)
    paths = result.invalidation_paths(max_paths)
    head = f"{'试运行（未做任何更改）' if dry_run else '已发布'}：{site} → s3://{bucket}"
    counts = (f"上传 {len(result.uploads)} 个文件（新增 {result.added} 个，更新 {len(result.uploads) - result.added} 个），"
              f"删除 {len(result.deletions)} 个，未变 {result.unchanged} 个")
    if not result.uploads and not result.deletions:
        return [head, "网站没有变化：无需上传，也无需刷新 CloudFront 缓存。"]
    refresh = (f"刷新 CloudFront（{distribution}）缓存：{'全部路径（/*）' if paths == ['/*'] else f'{len(paths)} 个路径'}")
    if dry_run:
        return [head, "将" + counts, "将" + refresh, *(f"  {p}" for p in paths[:20]),
                *([f"  ……另有 {len(paths) - 20} 个路径"] if len(paths) > 20 else [])]
    upload(s3, bucket, result.uploads)
    delete(s3, bucket, result.deletions)
    invalidation = invalidate(cloudfront, distribution, paths)
    return [head, counts, f"已请求{refresh}，编号 {invalidation}（通常几分钟内生效）"]


def run(args) -> int:
    """The `portal publish` command."""
    import boto3

    s3, cloudfront = boto3.client("s3"), boto3.client("cloudfront")
    try:
        lines = publish(args.site, args.bucket, args.distribution, s3, cloudfront, dry_run=args.dry_run,
                        directory_objects=args.directory_objects, allow_mass_delete=args.allow_mass_delete)
    except PublishError as exc:
        print(f"未发布：{exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("publish", help="把 build/site 发布到网站存储桶，并刷新 CloudFront 中变化的路径")
    p.add_argument("--bucket", required=True, help="网站存储桶（堆栈输出 SiteBucketName）")
    p.add_argument("--distribution", required=True, help="CloudFront 分配 ID（堆栈输出 DistributionId）")
    p.add_argument("--site", type=Path, default=Path("build/site"), help="要发布的目录（默认 build/site）")
    p.add_argument("--dry-run", action="store_true", help="只列出将要上传、删除和刷新的内容，不做更改")
    p.add_argument("--directory-objects", action="store_true", default=None,
                   help="另存 dir/index.html 为 dir/（中国区默认开启：那里没有 CloudFront Functions）")
    p.add_argument("--no-directory-objects", dest="directory_objects", action="store_false")
    p.add_argument("--allow-mass-delete", action="store_true", help="允许删除线上一半以上的文件")
