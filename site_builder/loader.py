"""Load and validate `content/`: every problem in one pass, each with its path and line.

The result is a ContentSet: validated models plus what is derived from them (resolved unit
codes, 时效性, version links). Nothing here knows about MkDocs.

A file with field errors still takes part in the cross-file checks with the fields that could be
read, so one run reports everything (a bad date, a duplicate 文号 and an unknown unit together).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import BaseModel, TypeAdapter, ValidationError

from .checks import UNITS_FILE, check_cross_references, check_units, missing_unit
from .china_time import china_today
from .content import ContentError, ContentSet, Document
from .identity import SITE_FILE, SiteIdentity
from .messages import EDITOR, readable_errors
from .models import (
    FRONT_MATTER_MODELS,
    CalendarDay,
    CalendarOverride,
    Chronicle,
    ChronicleEntry,
    Kind,
    Mailbox,
    Mailboxes,
    NormativeDocument,
    Survey,
    Unit,
)
from .org import OrgTree
from .placeholders import find_placeholders, is_unreplaced, unreplaced
from .sources import FrontMatterError, Problem, YamlDoc, YamlError, parse_yaml, split_front_matter
from .validity import derive_validity
from .yaml_messages import key_slip

__all__ = ["ContentError", "ContentSet", "Document", "Reading", "load_content", "read_content", "SLUG"]

KIND_FOLDERS = {"regulations": Kind.regulation, "policies": Kind.policy, "news/posts": Kind.news,
                "consultations": Kind.consultation, "congresses": Kind.congress, "research": Kind.research}
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Folder names taken by generated listing pages (regulations/level/…); not usable as file names.
RESERVED_SLUGS = frozenset({"index", "level", "validity", "issuer", "year", "category", "rss", "unit", "topic"})
CALENDAR_FILE = "calendar.yaml"  # optional working-day overrides, shipped to the functions in the registry
MAILBOXES_FILE = "mailboxes.yaml"  # optional: the 领导信箱 units open


@dataclass
class Reading:
    """What one pass over content/ found: the content (complete only without problems) and the problems."""

    content: ContentSet
    problems: list[Problem]


def load_content(root: Path | str, today: dt.date | None = None) -> ContentSet:
    """Validate everything under `root`; raise ContentError listing every problem found."""
    reading = read_content(root, today)
    if reading.problems:
        raise ContentError(reading.problems)
    return reading.content


def read_content(root: Path | str, today: dt.date | None = None) -> Reading:
    """Read and check everything under `root`, collecting every problem instead of stopping."""
    root = Path(root)
    today = today or china_today()
    problems: list[Problem] = []
    if not root.is_dir():
        empty = ContentSet(root=root, today=today, org=OrgTree([]), documents={}, chronicle=[], surveys={},
                           survey_paths={}, pages=[])
        return Reading(empty, [Problem(str(root), 1, "content", "内容目录不存在")])

    org = _load_units(root, problems)
    documents: dict[str, Document] = {}
    drafts: dict[str, Document] = {}
    pages: list[str] = []
    for md in sorted(root.rglob("*.md")):
        rel = md.relative_to(root).as_posix()
        kind = _kind_of(rel)
        if kind is None:
            pages.append(rel)
            continue
        doc = _load_document(root, rel, kind, problems)
        if doc is not None:
            (drafts if doc.is_draft else documents)[rel] = doc

    chronicle = _load_chronicle(root, org, problems)
    surveys: dict[str, Survey] = {}
    survey_lines: dict[str, tuple[str, YamlDoc]] = {}
    for path in sorted((root / "surveys").glob("*.y*ml")):
        rel = path.relative_to(root).as_posix()
        if not SLUG.match(path.stem):
            problems.append(Problem(rel, 1, "文件名", "文件名只能使用小写字母、数字、- 和 _"))
            continue
        data = _load_yaml_model(path, rel, Survey, problems, partial=True)
        if data is not None:
            surveys[path.stem], lines = data
            survey_lines[path.stem] = (rel, lines)

    content = ContentSet(root=root, today=today, org=org, documents=documents,
                         chronicle=sorted(chronicle, key=lambda e: e.date, reverse=True),
                         surveys=surveys, survey_paths={k: v[0] for k, v in survey_lines.items()},
                         pages=pages, calendar=_load_calendar(root, problems), drafts=drafts,
                         mailboxes=_load_mailboxes(root, org, problems), identity=_load_identity(root, problems))
    problems.extend(check_cross_references(content, survey_lines))
    if problems:
        return Reading(content, _one_per_placeholder(problems))
    _derive_versions(content)
    content.surveys = {sid: s.model_copy(update={"unit": org.resolve(s.unit)}) for sid, s in surveys.items()}
    return Reading(content, [])


def _one_per_placeholder(problems: list[Problem]) -> list[Problem]:
    """A placeholder left in place also fails the field's own rules (an unknown unit, a bad level):
    say only that the placeholder must be replaced."""
    placeholder_lines = {(p.path, p.line) for p in problems if is_unreplaced(p.message)}
    return sorted({p for p in problems if (p.path, p.line) not in placeholder_lines or is_unreplaced(p.message)})


def _kind_of(rel: str) -> Kind | None:
    for folder, kind in KIND_FOLDERS.items():
        if rel.startswith(folder + "/") and PurePosixPath(rel).name != "index.md":
            return kind
    return None


def _load_units(root: Path, problems: list[Problem]) -> OrgTree:
    path = root / UNITS_FILE
    if not path.is_file():
        problems.append(Problem(UNITS_FILE, 1, "units", "缺少组织单位文件"))
        return OrgTree([])
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        problems.append(Problem(UNITS_FILE, exc.line, "units", str(exc)))
        return OrgTree([])
    _report_slips(UNITS_FILE, doc, problems)
    raw = doc.data.get("units") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list):
        problems.append(Problem(UNITS_FILE, 1, "units", "应为 units: 列表"))
        return OrgTree([])
    units: list[Unit] = []
    for i, item in enumerate(raw):
        unit = _validate(Unit, item, UNITS_FILE, doc, ("units", i), problems)
        if unit is not None:
            units.append(unit)
    problems.extend(check_units(units, doc))
    return OrgTree(units)


def _load_document(root: Path, rel: str, kind: Kind, problems: list[Problem]) -> Document | None:
    if not SLUG.match(PurePosixPath(rel).stem):
        problems.append(Problem(rel, 1, "文件名", "文件名只能使用小写字母、数字、- 和 _（它决定网址）"))
        return None
    if PurePosixPath(rel).stem in RESERVED_SLUGS:
        problems.append(Problem(rel, 1, "文件名", f"“{PurePosixPath(rel).stem}”是系统保留的网址，请换一个文件名"))
        return None
    model = FRONT_MATTER_MODELS[kind]
    try:
        text = (root / rel).read_text(encoding="utf-8")
        source = split_front_matter(text)
    except UnicodeDecodeError:
        problems.append(Problem(rel, 1, "编码", "文件不是 UTF-8 编码"))
        return None
    except FrontMatterError as exc:  # nothing of the front matter can be read; the body still can
        problems.append(Problem(rel, exc.line, "元数据", str(exc)))
        return Document(kind=kind, path=rel, meta=model.model_construct(), body=exc.body,
                        body_first_line=exc.body_first_line, lines=YamlDoc(data={}, first_line=2), complete=False)
    except YamlError as exc:
        problems.append(Problem(rel, exc.line, "元数据", str(exc)))
        return None
    fm = source.front_matter
    _report_slips(rel, fm, problems)
    if isinstance(fm.data, dict):
        data = _normalize_dates(fm.data, rel, fm, (), problems)
        meta = _validate(model, data, rel, fm, (), problems)
    else:
        slip = key_slip(str(fm.data)) if isinstance(fm.data, str) else None  # `title：…` on its own
        problems.append(Problem(rel, fm.first_line, "元数据", slip[1] if slip else "元数据应为“字段: 取值”的形式，每行一项"))
        data, meta = {}, None
    complete = meta is not None
    if meta is None:
        meta = _partial(model, data)
    if not source.body.strip():
        problems.append(Problem(rel, source.body_first_line, "正文", "正文不能为空"))
    if not meta.draft:  # a draft may keep its placeholders: it is not published
        problems += _placeholder_problems(rel, text.lstrip("\ufeff"), fm, source.body_first_line)
    return Document(kind=kind, path=rel, meta=meta, body=source.body, body_first_line=source.body_first_line,
                    lines=fm, complete=complete)


def _load_chronicle(root: Path, org: OrgTree, problems: list[Problem]) -> list[ChronicleEntry]:
    chronicle: list[ChronicleEntry] = []
    for path in sorted((root / "chronicle").glob("*.y*ml")):
        rel = path.relative_to(root).as_posix()
        doc = _read_yaml(path, rel, problems)
        if doc is None:
            continue
        data = _normalize_dates(doc.data, rel, doc, (), problems)
        model = _validate(Chronicle, data, rel, doc, (), problems)
        # Entries that are fine on their own are still checked for their unit when another one is not.
        entries = dict(enumerate(model.entries)) if model else _valid_items(ChronicleEntry, data, "entries")
        chronicle.extend(entries.values())
        for i, entry in entries.items():
            if entry.unit is not None and org.resolve(entry.unit) is None:
                problems.append(missing_unit(rel, doc.line_of(("entries", i, "unit")), f"entries.{i}.unit", entry.unit))
    return chronicle


def _valid_items(model: type[BaseModel], data: object, key: str) -> dict[int, BaseModel]:
    items = data.get(key) if isinstance(data, dict) else None
    valid: dict[int, BaseModel] = {}
    for i, item in enumerate(items if isinstance(items, list) else []):
        try:
            valid[i] = model.model_validate(item)
        except ValidationError:
            pass
    return valid


def _load_calendar(root: Path, problems: list[Problem]) -> list[CalendarDay]:
    path = root / CALENDAR_FILE
    if not path.is_file():
        return []
    data = _load_yaml_model(path, CALENDAR_FILE, CalendarOverride, problems)
    if data is None:
        return []
    model, lines = data
    first_line: dict[dt.date, int] = {}
    for i, entry in enumerate(model.entries):
        line = lines.line_of(("entries", i, "date"))
        if entry.date in first_line:
            problems.append(Problem(CALENDAR_FILE, line, f"entries.{i}.date",
                                    f"日期 {entry.date} 重复（第 {first_line[entry.date]} 行已录入）"))
        else:
            first_line[entry.date] = line
    return sorted(model.entries, key=lambda e: e.date)


def _load_mailboxes(root: Path, org: OrgTree, problems: list[Problem]) -> dict[str, Mailbox]:
    """content/mailboxes.yaml: each mailbox's unit must exist; ids are unique (they are addresses)."""
    path = root / MAILBOXES_FILE
    if not path.is_file():
        return {}
    data = _load_yaml_model(path, MAILBOXES_FILE, Mailboxes, problems)
    if data is None:
        return {}
    model, lines = data
    found: dict[str, Mailbox] = {}
    for i, box in enumerate(model.mailboxes):
        code = org.resolve(box.unit)
        if code is None:
            problems.append(Problem(MAILBOXES_FILE, lines.line_of(("mailboxes", i, "unit")), f"mailboxes.{i}.unit",
                                    f"单位“{box.unit}”不在 org/units.yaml 中"))
        elif box.id in found:
            problems.append(Problem(MAILBOXES_FILE, lines.line_of(("mailboxes", i, "id")), f"mailboxes.{i}.id",
                                    f"信箱编号“{box.id}”重复"))
        else:
            found[box.id] = box.model_copy(update={"unit": code})
    return found


