"""The SAM template keeps the data safe, deploys in the China partition, and gives the functions
exactly what their code needs: the handler it names imports, every variable the code reads is set,
every route the handlers serve is reachable through the HTTP API and CloudFront, and every AWS call
the Store and the BlobStore make is allowed."""

from __future__ import annotations

import ast
import fnmatch
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def test_the_table_is_on_demand_encrypted_recoverable_and_expires_claims(template):
    props = template["Resources"]["Table"]["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    from functions.store import UNIT_LEVELS

    # One listing index per level of the unit tree the Store indexes, and nothing else.
    assert [i["IndexName"] for i in props["GlobalSecondaryIndexes"]] == [f"tree{i}" for i in range(UNIT_LEVELS)]


def test_the_table_and_bucket_survive_a_stack_deletion(template):
    resources = template["Resources"]
    for name in ("Table", "UploadsBucket"):
        assert resources[name]["DeletionPolicy"] == "Retain"


def test_the_upload_bucket_is_private_encrypted_and_forgets_abandoned_uploads_and_exports_after_a_day(template):
    bucket = template["Resources"]["UploadsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    for prefix in ("incoming/", "exports/"):
        (expiring,) = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r.get("Prefix") == prefix]
        assert expiring["ExpirationInDays"] == 1 and expiring["Status"] == "Enabled"
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["POST"] and cors["AllowedOrigins"] == [{"Ref": "SiteOrigin"}]


def test_no_arn_is_written_for_one_partition_only(template_path):
    text = template_path.read_text(encoding="utf-8")
    assert not re.search(r"arn:aws(-cn)?:", text)
    assert all("${AWS::Partition}" in line for line in text.splitlines() if '"arn:' in line)


# ------------------------------------------------------------------------------------------------
# The functions, the HTTP API and CloudFront: what the code needs is what the template gives it.

ROOT = Path(__file__).resolve().parents[2]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# Variables Lambda sets itself; the template must not.
RUNTIME_PROVIDED = {"AWS_LAMBDA_FUNCTION_NAME"}
# Read only off Lambda (functions/config.py refuses it there): the template must never set it.
LOCAL_ONLY = {"PORTAL_SECRET_KEY"}
# config.make_store/make_blobs import the adapter for the URL lazily; on AWS these are the ones.
AWS_ADAPTERS = ("functions/store/dynamodb.py", "functions/store/dynamodb_items.py", "functions/blobs/s3.py")


def functions_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id → Properties of every AWS::Serverless::Function, Globals merged in."""
    defaults = template.get("Globals", {}).get("Function", {})
    result = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            props = {**defaults, **resource["Properties"]}
            props["Environment"] = {"Variables": {**defaults.get("Environment", {}).get("Variables", {}),
                                                  **resource["Properties"].get("Environment", {}).get("Variables", {})}}
            result[name] = props
    return result


def handler_module(props: dict[str, Any]) -> str:
    return props["Handler"].rsplit(".", 1)[0]


def test_every_handler_named_in_the_template_imports_and_is_callable(template):
    functions = functions_of(template)
    assert set(functions) == {"SearchFunction", "SubmissionsFunction", "ReviewFunction", "NotifyFunction"}
    for props in functions.values():
        module = importlib.import_module(handler_module(props))
        assert callable(getattr(module, props["Handler"].rsplit(".", 1)[1]))
        assert props["Runtime"] == "python3.11"
        if props.get("Events", {}) and any(e["Type"] == "HttpApi" for e in props["Events"].values()):
            assert props["Timeout"] < 30  # API Gateway gives up after 30 s


def _loaded_repo_files(module: str) -> set[str]:
    """Repository source files a fresh interpreter has loaded after importing `module`."""
    code = ("import importlib, json, sys; importlib.import_module(sys.argv[1]); "
            "print(json.dumps([getattr(m, '__file__', None) for m in list(sys.modules.values())]))")
    out = subprocess.run([sys.executable, "-c", code, module], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    files = set()
    for name in json.loads(out.stdout.splitlines()[-1]):
        if name and Path(name).is_relative_to(ROOT) and ".venv" not in Path(name).parts:
            files.add(Path(name).relative_to(ROOT).as_posix())
    if "functions/config.py" in files:
        files.update(AWS_ADAPTERS)
    return files


def _is_os_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os")


def environment_reads(source: str) -> set[str]:
    """Names passed to os.environ.get / os.environ[...] / os.getenv, literal or module constant."""
    tree = ast.parse(source)
    constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                 for target in node.targets if isinstance(target, ast.Name)}
    names = set()
    for node in ast.walk(tree):
        arg = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
            if (node.func.attr == "get" and _is_os_environ(node.func.value)) or (
                    node.func.attr == "getenv" and isinstance(node.func.value, ast.Name) and node.func.value.id == "os"):
                arg = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            arg = node.slice
        if arg is None:
            continue
        if isinstance(arg, ast.Constant):
            names.add(arg.value)
        elif isinstance(arg, ast.Name) and arg.id in constants:
            names.add(constants[arg.id])
        else:
            raise AssertionError(f"cannot tell which variable {ast.unparse(node)} reads")
    return names


def test_every_environment_variable_a_function_reads_is_set_and_nothing_else(template):
    for name, props in functions_of(template).items():
        files = _loaded_repo_files(handler_module(props))
        reads = set().union(*(environment_reads((ROOT / f).read_text(encoding="utf-8")) for f in files))
        assert set(props["Environment"]["Variables"]) == reads - RUNTIME_PROVIDED - LOCAL_ONLY, name


def test_the_functions_use_this_stacks_table_bucket_and_packaged_build(template):
    functions = functions_of(template)
    for name in ("SubmissionsFunction", "ReviewFunction"):
        env = functions[name]["Environment"]["Variables"]
        assert env["PORTAL_STORE"] == {"Fn::Sub": "dynamodb://${Table}"}
        assert env["PORTAL_BLOBS"] == {"Fn::Sub": "s3://${UploadsBucket}"}
        assert env["PORTAL_BUILD_DIR"] == "/var/task/build"  # LAMBDA_TASK_ROOT, where the package unzips
    assert functions["SearchFunction"]["Environment"]["Variables"] == {
        "PORTAL_SEARCH_INDEX": "/var/task/build/search-index", "PORTAL_ORIGIN_SECRET_ARN": {"Ref": "OriginSecret"}}


# --- routes -------------------------------------------------------------------------------------

def handler_routes(module: str) -> list[tuple[str, str]]:
    """(method, sample path) of every route the handler's resolver serves; <param> → a value."""
    app = importlib.import_module(module).app
    routes = [*app._static_routes, *app._dynamic_routes]  # Powertools 3.37 (pinned)
    return sorted({(r.method, re.sub(r"<[^>]+>", "x1", r.path)) for r in routes})


def api_routes(template) -> list[tuple[str, str, str]]:
    """(method, path, function) of every HttpApi event on this stack's HTTP API."""
    routes = []
    for name, props in functions_of(template).items():
        for event in props.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                assert event["Properties"]["ApiId"] == {"Ref": "HttpApi"}
                assert event["Properties"]["PayloadFormatVersion"] == "2.0"  # the handlers read v2 events
                routes.append((event["Properties"]["Method"].upper(), event["Properties"]["Path"], name))
    return routes


def _route_matches(route_path: str, path: str) -> bool:
    route, parts = route_path.strip("/").split("/"), path.strip("/").split("/")
    for i, segment in enumerate(route):
        if segment.endswith("+}"):
            return len(parts) > i
        if i >= len(parts) or not (segment == parts[i] or segment.startswith("{")):
            return False
    return len(parts) == len(route)


def http_api_target(template, method: str, path: str) -> str | None:
    """The function HTTP API invokes: the most specific matching route wins (no greedy variable
    first, then the longest literal prefix, then an exact method over ANY). HTTP API ignores a
    trailing slash (route keys cannot have one), so /search/ is matched as /search."""
    candidates = [(method_, route, fn) for method_, route, fn in api_routes(template)
                  if method_ in (method, "ANY") and _route_matches(route, path)]
    if not candidates:
        return None

    def specificity(candidate):
        method_, route, _ = candidate
        literal = route.split("{", 1)[0]
        return ("+}" not in route, len(literal), method_ != "ANY")
    return max(candidates, key=specificity)[2]


def cloudfront_behaviour(template, path: str) -> dict[str, Any]:
    """The first cache behaviour whose pattern matches, as CloudFront picks it (* spans slashes)."""
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    for behaviour in config["CacheBehaviors"]:
        if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
            return behaviour
    return config["DefaultCacheBehavior"]


# The functions behind the HTTP API (NotifyFunction runs on a schedule and serves no route).
HANDLERS = {"SearchFunction": "functions.handlers.search", "SubmissionsFunction": "functions.handlers.submissions",
            "ReviewFunction": "functions.handlers.review"}


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_every_route_a_handler_serves_reaches_that_function_through_the_http_api(template, function):
    assert handler_module(functions_of(template)[function]) == HANDLERS[function]
    for method, path in handler_routes(HANDLERS[function]):
        assert http_api_target(template, method, path) == function, f"{method} {path}"


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_every_route_a_handler_serves_goes_from_cloudfront_to_the_api_uncached(template, function):
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    (api_origin,) = [o for o in config["Origins"] if o["Id"] == "api"]
    assert api_origin["DomainName"] == {"Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    for method, path in handler_routes(HANDLERS[function]):
        behaviour = cloudfront_behaviour(template, path)
        assert behaviour["TargetOriginId"] == "api", path
        assert method in behaviour["AllowedMethods"], f"{method} {path}"
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, path
        # Cookies (staff session, receipt), query strings and headers (X-Query-Code) reach the
        # function; Host does not, API Gateway routes on its own name (test_template_edge.py).
        assert behaviour["OriginRequestPolicyId"] == {"Ref": "ApiOriginRequestPolicy"}, path


@pytest.mark.parametrize("path", ["/", "/index.html", "/news/", "/regulations/x1/", "/404.html",
                                  "/assets/stylesheets/main.css", "/sitemap.xml"])
def test_static_pages_come_from_the_site_bucket(template, path):
    assert cloudfront_behaviour(template, path)["TargetOriginId"] == "site"


def test_the_site_bucket_is_private_and_read_by_this_distribution_only(template):
    resources = template["Resources"]
    assert all(resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"].values())
    statements = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (deny, conditional) = statements
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    condition, china, elsewhere = conditional["Fn::If"]
    assert condition == "InChina"
    assert china["Principal"] == {"CanonicalUser": {"Fn::GetAtt": ["SiteOriginAccessIdentity", "S3CanonicalUserId"]}}
    assert elsewhere["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "${Distribution}" in elsewhere["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert all(a in ("s3:GetObject", "s3:ListBucket") for s in (china, elsewhere) for a in s["Action"])


# --- permissions --------------------------------------------------------------------------------

def allowed(props: dict[str, Any]) -> dict[str, list[Any]]:
    """IAM action → resources, from a function's inline policy statements."""
    grants: dict[str, list[Any]] = {}
    for policy in props.get("Policies", []):
        assert isinstance(policy, dict) and set(policy) == {"Statement"}, "only inline statements"
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in actions:
                grants.setdefault(action, []).extend(resources)
    return grants


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def dynamodb_actions() -> set[str]:
    """IAM actions behind every call functions/store/dynamodb.py makes; a transaction is authorised
    item by item (Put → PutItem, Update → UpdateItem …)."""
    source = "\n".join((ROOT / f"functions/store/{name}.py").read_text(encoding="utf-8")
                       for name in ("dynamodb", "dynamodb_items"))
    calls = set(re.findall(r"self\.client\.(\w+)\(", source))
    actions = {f"dynamodb:{_camel(c)}" for c in calls if c != "transact_write_items"}
    if "transact_write_items" in calls:
        actions |= {f"dynamodb:{kind}Item" for kind in re.findall(r'\{"(Put|Update|Delete|ConditionCheck)":', source)}
    return actions


def s3_actions_by_method() -> dict[str, set[str]]:
    """BlobStore method → IAM actions behind the S3 calls functions/blobs/s3.py makes in it
    (a presigned POST is an upload: PutObject; a presigned URL is the operation it names)."""
    tree = ast.parse((ROOT / "functions/blobs/s3.py").read_text(encoding="utf-8"))
    (store,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "S3BlobStore"]
    result = {}
    for method in (n for n in store.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")):
        actions = set()
        for call in (n for n in ast.walk(method) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            if ast.unparse(call.func.value) != "self.client":
                continue
            if call.func.attr == "generate_presigned_post":
                actions.add("s3:PutObject")
            elif call.func.attr == "generate_presigned_url":
                actions.add(f"s3:{_camel(call.args[0].value)}")
            elif call.func.attr == "copy_object":  # IAM has no CopyObject: read the source, write the copy
                actions |= {"s3:GetObject", "s3:PutObject"}
            else:
                actions.add(f"s3:{_camel(call.func.attr)}")
        result[method.name] = actions
    return result


def test_every_dynamodb_call_the_store_makes_is_allowed_on_the_table_and_its_indexes(template):
    needed = dynamodb_actions()
    assert "dynamodb:Query" in needed  # sanity: the scan of the adapter found its calls
    for name, props in functions_of(template).items():
        grants = allowed(props)
        if "PORTAL_STORE" not in props["Environment"]["Variables"]:
            assert not any(a.startswith("dynamodb:") for a in grants), name
            continue
        for action in needed:
            assert {"Fn::GetAtt": ["Table", "Arn"]} in grants.get(action, []), f"{name} {action}"
            assert {"Fn::Sub": "${Table.Arn}/index/*"} in grants.get(action, []), f"{name} {action}"
        assert {a for a in grants if a.startswith("dynamodb:")} == needed, f"{name}: nothing more than the Store uses"


# Which BlobStore methods each function calls: the public uploads and their checks, staff downloads.
BLOB_METHODS = {"SubmissionsFunction": {"presign_upload", "head", "delete", "move"},
                "ReviewFunction": {"download_url", "put_file"}, "SearchFunction": set(), "NotifyFunction": set()}
# Which prefix each function's S3 actions need: uploads wait in incoming/ (expiring), a stored
# petition's files move to attachments/ (kept), staff read attachments/ and write and read exports/.
NEEDED = {
    "SubmissionsFunction": {("s3:PutObject", "incoming/"), ("s3:GetObject", "incoming/"),
                            ("s3:DeleteObject", "incoming/"), ("s3:GetObject", "attachments/"),
                            ("s3:PutObject", "attachments/")},
    "ReviewFunction": {("s3:GetObject", "attachments/"), ("s3:PutObject", "exports/"), ("s3:GetObject", "exports/")},
    "SearchFunction": set(),
    "NotifyFunction": set(),
}


def test_every_s3_call_behind_a_functions_blob_operations_is_allowed_on_the_right_prefix(template):
    from functions.blobs.protocol import ATTACHMENTS, EXPORTS, INCOMING

    assert {INCOMING, ATTACHMENTS, EXPORTS} == {"incoming/", "attachments/", "exports/"}
    by_method = s3_actions_by_method()
    assert set().union(*BLOB_METHODS.values()) <= set(by_method)
    for name, props in functions_of(template).items():
        grants = allowed(props)
        used = set().union(set(), *(by_method[m] for m in BLOB_METHODS[name]))
        assert used <= {action for action, _ in NEEDED[name]}, f"{name}: the code uses an action not planned here"
        for action, prefix in NEEDED[name]:
            resource = {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::${{UploadsBucket}}/{prefix}*"}
            assert resource in grants.get(action, []), f"{name} {action} {prefix}"
        granted = {(a, r["Fn::Sub"].split("${UploadsBucket}/", 1)[1].rstrip("*")) for a, rs in grants.items()
                   if a.startswith("s3:") and a != "s3:ListBucket" for r in rs}
        assert granted == NEEDED[name], f"{name}: nothing more than its blob operations use"
    # The search function's only AWS call reads the origin secret.
    assert allowed(functions_of(template)["SearchFunction"]) == {
        "secretsmanager:GetSecretValue": [{"Ref": "OriginSecret"}]}


def test_every_log_is_kept_at_least_six_months(template):
    resources = template["Resources"]
    groups = {name: r for name, r in resources.items() if r["Type"] == "AWS::Logs::LogGroup"}
    for function in functions_of(template):
        assert groups[f"{function}LogGroup"]["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    assert min(template["Parameters"]["LogRetentionDays"]["AllowedValues"]) >= 180
    assert all(g["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"} for g in groups.values())
