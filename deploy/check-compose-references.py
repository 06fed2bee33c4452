"""What the Compose schema cannot see: every name a compose file refers to is declared.

Services named in depends_on, named volumes and secrets the services use, and the upstream
hosts of deploy/nginx.conf when the file mounts it. Run by deploy/check.sh with the venv's
Python (ruamel.yaml comes with check-jsonschema). Exits 1 naming each dangling reference.
"""
import pathlib
import re
import sys

from ruamel.yaml import YAML


def problems(path: pathlib.Path) -> list[str]:
    doc = YAML(typ="safe").load(path.read_text())
    services = doc.get("services") or {}
    volumes = set((doc.get("volumes") or {}).keys())
    secrets = set((doc.get("secrets") or {}).keys())
    found = []
    for name, service in services.items():
        depends = service.get("depends_on") or []
        for target in depends if isinstance(depends, list) else depends.keys():
            if target not in services:
                found.append(f"{name}: depends_on unknown service '{target}'")
        for mount in service.get("volumes") or []:
            source = mount.split(":")[0] if isinstance(mount, str) else mount.get("source", "")
            if source and not source.startswith((".", "/", "$")) and source not in volumes:
                found.append(f"{name}: volume '{source}' is not declared under volumes")
            if isinstance(mount, str) and source.endswith("nginx.conf"):
                conf = (path.parent / source).read_text()
                for host in re.findall(r"^\s*server\s+([\w.-]+):\d+", conf, re.M):
                    if host not in services:
                        found.append(f"{name}: {source} proxies to unknown service '{host}'")
        for secret in service.get("secrets") or []:
            secret_name = secret if isinstance(secret, str) else secret.get("source")
            if secret_name not in secrets:
                found.append(f"{name}: secret '{secret_name}' is not declared under secrets")
    return [f"{path}: {problem}" for problem in found]


if __name__ == "__main__":
    everything = [p for arg in sys.argv[1:] for p in problems(pathlib.Path(arg))]
    for line in everything:
        print(line, file=sys.stderr)
    sys.exit(1 if everything else 0)
