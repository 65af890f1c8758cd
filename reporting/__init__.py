"""What the answers say: statistics per class, base and programme, the comparison of bases, and
the exports (JSON, CSV, Excel) and SVG charts. Pure Python on NumPy/SciPy: no database, no web.

Typical use::

    report = build_report(classes, ReportSettings(k=settings.report_k))
    json_text = report_json(report)
    write_report_xlsx(report, "report.xlsx")
"""

from reporting.charts import dimension_profile_svg, funnel_svg, rank_intervals_svg
from reporting.export_csv import responses_csv, write_responses_csv
from reporting.export_json import report_json, report_to_dict, write_report_json
from reporting.export_xlsx import report_workbook, report_xlsx, write_report_xlsx
from reporting.inputs import Answer, ClassInput, ReportSettings
from reporting.model import GroupReport, Report
from reporting.report import build_report
from reporting.suppression import DEFAULT_K, Suppression

__all__ = [
    "DEFAULT_K",
    "Answer",
    "ClassInput",
    "GroupReport",
    "Report",
    "ReportSettings",
    "Suppression",
    "build_report",
    "dimension_profile_svg",
    "funnel_svg",
    "rank_intervals_svg",
    "report_json",
    "report_to_dict",
    "report_workbook",
    "report_xlsx",
    "responses_csv",
    "write_report_json",
    "write_report_xlsx",
    "write_responses_csv",
]
