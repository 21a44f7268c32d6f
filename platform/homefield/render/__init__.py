"""`homefield render`: every generated file under deploy/ (and the Dockerfile) from the catalog.

Which paths are generated lives here, apart from the renderers, so that the check can ask
cheaply whether a changed path is generated without loading them.
"""

GENERATED_DIRS = (
    "deploy/alertmanager",
    "deploy/compose",
    "deploy/grafana",
    "deploy/k8s",
    "deploy/prometheus",
)
GENERATED_FILES = ("Dockerfile",)


def is_generated(path: str) -> bool:
    """Whether ``path`` is written by `homefield render` (and so must match its render)."""
    return path in GENERATED_FILES or any(path.startswith(f"{d}/") for d in GENERATED_DIRS)
