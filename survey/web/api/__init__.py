"""The JSON API under ``/api/v1/``, for other systems and scripts.

Authentication is a staff session cookie or an API token (``Authorization: Bearer zjgp_…``),
with the same roles and checks as the pages. Errors are RFC 9457 problem details
(``application/problem+json``). The OpenAPI schema is at ``/api/v1/schema/openapi.json``.
"""
