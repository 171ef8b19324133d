"""The exchange with the national feedback system (Hệ thống tiếp nhận, trả lời phản ánh, kiến nghị quốc
gia, partner ``pakn``): feedback filed nationally about the province's agencies is imported as feedback
of ``cchc.feedback`` with its deadlines (:mod:`.pull`), and the answers go back (:mod:`.answers`, an
outbox subscriber). The protocol is inferred (:mod:`.protocol`; docs/integrations.md)."""
