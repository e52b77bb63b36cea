"""Load and validate `content/`: every problem in one pass, each with its path and line.

The result is a ContentSet: validated models plus what is derived from them (resolved unit
codes, 时效性, version links). Nothing here knows about MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ValidationError

from .messages import chinese_message
from .models import (FRONT_MATTER_MODELS, CalendarDay, CalendarOverride, Chronicle, ChronicleEntry, Kind,
                     NormativeDocument, PublishedDocument, Survey, Unit, Validity)
from .checks import UNITS_FILE, check_cross_references, check_units, missing_unit
from .org import OrgTree
from .validity import derive_validity
from .sources import Problem, YamlDoc, YamlError, parse_yaml, split_front_matter


KIND_FOLDERS = {"regulations": Kind.regulation, "policies": Kind.policy, "news/posts": Kind.news,
                "consultations": Kind.consultation}
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Folder names taken by generated listing pages (regulations/level/…); not usable as file names.
RESERVED_SLUGS = frozenset({"index", "level", "validity", "issuer", "year", "category", "rss"})
CALENDAR_FILE = "calendar.yaml"  # optional working-day overrides, shipped to the functions in the registry


@dataclass
class Document:
    """One Markdown document of a known kind, validated, with derived facts filled in later."""

    kind: Kind
    path: str  # posix path relative to content/, e.g. "regulations/dangyuan-jiaoyu.md"
    meta: PublishedDocument
    body: str
    body_first_line: int
    lines: YamlDoc
    unit: str | None = None  # resolved issuer/unit code
    validity: Validity | None = None
    amended_by: list[str] = field(default_factory=list)
    repealed_by: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def url(self) -> str:
        """Site-relative URL (MkDocs directory URLs), e.g. "regulations/x/"."""
        return str(PurePosixPath(self.path).with_suffix("")) + "/"

    @property
    def date(self) -> dt.date:
        meta = self.meta
        for name in ("published", "date", "opens"):
            if hasattr(meta, name):
                return getattr(meta, name)
        raise AttributeError(name)


@dataclass
class ContentSet:
    root: Path
    today: dt.date
    org: OrgTree
    documents: dict[str, Document]
    chronicle: list[ChronicleEntry]
    surveys: dict[str, Survey]
    survey_paths: dict[str, str]
    pages: list[str]  # other Markdown pages (section intros, about …), passed through untouched
    calendar: list[CalendarDay] = field(default_factory=list)  # working-day overrides, by date

    def of_kind(self, kind: Kind) -> list[Document]:
        """Documents of one kind, newest first."""
        docs = [d for d in self.documents.values() if d.kind is kind]
        return sorted(docs, key=lambda d: (d.date, d.path), reverse=True)


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} 个问题")
        self.problems = sorted(problems)


def load_content(root: Path | str, today: dt.date | None = None) -> ContentSet:
    """Validate everything under `root`; raise ContentError listing every problem found."""

    root = Path(root)
    today = today or dt.date.today()
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(str(root), 1, "content", "内容目录不存在")])

    org = _load_units(root, problems)
    documents: dict[str, Document] = {}
    pages: list[str] = []
    for md in sorted(root.rglob("*.md")):
        rel = md.relative_to(root).as_posix()
        kind = _kind_of(rel)
        if kind is None:
            pages.append(rel)
            continue
        doc = _load_document(root, rel, kind, problems)
        if doc is not None:
            documents[rel] = doc

    chronicle: list[ChronicleEntry] = []
    for path in sorted((root / "chronicle").glob("*.y*ml")):
        rel = path.relative_to(root).as_posix()
        data = _load_yaml_model(path, rel, Chronicle, problems)
        if data is not None:
            model, lines = data
            chronicle.extend(model.entries)
            for i, entry in enumerate(model.entries):
                if entry.unit is not None and org.resolve(entry.unit) is None:
                    problems.append(missing_unit(rel, lines.line_of(("entries", i, "unit")),
                                                 f"entries.{i}.unit", entry.unit))

    surveys: dict[str, Survey] = {}
    survey_lines: dict[str, tuple[str, YamlDoc]] = {}
    for path in sorted((root / "surveys").glob("*.y*ml")):
        rel = path.relative_to(root).as_posix()
        if not SLUG.match(path.stem):
            problems.append(Problem(rel, 1, "文件名", "文件名只能使用小写字母、数字、- 和 _"))
            continue
        data = _load_yaml_model(path, rel, Survey, problems)
        if data is not None:
            surveys[path.stem], lines = data
            survey_lines[path.stem] = (rel, lines)

    content = ContentSet(root=root, today=today, org=org, documents=documents,
                         chronicle=sorted(chronicle, key=lambda e: e.date, reverse=True),
                         surveys=surveys, survey_paths={k: v[0] for k, v in survey_lines.items()},
                         pages=pages, calendar=_load_calendar(root, problems))
    problems.extend(check_cross_references(content, survey_lines))
    if problems:
        raise ContentError(problems)
    _derive_versions(content)
    content.surveys = {sid: s.model_copy(update={"unit": org.resolve(s.unit)}) for sid, s in surveys.items()}
    return content


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
    try:
        source = split_front_matter((root / rel).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(rel, 1, "编码", "文件不是 UTF-8 编码"))
        return None
    except YamlError as exc:
        problems.append(Problem(rel, exc.line, "元数据", str(exc)))
        return None
    fm = source.front_matter
    if not isinstance(fm.data, dict):
        problems.append(Problem(rel, fm.first_line, "元数据", "元数据应为键值对"))
        return None
    meta = _validate(FRONT_MATTER_MODELS[kind], fm.data, rel, fm, (), problems)
    if meta is None:
        return None
    if not source.body.strip():
        problems.append(Problem(rel, source.body_first_line, "正文", "正文不能为空"))
    return Document(kind=kind, path=rel, meta=meta, body=source.body,
                    body_first_line=source.body_first_line, lines=fm)


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


def _load_yaml_model(path: Path, rel: str, model: type[BaseModel], problems: list[Problem]):
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        problems.append(Problem(rel, exc.line, "YAML", str(exc)))
        return None
    value = _validate(model, doc.data, rel, doc, (), problems)
    return None if value is None else (value, doc)


def _validate(model: type[BaseModel], data, rel: str, lines: YamlDoc, prefix: tuple,
              problems: list[Problem]):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = prefix + tuple(error["loc"])
            name = ".".join(str(part) for part in error["loc"]) or model.__name__
            problems.append(Problem(rel, lines.line_of(loc), name, chinese_message(error)))
        return None


def _derive_versions(content: ContentSet) -> None:
    """Fill amended_by / repealed_by and derive 时效性 for every policy and regulation."""
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
