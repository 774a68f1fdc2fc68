# Designación del Consejo Ejecutivo: propuestas de los liderazgos de colectivo, clasificación por
# los criterios de la semilla y designación por el Consejo Consultivo. Toda clave debe existir
# también en en/nominations.ftl.

nom_title = Designación del Consejo Ejecutivo
nom_intro = Los liderazgos de colectivo proponen candidaturas para la Secretaría Ejecutiva y para el lugar de su colectivo en la comisión de proyectos y en la comisión de nodos. El portal las clasifica y el Consejo Consultivo designa. La clasificación es pública para que cualquiera pueda revisarla.
nom_rules = { $seats ->
    [one] Cada colectivo tiene {seats} lugar en la comisión de proyectos (perfil de negocio) y en la comisión de nodos (perfil técnico). Los periodos duran {months} meses.
   *[other] Cada colectivo tiene {seats} lugares en la comisión de proyectos (perfil de negocio) y en la comisión de nodos (perfil técnico). Los periodos duran {months} meses.
}
nom_criteria_detail = En ese orden: primero la antigüedad como miembro de la red (desde la primera membresía de la persona o de su institución en cualquier colectivo); si empata, los proyectos de la red en que colaboró; si también empata, los años de experiencia en blockchain. Las candidaturas iguales en los tres criterios comparten lugar.
nom_proposals_title = Candidaturas por cargo
nom_none_pending = No hay candidaturas pendientes de designación.
nom_holder = Titular actual: {name}, periodo {term}.
nom_seat_vacant = El cargo está vacante hoy.
nom_col_rank = Lugar
nom_col_nominee = Persona propuesta
nom_col_seniority = Antigüedad en la red
nom_col_projects = Proyectos de la red
nom_col_experience = Experiencia en blockchain
nom_col_profile = Perfil declarado
nom_col_proposed_by = Propuesta por
nom_col_grounds = Fundamentos
nom_since = miembro desde el {date}
nom_since_unknown = sin membresía registrada
nom_proposed_on = el {date}
nom_field_starts_on = Inicio del periodo
nom_designate = Designar
nom_withdraw = Retirar propuesta
nom_login_to_propose = Los liderazgos de colectivo inician sesión para proponer candidaturas; el Consejo Consultivo, para designar.
nom_designations_title = Designaciones recientes
nom_designations_none = Aún no hay designaciones.
nom_rank_of = {rank}.º de {count}
nom_propose_title = Proponer una candidatura
nom_propose_intro = Para la Secretaría Ejecutiva puede proponer a cualquier miembro de la red; para una comisión, solo a miembros de su colectivo (o de una institución miembro). Anote las cifras que sustentan la propuesta: se publican con la clasificación.
nom_propose_for_collective = Los lugares de comisión que propone son del {collective}.
nom_field_role = Cargo
nom_field_collective = Colectivo
nom_field_nominee = Persona propuesta
nom_field_nominee_hint = Personas miembro de la red hoy, individualmente o por su institución.
nom_group_collective = Miembros del {collective}
nom_group_network = Otros miembros de la red (solo Secretaría Ejecutiva)
nom_choose = Elija una opción
nom_field_profile = Perfil
nom_profile_hint = La comisión de proyectos requiere perfil de negocio; la comisión de nodos, perfil técnico. Para la Secretaría Ejecutiva es opcional.
nom_field_projects = Proyectos de la red en que ha colaborado
nom_field_projects_hint = Un número entre 0 y {max}.
nom_field_experience = Años de experiencia en blockchain
nom_field_experience_hint = Un número entre 0 y {max}.
nom_field_grounds = Fundamentos de la propuesta
nom_propose_submit = Proponer

nom_problem_role_unknown = Elija la Secretaría Ejecutiva, la comisión de proyectos o la comisión de nodos.
nom_problem_collective_required = Usted lidera varios colectivos: elija para cuál propone.
nom_problem_collective_not_led = Solo puede proponer para los lugares de un colectivo que usted lidera.
nom_problem_nominee_unknown = Elija a una persona de la lista.
nom_problem_not_in_collective = La persona propuesta, o su institución, debe ser miembro del colectivo.
nom_problem_not_in_network = La persona propuesta, o su institución, debe ser miembro de la red.
nom_problem_profile_required = Indique el perfil de la persona propuesta.
nom_problem_profile_unknown = Elija un perfil de la lista.
nom_problem_profile_mismatch = Este cargo requiere {profile}.
nom_problem_projects_out_of_range = Escriba un número entero entre 0 y {max}.
nom_problem_experience_out_of_range = Escriba un número entero de años entre 0 y {max}.
nom_problem_already_proposed = Esa persona ya tiene una propuesta pendiente para este cargo.
nom_problem_not_proposed = Esa propuesta ya no está pendiente.
nom_problem_date_invalid = Escriba una fecha válida (AAAA-MM-DD).
nom_problem_starts_in_the_past = El periodo no puede empezar antes de hoy.
