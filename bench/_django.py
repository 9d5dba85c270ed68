"""What a bench script does before it imports the project: one place, not a copy at the top of each script.

    from _django import django_ready  # bench/ is the script's own directory, first on sys.path
    ROOT = django_ready(one_core=True)

``one_core`` pins numpy's BLAS to one thread (before numpy loads) and the process to one CPU, so CPU-time
figures are per core. ``operator`` makes the process an operator's script under row-level security
(core.rls): it reads every row, as the connecting role.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def django_ready(*, one_core: bool = False, operator: bool = True) -> Path:
    """Settings chosen, Django set up, the project importable; the repository's root."""
    if one_core:
        for name in THREAD_VARIABLES:
            os.environ[name] = "1"
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django  # noqa: PLC0415 - after the settings variable and the thread pinning above

    django.setup()
    if operator:
        from core.rls import row_security_operator_process  # noqa: PLC0415 - needs Django set up

        row_security_operator_process()
    return ROOT
