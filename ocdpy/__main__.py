"""`python -m ocdpy` runs the `ocdpy` command line."""

import sys

from ocdpy.cli import main

sys.exit(main())
