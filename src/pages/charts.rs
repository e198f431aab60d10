//! Small charts for the home page, drawn as SVG on the server: no script to load, they print, and
//! each comes with its numbers as text for screen readers.

/// The home page's charts of the quality system.
pub struct Overview {
    pub findings: Vec<Bar>,
    pub actions: Vec<Bar>,
    pub reissues: Vec<Column>,
    /// The column chart's numbers as one sentence, for screen readers.
    pub reissues_text: String,
}

impl Overview {
    pub fn of(t: &super::i18n::Tr, d: &crate::service::dashboard::Dashboard) -> Self {
        let findings = bars(d.findings_by_type.iter().map(|(k, n)| (t.label("audit.type", k.as_str()).to_owned(), *n)));
        let actions = bars(d.actions_by_status.iter().map(|(s, n)| (t.label("ca.status", s.as_str()).to_owned(), *n)));
        let reissues = columns(&d.reissues_per_month);
        let reissues_text = reissues.iter().map(|c| format!("{}: {}", c.label, c.count)).collect::<Vec<_>>().join("; ");
        Self { findings, actions, reissues, reissues_text }
    }
}

/// One bar of a horizontal bar chart; `percent` of the longest bar.
pub struct Bar {
    pub label: String,
    pub count: i64,
    pub percent: i64,
}

pub fn bars(items: impl IntoIterator<Item = (String, i64)>) -> Vec<Bar> {
    let items: Vec<(String, i64)> = items.into_iter().collect();
    let longest = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    items.into_iter().map(|(label, count)| Bar { label, count, percent: count.max(0) * 100 / longest }).collect()
}

/// One column of a column chart in a 240 × 100 box: 12 columns, 80 units high at most, labels
/// underneath.
pub struct Column {
    /// "11/2026".
    pub label: String,
    /// "11".
    pub short: String,
    pub count: i64,
    pub x: i64,
    pub y: i64,
    pub height: i64,
}

pub const COLUMN_WIDTH: i64 = 14;
const SLOT: i64 = 20;
const TALLEST: i64 = 80;

/// Columns for ("2026-11", count) pairs, oldest first.
pub fn columns(months: &[(String, i64)]) -> Vec<Column> {
    let tallest = months.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    months
        .iter()
        .enumerate()
        .map(|(i, (month, count))| {
            let (year, number) = month.split_once('-').unwrap_or((month.as_str(), ""));
            let height = (*count).max(0) * TALLEST / tallest;
            Column {
                label: format!("{number}/{year}"),
                short: number.to_owned(),
                count: *count,
                x: i as i64 * SLOT + (SLOT - COLUMN_WIDTH) / 2,
                y: TALLEST - height,
                height,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_longest() {
        let b = bars([("a".to_owned(), 4), ("b".to_owned(), 1), ("c".to_owned(), 0)]);
        assert_eq!(b.iter().map(|b| b.percent).collect::<Vec<_>>(), [100, 25, 0]);
        assert!(bars([("none".to_owned(), 0)]).iter().all(|b| b.percent == 0), "no division by zero");
    }

    #[test]
    fn columns_stand_on_one_baseline() {
        let c = columns(&[("2026-10".to_owned(), 2), ("2026-11".to_owned(), 4)]);
        assert_eq!((c[0].y + c[0].height, c[1].y + c[1].height), (TALLEST, TALLEST));
        assert_eq!((c[1].height, c[0].height), (TALLEST, TALLEST / 2));
        assert_eq!((c[1].label.as_str(), c[1].short.as_str()), ("11/2026", "11"));
        assert!(c[1].x > c[0].x + COLUMN_WIDTH, "columns do not overlap");
    }
}
