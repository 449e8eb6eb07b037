"""Train the Rasa model only when its inputs changed.

A model is named after a hash of everything that shapes it: config.yml, domain.yml, every file
under nlu_data/, the source of our own components that config.yml names (e.g.
bot.rasa_ext.flow_policy.FlowPolicy) and the Rasa version. Flows are not part of it on purpose:
they are read live by the action server, so editing a flow never retrains; nor are channels,
which are code of the server, not of the model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

log = logging.getLogger(__name__)

HASH_INPUTS = ("config.yml", "domain.yml", "nlu_data")


@dataclass(frozen=True)
class ModelStatus:
    """Whether a model for the current inputs exists, and where."""

    fingerprint: str
    path: Path
    exists: bool
    cached: Optional[Path]


def _component_files(project_dir: Path) -> List[Path]:
    """Source files of the custom components and policies config.yml names by module path."""
    import yaml

    try:
        config = yaml.safe_load((project_dir / "config.yml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []  # training will report the broken config; the hash needs no special case
    files = []
    for entry in (config.get("pipeline") or []) + (config.get("policies") or []):
        name = entry.get("name", "") if isinstance(entry, dict) else ""
        if "." in name:
            path = project_dir / (name.rsplit(".", 1)[0].replace(".", "/") + ".py")
            if path.is_file():
                files.append(path)
    return sorted(set(files))


def _files(project_dir: Path) -> Iterable[Path]:
    yield from _component_files(project_dir)
    for name in HASH_INPUTS:
        root = project_dir / name
        if root.is_file():
            yield root
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                    yield path


def fingerprint(project_dir: Path) -> str:
    """Content hash of every input of training (paths and bytes), plus the Rasa version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"rasa=={version('rasa')}\n".encode())
    for path in _files(project_dir):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_status(project_dir: Path, model_dir: Path, cache_dir: Optional[Path]) -> ModelStatus:
    """Describe the model the current inputs need, without training anything."""
    fp = fingerprint(project_dir)
    path = model_dir / f"frontline-{fp}.tar.gz"
    cached = cache_dir / path.name if cache_dir else None
    return ModelStatus(fp, path, path.is_file(), cached if cached and cached.is_file() else None)


def ensure_model(
    project_dir: Path, model_dir: Path, cache_dir: Optional[Path], force: bool = False
) -> Path:
    """Return a model trained on the current inputs, training only if none exists.

    Args:
        project_dir: project root with config.yml, domain.yml and nlu_data/.
        model_dir: where models are kept; old models are removed after a new one is trained.
        cache_dir: shared cache keyed by content hash (None to disable).
        force: train even if a model for these inputs exists.

    Returns:
        Path of the model archive.

    Raises:
        RuntimeError: training failed; the message includes the tail of Rasa's output.
    """
    status = model_status(project_dir, model_dir, cache_dir)
    if status.exists and not force:
        log.info("model %s is up to date", status.path.name)
        return status.path
    model_dir.mkdir(parents=True, exist_ok=True)
    if status.cached and not force:
        log.info("using cached model %s", status.cached)
        shutil.copy2(status.cached, status.path)
    else:
        _train(project_dir, model_dir, status.path.name[: -len(".tar.gz")])
        if cache_dir:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                shutil.copy2(status.path, cache_dir / status.path.name)
            except OSError as exc:  # a read-only cache must not fail the run
                log.warning("could not store the model in the cache %s: %s", cache_dir, exc)
    _remove_other_models(model_dir, keep=status.path)
    return status.path


def _train(project_dir: Path, model_dir: Path, name: str) -> None:
    command: List[str] = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "nlu_data",
        "--out", str(model_dir), "--fixed-model-name", name,
    ]
    log.info("training the model (inputs changed): %s", " ".join(command[2:]))
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",  # no phoning home from training either
        # The project first (its components), then whatever the caller had (a checkout's bot/).
        "PYTHONPATH": os.pathsep.join(p for p in (str(project_dir), os.environ.get("PYTHONPATH", "")) if p),
    }
    result = subprocess.run(
        command, cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if result.returncode != 0 or not (model_dir / f"{name}.tar.gz").is_file():
        tail = "\n".join(result.stdout.splitlines()[-30:])
        raise RuntimeError(f"rasa train failed (exit {result.returncode}):\n{tail}")


def _remove_other_models(model_dir: Path, keep: Path) -> None:
    for old in model_dir.glob("frontline-*.tar.gz"):
        if old != keep:
            old.unlink(missing_ok=True)
