"""Whole-bot speed: our assistant (`frontline run`) next to a stock `rasa init` bot, same load.

    .venv/bin/python bench/latency.py            # users 1,10,50; ~10 minutes in all

What it does, in one run on one machine:
1. times `frontline train --force` of this project (into a temporary model directory, so the
   project's own models and the shared cache are not touched);
2. creates a stock bot with `rasa init --no-prompt` in a temporary directory (its training
   time is reported too) and starts it with `rasa run` on a free port;
3. starts our bot with `frontline run` on free ports, with a fresh SQLite database (the
   model from step 1, so no training happens here);
   cold start = from the command to the first answer of the REST channel, for both;
4. for each concurrency level, N simulated users hold multi-turn conversations through the
   REST channel (closed loop, no think time: each user sends its next message as soon as the
   previous answer arrives), first against ours, then against stock, for ``--seconds`` each;
   both bots get the same user messages (a button in a reply is clicked when the script
   says so, otherwise the script's text is sent);
5. reports p50/p95/p99 turn latency, throughput, errors (HTTP errors, time-outs) and empty
   replies, and the peak RSS of each bot's processes (ours: Rasa server + action server +
   supervisor; stock: the Rasa server), and ours/stock ratios.

Writes ``<out>/latency.json``, ``<out>/latency.md`` and ``<out>/latency.png``. Only loopback
addresses are used; every loop is bounded by a deadline; every process started is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


class Click:
    """A scripted turn: click the button whose title contains ``prefer`` (else the first
    button) if the last reply offered buttons, otherwise send ``text``."""

    def __init__(self, text: str, prefer: str = "") -> None:
        self.text = text
        self.prefer = prefer.lower()

    def message(self, last_reply: List[Dict[str, Any]]) -> str:
        buttons = [b for m in last_reply for b in (m.get("buttons") or []) if b.get("payload")]
        if not buttons:
            return self.text
        for button in buttons:
            if self.prefer and self.prefer in (button.get("title") or "").lower():
                return button["payload"]
        return buttons[0]["payload"]


Turn = Union[str, Click]

#: Conversations the simulated users hold (round robin). Typed text is the same for both bots.
CONVERSATIONS: List[List[Turn]] = [
    ["hi", "my vpn keeps dropping every few minutes", Click("yes", "yes"), Click("yes", "yes"),
     Click("it works now", "yes"), "thanks", "bye"],
    ["hello", "outlook says 0x800CCC0E when I try to send email", Click("no", "no"), Click("no", "no"),
     Click("still broken", "no"), "can I talk to a human", "goodbye"],
    ["good morning", "my laptop is really slow since the last update", Click("yes"), Click("no"),
     "are you a bot?", "thank you", "bye"],
    ["hey", "the printer on floor 3 is jammed again", Click("yes"), "asdfgh", Click("no"),
     "cancel", "see you"],
]


# ----------------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def tree_pids(root: int) -> List[int]:
    """``root`` and all its descendants (from /proc)."""
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_rss(root: int) -> List[Dict[str, Any]]:
    """RSS of every process of a tree, with a short form of its command line (biggest first).

    Args:
        root: pid of the tree's root.

    Returns:
        ``{"pid", "command", "rss_mb"}`` per live process.
    """
    rows = []
    for pid in tree_pids(root):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [Path(argv[0].decode(errors="replace")).name] + [a.decode(errors="replace") for a in argv[1:4] if a]
        rows.append({"pid": pid, "command": " ".join(words)[:80], "rss_mb": round(rss_mb(pid), 1)})
    return sorted(rows, key=lambda r: -float(r["rss_mb"]))


class RssSampler:
    """Samples the summed RSS of a process tree every ``interval`` seconds (peak kept)."""

    def __init__(self, root: int, interval: float = 0.5) -> None:
        self.root = root
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> float:
        total = sum(rss_mb(pid) for pid in tree_pids(self.root))
        self.peak = max(self.peak, total)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "RssSampler":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Server:
    """A bot started by this script."""

    name: str
    popen: subprocess.Popen
    url: str
    log_path: Path
    cold_start_s: float = 0.0

    def stop(self, grace: float = 30.0) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGINT)  # frontline run and rasa run both stop cleanly on it
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            for pid in reversed(tree_pids(self.popen.pid)):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.popen.wait(10)


def post(url: str, sender: str, message: str, timeout: float = 30.0) -> List[Dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"[]")


def start_server(name: str, command: List[str], url: str, cwd: Path, env: Dict[str, str],
                 log_path: Path, timeout: float) -> Server:
    """Start ``command`` and wait for the first answer of its REST channel (cold start)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(log_path, "wb") as log:
        popen = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
    server = Server(name, popen, url, log_path)
    deadline = started + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{name} exited with {popen.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if post(url, f"cold-start-{name}", "hi", timeout=10):
                server.cold_start_s = time.monotonic() - started
                return server
        except OSError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{name} gave no answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


# ---------------------------------------------------------------------------------- load
@dataclass
class LevelResult:
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    empty_replies: int = 0
    conversations: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    error_samples: List[str] = field(default_factory=list)

    def summary(self) -> Dict[str, Any]:
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> Optional[float]:
            if not lat:
                return None
            return round(lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))], 1)

        return {
            "turns": len(lat), "conversations": self.conversations, "errors": self.errors,
            "empty_replies": self.empty_replies,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
            "throughput_turns_per_s": round(len(lat) / self.seconds, 2) if self.seconds else 0.0,
            "seconds": round(self.seconds, 1), "peak_rss_mb": round(self.peak_rss_mb, 1),
            "error_samples": self.error_samples[:5],
        }


