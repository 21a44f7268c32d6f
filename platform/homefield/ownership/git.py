"""Batched, read-only access to a git repository: one git process per question, never per file."""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """A git command failed: an unknown revision, or not a repository."""


@dataclass(frozen=True)
class Change:
    """One changed path between two revisions; ``old_path`` is set for renames and copies."""

    status: str
    path: str
    old_path: str | None = None


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

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        proc = subprocess.run(
            ["git", "-C", str(self.root), *args], input=stdin, capture_output=True, check=False
        )
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
        """Every tracked file at ``rev``."""
        out = self.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
        return [name for name in out.decode().split("\0") if name]

    def read(self, rev: str, paths: list[str]) -> dict[str, str | None]:
        """The text of each path at ``rev`` (None where it does not exist), in one cat-file."""
        if not paths:
            return {}
        request = "".join(f"{rev}:{path}\n" for path in paths).encode()
        out = self.run("cat-file", "--batch", stdin=request)
        found: dict[str, str | None] = {}
        offset = 0
        for path in paths:
            end = out.index(b"\n", offset)
            header = out[offset:end]
            offset = end + 1
            if header.endswith(b" missing") or header.endswith(b" ambiguous"):
                found[path] = None
                continue
            _sha, kind, size_text = header.rsplit(b" ", 2)
            size = int(size_text)
            text = out[offset : offset + size].decode("utf-8", errors="replace")
            found[path] = text if kind == b"blob" else None
            offset += size + 1
        return found

    def changes(self, base: str, head: str) -> list[Change]:
        """The paths changed from ``base`` to ``head``, with renames found."""
        out = self.run("diff", "--name-status", "-z", "-M", "--no-ext-diff", base, head)
        parts = out.decode().split("\0")
        changes: list[Change] = []
        index = 0
        while index < len(parts) - 1:
            status = parts[index]
            if status[:1] in ("R", "C"):
                changes.append(Change(status[0], parts[index + 2], parts[index + 1]))
                index += 3
            else:
                changes.append(Change(status[:1], parts[index + 1]))
                index += 2
        return changes

    def line_counts(self, base: str, head: str) -> dict[str, int]:
        """Lines added plus deleted per path (binary files count as 0)."""
        out = self.run("diff", "--numstat", "-z", "--no-renames", base, head)
        counts: dict[str, int] = {}
        for record in out.decode().split("\0"):
            fields = record.split("\t")
            if len(fields) == 3:
                added, deleted, path = fields
                counts[path] = int(added) if added.isdigit() else 0
                counts[path] += int(deleted) if deleted.isdigit() else 0
        return counts

    def added_lines(self, base: str, head: str, *pathspecs: str) -> dict[str, list[str]]:
        """The lines each file gained from ``base`` to ``head``, from one zero-context diff."""
        out = self.run("diff", "-U0", "--no-color", "--no-ext-diff", base, head, "--", *pathspecs)
        added: dict[str, list[str]] = {}
        current: list[str] | None = None
        in_header = False
        for line in out.decode("utf-8", errors="replace").splitlines():
            if line.startswith("diff --git "):
                in_header, current = True, None
            elif in_header and line.startswith("+++ "):
                name = line[4:]
                current = added.setdefault(name[2:], []) if name.startswith("b/") else None
            elif line.startswith("@@"):
                in_header = False
            elif not in_header and line.startswith("+") and current is not None:
                current.append(line[1:])
        return added

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

    def git_dir(self) -> Path:
        """The repository's shared .git directory (the same for every worktree)."""
        out = self.run("rev-parse", "--path-format=absolute", "--git-common-dir")
        return Path(out.decode().strip())

    def author_email(self, rev: str) -> str:
        return self.run("log", "-1", "--format=%ae", rev, "--").decode().strip()

    def commit_files(self, sha: str) -> list[str]:
        out = self.run("diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--root", sha)
        return [name for name in out.decode().split("\0") if name]

    def archive(self, rev: str, path: str, dest: Path) -> None:
        """Write ``path`` as it is at ``rev`` under ``dest``; GitError if it cannot be unpacked."""
        data = self.run("archive", "--format=tar", rev, "--", path)
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(dest, filter="data")
        except tarfile.TarError as exc:
            raise GitError(f"cannot unpack {path}/ at {rev[:12]}: {exc}") from None
