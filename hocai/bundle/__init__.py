"""``hocai bundle OUT``: everything a class needs on a USB stick, installed later with no network at all.

One module per concern: ``wheels`` (Python packages, torch as the CPU build), ``debs`` (Debian packages with
their dependencies), ``node`` (configurable-http-proxy), ``kit`` (the kit's own files), ``manifest`` (what the
bundle holds and its checksums), ``build`` (the command). ``install.sh`` is the installer copied into the
bundle; it needs only bash and coreutils to check the bundle before it touches anything.
"""

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
INSTALLER = "install.sh"
GUIDE = "HUONG-DAN.txt"
KIT = "hocai-kit.tar.gz"
WHEELS = "wheels"
DEBS = "debs"
NODE = "node"
MODELS = "models"
