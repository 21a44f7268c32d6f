"""Versions pinned in the pom.xml files of the local JVM parts (Kafka, Zipkin).

`make setup` fetches each part's jars from Maven Central with its pom.xml; the running code reads
the version from the same file, so a version is written in one place only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


class PomError(Exception):
    """A pom.xml lacks the property the code expects."""


def pom_property(pom: Path, name: str) -> str:
    """The value of ``<properties><name>`` in ``pom``."""
    node = ElementTree.parse(pom).find(f"m:properties/m:{name}", _POM_NS)
    if node is None or not node.text:
        raise PomError(f"{pom}: no <{name}> property")
    return node.text.strip()
