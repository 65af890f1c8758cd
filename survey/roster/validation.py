"""Checks of roster rows, pure: each problem becomes a finding that says where and what to fix.

Errors block an import; warnings are shown and do not. Nothing here reads the database: what
a check needs from it (the project matcher, entries already registered, the allocation) is
handed in, so every rule can be tested on its own.

"Another person" (an error when a mobile is already registered): a mobile identifies a trainee
within a programme, so a row with a registered mobile normally *updates* that trainee. It is
taken to be somebody else, and the row is refused, when

* the registered trainee belongs to another province: a province's file speaks only for its
  own teachers, so a mobile in another province's list is a typing mistake until that
  province's list drops it; or
* the name *and* the employer both differ: a corrected name at the same school is a
  correction (shown as a warning), but nothing in common except the number is a typo.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from reporting.inert import starts_like_formula
from survey.intake.cells import cell_text
from survey.intake.findings import Finding, error, warning
from survey.programme.names import normalise
from survey.roster.cells import parse_mobile
from survey.roster.layout import COLUMN_BY_KEY, REQUIRED_KEYS
from survey.roster.matching import ProjectMatch
from survey.roster.reading import RawRow

#: Longest text each personal field may hold (the roster table's column sizes).
TEXT_LIMITS: dict[str, int] = {
    "name": 100,
    "employer": 200,
    "department": 200,
    "major": 200,
    "note": 500,
}
#: Longest Chinese name (in characters, without a middle dot) that is not worth a warning.
LONGEST_USUAL_NAME = 4

_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", "∙": "·", "．": "·"})
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")
_NAME_OTHER = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z0-9· ]")

Resolver = Callable[[str, str], ProjectMatch]


def label(key: str) -> str:
    """The annex 3 label of column ``key``, as findings name columns."""
    return COLUMN_BY_KEY[key].label


@dataclass(frozen=True, slots=True)
class Entry:
    """A row that passed the row checks: clean values, resolved project and province."""

    file: str
    row: int
    province_id: int
    project_id: int
    name: str
    employer: str
    department: str | None
    major: str | None
    mobile: str
    note: str | None

    def where(self, other_file: str | None = None) -> str:
        """ "第 12 行", or "山东.xlsx 第 12 行" when seen from ``other_file``."""
        return f"第 {self.row} 行" if other_file == self.file else f"{self.file} 第 {self.row} 行"


@dataclass(frozen=True, slots=True)
class Registered:
    """A trainee already on the roster, as far as the checks need to know."""

    id: int
    province_id: int
    province: str
    project_id: int
    project_seq: int
    class_id: int
    class_closed: bool
    name: str | None
    employer: str | None
    department: str | None
    major: str | None
    note: str | None
    responded: bool


def clean_name(value: object) -> str:
    """A name as stored: NFKC, one kind of middle dot, no spaces inside a Chinese name.

    Spaces inside "张  三" only align two-character names in a printed list; a Latin name
    keeps its single spaces.
    """
    name = unicodedata.normalize("NFKC", cell_text(value)).translate(_DOTS)
    if not _LATIN.search(name):
        name = name.replace(" ", "")
    return name


def name_problems(name: str) -> list[str]:
    """What is unusual about ``name`` (digits, letters, symbols, length), in Chinese."""
    problems: list[str] = []
    if _DIGIT.search(name):
        problems.append("含有数字")
    if _LATIN.search(name):
        problems.append("含有拉丁字母")
    if _NAME_OTHER.search(name):
        problems.append("含有括号、标点等符号")
    letters = name.replace("·", "").replace(" ", "")
    if len(letters) == 1:
        problems.append("只有一个字")
    elif "·" not in name and (characters := len(_CJK.findall(name))) > LONGEST_USUAL_NAME:
        problems.append(f"有 {characters} 个字")
    elif len(letters) > 20:
        problems.append("过长")
    return problems


def check_row(
    file: str, raw: RawRow, province_id: int | None, resolve: Resolver
) -> tuple[Entry | None, list[Finding]]:
    """Check one data row; return its entry (None when it has an error) and its findings.

    ``province_id`` is None when the file's province is unknown (already an error of the
    file); the row is still checked, so that every problem is reported in one go.
    """
    values = raw.texts
    row = raw.number
    texts = {key: values.get(key, "") for key in TEXT_LIMITS if key != "name"}
    name = clean_name(values.get("name", ""))
    project_text = values.get("project", "")
    base_text = values.get("base", "")
    title = values.get("title", "")
    if title and title not in texts["department"]:
        # Provinces that split 所在部门(院系)及职务 into two columns: join them again.
        texts["department"] = f"{texts['department']} {title}".strip()
    findings: list[Finding] = []

    present = {
        "project": project_text,
        "base": base_text,
        "name": name,
        "employer": texts["employer"],
        "mobile": values.get("mobile", ""),
    }
    if not (
        name or present["mobile"] or any(texts[k] for k in ("employer", "department", "major"))
    ):
        if not (project_text or base_text or texts["note"]):
            return None, []  # a template row numbered in advance and left empty
        # A template row with its project filled in but nobody on it: an unused seat.
        return None, [
            warning(
                file,
                row,
                None,
                "该行只有项目信息，没有学员信息，已跳过：如是空名额请删除该行",
            )
        ]
    for key in REQUIRED_KEYS:
        if not present[key]:
            findings.append(error(file, row, label(key), f"未填写{label(key)}：请补填"))

    mobile: str | None = None
    if present["mobile"]:
        mobile, problem = parse_mobile(raw.mobile)
        if problem:
            findings.append(error(file, row, label("mobile"), f"联系手机{problem}"))

    project_id: int | None = None
    if project_text and base_text:
        match = resolve(project_text, base_text)
        project_id = match.project_id
        if match.problem:
            findings.append(error(file, row, match.column, match.problem))

    stored = {**texts, "name": name}
    for key, limit in TEXT_LIMITS.items():
        if len(stored[key]) > limit:
            findings.append(
                error(
                    file,
                    row,
                    label(key),
                    f"{label(key)}超过 {limit} 个字（现有 {len(stored[key])} 个）：请精简",
                )
            )

    if name and (problems := name_problems(name)):
        findings.append(
            warning(
                file,
                row,
                label("name"),
                f"学员姓名{'、'.join(problems)}，不太常见：请核对是否填错"
                "（如把职务、备注写进了姓名）",
            )
        )

    for key, text in stored.items():
        if starts_like_formula(text):
            findings.append(
                warning(
                    file,
                    row,
                    label(key),
                    f"{label(key)}以 =、+、-、@、制表符或回车开头，电子表格会把它当作公式："
                    "导出时会在前面加单引号作为文字，请核对是否填错",
                )
            )

    if any(f.severity == "error" for f in findings) or province_id is None:
        return None, findings
    assert project_id is not None
    assert mobile is not None
    return (
        Entry(
            file=file,
            row=row,
            province_id=province_id,
            project_id=project_id,
            name=name,
            employer=texts["employer"],
            department=texts["department"] or None,
            major=texts["major"] or None,
            mobile=mobile,
            note=texts["note"] or None,
        ),
        findings,
    )


def _seq_number(value: object) -> int | str | None:
    text = normalise(cell_text(value))
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


def check_sequence(file: str, rows: Iterable[RawRow]) -> list[Finding]:
    """Warn where 序号 is not a number or does not follow the previous row's.

    A 序号 of 1 may start a new run anywhere: some provinces number each project from 1.
    """
    findings: list[Finding] = []
    previous: int | None = None
    for raw in rows:
        seq = _seq_number(raw.texts.get("seq"))
        if seq is None:
            continue
        if isinstance(seq, str):
            findings.append(
                warning(file, raw.number, label("seq"), "序号不是数字：请填写 1、2、3 这样的序号")
            )
            continue
        if previous is not None and seq not in (previous + 1, 1):
            findings.append(
                warning(
                    file,
                    raw.number,
                    label("seq"),
                    f"序号 {seq} 没有接着上一行的 {previous}：请核对是否漏填、重复或顺序错了",
                )
            )
        previous = seq
    return findings


def check_duplicates(entries: Iterable[Entry]) -> list[Finding]:
    """An error for every row whose mobile an earlier row of the same import already has."""
    first: dict[str, Entry] = {}
    findings: list[Finding] = []
    for entry in entries:
        earlier = first.setdefault(entry.mobile, entry)
        if earlier is not entry:
            findings.append(
                error(
                    entry.file,
                    entry.row,
                    label("mobile"),
                    f"联系手机与{earlier.where(entry.file)}相同：每名学员只能登记一次，"
                    "请删除重复的行或更正手机号",
                )
            )
    return findings


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two names are the same after folding width and spaces."""
    return normalise(a or "") == normalise(b or "")


