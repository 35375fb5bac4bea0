# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The URL rules: what a user-given path becomes on the wire, and what is refused before any request."""

from __future__ import annotations

import re

import pytest

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import (
    encode_url_path, normalise_path, normalise_path_fully, plain_url, split_pasted, validate_endpoint)
from ansible_collections.cdnops.cdn.plugins.module_utils._vendor import PathRules

URL_ONLY = PathRules(bare_host=False, max_length=1024, raw_types=frozenset())
BARE_HOST = PathRules(bare_host=True, max_length=1024, raw_types=frozenset(['regex']))


def url(raw, object_type='file', rules=URL_ONLY):
    return normalise_path(raw, object_type, rules)[0]


@pytest.mark.parametrize('raw, expected', [
    ('https://www.example.com/index.html', 'https://www.example.com/index.html'),
    ('  HTTPS://WWW.Example.COM/Index.HTML  ', 'https://www.example.com/Index.HTML'),
    ('http://example.com/a b/c.jpg', 'http://example.com/a%20b/c.jpg'),
    ('http://example.com/a%20b/c.jpg', 'http://example.com/a%20b/c.jpg'),
    ('http://example.com/caf\u00e9.html', 'http://example.com/caf%C3%A9.html'),
    ('http://example.com/caf%C3%A9.html', 'http://example.com/caf%C3%A9.html'),
    ('http://example.com/q?x=1&y=a%2Fb', 'http://example.com/q?x=1&y=a%2Fb'),
    ('http://example.com/100%', 'http://example.com/100%25'),
    ('http://example.com/a%23b.html', 'http://example.com/a%23b.html'),
    ('http://example.com', 'http://example.com/'),
    ('http://example.com:8080/x', 'http://example.com:8080/x'),
    ('http://\u4f8b\u5b50.\u6d4b\u8bd5/a', 'http://xn--fsqu00a.xn--0zwm56d/a'),
])
def test_normalise(raw, expected):
    assert url(raw) == expected


@pytest.mark.parametrize('raw, expected', [
    # IDNA 2008 / UTS #46 as browsers and registries use, not Python's IDNA 2003 codec (which gives fass.de)
    ('https://fa\u00df.de/index.html', 'https://xn--fa-hia.de/index.html'),
    ('https://FA\u00df.DE/', 'https://xn--fa-hia.de/'),
    ('https://\u03c2\u03bf\u03c5.gr/', 'https://xn--0xafk.gr/'),  # final sigma kept (IDNA 2003 maps it: xn--0xahh)
    ('https://xn--fa-hia.de/a', 'https://xn--fa-hia.de/a'),
    ('https://caf\u00e9.fr/a', 'https://xn--caf-dma.fr/a'),
])
def test_international_host_names_follow_uts46(raw, expected):
    assert url(raw) == expected


def test_invisible_joiner_in_a_host_name_is_refused():
    with pytest.raises(ValidationError, match='invalid international host name'):
        url('https://a\u200db.example.com/x')


@pytest.mark.parametrize('raw, expected', [
    ('https://www.example.com/#top', 'https://www.example.com/'),
    ('https://www.example.com/a.html#x?y', 'https://www.example.com/a.html'),
    ('https://www.example.com/a.html?v=1#x', 'https://www.example.com/a.html?v=1'),
    ('https://www.example.com#top', 'https://www.example.com/'),
    ('https://www.example.com?v=2', 'https://www.example.com/?v=2'),
])
def test_fragment_is_dropped_as_browsers_never_send_it(raw, expected):
    assert url(raw) == expected


def test_regex_is_sent_as_written():
    assert url('example.com/img/.*\\.jpg#?', 'regex', BARE_HOST) == 'example.com/img/.*\\.jpg#?'


def test_ignore_params_drops_the_query_so_variants_are_one_path():
    assert url('https://a.example.com/app.js?v=1', 'ignore_params') == 'https://a.example.com/app.js'


def test_pasted_lists_are_split_into_urls():
    assert split_pasted(['https://a.example.com/index.html https://a.example.com/sw.js',
                         'https://a.example.com/a b.html', ' http://x.example.com/1\n\tHTTPS://x.example.com/2 ']) == [
        'https://a.example.com/index.html', 'https://a.example.com/sw.js',
        'https://a.example.com/a b.html', 'http://x.example.com/1', 'HTTPS://x.example.com/2']


def test_encoding_is_idempotent():
    once = url('http://example.com/\u4e2d \u6587/%zz?a=b c')
    assert url(once) == once
    assert encode_url_path(encode_url_path('a b%')) == encode_url_path('a b%') == 'a%20b%25'


def test_bare_host_only_when_allowed():
    assert normalise_path('Example.com/a', 'file', BARE_HOST) == ('example.com/a', 'example.com')
    with pytest.raises(ValidationError, match="'example.com/a' is not a URL"):
        url('example.com/a')


@pytest.mark.parametrize('raw', ['index.html', 'www.example.com', 'css/site.css', 'img/', 'example.com?x=1',
                                 'example.com./a', '.example.com/a', '/a.html'])
def test_the_form_without_a_scheme_needs_a_host_name_with_a_dot_then_a_slash(raw):
    # A file name or a relative path is never sent as a domain (the vendor would refuse the whole call).
    with pytest.raises(ValidationError, match=r"^'%s' is not a URL: .* or be HOST/PATH \(.*a host name with a dot, "
                                              r"then \"/\"\)$" % re.escape(raw)):
        normalise_path(raw, 'file', BARE_HOST)


