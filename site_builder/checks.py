"""Rules that span more than one file: units exist, links point at real documents, 文号 are unique,
survey conditions look backwards; and the articles of a regulation or draft run 第一条, 第二条 … in
order. Each rule reports a Problem at the line that names the culprit.

Documents whose own fields failed validation take part too, with the fields that could be read
(`Document.complete` is False and missing fields are simply absent), so one run finds everything.
Drafts are checked like published documents, but a published document may not point at a draft.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from .articles import article_problems
from .citations import CITED_KINDS, CitationIndex, find_citations
from .consultation_results import REPORTS_FOLDER, read_summary
from .content import ContentSet, Document
from .database_checks import check_database_links
from .models import KIND_LABELS, UNIT_LEVEL_LABELS, Kind, NormativeDocument, Survey, Unit, UnitLevel, normalize_doc_number
from .sources import Problem, YamlDoc
from .survey_counters import write_problems

UNITS_FILE = "org/units.yaml"
_LEVEL_RANK = {UnitLevel.province: 0, UnitLevel.city: 1, UnitLevel.county: 2, UnitLevel.town: 3}
# Which levels a unit's parent may have (the one rule of the tree's shape; no level can be its own
# ancestor, so a well-levelled tree has no cycles).
PARENT_LEVELS = {UnitLevel.city: (UnitLevel.province,), UnitLevel.county: (UnitLevel.city, UnitLevel.province),
                 UnitLevel.town: (UnitLevel.county,),
                 UnitLevel.party_body: (UnitLevel.province, UnitLevel.city, UnitLevel.county)}
# The code scheme (docs/editors.md "组织单位"): what a code of each level looks like.
_CODE_SHAPES = {
    UnitLevel.province: (re.compile(r"\d{2}0000"), "省级单位的代码应为 6 位、以 0000 结尾"),
    UnitLevel.city: (re.compile(r"\d{2}(?!00)\d{2}00"), "市级单位的代码应为 6 位、以 00 结尾"),
    UnitLevel.county: (re.compile(r"\d{4}(?!00)\d{2}"), "县级单位的代码应为 6 位、不以 00 结尾"),
    UnitLevel.town: (re.compile(r"\d{6}[0-8]\d{2}"), "乡镇（街道）的代码应为 9 位：县级代码加 3 位（不以 9 开头）"),
    UnitLevel.party_body: (re.compile(r"\d{6}9\d{2}"), "党委部门的代码应为 9 位：上级单位代码加 9 开头的 3 位"),
}


def check_units(units: list[Unit], lines: YamlDoc) -> list[Problem]:
    """Codes, names and organs unique; one root; parents exist, of the right level, with the code
    under the parent's; no cycles."""
    problems: list[Problem] = []
    by_code: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, unit in enumerate(units):
        for seen, key, label in ((by_code, unit.code, "code"), (names, unit.name, "name"), (names, unit.organ, "organ")):
            if key in seen and not (label == "organ" and seen[key] == i):
                problems.append(Problem(UNITS_FILE, lines.line_of(("units", i, label)), label,
                                        f"“{key}”重复（第 {seen[key] + 1} 个单位已使用）"))
            else:
                seen.setdefault(key, i)
    roots = [u for u in units if u.parent is None]
    if units and len(roots) != 1:
        problems.append(Problem(UNITS_FILE, lines.line_of(("units",)), "parent",
                                f"应恰好有一个顶级单位（没有 parent），现有 {len(roots)} 个"))
    for i, unit in enumerate(units):
        problems += _unit_place(i, unit, units, by_code, lines)
    problems += _cycles(units, by_code, lines)
    return problems


def _unit_place(i: int, unit: Unit, units: list[Unit], by_code: dict[str, int], lines: YamlDoc) -> list[Problem]:
    """The first problem of one unit's level, parent and code (later ones follow from it)."""
    shape, shape_message = _CODE_SHAPES[unit.level]
    if not shape.fullmatch(unit.code):
        return [Problem(UNITS_FILE, lines.line_of(("units", i, "code")), "code", shape_message)]
    if unit.parent is None:
        if unit.level is not UnitLevel.province:
            return [Problem(UNITS_FILE, lines.line_of(("units", i, "level")), "level", "顶级单位（没有 parent）应为省级单位")]
        return []
    where = lines.line_of(("units", i, "parent"))
    parent_index = by_code.get(unit.parent)
    if parent_index is None:
        return [Problem(UNITS_FILE, where, "parent", f"上级单位代码“{unit.parent}”不存在")]
    parent = units[parent_index]
    if parent.level not in PARENT_LEVELS.get(unit.level, ()):
        if unit.level in _LEVEL_RANK and parent.level in _LEVEL_RANK:
            message = (f"上级单位的层级（{UNIT_LEVEL_LABELS[parent.level]}）应高于本单位"
                       f"（{UNIT_LEVEL_LABELS[unit.level]}）")
        else:
            allowed = "、".join(UNIT_LEVEL_LABELS[level] for level in PARENT_LEVELS.get(unit.level, ()))
            message = (f"{UNIT_LEVEL_LABELS[unit.level]}的上级单位应为{allowed or '无'}，"
                       f"“{parent.name}”是{UNIT_LEVEL_LABELS[parent.level]}")
        return [Problem(UNITS_FILE, where, "parent", message)]
    return _code_under(i, unit, parent, units, by_code, lines)


