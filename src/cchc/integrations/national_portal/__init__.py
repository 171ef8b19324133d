"""The dossier sync with the national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG).

- :mod:`.payload`: a dossier event as the portal's sync item (``DongBoHoSoMC``), its state as of the
  event (domain-vn §2.5, §2.6);
- :mod:`.subscriber`: the outbox subscriber ``integrations.dvcqg`` that sends them, one call per batch,
  and records what the portal acknowledged (:class:`~cchc.integrations.models.DossierSync`);
- :mod:`.reconciliation`: the comparison with the portal (``DoiSoatHoSo``) that re-sends what differs
  (``cchc integrations reconcile``, the nightly task in :mod:`.tasks`).

docs/integrations.md, "Dossier sync with the national portal (DVCQG)".
"""
