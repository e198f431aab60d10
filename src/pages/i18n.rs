//! UI labels from `web/i18n/{vi,en}.toml`, embedded in the binary. Vietnamese is the default.

// Every label of a page is looked up by key while it renders; the keys are the templates' own,
// so a fast hash without flooding resistance is the right one.
use foldhash::HashMap;

use chrono::NaiveDate;

const VI: &str = include_str!("../../web/i18n/vi.toml");
const EN: &str = include_str!("../../web/i18n/en.toml");

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn other(self) -> Self {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

/// A date, however many references templates wrap it in.
pub trait AsDate {
    fn as_date(&self) -> NaiveDate;
}

impl AsDate for NaiveDate {
    fn as_date(&self) -> NaiveDate {
        *self
    }
}

impl<T: AsDate + ?Sized> AsDate for &T {
    fn as_date(&self) -> NaiveDate {
        (**self).as_date()
    }
}

/// Both label tables, flattened to dotted keys.
pub struct Catalog {
    vi: HashMap<String, String>,
    en: HashMap<String, String>,
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(t) => flatten(&path, t, out),
            toml::Value::String(s) => {
                out.insert(path, s.clone());
            }
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
}

fn parse(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::default();
    // The files are compiled in and covered by a test, so a parse error cannot reach a user.
    if let Ok(table) = text.parse::<toml::Table>() {
        flatten("", &table, &mut out);
    }
    out
}

impl Catalog {
    pub fn load() -> Self {
        Self { vi: parse(VI), en: parse(EN) }
    }

    pub fn tr(&self, lang: Lang) -> Tr<'_> {
        let labels = match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        };
        Tr { labels, fallback: &self.vi, lang }
    }
}

/// Labels of one language, as templates use them.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    labels: &'a HashMap<String, String>,
    fallback: &'a HashMap<String, String>,
    pub lang: Lang,
}

impl<'a> Tr<'a> {
    /// The label for `key`; the Vietnamese one if missing, the key itself as a last resort.
    pub fn get(&self, key: &str) -> &'a str {
        self.labels.get(key).or_else(|| self.fallback.get(key)).map_or("", |s| s.as_str())
    }

    /// The label for `key` if there is one.
    pub fn find(&self, key: &str) -> Option<&'a str> {
        self.labels.get(key).map(String::as_str)
    }

    /// An error's message in the reader's language: the translation of its code when the
    /// language file has one, else the service's own message (Vietnamese, naming the specifics).
    /// An empty translation means "use the service's message".
    pub fn error(&self, e: &crate::error::AppError) -> String {
        self.find(&format!("error.{}", e.code))
            .filter(|m| !m.is_empty())
            .map_or_else(|| e.message.clone(), str::to_owned)
    }

    /// The label of a change request's status.
    pub fn change_status(&self, status: &crate::domain::change_request::ChangeStatus) -> &'a str {
        self.get(&format!("change.status_{}", status.as_str()))
    }

    /// The label of a kind of change.
    pub fn change_kind(&self, kind: &crate::domain::change_request::ChangeKind) -> &'a str {
        self.get(&format!("change.kind_{}", kind.as_str()))
    }

    /// The label and CSS class of a diff entry.
    pub fn diff_label(&self, change: &crate::markdown::Change) -> &'a str {
        self.get(&format!("change.{}", self.diff_class(change)))
    }

    pub fn diff_class(&self, change: &crate::markdown::Change) -> &'static str {
        match change {
            crate::markdown::Change::Added => "added",
            crate::markdown::Change::Removed => "removed",
            crate::markdown::Change::Changed => "changed",
        }
    }

    /// The label of an enumerated value: `label("audit.status", "planned")` is `audit.status_planned`.
    pub fn label(&self, group: &str, value: &str) -> &'a str {
        self.get(&format!("{group}_{value}"))
    }

    /// The label of a role.
    pub fn role(&self, role: &crate::domain::Role) -> &'a str {
        self.get(&format!("role.{}", role.as_str()))
    }

    /// A date as readers of the language write it (dd/mm/yyyy in Vietnamese).
    pub fn date(&self, date: impl AsDate) -> String {
        let date = date.as_date();
        match self.lang {
            Lang::Vi => date.format("%d/%m/%Y").to_string(),
            Lang::En => date.format("%Y-%m-%d").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_labels() {
        let c = Catalog::load();
        assert!(c.vi.len() > 50, "vi.toml did not parse");
        let mut vi: Vec<_> = c.vi.keys().collect();
        let mut en: Vec<_> = c.en.keys().collect();
        vi.sort();
        en.sort();
        assert_eq!(vi, en);
    }

    /// Every error code reads in both languages: English has its own text; Vietnamese has its own
    /// or, when empty, the service's message, which is always Vietnamese.
    #[test]
    fn every_error_code_is_translated() {
        let c = Catalog::load();
        for code in crate::domain::ErrorCode::ALL {
            let key = format!("error.{code}");
            assert!(c.vi.contains_key(&key), "vi.toml lacks {key}");
            assert!(c.en.get(&key).is_some_and(|t| !t.is_empty()), "en.toml lacks English text for {key}");
        }
    }

    #[test]
    fn dates_follow_the_language() {
        let c = Catalog::load();
        let d = NaiveDate::from_ymd_opt(2019, 8, 1).unwrap();
        assert_eq!(c.tr(Lang::Vi).date(d), "01/08/2019");
        assert_eq!(c.tr(Lang::En).date(d), "2019-08-01");
        assert_eq!(c.tr(Lang::En).get("nav.home"), "Home");
    }
}
