"""`python -m core …` runs the `petition-desk` command line."""

import sys

from core.commands import main

sys.exit(main())