def _code_under(i: int, unit: Unit, parent: Unit, units: list[Unit], by_code: dict[str, int],
                lines: YamlDoc) -> list[Problem]:
    """A unit's code starts with its parent's (a county's with its city's first 4 digits)."""
    carrier = parent
    if unit.coded_under is not None:
        index = by_code.get(unit.coded_under)
        if index is None or units[index].level is not UnitLevel.city:
            return [Problem(UNITS_FILE, lines.line_of(("units", i, "coded_under")), "coded_under",
                            f"“{unit.coded_under}”不是已有的市级单位代码")]
        carrier = units[index]
    keep = {UnitLevel.province: 2, UnitLevel.city: 4}.get(carrier.level, 6)
    if unit.code[:keep] != carrier.code[:keep]:
        return [Problem(UNITS_FILE, lines.line_of(("units", i, "code")), "code",
                        f"代码应以上级单位“{carrier.name}”的代码前 {keep} 位 {carrier.code[:keep]} 开头")]
    return []


def _cycles(units: list[Unit], by_code: dict[str, int], lines: YamlDoc) -> Iterator[Problem]:
    """Each unit whose chain of parents comes back to itself (reported once per cycle)."""
    reported: set[str] = set()
    for i, unit in enumerate(units):
        seen, code = [], unit.code
        while code is not None and code in by_code and code not in seen:
            seen.append(code)
            code = units[by_code[code]].parent
        if code == unit.code and not reported.intersection(seen):
            reported.update(seen)
            names = " → ".join(units[by_code[c]].name for c in [*seen, unit.code])
            yield Problem(UNITS_FILE, lines.line_of(("units", i, "parent")), "parent", f"上级单位形成循环：{names}")


def check_cross_references(content: ContentSet, survey_lines: dict[str, tuple[str, YamlDoc]]) -> list[Problem]:
    problems = list(_check_document_units(content))
    problems += _check_version_links(content)
    problems += _check_doc_numbers(content)
    problems += _check_articles(content)
    problems += check_database_links(content)
    problems += _check_adoption_reports(content)
    for survey_id, survey in content.surveys.items():
        rel, lines = survey_lines[survey_id]
        problems += _check_survey(survey, rel, lines, content)
    return problems


def _check_document_units(content: ContentSet) -> Iterator[Problem]:
    for doc in content.all_documents():
        name = "issuer" if isinstance(doc.meta, NormativeDocument) else "unit"
        ref = getattr(doc.meta, name, None)
        if ref is None:
            continue
        code = content.org.resolve(ref)
        if code is None:
            yield missing_unit(doc.path, doc.lines.line_of((name,)), name, ref)
        doc.unit = code


def missing_unit(path: str, line: int, name: str, ref: str) -> Problem:
    return Problem(path, line, name, f"组织单位“{ref}”不存在（见 {UNITS_FILE}，可写单位代码或名称）")


def _check_version_links(content: ContentSet) -> Iterator[Problem]:
    for doc in content.all_documents():
        meta = doc.meta
        if not isinstance(meta, NormativeDocument):
            continue
        for relation in ("amends", "repeals"):
            for i, target_path in enumerate(getattr(meta, relation, [])):
                line = doc.lines.line_of((relation, i))
                key = target_path.lstrip("/")
                target = content.documents.get(key) or content.drafts.get(key)
                published = _published(target.meta) if target else None
                if target is None:
                    yield Problem(doc.path, line, relation, f"链接的文件“{target_path}”不存在（写相对 content/ 的路径）")
                elif target is doc:
                    yield Problem(doc.path, line, relation, "文件不能修改或废止它自己")
                elif target.kind is not doc.kind:
                    yield Problem(doc.path, line, relation,
                                  f"“{target_path}”是{KIND_LABELS[target.kind]}，只能链接同类文件")
                elif target.is_draft and not doc.is_draft:
                    yield Problem(doc.path, line, relation,
                                  f"“{target_path}”是草稿（draft: true），不会发布，不能被已发布的文件修改或废止")
                elif published and _published(meta) and published > _published(meta):
                    yield Problem(doc.path, line, relation,
                                  f"被修改或废止的文件（公布于 {published}）不能晚于本文件公布")


