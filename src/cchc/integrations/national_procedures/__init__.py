"""The national procedure database (CSDL quốc gia về TTHC): its export format, the import into the
versioned catalogue, and the publication facts indicators 1.1 and 1.2 of QĐ 766 are computed from.

- :mod:`.format`: the national export (JSON, Vietnamese field names as public implementations use them;
  inferred, no official specification is public) parsed into :class:`~.format.NationalProcedure`.
- :mod:`.services`: ``procedures_import`` (one transaction: each procedure mapped by its code into the
  catalogue, a new version only when its content changed, the publication facts recorded) and
  ``procedures_fetch`` (the simulator's or the portal's ``LayDanhSachTTHC``, paged).

See docs/integrations.md, "The national procedure database".
"""
