#!/usr/bin/env python3
"""Moved to python/hpyrs-build/hpyrs_build/stubgen.py (the build backend's stub generator).

This shim keeps `python tools/stubgen.py ...` and imports of this file working: it runs that
file in this module's namespace, so every name (private ones included) is available here.
"""

import os as _os

_REAL = _os.path.join(
    _os.path.dirname(_os.path.abspath(__file__)), _os.pardir, "python", "hpyrs-build", "hpyrs_build", "stubgen.py"
)
with open(_REAL, encoding="utf-8") as _f:
    _code = compile(_f.read(), _os.path.abspath(_REAL), "exec")
_name = __name__
__name__ = "hpyrs_build_stubgen"  # so the real file's `if __name__ == "__main__"` stays quiet
exec(_code, globals())
__name__ = _name

if __name__ == "__main__":
    import sys

    sys.exit(main())
