# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rows of `make bench`'s table: one dict per (scenario, tool), the same keys for every scenario.

Every producer of rows (run.py, role.py) returns dicts with exactly these keys (use `row()` to fill the defaults);
a value that does not apply is None and prints as `-`. For the role's rows, `ansible_s` is the same play form with a
role that has no tasks (the empty role) and `own_s` the paired difference. measure.run() measures one command (wall
time, exit code, peak memory) as run.py does.

| key           | type         | meaning                                                                              |
|---------------|--------------|--------------------------------------------------------------------------------------|
| `scenario`    | str          | what is done, e.g. `alicdn 10,000 URLs / 1 domain` (rows of one scenario are printed together) |
| `tool`        | str          | who does it, e.g. `alicdn_refresh (vars file)`, `SDK: best sequential script`, `empty role` |
| `calls`       | int or None  | vendor API calls the sandbox received in one run (retries and refused calls included) |
| `min_calls`   | int or None  | the fewest calls the vendor's limits allow for the same work (docs/benchmark.md)      |
| `wall_s`      | float or None| wall time of the whole process, seconds (median over the repeats)                     |
| `floor_s`     | float or None| the API floor: the least time the calls take at the sandbox's latency, seconds        |
| `ansible_s`   | float or None| Ansible's own cost: the same command with `ansible.builtin.ping` and the same list, seconds (median) |
| `own_s`       | float or None| the product's own time over Ansible's: median of the paired differences wall - ansible, seconds |
| `peak_rss_mb` | float or None| peak resident memory of the largest process of the measured tree, MiB (max over the repeats) |
| `ok`          | bool or None | the run did what was asked (rc 0, nothing failed); a peer that fails is a result, not a crash; None: not run (skipped) |
| `note`        | str          | anything the numbers need: why a row is skipped or estimated, poll rounds, errors      |
| `baseline`    | bool         | (default False) the row the others of its scenario are compared with: `x base` = wall_s / its wall_s (rows that ran ok) |
"""

from __future__ import annotations

KEYS = ('scenario', 'tool', 'calls', 'min_calls', 'wall_s', 'floor_s', 'ansible_s', 'own_s', 'peak_rss_mb', 'ok',
        'note', 'baseline')
DEFAULTS = dict(calls=None, min_calls=None, floor_s=None, ansible_s=None, own_s=None, peak_rss_mb=None, ok=True, note='',
                baseline=False)
COLUMNS = (  # header, key (None: wall_s over the baseline row's wall_s)
    ('scenario', 'scenario'), ('tool', 'tool'), ('calls', 'calls'), ('min', 'min_calls'), ('wall s', 'wall_s'),
    ('floor s', 'floor_s'), ('ansible s', 'ansible_s'), ('own s', 'own_s'), ('x base', None), ('MiB', 'peak_rss_mb'),
    ('ok', 'ok'),
)


def row(scenario, tool, wall_s, **values):
    """A complete row dict; raises ValueError for a key that is not in KEYS."""
    unknown = set(values) - set(KEYS)
    if unknown:
        raise ValueError('unknown row keys: %s' % ', '.join(sorted(unknown)))
    return dict(DEFAULTS, scenario=scenario, tool=tool, wall_s=wall_s, **values)


def check(rows):
    """Raise ValueError unless every row has exactly KEYS (a producer's contract)."""
    for item in rows:
        if set(item) != set(KEYS):
            raise ValueError('row %r: keys %s, expected %s' % (item.get('tool'), sorted(item), sorted(KEYS)))


def _cell(value):
    if value is None:
        return '-'
    if isinstance(value, bool):
        return 'yes' if value else 'NO'
    if isinstance(value, float):
        return '%.2f' % value if value < 100 else '%.0f' % value
    return str(value)


def table(rows):
    """The rows as a text table, a scenario's rows together under its name, notes numbered below; returns a str."""
    body = []
    notes = []
    for index, item in enumerate(rows):
        first = index == 0 or rows[index - 1]['scenario'] != item['scenario']
        base = next((other for other in rows if other['scenario'] == item['scenario'] and other['baseline']), None)
        cells = []
        for header, key in COLUMNS:
            if key is None:
                usable = base and item['ok'] and item['wall_s'] and base['wall_s']
                text = '%.2fx' % (item['wall_s'] / base['wall_s']) if usable else '-'
            elif key == 'scenario':
                text = item['scenario'] if first else ''
            elif key == 'peak_rss_mb' and item[key] is not None:
                text = '%.0f' % item[key]
            else:
                text = _cell(item[key])
            if key == 'tool' and item['note']:
                notes.append(item['note'])
                text = '%s [%d]' % (text, len(notes))
            cells.append(text)
        if first and index:
            body.append(None)
        body.append(cells)
    widths = [max([len(header)] + [len(cells[column]) for cells in body if cells]) for column, (header, dummy) in
              enumerate(COLUMNS)]

    def line(cells):
        return '  '.join(text.ljust(width) if column < 2 else text.rjust(width)
                         for column, (text, width) in enumerate(zip(cells, widths))).rstrip()

    lines = [line([header for header, dummy in COLUMNS])]
    lines.extend(line(cells) if cells else '' for cells in body)
    lines.append('')
    lines.extend('[%d] %s' % (number, note) for number, note in enumerate(notes, 1))
    return '\n'.join(lines)
