//! A browser's view of the portal for HTTP tests: a session cookie, forms with their
//! CSRF token, and sign-in including the second factor of officials.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

use super::TestApp;

/// The password of every demo account.
pub const PASSWORD: &str = "Demo@2026";

/// A browser's view of the portal: its session cookie, and redirects not followed.
pub struct Visitor {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
}

impl Visitor {
    pub fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            client,
            base: app.base.clone(),
            cookie: None,
        }
    }

    fn keep_cookie(&mut self, response: &reqwest::Response) {
        if let Some(set) = response.headers().get(SET_COOKIE) {
            let set = set.to_str().unwrap();
            assert!(
                set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"),
                "{set}"
            );
            let pair = set.split(';').next().unwrap();
            self.cookie = pair
                .split_once('=')
                .map(|(_, v)| v.to_string())
                .filter(|v| !v.is_empty());
        }
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, format!("motcua_sid={cookie}"));
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, format!("motcua_sid={cookie}"));
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    /// The CSRF token of the sign-in form (creating the visitor's session).
    pub async fn csrf(&mut self) -> String {
        let html = self.get("/dang-nhap").await.text().await.unwrap();
        csrf_in(&html)
    }

    pub async fn sign_in(&mut self, identifier: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf().await;
        self.post(
            "/dang-nhap",
            &[
                ("_csrf", &csrf),
                ("dinh_danh", identifier),
                ("mat_khau", password),
            ],
        )
        .await
    }
}

/// A CSRF token from whichever page this visitor can see with a form.
pub async fn any_csrf(visitor: &mut Visitor) -> String {
    for page in [
        "/tai-khoan",
        "/dang-nhap/thiet-lap-xac-thuc",
        "/dang-nhap/xac-thuc",
        "/dang-nhap",
    ] {
        let response = visitor.get(page).await;
        if response.status() == StatusCode::OK {
            let html = response.text().await.unwrap();
            if html.contains("name=\"_csrf\"") {
                return csrf_in(&html);
            }
        }
    }
    panic!("no page with a form for this visitor")
}

pub fn csrf_in(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .expect("a CSRF field")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

pub fn secret_in(html: &str) -> Vec<u8> {
    let grouped = html
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    motcua_domain::totp::base32_decode(grouped).expect("a base32 secret")
}

pub fn code_now(secret: &[u8], steps_ahead: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    format!(
        "{:06}",
        motcua_domain::totp::code(secret, now / 30 + steps_ahead)
    )
}

/// Enrols a second factor for a freshly signed-in official or administrator.
pub async fn pass_second_factor(visitor: &mut Visitor) {
    let enrol = visitor
        .get("/dang-nhap/thiet-lap-xac-thuc")
        .await
        .text()
        .await
        .unwrap();
    let secret = secret_in(&enrol);
    let code = code_now(&secret, 0);
    let response = visitor
        .post(
            "/dang-nhap/thiet-lap-xac-thuc",
            &[("_csrf", &csrf_in(&enrol)), ("ma", &code)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

impl Visitor {
    /// Signs in with the demo password and, for officials and administrators, enrols
    /// and passes the second factor: the visitor then holds every power of the account.
    pub async fn sign_in_fully(&mut self, identifier: &str) {
        let response = self.sign_in(identifier, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{identifier}");
        let next = response.headers()[reqwest::header::LOCATION]
            .to_str()
            .unwrap()
            .to_string();
        if next.starts_with("/dang-nhap/xac-thuc") {
            pass_second_factor(self).await;
        }
    }
}

/// A session made directly in the database for the account signed in with
/// `identifier`, as signing in (and, with `second_factor`, the second factor) would
/// make it: for tests about what a signed-in visitor may do, not about signing in.
pub async fn minted_session(
    app: &TestApp,
    db: &motcua_store::Db,
    identifier: &str,
    second_factor: bool,
) -> (Visitor, String) {
    let (account, _) = db
        .account_for_sign_in(identifier)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no account {identifier}"));
    let (token, session) = db
        .create_session(Some(account.id), 3_600_000_000, "127.0.0.1", "test")
        .await
        .unwrap();
    if second_factor {
        db.mark_second_factor(&session.id_hash).await.unwrap();
    }
    let mut visitor = Visitor::new(app);
    visitor.cookie = Some(token);
    (visitor, session.csrf_token)
}

/// Undoes the HTML escaping of the templates.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of an attribute in one tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// What a browser would submit for the first form whose action is `action`, unchanged:
/// inputs (checked boxes only), text areas, and the selected option of each select.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let end = html[start..].find("</form>").expect("a closed form") + start;
    let form = &html[start..end];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let tag_end = rest.find('>').expect("a closed tag");
        let tag = format!(" {}", &rest[..tag_end]);
        let kind = rest.split([' ', '>']).next().unwrap_or("");
        match kind {
            "input" => {
                let Some(name) = attribute(&tag, "name") else {
                    continue;
                };
                let checkable = matches!(
                    attribute(&tag, "type").as_deref(),
                    Some("checkbox" | "radio")
                );
                if checkable && !tag.contains(" checked") {
                    continue;
                }
                fields.push((name, attribute(&tag, "value").unwrap_or_default()));
            }
            "textarea" => {
                let name = attribute(&tag, "name").expect("a named text area");
                let body = &rest[tag_end + 1..];
                let close = body.find("</textarea>").expect("a closed text area");
                fields.push((name, unescape(&body[..close])));
            }
            "select" => {
                let name = attribute(&tag, "name").expect("a named select");
                let body = &rest[tag_end + 1..];
                let close = body.find("</select>").expect("a closed select");
                let options: Vec<&str> = body[..close].split("<option").skip(1).collect();
                let chosen = options
                    .iter()
                    .find(|o| o.contains(" selected"))
                    .or(options.first())
                    .and_then(|o| attribute(o, "value"))
                    .unwrap_or_default();
                fields.push((name, chosen));
            }
            _ => {}
        }
    }
    fields
}

/// Sets the first field named `name` (adding it when absent).
pub fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

impl Visitor {
    /// Posts fields given as owned pairs (e.g. from [`form_fields`]).
    pub async fn post_pairs(
        &mut self,
        path: &str,
        fields: &[(String, String)],
    ) -> reqwest::Response {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post(path, &borrowed).await
    }
}
