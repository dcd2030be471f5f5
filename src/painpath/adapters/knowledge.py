"""Loads the clinical knowledge files shipped in ``painpath/knowledge`` into domain types.

The files are data (YAML, Markdown); parsing lives here so that the domain stays free of I/O.
Results are cached: the knowledge is read-only for the life of a process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from painpath.domain.errors import InvalidInput
from painpath.domain.evidence import EvidenceCatalogue

__all__ = ["knowledge_root", "load_evidence", "read_yaml"]


def knowledge_root() -> Traversable:
    return resources.files("painpath") / "knowledge"


# libyaml's parser under PyYAML's safe constructor where PyYAML was built with it: the same
# objects as ``yaml.safe_load`` (checked on every shipped file), about nine times faster; every
# CLI command and worker process reads the catalogue, and the demo reads all of it.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Traversable) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as err:
        raise InvalidInput(f"knowledge file {path.name} is not valid YAML: {err}") from err


@cache
def load_evidence() -> EvidenceCatalogue:
    return EvidenceCatalogue.from_mapping(read_yaml(knowledge_root() / "evidence.yaml"))
