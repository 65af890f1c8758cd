"""``survey roster``: exit codes, the JSON shape, the human output, summary and purge."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from sqlalchemy import select, update

from survey.cli import cli, main
from survey.db.engine import Database
from survey.programme.models import Project, TrainingClass
from tests.roster.builders import WriteXlsx, annex3, mobile, people, person, trainees


def invoke(db: Database, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["roster", *args], env={"SURVEY_DATABASE_URL": db.url}, input=input
    )


def run_main(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run ``survey`` as the console script does, with its handling of user errors."""
    monkeypatch.setenv("SURVEY_DATABASE_URL", db.url)
    try:
        code = main(["roster", *args]) or 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_prints_a_table_per_project(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    path = write_xlsx("山东.xlsx", annex3(people(3)))
    result = invoke(programme_db, "import", str(path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2024 年：读取 1 个文件，共 3 行"
    assert lines[1].split() == ["序号", "承训单位", "新增", "更新", "未变", "移除", "报名/名额"]
    assert lines[2].split() == ["5", "广东技术师范大学", "3", "0", "0", "0", "3/50"]
    assert lines[-1] == "已导入：新增 3 人，更新 0 人，未变 0 人，移除 0 人"
    again = invoke(programme_db, "import", str(path))
    assert again.output.splitlines()[-1] == "已导入：新增 0 人，更新 0 人，未变 3 人，移除 0 人"


def test_json_output_and_exit_code_on_errors(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = people(3)
    rows[1][7] = "12345"
    rows[2][3] = "王五2"
    path = write_xlsx("山东.xlsx", annex3(rows))
    result = invoke(programme_db, "import", str(path), "--json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert {"imported", "updated", "unchanged", "errors", "warnings"} <= set(payload)
    assert (payload["imported"], payload["updated"], payload["unchanged"]) == (2, 0, 0)
    assert payload["written"] is False
    assert payload["errors"] == [
        {
            "file": "山东.xlsx",
            "row": 5,
            "column": "联系手机",
            "message": "联系手机位数不对（5 位）：中国大陆手机号为 11 位",
        }
    ]
    [warning] = payload["warnings"]
    assert set(warning) == {"file", "row", "column", "message"}
    assert warning["row"] == 6
    assert trainees(programme_db) == []


def test_human_output_lists_the_findings(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = people(2)
    rows[1][7] = "010-66096194"
    result = invoke(programme_db, "import", str(write_xlsx("山东.xlsx", annex3(rows))))
    assert result.exit_code == 1
    assert "错误 1 处：" in result.output
    assert (
        "  山东.xlsx 第 5 行［联系手机］：联系手机像是固定电话：请填写学员本人的手机号"
        in result.output
    )
    assert result.output.splitlines()[-1] == (
        "发现 1 处错误，未写入任何数据：请按提示改正后重新导入"
    )
    assert "66096194" not in result.output  # findings name the row, never the number


def test_dry_run_and_replace(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = people(3)
    dry = invoke(programme_db, "import", str(write_xlsx("v1.xlsx", annex3(rows))), "--dry-run")
    assert dry.exit_code == 0
    assert "（试运行，不写入）" in dry.output
    assert dry.output.splitlines()[-1] == "检查通过（试运行，未写入）：去掉 --dry-run 即可导入"
    assert trainees(programme_db) == []
    invoke(programme_db, "import", str(write_xlsx("v1.xlsx", annex3(rows))))
    shorter = str(write_xlsx("v2.xlsx", annex3(rows[:2])))
    kept = invoke(programme_db, "import", shorter)
    assert f"  山东 第 5 项 {rows[2][3]}：保留（加 --replace 可移除）" in kept.output
    replaced = invoke(programme_db, "import", shorter, "--replace", "--json")
    payload = json.loads(replaced.output)
    assert payload["removed"] == 1
    assert payload["missing"] == [
        {"province": "山东", "project": 5, "name": rows[2][3], "responded": False, "removed": True}
    ]
    assert len(trainees(programme_db)) == 2


def test_usage_errors_exit_2(
    programme_db: Database,
    write_xlsx: WriteXlsx,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    path = str(write_xlsx("山东.xlsx", annex3([person(1, "张三", mobile(1))])))
    code, out, err = run_main(
        programme_db, monkeypatch, capsys, "import", path, "--province", "火星"
    )
    assert (code, out) == (2, "")
    assert err.strip().startswith("错误：--province “火星”不是省级单位")
    code, _, err = run_main(programme_db, monkeypatch, capsys, "import", str(tmp_path / "无.xlsx"))
    assert code == 2
    assert "does not exist" in err or "不存在" in err
    code, _, _ = run_main(programme_db, monkeypatch, capsys, "import")
    assert code == 2
    code, _, err = run_main(programme_db, monkeypatch, capsys, "purge", "99", "--yes")
    assert code == 2
    assert "没有第 99 项" in err


def test_summary_and_its_workbook(
    programme_db: Database, write_xlsx: WriteXlsx, tmp_path: Path
) -> None:
    invoke(programme_db, "import", str(write_xlsx("山东.xlsx", annex3(people(10)))))
    target = tmp_path / "汇总" / "报名.xlsx"
    result = invoke(programme_db, "summary", "--xlsx", str(target))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2024年“职教国培”示范项目：已报名 10 人，附件2 分配名额合计 799 个"
    assert lines[1].startswith("注意：附件2 公布的名额表本身有 18 处不一致")
    row5 = next(line for line in lines if line.split()[:2] == ["5", "广东技术师范大学"])
    assert row5.split()[-3:] == ["10", "50", "-40"]
    assert "  第 5 项与名额不符（报名/名额）：" in result.output
    assert "山东 10/8" in result.output
    assert lines[-1] == f"已写入 {target}"

    workbook = load_workbook(target)
    assert workbook.sheetnames == ["说明", "按项目", "按项目和省份", "按省份"]
    by_project = list(workbook["按项目"].iter_rows(values_only=True))
    assert by_project[0] == (
        "序号",
        "项目名称",
        "领域",
        "承训单位",
        "已报名人数",
        "分配名额",
        "差额",
    )
    assert by_project[5] == (
        5,
        "人工智能领域领军教师示范培训项目",
        "人工智能",
        "广东技术师范大学",
        10,
        50,
        -40,
    )
    pairs = list(workbook["按项目和省份"].iter_rows(values_only=True))
    assert pairs[0] == ("序号", "承训单位", "省级单位", "已报名人数", "分配名额", "差额")
    assert (5, "广东技术师范大学", "山东", 10, 8, 2) in pairs
    provinces = list(workbook["按省份"].iter_rows(values_only=True))
    assert provinces[0] == ("省级单位", "全称", "已报名人数", "分配名额", "差额")
    assert provinces[1][:2] == ("北京", "北京市")
    assert ("山东", "山东省", 10, 61, -51) in provinces


def close_project(db: Database, seq: int) -> None:
    with db.write() as session:
        project_id = select(Project.id).where(Project.seq == seq).scalar_subquery()
        session.execute(
            update(TrainingClass)
            .where(TrainingClass.project_id == project_id)
            .values(state="closed", released_on=date(2024, 12, 1))
        )


def test_purge(
    programme_db: Database,
    write_xlsx: WriteXlsx,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    invoke(programme_db, "import", str(write_xlsx("山东.xlsx", annex3(people(3)))))
    code, _, err = run_main(programme_db, monkeypatch, capsys, "purge", "5", "--yes")
    assert code == 1
    assert err.strip() == (
        "错误：第 5 项还不能清除个人信息："
        "“人工智能领域领军教师班（广东技术师范大学）”尚未开始调查；"
        "须等该项目所有培训班结束调查并发布结果后再清除"
    )
    close_project(programme_db, 5)
    declined = invoke(programme_db, "purge", "5", input="n\n")
    assert declined.exit_code == 1
    assert "将清除第 5 项（广东技术师范大学）3 名学员的姓名" in declined.output
    assert all(row[4] for row in trainees(programme_db))
    confirmed = invoke(programme_db, "purge", "5", input="y\n")
    assert confirmed.exit_code == 0
    assert confirmed.output.splitlines()[-1] == (
        "第 5 项（广东技术师范大学）：已清除 3 名学员的个人信息，保留 3 条记录用于统计回答率"
    )
    assert all(row[4] is None for row in trainees(programme_db))
    again = invoke(programme_db, "purge", "5", "--yes")
    assert again.output.strip() == "第 5 项（广东技术师范大学）没有待清除的个人信息，无变化"


def test_through_a_real_process(programme_db: Database, write_xlsx: WriteXlsx) -> None:
    rows = people(2)
    rows[0][7] = None
    path = write_xlsx("山东.xlsx", annex3(rows))
    env = {**os.environ, "SURVEY_DATABASE_URL": programme_db.url}
    done = subprocess.run(
        [sys.executable, "-m", "survey", "roster", "import", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    payload = json.loads(done.stdout)
    assert [(e["row"], e["column"]) for e in payload["errors"]] == [(4, "联系手机")]
    missing = subprocess.run(
        [sys.executable, "-m", "survey", "roster", "import", "没有这个文件.xlsx"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 2