@pytest.mark.parametrize('raw, expected', [('WWW.Example.com/', 'www.example.com/'),
                                           ('static.example.cn:8080/js/app.js', 'static.example.cn:8080/js/app.js'),
                                           ('example.com/img/a b.png', 'example.com/img/a%20b.png')])
def test_the_form_without_a_scheme_is_normalised_like_a_url(raw, expected):
    assert normalise_path(raw, 'file', BARE_HOST)[0] == expected


@pytest.mark.parametrize('raw, message', [
    ('ftp://example.com/a', 'must start with http'),
    ('http://exa_mple.com/a', 'invalid'),
    ('http://localhost/a', 'invalid host name'),
    ('http://user@example.com/a', 'user information'),
    ('http://example.com:99999/a', 'invalid port'),
    ('http://example.com/a\nhttp://example.com/b', 'control character'),
    ('   ', 'empty path'),
    ('index.html', 'is not a URL'),
])
def test_invalid_paths_are_named(raw, message):
    with pytest.raises(ValidationError, match=message):
        url(raw)


def test_directories_must_end_with_slash():
    assert url('http://example.com/img/', 'directory') == 'http://example.com/img/'
    with pytest.raises(ValidationError, match='must end with "/"'):
        url('http://example.com/img', 'directory')


def test_length_limit_counts_the_encoded_url():
    rules = PathRules(bare_host=False, max_length=40, raw_types=frozenset())
    with pytest.raises(ValidationError, match='characters long once encoded; the limit is 40'):
        url('http://example.com/' + '\u00e9' * 5, rules=rules)


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


# -- the shortcut for plain URLs gives what the full steps give ------------------------------------------------------

TRICKY = [
    'https://www.example.com/index.html', 'https://www.example.com/', 'https://www.example.com/a/b/',
    'http://example.com:8080/x', 'http://example.com:0/x', 'http://example.com:99999/x', 'http://example.com:/x',
    'https://www.example.com/a%20b.css', 'https://www.example.com/a%2', 'https://www.example.com/a%zz',
    'https://www.example.com/100%', 'https://www.example.com/%%41', 'https://www.example.com/a%2Fb%2f',
    "https://www.example.com/q?x=1&y=a%2Fb;c=d,e+f*g'h(i)!$~@:",
    'https://www.example.com/a#top', 'https://www.example.com/a b', 'https://www.example.com/caf\u00e9',
    'https://www.example.com/a\tb', 'https://www.example.com/a\nb', ' https://www.example.com/a',
    'https://www.example.com/a ', 'HTTPS://www.example.com/a', 'https://WWW.example.com/a', 'https://www.Example.com/a',
    'https://user@www.example.com/a', 'https://localhost/a', 'https://-bad-.example.com/a', 'https://a..b.com/a',
    'https://a.example.com./a', 'https://%41.example.com/a', 'https://www.example.com?x=1', 'https://www.example.com',
    'https://www.example.com/a"b', 'https://www.example.com/a<b>', 'https://www.example.com/a\\b', 'https://www.example.com/a|b',
    'https://www.example.com/a^b', 'https://www.example.com/a`b', 'https://www.example.com/a{b}', 'https://www.example.com/[a]',
    'https://www.example.com/a*b', 'https://' + 'a' * 63 + '.com/x', 'https://' + 'a' * 64 + '.com/x',
    'https://www.example.com/' + 'x' * 1000, 'https://www.example.com/' + 'x' * 1001, 'ftp://www.example.com/a',
    'www.example.com/a', 'https://xn--fa-hia.de/a', 'https://www.example.com/\u00e9%C3%A9', '',
]


def outcome(function, path, object_type, rules):
    try:
        return function(path, object_type, rules)
    except ValidationError as exc:
        return 'error: %s' % exc


@pytest.mark.parametrize('object_type', ['file', 'directory', 'regex', 'ignore_params'])
@pytest.mark.parametrize('rules', [URL_ONLY, BARE_HOST], ids=['url-only', 'bare-host'])
def test_the_shortcut_for_plain_urls_gives_the_full_result_or_error(object_type, rules):
    for path in TRICKY:
        for candidate in (path, path + '/'):
            full = outcome(normalise_path_fully, candidate, object_type, rules)
            assert outcome(normalise_path, candidate, object_type, rules) == full, candidate
            # asked again, once the host is known (the shortcut needs a host checked before)
            assert outcome(normalise_path, candidate, object_type, rules) == full, candidate


def test_the_shortcut_is_taken_for_plain_urls_and_only_for_them():
    normalise_path('https://shortcut.example.com/', 'file', URL_ONLY)      # the host is checked once
    assert plain_url('https://shortcut.example.com/a%20b.css?v=1', 'file', URL_ONLY) == (
        'https://shortcut.example.com/a%20b.css?v=1', 'shortcut.example.com')
    assert plain_url('https://shortcut.example.com/img/', 'directory', URL_ONLY) is not None
    for path, object_type in [('https://shortcut.example.com/a b', 'file'), ('https://Shortcut.example.com/a', 'file'),
                              ('https://shortcut.example.com/a#b', 'file'), ('https://shortcut.example.com/a%2', 'file'),
                              ('https://shortcut.example.com/img', 'directory'), ('https://shortcut.example.com/a', 'regex'),
                              ('https://shortcut.example.com/a?v=1', 'ignore_params'), ('https://never.example.com/a', 'file'),
                              (None, 'file')]:
        assert plain_url(path, object_type, BARE_HOST) is None, path
