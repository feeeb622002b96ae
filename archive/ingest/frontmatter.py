"""Markdown files with YAML front matter, as used in content/ and by imports."""

import yaml


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so our own date parser judges them.

    Aliases (*name) are refused: records never need them, and a few nested ones
    expand into billions of characters once the text is used ("billion laughs").
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """Safe YAML whose text reads back exactly, whatever line breaks it holds."""


# YAML folds the Unicode line breaks (NEL, LS, PS) inside plain and single-quoted
# text; in double quotes they are escaped and read back as they were.
_UNICODE_BREAKS = frozenset("\x85\u2028\u2029")


def _represent_text(dumper, value):
    style = '"' if _UNICODE_BREAKS.intersection(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


class FrontMatterError(ValueError):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def load_yaml(text):
    """Parse YAML, turning its errors into one message with a 1-based line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no Python objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise FrontMatterError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise FrontMatterError("invalid YAML: nested too deeply") from None


def split(text):
    """Return (metadata dict, body) from '---\\nYAML\\n---\\nbody'."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("the file must start with a '---' line opening the YAML front matter", 1)
    for number, line in enumerate(lines[1:], start=2):
        # A closing line starts at the margin; an indented "---" belongs to a YAML text.
        if line.rstrip() in ("---", "..."):
            meta = load_yaml("".join(lines[1 : number - 1])) or {}
            if not isinstance(meta, dict):
                raise FrontMatterError("the front matter must be a mapping of keys to values", 2)
            return meta, "".join(lines[number:]).strip("\n") + "\n"
    raise FrontMatterError("the front matter is not closed by a '---' line", 1)


def dump_yaml(data):
    """A mapping as YAML text that load_yaml reads back equal; keys keep the order given."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def dump(meta, body):
    """Front matter and body as one file's text; keys keep the order given.

    Only blank lines around the body are dropped (as split drops them), so an
    indented first line (a Markdown code block) survives.
    """
    return f"---\n{dump_yaml(meta)}---\n\n{body.strip(chr(10))}\n"
