"""The `store` fixture: every contract test runs on SQLite, on DynamoDB (moto) and on the in-memory
Store that unit tests of services use.

The moto table is created from infra/template.yaml, so the template stays the single source of
truth for keys and indexes: a key the code needs but the template lacks fails here, not in AWS.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
TABLE_NAME = "portal-contract"


class _TemplateLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short forms (!Sub, !Ref, !GetAtt …) as plain data."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_TemplateLoader)  # noqa: S506 (safe subclass)


def table_properties(template: dict[str, Any]) -> dict[str, Any]:
    (props,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    return props


def create_table_from_template(client: Any, table_name: str = TABLE_NAME) -> None:
    props = table_properties(load_template())
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props["BillingMode"],
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    client.create_table(**kwargs)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)


class SerialClient:
    """Passes calls to a moto client one at a time.

    moto's transact_write_items is not thread-safe: it deep-copies whole tables and, on a
    cancelled transaction, puts the copy back, so a cancellation in one thread can erase another
    thread's committed write. Real DynamoDB applies each call atomically, which this lock stands
    in for; the Store code itself still runs in many threads at once.
    """

    def __init__(self, client: Any):
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)
        return call


class Tree:
    """A small network for the contract suite: 河北省 → 石家庄市 → 正定县 → 正定镇, 河北省 → 唐山市,
    河北省 → 保定市 → 竞秀区. Units it does not know stand alone (as in every Store)."""

    PARENTS = {"130000": None, "130100": "130000", "130123": "130100", "130123100": "130123",
               "130200": "130000", "130600": "130000", "130602": "130600"}

    def path(self, code: str) -> list[str]:
        if code not in self.PARENTS:
            raise KeyError(code)
        path = [code]
        while self.PARENTS[path[-1]] is not None:
            path.append(self.PARENTS[path[-1]])
        return path[::-1]


TREE = Tree()


@pytest.fixture
def template() -> dict[str, Any]:
    """infra/template.yaml as data (intrinsics as {"Ref": …} / {"Fn::Sub": …})."""
    return load_template()


@pytest.fixture
def template_path() -> Path:
    return TEMPLATE


@pytest.fixture
def table_name() -> str:
    return TABLE_NAME


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fake credentials so nothing can ever reach a real account; a China region to exercise aws-cn.
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_SECURITY_TOKEN": "testing",
                        "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def dynamodb_client(aws_env: None):
    """A moto DynamoDB client (serialised, see SerialClient) with the template's table created."""
    import boto3
    from moto import mock_aws

    from functions.store.dynamodb import CLIENT_CONFIG

    with mock_aws():
        client = boto3.client("dynamodb", config=CLIENT_CONFIG)
        create_table_from_template(client)
        yield SerialClient(client)


@pytest.fixture
def sqlite_store(tmp_path: Path):
    from functions.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "store.sqlite3", tree=TREE)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "dynamodb", "memory"])
def store(request: pytest.FixtureRequest):
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_store")
    if request.param == "memory":
        from functions.store.memory import MemoryStore

        return MemoryStore(tree=TREE)
    from functions.store.dynamodb import DynamoStore

    return DynamoStore(TABLE_NAME, client=request.getfixturevalue("dynamodb_client"), tree=TREE)
