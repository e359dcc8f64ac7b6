"""Excel scoring workbooks: write a template or a workspace's scores, read a filled-in workbook.

``write_workbook(profile, path)`` gives analysts an empty workbook with drop-downs for the
profile's classes; ``write_workbook(profile, path, workspace)`` exports scores;
``read_workbook(path)`` reads a workbook back into a :class:`~weerbaar.domain.Workspace` with the
same resolution rules as workspace files, reporting every problem with its sheet and cell at once.
The layout is described in ``docs/workspace.md`` ("Excel workbooks").
"""

from weerbaar.io.excel_read import MAX_BYTES, MAX_ROWS, read_workbook
from weerbaar.io.excel_template import workbook_bytes, write_workbook

__all__ = ["MAX_BYTES", "MAX_ROWS", "read_workbook", "workbook_bytes", "write_workbook"]