def _published(meta) -> dt.date | None:
    return getattr(meta, "published", None)


def _date_key(doc: Document) -> tuple:
    for name in ("published", "date", "opens"):
        day = getattr(doc.meta, name, None)
        if day is not None:
            return (day, doc.path)
    return (dt.date.max, doc.path)


def _check_doc_numbers(content: ContentSet) -> Iterator[Problem]:
    seen: dict[str, Document] = {}
    for doc in sorted(content.all_documents(), key=_date_key):  # blame the newer one
        number = getattr(doc.meta, "doc_number", None)
        if not number:
            continue
        key = normalize_doc_number(number)
        if key in seen:
            yield Problem(doc.path, doc.lines.line_of(("doc_number",)), "doc_number",
                          f"文号“{number}”与 {seen[key].path} 重复")
        else:
            seen[key] = doc


ARTICLE_KINDS = (Kind.regulation, Kind.consultation)  # written as 第一条, 第二条 …; each article an anchor


def _check_articles(content: ContentSet) -> Iterator[Problem]:
    for doc in content.all_documents():
        if doc.kind in ARTICLE_KINDS:
            for line, message in article_problems(doc.body, doc.body_first_line):
                yield Problem(doc.path, line, "正文", message)


def _check_adoption_reports(content: ContentSet) -> Iterator[Problem]:
    """The counts a draft's page shows come from its adoption report: they must be readable."""
    for rel in content.pages:
        if rel.startswith(REPORTS_FOLDER + "/"):
            _, line = read_summary(content.root, rel)
            if line is not None:
                yield Problem(rel, line, "counts", "意见数统计无法读取：请不要手改，重新运行 portal consultation report 生成")


def _check_survey(survey: Survey, rel: str, lines: YamlDoc, content: ContentSet) -> Iterator[Problem]:
    unit = getattr(survey, "unit", None)  # a survey with field errors has only its valid fields
    if unit is not None and content.org.resolve(unit) is None:
        yield missing_unit(rel, lines.line_of(("unit",)), "unit", unit)
    questions = getattr(survey, "questions", [])
    # An answer's counters are stored in one bounded write: a survey that could exceed it is refused now.
    if questions:
        for index, message in write_problems(survey):
            where = ("questions",) if index is None else ("questions", index)
            yield Problem(rel, lines.line_of(where), "questions" if index is None else f"questions.{index}", message)
    position = {q.id: i for i, q in enumerate(questions)}
    for i, question in enumerate(questions):
        cond = question.show_if
        if cond is None:
            continue
        loc = ("questions", i, "show_if", "question")
        field = f"questions.{i}.show_if"
        earlier = position.get(cond.question)
        if earlier is None:
            yield Problem(rel, lines.line_of(loc), field, f"条件引用的题目“{cond.question}”不存在")
        elif earlier >= i:
            yield Problem(rel, lines.line_of(loc), field,
                          f"条件只能引用前面的题目（“{cond.question}”在本题之后或就是本题）")
        elif not questions[earlier].allows(cond.equals):
            yield Problem(rel, lines.line_of(("questions", i, "show_if", "equals")), field,
                          f"“{cond.equals}”不是题目“{cond.question}”的可选答案")


def citation_warnings(content: ContentSet) -> list[Problem]:
    """Warnings, not errors (the build goes on; the citation is just not linked): a cited 第N条 that
    the cited document, found in the portal, does not have, at the line of the citation."""
    index = CitationIndex(content)
    warnings = []
    for doc in content.all_documents():
        if doc.kind not in (*CITED_KINDS, Kind.consultation) or "条" not in doc.body:
            continue
        for citation in find_citations(doc.body):
            if citation.article is None:
                continue
            cited, article = index.target(doc, citation)
            if cited is None or article is not None:
                continue
            line = doc.body_first_line + doc.body.count("\n", 0, citation.start)
            where = "本文件" if cited is doc else f"《{cited.meta.title}》（{cited.path}）"
            have = index.articles(cited)
            count = f"共 {len(have)} 条" if have else "没有条文"
            warnings.append(Problem(doc.path, line, "正文",
                                    f"引用的{where}中没有{citation.article}（{count}），这处引用不会加链接"))
    return sorted(warnings)
