"""Latent Explorer. `python main.py` opens the window; `python main.py --help` lists commands."""
import os
import sys
import time

os.environ.setdefault("LATENT_EXPLORER_T0", str(time.time()))

from explorer.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