async def simulate(url: str, users: int, seconds: float, tag: str, request_timeout: float) -> LevelResult:
    """``users`` concurrent users holding conversations until ``seconds`` have passed."""
    import aiohttp

    result = LevelResult()
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=request_timeout)

    async def user(index: int, session: aiohttp.ClientSession) -> None:
        rng = random.Random(index)
        number = 0
        while time.monotonic() < deadline and number < 10_000:  # bounded either way
            script = CONVERSATIONS[(index + number) % len(CONVERSATIONS)]
            sender = f"{tag}-u{index}-c{number}-{rng.randrange(1 << 30)}"
            number += 1
            reply: List[Dict[str, Any]] = []
            for turn in script:
                if time.monotonic() >= deadline:
                    return
                text = turn if isinstance(turn, str) else turn.message(reply)
                started = time.monotonic()
                try:
                    async with session.post(f"{url}/webhooks/rest/webhook",
                                            json={"sender": sender, "message": text}) as response:
                        body = await response.read()
                        if response.status != 200:
                            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
                        reply = json.loads(body or b"[]")
                except Exception as exc:  # counted, the user goes on with a new conversation
                    result.errors += 1
                    result.error_samples.append(f"{type(exc).__name__}: {exc}"[:300])
                    break
                result.latencies_ms.append(1000 * (time.monotonic() - started))
                if not reply:
                    result.empty_replies += 1
            else:
                result.conversations += 1

    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(user(i, session) for i in range(users)))
    result.seconds = time.monotonic() - started
    return result


def run_level(server: Server, users: int, seconds: float, tag: str, request_timeout: float) -> Dict[str, Any]:
    with RssSampler(server.popen.pid) as sampler:
        result = asyncio.run(simulate(server.url, users, seconds, tag, request_timeout))
        sampler.sample()
    result.peak_rss_mb = sampler.peak
    summary = result.summary()
    print(f"  {server.name:>5} users={users:<3} turns={summary['turns']:<5} p50={summary['p50_ms']} "
          f"p95={summary['p95_ms']} p99={summary['p99_ms']} ms, {summary['throughput_turns_per_s']} turns/s, "
          f"errors={summary['errors']}, empty={summary['empty_replies']}, RSS {summary['peak_rss_mb']:.0f} MB",
          flush=True)
    return summary


# ----------------------------------------------------------------------------------- main
def machine() -> Dict[str, Any]:
    cpu, mem_kb = "unknown", 0
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                   if l.startswith("model name"))
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "rasa": version("rasa"),
            "load_average_at_start": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M")}