def _load_identity(root: Path, problems: list[Problem]) -> SiteIdentity | None:
    """content/site.yaml (optional): the footer's 主办单位, contact and filing numbers."""
    data = _load_yaml_model(root / SITE_FILE, SITE_FILE, SiteIdentity, problems) if (root / SITE_FILE).is_file() else None
    if data is None:
        return None
    identity, lines = data
    if identity.emblem and not (root / identity.emblem).is_file():
        problems.append(Problem(SITE_FILE, lines.line_of(("emblem",)), "emblem", f"标识图片“{identity.emblem}”不存在"))
    return identity


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> YamlDoc | None:
    try:
        text = path.read_text(encoding="utf-8")
        doc = parse_yaml(text)
    except UnicodeDecodeError:
        problems.append(Problem(rel, 1, "编码", "文件不是 UTF-8 编码"))
        return None
    except YamlError as exc:
        problems.append(Problem(rel, exc.line, "YAML", str(exc)))
        return None
    _report_slips(rel, doc, problems)
    problems += _placeholder_problems(rel, text, doc)
    return doc


def _load_yaml_model(path: Path, rel: str, model: type[BaseModel], problems: list[Problem], partial: bool = False):
    doc = _read_yaml(path, rel, problems)
    if doc is None:
        return None
    data = _normalize_dates(doc.data, rel, doc, (), problems)
    value = _validate(model, data, rel, doc, (), problems)
    if value is None and partial and isinstance(data, dict):
        value = _partial(model, data)
    return None if value is None else (value, doc)


