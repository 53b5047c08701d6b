"""A template that fails, explained in Swedish: the template file and line, what went
wrong, and what was being built. Never a traceback.

Jinja reports syntax errors with their file and line; for an error while a template
runs, Jinja rewrites the traceback so that its frames point into the template files,
and the innermost of those is where the template failed.
"""

from __future__ import annotations

import linecache
import os
import re
import traceback
from pathlib import Path

import jinja2

# Jinja's token names, as a template author writes them.
TOKENS = {
    "end of print statement": "}}", "end of statement block": "%}", "end of template": "mallens slut",
    "name": "ett namn", "string": "en text", "integer": "ett tal", "float": "ett tal",
    "begin of print statement": "{{", "begin of statement block": "{%",
}

# (pattern, Swedish) for Jinja's messages; groups fill the Swedish text.
MESSAGES = [
    (r"'(?P<a>[^']+)' is undefined", 'namnet "{a}" är inte definierat'),
    (r"'(?P<a>[^']+)' has no attribute '(?P<b>[^']+)'", '{a} har inget fält "{b}"'),
    (r"'?(?P<a>[^']+?)'? has no element (?P<b>.+)", "{a} har inget element {b}"),
    (r"Expected an expression, got '(?P<a>[^']+)'", 'ett uttryck saknas före "{a}"'),
    (r"Encountered unknown tag '(?P<a>[^']+)'", 'okänd tagg "{a}"'),
    (r"Unexpected end of template\. Jinja was looking for the following tags: (?P<a>.+?)\. The innermost block "
     r"that needs to be closed is '(?P<b>[^']+)'", 'mallen tar slut innan blocket "{b}" är avslutat (saknas {tags}?)'),
    (r"unexpected end of template, expected '(?P<a>[^']+)'", 'mallen tar slut; "{a}" saknas'),
    (r"expected token '(?P<a>[^']+)', got '(?P<b>[^']+)'", 'här väntades "{a}" men det står "{b}"'),
    (r"unexpected '(?P<a>[^']+)'", 'oväntat "{a}"'),
    (r"unexpected char '(?P<a>[^']+)'", 'oväntat tecken "{a}"'),
    (r"[Nn]o filter named '(?P<a>[^']+)'", 'det finns inget filter som heter "{a}"'),
    (r"[Nn]o test named '(?P<a>[^']+)'", 'det finns inget test som heter "{a}"'),
    (r"tag name expected", "namnet på en tagg saknas efter {%"),
    (r"Block '(?P<a>[^']+)' defined twice", 'blocket "{a}" finns två gånger'),
]
OBJECTS = [
    (r"^dict object$", "mappningen"),
    (r"^list object$", "listan"),
    (r"^styrdok\.model\.(?:Item|Indicator) object$", "objektet"),  # any content item or document
    (r"^(?:[\w.]+\.)?(?P<a>\w+) object$", '"{a}"'),
    (r"^None$", "ett tomt värde (None)"),
]
PYTHON_ERRORS = {
    KeyError: "nyckeln eller id:t {detail} finns inte",
    ZeroDivisionError: "division med noll",
    TypeError: "ett värde har fel typ ({detail})",
    ValueError: "ett värde är ogiltigt ({detail})",
    IndexError: "ett index ligger utanför listan ({detail})",
    AttributeError: "ett fält finns inte ({detail})",
}


def explain(error: BaseException, template: str | Path, building: str) -> str:
    """``file:line: message (building)`` for an error raised while compiling or rendering
    ``template``; ``building`` names what was being built, e.g. ``dokumentet x (fil)``."""
    where = _where(error, str(template))
    return f"{where}: {_message(error)} (när {building} byggdes)"


def _where(error: BaseException, template: str) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{_display(error.filename or template)}:{error.lineno}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.endswith(".py")]
    if not frames:
        return f"mallen {_display(template)}"
    frame = frames[-1]
    filename = template if frame.filename.startswith("<") else frame.filename
    return f"{_display(filename)}:{frame.lineno}{_column(error, frame)}"


def _column(error: BaseException, frame) -> str:
    """":column" of the value an error names (``error.written``, e.g. an image's path) on its line."""
    written = getattr(error, "written", None)
    at = linecache.getline(frame.filename, frame.lineno).find(str(written)) if written else -1
    return f":{at + 1}" if at >= 0 else ""


def _message(error: BaseException) -> str:
    if isinstance(error, jinja2.TemplateNotFound):
        names = getattr(error, "templates", None) or [error.name]
        return f'mallen {" eller ".join(map(str, names))} finns inte'
    if isinstance(error, jinja2.TemplateError):
        prefix = "syntaxfel i mallen: " if isinstance(error, jinja2.TemplateSyntaxError) else "fel i mallen: "
        return prefix + _jinja_message(error.message or "")
    for kind, text in PYTHON_ERRORS.items():
        if isinstance(error, kind):
            detail = str(error.args[0]) if len(error.args) == 1 else str(error)
            return "fel när mallen kördes: " + text.format(detail=f'"{detail}"' if kind is KeyError else detail)
    return f"fel när mallen kördes ({type(error).__name__}: {error})"


def _jinja_message(message: str) -> str:
    message = message.strip().rstrip(".")
    for pattern, swedish in MESSAGES:
        match = re.search(pattern, message)
        if match:
            parts = {key: _object(_token(value)) for key, value in match.groupdict().items()}
            tags = re.findall(r"'(\w+)'", parts.get("a", ""))
            return swedish.format(**parts, tags=" eller ".join(f"{{% {tag} %}}" for tag in tags))
    return f"({message})"


def _token(text: str) -> str:
    return TOKENS.get(text, text)


def _object(text: str) -> str:
    for pattern, swedish in OBJECTS:
        match = re.match(pattern, text)
        if match:
            return swedish.format(**match.groupdict())
    return text


def _display(path: str) -> str:
    """A path relative to the current directory when it lies below it."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative
