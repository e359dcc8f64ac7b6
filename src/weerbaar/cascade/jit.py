"""Compiling the cascade kernels with numba: an on-disk cache when possible, and a prefetch hint.

Compiled functions are cached on disk (numba's ``cache=True``): in ``__pycache__`` next to the
module, or in numba's user cache directory when the package directory is read-only (or where
``NUMBA_CACHE_DIR`` points). When no location is writable they are compiled in memory on first
use, which takes a few seconds per process. Kernels take only arrays and numbers; a helper that
receives arrays costs reference counting on every call, so the hot loops are written out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
from llvmlite import ir  # type: ignore[import-untyped]
from numba.core import cgutils, types
from numba.extending import intrinsic

F = TypeVar("F", bound=Callable[..., Any])

# llvm.prefetch is overloaded on the pointer type: "p0" with opaque pointers, "p0i8" before
_PREFETCH = "llvm.prefetch." + ("p0" if str(ir.IntType(8).as_pointer()) == "ptr" else "p0i8")


def compiled(fn: F) -> F:
    """``numba.njit`` (no GIL) with an on-disk cache when a cache location is writable."""
    try:
        return cast(F, numba.njit(cache=True, nogil=True)(fn))
    except RuntimeError:  # no writable cache location: compile in memory on first use
        return cast(F, numba.njit(cache=False, nogil=True)(fn))


def _prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None
    cg: Any = cgutils

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        address = cg.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cg.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), _PREFETCH)
        # read access, high temporal locality, data cache
        builder.call(fn, [builder.bitcast(address, i8p), ir.Constant(i32, 0),
                          ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return types.void(array, index), codegen


# prefetch(array, index), inside compiled code: ask the processor to fetch array[index] into its
# cache. A hint that never faults (an index past the end is harmless), for loops that wait on
# memory at random places.
prefetch: Any = intrinsic(_prefetch)


__all__ = ["compiled", "prefetch"]
