#!/usr/bin/env python3
"""What systemd does for a .socket unit with StandardInput=socket, for tests: holds one listening TCP socket for its
whole life and starts each gateway process with that socket as its standard input (fd 0). Java cannot hand a socket
to a child process, so the test drives this over stdin/stdout, one command a line:

  start <log file> <program> <args...>   -> "started <pid>"   (the child's stdout and stderr go to <log file>)
  stop <pid>                             -> "exited <pid> <status>"  (SIGTERM, then waits for it)
  kill <pid>                             -> "exited <pid> <status>"  (SIGKILL, then waits for it)

On start it prints "listening <port>" (127.0.0.1, an ephemeral port, the backlog as large as the kernel allows).
"""
import os
import shlex
import signal
import socket
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(4096)
print("listening", server.getsockname()[1], flush=True)

children = []
for line in sys.stdin:
    words = shlex.split(line)
    if not words:
        continue
    if words[0] == "start":
        log, argv = words[1], words[2:]
        pid = os.fork()
        if pid == 0:
            out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(server.fileno(), 0)  # dup2 clears close-on-exec on fd 0
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.execvp(argv[0], argv)
        children.append(pid)
        print("started", pid, flush=True)
    elif words[0] in ("stop", "kill"):
        pid = int(words[1])
        os.kill(pid, signal.SIGTERM if words[0] == "stop" else signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        children.remove(pid)
        print("exited", pid, os.waitstatus_to_exitcode(status), flush=True)
    else:
        print("unknown command:", line.strip(), flush=True)

# stdin closed: the test is over (or died); leave no gateway behind.
for pid in children:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