def quiet_env(**extra: str) -> Dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,10,50", help="comma-separated concurrency levels")
    parser.add_argument("--seconds", type=float, default=40.0, help="load duration per level and bot")
    parser.add_argument("--request-timeout", type=float, default=60.0)
    parser.add_argument("--startup-timeout", type=float, default=600.0)
    parser.add_argument("--no-stock", action="store_true", help="only our bot")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    args = parser.parse_args(argv)
    levels = [int(u) for u in args.users.split(",") if u.strip()]
    bin_dir = Path(sys.executable).parent
    frontline = str(bin_dir / "frontline")
    rasa = str(bin_dir / "rasa")
    report: Dict[str, Any] = {"machine": machine(), "levels": levels, "seconds_per_level": args.seconds,
                              "conversations": [[t if isinstance(t, str) else f"<click {t.prefer or 'first'} | {t.text}>"
                                                 for t in c] for c in CONVERSATIONS]}
    servers: List[Server] = []
    token_file = ROOT / "var" / "run" / "api-token"
    saved_token = token_file.read_bytes() if token_file.is_file() else None
    with tempfile.TemporaryDirectory(prefix="latency-bench-") as tmp:
        work = Path(tmp)
        logs = args.out / "logs"
        try:
            # 1. training time of our project (own model dir, no cache: a real training)
            print("training our project (frontline train --force)…", flush=True)
            models = work / "models"
            env_ours = quiet_env(FRONTLINE_MODEL_DIR=str(models), FRONTLINE_MODEL_CACHE="",
                                 FRONTLINE_PROJECT_DIR=str(ROOT))
            t0 = time.monotonic()
            subprocess.run([frontline, "train", "--force"], cwd=ROOT, env=env_ours, check=True,
                           stdout=subprocess.DEVNULL)
            report["ours_train_seconds"] = round(time.monotonic() - t0, 1)
            print(f"  {report['ours_train_seconds']} s", flush=True)

            # 2. stock bot
            if not args.no_stock:
                stock_dir = work / "stock"
                stock_dir.mkdir()
                print("creating the stock bot (rasa init --no-prompt)…", flush=True)
                t0 = time.monotonic()
                logs.mkdir(parents=True, exist_ok=True)
                with open(logs / "stock-init.log", "wb") as log:
                    subprocess.run([rasa, "init", "--no-prompt", "--init-dir", str(stock_dir)], cwd=stock_dir,
                                   env=quiet_env(), check=True, stdout=log, stderr=subprocess.STDOUT)
                report["stock_init_train_seconds"] = round(time.monotonic() - t0, 1)
                print(f"  {report['stock_init_train_seconds']} s", flush=True)
                port = free_port()
                servers.append(start_server(
                    "stock", [rasa, "run", "--port", str(port), "--interface", HOST, "--model", "models"],
                    f"http://{HOST}:{port}", stock_dir, quiet_env(), logs / "stock-run.log", args.startup_timeout))
                print(f"  stock bot up: cold start {servers[-1].cold_start_s:.1f} s", flush=True)

            # 3. our bot
            rasa_port, actions_port = free_port(), free_port()
            env_run = {**env_ours, "FRONTLINE_RASA_PORT": str(rasa_port), "FRONTLINE_ACTIONS_PORT": str(actions_port),
                       "FRONTLINE_DATABASE_URL": f"sqlite:///{work / 'frontline.db'}", "FRONTLINE_HOST": HOST,
                       # every simulated user comes from 127.0.0.1 and sends without pause: the
                       # per-address and per-conversation rate limits (HTTP 429) would measure the
                       # limiter, not the bot, and stock Rasa has none
                       "FRONTLINE_RATE_IP_PER_MINUTE": "10000000", "FRONTLINE_RATE_SENDER_PER_MINUTE": "10000000"}
            ours = start_server("ours", [frontline, "run"], f"http://{HOST}:{rasa_port}", ROOT, env_run,
                                logs / "ours-run.log", args.startup_timeout)
            servers.insert(0, ours)
            print(f"  our bot up: cold start {ours.cold_start_s:.1f} s", flush=True)
            report["cold_start_seconds"] = {s.name: round(s.cold_start_s, 1) for s in servers}
            report["idle_rss_mb"] = {s.name: round(RssSampler(s.popen.pid).sample(), 1) for s in servers}
            report["process_rss_mb_after_start"] = {s.name: process_rss(s.popen.pid) for s in servers}

            # warm-up: a few conversations each, not measured
            for server in servers:
                asyncio.run(simulate(server.url, 2, 5.0, f"warmup-{server.name}", args.request_timeout))

            # 4. load
            report["results"] = {}
            for users in levels:
                for server in servers:
                    report["results"][f"{server.name}/{users}"] = run_level(
                        server, users, args.seconds, f"{server.name}-{users}", args.request_timeout)
            report["process_rss_mb_after_load"] = {s.name: process_rss(s.popen.pid) for s in servers}
        finally:
            for server in servers:
                server.stop()
            if saved_token is not None:
                token_file.write_bytes(saved_token)
    ratios = {}
    for users in levels:
        a, b = report["results"].get(f"ours/{users}"), report["results"].get(f"stock/{users}")
        if a and b:
            ratios[str(users)] = {k: round(a[k] / b[k], 2) if a[k] and b[k] else None
                                  for k in ("p50_ms", "p95_ms", "p99_ms", "throughput_turns_per_s", "peak_rss_mb")}
    report["ratios_ours_over_stock"] = ratios
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latency.json").write_text(json.dumps(report, indent=1))
    (args.out / "latency.md").write_text(markdown(report))
    plot(report, args.out / "latency.png")
    print(f"wrote {args.out / 'latency.md'}, latency.json and latency.png")
    return 0


