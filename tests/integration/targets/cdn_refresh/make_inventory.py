"""Write a 300-host inventory with heavily overlapping cdn_refresh_paths, and the paths the CDNs must receive.

Usage: python make_inventory.py INVENTORY_JSON EXPECTED_JSON
web001-web200 are served by Alibaba Cloud CDN, web201-web300 by JD Cloud CDN. Each host asks for a window of a
shared pool, so the union is the whole pool and most paths are asked for by many hosts. The pools are sized so
that the fewest calls the vendor limits allow are known:
  Alibaba (1000 URLs, 100 directories, 10 domains per call): 2401 URLs on 12 domains -> 3 calls;
                                                             150 directories        -> 2 calls.
  JD (100 URLs, 5 directories per call):                     1051 URLs               -> 11 calls;
                                                             12 directories          -> 3 calls.
"""

import json
import sys

ALI_FILES = [f'https://d{k % 12}.example.com/static/f{k}.js' for k in range(2400)]
ALI_DIRS = [f'https://d0.example.com/dir{m}/' for m in range(150)]
JD_FILES = [f'https://j{k % 3}.example.cn/a/f{k}.css' for k in range(1050)]
JD_DIRS = [f'https://j{m % 3}.example.cn/d{m}/' for m in range(12)]
EXPECTED_CALLS = {'alicdn': 3 + 2, 'jdcdn': 11 + 3}


def window(pool, start, size):
    return [pool[(start + offset) % len(pool)] for offset in range(size)]


def main(inventory_path, expected_path):
    hosts = {}
    for i in range(200):
        hosts[f'web{i + 1:03d}'] = {
            'cdn_refresh_provider': 'alicdn',
            'cdn_refresh_base_url': 'https://d0.example.com/',
            # a site-relative path, URLs as strings, directories as dicts
            'cdn_refresh_paths': ['/index.html'] + window(ALI_FILES, i * 12, 100)
            + [{'path': path, 'object_type': 'directory'} for path in window(ALI_DIRS, i, 10)],
        }
    for j in range(100):
        hosts[f'web{j + 201:03d}'] = {
            'cdn_refresh_provider': 'jdcdn',
            'cdn_refresh_base_url': 'https://j0.example.cn',
            'cdn_refresh_paths': ['/index.html'] + window(JD_FILES, j * 10, 100)
            + [{'path': path, 'object_type': 'directory'} for path in window(JD_DIRS, j, 3)],
        }
    inventory = {'all': {
        'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'hosts': hosts,
    }}
    expected = {
        'calls': EXPECTED_CALLS,
        'paths': {
            'alicdn': {'file': sorted(ALI_FILES + ['https://d0.example.com/index.html']), 'directory': sorted(ALI_DIRS)},
            'jdcdn': {'file': sorted(JD_FILES + ['https://j0.example.cn/index.html']), 'directory': sorted(JD_DIRS)},
        },
    }
    with open(inventory_path, 'w') as stream:
        json.dump(inventory, stream)
    with open(expected_path, 'w') as stream:
        json.dump(expected, stream)


if __name__ == '__main__':
    main(*sys.argv[1:])
