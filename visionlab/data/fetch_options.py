"""How ``visionlab data fetch`` downloads: :class:`FetchOptions`; importing this module loads no heavy library."""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab._version import __version__
from visionlab.errors import ParamError

USER_AGENT = f"visionlab/{__version__} (dataset fetcher for coursework; python-requests)"
MB = 1024 * 1024


@dataclass
class FetchOptions:
    """How ``data fetch`` downloads.

    Attributes:
        n: Search results requested per ``--class`` query (fewer are saved: failures and copies drop out).
        workers: Concurrent downloads in all.
        per_host: Concurrent downloads per host.
        connect_timeout, read_timeout: Seconds to connect, and to wait for each piece of the body.
        total_timeout: Seconds one download may take in all, counted from its request: the read
            timeout bounds each wait for data only, so a server trickling a few bytes at a time
            would hold a worker for ever. Then the body is cut off and the URL fails without
            another try ("timeout (download slower than N s in total)").
        tries: Attempts per URL for retryable failures (5xx, 429, timeouts, connection errors).
        backoff: Seconds before the second attempt; doubled for each further one.
        max_bytes: Larger files are refused (``Content-Length``) or abandoned while streaming.
        max_redirects: Longer redirect chains fail ("redirect loop" when a URL repeats).
        min_side: Smaller pictures (icons, tracking pixels) are not saved.
        search_timeout: Seconds for the search request.
        quiet: No progress bar.
    """

    n: int = field(default=150, metadata={"flag": ("-n", "--n"), "help": "search results requested per query"})
    workers: int = field(default=8, metadata={"help": "concurrent downloads in all"})
    per_host: int = field(default=2, metadata={"help": "concurrent downloads per host"})
    connect_timeout: float = field(default=5.0, metadata={"flag": "--timeout", "part": 0, "metavar": ("CONNECT", "READ"),
                                                          "help": "seconds to connect and to wait for data"})
    read_timeout: float = field(default=15.0, metadata={"flag": "--timeout", "part": 1, "help": "seconds to wait for data"})
    total_timeout: float = field(default=60.0, metadata={"help": "seconds one download may take in all, however slowly the server trickles its "
                                                                      "bytes; past it the download is cut off and not retried"})
    tries: int = field(default=3, metadata={"help": "attempts per URL for 5xx, timeouts and connection errors (never for 404)"})
    backoff: float = field(default=1.0, metadata={"help": "seconds before the second attempt, doubled for each further one"})
    max_bytes: int = field(default=10 * MB, metadata={"flag": "--max-mb", "unit": MB, "help": "size limit per file in MB"})
    max_redirects: int = field(default=5, metadata={"help": "longer redirect chains fail"})
    min_side: int = field(default=32, metadata={"help": "smaller pictures (icons, tracking pixels) are not saved"})
    search_timeout: int = field(default=10, metadata={"help": "seconds for the search request"})
    user_agent: str = field(default=USER_AGENT, metadata={"help": "User-Agent header of every request"})
    quiet: bool = field(default=False, metadata={"help": "no progress bar"})

    def validate(self) -> None:
        """Check every option's range.

        Raises:
            ParamError: An option out of range; the message starts with its name.
        """
        for name in ("n", "workers", "per_host", "tries", "max_bytes", "search_timeout"):
            if getattr(self, name) < 1:
                raise ParamError(name, f"{name} must be at least 1; got {getattr(self, name)}")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ParamError(name, f"{name} must be positive; got {getattr(self, name)}")
        for name in ("backoff", "max_redirects", "min_side"):
            if getattr(self, name) < 0:
                raise ParamError(name, f"{name} must not be negative; got {getattr(self, name)}")
