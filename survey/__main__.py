"""``python -m survey`` runs the CLI."""

from survey.cli import main

main()
