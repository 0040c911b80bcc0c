"""Logic behind the eight lesson notebooks; each notebook cell calls one function of its ``lessonNN`` module."""
