"""LOG_SYSLOG_ADDRESS forwards the register's log lines to syslog as the same JSON (issue 21, item 7)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGGING_ONE_LINE = """
import django, logging
django.setup()
logging.getLogger("register.services.delivery").warning("E-mail notice %s to %s failed", 12, "jo@council.example")
"""


def test_a_log_line_reaches_a_syslog_server_over_udp_as_json_without_personal_data():
    """A process configured by settings.LOGGING with LOG_SYSLOG_ADDRESS=host:port sends each record as one
    datagram: the syslog priority, then the JSON object the console gets (LOG_FORMAT does not change it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(20)
        port = server.getsockname()[1]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "register.settings",
            "LOG_SYSLOG_ADDRESS": f"127.0.0.1:{port}",
            "LOG_SYSLOG_FACILITY": "local3",
            "LOG_FORMAT": "text",
        }
        subprocess.run([sys.executable, "-c", LOGGING_ONE_LINE], cwd=ROOT, env=environment, check=True, timeout=60)
        datagram = server.recv(65536).decode()
    # <PRI> = facility local3 (19) * 8 + severity warning (4)
    assert datagram.startswith("<156>{")
    assert not datagram.endswith("\x00")
    entry = json.loads(datagram[len("<156>") :])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "register.services.delivery"
    assert entry["message"] == "E-mail notice 12 to [e-mail address] failed"
