"""Run by test_kill.py in a child process: import a large workspace and stall half-way."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from weerbaar.domain import CycleKind
from weerbaar.io import load_workspace
from weerbaar.store import import_workspace, open_store


def main() -> None:
    url, workspace, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    store = open_store(url)
    loaded = load_workspace(workspace)

    def progress(done: int, total: int) -> None:
        if done < total:  # some batches written, more to come: the middle of the import
            marker.write_text(f"{done}/{total}", encoding="utf-8")
            time.sleep(120)  # the parent kills us here, mid-transaction

    import_workspace(store, loaded, key="killed", kind=CycleKind.RISK_ANALYSIS, actor="worker",
                     progress=progress)


if __name__ == "__main__":
    main()
