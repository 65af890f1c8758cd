"""The application: database, reference data, rosters, the Litestar web app and the CLI."""
