//! The fields (lĩnh vực) of the quality management system, as listed in `fields.yaml`.

use serde::{Deserialize, Serialize};

/// One field: its code and its names in Vietnamese and English.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// True for the field of the mandatory system procedures (HT).
    #[serde(default)]
    pub system: bool,
}

impl Field {
    /// The name in the reader's language (`vi` unless English is asked for).
    pub fn name(&self, lang: &str) -> &str {
        if lang == "en" { &self.name_en } else { &self.name_vi }
    }
}
