"""Connections to the national systems (issue 14; docs/integrations.md).

One adapter per partner, fed by the outbox and never called inside a transition: the national public
service portal's dossier sync (Cổng Dịch vụ công quốc gia), the national procedure database (CSDL
quốc gia về TTHC) and the national feedback system (PAKN). Every call goes through
:class:`cchc.integrations.client.PartnerClient`, which records an :class:`~cchc.integrations.models.Attempt`
(request, response, duration, error). ``simulator/`` is the national portal's simulator, a separate
process (``cchc simulator national``) speaking the same protocol.
"""
