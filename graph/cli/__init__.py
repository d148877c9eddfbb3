"""``python -m graph``: the command line, a thin shell over the functions the page uses.

One module per command group (``data``, ``serve``, ``store``, ``snapshot``, ``ods``), each
with ``register(sub, common)`` adding its commands; ``main`` imports them all. Bad input is
one line per problem on stderr and exit code 2; nothing prints a traceback.
"""
