# Cargos de gobierno (modelo Red Blockchain México): motivos de rechazo de un nombramiento y textos
# de la clasificación de candidaturas. Toda clave debe existir también en en/governance.ftl.

seat_not_a_seat = Ese rol no es un cargo de gobierno; sus periodos no se rigen por estas reglas.
seat_collective_required = Los liderazgos de colectivo y los lugares en las comisiones pertenecen a un colectivo; indique cuál.
seat_collective_not_applicable = La Secretaría Ejecutiva y el Consejo Asesor no pertenecen a ningún colectivo.
seat_ends_before_start = El periodo termina antes de empezar.
seat_term_too_long = Un periodo en este cargo dura como máximo {months} meses.
seat_not_in_collective = La persona, o su institución, debe ser integrante del colectivo el día en que empieza el periodo.
seat_wrong_profile = Este cargo requiere {profile}.
seat_overlapping_term = La persona ya ocupa este cargo (cargo n.º {office}) durante parte de ese periodo.
seat_seats_full = Los {max} lugares de este cargo están ocupados en ese periodo.
seat_same_institution = Otro liderazgo del colectivo es de la misma institución (cargo n.º {office}); dos líderes de un colectivo no pueden ser de la misma institución.
seat_renewals_exhausted = Este cargo solo puede renovarse {max} veces seguidas.

seat_profile_business = perfil de negocio
seat_profile_technical = perfil técnico
seat_profile_none = sin perfil declarado
seat_rank_criteria = Criterios: antigüedad en la red, colaboración en proyectos, experiencia en blockchain
seat_seniority_days = {days} días como miembro
seat_projects = {count} proyectos
seat_experience_years = {years} años de experiencia
