# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cdn_refresh role's host reader: what each kind of cdn_refresh_paths input becomes."""

from __future__ import annotations

import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.cdnops.cdn.plugins.filter._refresh_sets import FilterModule, refresh_sets

ALI = {'cdn_refresh_provider': 'alicdn', 'cdn_refresh_base_url': 'https://www.example.com'}
JD = {'cdn_refresh_provider': 'jdcdn', 'cdn_refresh_base_url': 'https://static.example.cn'}


def one_host(paths, **variables):
    """The result for one host 'web1' (not the host running the role) with `paths` and ALI's variables."""
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=paths, **variables)}
    return refresh_sets(['web1'], hostvars, own_host='controller')


def urls(result, provider='alicdn', object_type='file'):
    for entry in result[provider]:
        if entry['object_type'] == object_type:
            return entry['paths']
    return []


def test_the_filter_is_exposed_under_its_private_name():
    assert FilterModule().filters() == {'_refresh_sets': refresh_sets}


@pytest.mark.parametrize('paths, expected', [
    ('/index.html', ['https://www.example.com/index.html']),
    ('index.html', ['https://www.example.com/index.html']),
    ('https://www.example.com/a.html', ['https://www.example.com/a.html']),
    # an AWX survey textarea: lines, with blank lines, spaces and Windows line ends
    ('/a.html\n\n  /b.html  \r\nhttps://www.example.com/c.html\n   \n',
     ['https://www.example.com/a.html', 'https://www.example.com/b.html', 'https://www.example.com/c.html']),
    # a file name with spaces stays one path; commas belong to URLs (?x-oss-process=image/resize,w_100)
    ('/My Document.pdf', ['https://www.example.com/My Document.pdf']),
    ('/img/a.jpg?x-oss-process=image/resize,w_100', ['https://www.example.com/img/a.jpg?x-oss-process=image/resize,w_100']),
    ('', []),
    ('  \n \n', []),
    (None, []),
    ([], []),
])
def test_a_string_is_one_path_per_line(paths, expected):
    result = one_host(paths)
    assert result['problems'] == []
    assert urls(result) == expected
    assert result['hosts'] == (1 if expected else 0)


@pytest.mark.parametrize('path, expected', [
    ('index.html', 'https://www.example.com/index.html'),
    ('favicon.ico', 'https://www.example.com/favicon.ico'),
    ('css/x.css', 'https://www.example.com/css/x.css'),
    ('/css/x.css', 'https://www.example.com/css/x.css'),
    ('./css/x.css', 'https://www.example.com/css/x.css'),
    ('  /css/x.css  ', 'https://www.example.com/css/x.css'),
    ('/', 'https://www.example.com/'),
    # what looks like a domain is still a path under the base URL: only a scheme makes a URL
    ('www.example.com/a.html', 'https://www.example.com/www.example.com/a.html'),
    ('//img.example.com/a.png', 'https://img.example.com/a.png'),
    ('http://other.example.com/a.html', 'http://other.example.com/a.html'),
    ('HTTPS://www.example.com/A.html', 'HTTPS://www.example.com/A.html'),
])
def test_relative_paths_join_the_base_url(path, expected):
    assert urls(one_host([path])) == [expected]


@pytest.mark.parametrize('base_url', ['https://www.example.com/blog', 'https://www.example.com/blog/',
                                      'https://www.example.com/blog//'])
def test_a_base_url_with_a_path_is_a_prefix(base_url):
    result = one_host(['a.html', '/b.html'], **{'cdn_refresh_base_url': base_url})
    assert urls(result) == ['https://www.example.com/blog/a.html', 'https://www.example.com/blog/b.html']


