"""Extract the examples of a Markdown document, so that a test can run each of them as written.

Usage: python extract_examples.py DOC.md OUT_DIR
Every fenced block whose info string is `yaml` or `yml` is an example and must be announced by a marker comment on
the line before its opening fence; a `bash`, `sh` or `shell` block is an example when it has a marker:

    <!-- example: NAME -->                       run by the test function example_NAME (dashes become _)
    <!-- example: NAME, not run: REASON -->      not run (say why it cannot run here); only checked to be valid
                                                 (and given to example_NAME, if defined, for static checks)

NAME is made of lower-case letters, digits and dashes, unique in the document. The block is written, dedented, to
OUT_DIR/NAME.yml (YAML, checked with yaml.safe_load) or OUT_DIR/NAME.sh (shell, checked with `bash -n`). One line
per example goes to stdout: `NAME FILE run` or `NAME FILE skip REASON`. Exit status 1, naming the document and
line, when a YAML block has no marker, a marker has no YAML or shell block, a name is repeated, or a block is not
valid.
"""

import os
import re
import subprocess
import sys
import textwrap

import yaml

FENCE = re.compile(r'^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)')
# info string -> extension of the extracted file
KINDS = {'yaml': 'yml', 'yml': 'yml', 'bash': 'sh', 'sh': 'sh', 'shell': 'sh'}
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


def invalid(text, kind):
    """Why `text` is not a valid block of `kind` ('yml' or 'sh'), or None."""
    if kind == 'yml':
        try:
            yaml.safe_load(text)
        except yaml.YAMLError as exc:
            return 'not valid YAML: %s' % exc
        return None
    check = subprocess.run(['bash', '-n'], input=text, capture_output=True, text=True, check=False)
    return 'not valid bash: %s' % check.stderr.strip() if check.returncode else None


def extract(path, out_dir):
    """Write the examples of `path` to `out_dir`; return [(name, file, reason or None)] or raise ValueError."""
    with open(path, encoding='utf-8') as stream:
        lines = stream.read().splitlines()
    markers = {number + 1: MARKER.match(line) for number, line in enumerate(lines) if MARKER.match(line)}
    examples, errors, used = [], [], set()
    for number, info, indent, body in blocks(lines):
        previous = number - 1
        while previous > 0 and not lines[previous - 1].strip():
            previous -= 1
        marker = markers.get(previous)
        kind = KINDS.get(info)
        if kind is None or (kind == 'sh' and not marker):
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
        why = invalid(text, kind)
        if why:
            errors.append('%s:%d: example %r is %s' % (path, number, name, why))
            continue
        out_file = os.path.join(out_dir, '%s.%s' % (name, kind))
        with open(out_file, 'w', encoding='utf-8') as stream:
            stream.write(text + '\n')
        examples.append((name, out_file, reason))
    for number in sorted(set(markers) - used):
        errors.append('%s:%d: an example marker without a YAML or shell block after it' % (path, number))
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
    for name, out_file, reason in examples:
        print('%s %s run' % (name, out_file) if reason is None else '%s %s skip %s' % (name, out_file, reason))
    return 0


if __name__ == '__main__':
    sys.exit(main())
