"""The trained project model, loaded once for the NLU regression tests."""

from typing import Iterator

import pytest

from bot.config import Settings
from bot.nlu.evaluate import Parser
from bot.training import ensure_model


@pytest.fixture(scope="session")
def parser() -> Iterator[Parser]:
    """An in-process parser of the project's model (trained only if its inputs changed)."""
    settings = Settings.from_env()
    model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache)
    p = Parser(model)
    yield p
    p.close()
