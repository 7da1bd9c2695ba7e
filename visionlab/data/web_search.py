"""The image search behind ``visionlab data fetch``: the only code that calls the search service (``ddgs``).

``DDGS().images(query, max_results=n)`` returns dicts whose ``"image"`` key is the picture's URL. A
search that fails because the network is unreachable (DNS, connect, timeout) raises
:class:`SearchError` with a one-line message at once.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

from visionlab.errors import VisionLabError

OFFLINE_HINTS = ("dns", "name or service not known", "name resolution", "error sending request", "network is unreachable",
                 "connection refused", "connect error", "connecterror", "failed to connect", "timed out", "no route to host")


class SearchError(VisionLabError):
    """The image search cannot run (offline, rate-limited, refused); the message says what to do."""


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException)]


def looks_offline(exc: BaseException) -> bool:
    """True when an error from the search says the network (DNS, connect, timeout) is unreachable."""
    for e in _exception_chain(exc):
        if isinstance(e, (ConnectionError, socket.gaierror, TimeoutError)) or type(e).__name__ == "TimeoutException":
            return True
        if any(hint in str(e).lower() for hint in OFFLINE_HINTS):
            return True
    return False


def one_line(exc: BaseException, limit: int = 160) -> str:
    """An error's message on one line, cut to ``limit`` characters (for failure reasons and messages)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def search_images(query: str, max_results: int, timeout: int = 10) -> list[str]:
    """Image URLs for ``query`` from ``ddgs``: the only place that calls the search service.

    Raises:
        SearchError: Offline, rate-limited or any other search failure, in one actionable line.
    """
    from ddgs import DDGS
    from ddgs.exceptions import DDGSException, RatelimitException

    try:
        results = DDGS(timeout=timeout).images(query, max_results=max_results)
    except RatelimitException:
        raise SearchError(f"the image search for {query!r} was rate-limited; wait a few minutes and run the same "
                          "command again (files already downloaded are kept and skipped)") from None
    except (DDGSException, OSError) as exc:
        if looks_offline(exc):
            raise SearchError(f"no network: the image search for {query!r} could not reach the search service "
                              f"({one_line(exc, 100)}); connect to the internet (or check a proxy via DDGS_PROXY) "
                              "and run the same command again") from None
        if "no results found" in str(exc).lower():
            return []
        raise SearchError(f"the image search for {query!r} failed ({one_line(exc)}); try again later or change the query") from None
    urls = [r.get("image") for r in results if isinstance(r, dict)]
    return [u for u in urls if isinstance(u, str) and u.startswith(("http://", "https://"))]
