"""``python -m weerbaar.cli``: the console script."""

import sys

from weerbaar.cli import main

if __name__ == "__main__":
    sys.exit(main())
