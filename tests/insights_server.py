"""The insights dashboard's routes on a bare Sanic server, for tests that need no Rasa.

``python -m tests.insights_server PORT`` serves :class:`bot.insights.web.InsightsChannel` with
settings from the environment (the same class the Rasa server mounts from credentials.yml; the
e2e test checks it there). :func:`serve` starts it in a subprocess and waits until it answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import Dict, Iterator


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(env: Dict[str, str], timeout: float = 60.0) -> Iterator[str]:
    """Run the dashboard server with ``env`` added to ours; yield its base URL; stop it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.insights_server", str(port)],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/insights/static/insights.css", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    raise RuntimeError(f"insights test server did not start:\n{out[-3000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    """Serve on the port given as the first argument."""
    from sanic import Sanic

    from bot.insights.web import InsightsChannel

    app = Sanic("insights_test_server")
    app.blueprint(InsightsChannel().blueprint(lambda message: None))  # type: ignore[arg-type,return-value]
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, workers=1)


if __name__ == "__main__":
    main()
