"""Loading definitions from TOML files and from the built-in instruments."""

from __future__ import annotations

import functools
import os
import tomllib
from importlib import resources
from pathlib import Path

from questionnaires.model import Definition
from questionnaires.schema import DefinitionError, build_definition

#: The instruments shipped with the package (questionnaires/builtin/<name>.toml).
BUILTIN_NAMES: tuple[str, ...] = ("satisfaction", "teaching")


def parse_definition(text: str, source: str = "<definition>") -> Definition:
    """Parse and check a definition given as TOML text.

    `source` names the text in messages (usually the file name). Raises `DefinitionError`.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError([f"{source}: TOML 语法错误：{error}"]) from error
    return build_definition(document, source)


def load_definition(path: str | os.PathLike[str]) -> Definition:
    """Load and check a definition file (UTF-8 TOML). Raises `DefinitionError`.

    Messages name the file as it was given, so they point where the user looked.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DefinitionError([f"{source}: 无法读取文件：{reason}"]) from error
    try:
        # utf-8-sig: editors on Windows like to prepend a BOM, which TOML does not allow.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError(
            [
                f"{source}: 文件不是 UTF-8 编码"
                f"（第 {error.start + 1} 个字节无法解码），请另存为 UTF-8"
            ]
        ) from error
    return parse_definition(text, source)


@functools.cache
def load_builtin(name: str) -> Definition:
    """Load a built-in instrument: "satisfaction" (满意度调查) or "teaching" (评教).

    Definitions are immutable, so one cached instance is shared. Raises `DefinitionError`
    for an unknown name.
    """
    return parse_definition(builtin_text(name), f"{name}.toml")


def builtin_text(name: str) -> str:
    """The TOML text of a built-in instrument, e.g. as a starting point for a custom file.

    Raises `DefinitionError` for an unknown name.
    """
    if name not in BUILTIN_NAMES:
        raise DefinitionError([f"没有名为 {name!r} 的内置问卷（可用：{'、'.join(BUILTIN_NAMES)}）"])
    resource = resources.files("questionnaires") / "builtin" / f"{name}.toml"
    return resource.read_text(encoding="utf-8")
