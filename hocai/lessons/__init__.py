"""Logic behind the eight lesson notebooks; each notebook cell imports and calls one function of its ``lessonNN``
module.

Importing this package inside a kernel installs the safety net (``safety_net``): whichever cell runs first,
an error shows as one Vietnamese sentence, never a traceback.
"""

from hocai.lessons.safety_net import install as _install

_install()
