"""``python -m visionlab``: the same command line as the ``visionlab`` console script."""

import sys

from visionlab.cli import main

sys.exit(main())