def check_registered(
    entry: Entry, registered: Registered, target_closed: bool, project_seq: int
) -> Finding | None:
    """Whether ``entry`` may update the trainee already registered with its mobile.

    An error when it is another person (see the module docstring), when it would move a
    trainee who has already answered, or a trainee of a finished class, to another project.
    """
    where = (entry.file, entry.row, label("mobile"))
    if registered.province_id != entry.province_id:
        return error(
            *where,
            f"联系手机已登记在{registered.province}名单中的另一名学员名下：请核对手机号；"
            f"若确为同一人改由本省报送，请先让{registered.province}在其名单中删去此人"
            "并用 --replace 重新导入",
        )
    if not same_name(entry.name, registered.name) and normalise(entry.employer) != normalise(
        registered.employer or ""
    ):
        return error(
            *where,
            "联系手机已登记在本省另一名学员名下（姓名和单位名称都不同）：请核对手机号是否填错",
        )
    if registered.project_id != entry.project_id:
        if registered.responded:
            return error(
                entry.file,
                entry.row,
                label("project"),
                f"该学员已在第 {registered.project_seq} 项提交了评价，不能改到第 {project_seq} 项："
                "请核对项目名称",
            )
        if registered.class_closed:
            return error(
                entry.file,
                entry.row,
                label("project"),
                f"该学员所在的第 {registered.project_seq} 项培训班已结束，不能改到其他项目："
                "请核对项目名称",
            )
    if target_closed and registered.project_id != entry.project_id:
        return error(
            entry.file,
            entry.row,
            label("project"),
            f"第 {project_seq} 项的培训班已结束，不能再加入学员：请核对项目名称",
        )
    return None


