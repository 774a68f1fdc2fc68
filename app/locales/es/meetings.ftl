# Sesiones de los consejos: plazos de convocatoria, quórum, representantes y sesiones mínimas del
# Consejo Asesor. Toda clave debe existir también en en/meetings.ftl.

meet_too_late = La convocatoria debe enviarse a más tardar el {latest} ({rule} antes de la sesión).
meet_in_the_past = La sesión debe empezar después de que se envíe la convocatoria.
meet_rule_calendar_day = {count} día natural
meet_rule_calendar_days = {count} días naturales
meet_rule_business_day = {count} día hábil
meet_rule_business_days = {count} días hábiles

meet_self_proxy = Nadie puede designarse a sí mismo como representante.
meet_proxy_not_a_seat = La persona n.º {person} no ocupa un lugar en este órgano; solo sus integrantes designan representante.
meet_already_represented = Ese lugar ya tiene representante (la persona n.º {by}); retire esa designación antes de nombrar otra.
meet_chained_proxy = La representación no se delega en cadena: quien representa no puede estar representado, y quien designa no puede estar representando a otra persona.
meet_proxy_holds_another = Esa persona ya representa otro lugar (el de la persona n.º {principal}); cada representante lleva como máximo un lugar además del suyo.

meet_quorum_missing_secretary = Falta la Secretaría Ejecutiva, que convoca y preside: debe asistir en persona o de forma virtual (una representación no basta).
meet_quorum_members_short = Faltan {count} miembros para el quórum ({present} de {required}).
meet_quorum_member_short = Falta {count} miembro para el quórum ({present} de {required}).
meet_advisory_shortfall = El Consejo Asesor debe sesionar al menos {required} veces en {year} (celebradas: {held}; programadas: {scheduled}): falta convocar {shortfall}.
