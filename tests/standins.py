"""Stand-ins for what cannot exist on a test machine: the image registry behind `docker`.

`make deploy-staging` asks the registry for the digest of the commit's image with
`docker buildx imagetools inspect` (read-only, even in a dry run). No registry or Docker
engine exists here, so a `docker` on PATH answers with a fixed digest, as the real one does.
"""

import os
from pathlib import Path

REGISTRY_DIGEST = "sha256:" + "5eed" * 16


def path_with_registry(directory: Path, digest: str = REGISTRY_DIGEST) -> str:
    """A PATH whose `docker buildx imagetools inspect ... --format '{{json .Manifest.Digest}}'` prints ``digest``."""
    bin_dir = directory / "registry-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    docker = bin_dir / "docker"
    docker.write_text(
        "#!/usr/bin/env bash\n"
        'case "$*" in "buildx imagetools inspect "*) ;; *) echo "docker $*: not here" >&2; exit 1;; esac\n'
        f"printf '\"%s\"\\n' '{digest}'\n"
    )
    docker.chmod(0o755)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
