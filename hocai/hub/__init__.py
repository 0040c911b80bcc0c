"""JupyterHub for a class: accounts from the roster, the hub's settings and its start/stop/status."""
