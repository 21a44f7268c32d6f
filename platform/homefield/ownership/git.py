"""Batched, read-only access to a git repository: one git process per question, never per file."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """A git command failed: an unknown revision, or not a repository."""


SYMLINK = "120000"
GITLINK = "160000"
_NO_OBJECT = "0" * 40


@dataclass(frozen=True)
class Change:
    """One changed path between two revisions; ``old_path`` is set for renames and copies.

    Modes are git's octal file modes ("100644", "120000" for a symlink, "160000" for a gitlink,
    "000000" where the path does not exist on that side).
    """

    status: str
    path: str
    old_path: str | None = None
    old_mode: str = "100644"
    new_mode: str = "100644"
    old_blob: str = _NO_OBJECT
    new_blob: str = _NO_OBJECT

    @property
    def content_changed(self) -> bool:
        return self.old_blob != self.new_blob


@dataclass(frozen=True)
class Entry:
    """One file in a tree: its mode and blob id."""

    mode: str
    blob: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == SYMLINK

    @property
    def is_file(self) -> bool:
        return self.mode.startswith("100")


@dataclass(frozen=True)
class Commit:
    """One commit: its id, author and the values of one trailer key."""

    sha: str
    date: str
    author_name: str
    author_email: str
    subject: str
    trailers: tuple[str, ...]


_FIELD = "\x1f"
_RECORD = "\x1e"


class GitRepo:
    """A repository on disk, read through a handful of batched git commands."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._own_git_dir: str | None = None

    def run(self, *args: str, stdin: bytes | None = None, bare: bool = False) -> bytes:
        """Run git on this repository; ``bare`` ignores the work tree and index (and with them
        every .gitattributes file, which could mark files binary or hand them to a textconv)."""
        # A bare run also starts inside the git directory: git reads .gitattributes from the
        # current directory even then.
        where = ["-C", self._git_dir(), "--bare"] if bare else ["-C", str(self.root)]
        proc = subprocess.run(["git", *where, *args], input=stdin, capture_output=True, check=False)
        if proc.returncode != 0:
            message = proc.stderr.decode(errors="replace").strip().splitlines()
            raise GitError(message[0] if message else f"git {args[0]} failed")
        return proc.stdout

    def resolve(self, rev: str) -> str:
        """The full commit id of ``rev``; GitError names the revision if it does not exist."""
        try:
            out = self.run(
                "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
            )
        except GitError:
            raise GitError(f"unknown revision {rev!r}") from None
        return out.decode().strip()

    def merge_base(self, base: str, head: str) -> str:
        try:
            return self.run("merge-base", base, head).decode().strip()
        except GitError:
            return base

    def files(self, rev: str) -> list[str]:
        """Every tracked path at ``rev``."""
        return list(self.tree(rev))

    def tree(self, rev: str) -> dict[str, Entry]:
        """Every tracked path at ``rev`` with its mode and blob id (NUL-separated: any name)."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev)
        entries: dict[str, Entry] = {}
        for record in out.decode("utf-8", "replace").split("\0"):
            meta, tab, path = record.partition("\t")
            if tab:
                mode, _kind, blob = meta.split(" ")
                entries[path] = Entry(mode, blob)
        return entries

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        """The content of each blob id, from one ``cat-file --batch``.

        Requests are object ids, never paths, and each answer must name the id that was asked
        for, so no path (a newline in it, say) can shift one file's content onto another.
        """
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", stdin="".join(f"{i}\n" for i in wanted).encode())
        found: dict[str, bytes] = {}
        offset = 0
        for blob in wanted:
            end = out.index(b"\n", offset)
            header = out[offset:end].decode("ascii", "replace").split(" ")
            offset = end + 1
            if len(header) != 3 or header[0] != blob:
                raise GitError(f"cat-file answered {' '.join(header)[:60]!r} for blob {blob}")
            size = int(header[2])
            found[blob] = out[offset : offset + size]
            offset += size + 1
        return found

    def read(
        self, rev: str, paths: list[str], tree: dict[str, Entry] | None = None
    ) -> dict[str, str | None]:
        """The text of each regular file at ``rev`` (None where it is absent or not a file)."""
        if not paths:
            return {}
        entries = self.tree(rev) if tree is None else tree
        ids = {p: e.blob for p in paths if (e := entries.get(p)) is not None and e.is_file}
        data = self.blobs(list(ids.values()))
        return {
            p: data[ids[p]].decode("utf-8", errors="replace") if p in ids else None for p in paths
        }

    def changes(self, base: str, head: str) -> list[Change]:
        """The paths changed from ``base`` to ``head``, with modes, blob ids and renames."""
        out = self.run(
            "diff",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            "--no-ext-diff",
            "--no-textconv",
            base,
            head,
            bare=True,
        )
        parts = out.decode("utf-8", "replace").split("\0")
        changes: list[Change] = []
        index = 0
        while index < len(parts) - 1:
            old_mode, new_mode, old_blob, new_blob, status = parts[index].lstrip(":").split(" ")
            names = 2 if status[:1] in ("R", "C") else 1
            paths = parts[index + 1 : index + 1 + names]
            old_path = paths[0] if names == 2 else None
            changes.append(
                Change(status[:1], paths[-1], old_path, old_mode, new_mode, old_blob, new_blob)
            )
            index += 1 + names
        return changes

    def line_counts(self, base: str, head: str) -> dict[str, int]:
        """Lines added plus deleted per path, every file diffed as text (no attribute hides one)."""
        out = self.run(
            "diff",
            "--numstat",
            "-z",
            "--no-renames",
            "--text",
            "--no-ext-diff",
            "--no-textconv",
            base,
            head,
            bare=True,
        )
        counts: dict[str, int] = {}
        for record in out.decode("utf-8", "replace").split("\0"):
            fields = record.split("\t", 2)
            if len(fields) == 3:
                added, deleted, path = fields
                counts[path] = int(added) if added.isdigit() else 0
                counts[path] += int(deleted) if deleted.isdigit() else 0
        return counts

    def commits(self, rev_range: str, trailer: str) -> list[Commit]:
        """The commits of ``rev_range`` (newest first) with the values of ``trailer``."""
        fields = [
            "%H",
            "%aI",
            "%an",
            "%ae",
            "%s",
            f"%(trailers:key={trailer},valueonly,separator=%x1d)",
        ]
        out = self.run("log", f"--format={_FIELD.join(fields)}{_RECORD}", rev_range, "--")
        commits: list[Commit] = []
        for record in out.decode().split(_RECORD):
            parts = record.strip("\n").split(_FIELD)
            if len(parts) == 6:
                values = tuple(v.strip() for v in parts[5].split("\x1d") if v.strip())
                commits.append(Commit(parts[0], parts[1], parts[2], parts[3], parts[4], values))
        return commits

    def _git_dir(self) -> str:
        if self._own_git_dir is None:
            self._own_git_dir = self.run("rev-parse", "--absolute-git-dir").decode().strip()
        return self._own_git_dir

    def git_dir(self) -> Path:
        """The repository's shared .git directory (the same for every worktree)."""
        out = self.run("rev-parse", "--path-format=absolute", "--git-common-dir")
        return Path(out.decode().strip())

    def author_email(self, rev: str) -> str:
        return self.run("log", "-1", "--format=%ae", rev, "--").decode().strip()

    def commit_files(self, sha: str) -> list[str]:
        out = self.run("diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--root", sha)
        return [name for name in out.decode().split("\0") if name]
