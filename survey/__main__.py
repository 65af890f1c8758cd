"""``python -m survey`` runs the CLI."""

import sys

from survey.cli import main

sys.exit(main())
