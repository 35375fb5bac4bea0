# Copyright (c) 2026, cdnops.cdn contributors
# BSD 2-Clause License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# Private to the cdnops.cdn collection: no compatibility promise outside it.

"""The URL rules: how a user-given path becomes the URL a vendor is sent, and how an endpoint is checked.

A vendor states its rules as data (`_vendor.PathRules`); these functions apply them. Every error is a ValidationError
naming the bad value and the fix, raised before any request.
"""

from __future__ import annotations

import re

from ansible.module_utils.six.moves.urllib.parse import quote, urlsplit

from ansible_collections.cdnops.cdn.plugins.module_utils._errors import ValidationError

# A URL path and query keep RFC 3986 unreserved characters, sub-delims and ":@/?" literal; everything else is
# percent-encoded as UTF-8. A "%" that starts a valid escape is kept, so nothing is ever encoded twice.
_URL_SAFE = "-._~!$&'()*+,;=:@/?%"
_LITERAL_TAIL = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*\Z")
_LONE_PERCENT = re.compile(r'%(?![0-9A-Fa-f]{2})')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
_HOST_LABEL = re.compile(r'[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z')
# Several URLs pasted into one string: whitespace followed by a scheme. No real file name has that.
_PASTED_SEPARATOR = re.compile(r'\s+(?=[Hh][Tt][Tt][Pp][Ss]?://)')
# A URL that normalise_path would return as it is: a lower-case scheme and ASCII host (with an optional port), a "/",
# and a tail of characters kept literally or valid %XX escapes (no "#", no white space, no control character). Group 1
# is the host. Anything else takes the full path of normalise_path.
_PLAIN_URL = re.compile(r"https?://([a-z0-9.-]+(?::[0-9]+)?)/[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*"
                        r"(?:%[0-9A-Fa-f]{2}[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*)*")
_PLAIN_TYPES = frozenset(('file', 'directory'))
# The HOST/PATH form without a scheme (PathRules.bare_host): a name with a dot, then "/". So 'index.html' and
# 'css/site.css' are never taken for a host, nor is a host alone ('www.example.com': write 'www.example.com/').
_BARE_HOST_PATH = re.compile(r'[^/?#.]+(?:\.[^/?#.]+)+/')

# Host names already checked, with their ASCII form (a refresh of 100,000 URLs has a handful of hosts).
_HOSTS = {}


def encode_url_path(text):
    """Percent-encode, as UTF-8, what a URL path or query cannot carry literally; keep existing %XX escapes.

    'a b/caf\u00e9.html' -> 'a%20b/caf%C3%A9.html'; 'a%20b' stays 'a%20b'; '100%' -> '100%25'.
    """
    if _LITERAL_TAIL.match(text):
        return text
    return quote(_LONE_PERCENT.sub('%25', text), safe=_URL_SAFE)


def split_pasted(paths):
    """Split strings that hold several URLs separated by whitespace (a list pasted as one line) into one per URL."""
    out = []
    for path in paths:
        if isinstance(path, str) and _PASTED_SEPARATOR.search(path.strip()):
            out.extend(_PASTED_SEPARATOR.split(path.strip()))
        else:
            out.append(path)
    return out


def host_ascii(host, path):
    """The lower-case ASCII form of `host` ('name' or 'name:port'), international names per IDNA 2008 / UTS #46
    (as browsers do: 'fa\u00df.de' -> 'xn--fa-hia.de'). Raises ValidationError naming `path`."""
    known = _HOSTS.get(host)
    if known:
        return known
    name, colon, port = host.partition(':')
    if colon and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValidationError('%r has an invalid port %r' % (path, port))
    if name.isascii():
        name = name.lower()
    else:
        name = _idna_ascii(name, path)
    labels = name.split('.')
    if len(labels) < 2 or not all(len(label) < 64 and _HOST_LABEL.match(label) for label in labels):
        raise ValidationError('%r has an invalid host name %r (expected a domain such as www.example.com)' % (path, name))
    _HOSTS[host] = result = name + colon + port
    return result


def _idna_ascii(name, path):
    """The ASCII (xn--) form of the international host name `name`, per UTS #46; raises ValidationError naming `path`.

    idna is imported here, not at the top: it comes with requests, and most runs have ASCII host names only.
    """
    try:
        import idna
    except ImportError:
        raise ValidationError('%r has a non-ASCII host name %r: install the Python package idna, or give its '
                              'xn-- form' % (path, name))
    try:
        return idna.encode(name, uts46=True).decode('ascii')
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValidationError('%r has an invalid international host name %r (%s)' % (path, name, exc))


