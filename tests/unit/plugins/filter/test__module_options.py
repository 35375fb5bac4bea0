# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module options the cdn_refresh role passes: only those whose role variable is set."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.cdnops.cdn.plugins.filter._module_options import FilterModule, module_options

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'cdn_refresh')


def test_the_filter_is_exposed_under_its_private_name():
    assert FilterModule().filters() == {'_module_options': module_options}


def test_only_set_variables_become_options():
    names = ['cdn_refresh_alicdn_access_key_id', 'cdn_refresh_alicdn_access_key_secret', 'cdn_refresh_alicdn_endpoint',
             'cdn_refresh_timeout', 'cdn_refresh_validate_certs', 'cdn_refresh_ca_path']
    values = ['LTAIkey', None, '', 60, False, '  ']
    assert module_options(names, values, 'alicdn') == {'access_key_id': 'LTAIkey', 'timeout': 60,
                                                       'validate_certs': False}


def test_nothing_set_gives_no_options():
    assert module_options(['cdn_refresh_jdcdn_username', 'cdn_refresh_timeout'], ['', ''], 'jdcdn') == {}


def test_the_providers_own_variable_wins_whatever_the_order():
    names = ['cdn_refresh_alicdn_timeout', 'cdn_refresh_timeout']
    assert module_options(names, [10, 60], 'alicdn') == {'timeout': 10}
    assert module_options(list(reversed(names)), [60, 10], 'alicdn') == {'timeout': 10}


def test_zero_is_a_value():
    assert module_options(['cdn_refresh_timeout'], [0], 'jdcdn') == {'timeout': 0}


@pytest.mark.parametrize('names, values, message', [
    (['timeout'], [1], "'timeout' is not a cdn_refresh role variable"),
    (['cdn_refresh_timeout'], [], '1 names but 0 values'),
])
def test_programming_errors_are_reported(names, values, message):
    with pytest.raises(AnsibleFilterError, match=message):
        module_options(names, values, 'alicdn')


def test_every_option_variable_of_the_role_is_documented():
    """The role's list of option variables (vars/main.yml) and its argument_specs agree, and each maps to an option."""
    with open(os.path.join(ROLE, 'vars', 'main.yml')) as stream:
        option_variables = yaml.safe_load(stream)['cdn_refresh__option_variables']
    with open(os.path.join(ROLE, 'meta', 'argument_specs.yml')) as stream:
        documented = yaml.safe_load(stream)['argument_specs']['refresh']['options']
    for provider, names in option_variables.items():
        options = module_options(names, ['x'] * len(names), provider)
        assert len(options) == len(names), provider
        for name in names:
            assert name in documented, name


def test_an_empty_dict_is_unset():
    assert module_options(['cdn_refresh_alicdn_prefetch_headers'], [{}], 'alicdn_prefetch') == {}


def test_a_modules_own_prefix_gives_that_modules_options():
    names = ['cdn_refresh_alicdn_prefetch_area', 'cdn_refresh_alicdn_prefetch_l2_preload',
             'cdn_refresh_alicdn_prefetch_headers']
    assert module_options(names, ['domestic', False, {'Accept-Encoding': ['gzip']}], 'alicdn_prefetch') == {
        'area': 'domestic', 'l2_preload': False, 'headers': {'Accept-Encoding': ['gzip']}}


def test_every_option_the_role_passes_is_an_option_of_each_module_it_reaches():
    """alicdn options reach alicdn_refresh, alicdn_refresh_info and alicdn_prefetch; alicdn_prefetch's only the last."""
    from ansible_collections.cdnops.cdn.plugins.module_utils import _alicdn, _jdcdn

    with open(os.path.join(ROLE, 'vars', 'main.yml')) as stream:
        option_variables = yaml.safe_load(stream)['cdn_refresh__option_variables']
    specs = {'alicdn': [_alicdn.REFRESH_ARGUMENT_SPEC, _alicdn.INFO_ARGUMENT_SPEC, _alicdn.PREFETCH_ARGUMENT_SPEC],
             'jdcdn': [_jdcdn.REFRESH_ARGUMENT_SPEC, _jdcdn.INFO_ARGUMENT_SPEC, _jdcdn.PREFETCH_ARGUMENT_SPEC],
             'alicdn_prefetch': [_alicdn.PREFETCH_ARGUMENT_SPEC]}
    assert sorted(option_variables) == sorted(specs)
    for provider, names in option_variables.items():
        for option in module_options(names, ['x'] * len(names), provider):
            for spec in specs[provider]:
                assert option in spec, (provider, option)
