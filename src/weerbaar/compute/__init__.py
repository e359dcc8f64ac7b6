"""Adapters that run the method engines' tasks elsewhere (Dask). Optional: ``weerbaar[dask]``.

The engines in :mod:`weerbaar.methods` split their work into pure task functions and hand them to
an executor; this package holds executors that need third-party libraries, imported only when
used, so the method layer never depends on them.
"""
