"""`cityweave serve`: the production web server, gunicorn with threaded workers."""

from __future__ import annotations

import errno
import socket
from argparse import ArgumentParser
from typing import Any

from django.contrib.staticfiles.management.commands.collectstatic import Command as CollectStatic
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication
from whitenoise.storage import CompressedManifestStaticFilesStorage

from cityweave.conf import ConfigError, envint


class CityweaveServer(BaseApplication):  # type: ignore[misc]
    """gunicorn serving cityweave's WSGI application, configured in code rather than a file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from cityweave.wsgi import application

        return application


def check_port_free(host: str, port: int) -> None:
    """Raise CommandError naming `host:port` when nothing could listen there (e.g. it is taken).

    Binds a socket to the address and closes it at once, before migrations are checked and static
    files collected, so a taken port is reported in a second rather than after "serving at …".
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # gunicorn sets SO_REUSEADDR too: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                reason = "something else is already listening there"
            else:
                reason = error.strerror or str(error)
            raise CommandError(
                f"port: cannot serve on {host}:{port}: {reason}. "
                "Choose another with --port, CITYWEAVE_PORT or `make run PORT=…`."
            ) from None


class Command(BaseCommand):
    """Collect static files, then serve cityweave with gunicorn until interrupted."""

    help = "Run the production web server (gunicorn, static files by whitenoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--port", type=int, help="Port to listen on (default: CITYWEAVE_PORT or 8000)."
        )
        parser.add_argument(
            "--workers", type=int, help="Worker processes (default: CITYWEAVE_WORKERS or 2)."
        )
        parser.add_argument(
            "--threads", type=int, help="Threads per worker (default: CITYWEAVE_THREADS or 4)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workers = options["workers"] or envint("CITYWEAVE_WORKERS", 2)
            threads = options["threads"] or envint("CITYWEAVE_THREADS", 4)
            port = (
                options["port"] if options["port"] is not None else envint("CITYWEAVE_PORT", 8000)
            )
        except ConfigError as error:
            raise CommandError(str(error)) from None
        for name, value in (("workers", workers), ("threads", threads), ("port", port)):
            if value < 1:
                raise CommandError(f"{name}: must be at least 1, not {value}.")
        if port > 65535:
            raise CommandError(f"port: must be at most 65535, not {port}.")
        host = options["host"]
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        check_port_free(host, port)

        self.check_migrations()
        self._collect_static()
        self.stdout.write(
            f"cityweave is serving at http://{address}/ "
            f"({workers} workers × {threads} threads); press Ctrl-C to stop."
        )
        self.stdout.flush()
        CityweaveServer(
            {
                "bind": [address],
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "cityweave",
                # gunicornc's control socket would live in $HOME, shared by every server there.
                "control_socket_disable": True,
            }
        ).run()

    def _collect_static(self) -> None:
        collect = CollectStatic()
        # Always hashed and compressed, whatever the settings use now: the manifest this writes is
        # what makes the settings serve hashed, long-cached file names from the next start on.
        collect.storage = CompressedManifestStaticFilesStorage()
        call_command(collect, interactive=False, verbosity=0)
