# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The minimum calls and floors the benchmark compares against, and its table."""

from __future__ import annotations

import pytest

import limits
import rows
from run import ali_urls


@pytest.mark.parametrize('size, domains, calls', [
    (1, 1, 1), (1000, 1, 1), (1001, 1, 2), (1000, 20, 2), (10000, 20, 10), (100000, 20, 100), (20, 20, 2), (25, 25, 3)])
def test_alibaba_submissions_are_bound_by_urls_and_domains(size, domains, calls):
    assert limits.ali_submit_calls(ali_urls(size, domains)) == calls


def test_alibaba_directories_and_jd_limits():
    assert limits.ali_submit_calls(['https://a.com/d%d/' % n for n in range(101)], 'directory') == 2
    assert (limits.jd_submit_calls(2000), limits.jd_submit_calls(50, 'directory'), limits.jd_submit_calls(0)) == (20, 10, 0)
    assert limits.query_calls(20, limits.ALI_IDS_PER_QUERY) == 2 and limits.query_calls(20, limits.JD_IDS_PER_QUERY) == 20


def test_floors():
    assert limits.phase_floor(0, 0.05, 50) == 0
    assert limits.phase_floor(50, 0.05, 50) == pytest.approx(0.05)     # 50 calls fit in one second
    assert limits.phase_floor(51, 0.05, 50) == pytest.approx(1.05)     # the 51st waits for the next second
    assert limits.phase_floor(100, 0.05, None) == pytest.approx(0.05)  # no documented rate: all at once
    assert limits.floor([(1, 20), (100, 50)], 0.05) == pytest.approx(1.1)
    # tasks start when the last submission arrives (0.05 s before its answer) and run 2 s; then one round
    assert limits.wait_floor(0.1, 0.05, 2.0, 2, 30) == pytest.approx(2.1)
    assert limits.wait_floor(0.1, 0.05, 0.0, 2, 30) == pytest.approx(0.15)


def test_minute_wait():
    assert limits.minute_wait(120.0 + 13, 2000, 1000) == pytest.approx(47)
    assert limits.minute_wait(120.0 + 13, 3000, 1000) == pytest.approx(107)
    assert limits.minute_wait(120.0 + 13, 1000, 1000) == 0


def test_rounds_split_where_an_id_comes_again():
    calls = [['1', '2'], ['3'], ['1', '2'], ['3'], ['1'], ['1']]
    assert limits.rounds(calls, list) == [[2, 3], [2, 3], [1, 1], [1, 1]]


def test_table_and_contract():
    made = [rows.row('s', 'product', 2.0, calls=2, min_calls=2, baseline=True),
            rows.row('s', 'peer', 4.0, note='slow'), rows.row('s', 'broken', 1.0, ok=False),
            rows.row('t', 'skipped', None, ok=None, note='not there')]
    rows.check(made)
    text = rows.table(made)
    assert '2.00x' in text and '[1] slow' in text and '[2] not there' in text and '0.50x' not in text
    with pytest.raises(ValueError):
        rows.row('s', 'x', 1.0, colour='blue')
    with pytest.raises(ValueError):
        rows.check([{'scenario': 's'}])
