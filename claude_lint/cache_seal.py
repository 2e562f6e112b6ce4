"""The facts cache's seal: a keyed BLAKE2b MAC whose key lives outside the project, in the user's
cache folder, so that a cache committed to a repository cannot carry a valid seal
(see cache.py for why)."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import Dict, Optional

from claude_lint import safeio

try:  # hashlib's own BLAKE2 and hmac's own constant-time test, without their modules (see _seal)
    from _blake2 import blake2b
    from _operator import _compare_digest as compare_digest
except ImportError:  # another Python than CPython
    from hashlib import blake2b  # type: ignore[assignment]
    from hmac import compare_digest  # type: ignore[assignment]

MAGIC = b"CLFACTS3"  # a cache file starts with it, then the 32-byte seal, then the pickle (2: HMAC-SHA256)
KEY_BYTES = 32
SEAL_BYTES = 32  # a keyed BLAKE2b


def user_cache_folder() -> Optional[str]:
    """The user's own cache folder for claude-lint ($XDG_CACHE_HOME/claude-lint)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        base = xdg
    elif os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = os.environ["LOCALAPPDATA"]
    else:
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "claude-lint")


_secret: Dict[str, Optional[bytes]] = {}


def secret() -> Optional[bytes]:
    """This user's key for sealing caches, created on first use; None when it cannot be
    read or made (then nothing is cached: an unsealed cache would be forgeable)."""
    folder = user_cache_folder()
    if folder is None:
        return None
    if folder not in _secret:
        _secret[folder] = _read_or_make_key(folder)
    return _secret[folder]


def _read_key(path: str) -> Optional[bytes]:
    try:
        fd = safeio.open_regular(path, follow=False)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
            return None  # another user's, or readable by others: not a secret
        data = safeio.read_fd(fd, KEY_BYTES, path)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == KEY_BYTES else None


def _read_or_make_key(folder: str) -> Optional[bytes]:
    path = os.path.join(folder, "key")
    found = _read_key(path)
    if found is not None or os.path.lexists(path):
        return found
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        tmp = os.path.join(folder, f".key-{os.getpid()}-{os.urandom(4).hex()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # never replaces a key another run made meanwhile
            except FileExistsError:
                pass
            except OSError:
                if not os.path.lexists(path):
                    os.replace(tmp, path)
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    except OSError:
        return None
    return _read_key(path)


def _seal(key: bytes, name: str, payload: bytes) -> bytes:
    # Keyed BLAKE2b is a MAC by design (RFC 7693), and its module is hashlib's own without
    # hashlib: importing hashlib (and hmac with it) loads OpenSSL, which cost a warm run more
    # than hashing its whole cache file. The name is hashed in, so a file renamed to another
    # key's name does not verify.
    mac = blake2b(key=key, digest_size=SEAL_BYTES, person=b"claude-lint seal")
    mac.update(name.encode("utf-8", "surrogatepass") + b"\0")
    mac.update(payload)
    return mac.digest()


def seal(key: bytes, name: str, payload: bytes) -> bytes:
    """The bytes of a cache file named `name` holding `payload`."""
    return MAGIC + _seal(key, name, payload) + payload


def unseal(key: bytes, name: str, data: bytes) -> Optional[bytes]:
    """The payload of a cache file, or None when its seal is not ours."""
    head = len(MAGIC) + SEAL_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = data[head:]
    return payload if compare_digest(data[len(MAGIC):head], _seal(key, name, payload)) else None
