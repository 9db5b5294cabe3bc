"""``python -m geo.cli``: the ``conflictmap`` command without the installed script."""

import sys

from geo.cli.main import main

sys.exit(main())
