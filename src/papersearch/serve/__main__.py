"""``python -m papersearch.serve``: run the HTTP service."""

import sys

from .run import main

sys.exit(main())
