"""Extract the YAML examples of a Markdown document, so that a test can run each of them as written.

Usage: python extract_examples.py DOC.md OUT_DIR
Every fenced block whose info string is `yaml` or `yml` is an example and must be announced by a marker comment on
the line before its opening fence:

    <!-- example: NAME -->                       run by the test function example_NAME (dashes become _)
    <!-- example: NAME, not run: REASON -->      only checked to be valid YAML (say why it cannot run here)

NAME is made of lower-case letters, digits and dashes, unique in the document. The block is written, dedented, to
OUT_DIR/NAME.yml. One line per example goes to stdout: `NAME run` or `NAME skip REASON`. Exit status 1, naming the
document and line, when a YAML block has no marker, a marker has no YAML block, a name is repeated, or a block is
not valid YAML.
"""

import os
import re
import sys
import textwrap

import yaml

FENCE = re.compile(r'^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)')
MARKER = re.compile(r'^\s*<!--\s*example:\s*([a-z0-9][a-z0-9-]*)\s*(?:,\s*not run:\s*(.+?))?\s*-->\s*$')


def blocks(lines):
    """Yield (line number of the opening fence, info string, indentation, body lines) for each fenced block."""
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence, info = match.groups()
        start, body = index, []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(fence):
            body.append(lines[index])
            index += 1
        yield start + 1, info.lower(), indent, body
        index += 1


def extract(path, out_dir):
    """Write the examples of `path` to `out_dir`; return [(name, reason or None)] or raise ValueError."""
    with open(path, encoding='utf-8') as stream:
        lines = stream.read().splitlines()
    markers = {number + 1: MARKER.match(line) for number, line in enumerate(lines) if MARKER.match(line)}
    examples, errors, used = [], [], set()
    for number, info, indent, body in blocks(lines):
        previous = number - 1
        while previous > 0 and not lines[previous - 1].strip():
            previous -= 1
        marker = markers.get(previous)
        if info not in ('yaml', 'yml'):
            if marker:
                used.add(previous)
                errors.append('%s:%d: an example marker before a %r block' % (path, previous, info or 'plain'))
            continue
        if not marker:
            errors.append('%s:%d: a YAML block without an example marker (<!-- example: NAME -->) on the line before'
                          % (path, number))
            continue
        used.add(previous)
        name, reason = marker.groups()
        if name in [example[0] for example in examples]:
            errors.append('%s:%d: the example name %r is used twice' % (path, previous, name))
            continue
        text = textwrap.dedent('\n'.join(line[len(indent):] if line.startswith(indent) else line for line in body))
        try:
            yaml.safe_load(text)
        except yaml.YAMLError as exc:
            errors.append('%s:%d: example %r is not valid YAML: %s' % (path, number, name, exc))
            continue
        with open(os.path.join(out_dir, name + '.yml'), 'w', encoding='utf-8') as stream:
            stream.write(text + '\n')
        examples.append((name, reason))
    for number in sorted(set(markers) - used):
        errors.append('%s:%d: an example marker without a YAML block after it' % (path, number))
    if errors:
        raise ValueError('\n'.join(errors))
    return examples


def main():
    doc, out_dir = sys.argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    try:
        examples = extract(doc, out_dir)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    for name, reason in examples:
        print('%s run' % name if reason is None else '%s skip %s' % (name, reason))
    return 0


if __name__ == '__main__':
    sys.exit(main())
