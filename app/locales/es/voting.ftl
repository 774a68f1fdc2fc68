# Votaciones: opciones, mayorías, empates, delegaciones (democracia líquida).

voting_self_delegation = No puede delegar su voto en usted mismo.
voting_delegation_cycle = Esa delegación formaría un ciclo ({chain}).
voting_choice_yes = Sí
voting_choice_no = No
voting_choice_abstain = Abstención
voting_outcome_approved = Aprobado
voting_outcome_rejected = Rechazado
voting_tie = Empate
voting_direct = directo
voting_delegated = delegado
voting_majority_simple = Mayoría simple
voting_majority_absolute = Mayoría absoluta
voting_majority_two_thirds = Dos tercios
voting_tie_rejected = En empate se rechaza
voting_tie_approved = En empate se aprueba
voting_tie_chair_decides = En empate decide quien preside
voting_scope_elections = Elecciones de representantes y consejos
voting_scope_projects = Decisiones de proyectos
voting_scope_collective = Asuntos internos del colectivo