@pytest.mark.parametrize('base_url', [None, '', '   '])
def test_relative_paths_without_a_base_url_are_refused_naming_host_variable_and_fix(base_url):
    hostvars = {'web1': {'cdn_refresh_provider': 'alicdn', 'cdn_refresh_base_url': base_url,
                         'cdn_refresh_paths': ['index.html', 'favicon.ico', 'https://www.example.com/ok.html']},
                'web2': dict(ALI, cdn_refresh_paths=['/fine.html'])}
    result = refresh_sets(['web1', 'web2'], hostvars, own_host='controller')
    assert len(result['problems']) == 1
    problem = result['problems'][0]
    assert problem.startswith('web1: 2 path(s) of cdn_refresh_paths are relative')
    assert "'index.html', 'favicon.ico'" in problem
    assert 'set cdn_refresh_base_url for this host' in problem
    # nothing of web1 is sent as a domain or otherwise; web2 is still read (the role stops before any call)
    assert urls(result) == ['https://www.example.com/fine.html']


def test_full_urls_need_no_base_url():
    hostvars = {'web1': {'cdn_refresh_provider': 'jdcdn', 'cdn_refresh_paths': ['https://static.example.cn/a.js']}}
    result = refresh_sets(['web1'], hostvars)
    assert result['problems'] == []
    assert urls(result, 'jdcdn') == ['https://static.example.cn/a.js']


def test_a_base_url_without_a_scheme_is_refused():
    result = one_host(['/a.html'], cdn_refresh_base_url='www.example.com')
    assert result['problems'] == ["web1: cdn_refresh_base_url is 'www.example.com', not a URL; write it with its "
                                  "scheme, for example https://www.example.com"]


@pytest.mark.parametrize('paths, expected', [
    # no object_type: the host's
    ([{'path': 'https://www.example.com/a.html'}], {'file': ['https://www.example.com/a.html']}),
    ([{'path': '/a.html', 'object_type': None}], {'file': ['https://www.example.com/a.html']}),
    ([{'path': '/a.html', 'object_type': ''}], {'file': ['https://www.example.com/a.html']}),
    ([{'path': '/img/', 'object_type': 'directory'}], {'directory': ['https://www.example.com/img/']}),
    ([{'path': '/img/', 'object_type': ' directory '}], {'directory': ['https://www.example.com/img/']}),
    # a list or lines under one object type
    ([{'path': ['/img/', '/css/'], 'object_type': 'directory'}],
     {'directory': ['https://www.example.com/img/', 'https://www.example.com/css/']}),
    ([{'path': '/img/\n/css/\n', 'object_type': 'directory'}],
     {'directory': ['https://www.example.com/img/', 'https://www.example.com/css/']}),
    # one dict instead of a list
    ({'path': '/img/', 'object_type': 'directory'}, {'directory': ['https://www.example.com/img/']}),
    ({'path': 'https://www.example.com/a.html'}, {'file': ['https://www.example.com/a.html']}),
    # a mapping of object types to paths
    ({'directory': ['/img/'], 'file': '/a.html\n/b.html'},
     {'file': ['https://www.example.com/a.html', 'https://www.example.com/b.html'],
      'directory': ['https://www.example.com/img/']}),
    # mixed, nested lists, empty items
    (['/a.html', None, ['/b.html', {'path': '/d/', 'object_type': 'directory'}], ''],
     {'file': ['https://www.example.com/a.html', 'https://www.example.com/b.html'],
      'directory': ['https://www.example.com/d/']}),
])
def test_dict_forms(paths, expected):
    result = one_host(paths)
    assert result['problems'] == []
    assert {entry['object_type']: entry['paths'] for entry in result['alicdn']} == expected


def test_the_hosts_object_type_applies_to_paths_without_one():
    result = one_host(['/img/', {'path': '/a.html', 'object_type': 'file'}], cdn_refresh_object_type='directory')
    assert {entry['object_type']: entry['paths'] for entry in result['alicdn']} == {
        'file': ['https://www.example.com/a.html'], 'directory': ['https://www.example.com/img/']}


