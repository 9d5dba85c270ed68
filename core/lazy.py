"""Heavy libraries and the names a light facade re-exports from heavy modules, loaded by their first use.

A web worker imports every app's URLconf, and through it the facades other apps call (``mlcore.services``,
``insights.services``). When a facade re-exports a constant or a type of a module that imports pandas, NumPy or
scikit-learn, the plain ``from ... import`` would load those libraries into every worker: tens of megabytes each,
and hundreds of thousands of objects for every full garbage collection to walk. A module ``__getattr__``
(PEP 562) made here keeps ``facade.NAME`` and ``from facade import NAME`` working while the heavy module is
imported only when a caller first asks for one of its names; mypy reads the same names from an
``if TYPE_CHECKING:`` import in the facade. ``lazy_module`` does the same for a module of plain computations
whose functions need NumPy or pandas but whose constants and dataclasses pages import (goals' planning, the
payment detection, mlcore's patterns): the library is imported by the first function that touches it.

``tests/test_imports_light.py`` loads the WSGI application and every URL in a fresh interpreter and checks that
none of these libraries was imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for a module until its first attribute is read, then imports it; each attribute read is kept, so
    later reads cost what a module's do. Only for third-party libraries, whose attributes do not change."""

    def __init__(self, name: str) -> None:
        self._lazy_name = name

    def __getattr__(self, attribute: str) -> Any:
        module: ModuleType = importlib.import_module(self._lazy_name)
        value = getattr(module, attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"


def lazy_module(name: str) -> Any:
    """``np = lazy_module("numpy")`` under ``else:`` of ``if TYPE_CHECKING: import numpy as np``."""
    return LazyModule(name)


def lazy_exports(facade: str, sources: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``facade`` answering each name of ``sources`` (name -> module holding it).

    The value found is stored in the facade's namespace, so only the first lookup of a name goes through here.
    Any other name is the usual AttributeError, naming the facade.
    """
    names = dict(sources)

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module attribute hook of PEP 562
        try:
            source = names[name]
        except KeyError:
            raise AttributeError(f"module {facade!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(source), name)
        setattr(importlib.import_module(facade), name, value)
        return value

    return __getattr__
