# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ad-hoc `ansible localhost -m cdnops.cdn.alicdn_refresh ... -vvvv` with each credential source, against a sandbox
started in this process (so that the temporary secrets and tokens it hands out can be looked for in the output).

Usage: python adhoc.py COLLECTION_DIR [extra ansible arguments]
Every case starts from an environment without any Alibaba variable and from an empty HOME.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

COLLECTION = sys.argv[1]
EXTRA = sys.argv[2:]
sys.path.insert(0, os.path.join(COLLECTION, 'tests', 'sandbox'))

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position

KEYS = {'LTAIprofileKey': 'profile-secret-41', 'LTAIlongTermKey': 'long-term-secret-42'}
STS = ('STS.namedProfile', 'sts-profile-secret-43', 'sts-profile-token-44')
ROLE_ARN = 'acs:ram::123456789012:role/cdn-refresh'
ECS_ROLE = 'cdn-ecs-role'
URL = 'https://www.example.com/adhoc.html'
DROPPED = ('ALIBABA_CLOUD_', 'ALICLOUD_', 'ALICDN_', 'ALIYUN_')


def ansible(sandbox, home, module_args, environ=None, module='alicdn_refresh'):
    """Run one ad-hoc command at -vvvv with HOME=home; returns (rc, output, result dict of localhost)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(DROPPED)}
    env.update(HOME=home, ALICDN_ENDPOINT=sandbox.url, NO_PROXY='127.0.0.1', ANSIBLE_NOCOLOR='1')
    env.update(environ or {})
    command = ['ansible', 'localhost', '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=' + sys.executable,
               '-m', 'cdnops.cdn.' + module, '-a', json.dumps(module_args), '-vvvv'] + EXTRA
    run = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    marker = 'localhost | '
    start = run.stdout.rindex(marker)
    result = json.loads(run.stdout[run.stdout.index('{', start):run.stdout.rindex('}') + 1])
    print('--- %s %s: rc=%d, credential_source=%r' % (module, sorted(module_args), run.returncode, result.get('credential_source')))
    return run.returncode, run.stdout, result


def new_home(profiles=None):
    home = tempfile.mkdtemp(prefix='alicdn-credentials-')
    if profiles:
        os.mkdir(os.path.join(home, '.aliyun'))
        with open(os.path.join(home, '.aliyun', 'config.json'), 'w', encoding='utf-8') as stream:
            json.dump(dict(current=profiles[0]['name'], profiles=profiles, meta_path=''), stream)
    return home


def cdn_keys(sandbox):
    return [(call['action'], call['access_key_id'], call['http_status']) for call in sandbox.calls(vendor='alicdn')]


def handed_out(sandbox):
    """The secrets and tokens of every temporary key the sandbox handed out since its last reset."""
    return [value for entry in sandbox.issued_credentials() for value in sandbox.temporary_credential(entry['AccessKeyId'])[:2]]


def check(condition, what, output=''):
    if not condition:
        sys.stderr.write(output[-4000:] + '\nFAILED: %s\n' % what)
        sys.exit(1)


def main():
    outputs = []
    homes = []
    secrets = list(KEYS.values()) + list(STS[1:])
    with cdn_sandbox.Sandbox(port=0, task_delay=0.2, alicdn_credentials=KEYS, alicdn_sts={STS[0]: STS[1:]},
                             sts_roles={ROLE_ARN: True}, ecs_roles=[ECS_ROLE], ecs_metadata_require_token=True) as sandbox:
        # 1. Only ~/.aliyun/config.json, AK mode.
        homes.append(new_home([dict(name='default', mode='AK', access_key_id='LTAIprofileKey',
                                    access_key_secret=KEYS['LTAIprofileKey'], region_id='cn-hangzhou'),
                               dict(name='sts', mode='StsToken', access_key_id=STS[0], access_key_secret=STS[1],
                                    sts_token=STS[2], region_id='cn-hangzhou')]))
        rc, output, result = ansible(sandbox, homes[-1], dict(paths=[URL]))
        outputs.append(output)
        check(rc == 0 and result.get('changed') is True, 'the AK profile refreshes', output)
        check(result['credential_source'] == "profile 'default' of %s/.aliyun/config.json" % homes[-1], 'AK source', output)
        check(cdn_keys(sandbox) == [('DescribeRefreshQuota', 'LTAIprofileKey', 200), ('RefreshObjectCaches', 'LTAIprofileKey', 200)],
              'signed with the profile key: %s' % cdn_keys(sandbox), output)

        # 2. A named StsToken profile.
        sandbox.reset()
        rc, output, result = ansible(sandbox, homes[-1], dict(paths=[URL], profile='sts'))
        outputs.append(output)
        check(rc == 0 and result['credential_source'].startswith("profile 'sts' of "), 'the StsToken profile refreshes', output)
        check([key for action, key, status in cdn_keys(sandbox)] == [STS[0], STS[0]], 'signed with the STS key', output)

        # 3. Only an ECS RAM role, the metadata service requiring the IMDSv2 token.
        sandbox.reset()
        homes.append(new_home())
        rc, output, result = ansible(sandbox, homes[-1], dict(paths=[URL], ecs_metadata_endpoint=sandbox.url))
        outputs.append(output)
        check(rc == 0 and result['credential_source'] == "ECS RAM role '%s'" % ECS_ROLE, 'the ECS role refreshes', output)
        check([(call['action'], call['http_status']) for call in sandbox.calls(vendor='ecs')] ==
              [('token', 200), ('roles', 200), ('credentials', 200)], 'token, role, credentials', output)
        (issued,) = sandbox.issued_credentials()
        check([key for action, key, status in cdn_keys(sandbox)] == [issued['AccessKeyId']] * 2, 'signed with the role key', output)

        # 4. AssumeRole on top of long-term keys from the environment (and the info module through the same chain).
        secrets.extend(handed_out(sandbox))
        sandbox.reset()
        environ = dict(ALIBABA_CLOUD_ACCESS_KEY_ID='LTAIlongTermKey', ALIBABA_CLOUD_ACCESS_KEY_SECRET=KEYS['LTAIlongTermKey'],
                       ALIBABA_CLOUD_ROLE_ARN=ROLE_ARN)
        rc, output, result = ansible(sandbox, homes[-1], dict(paths=[URL], sts_endpoint=sandbox.url), environ)
        outputs.append(output)
        check(rc == 0 and result['credential_source'] == 'environment (ALIBABA_CLOUD_*) + AssumeRole ' + ROLE_ARN,
              'AssumeRole refreshes', output)
        (sts,) = sandbox.calls(vendor='sts')
        check(sts['access_key_id'] == 'LTAIlongTermKey' and sts['http_status'] == 200, 'AssumeRole signed with the long-term key', output)
        (issued,) = sandbox.issued_credentials()
        check([key for action, key, status in cdn_keys(sandbox)] == [issued['AccessKeyId']] * 2,
              'every CDN call signed with the temporary key, never the long-term one: %s' % cdn_keys(sandbox), output)
        rc, output, result = ansible(sandbox, homes[-1], dict(task_ids=result['task_ids'], sts_endpoint=sandbox.url), environ,
                                     module='alicdn_refresh_info')
        outputs.append(output)
        check(rc == 0 and result['credential_source'].endswith(ROLE_ARN) and len(result['tasks']) == 1, 'the info module', output)

        # 5. Failures say where they looked or what refused, and still show no secret.
        rc, output, result = ansible(sandbox, homes[-1], dict(paths=[URL]))
        outputs.append(output)
        check(rc != 0 and 'no Alibaba Cloud credentials found' in result['msg'], 'no source at all', output)
        environ.update(ALIBABA_CLOUD_ROLE_ARN='acs:ram::123456789012:role/absent')
        rc, output, result = ansible(sandbox, homes[-1], dict(paths=[URL], sts_endpoint=sandbox.url), environ)
        outputs.append(output)
        check(rc != 0 and result['error']['code'] == 'EntityNotExist.Role', 'a refused AssumeRole', output)

        # The canary: no secret or token of any source, permanent or handed out by the sandbox, in any output.
        secrets.extend(handed_out(sandbox))
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)
    # 4 permanent ones, then the temporary keys of the ECS role and of the two AssumeRole calls (secret and token each)
    check(len(secrets) == 10, 'every temporary key is among the secrets looked for (%d values)' % len(secrets))
    text = '\n'.join(outputs)
    check('<localhost> ESTABLISH LOCAL CONNECTION' in text, 'the output is -vvvv output', text)
    leaked = [value[:6] + '...' for value in secrets if value in text]
    check(not leaked, 'secrets in the output: %s' % leaked)
    print('ok: %d ad-hoc runs, %d secrets and tokens checked' % (len(outputs), len(secrets)))


if __name__ == '__main__':
    main()