@pytest.mark.parametrize('paths, message', [
    ([{'path': '/a.html', 'objecttype': 'directory'}],
     "web1: the item {'path': '/a.html', 'objecttype': 'directory'} of cdn_refresh_paths has unknown key(s) objecttype"),
    ([{'path': '/a/', 'object_type': 'folder'}],
     "web1: the object_type of '/a/' is 'folder'; it must be one of file, directory, regex, ignore_params"),
    ({'dirs': ['/a/']}, "web1: cdn_refresh_paths is a mapping whose key 'dirs' is neither \"path\" nor an object type"),
    ([42], 'web1: cdn_refresh_paths holds 42 (int), which is not a path'),
    (True, 'web1: cdn_refresh_paths holds True (bool), which is not a path'),
])
def test_malformed_items_are_refused_naming_the_host(paths, message):
    result = one_host(paths)
    assert len(result['problems']) == 1
    assert result['problems'][0].startswith(message)
    assert result['alicdn'] == []


def test_a_host_without_paths_needs_no_provider():
    hostvars = {'db1': {}, 'db2': {'cdn_refresh_paths': []}, 'db3': {'cdn_refresh_provider': None},
                'web1': dict(ALI, cdn_refresh_paths=['/a.html'])}
    result = refresh_sets(['db1', 'db2', 'db3', 'web1'], hostvars, own_host='db1', own_paths=[])
    assert result['problems'] == []
    assert urls(result) == ['https://www.example.com/a.html']
    assert result['hosts'] == 1


@pytest.mark.parametrize('provider', [None, '', '  '])
def test_a_host_with_paths_needs_a_provider(provider):
    hostvars = {'web1': {'cdn_refresh_paths': ['https://www.example.com/a.html', 'https://www.example.com/b.html'],
                         'cdn_refresh_provider': provider},
                'web2': {'cdn_refresh_paths': ['https://www.example.com/c.html']}}
    result = refresh_sets(['web1', 'web2'], hostvars, own_host='controller')
    assert result['problems'] == [
        'web1: cdn_refresh_paths has 2 path(s) but cdn_refresh_provider is not set; set it to alicdn or jdcdn for this '
        'host (for example in its group_vars)',
        'web2: cdn_refresh_paths has 1 path(s) but cdn_refresh_provider is not set; set it to alicdn or jdcdn for this '
        'host (for example in its group_vars)']


@pytest.mark.parametrize('provider', ['aliyun', ['alicdn'], 1])
def test_an_unknown_provider_is_refused(provider):
    result = one_host(['/a.html'], cdn_refresh_provider=provider)
    assert result['problems'] == ['web1: cdn_refresh_provider is %r; it must be alicdn or jdcdn' % (provider,)]


def test_provider_names_are_trimmed_and_case_insensitive():
    assert urls(one_host(['/a.html'], cdn_refresh_provider=' AliCDN ')) == ['https://www.example.com/a.html']


def test_object_types_the_provider_does_not_have_are_refused():
    hostvars = {'web1': dict(JD, cdn_refresh_paths=[{'path': '/.*\\.png', 'object_type': 'regex'}])}
    assert refresh_sets(['web1'], hostvars)['problems'] == [
        'web1: object type regex is not supported by jdcdn (file, directory)']


def test_every_fault_of_a_host_is_named_at_once():
    hostvars = {'web1': {'cdn_refresh_paths': ['a.html'], 'cdn_refresh_object_type': 'folder'}}
    problem = refresh_sets(['web1'], hostvars)['problems'][0]
    assert 'cdn_refresh_provider is not set' in problem
    assert "cdn_refresh_object_type is 'folder'" in problem
    assert 'cdn_refresh_base_url is not set' in problem


def test_hosts_without_their_own_values_get_the_roles():
    hostvars = {'web1': {'cdn_refresh_paths': ['/a.html']},
                'web2': {'cdn_refresh_paths': ['/b/'], 'cdn_refresh_provider': 'jdcdn',
                         'cdn_refresh_base_url': 'https://static.example.cn', 'cdn_refresh_object_type': 'directory'}}
    result = refresh_sets(['web1', 'web2'], hostvars, own_host='controller', provider='alicdn',
                          base_url='https://www.example.com', object_type='file')
    assert result['problems'] == []
    assert urls(result) == ['https://www.example.com/a.html']
    assert urls(result, 'jdcdn', 'directory') == ['https://static.example.cn/b/']


