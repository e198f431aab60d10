//! Durations in the "Thời gian" column of a step table.

use unicode_normalization::UnicodeNormalization;

/// Minutes in a working day (8 hours).
const DAY: f64 = 480.0;

/// Reads the duration a cell starts with: a number (decimal comma or point) and a unit, `giờ`,
/// `ngày` (a working day) or `phút`. `None` when the cell does not start with one.
pub fn parse_duration_minutes(cell: &str) -> Option<u32> {
    let cell: String = cell.trim().nfc().collect::<String>().to_lowercase();
    let number_len = cell.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(cell.len());
    let number: f64 = cell[..number_len].replace(',', ".").parse().ok()?;
    let unit = cell[number_len..].trim_start();
    let per_unit = if unit.starts_with("giờ") {
        60.0
    } else if unit.starts_with("ngày") {
        DAY
    } else if unit.starts_with("phút") {
        1.0
    } else {
        return None;
    };
    let minutes = number * per_unit;
    (0.0..1e7).contains(&minutes).then(|| minutes.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::parse_duration_minutes as p;

    #[test]
    fn reads_days_hours_and_minutes() {
        assert_eq!(p("0,5 ngày"), Some(240));
        assert_eq!(p("02 ngày làm việc"), Some(960));
        assert_eq!(p("4 giờ"), Some(240));
        assert_eq!(p(" 1.5 giờ "), Some(90));
        assert_eq!(p("30 phút"), Some(30));
        assert_eq!(p("1 Ngày"), Some(480));
    }

    #[test]
    fn refuses_cells_without_a_duration() {
        for bad in ["", "Trong ngày", "ngày", "3", "3 tuần", "1,2,3 giờ", "1e999 giờ"] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }
}
