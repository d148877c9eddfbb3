"""``python -m graph``: the command line, a thin shell over the functions the page uses.

One module per command group (``data``, ``serve``, ``store``, ``snapshot``, ``animate``,
``sources``, ``ods``), each with ``register(sub, common)`` adding its commands; ``main`` imports
them all, and each imports the libraries a command uses only when it runs. Bad input is
one line per problem on stderr and exit code 2; nothing prints a traceback.
"""
