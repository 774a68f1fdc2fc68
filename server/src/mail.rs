//! Mail over SMTP (lettre): the [`Mailer`] the mail worker delivers the outbox through.
//!
//! `MINGA_SMTP_URL` names the relay: `smtp://user:pass@relay:587?tls=starttls` (STARTTLS
//! required; lettre's own `tls=required` and `tls=opportunistic` work too), `smtps://relay:465`
//! (implicit TLS), `smtp://127.0.0.1:2525` (plain, for a local relay). Certificates are checked
//! against the Mozilla roots built in (webpki-roots).

use app::services::anchors::BoxFuture;
use app::services::mail::{MailError, Mailer, Outgoing, is_permanent_rejection};
use app::settings::{Settings, SmtpUrl};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// How long the relay may take to answer one command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for the relay at `url`, sending as `from` (`Name <address>` or an address).
    pub fn new(url: &str, from: &str) -> anyhow::Result<SmtpMailer> {
        let transport = transport(url).map_err(|e| anyhow::anyhow!("MINGA_SMTP_URL: {e}"))?;
        let from = parse_from(from).map_err(|e| anyhow::anyhow!("MINGA_MAIL_FROM: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }

    /// The message as it goes on the wire: plain text, or with an invitation, text and
    /// `text/calendar` as alternatives (iMIP, RFC 6047).
    pub fn build(&self, m: &Outgoing) -> Result<Message, MailError> {
        let address = m.to_address.trim().parse().map_err(|e| {
            MailError::permanent(format!("`{}` is not an e-mail address: {e}", m.to_address))
        })?;
        let name = m.to_name.trim();
        let to = Mailbox::new((!name.is_empty()).then(|| name.to_string()), address);
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(m.message_id.clone()))
            .date_now()
            // RFC 3834: sent by a program, so vacation responders stay quiet
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ));
        let built = match &m.ics {
            None => builder.singlepart(SinglePart::plain(m.body_text.clone())),
            Some(ics) => {
                let method = app::domain::ics::method_of(ics)
                    .unwrap_or(app::domain::ics::Method::Request)
                    .as_str();
                let calendar =
                    ContentType::parse(&format!("text/calendar; method={method}; charset=utf-8"))
                        .map_err(|e| MailError::permanent(format!("calendar content type: {e}")))?;
                builder.multipart(
                    MultiPart::alternative()
                        .singlepart(SinglePart::plain(m.body_text.clone()))
                        .singlepart(SinglePart::builder().header(calendar).body(ics.clone())),
                )
            }
        };
        built.map_err(|e| MailError::permanent(format!("the message cannot be built: {e}")))
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let message = self.build(m)?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(classify)
        })
    }
}

/// A relay's refusal of this message or recipient is permanent; anything else (the relay down,
/// busy, a TLS or authentication problem) is tried again.
fn classify(e: lettre::transport::smtp::Error) -> MailError {
    let message = e.to_string();
    let permanent = e.is_permanent()
        && e.status()
            .is_some_and(|code| is_permanent_rejection(u16::from(code), &message));
    MailError { permanent, message }
}

/// The relay's transport from `MINGA_SMTP_URL`; an error says what is wrong without repeating
/// the URL (it may hold a password).
pub fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let url = url.trim();
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err("expected smtp://host[:port][?tls=starttls] or smtps://host[:port], with user:password@ before the host if the relay wants them".into());
    }
    let tls = url
        .split_once('?')
        .into_iter()
        .flat_map(|(_, query)| query.split('&'))
        .filter_map(|pair| pair.strip_prefix("tls="));
    for value in tls {
        if !["starttls", "required", "opportunistic"].contains(&value.to_ascii_lowercase().as_str())
        {
            return Err(format!(
                "tls={value}: expected tls=starttls (or required), tls=opportunistic, or smtps:// for implicit TLS"
            ));
        }
    }
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&with_lettre_tls(url))
            .map_err(|e| e.to_string())?
            .timeout(Some(COMMAND_TIMEOUT))
            .build(),
    )
}

/// `tls=starttls` is lettre's `tls=required` (STARTTLS, refusing a relay that does not offer it).
fn with_lettre_tls(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("tls", v)) if v.eq_ignore_ascii_case("starttls") => "tls=required".into(),
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

fn parse_from(from: &str) -> Result<Mailbox, String> {
    from.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("`{from}` is not a sender like `Minga <minga@example.org>`: {e}"))
}

