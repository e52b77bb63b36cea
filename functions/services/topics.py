"""Hot topics: the words and short phrases that characterise one period's petitions against the
petitions of earlier periods (decision support on the dashboard and the 决策参考 page).

Each petition (subject and body) is cut and tagged by the portal's one segmenter with its user
dictionary of party and government terms (search_index.analyzer; used read-only, search is not
affected). Candidates are nouns, verbal nouns, verbs and dictionary terms — never time words,
adjectives, adverbs, idioms, numbers or personal names (晚上, 方便, 严重不足, 张三) — minus a stop list
of words every petition uses (希望, 要求, 增加, 问题 …), and pairs of adjacent candidates as phrases
(小区停车位, 乱收物业费), a candidate with a one-character noun after it too (充电桩). A term counts once
per petition. Its score is how many of this period's petitions use it times the log of how much more
often they do than earlier ones (smoothed shares, so a term the earlier periods never used is not infinitely hot):

    score = n · ln(((n + ½) / (N + 1)) / ((m + ½) / (M + 1)))

n of N petitions now, m of M earlier. Terms in fewer than two petitions, or no more frequent than
before, are left out; a word is dropped when a phrase holding it covers most of its uses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Parts of speech (jieba's tag set) a topic may be made of; "" is a user-dictionary term.
TOPIC_TAGS = frozenset({"n", "ns", "nt", "nz", "nl", "ng", "vn", "v", "j", ""})
SUFFIX_TAGS = frozenset({"n", "ng", "q"})  # one character that ends a compound: 桩, 站, 点
NOUNISH = frozenset({"n", "ns", "nt", "nz", "nl", "ng", "vn", "j", ""})
# Words almost every petition uses, whatever it is about.
STOPWORDS = frozenset("""
希望 要求 反映 建议 请求 请问 咨询 解决 处理 没有 存在 增加 减少 进行 开展 加强 提高 出现 造成 导致 需要 应该 可以 能够
表示 认为 发现 告诉 回家 知道 觉得 看到 来到 得到 给予 予以 落实 协调 整改 调查 核查 答复 回复 联系 打电话 投诉 举报 申请
问题 情况 部门 单位 工作 群众 居民 领导 政府 有关 相关 地方 时间 方面 时候 事情 东西 本人 我们 你们 他们 村民 同志 人员
市民 意见 办法 措施 事项 信访 信访件 来信 谢谢 感谢 现象 原因 结果 影响 作用 过程 有关部门 相关部门 上级 下级
是 有 在 说 做 让 给 要 会 能 去 来 到 把 被 用 找 想 看 等 搞 弄
""".split())


@dataclass(frozen=True)
class Topic:
    term: str
    petitions: int  # petitions of this period that use it
    earlier: int    # petitions of the earlier periods that use it
    score: float


@lru_cache(maxsize=1)
def dictionary_terms() -> frozenset[str]:
    """The user dictionary's party and government terms: topics whatever their tag (发展党员 is
    tagged as a set phrase, like the idioms left out)."""
    from search_index.analyzer import USERDICT

    lines = USERDICT.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


def terms_of(text: str) -> set[str]:
    """The candidate words and two-word phrases of one petition."""
    from search_index.analyzer import segmenter  # the portal's one segmenter and dictionary

    found: set[str] = set()
    previous: tuple[str, str] | None = None
    for word, tag in segmenter().tag(text, False):  # type: ignore[no-untyped-call]
        if word in dictionary_terms():
            tag = ""
        if previous is not None and len(word) == 1 and tag in SUFFIX_TAGS:
            found.add(previous[0] + word)  # 充电 + 桩: a compound the dictionary does not know
            previous = None
            continue
        if tag not in TOPIC_TAGS or len(word) < 2 or not word.isalnum() or word.isdigit() or word in STOPWORDS:
            previous = None
            continue
        found.add(word)
        if previous is not None and (previous[1] in NOUNISH or tag in NOUNISH):
            found.add(previous[0] + word)
        previous = (word, tag)
    return found


def document_frequency(texts: Iterable[str]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    total = 0
    for text in texts:
        counts.update(terms_of(text))
        total += 1
    return counts, total


def hot_topics(now: Iterable[str], earlier: Iterable[str], limit: int = 10, min_petitions: int = 2) -> list[Topic]:
    """The terms that characterise `now` against `earlier`, hottest first (ties: more petitions,
    then the term, so the order is stable)."""
    current, n_now = document_frequency(now)
    background, n_before = document_frequency(earlier)
    scored = []
    for term, n in current.items():
        if n < min_petitions:
            continue
        m = background[term]
        lift = math.log(((n + 0.5) / (n_now + 1)) / ((m + 0.5) / (n_before + 1)))
        if lift > 0:
            scored.append(Topic(term, n, m, round(n * lift, 3)))
    scored.sort(key=lambda t: (-t.score, -t.petitions, t.term))
    return _without_covered_words(scored)[:limit]


def _without_covered_words(ranked: list[Topic]) -> list[Topic]:
    """Drop a word when a ranked phrase holding it is in at least 60 % of the word's petitions: the
    phrase says more (小区停车位 rather than 停车位 when nearly every mention is of a 小区's)."""
    kept = []
    for topic in ranked:
        covering = [p for p in ranked if p.term != topic.term and topic.term in p.term
                    and p.petitions >= 0.6 * topic.petitions]
        if not covering:
            kept.append(topic)
    return kept


def top_terms(topics: list[Topic]) -> list[tuple[str, int]]:
    """(term, petitions) pairs, as the pages list them."""
    return [(t.term, t.petitions) for t in topics]
