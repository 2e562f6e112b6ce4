"""A config file's TOML, as tomllib reads it, kept by the digest of its bytes.

Importing tomllib (with `datetime`, `string` and its patterns) and parsing a pyproject.toml
was about a tenth of a one-file run inside a project (pre-commit, an editor's save). The
document read from the same bytes is always the same, so it is kept, marshalled, in the
user's cache folder (`startup/`, beside start-up's files; at most `KEEP` documents) and
read from there: only ever from there, and only a file this user alone can write. A
document marshal cannot hold (a TOML date) is not kept; bytes that do not parse raise what
tomllib raises, and are never kept.
"""
import os
import sys

SUFFIX = ".config"
KEEP = 64  # documents: a user's projects, and their configs' recent versions


def parsed(raw: bytes) -> dict:
    """`toml.loads(raw.decode("utf-8"))`, from the kept document when there is one."""
    where = _path(raw)
    if where is not None:
        found = _read(where)
        if found is not None:
            return found
    from claude_lint import toml

    data = toml.loads(raw.decode("utf-8"))
    if where is not None:
        _keep(where, data)
    return data


def decode_error() -> type:
    """tomllib's error (imported only when something went wrong)."""
    from claude_lint import toml

    return toml.TOMLDecodeError


def _path(raw: bytes):
    from claude_lint.cache_seal import blake2b, user_cache_folder

    folder = user_cache_folder()
    if folder is None:
        return None
    digest = blake2b(raw, digest_size=16, person=f"toml{sys.version_info[0]}.{sys.version_info[1]}".encode()).hexdigest()
    return os.path.join(folder, "startup", digest + SUFFIX)


def _read(where: str):
    import marshal

    from claude_lint.startup_modules import written_by_this_user_alone

    try:
        with open(where, "rb") as fh:
            if not written_by_this_user_alone(os.fstat(fh.fileno())):
                return None
            found = marshal.loads(fh.read())
    except Exception:  # absent, unreadable, damaged: parsed again
        return None
    return found if isinstance(found, dict) and _plain(found) else None


def _plain(value) -> bool:
    """Only what TOML makes (a damaged or foreign file holds something else)."""
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return type(value) in (str, int, float, bool)


def _keep(where: str, data: dict) -> None:
    import marshal

    from claude_lint import atomic
    from claude_lint.startup import prune

    try:
        if not _plain(data):
            return  # a date or time: parsed at every run
        folder = os.path.dirname(where)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        atomic.replace(where, marshal.dumps(data), prefix="." + os.path.basename(where) + ".", suffix=".tmp")
    except (OSError, ValueError, RecursionError):  # a read-only home, a document nested too deep for marshal
        return
    prune(folder, os.path.basename(where), SUFFIX, KEEP)
