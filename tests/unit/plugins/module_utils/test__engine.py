# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Normalisation, validation and batching: the vendor-neutral part of a refresh."""

from __future__ import annotations

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils._engine import (
    normalise_all, normalise_url, percent_encode, split_batches, validate_endpoint, wait_for)
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ValidationError


@pytest.mark.parametrize('raw, expected', [
    ('https://www.example.com/index.html', 'https://www.example.com/index.html'),
    ('  HTTPS://WWW.Example.COM/Index.HTML  ', 'https://www.example.com/Index.HTML'),
    ('http://example.com/a b/c.jpg', 'http://example.com/a%20b/c.jpg'),
    ('http://example.com/a%20b/c.jpg', 'http://example.com/a%20b/c.jpg'),
    ('http://example.com/caf\u00e9.html', 'http://example.com/caf%C3%A9.html'),
    ('http://example.com/caf%C3%A9.html', 'http://example.com/caf%C3%A9.html'),
    ('http://example.com/q?x=1&y=a%2Fb', 'http://example.com/q?x=1&y=a%2Fb'),
    ('http://example.com/100%', 'http://example.com/100%25'),
    ('http://example.com/a#b', 'http://example.com/a%23b'),
    ('http://example.com', 'http://example.com/'),
    ('http://example.com:8080/x', 'http://example.com:8080/x'),
    ('http://\u4f8b\u5b50.\u6d4b\u8bd5/a', 'http://xn--fsqu00a.xn--0zwm56d/a'),
])
def test_normalise_url(raw, expected):
    assert normalise_url(raw, 'file')[0] == expected


def test_encoding_is_idempotent():
    once = normalise_url('http://example.com/\u4e2d \u6587/%zz?a=b c', 'file')[0]
    assert normalise_url(once, 'file')[0] == once
    assert percent_encode(percent_encode('a b%')) == percent_encode('a b%')


def test_bare_host_only_when_allowed():
    assert normalise_url('Example.com/a', 'file', allow_bare_host=True) == ('example.com/a', 'example.com')
    with pytest.raises(ValidationError, match="'example.com/a' is not a URL"):
        normalise_url('example.com/a', 'file')


@pytest.mark.parametrize('raw, message', [
    ('ftp://example.com/a', 'must start with http'),
    ('http://exa_mple.com/a', 'invalid host name'),
    ('http://localhost/a', 'invalid host name'),
    ('http://user@example.com/a', 'user information'),
    ('http://example.com:99999/a', 'invalid port'),
    ('http://example.com/a\nhttp://example.com/b', 'control character'),
    ('   ', 'empty path'),
])
def test_invalid_paths_are_named(raw, message):
    with pytest.raises(ValidationError, match=message):
        normalise_url(raw, 'file')


def test_directories_must_end_with_slash():
    assert normalise_url('http://example.com/img/', 'directory')[0] == 'http://example.com/img/'
    with pytest.raises(ValidationError, match='must end with "/"'):
        normalise_url('http://example.com/img', 'directory')


def test_length_limit_counts_the_encoded_url():
    with pytest.raises(ValidationError, match='characters long once encoded; the limit is 40'):
        normalise_url('http://example.com/' + '\u00e9' * 5, 'file', max_length=40)


class Client:
    def normalise(self, path, object_type):
        return normalise_url(path, object_type)


def test_normalise_all_dedupes_in_order_and_reports_every_bad_path():
    entries = normalise_all(Client(), ['http://b.com/1', 'http://a.com/1', 'HTTP://B.COM/1', 'http://b.com/%31'], 'file')
    assert entries == [('http://b.com/1', 'b.com'), ('http://a.com/1', 'a.com'), ('http://b.com/%31', 'b.com')]
    with pytest.raises(ValidationError) as info:
        normalise_all(Client(), ['http://ok.com/', 'bad one', 'ftp://x.com/y'], 'file')
    assert "2 of 3 paths are invalid, nothing was sent" in str(info.value)
    assert "'bad one'" in str(info.value) and "'ftp://x.com/y'" in str(info.value)


def entries_for(domains, per_domain):
    return [('http://d%d.com/%d' % (d, n), 'd%d.com' % d) for d in range(domains) for n in range(per_domain)]


def test_2500_urls_over_3_domains_take_3_calls():
    batches = split_batches(entries_for(3, 834)[:2500], 1000, 10)
    assert [len(batch) for batch in batches] == [1000, 1000, 500]


def test_domain_limit_starts_a_new_batch():
    batches = split_batches(entries_for(25, 2), 1000, 10)
    assert [len(batch) for batch in batches] == [20, 20, 10]
    assert all(len({url.split('/')[2] for url in batch}) <= 10 for batch in batches)


def test_every_path_is_in_exactly_one_batch():
    entries = entries_for(7, 150)
    batches = split_batches(entries, 100)
    assert sorted(url for batch in batches for url in batch) == sorted(url for url, domain in entries)
    assert len(batches) == 11


@pytest.mark.parametrize('endpoint, expected', [
    ('https://cdn.aliyuncs.com', 'https://cdn.aliyuncs.com'),
    ('http://127.0.0.1:8080/', 'http://127.0.0.1:8080'),
])
def test_valid_endpoints(endpoint, expected):
    assert validate_endpoint(endpoint) == expected


@pytest.mark.parametrize('endpoint', ['cdn.aliyuncs.com', 'ftp://x.com', 'https://x.com/api', 'http://x.com:0', 'http://x.com:abc'])
def test_invalid_endpoints(endpoint):
    with pytest.raises(ValidationError, match='must look like'):
        validate_endpoint(endpoint)


class SlowTasks:
    """Tasks that finish after `finish_after` polls."""

    def __init__(self, finish_after):
        self.polls = 0
        self.finish_after = finish_after

    def task_status(self, task_ids):
        self.polls += 1
        status = 'complete' if self.polls > self.finish_after else 'running'
        return [dict(task_id=task_id, status=status) for task_id in task_ids]


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_polls_with_growing_delays_until_done():
    clock = FakeClock()
    tasks, finished = wait_for(SlowTasks(finish_after=6), ['1'], timeout=600, clock=lambda: clock.now, sleep=clock.sleep)
    assert finished and tasks == [dict(task_id='1', status='complete')]
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_wait_makes_its_last_poll_at_the_deadline():
    clock = FakeClock()
    client = SlowTasks(finish_after=100)
    tasks, finished = wait_for(client, ['1'], timeout=20, clock=lambda: clock.now, sleep=clock.sleep)
    assert not finished and tasks[0]['status'] == 'running'
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 5.0] and clock.now == 20
    assert client.polls == 6