def test_the_running_host_uses_the_values_the_role_sees():
    hostvars = {'web1': {'cdn_refresh_paths': ['/from-hostvars.html']}}
    result = refresh_sets(['web1'], hostvars, own_host='web1', own_paths='/from-the-role.html', provider='alicdn',
                          base_url='https://www.example.com')
    assert urls(result) == ['https://www.example.com/from-the-role.html']


def test_paths_are_merged_per_provider_and_object_type_without_duplicates_in_first_seen_order():
    hostvars = {
        'web1': dict(ALI, cdn_refresh_paths=['/b.html', '/a.html', {'path': '/img/', 'object_type': 'directory'}]),
        'web2': dict(ALI, cdn_refresh_paths='/a.html\n/c.html\nhttps://www.example.com/b.html'),
        'web3': dict(JD, cdn_refresh_paths=['/a.html']),
        'web4': dict(JD, cdn_refresh_paths=[]),
    }
    result = refresh_sets(['web1', 'web2', 'web3', 'web4', 'web1'], hostvars, own_host='controller')
    assert result == {
        'alicdn': [
            {'object_type': 'file', 'hosts': 2, 'paths': ['https://www.example.com/b.html', 'https://www.example.com/a.html',
                                                          'https://www.example.com/c.html'], 'refreshed_after': None},
            {'object_type': 'directory', 'hosts': 1, 'paths': ['https://www.example.com/img/'], 'refreshed_after': None},
        ],
        'jdcdn': [{'object_type': 'file', 'hosts': 1, 'paths': ['https://static.example.cn/a.html'],
                   'refreshed_after': None}],
        'prefetch': {'alicdn': [], 'jdcdn': []},
        'prefetch_wanted': False,
        'problems': [],
        'hosts': 3,
    }


def test_hosts_can_be_a_string_and_unknown_hosts_are_named():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['/a.html']), 'web2': dict(ALI, cdn_refresh_paths=['/b.html'])}
    result = refresh_sets('web1, web2\nweb9', hostvars)
    assert urls(result) == ['https://www.example.com/a.html', 'https://www.example.com/b.html']
    assert result['problems'] == ['web9: named in cdn_refresh_hosts but not in the inventory']


def test_hosts_of_another_type_are_an_error():
    with pytest.raises(AnsibleFilterError, match='cdn_refresh_hosts must be a list'):
        refresh_sets({'web1': {}}, {})


class CountingHostvars(dict):
    """hostvars that count how often each host's variables are read."""

    def __init__(self, *args, **kwargs):
        super(CountingHostvars, self).__init__(*args, **kwargs)
        self.reads = {}

    def __getitem__(self, host):
        self.reads[host] = self.reads.get(host, 0) + 1
        return super(CountingHostvars, self).__getitem__(host)

    def get(self, host, default=None):
        return self[host] if host in self else default


def test_a_thousand_hosts_are_each_read_once():
    """1,000 hosts x 100 overlapping paths: each host's variables are read once, and the sets hold each URL once
    (the cost is measured by make bench, not asserted here)."""
    hostvars = CountingHostvars(('web%04d' % i, dict(ALI, cdn_refresh_paths=['/f%d.js' % ((i + k) % 500) for k in range(100)]))
                                for i in range(1000))
    result = refresh_sets(sorted(hostvars), hostvars)
    assert len(urls(result)) == 500 and len(set(urls(result))) == 500
    assert set(hostvars.reads) == set(hostvars) and set(hostvars.reads.values()) == {1}


# --- prefetch requests (cdn_refresh_prefetch) ------------------------------------------------------------------

MIXED = ['/a.html', {'path': '/img/', 'object_type': 'directory'}, {'path': '/x?y=1', 'object_type': 'ignore_params'},
         {'path': '/b.html', 'object_type': 'file'}]


