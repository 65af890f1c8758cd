"""The use cases that change credentials, survey windows and rosters, shared by the web and CLI.

Each service takes the database and an actor (a staff :class:`~survey.staff.access.Principal`,
or :func:`~survey.staff.audit.cli_actor` for the command line), checks what the actor may do,
does the work and writes its audit entry in the same transaction. Web handlers and CLI commands
only read input and render what a service returns.

* :mod:`~survey.services.credentials` links, codes and slips: export, print, remind, replace,
  reminder requests and the ministry's per-class switch that lets a base print slips;
* :mod:`~survey.services.windows` opening, extending and closing survey windows;
* :mod:`~survey.services.rosters` importing rosters.
"""
