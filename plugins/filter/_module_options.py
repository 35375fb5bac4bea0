# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: _module_options
short_description: "[INTERNAL] The module options the cdn_refresh role passes: those whose role variable is set"
version_added: 0.1.0
author:
  - cdnops.cdn contributors
description:
  - B(Internal to the cdnops.cdn.cdn_refresh role.) Its behaviour may change in any release.
  - Pairs role variable names with their values and keeps those that are set (not null, not an empty string, not an
    empty dict), as a dict of module options. The option is the variable's name without C(cdn_refresh_<provider>_), or else without
    C(cdn_refresh_) (C(cdn_refresh_alicdn_endpoint) and C(cdn_refresh_timeout) give C(endpoint) and C(timeout)). When
    both forms give the same option, the provider's own variable wins.
  - The role uses the dict as C(module_defaults) for its module tasks, so a variable that is not set leaves the
    option to the play's C(module_defaults) groups and then to the module's environment variables.
positional: _input, values, provider
options:
  _input:
    description: The role variable names, each starting with C(cdn_refresh_).
    type: list
    elements: str
    required: true
  values:
    description: Their values, in the same order (for example from C(query('ansible.builtin.vars', ..., default=''))).
    type: list
    elements: raw
    required: true
  provider:
    description: The provider whose options these are (C(alicdn) or C(jdcdn)), or a module's own prefix
      (C(alicdn_prefetch) for C(cdn_refresh_alicdn_prefetch_area) and the other options of that module alone).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Pass the Alibaba options that are set as role variables
  module_defaults:
    cdnops.cdn.alicdn_refresh: >-
      {{ names | cdnops.cdn._module_options(query('ansible.builtin.vars', *names, default=''), 'alicdn') }}
  vars:
    names: [cdn_refresh_alicdn_endpoint, cdn_refresh_timeout]
  cdnops.cdn.alicdn_refresh:
    paths: [https://www.example.com/index.html]
"""

RETURN = r"""
_value:
  description: The module options whose variable is set, option name to value.
  type: dict
  sample: {endpoint: "https://cdn.aliyuncs.com", timeout: 60}
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

PREFIX = 'cdn_refresh_'


def _unset(value):
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, Mapping) and not value)


def module_options(names, values, provider):
    """{option: value} for every variable of `names` whose value (same index of `values`) is set.

    names: ['cdn_refresh_alicdn_endpoint', 'cdn_refresh_timeout', ...]; values: their values; provider: 'alicdn'.
    Raises AnsibleFilterError for a name without the role's prefix or lists of different lengths.
    """
    names, values = list(names), list(values)
    if len(names) != len(values):
        raise AnsibleFilterError('_module_options: %d names but %d values' % (len(names), len(values)))
    own = PREFIX + provider + '_'
    shared, specific = {}, {}
    for name, value in zip(names, values):
        if name.startswith(own):
            target, option = specific, name[len(own):]
        elif name.startswith(PREFIX):
            target, option = shared, name[len(PREFIX):]
        else:
            raise AnsibleFilterError('_module_options: %r is not a cdn_refresh role variable' % (name,))
        if not _unset(value):
            target[option] = value
    shared.update(specific)
    return shared


class FilterModule:
    """The cdn_refresh role's module options."""

    def filters(self):
        return {'_module_options': module_options}
