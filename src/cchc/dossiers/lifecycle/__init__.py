"""The parts of the dossier lifecycle the transition table names: the applicant's data, the
catalogue's templates copied at reception, the preconditions and the mutations (``cchc.dossiers.transitions``
lists them per action; ``cchc.dossiers.executor`` runs them). Nothing here imports the table, the
executor or the services: they import this."""
