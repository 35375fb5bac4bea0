#!/usr/bin/env bash
# The Alibaba credential chain through ad-hoc `ansible` commands at -vvvv, as issue 10's "Done when" states it: only
# ~/.aliyun/config.json (AK), a named StsToken profile, only an ECS role that requires the IMDSv2 token, AssumeRole
# signing the refresh with the temporary key; then no secret or token of any source anywhere in the output.
set -eu -o pipefail

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
python adhoc.py "$collection" "$@"
