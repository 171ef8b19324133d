"""The national systems' simulator shipped with the project (``cchc simulator national``).

A separate process with its own storage (an SQLite file) speaking the protocol of
:mod:`cchc.integrations.client`: ``POST /api/auth``, ``POST /api/service`` with the services the
modules of this package register (``dossiers``: DongBoHoSoMC …, ``procedures``: the national procedure
database, ``feedback``: the national PAKN system). Standard library only; it imports nothing of Django, so
it starts in a fraction of a second and cannot share the platform's state by accident.

Control (for the tests, the demo and the benchmarks; no authentication, bind it to 127.0.0.1):

- ``POST /_control`` ``{"mode": "ok" | "down" | "error" | "slow" | "timeout" | "malformed" | "duplicate",
  "rate": 1.0, "times": null, "delay": 0.5, "expire_sessions": false, "seed": 1}``: from now on a share
  ``rate`` of the calls to ``/api/…`` (the next ``times`` of them when given) misbehave: ``down`` closes
  the connection without an answer, ``error`` answers HTTP 500, ``slow`` answers after ``delay`` seconds,
  ``timeout`` after ``delay`` (default 30 s), ``malformed`` answers HTML instead of JSON, ``duplicate``
  processes the call and acknowledges every item twice. ``"ok"`` heals it. Answers the state.
- ``GET /_health``; ``GET /_stats`` (calls, injected failures); ``POST /_reset`` (forget all data);
  ``GET /_data/<name>?…``: what a service module shows of its storage (see each module).
"""
