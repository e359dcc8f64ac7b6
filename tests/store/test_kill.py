"""A process killed with SIGKILL in the middle of an import leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from weerbaar.io import load_workspace
from weerbaar.io.workspace_export import dump_workspace
from weerbaar.methods.registry import get_profile
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, list_cycles
from weerbaar.store import audit as audit_log
from weerbaar.store.schema import TABLES

AS_T = Viewer.operator("t")

ROOT = Path(__file__).resolve().parents[2]


def _counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in TABLES}


def test_sigkill_mid_import_leaves_database_unchanged(store: Store, tmp_path: Path) -> None:
    load_examples(store, AS_T)
    before = _counts(store)
    example = load_workspace("example:nvs-2019")
    many = [s.model_copy(update={"id": f"{s.id}-{n}"}) for n in range(8) for s in example.scenarios]
    workspace = example.model_copy(update={"scenarios": tuple(many), "measures": (),
                                           "reviews": ()})  # 224 scenarios: several batches
    path = tmp_path / "big.yaml"
    path.write_text(dump_workspace(workspace, get_profile(workspace.profile)), encoding="utf-8")
    marker = tmp_path / "halfway"
    url = store.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("_import_worker.py")),
                              url, str(path), str(marker)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "worker ended before reaching the middle of the import"
            assert time.monotonic() < deadline, "worker never reached the middle of the import"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    if store.dialect == "postgresql":  # the server notices the dead client and rolls back
        time.sleep(0.5)
    assert _counts(store) == before
    assert [c.key for c in list_cycles(store)] == ["nvs-2019", "midterm-2021"]
    with store.read() as conn:
        assert audit_log.verify(conn) == []