@pytest.mark.parametrize('value', [True, 'true', 'yes', ' True '])
def test_prefetch_true_asks_for_the_hosts_file_urls_only(value):
    result = one_host(MIXED, cdn_refresh_prefetch=value)
    assert result['problems'] == []
    assert result['prefetch'] == {'jdcdn': [], 'alicdn': [{
        'pages': ['https://www.example.com/a.html', 'https://www.example.com/b.html'], 'refreshed_only': True,
        'urls': []}]}
    assert result['prefetch_wanted'] is True


@pytest.mark.parametrize('value', [False, 'false', 'no', '', None, []])
def test_prefetch_false_or_empty_asks_for_nothing(value):
    result = one_host(MIXED, cdn_refresh_prefetch=value)
    assert result['problems'] == []
    assert result['prefetch'] == {'alicdn': [], 'jdcdn': []}
    assert result['prefetch_wanted'] is False


@pytest.mark.parametrize('value', [['/', 'index.html', 'https://www.example.com/about.html', '/'],
                                   '/\nindex.html\n\nhttps://www.example.com/about.html\n',
                                   [['/', 'index.html'], 'https://www.example.com/about.html', None]])
def test_prefetch_pages_join_the_base_url_and_carry_the_hosts_refresh_urls(value):
    result = one_host(['/css/site.css', {'path': '/img/', 'object_type': 'directory'}], cdn_refresh_prefetch=value)
    assert result['problems'] == []
    assert result['prefetch']['alicdn'] == [{
        'pages': ['https://www.example.com/', 'https://www.example.com/index.html', 'https://www.example.com/about.html'],
        'refreshed_only': False,
        'urls': ['https://www.example.com/css/site.css', 'https://www.example.com/img/']}]


def test_a_host_that_asks_for_no_refresh_asks_for_no_prefetch():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=[], cdn_refresh_prefetch=['/'])}
    result = refresh_sets(['web1'], hostvars, prefetch=True)
    assert result['prefetch'] == {'alicdn': [], 'jdcdn': []}
    assert result['prefetch_wanted'] is False


def test_hosts_without_their_own_prefetch_get_the_roles_and_their_own_wins():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['/a.html']),
                'web2': dict(ALI, cdn_refresh_paths=['/b.html'], cdn_refresh_prefetch=False),
                'web3': dict(JD, cdn_refresh_paths=['/c.html'], cdn_refresh_prefetch=['/'])}
    result = refresh_sets(['web1', 'web2', 'web3'], hostvars, prefetch=True)
    assert [request['pages'] for request in result['prefetch']['alicdn']] == [['https://www.example.com/a.html']]
    assert [request['pages'] for request in result['prefetch']['jdcdn']] == [['https://static.example.cn/']]


@pytest.mark.parametrize('value, message', [
    ({'path': '/'}, "web1: cdn_refresh_prefetch is {'path': '/'} (dict); give true, false, or the URLs"),
    (1, 'web1: cdn_refresh_prefetch is 1 (int)'),
    (['/', 7], 'web1: cdn_refresh_prefetch holds 7 (int), which is not a page'),
    (['/img/*.png'], "web1: cdn_refresh_prefetch names '/img/*.png', which cannot be prefetched"),
])
def test_a_prefetch_that_cannot_be_is_a_problem_naming_the_host(value, message):
    result = one_host(['/a.html'], cdn_refresh_prefetch=value)
    assert len(result['problems']) == 1
    assert result['problems'][0].startswith(message)
    assert result['alicdn'] == []   # the host is left out: the role stops before any call


def test_relative_prefetch_pages_need_a_base_url():
    hostvars = {'web1': {'cdn_refresh_provider': 'alicdn', 'cdn_refresh_paths': ['https://www.example.com/a.html'],
                         'cdn_refresh_prefetch': ['/', 'https://www.example.com/b.html']}}
    assert refresh_sets(['web1'], hostvars)['problems'] == [
        "web1: 1 page(s) of cdn_refresh_prefetch are relative ('/') but cdn_refresh_base_url is not a URL; set it for "
        "this host (for example https://www.example.com) or write full URLs (https://...)"]


