"""Operating-system errors in plain Swedish, for messages about files and directories."""

from __future__ import annotations

import errno

REASONS = {
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "behörighet saknas",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.ENOENT: "katalogen eller filen finns inte",
    errno.ENOTDIR: "en del av sökvägen är ingen katalog",
    errno.EISDIR: "det är en katalog",
    errno.EEXIST: "det finns redan något med det namnet",
    errno.ENOTEMPTY: "katalogen är inte tom",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.ELOOP: "för många symboliska länkar",
    errno.EMLINK: "för många länkar",
}


def reason(error: OSError) -> str:
    """Why the operating system refused, in Swedish."""
    return REASONS.get(error.errno, f"oväntat systemfel nummer {error.errno}")
