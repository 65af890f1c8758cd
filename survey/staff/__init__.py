"""The staff side: accounts and roles, sessions, API tokens, the audit log, and the services
the base, province and ministry pages and the JSON API are built on.

* :mod:`~survey.staff.models` the tables;
* :mod:`~survey.staff.passwords` Argon2 hashing;
* :mod:`~survey.staff.accounts` creating, listing, disabling accounts and logging in;
* :mod:`~survey.staff.sessions` server-side browser sessions;
* :mod:`~survey.staff.api_tokens` bearer tokens for scripts;
* :mod:`~survey.staff.access` who may see and do what (every check of every route);
* :mod:`~survey.staff.audit` the audit log;
* :mod:`~survey.staff.rates` invited, responded and response rates (counts only);
* :mod:`~survey.staff.review` the free-text review.

Reports from released responses (:mod:`survey.results`) serve the CLI as well as these pages;
what changes credentials, windows and rosters is in :mod:`survey.services`, shared with the CLI.
"""