def markdown(report: Dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, Rasa {m['rasa']}; "
        f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}; run {m['date']}.",
        f"Each level: {report['seconds_per_level']:.0f} s of closed-loop load per bot (no think time).",
        "",
        "| users | bot | turns | p50 ms | p95 ms | p99 ms | turns/s | errors | empty replies | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, r in report["results"].items():
        name, users = key.split("/")
        lines.append(f"| {users} | {name} | {r['turns']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                     f"{r['throughput_turns_per_s']} | {r['errors']} | {r['empty_replies']} | {r['peak_rss_mb']:.0f} |")
    if report.get("ratios_ours_over_stock"):
        lines += ["", "Ratios ours / stock (same run):", "",
                  "| users | p50 | p95 | p99 | throughput | peak RSS |", "|---|---|---|---|---|---|"]
        for users, r in report["ratios_ours_over_stock"].items():
            lines.append(f"| {users} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                         f"{r['throughput_turns_per_s']} | {r['peak_rss_mb']} |")
    lines += ["", "| | ours | stock |", "|---|---|---|"]
    cold = report.get("cold_start_seconds", {})
    idle = report.get("idle_rss_mb", {})
    lines.append(f"| cold start (command → first answer), s | {cold.get('ours', '—')} | {cold.get('stock', '—')} |")
    lines.append(f"| RSS after start, MB | {idle.get('ours', '—')} | {idle.get('stock', '—')} |")
    lines.append(f"| training time, s | {report.get('ours_train_seconds', '—')} (`frontline train --force`) | "
                 f"{report.get('stock_init_train_seconds', '—')} (`rasa init --no-prompt`, includes project creation) |")
    for when in ("after_start", "after_load"):
        per_process = report.get(f"process_rss_mb_{when}")
        if per_process:
            lines += ["", f"RSS of each process, {when.replace('_', ' ')} (MB):", "",
                      "| bot | process | RSS MB |", "|---|---|---|"]
            for bot, rows in per_process.items():
                lines += [f"| {bot} | `{r['command']}` | {r['rss_mb']:.0f} |" for r in rows if r["rss_mb"] >= 1]
    return "\n".join(lines) + "\n"


def plot(report: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, colour in (("ours", "tab:blue"), ("stock", "tab:orange")):
        levels = [u for u in report["levels"] if f"{name}/{u}" in report["results"]]
        if not levels:
            continue
        rows = [report["results"][f"{name}/{u}"] for u in levels]
        for key, style in (("p50_ms", "-"), ("p95_ms", "--"), ("p99_ms", ":")):
            left.plot(levels, [r[key] for r in rows], style, marker="o", color=colour, label=f"{name} {key[:3]}")
        right.plot(levels, [r["throughput_turns_per_s"] for r in rows], "-", marker="o", color=colour, label=name)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("concurrent users")
    left.set_ylabel("turn latency (ms)")
    left.set_title("Turn latency vs concurrency")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    right.set_xscale("log")
    right.set_xlabel("concurrent users")
    right.set_ylabel("turns per second")
    right.set_title("Throughput")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
