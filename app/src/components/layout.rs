//! The page frame: skip link, header with navigation and language switch, main, footer.

use crate::domain::roles::Role;
use crate::i18n::Lang;
use crate::web::Ctx;
use crate::web::urlencode;
use leptos::prelude::*;

/// The version of the stylesheet in its URL, so browsers may cache it for good.
pub const STYLE_URL: &str = concat!("/style/minga.css?v=", env!("CARGO_PKG_VERSION"));

#[component]
pub fn Layout(ctx: Ctx, #[prop(into)] title: String, children: Children) -> impl IntoView {
    let t = ctx.t();
    let full_title = format!("{title} · Minga");
    let next = urlencode(&ctx.path);
    let here = ctx.path.split('?').next().unwrap_or("/").to_string();
    let nav_link = move |href: &'static str, label: &'static str| {
        let current = if here == href || (href != "/" && here.starts_with(&format!("{href}/"))) {
            Some("page")
        } else {
            None
        };
        view! { <li><a href=href aria-current=current>{label}</a></li> }
    };
    let is_admin = ctx.is(Role::Administrator);
    let logged_in = ctx.user.is_some();
    let csrf = ctx.csrf_token.clone();
    let langs = Lang::ALL.map(|l| {
        let current = (l == ctx.lang).then_some("true");
        view! {
            <li><a href=format!("/lang/{}?next={}", l.code(), next) lang=l.code() hreflang=l.code() aria-current=current>{l.native_name()}</a></li>
        }
    });
    let key = ctx.verifier_key.clone();
    view! {
        <html lang=ctx.lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content=t.site_description/>
                <title>{full_title}</title>
                <link rel="stylesheet" href=STYLE_URL/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
            </head>
            <body>
                <a class="skip-link" href="#main">{t.skip_to_content}</a>
                <header class="site-header">
                    <div class="wrap header-row">
                        <a class="brand" href="/">
                            <span class="brand-name">"Minga"</span>
                            <span class="brand-tagline">{t.site_tagline}</span>
                        </a>
                        <nav class="lang-switch" aria-label=t.nav_language>
                            <ul>{langs}</ul>
                        </nav>
                    </div>
                    <nav class="wrap main-nav" aria-label=t.nav_main>
                        <ul>
                            {nav_link("/", t.nav_home)}
                            {nav_link("/collectives", t.nav_collectives)}
                            {nav_link("/network", t.nav_network)}
                            {nav_link("/projects", t.nav_projects)}
                            {nav_link("/councils", t.nav_councils)}
                            {nav_link("/calls", t.nav_calls)}
                            {nav_link("/meetings", t.nav_meetings)}
                            {nav_link("/decisions", t.nav_decisions)}
                            {nav_link("/v", t.nav_verify)}
                            {nav_link("/integrity", t.nav_integrity)}
                            {nav_link("/reporting", t.nav_reports)}
                            {logged_in.then(|| nav_link("/account", t.nav_account))}
                            {is_admin.then(|| nav_link("/admin/accounts", t.nav_admin_accounts))}
                            {is_admin.then(|| nav_link("/admin/institutions", t.nav_admin_institutions))}
                            {is_admin.then(|| nav_link("/admin/audit", t.nav_admin_audit))}
                            {is_admin.then(|| nav_link("/admin/api-keys", t.nav_admin_api_keys))}
                            {is_admin.then(|| nav_link("/admin/anchors", t.nav_admin_anchors))}
                            {is_admin.then(|| nav_link("/admin/mail", t.mail_admin_title))}
                            {is_admin.then(|| nav_link("/admin/nodes/import", t.nav_admin_nodes))}
                            {is_admin.then(|| nav_link("/admin/reporting", t.report_admin_title))}
                            {(!logged_in).then(|| nav_link("/login", t.nav_login))}
                            {(!logged_in).then(|| nav_link("/register", t.nav_register))}
                        </ul>
                        {logged_in.then(|| view! {
                            <form class="logout" method="post" action="/logout">
                                <input type="hidden" name="_csrf" value=csrf/>
                                <button type="submit" class="link-button">{t.nav_logout}</button>
                            </form>
                        })}
                    </nav>
                </header>
                <main id="main" class="wrap" tabindex="-1">{children()}</main>
                <footer class="site-footer">
                    <div class="wrap">
                        <p class="verifier-key">
                            <span class="label">{t.footer_verifier_key}</span>" "
                            <code>{key.unwrap_or_else(|| t.footer_verifier_key_pending.to_string())}</code>
                        </p>
                        <p>{t.footer_about}</p>
                        <p><a href="/ethics">{t.ethics_title}</a>" · "<a href="/security-protocol">{t.security_protocol_title}</a>" · "<a href="/reporting">{t.report_compliance_heading}</a>" · "<a href="/consultations">{t.consultation_title}</a>" · "<a href="/api">{t.api_title}</a>" · "<a href="/data">{t.data_title}</a>" · "<a href="/stats">{t.stats_title}</a>" · "<a href="/search">{t.search_title}</a></p>
                    </div>
                </footer>
            </body>
        </html>
    }
}

/// A confirmation shown after an action succeeded (a polite live region).
#[component]
pub fn Notice(#[prop(into)] text: String) -> impl IntoView {
    view! { <div class="notice" role="status">{text}</div> }
}
