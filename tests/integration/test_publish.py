"""`portal publish` puts the built site into its bucket the way browsers and CloudFront need it, and
tells CloudFront to forget only what changed; against S3 and CloudFront in moto."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal.publish import PublishError, publish

BUCKET = "party-portal-sitebucket-1a2b3c"


@pytest.fixture
def site(built_fixture, tmp_path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(built_fixture / "site", target)
    return target


def make_aws(monkeypatch, region: str):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": region, "AWS_REGION": region}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(params=["ap-east-1"])
def aws(request, monkeypatch):
    """The site bucket and a distribution (moto), the clients, and the distribution's id."""
    import boto3
    from moto import mock_aws

    region = request.param
    make_aws(monkeypatch, region)
    with mock_aws():
        s3, cloudfront = boto3.client("s3"), boto3.client("cloudfront")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
        config = {"CallerReference": "test", "Comment": "portal", "Enabled": True,
                  "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{BUCKET}.s3.amazonaws.com",
                                                         "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
                  "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                           "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}
        distribution = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
        yield s3, cloudfront, distribution


def head(s3, key: str) -> dict:
    return s3.head_object(Bucket=BUCKET, Key=key)


def keys(s3) -> set[str]:
    return {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            for o in page.get("Contents", [])}


def invalidations(cloudfront, distribution) -> list[list[str]]:
    listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    return [sorted(cloudfront.get_invalidation(DistributionId=distribution, Id=i["Id"])["Invalidation"]
                   ["InvalidationBatch"]["Paths"]["Items"]) for i in listed]


def fingerprinted(site: Path, pattern: str) -> str:
    (path,) = site.glob(pattern)
    return path.relative_to(site).as_posix()


def test_every_file_gets_its_content_type_with_utf8_for_text(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    expected = {
        "index.html": "text/html; charset=utf-8",
        "regulations/index.html": "text/html; charset=utf-8",
        fingerprinted(site, "assets/stylesheets/main.*.min.css"): "text/css; charset=utf-8",
        fingerprinted(site, "assets/javascripts/bundle.*.min.js"): "text/javascript; charset=utf-8",
        "assets/forms.js": "text/javascript; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "sitemap.xml.gz": "application/gzip",
        "news/rss.xml": "application/rss+xml; charset=utf-8",
        "assets/images/favicon.png": "image/png",
    }
    for key, ctype in expected.items():
        assert head(s3, key)["ContentType"] == ctype, key
    assert "ContentEncoding" not in head(s3, "sitemap.xml.gz")  # a download, not a compressed page
    built = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert keys(s3) == built


def test_hashed_assets_are_immutable_and_pages_are_kept_briefly(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    css = fingerprinted(site, "assets/stylesheets/main.*.min.css")
    assert head(s3, css)["CacheControl"] == "public, max-age=31536000, immutable"
    assert head(s3, "index.html")["CacheControl"] == "public, max-age=60, s-maxage=86400"
    # Not fingerprinted: a new version under the same name must reach browsers within minutes.
    assert head(s3, "assets/portal.css")["CacheControl"] == "public, max-age=300, s-maxage=86400"


def test_publishing_an_unchanged_site_uploads_nothing_and_invalidates_nothing(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    before = head(s3, "index.html")["LastModified"]
    lines = publish(site, BUCKET, distribution, s3, cloudfront)
    assert "网站没有变化" in lines[-1]
    assert head(s3, "index.html")["LastModified"] == before
    assert len(invalidations(cloudfront, distribution)) == 1


def test_a_changed_page_an_added_file_and_a_removed_page_are_all_that_is_invalidated(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    about = site / "about" / "index.html"
    about.write_text(about.read_text(encoding="utf-8").replace("</body>", "<p>新的一段</p></body>"), encoding="utf-8")
    (site / "notice.txt").write_text("公告", encoding="utf-8")
    shutil.rmtree(site / "feedback")
    lines = publish(site, BUCKET, distribution, s3, cloudfront)
    assert invalidations(cloudfront, distribution)[-1] == sorted(
        ["/about/index.html", "/about/", "/notice.txt", "/feedback/index.html", "/feedback/"])
    assert "新的一段" in s3.get_object(Bucket=BUCKET, Key="about/index.html")["Body"].read().decode("utf-8")
    assert "feedback/index.html" not in keys(s3)
    assert "上传 2 个文件（新增 1 个，更新 1 个），删除 1 个" in lines[1]
    assert "5 个路径" in lines[2]


def test_a_dry_run_says_what_it_would_do_and_does_nothing(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    (site / "index.html").write_text("<html>新首页</html>", encoding="utf-8")
    lines = publish(site, BUCKET, distribution, s3, cloudfront, dry_run=True)
    assert lines[0].startswith("试运行（未做任何更改）")
    assert "将上传 1 个文件" in lines[1] and "  /index.html" in lines and "  /" in lines
    assert "新首页" not in s3.get_object(Bucket=BUCKET, Key="index.html")["Body"].read().decode("utf-8")
    assert len(invalidations(cloudfront, distribution)) == 1


def test_many_changed_paths_become_one_wildcard(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    for page in site.rglob("*.html"):
        page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    lines = publish(site, BUCKET, distribution, s3, cloudfront, max_paths=10)
    assert invalidations(cloudfront, distribution)[-1] == ["/*"]
    assert "全部路径（/*）" in lines[2]


@pytest.mark.parametrize("aws", ["cn-northwest-1"], indirect=True)
def test_in_china_each_folder_page_is_also_stored_under_the_folder_key(site, aws):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    folder = s3.get_object(Bucket=BUCKET, Key="regulations/")
    assert folder["ContentType"] == "text/html; charset=utf-8"
    assert folder["Body"].read() == (site / "regulations" / "index.html").read_bytes()
    # Elsewhere the CloudFront Function serves folders, and the copies are cleaned away.
    publish(site, BUCKET, distribution, s3, cloudfront, directory_objects=False)
    assert "regulations/" not in keys(s3)


def test_an_empty_build_folder_never_empties_the_live_site(site, aws, tmp_path):
    s3, cloudfront, distribution = aws
    publish(site, BUCKET, distribution, s3, cloudfront)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PublishError, match="portal build"):
        publish(empty, BUCKET, distribution, s3, cloudfront)
    for folder in [p for p in site.iterdir() if p.is_dir() and p.name != "assets"] + [site / "assets" / "display"]:
        shutil.rmtree(folder)  # all pages gone, only the theme's own assets left
    with pytest.raises(PublishError, match="--allow-mass-delete"):
        publish(site, BUCKET, distribution, s3, cloudfront)
    assert "regulations/index.html" in keys(s3)


def test_the_command_prints_a_chinese_summary(site, aws, capsys):
    from portal.cli import main

    _, _, distribution = aws
    assert main(["publish", "--bucket", BUCKET, "--distribution", distribution, "--site", str(site), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "试运行（未做任何更改）" in out and "将上传" in out and "个路径" in out
