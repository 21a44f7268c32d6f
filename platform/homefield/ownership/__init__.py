"""Ownership resolution over a git revision (Prow OWNERS semantics), read from the base revision."""

from homefield.ownership.git import Change, Commit, GitError, GitRepo
from homefield.ownership.resolve import (
    OwnersFile,
    Ownership,
    OwnersIndex,
    is_owners_file,
    service_of,
)

__all__ = [
    "Change",
    "Commit",
    "GitError",
    "GitRepo",
    "OwnersFile",
    "Ownership",
    "OwnersIndex",
    "is_owners_file",
    "service_of",
]
