"""Builds libpolytopelens.so with scripts/build-pylib.sh (Swift, release, static runtime) before
packaging, so `pip install ./python` works on a machine with the README's set-up. The wheel
holds a native library but no Python extension module: it is tagged py3-none-<platform>
(one wheel for every Python 3), and scripts/build-wheel.sh gives it its manylinux tag."""
import os
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # older setuptools with the separate wheel package
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
LIB = HERE / "polytopelens" / "_lib" / "libpolytopelens.so"


class BuildPyWithLibrary(build_py):
    def run(self):
        # POLYTOPELENS_SKIP_BUILD=1 packages an already built _lib/ (scripts/build-wheel.sh).
        if os.environ.get("POLYTOPELENS_SKIP_BUILD") != "1" or not LIB.exists():
            script = HERE.parent / "scripts" / "build-pylib.sh"
            if not script.exists():
                raise SystemExit("polytopelens: building needs the PolytopeLens checkout (scripts/build-pylib.sh) "
                                 "with Swift 6 and the README's set-up; or install a prebuilt wheel")
            subprocess.run(["bash", str(script), str(LIB.parent)], check=True)
        super().run()


class BinaryDistribution(Distribution):
    """Holds a native library: installed as platlib, wheel tagged for the platform."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(distclass=BinaryDistribution, cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel})
