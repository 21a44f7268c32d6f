"""Ownership resolution over a git revision (Prow OWNERS semantics), read from the base revision."""

from homefield.ownership.git import GITLINK, SYMLINK, Change, Commit, Entry, GitError, GitRepo
from homefield.ownership.resolve import (
    OwnersFile,
    Ownership,
    OwnersIndex,
    is_owners_file,
    service_of,
)

__all__ = [
    "GITLINK",
    "SYMLINK",
    "Change",
    "Commit",
    "Entry",
    "GitError",
    "GitRepo",
    "OwnersFile",
    "Ownership",
    "OwnersIndex",
    "is_owners_file",
    "service_of",
]
