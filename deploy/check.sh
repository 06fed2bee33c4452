#!/usr/bin/env bash
# Offline checks of the deployment files (no Docker engine or cluster needed), run by .ci/run:
#   - the compose files against the Compose Specification's JSON schema (check-jsonschema),
#     then their cross-references (services, volumes, secrets, the proxy's upstreams);
#   - the Kubernetes manifests against the Kubernetes 1.37 schemas, strict (kubernetes-validate).
# The tools are pinned and installed once into .cache/deploy-check (git-ignored); later runs
# are offline. What these checks cannot see is listed in deploy/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK_JSONSCHEMA=0.39.0
KUBERNETES_VALIDATE=1.37.0
venv=.cache/deploy-check
stamp="$venv/.installed-${CHECK_JSONSCHEMA}-${KUBERNETES_VALIDATE}"

if [ ! -f "$stamp" ]; then
  echo "deploy/check.sh: installing check-jsonschema ${CHECK_JSONSCHEMA} and kubernetes-validate ${KUBERNETES_VALIDATE} into ${venv}"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "check-jsonschema==${CHECK_JSONSCHEMA}" "kubernetes-validate==${KUBERNETES_VALIDATE}"
  touch "$stamp"
fi

compose_files=(deploy/docker-compose*.yml)
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec "${compose_files[@]}"
"$venv/bin/python" deploy/check-compose-references.py "${compose_files[@]}"
"$venv/bin/kubernetes-validate" --strict --quiet deploy/kubernetes/*.yaml
echo "deploy/check.sh: ${#compose_files[@]} compose files and $(ls deploy/kubernetes/*.yaml | wc -l) Kubernetes manifests are valid"
