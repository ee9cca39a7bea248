"""The project's configuration: `[tool.hpyrs]` and `[project]` of pyproject.toml, overridden by
PEP 517 config settings (`pip wheel . -C abi=cpython`), and the core metadata made from them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

from .compile import ABIS, BuildError, load_toml

# [tool.hpyrs] keys and their defaults (docs/packaging.md).
TOOL_KEYS = {
    "abi": "universal",
    "module": None,
    "python-source": None,
    "manifest-path": "Cargo.toml",
    "features": [],
    "profile": "release",
    "stubs": True,
}

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def normalize_name(name: str) -> str:
    """The distribution name as wheel and sdist file names spell it."""
    return re.sub(r"[-_.]+", "_", name).lower()


class Config:
    """Everything the hooks need to know about one project."""

    def __init__(self, root: Path, config_settings: Optional[Mapping] = None) -> None:
        self.root = root.resolve()
        path = self.root / "pyproject.toml"
        if not path.is_file():
            raise BuildError(f"{self.root} has no pyproject.toml")
        self.pyproject = load_toml(path)
        self.project = self.pyproject.get("project")
        if not isinstance(self.project, dict) or "name" not in self.project:
            raise BuildError("pyproject.toml needs a [project] table with at least `name` (PEP 621)")
        tool = dict((self.pyproject.get("tool") or {}).get("hpyrs") or {})
        unknown = sorted(set(tool) - set(TOOL_KEYS))
        if unknown:
            raise BuildError(f"unknown key(s) in [tool.hpyrs]: {', '.join(unknown)}; known: {', '.join(TOOL_KEYS)}")
        self.sources: Dict[str, str] = {k: "[tool.hpyrs] in pyproject.toml" for k in tool}
        for key, value in (config_settings or {}).items():
            if key.startswith("-"):
                continue  # pip's own --build-option/--global-option pass-through, not ours
            if key not in TOOL_KEYS:
                raise BuildError(f"unknown config setting `{key}` (-C {key}=...); known: {', '.join(TOOL_KEYS)}")
            if isinstance(value, list):
                value = ",".join(value)
            tool[key] = value
            self.sources[key] = f"-C {key}={value}"
        get = lambda k: tool.get(k, TOOL_KEYS[k])  # noqa: E731

        self.abi = str(get("abi"))
        if self.abi not in ABIS:
            raise BuildError(f"abi = {self.abi!r} ({self.where('abi')}): choose \"universal\" or \"cpython\"")
        self.module: Optional[str] = get("module")
        if self.module is not None and not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", str(self.module)):
            raise BuildError(f"module = {self.module!r} ({self.where('module')}) is not a Python module name")
        source = get("python-source")
        self.python_source: Optional[Path] = (self.root / source).resolve() if source else None
        if self.python_source is not None and not self.python_source.is_dir():
            raise BuildError(f"python-source = {source!r} ({self.where('python-source')}): no such directory")
        self.manifest = (self.root / str(get("manifest-path"))).resolve()
        if not self.manifest.is_file():
            raise BuildError(f"no Cargo.toml at {self.manifest} (manifest-path, {self.where('manifest-path')})")
        features = get("features")
        if isinstance(features, str):
            features = [f.strip() for f in features.replace(" ", ",").split(",")]
        self.features: List[str] = [f for f in features if f]
        self.profile = str(get("profile"))
        stubs = get("stubs")
        if isinstance(stubs, str):
            if stubs.lower() not in _TRUE + _FALSE:
                raise BuildError(f"stubs = {stubs!r}: expected true or false")
            stubs = stubs.lower() in _TRUE
        self.stubs = bool(stubs)

    def where(self, key: str) -> str:
        return self.sources.get(key, "the default")

    @property
    def name(self) -> str:
        return self.project["name"]

    @property
    def dist_name(self) -> str:
        return normalize_name(self.name)

    # ----------------------------------------------------------------------------------
    # dynamic values from Cargo.toml
    # ----------------------------------------------------------------------------------

    def _cargo_package(self) -> Tuple[dict, Optional[dict]]:
        """([package] of the crate's Cargo.toml, [workspace.package] it may inherit from)."""
        cargo = load_toml(self.manifest)
        package = cargo.get("package") or {}
        workspace = None
        for d in [self.manifest.parent, *self.manifest.parent.parents]:
            candidate = d / "Cargo.toml"
            if candidate.is_file():
                data = cargo if candidate == self.manifest else load_toml(candidate)
                if "workspace" in data:
                    workspace = (data["workspace"] or {}).get("package")
                    break
        return package, workspace

    def _cargo_field(self, field: str) -> Optional[str]:
        package, workspace = self._cargo_package()
        value = package.get(field)
        if isinstance(value, dict) and value.get("workspace"):
            value = (workspace or {}).get(field)
        return value if isinstance(value, str) else None

    def _dynamic(self, field: str) -> bool:
        return field in (self.project.get("dynamic") or [])

    @property
    def version(self) -> str:
        if "version" in self.project:
            if self._dynamic("version"):
                raise BuildError("pyproject.toml: `version` is both set and listed in `dynamic`")
            return str(self.project["version"])
        if not self._dynamic("version"):
            raise BuildError('pyproject.toml: set [project] version, or dynamic = ["version"] to take it from Cargo.toml')
        version = self._cargo_field("version")
        if not version:
            raise BuildError(f'dynamic = ["version"], but {self.manifest} has no [package] version')
        return pep440_version(version)

    @property
    def description(self) -> Optional[str]:
        if "description" in self.project:
            return self.project["description"]
        if self._dynamic("description"):
            return self._cargo_field("description")
        return None


def pep440_version(semver: str) -> str:
    """A cargo (SemVer) version as a PEP 440 one: `1.2.3-alpha.1` -> `1.2.3a1`, `-rc.2` -> `rc2`,
    `-beta` -> `b0`, other pre-release labels -> `.dev<n>`; build metadata `+x.y` -> `+x.y`."""
    m = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?", semver.strip())
    if not m:
        raise BuildError(f"Cargo.toml version {semver!r} is not a SemVer version")
    release, pre, build = m.groups()
    out = release
    if pre:
        pm = re.fullmatch(r"(alpha|a|beta|b|rc|pre|dev)[.-]?(\d*)", pre, re.IGNORECASE)
        if pm:
            label = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "rc": "rc", "pre": "rc", "dev": ".dev"}[pm.group(1).lower()]
            out += f"{label}{pm.group(2) or 0}"
        else:
            digits = re.sub(r"\D", "", pre)
            out += f".dev{digits or 0}"
    if build:
        out += "+" + re.sub(r"[^0-9A-Za-z.]", ".", build)
    return out


