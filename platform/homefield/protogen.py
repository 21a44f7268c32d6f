"""`homefield protos`: generate the one Python package for every .proto under protos/shop, and
for the vendored buf/validate/validate.proto those protos import (protos/vendor/README.md).

`homefield check` renders the same way from a change's protos (written out into a temporary
directory) to tell a regenerated protos/gen from a hand-edited one, so the layout and the protoc
command live here, once. protoc runs in its own process: it only reads the .proto files, and its
messages are returned in the error rather than printed over the caller's output.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

PROTOS = "protos"
GENERATED = f"{PROTOS}/gen"
# Local proto modules outside protos/shop, each a protoc include root (and a module in buf.yaml).
VENDORED = ("vendor/protovalidate",)


class ProtoGenError(Exception):
    """protoc rejected the protos, or a generator is missing; the message says which."""


def is_generated(path: str) -> bool:
    """Whether ``path`` (repository-relative) is written by `homefield protos`."""
    return path.startswith(f"{GENERATED}/")


def _plugin(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise ProtoGenError(f"{name} not found next to {sys.executable}; run `make setup`")
    return str(path)


def _sources(protos_dir: Path) -> tuple[list[str], list[Path]]:
    """The .proto files to compile (relative to their include root) and the extra roots."""
    sources = sorted(str(p.relative_to(protos_dir)) for p in (protos_dir / "shop").rglob("*.proto"))
    includes = [protos_dir / vendored for vendored in VENDORED]
    # Generated once, here: the protovalidate package imports buf.validate.validate_pb2 and does
    # not ship it, so this is the only copy in the descriptor pool.
    sources += sorted(str(p.relative_to(root)) for root in includes for p in root.rglob("*.proto"))
    return sources, includes


def render(protos_dir: Path, out: Path) -> list[Path]:
    """Generate the package for the protos under ``protos_dir`` into ``out`` (emptied first)."""
    if importlib.util.find_spec("grpc_tools") is None:
        raise ProtoGenError("grpcio-tools is not installed; run `make setup`")
    sources, includes = _sources(protos_dir)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    args = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",  # adds grpc_tools' well-known types (google/protobuf/*) as a root
        f"-I{protos_dir}",
        *(f"-I{root}" for root in includes if root.is_dir()),
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *sources,
    ]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if not line.startswith("Writing ")]
        detail = "\n".join(lines[-20:]) or f"exit {proc.returncode}"
        raise ProtoGenError(f"protoc failed: {detail}")
    for top in sorted(p for p in out.iterdir() if p.is_dir()):
        for package in [top, *(p for p in top.rglob("*") if p.is_dir())]:
            (package / "__init__.py").touch()
        (top / "py.typed").touch()
    return sorted(p for p in out.rglob("*") if p.is_file())


def generate(protos_dir: Path) -> list[Path]:
    """Regenerate protos/gen from scratch and return the generated files."""
    return render(protos_dir, protos_dir / GENERATED.removeprefix(f"{PROTOS}/"))
