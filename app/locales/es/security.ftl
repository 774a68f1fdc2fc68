# Seguridad: visibilidad por fuente, registro, inicio de sesión.
apikeys_kind = Tipo
apikeys_visibility = Visibilidad
apikeys_visibility_title = Qué muestra cada fuente
apikeys_visibility_intro = Si los datos de un tipo se muestran al público es una decisión por fuente: la clave de una fuente nunca cambia lo que muestra otra. Las huellas son siempre públicas. Cada cambio queda en la bitácora de auditoría.
apikeys_visibility_public = Públicos
apikeys_visibility_private = Reservados
apikeys_visibility_changed = Último cambio
apikeys_visibility_show = Hacer públicos
apikeys_visibility_hide = Reservar
register_sent_title = Revisa tu correo
register_sent_text = Enviamos un mensaje a la dirección que escribiste con los pasos siguientes. Si no llega en unos minutos, revisa la carpeta de correo no deseado. Si ya tenías una cuenta con esa dirección, el mensaje te lo recuerda: inicia sesión con tu contraseña.
mail_register_welcome_subject = Tu cuenta en Minga / Your Minga account
mail_register_welcome_body = Se creó tu cuenta en Minga. Inicia sesión con tu correo y la contraseña que elegiste:\n{url}\n\nSi no fuiste tú, ignora este mensaje.
mail_register_taken_subject = Intento de registro con tu correo en Minga
mail_register_taken_body = Alguien intentó crear una cuenta en Minga con esta dirección, que ya tiene una. Si fuiste tú, inicia sesión con tu contraseña:\n{url}\n\nSi no fuiste tú, no hace falta hacer nada: tu cuenta no cambió.
