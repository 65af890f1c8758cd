"""Rosters: the provinces' participant lists (annex 3), who may evaluate.

* :mod:`~survey.roster.reading` finds the table in an .xlsx or .csv file (layout in
  :mod:`~survey.roster.layout`, cell conversions in :mod:`~survey.roster.cells`);
* :mod:`~survey.roster.validation` checks rows and reports :mod:`~survey.intake.findings`;
* :mod:`~survey.roster.importer` writes a checked import, all or nothing
  (:func:`~survey.roster.importer.import_rosters`, also the web upload's entry point);
* :mod:`~survey.roster.summary` counts enrolment against the allocation;
* :mod:`~survey.roster.purge` deletes a finished project's personal fields;
* :mod:`~survey.roster.synthetic` writes fake province lists for the demo and benchmarks.
"""
