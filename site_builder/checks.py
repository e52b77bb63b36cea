"""Rules that span more than one file: units exist, links point at real documents, 文号 are unique,
survey conditions look backwards. Each rule reports a Problem at the line that names the culprit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .models import NormativeDocument, Survey, Unit, UnitLevel, normalize_doc_number
from .sources import Problem, YamlDoc
from .survey_counters import write_problems

if TYPE_CHECKING:
    from .loader import ContentSet, Document

UNITS_FILE = "org/units.yaml"
_LEVEL_RANK = {UnitLevel.province: 0, UnitLevel.city: 1, UnitLevel.county: 2, UnitLevel.town: 3}


def check_units(units: list[Unit], lines: YamlDoc) -> list[Problem]:
    problems: list[Problem] = []
    by_code: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, unit in enumerate(units):
        for seen, key, label in ((by_code, unit.code, "code"), (names, unit.name, "name")):
            if key in seen:
                problems.append(Problem(UNITS_FILE, lines.line_of(("units", i, label)), label,
                                        f"“{key}”重复（第 {seen[key] + 1} 个单位已使用）"))
            else:
                seen[key] = i
    roots = [u for u in units if u.parent is None]
    if units and len(roots) != 1:
        problems.append(Problem(UNITS_FILE, lines.line_of(("units",)), "parent",
                                f"应恰好有一个顶级单位（没有 parent），现有 {len(roots)} 个"))
    for i, unit in enumerate(units):
        if unit.parent is None:
            continue
        parent_index = by_code.get(unit.parent)
        where = lines.line_of(("units", i, "parent"))
        if parent_index is None:
            problems.append(Problem(UNITS_FILE, where, "parent", f"上级单位代码“{unit.parent}”不存在"))
        elif _LEVEL_RANK[units[parent_index].level] >= _LEVEL_RANK[unit.level]:
            problems.append(Problem(UNITS_FILE, where, "parent",
                                    f"上级单位的层级（{units[parent_index].level.value}）应高于本单位（{unit.level.value}）"))
    return problems


def check_cross_references(content: ContentSet, survey_lines: dict[str, tuple[str, YamlDoc]]) -> list[Problem]:
    problems = list(_check_document_units(content))
    problems += _check_version_links(content)
    problems += _check_doc_numbers(content)
    for survey_id, survey in content.surveys.items():
        rel, lines = survey_lines[survey_id]
        problems += _check_survey(survey, rel, lines, content)
    return problems


def _check_document_units(content: ContentSet) -> Iterator[Problem]:
    for doc in content.documents.values():
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
    for doc in content.documents.values():
        meta = doc.meta
        if not isinstance(meta, NormativeDocument):
            continue
        for relation in ("amends", "repeals"):
            for i, target_path in enumerate(getattr(meta, relation)):
                line = doc.lines.line_of((relation, i))
                target = content.documents.get(target_path.lstrip("/"))
                if target is None:
                    yield Problem(doc.path, line, relation, f"链接的文件“{target_path}”不存在（写相对 content/ 的路径）")
                elif target is doc:
                    yield Problem(doc.path, line, relation, "文件不能修改或废止它自己")
                elif target.kind is not doc.kind:
                    yield Problem(doc.path, line, relation,
                                  f"“{target_path}”是{target.kind.value}，只能链接同类文件")
                elif target.meta.published > meta.published:
                    yield Problem(doc.path, line, relation,
                                  f"被修改或废止的文件（公布于 {target.meta.published}）不能晚于本文件公布")


def _check_doc_numbers(content: ContentSet) -> Iterator[Problem]:
    seen: dict[str, Document] = {}
    for doc in sorted(content.documents.values(), key=lambda d: (d.date, d.path)):  # blame the newer one
        number = getattr(doc.meta, "doc_number", None)
        if not number:
            continue
        key = normalize_doc_number(number)
        if key in seen:
            yield Problem(doc.path, doc.lines.line_of(("doc_number",)), "doc_number",
                          f"文号“{number}”与 {seen[key].path} 重复")
        else:
            seen[key] = doc


def _check_survey(survey: Survey, rel: str, lines: YamlDoc, content: ContentSet) -> Iterator[Problem]:
    if content.org.resolve(survey.unit) is None:
        yield missing_unit(rel, lines.line_of(("unit",)), "unit", survey.unit)
    # An answer's counters are stored in one bounded write: a survey that could exceed it is refused now.
    for index, message in write_problems(survey):
        where = ("questions",) if index is None else ("questions", index)
        yield Problem(rel, lines.line_of(where), "questions" if index is None else f"questions.{index}", message)
    position = {q.id: i for i, q in enumerate(survey.questions)}
    for i, question in enumerate(survey.questions):
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
        elif not survey.questions[earlier].allows(cond.equals):
            yield Problem(rel, lines.line_of(("questions", i, "show_if", "equals")), field,
                          f"“{cond.equals}”不是题目“{cond.question}”的可选答案")
