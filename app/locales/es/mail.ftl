# Correo saliente: la bandeja de salida y su entrega por SMTP (/admin/mail).

mail_admin_title = Correo saliente
mail_admin_intro = Cada aviso del portal (convocatorias, fin de mandatos, decisiones) se guarda aquí en la misma operación que lo origina y se entrega después por el servidor de correo configurado. Si el servidor no responde, el envío se reintenta con espera creciente; si rechaza un destinatario de forma definitiva, el mensaje queda como fallido con la respuesta del servidor.
mail_admin_relay = Se entrega a través de {relay}, con remitente {from}.
mail_admin_unconfigured = No hay servidor de correo configurado (MINGA_SMTP_URL): los mensajes quedan en cola hasta que se configure uno.
mail_admin_empty = No hay mensajes.
mail_admin_newest = Los {count} mensajes más recientes.
mail_filter_label = Filtrar por estado
mail_filter_all = Todos ({count})
mail_filter_queued = En cola ({count})
mail_filter_sent = Enviados ({count})
mail_filter_failed = Fallidos ({count})
mail_col_recipient = Destinatario
mail_col_subject = Asunto
mail_col_topic = Tema
mail_col_state = Estado
mail_col_attempts = Intentos
mail_col_last_error = Último error
mail_col_sent_at = Enviado
mail_status_queued = en cola
mail_status_sent = enviado
mail_status_failed = fallido
mail_next_attempt = próximo intento {at}