# --------------------------------------------------------------------------------------
# core metadata (https://packaging.python.org/specifications/core-metadata/)
# --------------------------------------------------------------------------------------


def _readme(cfg: Config) -> Tuple[Optional[str], Optional[str]]:
    readme = cfg.project.get("readme")
    if readme is None:
        return None, None
    if isinstance(readme, str):
        readme = {"file": readme}
    content_type = readme.get("content-type")
    if "file" in readme:
        path = cfg.root / readme["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise BuildError(f"readme {readme['file']!r}: {e.strerror}") from None
        if content_type is None:
            suffix = path.suffix.lower()
            content_type = {".md": "text/markdown", ".markdown": "text/markdown", ".rst": "text/x-rst"}.get(suffix, "text/plain")
    else:
        text = readme.get("text", "")
        if content_type is None:
            raise BuildError("readme = { text = ... } needs a content-type")
    return text, content_type


def _people(entries: List[dict]) -> Tuple[List[str], List[str]]:
    names, emails = [], []
    for p in entries or []:
        name, email = p.get("name"), p.get("email")
        if email:
            emails.append(f"{name} <{email}>" if name else email)
        elif name:
            names.append(name)
    return names, emails


def _with_extra(req: str, extra: str) -> str:
    if ";" in req:
        spec, marker = req.split(";", 1)
        return f'{spec.strip()}; ({marker.strip()}) and extra == "{extra}"'
    return f'{req.strip()}; extra == "{extra}"'


def license_files(cfg: Config) -> List[Path]:
    """The files `license-files` (PEP 639 globs) names, or the usual LICENSE*/COPYING* ones."""
    patterns = cfg.project.get("license-files")
    if patterns is None:
        lic = cfg.project.get("license")
        if isinstance(lic, dict) and "file" in lic:
            return [cfg.root / lic["file"]]
        patterns = ["LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"]
    found: List[Path] = []
    for pattern in patterns:
        for p in sorted(cfg.root.glob(pattern)):
            if p.is_file() and p not in found:
                found.append(p)
    return found


def core_metadata(cfg: Config, extra_requires: List[str] = (), dynamic: List[str] = ()) -> str:
    """The METADATA (or PKG-INFO) text. `extra_requires` are added to `dependencies` (e.g. the
    universal wheel's hpy requirement); `dynamic` fields are declared Dynamic (sdist)."""
    p = cfg.project
    fields: List[Tuple[str, str]] = [("Name", cfg.name), ("Version", cfg.version)]
    version = "2.1"
    if cfg.description:
        fields.append(("Summary", " ".join(cfg.description.split())))
    lic = p.get("license")
    if isinstance(lic, str):
        fields.append(("License-Expression", lic))
        version = "2.4"
    elif isinstance(lic, dict):
        if "text" in lic:
            fields.append(("License", lic["text"]))
        elif "file" in lic:
            fields.append(("License", (cfg.root / lic["file"]).read_text(encoding="utf-8")))
    if p.get("license-files") is not None or isinstance(lic, str):
        for f in license_files(cfg):
            fields.append(("License-File", f.relative_to(cfg.root).as_posix()))
        version = "2.4"
    if p.get("keywords"):
        fields.append(("Keywords", ",".join(p["keywords"])))
    names, emails = _people(p.get("authors"))
    if names:
        fields.append(("Author", ", ".join(names)))
    if emails:
        fields.append(("Author-email", ", ".join(emails)))
    names, emails = _people(p.get("maintainers"))
    if names:
        fields.append(("Maintainer", ", ".join(names)))
    if emails:
        fields.append(("Maintainer-email", ", ".join(emails)))
    for c in p.get("classifiers") or []:
        fields.append(("Classifier", c))
    for label, url in (p.get("urls") or {}).items():
        fields.append(("Project-URL", f"{label}, {url}"))
    if p.get("requires-python"):
        fields.append(("Requires-Python", p["requires-python"]))
    for req in list(p.get("dependencies") or []) + list(extra_requires):
        fields.append(("Requires-Dist", req))
    for extra, reqs in (p.get("optional-dependencies") or {}).items():
        fields.append(("Provides-Extra", extra))
        for req in reqs:
            fields.append(("Requires-Dist", _with_extra(req, extra)))
    for d in dynamic:
        fields.append(("Dynamic", d))
        if version == "2.1":
            version = "2.2"
    text, content_type = _readme(cfg)
    if content_type:
        fields.append(("Description-Content-Type", content_type))
    lines = [f"Metadata-Version: {version}"]
    for key, value in fields:
        value = str(value)
        if "\n" in value:  # multi-line values (License text): continuation lines
            value = value.rstrip("\n").replace("\n", "\n        ")
        lines.append(f"{key}: {value}")
    out = "\n".join(lines) + "\n"
    if text:
        out += "\n" + text
        if not text.endswith("\n"):
            out += "\n"
    return out


def entry_points(cfg: Config) -> Optional[str]:
    """entry_points.txt from [project.scripts], [project.gui-scripts], [project.entry-points]."""
    groups: Dict[str, Dict[str, str]] = {}
    if cfg.project.get("scripts"):
        groups["console_scripts"] = cfg.project["scripts"]
    if cfg.project.get("gui-scripts"):
        groups["gui_scripts"] = cfg.project["gui-scripts"]
    for group, entries in (cfg.project.get("entry-points") or {}).items():
        groups[group] = entries
    if not groups:
        return None
    out = []
    for group, entries in groups.items():
        out.append(f"[{group}]")
        out += [f"{k} = {v}" for k, v in entries.items()]
        out.append("")
    return "\n".join(out)