def _placeholder_problems(rel: str, text: str, lines: YamlDoc, body_first_line: int | None = None) -> list[Problem]:
    fields: dict[int, tuple] = {}  # line → the longest key path that starts on it
    for loc, line in lines.lines.items():
        if loc and isinstance(loc[-1], str) and len(loc) > len(fields.get(line, ())):
            fields[line] = loc
    return [Problem(rel, line, ".".join(map(str, fields[line])) if line in fields else name,
                    unreplaced(found))
            for line, name, found in find_placeholders(text, body_first_line)]


def _report_slips(rel: str, doc: YamlDoc, problems: list[Problem]) -> None:
    problems += [Problem(rel, line, name, message) for line, name, message in doc.slips]


def _validate(model: type[BaseModel], data, rel: str, lines: YamlDoc, prefix: tuple,
              problems: list[Problem]):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for loc, message in readable_errors(exc.errors(), EDITOR):
            name = ".".join(str(part) for part in loc) or "元数据"
            problems.append(Problem(rel, lines.line_of(prefix + loc), name, message))
        return None


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    info = model.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, info])


def _partial(model: type[BaseModel], data: dict):
    """The model with only the fields that are valid on their own (the others are left unset), for
    the cross-file checks of a file whose other fields are wrong. Never built or published."""
    values = {}
    for name, value in data.items():
        if name in model.model_fields:
            try:
                values[name] = _field_adapter(model, name).validate_python(value)
            except ValidationError:
                pass
    return model.model_construct(**values)


