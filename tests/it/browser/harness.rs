//! A real Chromium driven through chromedriver, against `qms` served over HTTP on loopback.
//!
//! Every check goes through what a person sees: pages are loaded, typed into and clicked, and
//! after each page the browser's console is read; any error there fails the test. Screenshots go to
//! `target/tmp/screenshots/<journey>/` as the run's artefacts.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use qms::app::{self, Startup};
use serde_json::{Value, json};

use crate::common;

/// Where chromedriver and Chromium are on Debian (packages `chromium-driver` and `chromium`).
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (375, 812);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn program(env: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(default));
    path.exists().then_some(path)
}

/// Chromium and chromedriver, or `None` outside CI when they are not installed. In CI (where
/// `.ci/run` installs them) their absence fails the test run.
pub fn browser_programs() -> Option<(PathBuf, PathBuf)> {
    match (program("QMS_TEST_CHROMEDRIVER", CHROMEDRIVER), program("QMS_TEST_CHROMIUM", CHROMIUM)) {
        (Some(driver), Some(chromium)) => Some((driver, chromium)),
        _ if std::env::var_os("CI").is_some() => {
            panic!("chromium and chromedriver are missing: CI must run the browser tests (.ci/run installs them)")
        }
        _ => {
            common::say_skipped("browser journey", "install Debian's chromium and chromium-driver to run it");
            None
        }
    }
}

/// `qms` as `qms serve` runs it, on a free loopback port, in a thread of its own.
pub struct Site {
    pub base: String,
    pub started: Startup,
    _data: tempfile::TempDir,
    _tree: tempfile::TempDir,
}

impl Site {
    pub fn start(codes: &[&str]) -> Site {
        Self::start_with(codes, |_| {})
    }

    /// A site whose settings `tweak` changes first (the first organisation's name and kind, say).
    pub fn start_with(codes: &[&str], tweak: impl FnOnce(&mut qms::config::Settings)) -> Site {
        let tree = common::small_corpus(codes);
        let data = tempfile::tempdir().unwrap();
        let mut settings = common::settings(data.path(), tree.path());
        tweak(&mut settings);
        let started = common::start(settings);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = started.state.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                actix_web::HttpServer::new(move || app::build(state.clone()))
                    .workers(2)
                    .listen(listener)
                    .expect("listen")
                    .run()
                    .await
            })
        });
        Site { base, started, _data: data, _tree: tree }
    }
}

/// chromedriver and the Chromium it starts, in a process group of their own, all stopped when
/// dropped (also when a test fails halfway and never closes its session).
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn start_driver(path: &Path) -> Driver {
    let port = free_port();
    use std::os::unix::process::CommandExt;
    let child = Command::new(path)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("http://127.0.0.1:{port}/status")).call().is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, port }
}

