# Security: visibility per source, registration, sign-in.
apikeys_kind = Kind
apikeys_visibility = Visibility
apikeys_visibility_title = What each source shows
apikeys_visibility_intro = Whether the data of a kind is shown to the public is decided per source: one source's key never changes what another shows. Hashes are always public. Every change is kept in the audit trail.
apikeys_visibility_public = Public
apikeys_visibility_private = Restricted
apikeys_visibility_changed = Last change
apikeys_visibility_show = Make public
apikeys_visibility_hide = Restrict
register_sent_title = Check your mail
register_sent_text = We sent a message with the next steps to the address you typed. If it does not arrive within a few minutes, look in your spam folder. If you already had an account with that address, the message reminds you: sign in with your password.
mail_register_welcome_subject = Your Minga account / Tu cuenta en Minga
mail_register_welcome_body = Your Minga account was created. Sign in with your e-mail address and the password you chose:\n{url}\n\nIf this was not you, ignore this message.
mail_register_taken_subject = A registration attempt with your e-mail address on Minga
mail_register_taken_body = Someone tried to create a Minga account with this address, which already has one. If it was you, sign in with your password:\n{url}\n\nIf it was not you, there is nothing to do: your account did not change.
