"""The use cases of weerbaar: the one API of its faces (the command line and the web app).

One module per family of use cases — ``cycles``, ``scenarios``, ``reviews``, ``measures``,
``sessions``, ``signals`` (horizon scan), ``cascade`` (vital infrastructure), ``assessment``,
``analysis``, ``compare``, ``history``, ``search``, ``reports``, ``excel``, ``strategy``,
``accounts``, ``classification``, ``audit``, ``database``, ``profiles``. Every use case takes the
store (a unit of work) and a :class:`~weerbaar.services.viewer.Viewer` (who asks) and does the
role check, the clearance filtering, the read logging, the optimistic concurrency and the domain
invariants itself (see ``docs/architecture.md``). The modules are imported on use, so importing
this package stays cheap.
"""

from weerbaar.services.registry import IDENTIFIERS, USE_CASES, identifies, observe, use_case
from weerbaar.services.viewer import Channel, Viewer

__all__ = ["IDENTIFIERS", "USE_CASES", "Channel", "Viewer", "identifies", "observe", "use_case"]
