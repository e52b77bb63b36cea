"""The petition guide that editors maintain states the same time limits the code enforces."""

import re

from functions.domain.time_limits import TIME_LIMITS, Limit
from tests.conftest import ROOT

GUIDE = (ROOT / "content/petition/index.md").read_text(encoding="utf-8")

# (text in the guide with the number as a group, the limit it states)
STATEMENTS = [
    (r"(\d+) 日内登记并转送、交办", Limit.assign),
    (r"(\d+) 日内告知是否受理", Limit.accept_decision),
    (r"受理后 (\d+) 日内办结", Limit.handle),
    (r"最多 (\d+) 日", Limit.extension),
    (r"(\d+) 日内请求复查", Limit.review_request),
    (r"复查机关 (\d+) 日内答复", Limit.review),
]


def test_every_time_limit_in_the_guide_matches_the_policy_table():
    for pattern, limit in STATEMENTS:
        match = re.search(pattern, GUIDE)
        assert match, f"the guide no longer states {limit.value}: {pattern}"
        assert int(match.group(1)) == TIME_LIMITS[limit].days, limit