/// Checks `MINGA_SMTP_URL` and `MINGA_MAIL_FROM` as the command line reads them.
pub fn check_url(url: &str) -> Result<(), String> {
    transport(url).map(|_| ())
}

pub fn check_from(from: &str) -> Result<(), String> {
    parse_from(from).map(|_| ())
}

/// The configured mailer, or `None` when `MINGA_SMTP_URL` is unset (mail then stays queued). A
/// malformed setting is an error at start, not a silent skip.
pub fn configured(settings: &Settings) -> anyhow::Result<Option<Arc<dyn Mailer>>> {
    match &settings.smtp_url {
        None => {
            check_from(&settings.mail_from).map_err(|e| anyhow::anyhow!("MINGA_MAIL_FROM: {e}"))?;
            Ok(None)
        }
        Some(SmtpUrl(url)) => {
            let mailer = SmtpMailer::new(url, &settings.mail_from)?;
            let plain = url.starts_with("smtp://") && !url.contains("tls=");
            let credentials = url.split_once("://").is_some_and(|(_, rest)| {
                rest.split(['/', '?'])
                    .next()
                    .is_some_and(|a| a.contains('@'))
            });
            if plain && credentials {
                tracing::warn!(
                    relay = %SmtpUrl(url.clone()).redacted(),
                    "MINGA_SMTP_URL has credentials but no TLS: the password travels in clear; add ?tls=starttls or use smtps://"
                );
            }
            Ok(Some(Arc::new(mailer)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(ics: Option<&str>) -> Outgoing {
        Outgoing {
            id: 7,
            to_address: "ana@minga.example".into(),
            to_name: "Ana Pérez".into(),
            subject: "Convocatoria: sesión ordinaria".into(),
            body_text: "Estimada Ana:\n\nSe le convoca a la sesión del 1 de diciembre.".into(),
            ics: ics.map(str::to_string),
            topic: "meeting/7".into(),
            message_id: "<outbox-7.abc@minga.example>".into(),
        }
    }

    #[test]
    fn urls_of_every_kind_of_relay() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://user:p%40ss@relay.example:587?tls=starttls",
            "smtp://relay.example:587?tls=required",
            "smtp://relay.example?tls=opportunistic",
            "smtps://user:pass@relay.example:465",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}: {:?}", check_url(ok).err());
        }
        for bad in [
            "relay.example:25",
            "http://relay.example",
            "smtp://",
            "smtp://relay.example?tls=sometimes",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        let err = check_url("smtp://user:hunter2@?tls=x").expect_err("no host");
        assert!(!err.contains("hunter2"), "{err}");
        assert_eq!(
            with_lettre_tls("smtp://r:587?tls=starttls&x=1"),
            "smtp://r:587?tls=required&x=1"
        );
    }

    #[test]
    fn senders() {
        assert!(check_from("Minga <minga@localhost>").is_ok());
        assert!(check_from("avisos@minga.gob.mx").is_ok());
        assert!(check_from("Minga").is_err());
    }

    #[test]
    fn plain_and_calendar_messages() {
        let mailer =
            SmtpMailer::new("smtp://127.0.0.1:2525", "Minga <minga@localhost>").expect("mailer");
        let plain = String::from_utf8(mailer.build(&outgoing(None)).expect("build").formatted())
            .expect("utf-8");
        assert!(
            plain.contains("Message-ID: <outbox-7.abc@minga.example>"),
            "{plain}"
        );
        assert!(
            plain.contains("Content-Type: text/plain; charset=utf-8"),
            "{plain}"
        );
        assert!(plain.contains("Content-Transfer-Encoding: "), "{plain}");
        assert!(plain.contains("Auto-Submitted: auto-generated"), "{plain}");
        assert!(plain.contains("MIME-Version: 1.0"), "{plain}");
        assert!(!plain.contains("text/calendar"));

        let ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:m-7\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let invitation = String::from_utf8(
            mailer
                .build(&outgoing(Some(ics)))
                .expect("build")
                .formatted(),
        )
        .expect("utf-8");
        assert!(invitation.contains("multipart/alternative"), "{invitation}");
        assert!(invitation.contains("MIME-Version: 1.0"), "{invitation}");
        assert!(
            invitation.contains("Content-Type: text/calendar; method=CANCEL; charset=utf-8"),
            "{invitation}"
        );
        assert!(
            invitation.contains("BEGIN:VCALENDAR\r\nMETHOD:CANCEL"),
            "{invitation}"
        );

        let mut bad = outgoing(None);
        bad.to_address = "not an address".into();
        assert!(mailer.build(&bad).expect_err("refused").permanent);
    }
}