/// One browser window, its chromedriver, and the journey's screenshot folder.
pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Driver,
    session: String,
    shots: PathBuf,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn open(journey: &str, site: &Site) -> Option<Browser> {
        let (driver_path, chromium) = browser_programs()?;
        let driver = start_driver(&driver_path);
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            // The network here is closed: without these Chromium keeps trying to reach its servers.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=vi",
            &format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        });
        let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("Chromium did not start through chromedriver: {e}"));
        let session = client.session_id().await.unwrap().expect("a WebDriver session");
        let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots").join(journey);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        Some(Browser { client, base: site.base.clone(), driver, session, shots, _profile: profile })
    }

    /// Opens a page by its path and checks the console stayed clean.
    pub async fn visit(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.assert_clean_console(path).await;
    }

    /// Opens a page the server answers with an error status (a 404 page, say): Chromium logs that
    /// status as a console error; any other error still fails the test.
    pub async fn visit_refused(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.assert_console_clean_but_the_page_status().await;
    }

    async fn assert_console_clean_but_the_page_status(&self) {
        let page = self.url().await;
        let errors: Vec<String> = self
            .console_errors()
            .await
            .into_iter()
            .filter(|e| {
                !(e.starts_with(&format!("{page} - ")) && e.contains("the server responded with a status of 4"))
            })
            .collect();
        assert!(errors.is_empty(), "console errors on {page}: {errors:#?}");
    }

    /// The console messages logged at error level since the last call; a failing request for a
    /// page resource (a 404 for a stylesheet, say) is logged here too.
    pub async fn console_errors(&self) -> Vec<String> {
        let url = format!("http://127.0.0.1:{}/session/{}/se/log", self.driver.port, self.session);
        let mut res = ureq::post(&url).send_json(json!({"type": "browser"})).expect("browser log");
        let body: Value = res.body_mut().read_json().expect("log JSON");
        body["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn assert_clean_console(&self, context: &str) {
        let errors = self.console_errors().await;
        assert!(errors.is_empty(), "console errors on {context}: {errors:#?}");
    }

    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.url().await),
        }
    }

    pub async fn url(&self) -> String {
        self.client.current_url().await.map(|u| u.to_string()).unwrap_or_default()
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// Everything visible on the page, as a person reads it.
    pub async fn page_text(&self) -> String {
        self.text_of("body").await
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Sets a date field as the browser's date picker does (typing into one depends on the locale).
    pub async fn set_date(&self, css: &str, iso: &str) {
        let input = self.find(css).await;
        let script = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))";
        self.client.execute(script, vec![serde_json::to_value(&input).unwrap(), json!(iso)]).await.unwrap();
    }

    /// Chooses an option of a `<select>` by its value.
    pub async fn choose(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    /// Clicks and waits for the page that follows to load.
    pub async fn click(&self, css: &str) {
        self.click_and_wait(css).await;
        let here = self.path().await;
        self.assert_clean_console(&here).await;
    }

    /// Clicks something that stays on the page (a button the browser's own form check stops).
    pub async fn press(&self, css: &str) {
        let target = self.find(css).await;
        target.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        self.assert_clean_console(css).await;
    }

    /// Clicks, then waits until another document has replaced this one and finished loading.
    async fn click_and_wait(&self, css: &str) {
        let target = self.find(css).await;
        let before = self.document_origin().await;
        target.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.document_origin().await == before {
            assert!(Instant::now() < deadline, "clicking {css} led nowhere");
            tokio_sleep(50).await;
        }
        self.wait_loaded().await;
    }

    /// When the current document started loading: a new page has a new one.
    async fn document_origin(&self) -> Option<f64> {
        self.client.execute("return performance.timeOrigin", vec![]).await.ok().and_then(|v| v.as_f64())
    }

    /// Submits a form the server is expected to refuse: the page comes back with the problem shown
    /// (409, 422). Chromium logs that status of the page itself as a console error; any
    /// other error still fails the test.
    pub async fn click_refused(&self, css: &str) {
        self.click_and_wait(css).await;
        self.assert_console_clean_but_the_page_status().await;
    }

    async fn wait_loaded(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let state = self.client.execute("return document.readyState", vec![]).await;
            if matches!(state, Ok(Value::String(ref s)) if s == "complete") {
                break;
            }
            assert!(Instant::now() < deadline, "the page did not finish loading");
            tokio_sleep(50).await;
        }
    }

    /// Waits until the page's visible text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.page_text().await.contains(text) {
            assert!(Instant::now() < deadline, "“{text}” never appeared on {}", self.url().await);
            tokio_sleep(100).await;
        }
    }

    /// Signs in through the login form.
    pub async fn sign_in(&self, username: &str) {
        let password =
            if username == "admin" { common::ADMIN_PASSWORD.to_owned() } else { common::password_of(username) };
        self.client.delete_all_cookies().await.unwrap();
        self.visit("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", &password).await;
        self.click("section.login button[type=submit]").await;
        assert_eq!(self.path().await, "/", "{username} is signed in and on the home page");
    }

    /// Saves a screenshot of the whole page at the given width, and checks nothing overflows
    /// sideways (at a phone's width a page must not need horizontal scrolling, but for tables
    /// that scroll inside their own box).
    pub async fn screenshot(&self, name: &str, (width, height): (u32, u32)) {
        self.client.set_window_size(width, height).await.unwrap();
        self.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        // The whole page, not only what fits the window: grow the window to the page's height.
        let tall = self.client.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap();
        let tall = tall.as_u64().unwrap_or(height as u64).clamp(height as u64, 6000) as u32;
        self.client.set_window_size(width, tall).await.unwrap();
        let png = self.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(self.shots.join(format!("{name}-{width}.png")), png).unwrap();
        let overflow = self
            .client
            .execute(
                "const d = document.documentElement; \
                 const scrolls = (e) => { for (let p = e.parentElement; p; p = p.parentElement) \
                   if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; return false; }; \
                 const over = (e) => e.getBoundingClientRect().right > d.clientWidth + 1 && !scrolls(e); \
                 const wide = [...document.querySelectorAll('body *')] \
                   .filter(e => over(e) && ![...e.children].some(over)) \
                   .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + (e.textContent || '').slice(0, 40)); \
                 return [d.scrollWidth - d.clientWidth, wide]",
                vec![],
            )
            .await
            .unwrap();
        self.client.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
        assert!(overflow[0].as_i64().unwrap_or(0) <= 0, "{name} is wider than the window at {width} px: {overflow}");
    }

    /// Screenshots at the desktop and the phone width.
    pub async fn screenshots(&self, name: &str) {
        self.screenshot(name, DESKTOP).await;
        self.screenshot(name, PHONE).await;
        self.assert_clean_console(name).await;
    }

    /// Keeps a file (a printed PDF, say) beside the journey's screenshots.
    pub fn save(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.shots.join(name), bytes).unwrap();
    }

    pub async fn close(self) {
        self.client.close().await.unwrap();
    }
}

pub async fn tokio_sleep(ms: u64) {
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
}