# --- dates written the Chinese way ------------------------------------------------------------

_DATE_FIELDS = frozenset({"published", "effective", "date", "opens", "closes"})
_LOOSE_DATE = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _normalize_dates(data: object, rel: str, lines: YamlDoc, loc: tuple, problems: list[Problem]) -> object:
    """`2026年3月5日`, `2026/3/5`, `2026.3.5` in a date field: reported, then read as the date it
    names, so the checks that need the date (施行日期 not before 公布日期) still run in this pass."""
    if isinstance(data, list):
        return [_normalize_dates(item, rel, lines, loc + (i,), problems) for i, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    fixed = {}
    for key, value in data.items():
        if key in _DATE_FIELDS and isinstance(value, str) and not _ISO_DATE.match(value):
            day = _loose_date(value)
            if day is not None:
                problems.append(Problem(rel, lines.line_of(loc + (key,)), ".".join(map(str, loc + (key,))),
                                        f"日期应写成 YYYY-MM-DD 格式，如 {day.isoformat()}（不要写成“{value.strip()}”）"))
                value = day.isoformat()
        fixed[key] = _normalize_dates(value, rel, lines, loc + (key,), problems)
    return fixed


def _loose_date(value: str) -> dt.date | None:
    match = _LOOSE_DATE.match(unicodedata.normalize("NFKC", value))
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _derive_versions(content: ContentSet) -> None:
    """Fill amended_by / repealed_by and derive 时效性 for every published policy and regulation."""
    docs = content.documents
    for doc in docs.values():
        if isinstance(doc.meta, NormativeDocument):
            for target in doc.meta.amends:
                docs[target.lstrip("/")].amended_by.append(doc.path)
            for target in doc.meta.repeals:
                docs[target.lstrip("/")].repealed_by.append(doc.path)
    for doc in docs.values():
        if isinstance(doc.meta, NormativeDocument):
            doc.validity = derive_validity(
                doc.meta.effective,
                amended_on=[docs[p].meta.effective for p in doc.amended_by],
                repealed_on=[docs[p].meta.effective for p in doc.repealed_by],
                today=content.today)
