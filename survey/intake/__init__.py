"""Spreadsheet intake: how every file a person hands over is opened, decoded and located.

* :mod:`~survey.intake.tables` recognises .xlsx and CSV files, decodes CSV (UTF-8 with or
  without BOM, GB18030, UTF-16), chooses its delimiter, reads rows and finds a header row;
* :mod:`~survey.intake.cells` turns cell values into clean text and names Excel's columns;
* :mod:`~survey.intake.findings` is the one type for what reading a file found.

The readers of rosters (:mod:`survey.roster.reading`), training plans
(:mod:`survey.instruments.plan_file`) and ministry workbooks (:mod:`survey.programme.loader`)
use it and add only what their own layout means.
"""
