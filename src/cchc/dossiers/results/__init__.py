"""Electronic results of dossiers (issue 16 items 1-2): signing by the outbox subscriber
``dossiers.results.sign``, the public verification page (/xac-minh/<token>/) and the download of the
signed result. The model is ``cchc.dossiers.models.ResultDocument``; attaching is the lifecycle's action
``attach_result`` (``cchc.dossiers.transitions``)."""