def normalise_path(path, object_type, rules):
    """Return (url, domain) for one user-given path, or raise ValidationError naming it.

    `rules` is the vendor's PathRules. The path is trimmed; the scheme and host are checked and lower-cased; a
    fragment ('#top') is dropped, as browsers never send it (a '#' in a file name is written '%23'); with
    object_type 'ignore_params' the query is dropped, as the vendor ignores it; the rest is percent-encoded without
    double-encoding, except for object types in `rules.raw_types` (regular expressions), which are sent as written.

    A plain URL is returned by plain_url, in one regular expression match (a large list is mostly such URLs); every
    other path, and every error, takes the full steps (normalise_path_fully).
    """
    return plain_url(path, object_type, rules) or normalise_path_fully(path, object_type, rules)


def plain_url(path, object_type, rules):
    """(path, domain) if `path` is a URL that normalise_path_fully would return unchanged, else None (not known).

    That is a file or directory URL matching _PLAIN_URL, within the length limit, a directory ending with "/", whose
    host was checked before (by normalise_path_fully) and is in its normal form. Never raises.
    """
    if object_type not in _PLAIN_TYPES or object_type in rules.raw_types or not isinstance(path, str):
        return None
    match = _PLAIN_URL.fullmatch(path)
    if not match or len(path) > rules.max_length or (object_type == 'directory' and not path.endswith('/')):
        return None
    host = match.group(1)
    if _HOSTS.get(host) != host:
        return None
    return path, host.partition(':')[0]


def normalise_path_fully(path, object_type, rules):
    """normalise_path without the shortcut for plain URLs (every step, for every path)."""
    text = path.strip() if isinstance(path, str) else path
    if not text or not isinstance(text, str):
        raise ValidationError('an empty path was given (%r)' % (path,))
    if _CONTROL.search(text):
        raise ValidationError('%r contains a control character (line break, tab, ...): give one path per list item'
                              % path)
    scheme, separator, rest = text.partition('://')
    if separator:
        scheme = scheme.lower()
        if scheme not in ('http', 'https'):
            raise ValidationError('%r must start with http:// or https://' % path)
    elif rules.bare_host and _BARE_HOST_PATH.match(text):
        scheme, rest = '', text
    elif rules.bare_host:
        raise ValidationError('%r is not a URL: it must start with http:// or https://, or be HOST/PATH (the form '
                              'without a scheme, which needs a host name with a dot, then "/")' % path)
    else:
        raise ValidationError('%r is not a URL: it must start with http:// or https://' % path)
    host, slash, tail = rest.partition('/')
    raw = object_type in rules.raw_types
    if not raw:
        # A '?' or '#' may also end the host: 'https://example.com?x' is 'https://example.com/?x'.
        for mark in '?#':
            if mark in host:
                host, moved = host.split(mark, 1)
                tail = mark + moved + slash + tail
        tail = tail.partition('#')[0]
        if object_type == 'ignore_params':
            tail = tail.partition('?')[0]
    if '@' in host:
        raise ValidationError('%r must not carry user information before the host name' % path)
    host = host_ascii(host, path)
    url = host + '/' + (tail if raw else encode_url_path(tail))
    if scheme:
        url = scheme + '://' + url
    if object_type == 'directory' and not url.endswith('/'):
        raise ValidationError('%r is not a directory: with object_type=directory every path must end with "/"' % path)
    if len(url) > rules.max_length:
        raise ValidationError('%r is %d characters long once encoded; the limit is %d' % (path, len(url), rules.max_length))
    return url, host.partition(':')[0]


def check_prefetchable(url, path):
    """Raise ValidationError naming `path` unless its normalised `url` names one object a client can request.

    A prefetch fetches single URLs: neither vendor prefetches a regular expression or a wildcard, so a "*" is refused
    (a literal "*" in a file name can be written %2A). A URL ending in "/" is accepted: it is the page the origin
    serves for it (a site's home page is the hottest URL of all); a directory refresh is never turned into a prefetch.
    """
    if '*' in url:
        raise ValidationError('%r looks like a regular expression or a wildcard (it contains "*"): a prefetch fetches '
                              'single URLs, so give them (write a "*" that is part of a file name as %%2A)' % path)


def validate_endpoint(endpoint):
    """Accept http(s)://host[:port] with an optional trailing slash; return it without the slash."""
    parts = urlsplit(endpoint.strip())
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ('http', 'https') or not parts.hostname or parts.path not in ('', '/') or parts.query or not port_ok:
        raise ValidationError('endpoint %r must look like https://host or http://host:port' % endpoint)
    return '%s://%s' % (parts.scheme, parts.netloc)
