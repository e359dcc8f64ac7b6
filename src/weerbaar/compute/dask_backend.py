"""Run the uncertainty engine's tasks on Dask: a local cluster or a scheduler's address.

Needs the optional extra ``weerbaar[dask]`` (``dask[distributed]``). The executor has the shape of
:class:`weerbaar.methods.uncertainty.Executor`: it maps a task function over tasks and yields the
results in task order. Each task draws its random numbers from streams keyed by the seed and its
block indices, so a Dask run gives bit-identical results to a local run with the same seed.

Shared data (the impact model, the rank table) is scattered to the workers once per map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

from weerbaar.errors import InvalidInput

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

LOCAL = "local"


class DaskUnavailable(InvalidInput):
    """Dask is not installed, or its scheduler cannot be reached (the ``--dask`` address given
    cannot be used: exit code 2)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:  # pragma: no cover - depends on the installation
        raise DaskUnavailable(
            "running on Dask needs Dask: install the extra with pip install 'weerbaar[dask]'") from None
    return distributed


class DaskExecutor:
    """Executes tasks on a Dask cluster. ``address`` ``"local"`` starts a :class:`LocalCluster`.

    Use as a context manager (or call :meth:`close`): a cluster started here is shut down on
    exit; a client of a remote scheduler is closed, the scheduler left running.
    """

    def __init__(self, address: str = LOCAL, *, workers: int = 2, processes: bool = True,
                 threads_per_worker: int = 1, timeout: float = 30.0) -> None:
        distributed = _distributed()
        self._cluster: Any = None
        try:
            if address == LOCAL:
                self._cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=threads_per_worker,
                    processes=processes, dashboard_address=None, silence_logs=40)
                self._client = distributed.Client(self._cluster, timeout=timeout)
            else:
                self._client = distributed.Client(address, timeout=timeout)
        except OSError as exc:
            if self._cluster is not None:
                self._cluster.close()
            raise InvalidInput(f"cannot reach the Dask scheduler at {address!r}: {exc}",
                               location=["dask"],
                               expected="'local' or an address such as tcp://host:8786") from None

    @property
    def address(self) -> str:
        return str(self._client.scheduler.address)

    def map(self, fn: Callable[[S, T], R], shared: S, tasks: Sequence[T]) -> Iterator[R]:
        """Submit every task at once; yield the results in task order as they are gathered."""
        if not tasks:
            return
        data = self._client.scatter(shared, broadcast=True, hash=False)
        futures = self._client.map(fn, [data] * len(tasks), list(tasks), pure=False)
        try:
            for future in futures:
                yield future.result()
                future.release()
        finally:
            for future in futures:
                future.cancel()
            data.release()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


__all__ = ["LOCAL", "DaskExecutor", "DaskUnavailable"]