def test_every_fault_of_a_host_is_named_at_once_prefetch_and_release_time_included():
    hostvars = {'web1': {'cdn_refresh_paths': ['https://www.example.com/a.html'], 'cdn_refresh_prefetch': 3,
                         'cdn_refresh_release_time': 'yesterday'}}
    problem = refresh_sets(['web1'], hostvars)['problems'][0]
    assert 'cdn_refresh_provider is not set' in problem
    assert 'cdn_refresh_prefetch is 3 (int)' in problem
    assert "cdn_refresh_release_time is 'yesterday'" in problem


# --- release time (cdn_refresh_release_time -> refreshed_after) -------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('2026-11-30T08:00:00Z', '2026-11-30T08:00:00Z'),
    ('2026-11-30t08:00z', '2026-11-30T08:00:00Z'),
    ('2026-11-30T16:00:00+08:00', '2026-11-30T08:00:00Z'),
    ('2026-11-30 16:00:00.25+0800', '2026-11-30T08:00:00.250000Z'),
    ('2026-11-30T03:00:00-05', '2026-11-30T08:00:00Z'),
    (1764489600, '2025-11-30T08:00:00Z'),
    (1764489600.5, '2025-11-30T08:00:00.500000Z'),
    ('1764489600', '2025-11-30T08:00:00Z'),
    (datetime.datetime(2026, 11, 30, 16, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
     '2026-11-30T08:00:00Z'),
])
def test_a_release_time_becomes_the_sets_refreshed_after_in_utc(value, expected):
    result = one_host(['/a.html', {'path': '/img/', 'object_type': 'directory'}], cdn_refresh_release_time=value)
    assert result['problems'] == []
    assert [entry['refreshed_after'] for entry in result['alicdn']] == [expected, expected]


@pytest.mark.parametrize('value', ['2026-11-30T08:00:00', '2026-11-30', 'now', '2026-02-30T08:00:00Z',
                                   '2026-11-30T08:00:00+19:00', -1, True, [1], datetime.datetime(2026, 11, 30, 8)])
def test_a_release_time_that_is_not_a_point_in_time_is_a_problem(value):
    result = one_host(['/a.html'], cdn_refresh_release_time=value)
    assert len(result['problems']) == 1
    assert result['problems'][0].startswith('web1: cdn_refresh_release_time is ')
    assert 'with a time zone' in result['problems'][0]


@pytest.mark.parametrize('value', [None, '', '  '])
def test_no_release_time_is_no_refreshed_after(value):
    assert one_host(['/a.html'], cdn_refresh_release_time=value)['alicdn'][0]['refreshed_after'] is None


def test_a_set_gets_the_latest_release_time_of_its_hosts_or_none_if_one_has_none():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['/a.html', '/img/'], cdn_refresh_release_time='2026-11-30T08:00:00Z'),
                'web2': dict(ALI, cdn_refresh_paths=['/a.html'], cdn_refresh_release_time='2026-11-30T09:30:00+01:00'),
                'web3': dict(ALI, cdn_refresh_paths=[{'path': '/img/', 'object_type': 'directory'}],
                             cdn_refresh_release_time=None)}
    result = refresh_sets(['web1', 'web2', 'web3'], hostvars, release_time=None)
    assert {entry['object_type']: entry['refreshed_after'] for entry in result['alicdn']} == {
        'file': '2026-11-30T08:30:00Z', 'directory': None}


def test_the_roles_release_time_applies_to_hosts_without_their_own():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['/a.html']), 'web2': dict(JD, cdn_refresh_paths=['/b.html'])}
    result = refresh_sets(['web1', 'web2'], hostvars, release_time='2026-11-30T08:00:00Z')
    assert result['alicdn'][0]['refreshed_after'] == '2026-11-30T08:00:00Z'
    assert result['jdcdn'][0]['refreshed_after'] == '2026-11-30T08:00:00Z'   # (the role reports that JD re-sends)


