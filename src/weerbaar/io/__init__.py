"""Files users exchange: workspace YAML (and later Excel and strategy documents)."""

from weerbaar.io.workspace import (
    EXAMPLES,
    WorkspaceFile,
    example_path,
    example_text,
    load_workspace,
    workspace_json_schema,
)

__all__ = [
    "EXAMPLES",
    "WorkspaceFile",
    "example_path",
    "example_text",
    "load_workspace",
    "workspace_json_schema",
]