def name_changed(entry: Entry, registered: Registered) -> Finding | None:
    """A warning when a registered trainee's name is being corrected."""
    if same_name(entry.name, registered.name):
        return None
    return warning(
        entry.file,
        entry.row,
        label("name"),
        "该手机号已登记的学员姓名与本行不同，单位相同，按更正姓名处理：如手机号填错，请更正",
    )


def check_allocation(
    entries: Iterable[Entry],
    final_counts: Mapping[tuple[int, int], int],
    seats: Mapping[tuple[int, int], int],
    province_name: Callable[[int], str],
    project_name: Callable[[int], str],
    allocation_note: str | None,
) -> list[Finding]:
    """Warn where a province ends up with more trainees in a project than annex 2 gives it.

    ``final_counts`` are the counts after the import by (project id, province id); the warning
    points at the first row of the import beyond the allocation. ``allocation_note`` is added
    when the published allocation is itself inconsistent, so nobody trusts it blindly.
    """
    by_pair: dict[tuple[int, int], list[Entry]] = {}
    for entry in entries:
        by_pair.setdefault((entry.project_id, entry.province_id), []).append(entry)
    findings: list[Finding] = []
    for pair, rows in by_pair.items():
        total = final_counts.get(pair, 0)
        allowed = seats.get(pair, 0)
        if total <= allowed:
            continue
        before = total - len(rows)  # trainees of this pair that this import does not list
        first_over = rows[min(max(allowed - before, 0), len(rows) - 1)]
        province, project = province_name(pair[1]), project_name(pair[0])
        if allowed == 0:
            message = f"附件2 没有给{province}分配{project}的名额，现报送 {total} 人"
        else:
            message = (
                f"{province}报送{project}的学员共 {total} 人，超过附件2 分配的 {allowed} 个名额"
            )
        message += "：请与项目办核实是否多报或项目填错"
        if allocation_note:
            message += f"（{allocation_note}）"
        findings.append(warning(first_over.file, first_over.row, label("project"), message))
    return findings
