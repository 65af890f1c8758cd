"""The staff pages (``/staff/…``): bases, provinces and the ministry, server-rendered.

Every handler takes the logged-in :class:`~survey.staff.access.Principal` from
:func:`~survey.web.staff.auth.staff_principal` and checks it with
:mod:`survey.staff.access` before it reads anything.
"""
