# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: _refresh_sets
short_description: "[INTERNAL] Read what the hosts ask the CDN to refresh, merged per provider and object type"
version_added: 0.1.0
author:
  - cdnops.cdn contributors
description:
  - B(Internal to the cdnops.cdn.cdn_refresh role.) Its behaviour may change in any release.
  - Reads C(cdn_refresh_paths), C(cdn_refresh_provider), C(cdn_refresh_base_url), C(cdn_refresh_object_type),
    C(cdn_refresh_prefetch) and C(cdn_refresh_release_time) of every host of the input from O(hostvars). A host
    without its own provider, base URL, object type, prefetch or release time gets O(provider), O(base_url),
    O(object_type), O(prefetch) or O(release_time), unless that value is one of O(own_host)'s own host variables
    (inventory variables, facts; equal to its value in O(hostvars)). A host's own values are never given to another
    host, which then gets the role's default (no provider, no base URL, V(file), no prefetch, no release time).
    O(own_host) is read like the others, except that its paths are O(own_paths).
  - A string is one path per line (lines trimmed, blank lines skipped). A list holds strings, dicts
    C({path, object_type}) and lists. A dict with C(path) is one such item; a dict without it maps object types to
    lists of paths.
  - A path with a scheme (C(https://...)) is used as given. Any other path is site-relative and is joined to the
    host's base URL (C(index.html), C(/index.html) and C(./index.html) alike); C(//host/x) gets the base URL's
    scheme. A host whose relative paths have no base URL is a problem, never a guess.
  - Merges the paths per provider and object type, de-duplicated in the order first seen.
  - A set's C(refreshed_after) is the latest release time of the hosts that ask for it (a task created after it
    covers every host's change), or null when one of them has none (then everything is refreshed).
  - What each asking host wants prefetched after the refresh, from C(cdn_refresh_prefetch) - V(true), its file
    URLs (never its directories, regular expressions or ignore_params paths), or a list (or lines) of pages joined to
    its base URL like its paths - is returned as requests that the filter C(_prefetch_sets) resolves once the refresh
    is done. A path with C(*) cannot be prefetched and is a problem.
positional: _input, hostvars
options:
  _input:
    description: The inventory names of the hosts whose paths count (a list, or a string of names separated by
      commas or white space).
    type: raw
    required: true
  hostvars:
    description: Ansible's C(hostvars).
    type: dict
    required: true
  own_host:
    description: The host that runs the role (C(inventory_hostname)).
    type: str
  own_paths:
    description: The C(cdn_refresh_paths) the role sees for O(own_host).
    type: raw
  provider:
    description: The C(cdn_refresh_provider) the role sees, for hosts without their own.
    type: str
  base_url:
    description: The C(cdn_refresh_base_url) the role sees, for hosts without their own.
    type: str
  object_type:
    description: The C(cdn_refresh_object_type) the role sees, for hosts without their own.
    type: str
    default: file
  prefetch:
    description: The C(cdn_refresh_prefetch) the role sees, for hosts without their own (a boolean, or paths).
    type: raw
    default: false
  release_time:
    description: The C(cdn_refresh_release_time) the role sees, for hosts without their own (an ISO 8601 date-time
      with a time zone, or epoch seconds).
    type: raw
"""

EXAMPLES = r"""
- name: Read and merge what the hosts ask for
  ansible.builtin.set_fact:
    cdn_refresh__sets: >-
      {{ ansible_play_batch | cdnops.cdn._refresh_sets(hostvars, own_host=inventory_hostname,
           own_paths=cdn_refresh_paths, provider=cdn_refresh_provider | default(none)) }}
"""

RETURN = r"""
_value:
  description:
    - C(alicdn) and C(jdcdn) - the sets to refresh, one per object type (in the order file, directory, regex,
      ignore_params), each C({object_type, paths, hosts, refreshed_after}), C(hosts) being the number of hosts that
      asked for them and C(refreshed_after) the set's release time as C(YYYY-MM-DDTHH:MM:SS[.ffffff]Z), or null.
    - C(prefetch) - C({alicdn, jdcdn}), each a list of prefetch requests, one per asking host that wants a prefetch,
      C({pages, refreshed_only, urls}). C(pages) are the URLs to prefetch; with C(refreshed_only) (V(true)) a page is
      prefetched only if this run refreshed it; otherwise (a list of pages) they are prefetched if this run refreshed
      any of C(urls), the host's refresh URLs.
    - C(prefetch_wanted) - whether any request exists (the role then waits for the refresh).
    - C(problems) - one message per host and kind of fault, each starting with the host's name; empty when every
      host's variables allow a refresh.
    - C(hosts) - the number of hosts that asked for at least one path.
  type: dict
"""

import calendar
import datetime
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.cdnops.cdn.plugins.module_utils._alicdn import AlicdnClient
from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ValidationError
from ansible_collections.cdnops.cdn.plugins.module_utils._jdcdn import JdcdnClient
from ansible_collections.cdnops.cdn.plugins.module_utils._urls import normalise_path

PROVIDERS = {'alicdn': ('file', 'directory', 'regex', 'ignore_params'), 'jdcdn': ('file', 'directory')}
# Each vendor's path rules, as its module applies them: a path the module would refuse is a fault of the host's
# variables, found before the first call.
PATH_RULES = {'alicdn': AlicdnClient.rules, 'jdcdn': JdcdnClient.rules}
OBJECT_TYPES = ('file', 'directory', 'regex', 'ignore_params')
DICT_KEYS = ('path', 'object_type')
SCHEME = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')
BASE_URL = re.compile(r'^https?://[^/\s?#]+', re.IGNORECASE)
SHOWN = 3   # paths quoted in a problem message
# The forms refreshed_after takes (alicdn_refresh): ISO 8601 with a time zone, or epoch seconds.
ISO_8601 = re.compile(r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?'
                      r'(?:([Zz])|([+-])(\d{2}):?(\d{2})?)\Z')
EPOCH = re.compile(r'\d+(?:\.\d+)?\Z')
LATEST_EPOCH = 253402300799   # 9999-12-31T23:59:59Z


class _Problem(Exception):
    """A fault in one host's variables; the message does not name the host (the caller adds it)."""


def _unset(value):
    return value is None or (isinstance(value, str) and not value.strip())


# The role's own defaults of the values a host may set for itself (tasks/main.yml, meta/argument_specs.yml).
ROLE_DEFAULTS = {'cdn_refresh_provider': None, 'cdn_refresh_base_url': None, 'cdn_refresh_object_type': 'file',
                 'cdn_refresh_prefetch': False, 'cdn_refresh_release_time': None}


def _fallbacks(hostvars, own_host, seen):
    """({variable: value for hosts without their own}, [variables whose value the role sees is own_host's own]).

    seen: {variable: the value the role sees}, which includes own_host's host variables (inventory, facts) as well as
    play and role variables. A value equal to own_host's own in `hostvars` (which holds no play or role variables) is
    that host's, and other hosts get the role's default instead (a play variable that happens to be equal is taken
    for the host's too: then the hosts without their own are named as problems, never sent elsewhere).
    """
    own = hostvars[own_host] if own_host is not None and own_host in hostvars else None
    fallbacks, dropped = {}, []
    for name, value in seen.items():
        mine = _host_value(own, name, None)
        if mine is not None and not _unset(value) and mine == value:
            fallbacks[name] = ROLE_DEFAULTS[name]
            dropped.append(name)
        else:
            fallbacks[name] = value
    return fallbacks, dropped


def _host_value(variables, name, fallback):
    """`variables[name]` unless it is missing, null or blank; then `fallback`."""
    if variables is not None and name in variables:
        value = variables[name]
        if not _unset(value):
            return value
    return fallback


def _object_type(value, where):
    """The object type `value` (trimmed); raise _Problem naming `where` if it is not one."""
    name = value.strip() if isinstance(value, str) else value
    if name not in OBJECT_TYPES:
        raise _Problem('%s is %r; it must be one of %s' % (where, value, ', '.join(OBJECT_TYPES)))
    return name


def _epoch(value):
    """Epoch seconds (float) for a release time, or None when `value` is not one of the accepted forms.

    Accepted: an ISO 8601 date-time with a time zone ('2026-11-30T08:00:00Z', '2026-11-30 16:00:00+08:00', seconds and
    a fraction optional), epoch seconds (a number, or a string of digits with an optional fraction), or a datetime
    with a time zone (YAML reads an unquoted date-time as one). A date-time without a time zone is refused.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.timestamp() if value.tzinfo is not None else None
    if isinstance(value, (int, float)):
        return float(value) if 0 <= value <= LATEST_EPOCH else None
    text = str(value).strip()
    if EPOCH.match(text):
        return _epoch(float(text))
    match = ISO_8601.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, hours, minutes = match.groups()
    fields = (int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    try:
        datetime.datetime(*fields)
    except ValueError:
        return None
    if int(hours or 0) > 18 or int(minutes or 0) > 59:
        return None
    offset = 0 if zulu else (1 if sign == '+' else -1) * (int(hours) * 3600 + int(minutes or 0) * 60)
    return calendar.timegm(fields + (0, 0, 0)) - offset + (float('0.' + fraction) if fraction else 0.0)


def _iso(epoch):
    """'2026-11-30T08:00:00Z', or '2026-11-30T08:00:00.250000Z' with a fraction, for epoch seconds."""
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=epoch)
    return moment.strftime('%Y-%m-%dT%H:%M:%S' + ('.%f' if moment.microsecond else '') + 'Z')


def _release_time(value):
    """The epoch seconds of a host's cdn_refresh_release_time, or None when it has none; raises _Problem."""
    if _unset(value):
        return None
    epoch = _epoch(value)
    if epoch is None:
        raise _Problem('cdn_refresh_release_time is %s, which is not a date-time with a time zone or epoch seconds; '
                       'write it as 2026-11-30T08:00:00Z, 2026-11-30T16:00:00+08:00 or epoch seconds (1796025600)'
                       % _short(value))
    return epoch


def _prefetch_spec(value):
    """A host's cdn_refresh_prefetch: (False, []) nothing, (True, []) its refreshed file URLs, or (None, [paths]).

    A string that reads as a boolean (true/false, yes/no, as `-e cdn_refresh_prefetch=true` gives it) is one;
    any other string is one path per line. Raises _Problem for another type.
    """
    if value is None or isinstance(value, bool):
        return bool(value), []
    if isinstance(value, str):
        if value.strip().lower() in BOOLEANS_TRUE:
            return True, []
        if value.strip().lower() in BOOLEANS_FALSE or not value.strip():
            return False, []
        return None, _lines(value)
    if isinstance(value, (list, tuple)):
        paths = []
        for item in value:
            if isinstance(item, (list, tuple)):
                paths.extend(_prefetch_spec(item)[1])
            elif isinstance(item, str):
                paths.extend(_lines(item))
            elif item is not None:
                raise _Problem('cdn_refresh_prefetch holds %s (%s), which is not a page; give true, false, or the '
                               'URLs or site-relative paths of the pages to prefetch' % (_short(item), type(item).__name__))
        return None, paths
    raise _Problem('cdn_refresh_prefetch is %s (%s); give true, false, or the URLs or site-relative paths of the pages '
                   'to prefetch' % (_short(value), type(value).__name__))


def _lines(text):
    """One path per line: trimmed, blank lines skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _entries(value, object_type=None):
    """Flatten a cdn_refresh_paths value into [(path, object_type or None), ...]; None: the host's object type.

    Raises _Problem for a value that cannot be a path.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [(line, object_type) for line in _lines(value)]
    if isinstance(value, Mapping):
        if 'path' in value:
            unknown = sorted(str(key) for key in value if key not in DICT_KEYS)
            if unknown:
                raise _Problem('the item %s of cdn_refresh_paths has unknown key(s) %s; an item is '
                               '{path: ..., object_type: ...}' % (_short(value), ', '.join(unknown)))
            given = value.get('object_type')
            if not _unset(given):
                object_type = _object_type(given, 'the object_type of %s' % _short(value.get('path')))
            return _entries(value['path'], object_type)
        entries = []
        for key, paths in value.items():
            try:
                kind = _object_type(key, 'the key %r of cdn_refresh_paths' % (key,))
            except _Problem:
                raise _Problem('cdn_refresh_paths is a mapping whose key %r is neither "path" nor an object type; give '
                               'a list of paths, items {path: ..., object_type: ...}, or a mapping of object types (%s) '
                               'to paths' % (key, ', '.join(OBJECT_TYPES)))
            entries.extend(_entries(paths, kind))
        return entries
    if isinstance(value, (list, tuple)):
        entries = []
        for item in value:
            entries.extend(_entries(item, object_type))
        return entries
    raise _Problem('cdn_refresh_paths holds %s (%s), which is not a path; give strings such as /index.html or '
                   'https://www.example.com/index.html' % (_short(value), type(value).__name__))


def _short(value, width=80):
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + '...'


def _first(texts, separator=', '):
    """The first SHOWN of `texts`, joined with `separator`, then how many more there are."""
    return separator.join(texts[:SHOWN]) + (' and %d more' % (len(texts) - SHOWN) if len(texts) > SHOWN else '')


def _quote(paths):
    return _first([repr(path) for path in paths])


def _join(path, base_url):
    """The URL of `path`: as given with a scheme, else joined to `base_url` (None when there is no base URL)."""
    if SCHEME.match(path):
        return path
    if not base_url:
        return None
    if path.startswith('//'):
        return base_url.split('//', 1)[0] + path
    while path.startswith('./'):
        path = path[2:]
    return base_url.rstrip('/') + '/' + path.lstrip('/')


def _host_rows(entries, provider, base_url, object_type):
    """The rows of one host's entries: [(provider, object_type, url), ...]; raises _Problem (faults joined by '; ')."""
    problems = []
    provider_name = provider.strip().lower() if isinstance(provider, str) else provider
    if _unset(provider_name):
        problems.append('cdn_refresh_paths has %d path(s) but cdn_refresh_provider is not set; set it to alicdn or '
                        'jdcdn for this host (for example in its group_vars)' % len(entries))
    elif not isinstance(provider_name, str) or provider_name not in PROVIDERS:
        problems.append('cdn_refresh_provider is %s; it must be alicdn or jdcdn' % _short(provider))

    try:
        default_type = _object_type(object_type, 'cdn_refresh_object_type')
    except _Problem as exc:
        problems.append(str(exc))
        default_type = 'file'

    base = base_url.strip() if isinstance(base_url, str) else base_url
    relative = [path for path, dummy in entries if not SCHEME.match(path)]
    if relative and _unset(base):
        problems.append('%d path(s) of cdn_refresh_paths are relative (%s) but cdn_refresh_base_url is not set; set '
                        'cdn_refresh_base_url for this host (for example https://www.example.com) or write full URLs '
                        '(https://...)' % (len(relative), _quote(relative)))
    elif relative and not (isinstance(base, str) and BASE_URL.match(base)):
        problems.append('cdn_refresh_base_url is %s, not a URL; write it with its scheme, for example '
                        'https://www.example.com' % _short(base_url))

    rows = []
    if isinstance(provider_name, str) and provider_name in PROVIDERS:
        supported = PROVIDERS[provider_name]
        unsupported = sorted({kind or default_type for dummy, kind in entries} - set(supported))
        if unsupported:
            problems.append('object type %s is not supported by %s (%s)'
                            % (', '.join(unsupported), provider_name, ', '.join(supported)))
        for path, kind in entries:
            rows.append((provider_name, kind or default_type, _join(path, base)))
    if not problems:
        invalid = []
        for dummy, kind, url in rows:
            try:
                normalise_path(url, kind, PATH_RULES[provider_name])
            except ValidationError as exc:
                invalid.append(str(exc))
        if invalid:
            problems.append('%d path(s) of cdn_refresh_paths cannot be sent to %s: %s' % (
                len(invalid), provider_name, _first(invalid, '; ')))
    if problems:
        raise _Problem('; '.join(problems))
    return rows


def _host_names(hosts):
    if hosts is None:
        return []
    if isinstance(hosts, str):
        return [name for name in re.split(r'[\s,]+', hosts) if name]
    if isinstance(hosts, (list, tuple)):
        return [str(name) for name in hosts]
    raise AnsibleFilterError('cdn_refresh_hosts must be a list of inventory host names, not %s' % type(hosts).__name__)


def _host_prefetch(value, rows, base_url):
    """The prefetch request of one asking host ({pages, refreshed_only, urls}), or None; raises _Problem.

    value: its cdn_refresh_prefetch; rows: its refresh rows [(provider, object_type, url)]; base_url: its base URL.
    """
    everything, pages = _prefetch_spec(value)
    if everything:
        files = [url for dummy, kind, url in rows if kind == 'file' and '*' not in url]
        return {'pages': list(dict.fromkeys(files)), 'refreshed_only': True, 'urls': []} if files else None
    if not pages:
        return None
    problems = []
    base = base_url.strip() if isinstance(base_url, str) else base_url
    relative = [page for page in pages if not SCHEME.match(page)]
    if relative and not (isinstance(base, str) and BASE_URL.match(base)):
        problems.append('%d page(s) of cdn_refresh_prefetch are relative (%s) but cdn_refresh_base_url is not a URL; set '
                        'it for this host (for example https://www.example.com) or write full URLs (https://...)'
                        % (len(relative), _quote(relative)))
    wild = [page for page in pages if '*' in page]
    if wild:
        problems.append('cdn_refresh_prefetch names %s, which cannot be prefetched: a prefetch fetches single URLs, and '
                        'a "*" looks like a wildcard (write a "*" that is part of a file name as %%2A)' % _quote(wild))
    if problems:
        raise _Problem('; '.join(problems))
    return {'pages': list(dict.fromkeys(_join(page, base) for page in pages)), 'refreshed_only': False,
            'urls': list(dict.fromkeys(url for dummy, kind, url in rows))}


def refresh_sets(hosts, hostvars, own_host=None, own_paths=None, provider=None, base_url=None, object_type='file',
                 prefetch=False, release_time=None):
    """Read and merge what `hosts` ask for (see DOCUMENTATION).

    hosts: list of host names; hostvars: {host: {variable: value}}; the other arguments are the values the role sees.
    Returns {'alicdn': [{'object_type', 'paths', 'hosts', 'refreshed_after'}, ...], 'jdcdn': [...],
    'prefetch': {'alicdn': [request], 'jdcdn': [request]}, 'prefetch_wanted': bool, 'problems': [str], 'hosts': int}.
    """
    merged = {}      # (provider, object_type) -> {url: None}, insertion-ordered
    askers = {}      # (provider, object_type) -> set of host names
    released = {}    # (provider, object_type) -> [epoch seconds or None, one per asking host]
    requests = {'alicdn': [], 'jdcdn': []}
    problems = []
    asking = 0
    seen = set()
    fallback, dropped = _fallbacks(hostvars, own_host, {
        'cdn_refresh_provider': provider, 'cdn_refresh_base_url': base_url, 'cdn_refresh_object_type': object_type,
        'cdn_refresh_prefetch': prefetch, 'cdn_refresh_release_time': release_time})
    lacking = set()   # the dropped variables that a host without its own value needed
    for name in _host_names(hosts):
        if name in seen:
            continue
        seen.add(name)
        if name == own_host:   # its paths are those the role sees (play variables count for it); its values its own
            variables, paths = (hostvars[name] if name in hostvars else None), own_paths
        else:
            if name not in hostvars:
                problems.append('%s: named in cdn_refresh_hosts but not in the inventory' % name)
                continue
            variables = hostvars[name]
            paths = variables['cdn_refresh_paths'] if 'cdn_refresh_paths' in variables else None
        faults, rows, request, release = [], [], None, None
        try:
            entries = _entries(paths)
        except _Problem as exc:
            problems.append('%s: %s' % (name, exc))
            continue
        if not entries:
            continue   # (a host that asks for nothing needs no provider)
        host = {key: _host_value(variables, key, value) for key, value in fallback.items()}
        host_base = host['cdn_refresh_base_url']
        try:
            rows = _host_rows(entries, host['cdn_refresh_provider'], host_base, host['cdn_refresh_object_type'])
        except _Problem as exc:
            faults.append(str(exc))
        try:
            request = _host_prefetch(host['cdn_refresh_prefetch'], rows, host_base)
        except _Problem as exc:
            faults.append(str(exc))
        try:
            release = _release_time(host['cdn_refresh_release_time'])
        except _Problem as exc:
            faults.append(str(exc))
        if faults:
            problems.append('%s: %s' % (name, '; '.join(faults)))
            lacking.update(key for key in dropped if '%s is not set' % key in problems[-1])   # (_host_rows' words)
            continue
        asking += 1
        for row_provider, kind, url in rows:
            merged.setdefault((row_provider, kind), {})[url] = None
        for key in {(row_provider, kind) for row_provider, kind, dummy in rows}:   # (each host once per set)
            askers.setdefault(key, set()).add(name)
            released.setdefault(key, []).append(release)
        if request:
            requests[rows[0][0]].append(request)

    if lacking:
        problems.append('(%s of %s, the host running the role, %s from its own inventory variables (host or group '
                        'vars) and %s not used for other hosts: set %s for each host that asks for paths, for example '
                        'in group_vars)'
                        % (' and '.join(sorted(lacking)), own_host, 'comes' if len(lacking) == 1 else 'come',
                           'is' if len(lacking) == 1 else 'are', 'it' if len(lacking) == 1 else 'them'))
    result = {'alicdn': [], 'jdcdn': [], 'prefetch': requests,
              'prefetch_wanted': bool(requests['alicdn'] or requests['jdcdn']), 'problems': problems, 'hosts': asking}
    for row_provider in PROVIDERS:
        for kind in OBJECT_TYPES:
            if (row_provider, kind) in merged:
                times = released[(row_provider, kind)]
                result[row_provider].append({
                    'object_type': kind, 'paths': list(merged[(row_provider, kind)]),
                    'hosts': len(askers[(row_provider, kind)]),
                    'refreshed_after': None if None in times else _iso(max(times))})
    return result


class FilterModule:
    """The cdn_refresh role's host reader."""

    def filters(self):
        return {'_refresh_sets': refresh_sets}
