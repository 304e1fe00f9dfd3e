import os

os.environ.setdefault('MXJAX_NO_COMPILATION_CACHE', '')
