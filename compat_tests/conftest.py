import os

# The suite does not write executables into the user's cache; test_compilation_cache.py checks
# the cache itself in subprocesses with a cache directory of their own.
os.environ['MXJAX_NO_COMPILATION_CACHE'] = '1'
