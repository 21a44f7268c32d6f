"""`homefield protos`: generate the one Python package for every .proto under protos/shop, and
for the vendored buf/validate/validate.proto those protos import (protos/vendor/README.md)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


class ProtoGenError(Exception):
    """protoc rejected the protos; the message carries its output."""


def _plugin(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise ProtoGenError(f"{name} not found next to {sys.executable}; run `make setup`")
    return str(path)


# Local proto modules outside protos/shop, each a protoc include root (and a module in buf.yaml).
VENDORED = ("vendor/protovalidate",)


def generate(protos_dir: Path) -> list[Path]:
    """Regenerate protos/gen from scratch and return the generated files."""
    from grpc_tools import protoc  # dev-only dependency, imported on use

    out = protos_dir / "gen"
    sources = sorted(str(p.relative_to(protos_dir)) for p in (protos_dir / "shop").rglob("*.proto"))
    includes = [protos_dir / vendored for vendored in VENDORED]
    # Generated once, here: the protovalidate package imports buf.validate.validate_pb2 and does
    # not ship it, so this is the only copy in the descriptor pool.
    sources += sorted(str(p.relative_to(root)) for root in includes for p in root.rglob("*.proto"))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    include = Path(protoc.__file__).parent / "_proto"
    args = [
        "protoc",
        f"-I{protos_dir}",
        *(f"-I{root}" for root in includes),
        f"-I{include}",
        f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
        f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--mypy_out={out}",
        f"--mypy_grpc_out={out}",
        *sources,
    ]
    if protoc.main(args) != 0:
        raise ProtoGenError("protoc failed; see the messages above")
    for top in sorted(p for p in out.iterdir() if p.is_dir()):
        for package in [top, *(p for p in top.rglob("*") if p.is_dir())]:
            (package / "__init__.py").touch()
        (top / "py.typed").touch()
    return sorted(p for p in out.rglob("*") if p.is_file())