def test_the_running_hosts_own_variables_are_not_given_to_other_hosts():
    """web1 runs the role; its provider and base URL are its inventory variables, so they reach the filter as the
    values the role sees. web2 has none of its own: it must not be sent to web1's CDN or joined to web1's site."""
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['/a.html']),
                'web2': {'cdn_refresh_paths': ['https://static.example.cn/y.html', 'favicon.ico']}}
    result = refresh_sets(['web1', 'web2'], hostvars, own_host='web1', own_paths=['/a.html'],
                          provider=ALI['cdn_refresh_provider'], base_url=ALI['cdn_refresh_base_url'])
    assert len(result['problems']) == 2, result['problems']
    assert result['problems'][0].startswith('web2: ')
    assert 'cdn_refresh_provider is not set' in result['problems'][0]
    assert 'cdn_refresh_base_url is not set' in result['problems'][0]
    assert result['problems'][1] == (
        '(cdn_refresh_base_url and cdn_refresh_provider of web1, the host running the role, come from its own inventory '
        'variables (host or group vars) and are not used for other hosts: set them for each host that asks for paths, '
        'for example in group_vars)')


def test_a_play_variable_that_differs_from_the_running_hosts_own_is_given_to_other_hosts():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['/a/'], cdn_refresh_object_type='directory'),
                'web2': {'cdn_refresh_paths': ['/b.html']}}
    result = refresh_sets(['web1', 'web2'], hostvars, own_host='web1', own_paths=['/a/'], provider='jdcdn',
                          base_url='https://static.example.cn', object_type='directory', prefetch=True)
    assert result['problems'] == []
    # web2 gets the play's provider and base URL (they differ from web1's own), but not web1's own object type
    assert urls(result, 'jdcdn', 'file') == ['https://static.example.cn/b.html']
    # web1 has its own provider, base URL and object type: like any host, its own come before the play's
    assert urls(result, 'alicdn', 'directory') == ['https://www.example.com/a/']
    assert urls(result, 'jdcdn', 'directory') == []


@pytest.mark.parametrize('provider, path, expected', [
    ('alicdn', 'ftp://www.example.com/a', "'ftp://www.example.com/a' must start with http:// or https://"),
    ('jdcdn', 'https://bad_host!/a', "'https://bad_host!/a'"),
    ('jdcdn', '/' + 'a' * 1100, 'cannot be sent to jdcdn'),
    ('alicdn', 'https://*.example.com/a.js', "'https://*.example.com/a.js'"),
])
def test_a_path_the_module_would_refuse_is_a_problem_of_the_host(provider, path, expected):
    """The vendor's own path rules (those its module applies) are checked before the first call, naming the host."""
    variables = ALI if provider == 'alicdn' else JD
    hostvars = {'web1': dict(variables, cdn_refresh_paths=['/ok.html', path]),
                'web2': dict(variables, cdn_refresh_paths=['/fine.html'])}
    result = refresh_sets(['web1', 'web2'], hostvars, own_host='controller')
    assert len(result['problems']) == 1, result['problems']
    assert result['problems'][0].startswith('web1: 1 path(s) of cdn_refresh_paths cannot be sent to %s: ' % provider)
    assert expected in result['problems'][0]


def test_every_refused_path_is_counted_and_the_first_ones_are_named():
    hostvars = {'web1': dict(ALI, cdn_refresh_paths=['ftp://a.com/%d' % n for n in range(5)])}
    problem = refresh_sets(['web1'], hostvars, own_host='controller')['problems'][0]
    assert '5 path(s) of cdn_refresh_paths cannot be sent to alicdn' in problem
    assert "'ftp://a.com/2'" in problem and "'ftp://a.com/3'" not in problem and 'and 2 more' in problem
