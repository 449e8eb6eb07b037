"""The step kinds Frontline ships, in the order the docs and error messages list them."""

from __future__ import annotations

from typing import Tuple

from bot.flows.kinds.action import ACTION
from bot.flows.kinds.ask import ASK
from bot.flows.kinds.base import StepKind
from bot.flows.kinds.call import CALL
from bot.flows.kinds.escalate import ESCALATE
from bot.flows.kinds.kb import KB
from bot.flows.kinds.link import LINK
from bot.flows.kinds.resolve import RESOLVE
from bot.flows.kinds.say import SAY

BUILTIN_KINDS: Tuple[StepKind, ...] = (SAY, ASK, KB, ACTION, ESCALATE, RESOLVE, LINK, CALL)
